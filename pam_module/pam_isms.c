/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_isms: the ISMS access policy at the host's front door.
 *
 * Account management decides; session open/close is recorded; auth and
 * password return PAM_IGNORE, because this module checks no credentials and
 * changes none: who may log in is an account question, and answering it in
 * auth would skip it for key-based sshd logins, which never run auth.
 *
 * This file is account management and the entry points: the inputs are
 * gathered in login.c, the decision is isms_policy_evaluate() on the policy
 * (compiled, isms/policy_compiled.h, or parsed) and the facts of the
 * snapshot the register's writers keep (isms/snapshot.h), the evidence is
 * left by record.c in the decision journal (isms/journal.h) that
 * audisp-isms and ismsctl drain into the chain, and sessions are session.c.  Nothing here opens the store or waits on its lock: a login costs
 * the same whatever the store is doing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "args.h"
#include "config.h"
#include "isms/facts.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"
#include "isms/snapshot.h"
#include "login.h"
#include "record.h"
#include "session.h"

#define MAX_ACKS 32

static const char *const no_groups[] = {NULL};

/*
 * The facts snapshot, if it can be used now: present, trusted, intact,
 * fresh.  Otherwise -errno and @what says why; the caller decides what a
 * login without facts comes to.
 */
static int read_snapshot(const struct pam_isms_args *a, struct isms_snapshot **ret, char *what,
			 size_t len)
{
	char err[512] = "";
	int r = isms_snapshot_read(a->snapshot, 0, ret, err, sizeof(err));

	if (r == 0 && (r = isms_snapshot_fresh(*ret, time(NULL), a->max_age)) < 0) {
		struct isms_snapshot_info info;

		isms_snapshot_info(*ret, &info);
		snprintf(err, sizeof(err), "snapshot generation %ju is older than max_age=%ld s",
			 (uintmax_t)info.generation, a->max_age);
		*ret = isms_snapshot_free(*ret);
	}
	if (r < 0) {
		snprintf(what, len, "cannot use facts snapshot '%s': %s", a->snapshot,
			 err[0] ? err : strerror(-r));
		*ret = NULL;
	}
	return r;
}

static int decide_on_error(pam_handle_t *pamh, const struct pam_isms_args *a,
			   const struct login *l, const char *asset, const char *what)
{
	bool allow = a->on_error == ISMS_ON_ERROR_ALLOW;

	pam_syslog(pamh, LOG_ERR, "%s; on_error=%s", what, allow ? "allow" : "deny");
	pam_isms_conclude(pamh, a, l, asset, NULL, "error", allow ? "error-allow" : "error-deny",
			  allow, what);
	if (!allow && !a->quiet)
		pam_error(pamh, "Access denied: the ISMS access policy cannot be applied.");
	return allow ? PAM_SUCCESS : PAM_PERM_DENIED;
}

static void format_problems(const struct isms_policy_problems *pr, const char *path, int r,
			    char *buf, size_t len)
{
	if (r == -ENOENT || r == -EACCES || (pr->n == 0 && r < 0)) {
		snprintf(buf, len, "policy '%s': %s", path, strerror(-r));
		return;
	}
	snprintf(buf, len, "policy '%s' rejected (%zu problem%s): %s%s%s", path, pr->total,
		 pr->total == 1 ? "" : "s", pr->list[0].path, pr->list[0].path[0] ? ": " : "",
		 pr->list[0].msg);
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *asset = NULL;
	int eff_mode = -1;
	struct pam_isms_args a;
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	struct isms_snapshot *sn = NULL;
	struct isms_facts facts;
	struct isms_ack_fact acks[MAX_ACKS];
	struct isms_decision d;
	struct login l;
	char what[512];
	const char *mode;
	int r, c, snap_err, ret;

	r = pam_isms_parse_args(&a, argc, argv, ISMS_DEFAULT_STORE);
	/* PAM_SILENT: the application asked that the user be told nothing. */
	if (flags & PAM_SILENT)
		a.quiet = true;
	pam_isms_warn_deprecated(pamh, &a);
	ret = pam_isms_gather(pamh, &l);
	if (ret != PAM_SUCCESS) {
		/* No usable name: nothing to decide on, and nothing safe to record
		 * beyond the log line. */
		pam_syslog(pamh, LOG_WARNING, "user name missing, too long or not printable: '%.64s'",
			   l.user_log);
		pam_isms_login_release(&l);
		return PAM_USER_UNKNOWN;
	}
	if (r < 0) {
		snprintf(what, sizeof(what), "unknown or malformed module argument '%s'", a.bad);
		ret = decide_on_error(pamh, &a, &l, asset, what);
		goto out;
	}
	r = isms_policy_load_compiled(a.policy, a.compiled, a.zoneinfo, &p, &pr, &c);
	if (r == 0 && c < 0 && a.debug)
		pam_syslog(pamh, LOG_DEBUG, "compiled policy '%s' not used (%s): policy '%s' parsed",
			   a.compiled, strerror(-c), a.policy);
	if (r < 0) {
		format_problems(&pr, a.policy, r, what, sizeof(what));
		for (size_t i = 1; i < pr.n; i++)
			pam_syslog(pamh, LOG_ERR, "policy '%s': %s: %s", a.policy, pr.list[i].path,
				   pr.list[i].msg);
		ret = decide_on_error(pamh, &a, &l, asset, what);
		goto out;
	}
	if (a.on_error < 0)
		a.on_error = isms_policy_on_error(p);
	asset = isms_policy_asset(p);
	eff_mode = a.mode >= 0 ? a.mode : (int)isms_policy_mode(p);
	if (l.id_err) {
		/* Never a partial list of groups: on_error decides. */
		snprintf(what, sizeof(what), "cannot resolve user '%s' and all of its groups: %s",
			 l.user_log, strerror(-l.id_err));
		ret = decide_on_error(pamh, &a, &l, asset, what);
		goto out;
	}

	isms_facts_unknown(&facts);
	snap_err = read_snapshot(&a, &sn, what, sizeof(what));
	if (snap_err == 0) {
		snap_err = isms_snapshot_facts(sn, p, l.name, time(NULL), &facts, acks, MAX_ACKS);
		if (snap_err < 0) {
			snprintf(what, sizeof(what), "cannot read facts from snapshot '%s': %s",
				 a.snapshot, strerror(-snap_err));
			isms_facts_unknown(&facts);
		}
	}
	{
		struct isms_request req = {
			.user = l.name, .service = l.service, .rhost = l.rhost, .tty = l.tty,
			.groups = l.known ? (const char *const *)l.id.groups : no_groups,
			.now = time(NULL),
		};

		isms_policy_evaluate(p, &req, &facts, &d, NULL, 0, NULL);
	}
	if (a.mode >= 0)
		d.effective_allow = d.allow || a.mode == ISMS_MODE_AUDIT;
	mode = eff_mode == ISMS_MODE_AUDIT ? "audit" : "enforce";
	/*
	 * No facts (the snapshot missing, stale, damaged, untrusted) is an error,
	 * and on_error decides, as for every error at the front door; but a
	 * break-glass rule that admits needs no facts, and must keep working
	 * while the snapshot's writers are down.  Audit mode admits anyway.
	 */
	if (snap_err < 0 && eff_mode != ISMS_MODE_AUDIT && !(d.break_glass && d.allow)) {
		ret = decide_on_error(pamh, &a, &l, asset, what);
		goto out;
	}
	if (snap_err < 0)
		pam_syslog(pamh, LOG_ERR, "%s; %s", what,
			   eff_mode == ISMS_MODE_AUDIT ? "audit mode admits" :
			   "a break-glass rule admits");
	pam_isms_conclude(pamh, &a, &l, asset, &d, mode, isms_decision_outcome(&d),
			  d.effective_allow, snap_err < 0 ? what : NULL);
	if (!d.effective_allow) {
		if (!a.quiet)
			pam_error(pamh, "Access denied by the ISMS policy: %s", d.reasons[0]);
		ret = l.known ? PAM_PERM_DENIED : PAM_USER_UNKNOWN;
	} else {
		ret = PAM_SUCCESS;
	}
out:
	pam_isms_keep_decided(pamh, l.name, asset,
		     (eff_mode >= 0 ? eff_mode : a.mode) != ISMS_MODE_AUDIT);
	isms_snapshot_free(sn);
	isms_policy_free(p);
	pam_isms_login_release(&l);
	return ret;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return PAM_IGNORE;
}
