/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evidence spool: pieces kept on disk while the store cannot take them,
 * drained later into the chain in time order, exactly once, never lost.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms/evidence.h"
#include "isms/spool.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

/* Details as the PAM module writes them, with an escaped quote to survive the trip. */
#define DETAILS "{\"rule\":\"default\",\"reasons\":[\"no rule matched\"],\"q\":\"a\\\"b\"}"

static struct isms_evidence piece(const char *ts, const char *key)
{
	return (struct isms_evidence){
		.ts = ts,
		.source = "pam",
		.kind = "login.deny",
		.node = "db-prod-01",
		.event_key = key,
		.control = "5.15",
		.asset = "db-prod-01",
		.subject = "alice",
		.outcome = "deny",
		.details = DETAILS,
	};
}

/* The spool directory inside the fixture's directory (not created yet). */
static char *spool_dir(const struct tu_fixture *fx)
{
	return tu_path(fx->dir, "spool");
}

/* Names in @dir starting with @prefix and ending with @suffix. */
static int count_files(const char *dir, const char *prefix, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(suffix);

		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && len >= sl &&
		    strcmp(de->d_name + len - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void write_raw(const char *dir, const char *name, const char *text)
{
	char *p = tu_path(dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(p);
}

static bool exists(const char *dir, const char *name)
{
	char *p = tu_path(dir, name);
	bool r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* The evidence rows in chain order, one line each: "ts|key|source|kind|subject|outcome". */
static char *rows(const char *db_path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *out = calloc(1, 8192);
	size_t len = 0;

	assert_non_null(out);
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT ts, event_key, source, kind, subject, outcome"
					    " FROM evidence ORDER BY pk",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int n = snprintf(out + len, 8192 - len, "%s|%s|%s|%s|%s|%s\n",
				 (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1),
				 (const char *)sqlite3_column_text(st, 2),
				 (const char *)sqlite3_column_text(st, 3),
				 (const char *)sqlite3_column_text(st, 4),
				 (const char *)sqlite3_column_text(st, 5));

		assert_true(n > 0 && (size_t)n < 8192 - len);
		len += (size_t)n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void assert_chain_ok(struct isms_store *s)
{
	struct isms_verify_result v;

	if (isms_evidence_verify(s, &v) != 0)
		fail_msg("chain broken: %s", v.reason);
}

static void t_write_then_drain(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:02Z", "db-prod-01:c");
	struct isms_evidence b = piece("2026-01-15T10:00:00Z", "db-prod-01:a");
	struct isms_evidence c = piece("2026-01-15T10:00:01Z", "db-prod-01:b");
	struct stat st;
	size_t done = 99;
	char *got;

	/* Written out of order; the directory is made private on first use. */
	assert_int_equal(isms_spool_write(dir, &a), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(isms_spool_write(dir, &b), 0);
	assert_int_equal(isms_spool_write(dir, &c), 0);
	assert_int_equal(count_files(dir, "ev-", ".json"), 3);
	assert_int_equal(count_files(dir, ".ev-", ""), 0);
	{
		DIR *d = opendir(dir);
		struct dirent *de;

		assert_non_null(d);
		while ((de = readdir(d))) {
			char *p = tu_path(dir, de->d_name);

			assert_int_equal(stat(p, &st), 0);
			if (S_ISREG(st.st_mode))
				assert_int_equal(st.st_mode & 077, 0);
			free(p);
		}
		closedir(d);
	}
	assert_int_equal(tu_count(fx->s, "evidence"), 0);

	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 3);
	assert_int_equal(tu_count(fx->s, "evidence"), 3);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	got = rows(fx->path);
	assert_string_equal(got, "2026-01-15T10:00:00Z|db-prod-01:a|pam|login.deny|alice|deny\n"
				 "2026-01-15T10:00:01Z|db-prod-01:b|pam|login.deny|alice|deny\n"
				 "2026-01-15T10:00:02Z|db-prod-01:c|pam|login.deny|alice|deny\n");
	free(got);
	/* Every field arrived as written. */
	assert_field(fx->s, "evidence", "1", "control", "5.15");
	assert_field(fx->s, "evidence", "1", "asset", "db-prod-01");
	assert_field(fx->s, "evidence", "1", "node", "db-prod-01");
	assert_field(fx->s, "evidence", "1", "details", DETAILS);
	assert_chain_ok(fx->s);
	free(dir);
}

static void t_drain_twice(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "k1");
	struct isms_evidence b = piece("2026-01-15T10:00:01Z", "k2");
	size_t done = 99;

	assert_int_equal(isms_spool_write(dir, &a), 0);
	assert_int_equal(isms_spool_write(dir, &b), 0);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 2);

	/* The same piece spooled again (a writer retried): stored once, file gone. */
	assert_int_equal(isms_spool_write(dir, &b), 0);
	assert_int_equal(isms_spool_write(dir, &b), 0);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 2);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	assert_chain_ok(fx->s);
	free(dir);
}

/* A drainer died after appending but before unlinking: no duplicate, file removed. */
static void t_crash_after_append(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "crash-1");
	struct isms_evidence b = piece("2026-01-15T10:00:05Z", "crash-2");
	size_t done = 0;
	char *got;

	assert_int_equal(isms_spool_write(dir, &a), 0);
	assert_int_equal(isms_spool_write(dir, &b), 0);
	assert_int_equal(isms_evidence_append(fx->s, &a, NULL), 0);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 2);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	got = rows(fx->path);
	assert_string_equal(got, "2026-01-15T10:00:00Z|crash-1|pam|login.deny|alice|deny\n"
				 "2026-01-15T10:00:05Z|crash-2|pam|login.deny|alice|deny\n");
	free(got);
	assert_chain_ok(fx->s);
	free(dir);
}

/* What cannot be stored is set aside as .bad, never dropped, and blocks nothing. */
static void t_malformed(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence good = piece("2026-01-15T10:00:09Z", "good");
	struct isms_evidence ctl = piece("2026-01-15T10:00:08Z", "ctl");
	size_t done = 0;
	static const char *const bad[] = {
		"ev-2026-01-15T10:00:01Z-aaaaaa.json",
		"ev-2026-01-15T10:00:02Z-bbbbbb.json",
		"ev-2026-01-15T10:00:03Z-cccccc.json",
		"ev-2026-01-15T10:00:04Z-dddddd.json",
		"ev-2026-01-15T10:00:05Z-eeeeee.json",
		"ev-2026-01-15T10:00:06Z-ffffff.json",
		"ev-2026-01-15T10:00:07Z-gggggg.json",
		"ev-2026-01-15T10:00:07Z-hhhhhh.json",
	};
	char name[128];

	ctl.subject = "al\x1b[2Jice"; /* control characters: the store refuses them */
	assert_int_equal(isms_spool_write(dir, &good), 0);
	assert_int_equal(isms_spool_write(dir, &ctl), 0);
	write_raw(dir, bad[0], "this is not JSON");
	write_raw(dir, bad[1],
		  "{\"ts\":\"2026-01-15T10:00:02Z\",\"source\":\"pam\",\"kind\":\"x\"}");
	write_raw(dir, bad[2], "{\"ts\":\"2026-01-15T10:00:03Z\",\"event_key\":\"no-source\"}");
	write_raw(dir, bad[3], "{\"source\":\"pam\",\"kind\":\"x\",\"event_key\":\"d\","
			       "\"details\":\"{oops\"}");
	write_raw(dir, bad[4], "[1,2,3]");
	write_raw(dir, bad[5], "");
	/* Strict JSON (issue #8): which of two "event_key"s would count? Neither. */
	write_raw(dir, bad[6], "{\"source\":\"pam\",\"kind\":\"x\",\"event_key\":\"g1\","
			       "\"event_key\":\"g2\"}");
	write_raw(dir, bad[7], "{\"source\":\"pam\",\"kind\":\"x\", /* c */ \"event_key\":\"h\"}");

	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 1);
	assert_field(fx->s, "evidence", "1", "event_key", "good");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "%s.bad", bad[i]);
		if (!exists(dir, name))
			fail_msg("'%s' was not set aside", bad[i]);
		assert_false(exists(dir, bad[i]));
	}
	assert_int_equal(count_files(dir, "ev-", ".json"), 0);
	assert_int_equal(count_files(dir, "ev-", ".bad"), 9);

	/* Set aside means left alone afterwards. */
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(count_files(dir, "ev-", ".bad"), 9);
	assert_chain_ok(fx->s);
	free(dir);
}

/*
 * A value with a NUL (JSON "\u0000") would be cut at it by C string calls and
 * stored as the shorter value; a time that is not one would be stored as is.
 * Both are set aside.
 */
static void t_nul_and_bad_time(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	size_t done = 0;

	assert_int_equal(mkdir(dir, 0700), 0);
	write_raw(dir, "ev-2026-01-15T10:00:01Z-aaaaaa.json",
		  "{\"ts\":\"2026-01-15T10:00:01Z\",\"source\":\"pam\",\"kind\":\"login.deny\","
		  "\"event_key\":\"n1\",\"subject\":\"alice\\u0000hidden\"}");
	write_raw(dir, "ev-2026-01-15T10:00:02Z-bbbbbb.json",
		  "{\"ts\":\"last tuesday\",\"source\":\"pam\",\"kind\":\"login.deny\","
		  "\"event_key\":\"n2\"}");
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
	assert_int_equal(count_files(dir, "ev-", ".bad"), 2);
	free(dir);
}

/* An oversized file or a directory in the spool must not block the pieces behind it. */
static void t_unreadable_entries(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence good = piece("2026-01-15T10:00:09Z", "good");
	char *big_path, *sub;
	size_t done = 0;
	int fd;

	assert_int_equal(isms_spool_write(dir, &good), 0);
	big_path = tu_path(dir, "ev-2026-01-15T10:00:01Z-bigbig.json");
	fd = open(big_path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	sub = tu_path(dir, "ev-2026-01-15T10:00:02Z-dirdir.json");
	assert_int_equal(mkdir(sub, 0700), 0);

	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 1);
	assert_true(exists(dir, "ev-2026-01-15T10:00:01Z-bigbig.json.bad"));
	assert_true(exists(dir, "ev-2026-01-15T10:00:02Z-dirdir.json.bad"));
	free(big_path);
	free(sub);
	free(dir);
}

static void t_max(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	static const char *const ts[] = {"2026-01-15T10:00:04Z", "2026-01-15T10:00:02Z",
					 "2026-01-15T10:00:00Z", "2026-01-15T10:00:03Z",
					 "2026-01-15T10:00:01Z"};
	size_t done = 99;
	char *got;

	for (int i = 0; i < 5; i++) {
		char key[16];
		struct isms_evidence e;

		snprintf(key, sizeof(key), "m%c", ts[i][18]);
		e = piece(ts[i], key);
		assert_int_equal(isms_spool_write(dir, &e), 0);
	}
	assert_int_equal(isms_spool_drain(fx->s, dir, 0, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(count_files(dir, "ev-", ".json"), 5);
	/* The oldest first. */
	assert_int_equal(isms_spool_drain(fx->s, dir, 2, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(count_files(dir, "ev-", ".json"), 3);
	got = rows(fx->path);
	assert_string_equal(got, "2026-01-15T10:00:00Z|m0|pam|login.deny|alice|deny\n"
				 "2026-01-15T10:00:01Z|m1|pam|login.deny|alice|deny\n");
	free(got);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, NULL), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 5);
	got = rows(fx->path);
	assert_contains(got, "10:00:02Z|m2|");
	assert_contains(got, "10:00:04Z|m4|");
	assert_int_equal(strstr(got, "|m2|") < strstr(got, "|m4|"), 1);
	free(got);
	free(dir);
}

/* A store that cannot take the evidence: the pieces stay in the spool. */
static void t_store_refuses(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "ro-1");
	struct isms_store *ro = NULL;
	size_t done = 99;

	assert_int_equal(isms_spool_write(dir, &a), 0);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 500, &ro, NULL), 0);
	assert_true(isms_spool_drain(ro, dir, 100, &done) < 0);
	assert_int_equal(done, 0);
	isms_store_free(ro);
	assert_int_equal(count_files(dir, "ev-", ".json"), 1);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 1);
	free(dir);
}

static void t_insecure_dir(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "p1");
	size_t done = 99;

	assert_int_equal(isms_spool_write(dir, &a), 0);
	assert_int_equal(chmod(dir, 0770), 0);
	assert_int_equal(isms_spool_write(dir, &a), -EPERM);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), -EPERM);
	assert_int_equal(done, 0);
	assert_int_equal(chmod(dir, 0702), 0);
	assert_int_equal(isms_spool_write(dir, &a), -EPERM);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), -EPERM);
	assert_int_equal(chmod(dir, 0700), 0);
	if (geteuid() == 0) {
		/* Someone else's spool could feed us forged evidence. */
		assert_int_equal(chown(dir, 65534, 65534), 0);
		assert_int_equal(isms_spool_write(dir, &a), -EPERM);
		assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), -EPERM);
		assert_int_equal(chown(dir, 0, 0), 0);
	}
	/* Nothing was taken from the refused spool. */
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
	assert_int_equal(count_files(dir, "ev-", ".json"), 1);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 1);
	free(dir);
}

static void t_write_needs_key_and_time(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", NULL);
	struct isms_evidence b = piece(NULL, "k");

	assert_int_equal(isms_spool_write(dir, &a), -EINVAL);
	assert_int_equal(isms_spool_write(dir, &b), -EINVAL);
	/* Refused before anything was made. */
	assert_int_equal(access(dir, F_OK), -1);
	free(dir);
}

static void t_missing_dir(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	size_t done = 99;

	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 0);
	/* Draining does not create it. */
	assert_int_equal(access(dir, F_OK), -1);
	free(dir);
}

static void t_not_a_dir(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "k");
	size_t done = 99;

	/* The store file itself is no spool. */
	assert_int_equal(isms_spool_write(fx->path, &a), -ENOTDIR);
	assert_int_equal(isms_spool_drain(fx->s, fx->path, 100, &done), -ENOTDIR);
}

/* Half-written temporaries and foreign files are not evidence. */
static void t_ignores_others(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	size_t done = 99;

	assert_int_equal(mkdir(dir, 0700), 0);
	write_raw(dir, ".ev-Ab12Cd", "{\"ts\":\"2026-01-15T10:00:00Z\",\"source\":\"pam\"");
	write_raw(dir, "README", "spool");
	write_raw(dir, "ev-2026.txt", "{}");
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 0);
	assert_true(exists(dir, ".ev-Ab12Cd"));
	assert_true(exists(dir, "README"));
	assert_true(exists(dir, "ev-2026.txt"));
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
	free(dir);
}

/* Many pieces at once: few files, each written whole; drained in order, once. */
static void t_batch(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	enum { N = 2 * ISMS_SPOOL_BATCH_PIECES + 100 };
	struct isms_evidence *evs = calloc(N, sizeof(*evs));
	const struct isms_evidence **pp = calloc(N, sizeof(*pp));
	char (*keys)[32] = calloc(N, 32);
	size_t written = 0, done = 0;

	assert_non_null(evs);
	assert_non_null(pp);
	assert_non_null(keys);
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], 32, "b%06d", i);
		evs[i] = piece("2026-01-15T10:00:00Z", keys[i]);
		pp[i] = &evs[i];
	}
	assert_int_equal(isms_spool_write_batch(dir, pp, N, &written), 0);
	assert_int_equal(written, N);
	/* One file per batch of pieces, not one per piece. */
	assert_int_equal(count_files(dir, "ev-", ".jsonl"), 3);
	assert_int_equal(count_files(dir, "ev-", ".json"), 0);
	assert_int_equal(count_files(dir, ".ev-", ""), 0);
	/* An older single piece, before them in time: drained first. */
	{
		struct isms_evidence one = piece("2026-01-15T09:00:00Z", "single");

		assert_int_equal(isms_spool_write(dir, &one), 0);
	}
	assert_int_equal(isms_spool_drain(fx->s, dir, SIZE_MAX, &done), 0);
	assert_int_equal(done, N + 1);
	assert_int_equal(tu_count(fx->s, "evidence"), N + 1);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	assert_field(fx->s, "evidence", "1", "event_key", "single");
	assert_field(fx->s, "evidence", "2", "event_key", "b000000");
	assert_field(fx->s, "evidence", "2", "details", DETAILS);
	{
		char pk[16];

		snprintf(pk, sizeof(pk), "%d", N + 1);
		assert_field(fx->s, "evidence", pk, "event_key", keys[N - 1]);
	}
	assert_chain_ok(fx->s);
	free(keys);
	free(pp);
	free(evs);
	free(dir);
}

/*
 * What audisp-isms stores it may spool, and what it spools drains: details
 * up to the writer's cap (1 MiB), not a lower cap of the single-row append
 * (64 KiB before one set of rules), which set such a piece aside as .bad.
 */
static void t_large_details_drain(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	size_t n = 100000, written = 0, done = 0;
	char *details = malloc(n + 16);
	struct isms_evidence big = piece("2026-01-15T10:00:00Z", "big-1");
	const struct isms_evidence *pp[] = {&big};

	assert_non_null(details);
	memcpy(details, "{\"raw\":\"", 8);
	memset(details + 8, 'x', n);
	memcpy(details + 8 + n, "\"}", 3);
	big.details = details;
	assert_int_equal(isms_spool_write_batch(dir, pp, 1, &written), 0);
	assert_int_equal(written, 1);
	assert_int_equal(isms_spool_drain(fx->s, dir, SIZE_MAX, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 1);
	assert_int_equal(count_files(dir, "", ".bad"), 0);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	assert_chain_ok(fx->s);
	free(details);
	free(dir);
}

/* A batch drain cut short, a bad line, the limit: nothing lost, nothing twice. */
static void t_batch_partial(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "p1");
	struct isms_evidence b = piece("2026-01-15T10:00:01Z", "p2");
	struct isms_evidence c = piece("2026-01-15T10:00:02Z", "p3");
	struct isms_evidence later = piece("2026-01-15T11:00:00Z", "p4");
	const struct isms_evidence *pp[] = {&a, &b, &c};
	const struct isms_evidence *pl[] = {&later};
	size_t written = 0, done = 0;

	assert_int_equal(isms_spool_write_batch(dir, pp, 3, &written), 0);
	assert_int_equal(isms_spool_write_batch(dir, pl, 1, &written), 0);
	assert_int_equal(written, 1);
	/* A drainer died after storing the first piece of the first file. */
	assert_int_equal(isms_evidence_append(fx->s, &a, NULL), 0);
	/* At most @max new pieces: the file drained in part stays, and the
	 * next drain skips what of it is stored. */
	assert_int_equal(isms_spool_drain(fx->s, dir, 1, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 2);
	assert_int_equal(count_files(dir, "ev-", ".jsonl"), 2);
	assert_int_equal(isms_spool_drain(fx->s, dir, 1, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 3);
	assert_int_equal(count_files(dir, "ev-", ".jsonl"), 1);
	assert_int_equal(isms_spool_drain(fx->s, dir, 0, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(isms_spool_drain(fx->s, dir, 1, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 4);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	assert_field(fx->s, "evidence", "1", "event_key", "p1");
	assert_field(fx->s, "evidence", "2", "event_key", "p2");
	assert_field(fx->s, "evidence", "3", "event_key", "p3");
	assert_field(fx->s, "evidence", "4", "event_key", "p4");

	/* A line that can never be stored is set aside alone; the rest is stored. */
	write_raw(dir, "ev-2026-01-15T12:00:00Z-xxxxxx.jsonl",
		  "{\"ts\":\"2026-01-15T12:00:00Z\",\"source\":\"pam\",\"kind\":\"x\",\"event_key\":\"q1\"}\n"
		  "not json\n"
		  "\n"
		  "{\"ts\":\"2026-01-15T12:00:01Z\",\"source\":\"pam\",\"kind\":\"x\",\"event_key\":\"q2\"}");
	assert_int_equal(isms_spool_drain(fx->s, dir, SIZE_MAX, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(tu_count(fx->s, "evidence"), 6);
	assert_false(exists(dir, "ev-2026-01-15T12:00:00Z-xxxxxx.jsonl"));
	assert_true(exists(dir, "ev-2026-01-15T12:00:00Z-xxxxxx.jsonl.2.bad"));
	assert_chain_ok(fx->s);
	free(dir);
}

/* A batch into a store that will not take it: nothing of it stored, all of it kept. */
static void t_batch_store_refuses(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "r1");
	struct isms_evidence b = piece("2026-01-15T10:00:01Z", "r2");
	const struct isms_evidence *pp[] = {&a, &b};
	struct isms_store *ro = NULL;
	size_t written = 0, done = 99;

	assert_int_equal(isms_spool_write_batch(dir, pp, 2, &written), 0);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 500, &ro, NULL), 0);
	assert_true(isms_spool_drain(ro, dir, 100, &done) < 0);
	assert_int_equal(done, 0);
	isms_store_free(ro);
	assert_int_equal(count_files(dir, "ev-", ".jsonl"), 1);
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
	assert_int_equal(isms_spool_drain(fx->s, dir, 100, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(count_files(dir, "ev-", ""), 0);
	assert_chain_ok(fx->s);
	free(dir);
}

static void t_batch_refuses(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = spool_dir(fx);
	struct isms_evidence a = piece("2026-01-15T10:00:00Z", "k");
	struct isms_evidence b = piece("../../x", "k2");
	struct isms_evidence c = piece("2026-01-15T10:00:00Z", NULL);
	const struct isms_evidence *pb[] = {&a, &b};
	const struct isms_evidence *pc[] = {&a, &c};
	size_t written = 99;

	/* A missing key: nothing written. */
	assert_int_equal(isms_spool_write_batch(dir, pc, 2, &written), -EINVAL);
	assert_int_equal(written, 0);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(isms_spool_write_batch(dir, pc, 0, &written), 0);
	assert_int_equal(written, 0);
	/* A time that could leave the directory names no file; the piece is kept. */
	assert_int_equal(isms_spool_write_batch(dir, pb + 1, 1, &written), 0);
	assert_int_equal(written, 1);
	assert_int_equal(count_files(dir, "ev-", ".jsonl"), 1);
	assert_int_equal(count_files(dir, "ev-..", ""), 0);
	assert_int_equal(isms_spool_write_batch(dir, pb, 2, &written), 0);
	assert_int_equal(written, 2);
	assert_int_equal(count_files(dir, "ev-2026-01-15T10:00:00Z-", ".jsonl"), 1);
	(void)fx;
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_write_then_drain),
		STORE_TEST(t_drain_twice),
		STORE_TEST(t_crash_after_append),
		STORE_TEST(t_malformed),
		STORE_TEST(t_nul_and_bad_time),
		STORE_TEST(t_unreadable_entries),
		STORE_TEST(t_max),
		STORE_TEST(t_store_refuses),
		STORE_TEST(t_insecure_dir),
		STORE_TEST(t_write_needs_key_and_time),
		STORE_TEST(t_missing_dir),
		STORE_TEST(t_not_a_dir),
		STORE_TEST(t_ignores_others),
		STORE_TEST(t_batch),
		STORE_TEST(t_large_details_drain),
		STORE_TEST(t_batch_partial),
		STORE_TEST(t_batch_refuses),
		STORE_TEST(t_batch_store_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
