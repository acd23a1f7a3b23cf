/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Classification: what an audit event is evidence of.  Pure: data in, data
 * out.  The table maps record types to a kind and the ISO/IEC 27001:2022
 * Annex A control the event evidences.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "jsonw.h"

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
	{1200, 1299, "audit.daemon", "8.15", 0},          /* DAEMON_* */
	{1305, 1305, "audit.config", "8.15", 0},          /* CONFIG_CHANGE */
	{1400, 1400, "mac.avc", "8.16", 0},               /* AVC */
	{1700, 1799, "anomaly", "8.16", 0},               /* ANOM_* (kernel) */
	{2100, 2199, "anomaly", "8.16", 0},               /* ANOM_* (user space) */
	{2300, 2399, "role.change", "5.18", OUTCOME},     /* USER_ROLE_CHANGE, ROLE_* */
};

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

/* Who: the account named, else the login user, else nobody known. */
static const char *subject(const struct aev *e)
{
	if (e->acct && strcmp(e->acct, "?") != 0 && strcmp(e->acct, "(unknown)") != 0)
		return e->acct;
	if (e->auid_name && strcmp(e->auid_name, "unset") != 0)
		return e->auid_name;
	if (e->auid && strcmp(e->auid, "4294967295") != 0 && strcmp(e->auid, "-1") != 0)
		return e->auid;
	/* No login user (daemons, boot): who the process ran as. */
	if (e->uid_name)
		return e->uid_name;
	return e->uid;
}

void classify(const struct aev *e, const struct plugin_config *c, struct classified *cl)
{
	const struct type_rule *tr;
	struct tm tm;
	time_t sec = (time_t)e->sec;

	memset(cl, 0, sizeof(*cl));
	gmtime_r(&sec, &tm);
	snprintf(cl->ts, sizeof(cl->ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, e->milli % 1000);
	/* (node, time, serial) identifies an event across restarts and replays. */
	snprintf(cl->event_key, sizeof(cl->event_key), "audit:%s:%lld.%03u:%lu",
		 e->node ? e->node : "", (long long)e->sec, e->milli % 1000, e->serial);
	cl->asset = plugin_config_asset(c, e->node);
	cl->subject = subject(e);
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
		const struct key_map *km = plugin_config_key(c, e->key);

		/* Personal data is the DPO's, in the DPMS store, never the ISMS's. */
		if (strncmp(e->key, "dpms:", 5) == 0) {
			cl->route = ROUTE_DPMS;
			snprintf(cl->kind, sizeof(cl->kind), "personal-data.access");
			cl->control = "5.34";
			return;
		}
		cl->route = ROUTE_ISMS;
		snprintf(cl->kind, sizeof(cl->kind), "%s",
			 km && km->kind ? km->kind : e->npaths ? "file.watch" : "syscall.key");
		cl->control = km && km->control ? km->control : "8.15";
		if (km && km->asset)
			cl->asset = km->asset;
		return;
	}

	tr = rule_for(e->type);
	if (tr) {
		cl->route = ROUTE_ISMS;
		if ((tr->flags & OUTCOME) && cl->outcome)
			snprintf(cl->kind, sizeof(cl->kind), "%s.%s", tr->kind, cl->outcome);
		else
			snprintf(cl->kind, sizeof(cl->kind), "%s", tr->kind);
		cl->control = tr->control;
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

size_t classify_details(const struct aev *e, const struct classified *cl, char *buf, size_t len)
{
	struct jsonw w;

	jsonw_init(&w, buf, len);
	jsonw_object(&w);
	jsonw_str(&w, "type", e->type_name);
	jsonw_int(&w, "serial", (long long)e->serial);
	if (e->node)
		jsonw_str(&w, "node", e->node);
	if (e->key)
		jsonw_str(&w, "key", e->key);
	if (e->op)
		jsonw_str(&w, "op", e->op);
	if (e->exe)
		jsonw_str(&w, "exe", e->exe);
	if (e->comm)
		jsonw_str(&w, "comm", e->comm);
	if (e->syscall_name)
		jsonw_str(&w, "syscall", e->syscall_name);
	if (e->auid)
		jsonw_str(&w, "auid", e->auid);
	if (e->uid)
		jsonw_str(&w, "uid", e->uid);
	if (e->acct)
		jsonw_str(&w, "acct", e->acct);
	if (e->hostname && strcmp(e->hostname, "?") != 0)
		jsonw_str(&w, "hostname", e->hostname);
	if (e->addr && strcmp(e->addr, "?") != 0)
		jsonw_str(&w, "addr", e->addr);
	if (e->terminal && strcmp(e->terminal, "?") != 0)
		jsonw_str(&w, "terminal", e->terminal);
	if (e->res)
		jsonw_str(&w, "res", e->res);
	if (e->success)
		jsonw_str(&w, "success", e->success);
	if (cl->route == ROUTE_LINK) {
		jsonw_str(&w, "rule", e->rule);
		jsonw_str(&w, "decision", e->decision);
		jsonw_str(&w, "via", "audit");
	}
	if (e->npaths) {
		jsonw_key(&w, "paths");
		jsonw_array(&w);
		for (size_t i = 0; i < e->npaths; i++)
			jsonw_str(&w, NULL, e->paths[i]);
		jsonw_end(&w);
	}
	if (e->nrecords > 1)
		jsonw_int(&w, "records", (long long)e->nrecords);
	if (e->raw) {
		jsonw_str(&w, "raw", e->raw);
		if (e->raw_truncated)
			jsonw_bool(&w, "raw_truncated", true);
	}
	return jsonw_finish(&w);
}
