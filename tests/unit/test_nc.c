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
#include "isms/nonconformity.h"
#include "evidence_fixture.h"
#include "testutil.h"

#define NC_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;
	char path[4096], *err = NULL;

	tu_setup_store(state);
	fx = *state;
	snprintf(path, sizeof(path), "%s/annex-a-2022.json", tu_data_dir());
	if (isms_catalogue_load_controls(fx->s, path, &err) < 0)
		fail_msg("%s", err);
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
	keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "nonconformity.opened"}));
	assert_string_equal(keys, "1");
	free(keys);
	assert_field(fx->s, "evidence", "1", "subject", "NC-1");
	assert_field(fx->s, "evidence", "1", "control", "8.15");
	tu_ev_verify_ok(fx->s, 1);
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
		const struct isms_kv kv[] = {{"status", "closed"}, {"closed", "2026-03-20"}};

		assert_int_equal(isms_record_change(fx->s, tu_entity("nc"), "NC-1", kv, 2), 0);
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
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
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
		cmocka_unit_test(t_keys_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
