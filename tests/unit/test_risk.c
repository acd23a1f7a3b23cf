/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Risk matrices: scoring, consistency, JSON, storage and the cell counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/risk.h"
#include "testutil.h"

enum { RARE = 1, MEDIUM_F, FREQUENT, VERY_FREQUENT };
enum { NEGLIGIBLE = 1, LIMITED, CONSIDERABLE, EXISTENTIAL };

enum { LOW = ISMS_LEVEL_LOW, MED = ISMS_LEVEL_MEDIUM, HIGH = ISMS_LEVEL_HIGH,
       VHIGH = ISMS_LEVEL_VERY_HIGH };

/* BSI 200-3, table 3: rows impact (worst first), columns frequency. */
static const struct {
	int impact;
	int level[4]; /* rare, medium, frequent, very frequent */
} bsi_table[] = {
	{EXISTENTIAL, {MED, HIGH, VHIGH, VHIGH}},
	{CONSIDERABLE, {MED, MED, HIGH, VHIGH}},
	{LIMITED, {LOW, LOW, MED, HIGH}},
	{NEGLIGIBLE, {LOW, LOW, LOW, LOW}},
};

static void check_bsi_table(const struct isms_risk_matrix *m)
{
	int seen = 0;

	for (size_t row = 0; row < 4; row++) {
		for (int f = 1; f <= 4; f++) {
			int got = isms_risk_level(m, f, bsi_table[row].impact);

			if (got != bsi_table[row].level[f - 1])
				fail_msg("frequency %d, impact %d: level %d, want %d", f,
					 bsi_table[row].impact, got, bsi_table[row].level[f - 1]);
			seen++;
		}
	}
	assert_int_equal(seen, 16);
}

static void t_level_default_all_cells(void **state)
{
	struct isms_risk_matrix m;

	(void)state;
	isms_risk_matrix_default(&m);
	assert_int_equal(m.nlikelihood, 4);
	assert_int_equal(m.nimpact, 4);
	assert_int_equal(m.nlevels, 4);
	assert_int_equal(m.acceptance, ISMS_LEVEL_LOW);
	check_bsi_table(&m);
	assert_string_equal(m.level[ISMS_LEVEL_VERY_HIGH - 1], "very_high");
	assert_string_equal(m.likelihood[VERY_FREQUENT - 1], "very_frequent");
	assert_string_equal(m.impact[EXISTENTIAL - 1], "existential");
}

static void t_level_out_of_range(void **state)
{
	struct isms_risk_matrix m;

	(void)state;
	isms_risk_matrix_default(&m);
	assert_int_equal(isms_risk_level(&m, 0, 1), -EINVAL);
	assert_int_equal(isms_risk_level(&m, 1, 0), -EINVAL);
	assert_int_equal(isms_risk_level(&m, 5, 1), -EINVAL);
	assert_int_equal(isms_risk_level(&m, 1, 5), -EINVAL);
	assert_int_equal(isms_risk_level(&m, -1, 2), -EINVAL);
	assert_int_equal(isms_risk_level(&m, 2, -3), -EINVAL);
	assert_int_equal(isms_risk_level(&m, 4, 4), ISMS_LEVEL_VERY_HIGH);
}

static void t_level_default_stored(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_matrix m;

	/* The matrix written by the first migration is the same table. */
	assert_int_equal(isms_risk_matrix_load(fx->s, &m), 0);
	check_bsi_table(&m);
	assert_int_equal(m.acceptance, ISMS_LEVEL_LOW);
	assert_string_equal(m.likelihood[0], "rare");
	assert_string_equal(m.impact[3], "existential");
}

static void t_check_default_ok(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	isms_risk_matrix_default(&m);
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), 0);
}

static void t_check_non_monotonic(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	/* More likely must not score lower. */
	isms_risk_matrix_default(&m);
	m.cell[3][3] = ISMS_LEVEL_HIGH; /* below [2][3] = very_high */
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "lower");
	/* Worse impact must not score lower. */
	isms_risk_matrix_default(&m);
	m.cell[1][3] = ISMS_LEVEL_LOW; /* below [1][2] = medium */
	err[0] = '\0';
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "cell [2][4]");
	/* Raising a cell keeps it monotonic only if its neighbours allow. */
	isms_risk_matrix_default(&m);
	m.cell[0][0] = ISMS_LEVEL_MEDIUM; /* above [0][1] = low */
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
}

static void t_check_bad_cells_and_sizes(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	isms_risk_matrix_default(&m);
	m.cell[3][3] = 5;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "not a level");
	isms_risk_matrix_default(&m);
	m.cell[0][0] = 0;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	isms_risk_matrix_default(&m);
	m.nlikelihood = 1;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	isms_risk_matrix_default(&m);
	m.nimpact = ISMS_MATRIX_MAX + 1;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
}

static void t_check_duplicate_labels(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	isms_risk_matrix_default(&m);
	snprintf(m.likelihood[3], ISMS_LABEL_MAX, "%s", "rare");
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "'rare' is used twice");
	isms_risk_matrix_default(&m);
	snprintf(m.level[1], ISMS_LABEL_MAX, "%s", "low");
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "level");
	isms_risk_matrix_default(&m);
	m.impact[2][0] = '\0';
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "impact label 3");
}

static void t_check_bad_acceptance(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	isms_risk_matrix_default(&m);
	m.acceptance = 0;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	assert_contains(err, "acceptance");
	m.acceptance = 5;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), -EINVAL);
	m.acceptance = 4;
	assert_int_equal(isms_risk_matrix_check(&m, err, sizeof(err)), 0);
}

static const char json3x3[] =
	"{\"likelihood\": [\"unlikely\", \"possible\", \"likely\"],"
	" \"impact\": [\"minor\", \"major\", \"severe\"],"
	" \"levels\": [\"green\", \"amber\", \"red\"],"
	" \"cells\": [[1, 1, 2], [1, 2, 3], [\"amber\", \"red\", 3]],"
	" \"acceptance\": \"amber\"}";

static void t_from_json_ok(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	assert_int_equal(isms_risk_matrix_from_json(json3x3, &m, err, sizeof(err)), 0);
	assert_int_equal(m.nlikelihood, 3);
	assert_int_equal(m.nimpact, 3);
	assert_int_equal(m.nlevels, 3);
	assert_int_equal(m.acceptance, 2);
	assert_string_equal(m.likelihood[2], "likely");
	assert_string_equal(m.level[2], "red");
	assert_int_equal(isms_risk_level(&m, 1, 3), 2);
	assert_int_equal(isms_risk_level(&m, 3, 1), 2); /* given as the label "amber" */
	assert_int_equal(isms_risk_level(&m, 3, 2), 3);
	assert_int_equal(isms_risk_level(&m, 4, 1), -EINVAL);
	assert_int_equal(isms_risk_level(&m, 1, 4), -EINVAL);
}

/* Two-by-two axes and levels, for the cases that differ only after them. */
#define AXES2                                                                               \
	"{\"likelihood\": [\"a\", \"b\"], \"impact\": [\"a\", \"b\"], \"levels\": [\"l\", \"h\"],"

static void t_from_json_errors_name_path(void **state)
{
	static const struct {
		const char *json;
		const char *path;
	} cases[] = {
		{"[1, 2]", "$:"},
		{"{", "$:"},
		{"{\"impact\": [\"a\", \"b\"], \"levels\": [\"l\", \"h\"],"
		 " \"cells\": [[1, 1], [1, 1]]}",
		 "$.likelihood"},
		{"{\"likelihood\": [\"a\"], \"impact\": [\"a\", \"b\"], \"levels\": [\"l\", \"h\"],"
		 " \"cells\": [[1]]}",
		 "$.likelihood"},
		{"{\"likelihood\": [\"a\", 7], \"impact\": [\"a\", \"b\"],"
		 " \"levels\": [\"l\", \"h\"], \"cells\": [[1, 1], [1, 1]]}",
		 "$.likelihood[1]"},
		{"{\"likelihood\": [\"a\", \"b\"], \"impact\": \"x\", \"levels\": [\"l\", \"h\"],"
		 " \"cells\": [[1, 1], [1, 1]]}",
		 "$.impact"},
		{"{\"likelihood\": [\"a\", \"b\"], \"impact\": [\"a\", \"b\"],"
		 " \"levels\": [\"l\", \"0123456789012345678901234567890123\"],"
		 " \"cells\": [[1, 1], [1, 1]]}",
		 "$.levels[1]"},
		{AXES2
		 " \"cells\": [[1, 1]]}",
		 "$.cells"},
		{AXES2
		 " \"cells\": [[1, 1], [1]]}",
		 "$.cells[1]"},
		{AXES2
		 " \"cells\": [[1, 1], [1, 3]]}",
		 "$.cells[1][1]"},
		{AXES2
		 " \"cells\": [[1, \"purple\"], [1, 2]]}",
		 "$.cells[0][1]"},
		{AXES2
		 " \"cells\": [[1, 1.5], [1, 2]]}",
		 "$.cells[0][1]"},
		{AXES2
		 " \"cells\": [[1, 1], [1, 2]], \"acceptance\": \"medium\"}",
		 "$.acceptance"},
		/* A null or non-scalar acceptance is no level either (and must not crash). */
		{AXES2
		 " \"cells\": [[1, 1], [1, 2]], \"acceptance\": null}",
		 "$.acceptance"},
		{AXES2
		 " \"cells\": [[1, 1], [1, 2]], \"acceptance\": [1]}",
		 "$.acceptance"},
		/* Strict JSON (issue #8): which "cells" would count?  Neither. */
		{AXES2
		 " \"cells\": [[1, 1], [1, 2]], \"cells\": [[2, 2], [2, 2]]}",
		 "$.cells: not valid JSON: member given twice"},
		{AXES2
		 " \"cells\": [[1, 1], /* the top row */ [1, 2]]}",
		 "$.cells[1]: not valid JSON: comments are not allowed"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isms_risk_matrix m;
		char err[256] = "";
		int r = isms_risk_matrix_from_json(cases[i].json, &m, err, sizeof(err));

		if (r != -EINVAL)
			fail_msg("case %zu: %d, want -EINVAL", i, r);
		if (strncmp(err, cases[i].path, strlen(cases[i].path)) != 0)
			fail_msg("case %zu: '%s' does not start with '%s'", i, err, cases[i].path);
	}
}

static void t_from_json_inconsistent(void **state)
{
	struct isms_risk_matrix m;
	char err[256] = "";

	(void)state;
	/* Well-formed, but the levels fall as likelihood rises. */
	assert_int_equal(isms_risk_matrix_from_json(
				 "{\"likelihood\": [\"a\", \"b\"], \"impact\": [\"a\", \"b\"],"
				 " \"levels\": [\"l\", \"h\"], \"cells\": [[2, 2], [1, 2]]}",
				 &m, err, sizeof(err)),
			 -EINVAL);
	assert_contains(err, "lower");
	assert_int_equal(isms_risk_matrix_from_json(
				 "{\"likelihood\": [\"a\", \"a\"], \"impact\": [\"a\", \"b\"],"
				 " \"levels\": [\"l\", \"h\"], \"cells\": [[1, 1], [1, 2]]}",
				 &m, err, sizeof(err)),
			 -EINVAL);
	assert_contains(err, "used twice");
}

static void t_axis_value(void **state)
{
	struct isms_risk_matrix m;

	(void)state;
	isms_risk_matrix_default(&m);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "1"), 1);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "4"), 4);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "rare"), 1);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "frequent"), 3);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "very_frequent"), 4);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "very-frequent"), 4);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "Very-Frequent"), 4);
	assert_int_equal(isms_risk_axis_value(&m, "impact", "limited"), 2);
	assert_int_equal(isms_risk_axis_value(&m, "impact", "existential"), 4);
	/* A label of the other axis is not a value of this one. */
	assert_int_equal(isms_risk_axis_value(&m, "impact", "rare"), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "existential"), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "0"), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "5"), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "-1"), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", ""), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "likelihood", "very frequent"), -EINVAL);
	assert_int_equal(isms_risk_axis_value(&m, "severity", "1"), -EINVAL);
}

static void t_level_value(void **state)
{
	struct isms_risk_matrix m;

	(void)state;
	isms_risk_matrix_default(&m);
	assert_int_equal(isms_risk_level_value(&m, "low"), ISMS_LEVEL_LOW);
	assert_int_equal(isms_risk_level_value(&m, "very-high"), ISMS_LEVEL_VERY_HIGH);
	assert_int_equal(isms_risk_level_value(&m, "HIGH"), ISMS_LEVEL_HIGH);
	assert_int_equal(isms_risk_level_value(&m, "2"), ISMS_LEVEL_MEDIUM);
	assert_int_equal(isms_risk_level_value(&m, "5"), -EINVAL);
	assert_int_equal(isms_risk_level_value(&m, "critical"), -EINVAL);
}

static void add_risk(struct isms_store *s, const char *lik, const char *imp)
{
	tu_add(s, "risk", TU_KV({"title", "a risk"}, {"likelihood", lik}, {"impact", imp}));
}

static void t_save_load_round_trip(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_matrix in, out;
	char err[256] = "";

	assert_int_equal(isms_risk_matrix_from_json(json3x3, &in, err, sizeof(err)), 0);
	assert_int_equal(isms_risk_matrix_save(fx->s, &in), 0);
	assert_int_equal(isms_risk_matrix_load(fx->s, &out), 0);
	assert_int_equal(out.nlikelihood, 3);
	assert_int_equal(out.nimpact, 3);
	assert_int_equal(out.nlevels, 3);
	assert_int_equal(out.acceptance, 2);
	for (int l = 0; l < 3; l++) {
		assert_string_equal(out.likelihood[l], in.likelihood[l]);
		assert_string_equal(out.impact[l], in.impact[l]);
		assert_string_equal(out.level[l], in.level[l]);
		for (int i = 0; i < 3; i++)
			assert_int_equal(out.cell[l][i], in.cell[l][i]);
	}
	/* The stored matrix now rates new risks, by label too. */
	add_risk(fx->s, "likely", "severe");
	assert_field(fx->s, "risk", "R-1", "level", "red");
	assert_int_equal(isms_risk_level(&out, 4, 4), -EINVAL);
}

static void t_save_refused_when_risk_off_matrix(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_matrix small, now;
	char err[256] = "";

	add_risk(fx->s, "2", "2");
	add_risk(fx->s, "very_frequent", "limited"); /* likelihood 4 */
	assert_int_equal(isms_risk_matrix_from_json(json3x3, &small, err, sizeof(err)), 0);
	assert_int_equal(isms_risk_matrix_save(fx->s, &small), -ENOTEMPTY);
	assert_contains(isms_store_errmsg(fx->s), "'R-2'");
	/* Nothing of the new matrix was written. */
	assert_int_equal(isms_risk_matrix_load(fx->s, &now), 0);
	assert_int_equal(now.nlikelihood, 4);
	check_bsi_table(&now);

	/* A residual rating off the new matrix counts too. */
	assert_int_equal(isms_record_change(fx->s, tu_entity("risk"), "R-2",
					    TU_KV({"likelihood", "1"}, {"residual_impact", "4"})),
			 0);
	assert_int_equal(isms_risk_matrix_save(fx->s, &small), -ENOTEMPTY);
	assert_int_equal(isms_record_change(fx->s, tu_entity("risk"), "R-2",
					    TU_KV({"residual_impact", NULL})),
			 0);
	assert_int_equal(isms_risk_matrix_save(fx->s, &small), 0);
	assert_int_equal(isms_risk_matrix_load(fx->s, &now), 0);
	assert_int_equal(now.nlikelihood, 3);
}

static void t_save_refuses_inconsistent(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_matrix m, now;

	isms_risk_matrix_default(&m);
	m.cell[3][3] = 1;
	assert_int_equal(isms_risk_matrix_save(fx->s, &m), -EINVAL);
	assert_int_equal(isms_risk_matrix_load(fx->s, &now), 0);
	assert_int_equal(now.cell[3][3], ISMS_LEVEL_VERY_HIGH);
}

static void t_counts(void **state)
{
	struct tu_fixture *fx = *state;
	int c[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX];
	int total = 0;

	assert_int_equal(isms_risk_matrix_counts(fx->s, false, c), 0);
	for (int l = 0; l < ISMS_MATRIX_MAX; l++)
		for (int i = 0; i < ISMS_MATRIX_MAX; i++)
			assert_int_equal(c[l][i], 0);

	add_risk(fx->s, "4", "4");
	add_risk(fx->s, "4", "4");
	add_risk(fx->s, "1", "3");
	add_risk(fx->s, "rare", "considerable");
	add_risk(fx->s, "2", "1");
	/* R-1 treated down to (1, 1); R-5 keeps its rating. */
	assert_int_equal(isms_record_change(fx->s, tu_entity("risk"), "R-1",
					    TU_KV({"residual_likelihood", "1"},
						  {"residual_impact", "1"})),
			 0);

	assert_int_equal(isms_risk_matrix_counts(fx->s, false, c), 0);
	assert_int_equal(c[3][3], 2);
	assert_int_equal(c[0][2], 2);
	assert_int_equal(c[1][0], 1);
	assert_int_equal(c[0][0], 0);
	for (int l = 0; l < ISMS_MATRIX_MAX; l++)
		for (int i = 0; i < ISMS_MATRIX_MAX; i++)
			total += c[l][i];
	assert_int_equal(total, 5);

	assert_int_equal(isms_risk_matrix_counts(fx->s, true, c), 0);
	assert_int_equal(c[3][3], 1);
	assert_int_equal(c[0][0], 1);
	assert_int_equal(c[0][2], 2);
	assert_int_equal(c[1][0], 1);
}

static void t_acceptance_setting(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_matrix m;
	char *v = NULL;

	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "very-high"), 0);
	assert_int_equal(isms_setting_get(fx->s, "acceptance", &v), 0);
	assert_string_equal(v, "4");
	free(v);
	assert_int_equal(isms_risk_matrix_load(fx->s, &m), 0);
	assert_int_equal(m.acceptance, ISMS_LEVEL_VERY_HIGH);
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "2"), 0);
	assert_int_equal(isms_risk_matrix_load(fx->s, &m), 0);
	assert_int_equal(m.acceptance, ISMS_LEVEL_MEDIUM);
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "extreme"), -EINVAL);
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "5"), -EINVAL);
	assert_int_equal(isms_risk_matrix_load(fx->s, &m), 0);
	assert_int_equal(m.acceptance, ISMS_LEVEL_MEDIUM);
}

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_level_default_all_cells),
		cmocka_unit_test(t_level_out_of_range),
		STORE_TEST(t_level_default_stored),
		cmocka_unit_test(t_check_default_ok),
		cmocka_unit_test(t_check_non_monotonic),
		cmocka_unit_test(t_check_bad_cells_and_sizes),
		cmocka_unit_test(t_check_duplicate_labels),
		cmocka_unit_test(t_check_bad_acceptance),
		cmocka_unit_test(t_from_json_ok),
		cmocka_unit_test(t_from_json_errors_name_path),
		cmocka_unit_test(t_from_json_inconsistent),
		cmocka_unit_test(t_axis_value),
		cmocka_unit_test(t_level_value),
		STORE_TEST(t_save_load_round_trip),
		STORE_TEST(t_save_refused_when_risk_off_matrix),
		STORE_TEST(t_save_refuses_inconsistent),
		STORE_TEST(t_counts),
		STORE_TEST(t_acceptance_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
