/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The board report's figures of a period: risks, controls, nonconformities,
 * audits, budget and the decisions asked for, as one JSON document.  Reads
 * only; making the report (report_period.c) keeps them per period.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/assess.h"
#include "isms/budget.h"
#include "isms/date.h"
#include "isms/report.h"
#include "isms/risk.h"
#include "report_internal.h"

struct json_object *report_jstr(const char *v)
{
	return v ? json_object_new_string(v) : NULL;
}

struct json_object *report_jcol(sqlite3_stmt *st, int i)
{
	return report_jstr((const char *)sqlite3_column_text(st, i));
}

int report_prepare(struct isms_store *s, const char *sql, const char *a, const char *b,
		   sqlite3_stmt **ret)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	if (r >= 0)
		r = store_bind_text(s, st, 1, a);
	if (r >= 0)
		r = store_bind_text(s, st, 2, b);
	if (r < 0) {
		sqlite3_finalize(st);
		return r;
	}
	*ret = st;
	return 0;
}

static void bounds_init(struct report_bounds *b, const struct isms_ctest_period *p, int64_t now)
{
	memset(b, 0, sizeof(*b));
	b->p = p;
	b->now = now;
	isms_date_format(p->start, b->since, sizeof(b->since));
	isms_date_format(p->end, b->until, sizeof(b->until));
	/* Stored times are canonical UTC: every one in that second or later sorts after these. */
	snprintf(b->ev_since, sizeof(b->ev_since), "%.19s", b->since);
	snprintf(b->ev_until, sizeof(b->ev_until), "%.19s", b->until);
	snprintf(b->day_since, sizeof(b->day_since), "%.10s", b->since);
	snprintf(b->day_until, sizeof(b->day_until), "%.10s", b->until);
}

/* An integer member of the object at @path ("a.b") of @o, or -1 when absent. */
static int64_t prev_int(struct json_object *o, const char *sect, const char *name)
{
	struct json_object *a, *v;

	if (!o || !json_object_object_get_ex(o, sect, &a) ||
	    !json_object_object_get_ex(a, name, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

static struct json_object *jint_or_null(int64_t v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

/* --- risks ---------------------------------------------------------------- */


static void risks_free(struct risk_row *v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		free(v[k].id);
		free(v[k].title);
		free(v[k].owner);
		free(v[k].treatment);
		free(v[k].prev_level);
		free(v[k].prev_residual);
	}
	free(v);
}

static char *dupcol(sqlite3_stmt *st, int i, int *err)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	char *d;

	if (!t)
		return NULL;
	d = strdup(t);
	if (!d)
		*err = -ENOMEM;
	return d;
}

/* Every risk with its ranks now and in the previous period (@prev: its label, or NULL). */
static int risks_load(struct isms_store *s, const struct isms_risk_matrix *m, const char *prev,
		      struct risk_row **ret, size_t *ret_n)
{
	static const char sql[] =
		"SELECT r.id, r.title, p.name, r.treatment, r.likelihood, r.impact,"
		" r.residual_likelihood, r.residual_impact, r.accepted_by IS NOT NULL,"
		" h.level, h.residual_level"
		" FROM risk r LEFT JOIN person p ON p.pk = r.owner"
		" LEFT JOIN period_risk h ON h.period = ?1 AND h.risk = r.id ORDER BY r.pk";
	struct risk_row *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int r, err = 0;

	r = store_prepare(s, sql, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, prev);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct risk_row *x;

		if (n == cap) {
			struct risk_row *nv = realloc(v, (cap ? cap * 2 : 32) * sizeof(*v));

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 32;
		}
		x = &v[n++];
		memset(x, 0, sizeof(*x));
		x->id = dupcol(st, 0, &err);
		x->title = dupcol(st, 1, &err);
		x->owner = dupcol(st, 2, &err);
		x->treatment = dupcol(st, 3, &err);
		x->l = sqlite3_column_int(st, 4);
		x->i = sqlite3_column_int(st, 5);
		x->rl = sqlite3_column_int(st, 6);
		x->ri = sqlite3_column_int(st, 7);
		x->accepted = sqlite3_column_int(st, 8);
		x->prev_level = dupcol(st, 9, &err);
		x->prev_residual = dupcol(st, 10, &err);
		if (err) {
			r = err;
			break;
		}
		x->level = isms_risk_level(m, x->l, x->i);
		x->residual = x->rl && x->ri ? isms_risk_level(m, x->rl, x->ri) : 0;
		if (x->level < 0 || x->residual < 0) {
			r = store_seterr(s, -EINVAL, "risk '%s' is off the risk matrix", x->id);
			break;
		}
		x->effective = x->residual ? x->residual : x->level;
		x->prev_rank = x->prev_level ? isms_risk_level_value(m, x->prev_level) : 0;
		if (x->prev_rank < 0)
			x->prev_rank = 0;
	}
	sqlite3_finalize(st);
	if (r < 0) {
		risks_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int cmp_risk(const void *a, const void *b)
{
	const struct risk_row *x = a, *y = b;

	if (x->level != y->level)
		return y->level - x->level;
	if (x->l * x->i != y->l * y->i)
		return y->l * y->i - x->l * x->i;
	return strcmp(x->id, y->id);
}

static const char *trend(const struct risk_row *x)
{
	if (!x->prev_level)
		return "new";
	return x->level > x->prev_rank ? "up" : x->level < x->prev_rank ? "down" : "same";
}

static struct json_object *heatmap(int counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX],
				   const struct isms_risk_matrix *m)
{
	struct json_object *a = json_object_new_array();

	for (int l = 0; l < m->nlikelihood; l++) {
		struct json_object *row = json_object_new_array();

		for (int i = 0; i < m->nimpact; i++)
			json_object_array_add(row, json_object_new_int(counts[l][i]));
		json_object_array_add(a, row);
	}
	return a;
}

static int add_risks(struct isms_store *s, const struct isms_risk_matrix *m,
		     struct risk_row *v, size_t n, struct json_object *fig)
{
	int counts[2][ISMS_MATRIX_MAX][ISMS_MATRIX_MAX];
	struct json_object *hm, *top, *sum;
	int64_t above = 0;
	int r;

	r = isms_risk_matrix_counts(s, false, counts[0]);
	if (r >= 0)
		r = isms_risk_matrix_counts(s, true, counts[1]);
	if (r < 0)
		return r;
	hm = json_object_new_object();
	json_object_object_add(hm, "inherent", heatmap(counts[0], m));
	json_object_object_add(hm, "residual", heatmap(counts[1], m));
	json_object_object_add(fig, "heatmap", hm);
	for (size_t k = 0; k < n; k++)
		above += v[k].effective > m->acceptance;
	sum = json_object_new_object();
	json_object_object_add(sum, "total", json_object_new_int64((int64_t)n));
	json_object_object_add(sum, "above_acceptance", json_object_new_int64(above));
	json_object_object_add(fig, "risks", sum);
	if (n > 1) /* no risks: v may be NULL, which qsort() must not get */
		qsort(v, n, sizeof(*v), cmp_risk);
	top = json_object_new_array();
	for (size_t k = 0; k < n && k < ISMS_REPORT_TOP; k++) {
		struct json_object *o = json_object_new_object();
		const struct risk_row *x = &v[k];

		json_object_object_add(o, "id", json_object_new_string(x->id));
		json_object_object_add(o, "title", json_object_new_string(x->title));
		json_object_object_add(o, "owner", report_jstr(x->owner));
		json_object_object_add(o, "likelihood", json_object_new_int(x->l));
		json_object_object_add(o, "impact", json_object_new_int(x->i));
		json_object_object_add(o, "level", json_object_new_string(m->level[x->level - 1]));
		json_object_object_add(o, "rank", json_object_new_int(x->level));
		json_object_object_add(o, "residual_level",
				       x->residual ? json_object_new_string(m->level[x->residual - 1])
						   : NULL);
		json_object_object_add(o, "treatment", json_object_new_string(x->treatment));
		json_object_object_add(o, "acceptable",
				       json_object_new_boolean(x->effective <= m->acceptance));
		json_object_object_add(o, "previous_level", report_jstr(x->prev_level));
		json_object_object_add(o, "previous_residual_level", report_jstr(x->prev_residual));
		json_object_object_add(o, "trend", json_object_new_string(trend(x)));
		json_object_array_add(top, o);
	}
	json_object_object_add(fig, "top_risks", top);
	return 0;
}

/* --- controls: claimed against observed, by theme ------------------------- */

struct obs {
	char (*control)[64];
	char (*observed)[16];
	size_t n, cap;
};

static int obs_cb(const struct isms_assess_observed *o, void *ud)
{
	struct obs *x = ud;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		void *a = realloc(x->control, cap * sizeof(*x->control));

		if (!a)
			return -ENOMEM;
		x->control = a;
		a = realloc(x->observed, cap * sizeof(*x->observed));
		if (!a)
			return -ENOMEM;
		x->observed = a;
		x->cap = cap;
	}
	snprintf(x->control[x->n], sizeof(x->control[0]), "%s", o->control);
	snprintf(x->observed[x->n], sizeof(x->observed[0]), "%s",
		 o->assessed ? o->observed : "untested");
	x->n++;
	return 0;
}

static const char *obs_of(const struct obs *x, const char *control)
{
	for (size_t k = 0; k < x->n; k++)
		if (strcmp(x->control[k], control) == 0)
			return x->observed[k];
	return NULL;
}

static int add_controls(struct isms_store *s, const struct report_bounds *b, struct json_object *fig)
{
	static const char *const themes[] = {"organizational", "people", "physical",
					     "technological"};
	static const char *const claimed[] = {"implemented", "partial", "planned", "not_started"};
	static const char *const observed[] = {"pass", "fail", "insufficient", "untested"};
	int64_t cnt[4][2 + 4 + 4] = {{0}}; /* controls, applicable, claimed[4], observed[4] */
	struct json_object *out = json_object_new_object(), *ta = json_object_new_array();
	struct json_object *flagged = json_object_new_array();
	struct obs x = {0};
	sqlite3_stmt *st = NULL;
	int r;

	json_object_object_add(fig, "controls", out);
	json_object_object_add(out, "themes", ta);
	json_object_object_add(out, "flagged", flagged);
	r = isms_assess_observed_in(s, b->since, b->until, obs_cb, &x);
	if (r >= 0)
		r = store_prepare(s, "SELECT id, title, theme, applicable, status FROM control"
				     " ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *th = (const char *)sqlite3_column_text(st, 2);
		const char *ap = (const char *)sqlite3_column_text(st, 3);
		const char *cl = (const char *)sqlite3_column_text(st, 4);
		const char *ob = obs_of(&x, id);
		size_t t = 0, k;

		while (t < 4 && strcmp(themes[t], th) != 0)
			t++;
		if (t == 4)
			continue;
		cnt[t][0]++;
		/* undecided is not applicable yet: it has no implementation to count */
		if (strcmp(ap, "yes") != 0)
			continue;
		cnt[t][1]++;
		for (k = 0; k < 4 && strcmp(claimed[k], cl) != 0; k++)
			;
		if (k < 4)
			cnt[t][2 + k]++;
		if (!ob)
			continue;
		for (k = 0; k < 4 && strcmp(observed[k], ob) != 0; k++)
			;
		if (k < 4)
			cnt[t][6 + k]++;
		/* the SoA's flag: claimed implemented, yet failing or without evidence */
		if (strcmp(cl, "implemented") == 0 && strcmp(ob, "pass") != 0) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "control", json_object_new_string(id));
			json_object_object_add(o, "title", report_jcol(st, 1));
			json_object_object_add(o, "theme", json_object_new_string(th));
			json_object_object_add(o, "claimed", json_object_new_string(cl));
			json_object_object_add(o, "observed", json_object_new_string(ob));
			json_object_array_add(flagged, o);
		}
	}
	sqlite3_finalize(st);
	free(x.control);
	free(x.observed);
	if (r < 0)
		return r;
	for (size_t t = 0; t < 4; t++) {
		struct json_object *o = json_object_new_object(), *c = json_object_new_object();
		struct json_object *ob = json_object_new_object();

		json_object_object_add(o, "theme", json_object_new_string(themes[t]));
		json_object_object_add(o, "controls", json_object_new_int64(cnt[t][0]));
		json_object_object_add(o, "applicable", json_object_new_int64(cnt[t][1]));
		for (size_t k = 0; k < 4; k++)
			json_object_object_add(c, claimed[k], json_object_new_int64(cnt[t][2 + k]));
		for (size_t k = 0; k < 4; k++)
			json_object_object_add(ob, observed[k], json_object_new_int64(cnt[t][6 + k]));
		json_object_object_add(o, "claimed", c);
		json_object_object_add(o, "observed", ob);
		json_object_array_add(ta, o);
	}
	return 0;
}

/* Results of the period's assessments, and the pass rate against the previous period's. */
static int add_assessments(struct isms_store *s, const struct report_bounds *b,
			   struct json_object *prev, struct json_object *fig)
{
	static const char sql[] =
		"SELECT count(*), coalesce(sum(result = expected), 0),"
		" coalesce(sum(result = 'insufficient'), 0) FROM assessment"
		" WHERE since < ?2 AND until > ?1";
	struct json_object *o;
	sqlite3_stmt *st = NULL;
	int64_t total = 0, pass = 0, insuff = 0;
	int r;

	r = report_prepare(s, sql, b->since, b->until, &st);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		total = sqlite3_column_int64(st, 0);
		pass = sqlite3_column_int64(st, 1);
		insuff = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	o = json_object_new_object();
	json_object_object_add(o, "results", json_object_new_int64(total));
	json_object_object_add(o, "as_expected", json_object_new_int64(pass));
	json_object_object_add(o, "insufficient", json_object_new_int64(insuff));
	json_object_object_add(o, "not_as_expected", json_object_new_int64(total - pass - insuff));
	/* a whole percent: the same figures give the same text */
	json_object_object_add(o, "pass_rate", total ? json_object_new_int64(pass * 100 / total) : NULL);
	json_object_object_add(o, "previous_pass_rate",
			       jint_or_null(prev_int(prev, "assessments", "pass_rate")));
	json_object_object_add(fig, "assessments", o);
	return 0;
}

/* --- nonconformities, audits ---------------------------------------------- */

/* The count of @sql with ?1, ?2 the UTC days of the bounds (@b) or none (NULL). */
static int count1(struct isms_store *s, const char *sql, const struct report_bounds *b,
		  int64_t *ret)
{
	int r = store_query_int(s, sql, b ? b->day_since : NULL, b ? b->day_until : NULL, NULL,
				ret);

	if (r == 0)
		*ret = 0;
	return r < 0 ? r : 0;
}

static int add_ncs(struct isms_store *s, const struct report_bounds *b, struct json_object *prev,
		   struct json_object *fig)
{
	static const char list_sql[] =
		"SELECT n.id, n.title, n.severity, n.status, n.source, n.opened, n.closed, n.due,"
		" p.name FROM nonconformity n LEFT JOIN person p ON p.pk = n.responsible"
		" WHERE n.status <> 'closed' OR (n.closed >= ?1 AND n.closed < ?2)"
		" OR (n.opened >= ?1 AND n.opened < ?2) ORDER BY n.pk LIMIT 100";
	static const char *const names[] = {"id", "title", "severity", "status", "source",
					    "opened", "closed", "due", "responsible"};
	struct json_object *o = json_object_new_object(), *list = json_object_new_array();
	int64_t opened = 0, closed = 0, open = 0, major = 0;
	sqlite3_stmt *st = NULL;
	int r;

	json_object_object_add(fig, "nonconformities", o);
	r = count1(s, "SELECT count(*) FROM nonconformity WHERE opened >= ?1 AND opened < ?2", b,
		   &opened);
	if (r >= 0)
		r = count1(s, "SELECT count(*) FROM nonconformity WHERE closed >= ?1 AND closed < ?2",
			   b, &closed);
	if (r >= 0)
		r = count1(s, "SELECT count(*) FROM nonconformity WHERE status <> 'closed'", NULL,
			   &open);
	if (r >= 0)
		r = count1(s, "SELECT count(*) FROM nonconformity WHERE status <> 'closed'"
			      " AND severity = 'major'", NULL, &major);
	if (r >= 0)
		r = report_prepare(s, list_sql, b->day_since, b->day_until, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *nc = json_object_new_object();

		for (int k = 0; k < 9; k++)
			json_object_object_add(nc, names[k], report_jcol(st, k));
		json_object_array_add(list, nc);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_object_put(list);
		return r;
	}
	json_object_object_add(o, "opened", json_object_new_int64(opened));
	json_object_object_add(o, "closed", json_object_new_int64(closed));
	json_object_object_add(o, "open", json_object_new_int64(open));
	json_object_object_add(o, "major_open", json_object_new_int64(major));
	json_object_object_add(o, "previous_open",
			       jint_or_null(prev_int(prev, "nonconformities", "open")));
	json_object_object_add(o, "list", list);
	return 0;
}

static int add_audits(struct isms_store *s, const struct report_bounds *b, struct json_object *fig)
{
	static const char sql[] =
		"SELECT a.id, a.title, a.status, a.planned, a.held, a.result,"
		" (SELECT count(*) FROM nonconformity n WHERE n.audit = a.pk)"
		" FROM audit a WHERE (a.planned >= ?1 AND a.planned < ?2)"
		" OR (a.held >= ?1 AND a.held < ?2) OR (a.held IS NULL AND a.status = 'planned')"
		" ORDER BY coalesce(a.held, a.planned), a.pk LIMIT 100";
	struct json_object *o = json_object_new_object(), *list = json_object_new_array();
	int64_t planned = 0, held = 0, findings = 0;
	sqlite3_stmt *st = NULL;
	int r;

	json_object_object_add(fig, "audits", o);
	json_object_object_add(o, "list", list);
	r = report_prepare(s, sql, b->day_since, b->day_until, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *a = json_object_new_object();
		const char *h = (const char *)sqlite3_column_text(st, 4);
		int64_t nf = sqlite3_column_int64(st, 6);

		json_object_object_add(a, "id", report_jcol(st, 0));
		json_object_object_add(a, "title", report_jcol(st, 1));
		json_object_object_add(a, "status", report_jcol(st, 2));
		json_object_object_add(a, "planned", report_jcol(st, 3));
		json_object_object_add(a, "held", report_jcol(st, 4));
		json_object_object_add(a, "result", report_jcol(st, 5));
		json_object_object_add(a, "findings", json_object_new_int64(nf));
		json_object_array_add(list, a);
		const char *status = (const char *)sqlite3_column_text(st, 2);
		const char *res = (const char *)sqlite3_column_text(st, 5);

		if (h && strcmp(h, b->day_since) >= 0 && strcmp(h, b->day_until) < 0)
			held++;
		else if (status && strcmp(status, "planned") == 0)
			planned++;
		/* findings recorded as nonconformities, or a result that says so */
		findings += nf > 0 || (res && strstr(res, "findings"));
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	json_object_object_add(o, "planned", json_object_new_int64(planned));
	json_object_object_add(o, "held", json_object_new_int64(held));
	json_object_object_add(o, "with_findings", json_object_new_int64(findings));
	return 0;
}

static int add_budget(struct isms_store *s, struct json_object *fig)
{
	struct isms_budget bg;
	struct json_object *o;
	int r = isms_budget_get(s, &bg);

	if (r < 0)
		return r;
	o = json_object_new_object();
	/* cents, as the register keeps money */
	json_object_object_add(o, "budget", bg.set ? json_object_new_int64(bg.budget) : NULL);
	json_object_object_add(o, "spent", json_object_new_int64(bg.spent));
	json_object_object_add(o, "committed", json_object_new_int64(bg.committed));
	json_object_object_add(o, "remaining", json_object_new_int64(bg.remaining));
	json_object_object_add(fig, "budget", o);
	return 0;
}

/* --- the document ----------------------------------------------------------- */

int isms_report_figures(struct isms_store *s, const struct isms_ctest_period *period, int64_t now,
			struct json_object **ret_figures)
{
	struct json_object *fig = json_object_new_object(), *prev = NULL, *p;
	struct isms_risk_matrix m;
	struct report_bounds b;
	struct risk_row *risks = NULL;
	size_t nrisks = 0;
	char at[ISMS_DATE_MAX], *org = NULL, *prev_label = NULL;
	int r;

	if (!fig)
		return -ENOMEM;
	if (period->end <= period->start) {
		r = -EINVAL;
		goto out;
	}
	bounds_init(&b, period, now);
	isms_date_format(now, at, sizeof(at));
	/*
	 * No transaction of its own: a reader's store is one snapshot already
	 * (isms_store_snapshot()), and isms_report_make() calls this in its own.
	 */
	r = isms_setting_get(s, "organisation", &org);
	if (r == -ENOENT)
		r = 0;
	if (r >= 0)
		r = isms_risk_matrix_load(s, &m);
	if (r >= 0)
		r = report_previous(s, &b, &prev_label, &prev);
	if (r >= 0)
		r = risks_load(s, &m, prev_label, &risks, &nrisks);
	if (r >= 0) {
		json_object_object_add(fig, "format", json_object_new_int(ISMS_REPORT_FORMAT));
		p = json_object_new_object();
		json_object_object_add(p, "label", json_object_new_string(period->label));
		json_object_object_add(p, "since", json_object_new_string(b.since));
		json_object_object_add(p, "until", json_object_new_string(b.until));
		json_object_object_add(fig, "period", p);
		json_object_object_add(fig, "organisation", report_jstr(org));
		json_object_object_add(fig, "made_at", json_object_new_string(at));
		json_object_object_add(fig, "previous", report_jstr(prev_label));
		json_object_object_add(fig, "matrix", isms_risk_matrix_to_json(&m));
		r = report_decisions(s, &m, risks, nrisks, now, fig);
	}
	if (r >= 0)
		r = add_risks(s, &m, risks, nrisks, fig);
	if (r >= 0)
		r = add_controls(s, &b, fig);
	if (r >= 0)
		r = add_assessments(s, &b, prev, fig);
	if (r >= 0)
		r = report_hosts(s, &b, fig);
	if (r >= 0)
		r = report_collectors(s, fig);
	if (r >= 0)
		r = report_fleet(s, &b, fig);
	if (r >= 0)
		r = report_access(s, &b, fig);
	if (r >= 0)
		r = add_ncs(s, &b, prev, fig);
	if (r >= 0)
		r = add_audits(s, &b, fig);
	if (r >= 0)
		r = add_budget(s, fig);
out:
	risks_free(risks, nrisks);
	json_object_put(prev);
	free(prev_label);
	free(org);
	if (r < 0) {
		json_object_put(fig);
		return r;
	}
	*ret_figures = fig;
	return 0;
}
