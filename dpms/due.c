/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the DPO has to act on: open data subject requests, open breaches,
 * and DPIAs past their review date or required and not there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpms.h"
#include "isms/entity.h"
#include "isms/sql.h"
#include "isms/strutil.h"

struct open_rows {
	const char *kind;
	const char *what_field, *due_field;
	dpms_due_cb cb;
	void *ud;
};

static int open_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct open_rows *o = ud;
	const char *overdue = v[isms_entity_field_index(e, "overdue")];
	struct dpms_due_item it = {
		.kind = o->kind,
		.id = v[isms_entity_field_index(e, "id")],
		.activity = v[isms_entity_field_index(e, "activity")],
		.what = v[isms_entity_field_index(e, o->what_field)],
		.due = v[isms_entity_field_index(e, o->due_field)],
		.overdue = overdue && strcmp(overdue, "yes") == 0,
	};

	return o->cb(&it, o->ud);
}

/* The latest DPIA of each activity in use, past its review date (Art. 35(11)). */
#define SQL_DPIA_REVIEW                                                                     \
	"SELECT d.id, a.id, d.status, d.next_review FROM dpia d JOIN activity a ON a.pk = d.activity" \
	" WHERE a.status <> 'retired' AND d.next_review IS NOT NULL AND d.next_review < ?1"  \
	" AND d.pk = (SELECT max(d2.pk) FROM dpia d2 WHERE d2.activity = d.activity) ORDER BY d.pk"

/*
 * Activities whose screening asks for a DPIA and that have none: decided
 * 'required', or undecided with two or more WP248 criteria.  Overdue when
 * the activity is active: Art. 35(1) wants the DPIA before the processing.
 */
#define SQL_DPIA_MISSING                                                                    \
	"SELECT sc.id, a.id, sc.decision, a.status FROM screening sc"                            \
	" JOIN activity a ON a.pk = sc.activity WHERE a.status <> 'retired'"                     \
	" AND (sc.decision = 'required' OR (sc.decision = 'undecided' AND"                     \
	" sc.evaluation_scoring + sc.automated_decisions + sc.systematic_monitoring"             \
	" + sc.sensitive_data + sc.large_scale + sc.matching_datasets + sc.vulnerable_subjects"  \
	" + sc.innovative_technology + sc.prevents_rights >= 2))"                                \
	" AND NOT EXISTS (SELECT 1 FROM dpia d WHERE d.activity = a.pk) ORDER BY a.pk"

/* Processors without an Art. 28(3) contract, or past its review date. */
#define SQL_CONTRACTS                                                                       \
	"SELECT p.id, a.id, p.contract_date, p.review_date, p.name FROM processor p"             \
	" LEFT JOIN activity a ON a.pk = p.activity"                                             \
	" WHERE (a.pk IS NULL OR a.status <> 'retired')"                                         \
	" AND (p.contract_date IS NULL OR p.review_date < ?1) ORDER BY p.pk"

static int contract_rows(struct isms_store *s, const char *today, dpms_due_cb cb, void *ud)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = isms_sql_prepare(s, SQL_CONTRACTS, &st);
	if (r < 0)
		return r;
	r = isms_sql_bind_text(s, st, 1, today);
	while (r >= 0 && (r = isms_sql_step_row(s, st)) == 1) {
		bool missing = sqlite3_column_type(st, 2) == SQLITE_NULL;
		char what[300];
		struct dpms_due_item it = {
			.kind = missing ? "contract-missing" : "contract-review",
			.id = (const char *)sqlite3_column_text(st, 0),
			.activity = (const char *)sqlite3_column_text(st, 1),
			.what = what,
			.due = missing ? NULL : (const char *)sqlite3_column_text(st, 3),
			.overdue = true,
		};

		snprintf(what, sizeof(what), "%s: %s", (const char *)sqlite3_column_text(st, 4),
			 missing ? "no Art. 28(3) contract" : "contract past its review date");
		r = cb(&it, ud);
	}
	sqlite3_finalize(st);
	return r;
}

static int dpia_rows(struct isms_store *s, bool missing, const char *today, dpms_due_cb cb,
		     void *ud)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = isms_sql_prepare(s, missing ? SQL_DPIA_MISSING : SQL_DPIA_REVIEW, &st);
	if (r < 0)
		return r;
	if (!missing)
		r = isms_sql_bind_text(s, st, 1, today);
	while (r >= 0 && (r = isms_sql_step_row(s, st)) == 1) {
		const char *c2 = (const char *)sqlite3_column_text(st, 2);
		const char *c3 = (const char *)sqlite3_column_text(st, 3);
		struct dpms_due_item it = {
			.kind = missing ? "dpia-missing" : "dpia-review",
			.id = (const char *)sqlite3_column_text(st, 0),
			.activity = (const char *)sqlite3_column_text(st, 1),
			.what = missing ? (strcmp(c2, "required") == 0 ?
						   "screening decided: DPIA required, none exists" :
						   "two or more WP248 criteria, no DPIA") :
					  "DPIA past its review date (Art. 35(11))",
			.due = missing ? NULL : c3,
			.overdue = missing ? strcmp(c3, "active") == 0 : true,
		};

		r = cb(&it, ud);
	}
	sqlite3_finalize(st);
	return r;
}

int dpms_due_list(struct isms_store *s, const char *today, dpms_due_cb cb, void *ud)
{
	struct isms_kv open = {"status", "open"};
	struct open_rows req = {"request", "type", "deadline", cb, ud};
	struct open_rows br = {"breach", "title", "notify_by", cb, ud};
	int r;

	if (!today || !isms_date_valid(today))
		return -EINVAL;
	r = isms_record_list(s, isms_schema_entity(&dpms_schema, "request"), &open, 1, open_cb,
			     &req);
	if (r >= 0)
		r = isms_record_list(s, isms_schema_entity(&dpms_schema, "breach"), &open, 1,
				     open_cb, &br);
	if (r >= 0)
		r = dpia_rows(s, false, today, cb, ud);
	if (r >= 0)
		r = dpia_rows(s, true, today, cb, ud);
	if (r >= 0)
		r = contract_rows(s, today, cb, ud);
	return r < 0 ? r : 0;
}
