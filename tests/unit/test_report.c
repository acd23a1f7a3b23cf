/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The board report's figures over a built store: heat maps, top risks,
 * logins and coverage of the period only, nonconformities, budget and
 * decisions; controls claimed against observed in the period; what a
 * report made keeps, the trend of the next period from it, and nothing
 * kept when keeping fails.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/evidence.h"
#include "isms/report.h"
#include "isms/tz.h"
#include "evidence_fixture.h"
#include "testutil.h"

#define R_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static void ev(struct isms_store *s, const char *kind, const char *node, const char *ts,
	       const char *outcome, const char *details)
{
	struct isms_evidence e = {.ts = ts, .source = "test", .kind = kind, .node = node,
				  .subject = "bob", .outcome = outcome, .details = details};

	assert_int_equal(isms_evidence_append(s, &e, NULL), 0);
}

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	/* (cents, as isms_setting_apply() keeps an amount) */
	assert_int_equal(isms_setting_set(fx->s, "budget", "5000000"), 0);
	tu_add(fx->s, "person", TU_KV({"name", "olga"}, {"role", "asset_owner"}));
	/* R-1 medium untreated; R-2 very high, treated to low; R-3 low */
	tu_add(fx->s, "risk", TU_KV({"title", "weak logins"}, {"likelihood", "2"}, {"impact", "3"},
				    {"owner", "olga"}));
	tu_add(fx->s, "risk", TU_KV({"title", "lost logs"}, {"likelihood", "4"}, {"impact", "4"},
				    {"treatment", "mitigate"}, {"residual_likelihood", "1"},
				    {"residual_impact", "1"}));
	tu_add(fx->s, "risk", TU_KV({"title", "small"}, {"likelihood", "1"}, {"impact", "1"}));
	tu_add(fx->s, "measure", TU_KV({"title", "mfa"}, {"risk", "R-1"}, {"cost", "120.50"},
				       {"status", "verified"}));
	tu_add(fx->s, "measure", TU_KV({"title", "siem"}, {"risk", "R-2"}, {"cost", "80"},
				       {"status", "in_progress"}));
	tu_add(fx->s, "nc", TU_KV({"title", "major"}, {"severity", "major"},
				  {"opened", "2026-10-03"}));
	/* closed as 'nc close' leaves one (its effectiveness check is not this test's) */
	assert_int_equal(tu_sql(fx->path, "INSERT INTO nonconformity (id, title, opened, closed,"
					  " status, effectiveness) VALUES ('NC-2', 'old',"
					  " '2026-08-01', '2026-10-20', 'closed', 'effective');"),
			 0);
	ev(fx->s, "access.deny", "web-01", "2026-10-02T10:00:00Z", "deny", NULL);
	ev(fx->s, "access.deny", "web-01", "2026-09-30T23:59:59Z", "deny", NULL);
	ev(fx->s, "access.break-glass", "db-01", "2026-10-09T03:00:00Z", "allow", NULL);
	ev(fx->s, "collector.alive", "db-01", "2026-10-09T03:15:00Z", "degraded",
	   "{\"received\":4,\"stored\":3,\"lost\":1}");
	ev(fx->s, "collector.alive", "db-01", "2026-10-09T05:15:00Z", "alive", "{}");
	ev(fx->s, "collector.alive", "db-01", "2026-10-09T05:30:00Z", "alive", "{}");
	return 0;
}

/* The member at @path ("a.b.2.c": object members and array indexes) of @o; NULL: null. */
static struct json_object *at(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;
	bool found = true;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && found; k = strtok_r(NULL, ".", &save)) {
		if (!o)
			found = false;
		else if (json_object_is_type(o, json_type_array))
			found = (o = json_object_array_get_idx(o, (size_t)atoi(k))) != NULL;
		else
			found = json_object_object_get_ex(o, k, &o);
	}
	if (!found)
		fail_msg("no '%s' in the figures", path);
	return o;
}

static int64_t ati(struct json_object *o, const char *path)
{
	return json_object_get_int64(at(o, path));
}

static const char *ats(struct json_object *o, const char *path)
{
	struct json_object *v = at(o, path);

	return v ? json_object_get_string(v) : NULL;
}

static void period(const char *label, struct isms_ctest_period *p)
{
	struct isms_tz *tz = NULL;

	assert_int_equal(isms_tz_from_posix("UTC0", &tz), 0);
	assert_int_equal(isms_ctest_period_parse(label, tz, p), 0);
	isms_tz_free(tz);
}

static int64_t tnow(void)
{
	return (int64_t)tu_utc(2026, 11, 2, 9, 0);
}

static void t_figures(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p;
	struct json_object *f = NULL;

	period("2026-10", &p);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	assert_string_equal(ats(f, "period.since"), "2026-10-01T00:00:00Z");
	assert_string_equal(ats(f, "made_at"), "2026-11-02T09:00:00Z");
	assert_null(ats(f, "previous"));
	/* heat maps: [likelihood-1][impact-1] */
	assert_int_equal(ati(f, "heatmap.inherent.1.2"), 1);
	assert_int_equal(ati(f, "heatmap.inherent.3.3"), 1);
	assert_int_equal(ati(f, "heatmap.inherent.0.0"), 1);
	assert_int_equal(ati(f, "heatmap.residual.3.3"), 0);
	assert_int_equal(ati(f, "heatmap.residual.0.0"), 2);
	assert_string_equal(ats(f, "top_risks.0.id"), "R-2");
	assert_string_equal(ats(f, "top_risks.0.level"), "very_high");
	assert_string_equal(ats(f, "top_risks.0.residual_level"), "low");
	assert_string_equal(ats(f, "top_risks.1.id"), "R-1");
	assert_string_equal(ats(f, "top_risks.1.trend"), "new");
	assert_int_equal(ati(f, "risks.above_acceptance"), 1);
	/* the period's rows only: the denial a second before it is not counted */
	assert_int_equal(ati(f, "access.denied"), 1);
	assert_int_equal(ati(f, "access.break_glass"), 1);
	assert_string_equal(ats(f, "access.break_glass_uses.0.host"), "db-01");
	assert_string_equal(ats(f, "hosts.0.host"), "db-01");
	assert_int_equal(ati(f, "hosts.0.heartbeats"), 3);
	assert_int_equal(ati(f, "hosts.0.longest_gap_s"), 7200);
	/* silent from its last heartbeat to the end of the period (before now) */
	assert_int_equal(ati(f, "hosts.0.silent_s"), (int64_t)tu_utc(2026, 11, 1, 0, 0) -
							 (int64_t)tu_utc(2026, 10, 9, 5, 30));
	assert_null(at(f, "hosts.1.silent_s"));
	assert_int_equal(ati(f, "hosts.0.degraded"), 1);
	assert_int_equal(ati(f, "hosts.0.lost"), 1);
	assert_int_equal(ati(f, "hosts.0.losses"), 1);
	assert_int_equal(ati(f, "hosts.1.rows"), 1);
	assert_int_equal(ati(f, "hosts.0.rows"), 4);
	assert_int_equal(ati(f, "nonconformities.opened"), 1);
	assert_int_equal(ati(f, "nonconformities.closed"), 1);
	assert_int_equal(ati(f, "nonconformities.open"), 1);
	assert_int_equal(ati(f, "budget.budget"), 5000000);
	assert_int_equal(ati(f, "budget.spent"), 12050);
	assert_int_equal(ati(f, "budget.committed"), 8000);
	assert_int_equal(ati(f, "budget.remaining"), 5000000 - 20050);
	assert_string_equal(ats(f, "decisions.0.kind"), "risk_treatment");
	assert_string_equal(ats(f, "decisions.0.id"), "R-1");
	assert_string_equal(ats(f, "decisions.1.kind"), "nonconformity");
	/* R-2 is mitigated without a treatment plan its owner approved */
	assert_string_equal(ats(f, "decisions.2.kind"), "overdue");
	assert_string_equal(ats(f, "decisions.2.id"), "R-2");
	assert_int_equal(json_object_array_length(at(f, "decisions")), 3);
	/* reading keeps nothing */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM period_report"), 0);
	json_object_put(f);
}

static void t_controls_observed_in_period(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p;
	struct json_object *f = NULL, *themes;

	tu_add(fx->s, "test", TU_KV({"name", "hb"}, {"title", "heartbeat"}, {"control", "8.15"},
				    {"rule", "heartbeat kind=collector.alive max_gap=1h"}));
	assert_int_equal(isms_record_change(fx->s, tu_entity("control"), "8.15",
					 TU_KV({"applicable", "yes"}, {"status", "implemented"})),
			 0);
	/* failed in October, passed in November */
	assert_int_equal(tu_sql(fx->path,
				"INSERT INTO assessment (test, version, control, period, since, until,"
				" assessed_at, result, expected, rows, matched, violations, covered,"
				" members) VALUES"
				" ('hb', 1, '8.15', '2026-10', '2026-10-01T00:00:00Z',"
				" '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z', 'fail', 'pass',"
				" 3, 3, 1, 1, 1),"
				" ('hb', 1, '8.15', '2026-11', '2026-11-01T00:00:00Z',"
				" '2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z', 'pass', 'pass',"
				" 3, 3, 0, 1, 1);"),
			 0);
	period("2026-10", &p);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	themes = at(f, "controls.themes");
	assert_string_equal(ats(themes, "3.theme"), "technological");
	assert_int_equal(ati(themes, "3.observed.fail"), 1);
	assert_int_equal(ati(themes, "3.observed.pass"), 0);
	assert_int_equal(ati(themes, "3.claimed.implemented"), 1);
	/* the 33 undecided controls are neither applicable nor "not started" */
	assert_int_equal(ati(themes, "3.applicable"), 1);
	assert_int_equal(ati(themes, "3.claimed.not_started"), 0);
	assert_string_equal(ats(f, "controls.flagged.0.control"), "8.15");
	assert_string_equal(ats(f, "controls.flagged.0.observed"), "fail");
	assert_int_equal(ati(f, "assessments.results"), 1);
	assert_int_equal(ati(f, "assessments.pass_rate"), 0);
	json_object_put(f);
	period("2026-11", &p);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	assert_int_equal(ati(f, "controls.themes.3.observed.pass"), 1);
	assert_int_equal(json_object_array_length(at(f, "controls.flagged")), 0);
	assert_int_equal(ati(f, "assessments.pass_rate"), 100);
	json_object_put(f);
}

static void t_make_keeps_the_period(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p;
	struct json_object *f = NULL;
	char sha[65], kept[65], subject[16];

	period("2026-10", &p);
	assert_int_equal(isms_report_make(fx->s, &p, tnow(), &f, sha), 0);
	json_object_put(f);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM period_risk"
					      " WHERE period = '2026-10'"), 3);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM period_risk WHERE"
					      " risk = 'R-2' AND level = 'very_high' AND"
					      " residual_level = 'low' AND treatment = 'mitigate'"),
			 1);
	tu_ev_sql_text(fx->path, "SELECT sha256 FROM period_report WHERE period = '2026-10'", kept,
		       sizeof(kept));
	assert_string_equal(kept, sha);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"
					      " WHERE kind = 'report.made'"), 1);
	tu_ev_sql_text(fx->path, "SELECT subject FROM evidence WHERE kind = 'report.made'", subject,
		       sizeof(subject));
	assert_string_equal(subject, "2026-10");
	/* again: the period's rows replaced, one more evidence row */
	assert_int_equal(isms_report_make(fx->s, &p, tnow() + 60, &f, NULL), 0);
	json_object_put(f);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM period_risk"), 3);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM period_report"), 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"
					      " WHERE kind = 'report.made'"), 2);
	tu_ev_verify_ok(fx->s, tu_sql_int(fx->path, "SELECT count(*) FROM evidence"));
}

static void t_trend_from_history(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p;
	struct json_object *f = NULL;

	period("2026-10", &p);
	assert_int_equal(isms_report_make(fx->s, &p, tnow(), &f, NULL), 0);
	json_object_put(f);
	assert_int_equal(isms_record_change(fx->s, tu_entity("risk"), "R-1",
					 TU_KV({"likelihood", "4"})), 0);
	tu_add(fx->s, "nc", TU_KV({"title", "another"}, {"opened", "2026-11-04"}));
	period("2026-11", &p);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	assert_string_equal(ats(f, "previous"), "2026-10");
	assert_string_equal(ats(f, "top_risks.1.id"), "R-1");
	assert_string_equal(ats(f, "top_risks.1.previous_level"), "medium");
	assert_string_equal(ats(f, "top_risks.1.trend"), "up");
	assert_string_equal(ats(f, "top_risks.0.trend"), "same");
	assert_int_equal(ati(f, "nonconformities.previous_open"), 1);
	assert_int_equal(ati(f, "nonconformities.open"), 2);
	json_object_put(f);
	/* history, not the register: what October kept decides */
	assert_int_equal(tu_sql(fx->path, "UPDATE period_risk SET level = 'very_high'"
					  " WHERE risk = 'R-1'"), 0);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	assert_string_equal(ats(f, "top_risks.1.trend"), "same");
	json_object_put(f);
	/* an earlier period compares with nothing later */
	period("2026-09", &p);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	assert_null(ats(f, "previous"));
	json_object_put(f);
}

static void t_make_fails_closed(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p;
	struct json_object *f = NULL;

	period("2026-10", &p);
	assert_int_equal(tu_sql(fx->path, "CREATE TRIGGER no_report BEFORE INSERT ON period_report"
					  " BEGIN SELECT RAISE(ABORT, 'refused'); END;"), 0);
	assert_true(isms_report_make(fx->s, &p, tnow(), &f, NULL) < 0);
	assert_null(f);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM period_risk"), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"
					      " WHERE kind = 'report.made'"), 0);
}

/* The overdue list of 'ismsctl overdue' at the time the report is made, each item a decision. */
static void t_overdue(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p;
	struct json_object *f = NULL, *d;
	size_t n;

	tu_add(fx->s, "review", TU_KV({"kind", "access"}, {"subject", "admins of db-01"},
				      {"reviewer", "olga"}, {"due", "2026-10-15"}));
	tu_add(fx->s, "review", TU_KV({"kind", "access"}, {"subject", "not yet"},
				      {"due", "2026-11-20"}));
	period("2026-10", &p);
	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), 0);
	/* and R-2's treatment plan, due today, not approved by its owner */
	assert_int_equal(json_object_array_length(at(f, "overdue")), 2);
	assert_string_equal(ats(f, "overdue.1.what"), "risk treatment plan");
	assert_string_equal(ats(f, "overdue.0.what"), "review");
	assert_string_equal(ats(f, "overdue.0.id"), "V-1");
	assert_string_equal(ats(f, "overdue.0.since"), "2026-10-15");
	assert_string_equal(ats(f, "overdue.0.responsible"), "olga");
	d = at(f, "decisions");
	n = json_object_array_length(d);
	assert_int_equal(n, 4);
	assert_string_equal(ats(d, "2.kind"), "overdue");
	assert_string_equal(ats(d, "2.id"), "V-1");
	assert_string_equal(ats(d, "2.why"), "review: due 2026-10-15, responsible olga");
	json_object_put(f);
	/* three weeks later the second is overdue too */
	assert_int_equal(isms_report_figures(fx->s, &p, tnow() + 21 * 86400, &f), 0);
	assert_int_equal(json_object_array_length(at(f, "overdue")), 3);
	json_object_put(f);
}

static void t_bad_period(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ctest_period p = {.start = 100, .end = 100, .label = "x"};
	struct json_object *f = NULL;

	assert_int_equal(isms_report_figures(fx->s, &p, tnow(), &f), -EINVAL);
	assert_null(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		R_TEST(t_figures),
		R_TEST(t_controls_observed_in_period),
		R_TEST(t_make_keeps_the_period),
		R_TEST(t_trend_from_history),
		R_TEST(t_make_fails_closed),
		R_TEST(t_overdue),
		R_TEST(t_bad_period),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
