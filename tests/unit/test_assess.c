/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Assessment on a real store: the facts a rule asks at a row's time, tests
 * run per host of their scope over more than a page of evidence, results in
 * the chain and per period, the built-in library, and the observed status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/assess.h"
#include "isms/catalogue.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi};

	return (int64_t)timegm(&tm);
}

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	return 0;
}

static void append(struct isms_store *s, int64_t t, const char *kind, const char *asset,
		   const char *subject)
{
	char ts[32];
	struct isms_evidence ev = {.ts = ts, .source = "test", .kind = kind, .asset = asset,
				   .subject = subject};

	isms_date_format(t, ts, sizeof(ts));
	assert_int_equal(isms_evidence_append(s, &ev, NULL), 0);
}

static int fact(struct isms_store *s, enum isms_ctest_fact f, const char *arg, int64_t secs,
		const char *subject, const char *asset, int64_t t)
{
	struct isms_ctest_cond c = {.fact = f, .seconds = secs};
	struct isms_ctest_row row = {.id = 1, .ts = t, .kind = "access.allow", .subject = subject,
				     .asset = asset};

	snprintf(c.value, sizeof(c.value), "%s", arg ? arg : "");
	return isms_assess_fact(&c, &row, s);
}

static void t_facts(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;
	const int64_t d90 = 90 * 86400;

	tu_add(s, "person", TU_KV({"name", "alice"}, {"role", "admin"}));
	tu_add(s, "person", TU_KV({"name", "Robert"}, {"login", "bob"}, {"active_until", "2026-01-14"}));
	tu_add(s, "asset", TU_KV({"name", "h1"}, {"type", "host"}));
	tu_add(s, "review", TU_KV({"kind", "access"}, {"subject", "a"}, {"person", "alice"},
				  {"asset", "h1"}, {"due", "2026-01-01"}, {"done", "2026-01-10"},
				  {"result", "ok"}));
	tu_add(s, "review", TU_KV({"kind", "access"}, {"subject", "b"}, {"person", "Robert"},
				  {"asset", "h1"}, {"due", "2026-01-01"}, {"done", "2026-01-10"},
				  {"result", "failed"}));
	tu_add(s, "document", TU_KV({"name", "pol"}, {"title", "Policy"}, {"version", "1"}));
	tu_add(s, "ack", TU_KV({"person", "alice"}, {"document", "pol"}, {"version", "1"},
			       {"at", "2026-02-01"}));

	/* reviewed(): done by then, within the time, not failed */
	assert_int_equal(fact(s, ISMS_CTEST_FACT_REVIEWED, NULL, d90, "alice", "h1",
			      utc(2026, 2, 1, 9, 0)), 1);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_REVIEWED, NULL, d90, "alice", "h1",
			      utc(2026, 5, 1, 9, 0)), 0);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_REVIEWED, NULL, d90, "alice", "h1",
			      utc(2026, 1, 9, 9, 0)), 0);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_REVIEWED, NULL, d90, "bob", "h1",
			      utc(2026, 2, 1, 9, 0)), 0);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_REVIEWED, NULL, d90, "alice", NULL,
			      utc(2026, 2, 1, 9, 0)), -ENODATA);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_REVIEWED, NULL, d90, NULL, "h1",
			      utc(2026, 2, 1, 9, 0)), -ENODATA);
	/* active(): by login, until the last day */
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ACTIVE, NULL, 0, "bob", NULL,
			      utc(2026, 1, 14, 23, 0)), 1);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ACTIVE, NULL, 0, "bob", NULL,
			      utc(2026, 1, 15, 0, 0)), 0);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ACTIVE, NULL, 0, "Robert", NULL,
			      utc(2026, 1, 1, 0, 0)), 0); /* Robert logs in as bob */
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ACTIVE, NULL, 0, "mallory", NULL,
			      utc(2026, 1, 1, 0, 0)), 0);
	/* acknowledged(): dated on or before the row's day */
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ACKNOWLEDGED, "pol", 0, "alice", NULL,
			      utc(2026, 1, 31, 12, 0)), 0);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ACKNOWLEDGED, "pol", 0, "alice", NULL,
			      utc(2026, 2, 1, 12, 0)), 1);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ROLE, "admin", 0, "alice", NULL, 0), 1);
	assert_int_equal(fact(s, ISMS_CTEST_FACT_ROLE, "admin", 0, "bob", NULL, 0), 0);
}

struct got {
	int n;
	struct isms_assess_item last;
	char hosts[256];
};

static int got_cb(const struct isms_assess_item *it, void *ud)
{
	struct got *g = ud;

	g->n++;
	g->last = *it;
	snprintf(g->hosts, sizeof(g->hosts), "%s", it->hosts ? it->hosts : "");
	return 0;
}

static struct got run(struct isms_store *s, const char *test, const char *period, bool again)
{
	struct isms_tz *tz = NULL;
	struct isms_assess_opts o = {.period = period, .test = test, .again = again,
				     .now = utc(2026, 12, 2, 12, 0)};
	struct got g = {0};
	int r;

	assert_int_equal(isms_tz_from_posix("UTC0", &tz), 0);
	o.tz = tz;
	r = isms_assess_run(s, &o, got_cb, &g);
	if (r < 0)
		fail_msg("assess: %s", isms_store_errmsg(s));
	isms_tz_free(tz);
	return g;
}

static void t_scope_assets(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;
	int64_t d = utc(2026, 11, 10, 0, 0);
	struct got g;
	char *details;

	tu_add(s, "asset", TU_KV({"name", "h1"}, {"type", "host"}));
	tu_add(s, "asset", TU_KV({"name", "h2"}, {"type", "host"}));
	tu_add(s, "asset", TU_KV({"name", "app"}, {"type", "application"}));
	tu_add(s, "test", TU_KV({"name", "hb"}, {"title", "ticks"}, {"control", "8.15"},
				{"scope", "assets"}, {"rule", "heartbeat kind=tick max_gap=1h"}));
	/* h1 ticks every minute for a day: more than two pages of evidence */
	assert_int_equal(isms_store_begin(s), 0);
	for (int i = 0; i < 24 * 60; i++)
		append(s, d + i * 60, "tick", "h1", NULL);
	append(s, d + 3600, "tick", "app", NULL);
	assert_int_equal(isms_store_commit(s), 0);
	g = run(s, "hb", "2026-11-10", false);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.last.res.outcome, ISMS_CTEST_INSUFFICIENT); /* h2 said nothing */
	assert_int_equal(g.last.members, 2);
	assert_int_equal(g.last.covered, 1);
	assert_string_equal(g.hosts, "h1");
	assert_int_equal(g.last.res.seen, 24 * 60);
	/* the ticks follow the four history rows of the adds above */
	assert_int_equal(g.last.res.first_id, 4 + 1);
	assert_int_equal(g.last.res.last_id, 4 + 24 * 60);
	assert_contains(g.last.res.reason, "h2: no 'tick' evidence");
	/* the result is in the chain and in the table, naming each other */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM assessment"), 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT evidence FROM assessment"), g.last.evidence);
	{
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)g.last.evidence);
		details = tu_field(s, "evidence", id, "details");
	}
	assert_contains(details, "\"first_evidence\":5,");
	assert_contains(details, "\"hosts\":\"h1\"");
	free(details);
	{
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)g.last.evidence);
		assert_field(s, "evidence", id, "kind", "assessment.result");
	}
	assert_field(s, "test", "hb", "last_result", "insufficient");

	/* h2 ticks with a gap of two hours: the test fails, for h2 */
	assert_int_equal(isms_store_begin(s), 0);
	for (int i = 0; i < 24; i++)
		if (i != 5)
			append(s, d + i * 3600 + 1800, "tick", "h2", NULL);
	assert_int_equal(isms_store_commit(s), 0);
	g = run(s, "hb", "2026-11-10", false);
	assert_int_equal(g.n, 1);
	assert_true(g.last.skipped); /* the whole day was assessed */
	g = run(s, "hb", "2026-11-10", true);
	assert_int_equal(g.last.res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(g.last.covered, 2);
	assert_string_equal(g.hosts, "h1,h2");
	assert_contains(g.last.res.reason, "h2: 1 gap(s)");
	assert_int_equal(g.last.res.ngaps, 1);
	assert_int_equal(g.last.res.gaps[0].from, d + 4 * 3600 + 1800);
	/* the assessment rows before are not evidence of the control */
	assert_int_equal(g.last.res.seen, 24 * 60 + 23);
}

static void t_builtin(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;
	char path[4096], *err = NULL, *file = tu_path(fx->dir, "tests.json");
	FILE *f;

	snprintf(path, sizeof(path), "%s/control-tests.json", tu_data_dir());
	assert_int_equal(isms_assess_load_builtin(s, path, &err), 18);
	assert_int_equal(tu_count(s, "test"), 18);
	/* 8.15's heartbeat is the collector's own, not whatever traffic came */
	assert_field(s, "test", "audit-trail-heartbeat", "rule",
		     "heartbeat kind=collector.alive max_gap=1h where=source=audisp-isms"
		     " where=outcome=alive");
	assert_field(s, "test", "audit-trail-heartbeat", "version", "3");
	assert_int_equal(isms_record_change(s, tu_entity("test"), "failed-logins",
					    TU_KV({"rule", "count kind=login.failure max=3"})), 0);
	assert_int_equal(isms_assess_load_builtin(s, path, &err), 18);
	assert_field(s, "test", "failed-logins", "rule", "count kind=login.failure max=3");
	/* a higher version replaces a built-in one, never one of the officer's */
	tu_add(s, "test", TU_KV({"name", "mine"}, {"title", "t"}, {"control", "5.15"},
				{"rule", "count kind=x max=1"}));
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("{\"test\": [{\"name\": \"failed-logins\", \"version\": 2, \"title\": \"n\","
	      " \"control\": \"8.5\", \"rule\": \"count kind=login.failure max=5\"},"
	      " {\"name\": \"mine\", \"version\": 9, \"title\": \"x\", \"control\": \"5.15\","
	      " \"rule\": \"count kind=y max=1\"}]}", f);
	fclose(f);
	assert_int_equal(isms_assess_load_builtin(s, file, &err), 2);
	assert_field(s, "test", "failed-logins", "rule", "count kind=login.failure max=5");
	assert_field(s, "test", "failed-logins", "version", "2");
	assert_field(s, "test", "mine", "rule", "count kind=x max=1");
	/* a bad rule in the file loads nothing */
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("{\"test\": [{\"name\": \"new\", \"title\": \"n\", \"control\": \"8.5\","
	      " \"rule\": \"count kind=x max=1\"}, {\"name\": \"bad\", \"title\": \"b\","
	      " \"control\": \"8.5\", \"rule\": \"count\"}]}", f);
	fclose(f);
	assert_int_equal(isms_assess_load_builtin(s, file, &err), -EINVAL);
	assert_non_null(err);
	assert_contains(err, "bad");
	free(err);
	assert_int_equal(tu_count(s, "test"), 19);
	free(file);
}

/* scope nodes: a node no collector start names joins the scope when its rows appear */
static void t_scope_nodes(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;
	int64_t d = utc(2026, 11, 10, 0, 0);
	struct got g;

	tu_add(s, "test", TU_KV({"name", "hbn"}, {"title", "ticks"}, {"control", "8.15"},
				{"scope", "nodes"}, {"rule", "heartbeat kind=tick max_gap=2h"}));
	for (int i = 0; i < 24; i++) {
		char ts[32];
		struct isms_evidence ev = {.ts = ts, .source = "test", .kind = "tick",
					   .node = i % 2 ? "n2" : "n1"};

		isms_date_format(d + i * 3600, ts, sizeof(ts));
		assert_int_equal(isms_evidence_append(s, &ev, NULL), 0);
	}
	g = run(s, "hbn", "2026-11-10", false);
	assert_int_equal(g.last.res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(g.last.members, 2);
	assert_string_equal(g.hosts, "n1,n2");
	g = run(s, "hbn", "2026-11-11", false);
	assert_int_equal(g.last.res.outcome, ISMS_CTEST_INSUFFICIENT);
	assert_contains(g.last.res.reason, "no host in the scope 'nodes'");
}

struct obs {
	char control[16], observed[16], results[256];
	int64_t evidence;
	int n;
};

static int obs_cb(const struct isms_assess_observed *o, void *ud)
{
	struct obs *x = ud;

	if (strcmp(o->control, "5.15") == 0) {
		snprintf(x->observed, sizeof(x->observed), "%s", o->observed);
		snprintf(x->results, sizeof(x->results), "%s", o->results);
		x->evidence = o->evidence;
	}
	x->n++;
	return 0;
}

static void t_observed(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;
	struct obs x = {0};

	tu_add(s, "test", TU_KV({"name", "a"}, {"title", "t"}, {"control", "5.15"},
				{"rule", "count kind=access.deny max=1"}));
	tu_add(s, "test", TU_KV({"name", "b"}, {"title", "t"}, {"control", "5.15"},
				{"rule", "count kind=access.deny max=5"}, {"expect", "fail"}));
	tu_add(s, "test", TU_KV({"name", "c"}, {"title", "t"}, {"control", "8.2"},
				{"rule", "count kind=access.deny max=5"}));
	assert_int_equal(isms_assess_observed(s, obs_cb, &x), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.observed, "insufficient"); /* never assessed */
	assert_string_equal(x.results, "a:never,b:never");
	append(s, utc(2026, 11, 3, 10, 0), "access.deny", NULL, "bob");
	append(s, utc(2026, 11, 3, 11, 0), "access.deny", NULL, "bob");
	(void)run(s, NULL, "2026-11", false);
	memset(&x, 0, sizeof(x));
	assert_int_equal(isms_assess_observed(s, obs_cb, &x), 0);
	/* a fails, b passes but expects to fail */
	assert_string_equal(x.results, "a:fail,b:pass");
	assert_string_equal(x.observed, "fail");
	assert_int_equal(x.evidence, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_facts),
		STORE_TEST(t_scope_assets),
		STORE_TEST(t_scope_nodes),
		STORE_TEST(t_builtin),
		STORE_TEST(t_observed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
