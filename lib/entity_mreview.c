/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record type of management reviews (ISO 27001 9.3). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms/entity.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const mr_status[] = {"draft", "approved", NULL};

/*
 * What the review was fed and who approved it are written by
 * isms_mreview_record() and isms_mreview_approve() alone: a hand-typed
 * input or approval would be one the evidence chain does not vouch for.
 */
static const char *const mr_locked[] = {"inputs", "inputs_sha256", "status", "approved_by",
					"approved_at", NULL};

static int mr_status_of(struct isms_store *s, const char *key, bool *ret_approved)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, "SELECT status = 'approved' FROM management_review WHERE id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		*ret_approved = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return r == 0 ? -ENOENT : r < 0 ? r : 0;
}

static int mr_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		      const struct isms_kv *kv, size_t n, bool added)
{
	bool approved = false;
	int r;

	/* An import restores a review as it was kept (its evidence rows vouch for it). */
	if (added && s->importing)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; mr_locked[k]; k++)
			if (strcmp(kv[i].name, mr_locked[k]) == 0)
				return store_seterr(
					s, -EPERM,
					"%s '%.64s': field '%s' is written by 'ismsctl management-review %s', not by hand",
					e->name, key, kv[i].name, k < 2 ? "record" : "approve");
	if (added)
		return 0;
	/* The row is already changed, but status is not among the fields one
	 * may change: approved now means approved before. */
	r = mr_status_of(s, key, &approved);
	if (r < 0)
		return r;
	if (approved)
		return store_seterr(s, -EPERM, "%s '%.64s' is approved and cannot be changed",
				    e->name, key);
	return 0;
}

static int mr_removing(struct isms_store *s, const struct isms_entity *e, const char *key)
{
	bool approved = false;
	int r = mr_status_of(s, key, &approved);

	if (r < 0)
		return r;
	if (approved)
		return store_seterr(s, -EPERM, "%s '%.64s' is approved and cannot be removed",
				    e->name, key);
	return 0;
}

static const struct isms_field mr_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO,
	 .help = "e.g. MR-1 (generated if absent)"},
	{.name = "period", .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED,
	 .help = "the period reviewed (e.g. 2026-Q4, 2026)"},
	{.name = "held", .type = ISMS_FT_DATE, .help = "date of the meeting"},
	{.name = "chair", .type = ISMS_FT_REF, .ref = "person", .help = "who chaired it"},
	{.name = "attendees", .flags = ISMS_FF_HIDDEN, .help = "who took part"},
	{.name = "minutes", .flags = ISMS_FF_HIDDEN, .help = "the minutes, or where they are kept"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = mr_status, .dflt = "draft",
	 .help = "draft, or approved by management (then it cannot change)"},
	{.name = "approved_by", .type = ISMS_FT_REF, .ref = "person",
	 .help = "member of management who approved it"},
	{.name = "approved_at", .type = ISMS_FT_DATE, .help = "date of approval"},
	{.name = "inputs", .flags = ISMS_FF_HIDDEN | ISMS_FF_LONG,
	 .help = "the inputs of ISO 27001 9.3.2 a-g as assembled from the store (JSON)"},
	{.name = "inputs_sha256", .flags = ISMS_FF_HIDDEN,
	 .help = "SHA-256 of the inputs, also in the evidence chain"},
	{.name = "decisions", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM management_review_decision d WHERE d.review = t.pk)",
	 .help = "decisions taken (ISO 27001 9.3.3)"},
	{.name = "actions", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "(SELECT group_concat(d.seq || ' ' || d.kind || ': ' || d.text"
		" || coalesce(' -> ' || d.target, ''), '; ')"
		" FROM (SELECT * FROM management_review_decision WHERE review = t.pk"
		" ORDER BY seq) d)",
	 .help = "the decisions, each with the record it became"},
};

const struct isms_entity isms_entity_mreview = {
	.name = "management_review",
	.plural = "management_reviews",
	.table = "management_review",
	.auto_prefix = "MR-",
	.fields = mr_fields,
	.nfields = N(mr_fields),
	.help = "management reviews and their decisions (ISO 27001 9.3)",
	.written = mr_written,
	.removing = mr_removing,
};
