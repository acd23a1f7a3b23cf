/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evidence writer (isms/writer.h): batches into one store or two as one
 * logical commit, counters with the rows, retries, spool fallback, and the
 * same rules as every other writer.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "isms/evidence.h"
#include "isms/ingest.h"
#include "isms/spool.h"
#include "isms/writer.h"
#include "testutil.h"

#define SOURCE "audisp-isms"

/* A main store, a second store and a spool directory, in one temporary directory. */
struct fx {
	char *dir, *main, *second, *spool;
	struct isms_store *s, *s2;
	sqlite3 *locker; /* holds a store's write lock while set */
	unsigned waits;  /* calls of wait() */
	unsigned unlock_at; /* wait() releases the lock at this call (0: never) */
	bool stop_at_wait;  /* wait() says "stopping" */
	char notes[4096];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->s = tu_store_new(&f->dir);
	f->main = tu_store_path(f->dir);
	f->second = tu_path(f->dir, "second.db");
	f->spool = tu_path(f->dir, "spool");
	assert_int_equal(isms_store_open(f->second, ISMS_STORE_CREATE, 1000, &f->s2, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->locker)
		sqlite3_close(f->locker);
	isms_store_free(f->s);
	isms_store_free(f->s2);
	tu_rm_rf(f->dir);
	free(f->dir);
	free(f->main);
	free(f->second);
	free(f->spool);
	free(f);
	return 0;
}

static void lock(struct fx *f, const char *path)
{
	assert_int_equal(sqlite3_open(path, &f->locker), SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->locker, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
}

static void unlock(struct fx *f)
{
	sqlite3_exec(f->locker, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(f->locker);
	f->locker = NULL;
}

static bool wait_cb(void *ud, unsigned ms)
{
	struct fx *f = ud;

	(void)ms;
	f->waits++;
	if (f->unlock_at && f->waits == f->unlock_at && f->locker)
		unlock(f);
	return !f->stop_at_wait;
}

static void note_cb(void *ud, int prio, const char *msg)
{
	struct fx *f = ud;
	size_t n = strlen(f->notes);

	(void)prio;
	snprintf(f->notes + n, sizeof(f->notes) - n, "%s\n", msg);
}

static struct isms_writer *writer(struct fx *f, bool with_second)
{
	struct isms_writer_config cfg = {
		.store = f->main,
		.source = SOURCE,
		.spool = f->spool,
		.second = with_second ? f->second : NULL,
		.second_schema = &isms_schema_main,
		.busy_ms = 20,
		.retry_ms = 1,
		.busy_limit_ms = 200,
		.wait = wait_cb,
		.note = note_cb,
		.ud = f,
	};
	struct isms_writer *w = NULL;

	assert_int_equal(isms_writer_new(&cfg, &w), 0);
	assert_int_equal(isms_writer_open(w), 1);
	return w;
}

/* Items a[0..n-1], linked, each with key PREFIX-i and the route given by @routes ("MSD"). */
static void items(struct isms_writer_item *a, const char *routes, const char *prefix,
		  char keys[][32])
{
	size_t n = strlen(routes);

	memset(a, 0, n * sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		snprintf(keys[i], 32, "%s-%zu", prefix, i);
		a[i].ev = (struct isms_evidence){.ts = "2026-03-01T10:00:00Z", .source = SOURCE,
						 .kind = "file.watch", .event_key = keys[i],
						 .subject = "alice", .details = "{\"n\":1}"};
		a[i].route = routes[i] == 'S' ? ISMS_WRITER_SECOND :
			     routes[i] == 'D' ? ISMS_WRITER_DROP : ISMS_WRITER_MAIN;
		a[i].next = i + 1 < n ? &a[i + 1] : NULL;
	}
}

static int64_t rows(const char *path)
{
	return tu_sql_int(path, "SELECT count(*) FROM evidence");
}

static int64_t counter(struct isms_store *s, enum isms_counter c)
{
	int64_t v[ISMS_CTR_MAX];

	assert_int_equal(isms_ingest_read_counters(s, SOURCE, v), 0);
	return v[c];
}

/* received = stored + filtered + duplicates + malformed + routed, in @s */
static void balanced(struct isms_store *s)
{
	int64_t v[ISMS_CTR_MAX];

	assert_int_equal(isms_ingest_read_counters(s, SOURCE, v), 0);
	assert_int_equal(v[ISMS_CTR_RECEIVED], v[ISMS_CTR_STORED] + v[ISMS_CTR_FILTERED] +
						       v[ISMS_CTR_DUPLICATES] +
						       v[ISMS_CTR_MALFORMED] + v[ISMS_CTR_ROUTED]);
}

static size_t spooled_with(const char *dir, const char *prefix)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *p;
		FILE *fp;
		int c;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		p = tu_path(dir, de->d_name);
		fp = fopen(p, "r");
		while (fp && (c = fgetc(fp)) != EOF)
			n += c == '\n';
		if (fp)
			fclose(fp);
		free(p);
	}
	closedir(d);
	return n;
}

/* The main store's spooled pieces. */
static size_t spooled_pieces(const char *dir)
{
	return spooled_with(dir, "ev-");
}

/* The second store's (the fixture's second store is of the kind "isms"). */
static size_t spooled_second(const char *dir)
{
	return spooled_with(dir, "isms-ev-");
}

/* One batch, two stores: personal rows only in the second, each store counting its own. */
static void t_two_stores(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, true);
	struct isms_writer_item a[4];
	char keys[4][32];
	struct isms_writer_stats st;

	items(a, "MSDM", "two", keys);
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	assert_int_equal(rows(f->main), 2);
	assert_int_equal(rows(f->second), 1);
	assert_int_equal(tu_sql_int(f->second, "SELECT count(*) FROM evidence WHERE event_key = 'two-1'"), 1);
	assert_int_equal(tu_sql_int(f->main, "SELECT count(*) FROM evidence WHERE event_key = 'two-1'"), 0);
	assert_int_equal(counter(f->s, ISMS_CTR_RECEIVED), 4);
	assert_int_equal(counter(f->s, ISMS_CTR_STORED), 2);
	assert_int_equal(counter(f->s, ISMS_CTR_ROUTED), 1);
	assert_int_equal(counter(f->s, ISMS_CTR_FILTERED), 1);
	assert_int_equal(counter(f->s2, ISMS_CTR_RECEIVED), 1);
	assert_int_equal(counter(f->s2, ISMS_CTR_STORED), 1);
	balanced(f->s);
	balanced(f->s2);
	isms_writer_stats(w, &st);
	assert_int_equal(st.ctr[ISMS_CTR_RECEIVED], 4);
	assert_int_equal(st.ctr[ISMS_CTR_ROUTED], 1);
	assert_int_equal(st.batches, 1);
	isms_writer_free(w);
}

/* Without the second store, its rows are counted filtered, with one warning. */
static void t_no_second_store(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w;
	struct isms_writer_item a[3];
	char keys[3][32];

	f->s2 = isms_store_free(f->s2);
	assert_int_equal(unlink(f->second), 0);
	w = writer(f, true);
	items(a, "SMS", "none", keys);
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	assert_int_equal(a[0].result, -ENOENT);
	assert_int_equal(a[0].ctr, ISMS_CTR_FILTERED);
	assert_int_equal(counter(f->s, ISMS_CTR_FILTERED), 2);
	assert_int_equal(rows(f->main), 1);
	assert_non_null(strstr(f->notes, "which does not exist"));
	assert_null(strstr(strstr(f->notes, "which does not exist") + 1, "which does not exist"));
	balanced(f->s);
	isms_writer_free(w);
}

/*
 * The main store fails after the second committed: the retry does not write
 * the personal rows again (the second store counts them once), and when the
 * main store comes back the batch is whole in both.
 */
static void t_main_fails_after_second(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, true);
	struct isms_writer_item a[3];
	char keys[3][32];

	items(a, "SMS", "retry", keys);
	lock(f, f->main);
	f->unlock_at = 2;
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	assert_true(f->waits >= 2);
	assert_true(a[0].second_kept && a[2].second_kept && !a[1].second_kept);
	assert_int_equal(rows(f->main), 1);
	assert_int_equal(rows(f->second), 2);
	assert_int_equal(counter(f->s2, ISMS_CTR_RECEIVED), 2);
	assert_int_equal(counter(f->s2, ISMS_CTR_DUPLICATES), 0);
	assert_int_equal(counter(f->s, ISMS_CTR_ROUTED), 2);
	balanced(f->s);
	balanced(f->s2);
	isms_writer_free(w);
}

/*
 * The main store stays locked: after the bounded tries the batch is
 * spooled, the personal rows already in the second store stay there
 * (counted routed), and a drain brings the rest home exactly once.
 */
static void t_spool_fallback(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, true);
	struct isms_writer_item a[4];
	char keys[4][32];
	struct isms_writer_stats st;
	size_t done = 0;

	items(a, "MSMS", "spool", keys);
	lock(f, f->main);
	assert_int_equal(isms_writer_commit(w, a, false), 1);
	assert_true(f->waits >= 1);
	assert_non_null(strstr(f->notes, "spooling the batch of 4 rows; the store is tried again later"));
	assert_null(isms_writer_store(w)); /* closed, reopened later */
	assert_true(isms_writer_retry_ms(w) > 0);
	assert_int_equal(isms_writer_open(w), -EAGAIN);
	isms_writer_stats(w, &st);
	assert_int_equal(st.ctr[ISMS_CTR_SPOOLED], 2);
	assert_int_equal(st.ctr[ISMS_CTR_ROUTED], 2);
	assert_int_equal(st.ctr[ISMS_CTR_RECEIVED], 4);
	assert_int_equal(st.lost_rows, 0);
	assert_int_equal(spooled_pieces(f->spool), 2);
	assert_int_equal(rows(f->second), 2);
	unlock(f);
	assert_int_equal(rows(f->main), 0);
	assert_int_equal(isms_spool_drain(f->s, f->spool, SIZE_MAX, &done), 0);
	assert_int_equal(done, 2);
	assert_int_equal(rows(f->main), 2);
	assert_int_equal(isms_spool_drain(f->s, f->spool, SIZE_MAX, &done), 0);
	assert_int_equal(done, 0);
	assert_int_equal(rows(f->main), 2);
	isms_writer_free(w);
}

/*
 * The second store fails (locked): its rows go to the spool as the second
 * store's (never into the main store's spool or chain), the main rows are
 * stored, and once the second store takes writes again the next batch
 * drains them into it, once.
 */
static void t_second_fails(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, true);
	struct isms_writer_item a[3], b[1], c[1];
	char keys[3][32], bkeys[1][32], ckeys[1][32];
	struct isms_writer_stats st;

	items(a, "MSM", "second", keys);
	lock(f, f->second);
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	assert_true(a[1].second_kept); /* kept: in its store's spool */
	unlock(f);
	assert_int_equal(rows(f->main), 2);
	assert_int_equal(rows(f->second), 0);
	assert_int_equal(spooled_pieces(f->spool), 0);
	assert_int_equal(spooled_second(f->spool), 1);
	isms_writer_stats(w, &st);
	assert_int_equal(st.ctr[ISMS_CTR_SPOOLED], 1);
	assert_int_equal(st.ctr[ISMS_CTR_ROUTED], 1);
	assert_int_equal(st.ctr[ISMS_CTR_FILTERED], 0);
	assert_int_equal(st.lost_rows, 0);
	assert_int_equal(counter(f->s, ISMS_CTR_ROUTED), 1);
	balanced(f->s);
	/* the store is back: the next batch, of main rows only, drains the spool */
	items(b, "M", "back", bkeys);
	assert_int_equal(isms_writer_commit(w, b, false), 0);
	assert_int_equal(rows(f->second), 1);
	assert_int_equal(spooled_second(f->spool), 0);
	assert_int_equal(tu_sql_int(f->second, "SELECT count(*) FROM evidence WHERE event_key = 'second-1'"), 1);
	/* and never twice: the same personal row again is a duplicate */
	items(c, "S", "second", ckeys);
	c[0].ev.event_key = keys[1];
	assert_int_equal(isms_writer_commit(w, c, false), 0);
	assert_int_equal(rows(f->second), 1);
	assert_int_equal(rows(f->main), 3);
	isms_writer_free(w);
}

/*
 * A second store that is there but cannot be opened (not a store): its rows
 * are spooled, not counted filtered as for a second store that does not
 * exist; when the main store fails too, the whole batch is spooled, each
 * row in its own store's files.
 */
static void t_second_broken(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w;
	struct isms_writer_item a[2], b[2];
	char keys[2][32], bkeys[2][32];
	struct isms_writer_stats st;
	FILE *fp;

	f->s2 = isms_store_free(f->s2);
	assert_int_equal(unlink(f->second), 0);
	fp = fopen(f->second, "w");
	assert_non_null(fp);
	fputs("this is not a store, and it is long enough to be read as a header by SQLite\n", fp);
	fclose(fp);
	w = writer(f, true);
	items(a, "SM", "broken", keys);
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	assert_int_equal(a[0].ctr, ISMS_CTR_ROUTED);
	assert_int_equal(spooled_second(f->spool), 1);
	assert_int_equal(rows(f->main), 1);
	lock(f, f->main);
	f->stop_at_wait = true;
	items(b, "SM", "both", bkeys);
	assert_int_equal(isms_writer_commit(w, b, true), 1);
	unlock(f);
	assert_int_equal(spooled_second(f->spool), 2);
	assert_int_equal(spooled_pieces(f->spool), 1);
	isms_writer_stats(w, &st);
	assert_int_equal(st.lost_rows, 0);
	assert_int_equal(st.ctr[ISMS_CTR_SPOOLED], 3);
	isms_writer_free(w);
}

/* The second store and the spool both fail: the personal rows are lost, counted and said so. */
static void t_second_and_spool_fail(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, true);
	struct isms_writer_item a[2];
	char keys[2][32];
	struct isms_writer_stats st;
	FILE *fp = fopen(f->spool, "w"); /* a file where the directory should be */

	assert_non_null(fp);
	fclose(fp);
	items(a, "SM", "lost2", keys);
	lock(f, f->second);
	assert_true(isms_writer_commit(w, a, false) >= 0);
	unlock(f);
	isms_writer_stats(w, &st);
	assert_int_equal(st.lost_rows, 1);
	/* the main row, and the loss as evidence in the same commit */
	assert_int_equal(rows(f->main), 2);
	assert_int_equal(tu_sql_int(f->main, "SELECT count(*) FROM evidence WHERE kind = 'collector.loss'"
					     " AND json_extract(evidence_details(pk, fmt, details), '$.lost_rows') = 1"
					     " AND json_extract(evidence_details(pk, fmt, details), '$.store') = 'isms'"),
			 1);
	balanced(f->s);
	assert_int_equal(rows(f->second), 0);
	assert_non_null(strstr(f->notes, "1 evidence rows for the isms store lost"));
	isms_writer_free(w);
}

/* Stopping: one try, then the spool; no spool either: lost, and counted so. */
static void t_stopping_and_lost(void **state)
{
	struct fx *f = *state;
	struct isms_writer_config cfg = {.store = f->main, .source = SOURCE, .busy_ms = 20,
					 .note = note_cb, .ud = f};
	struct isms_writer *w = writer(f, false), *nospool = NULL;
	struct isms_writer_item a[2], b[2];
	char keys[2][32], keys2[2][32];
	struct isms_writer_stats st;

	items(a, "MM", "stop", keys);
	lock(f, f->main);
	assert_int_equal(isms_writer_commit(w, a, true), 1);
	assert_int_equal(f->waits, 0);
	assert_int_equal(spooled_pieces(f->spool), 2);

	assert_int_equal(isms_writer_new(&cfg, &nospool), 0);
	assert_int_equal(isms_writer_open(nospool), 1);
	items(b, "MM", "lost", keys2);
	assert_true(isms_writer_commit(nospool, b, false) < 0);
	isms_writer_stats(nospool, &st);
	assert_int_equal(st.lost_rows, 2);
	assert_non_null(strstr(f->notes, "2 evidence rows lost"));
	unlock(f);
	isms_writer_free(nospool);
	isms_writer_free(w);
}

/* A replay stores nothing twice: the same batch again is all duplicates, in both stores. */
static void t_idempotent_replay(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, true);
	struct isms_writer_item a[3], b[3];
	char keys[3][32], keys2[3][32];

	items(a, "MSM", "again", keys);
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	items(b, "MSM", "again", keys2);
	assert_int_equal(isms_writer_commit(w, b, false), 0);
	assert_int_equal(b[0].result, -EALREADY);
	assert_int_equal(b[0].ctr, ISMS_CTR_DUPLICATES);
	assert_int_equal(rows(f->main), 2);
	assert_int_equal(rows(f->second), 1);
	assert_int_equal(counter(f->s, ISMS_CTR_DUPLICATES), 2);
	assert_int_equal(counter(f->s, ISMS_CTR_ROUTED), 2);
	assert_int_equal(counter(f->s2, ISMS_CTR_DUPLICATES), 1);
	balanced(f->s);
	balanced(f->s2);
	isms_writer_free(w);
}

/*
 * The same rules as isms_evidence_append: a row with bad text or details
 * that are not strict JSON is refused (counted malformed) and the rest of
 * the batch stored; the collector's own rows are stored uncounted; a row
 * marked malformed is kept and counted malformed; a key stored by another
 * writer makes a duplicate.
 */
static void t_rules_and_flags(void **state)
{
	struct fx *f = *state;
	struct isms_writer *w = writer(f, false);
	struct isms_writer_item a[5];
	char keys[5][32];
	struct isms_evidence other = {.source = "pam_isms", .kind = "login.allow",
				      .event_key = "rules-4"};

	assert_int_equal(isms_evidence_append(f->s, &other, NULL), 0);
	items(a, "MMMMM", "rules", keys);
	a[0].ev.details = "{\"a\": 1, \"a\": 2}";
	a[1].ev.subject = "mallory\x1b[2J";
	a[2].flags = ISMS_WRITER_UNCOUNTED;
	a[3].flags = ISMS_WRITER_MALFORMED;
	a[4].flags = ISMS_WRITER_KEY_FIRST;
	a[4].ev.details = "not json"; /* a duplicate, whatever its text */
	assert_int_equal(isms_writer_commit(w, a, false), 0);
	assert_int_equal(a[0].result, -EINVAL);
	assert_int_equal(a[1].result, -EINVAL);
	assert_int_equal(a[2].ctr, ISMS_CTR_MAX);
	assert_int_equal(a[3].ctr, ISMS_CTR_MALFORMED);
	assert_int_equal(a[4].ctr, ISMS_CTR_DUPLICATES);
	assert_int_equal(rows(f->main), 3);
	assert_int_equal(counter(f->s, ISMS_CTR_RECEIVED), 4);
	assert_int_equal(counter(f->s, ISMS_CTR_MALFORMED), 3);
	assert_int_equal(counter(f->s, ISMS_CTR_DUPLICATES), 1);
	balanced(f->s);
	isms_writer_free(w);
}

/* A keyed store whose key is gone takes nothing: -ENOKEY, and the batch is spooled. */
static void t_keyed_without_key(void **state)
{
	struct fx *f = *state;
	char *key = tu_path(f->dir, "evidence.key"), *moved = tu_path(f->dir, "moved.key");
	struct isms_evidence ev = {.source = "ismsctl", .kind = "review.done"};
	struct isms_writer *w, *cli = NULL;
	struct isms_writer_item a[2];
	char keys[2][32];
	struct isms_verify_result res;
	int64_t id = 0;

	assert_int_equal(isms_evidence_key_create(key), 0);
	assert_int_equal(isms_evidence_key_enable(f->s, key), 0);
	assert_int_equal(rename(key, moved), 0);
	f->s = isms_store_free(f->s);
	assert_int_equal(isms_store_open(f->main, 0, 1000, &f->s, NULL), 0);

	assert_int_equal(isms_writer_new_on(f->s, NULL, &cli), 0);
	assert_int_equal(isms_writer_append(cli, &ev, &id), -ENOKEY);
	cli = isms_writer_free(cli);

	w = writer(f, false);
	items(a, "MM", "keyed", keys);
	assert_int_equal(isms_writer_commit(w, a, false), 1);
	assert_int_equal(f->waits, 2); /* three tries */
	assert_non_null(strstr(f->notes, "failed 3 times"));
	assert_int_equal(spooled_pieces(f->spool), 2);
	assert_int_equal(rows(f->main), 0);
	isms_writer_free(w);

	/* The key back: the drain stores them, sealed. */
	assert_int_equal(rename(moved, key), 0);
	f->s = isms_store_free(f->s);
	assert_int_equal(isms_store_open(f->main, 0, 1000, &f->s, NULL), 0);
	assert_int_equal(isms_spool_drain(f->s, f->spool, SIZE_MAX, NULL), 0);
	assert_int_equal(rows(f->main), 2);
	assert_int_equal(isms_evidence_verify(f->s, &res), 0);
	assert_int_equal(res.keyed, ISMS_VERIFY_KEY_CHECKED);
	free(key);
	free(moved);
}

/* A CLI's writer on its open store: one row, its id, the store's message on refusal. */
static void t_append(void **state)
{
	struct fx *f = *state;
	struct isms_evidence ev = {.source = "ismsctl", .kind = "review.done",
				   .ts = "2026-01-01T02:30:00+02:00", .event_key = "cli-1"};
	struct isms_writer *w = NULL;
	int64_t id = 0;

	assert_int_equal(isms_writer_new_on(f->s, NULL, &w), 0);
	assert_int_equal(isms_writer_append(w, &ev, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(isms_writer_append(w, &ev, &id), -EALREADY);
	ev.event_key = NULL;
	ev.details = "{'a': 1}";
	assert_int_equal(isms_writer_append(w, &ev, &id), -EINVAL);
	assert_contains(isms_store_errmsg(f->s), "details are not valid JSON");
	ev.details = NULL;
	ev.ts = "last tuesday";
	assert_int_equal(isms_writer_append(w, &ev, &id), -EINVAL);
	assert_contains(isms_store_errmsg(f->s), "is not a time");
	assert_int_equal(rows(f->main), 1);
	assert_int_equal(tu_sql_int(f->main, "SELECT count(*) FROM evidence WHERE ts = '2026-01-01T00:30:00Z'"), 1);
	/* no counters for a writer without a source */
	assert_int_equal(tu_sql_int(f->main, "SELECT count(*) FROM ingest_counter"), 0);
	isms_writer_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(t_two_stores),	  T(t_no_second_store), T(t_main_fails_after_second),
		T(t_spool_fallback), T(t_second_fails),	  T(t_second_broken),
		T(t_second_and_spool_fail), T(t_stopping_and_lost), T(t_idempotent_replay),
		T(t_rules_and_flags),	  T(t_keyed_without_key), T(t_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
