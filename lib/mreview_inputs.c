/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inputs of a management review (ISO 27001 9.3.2 a-g), assembled from
 * the store for a period.  Only what the store holds is reported: the
 * issues of 4.1, the requirements of the interested parties of 4.2 and the
 * objectives of 6.2 from their registers; what it cannot know (the parties'
 * feedback) is said to be "not recorded", never guessed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "isms/control_test.h"
#include "isms/date.h"
#include "isms/mreview.h"
#include "isms/strutil.h"
#include "mreview_internal.h"
#include "store_internal.h"

#define NOT_RECORDED "not recorded"

/* The period's bounds as the registers keep them: local dates and UTC instants. */
struct bounds {
	char from[11], to[11];                 /* local dates, @to excluded */
	char asof[11]; /* what is past due counts from here: @to, or today if earlier */
	char since[ISMS_DATE_MAX], until[ISMS_DATE_MAX]; /* UTC, @until excluded */
};

void mreview_local_day(const struct isms_tz *tz, int64_t t, char buf[11])
{
	time_t tt = (time_t)(t + isms_tz_offset(tz, t));

	isms_date_day(tt, buf);
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/*
 * Each row of @sql (text parameters ?1..?n from @binds) as an object of
 * its columns, appended to @arr: integers as numbers, the columns named in
 * @bools as true/false, NULL as null.
 */
static int rows_into(struct isms_store *s, const char *sql, const char *const *binds, int nbinds,
		     const char *const *bools, struct json_object *arr)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, sql, &st);
	for (int i = 0; r >= 0 && i < nbinds; i++)
		r = store_bind_text(s, st, i + 1, binds[i]);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *o = json_object_new_object();

		if (!o) {
			r = -ENOMEM;
			break;
		}
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const char *name = sqlite3_column_name(st, c);
			struct json_object *v = NULL;

			if (in_list(name, bools))
				v = json_object_new_boolean(sqlite3_column_int(st, c) != 0);
			else if (sqlite3_column_type(st, c) == SQLITE_INTEGER)
				v = json_object_new_int64(sqlite3_column_int64(st, c));
			else if (sqlite3_column_type(st, c) != SQLITE_NULL)
				v = json_object_new_string(
					(const char *)sqlite3_column_text(st, c));
			json_object_object_add(o, name, v);
		}
		json_object_array_add(arr, o);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* @name: a new array of the rows of @sql, added to @parent; *ret_arr (optional) is it. */
static int list_into(struct isms_store *s, struct json_object *parent, const char *name,
		     const char *sql, const char *const *binds, int nbinds,
		     const char *const *bools, struct json_object **ret_arr)
{
	struct json_object *arr = json_object_new_array();

	if (!arr)
		return -ENOMEM;
	json_object_object_add(parent, name, arr);
	if (ret_arr)
		*ret_arr = arr;
	return rows_into(s, sql, binds, nbinds, bools, arr);
}

/* { "<col 0>": <col 1>, ... } of a two-column query, added to @parent as @name. */
static int counts_into(struct isms_store *s, struct json_object *parent, const char *name,
		       const char *sql)
{
	struct json_object *o = json_object_new_object();
	sqlite3_stmt *st = NULL;
	int r;

	if (!o)
		return -ENOMEM;
	json_object_object_add(parent, name, o);
	r = store_prepare(s, sql, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1)
		json_object_object_add(o, (const char *)sqlite3_column_text(st, 0),
				       json_object_new_int64(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static struct json_object *section(struct json_object *root, const char *name, const char *clause)
{
	struct json_object *o = json_object_new_object();

	if (o) {
		json_object_object_add(o, "clause", json_object_new_string(clause));
		json_object_object_add(root, name, o);
	}
	return o;
}

static void add_int(struct json_object *o, const char *name, size_t n)
{
	json_object_object_add(o, name, json_object_new_int64((int64_t)n));
}

/* a) what earlier reviews decided and what became of it, as of the period's end */
static int input_a(struct isms_store *s, struct json_object *root, const struct bounds *b)
{
	static const char *const bools[] = {"done", "overdue", NULL};
	struct json_object *o = section(root, "a_previous_reviews",
					"9.3.2 a) status of actions from previous management reviews");
	struct json_object *arr = NULL;
	const char *binds[] = {b->asof};
	size_t open = 0;
	int r;

	if (!o)
		return -ENOMEM;
	r = list_into(
		s, o, "decisions",
		"SELECT x.review, x.approved_at, x.seq, x.kind, x.text, x.owner, x.due, x.target,"
		"  coalesce(x.status, 'missing') AS status, coalesce(x.done, 0) AS done,"
		"  (coalesce(x.done, 0) = 0 AND x.due < ?1) AS overdue"
		" FROM (SELECT r.id AS review, r.approved_at, d.seq, d.kind, d.text,"
		"  p.name AS owner, d.due, d.target,"
		"  CASE d.kind"
		"   WHEN 'measure' THEN (SELECT status FROM measure WHERE id = d.target)"
		"   WHEN 'nonconformity' THEN (SELECT status FROM nonconformity WHERE id = d.target)"
		"   ELSE (SELECT CASE WHEN done IS NULL THEN 'open'"
		"     ELSE 'done' || coalesce(' (' || result || ')', '') END"
		"    FROM review WHERE id = d.target) END AS status,"
		"  CASE d.kind"
		"   WHEN 'measure' THEN (SELECT status IN ('implemented', 'verified', 'cancelled')"
		"    FROM measure WHERE id = d.target)"
		"   WHEN 'nonconformity' THEN (SELECT status = 'closed'"
		"    FROM nonconformity WHERE id = d.target)"
		"   ELSE (SELECT done IS NOT NULL FROM review WHERE id = d.target) END AS done,"
		"  r.pk AS rpk"
		"  FROM management_review_decision d JOIN management_review r ON r.pk = d.review"
		"  LEFT JOIN person p ON p.pk = d.owner WHERE r.status = 'approved') x"
		" ORDER BY x.rpk, x.seq",
		binds, 1, bools, &arr);
	if (r < 0)
		return r;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *d = json_object_array_get_idx(arr, i), *done;

		if (json_object_object_get_ex(d, "done", &done) && !json_object_get_boolean(done))
			open++;
	}
	add_int(o, "open", open);
	return 0;
}

/* b) and c): what changed inside, and what the store holds of 4.1 and 4.2 */
static int input_bc(struct isms_store *s, struct json_object *root, const struct bounds *b)
{
	struct json_object *ob = section(root, "b_issues",
					 "9.3.2 b) changes in external and internal issues");
	struct json_object *oc = section(root, "c_interested_parties",
					 "9.3.2 c) changes in needs and expectations of interested parties");
	const char *instants[] = {b->since, b->until}, *days[] = {b->from, b->to};
	const char *asof[] = {b->asof};
	const char *issue_binds[] = {b->from, b->to, b->asof};
	static const char *const issue_bools[] = {"new", "review_overdue", NULL};
	int r;

	if (!ob || !oc)
		return -ENOMEM;
	r = list_into(s, ob, "external_and_internal_issues",
		      "SELECT i.id, i.title, i.kind, i.status, p.name AS owner, i.identified,"
		      " i.next_review, i.identified >= ?1 AND i.identified < ?2 AS new,"
		      " i.next_review < ?3 AS review_overdue"
		      " FROM context_issue i LEFT JOIN person p ON p.pk = i.owner"
		      " WHERE i.status <> 'closed' OR i.identified >= ?1"
		      " ORDER BY i.kind, i.id",
		      issue_binds, 3, issue_bools, NULL);
	if (r < 0)
		return r;
	r = list_into(s, ob, "risk_changes",
		      "SELECT r.id AS risk, r.title, c.at, c.indicator, c.from_likelihood,"
		      " c.to_likelihood, c.reason, c.evidence"
		      " FROM risk_change c JOIN risk r ON r.pk = c.risk"
		      " WHERE c.at >= ?1 AND c.at < ?2 ORDER BY c.pk",
		      instants, 2, NULL, NULL);
	if (r >= 0)
		r = list_into(s, ob, "documents_approved",
			      "SELECT d.name, d.title, d.version, p.name AS approved_by, d.approved_at"
			      " FROM document d LEFT JOIN person p ON p.pk = d.approved_by"
			      " WHERE d.approved_at >= ?1 AND d.approved_at < ?2"
			      " ORDER BY d.approved_at, d.name",
			      days, 2, NULL, NULL);
	if (r >= 0)
		r = list_into(s, ob, "documents_review_overdue",
			      "SELECT name, title, version, next_review FROM document"
			      " WHERE next_review < ?1 ORDER BY next_review, name",
			      asof, 1, NULL, NULL);
	if (r < 0)
		return r;
	r = list_into(s, oc, "needs_and_expectations",
		      "SELECT r.id, p.name AS party, p.kind AS party_kind, r.title, r.source,"
		      " r.status, r.next_review, r.next_review < ?3 AS review_overdue"
		      " FROM requirement r JOIN interested_party p ON p.pk = r.party"
		      " WHERE r.status <> 'closed' ORDER BY p.name, r.id",
		      issue_binds, 3, issue_bools, NULL);
	if (r < 0)
		return r;
	return list_into(s, oc, "scope_approvals",
			 "SELECT s.name, s.statement, p.name AS approved_by, s.approved_at"
			 " FROM scope s LEFT JOIN person p ON p.pk = s.approved_by"
			 " WHERE s.approved_at >= ?1 AND s.approved_at < ?2"
			 " ORDER BY s.approved_at, s.name",
			 days, 2, NULL, NULL);
}

#define NC_COLS "SELECT id, title, source, severity, status, opened, closed, due FROM nonconformity"
/* Open at the period's end: opened before it, and not closed by then. */
#define NC_OPEN_AT_END                                                                      \
	" opened < ?2 AND NOT (status = 'closed' AND (closed IS NULL OR closed < ?2))"

static int input_d1(struct isms_store *s, struct json_object *d, const struct bounds *b)
{
	static const char *const bools[] = {"overdue", NULL};
	struct json_object *o = section(d, "nonconformities",
					"9.3.2 d) 1) nonconformities and corrective actions");
	struct json_object *arr[4] = {NULL};
	static const char *const names[] = {"opened", "closed", "open", "overdue"};
	static const char *const sql[] = {
		NC_COLS " WHERE opened >= ?1 AND opened < ?2 ORDER BY pk",
		NC_COLS " WHERE closed >= ?1 AND closed < ?2 ORDER BY pk",
		NC_COLS " WHERE" NC_OPEN_AT_END " ORDER BY pk",
		NC_COLS " WHERE" NC_OPEN_AT_END " AND due < ?3 ORDER BY pk",
	};
	const char *days[] = {b->from, b->to, b->asof};
	struct json_object *counts = json_object_new_object();
	int r = 0;

	if (!o || !counts)
		return -ENOMEM;
	json_object_object_add(o, "counts", counts);
	for (size_t i = 0; i < 4 && r >= 0; i++) {
		r = list_into(s, o, names[i], sql[i], days, i == 3 ? 3 : 2, NULL, &arr[i]);
		if (r >= 0)
			add_int(counts, names[i], json_object_array_length(arr[i]));
	}
	if (r < 0)
		return r;
	/* The corrective actions of those open at some time in the period. */
	return list_into(s, o, "corrective_actions",
			 "SELECT m.id, m.title, n.id AS nonconformity, m.status, m.due,"
			 " (m.due < ?3 AND m.status IN ('planned', 'in_progress')) AS overdue"
			 " FROM measure m JOIN nonconformity n ON n.pk = m.nonconformity"
			 " WHERE n.opened < ?2 AND (n.closed IS NULL OR n.closed >= ?1)"
			 " ORDER BY m.pk",
			 days, 3, bools, NULL);
}

static int input_d2(struct isms_store *s, struct json_object *d, const struct bounds *b)
{
	struct json_object *o = section(d, "monitoring",
					"9.3.2 d) 2) monitoring and measurement results");
	struct json_object *all = NULL, *by = json_object_new_object();
	struct json_object *failing = json_object_new_array();
	struct json_object *insufficient = json_object_new_array();
	const char *instants[] = {b->since, b->until};
	size_t n[3] = {0};
	int r;

	if (!o || !by || !failing || !insufficient) {
		json_object_put(by);
		json_object_put(failing);
		json_object_put(insufficient);
		return -ENOMEM;
	}
	json_object_object_add(o, "by_result", by);
	/* The latest result of each test for each of its periods within this one. */
	r = list_into(s, o, "assessments",
		      "SELECT test, control, period, result, expected, rows, reason, evidence"
		      " FROM assessment WHERE pk IN (SELECT max(pk) FROM assessment"
		      "  WHERE since >= ?1 AND until <= ?2 GROUP BY test, period)"
		      " ORDER BY test, since",
		      instants, 2, NULL, &all);
	json_object_object_add(o, "failing", failing);
	json_object_object_add(o, "insufficient", insufficient);
	for (size_t i = 0; r >= 0 && i < json_object_array_length(all); i++) {
		struct json_object *a = json_object_array_get_idx(all, i), *res, *exp;
		const char *result, *expected;

		json_object_object_get_ex(a, "result", &res);
		json_object_object_get_ex(a, "expected", &exp);
		result = json_object_get_string(res);
		expected = exp ? json_object_get_string(exp) : "pass";
		if (strcmp(result, "insufficient") == 0) {
			n[2]++;
			json_object_array_add(insufficient, json_object_get(a));
		} else if (strcmp(result, expected) != 0) {
			/* a test that expects a fail fails when it passes */
			n[1]++;
			json_object_array_add(failing, json_object_get(a));
		} else {
			n[0]++;
		}
	}
	add_int(by, "as_expected", n[0]);
	add_int(by, "failing", n[1]);
	add_int(by, "insufficient", n[2]);
	return r;
}

static int input_d3(struct isms_store *s, struct json_object *d, const struct bounds *b)
{
	struct json_object *o = section(d, "audits", "9.3.2 d) 3) audit results");
	const char *days[] = {b->from, b->to};
	int r;

	if (!o)
		return -ENOMEM;
	r = list_into(s, o, "held",
		      "SELECT a.id, a.title, a.scope, p.name AS auditor, a.planned, a.held,"
		      " a.status, a.result,"
		      " (SELECT count(*) FROM nonconformity n WHERE n.audit = a.pk) AS findings"
		      " FROM audit a LEFT JOIN person p ON p.pk = a.auditor"
		      " WHERE a.held >= ?1 AND a.held < ?2 ORDER BY a.held, a.pk",
		      days, 2, NULL, NULL);
	if (r >= 0)
		r = list_into(s, o, "planned_not_held",
			      "SELECT a.id, a.title, a.scope, p.name AS auditor, a.planned, a.status"
			      " FROM audit a LEFT JOIN person p ON p.pk = a.auditor"
			      " WHERE a.planned >= ?1 AND a.planned < ?2 AND a.held IS NULL"
			      " ORDER BY a.planned, a.pk",
			      days, 2, NULL, NULL);
	return r;
}

static int input_d4(struct isms_store *s, struct json_object *d, const struct bounds *b)
{
	static const char *const bools[] = {"implemented", NULL};
	static const char *const obj_bools[] = {"overdue", NULL};
	const char *obj_binds[] = {b->from, b->to, b->asof};
	struct json_object *o = section(d, "objectives",
					"9.3.2 d) 4) fulfilment of information security objectives");
	struct json_object *arr = NULL;
	const char *days[] = {b->from, b->to};
	size_t done = 0, n;
	int r;

	if (!o)
		return -ENOMEM;
	r = list_into(s, o, "objectives",
		      "SELECT o.id, o.title, o.target, p.name AS owner, o.due, o.status, o.achieved,"
		      " o.test, (SELECT a.result FROM assessment a WHERE a.test = o.test"
		      "  ORDER BY a.pk DESC LIMIT 1) AS test_result,"
		      " o.due < ?3 AND o.status IN ('planned', 'on_track') AS overdue"
		      " FROM objective o LEFT JOIN person p ON p.pk = o.owner"
		      " ORDER BY o.id",
		      obj_binds, 3, obj_bools, NULL);
	if (r < 0)
		return r;
	r = list_into(s, o, "measures_due",
		      "SELECT m.id, m.title, p.name AS owner, m.due, m.status,"
		      " m.status IN ('implemented', 'verified') AS implemented"
		      " FROM measure m LEFT JOIN person p ON p.pk = m.owner"
		      " WHERE m.due >= ?1 AND m.due < ?2 ORDER BY m.due, m.pk",
		      days, 2, bools, &arr);
	if (r < 0)
		return r;
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v, *m = json_object_array_get_idx(arr, i);

		if (json_object_object_get_ex(m, "implemented", &v) && json_object_get_boolean(v))
			done++;
	}
	add_int(o, "implemented", done);
	add_int(o, "not_implemented", n - done);
	return 0;
}

#define LEVEL_NAME(l, i)                                                                    \
	"(SELECT lv.name FROM risk_cell c JOIN risk_level lv ON lv.rank = c.level"          \
	" WHERE c.likelihood = " l " AND c.impact = " i ")"

static int input_f(struct isms_store *s, struct json_object *root, const struct bounds *b)
{
	static const char *const bools[] = {"overdue", NULL};
	struct json_object *o = section(root, "f_risks",
					"9.3.2 f) results of risk assessment and status of the risk treatment plan");
	const char *days[] = {b->from, b->to}, *asof[] = {b->asof};
	int r;

	if (!o)
		return -ENOMEM;
	r = counts_into(s, o, "by_level",
			"SELECT coalesce(" LEVEL_NAME("r.likelihood", "r.impact") ", 'off the matrix'),"
			" count(*) FROM risk r GROUP BY 1 ORDER BY 1");
	if (r >= 0)
		r = counts_into(s, o, "by_residual_level",
				"SELECT coalesce(" LEVEL_NAME("r.residual_likelihood", "r.residual_impact")
				", 'not assessed'), count(*) FROM risk r GROUP BY 1 ORDER BY 1");
	if (r >= 0)
		r = counts_into(s, o, "by_treatment",
				"SELECT treatment, count(*) FROM risk GROUP BY 1 ORDER BY 1");
	if (r >= 0)
		r = list_into(s, o, "reassessments_done",
			      "SELECT v.id, v.subject, r.id AS risk, v.done, v.result"
			      " FROM review v LEFT JOIN risk r ON r.pk = v.risk"
			      " WHERE v.kind = 'risk' AND v.done >= ?1 AND v.done < ?2"
			      " ORDER BY v.done, v.pk",
			      days, 2, NULL, NULL);
	if (r >= 0)
		r = list_into(s, o, "measures_open",
			      "SELECT m.id, m.title,"
			      /* the risks it treats, comma-separated as the register shows them */
			      " (SELECT group_concat(id, ',') FROM (SELECT r.id FROM measure_risk l"
			      "  JOIN risk r ON r.pk = l.risk WHERE l.measure = m.pk ORDER BY r.pk))"
			      " AS risk, p.name AS owner, m.due, m.status, (m.due < ?1) AS overdue"
			      " FROM measure m LEFT JOIN person p ON p.pk = m.owner"
			      " WHERE m.status IN ('planned', 'in_progress') ORDER BY m.pk",
			      asof, 1, bools, NULL);
	return r;
}

static int assemble(struct isms_store *s, const struct isms_mreview_period *p,
		    const struct isms_ctest_period *per, struct json_object *root)
{
	struct bounds b;
	struct json_object *o, *d;
	char at[ISMS_DATE_MAX];
	int r;

	mreview_local_day(p->tz, per->start, b.from);
	mreview_local_day(p->tz, per->end, b.to);
	mreview_local_day(p->tz, p->now, b.asof);
	if (strcmp(b.to, b.asof) < 0)
		memcpy(b.asof, b.to, sizeof(b.asof));
	isms_date_format(per->start, b.since, sizeof(b.since));
	isms_date_format(per->end, b.until, sizeof(b.until));
	isms_date_format(p->now, at, sizeof(at));
	json_object_object_add(root, "standard",
			       json_object_new_string("ISO/IEC 27001:2022 9.3.2"));
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "label", json_object_new_string(per->label));
	json_object_object_add(o, "since", json_object_new_string(b.since));
	json_object_object_add(o, "until", json_object_new_string(b.until));
	json_object_object_add(o, "from", json_object_new_string(b.from));
	json_object_object_add(o, "to", json_object_new_string(b.to));
	json_object_object_add(o, "zone", json_object_new_string(isms_tz_name(p->tz)));
	json_object_object_add(o, "overdue_as_of", json_object_new_string(b.asof));
	json_object_object_add(root, "period", o);
	json_object_object_add(root, "assembled_at", json_object_new_string(at));
	r = input_a(s, root, &b);
	if (r >= 0)
		r = input_bc(s, root, &b);
	if (r < 0)
		return r;
	d = section(root, "d_performance", "9.3.2 d) feedback on information security performance");
	if (!d)
		return -ENOMEM;
	r = input_d1(s, d, &b);
	if (r >= 0)
		r = input_d2(s, d, &b);
	if (r >= 0)
		r = input_d3(s, d, &b);
	if (r >= 0)
		r = input_d4(s, d, &b);
	if (r >= 0)
		r = mreview_trend(s, d);
	if (r < 0)
		return r;
	o = section(root, "e_feedback", "9.3.2 e) feedback from interested parties");
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "feedback", json_object_new_string(NOT_RECORDED));
	r = input_f(s, root, &b);
	if (r < 0)
		return r;
	o = section(root, "g_improvement", "9.3.2 g) opportunities for continual improvement");
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "opportunities", p->improvement ?
						       json_object_new_string(p->improvement) :
						       json_object_new_string("none given"));
	return 0;
}

int mreview_period(struct isms_store *s, const struct isms_mreview_period *p,
		   struct isms_ctest_period *ret)
{
	if (isms_ctest_period_parse(p->period, p->tz, ret) < 0)
		return store_seterr(s, -EINVAL,
				    "management review: '%.64s' is not a period (YYYY, YYYY-Qn, YYYY-MM,"
				    " YYYY-Www, YYYY-MM-DD or FROM..TO)",
				    p->period);
	return 0;
}

int isms_mreview_inputs(struct isms_store *s, const struct isms_mreview_period *p, char **ret_json)
{
	struct isms_ctest_period per;
	struct json_object *root;
	char *out = NULL;
	int r;

	if (p->improvement && (strlen(p->improvement) > ISMS_VALUE_MAX))
		return store_seterr(s, -EINVAL, "management review: improvement longer than %d bytes",
				    ISMS_VALUE_MAX);
	r = mreview_period(s, p, &per);
	if (r < 0)
		return r;
	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	/* One snapshot, so that the sections agree with each other: a
	 * transaction, or a reader's snapshot (none when opened writable and
	 * found read-only: then each section reads what is there). */
	if (isms_store_readonly(s)) {
		r = isms_store_snapshot(s);
		if (r == -EINVAL)
			r = 0;
		if (r >= 0)
			r = assemble(s, p, &per, root);
	} else {
		r = isms_store_begin(s);
		if (r < 0)
			goto out;
		r = assemble(s, p, &per, root);
		if (r < 0)
			isms_store_rollback(s);
		else
			r = isms_store_commit(s);
	}
	if (r >= 0) {
		out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE));
		r = out ? 0 : -ENOMEM;
	}
out:
	json_object_put(root);
	if (r >= 0)
		*ret_json = out;
	return r;
}
