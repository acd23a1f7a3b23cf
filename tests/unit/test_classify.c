/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Classification: events built by hand, through the pure classify() and
 * classify_details(): route, kind, control, asset, subject, outcome, event
 * key and time stamp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "classify.h"
#include "event.h"
#include "plugin_config.h"
#include "isms/strutil.h"

/* 2023-11-14T22:13:20Z */
#define T0 1700000000

static struct aev *new_event(int type, const char *type_name)
{
	struct aev *e = malloc(sizeof(*e));

	assert_non_null(e);
	aev_reset(e);
	e->sec = T0;
	e->milli = 5;
	e->serial = 42;
	e->type = type;
	e->type_name = type_name;
	e->types[0] = type;
	e->nrecords = 1;
	return e;
}

static void config(struct plugin_config *c, const char *json)
{
	char err[256];

	if (plugin_config_parse(json, strlen(json), c, err, sizeof(err)) != 0)
		fail_msg("config rejected: %s", err);
}

static const char *const BASE_CONFIG =
	"{\"asset\": \"host-a\","
	" \"keys\": {"
	"  \"isms-watch\": {\"asset\": \"web01\", \"control\": \"8.9\"},"
	"  \"web-*\": {\"asset\": \"website\", \"kind\": \"web.change\"},"
	"  \"passwd-changes\": {\"control\": \"5.16\", \"kind\": \"account.file\"}"
	" },"
	" \"nodes\": {\"db-node\": \"database\"}}";

static void test_type_table(void **state)
{
	static const struct {
		int type;
		const char *kind;    /* with res=success */
		const char *control;
	} cases[] = {
		{1100, "auth.success", "5.17"},           /* USER_AUTH */
		{1101, "account.success", "5.15"},        /* USER_ACCT */
		{1102, "account.change", "5.16"},         /* USER_MGMT */
		{1103, "cred.acquire.success", "5.17"},   /* CRED_ACQ */
		{1104, "cred.dispose.success", "5.17"},   /* CRED_DISP */
		{1105, "session.start.success", "8.15"},  /* USER_START */
		{1106, "session.end.success", "8.15"},    /* USER_END */
		{1107, "mac.user", "8.16"},               /* USER_AVC */
		{1108, "auth.change.success", "5.17"},    /* USER_CHAUTHTOK */
		{1109, "account.error.success", "5.16"},  /* USER_ERR */
		{1110, "cred.refresh.success", "5.17"},   /* CRED_REFR */
		{1112, "login.success", "8.5"},           /* USER_LOGIN */
		{1113, "logout.success", "8.15"},         /* USER_LOGOUT */
		{1114, "account.change", "5.16"},         /* ADD_USER */
		{1115, "account.change", "5.16"},         /* DEL_USER */
		{1116, "account.change", "5.16"},         /* ADD_GROUP */
		{1117, "account.change", "5.16"},         /* DEL_GROUP */
		{1123, "priv.command.success", "8.2"},    /* USER_CMD (sudo) */
		{1126, "auth.group.success", "5.17"},     /* GRP_AUTH */
		{1132, "account.change", "5.16"},         /* GRP_MGMT */
		{1200, "audit.daemon", "8.15"},           /* DAEMON_START */
		{1201, "audit.daemon", "8.15"},           /* DAEMON_END */
		{1202, "audit.daemon", "8.15"},           /* DAEMON_ABORT */
		{1203, "audit.daemon", "8.15"},           /* DAEMON_CONFIG */
		{1305, "audit.config", "8.15"},           /* CONFIG_CHANGE */
		{1400, "mac.avc", "8.16"},                /* AVC */
		{1700, "anomaly", "8.16"},                /* ANOM_PROMISCUOUS */
		{1701, "anomaly", "8.16"},                /* ANOM_ABEND */
		{2100, "anomaly", "8.16"},                /* ANOM_LOGIN_FAILURES */
		{2103, "anomaly", "8.16"},                /* ANOM_ROOT_TRANS */
		{2300, "role.change.success", "5.18"},    /* USER_ROLE_CHANGE */
		{2301, "role.change.success", "5.18"},    /* ROLE_ASSIGN */
		{2302, "role.change.success", "5.18"},    /* ROLE_REMOVE */
		{2311, "role.change.success", "5.18"},    /* ROLE_MODIFY */
	};
	struct plugin_config c;

	(void)state;
	plugin_config_default(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct aev *e = new_event(cases[i].type, "T");
		struct classified cl;

		e->res = "success";
		classify(e, &c, &cl);
		if (cl.route != ROUTE_ISMS || strcmp(cl.kind, cases[i].kind) != 0 ||
		    strcmp(cl.control, cases[i].control) != 0)
			fail_msg("type %d: route %d kind '%s' control '%s', wanted '%s' '%s'",
				 cases[i].type, cl.route, cl.kind, cl.control ? cl.control : "(null)",
				 cases[i].kind, cases[i].control);
		/* Types with an outcome in the kind say failure too. */
		e->res = "failed";
		classify(e, &c, &cl);
		assert_string_equal(cl.outcome, "failure");
		if (strstr(cases[i].kind, ".success")) {
			char want[64];

			snprintf(want, sizeof(want), "%.*s.failure",
				 (int)(strlen(cases[i].kind) - strlen(".success")), cases[i].kind);
			assert_string_equal(cl.kind, want);
		} else {
			assert_string_equal(cl.kind, cases[i].kind);
		}
		free(e);
	}
	plugin_config_release(&c);
}

static void test_outcomes(void **state)
{
	static const struct {
		const char *res, *success, *outcome;
	} cases[] = {
		{"success", NULL, "success"}, {"failed", NULL, "failure"}, {"1", NULL, "success"},
		{"0", NULL, "failure"},       {"yes", NULL, "success"},    {"no", NULL, "failure"},
		{NULL, "yes", "success"},     {NULL, "no", "failure"},     {NULL, NULL, NULL},
		/* res= wins over success= when both are there */
		{"success", "no", "success"},
	};
	struct plugin_config c;

	(void)state;
	plugin_config_default(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct aev *e = new_event(1100, "USER_AUTH");
		struct classified cl;

		e->res = cases[i].res;
		e->success = cases[i].success;
		classify(e, &c, &cl);
		if (cases[i].outcome)
			assert_string_equal(cl.outcome, cases[i].outcome);
		else
			assert_null(cl.outcome);
		/* No outcome known: the kind has none either. */
		if (!cases[i].outcome)
			assert_string_equal(cl.kind, "auth");
		free(e);
	}
	plugin_config_release(&c);
}

static void test_keyed_syscall_with_path(void **state)
{
	struct plugin_config c;
	struct aev *e = new_event(1300, "SYSCALL");
	struct classified cl;

	(void)state;
	plugin_config_default(&c);
	e->key = "some-key";
	e->success = "yes";
	e->paths[e->npaths++] = "/etc/shadow";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "file.watch");
	assert_string_equal(cl.control, "8.15");
	assert_string_equal(cl.outcome, "success");
	assert_null(cl.asset); /* no asset configured for local events */
	free(e);
	plugin_config_release(&c);
}

static void test_keyed_syscall_without_path(void **state)
{
	struct plugin_config c;
	struct aev *e = new_event(1300, "SYSCALL");
	struct classified cl;

	(void)state;
	config(&c, BASE_CONFIG);
	e->key = "isms-prio";
	e->success = "no";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "syscall.key");
	assert_string_equal(cl.control, "8.15");
	assert_string_equal(cl.outcome, "failure");
	assert_string_equal(cl.asset, "host-a");
	free(e);
	plugin_config_release(&c);
}

static void test_key_map(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e;

	(void)state;
	config(&c, BASE_CONFIG);
	/* exact key: asset and control from the map, kind from the event */
	e = new_event(1300, "SYSCALL");
	e->key = "isms-watch";
	e->paths[e->npaths++] = "/srv/www/index.html";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "file.watch");
	assert_string_equal(cl.control, "8.9");
	assert_string_equal(cl.asset, "web01");

	/* prefix 'web-*': asset and kind from the map, control the default */
	e->key = "web-config";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "web.change");
	assert_string_equal(cl.control, "8.15");
	assert_string_equal(cl.asset, "website");
	e->key = "web-";
	classify(e, &c, &cl);
	assert_string_equal(cl.asset, "website");
	/* the prefix needs its '-' */
	e->key = "webconfig";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "file.watch");
	assert_string_equal(cl.asset, "host-a");

	/* no asset in the map: the event's own asset */
	e->key = "passwd-changes";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "account.file");
	assert_string_equal(cl.control, "5.16");
	assert_string_equal(cl.asset, "host-a");

	/* a mapped key's asset wins over the node's */
	e->key = "isms-watch";
	e->node = "db-node";
	classify(e, &c, &cl);
	assert_string_equal(cl.asset, "web01");
	e->key = "unmapped";
	classify(e, &c, &cl);
	assert_string_equal(cl.asset, "database");
	free(e);
	plugin_config_release(&c);
}

static void test_several_keys(void **state)
{
	/* auditctl -k a -k b: the rule's keys arrive joined by ','; any mapped one applies. */
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1300, "SYSCALL");

	(void)state;
	config(&c, BASE_CONFIG);
	e->paths[e->npaths++] = "/srv/www/conf";
	e->key = "unmapped,web-config";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "web.change");
	assert_string_equal(cl.asset, "website");
	e->key = "isms-watch,web-config";
	classify(e, &c, &cl);
	assert_string_equal(cl.asset, "web01");
	assert_string_equal(cl.control, "8.9");
	e->key = "a,b";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "file.watch");
	assert_string_equal(cl.asset, "host-a");
	/* personal data among the keys: the DPMS's, whatever else matched */
	e->key = "isms-watch,dpms:hr-files";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_DPMS);
	free(e);
	plugin_config_release(&c);
}

static void test_dpms_keys(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1300, "SYSCALL");

	(void)state;
	config(&c, "{\"keys\": {\"*\": {\"asset\": \"everything\"}}}");
	e->key = "dpms:customer-db";
	e->paths[e->npaths++] = "/var/lib/crm/customers.db";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_DPMS);
	assert_string_equal(cl.kind, "personal-data.access"); /* no syscall: cannot tell */
	assert_string_equal(cl.control, "5.34");
	/* still routable: the event key is there */
	assert_string_equal(cl.event_key, "audit::1700000000.005:42");
	/* the activity is the rest of the key, and it is the evidence's asset */
	assert_string_equal(cl.activity, "customer-db");
	assert_string_equal(cl.asset, "customer-db");
	/* what was done, from the syscall and its open flags */
	e->syscall_name = "openat";
	e->a2 = "0";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "personal-data.read");
	e->a2 = "241"; /* O_WRONLY|O_CREAT|O_TRUNC */
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "personal-data.write");
	e->syscall_name = "unlinkat";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "personal-data.delete");
	/* 'dpms' alone or 'DPMS:' is not the reserved prefix (keys are case-sensitive) */
	e->key = "dpms";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.asset, "everything");
	e->key = "DPMS:x";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	free(e);
	plugin_config_release(&c);
}

static void test_default_keys(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1300, "SYSCALL");

	(void)state;
	plugin_config_default(&c);
	e->key = "time-change";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "time.change");
	assert_string_equal(cl.control, "8.17");
	/* identity: the group files are access rights */
	e->key = "identity";
	e->paths[e->npaths++] = "/etc/passwd";
	classify(e, &c, &cl);
	assert_string_equal(cl.control, "5.16");
	e->paths[e->npaths++] = "/etc/gshadow+";
	classify(e, &c, &cl);
	assert_string_equal(cl.control, "5.18");
	/* a configured key wins, also over a default on an earlier key */
	plugin_config_release(&c);
	config(&c, "{\"keys\": {\"identity\": {\"control\": \"5.15\"}, \"mine\": {\"control\": \"8.9\"}}}");
	classify(e, &c, &cl);
	assert_string_equal(cl.control, "5.15");
	assert_string_equal(cl.kind, "file.watch");
	e->key = "privileged,mine";
	classify(e, &c, &cl);
	assert_string_equal(cl.control, "8.9");
	plugin_config_release(&c);
	/* and the built-in map can be turned off */
	config(&c, "{\"default_keys\": false}");
	e->key = "privileged";
	classify(e, &c, &cl);
	assert_string_equal(cl.control, "8.15");
	assert_string_equal(cl.kind, "file.watch");
	free(e);
	plugin_config_release(&c);
}

static void test_ops(void **state)
{
	static const struct {
		int type;
		const char *op, *res, *kind, *control;
	} cases[] = {
		{1108, "adding user to group", "success", "group.member.success", "5.18"},
		{1108, "add-user-to-shadow-group", "success", "group.member.success", "5.18"},
		{1108, "removing user from shadow group", "success", "group.member.success", "5.18"},
		{1108, "changing primary group", "failed", "group.member.failure", "5.18"},
		{1108, "updating passwd", "failed", "account.lock", "5.18"}, /* usermod -L */
		{1108, "updating-passwd", "success", "account.lock", "5.18"},
		{1108, "updating password", "failed", "account.unlock", "5.18"},
		{1108, "changing expiration date", "success", "account.expiry.success", "5.18"},
		{1108, "change max age", "success", "auth.ageing.success", "5.17"},
		{1108, "changing password", "success", "auth.change.success", "5.17"},
		{1108, "PAM:chauthtok", "success", "auth.change.success", "5.17"},
		{1108, "changing user shell", "success", "account.change", "5.16"},
		{1108, NULL, "success", "auth.change.success", "5.17"},
		{1102, "add-user-to-group", "success", "group.member.success", "5.18"},
		{1115, "deleting user from group", "success", "group.member.success", "5.18"},
		{1116, "adding group to /etc/group", "success", "account.change", "5.16"},
		{1116, "", "success", "account.change", "5.16"},
		{1101, "user alice added by root to group g", "success", "group.member.success", "5.18"},
		{1101, "PAM:accounting", "success", "account.success", "5.15"},
		{1108, "password of group g removed by root", "success", "auth.change.success", "5.17"},
		{1133, "delete-group-password", "success", "auth.change.success", "5.17"},
		{1136, "locked-password", "success", "account.lock", "5.18"}, /* ACCT_LOCK */
	};
	struct plugin_config c;

	(void)state;
	plugin_config_default(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct aev *e = new_event(cases[i].type, "T");
		struct classified cl;

		e->op = cases[i].op;
		e->res = cases[i].res;
		classify(e, &c, &cl);
		if (cl.route != ROUTE_ISMS || strcmp(cl.kind, cases[i].kind) != 0 ||
		    strcmp(cl.control, cases[i].control) != 0)
			fail_msg("%d '%s': kind '%s' control '%s', wanted '%s' '%s'", cases[i].type,
				 cases[i].op ? cases[i].op : "(null)", cl.kind,
				 cl.control ? cl.control : "(null)", cases[i].kind, cases[i].control);
		free(e);
	}
	plugin_config_release(&c);
}

static void test_classify_access(void **state)
{
	(void)state;
	/* by name: parse.c names the number by the record's arch= */
	assert_string_equal(classify_access("openat", "7ffd", "0", NULL), "read");
	assert_string_equal(classify_access("openat", "7ffd", "2", NULL), "write"); /* O_RDWR */
	assert_string_equal(classify_access("openat", "7ffd", "80000", NULL), "read"); /* O_CLOEXEC */
	assert_string_equal(classify_access("open", "1", NULL, NULL), "write");     /* flags in a1 */
	assert_string_equal(classify_access("open_by_handle_at", "3", "1", NULL), "write");
	assert_string_equal(classify_access("openat", "7ffd", "zz", NULL), "access");
	assert_string_equal(classify_access("openat", "7ffd", NULL, NULL), "access");
	assert_string_equal(classify_access("rename", NULL, NULL, NULL), "write");
	assert_string_equal(classify_access("unlink", NULL, NULL, NULL), "delete");
	assert_string_equal(classify_access("fchmodat", NULL, NULL, NULL), "attr");
	assert_string_equal(classify_access("chown32", NULL, NULL, NULL), "attr"); /* i386 */
	assert_string_equal(classify_access("execve", NULL, NULL, NULL), "exec");
	assert_string_equal(classify_access("getdents64", NULL, NULL, NULL), "access");
	assert_string_equal(classify_access(NULL, NULL, NULL, NULL), "access");
	/* A number means a call only with its arch: x86_64's 257 is i386's
	 * vserver, its 2 i386's fork.  Decided on purpose: no guess. */
	assert_string_equal(classify_access("257", "7ffd", "0", NULL), "access");
	assert_string_equal(classify_access("2", "0", "1b6", NULL), "access");
	/* openat2: a2 is a pointer to struct open_how, never flags; the flags
	 * come from the OPENAT2 record, in octal */
	assert_string_equal(classify_access("openat2", "7ffd", "7ffe2ac46ae0", NULL), "access");
	assert_string_equal(classify_access("openat2", "7ffd", "7ffe2ac46ae0", "0"), "read");
	assert_string_equal(classify_access("openat2", "7ffd", "7ffe2ac46ae0", "02000000"), "read");
	assert_string_equal(classify_access("openat2", "7ffd", "0", "01101"), "write");
	assert_string_equal(classify_access("openat2", "7ffd", "0", "02"), "write");
	assert_string_equal(classify_access("openat2", "7ffd", "0", "9"), "access"); /* not octal */
}

static void test_pam_isms_link(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1101, "USER_ACCT");
	char details[4096];
	struct json_object *o, *v;
	size_t n;

	(void)state;
	config(&c, BASE_CONFIG);
	e->op = "isms-access";
	e->acct = "alice";
	e->rule = "staff";
	e->decision = "deny";
	e->res = "failed";
	e->isms_evidence = "pam:vm:2026-11-27T22:20:25Z:30572:378e4da5200f9c67";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_LINK);
	assert_string_equal(cl.link_key, e->isms_evidence);
	assert_string_equal(cl.kind, "access.deny");
	assert_string_equal(cl.control, "5.15");
	assert_string_equal(cl.outcome, "deny");
	assert_string_equal(cl.subject, "alice");
	assert_string_equal(cl.asset, "host-a");
	n = classify_details(e, &cl, details, sizeof(details));
	o = json_tokener_parse(details);
	assert_non_null(o);
	assert_int_equal(n, strlen(details));
	assert_true(json_object_object_get_ex(o, "rule", &v));
	assert_string_equal(json_object_get_string(v), "staff");
	assert_true(json_object_object_get_ex(o, "via", &v));
	assert_string_equal(json_object_get_string(v), "audit");
	json_object_put(o);

	/* root's access evidences privileged access (8.2) */
	e->acct = "root";
	e->decision = "allow";
	e->res = "success";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "access.allow");
	assert_string_equal(cl.control, "8.2");

	/* no decision= in the record: the result says which */
	e->decision = NULL;
	e->res = "failed";
	classify(e, &c, &cl);
	assert_string_equal(cl.kind, "access.deny");

	/* without evidence= it is an ordinary USER_ACCT */
	e->isms_evidence = NULL;
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "account.failure");
	/* and another op with evidence= is not pam_isms's either */
	e->isms_evidence = "pam:x";
	e->op = "PAM:accounting";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_null(cl.link_key);
	free(e);
	plugin_config_release(&c);
}

static void test_unkeyed_syscall(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1300, "SYSCALL");

	(void)state;
	plugin_config_default(&c);
	e->success = "yes";
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_DROP);
	/* the event key is made all the same: dropped events are counted */
	assert_string_equal(cl.event_key, "audit::1700000000.005:42");
	c.keep_unkeyed_syscalls = true;
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "syscall");
	assert_string_equal(cl.control, "8.15");
	free(e);
	plugin_config_release(&c);
}

static void test_unknown_types(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1111, "USYS_CONFIG");

	(void)state;
	plugin_config_default(&c);
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_DROP);
	/* Labels, exports, devices are not role changes, though next to them. */
	for (int t = 2303; t <= 2310; t++) {
		e->type = t;
		classify(e, &c, &cl);
		assert_int_equal(cl.route, ROUTE_DROP);
	}
	e->type = 1111;
	c.keep_all_user = true;
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_ISMS);
	assert_string_equal(cl.kind, "user.message");
	/* a kernel type never counts as a user message */
	e->type = 1327; /* PROCTITLE alone */
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_DROP);
	e->type = 1320; /* EOE alone */
	classify(e, &c, &cl);
	assert_int_equal(cl.route, ROUTE_DROP);
	free(e);
	plugin_config_release(&c);
}

static void test_subject_fallbacks(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1100, "USER_AUTH");

	(void)state;
	plugin_config_default(&c);
	/* at the front door: the account that authenticates */
	e->acct = "alice";
	e->auid_name = "bob";
	e->auid = "1001";
	e->uid_name = "root";
	e->uid = "0";
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "alice");
	assert_string_equal(cl.target, "alice");
	assert_string_equal(cl.actor, "bob");
	/* unknown account: who acted, the login user by name */
	e->acct = "?";
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "bob");
	assert_null(cl.target);
	e->acct = "(unknown)";
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "bob");
	/* no login user by name (raw format): the login uid */
	e->auid_name = NULL;
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "1001");
	/* no login user at all: who the process ran as */
	e->auid_name = "unset";
	e->auid = "4294967295";
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "root");
	e->auid = "-1";
	e->uid_name = NULL;
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "0");
	e->uid = NULL;
	classify(e, &c, &cl);
	assert_null(cl.subject);
	free(e);

	/* account management: the actor, whether the record says acct= or id= */
	e = new_event(1108, "USER_CHAUTHTOK");
	e->op = "adding user to group";
	e->acct = "carol";
	e->auid_name = "admin";
	e->auid = "1002";
	e->uid = "0";
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "admin");
	assert_string_equal(cl.target, "carol");
	e->op = "updating passwd";
	e->acct = NULL;
	e->id = "1003";
	e->id_name = "carol";
	classify(e, &c, &cl);
	assert_string_equal(cl.subject, "admin");
	assert_string_equal(cl.target, "carol");
	/* an account logged before it existed: its number */
	e->id_name = "unknown(1003)";
	classify(e, &c, &cl);
	assert_string_equal(cl.target, "1003");
	free(e);
	plugin_config_release(&c);
}

static void test_event_key_and_ts(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1100, "USER_AUTH");

	(void)state;
	plugin_config_default(&c);
	classify(e, &c, &cl);
	assert_string_equal(cl.event_key, "audit::1700000000.005:42");
	assert_string_equal(cl.ts, "2023-11-14T22:13:20.005Z");
	e->node = "web-01.example.org";
	e->milli = 999;
	e->serial = 4294967295UL;
	e->sec = 0;
	classify(e, &c, &cl);
	assert_string_equal(cl.event_key, "audit:web-01.example.org:0.999:4294967295");
	assert_string_equal(cl.ts, "1970-01-01T00:00:00.999Z");
	/* the node is the asset unless mapped */
	assert_string_equal(cl.asset, "web-01.example.org");
	/* same serial and time, another node: another event */
	e->node = "web-02";
	classify(e, &c, &cl);
	assert_string_equal(cl.event_key, "audit:web-02:0.999:4294967295");
	free(e);
	plugin_config_release(&c);
}

static void test_details(void **state)
{
	struct plugin_config c;
	struct classified cl;
	struct aev *e = new_event(1300, "SYSCALL");
	char details[8192];
	struct json_object *o, *v;
	size_t n;

	(void)state;
	plugin_config_default(&c);
	e->node = "n1";
	e->key = "isms-watch";
	e->exe = "/usr/bin/cat";
	e->comm = "cat";
	e->syscall_name = "openat";
	e->auid = "1000";
	e->uid = "0";
	e->success = "yes";
	e->hostname = "?"; /* unknowns are left out */
	e->paths[e->npaths++] = "/etc/a b";
	e->paths[e->npaths++] = "/etc/\xff";
	e->nrecords = 4;
	e->raw = "type=SYSCALL msg=audit(1700000000.005:42): key=\"isms-watch\"";
	e->raw_truncated = 1;
	classify(e, &c, &cl);
	n = classify_details(e, &cl, details, sizeof(details));
	assert_int_equal(n, strlen(details));
	assert_true(isms_text_ok(details));
	o = json_tokener_parse(details);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "type", &v));
	assert_string_equal(json_object_get_string(v), "SYSCALL");
	assert_true(json_object_object_get_ex(o, "serial", &v));
	assert_int_equal(json_object_get_int64(v), 42);
	assert_true(json_object_object_get_ex(o, "node", &v));
	assert_string_equal(json_object_get_string(v), "n1");
	assert_true(json_object_object_get_ex(o, "syscall", &v));
	assert_string_equal(json_object_get_string(v), "openat");
	assert_false(json_object_object_get_ex(o, "hostname", &v));
	assert_true(json_object_object_get_ex(o, "paths", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "/etc/a b");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "/etc/\\xff");
	assert_true(json_object_object_get_ex(o, "records", &v));
	assert_int_equal(json_object_get_int(v), 4);
	assert_true(json_object_object_get_ex(o, "raw_truncated", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(o);

	/* cut short: still JSON, and says so */
	n = classify_details(e, &cl, details, 120);
	o = json_tokener_parse(details);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "truncated", &v));
	json_object_put(o);
	free(e);
	plugin_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_table),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_keyed_syscall_with_path),
		cmocka_unit_test(test_keyed_syscall_without_path),
		cmocka_unit_test(test_key_map),
		cmocka_unit_test(test_several_keys),
		cmocka_unit_test(test_dpms_keys),
		cmocka_unit_test(test_classify_access),
		cmocka_unit_test(test_default_keys),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_pam_isms_link),
		cmocka_unit_test(test_unkeyed_syscall),
		cmocka_unit_test(test_unknown_types),
		cmocka_unit_test(test_subject_fallbacks),
		cmocka_unit_test(test_event_key_and_ts),
		cmocka_unit_test(test_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
