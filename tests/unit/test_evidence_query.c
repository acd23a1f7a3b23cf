/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evidence a page at a time: paging, time bounds, filters, and that the indexes carry them. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_query_internal.h"
#include "isms/evidence.h"
#include "isms/evidence_query.h"
#include "isms/archive.h"
#include "isms/ingest.h"
#include "store_internal.h" /* the sqlite3 handle, for EXPLAIN QUERY PLAN */
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)
#define NROWS 50

/* Rows 1..NROWS, ts one minute apart from 2026-03-01T00:00:00Z, kinds a/b/c in turn. */
static void fill(struct isms_store *s)
{
	assert_int_equal(isms_store_begin(s), 0);
	for (int i = 1; i <= NROWS; i++) {
		char ts[32], subject[16], node[16];
		const char *kinds[] = {"kind.a", "kind.b", "kind.c"};
		struct isms_evidence ev = {.source = "test", .kind = kinds[i % 3], .ts = ts,
					   .subject = subject, .asset = i % 2 ? "web1" : NULL,
					   .control = i % 5 == 0 ? "8.15" : NULL,
					   .node = i % 7 == 0 ? node : NULL};

		snprintf(ts, sizeof(ts), "2026-03-01T%02d:%02d:00Z", (i - 1) / 60, (i - 1) % 60);
		snprintf(subject, sizeof(subject), "user%d", i % 4);
		snprintf(node, sizeof(node), "h%d", i % 2);
		if (isms_evidence_append(s, &ev, NULL) < 0)
			fail_msg("append %d: %s", i, isms_store_errmsg(s));
	}
	assert_int_equal(isms_store_commit(s), 0);
}

struct seen {
	int64_t ids[NROWS + 1];
	size_t n;
	const struct isms_entity *e;
};

static int seen_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct seen *x = userdata;

	assert_true(x->n < NROWS + 1);
	x->ids[x->n++] = strtoll(values[0], NULL, 10);
	x->e = e;
	return 0;
}

static int64_t list(struct isms_store *s, const struct isms_evidence_query *q, struct seen *x)
{
	memset(x, 0, sizeof(*x));
	return isms_evidence_list(s, q, seen_cb, x);
}

static void t_pages_cover_every_row_once(void **state)
{
	struct tu_fixture *fx = *state;
	int count[NROWS + 1] = {0};
	struct isms_evidence_query q = {.limit = 7};
	struct seen x;
	int pages = 0;

	fill(fx->s);
	for (;;) {
		int64_t n = list(fx->s, &q, &x);

		assert_true(n >= 0 && n <= 7);
		if (n == 0)
			break;
		for (size_t i = 0; i < x.n; i++) {
			assert_true(x.ids[i] > q.after); /* in chain order, after the cursor */
			if (i)
				assert_true(x.ids[i] > x.ids[i - 1]);
			count[x.ids[i]]++;
		}
		q.after = x.ids[x.n - 1];
		pages++;
	}
	assert_int_equal(pages, (NROWS + 6) / 7);
	for (int i = 1; i <= NROWS; i++)
		assert_int_equal(count[i], 1);
}

static void t_bounds(void **state)
{
	struct tu_fixture *fx = *state;
	char since[32], until[32];
	struct isms_evidence_query q = {.since = since, .until = until};
	struct seen x;

	fill(fx->s);
	/* Row i is at minute i-1: [00:10, 00:20) is rows 11..20, both ends as documented. */
	assert_int_equal(isms_evidence_bound("2026-03-01T00:10:00Z", since, sizeof(since)), 0);
	assert_int_equal(isms_evidence_bound("2026-03-01T01:20:00+01:00", until, sizeof(until)), 0);
	assert_string_equal(until, "2026-03-01T00:20:00");
	assert_int_equal(list(fx->s, &q, &x), 10);
	assert_int_equal(x.ids[0], 11);
	assert_int_equal(x.ids[9], 20);
	/* A fraction is cut: the second it falls in is included by --since. */
	assert_int_equal(isms_evidence_bound("2026-03-01T00:10:00.9Z", since, sizeof(since)), 0);
	assert_string_equal(since, "2026-03-01T00:10:00");
	/* A date is midnight UTC; until the same day is nothing, the next day is all. */
	assert_int_equal(isms_evidence_bound("2026-03-01", since, sizeof(since)), 0);
	assert_int_equal(isms_evidence_bound("2026-03-01", until, sizeof(until)), 0);
	assert_int_equal(list(fx->s, &q, &x), 0);
	assert_int_equal(isms_evidence_bound("2026-03-02", until, sizeof(until)), 0);
	assert_int_equal(list(fx->s, &q, &x), NROWS);
	q.until = NULL;
	assert_int_equal(isms_evidence_bound("2026-03-01T00:49:00Z", since, sizeof(since)), 0);
	assert_int_equal(list(fx->s, &q, &x), 1);
	assert_int_equal(x.ids[0], NROWS);
	for (const char *bad = "2026-02-30\0" "2026-03-01T00:10\0" "yesterday\0"; *bad;
	     bad += strlen(bad) + 1)
		assert_int_equal(isms_evidence_bound(bad, since, sizeof(since)), -EINVAL);
}

static void t_filters(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_kv f[2] = {{"kind", "kind.a"}, {"subject", "user0"}};
	struct isms_evidence_query q = {.filter = f, .nfilter = 1};
	struct seen x;

	fill(fx->s);
	assert_int_equal(list(fx->s, &q, &x), NROWS / 3); /* i % 3 == 0 */
	for (size_t i = 0; i < x.n; i++)
		assert_int_equal(x.ids[i] % 3, 0);
	q.nfilter = 2; /* and i % 4 == 0: multiples of 12 */
	assert_int_equal(list(fx->s, &q, &x), 4);
	assert_int_equal(x.ids[3], 48);
	f[0] = (struct isms_kv){"id", "17"};
	q.nfilter = 1;
	assert_int_equal(list(fx->s, &q, &x), 1);
	assert_int_equal(x.ids[0], 17);
	f[0] = (struct isms_kv){"colour", "red"};
	assert_int_equal(list(fx->s, &q, &x), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "no field 'colour'");
}

/* The plan SQLite makes for @q, one line per step, joined with '|'. */
static void plan(struct isms_store *s, const struct isms_evidence_query *q, char *out, size_t len)
{
	char sql[8192], explain[8300], err[256];
	sqlite3_stmt *st = NULL;
	size_t off = 0;

	assert_int_equal(evidence_query_sql(isms_schema_entity(&isms_schema_main, "evidence"), q,
					    sql, sizeof(sql), err, sizeof(err)),
			 0);
	snprintf(explain, sizeof(explain), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(s->db, explain, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW)
		off += (size_t)snprintf(out + off, len - off, "%s|",
					(const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

/* A plan that reads the whole chain, or sorts it, misses the goal on 10 M rows. */
static void no_scan(const char *what, const char *p)
{
	if (strstr(p, "SCAN ") || strstr(p, "TEMP B-TREE"))
		fail_msg("%s: scans or sorts: %s", what, p);
}

static void t_indexes_carry_the_queries(void **state)
{
	struct tu_fixture *fx = *state;
	static const char *const cols[] = {"kind", "control", "asset", "node", "subject"};
	struct isms_evidence_query q = {.limit = 100};
	struct isms_kv two[2] = {{"kind", "x"}, {"subject", "y"}};
	char p[2048];

	fill(fx->s);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		struct isms_kv f = {cols[i], "x"};

		q.filter = &f;
		q.nfilter = 1;
		plan(fx->s, &q, p, sizeof(p));
		/* The value's blocks from the cursor's on, then their rows by id: no sort. */
		assert_contains(p, "SEARCH g0 USING PRIMARY KEY (field=? AND value=? AND block>?)");
		assert_contains(p, "SEARCH t USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
		no_scan(cols[i], p);
	}
	/* Two filters: the first's blocks, a probe for the second's tag in each. */
	q.filter = two;
	q.nfilter = 2;
	plan(fx->s, &q, p, sizeof(p));
	assert_contains(p, "SEARCH g0 USING PRIMARY KEY (field=? AND value=? AND block>?)");
	assert_contains(p, "SEARCH g1 USING PRIMARY KEY (field=? AND value=? AND block=?)");
	no_scan("kind and subject", p);
	/* A filter without tags (source) rides along those that have them. */
	two[1] = (struct isms_kv){"source", "y"};
	plan(fx->s, &q, p, sizeof(p));
	assert_contains(p, "SEARCH g0 USING PRIMARY KEY (field=? AND value=? AND block>?)");
	no_scan("kind and source", p);
	q.filter = NULL;
	q.nfilter = 0;
	q.since = "2026-03-01T00:00:00";
	q.until = "2026-03-02T00:00:00";
	plan(fx->s, &q, p, sizeof(p));
	assert_contains(p, "INDEX evidence_by_ts (ts>? AND ts<?)");
	/* also with a filter, and with one bound */
	{
		struct isms_kv f = {"kind", "x"};

		q.filter = &f;
		q.nfilter = 1;
		q.until = NULL;
		plan(fx->s, &q, p, sizeof(p));
		assert_contains(p, "INDEX evidence_by_ts (ts>?)");
		q.filter = NULL;
		q.nfilter = 0;
	}
	/* No filter: the chain itself, from the cursor. */
	q.since = q.until = NULL;
	plan(fx->s, &q, p, sizeof(p));
	assert_contains(p, "INTEGER PRIMARY KEY (rowid>?)");
}

/* The virtual machine steps of @q's statement, run to its end: the work it does. */
static int steps(struct isms_store *s, const struct isms_evidence_query *q)
{
	char sql[8192], err[256];
	sqlite3_stmt *st = NULL;
	int n;

	assert_int_equal(evidence_query_sql(isms_schema_entity(&isms_schema_main, "evidence"), q,
					    sql, sizeof(sql), err, sizeof(err)),
			 0);
	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, q->after);
	for (size_t i = 0; i < q->nfilter; i++)
		sqlite3_bind_text(st, 4 + (int)i, q->filter[i].value, -1, SQLITE_STATIC);
	if (q->limit)
		sqlite3_bind_int64(st, 4 + (int)q->nfilter, q->limit);
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	n = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * A value found in a block far from the cursor costs that block, not the
 * rows between: 2,000 rows, the value only in the last block.
 */
static void t_tags_cost_their_blocks(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ingest *in = NULL;
	struct isms_kv f = {"kind", "k.late"};
	struct isms_evidence_query q = {.filter = &f, .nfilter = 1, .limit = 100};
	int near, far;

	assert_int_equal(isms_ingest_new(fx->s, "test", &in), 0);
	assert_int_equal(isms_ingest_begin(in), 0);
	for (int i = 1; i <= 2000; i++) {
		struct isms_evidence ev = {.source = "test", .ts = "2026-03-01T00:00:00Z",
					   .kind = i == 5 || i == 1990 ? "k.late" : "k.other"};

		assert_int_equal(isms_ingest_add(in, &ev, NULL), 0);
	}
	assert_int_equal(isms_ingest_commit(in), 0);
	isms_ingest_free(in);
	q.after = 0;
	near = steps(fx->s, &q); /* blocks 0 and 31 */
	q.after = 10;
	far = steps(fx->s, &q); /* block 31 only */
	if (near > 2000 || far > 1000)
		fail_msg("a block's rows cost %d and %d steps: the rows between are walked", near, far);
}

/* The time index and the tag table, and none of the five per-value indexes of migration 7. */
static void t_time_index_and_tags(void **state)
{
	struct tu_fixture *fx = *state;

	fill(fx->s);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
					      " AND tbl_name = 'evidence' AND name LIKE 'evidence_by_%'"),
			 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master"
					      " WHERE name = 'evidence_by_ts'"),
			 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_tag"), 3 + 1 + 1 + 2 + 4);
}

#define MANY 1500

struct ids {
	int64_t v[MANY + 1];
	size_t n;
};

static int ids_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct ids *x = userdata;

	(void)e;
	assert_true(x->n < MANY + 1);
	x->v[x->n++] = strtoll(values[0], NULL, 10);
	return 0;
}

/* The rows of @q, page by page (@limit each), into @x. */
static void pages(struct isms_store *s, struct isms_evidence_query q, int64_t limit, struct ids *x)
{
	struct ids page;

	x->n = 0;
	q.limit = limit;
	q.after = 0;
	for (;;) {
		page.n = 0;
		assert_true(isms_evidence_list(s, &q, ids_cb, &page) >= 0);
		if (!page.n)
			break;
		for (size_t i = 0; i < page.n; i++)
			x->v[x->n++] = page.v[i];
		q.after = page.v[page.n - 1];
		if (!limit)
			break;
	}
}

/* What a full scan of the chain finds for the same filters: the reference. */
static void scan(const char *path, const struct isms_kv *f, size_t n, struct ids *x)
{
	char sql[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t off = 0;

	off += (size_t)snprintf(sql, sizeof(sql), "SELECT pk FROM evidence NOT INDEXED WHERE 1");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, " AND %s = ?%zu", f[i].name,
					i + 1);
	snprintf(sql + off, sizeof(sql) - off, " ORDER BY pk");
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++)
		sqlite3_bind_text(st, (int)i + 1, f[i].value, -1, SQLITE_STATIC);
	x->n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		x->v[x->n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/*
 * Through the tags, every row of a value and only those, page by page, over
 * many blocks: rows written in bulk (a cache of tags per block) and one by
 * one, a value that first appears mid-block, a bulk batch rolled back (its
 * tags go with it, and the next batch must not believe them written) and
 * pseudonymised subjects.
 */
static void t_tags_find_every_row(void **state)
{
	struct tu_fixture *fx = *state;
	static const char *const kinds[] = {"k.a", "k.b", "k.c", "k.d", "k.rare"};
	static const char *const users[] = {"alice", "bob", "carol"};
	struct isms_ingest *in = NULL;
	struct ids *got = calloc(1, sizeof(*got)), *want = calloc(1, sizeof(*want));
	unsigned seed = 7;
	int64_t id;

	assert_non_null(got);
	assert_non_null(want);
	assert_int_equal(isms_ingest_new(fx->s, "test", &in), 0);
	/* a batch that is rolled back: kind k.gone in rows 1..30, of block 0 */
	assert_int_equal(isms_ingest_begin(in), 0);
	for (int i = 0; i < 30; i++) {
		struct isms_evidence ev = {.source = "test", .kind = "k.gone", .subject = "dave",
					   .ts = "2026-03-01T00:00:00Z"};

		assert_int_equal(isms_ingest_add(in, &ev, NULL), 0);
	}
	isms_ingest_rollback(in);
	for (int i = 1; i <= MANY; i++) {
		char ts[32], key[32];
		int rnd = (int)(rand_r(&seed) % 1000);
		struct isms_evidence ev = {
			.source = "test", .ts = ts, .event_key = key,
			.kind = rnd < 3 ? kinds[4] : ((i > 4 && i < 9) || (i > 300 && i < 400) ? "k.gone"
										      : kinds[rnd % 4]),
			.subject = rnd % 5 ? users[rnd % 3] : NULL,
			.asset = rnd % 7 ? NULL : "web1",
			.control = i == 777 ? "5.1" : NULL,
			.node = rnd % 11 ? "h1" : "h2",
		};

		snprintf(ts, sizeof(ts), "2026-03-01T%02d:%02d:%02dZ", i / 3600, i / 60 % 60, i % 60);
		snprintf(key, sizeof(key), "k%d", i);
		if (i % 250 == 0) {
			/* one by one, without the bulk writer's cache */
			assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
			continue;
		}
		if (i == 1 || i % 250 == 1)
			assert_int_equal(isms_ingest_begin(in), 0);
		assert_int_equal(isms_ingest_add(in, &ev, &id), 0);
		if (i % 250 == 249 || i == MANY)
			assert_int_equal(isms_ingest_commit(in), 0);
	}
	in = isms_ingest_free(in);
	{
		struct {
			struct isms_kv f[2];
			size_t n;
		} cases[] = {
			{{{"kind", "k.a"}}, 1},
			{{{"kind", "k.rare"}}, 1},
			{{{"kind", "k.gone"}}, 1},
			{{{"kind", "k.none"}}, 1},
			{{{"subject", "bob"}}, 1},
			{{{"subject", "dave"}}, 1},
			{{{"asset", "web1"}}, 1},
			{{{"control", "5.1"}}, 1},
			{{{"node", "h2"}}, 1},
			{{{"kind", "k.b"}, {"subject", "carol"}}, 2},
			{{{"node", "h2"}, {"asset", "web1"}}, 2},
			{{{"kind", "k.c"}, {"source", "test"}}, 2},
		};

		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct isms_evidence_query q = {.filter = cases[c].f, .nfilter = cases[c].n};
			int64_t limits[] = {0, 1, 7, 64, 100};

			scan(fx->path, cases[c].f, cases[c].n, want);
			for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
				pages(fx->s, q, limits[l], got);
				if (got->n != want->n ||
				    memcmp(got->v, want->v, got->n * sizeof(got->v[0])) != 0)
					fail_msg("%s=%s (%zu filters), pages of %lld: %zu rows, want %zu",
						 cases[c].f[0].name, cases[c].f[0].value, cases[c].n,
						 (long long)limits[l], got->n, want->n);
			}
		}
	}
	/* Pseudonymised subjects are found by their pseudonym, no longer by name. */
	{
		struct isms_kv f = {"subject", "alice"};
		struct isms_evidence_query q = {.filter = &f, .nfilter = 1};
		int64_t rows = 0;
		char pseudo[32];

		assert_int_equal(isms_evidence_pseudonymise(fx->s, 1900000000, &rows), 0);
		assert_true(rows > MANY / 2);
		pages(fx->s, q, 50, got);
		assert_int_equal(got->n, 0);
		{
			sqlite3_stmt *st = NULL;

			assert_int_equal(sqlite3_prepare_v2(fx->s->db,
							    "SELECT subject FROM evidence WHERE pk = ("
							    "SELECT min(pk) FROM evidence WHERE subject LIKE '~%')",
							    -1, &st, NULL),
					 SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			snprintf(pseudo, sizeof(pseudo), "%s", (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		f.value = pseudo;
		scan(fx->path, &f, 1, want);
		assert_true(want->n > 0);
		pages(fx->s, q, 50, got);
		assert_int_equal(got->n, want->n);
		assert_memory_equal(got->v, want->v, got->n * sizeof(got->v[0]));
	}
	free(got);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_pages_cover_every_row_once),
		STORE_TEST(t_bounds),
		STORE_TEST(t_filters),
		STORE_TEST(t_indexes_carry_the_queries),
		STORE_TEST(t_time_index_and_tags),
		STORE_TEST(t_tags_find_every_row),
		STORE_TEST(t_tags_cost_their_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
