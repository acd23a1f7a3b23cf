/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Information security objectives and how their achievement is measured
 * (ISO 27001 6.2), the measure being, where it can, a control test whose
 * latest result shows it (9.1).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms/entity.h"
#include "register_internal.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"

static const char *const obj_status[] = {"planned", "on_track", "achieved", "missed", NULL};

/* The latest result of the objective's test, from the results kept per period. */
#define TEST_RESULT(col)                                                                    \
	"(SELECT a." col " FROM assessment a WHERE a.test = t.test ORDER BY a.pk DESC LIMIT 1)"

static const struct isms_field obj_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. OBJ-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "the objective"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "what is to be achieved, and why"},
	{.name = "success", .flags = ISMS_FF_REQUIRED,
	 .help = "the measure of success (how achievement is evaluated)"},
	{.name = "target", .flags = ISMS_FF_HIDDEN, .help = "the value to reach"},
	{.name = "test", .help = "control test whose latest result shows it (see 'ismsctl test list')"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "who is responsible"},
	{.name = "due", .type = ISMS_FT_DATE, .help = "when it is to be achieved"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = obj_status, .dflt = "planned",
	 .help = "planned, on_track, achieved or missed"},
	{.name = "achieved", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "date it was achieved"},
	{.name = "test_result", .flags = ISMS_FF_COMPUTED, .sql = TEST_RESULT("result"),
	 .help = "its test's latest result (pass, fail, insufficient)"},
	{.name = "test_period", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = TEST_RESULT("period"), .help = "the period of that result"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.due < " TODAY " AND t.status IN ('planned', 'on_track')"
		" THEN 1 ELSE 0 END",
	 .help = "past due and neither achieved nor missed"},
};

/*
 * Whichever way it is written, its test exists; an objective measured by
 * a test is not achieved while that test's latest result is a failure
 * (6.2 b: measurable, so the measurement decides, not the wish).
 */
static int obj_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n, bool added)
{
	char *v[4], what[96];
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s,
			 "SELECT test, status, " TEST_RESULT("result") ", " TEST_RESULT("period")
			 " FROM objective t WHERE id = ?1",
			 key, v, 4);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "objective '%.64s'", key);
	if (v[0] && strchr(v[0], ','))
		r = store_seterr(s, -EINVAL, "%s: 'test' names one control test, not '%.64s'", what,
				 v[0]);
	else if (v[0])
		r = register_keys_exist(s, what, "test", v[0]);
	if (r >= 0 && v[0] && strcmp(v[1], "achieved") == 0 && v[2] && strcmp(v[2], "fail") == 0)
		r = store_seterr(s, -EINVAL,
				 "%s: not achieved while its test '%.64s' fails (latest result: fail"
				 " for %.32s)",
				 what, v[0], v[3] ? v[3] : "?");
	register_row_release(v, 4);
	return r;
}

const struct isms_entity isms_entity_objective = {
	.name = "objective",
	.plural = "objectives",
	.table = "objective",
	.auto_prefix = "OBJ-",
	.fields = obj_fields,
	.nfields = N(obj_fields),
	.help = "information security objectives (ISO 27001 6.2)",
	.written = obj_written,
};
