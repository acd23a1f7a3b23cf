/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Session open and close: recorded, and refused for a user account did not decide for (session.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "args.h"
#include "config.h"
#include "isms/date.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"
#include "isms/strutil.h"
#include "login.h"
#include "record.h"
#include "session.h"

/*
 * What the account decision was made for, kept in the handle: the session
 * records need not read and check the policy again, and a session for a user
 * other than the one decided is caught (PAM_USER may be changed between the
 * two, by the application or by a module in between).
 */
#define DECIDED_DATA "pam_isms_decided"

struct decided {
	char *user;
	char *asset;  /* NULL: no policy was read */
	bool enforce; /* the mode the decision was made in */
};

static void free_decided(pam_handle_t *pamh, void *data, int error_status)
{
	struct decided *d = data;

	(void)pamh;
	(void)error_status;
	if (!d)
		return;
	free(d->user);
	free(d->asset);
	free(d);
}

void pam_isms_keep_decided(pam_handle_t *pamh, const char *user, const char *asset, bool enforce)
{
	struct decided *d = calloc(1, sizeof(*d));

	if (!d)
		return;
	d->user = strdup(user);
	d->asset = asset ? strdup(asset) : NULL;
	d->enforce = enforce;
	if (!d->user || (asset && !d->asset) ||
	    pam_set_data(pamh, DECIDED_DATA, d, free_decided) != PAM_SUCCESS)
		free_decided(pamh, d, 0);
}

/*
 * Record a session.  Recording never fails a session: the decision was
 * account's.  But a session for another user than the one account decided
 * for (PAM_USER changed in between) was never decided at all: it is recorded
 * as session.user-mismatch and, in enforce mode, refused at open.
 */
static int session(pam_handle_t *pamh, int argc, const char **argv, const char *kind, bool open)
{
	struct pam_isms_args a;
	struct isms_policy *p = NULL;
	struct isms_evidence ev = {0};
	struct login l;
	const void *kept = NULL;
	const struct decided *dd = NULL;
	char node[256], ts[32], key[384], decided_log[USER_MAX + 1];
	char *details = NULL;
	bool mismatch, enforce, refuse;
	int ret = PAM_SUCCESS;

	if (pam_get_data(pamh, DECIDED_DATA, &kept) == PAM_SUCCESS && kept)
		dd = kept;
	if (pam_isms_parse_args(&a, argc, argv, ISMS_DEFAULT_STORE) < 0)
		pam_syslog(pamh, LOG_ERR, "unknown or malformed module argument '%s', ignoring", a.bad);
	pam_isms_warn_deprecated(pamh, &a);
	if (pam_isms_gather(pamh, &l) != PAM_SUCCESS) {
		/* No name fit to record; if account decided for a real one,
		 * this is not that user. */
		refuse = open && dd && (a.mode >= 0 ? a.mode != ISMS_MODE_AUDIT : dd->enforce);
		if (dd)
			pam_syslog(pamh, LOG_WARNING,
				   "session for a user name missing or not printable, after account"
				   " decided for another user%s", refuse ? ": refused" : "");
		pam_isms_login_release(&l);
		return refuse ? PAM_PERM_DENIED : PAM_SUCCESS;
	}
	/* Canonical names both: "ALICE" then "alice" is one user. */
	mismatch = dd && strcmp(dd->user, l.name) != 0;
	enforce = dd && (a.mode >= 0 ? a.mode != ISMS_MODE_AUDIT : dd->enforce);
	refuse = mismatch && open && enforce;
	/* The policy names the asset; without it the session is still recorded.
	 * Where this module decided the account in this handle, it is known. */
	if (dd && dd->asset)
		ev.asset = dd->asset;
	else if (isms_policy_load_compiled(a.policy, a.compiled, a.zoneinfo, &p, NULL, NULL) == 0)
		ev.asset = isms_policy_asset(p);
	pam_isms_node_name(node, sizeof(node));
	isms_date_format(time(NULL), ts, sizeof(ts));
	pam_isms_make_key(key, sizeof(key), node, ts);
	ev.ts = ts;
	ev.source = "pam_isms";
	ev.kind = kind;
	ev.node = node;
	ev.event_key = key;
	ev.control = "8.15";
	ev.subject = l.name;
	ev.outcome = "success";
	if (mismatch) {
		char why[2 * USER_MAX + 128];

		isms_printable(dd->user, decided_log, sizeof(decided_log), false);
		snprintf(why, sizeof(why),
			 "%s for user '%s', but account was decided for user '%s'",
			 open ? "session open" : "session close", l.user_log, decided_log);
		details = pam_isms_details_json(&l, NULL, enforce ? "enforce" : "audit", why);
		ev.kind = "session.user-mismatch";
		ev.control = "5.15";
		ev.outcome = refuse ? "deny" : open ? "audit-deny" : "success";
		pam_syslog(pamh, LOG_WARNING, "%s%s", why, refuse ? ": refused" : "");
	} else {
		details = pam_isms_details_json(&l, NULL, "session", NULL);
	}
	ev.details = details;
	(void)pam_isms_record(pamh, &a, &ev);
	if (refuse)
		ret = PAM_PERM_DENIED;
	free(details);
	isms_policy_free(p);
	pam_isms_login_release(&l);
	return ret;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return session(pamh, argc, argv, "session.open", true);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return session(pamh, argc, argv, "session.close", false);
}
