/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out of memory on the login path, as tests/unit/test_oom.c does it for
 * the indicator scan: every allocation (malloc, calloc, realloc, strdup,
 * strndup through -Wl,--wrap; json-c is linked in as pam_isms has it, so
 * its allocations are reached too) made to fail in turn, in each call
 * pam_isms makes for a decision, and then in pam_sm_acct_mgmt itself: the
 * module's own sources, with PAM faked below (no libpam, no audit record).
 *
 * Each run either fails (-ENOMEM; the module: on_error, here deny) or gives
 * exactly what the unfaulted run gives: never a policy with a rule or a
 * condition missing, a shorter list of groups, other facts, or another
 * decision.  The setup is one where something incomplete shows: a deny
 * rule on the second of two groups, the user's second supplementary group;
 * an allow rule limited to a day that is not today; a rule whose source
 * list holds a host name; two time zones; an allow rule requiring two
 * acknowledgements, a review and an active person, for a user who has
 * acknowledged only one.
 *
 * Only allocations inside the call under test count and fail (begin() and
 * end() around it): cmocka, the store and the test's own helpers allocate
 * unfaulted.  glibc's and nss_wrapper's allocations are their own (shared
 * libraries, not wrapped): getpwnam_r and getgrouplist are not faulted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "isms/identity.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"
#include "isms/snapshot.h"
#include "isms/store.h"
#include "nsswrap.h"
#include "testutil.h"

/* ---- the faults ----------------------------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long fail_at, calls;
static bool armed;

/* Whether this allocation fails: the @fail_at'th since begin(), and only before end(). */
static bool fault(void)
{
	if (!armed || ++calls != fail_at)
		return false;
	errno = ENOMEM;
	return true;
}

void *__wrap_malloc(size_t n)
{
	return fault() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fault() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fault() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fault() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fault() ? NULL : __real_strndup(s, n);
}

/* From now on the @k'th allocation fails (0: none, only counted). */
static void begin(long k)
{
	calls = 0;
	fail_at = k;
	armed = true;
}

/* Stop; how many allocations were made since begin(). */
static long end(void)
{
	armed = false;
	return calls;
}

/* ---- PAM, faked: the items of one login and the module's data -------------------------------- */

struct fake_pam {
	const char *user, *service, *rhost, *tty;
	struct {
		const char *name;
		void *data;
		void (*cleanup)(pam_handle_t *pamh, void *data, int error_status);
	} data[4];
	size_t ndata;
};

int __wrap_pam_get_user(pam_handle_t *pamh, const char **user, const char *prompt);
int __wrap_pam_get_item(const pam_handle_t *pamh, int item, const void **ret);
int __wrap_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *pamh, void *data, int error_status));
int __wrap_pam_get_data(const pam_handle_t *pamh, const char *name, const void **ret);
void __wrap_pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int __wrap_pam_error(pam_handle_t *pamh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct fake_pam *fake(const pam_handle_t *pamh)
{
	return (struct fake_pam *)(uintptr_t)pamh;
}

int __wrap_pam_get_user(pam_handle_t *pamh, const char **user, const char *prompt)
{
	(void)prompt;
	*user = fake(pamh)->user;
	return PAM_SUCCESS;
}

int __wrap_pam_get_item(const pam_handle_t *pamh, int item, const void **ret)
{
	const struct fake_pam *f = fake(pamh);

	switch (item) {
	case PAM_USER:
		*ret = f->user;
		return PAM_SUCCESS;
	case PAM_SERVICE:
		*ret = f->service;
		return PAM_SUCCESS;
	case PAM_RHOST:
		*ret = f->rhost;
		return PAM_SUCCESS;
	case PAM_TTY:
		*ret = f->tty;
		return PAM_SUCCESS;
	default:
		return PAM_BAD_ITEM;
	}
}

int __wrap_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *pamh, void *data, int error_status))
{
	struct fake_pam *f = fake(pamh);
	size_t i;

	for (i = 0; i < f->ndata && strcmp(f->data[i].name, name) != 0; i++)
		;
	if (i == f->ndata) {
		if (f->ndata == sizeof(f->data) / sizeof(f->data[0]))
			return PAM_BUF_ERR;
		f->ndata++;
	} else if (f->data[i].cleanup) {
		f->data[i].cleanup(pamh, f->data[i].data, PAM_DATA_REPLACE);
	}
	f->data[i].name = name; /* the module's names are literals */
	f->data[i].data = data;
	f->data[i].cleanup = cleanup;
	return PAM_SUCCESS;
}

int __wrap_pam_get_data(const pam_handle_t *pamh, const char *name, const void **ret)
{
	const struct fake_pam *f = fake(pamh);

	for (size_t i = 0; i < f->ndata; i++) {
		if (strcmp(f->data[i].name, name) == 0) {
			*ret = f->data[i].data;
			return PAM_SUCCESS;
		}
	}
	return PAM_NO_MODULE_DATA;
}

/* pam_end(): the module's data cleaned up. */
static void fake_end(struct fake_pam *f)
{
	for (size_t i = 0; i < f->ndata; i++)
		if (f->data[i].cleanup)
			f->data[i].cleanup((pam_handle_t *)(void *)f, f->data[i].data, PAM_SUCCESS);
	f->ndata = 0;
}

static char last_log[1024];

void __wrap_pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	va_list ap;

	(void)pamh;
	(void)priority;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

int __wrap_pam_error(pam_handle_t *pamh, const char *fmt, ...)
{
	(void)pamh;
	(void)fmt;
	return PAM_SUCCESS;
}

/* ---- the decision, as the module concludes it ------------------------------------------------ */

struct outcome {
	int ret; /* what pam_sm_acct_mgmt returned */
	int concluded;
	bool allow;
	char outcome[32], rule[64];
};

static struct outcome seen;

/* pam_module/record.h: the arguments and the login, only passed on. */
struct pam_isms_args;
struct login;

void __real_pam_isms_conclude(pam_handle_t *pamh, const struct pam_isms_args *a,
			      const struct login *l, const char *asset,
			      const struct isms_decision *d, const char *mode, const char *outcome,
			      bool effective_allow, const char *error);
void __wrap_pam_isms_conclude(pam_handle_t *pamh, const struct pam_isms_args *a,
			      const struct login *l, const char *asset,
			      const struct isms_decision *d, const char *mode, const char *outcome,
			      bool effective_allow, const char *error);

void __wrap_pam_isms_conclude(pam_handle_t *pamh, const struct pam_isms_args *a,
			      const struct login *l, const char *asset,
			      const struct isms_decision *d, const char *mode, const char *outcome,
			      bool effective_allow, const char *error)
{
	seen.concluded++;
	seen.allow = effective_allow;
	snprintf(seen.outcome, sizeof(seen.outcome), "%s", outcome);
	snprintf(seen.rule, sizeof(seen.rule), "%s", d ? d->rule_id : "(error)");
	/* The evidence and the log line too, under the same faults. */
	__real_pam_isms_conclude(pamh, a, l, asset, d, mode, outcome, effective_allow, error);
}

/* ---- the setup: users, a register, its snapshot, a policy ------------------------------------ */

static const char passwd_text[] = "alice:x:3101:3101::/nonexistent:/usr/sbin/nologin\n"
				  "bob:x:3102:3102::/nonexistent:/usr/sbin/nologin\n"
				  "carol:x:3103:3103::/nonexistent:/usr/sbin/nologin\n"
				  "dave:x:3104:3104::/nonexistent:/usr/sbin/nologin\n";
/* alice's isms-ops comes after isms-staff, and after isms-admins in the deny rule. */
static const char group_text[] = "alice:x:3101:\nbob:x:3102:\ncarol:x:3103:\ndave:x:3104:\n"
				 "isms-staff:x:3200:alice,bob,carol,dave\n"
				 "isms-admins:x:3201:\n"
				 "isms-ops:x:3202:alice\n";

static const char *const users[] = {"alice", "bob", "carol", "dave"};
#define NUSERS (sizeof(users) / sizeof(users[0]))

static struct tu_fixture *fx;
static char *policy_path, *compiled_path, *absent_path, *snap_path, *journal_path;
static char policy_text[2048];
static time_t now;

static void register_facts(const char *db)
{
	static const char *const sql[] = {
		"INSERT INTO asset(name, type, confidentiality, integrity, availability, locked_down)"
		" VALUES ('web1', 'host', 'high', 'high', 'high', 0)",
		"INSERT INTO person(name, role, login) VALUES ('alice', 'user', 'alice'),"
		" ('bob', 'user', 'bob'), ('carol', 'user', 'carol'), ('dave', 'user', 'dave')",
		"INSERT INTO document(name, title, version) VALUES ('aup', 'Acceptable use', '2'),"
		" ('nda', 'Non-disclosure', '1')",
		/* The current versions, but carol's NDA is an older one. */
		"INSERT INTO acknowledgement(id, person, document, version, at)"
		" SELECT 'A-' || p.name || '-' || d.name, p.pk, d.pk,"
		" CASE WHEN p.name = 'carol' AND d.name = 'nda' THEN '0' ELSE d.version END,"
		" '2026-01-01' FROM person p, document d",
		"INSERT INTO review(id, kind, subject, asset, person, due, done, result)"
		" SELECT 'V-' || p.name, 'access', 'access to web1',"
		" (SELECT pk FROM asset WHERE name = 'web1'), p.pk, date('now', '-3 days'),"
		" date('now', '-3 days'), 'ok' FROM person p",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		assert_int_equal(tu_sql(db, sql[i]), 0);
}

static void write_policy(void)
{
	static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	struct tm tm;
	FILE *f;

	/* Three days from today in UTC: a rule on that day never matches while this runs. */
	gmtime_r(&now, &tm);
	snprintf(policy_text, sizeof(policy_text),
		 "{\"version\": 1, \"asset\": \"web1\", \"mode\": \"enforce\", \"rules\": [\n"
		 " {\"id\": \"offday\", \"groups\": \"isms-staff\", \"allow\": true,\n"
		 "  \"time\": {\"days\": [\"%s\"], \"hours\": \"00:00-24:00\", \"tz\": \"UTC\"}},\n"
		 " {\"id\": \"ops-deny\", \"groups\": [\"isms-admins\", \"isms-ops\"], \"allow\": false},\n"
		 " {\"id\": \"outside\", \"allow\": false,\n"
		 "  \"from\": [\"10.0.0.0/8\", \"bastion.example.org\", \".example.org\"],\n"
		 "  \"time\": {\"days\": \"mon-sun\", \"hours\": \"00:00-24:00\", \"tz\": \"Europe/Berlin\"}},\n"
		 " {\"id\": \"staff\", \"groups\": [\"isms-admins\", \"isms-staff\"],\n"
		 "  \"services\": [\"login\", \"sshd\"], \"ttys\": [\"tty*\", \"ssh\"], \"allow\": true,\n"
		 "  \"require\": {\"acknowledged\": [\"aup\", \"nda\"], \"reviewed_within_days\": 30,\n"
		 "               \"active\": true}},\n"
		 " {\"id\": \"break-glass\", \"users\": \"root\", \"flag\": \"break-glass\", \"allow\": true}\n"
		 "]}\n",
		 days[(tm.tm_wday + 3) % 7]);
	f = fopen(policy_path, "w");
	assert_non_null(f);
	assert_true(fputs(policy_text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(policy_path, 0644), 0);
}

static int setup(void **state)
{
	struct isms_policy_problems pr;

	(void)state;
	now = time(NULL);
	tu_setup_store((void **)&fx);
	policy_path = tu_path(fx->dir, "policy.json");
	compiled_path = tu_path(fx->dir, "store.db.policy");
	absent_path = tu_path(fx->dir, "absent.policy");
	snap_path = tu_path(fx->dir, "store.db.facts");
	journal_path = tu_path(fx->dir, "store.db.journal");
	register_facts(fx->path);
	assert_int_equal(isms_snapshot_write(fx->s, snap_path, NULL), 0);
	write_policy();
	assert_int_equal(isms_policy_write_compiled(policy_path, compiled_path, NULL, &pr), 0);
	return 0;
}

static int teardown(void **state)
{
	void *f = fx;

	free(policy_path);
	free(compiled_path);
	free(absent_path);
	free(snap_path);
	free(journal_path);
	return f ? tu_teardown_store(&f) : 0;
}

/* ---- the policy ------------------------------------------------------------------------------ */

/* Everything the evaluator reads of @p, as bytes to compare. */
static unsigned char *policy_bytes(const struct isms_policy *p, size_t *len)
{
	unsigned char *b = NULL;

	assert_int_equal(isms_policy_compile(p, policy_text, strlen(policy_text), &b, len), 0);
	return b;
}

/* isms_policy_load_compiled as pam_isms calls it: with @compiled absent the JSON is parsed. */
static void sweep_policy(const char *compiled, int want_c)
{
	struct isms_policy_problems pr;
	struct isms_policy *ref = NULL;
	unsigned char *want;
	size_t wlen;
	long k;
	int c;

	assert_int_equal(isms_policy_load_compiled(policy_path, compiled, NULL, &ref, &pr, &c), 0);
	assert_int_equal(c, want_c);
	want = policy_bytes(ref, &wlen);
	for (k = 1;; k++) {
		struct isms_policy *p = NULL;
		long made;
		int r;

		begin(k);
		r = isms_policy_load_compiled(policy_path, compiled, NULL, &p, &pr, &c);
		made = end();
		if (r < 0 && (r != -ENOMEM || made < k))
			fail_msg("allocation %ld of %ld failing: policy load returned %d (%s)%s%s", k,
				 made, r, strerror(-r), pr.n ? ": " : "", pr.n ? pr.list[0].msg : "");
		if (r == 0) {
			size_t glen;
			unsigned char *got = policy_bytes(p, &glen);

			if (glen != wlen || memcmp(got, want, wlen) != 0)
				fail_msg("allocation %ld of %ld failing: a policy other than the"
					 " unfaulted one (%zu bytes compiled, not %zu)",
					 k, made, glen, wlen);
			free(got);
			isms_policy_free(p);
		}
		if (made < k)
			break;
	}
	print_message("# %s: %ld allocations failed in turn\n",
		      compiled == absent_path ? "policy parsed" : "policy decoded", k - 1);
	free(want);
	isms_policy_free(ref);
}

static void t_policy_parsed(void **state)
{
	(void)state;
	sweep_policy(absent_path, -ENOENT);
}

static void t_policy_decoded(void **state)
{
	(void)state;
	sweep_policy(compiled_path, 0);
}

/* ---- the identity ---------------------------------------------------------------------------- */

static void same_identity(const struct isms_identity *a, const struct isms_identity *b,
			  const char *user, long k)
{
	bool same = strcmp(a->name, b->name) == 0 && a->uid == b->uid && a->gid == b->gid &&
		    a->ngroups == b->ngroups && !b->groups[b->ngroups];

	for (size_t i = 0; same && i < a->ngroups; i++)
		same = b->groups[i] && strcmp(a->groups[i], b->groups[i]) == 0;
	if (!same)
		fail_msg("'%s', allocation %ld failing: %zu groups, not the unfaulted %zu", user, k,
			 b->ngroups, a->ngroups);
}

static void t_identity(void **state)
{
	long total = 0;

	(void)state;
	for (size_t u = 0; u < NUSERS; u++) {
		struct isms_identity ref = {0};
		long k;

		assert_int_equal(isms_identity_by_name(users[u], &ref), 0);
		assert_true(ref.ngroups >= 2);
		for (k = 1;; k++) {
			struct isms_identity id = {0};
			long made;
			int r;

			begin(k);
			r = isms_identity_by_name(users[u], &id);
			made = end();
			/* -ENOENT would be worst of all: an unknown user, matched on no group. */
			if (r < 0 && (r != -ENOMEM || made < k))
				fail_msg("'%s', allocation %ld of %ld failing: %d (%s)", users[u], k,
					 made, r, strerror(-r));
			if (r == 0)
				same_identity(&ref, &id, users[u], k);
			isms_identity_release(&id);
			if (made < k)
				break;
		}
		total += k - 1;
		isms_identity_release(&ref);
	}
	print_message("# identity: %ld allocations failed in turn (%zu users)\n", total, NUSERS);
}

/* ---- the facts snapshot ---------------------------------------------------------------------- */

static void same_facts(const struct isms_facts *a, const struct isms_facts *b, const char *user,
		       long k)
{
	bool same = a->store_ok == b->store_ok && a->person_known == b->person_known &&
		    a->person_active == b->person_active && a->asset_locked == b->asset_locked &&
		    a->last_review_days == b->last_review_days && a->nacks == b->nacks;

	for (size_t i = 0; same && i < a->nacks; i++)
		same = a->acks[i].acknowledged == b->acks[i].acknowledged &&
		       strcmp(a->acks[i].document, b->acks[i].document) == 0;
	if (!same)
		fail_msg("'%s', allocation %ld failing: other facts than the unfaulted run's", user,
			 k);
}

/* isms_snapshot_read, then the facts of every user, against the unfaulted read's. */
static void t_snapshot(void **state)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	struct isms_snapshot *ref = NULL;
	char err[256];
	long k;
	int c;

	(void)state;
	assert_int_equal(isms_policy_load_compiled(policy_path, NULL, NULL, &p, &pr, &c), 0);
	assert_int_equal(isms_snapshot_read(snap_path, 0, &ref, err, sizeof(err)), 0);
	for (k = 1;; k++) {
		struct isms_snapshot *sn = NULL;
		long made;
		int r;

		begin(k);
		r = isms_snapshot_read(snap_path, 0, &sn, err, sizeof(err));
		made = end();
		if (r < 0 && (r != -ENOMEM || made < k))
			fail_msg("allocation %ld of %ld failing: snapshot read returned %d (%s)", k,
				 made, r, strerror(-r));
		if (r == 0) {
			assert_int_equal(isms_snapshot_fresh(sn, now, 3600), 0);
			for (size_t u = 0; u < NUSERS; u++) {
				struct isms_ack_fact a1[4], a2[4];
				struct isms_facts f1, f2;

				assert_int_equal(isms_snapshot_facts(ref, p, users[u], now, &f1, a1, 4), 0);
				assert_int_equal(isms_snapshot_facts(sn, p, users[u], now, &f2, a2, 4), 0);
				same_facts(&f1, &f2, users[u], k);
			}
		}
		isms_snapshot_free(sn);
		if (made < k)
			break;
	}
	print_message("# snapshot: %ld allocations failed in turn\n", k - 1);
	isms_snapshot_free(ref);
	isms_policy_free(p);
}

/* ---- pam_sm_acct_mgmt ------------------------------------------------------------------------ */

struct login_case {
	const char *user, *rhost;
	int ret;                     /* the unfaulted decision: */
	const char *outcome, *rule;
};

static const struct login_case cases[] = {
	/* in isms-ops: denied, though a rule on a day not today would admit the staff */
	{"alice", "ws1.lan", PAM_PERM_DENIED, "deny", "ops-deny"},
	/* staff, acknowledged, reviewed, active: admitted */
	{"bob", "ws1.lan", PAM_SUCCESS, "allow", "staff"},
	/* the NDA acknowledged in an old version only */
	{"carol", "ws1.lan", PAM_PERM_DENIED, "deny", "staff"},
	/* from a .example.org host, at any hour in Europe/Berlin */
	{"dave", "gw.example.org", PAM_PERM_DENIED, "deny", "outside"},
};

/* One account call for @c with the @k'th allocation failing; *ret_made allocations made. */
static struct outcome acct_call(const struct login_case *c, const char *compiled, long k,
			   long *ret_made)
{
	struct fake_pam f = {.user = c->user, .service = "sshd", .rhost = c->rhost, .tty = "ssh"};
	char *argv[8];
	int argc = 0;

	assert_true(asprintf(&argv[argc++], "policy=%s", policy_path) > 0);
	assert_true(asprintf(&argv[argc++], "compiled=%s", compiled) > 0);
	assert_true(asprintf(&argv[argc++], "snapshot=%s", snap_path) > 0);
	assert_true(asprintf(&argv[argc++], "journal=%s", journal_path) > 0);
	assert_true(asprintf(&argv[argc++], "on_error=deny") > 0);
	assert_true(asprintf(&argv[argc++], "noaudit") > 0);
	assert_true(asprintf(&argv[argc++], "quiet") > 0);
	memset(&seen, 0, sizeof(seen));
	last_log[0] = '\0';
	begin(k);
	seen.ret = pam_sm_acct_mgmt((pam_handle_t *)(void *)&f, 0, argc, (const char **)argv);
	*ret_made = end();
	fake_end(&f);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return seen;
}

static void sweep_acct(const char *compiled)
{
	long total = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct login_case *c = &cases[i];
		struct outcome ref, o;
		long k, made;

		ref = acct_call(c, compiled, 0, &made);
		if (ref.ret != c->ret || ref.concluded != 1 || strcmp(ref.outcome, c->outcome) != 0 ||
		    strcmp(ref.rule, c->rule) != 0)
			fail_msg("'%s' unfaulted: %d, %s by rule '%s' (%s), not %d, %s by '%s'",
				 c->user, ref.ret, ref.outcome, ref.rule, last_log, c->ret,
				 c->outcome, c->rule);
		for (k = 1;; k++) {
			bool error;

			o = acct_call(c, compiled, k, &made);
			error = strcmp(o.outcome, "error-deny") == 0;
			if (o.concluded != 1)
				fail_msg("'%s', allocation %ld of %ld failing: concluded %d times",
					 c->user, k, made, o.concluded);
			if (error && (o.ret != PAM_PERM_DENIED || o.allow || made < k))
				fail_msg("'%s', allocation %ld of %ld failing: an error, returned %d",
					 c->user, k, made, o.ret);
			if (!error && (o.ret != ref.ret || o.allow != ref.allow ||
				       strcmp(o.outcome, ref.outcome) != 0 ||
				       strcmp(o.rule, ref.rule) != 0))
				fail_msg("'%s', allocation %ld of %ld failing: %d, %s by rule '%s',"
					 " unfaulted %d, %s by '%s' (%s)",
					 c->user, k, made, o.ret, o.outcome, o.rule, ref.ret,
					 ref.outcome, ref.rule, last_log);
			if (made < k)
				break;
		}
		total += k - 1;
	}
	print_message("# pam_sm_acct_mgmt, policy %s: %ld allocations failed in turn (%zu logins)\n",
		      compiled == absent_path ? "parsed" : "decoded", total,
		      sizeof(cases) / sizeof(cases[0]));
}

static void t_acct_parsed(void **state)
{
	(void)state;
	sweep_acct(absent_path);
}

static void t_acct_decoded(void **state)
{
	(void)state;
	sweep_acct(compiled_path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_policy_parsed),
		cmocka_unit_test(t_policy_decoded),
		cmocka_unit_test(t_identity),
		cmocka_unit_test(t_snapshot),
		cmocka_unit_test(t_acct_parsed),
		cmocka_unit_test(t_acct_decoded),
	};

	struct stat st;

	(void)argc;
	/* The policy and the snapshot are read only when root owns every directory to them. */
	if (getuid() != 0 || stat("/tmp", &st) < 0 || st.st_uid != 0 || !(st.st_mode & S_ISVTX)) {
		printf("1..0 # SKIP needs root and a root-owned sticky /tmp (trust checks)\n");
		return 0;
	}
	tu_nss_wrap(argv, passwd_text, group_text, "carol");
	return cmocka_run_group_tests(tests, setup, teardown);
}
