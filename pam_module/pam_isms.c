/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_isms: the ISMS access policy at the host's front door.
 *
 * Account management decides; session open/close is recorded; auth and
 * password return PAM_IGNORE, because this module checks no credentials and
 * changes none: who may log in is an account question, and answering it in
 * auth would skip it for key-based sshd logins, which never run auth.
 *
 * This file only gathers inputs and applies outputs: the decision is
 * isms_policy_evaluate(), the facts come from the snapshot the register's
 * writers keep (isms/snapshot.h) and the evidence goes to the decision
 * journal (isms/journal.h) that audisp-isms and ismsctl drain into the
 * chain.  Nothing here opens the store or waits on its lock: a login costs
 * the same whatever the store is doing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libaudit.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "args.h"
#include "config.h"
#include "isms/evidence.h"
#include "isms/facts.h"
#include "isms/identity.h"
#include "isms/journal.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"
#include "isms/snapshot.h"
#include "isms/strutil.h"

#define USER_MAX   256
#define MAX_ACKS   32

/*
 * @user is PAM_USER as given (typed at a prompt, sent by a client); @name is
 * who that is to NSS, pw_name, the account sshd and login then run as.  A
 * source that matches names case-insensitively (sssd with
 * case_sensitive=false, some LDAP setups) finds "alice" for "ALICE": the
 * policy, the facts and the evidence must see "alice", or a deny rule on
 * "alice" is passed by typing "ALICE".  For a user NSS does not know, @name
 * is @user.
 */
struct login {
	const char *user, *service, *rhost, *tty;
	const char *name;        /* the canonical name: id.name, or user */
	struct isms_identity id; /* the user and every group, when known */
	int id_err;              /* 0, or why NSS could not say (not -ENOENT) */
	bool known;              /* the user exists in NSS */
	bool renamed;            /* NSS spells the name otherwise than @user */
	char user_log[USER_MAX + 1];  /* @name, printable */
	char typed_log[USER_MAX + 1]; /* @user, printable */
};

/* A name fit for the store and a log line: the same test for both names. */
static bool name_ok(const char *name)
{
	return strlen(name) <= USER_MAX && isms_text_ok(name) && !strchr(name, '\n') &&
	       !strchr(name, '\t');
}

static void login_release(struct login *l)
{
	isms_identity_release(&l->id);
}

static const char *const no_groups[] = {NULL};

static int get_str_item(pam_handle_t *pamh, int item, const char **ret)
{
	const void *v = NULL;
	int r = pam_get_item(pamh, item, &v);

	*ret = r == PAM_SUCCESS ? v : NULL;
	return r;
}

static int gather(pam_handle_t *pamh, struct login *l)
{
	int r;

	memset(l, 0, sizeof(*l));
	r = pam_get_user(pamh, &l->user, NULL);
	if (r != PAM_SUCCESS || !l->user || !l->user[0])
		return PAM_USER_UNKNOWN;
	l->name = l->user;
	isms_printable(l->user, l->user_log, sizeof(l->user_log), false);
	isms_printable(l->user, l->typed_log, sizeof(l->typed_log), false);
	get_str_item(pamh, PAM_SERVICE, &l->service);
	get_str_item(pamh, PAM_RHOST, &l->rhost);
	get_str_item(pamh, PAM_TTY, &l->tty);
	/* A hostile name (too long, control characters, not UTF-8) is refused
	 * before it reaches NSS, the store or a log line unescaped. */
	if (!name_ok(l->user))
		return PAM_USER_UNKNOWN;
	/* Every group or none: a group left out (too big for a buffer, one
	 * past a cap) could be the one a deny rule names.  An unknown user
	 * is no error; an NSS that cannot answer is, for on_error. */
	r = isms_identity_by_name(l->user, &l->id);
	if (r == 0 && !name_ok(l->id.name)) {
		/* NSS answered with a name the store would refuse. */
		isms_identity_release(&l->id);
		l->id_err = -EINVAL;
	} else if (r == 0) {
		l->known = true;
		l->name = l->id.name;
		l->renamed = strcmp(l->id.name, l->user) != 0;
		isms_printable(l->name, l->user_log, sizeof(l->user_log), false);
	} else if (r != -ENOENT) {
		l->id_err = r;
	}
	return PAM_SUCCESS;
}

static void make_key(char *key, size_t len, const char *node, const char *ts)
{
	unsigned char rnd[8] = {0};
	char hex[17];

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		memcpy(rnd, &t.tv_nsec, sizeof(t.tv_nsec) < 8 ? sizeof(t.tv_nsec) : 8);
	}
	for (int i = 0; i < 8; i++) {
		hex[2 * i] = "0123456789abcdef"[rnd[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[rnd[i] & 0xf];
	}
	hex[16] = '\0';
	snprintf(key, len, "pam:%s:%s:%ld:%s", node, ts, (long)getpid(), hex);
}

/*
 * Journal the evidence.  A journal that cannot take it (full disk, I/O
 * error) never changes the decision: the kernel audit record and the log
 * line still carry it, and the loss is counted in place, to become a
 * journal.loss row in the chain at the next drain.
 */
static int record(pam_handle_t *pamh, const struct pam_isms_args *a,
		  const struct isms_evidence *ev)
{
	int r = isms_journal_append(a->journal, ev);
	int c;

	if (r == 0)
		return 0;
	c = isms_journal_count_loss(a->journal);
	pam_syslog(pamh, LOG_ERR,
		   "evidence '%s' not journaled in '%s': %s; %s%s", ev->event_key, a->journal,
		   strerror(-r), c == 0 ? "loss counted" : "loss not counted: ",
		   c == 0 ? "" : strerror(-c));
	return r;
}

static void audit_decision(pam_handle_t *pamh, const struct pam_isms_args *a,
			   const struct login *l, const char *rule, const char *outcome,
			   const char *mode, const char *key, bool success)
{
	char *acct = NULL, *ruleenc = NULL, msg[1024];
	int fd;

	if (a->noaudit)
		return;
	fd = audit_open();
	if (fd < 0)
		return; /* no audit subsystem: the store and syslog carry it */
	acct = audit_encode_nv_string("acct", l->name, 0);
	ruleenc = audit_encode_nv_string("rule", rule, 0);
	if (acct && ruleenc) {
		snprintf(msg, sizeof(msg), "op=isms-access %s %s decision=%s mode=%s evidence=%s",
			 acct, ruleenc, outcome, mode, key);
		if (audit_log_user_message(fd, AUDIT_USER_ACCT, msg, l->rhost, NULL, l->tty,
					   success) <= 0 && a->debug)
			pam_syslog(pamh, LOG_DEBUG, "audit record not written: %s", strerror(errno));
	}
	free(acct);
	free(ruleenc);
	audit_close(fd);
}

/*
 * An item the application set (PAM_SERVICE, PAM_RHOST, PAM_TTY) as evidence
 * can keep it: printable ASCII as is, every other byte (and '\') as \xNN,
 * at most ITEM_MAX bytes of it.  The store refuses control characters and
 * invalid UTF-8; a refused row would be spooled, then set aside as bad, and
 * the decision lost from the chain.
 */
#define ITEM_MAX 1024

static void add_item(struct json_object *o, const char *key, const char *v)
{
	size_t n, k = 0;
	char *text;

	if (!v) {
		json_object_object_add(o, key, NULL);
		return;
	}
	n = strnlen(v, ITEM_MAX);
	text = malloc(4 * n + sizeof("..."));
	if (!text) {
		json_object_object_add(o, key, json_object_new_string("(no memory)"));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			text[k++] = (char)c;
		else
			k += (size_t)snprintf(text + k, 5, "\\x%02x", c);
	}
	if (v[n])
		k += (size_t)snprintf(text + k, 4, "...");
	text[k] = '\0';
	json_object_object_add(o, key, json_object_new_string(text));
	free(text);
}

static char *details_json(const struct login *l, const struct isms_decision *d, const char *mode,
			  const char *error)
{
	struct json_object *o = json_object_new_object(), *reasons;
	char *out = NULL;

	if (!o)
		return NULL;
	add_item(o, "service", l->service ? l->service : "");
	add_item(o, "rhost", l->rhost && l->rhost[0] ? l->rhost : NULL);
	add_item(o, "tty", l->tty);
	json_object_object_add(o, "mode", json_object_new_string(mode));
	if (d) {
		json_object_object_add(o, "rule", json_object_new_string(d->rule_id));
		json_object_object_add(o, "break_glass", json_object_new_boolean(d->break_glass));
		reasons = json_object_new_array();
		for (size_t i = 0; i < d->nreasons; i++)
			json_object_array_add(reasons, json_object_new_string(d->reasons[i]));
		json_object_object_add(o, "reasons", reasons);
	}
	if (error)
		json_object_object_add(o, "error", json_object_new_string(error));
	if (!l->known)
		json_object_object_add(o, "unknown_user", json_object_new_boolean(1));
	if (l->renamed)
		add_item(o, "typed_user", l->user);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

/* The facts snapshot, if it can be used now: present, trusted, intact, fresh. */
static int read_snapshot(pam_handle_t *pamh, const struct pam_isms_args *a,
			 struct isms_snapshot **ret, char *what, size_t len)
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
		pam_syslog(pamh, LOG_ERR, "%s; deciding on the policy alone", what);
		*ret = NULL;
	}
	return r;
}

static void node_name(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || !buf[0])
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

/* Evidence and logs for one decision, common to every path. */
static void conclude(pam_handle_t *pamh, const struct pam_isms_args *a, const struct login *l, const char *asset, const struct isms_decision *d,
		     const char *mode, const char *outcome, bool effective_allow, const char *error)
{
	char node[256], ts[32], key[384], rhost[256];
	struct isms_evidence ev = {0};
	char kind[64];
	char *details = details_json(l, d, mode, error);
	bool lost;

	node_name(node, sizeof(node));
	isms_format_utc(time(NULL), ts, sizeof(ts));
	make_key(key, sizeof(key), node, ts);
	snprintf(kind, sizeof(kind), "access.%s", d && d->break_glass ? "break-glass" : outcome);
	ev.ts = ts;
	ev.source = "pam_isms";
	ev.kind = kind;
	ev.node = node;
	ev.event_key = key;
	/* Privileged logins evidence 8.2 rather than 5.15. */
	ev.control = strcmp(l->name, "root") == 0 ? "8.2" : "5.15";
	ev.asset = asset;
	ev.subject = l->name;
	ev.outcome = outcome;
	ev.details = details;
	/* Not journaled: the log line below carries the decision, whatever it was. */
	lost = record(pamh, a, &ev) < 0;
	audit_decision(pamh, a, l, d ? d->rule_id : "(error)", outcome, mode, key, effective_allow);

	isms_printable(l->rhost && l->rhost[0] ? l->rhost : "LOCAL", rhost, sizeof(rhost), false);
	/* Break-glass use is flagged for review: always in the log too. */
	if (!effective_allow || strcmp(outcome, "allow") != 0 || (d && d->break_glass) || a->debug ||
	    lost)
		pam_syslog(pamh, effective_allow ? LOG_NOTICE : LOG_WARNING,
			   "%s user '%s'%s%s%s service '%s' from '%s': rule '%s'%s%s",
			   outcome, l->user_log, l->renamed ? " (as typed '" : "",
			   l->renamed ? l->typed_log : "", l->renamed ? "')" : "",
			   l->service ? l->service : "", rhost,
			   d ? d->rule_id : "(error)",
			   d && d->nreasons ? ": " : error ? ": " : "",
			   d && d->nreasons ? d->reasons[0] : error ? error : "");
	free(details);
}

static int decide_on_error(pam_handle_t *pamh, const struct pam_isms_args *a,
			   const struct login *l, const char *what)
{
	bool allow = a->on_error == ISMS_ON_ERROR_ALLOW;

	pam_syslog(pamh, LOG_ERR, "%s; on_error=%s", what, allow ? "allow" : "deny");
	conclude(pamh, a, l, NULL, NULL, "error", allow ? "error-allow" : "error-deny", allow,
		 what);
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

static void keep_decided(pam_handle_t *pamh, const char *user, const char *asset, bool enforce)
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
	int r, c, ret;

	r = pam_isms_parse_args(&a, argc, argv, ISMS_DEFAULT_STORE);
	/* PAM_SILENT: the application asked that the user be told nothing. */
	if (flags & PAM_SILENT)
		a.quiet = true;
	ret = gather(pamh, &l);
	if (ret != PAM_SUCCESS) {
		/* No usable name: nothing to decide on, and nothing safe to record
		 * beyond the log line. */
		pam_syslog(pamh, LOG_WARNING, "user name missing, too long or not printable: '%.64s'",
			   l.user_log);
		login_release(&l);
		return PAM_USER_UNKNOWN;
	}
	if (r < 0) {
		snprintf(what, sizeof(what), "unknown or malformed module argument '%s'", a.bad);
		ret = decide_on_error(pamh, &a, &l, what);
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
		ret = decide_on_error(pamh, &a, &l, what);
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
		ret = decide_on_error(pamh, &a, &l, what);
		goto out;
	}

	isms_facts_unknown(&facts);
	if (read_snapshot(pamh, &a, &sn, what, sizeof(what)) == 0) {
		r = isms_snapshot_facts(sn, p, l.name, time(NULL), &facts, acks, MAX_ACKS);
		if (r < 0) {
			pam_syslog(pamh, LOG_ERR, "cannot read facts from snapshot '%s': %s",
				   a.snapshot, strerror(-r));
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
	mode = (a.mode >= 0 ? a.mode : (int)isms_policy_mode(p)) == ISMS_MODE_AUDIT ? "audit" :
										   "enforce";
	conclude(pamh, &a, &l, isms_policy_asset(p), &d, mode, isms_decision_outcome(&d),
		 d.effective_allow, NULL);
	if (!d.effective_allow) {
		if (!a.quiet)
			pam_error(pamh, "Access denied by the ISMS policy: %s", d.reasons[0]);
		ret = l.known ? PAM_PERM_DENIED : PAM_USER_UNKNOWN;
	} else {
		ret = PAM_SUCCESS;
	}
out:
	keep_decided(pamh, l.name, asset,
		     (eff_mode >= 0 ? eff_mode : a.mode) != ISMS_MODE_AUDIT);
	isms_snapshot_free(sn);
	isms_policy_free(p);
	login_release(&l);
	return ret;
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
	if (gather(pamh, &l) != PAM_SUCCESS) {
		/* No name fit to record; if account decided for a real one,
		 * this is not that user. */
		refuse = open && dd && (a.mode >= 0 ? a.mode != ISMS_MODE_AUDIT : dd->enforce);
		if (dd)
			pam_syslog(pamh, LOG_WARNING,
				   "session for a user name missing or not printable, after account"
				   " decided for another user%s", refuse ? ": refused" : "");
		login_release(&l);
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
	node_name(node, sizeof(node));
	isms_format_utc(time(NULL), ts, sizeof(ts));
	make_key(key, sizeof(key), node, ts);
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
		details = details_json(&l, NULL, enforce ? "enforce" : "audit", why);
		ev.kind = "session.user-mismatch";
		ev.control = "5.15";
		ev.outcome = refuse ? "deny" : open ? "audit-deny" : "success";
		pam_syslog(pamh, LOG_WARNING, "%s%s", why, refuse ? ": refused" : "");
	} else {
		details = details_json(&l, NULL, "session", NULL);
	}
	ev.details = details;
	(void)record(pamh, &a, &ev);
	if (refuse)
		ret = PAM_PERM_DENIED;
	free(details);
	isms_policy_free(p);
	login_release(&l);
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
