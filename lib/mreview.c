/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A management review recorded with its inputs frozen, and its decisions taken. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/mreview.h"
#include "isms/sha256.h"
#include "isms/strutil.h"
#include "mreview_internal.h"
#include "store_internal.h"

static const char *const kinds[] = {"measure", "nonconformity", "change", NULL};

static char *json_text(struct json_object *o)
{
	char *out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return out;
}

int mreview_append_evidence(struct isms_store *s, int64_t now, const char *kind,
			   const char *subject, const char *outcome, struct json_object *details)
{
	struct isms_evidence ev = {0};
	char at[ISMS_DATE_MAX];
	char *text = json_text(details);
	int r;

	if (!text)
		return -ENOMEM;
	isms_date_format(now, at, sizeof(at));
	ev.ts = at;
	ev.source = "ismsctl";
	ev.kind = kind;
	ev.control = MREVIEW_CONTROL;
	ev.subject = subject;
	ev.outcome = outcome;
	ev.details = text;
	r = isms_evidence_append(s, &ev, NULL);
	free(text);
	return r;
}

int mreview_exec3(struct isms_store *s, const char *sql, const char *a, const char *b, const char *c)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	if (r >= 0)
		r = store_bind_text(s, st, 1, a);
	if (r >= 0 && b)
		r = store_bind_text(s, st, 2, b);
	if (r >= 0 && c)
		r = store_bind_text(s, st, 3, c);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

int isms_mreview_record(struct isms_store *s, const struct isms_mreview_new *n, char **ret_id)
{
	struct isms_ctest_period per;
	char held[11], sha[65], *inputs = NULL, *id = NULL;
	struct isms_kv kv[5];
	struct json_object *d;
	size_t nkv = 0;
	int r;

	if (!n->chair)
		return store_seterr(s, -EINVAL, "management review: a chair is required");
	r = mreview_period(s, &n->in, &per);
	if (r < 0)
		return r;
	/* A date given is checked by the record type; the default is today where the review is. */
	if (!n->held)
		mreview_local_day(n->in.tz, n->in.now, held);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_mreview_inputs(s, &n->in, &inputs);
	if (r >= 0)
		r = isms_sha256_hex(inputs, strlen(inputs), sha);
	if (r < 0)
		goto out;
	kv[nkv++] = (struct isms_kv){"period", per.label};
	kv[nkv++] = (struct isms_kv){"held", n->held ? n->held : held};
	kv[nkv++] = (struct isms_kv){"chair", n->chair};
	if (n->attendees)
		kv[nkv++] = (struct isms_kv){"attendees", n->attendees};
	if (n->minutes)
		kv[nkv++] = (struct isms_kv){"minutes", n->minutes};
	r = isms_record_add(s, &isms_entity_mreview, kv, nkv, &id);
	if (r < 0)
		goto out;
	r = mreview_exec3(s, "UPDATE management_review SET inputs = ?1, inputs_sha256 = ?2 WHERE id = ?3",
		  inputs, sha, id);
	if (r < 0)
		goto out;
	d = json_object_new_object();
	if (!d) {
		r = -ENOMEM;
		goto out;
	}
	json_object_object_add(d, "id", json_object_new_string(id));
	json_object_object_add(d, "period", json_object_new_string(per.label));
	json_object_object_add(d, "held", json_object_new_string(n->held ? n->held : held));
	json_object_object_add(d, "inputs_sha256", json_object_new_string(sha));
	r = mreview_append_evidence(s, n->in.now, "management.review", n->chair, "held", d);
out:
	free(inputs);
	if (r >= 0)
		r = isms_store_commit(s);
	else
		isms_store_rollback(s);
	if (r < 0) {
		free(id);
		return r;
	}
	if (ret_id)
		*ret_id = id;
	else
		free(id);
	return 0;
}

int mreview_review_load(struct isms_store *s, const char *id, int64_t *ret_pk, bool *ret_approved,
		       char **ret_sha, char **ret_period)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "SELECT pk, status = 'approved', inputs_sha256, period"
			  " FROM management_review WHERE id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, id);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT,
				 "management review '%.64s' not found (see 'ismsctl management-review list')",
				 id);
	if (r == 1) {
		const char *sha = (const char *)sqlite3_column_text(st, 2);
		const char *period = (const char *)sqlite3_column_text(st, 3);

		*ret_pk = sqlite3_column_int64(st, 0);
		*ret_approved = sqlite3_column_int(st, 1) != 0;
		r = 0;
		if (ret_sha && sha && !(*ret_sha = strdup(sha)))
			r = -ENOMEM;
		if (r >= 0 && ret_period && !(*ret_period = strdup(period ? period : "")))
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	return r;
}

static bool kind_ok(const char *kind)
{
	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

int isms_mreview_decide(struct isms_store *s, const char *id, const struct isms_mreview_decision *d,
			int *ret_seq)
{
	sqlite3_stmt *st = NULL;
	int64_t pk = 0, seq = 0, owner = 0;
	bool approved = false;
	int r;

	if (!d->kind || !kind_ok(d->kind))
		return store_seterr(s, -EINVAL, "management review '%.64s': kind '%.64s' is not one of: %s",
				    id, d->kind ? d->kind : "", ISMS_MREVIEW_KINDS);
	if (!d->text || !d->text[0] || strlen(d->text) > ISMS_VALUE_MAX || !isms_text_ok(d->text))
		return store_seterr(s, -EINVAL,
				    "management review '%.64s': a decision needs a text (at most %d bytes,"
				    " no control characters)",
				    id, ISMS_VALUE_MAX);
	if (!d->owner)
		return store_seterr(s, -EINVAL, "management review '%.64s': a decision needs an owner",
				    id);
	if (!d->due || !isms_date_valid(d->due))
		return store_seterr(s, -EINVAL,
				    "management review '%.64s': due '%.64s' is not a date (YYYY-MM-DD)",
				    id, d->due ? d->due : "");
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = mreview_review_load(s, id, &pk, &approved, NULL, NULL);
	if (r >= 0 && approved)
		r = store_seterr(s, -EPERM,
				 "management review '%.64s' is approved: its decisions cannot change", id);
	if (r >= 0) {
		r = store_query_int(s, "SELECT pk FROM person WHERE name = ?1", d->owner, NULL, NULL,
				    &owner);
		if (r == 0)
			r = store_seterr(s, -ENOENT,
					 "management review '%.64s': owner: no person '%.64s' (see 'ismsctl person list')",
					 id, d->owner);
	}
	if (r >= 0)
		r = store_query_int(s,
				    "SELECT coalesce(max(d.seq), 0) + 1 FROM management_review_decision d"
				    " JOIN management_review r ON r.pk = d.review WHERE r.id = ?1",
				    id, NULL, NULL, &seq);
	if (r >= 0 && seq > ISMS_MREVIEW_DECISIONS_MAX)
		r = store_seterr(s, -E2BIG, "management review '%.64s': more than %d decisions", id,
				 ISMS_MREVIEW_DECISIONS_MAX);
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO management_review_decision"
				  " (review, seq, kind, text, owner, due) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				  &st);
	if (r >= 0 && (sqlite3_bind_int64(st, 1, pk) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 2, seq) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 5, owner) != SQLITE_OK))
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(s, st, 3, d->kind);
	if (r >= 0)
		r = store_bind_text(s, st, 4, d->text);
	if (r >= 0)
		r = store_bind_text(s, st, 6, d->due);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	r = isms_store_commit(s);
	if (r >= 0 && ret_seq)
		*ret_seq = (int)seq;
	return r;
}
