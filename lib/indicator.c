/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live risk indicators: counting evidence and raising risks. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/risk.h"
#include "register_internal.h"
#include "store_internal.h"
#include "isms/strutil.h"
#include "nc_sources_internal.h"

#define SOURCE "isms-indicator"

struct ind {
	int64_t pk;
	char *name, *kind, *asset, *control;
	int64_t window, threshold, raise_by;
	int64_t risk; /* 0 = none */
};

static void inds_free(struct ind *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].kind);
		free(v[i].asset);
		free(v[i].control);
	}
	free(v);
}

static int load(struct isms_store *s, struct ind **ret, size_t *ret_n)
{
	sqlite3_stmt *st = NULL;
	struct ind *v = NULL;
	size_t n = 0;
	bool oom = false;
	int r = store_prepare(s,
			      "SELECT i.pk, i.name, i.kind, a.name, i.window_minutes, i.threshold,"
			      " coalesce(i.risk, 0), i.raise_by, coalesce(i.control, '8.16')"
			      " FROM indicator i LEFT JOIN asset a ON a.pk = i.asset ORDER BY i.pk",
			      &st);

	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct ind *nv = realloc(v, (n + 1) * sizeof(*v));

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].pk = sqlite3_column_int64(st, 0);
		v[n].name = register_col_dup(st, 1, &oom);
		v[n].kind = register_col_dup(st, 2, &oom);
		v[n].asset = register_col_dup(st, 3, &oom);
		v[n].window = sqlite3_column_int64(st, 4);
		v[n].threshold = sqlite3_column_int64(st, 5);
		v[n].risk = sqlite3_column_int64(st, 6);
		v[n].raise_by = sqlite3_column_int64(st, 7);
		v[n].control = register_col_dup(st, 8, &oom);
		n++;
		/* out of memory: an error, never an indicator without its name */
		if (oom) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0) {
		inds_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* An evidence timestamp -> epoch seconds; -1 if it is not one. */
static int64_t parse_ts(const char *ts)
{
	int64_t t;

	if (!ts || isms_date_parse(ts, &t, NULL) < 0)
		return -1;
	return t;
}

static int bump(struct isms_store *s, const struct ind *ind, const char *asset, int64_t bucket,
		int64_t *ret_count)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "INSERT INTO indicator_state (indicator, asset, bucket, count)"
			      " VALUES (?1, ?2, ?3, 1) ON CONFLICT(indicator, asset, bucket)"
			      " DO UPDATE SET count = count + 1 RETURNING count",
			      &st);

	if (r >= 0 && (sqlite3_bind_int64(st, 1, ind->pk) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 3, bucket) != SQLITE_OK))
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(s, st, 2, asset);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		*ret_count = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static int raise_risk(struct isms_store *s, const struct ind *ind, const char *asset,
		      int64_t count, int64_t last_pk, const char *ts)
{
	struct isms_risk_matrix m;
	struct isms_evidence ev = {0};
	sqlite3_stmt *st = NULL;
	char reason[512], *details = NULL, riskid[128] = "";
	int64_t from = 0, to = 0, evid = 0;
	struct json_object *o;
	int r;

	r = isms_risk_matrix_load(s, &m);
	if (r < 0)
		return r;
	if (ind->risk) {
		r = store_prepare(s, "SELECT id, likelihood FROM risk WHERE pk = ?1", &st);
		if (r >= 0 && sqlite3_bind_int64(st, 1, ind->risk) != SQLITE_OK)
			r = -EIO;
		if (r >= 0)
			r = store_step_row(s, st);
		if (r == 1) {
			snprintf(riskid, sizeof(riskid), "%s", (const char *)sqlite3_column_text(st, 0));
			from = sqlite3_column_int64(st, 1);
			to = from + ind->raise_by;
			if (to > m.nlikelihood)
				to = m.nlikelihood;
			r = 0;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (r < 0)
			return r;
	}
	snprintf(reason, sizeof(reason),
		 "indicator '%s' crossed: %" PRId64 " '%s' in %" PRId64 " min on '%s' (threshold %" PRId64 ")",
		 ind->name, count, ind->kind, ind->window, asset, ind->threshold);
	o = json_object_new_object();
	json_object_object_add(o, "indicator", json_object_new_string(ind->name));
	json_object_object_add(o, "count", json_object_new_int64(count));
	json_object_object_add(o, "threshold", json_object_new_int64(ind->threshold));
	json_object_object_add(o, "window_minutes", json_object_new_int64(ind->window));
	json_object_object_add(o, "last_evidence", json_object_new_int64(last_pk));
	if (riskid[0]) {
		json_object_object_add(o, "risk", json_object_new_string(riskid));
		json_object_object_add(o, "from_likelihood", json_object_new_int64(from));
		json_object_object_add(o, "to_likelihood", json_object_new_int64(to));
	}
	json_object_object_add(o, "reason", json_object_new_string(reason));
	details = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (!details)
		return -ENOMEM;
	ev.ts = ts;
	ev.source = SOURCE;
	ev.kind = "indicator.crossed";
	ev.control = ind->control;
	ev.asset = asset[0] ? asset : NULL;
	ev.outcome = riskid[0] && to > from ? "risk-raised" : "crossed";
	ev.details = details;
	r = isms_evidence_append(s, &ev, &evid);
	free(details);
	if (r >= 0)
		r = nc_from_indicator(s, ind->name, ind->control, riskid[0] ? riskid : NULL, asset,
				      reason, ts);
	if (r < 0 || !riskid[0])
		return r;
	if (to > from) {
		r = store_prepare(s, "UPDATE risk SET likelihood = ?1 WHERE pk = ?2", &st);
		if (r >= 0 && (sqlite3_bind_int64(st, 1, to) != SQLITE_OK ||
			       sqlite3_bind_int64(st, 2, ind->risk) != SQLITE_OK))
			r = -EIO;
		if (r >= 0)
			r = store_step_done(s, st);
		sqlite3_finalize(st);
		st = NULL;
		if (r < 0)
			return r;
	}
	r = store_prepare(s,
			  "INSERT INTO risk_change (risk, at, indicator, from_likelihood, to_likelihood,"
			  " evidence, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			  &st);
	if (r >= 0 && (sqlite3_bind_int64(st, 1, ind->risk) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 4, from) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 5, to) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 6, evid) != SQLITE_OK))
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(s, st, 2, ts);
	if (r >= 0)
		r = store_bind_text(s, st, 3, ind->name);
	if (r >= 0)
		r = store_bind_text(s, st, 7, to > from ? reason : "indicator crossed; likelihood already at the top of the matrix");
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

int isms_indicators_scan(struct isms_store *s, size_t *ret_crossed)
{
	struct ind *inds = NULL;
	size_t ninds = 0, crossed = 0;
	sqlite3_stmt *st = NULL;
	char *wm = NULL, buf[32];
	int64_t watermark, top = 0;
	int r;

	if (ret_crossed)
		*ret_crossed = 0;
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_setting_get(s, "indicator_watermark", &wm);
	if (r < 0)
		goto fail;
	watermark = strtoll(wm, NULL, 10);
	free(wm);
	r = load(s, &inds, &ninds);
	/* A break-glass login is a nonconformity until reviewed (10.2). */
	if (r >= 0)
		r = nc_scan_break_glass(s, watermark);
	if (r < 0)
		goto fail;
	if (ninds == 0) {
		/* Nothing counts: only move the watermark, so that an indicator
		 * added later counts from then on, without reading a row. */
		r = store_exec(s, "UPDATE setting SET value = (SELECT last_pk FROM evidence_head)"
				  " WHERE key = 'indicator_watermark'");
		if (r < 0)
			goto fail;
		return isms_store_commit(s);
	}
	r = store_prepare(s,
			  "SELECT pk, ts, kind, coalesce(asset, ''), source FROM evidence"
			  " WHERE pk > ?1 ORDER BY pk",
			  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, watermark) != SQLITE_OK)
		r = -EIO;
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int64_t pk = sqlite3_column_int64(st, 0);
		const char *ts = (const char *)sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		const char *asset = (const char *)sqlite3_column_text(st, 3);
		const char *source = (const char *)sqlite3_column_text(st, 4);
		int64_t t = parse_ts(ts);

		top = pk;
		/* Our own crossings never feed indicators: no loops. */
		if (t < 0 || strcmp(source, SOURCE) == 0)
			continue;
		for (size_t i = 0; i < ninds && r >= 0; i++) {
			const struct ind *ind = &inds[i];
			int64_t count = 0;
			char *a, *k;

			/* A window of no length (a store edited by hand) counts nothing,
			 * rather than divide by zero in every collector that scans. */
			if (ind->window <= 0 || fnmatch(ind->kind, kind, 0) != 0 ||
			    (ind->asset && strcmp(ind->asset, asset) != 0))
				continue;
			/* The statement's text is reused by the next step: copy it. */
			a = strdup(asset);
			k = strdup(ts);
			if (!a || !k) {
				free(a);
				free(k);
				r = -ENOMEM;
				break;
			}
			r = bump(s, ind, a, t / (ind->window * 60), &count);
			if (r >= 0 && count == ind->threshold) {
				r = raise_risk(s, ind, a, count, pk, k);
				crossed++;
			}
			free(a);
			free(k);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r < 0)
		goto fail;
	/* Rows we appended are past 'top'; the next scan skips them by source. */
	snprintf(buf, sizeof(buf), "%" PRId64, top > watermark ? top : watermark);
	r = isms_setting_set(s, "indicator_watermark", buf);
	if (r < 0)
		goto fail;
	inds_free(inds, ninds);
	r = isms_store_commit(s);
	if (r == 0 && ret_crossed)
		*ret_crossed = crossed;
	return r;
fail:
	sqlite3_finalize(st);
	inds_free(inds, ninds);
	isms_store_rollback(s);
	return r;
}
