/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_isms in real PAM stacks, through pam_wrapper and libpamtest.
 *
 * Every call goes through Linux-PAM: service files written at start-up into a
 * private directory (pam_wrapper copies it at the first pam_start, so all of
 * them exist before that), the built module named by its absolute path, users
 * and groups from files under nss_wrapper (tests/nsswrap.c: none is added to
 * the system), and a real store built with ismsctl.  A test checks what PAM returned, what the user
 * was told, the log line (pam_wrapper routes pam_syslog to stderr, which the
 * tests capture) and the evidence rows in the store.
 *
 * The tests share one store, so that the last one verifies the hash chain
 * over everything the others wrote.  Policy and register contents are set by
 * each test; a teardown after every test undoes what a test broke on purpose
 * (policy file, store moved away, lock holder, euid, lockdown).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <json-c/json.h>
#include <libpamtest.h>
#include <security/pam_appl.h>
#include <sqlite3.h>

#include "isms/entity.h"
#include "crc32c.h"
#include "evidence_internal.h"
#include "isms/evidence.h"
#include "isms/journal.h"
#include "isms/policy_compiled.h"
#include "isms/snapshot.h"
#include "isms/store.h"
#include "nsswrap.h"

#define ASSET "isms-host"
#define ALICE "isms-alice" /* group isms-dba; person 'alice' through login; acked, reviewed */
#define BOB   "isms-bob"   /* person by name; acked an old version; reviewed long ago */
#define CAROL "isms-carol" /* group isms-emergency; person past active_until */
#define DAVE  "isms-dave"  /* in passwd, not in the register */
#define GHOST "isms-ghost" /* not in passwd */
#define ERIN  "isms-erin"  /* in isms-huge, whose group entry is over 64 KiB */
#define FRANK "isms-frank" /* in 300 groups, isms-g001 .. isms-g300 */
#define OSCAR "isms-oscar" /* primary gid without a group entry */
#define MANY_GROUPS 300

#define DENY_MSG  "Access denied by the ISMS policy: "
#define ERROR_MSG "Access denied: the ISMS access policy cannot be applied."

static struct {
	char *dir;     /* everything below is in here */
	char *svcdir;  /* PAM_WRAPPER_SERVICE_DIR */
	char *etc;     /* the policy's directory */
	char *policy;
	char *var;     /* the store's directory */
	char *store;
	char *snapshot; /* STORE.facts, what the module decides from */
	char *journal;  /* STORE.journal, where it leaves the evidence */
	char *fullpath; /* where t_journal_full mounts a small tmpfs */
	char *full;     /* the same once mounted, or NULL */
	char *spool;
	char *capfile; /* captured stderr */
	const char *module, *ismsctl;
	char *permit;  /* pam_permit.so, for the auth and password stacks */
	bool store_aside;
	pid_t holder;  /* a process holding the store's lock */
	int hold_fd;
	uid_t euid;    /* run the next PAM operation with this euid (0: root) */
	uid_t nobody;
} g = {.hold_fd = -1};

/* What the last PAM call did. */
static struct {
	int rc;           /* of the last operation */
	double secs;      /* how long the operations took */
	char msg[4096];   /* what the conversation showed the user */
	char log[65536];  /* stderr: pam_wrapper's SYSLOG lines */
} out;

/* ---- small helpers ---------------------------------------------------- */

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	return s;
}

static void has_at(const char *hay, const char *needle, bool want, const char *file, int line)
{
	bool found = hay && strstr(hay, needle);

	if (found != want) {
		print_error("%s '%s' in:\n%s\n", want ? "missing" : "unexpected", needle,
			    hay ? hay : "(NULL)");
		_fail(file, line);
	}
}
#define assert_has(hay, needle)   has_at((hay), (needle), true, __FILE__, __LINE__)
#define assert_lacks(hay, needle) has_at((hay), (needle), false, __FILE__, __LINE__)

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Today plus @days as YYYY-MM-DD in UTC, the module's calendar. */
static void day(int days, char ret[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ret, 11, "%Y-%m-%d", &tm);
}

/* Write a file atomically, as an administrator's editor would not, so the
 * module never reads half of it. */
static void put_file(const char *path, const char *text, mode_t mode)
{
	char *tmp = xprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fchmod(fileno(f), mode), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
}

/*
 * Run a program without a shell; its stdout into *ret_out (malloc'd) when
 * asked.  Returns its exit status, or -1.  pam_wrapper is preloaded for this
 * process only, not for the tools it runs.
 */
static int run_cmd(char **ret_out, const char *const argv[])
{
	int pfd[2] = {-1, -1}, status = 0;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;

	if (ret_out && pipe(pfd) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		unsetenv("LD_PRELOAD");
		unsetenv("PAM_WRAPPER");
		if (ret_out) {
			dup2(pfd[1], STDOUT_FILENO);
			close(pfd[0]);
			close(pfd[1]);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (ret_out) {
		close(pfd[1]);
		for (;;) {
			ssize_t n;

			if (len + 4096 + 1 > cap) {
				cap = cap ? cap * 2 : 65536;
				buf = realloc(buf, cap);
				assert_non_null(buf);
			}
			n = read(pfd[0], buf + len, cap - len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		close(pfd[0]);
		buf[len] = '\0';
		*ret_out = buf;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- users ------------------------------------------------------------ */

static bool in_group(const char *user, const char *group)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr = getgrnam(group);
	gid_t gids[256];
	int n = 256;

	if (!pw || !gr || getgrouplist(user, pw->pw_gid, gids, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (gids[i] == gr->gr_gid)
			return true;
	return false;
}

/*
 * The users and groups the tests see, through nss_wrapper: each user has a
 * group of its own as primary group, as useradd makes them.  isms-huge has
 * 5,000 more members, so that its entry (about 95 KiB) fits no fixed buffer.
 */
static char *nss_passwd(void)
{
	char *s = NULL;

	assert_true(asprintf(&s,
			     "root:x:0:0:root:/root:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
			     ALICE ":x:3001:3001::/nonexistent:/usr/sbin/nologin\n"
			     BOB ":x:3002:3002::/nonexistent:/usr/sbin/nologin\n"
			     CAROL ":x:3003:3003::/nonexistent:/usr/sbin/nologin\n"
			     DAVE ":x:3004:3004::/nonexistent:/usr/sbin/nologin\n"
			     ERIN ":x:3005:3005::/nonexistent:/usr/sbin/nologin\n"
			     FRANK ":x:3006:3006::/nonexistent:/usr/sbin/nologin\n"
			     OSCAR ":x:3007:3999::/nonexistent:/usr/sbin/nologin\n") > 0);
	return s;
}

static char *nss_group(void)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len,
				"root:x:0:\nnogroup:x:65534:\n"
				ALICE ":x:3001:\n" BOB ":x:3002:\n" CAROL ":x:3003:\n"
				DAVE ":x:3004:\n" ERIN ":x:3005:\n" FRANK ":x:3006:\n"
				"isms-dba:x:4001:" ALICE "\n"
				"isms-emergency:x:4002:" CAROL "\n"
				"isms-huge:x:4003:");
	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(s + len, cap - len, "isms-member-%05d,", i);
	len += (size_t)snprintf(s + len, cap - len, ERIN "\n");
	for (int i = 1; i <= MANY_GROUPS; i++)
		len += (size_t)snprintf(s + len, cap - len, "isms-g%03d:x:%d:" FRANK "\n", i,
					5000 + i);
	assert_true(len < cap - 1);
	return s;
}

/* ---- the policy, services and store ----------------------------------- */

/* A policy for ASSET with @top members (each followed by a comma) and @rules. */
static void set_policy(const char *top, const char *rules)
{
	char *json = xprintf("{\"version\": 1, \"asset\": \"" ASSET "\", %s\"rules\": [%s]}\n",
			     top ? top : "", rules);

	put_file(g.policy, json, 0644);
	free(json);
}

#define RULES_ALICE                                                                         \
	"{\"id\": \"alice\", \"users\": [\"" ALICE "\"], \"allow\": true},"                 \
	"{\"id\": \"default\", \"allow\": false}"

static const struct service {
	const char *name;
	const char *args; /* after policy=, store=, spool= */
} services[] = {
	{"isms-main", "noaudit"},
	{"isms-alt", "noaudit"},
	{"isms-audit", "noaudit mode=audit"},
	{"isms-enforce", "noaudit mode=enforce"},
	{"isms-onerr", "noaudit on_error=allow"},
	{"isms-quiet", "noaudit quiet"},
	{"isms-debug", "noaudit debug"},
	{"isms-busy", "noaudit busy_ms=100"},
	{"isms-spool", "noaudit spool=/var/spool/isms-old"},
	{"isms-deprecated", "noaudit spool=/var/spool/isms-old busy_ms=50"},
	{"isms-withaudit", ""},
	{"isms-badarg", "noaudit frobnicate"},
	{"isms-badarg-allow", "noaudit frobnicate on_error=allow"},
	{"isms-badmode", "noaudit mode=sometimes"},
	{"isms-relpolicy", "noaudit policy=relative/policy.json"},
	{"isms-badbusy", "noaudit busy_ms=99999"},
	{"isms-full", "noaudit journal=@/journal"}, /* @: the tmpfs of t_journal_full */
};

static char *find_permit(void)
{
	static const char *const dirs[] = {
		"/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security",
		"/usr/lib64/security", "/lib64/security", "/usr/lib/security", "/lib/security",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p = xprintf("%s/pam_permit.so", dirs[i]);

		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static void write_services(void)
{
	char *deny = g.permit ? xprintf("%.*s/pam_deny.so",
					(int)(strrchr(g.permit, '/') - g.permit), g.permit) : NULL;

	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		const struct service *sv = &services[i];
		char *path = xprintf("%s/%s", g.svcdir, sv->name);
		const char *at = strchr(sv->args, '@');
		char *args = at ? xprintf("%.*s%s%s", (int)(at - sv->args), sv->args, g.fullpath,
					  at + 1)
				: strdup(sv->args);
		char *mod = xprintf("%s policy=%s store=%s %s", g.module, g.policy, g.store, args);
		char *text;

		/* auth and password: the module must answer PAM_IGNORE, so anything
		 * else ends the stack (default=die) and pam_permit is never reached. */
		if (g.permit)
			text = xprintf("auth     [ignore=ignore default=die] %s\n"
				       "auth     required %s\n"
				       "account  required %s\n"
				       "password [ignore=ignore default=die] %s\n"
				       "password required %s\n"
				       "session  required %s\n",
				       mod, g.permit, mod, mod, g.permit, mod);
		else
			text = xprintf("account  required %s\nsession  required %s\n", mod, mod);
		put_file(path, text, 0644);
		free(text);
		free(mod);
		free(args);
		free(path);
	}
	if (deny) {
		/* The oracle for the stacks above: a module that does not ignore. */
		char *path = xprintf("%s/isms-oracle", g.svcdir);
		char *text = xprintf("auth [ignore=ignore default=die] %s\nauth required %s\n",
				     deny, g.permit);

		put_file(path, text, 0644);
		free(text);
		free(path);
		/* Without 'other' Linux-PAM logs "no default config other" every time. */
		path = xprintf("%s/other", g.svcdir);
		text = xprintf("auth required %s\naccount required %s\npassword required %s\n"
			       "session required %s\n", deny, deny, deny, deny);
		put_file(path, text, 0644);
		free(text);
		free(path);
	}
	free(deny);
}

/* The register the rule matrix reads: dates relative to today. */
static void build_store(void)
{
	char d_m400[11], d_m200[11], d_m190[11], d_m30[11], d_m10[11], d_m1[11], d_0[11], d_p30[11];
	char *json, *file = xprintf("%s/org.json", g.dir);

	day(-400, d_m400);
	day(-200, d_m200);
	day(-190, d_m190);
	day(-30, d_m30);
	day(-10, d_m10);
	day(-1, d_m1);
	day(0, d_0);
	day(30, d_p30);
	json = xprintf(
		"{\"person\": ["
		" {\"name\": \"alice\", \"login\": \"" ALICE "\", \"role\": \"admin\"},"
		" {\"name\": \"" BOB "\", \"role\": \"admin\"},"
		" {\"name\": \"carol\", \"login\": \"" CAROL "\", \"role\": \"user\", \"active_until\": \"%s\"},"
		" {\"name\": \"owner\", \"role\": \"asset_owner\"}],"
		" \"asset\": ["
		" {\"name\": \"" ASSET "\", \"type\": \"host\", \"owner\": \"owner\"},"
		" {\"name\": \"other-host\", \"type\": \"host\", \"owner\": \"owner\"}],"
		" \"document\": ["
		" {\"name\": \"isms-infosec\", \"title\": \"Information security policy\", \"version\": \"2.1\"}],"
		" \"ack\": ["
		" {\"person\": \"alice\", \"document\": \"isms-infosec\", \"version\": \"2.1\", \"at\": \"%s\"},"
		" {\"person\": \"" BOB "\", \"document\": \"isms-infosec\", \"version\": \"2.0\", \"at\": \"%s\"}],"
		" \"review\": ["
		" {\"kind\": \"access\", \"subject\": \"alice on " ASSET "\", \"asset\": \"" ASSET "\","
		"  \"person\": \"alice\", \"due\": \"%s\", \"done\": \"%s\", \"result\": \"ok\"},"
		" {\"kind\": \"access\", \"subject\": \"bob on " ASSET "\", \"asset\": \"" ASSET "\","
		"  \"person\": \"" BOB "\", \"due\": \"%s\", \"done\": \"%s\", \"result\": \"ok\"},"
		" {\"kind\": \"access\", \"subject\": \"carol elsewhere\", \"asset\": \"other-host\","
		"  \"person\": \"carol\", \"due\": \"%s\", \"done\": \"%s\", \"result\": \"ok\"}]}\n",
		d_m1, d_m30, d_m400, d_p30, d_m10, d_m190, d_m200, d_0, d_m1);
	put_file(file, json, 0600);
	if (run_cmd(NULL, (const char *const[]){g.ismsctl, "-q", "--store", g.store, "init", NULL}) != 0)
		fail_msg("ismsctl init failed");
	if (run_cmd(NULL, (const char *const[]){g.ismsctl, "-q", "--store", g.store, "import", file,
						NULL}) != 0)
		fail_msg("ismsctl import failed");
	free(json);
	free(file);
}

static struct isms_store *store_rw(void)
{
	struct isms_store *s = NULL;
	char *err = NULL;
	int r = isms_store_open(g.store, 0, 5000, &s, &err);

	if (r < 0)
		fail_msg("cannot open store: %s", err ? err : strerror(-r));
	return s;
}

/* What ismsctl does after every write: the module sees the change. */
static void refresh(struct isms_store *s)
{
	int r = isms_snapshot_write(s, g.snapshot, NULL);

	if (r < 0)
		fail_msg("cannot write snapshot '%s': %s", g.snapshot, strerror(-r));
}

/* What audisp-isms and 'ismsctl journal drain' do: the journal into the chain. */
static struct isms_journal_drained drain(void)
{
	struct isms_journal_drained d = {0};
	struct isms_store *s = store_rw();
	int r = isms_journal_drain(s, g.journal, &d);

	if (r < 0)
		fail_msg("cannot drain '%s': %s", g.journal, isms_store_errmsg(s));
	isms_store_free(s);
	return d;
}

static void reg_change(const char *entity, const char *key, const char *field, const char *value)
{
	struct isms_store *s = store_rw();
	const struct isms_kv kv = {field, value};
	int r = isms_record_change(s, isms_entity_lookup(entity), key, &kv, 1);

	if (r < 0)
		fail_msg("cannot change %s '%s': %s", entity, key, isms_store_errmsg(s));
	refresh(s);
	isms_store_free(s);
}

static void reg_add(const char *entity, const struct isms_kv *kv, size_t n)
{
	struct isms_store *s = store_rw();
	int r = isms_record_add(s, isms_entity_lookup(entity), kv, n, NULL);

	if (r < 0)
		fail_msg("cannot add %s: %s", entity, isms_store_errmsg(s));
	refresh(s);
	isms_store_free(s);
}

/* ---- reading evidence ------------------------------------------------- */

/* The chain as it is once the journal is drained: evidence is read from there. */
static sqlite3 *db_open(void)
{
	sqlite3 *db = NULL;

	drain();
	if (sqlite3_open_v2(g.store, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail_msg("cannot open '%s': %s", g.store, sqlite3_errmsg(db));
	/* details as the store shows them: row format 3 keeps them in batches */
	if (evidence_details_register(db) < 0)
		fail_msg("cannot register evidence_details()");
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* One integer from @sql, with @arg bound to ?1 when given. */
static int64_t sql_int(const char *sql, const char *arg)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st = NULL;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    (arg && sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT) != SQLITE_OK) ||
	    sqlite3_step(st) != SQLITE_ROW)
		fail_msg("'%s': %s", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int64_t ev_count(void)
{
	return sql_int("SELECT count(*) FROM evidence", NULL);
}

struct ev {
	char *kind, *outcome, *control, *asset, *source, *subject;
	struct json_object *details;
	char reasons[2048]; /* joined with " | " */
};

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

/* The newest evidence row about @subject; fails the test if there is none. */
static void ev_last(const char *subject, struct ev *e)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st = NULL;
	struct json_object *rs;

	memset(e, 0, sizeof(*e));
	if (sqlite3_prepare_v2(db,
			       "SELECT kind, outcome, control, asset, source, subject,"
			       " evidence_details(pk, fmt, details)"
			       " FROM evidence WHERE subject = ?1 ORDER BY pk DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, subject, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		fail_msg("query: %s", sqlite3_errmsg(db));
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no evidence about '%.64s'", subject);
	e->kind = col(st, 0);
	e->outcome = col(st, 1);
	e->control = col(st, 2);
	e->asset = col(st, 3);
	e->source = col(st, 4);
	e->subject = col(st, 5);
	if (sqlite3_column_text(st, 6))
		e->details = json_tokener_parse((const char *)sqlite3_column_text(st, 6));
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (json_object_object_get_ex(e->details, "reasons", &rs)) {
		size_t len = 0;

		for (size_t i = 0; i < json_object_array_length(rs); i++)
			len += (size_t)snprintf(e->reasons + len, sizeof(e->reasons) - len, "%s%s",
						i ? " | " : "",
						json_object_get_string(json_object_array_get_idx(rs, i)));
	}
}

static void ev_release(struct ev *e)
{
	free(e->kind);
	free(e->outcome);
	free(e->control);
	free(e->asset);
	free(e->source);
	free(e->subject);
	json_object_put(e->details);
}

/* A member of the details, as text ("true" for booleans), or NULL if absent or null. */
static const char *detail(const struct ev *e, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(e->details, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static void str_eq_at(const char *got, const char *want, const char *what, const char *file,
		      int line)
{
	if ((!got || !want) ? got != want : strcmp(got, want) != 0) {
		print_error("%s: '%s' != '%s'\n", what, got ? got : "(NULL)", want ? want : "(NULL)");
		_fail(file, line);
	}
}
#define assert_str(got, want, what) str_eq_at((got), (want), (what), __FILE__, __LINE__)

/* The newest row about @subject is a pam_isms decision of @kind/@outcome by @rule. */
static void expect_ev_at(const char *subject, const char *kind, const char *outcome,
			 const char *rule, const char *file, int line)
{
	struct ev e;

	ev_last(subject, &e);
	str_eq_at(e.source, "pam_isms", "source", file, line);
	str_eq_at(e.kind, kind, "kind", file, line);
	str_eq_at(e.outcome, outcome, "outcome", file, line);
	if (rule)
		str_eq_at(detail(&e, "rule"), rule, "rule", file, line);
	ev_release(&e);
}
#define expect_ev(subject, kind, outcome, rule)                                             \
	expect_ev_at((subject), (kind), (outcome), (rule), __FILE__, __LINE__)

/* Files in the spool whose names end in @suffix (".json" or ".bad"). */
static int spool_count(const char *suffix)
{
	DIR *d = opendir(g.spool);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(suffix);

		if (strncmp(de->d_name, "ev-", 3) == 0 && len > sl &&
		    strcmp(de->d_name + len - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* ---- running PAM ------------------------------------------------------ */

static int conv_fn(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)data;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(out.msg);

		if (msg[i]->msg_style != PAM_ERROR_MSG && msg[i]->msg_style != PAM_TEXT_INFO) {
			*resp = NULL;
			return PAM_CONV_ERR; /* no prompts: the module must not ask */
		}
		snprintf(out.msg + len, sizeof(out.msg) - len, "%s\n", msg[i]->msg);
	}
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp ? PAM_SUCCESS : PAM_BUF_ERR;
}

static int saved_stderr = -1;

static void capture_begin(void)
{
	int fd;

	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	fd = open(g.capfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved_stderr >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void capture_end(char *buf, size_t len)
{
	FILE *f;
	size_t n = 0;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	f = fopen(g.capfile, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	/* Shown as well: a failing test's log lines are what explains it. */
	fputs(buf, stderr);
}

/*
 * Run the @n operations of @tc for @user through @service in one PAM handle,
 * with PAM_RHOST and PAM_TTY set when given, as g.euid when set.  Fills out;
 * returns the last operation's result.  libpamtest runs the operations on our
 * handle (its 5th argument), so the items we set are the ones the module sees.
 */
static int pam_ops(const char *service, const char *user, const char *rhost, const char *tty,
		   struct pam_testcase *tc, size_t n)
{
	struct pam_conv conv = {conv_fn, NULL};
	struct pamtest_conv_data cd = {0};
	pam_handle_t *ph = NULL;
	enum pamtest_err perr;
	double t0;
	size_t last = 0;

	memset(&out, 0, sizeof(out));
	assert_int_equal(pam_start(service, user, &conv, &ph), PAM_SUCCESS);
	if (rhost)
		assert_int_equal(pam_set_item(ph, PAM_RHOST, rhost), PAM_SUCCESS);
	if (tty)
		assert_int_equal(pam_set_item(ph, PAM_TTY, tty), PAM_SUCCESS);
	capture_begin();
	if (g.euid)
		assert_int_equal(seteuid(g.euid), 0);
	t0 = now_secs();
	/* run_pamtest() is this function behind a sizeof over a fixed array. */
	perr = _pamtest(service, user, &cd, tc, n, ph);
	out.secs = now_secs() - t0;
	if (g.euid)
		assert_int_equal(seteuid(0), 0);
	capture_end(out.log, sizeof(out.log));
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE)
		fail_msg("libpamtest: %s", pamtest_strerror(perr));
	/* libpamtest stops at the first operation that differs from expected_rv. */
	for (last = 0; last + 1 < n && tc[last].op_rv == tc[last].expected_rv; last++)
		;
	out.rc = tc[last].op_rv;
	return out.rc;
}

static int pam_op(const char *service, const char *user, const char *rhost, const char *tty,
		  enum pamtest_ops op)
{
	struct pam_testcase tc[] = {pam_test(op, PAM_SUCCESS)};

	return pam_ops(service, user, rhost, tty, tc, 1);
}

static int account(const char *service, const char *user)
{
	return pam_op(service, user, NULL, NULL, PAMTEST_ACCOUNT);
}

static int acct_from(const char *service, const char *user, const char *rhost)
{
	return pam_op(service, user, rhost, NULL, PAMTEST_ACCOUNT);
}

/* ---- moving the store away and locking it ----------------------------- */

static const char *const store_sfx[] = {"", "-wal", "-shm"};

static void store_away(void)
{
	for (size_t i = 0; i < 3; i++) {
		char *a = xprintf("%s%s", g.store, store_sfx[i]);
		char *b = xprintf("%s.saved%s", g.store, store_sfx[i]);

		if (rename(a, b) < 0 && errno != ENOENT)
			fail_msg("rename '%s': %s", a, strerror(errno));
		free(a);
		free(b);
	}
	g.store_aside = true;
}

static void store_back(void)
{
	for (size_t i = 0; i < 3; i++) {
		char *a = xprintf("%s%s", g.store, store_sfx[i]);
		char *b = xprintf("%s.saved%s", g.store, store_sfx[i]);

		unlink(a);
		if (rename(b, a) < 0 && errno != ENOENT)
			fail_msg("rename '%s': %s", b, strerror(errno));
		free(a);
		free(b);
	}
	g.store_aside = false;
}

/*
 * A second process that opens the store and holds its write lock until we
 * let go: a long-running ismsctl import, say.  With @readers_too it takes the
 * lock in SQLite's exclusive locking mode, which keeps readers out as well.
 */
static void hold_lock(bool readers_too)
{
	int ready[2], hold[2];
	char c = 0;
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db = NULL;

		close(ready[0]);
		close(hold[1]);
		c = 'E';
		if (sqlite3_open_v2(g.store, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
		    sqlite3_exec(db,
				 readers_too ? "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
					       " INSERT INTO setting(key, value) VALUES ('isms-test-lock', 'x')"
					     : "BEGIN IMMEDIATE;"
					       " INSERT INTO setting(key, value) VALUES ('isms-test-lock', 'x')",
				 NULL, NULL, NULL) == SQLITE_OK)
			c = 'R';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0); /* never commits: the transaction dies with us */
	}
	close(ready[1]);
	close(hold[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	g.holder = pid;
	g.hold_fd = hold[1];
	assert_int_equal(c, 'R');
}

static void release_lock(void)
{
	if (!g.holder)
		return;
	close(g.hold_fd);
	g.hold_fd = -1;
	while (waitpid(g.holder, NULL, 0) < 0 && errno == EINTR)
		;
	g.holder = 0;
}

/* ---- fixtures --------------------------------------------------------- */

static int group_setup(void **state)
{
	char *tmpl = strdup("/tmp/isms-pam.XXXXXX");
	struct passwd *pw;

	(void)state;
	g.module = getenv("PAM_ISMS_SO");
	g.ismsctl = getenv("ISMSCTL");
	assert_non_null(tmpl);
	assert_non_null(mkdtemp(tmpl));
	g.dir = tmpl;
	/* StrictModes: the policy's directories must be root's and not writable
	 * by others; 0755 also lets a non-root caller reach the files. */
	assert_int_equal(chmod(g.dir, 0755), 0);
	g.svcdir = xprintf("%s/svc", g.dir);
	g.etc = xprintf("%s/etc", g.dir);
	g.var = xprintf("%s/var", g.dir);
	g.policy = xprintf("%s/policy.json", g.etc);
	g.store = xprintf("%s/store.db", g.var);
	g.snapshot = xprintf("%s.facts", g.store);
	g.journal = xprintf("%s.journal", g.store);
	g.spool = xprintf("%s/spool", g.var);
	g.capfile = xprintf("%s/stderr", g.dir);
	g.fullpath = xprintf("%s/full", g.dir);
	assert_int_equal(mkdir(g.svcdir, 0755), 0);
	assert_int_equal(mkdir(g.etc, 0755), 0);
	assert_int_equal(mkdir(g.var, 0755), 0);

	/* The matrix depends on who is not in which group, too. */
	if (in_group(BOB, "isms-dba") || in_group(BOB, "isms-emergency") ||
	    in_group(ALICE, "isms-emergency") || in_group(CAROL, "isms-dba") ||
	    in_group(DAVE, "isms-dba") || in_group(DAVE, "isms-emergency") || getpwnam(GHOST))
		fail_msg("test users have unexpected group memberships, or '" GHOST "' exists");
	pw = getpwnam("nobody");
	g.nobody = pw ? pw->pw_uid : 65534;

	g.permit = find_permit();
	write_services();
	/* A small tmpfs for the journal, to fill (as tests/plugin/test_resilience.sh does). */
	assert_int_equal(mkdir(g.fullpath, 0700), 0);
	if (geteuid() == 0 &&
	    run_cmd(NULL, (const char *const[]){"mount", "-t", "tmpfs", "-o", "size=256k,mode=0700",
						"isms-test", g.fullpath, NULL}) == 0)
		g.full = g.fullpath;
	/* Before the first pam_start, which is when pam_wrapper copies it. */
	assert_int_equal(setenv("PAM_WRAPPER_SERVICE_DIR", g.svcdir, 1), 0);
	build_store();
	set_policy(NULL, RULES_ALICE);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	release_lock();
	if (g.full && run_cmd(NULL, (const char *const[]){"umount", g.full, NULL}) != 0)
		run_cmd(NULL, (const char *const[]){"umount", "-l", g.full, NULL});
	g.full = NULL;
	if (g.dir && !getenv("ISMS_KEEP_TMP")) {
		char *rm = g.dir;

		run_cmd(NULL, (const char *const[]){"rm", "-rf", "--", rm, NULL});
	}
	free(g.dir);
	free(g.svcdir);
	free(g.etc);
	free(g.var);
	free(g.policy);
	free(g.store);
	free(g.snapshot);
	free(g.journal);
	free(g.spool);
	free(g.capfile);
	free(g.fullpath);
	free(g.permit);
	return 0;
}

/* After every test: undo what it broke on purpose, so the next one starts clean. */
static int restore(void **state)
{
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		assert_int_equal(seteuid(0), 0);
	g.euid = 0;
	release_lock();
	if (g.store_aside)
		store_back();
	chmod(g.dir, 0755);
	chmod(g.etc, 0755);
	if (lstat(g.policy, &st) == 0 && S_ISDIR(st.st_mode))
		rmdir(g.policy);
	else
		unlink(g.policy);
	set_policy(NULL, RULES_ALICE);
	reg_change("asset", ASSET, "locked_down", "no");
	return 0;
}

/* ---- the rule matrix -------------------------------------------------- */

static void t_user_rule(void **state)
{
	int64_t n0 = ev_count();
	struct ev e;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	assert_str(out.msg, "", "message to an allowed user");
	assert_lacks(out.log, ALICE); /* allowed logins are not logged without debug */
	ev_last(ALICE, &e);
	assert_str(e.kind, "access.allow", "kind");
	assert_str(e.outcome, "allow", "outcome");
	assert_str(e.source, "pam_isms", "source");
	assert_str(e.control, "5.15", "control");
	assert_str(e.asset, ASSET, "asset");
	assert_str(detail(&e, "rule"), "alice", "rule");
	assert_str(detail(&e, "mode"), "enforce", "mode");
	assert_str(detail(&e, "service"), "isms-main", "service");
	assert_str(detail(&e, "rhost"), NULL, "rhost of a local login");
	assert_str(detail(&e, "unknown_user"), NULL, "unknown_user");
	assert_has(e.reasons, "rule 'alice' allows: user '" ALICE "' listed");
	ev_release(&e);

	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED);
	assert_has(out.msg, DENY_MSG "rule 'default' denies");
	assert_has(out.log, "SYSLOG(4): deny user '" BOB "' service 'isms-main' from 'LOCAL':"
			    " rule 'default': rule 'default' denies");
	expect_ev(BOB, "access.deny", "deny", "default");

	/* Privileged logins are evidence for 8.2, not 5.15. */
	assert_int_equal(account("isms-main", "root"), PAM_PERM_DENIED);
	ev_last("root", &e);
	assert_str(e.control, "8.2", "control of a root login");
	ev_release(&e);
	assert_int_equal(ev_count() - n0, 3);
}

static void t_group_rule(void **state)
{
	struct passwd *pw = getpwnam(BOB);
	struct group *primary = pw ? getgrgid(pw->pw_gid) : NULL;
	char *rules;
	struct ev e;

	(void)state;
	set_policy(NULL, "{\"id\": \"dba\", \"groups\": [\"isms-dba\"], \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	ev_last(ALICE, &e);
	assert_str(detail(&e, "rule"), "dba", "rule");
	assert_has(e.reasons, "member of group 'isms-dba'");
	ev_release(&e);
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED);
	expect_ev(BOB, "access.deny", "deny", "default");
	assert_int_equal(account("isms-main", CAROL), PAM_PERM_DENIED);

	/* A denying group rule ahead of an allow-all: first match wins. */
	set_policy(NULL, "{\"id\": \"no-emergency\", \"groups\": \"isms-emergency\", \"allow\": false},"
			 "{\"id\": \"all\", \"allow\": true}");
	assert_int_equal(account("isms-main", CAROL), PAM_PERM_DENIED);
	expect_ev(CAROL, "access.deny", "deny", "no-emergency");
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS);
	expect_ev(BOB, "access.allow", "allow", "all");

	/* The primary group counts as one of the user's groups. */
	assert_non_null(primary);
	rules = xprintf("{\"id\": \"primary\", \"groups\": [\"%s\"], \"allow\": true},"
			"{\"id\": \"default\", \"allow\": false}", primary->gr_name);
	set_policy(NULL, rules);
	free(rules);
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS);
	expect_ev(BOB, "access.allow", "allow", "primary");
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
}

/* The regression: a group entry over 64 KiB fitted no 4 KiB buffer and was dropped. */
static void t_big_group(void **state)
{
	struct group *gr = getgrnam("isms-huge");
	size_t len = 0;

	(void)state;
	assert_non_null(gr);
	for (size_t i = 0; gr->gr_mem[i]; i++)
		len += strlen(gr->gr_mem[i]) + 1;
	assert_true(len > 64 * 1024);
	set_policy(NULL, "{\"id\": \"no-huge\", \"groups\": \"isms-huge\", \"allow\": false},"
			 "{\"id\": \"all\", \"allow\": true}");
	assert_int_equal(account("isms-main", ERIN), PAM_PERM_DENIED);
	expect_ev(ERIN, "access.deny", "deny", "no-huge");
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS);
	expect_ev(BOB, "access.allow", "allow", "all");
}

/* The regression: groups past the 256th were dropped. */
static void t_many_groups(void **state)
{
	(void)state;
	set_policy(NULL, "{\"id\": \"no-g300\", \"groups\": \"isms-g300\", \"allow\": false},"
			 "{\"id\": \"all\", \"allow\": true}");
	assert_int_equal(account("isms-main", FRANK), PAM_PERM_DENIED);
	expect_ev(FRANK, "access.deny", "deny", "no-g300");
	/* And the first of them still counts. */
	set_policy(NULL, "{\"id\": \"g001\", \"groups\": \"isms-g001\", \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", FRANK), PAM_SUCCESS);
	expect_ev(FRANK, "access.allow", "allow", "g001");
}

/* Groups that cannot all be resolved are an error for on_error, never a shorter list. */
static void t_group_lookup_error(void **state)
{
	(void)state;
	set_policy(NULL, "{\"id\": \"no-dba\", \"groups\": \"isms-dba\", \"allow\": false},"
			 "{\"id\": \"all\", \"allow\": true}");
	assert_int_equal(account("isms-main", OSCAR), PAM_PERM_DENIED);
	assert_has(out.log, "cannot resolve user '" OSCAR "' and all of its groups: ");
	assert_has(out.log, "; on_error=deny");
	assert_has(out.msg, ERROR_MSG);
	expect_ev(OSCAR, "access.error-deny", "error-deny", NULL);
	assert_int_equal(account("isms-onerr", OSCAR), PAM_SUCCESS);
	assert_has(out.log, "; on_error=allow");
	expect_ev(OSCAR, "access.error-allow", "error-allow", NULL);
}

/* PAM_SILENT: the user is told nothing; the log and the evidence still say it. */
static void t_silent(void **state)
{
	struct pam_testcase silent[] = {pam_test_flags(PAMTEST_ACCOUNT, PAM_PERM_DENIED, PAM_SILENT)};
	struct pam_testcase loud[] = {pam_test(PAMTEST_ACCOUNT, PAM_PERM_DENIED)};

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(pam_ops("isms-main", BOB, NULL, NULL, loud, 1), PAM_PERM_DENIED);
	assert_has(out.msg, DENY_MSG "rule 'default' denies");
	assert_int_equal(pam_ops("isms-main", BOB, NULL, NULL, silent, 1), PAM_PERM_DENIED);
	assert_str(out.msg, "", "message with PAM_SILENT");
	assert_has(out.log, "deny user '" BOB "'");
	expect_ev(BOB, "access.deny", "deny", "default");
	/* An error denies silently too. */
	assert_int_equal(pam_ops("isms-badarg", ALICE, NULL, NULL, silent, 1), PAM_PERM_DENIED);
	assert_str(out.msg, "", "error message with PAM_SILENT");
	assert_has(out.log, "on_error=deny");
	assert_int_equal(pam_ops("isms-badarg", ALICE, NULL, NULL, loud, 1), PAM_PERM_DENIED);
	assert_has(out.msg, ERROR_MSG);
}

/*
 * Account for @user, then PAM_USER set to @other, then session open in the
 * same handle, through @service.  Fills out; returns the session's result.
 */
static int switch_user(const char *service, const char *user, const char *other)
{
	struct pam_conv conv = {conv_fn, NULL};
	struct pamtest_conv_data cd = {0};
	struct pam_testcase acct[] = {pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
				      pam_test(PAMTEST_KEEPHANDLE, PAM_SUCCESS)};
	struct pam_testcase sess[] = {pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS)};
	pam_handle_t *ph = NULL;
	enum pamtest_err perr;

	memset(&out, 0, sizeof(out));
	assert_int_equal(pam_start(service, user, &conv, &ph), PAM_SUCCESS);
	capture_begin();
	perr = _pamtest(service, user, &cd, acct, 2, ph);
	if (perr == PAMTEST_ERR_OK)
		assert_int_equal(pam_set_item(ph, PAM_USER, other), PAM_SUCCESS);
	if (perr == PAMTEST_ERR_OK)
		perr = _pamtest(service, other, &cd, sess, 1, ph); /* and pam_end */
	capture_end(out.log, sizeof(out.log));
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE)
		fail_msg("libpamtest: %s", pamtest_strerror(perr));
	out.rc = sess[0].op_rv;
	return out.rc;
}

/* PAM_USER changed between account and session: that user was never decided. */
static void t_session_user_mismatch(void **state)
{
	int64_t n0 = ev_count();
	struct ev e;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(switch_user("isms-main", ALICE, BOB), PAM_PERM_DENIED);
	assert_has(out.log, "session open for user '" BOB "', but account was decided for user '"
			    ALICE "': refused");
	ev_last(BOB, &e);
	assert_str(e.kind, "session.user-mismatch", "kind");
	assert_str(e.outcome, "deny", "outcome");
	assert_str(e.asset, ASSET, "asset");
	assert_has(detail(&e, "error"), "account was decided for user '" ALICE "'");
	ev_release(&e);
	/* The account decision and the refused session. */
	assert_int_equal(ev_count() - n0, 2);
	expect_ev(ALICE, "access.allow", "allow", "alice");

	/* Audit mode: allowed, recorded all the same. */
	assert_int_equal(switch_user("isms-audit", ALICE, BOB), PAM_SUCCESS);
	ev_last(BOB, &e);
	assert_str(e.kind, "session.user-mismatch", "kind");
	assert_str(e.outcome, "audit-deny", "outcome");
	ev_release(&e);

	/* The same user: an ordinary session. */
	assert_int_equal(switch_user("isms-main", ALICE, ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "session.open", "success", NULL);
}

/*
 * An NSS source that matches names case-insensitively (sssd with
 * case_sensitive=false, some LDAP setups) answers getpwnam("ISMS-CASEY")
 * with pw_name "isms-casey", and sshd then logs in isms-casey.  The policy
 * must see the name NSS gives, not the one typed: a deny rule on
 * "isms-casey" must match a login as "ISMS-CASEY" (it fell through to the
 * allow rule before).  tests/pam/nss_casefold.c, through nss_wrapper.
 */
#define CASEY "isms-casey"
#define CASEY_TYPED "ISMS-CASEY"

static void t_case_folded_name(void **state)
{
	struct passwd *pw = getpwnam(CASEY_TYPED);
	int64_t n0 = ev_count();
	char *text = NULL;
	struct ev e;

	(void)state;
	if (!pw || strcmp(pw->pw_name, CASEY) != 0) {
		printf("# SKIP the case-folding NSS module is not loaded (ISMS_NSS_CASEFOLD)\n");
		skip();
	}
	set_policy(NULL, "{\"id\": \"no-casey\", \"users\": [\"" CASEY "\"], \"allow\": false},"
			 "{\"id\": \"everyone\", \"allow\": true}");
	assert_int_equal(account("isms-main", CASEY_TYPED), PAM_PERM_DENIED);
	assert_has(out.msg, DENY_MSG "rule 'no-casey' denies");
	assert_has(out.log, "deny user '" CASEY "'");
	assert_has(out.log, "as typed '" CASEY_TYPED "'");
	ev_last(CASEY, &e);
	assert_str(e.kind, "access.deny", "kind");
	assert_str(detail(&e, "rule"), "no-casey", "rule");
	assert_str(detail(&e, "typed_user"), CASEY_TYPED, "typed_user");
	ev_release(&e);
	assert_int_equal(sql_int("SELECT count(*) FROM evidence WHERE subject = ?1", CASEY_TYPED), 0);
	/* The canonical name itself, and a group rule through it. */
	assert_int_equal(account("isms-main", CASEY), PAM_PERM_DENIED);
	set_policy(NULL, "{\"id\": \"no-casegrp\", \"groups\": [\"isms-casegrp\"], \"allow\": false},"
			 "{\"id\": \"everyone\", \"allow\": true}");
	assert_int_equal(account("isms-main", CASEY_TYPED), PAM_PERM_DENIED);
	expect_ev(CASEY, "access.deny", "deny", "no-casegrp");
	assert_int_equal(ev_count() - n0, 3);

	/* 'ismsctl policy test' decides as pam_isms does (nss_wrapper stays). */
	set_policy(NULL, "{\"id\": \"no-casey\", \"users\": [\"" CASEY "\"], \"allow\": false},"
			 "{\"id\": \"everyone\", \"allow\": true}");
	assert_int_equal(run_cmd(&text, (const char *const[]){"env", "LD_PRELOAD=libnss_wrapper.so",
			 g.ismsctl, "--store", g.store, "--json", "policy", "test", "--policy",
			 g.policy, "--user", CASEY_TYPED, "--no-store", NULL}), 1);
	assert_has(text, "\"rule\":\"no-casey\"");
	assert_has(text, "\"user\":\"" CASEY "\"");
	free(text);
}

static void t_service_rule(void **state)
{
	struct ev e;

	(void)state;
	set_policy(NULL, "{\"id\": \"main-only\", \"services\": [\"isms-main\", \"sshd\"], \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "main-only");
	assert_int_equal(account("isms-alt", ALICE), PAM_PERM_DENIED);
	ev_last(ALICE, &e);
	assert_str(detail(&e, "service"), "isms-alt", "service");
	assert_str(detail(&e, "rule"), "default", "rule");
	ev_release(&e);
	assert_has(out.log, "deny user '" ALICE "' service 'isms-alt'");

	/* The other way round: a service denied for everyone. */
	set_policy(NULL, "{\"id\": \"no-alt\", \"services\": \"isms-alt\", \"allow\": false},"
			 "{\"id\": \"all\", \"allow\": true}");
	assert_int_equal(account("isms-alt", BOB), PAM_PERM_DENIED);
	expect_ev(BOB, "access.deny", "deny", "no-alt");
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS);
	expect_ev(BOB, "access.allow", "allow", "all");
}

static void t_from_rule(void **state)
{
	static const struct {
		const char *rhost;
		int rc;
	} cases[] = {
		{"10.1.2.3", PAM_SUCCESS},
		{"10.255.255.255", PAM_SUCCESS},
		{"11.0.0.1", PAM_PERM_DENIED},
		{"9.255.255.255", PAM_PERM_DENIED},
		{"2001:db8::5", PAM_SUCCESS},
		{"2001:DB8:0:0:0:0:0:1", PAM_SUCCESS},
		{"2001:db9::1", PAM_PERM_DENIED},
		{"::ffff:10.0.0.5", PAM_SUCCESS}, /* IPv4-mapped: sshd may report either */
		{"::ffff:192.168.0.5", PAM_PERM_DENIED},
		{"jump.example.org", PAM_SUCCESS},
		{"JUMP.Example.ORG", PAM_SUCCESS},
		{"jump.example.org.evil.net", PAM_PERM_DENIED},
		{"db.corp.example", PAM_SUCCESS},
		{"evilcorp.example", PAM_PERM_DENIED}, /* a domain matches at a dot */
		{"corp.example", PAM_PERM_DENIED},
	};
	struct ev e;

	(void)state;
	set_policy(NULL, "{\"id\": \"lan\", \"from\": [\"10.0.0.0/8\", \"2001:db8::/32\","
			 " \"jump.example.org\", \".corp.example\"], \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = acct_from("isms-main", ALICE, cases[i].rhost);

		if (rc != cases[i].rc)
			fail_msg("from '%s': %d (%s), wanted %d", cases[i].rhost, rc,
				 pam_strerror(NULL, rc), cases[i].rc);
		ev_last(ALICE, &e);
		assert_str(detail(&e, "rhost"), cases[i].rhost, "rhost in the evidence");
		assert_str(detail(&e, "rule"), cases[i].rc == PAM_SUCCESS ? "lan" : "default", "rule");
		ev_release(&e);
		if (rc != PAM_SUCCESS) {
			char *line = xprintf("from '%s': rule 'default'", cases[i].rhost);

			assert_has(out.log, line);
			free(line);
		}
	}
	/* No PAM_RHOST at all is a local login, which this rule does not list. */
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	assert_has(out.log, "from 'LOCAL': rule 'default'");
}

static void t_local_and_tty(void **state)
{
	struct ev e;

	(void)state;
	set_policy(NULL, "{\"id\": \"console\", \"from\": \"LOCAL\", \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	/* No PAM_RHOST: local. */
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	ev_last(ALICE, &e);
	assert_str(detail(&e, "rule"), "console", "rule");
	assert_str(detail(&e, "rhost"), NULL, "rhost");
	assert_has(e.reasons, "from the local console");
	ev_release(&e);
	/* An empty PAM_RHOST is local too (login(1) sets it so). */
	assert_int_equal(acct_from("isms-main", ALICE, ""), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "console");
	assert_int_equal(acct_from("isms-main", ALICE, "127.0.0.1"), PAM_PERM_DENIED);
	expect_ev(ALICE, "access.deny", "deny", "default");

	set_policy(NULL, "{\"id\": \"vt\", \"ttys\": [\"tty[1-6]\"], \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(pam_op("isms-main", ALICE, NULL, "tty3", PAMTEST_ACCOUNT), PAM_SUCCESS);
	ev_last(ALICE, &e);
	assert_str(detail(&e, "tty"), "tty3", "tty");
	assert_str(detail(&e, "rule"), "vt", "rule");
	ev_release(&e);
	assert_int_equal(pam_op("isms-main", ALICE, NULL, "pts/0", PAMTEST_ACCOUNT), PAM_PERM_DENIED);
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED); /* no tty at all */
}

static void t_time_rule(void **state)
{
	static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

	(void)state;
	for (int attempt = 0; attempt < 2; attempt++) {
		time_t t0 = time(NULL), t1;
		struct tm tm;
		char *rules;
		int in, other;

		gmtime_r(&t0, &tm);
		rules = xprintf("{\"id\": \"today\", \"users\": \"" ALICE "\", \"time\": {\"days\": [\"%s\"],"
				" \"hours\": \"00:00-24:00\", \"tz\": \"UTC\"}, \"allow\": true},"
				"{\"id\": \"tomorrow\", \"users\": \"" BOB "\", \"time\": {\"days\": \"%s\","
				" \"hours\": \"00:00-24:00\", \"tz\": \"UTC\"}, \"allow\": true},"
				"{\"id\": \"default\", \"allow\": false}",
				days[tm.tm_wday], days[(tm.tm_wday + 1) % 7]);
		set_policy(NULL, rules);
		free(rules);
		in = account("isms-main", ALICE);
		other = account("isms-main", BOB);
		t1 = time(NULL);
		if (t0 / 86400 != t1 / 86400)
			continue; /* midnight passed under us: once more */
		assert_int_equal(in, PAM_SUCCESS);
		expect_ev(ALICE, "access.allow", "allow", "today");
		assert_int_equal(other, PAM_PERM_DENIED);
		expect_ev(BOB, "access.deny", "deny", "default");
		return;
	}
	fail_msg("the day changed twice during the test");
}

static void t_require_acknowledged(void **state)
{
	char today[11];
	struct ev e;

	(void)state;
	day(0, today);
	set_policy(NULL, "{\"id\": \"ack\", \"require\": {\"acknowledged\": \"isms-infosec\"}, \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "ack");
	/* Bob acknowledged 2.0; the current version is 2.1. */
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED);
	assert_has(out.msg, "has not acknowledged the current version of 'isms-infosec'");
	ev_last(BOB, &e);
	assert_str(e.kind, "access.deny", "kind");
	assert_str(detail(&e, "rule"), "ack", "rule: the matching rule, failed precondition");
	assert_has(e.reasons, "has not acknowledged the current version of 'isms-infosec'");
	ev_release(&e);
	assert_int_equal(account("isms-main", CAROL), PAM_PERM_DENIED);
	assert_int_equal(account("isms-main", DAVE), PAM_PERM_DENIED);

	/* A new version: Alice's acknowledgement no longer counts ... */
	reg_change("document", "isms-infosec", "version", "2.2");
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	expect_ev(ALICE, "access.deny", "deny", "ack");
	/* ... until she acknowledges it. */
	reg_add("ack", (const struct isms_kv[]){{"person", "alice"}, {"document", "isms-infosec"},
						{"version", "2.2"}, {"at", today}}, 4);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "ack");
}

static void t_require_reviewed(void **state)
{
	char d5[11], today[11];
	struct ev e;

	(void)state;
	day(-5, d5);
	day(0, today);
	set_policy(NULL, "{\"id\": \"reviewed\", \"require\": {\"reviewed_within_days\": 90}, \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS); /* 10 days ago */
	expect_ev(ALICE, "access.allow", "allow", "reviewed");
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED); /* 200 days ago */
	ev_last(BOB, &e);
	assert_has(e.reasons, "access not reviewed within 90 days");
	ev_release(&e);
	/* Carol's only review is of another asset. */
	assert_int_equal(account("isms-main", CAROL), PAM_PERM_DENIED);
	ev_last(CAROL, &e);
	assert_has(e.reasons, "access to this asset was never reviewed");
	ev_release(&e);

	/* A recent review that failed vouches for nothing ... */
	reg_add("review", (const struct isms_kv[]){{"kind", "access"}, {"subject", "bob again"},
						   {"asset", ASSET}, {"person", BOB}, {"due", today},
						   {"done", d5}, {"result", "failed"}}, 7);
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED);
	/* ... a wider window admits the old one. */
	set_policy(NULL, "{\"id\": \"reviewed\", \"require\": {\"reviewed_within_days\": 365}, \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS);
	expect_ev(BOB, "access.allow", "allow", "reviewed");
}

static void t_require_active(void **state)
{
	char today[11], yesterday[11];
	struct ev e;

	(void)state;
	day(0, today);
	day(-1, yesterday);
	set_policy(NULL, "{\"id\": \"active\", \"require\": {\"active\": true}, \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS); /* a person by name, no login */
	assert_int_equal(account("isms-main", CAROL), PAM_PERM_DENIED);
	ev_last(CAROL, &e);
	assert_has(e.reasons, "person is past their active_until date");
	ev_release(&e);
	assert_int_equal(account("isms-main", DAVE), PAM_PERM_DENIED);
	ev_last(DAVE, &e);
	assert_has(e.reasons, "user is not a person in the register");
	ev_release(&e);
	/* The last day is still a working day. */
	reg_change("person", "carol", "active_until", today);
	assert_int_equal(account("isms-main", CAROL), PAM_SUCCESS);
	reg_change("person", "carol", "active_until", yesterday);
	assert_int_equal(account("isms-main", CAROL), PAM_PERM_DENIED);
}

static void t_lockdown_break_glass(void **state)
{
	int64_t n0;
	struct ev e;

	(void)state;
	set_policy(NULL, "{\"id\": \"break-glass\", \"groups\": [\"isms-emergency\"], \"allow\": true,"
			 " \"flag\": \"break-glass\"},"
			 "{\"id\": \"alice\", \"users\": [\"" ALICE "\"], \"allow\": true},"
			 "{\"id\": \"default\", \"allow\": false}");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "alice");

	reg_change("asset", ASSET, "locked_down", "yes");
	n0 = ev_count();
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	assert_has(out.msg, "asset '" ASSET "' is locked down: only break-glass rules admit");
	assert_has(out.log, "deny user '" ALICE "'");
	assert_has(out.log, "is locked down");
	expect_ev(ALICE, "access.deny", "deny", "alice");

	assert_int_equal(account("isms-main", CAROL), PAM_SUCCESS);
	ev_last(CAROL, &e);
	assert_str(e.kind, "access.break-glass", "kind");
	assert_str(e.outcome, "allow", "outcome");
	assert_str(detail(&e, "rule"), "break-glass", "rule");
	assert_str(detail(&e, "break_glass"), "true", "break_glass");
	assert_has(e.reasons, "break-glass access: flagged for review");
	ev_release(&e);
	/* Flagged, so the log has it even without debug. */
	assert_has(out.log, "allow user '" CAROL "'");
	assert_int_equal(ev_count() - n0, 2);

	/* Not locked: break-glass still admits, and is still flagged. */
	reg_change("asset", ASSET, "locked_down", "no");
	assert_int_equal(account("isms-main", CAROL), PAM_SUCCESS);
	expect_ev(CAROL, "access.break-glass", "allow", "break-glass");
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
}

static void t_mode_audit(void **state)
{
	struct ev e;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	/* mode=audit in the PAM line: the denied user gets in, the denial is recorded. */
	assert_int_equal(account("isms-audit", BOB), PAM_SUCCESS);
	assert_str(out.msg, "", "message in audit mode");
	assert_has(out.log, "audit-deny user '" BOB "' service 'isms-audit'");
	ev_last(BOB, &e);
	assert_str(e.kind, "access.audit-deny", "kind");
	assert_str(e.outcome, "audit-deny", "outcome");
	assert_str(detail(&e, "mode"), "audit", "mode");
	assert_str(detail(&e, "rule"), "default", "rule");
	ev_release(&e);
	assert_int_equal(account("isms-audit", ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "alice");

	/* The policy's own mode ... */
	set_policy("\"mode\": \"audit\",", RULES_ALICE);
	assert_int_equal(account("isms-main", BOB), PAM_SUCCESS);
	expect_ev(BOB, "access.audit-deny", "audit-deny", "default");
	/* ... and the PAM line overrides it. */
	assert_int_equal(account("isms-enforce", BOB), PAM_PERM_DENIED);
	ev_last(BOB, &e);
	assert_str(e.outcome, "deny", "outcome");
	assert_str(detail(&e, "mode"), "enforce", "mode");
	ev_release(&e);
}

static void t_unknown_user(void **state)
{
	int64_t n0 = ev_count();
	struct ev e;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(account("isms-main", GHOST), PAM_USER_UNKNOWN);
	ev_last(GHOST, &e);
	assert_str(e.kind, "access.deny", "kind");
	assert_str(detail(&e, "unknown_user"), "true", "unknown_user");
	ev_release(&e);
	assert_has(out.log, "deny user '" GHOST "'");
	assert_int_equal(ev_count() - n0, 1);
}

static void t_session(void **state)
{
	struct pam_testcase login[] = {
		pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
		pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
		pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
	};
	int64_t n0 = ev_count();
	struct ev e;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(pam_op("isms-main", ALICE, "10.0.0.7", "pts/3", PAMTEST_OPEN_SESSION),
			 PAM_SUCCESS);
	assert_int_equal(ev_count() - n0, 1);
	ev_last(ALICE, &e);
	assert_str(e.kind, "session.open", "kind");
	assert_str(e.outcome, "success", "outcome");
	assert_str(e.control, "8.15", "control");
	assert_str(detail(&e, "rhost"), "10.0.0.7", "rhost");
	assert_str(detail(&e, "tty"), "pts/3", "tty");
	assert_str(detail(&e, "service"), "isms-main", "service");
	ev_release(&e);
	assert_int_equal(pam_op("isms-main", ALICE, NULL, NULL, PAMTEST_CLOSE_SESSION), PAM_SUCCESS);
	assert_int_equal(ev_count() - n0, 2);
	expect_ev(ALICE, "session.close", "success", NULL);

	/* A whole login in one handle, as sshd does it: three rows. */
	n0 = ev_count();
	assert_int_equal(run_pamtest("isms-main", ALICE, &(struct pamtest_conv_data){0}, login, NULL),
			 PAMTEST_ERR_OK);
	assert_int_equal(ev_count() - n0, 3);
	/* The session rows name the asset the account was decided for. */
	ev_last(ALICE, &e);
	assert_str(e.kind, "session.close", "kind");
	assert_str(e.asset, ASSET, "asset");
	ev_release(&e);

	/* Recording a session never fails it, not even with a bad PAM line. */
	n0 = ev_count();
	assert_int_equal(pam_op("isms-badarg", ALICE, NULL, NULL, PAMTEST_OPEN_SESSION), PAM_SUCCESS);
	assert_has(out.log, "unknown or malformed module argument 'frobnicate', ignoring");
	assert_int_equal(ev_count() - n0, 1);
	/* A hostile name gets no session row. */
	assert_int_equal(pam_op("isms-main", "x\x01y", NULL, NULL, PAMTEST_OPEN_SESSION), PAM_SUCCESS);
	assert_int_equal(ev_count() - n0, 1);
}

static void t_auth_password_ignore(void **state)
{
	int64_t n0 = ev_count();

	(void)state;
	if (!g.permit)
		skip(); /* no pam_permit.so found to build the stacks with */
	set_policy(NULL, RULES_ALICE);
	/* Each stack reaches pam_permit only if pam_isms answered PAM_IGNORE. */
	assert_int_equal(pam_op("isms-main", BOB, NULL, NULL, PAMTEST_AUTHENTICATE), PAM_SUCCESS);
	assert_int_equal(pam_op("isms-main", BOB, NULL, NULL, PAMTEST_SETCRED), PAM_SUCCESS);
	assert_int_equal(pam_op("isms-main", BOB, NULL, NULL, PAMTEST_CHAUTHTOK), PAM_SUCCESS);
	/* Even when the account decision would deny, and even with a broken line. */
	assert_int_equal(pam_op("isms-badarg", BOB, NULL, NULL, PAMTEST_AUTHENTICATE), PAM_SUCCESS);
	/* The stack shape is a real test: a module that does not ignore fails it. */
	assert_int_equal(pam_op("isms-oracle", BOB, NULL, NULL, PAMTEST_AUTHENTICATE), PAM_AUTH_ERR);
	assert_int_equal(ev_count() - n0, 0);
}

static void t_quiet_and_debug(void **state)
{
	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(account("isms-quiet", BOB), PAM_PERM_DENIED);
	assert_str(out.msg, "", "message with quiet");
	assert_has(out.log, "deny user '" BOB "'"); /* quiet is for the user, not the log */
	assert_int_equal(account("isms-debug", ALICE), PAM_SUCCESS);
	assert_has(out.log, "allow user '" ALICE "' service 'isms-debug' from 'LOCAL': rule 'alice'");
}

static void t_audit_on(void **state)
{
	int64_t n0 = ev_count();

	(void)state;
	/* Without noaudit the module also writes to the kernel audit trail; it
	 * must work whether or not there is one (a container has none). */
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(account("isms-withaudit", ALICE), PAM_SUCCESS);
	expect_ev(ALICE, "access.allow", "allow", "alice");
	assert_int_equal(account("isms-withaudit", BOB), PAM_PERM_DENIED);
	expect_ev(BOB, "access.deny", "deny", "default");
	assert_int_equal(account("isms-withaudit", GHOST), PAM_USER_UNKNOWN);
	assert_int_equal(ev_count() - n0, 3);
}

/* ---- failure modes ---------------------------------------------------- */

/*
 * The policy cannot be used: default deny (PAM_PERM_DENIED, the generic
 * message, an error-deny row), on_error=allow lets in (error-allow row), and
 * the log names the problem with @want.
 */
static void expect_policy_error_at(const char *want, const char *file, int line)
{
	int64_t n0 = ev_count();
	struct ev e;

	if (account("isms-main", ALICE) != PAM_PERM_DENIED) {
		print_error("isms-main: %s, wanted PAM_PERM_DENIED\n", pam_strerror(NULL, out.rc));
		_fail(file, line);
	}
	has_at(out.log, want, true, file, line);
	has_at(out.log, "; on_error=deny", true, file, line);
	has_at(out.msg, ERROR_MSG, true, file, line);
	ev_last(ALICE, &e);
	str_eq_at(e.kind, "access.error-deny", "kind", file, line);
	str_eq_at(e.outcome, "error-deny", "outcome", file, line);
	has_at(detail(&e, "error"), want, true, file, line);
	ev_release(&e);

	if (account("isms-onerr", BOB) != PAM_SUCCESS) {
		print_error("isms-onerr: %s, wanted PAM_SUCCESS\n", pam_strerror(NULL, out.rc));
		_fail(file, line);
	}
	has_at(out.log, want, true, file, line);
	has_at(out.log, "; on_error=allow", true, file, line);
	str_eq_at(out.msg, "", "message", file, line);
	expect_ev_at(BOB, "access.error-allow", "error-allow", NULL, file, line);
	if (ev_count() - n0 != 2) {
		print_error("%lld rows, wanted 2\n", (long long)(ev_count() - n0));
		_fail(file, line);
	}
}
#define expect_policy_error(want) expect_policy_error_at((want), __FILE__, __LINE__)

static void put_bytes(const char *path, const unsigned char *buf, size_t len);

/*
 * The compiled policy is used while it carries the policy file's very text;
 * edited and not compiled again, or damaged, the JSON decides as before.
 */
static void t_compiled_policy(void **state)
{
	struct isms_policy_problems pr;
	char *bin = xprintf("%s.policy", g.store);
	unsigned char *buf;
	size_t len;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(isms_policy_write_compiled(g.policy, bin, NULL, &pr), 0);
	assert_int_equal(account("isms-debug", ALICE), PAM_SUCCESS);
	assert_lacks(out.log, "compiled policy");
	expect_ev(ALICE, "access.allow", "allow", "alice");
	/* Edited, not compiled: the new text decides. */
	set_policy(NULL, "{\"id\": \"nobody\", \"users\": [\"" ALICE "\"], \"allow\": false}");
	assert_int_equal(account("isms-debug", ALICE), PAM_PERM_DENIED);
	assert_has(out.log, "not used (Stale file handle)");
	expect_ev(ALICE, "access.deny", "deny", "nobody");
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	assert_int_equal(isms_policy_write_compiled(g.policy, bin, NULL, &pr), 0);
	assert_int_equal(account("isms-debug", ALICE), PAM_PERM_DENIED);
	assert_lacks(out.log, "compiled policy");
	/* Damaged: ignored, the JSON decides. */
	{
		FILE *f = fopen(bin, "rb");

		assert_non_null(f);
		buf = malloc(1 << 16);
		assert_non_null(buf);
		len = fread(buf, 1, 1 << 16, f);
		fclose(f);
	}
	buf[len - 1] ^= 0x20;
	put_bytes(bin, buf, len);
	assert_int_equal(account("isms-debug", ALICE), PAM_PERM_DENIED);
	assert_has(out.log, "not used (Bad message)");
	expect_ev(ALICE, "access.deny", "deny", "nobody");
	free(buf);
	assert_int_equal(unlink(bin), 0);
	free(bin);
}

static void t_policy_missing(void **state)
{
	char *want;

	(void)state;
	assert_int_equal(unlink(g.policy), 0);
	want = xprintf("policy '%s': No such file or directory", g.policy);
	expect_policy_error(want);
	free(want);
}

static void t_policy_unreadable(void **state)
{
	char *want;

	(void)state;
	/*
	 * Root reads any mode, so chmod 000 proves nothing here.  Two honest
	 * ways: a path that cannot be resolved (a symlink loop), and the module
	 * running without root, as in a screen locker, on a 0600 policy.
	 */
	assert_int_equal(unlink(g.policy), 0);
	assert_int_equal(symlink(g.policy, g.policy), 0);
	want = xprintf("policy '%s': Too many levels of symbolic links", g.policy);
	expect_policy_error(want);
	free(want);

	set_policy(NULL, RULES_ALICE);
	assert_int_equal(chmod(g.policy, 0600), 0);
	g.euid = g.nobody;
	want = xprintf("policy '%s': Permission denied; on_error=deny", g.policy);
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	assert_has(out.log, want);
	assert_has(out.msg, ERROR_MSG);
	/* As nobody the root-owned journal is not ours: this decision reaches
	 * only the log (and the audit trail, where there is one). */
	assert_has(out.log, "not journaled in");
	free(want);
	assert_int_equal(account("isms-onerr", ALICE), PAM_SUCCESS);
	assert_has(out.log, "Permission denied; on_error=allow");
	g.euid = 0;
	assert_int_equal(geteuid(), 0);
}

static void t_policy_malformed(void **state)
{
	(void)state;
	/* Not JSON at all: the log says where the reader gave up. */
	put_file(g.policy, "{\"version\": 1, \"asset\": \"" ASSET "\", \"rules\": [\n"
			   "  {\"id\": \"alice\", \"allow\": true}\n", 0644);
	expect_policy_error("rejected (1 problem): $.rules: not valid JSON");
	/* Strict JSON (issue #8): a comment hung every login at 100% CPU. */
	put_file(g.policy, "{\"version\": 1, \"asset\": \"" ASSET "\", \"rules\": [\n"
			   "  // admins first }\n  {\"id\": \"alice\", \"allow\": true}]}\n", 0644);
	expect_policy_error("rejected (1 problem): $.rules[0]: not valid JSON: comments are not allowed");

	/* A typo in a deny rule must not turn into an allow (pam_access's flaw). */
	set_policy(NULL, "{\"id\": \"block\", \"from\": [\"10.0.0.0/33\"], \"allow\": false},"
			 "{\"id\": \"all\", \"allow\": true}");
	expect_policy_error("rejected (1 problem): $.rules[0].from[0]: '10.0.0.0/33': prefix length must be 0-32");

	/* Several problems: the first in the summary, every one in the log. */
	set_policy(NULL, "{\"id\": \"alice\", \"users\": [\"" ALICE "\"], \"alow\": true},"
			 "{\"id\": \"default\", \"allow\": false, \"groups\": []}");
	expect_policy_error("rejected (3 problems): $.rules[0]: unknown member 'alow'");
	assert_has(out.log, "$.rules[0]: needs \"allow\": true or false");
	assert_has(out.log, "$.rules[1].groups: must not be empty");

	/* A broken policy's own on_error is not trusted. */
	put_file(g.policy, "{\"version\": 2, \"asset\": \"" ASSET "\", \"on_error\": \"allow\","
			   " \"rules\": [" RULES_ALICE "]}\n", 0644);
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	assert_has(out.log, "rejected (1 problem): $.version: must be 1; on_error=deny");

	/* While a valid policy's on_error is. */
	set_policy("\"on_error\": \"allow\",", RULES_ALICE);
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED); /* a decision, not an error */
}

static void t_policy_insecure(void **state)
{
	char *want;
	double t0;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(chmod(g.policy, 0664), 0);
	expect_policy_error("must be owned by root and not group- or world-writable (owner uid 0, mode 0664)");
	assert_int_equal(chmod(g.policy, 0646), 0);
	expect_policy_error("(owner uid 0, mode 0646)");

	assert_int_equal(chmod(g.policy, 0644), 0);
	assert_int_equal(chown(g.policy, g.nobody, (gid_t)-1), 0);
	want = xprintf("(owner uid %u, mode 0644)", (unsigned)g.nobody);
	expect_policy_error(want);
	free(want);
	assert_int_equal(chown(g.policy, 0, (gid_t)-1), 0);

	/* Whoever may write the directory may replace the file. */
	assert_int_equal(chmod(g.etc, 0775), 0);
	want = xprintf("directory '%s' must be owned by root", g.etc);
	expect_policy_error(want);
	free(want);
	assert_int_equal(chmod(g.etc, 0755), 0);

	/* StrictModes bypass: the policy a symlink, leading through a link in a
	 * world-writable directory to a good root-owned policy.  Whoever can
	 * write that directory chose the policy: refused. */
	{
		char *open_dir = xprintf("%s/open", g.dir), *hop = xprintf("%s/hop.json", open_dir);
		char *good = xprintf("%s/good.json", g.dir);

		assert_int_equal(rename(g.policy, good), 0);
		assert_int_equal(mkdir(open_dir, 0777), 0);
		assert_int_equal(chmod(open_dir, 0777), 0);
		assert_int_equal(symlink(good, hop), 0);
		assert_int_equal(symlink(hop, g.policy), 0);
		want = xprintf("directory '%s' must be owned by root and not group- or world-writable",
			       open_dir);
		expect_policy_error(want);
		free(want);
		/* The same links in a directory of root's: the policy applies. */
		assert_int_equal(chmod(open_dir, 0755), 0);
		assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
		assert_int_equal(unlink(g.policy), 0);
		assert_int_equal(unlink(hop), 0);
		assert_int_equal(rmdir(open_dir), 0);
		assert_int_equal(rename(good, g.policy), 0);
		free(good);
		free(hop);
		free(open_dir);
	}

	/* Not a file: a FIFO must be refused without blocking on it, a directory too. */
	assert_int_equal(unlink(g.policy), 0);
	assert_int_equal(mkfifo(g.policy, 0600), 0);
	want = xprintf("'%s' is not a regular file", g.policy);
	t0 = now_secs();
	expect_policy_error(want);
	assert_true(now_secs() - t0 < 5.0);
	assert_int_equal(unlink(g.policy), 0);
	assert_int_equal(mkdir(g.policy, 0755), 0);
	expect_policy_error(want);
	free(want);
	assert_int_equal(rmdir(g.policy), 0);
}

static void t_bad_argument(void **state)
{
	static const struct {
		const char *service, *arg;
	} bad[] = {
		{"isms-badarg", "frobnicate"},
		{"isms-badmode", "mode=sometimes"},
		{"isms-relpolicy", "policy=relative/policy.json"},
		{"isms-badbusy", "busy_ms=99999"},
	};
	int64_t n0 = ev_count();

	(void)state;
	set_policy(NULL, RULES_ALICE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *want = xprintf("unknown or malformed module argument '%s'; on_error=deny",
				     bad[i].arg);

		/* Alice is allowed by the policy: only the argument denies her. */
		if (account(bad[i].service, ALICE) != PAM_PERM_DENIED)
			fail_msg("%s: %s", bad[i].service, pam_strerror(NULL, out.rc));
		assert_has(out.log, want);
		assert_has(out.msg, ERROR_MSG);
		expect_ev(ALICE, "access.error-deny", "error-deny", NULL);
		free(want);
	}
	assert_int_equal(account("isms-badarg-allow", ALICE), PAM_SUCCESS);
	assert_has(out.log, "unknown or malformed module argument 'frobnicate'; on_error=allow");
	expect_ev(ALICE, "access.error-allow", "error-allow", NULL);
	assert_int_equal(ev_count() - n0, 5);
}

/* Count of @needle in @hay. */
static int occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * spool= and busy_ms= do nothing since logins no longer touch the store:
 * still accepted (a PAM line with them must not turn into on_error), with a
 * warning once per transaction that names them.
 */
static void t_deprecated_args(void **state)
{
	struct pam_testcase login[] = {
		pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
		pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
		pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
	};

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_int_equal(account("isms-busy", ALICE), PAM_SUCCESS);
	assert_has(out.log, "module argument busy_ms= is deprecated and ignored: remove it");
	expect_ev(ALICE, "access.allow", "allow", "alice");
	assert_int_equal(account("isms-spool", ALICE), PAM_SUCCESS);
	assert_has(out.log, "module argument spool= is deprecated and ignored");
	assert_int_equal(account("isms-spool", BOB), PAM_PERM_DENIED);
	assert_has(out.log, "spool= is deprecated");
	/* One whole login, account and both session calls: one warning. */
	assert_int_equal(pam_ops("isms-deprecated", ALICE, NULL, NULL, login, 3), PAM_SUCCESS);
	assert_int_equal(occurrences(out.log, "deprecated and ignored"), 1);
	assert_has(out.log, "module arguments spool= and busy_ms= are deprecated and ignored: remove them");
	/* Without them, not a word. */
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	assert_lacks(out.log, "deprecated");
}

#define RULES_STORE                                                                         \
	"{\"id\": \"ack\", \"users\": [\"" ALICE "\"],"                                      \
	" \"require\": {\"acknowledged\": \"isms-infosec\"}, \"allow\": true},"             \
	"{\"id\": \"bob\", \"users\": [\"" BOB "\"], \"allow\": true},"                     \
	"{\"id\": \"default\", \"allow\": false}"

/* Move a file away and back, for the snapshot tests. */
static void file_aside(const char *path, bool back)
{
	char *saved = xprintf("%s.saved", path);

	if (back)
		assert_int_equal(rename(saved, path), 0);
	else
		assert_int_equal(rename(path, saved), 0);
	free(saved);
}

/*
 * The store is not on the login path any more: gone, locked against readers
 * too, or corrupt, a login is decided from the snapshot as before, without
 * waiting, and its evidence waits in the journal until a drain.
 */
static void t_store_missing(void **state)
{
	int64_t n0;
	struct stat st;

	(void)state;
	set_policy(NULL, RULES_STORE);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	n0 = ev_count();
	store_away();
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	assert_lacks(out.log, "store");
	assert_int_equal(account("isms-main", DAVE), PAM_PERM_DENIED);
	assert_int_equal(pam_op("isms-main", BOB, NULL, NULL, PAMTEST_OPEN_SESSION), PAM_SUCCESS);
	/* The module never creates a store behind the administrator's back. */
	assert_int_equal(stat(g.store, &st), -1);
	assert_int_equal(stat(g.journal, &st), 0);
	store_back();
	/* Drained (by ev_count) into the chain: two decisions, one session. */
	assert_int_equal(ev_count() - n0, 3);
	assert_int_equal(stat(g.journal, &st), -1);
}

static void t_store_locked(void **state)
{
	int64_t n0;

	(void)state;
	set_policy(NULL, RULES_STORE);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	n0 = ev_count();
	/* Exclusive locking mode keeps even readers out: logins do not notice. */
	hold_lock(true);
	assert_int_equal(account("isms-busy", ALICE), PAM_SUCCESS);
	assert_true(out.secs < 5.0);
	assert_lacks(out.log, "store");
	assert_int_equal(account("isms-busy", DAVE), PAM_PERM_DENIED);
	assert_int_equal(pam_op("isms-busy", ALICE, NULL, NULL, PAMTEST_CLOSE_SESSION), PAM_SUCCESS);
	release_lock();
	assert_int_equal(ev_count() - n0, 3);
	/* The holder's uncommitted write died with it. */
	assert_int_equal(sql_int("SELECT count(*) FROM setting WHERE key = 'isms-test-lock'", NULL), 0);
}

/* The snapshot's bytes, to damage. */
static unsigned char *read_snapshot(size_t *ret_len)
{
	FILE *f = fopen(g.snapshot, "rb");
	unsigned char *buf = malloc(1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	*ret_len = n;
	return buf;
}

static void put_bytes(const char *path, const unsigned char *buf, size_t len)
{
	char *tmp = xprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(tmp, 0600), 0);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
}

#define RULES_SNAPSHOT                                                                      \
	"{\"id\": \"break-glass\", \"groups\": [\"isms-emergency\"], \"allow\": true,"        \
	" \"flag\": \"break-glass\"}," RULES_STORE

/*
 * The snapshot unusable (missing, damaged, of another version, stale,
 * untrusted) is an error, and on_error decides, for rules with
 * preconditions and without alike (a lockdown is a fact too); a break-glass
 * rule still admits, and audit mode admits.  Every decision is evidence
 * that says why.
 */
static void expect_no_facts(const char *why)
{
	assert_int_equal(account("isms-main", ALICE), PAM_PERM_DENIED);
	assert_has(out.log, "cannot use facts snapshot");
	assert_has(out.log, why);
	assert_has(out.log, "; on_error=deny");
	assert_has(out.msg, ERROR_MSG);
	expect_ev(ALICE, "access.error-deny", "error-deny", NULL);
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED);
	expect_ev(BOB, "access.error-deny", "error-deny", NULL);
	assert_int_equal(account("isms-onerr", ALICE), PAM_SUCCESS);
	assert_has(out.log, why);
	assert_has(out.log, "; on_error=allow");
	expect_ev(ALICE, "access.error-allow", "error-allow", NULL);
	/* Break-glass needs no facts: it keeps working while the snapshot's writers are down. */
	assert_int_equal(account("isms-main", CAROL), PAM_SUCCESS);
	assert_has(out.log, why);
	assert_has(out.log, "a break-glass rule admits");
	expect_ev(CAROL, "access.break-glass", "allow", "break-glass");
	assert_int_equal(account("isms-audit", ALICE), PAM_SUCCESS);
	assert_has(out.log, "audit mode admits");
	expect_ev(ALICE, "access.audit-deny", "audit-deny", "ack");
}

static void t_snapshot_unusable(void **state)
{
	static const char *const error_sql =
		"SELECT count(*) FROM evidence WHERE outcome = ?1"
		" AND evidence_details(pk, fmt, details) LIKE '%cannot use facts snapshot%'";
	unsigned char *buf;
	size_t len;
	int64_t n0, d0, a0;
	uint32_t crc;

	(void)state;
	set_policy(NULL, RULES_SNAPSHOT);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	n0 = ev_count();
	d0 = sql_int(error_sql, "error-deny");
	a0 = sql_int(error_sql, "error-allow");

	file_aside(g.snapshot, false);
	expect_no_facts("No such file or directory");
	file_aside(g.snapshot, true);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);

	buf = read_snapshot(&len);
	/* One bit flipped. */
	buf[len - 1] ^= 1;
	put_bytes(g.snapshot, buf, len);
	expect_no_facts("checksum does not match");
	buf[len - 1] ^= 1;
	/* Cut short. */
	put_bytes(g.snapshot, buf, len - 3);
	expect_no_facts("sizes do not add up");
	/* Another format version. */
	buf[8] = 9;
	put_bytes(g.snapshot, buf, len);
	expect_no_facts("format version 9");
	buf[8] = 1;
	/* Stale: created two days ago (the default max_age is one day), checksum redone. */
	{
		int64_t created = (int64_t)time(NULL) - 2 * 86400;

		for (int i = 0; i < 8; i++)
			buf[24 + i] = (unsigned char)((uint64_t)created >> (8 * i));
		crc = isms_crc32c(isms_crc32c(0, buf, 68), buf + 72, len - 72);
		for (int i = 0; i < 4; i++)
			buf[68 + i] = (unsigned char)(crc >> (8 * i));
	}
	put_bytes(g.snapshot, buf, len);
	expect_no_facts("is older than max_age=86400 s");
	/* The policy's own on_error=allow, as the module's. */
	set_policy("\"on_error\": \"allow\",", RULES_SNAPSHOT);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	assert_has(out.log, "is older than max_age=86400 s; on_error=allow");
	expect_ev(ALICE, "access.error-allow", "error-allow", NULL);
	set_policy(NULL, RULES_SNAPSHOT);
	/* Writable by others: not trusted. */
	{
		struct isms_store *s = store_rw();

		refresh(s);
		isms_store_free(s);
	}
	assert_int_equal(chmod(g.snapshot, 0666), 0);
	expect_no_facts("group- or world-writable");
	assert_int_equal(chmod(g.snapshot, 0600), 0);
	assert_int_equal(account("isms-main", ALICE), PAM_SUCCESS);
	free(buf);
	/* Every decision made without facts is in the chain, saying why. */
	assert_int_equal(ev_count() - n0, 5 * 6 + 1 + 2);
	assert_int_equal(sql_int(error_sql, "error-deny") - d0, 2 * 6);
	assert_int_equal(sql_int(error_sql, "error-allow") - a0, 6 + 1);
}

/*
 * The journal's file system is full: an allowed login is still allowed, the
 * decision still reaches the log, and the loss is counted in place and
 * becomes a journal.loss row once there is room for a drain.
 */
static void t_journal_full(void **state)
{
	struct isms_journal_drained d;
	char *filler;
	int64_t n0;

	(void)state;
	if (!g.full) {
		print_message("# SKIP cannot mount a tmpfs here\n");
		skip();
	}
	set_policy(NULL, RULES_STORE);
	n0 = ev_count();
	/* Room: the journal and its loss counter are made, records drain. */
	assert_int_equal(account("isms-full", ALICE), PAM_SUCCESS);
	{
		struct isms_store *s = store_rw();
		char *j = xprintf("%s/journal", g.full);

		assert_int_equal(isms_journal_drain(s, j, &d), 0);
		assert_int_equal(d.stored, 1);
		isms_store_free(s);
		free(j);
	}
	filler = xprintf("dd if=/dev/zero of=%s/filler bs=4k 2>/dev/null; sync", g.full);
	assert_int_equal(run_cmd(NULL, (const char *const[]){"sh", "-c", filler, NULL}) >= 0, 1);
	free(filler);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(account("isms-full", ALICE), PAM_SUCCESS);
		assert_has(out.log, "not journaled in");
		assert_has(out.log, "loss counted");
		/* The decision itself still reaches the log. */
		assert_has(out.log, "allow user '" ALICE "'");
		assert_int_equal(account("isms-full", DAVE), PAM_PERM_DENIED);
		assert_has(out.log, "deny user '" DAVE "'");
	}
	filler = xprintf("%s/filler", g.full);
	assert_int_equal(unlink(filler), 0);
	free(filler);
	{
		struct isms_store *s = store_rw();
		char *j = xprintf("%s/journal", g.full);

		assert_int_equal(isms_journal_drain(s, j, &d), 0);
		assert_int_equal(d.lost, 10);
		assert_int_equal(isms_journal_drain(s, j, &d), 0);
		assert_int_equal(d.lost, 0);
		isms_store_free(s);
		free(j);
	}
	assert_int_equal(ev_count() - n0, 2);
	assert_int_equal(sql_int("SELECT count(*) FROM evidence WHERE kind = 'journal.loss'"
				 " AND evidence_details(pk, fmt, details) LIKE ?1", "%\"lost\":10,%"), 1);
}

static void t_hostile_input(void **state)
{
	static const struct {
		const char *user;
		bool recorded; /* a usable name of nobody: evidence; unusable: the log only */
	} names[] = {
		{"isms-alice\n", false},
		{"isms-\talice", false},
		{"isms-alice\x01", false},
		{"\x1b[31mred", false},
		{"\xff\xfe", false},
		{"isms-alice\xc3", false},
		{"\xc2\x9b" "31m", false}, /* C1 CSI */
		{"", false},
		{"x'); DROP TABLE evidence;--", true},
		{"isms-alice' OR '1'='1", true},
		{"../../etc/passwd", true},
		{"\xc3\xa5lice", true},
	};
	char *longname = malloc(10001), *name256 = malloc(257), *longhost = malloc(70001);
	int64_t n0 = ev_count(), want = 0;
	struct ev e;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	assert_non_null(longname);
	assert_non_null(name256);
	assert_non_null(longhost);
	memset(longname, 'a', 10000);
	longname[10000] = '\0';
	memset(name256, 'b', 256);
	name256[256] = '\0';

	assert_int_equal(account("isms-main", longname), PAM_USER_UNKNOWN);
	assert_has(out.log, "user name missing, too long or not printable");
	assert_int_equal(account("isms-main", name256), PAM_USER_UNKNOWN); /* long but usable */
	want++;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int rc = account("isms-main", names[i].user);

		if (rc != PAM_USER_UNKNOWN)
			fail_msg("user #%zu: %s", i, pam_strerror(NULL, rc));
		/* The log line carries no control character, C1 or invalid UTF-8. */
		for (const char *p = out.log; *p; p++)
			if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f ||
			    (unsigned char)*p >= 0xf8 || strncmp(p, "\xc2\x9b", 2) == 0 ||
			    strncmp(p, "c\xc3'", 3) == 0)
				fail_msg("user #%zu: raw byte %#x in the log", i, (unsigned char)*p);
		if (names[i].recorded) {
			ev_last(names[i].user, &e);
			assert_str(e.subject, names[i].user, "subject stored as given");
			assert_str(detail(&e, "unknown_user"), "true", "unknown_user");
			ev_release(&e);
			want++;
		} else {
			assert_has(out.log, "user name missing, too long or not printable");
		}
	}
	/* No user at all: PAM asks the conversation, which has no answer. */
	assert_int_equal(account("isms-main", NULL), PAM_USER_UNKNOWN);
	assert_int_equal(ev_count() - n0, want);

	/* Hostile PAM_RHOST and PAM_TTY: the policy decides, the evidence keeps them. */
	/* Longer than the store takes in one field (64 KiB). */
	memset(longhost, 'h', 70000);
	longhost[70000] = '\0';
	{
		const char *hosts[] = {longhost, "10.0.0.1\nFAKE LOG LINE", "\x01\x02\x7f",
				       "x'); DROP TABLE evidence;--", "\xff\xfe\xfd", "10.0.0.1/8",
				       "::ffff:999.1.1.1"};

		for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
			n0 = ev_count();
			assert_int_equal(acct_from("isms-main", ALICE, hosts[i]), PAM_SUCCESS);
			assert_int_equal(acct_from("isms-main", BOB, hosts[i]), PAM_PERM_DENIED);
			assert_lacks(out.log, "\nFAKE LOG LINE");
			if (ev_count() - n0 != 2)
				fail_msg("rhost #%zu: %lld rows, wanted 2 (spooled: %d, bad: %d)", i,
					 (long long)(ev_count() - n0), spool_count(".json"),
					 spool_count(".bad"));
			ev_last(BOB, &e);
			assert_str(e.outcome, "deny", "outcome");
			assert_non_null(detail(&e, "rhost"));
			if (i == 0) /* kept in part, and marked as cut */
				assert_int_equal(strlen(detail(&e, "rhost")), 1024 + 3);
			if (i == 2) /* kept, escaped */
				assert_str(detail(&e, "rhost"), "\\x01\\x02\\x7f", "rhost");
			ev_release(&e);
		}
		n0 = ev_count();
		assert_int_equal(pam_op("isms-main", ALICE, "10.0.0.1", "\x1b]0;pwned\x07", PAMTEST_ACCOUNT),
				 PAM_SUCCESS);
		assert_int_equal(pam_op("isms-main", ALICE, NULL, longhost, PAMTEST_ACCOUNT), PAM_SUCCESS);
		assert_int_equal(pam_op("isms-main", ALICE, NULL, "\xff", PAMTEST_OPEN_SESSION),
				 PAM_SUCCESS);
		assert_int_equal(ev_count() - n0, 3);
	}
	assert_int_equal(spool_count(".json"), 0);
	assert_int_equal(spool_count(".bad"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE name = 'evidence'", NULL), 1);
	{
		struct isms_store *s = store_rw();
		struct isms_verify_result vr;

		assert_int_equal(isms_evidence_verify(s, &vr), 0);
		assert_int_equal(vr.rows, ev_count());
		isms_store_free(s);
	}
	free(longname);
	free(name256);
	free(longhost);
}

/* ---- thousands of calls in one process -------------------------------- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void t_many_calls(void **state)
{
	const int rounds = 2000;
	struct pam_conv conv = {conv_fn, NULL};
	int64_t n0 = ev_count(), want = 0;
	int fds0, fd, saved;
	double t0;

	(void)state;
	set_policy(NULL, RULES_ALICE);
	/* Warm up once, so one-time allocations (NSS, pam_wrapper) are not counted. */
	assert_int_equal(account("isms-main", BOB), PAM_PERM_DENIED);
	want++;
	fds0 = count_fds();
	/* A deny line per round would flood the output: into a file instead. */
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(g.capfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	t0 = now_secs();
	for (int i = 0; i < rounds; i++) {
		static const struct {
			const char *service, *user, *rhost;
			int acct;
			int rows; /* evidence rows of the whole round */
		} kinds[] = {
			{"isms-main", ALICE, "10.0.0.1", PAM_SUCCESS, 3},        /* allow + session */
			{"isms-main", BOB, NULL, PAM_PERM_DENIED, 1},            /* deny */
			{"isms-badarg", ALICE, "2001:db8::1", PAM_PERM_DENIED, 1}, /* error path */
			{"isms-main", GHOST, NULL, PAM_USER_UNKNOWN, 1},          /* unknown user */
			{"isms-main", "x\x01y", NULL, PAM_USER_UNKNOWN, 0},       /* hostile name */
		};
		const int k = i % 5;
		pam_handle_t *ph = NULL;
		int r;

		assert_int_equal(pam_start(kinds[k].service, kinds[k].user, &conv, &ph), PAM_SUCCESS);
		if (kinds[k].rhost)
			assert_int_equal(pam_set_item(ph, PAM_RHOST, kinds[k].rhost), PAM_SUCCESS);
		out.msg[0] = '\0';
		r = pam_acct_mgmt(ph, 0);
		if (r != kinds[k].acct)
			fail_msg("round %d: %s, wanted %d", i, pam_strerror(ph, r), kinds[k].acct);
		if (r == PAM_SUCCESS) {
			assert_int_equal(pam_open_session(ph, 0), PAM_SUCCESS);
			assert_int_equal(pam_close_session(ph, 0), PAM_SUCCESS);
		} else if (k == 4) {
			/* Sessions of a hostile name succeed and record nothing. */
			assert_int_equal(pam_open_session(ph, 0), PAM_SUCCESS);
			assert_int_equal(pam_close_session(ph, 0), PAM_SUCCESS);
		}
		assert_int_equal(pam_end(ph, r), PAM_SUCCESS);
		want += kinds[k].rows;
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fprintf(stderr, "# %d rounds in %.1f s\n", rounds, now_secs() - t0);
	assert_int_equal(ev_count() - n0, want);
	assert_int_equal(spool_count(".json"), 0);
	/* Every store, policy and audit descriptor was closed again. */
	assert_int_equal(count_fds(), fds0);
	/* Memory: LeakSanitizer checks at exit in the ASan build. */
}

/* ---- the chain over all of it ----------------------------------------- */

static void t_chain_verifies(void **state)
{
	static const char *const kinds[] = {"access.allow", "access.deny", "access.break-glass",
					    "access.audit-deny", "access.error-deny",
					    "access.error-allow", "session.open",
					    "session.close"};
	struct isms_store *s;
	struct isms_verify_result vr;
	struct json_object *list;
	char *text = NULL;
	int64_t n = ev_count();

	(void)state;
	s = store_rw();
	assert_int_equal(isms_evidence_verify(s, &vr), 0);
	assert_int_equal(vr.rows, n);
	isms_store_free(s);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (sql_int("SELECT count(*) FROM evidence WHERE kind = ?1", kinds[i]) == 0)
			fail_msg("no evidence of kind '%s'", kinds[i]);

	assert_int_equal(run_cmd(&text, (const char *const[]){g.ismsctl, "--store", g.store, "verify",
							      NULL}), 0);
	assert_has(text, "evidence chain intact");
	free(text);
	text = NULL;
	assert_int_equal(run_cmd(&text, (const char *const[]){g.ismsctl, "--store", g.store, "--json",
							      "evidence", "list", NULL}), 0);
	list = json_tokener_parse(text);
	assert_non_null(list);
	assert_true(json_object_is_type(list, json_type_array));
	assert_int_equal(json_object_array_length(list), n);
	json_object_put(list);
	free(text);
	assert_int_equal(spool_count(".json"), 0);
	assert_int_equal(spool_count(".bad"), 0);
}

#define T(f) cmocka_unit_test_teardown(f, restore)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(t_user_rule),
		T(t_group_rule),
		T(t_big_group),
		T(t_many_groups),
		T(t_group_lookup_error),
		T(t_silent),
		T(t_session_user_mismatch),
		T(t_case_folded_name),
		T(t_service_rule),
		T(t_from_rule),
		T(t_local_and_tty),
		T(t_time_rule),
		T(t_require_acknowledged),
		T(t_require_reviewed),
		T(t_require_active),
		T(t_lockdown_break_glass),
		T(t_mode_audit),
		T(t_unknown_user),
		T(t_session),
		T(t_auth_password_ignore),
		T(t_quiet_and_debug),
		T(t_audit_on),
		T(t_policy_missing),
		T(t_policy_unreadable),
		T(t_policy_malformed),
		T(t_policy_insecure),
		T(t_bad_argument),
		T(t_store_missing),
		T(t_store_locked),
		T(t_snapshot_unusable),
		T(t_deprecated_args),
		T(t_compiled_policy),
		T(t_journal_full),
		T(t_hostile_input),
		T(t_many_calls),
		T(t_chain_verifies),
	};
	const char *pre = getenv("LD_PRELOAD");
	const char *pw = getenv("PAM_WRAPPER");

	(void)argc;
	if (!getenv("PAM_ISMS_SO") || !getenv("ISMSCTL")) {
		printf("1..0 # SKIP PAM_ISMS_SO and ISMSCTL must name the built module and tool\n");
		return 0;
	}
	if (!pre || !strstr(pre, "libpam_wrapper") || !pw || strcmp(pw, "1") != 0) {
		printf("1..0 # SKIP not under pam_wrapper (LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1)\n");
		return 0;
	}
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root: chowns files and switches the euid\n");
		return 0;
	}
	{
		char *pw_text = nss_passwd(), *gr_text = nss_group();

		/* The case-folding test module, after the files (t_case_folded_name). */
		if (getenv("ISMS_NSS_CASEFOLD") &&
		    (setenv("NSS_WRAPPER_MODULE_SO_PATH", getenv("ISMS_NSS_CASEFOLD"), 0) < 0 ||
		     setenv("NSS_WRAPPER_MODULE_FN_PREFIX", "casefold", 0) < 0))
			return 1;
		/* Returns in a child under nss_wrapper; the parent cleans up. */
		tu_nss_wrap(argv, pw_text, gr_text, ERIN);
		free(pw_text);
		free(gr_text);
	}
	/* NOTICE lines (allowed-but-logged decisions) are pam_wrapper's level 2. */
	setenv("PAM_WRAPPER_DEBUGLEVEL", "2", 0);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
