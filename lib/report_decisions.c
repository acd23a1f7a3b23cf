/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the board is asked to decide: risks above the acceptance level left
 * untreated or not yet accepted, major nonconformities, what is overdue,
 * management reviews not approved; and the overdue list itself, as
 * 'ismsctl overdue' has it (isms_overdue_list()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "isms/date.h"
#include "isms/overdue.h"
#include "isms/risk.h"
#include "report_internal.h"

#define OVERDUE_DECISIONS 20 /* overdue items listed as decisions; the rest counted */

static void decision(struct json_object *a, const char *kind, const char *id, const char *title,
		     const char *why)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "title", report_jstr(title));
	json_object_object_add(o, "why", json_object_new_string(why));
	json_object_array_add(a, o);
}

static int risk_and_review_decisions(struct isms_store *s, const struct isms_risk_matrix *m,
				     const struct risk_row *v, size_t n, struct json_object *a)
{
	sqlite3_stmt *st = NULL;
	char why[160];
	int r;

	for (size_t k = 0; k < n; k++) {
		const struct risk_row *x = &v[k];

		if (x->effective <= m->acceptance)
			continue;
		if (strcmp(x->treatment, "undecided") == 0) {
			snprintf(why, sizeof(why), "level '%s' above the acceptance level '%s', no treatment decided",
				 m->level[x->effective - 1], m->level[m->acceptance - 1]);
			decision(a, "risk_treatment", x->id, x->title, why);
		} else if (strcmp(x->treatment, "accept") == 0 && !x->accepted) {
			snprintf(why, sizeof(why), "level '%s' above the acceptance level '%s', to be accepted by management",
				 m->level[x->effective - 1], m->level[m->acceptance - 1]);
			decision(a, "risk_acceptance", x->id, x->title, why);
		}
	}
	r = store_prepare(s, "SELECT id, title FROM nonconformity WHERE severity = 'major'"
			     " AND status <> 'closed' ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1)
		decision(a, "nonconformity", (const char *)sqlite3_column_text(st, 0),
			 (const char *)sqlite3_column_text(st, 1),
			 "major nonconformity open: corrective action and resources");
	sqlite3_finalize(st);
	st = NULL;
	if (r >= 0)
		r = store_prepare(s, "SELECT id, period, status FROM management_review"
				     " WHERE approved_by IS NULL ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		snprintf(why, sizeof(why), "management review of %.40s not approved (%.20s)",
			 (const char *)sqlite3_column_text(st, 1),
			 (const char *)sqlite3_column_text(st, 2));
		decision(a, "management_review", (const char *)sqlite3_column_text(st, 0), NULL, why);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static int overdue(struct isms_store *s, int64_t now, struct json_object *fig,
		   struct json_object *decisions)
{
	struct json_object *a = json_object_new_array();
	struct isms_overdue o = {0};
	time_t t = (time_t)now;
	char today[11], why[160];
	int r;

	json_object_object_add(fig, "overdue", a);
	isms_date_day(t, today);
	r = isms_overdue_list(s, s->schema, today, &o);
	for (size_t k = 0; r >= 0 && k < o.n; k++) {
		const struct isms_overdue_item *it = &o.v[k];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "what", json_object_new_string(it->what));
		json_object_object_add(x, "id", json_object_new_string(it->id));
		json_object_object_add(x, "subject", report_jstr(it->subject));
		json_object_object_add(x, "since", report_jstr(it->since));
		json_object_object_add(x, "responsible", report_jstr(it->responsible));
		json_object_array_add(a, x);
		if (k < OVERDUE_DECISIONS) {
			snprintf(why, sizeof(why), "%s: due %.10s%s%.64s", it->what,
				 it->since ? it->since : "?", it->responsible ? ", responsible " : "",
				 it->responsible ? it->responsible : "");
			decision(decisions, "overdue", it->id, it->subject, why);
		}
	}
	if (r >= 0 && o.n > OVERDUE_DECISIONS) {
		snprintf(why, sizeof(why), "%zu more items overdue (see the overdue list)",
			 o.n - OVERDUE_DECISIONS);
		decision(decisions, "overdue", "...", NULL, why);
	}
	isms_overdue_release(&o);
	return r < 0 ? r : 0;
}

int report_decisions(struct isms_store *s, const struct isms_risk_matrix *m,
		     const struct risk_row *v, size_t n, int64_t now, struct json_object *fig)
{
	struct json_object *a = json_object_new_array();
	int r;

	json_object_object_add(fig, "decisions", a);
	r = risk_and_review_decisions(s, m, v, n, a);
	if (r >= 0)
		r = overdue(s, now, fig, a);
	return r;
}
