/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A management review approved by management: its decisions become records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/entity.h"
#include "isms/mreview.h"
#include "isms/nonconformity.h"
#include "isms/role.h"
#include "crud_internal.h"
#include "mreview_internal.h"
#include "register_internal.h"
#include "store_internal.h"

struct decision {
	int seq;
	char *kind, *text, *owner, *due, *target;
};

static void decisions_free(struct decision *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].text);
		free(v[i].owner);
		free(v[i].due);
		free(v[i].target);
	}
	free(v);
}

static int decisions_load(struct isms_store *s, int64_t pk, struct decision **ret, size_t *ret_n)
{
	struct decision *v = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	bool oom = false;
	int r;

	v = calloc(ISMS_MREVIEW_DECISIONS_MAX, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r = store_prepare(s,
			  "SELECT d.seq, d.kind, d.text, p.name, d.due, d.target"
			  " FROM management_review_decision d LEFT JOIN person p ON p.pk = d.owner"
			  " WHERE d.review = ?1 ORDER BY d.seq",
			  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, pk) != SQLITE_OK)
		r = -EIO;
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		if (n == ISMS_MREVIEW_DECISIONS_MAX) {
			r = -E2BIG;
			break;
		}
		v[n].seq = sqlite3_column_int(st, 0);
		v[n].kind = register_col_dup(st, 1, &oom);
		v[n].text = register_col_dup(st, 2, &oom);
		v[n].owner = register_col_dup(st, 3, &oom);
		v[n].due = register_col_dup(st, 4, &oom);
		v[n].target = register_col_dup(st, 5, &oom);
		n++;
		if (oom) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0) {
		decisions_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* The record decision @d becomes; *ret_key its key (malloc'd). */
static int make_target(struct isms_store *s, const char *id, const char *period,
		       const struct decision *d, int64_t now, char **ret_key)
{
	char origin[96], description[192];

	if (strcmp(d->kind, "measure") == 0) {
		const struct isms_kv kv[] = {{"title", d->text}, {"owner", d->owner},
					     {"due", d->due}, {"status", "planned"},
					     {"management_review", id}};

		return isms_record_add(s, isms_entity_lookup("measure"), kv, 5, ret_key);
	}
	if (strcmp(d->kind, "nonconformity") == 0) {
		struct isms_nc_new n = {.title = d->text, .source = "management_review",
					.origin = origin, .description = description,
					.responsible = d->owner, .due = d->due, .now = now};
		int r;

		snprintf(origin, sizeof(origin), "%.64s#%d", id, d->seq);
		snprintf(description, sizeof(description),
			 "decided by management review %.64s (period %.64s)", id, period);
		r = isms_nc_open(s, &n, ret_key);
		return r < 0 ? r : 0;
	}
	{
		const struct isms_kv kv[] = {{"kind", "management"}, {"subject", d->text},
					     {"reviewer", d->owner}, {"due", d->due}};

		return isms_record_add(s, isms_entity_lookup("review"), kv, 4, ret_key);
	}
}

static int set_target(struct isms_store *s, int64_t review, int seq, const char *target)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "UPDATE management_review_decision SET target = ?1"
			      " WHERE review = ?2 AND seq = ?3",
			      &st);

	if (r >= 0)
		r = store_bind_text(s, st, 1, target);
	if (r >= 0 && (sqlite3_bind_int64(st, 2, review) != SQLITE_OK ||
		       sqlite3_bind_int(st, 3, seq) != SQLITE_OK))
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

static struct json_object *decision_json(const struct decision *d)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "seq", json_object_new_int(d->seq));
	json_object_object_add(o, "kind", json_object_new_string(d->kind));
	json_object_object_add(o, "text", json_object_new_string(d->text));
	json_object_object_add(o, "owner", d->owner ? json_object_new_string(d->owner) : NULL);
	json_object_object_add(o, "due", d->due ? json_object_new_string(d->due) : NULL);
	json_object_object_add(o, "target", d->target ? json_object_new_string(d->target) : NULL);
	return o;
}

int isms_mreview_approve(struct isms_store *s, const char *id, const char *by, int64_t now)
{
	struct decision *v = NULL;
	struct json_object *details = NULL, *arr;
	char today[11], *sha = NULL, *period = NULL, **before = NULL;
	int64_t pk = 0;
	bool approved = false;
	size_t n = 0;
	int r;

	{
		char at[ISMS_DATE_MAX];

		isms_date_format(now, at, sizeof(at));
		snprintf(today, sizeof(today), "%.10s", at);
	}
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = mreview_review_load(s, id, &pk, &approved, &sha, &period);
	if (r >= 0 && approved)
		r = store_seterr(s, -EPERM, "management review '%.64s' is approved already", id);
	if (r >= 0 && !sha)
		r = store_seterr(s, -EINVAL,
				 "management review '%.64s' has no inputs: record reviews with"
				 " 'ismsctl management-review record'",
				 id);
	if (r >= 0) {
		char what[96];

		snprintf(what, sizeof(what), "management review '%.64s'", id);
		r = isms_role_approver_check(s, what, "approve", by, NULL, "management", today);
	}
	if (r >= 0)
		r = decisions_load(s, pk, &v, &n);
	if (r < 0)
		goto out;
	details = json_object_new_object();
	arr = json_object_new_array();
	if (!details || !arr) {
		json_object_put(arr);
		r = -ENOMEM;
		goto out;
	}
	json_object_object_add(details, "id", json_object_new_string(id));
	json_object_object_add(details, "period", json_object_new_string(period));
	json_object_object_add(details, "inputs_sha256", json_object_new_string(sha));
	json_object_object_add(details, "decisions", arr);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		free(v[i].target);
		v[i].target = NULL;
		r = make_target(s, id, period, &v[i], now, &v[i].target);
		if (r >= 0)
			r = set_target(s, pk, v[i].seq, v[i].target);
		if (r >= 0) {
			struct json_object *o = decision_json(&v[i]);

			r = o ? json_object_array_add(arr, o) == 0 ? 0 : -ENOMEM : -ENOMEM;
		}
	}
	/* The approval is a change of the record: in its history with the approver. */
	if (r >= 0)
		r = history_load(s, &isms_entity_mreview, id, &before);
	if (r >= 0)
		r = mreview_exec3(s,
			  "UPDATE management_review SET status = 'approved',"
			  " approved_by = (SELECT pk FROM person WHERE name = ?1), approved_at = ?2"
			  " WHERE id = ?3",
			  by, today, id);
	if (r >= 0)
		r = history_changed(s, &isms_entity_mreview, id, before);
	if (r >= 0) {
		r = mreview_append_evidence(s, now, "management.review.approved", by, "approved", details);
		details = NULL;
	}
out:
	history_values_free(&isms_entity_mreview, before);
	json_object_put(details);
	decisions_free(v, n);
	free(sha);
	free(period);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

int isms_mreview_decisions(struct isms_store *s, const char *id,
			   int (*cb)(const struct isms_mreview_item *it, void *userdata),
			   void *userdata)
{
	struct decision *v = NULL;
	int64_t pk = 0;
	bool approved;
	size_t n = 0;
	int r;

	r = mreview_review_load(s, id, &pk, &approved, NULL, NULL);
	if (r >= 0)
		r = decisions_load(s, pk, &v, &n);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct isms_mreview_item it = {v[i].seq, v[i].kind, v[i].text, v[i].owner,
						     v[i].due, v[i].target};

		r = cb(&it, userdata);
	}
	decisions_free(v, n);
	return r;
}
