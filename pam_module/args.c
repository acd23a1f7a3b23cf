/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module's arguments: defaults, then the PAM line, through one keyword table. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "config.h"
#include "args.h"
#include "isms/policy.h"

static int path_arg(const char **dst, const char *v)
{
	if (!v[0] || v[0] != '/')
		return -EINVAL; /* relative paths would depend on the caller's cwd */
	*dst = v;
	return 0;
}

static int p_policy(struct pam_isms_args *a, const char *v) { return path_arg(&a->policy, v); }
static int p_store(struct pam_isms_args *a, const char *v) { return path_arg(&a->store, v); }
static int p_spool(struct pam_isms_args *a, const char *v)
{
	a->deprecated |= PAM_ISMS_DEPRECATED_SPOOL;
	return path_arg(&a->spool, v);
}
static int p_snapshot(struct pam_isms_args *a, const char *v) { return path_arg(&a->snapshot, v); }
static int p_journal(struct pam_isms_args *a, const char *v) { return path_arg(&a->journal, v); }
static int p_compiled(struct pam_isms_args *a, const char *v) { return path_arg(&a->compiled, v); }
static int p_zoneinfo(struct pam_isms_args *a, const char *v) { return path_arg(&a->zoneinfo, v); }

static int p_mode(struct pam_isms_args *a, const char *v)
{
	if (strcmp(v, "enforce") == 0)
		a->mode = ISMS_MODE_ENFORCE;
	else if (strcmp(v, "audit") == 0)
		a->mode = ISMS_MODE_AUDIT;
	else
		return -EINVAL;
	return 0;
}

static int p_on_error(struct pam_isms_args *a, const char *v)
{
	if (strcmp(v, "deny") == 0)
		a->on_error = ISMS_ON_ERROR_DENY;
	else if (strcmp(v, "allow") == 0)
		a->on_error = ISMS_ON_ERROR_ALLOW;
	else
		return -EINVAL;
	return 0;
}

static int p_busy(struct pam_isms_args *a, const char *v)
{
	char *end;
	long ms = strtol(v, &end, 10);

	if (!v[0] || *end || ms < 0 || ms > 10000)
		return -EINVAL;
	a->busy_ms = (int)ms;
	a->deprecated |= PAM_ISMS_DEPRECATED_BUSY_MS;
	return 0;
}

static int p_max_age(struct pam_isms_args *a, const char *v)
{
	char *end;
	long secs = strtol(v, &end, 10);

	/* At least a minute: a snapshot is rewritten, not streamed. */
	if (!v[0] || *end || secs < 60 || secs > 366L * 86400)
		return -EINVAL;
	a->max_age = secs;
	return 0;
}

static const struct arg_def {
	const char *name;
	bool flag; /* takes no value */
	int (*parse)(struct pam_isms_args *a, const char *v);
	size_t flag_off;
} arg_defs[] = {
	{"policy", false, p_policy, 0},
	{"store", false, p_store, 0},
	{"spool", false, p_spool, 0},
	{"snapshot", false, p_snapshot, 0},
	{"journal", false, p_journal, 0},
	{"compiled", false, p_compiled, 0},
	{"max_age", false, p_max_age, 0},
	{"zoneinfo", false, p_zoneinfo, 0},
	{"mode", false, p_mode, 0},
	{"on_error", false, p_on_error, 0},
	{"busy_ms", false, p_busy, 0},
	{"debug", true, NULL, offsetof(struct pam_isms_args, debug)},
	{"quiet", true, NULL, offsetof(struct pam_isms_args, quiet)},
	{"noaudit", true, NULL, offsetof(struct pam_isms_args, noaudit)},
};

int pam_isms_parse_args(struct pam_isms_args *a, int argc, const char **argv,
			const char *store_default)
{
	int r = 0;

	memset(a, 0, sizeof(*a));
	a->policy = PAM_ISMS_POLICY;
	a->store = store_default;
	a->spool = PAM_ISMS_SPOOL;
	a->mode = -1;
	a->on_error = -1;
	a->busy_ms = 200;
	a->max_age = PAM_ISMS_MAX_AGE;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '=');
		size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
		size_t k;

		for (k = 0; k < sizeof(arg_defs) / sizeof(arg_defs[0]); k++) {
			const struct arg_def *d = &arg_defs[k];

			if (strlen(d->name) != n || strncmp(d->name, arg, n) != 0)
				continue;
			if (d->flag && !eq)
				*(bool *)((char *)a + d->flag_off) = true;
			else if (d->flag || !eq || d->parse(a, eq + 1) < 0)
				k = sizeof(arg_defs) / sizeof(arg_defs[0]);
			break;
		}
		if (k == sizeof(arg_defs) / sizeof(arg_defs[0]) && r == 0) {
			snprintf(a->bad, sizeof(a->bad), "%s", arg);
			r = -EINVAL;
		}
	}
	/* Beside the store unless named: the store's writers keep them there. */
	if (!a->snapshot) {
		snprintf(a->snapshot_buf, sizeof(a->snapshot_buf), "%s.facts", a->store);
		a->snapshot = a->snapshot_buf;
	}
	if (!a->journal) {
		snprintf(a->journal_buf, sizeof(a->journal_buf), "%s.journal", a->store);
		a->journal = a->journal_buf;
	}
	if (!a->compiled) {
		snprintf(a->compiled_buf, sizeof(a->compiled_buf), "%s.policy", a->store);
		a->compiled = a->compiled_buf;
	}
	return r;
}

#define WARNED_DATA "pam_isms_warned_deprecated"

static void no_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)data;
	(void)error_status;
}

void pam_isms_warn_deprecated(pam_handle_t *pamh, const struct pam_isms_args *a)
{
	static int warned = 1; /* any address: the handle's data is only a mark */
	const void *mark = NULL;

	if (!a->deprecated)
		return;
	/* Once per PAM transaction, not once per account and session call. */
	if (pam_get_data(pamh, WARNED_DATA, &mark) == PAM_SUCCESS && mark)
		return;
	{
		bool both = a->deprecated ==
			    (PAM_ISMS_DEPRECATED_SPOOL | PAM_ISMS_DEPRECATED_BUSY_MS);

		pam_syslog(pamh, LOG_WARNING,
			   "module argument%s %s%s%s %s deprecated and ignored: remove %s from the"
			   " PAM configuration (see pam_isms(8))",
			   both ? "s" : "", a->deprecated & PAM_ISMS_DEPRECATED_SPOOL ? "spool=" : "",
			   both ? " and " : "",
			   a->deprecated & PAM_ISMS_DEPRECATED_BUSY_MS ? "busy_ms=" : "",
			   both ? "are" : "is", both ? "them" : "it");
	}
	(void)pam_set_data(pamh, WARNED_DATA, &warned, no_cleanup);
}
