/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Classification: what an audit event is evidence of.  Pure: data in, data
 * out.  The table maps record types to a kind and the ISO/IEC 27001:2022
 * Annex A control the event evidences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "jsonw.h"
#include "isms/strutil.h"

#define OUTCOME 0x1 /* kind gets .success / .failure from res= */

static const struct type_rule {
	int first, last;
	const char *kind;
	const char *control;
	unsigned flags;
} type_rules[] = {
	{1100, 1100, "auth", "5.17", OUTCOME},            /* USER_AUTH */
	{1101, 1101, "account", "5.15", OUTCOME},         /* USER_ACCT */
	{1102, 1102, "account.change", "5.16", 0},        /* USER_MGMT */
	{1103, 1103, "cred.acquire", "5.17", OUTCOME},    /* CRED_ACQ */
	{1104, 1104, "cred.dispose", "5.17", OUTCOME},    /* CRED_DISP */
	{1105, 1105, "session.start", "8.15", OUTCOME},   /* USER_START */
	{1106, 1106, "session.end", "8.15", OUTCOME},     /* USER_END */
	{1107, 1107, "mac.user", "8.16", 0},              /* USER_AVC */
	{1108, 1108, "auth.change", "5.17", OUTCOME},     /* USER_CHAUTHTOK */
	{1109, 1109, "account.error", "5.16", OUTCOME},   /* USER_ERR */
	{1110, 1110, "cred.refresh", "5.17", OUTCOME},    /* CRED_REFR */
	{1112, 1112, "login", "8.5", OUTCOME},            /* USER_LOGIN */
	{1113, 1113, "logout", "8.15", OUTCOME},          /* USER_LOGOUT */
	{1114, 1117, "account.change", "5.16", 0},        /* ADD/DEL_USER, ADD/DEL_GROUP */
	{1123, 1123, "priv.command", "8.2", OUTCOME},     /* USER_CMD (sudo) */
	{1126, 1126, "auth.group", "5.17", OUTCOME},      /* GRP_AUTH */
	{1132, 1132, "account.change", "5.16", 0},        /* GRP_MGMT */
	{1133, 1133, "auth.change", "5.17", OUTCOME},     /* GRP_CHAUTHTOK */
	{1135, 1135, "account.unlock", "5.18", 0},        /* ACCT_UNLOCK */
	{1136, 1136, "account.lock", "5.18", 0},          /* ACCT_LOCK */
	{1200, 1299, "audit.daemon", "8.15", 0},          /* DAEMON_* */
	{1305, 1305, "audit.config", "8.15", 0},          /* CONFIG_CHANGE */
	{1400, 1400, "mac.avc", "8.16", 0},               /* AVC */
	{1700, 1799, "anomaly", "8.16", 0},               /* ANOM_* (kernel) */
	{2100, 2199, "anomaly", "8.16", 0},               /* ANOM_* (user space) */
	{2300, 2302, "role.change", "5.18", OUTCOME},     /* USER_ROLE_CHANGE, ROLE_ASSIGN/REMOVE */
	{2311, 2311, "role.change", "5.18", OUTCOME},     /* ROLE_MODIFY */
};

/*
 * Account management records say what they did only in op=: shadow-utils
 * writes USER_CHAUTHTOK for a password change and for usermod -aG ("adding
 * user to group") and -L ("updating passwd") alike; newer releases write
 * the same words with '-' ("add-user-to-group").  Compared with '-' as ' ',
 * in order; the first match decides.  EXACT: the whole op, else a part.
 */
#define EXACT 0x2

static const struct op_rule {
	const char *op;
	const char *kind;
	const char *control;
	unsigned flags;
} op_rules[] = {
	/* usermod -L and -U; shadow-utils 4.13 writes res=failed for both
	 * however they end, so the kind does not take res= */
	{"updating passwd", "account.lock", "5.18", EXACT},
	{"locked password", "account.lock", "5.18", EXACT},
	{"updating password", "account.unlock", "5.18", EXACT},
	{"unlocked password", "account.unlock", "5.18", EXACT},
	/* gpasswd -r (4.13: "password of group g removed by root") */
	{"password of group", "auth.change", "5.17", OUTCOME},
	/* group membership: usermod -aG/-g, gpasswd, userdel, useradd -G */
	{"to group", "group.member", "5.18", OUTCOME},
	{"to shadow group", "group.member", "5.18", OUTCOME},
	{"from group", "group.member", "5.18", OUTCOME},
	{"from shadow group", "group.member", "5.18", OUTCOME},
	{"group member", "group.member", "5.18", OUTCOME},
	{"member in ", "group.member", "5.18", OUTCOME},
	{"primary group", "group.member", "5.18", OUTCOME},
	{"of group", "group.member", "5.18", OUTCOME},
	{"in shadow group", "group.member", "5.18", OUTCOME},
	{"restrict group", "group.member", "5.18", OUTCOME},
	/* the end of an account's access */
	{"expiration date", "account.expiry", "5.18", OUTCOME},
	{"inactive days", "account.expiry", "5.18", OUTCOME},
	/* chage: password ageing */
	{"change age", "auth.ageing", "5.17", OUTCOME},
	{"max age", "auth.ageing", "5.17", OUTCOME},
	{"min age", "auth.ageing", "5.17", OUTCOME},
	{"last change date", "auth.ageing", "5.17", OUTCOME},
	{"passwd warning", "auth.ageing", "5.17", OUTCOME},
	{"passwd expiration", "auth.ageing", "5.17", OUTCOME},
	{"aging information", "auth.ageing", "5.17", OUTCOME},
	{"expired password", "auth.ageing", "5.17", OUTCOME},
	{"display aging info", "auth.ageing", "5.17", OUTCOME},
	/* passwords themselves */
	{"PAM:chauthtok", "auth.change", "5.17", OUTCOME | EXACT},
	{"password", "auth.change", "5.17", OUTCOME},
};

static const struct op_rule attribute_rule = {"", "account.change", "5.16", 0};

/* @hay contains @needle, or is it with EXACT, '-' and ' ' the same. */
static bool op_match(const char *hay, const char *needle, bool exact)
{
	size_t hn = strlen(hay), nn = strlen(needle);

	for (size_t i = 0; i + nn <= hn; i++) {
		size_t k = 0;

		while (k < nn && (hay[i + k] == needle[k] ||
				  (hay[i + k] == '-' && needle[k] == ' ')))
			k++;
		if (k == nn && (!exact || hn == nn))
			return true;
		if (exact)
			return false;
	}
	return false;
}

static const struct op_rule *op_rule_for(const char *op)
{
	for (size_t i = 0; op && i < sizeof(op_rules) / sizeof(op_rules[0]); i++)
		if (op_match(op, op_rules[i].op, op_rules[i].flags & EXACT))
			return &op_rules[i];
	return NULL;
}

/* Records whose op= says which account management it was. */
static bool is_account_mgmt(int t)
{
	return t == 1102 || t == 1108 || (t >= 1114 && t <= 1117) || t == 1132 || t == 1133;
}

/*
 * Records at the front door: authentication, the account check,
 * credentials and sessions.  The one acting there is the account that
 * authenticates or whose session it is (acct=): the process is the PAM
 * application (sshd, su), and before a login there is no login user.
 */
static bool is_front_door(int t)
{
	return (t >= 1100 && t <= 1101) || (t >= 1103 && t <= 1106) || t == 1109 || t == 1110 ||
	       t == 1112 || t == 1113 || t == 1126 || (t >= 2100 && t <= 2104);
}

static bool is_user_type(int t)
{
	return (t >= 1100 && t <= 1299) || (t >= 2100 && t <= 2999);
}

static const struct type_rule *rule_for(int type)
{
	for (size_t i = 0; i < sizeof(type_rules) / sizeof(type_rules[0]); i++)
		if (type >= type_rules[i].first && type <= type_rules[i].last)
			return &type_rules[i];
	return NULL;
}

static bool failed(const struct aev *e)
{
	if (e->res)
		return strcmp(e->res, "success") != 0 && strcmp(e->res, "1") != 0 &&
		       strcmp(e->res, "yes") != 0;
	if (e->success)
		return strcmp(e->success, "yes") != 0;
	return false;
}

static const char *outcome(const struct aev *e)
{
	if (!e->res && !e->success)
		return NULL;
	return failed(e) ? "failure" : "success";
}

/*
 * Who acted: the login user (auid=), by the name the recording host gave
 * where it gave one; with no login user (daemons, boot), who the process ran
 * as.  Names are never looked up on the host that replays.
 */
static const char *actor(const struct aev *e)
{
	if (e->auid_name && strcmp(e->auid_name, "unset") != 0)
		return e->auid_name;
	if (e->auid && strcmp(e->auid, "4294967295") != 0 && strcmp(e->auid, "-1") != 0)
		return e->auid;
	if (e->uid_name)
		return e->uid_name;
	return e->uid;
}

/* The account a user-space record is about: acct=, else id= (by name). */
static const char *target(const struct aev *e)
{
	if (e->acct && strcmp(e->acct, "?") != 0 && strcmp(e->acct, "(unknown)") != 0)
		return e->acct;
	/* ID="unknown(1001)": the account did not exist yet when logged */
	if (e->id_name && strncmp(e->id_name, "unknown(", 8) != 0)
		return e->id_name;
	return e->id;
}

/*
 * A rule with several keys (auditctl -k a -k b) gives them joined by ','.
 * The first key with a mapping decides; any 'dpms:' key makes the event
 * personal data, whatever else it matched.
 */
static const struct key_map *key_lookup(const struct plugin_config *c, const char *keys,
					bool *ret_dpms, char *activity, size_t actlen)
{
	const struct key_map *found = NULL, *dflt = NULL;
	const char *k = keys;

	*ret_dpms = false;
	for (;;) {
		const char *end = strchr(k, ',');
		size_t n = end ? (size_t)(end - k) : strlen(k);
		char one[256];

		if (n >= 5 && strncmp(k, "dpms:", 5) == 0 && !*ret_dpms) {
			char raw[256];

			*ret_dpms = true;
			/* The activity becomes the evidence's asset: text the store
			 * takes, cut at a character (a key may hold any byte). */
			snprintf(raw, sizeof(raw), "%.*s", (int)(n - 5), k + 5);
			isms_printable(raw, activity, actlen, false);
		}
		if (!found && n < sizeof(one)) {
			memcpy(one, k, n);
			one[n] = '\0';
			found = plugin_config_key(c, one);
			/* audit.json's mapping of any key wins over the built-in one */
			if (!dflt && c->default_keys)
				dflt = plugin_config_default_key(one);
		}
		if (!end)
			return found ? found : dflt;
		k = end + 1;
	}
}

/* A write to /etc/group or /etc/gshadow (or their +/- copies). */
static bool group_file(const struct aev *e)
{
	for (size_t i = 0; i < e->npaths; i++) {
		const char *b = strrchr(e->paths[i], '/');

		b = b ? b + 1 : e->paths[i];
		if (strncmp(b, "group", 5) == 0 || strncmp(b, "gshadow", 7) == 0)
			return true;
	}
	return false;
}

/*
 * The timestamp and the event key are formatted by hand: snprintf was a
 * tenth of the parser thread's time.  Out-of-range values take snprintf, so
 * the text is the same for every input.
 */
static char *put_digits(char *p, unsigned long long v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + width;
}

static char *put_number(char *p, unsigned long long v)
{
	int width = 1;

	for (unsigned long long t = v; t >= 10; t /= 10)
		width++;
	return put_digits(p, v, width);
}

/* "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ" */
static void format_ts(char *buf, size_t len, const struct tm *tm, unsigned milli)
{
	int year = tm->tm_year + 1900;
	char *p = buf;

	if (year < 0 || year > 9999 || len < 25) {
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", year, tm->tm_mon + 1,
			 tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, milli);
		return;
	}
	p = put_digits(p, (unsigned)year, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)tm->tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)tm->tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned)tm->tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm->tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm->tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, milli, 3);
	*p++ = 'Z';
	*p = '\0';
}

/* "audit:%s:%lld.%03u:%lu" of node, seconds, milliseconds and serial */
static void format_event_key(char *buf, size_t len, const struct aev *e)
{
	const char *node = e->node ? e->node : "";
	size_t n = strlen(node);
	char *p = buf;

	if (e->sec < 0 || n + 64 > len) {
		snprintf(buf, len, "audit:%s:%lld.%03u:%lu", node, (long long)e->sec,
			 e->milli % 1000, e->serial);
		return;
	}
	memcpy(p, "audit:", 6);
	p += 6;
	memcpy(p, node, n);
	p += n;
	*p++ = ':';
	p = put_number(p, (unsigned long long)e->sec);
	*p++ = '.';
	p = put_digits(p, e->milli % 1000, 3);
	*p++ = ':';
	p = put_number(p, e->serial);
	*p = '\0';
}

/* An event that a type or op rule names: ISMS evidence of @kind (.outcome with OUTCOME). */
static void set_rule(struct classified *cl, const char *kind, const char *control,
		     unsigned flags)
{
	cl->route = ROUTE_ISMS;
	if ((flags & OUTCOME) && cl->outcome)
		snprintf(cl->kind, sizeof(cl->kind), "%s.%s", kind, cl->outcome);
	else
		snprintf(cl->kind, sizeof(cl->kind), "%s", kind);
	cl->control = control;
}

void classify(const struct aev *e, const struct plugin_config *c, struct classified *cl)
{
	const struct type_rule *tr;
	struct tm tm;
	time_t sec = (time_t)e->sec;

	memset(cl, 0, sizeof(*cl));
	/* A time beyond the calendar: a year the store refuses, never the stack's garbage. */
	if (!gmtime_r(&sec, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = -1 - 1900;
	}
	format_ts(cl->ts, sizeof(cl->ts), &tm, e->milli % 1000);
	/* (node, time, serial) identifies an event across restarts and replays. */
	format_event_key(cl->event_key, sizeof(cl->event_key), e);
	/* the registry's asset of the node wins over audit.json's nodes map */
	cl->asset = e->node_asset ? e->node_asset : plugin_config_asset(c, e->node);
	cl->node = e->node;
	cl->actor = actor(e);
	cl->target = target(e);
	/* The subject is who acted: see audisp-isms(8), SUBJECTS. */
	cl->subject = is_front_door(e->type) && cl->target ? cl->target : cl->actor;
	cl->outcome = outcome(e);
	cl->route = ROUTE_DROP;

	/* pam_isms's own decision: it already wrote the evidence under this key. */
	if (e->type == 1101 && e->op && strcmp(e->op, "isms-access") == 0 && e->isms_evidence) {
		cl->route = ROUTE_LINK;
		cl->link_key = e->isms_evidence;
		snprintf(cl->kind, sizeof(cl->kind), "access.%s",
			 e->decision ? e->decision : (failed(e) ? "deny" : "allow"));
		cl->control = e->acct && strcmp(e->acct, "root") == 0 ? "8.2" : "5.15";
		cl->outcome = e->decision;
		return;
	}

	if (e->key) {
		bool dpms;
		const struct key_map *km = key_lookup(c, e->key, &dpms, cl->activity,
						      sizeof(cl->activity));

		/* Personal data is the DPO's, in the DPMS store, never the ISMS's. */
		if (dpms) {
			cl->route = ROUTE_DPMS;
			snprintf(cl->kind, sizeof(cl->kind), "personal-data.%s",
				 classify_access(e->syscall_name, e->a1, e->a2, e->oflag));
			cl->control = "5.34";
			cl->asset = cl->activity[0] ? cl->activity : NULL;
			return;
		}
		cl->route = ROUTE_ISMS;
		snprintf(cl->kind, sizeof(cl->kind), "%s",
			 km && km->kind ? km->kind : e->npaths ? "file.watch" : "syscall.key");
		cl->control = km && km->control ? km->control : "8.15";
		if (km && plugin_config_is_identity_key(km) && group_file(e))
			cl->control = "5.18"; /* group membership is access rights */
		if (km && km->asset)
			cl->asset = km->asset;
		return;
	}

	if (is_account_mgmt(e->type) ||
	    (e->type == 1101 && e->op && strncmp(e->op, "PAM:", 4) != 0)) {
		const struct op_rule *or = op_rule_for(e->op);

		/* USER_CHAUTHTOK of shadow-utils that is none of the above: an
		 * attribute of the account (name, shell, home). */
		if (!or && e->type == 1108 && e->op && strncmp(e->op, "PAM:", 4) != 0)
			or = &attribute_rule;
		if (or) {
			set_rule(cl, or->kind, or->control, or->flags);
			return;
		}
	}

	/* The central's DAEMON_ACCEPT/CLOSE: a node's connection (audisp-isms(8), FLEET). */
	if (e->fleet_conn) {
		cl->route = ROUTE_ISMS;
		snprintf(cl->kind, sizeof(cl->kind), "%s",
			 e->fleet_conn == 1 ? "fleet.connect" : "fleet.disconnect");
		cl->control = "8.15";
		cl->outcome = e->fleet_conn == 1 && failed(e) ? "refused" :
			      e->fleet_node ? "success" : "unregistered";
		if (e->fleet_node) {
			cl->node = e->fleet_node;
			cl->asset = e->node_asset ? e->node_asset : plugin_config_asset(c, e->fleet_node);
		}
		return;
	}
	tr = rule_for(e->type);
	if (tr) {
		set_rule(cl, tr->kind, tr->control, tr->flags);
		return;
	}
	if (e->type == 1300 /* SYSCALL */ && c->keep_unkeyed_syscalls) {
		cl->route = ROUTE_ISMS;
		snprintf(cl->kind, sizeof(cl->kind), "syscall");
		cl->control = "8.15";
		return;
	}
	if (is_user_type(e->type) && c->keep_all_user) {
		cl->route = ROUTE_ISMS;
		snprintf(cl->kind, sizeof(cl->kind), "user.message");
		cl->control = "8.15";
		return;
	}
}
