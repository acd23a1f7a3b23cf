/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A risk model an auditor recognises: risks on several assets and measures
 * on several risks and controls (sets in link tables), the single links of
 * schema 15 carried over by migration 16, the budget counting a shared
 * measure once, an old export's single keys imported; impacts per
 * objective held to the assets' protection requirements; the matrix's
 * definitions; the assets without a risk analysis.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/budget.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/history.h"
#include "isms/risk.h"
#include "testutil.h"

#define RM_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	tu_add(fx->s, "asset", TU_KV({"name", "web"}, {"type", "host"}));
	tu_add(fx->s, "asset", TU_KV({"name", "db"}, {"type", "host"},
				     {"confidentiality", "very_high"}, {"availability", "high"}));
	return 0;
}

static int add(struct isms_store *s, const char *entity, const struct isms_kv *kv, size_t n)
{
	return isms_record_add(s, tu_entity(entity), kv, n, NULL);
}

static int set(struct isms_store *s, const char *entity, const char *key,
	       const struct isms_kv *kv, size_t n)
{
	return isms_record_change(s, tu_entity(entity), key, kv, n);
}

/* --- sets of references ------------------------------------------------------------- */

static void t_refs_add_set_clear(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", " db , web "}, {"likelihood", "1"},
				    {"impact", "4"}));
	/* shown in the register's order, however given */
	assert_field(fx->s, "risk", "R-1", "asset", "web,db");
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM risk_asset"), 2);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM risk WHERE asset IS NOT NULL"),
			 0);
	/* set replaces the set */
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"asset", "db"})), 0);
	assert_field(fx->s, "risk", "R-1", "asset", "db");
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"asset", NULL})), 0);
	assert_field(fx->s, "risk", "R-1", "asset", NULL);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM risk_asset"), 0);
}

static void t_refs_refused(void **state)
{
	struct tu_fixture *fx = *state;

	/* each key exists; nothing written when one does not */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "web,nope"},
						   {"likelihood", "1"}, {"impact", "4"})),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "asset 'nope' not found");
	assert_int_equal(tu_count(fx->s, "risk"), 0);
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "web,web"},
						   {"likelihood", "1"}, {"impact", "4"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "'web' is given twice");
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "web,"},
						   {"likelihood", "1"}, {"impact", "4"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "empty key");
	assert_int_equal(tu_count(fx->s, "risk"), 0);
	/* an asset a risk is on stays, as before the sets */
	tu_add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "web"}, {"likelihood", "1"},
				    {"impact", "4"}));
	assert_int_equal(isms_record_remove(fx->s, tu_entity("asset"), "web"), -ENOTEMPTY);
	/* the risk's links go with it */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("risk"), "R-1"), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM risk_asset"), 0);
}

static void t_refs_filter_membership(void **state)
{
	struct tu_fixture *fx = *state;
	char *k;

	tu_add(fx->s, "risk", TU_KV({"title", "a"}, {"asset", "web"}, {"likelihood", "1"},
				    {"impact", "4"}));
	tu_add(fx->s, "risk", TU_KV({"title", "b"}, {"asset", "web,db"}, {"likelihood", "1"},
				    {"impact", "4"}));
	tu_add(fx->s, "measure", TU_KV({"title", "m1"}, {"risk", "R-1,R-2"}, {"control", "8.13,5.1"}));
	tu_add(fx->s, "measure", TU_KV({"title", "m2"}, {"risk", "R-2"}));
	k = tu_keys(fx->s, "risk", TU_KV({"asset", "db"}));
	assert_string_equal(k, "R-2");
	free(k);
	k = tu_keys(fx->s, "measure", TU_KV({"risk", "R-1"}));
	assert_string_equal(k, "M-1");
	free(k);
	k = tu_keys(fx->s, "measure", TU_KV({"risk", "R-2"}));
	assert_string_equal(k, "M-1,M-2");
	free(k);
	k = tu_keys(fx->s, "measure", TU_KV({"control", "8.13"}));
	assert_string_equal(k, "M-1");
	free(k);
	/* a control's measures come from the link table */
	assert_field(fx->s, "control", "5.1", "measures", "M-1");
	assert_field(fx->s, "measure", "M-1", "control", "5.1,8.13");
}

/* "asset: web -> web,db" of the last row */
static int history_cb(const struct isms_history_entry *h, void *userdata)
{
	char **last = userdata;

	free(*last);
	*last = NULL;
	for (size_t i = 0; i < h->nfields; i++)
		if (strcmp(h->field[i], "asset") == 0 &&
		    asprintf(last, "asset: %s -> %s", h->before[i] ? h->before[i] : "-",
			     h->after[i] ? h->after[i] : "-") < 0)
			*last = NULL;
	return 0;
}

static void t_refs_history(void **state)
{
	struct tu_fixture *fx = *state;
	char *last = NULL;

	tu_add(fx->s, "risk", TU_KV({"title", "a"}, {"asset", "web"}, {"likelihood", "1"},
				    {"impact", "4"}));
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"asset", "web,db"})), 0);
	assert_true(isms_history_list(fx->s, "risk", "R-1", history_cb, &last) >= 0);
	assert_non_null(last);
	assert_string_equal(last, "asset: web -> web,db");
	free(last);
}

/* --- budget -------------------------------------------------------------------------- */

static void t_budget_shared_measure_once(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_budget b;

	tu_add(fx->s, "risk", TU_KV({"title", "a"}, {"likelihood", "1"}, {"impact", "1"}));
	tu_add(fx->s, "risk", TU_KV({"title", "b"}, {"likelihood", "1"}, {"impact", "1"}));
	tu_add(fx->s, "measure", TU_KV({"title", "m"}, {"risk", "R-1,R-2"}, {"control", "8.13,5.1"},
				       {"cost", "1000"}));
	assert_int_equal(isms_budget_get(fx->s, &b), 0);
	assert_int_equal(b.committed, 100000);
}

/* --- migration 15 -> 16 -------------------------------------------------------------- */

static void t_migrate_single_links(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = NULL;

	tu_add(fx->s, "risk", TU_KV({"title", "a"}, {"likelihood", "1"}, {"impact", "4"}));
	tu_add(fx->s, "measure", TU_KV({"title", "m"}));
	fx->s = isms_store_free(fx->s);
	/* back to schema 15 with its single links, as an earlier build left it */
	assert_int_equal(tu_sql(fx->path,
				TU_UNDO_M18
				"DROP TABLE catalogue_mapping; DROP TABLE catalogue_import;"
				"DROP TABLE catalogue_control; DROP TABLE catalogue_group; DROP TABLE catalogue;"
				"DROP TABLE measure_control; DROP TABLE measure_risk;"
				"DROP TABLE risk_asset; CREATE INDEX risk_asset ON risk(asset);"
				"UPDATE risk SET asset = (SELECT pk FROM asset WHERE name = 'db');"
				"UPDATE measure SET risk = (SELECT pk FROM risk WHERE id = 'R-1'),"
				" control = (SELECT pk FROM control WHERE id = '8.13');"
				"PRAGMA user_version = 15;"),
			 0);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s, NULL), 0);
	fx->s = s;
	assert_int_equal(tu_sql_int(fx->path, "PRAGMA user_version"), ISMS_SCHEMA_VERSION);
	assert_field(s, "risk", "R-1", "asset", "db");
	assert_field(s, "measure", "M-1", "risk", "R-1");
	assert_field(s, "measure", "M-1", "control", "8.13");
	/* the old columns are emptied, never read again */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM risk WHERE asset IS NOT NULL"),
			 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM measure"
					      " WHERE risk IS NOT NULL OR control IS NOT NULL"),
			 0);
}

/* --- import -------------------------------------------------------------------------- */

static void t_import_old_single_keys(void **state)
{
	struct tu_fixture *fx = *state;
	static const char json[] =
		"{\"risk\": [{\"id\": \"R-1\", \"title\": \"a\", \"asset\": \"web\","
		" \"likelihood\": \"1\", \"impact\": \"4\"},"
		" {\"id\": \"R-2\", \"title\": \"b\", \"asset\": [\"web\", \"db\"],"
		" \"likelihood\": \"1\", \"impact\": \"4\"}],"
		" \"measure\": [{\"id\": \"M-1\", \"title\": \"m\", \"risk\": \"R-1\","
		" \"control\": \"8.13\"}, {\"id\": \"M-2\", \"title\": \"n\","
		" \"risk\": [\"R-1\", \"R-2\"], \"control\": []}]}";
	char *err = NULL;

	assert_int_equal(isms_import_json(fx->s, json, strlen(json), &err), 0);
	assert_field(fx->s, "risk", "R-1", "asset", "web");
	assert_field(fx->s, "risk", "R-2", "asset", "web,db");
	assert_field(fx->s, "measure", "M-1", "risk", "R-1");
	assert_field(fx->s, "measure", "M-1", "control", "8.13");
	assert_field(fx->s, "measure", "M-2", "risk", "R-1,R-2");
	assert_field(fx->s, "measure", "M-2", "control", NULL);
	free(err);
}

/* --- impact per objective ------------------------------------------------------------ */

static void t_impact_below_requirement_refused(void **state)
{
	struct tu_fixture *fx = *state;
	const char *msg;

	/* the example: negligible on a very high confidentiality asset */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "db"},
						   {"likelihood", "2"}, {"impact", "negligible"})),
			 -EINVAL);
	msg = isms_store_errmsg(fx->s);
	assert_contains(msg, "asset 'db'");
	assert_contains(msg, "confidentiality");
	assert_contains(msg, "very_high");
	assert_contains(msg, "at least 4 (existential)");
	assert_int_equal(tu_count(fx->s, "risk"), 0);
	/* with a justification it stands */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "db"},
						   {"likelihood", "2"}, {"impact", "negligible"},
						   {"impact_justification", "encrypted, keys offline"})),
			 0);
	/* an asset of normal requirement asks for nothing */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "y"}, {"asset", "web"},
						   {"likelihood", "2"}, {"impact", "1"})),
			 0);
	/* adding the demanding asset later is checked too */
	assert_int_equal(set(fx->s, "risk", "R-2", TU_KV({"asset", "web,db"})), -EINVAL);
	assert_field(fx->s, "risk", "R-2", "asset", "web");
	/* clearing the justification is checked */
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"impact_justification", NULL})), -EINVAL);
}

static void t_requirement_raised(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "web"}, {"likelihood", "2"},
				    {"impact", "2"}));
	/* raising it would leave the risk rated below it unjustified */
	assert_int_equal(set(fx->s, "asset", "web", TU_KV({"integrity", "high"})), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "asset 'web': requirement not raised");
	assert_contains(isms_store_errmsg(fx->s), "risk 'R-1'");
	assert_field(fx->s, "asset", "web", "integrity", "normal");
	/* the risk justified first, it may */
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"impact_justification", "read-only copy"})),
			 0);
	assert_int_equal(set(fx->s, "asset", "web", TU_KV({"integrity", "high"})), 0);
	/* other fields of an asset are not held up */
	assert_int_equal(set(fx->s, "asset", "db", TU_KV({"description", "the database"})), 0);
}

static void t_impact_per_objective(void **state)
{
	struct tu_fixture *fx = *state;

	/* the impact is their highest; only the objectives rated are checked */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "db"},
						   {"likelihood", "2"},
						   {"impact_availability", "considerable"})),
			 0);
	assert_field(fx->s, "risk", "R-1", "impact", "3");
	/* high availability: at least the second highest (3) */
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"impact_availability", "2"})), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "availability");
	assert_contains(isms_store_errmsg(fx->s), "at least 3 (considerable)");
	assert_field(fx->s, "risk", "R-1", "impact", "3");
	/* a change of one objective moves the impact */
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"impact_confidentiality", "4"})), 0);
	assert_field(fx->s, "risk", "R-1", "impact", "4");
	/* an impact that is not their highest is refused */
	assert_int_equal(set(fx->s, "risk", "R-1", TU_KV({"impact", "2"})), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "not the highest");
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "y"}, {"likelihood", "2"},
						   {"impact", "1"}, {"impact_integrity", "2"})),
			 -EINVAL);
	/* neither the impact nor an objective's: required */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "z"}, {"likelihood", "2"})), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "'impact' is required");
}

static void t_impact_minimum_settings(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_matrix m;
	int min;

	assert_int_equal(isms_risk_matrix_load(fx->s, &m), 0);
	assert_int_equal(isms_risk_impact_minimum(fx->s, &m, "normal", &min), 0);
	assert_int_equal(min, 0);
	assert_int_equal(isms_risk_impact_minimum(fx->s, &m, "high", &min), 0);
	assert_int_equal(min, 3);
	assert_int_equal(isms_risk_impact_minimum(fx->s, &m, "very_high", &min), 0);
	assert_int_equal(min, 4);
	assert_int_equal(isms_setting_apply(fx->s, "protection.high", "limited"), 0);
	assert_int_equal(isms_setting_apply(fx->s, "protection.very_high", "3"), 0);
	assert_int_equal(isms_setting_apply(fx->s, "protection.high", "huge"), -EINVAL);
	assert_int_equal(isms_risk_impact_minimum(fx->s, &m, "high", &min), 0);
	assert_int_equal(min, 2);
	assert_int_equal(isms_risk_impact_minimum(fx->s, &m, "very_high", &min), 0);
	assert_int_equal(min, 3);
	/* now considerable is enough for very high confidentiality */
	assert_int_equal(add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "db"},
						   {"likelihood", "2"}, {"impact", "3"})),
			 0);
}

/* --- matrix definitions -------------------------------------------------------------- */

static void t_matrix_definitions(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_definitions d;
	struct isms_risk_matrix m;

	assert_int_equal(isms_risk_matrix_define(fx->s, "likelihood", "rare", "once in ten years"),
			 0);
	assert_int_equal(isms_risk_matrix_define(fx->s, "impact", "4", "survival at stake"), 0);
	assert_int_equal(isms_risk_matrix_define(fx->s, "level", "high", "act within a month"), 0);
	assert_int_equal(isms_risk_matrix_define(fx->s, "impact", "huge", "x"), -ENOENT);
	assert_int_equal(isms_risk_matrix_define(fx->s, "colour", "red", "x"), -EINVAL);
	assert_int_equal(isms_risk_definitions_load(fx->s, &d), 0);
	assert_string_equal(d.text[0][0], "once in ten years");
	assert_string_equal(d.text[1][3], "survival at stake");
	assert_string_equal(d.text[2][2], "act within a month");
	assert_null(d.text[0][1]);
	isms_risk_definitions_release(&d);
	/* a matrix loaded again keeps the definitions of the labels it still has */
	assert_int_equal(isms_risk_matrix_load(fx->s, &m), 0);
	snprintf(m.likelihood[0], sizeof(m.likelihood[0]), "seldom");
	assert_int_equal(isms_risk_matrix_save(fx->s, &m), 0);
	assert_int_equal(isms_risk_definitions_load(fx->s, &d), 0);
	assert_null(d.text[0][0]);
	assert_string_equal(d.text[1][3], "survival at stake");
	isms_risk_definitions_release(&d);
	/* an empty text removes it */
	assert_int_equal(isms_risk_matrix_define(fx->s, "impact", "existential", ""), 0);
	assert_int_equal(isms_risk_definitions_load(fx->s, &d), 0);
	assert_null(d.text[1][3]);
	isms_risk_definitions_release(&d);
}

/* --- gaps ---------------------------------------------------------------------------- */

static void t_gaps(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_risk_gaps g;

	assert_int_equal(isms_risk_gaps_list(fx->s, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].asset, "db");
	assert_string_equal(g.v[0].requirements, "confidentiality very_high, availability high");
	isms_risk_gaps_release(&g);
	tu_add(fx->s, "risk", TU_KV({"title", "x"}, {"asset", "web,db"}, {"likelihood", "1"},
				    {"impact", "4"}));
	assert_int_equal(isms_risk_gaps_list(fx->s, &g), 0);
	assert_int_equal(g.n, 0);
	isms_risk_gaps_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RM_TEST(t_refs_add_set_clear),
		RM_TEST(t_refs_refused),
		RM_TEST(t_refs_filter_membership),
		RM_TEST(t_refs_history),
		RM_TEST(t_budget_shared_measure_once),
		RM_TEST(t_migrate_single_links),
		RM_TEST(t_import_old_single_keys),
		RM_TEST(t_impact_below_requirement_refused),
		RM_TEST(t_requirement_raised),
		RM_TEST(t_impact_per_objective),
		RM_TEST(t_impact_minimum_settings),
		RM_TEST(t_matrix_definitions),
		RM_TEST(t_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
