/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening nonconformities on a real store: the record, one reassessment per
 * linked risk on the due list, the evidence row, no duplicate for the same
 * origin, and nothing written when a linked record does not exist.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/nonconformity.h"
#include "evidence_fixture.h"
#include "testutil.h"

#define NC_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	tu_add(fx->s, "person", TU_KV({"name", "olga"}, {"role", "asset_owner"}));
	tu_add(fx->s, "risk", TU_KV({"title", "weak logins"}, {"likelihood", "2"}, {"impact", "3"},
				    {"owner", "olga"}));
	tu_add(fx->s, "risk", TU_KV({"title", "lost logs"}, {"likelihood", "1"}, {"impact", "4"}));
	return 0;
}

static int64_t tnow(void)
{
	return (int64_t)tu_utc(2026, 3, 10, 12, 0);
}

static void t_open_reassesses_each_risk(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "heartbeat missing", .source = "test",
				.origin = "audit-trail-heartbeat@2026-03", .controls = "8.15",
				.risks = "R-1,R-2", .now = tnow()};
	char *id = NULL, *keys;

	assert_int_equal(isms_nc_open(fx->s, &n, &id), 1);
	assert_string_equal(id, "NC-1");
	assert_field(fx->s, "nc", "NC-1", "status", "open");
	assert_field(fx->s, "nc", "NC-1", "opened", "2026-03-10");
	assert_field(fx->s, "nc", "NC-1", "source", "test");
	assert_field(fx->s, "nc", "NC-1", "severity", "minor");
	keys = tu_keys(fx->s, "review", TU_KV({"kind", "risk"}));
	assert_string_equal(keys, "V-1,V-2");
	free(keys);
	assert_field(fx->s, "review", "V-1", "risk", "R-1");
	assert_field(fx->s, "review", "V-1", "reviewer", "olga");
	assert_field(fx->s, "review", "V-1", "due", "2026-04-09");
	assert_field(fx->s, "review", "V-1", "subject", "reassessment after NC-1");
	assert_field(fx->s, "review", "V-2", "risk", "R-2");
	assert_field(fx->s, "review", "V-2", "reviewer", NULL);
	/* rows 1-3: the setup's history; 4-6: NC-1's and its two reviews' adds */
	keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "nonconformity.opened"}));
	assert_string_equal(keys, "7");
	free(keys);
	assert_field(fx->s, "evidence", "7", "subject", "NC-1");
	assert_field(fx->s, "evidence", "7", "control", "8.15");
	tu_ev_verify_ok(fx->s, 7);
	free(id);
}

static void t_same_origin_not_twice(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "denials", .source = "indicator", .origin = "failed-logins",
				.risks = "R-1", .now = tnow()};
	char *id = NULL;

	assert_int_equal(isms_nc_open(fx->s, &n, &id), 1);
	free(id);
	id = NULL;
	assert_int_equal(isms_nc_open(fx->s, &n, &id), 0);
	assert_string_equal(id, "NC-1");
	free(id);
	assert_int_equal(tu_count(fx->s, "nc"), 1);
	assert_int_equal(tu_count(fx->s, "review"), 1);
	/* Once closed, the same origin opens a new one. */
	{
		struct isms_nc_check chk = {.verified_by = "olga", .note = "rule fixed", .now = tnow()};
		char *why = NULL;

		assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), 1);
		assert_null(why);
	}
	id = NULL;
	assert_int_equal(isms_nc_open(fx->s, &n, &id), 1);
	assert_string_equal(id, "NC-2");
	free(id);
	/* Manual ones are never merged. */
	n.source = NULL;
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), 1);
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), 1);
	assert_int_equal(tu_count(fx->s, "nc"), 4);
}

static void t_unknown_link_writes_nothing(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "x", .source = "audit", .origin = "IA-1",
				.risks = "R-1,R-9", .now = tnow()};

	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "R-9");
	n.risks = NULL;
	n.controls = "5.15,99.9";
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -ENOENT);
	n.controls = NULL;
	n.effectiveness_test = "no-such-test";
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -ENOENT);
	n.effectiveness_test = NULL;
	n.responsible = "nobody";
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -ENOENT);
	n.responsible = NULL;
	n.controls = "5.15, 8.2";
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -EINVAL);
	n.controls = NULL;
	n.severity = "catastrophic";
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -EINVAL);
	n.severity = NULL;
	n.title = NULL;
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), -EINVAL);
	assert_int_equal(tu_count(fx->s, "nc"), 0);
	assert_int_equal(tu_count(fx->s, "review"), 0);
	/* only the setup's three history rows */
	assert_int_equal(tu_count(fx->s, "evidence"), 3);
}


/* The generic layer cannot close one: the end of the cycle is earned. */
static void t_generic_close_refused(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "x", .now = tnow()};
	const struct isms_kv closed[] = {{"status", "closed"}};
	const struct isms_kv date[] = {{"closed", "2026-03-20"}};
	const struct isms_kv eff[] = {{"effectiveness", "effective"}};
	const struct isms_kv add[] = {{"title", "y"}, {"status", "closed"}};
	const struct isms_kv ok[] = {{"status", "action"}, {"root_cause", "no review"}};

	assert_int_equal(isms_nc_open(fx->s, &n, NULL), 1);
	assert_int_equal(isms_record_change(fx->s, tu_entity("nc"), "NC-1", closed, 1), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "nc close NC-1");
	assert_int_equal(isms_record_change(fx->s, tu_entity("nc"), "NC-1", date, 1), -EPERM);
	assert_int_equal(isms_record_change(fx->s, tu_entity("nc"), "NC-1", eff, 1), -EPERM);
	assert_int_equal(isms_record_add(fx->s, tu_entity("nc"), add, 2, NULL), -EPERM);
	assert_int_equal(isms_record_change(fx->s, tu_entity("nc"), "NC-1", ok, 2), 0);
	assert_field(fx->s, "nc", "NC-1", "status", "action");
	assert_int_equal(tu_count(fx->s, "nc"), 1);
}

/* Added through the generic layer (nc add, import aside), it does what opening does. */
static void t_generic_add_reassesses(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_kv kv[] = {{"title", "audit finding"}, {"source", "audit"},
				     {"risks", "R-1"}};
	const struct isms_kv bad[] = {{"title", "x"}, {"risks", "R-7"}};
	const struct isms_kv more[] = {{"risks", "R-1,R-2"}};

	assert_int_equal(isms_record_add(fx->s, tu_entity("nc"), kv, 3, NULL), 0);
	assert_int_equal(tu_count(fx->s, "review"), 1);
	assert_field(fx->s, "review", "V-1", "subject", "reassessment after NC-1");
	/* the setup's three history rows, NC-1's and V-1's adds, nonconformity.opened */
	assert_int_equal(tu_count(fx->s, "evidence"), 6);
	assert_int_equal(isms_record_add(fx->s, tu_entity("nc"), bad, 2, NULL), -ENOENT);
	/* a risk added later is put up too, the first not twice */
	assert_int_equal(isms_record_change(fx->s, tu_entity("nc"), "NC-1", more, 1), 0);
	assert_int_equal(tu_count(fx->s, "review"), 2);
	assert_field(fx->s, "review", "V-2", "risk", "R-2");
}

/* Assessment rows as assess records them (lib/assess_record.c), for the check to read. */
static void add_result(struct tu_fixture *fx, const char *period, const char *since,
		       const char *until, const char *result)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO assessment (test, version, control, period, since, until, assessed_at,"
		 " result, expected, rows, matched, violations, covered, members, evidence)"
		 " VALUES ('logins-ok', 1, '5.15', '%s', '%s', '%s', '%s', '%s', 'pass', 3, 3,"
		 " 0, 1, 1, 1)",
		 period, since, until, until, result);
	assert_int_equal(tu_sql(fx->path, sql), 0);
}

static void t_close_on_effectiveness_test(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "logins-ok failed", .source = "test",
				.origin = "logins-ok@2026-02", .controls = "5.15",
				.effectiveness_test = "logins-ok", .now = tnow()};
	struct isms_nc_check chk = {.now = tnow()};
	char *why = NULL;

	tu_add(fx->s, "test", TU_KV({"name", "logins-ok"}, {"title", "logins"}, {"control", "5.15"},
				    {"rule", "count kind=access.deny max=3"}));
	add_result(fx, "2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "fail");
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), 1);
	/* only the failing period: nothing later yet */
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), 0);
	assert_contains(why, "no assessment of test 'logins-ok'");
	free(why);
	/* a period still running does not count (assessed before its end) */
	assert_int_equal(tu_sql(fx->path,
				"INSERT INTO assessment (test, version, control, period, since, until,"
				" assessed_at, result, expected, rows, matched, violations, covered,"
				" members) VALUES ('logins-ok', 1, '5.15', '2026-03',"
				" '2026-03-01T00:00:00Z', '2026-03-10T12:00:01Z',"
				" '2026-03-10T12:00:00Z', 'pass', 'pass', 1, 1, 0, 1, 1)"),
			 0);
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), 0);
	free(why);
	/* failing again: ineffective, still open */
	add_result(fx, "2026-03", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "fail");
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), 0);
	assert_contains(why, "not effective");
	free(why);
	assert_field(fx->s, "nc", "NC-1", "effectiveness", "ineffective");
	assert_field(fx->s, "nc", "NC-1", "status", "open");
	/* passing over a later whole period closes it, with a row in the chain */
	add_result(fx, "2026-04", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "pass");
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), 1);
	assert_null(why);
	assert_field(fx->s, "nc", "NC-1", "status", "closed");
	assert_field(fx->s, "nc", "NC-1", "effectiveness", "effective");
	assert_field(fx->s, "nc", "NC-1", "closed", "2026-03-10");
	{
		char *keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "nonconformity.closed"}));

		/* after the history rows of the setup, the test, NC-1, its 'ineffective' and its closing */
		assert_string_equal(keys, "9");
		free(keys);
		/* the closing is a change in NC-1's history, after the 'ineffective' one */
		keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "register.nonconformity.change"}));
		assert_string_equal(keys, "7,8");
		free(keys);
		keys = tu_field(fx->s, "evidence", "8", "details");
		assert_contains(keys, "\"status\":\"closed\"");
		free(keys);
	}
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), -EALREADY);
	tu_ev_verify_ok(fx->s, 9);
}

static void t_close_manual_check(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_nc_new n = {.title = "x", .responsible = "olga", .now = tnow()};
	struct isms_nc_check chk = {.now = tnow()};
	char *why = NULL;

	tu_add(fx->s, "person", TU_KV({"name", "ines"}, {"role", "auditor"}));
	assert_int_equal(isms_nc_open(fx->s, &n, NULL), 1);
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "--verified-by");
	chk.verified_by = "olga";
	chk.note = "checked the new rule";
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "cannot also verify");
	chk.verified_by = "nobody";
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), -ENOENT);
	chk.verified_by = "ines";
	assert_int_equal(isms_nc_close(fx->s, "NC-1", &chk, &why), 1);
	assert_field(fx->s, "nc", "NC-1", "status", "closed");
	assert_int_equal(isms_nc_close(fx->s, "NOPE", &chk, &why), -ENOENT);
}

/* A break-glass login in the chain opens one, once, at the next scan. */
static void t_break_glass_opens_once(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.ts = "2026-03-10T08:00:00Z", .source = "pam_isms",
				   .kind = "access.break-glass", .subject = "tkoch",
				   .asset = "web01", .control = "5.15", .outcome = "allow"};
	char *keys;

	tu_add(fx->s, "person", TU_KV({"name", "tkoch"}, {"role", "admin"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web01"}, {"type", "host"},
				     {"confidentiality", "high"}, {"integrity", "high"},
				     {"availability", "normal"}));
	tu_add(fx->s, "risk", TU_KV({"title", "admin abuse"}, {"likelihood", "1"}, {"impact", "3"},
				    {"asset", "web01"}));
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	ev.kind = "access.allow";
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	assert_int_equal(isms_indicators_scan(fx->s, NULL), 0);
	assert_int_equal(isms_indicators_scan(fx->s, NULL), 0);
	keys = tu_keys(fx->s, "nc", TU_KV({"source", "break_glass"}));
	assert_string_equal(keys, "NC-1");
	free(keys);
	/* the break-glass row comes after the setup's and the test's history rows */
	assert_field(fx->s, "nc", "NC-1", "origin", "evidence:7");
	assert_field(fx->s, "nc", "NC-1", "risks", "R-3");
	assert_field(fx->s, "nc", "NC-1", "opened", "2026-03-10");
	keys = tu_field(fx->s, "nc", "NC-1", "title");
	assert_contains(keys, "tkoch on web01");
	free(keys);
}

/* A failed verify opens a major one of 8.15, once while it is open. */
static void t_verify_failure(void **state)
{
	struct tu_fixture *fx = *state;
	char *id = NULL;

	assert_int_equal(isms_nc_from_verify(fx->s, 42, "row 42 was altered", tnow(), &id), 1);
	assert_string_equal(id, "NC-1");
	free(id);
	assert_int_equal(isms_nc_from_verify(fx->s, 42, "row 42 was altered", tnow(), &id), 0);
	assert_string_equal(id, "NC-1");
	free(id);
	assert_field(fx->s, "nc", "NC-1", "severity", "major");
	assert_field(fx->s, "nc", "NC-1", "controls", "8.15");
	assert_field(fx->s, "nc", "NC-1", "origin", "row 42");
}

static void t_keys_syntax(void **state)
{
	char why[128];

	(void)state;
	assert_true(isms_nc_keys_valid("R-1", why, sizeof(why)));
	assert_true(isms_nc_keys_valid("5.15,8.2,A 1", why, sizeof(why)));
	assert_false(isms_nc_keys_valid("", why, sizeof(why)));
	assert_false(isms_nc_keys_valid("R-1,", why, sizeof(why)));
	assert_false(isms_nc_keys_valid(",R-1", why, sizeof(why)));
	assert_false(isms_nc_keys_valid("R-1,,R-2", why, sizeof(why)));
	assert_false(isms_nc_keys_valid("R-1, R-2", why, sizeof(why)));
	assert_false(isms_nc_keys_valid(" R-1", why, sizeof(why)));
	assert_contains(why, "comma-separated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		NC_TEST(t_open_reassesses_each_risk),
		NC_TEST(t_same_origin_not_twice),
		NC_TEST(t_unknown_link_writes_nothing),
		NC_TEST(t_generic_close_refused),
		NC_TEST(t_generic_add_reassesses),
		NC_TEST(t_close_on_effectiveness_test),
		NC_TEST(t_close_manual_check),
		NC_TEST(t_break_glass_opens_once),
		NC_TEST(t_verify_failure),
		cmocka_unit_test(t_keys_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
