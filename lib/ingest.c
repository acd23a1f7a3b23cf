/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bulk evidence with counters in the same transaction. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evidence_internal.h"
#include "evidence_tag_internal.h"
#include "isms/date.h"
#include "isms/ingest.h"
#include "store_internal.h"
#include "isms/strutil.h"

static const char *const counter_names[ISMS_CTR_MAX] = {
	"received", "stored", "filtered", "duplicates", "malformed", "spooled", "routed",
};

struct isms_ingest {
	struct isms_store *s;
	char *source;
	sqlite3_stmt *insert, *has_key, *head_get, *head_set, *counter;
	struct evidence_tags *tags;
	bool open;
	int64_t last;
	char prev[ISMS_HASH_HEX];
	int64_t delta[ISMS_CTR_MAX];
	time_t recorded_at;
	char recorded[32];
	/* The rows' details so far, stored at commit or when full (row format 3). */
	struct evidence_batch batch;
};

const char *isms_counter_name(enum isms_counter c)
{
	return c < ISMS_CTR_MAX ? counter_names[c] : "?";
}

int isms_ingest_new(struct isms_store *s, const char *source, struct isms_ingest **ret)
{
	struct isms_ingest *w = calloc(1, sizeof(*w));
	int r;

	if (!w || !(w->source = strdup(source))) {
		free(w);
		return -ENOMEM;
	}
	w->s = s;
	/* ON CONFLICT DO NOTHING: a duplicate costs one failed index probe. */
	r = store_prepare(s,
			  "INSERT INTO evidence (pk, recorded, ts, source, kind, node, event_key,"
			  " control, asset, subject, outcome, details, prev, hash, fmt, psalt,"
			  " subject_d, details_d)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, '', ?12, 3,"
			  " NULL, ?13, NULL) ON CONFLICT(event_key) DO NOTHING",
			  &w->insert);
	if (r >= 0)
		r = store_prepare(s, "SELECT 1 FROM evidence WHERE event_key = ?1", &w->has_key);
	if (r >= 0)
		r = store_prepare(s, "SELECT last_pk, last_hash FROM evidence_head WHERE one = 1",
				  &w->head_get);
	if (r >= 0)
		r = store_prepare(s,
				  "UPDATE evidence_head SET last_pk = ?1, last_hash = ?2 WHERE one = 1",
				  &w->head_set);
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO ingest_counter (source, name, value) VALUES (?1, ?2, ?3)"
				  " ON CONFLICT(source, name) DO UPDATE SET value = value + excluded.value",
				  &w->counter);
	if (r >= 0)
		r = evidence_tags_new(s, &w->tags);
	if (r < 0) {
		isms_ingest_free(w);
		return r;
	}
	*ret = w;
	return 0;
}

struct isms_ingest *isms_ingest_free(struct isms_ingest *w)
{
	if (!w)
		return NULL;
	if (w->open)
		isms_ingest_rollback(w);
	sqlite3_finalize(w->insert);
	sqlite3_finalize(w->has_key);
	sqlite3_finalize(w->head_get);
	sqlite3_finalize(w->head_set);
	sqlite3_finalize(w->counter);
	evidence_batch_free(&w->batch);
	evidence_tags_free(w->tags);
	free(w->source);
	free(w);
	return NULL;
}

int isms_ingest_begin(struct isms_ingest *w)
{
	int r;

	if (w->open)
		return -EALREADY;
	r = isms_store_begin(w->s);
	if (r < 0)
		return r;
	sqlite3_reset(w->head_get);
	r = store_step_row(w->s, w->head_get);
	if (r == 0)
		r = store_seterr(w->s, -ENOTRECOVERABLE, "the evidence head record is missing");
	if (r < 0) {
		isms_store_rollback(w->s);
		return r;
	}
	w->last = sqlite3_column_int64(w->head_get, 0);
	snprintf(w->prev, sizeof(w->prev), "%s", (const char *)sqlite3_column_text(w->head_get, 1));
	sqlite3_reset(w->head_get);
	/* A keyed chain without its key, or whose head's MAC does not hold
	 * (changed without the key), takes nothing: fail now, not at commit. */
	r = evidence_head_holds(w->s, w->last, w->prev);
	if (r < 0) {
		isms_store_rollback(w->s);
		return r;
	}
	r = evidence_batch_start(&w->batch, w->last + 1);
	if (r < 0) {
		isms_store_rollback(w->s);
		return r;
	}
	memset(w->delta, 0, sizeof(w->delta));
	evidence_tags_forget(w->tags);
	w->open = true;
	return 0;
}

int isms_ingest_add(struct isms_ingest *w, const struct isms_evidence *ev, int64_t *ret_id)
{
	struct isms_evidence e = *ev;
	char hash[ISMS_HASH_HEX], tsbuf[ISMS_DATE_MAX], pd[EVIDENCE_PD_HEX];
	const char *vals[12];
	time_t now;
	int r;

	if (!w->open)
		return -EINVAL;
	r = evidence_check(w->s, ev, tsbuf, sizeof(tsbuf), &e.ts);
	if (r < 0)
		return r;
	now = time(NULL);
	if (now != w->recorded_at) {
		w->recorded_at = now;
		isms_date_format(now, w->recorded, sizeof(w->recorded));
	}
	if (!e.ts)
		e.ts = w->recorded;
	/* A full batch is stored first: this row starts the next, with its own salt. */
	if (evidence_batch_full(&w->batch)) {
		r = evidence_batch_flush(w->s, &w->batch);
		if (r >= 0)
			r = evidence_batch_start(&w->batch, w->last + 1);
		if (r < 0)
			return r;
	}
	r = evidence_hash_v3(w->prev, w->last + 1, w->recorded, &e, w->batch.salt, pd, hash);
	if (r < 0)
		return r;
	vals[0] = w->recorded;
	vals[1] = e.ts;
	vals[2] = e.source;
	vals[3] = e.kind;
	vals[4] = e.node;
	vals[5] = e.event_key;
	vals[6] = e.control;
	vals[7] = e.asset;
	vals[8] = e.subject;
	vals[9] = e.outcome;
	vals[10] = hash;
	vals[11] = pd;
	sqlite3_reset(w->insert);
	if (sqlite3_bind_int64(w->insert, 1, w->last + 1) != SQLITE_OK)
		return -EIO;
	for (int i = 0; i < 12; i++) {
		if (sqlite3_bind_text(w->insert, i + 2, vals[i], -1, SQLITE_STATIC) != SQLITE_OK)
			return -EIO;
	}
	r = store_step_done(w->s, w->insert);
	sqlite3_clear_bindings(w->insert);
	sqlite3_reset(w->insert);
	if (r < 0)
		return r;
	if (sqlite3_changes(sqlite3_db_handle(w->insert)) == 0)
		return -EALREADY;
	/* (never read as a refused row: the row is in, the batch must fail) */
	r = evidence_batch_add(&w->batch, e.details);
	if (r >= 0)
		r = evidence_tags_add(w->s, w->tags, w->last + 1, &e);
	if (r < 0)
		return r == -EINVAL || r == -EALREADY ? -EIO : r;
	w->last++;
	memcpy(w->prev, hash, sizeof(hash));
	if (ret_id)
		*ret_id = w->last;
	return 0;
}

void isms_ingest_count(struct isms_ingest *w, enum isms_counter c, int64_t n)
{
	if (c < ISMS_CTR_MAX)
		w->delta[c] += n;
}

int isms_ingest_has_key(struct isms_ingest *w, const char *event_key)
{
	int r;

	sqlite3_reset(w->has_key);
	r = store_bind_text(w->s, w->has_key, 1, event_key);
	if (r >= 0)
		r = store_step_row(w->s, w->has_key);
	sqlite3_reset(w->has_key);
	return r;
}

int isms_ingest_commit(struct isms_ingest *w)
{
	int r = 0;

	if (!w->open)
		return -EINVAL;
	r = evidence_batch_flush(w->s, &w->batch);
	sqlite3_reset(w->head_set);
	if (r >= 0 && sqlite3_bind_int64(w->head_set, 1, w->last) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(w->s, w->head_set, 2, w->prev);
	if (r >= 0)
		r = store_step_done(w->s, w->head_set);
	sqlite3_reset(w->head_set);
	if (r >= 0)
		r = evidence_seal_head(w->s, w->last, w->prev);
	for (int c = 0; c < ISMS_CTR_MAX && r >= 0; c++) {
		if (!w->delta[c])
			continue;
		sqlite3_reset(w->counter);
		r = store_bind_text(w->s, w->counter, 1, w->source);
		if (r >= 0)
			r = store_bind_text(w->s, w->counter, 2, counter_names[c]);
		if (r >= 0 && sqlite3_bind_int64(w->counter, 3, w->delta[c]) != SQLITE_OK)
			r = -EIO;
		if (r >= 0)
			r = store_step_done(w->s, w->counter);
		sqlite3_reset(w->counter);
	}
	if (r < 0) {
		isms_ingest_rollback(w);
		return r;
	}
	w->open = false;
	r = isms_store_commit(w->s);
	return r;
}

void isms_ingest_rollback(struct isms_ingest *w)
{
	if (!w->open)
		return;
	w->open = false;
	evidence_tags_forget(w->tags);
	isms_store_rollback(w->s);
}

int isms_ingest_read_counters(struct isms_store *s, const char *source, int64_t ret[ISMS_CTR_MAX])
{
	sqlite3_stmt *st = NULL;
	int r;

	memset(ret, 0, sizeof(int64_t) * ISMS_CTR_MAX);
	r = store_prepare(s, "SELECT name, value FROM ingest_counter WHERE source = ?1", &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, source);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		for (int c = 0; c < ISMS_CTR_MAX; c++)
			if (strcmp(name, counter_names[c]) == 0)
				ret[c] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
