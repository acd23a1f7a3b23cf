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

static void t_indexes_carry_the_queries(void **state)
{
	struct tu_fixture *fx = *state;
	static const char *const cols[] = {"kind", "control", "asset", "node", "subject"};
	struct isms_evidence_query q = {.limit = 100};
	char p[2048], want[64];

	fill(fx->s);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		struct isms_kv f = {cols[i], "x"};

		q.filter = &f;
		q.nfilter = 1;
		plan(fx->s, &q, p, sizeof(p));
		/* The index, by value and then by id: the cursor is a seek, no sort. */
		snprintf(want, sizeof(want), "INDEX evidence_by_%s (%s=? AND rowid>?)", cols[i], cols[i]);
		assert_contains(p, want);
		if (strstr(p, "TEMP B-TREE"))
			fail_msg("%s: sorts: %s", cols[i], p);
	}
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

static void t_six_indexes(void **state)
{
	struct tu_fixture *fx = *state;

	fill(fx->s);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
					      " AND tbl_name = 'evidence' AND name LIKE 'evidence_by_%'"),
			 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_pages_cover_every_row_once),
		STORE_TEST(t_bounds),
		STORE_TEST(t_filters),
		STORE_TEST(t_indexes_carry_the_queries),
		STORE_TEST(t_six_indexes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
