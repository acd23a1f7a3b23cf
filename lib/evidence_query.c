/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evidence a page at a time: filters, time bounds and a keyset cursor over the time index and the block tags. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "evidence_query_internal.h"
#include "evidence_tag_internal.h"
#include "isms/date.h"
#include "isms/evidence_query.h"
#include "isms/strutil.h"
#include "store_internal.h"

#define QUERY_MAX_FIELDS 64
#define QUERY_MAX_FILTERS 16

int isms_evidence_bound(const char *text, char *buf, size_t len)
{
	char canon[ISMS_DATE_MAX];
	int64_t sec;

	if (len < 20)
		return -EINVAL;
	if (strlen(text) == 10 && isms_date_valid(text)) {
		snprintf(buf, len, "%sT00:00:00", text);
		return 0;
	}
	if (isms_date_parse(text, &sec, NULL) < 0 || isms_date_canon(text, canon, sizeof(canon)) < 0)
		return -EINVAL;
	/*
	 * "YYYY-MM-DDTHH:MM:SS" without its zone or fraction: stored times are
	 * canonical UTC ("...SSZ" or "...SS.FZ"), so every time in that second
	 * or later sorts at or after it as text, and every earlier one before.
	 */
	memcpy(buf, canon, 19);
	buf[19] = '\0';
	return 0;
}

/* The expression of field @f over alias t, as the generic layer shows it. */
static int field_sql(char *buf, size_t len, const struct isms_field *f)
{
	int n;

	if (f->flags & ISMS_FF_COMPUTED)
		n = snprintf(buf, len, "(%s)", f->sql);
	else
		n = snprintf(buf, len, "t.\"%s\"", f->name);
	return n < 0 || (size_t)n >= len ? -E2BIG : 0;
}

/* Append @a and @b (optional) to @sql. */
static int add(char *sql, size_t cap, size_t *off, const char *a, const char *b)
{
	int n = snprintf(sql + *off, cap - *off, "%s%s", a, b ? b : "");

	if (n < 0 || (size_t)n >= cap - *off)
		return -E2BIG;
	*off += (size_t)n;
	return 0;
}

/*
 * Filters on the tagged fields (kind, control, asset, node, subject) are
 * found a block at a time (evidence_tag): the first one's tags, from the
 * cursor's block on, in block order straight from the tag table's key; each
 * further one's tag of the same block, one probe; then the block's rows,
 * by id, each filter checked on the row itself (a block holds the value,
 * not every row of it).  Blocks come in order and rows in order within a
 * block: chain order, never sorted.
 */
int evidence_query_sql(const struct isms_entity *e, const struct isms_evidence_query *q,
		       char *sql, size_t cap, char *err, size_t errlen)
{
	char expr[512], num[16];
	size_t off = 0;
	int r, p = 3, ntag = 0;
	bool by_time = q->since || q->until;

	if (q->nfilter > QUERY_MAX_FILTERS) {
		snprintf(err, errlen, "too many filters");
		return -E2BIG;
	}
	for (size_t i = 0; i < q->nfilter; i++) {
		if (!isms_entity_field(e, q->filter[i].name)) {
			snprintf(err, errlen, "%s has no field '%.64s'", e->name, q->filter[i].name);
			return -EINVAL;
		}
	}
	/* Only identifiers and expressions of the static entity tables go in;
	 * every value is a parameter (?1 the cursor, then bounds, filters, limit). */
	r = add(sql, cap, &off, "SELECT t.pk", NULL);
	for (size_t i = 0; r >= 0 && i < e->nfields; i++) {
		r = field_sql(expr, sizeof(expr), &e->fields[i]);
		if (r >= 0)
			r = add(sql, cap, &off, ", ", expr);
	}
	if (r >= 0)
		r = add(sql, cap, &off, " FROM ", NULL);
	/*
	 * A time window is read through the time index, whatever else is asked:
	 * the rows of the window, sorted by id (with a limit SQLite keeps only
	 * that many), cost what the window holds.  Left to itself the planner
	 * walks the chain from the cursor instead, and a window near the end of
	 * a big store (the usual "since yesterday") would cost the whole store.
	 */
	for (size_t i = 0; r >= 0 && !by_time && i < q->nfilter; i++) {
		int f = evidence_tag_field(q->filter[i].name);

		if (!f)
			continue;
		/* (CROSS JOIN: in this order, the first tag driving) */
		snprintf(expr, sizeof(expr), "evidence_tag g%d CROSS JOIN ", ntag++);
		r = add(sql, cap, &off, expr, NULL);
	}
	if (r >= 0)
		r = add(sql, cap, &off, "\"", e->table);
	if (r >= 0)
		r = add(sql, cap, &off, "\" t", by_time ? " INDEXED BY evidence_by_ts" : NULL);
	/*
	 * One lower bound on the id, the larger of the cursor and the block's
	 * start: given two (t.pk > ?1 AND t.pk >= block start), SQLite may seek
	 * with the cursor and walk every row from there to each block.
	 */
	if (r >= 0)
		r = add(sql, cap, &off,
			ntag ? " WHERE t.pk >= max(?1 + 1, g0.block << 6)"
			       " AND t.pk < ((g0.block + 1) << 6) AND g0.block >= (?1 >> 6)"
			     : " WHERE t.pk > ?1",
			NULL);
	if (r >= 0 && q->since)
		r = add(sql, cap, &off, " AND t.ts >= ?2", NULL);
	if (r >= 0 && q->until)
		r = add(sql, cap, &off, " AND t.ts < ?3", NULL);
	for (size_t i = 0, g = 0; r >= 0 && i < q->nfilter; i++) {
		const struct isms_field *f = isms_entity_field(e, q->filter[i].name);
		int tf = by_time ? 0 : evidence_tag_field(q->filter[i].name);

		snprintf(num, sizeof(num), "%d", ++p);
		if (tf) {
			snprintf(expr, sizeof(expr), " AND g%zu.field = %d AND g%zu.value = ?", g, tf, g);
			r = add(sql, cap, &off, expr, num);
			if (r >= 0 && g > 0) {
				snprintf(expr, sizeof(expr), " AND g%zu.block = g0.block", g);
				r = add(sql, cap, &off, expr, NULL);
			}
			g++;
		}
		if (r >= 0)
			r = field_sql(expr, sizeof(expr), f);
		if (r >= 0)
			r = add(sql, cap, &off, " AND ", expr);
		if (r >= 0)
			r = add(sql, cap, &off, " = ?", num);
	}
	if (r >= 0)
		r = add(sql, cap, &off, ntag ? " ORDER BY g0.block, t.pk" : " ORDER BY t.pk", NULL);
	if (r >= 0 && q->limit > 0) {
		snprintf(num, sizeof(num), "%d", ++p);
		r = add(sql, cap, &off, " LIMIT ?", num);
	}
	return r;
}

int64_t isms_evidence_list(struct isms_store *s, const struct isms_evidence_query *q,
			   isms_record_cb cb, void *userdata)
{
	const struct isms_entity *e = store_entity(s, "evidence");
	const char *values[QUERY_MAX_FIELDS];
	char sql[8192], err[256] = "";
	sqlite3_stmt *st = NULL;
	int64_t n = 0;
	int r, p = 3;

	if (!e || e->nfields > QUERY_MAX_FIELDS)
		return store_seterr(s, -EINVAL, "this store has no evidence to list");
	r = evidence_query_sql(e, q, sql, sizeof(sql), err, sizeof(err));
	if (r < 0)
		return store_seterr(s, r, "%s", err[0] ? err : "evidence query too long");
	r = store_prepare(s, sql, &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, q->after) != SQLITE_OK)
		r = -EIO;
	if (r >= 0 && q->since)
		r = store_bind_text(s, st, 2, q->since);
	if (r >= 0 && q->until)
		r = store_bind_text(s, st, 3, q->until);
	for (size_t i = 0; r >= 0 && i < q->nfilter; i++) {
		const struct isms_field *f = isms_entity_field(e, q->filter[i].name);

		/* An integer field (the id) compares as an integer, as it is stored. */
		if (f->type == ISMS_FT_INT) {
			int64_t v;

			if (!q->filter[i].value || isms_parse_int64(q->filter[i].value, &v) < 0) {
				r = store_seterr(s, -EINVAL, "%s: '%.64s' is not a number", f->name,
						 q->filter[i].value ? q->filter[i].value : "");
				break;
			}
			if (sqlite3_bind_int64(st, ++p, v) != SQLITE_OK)
				r = -EIO;
		} else {
			r = store_bind_text(s, st, ++p, q->filter[i].value);
		}
	}
	if (r >= 0 && q->limit > 0 && sqlite3_bind_int64(st, ++p, q->limit) != SQLITE_OK)
		r = -EIO;
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		for (size_t i = 0; i < e->nfields; i++)
			values[i] = (const char *)sqlite3_column_text(st, (int)i + 1);
		r = cb(e, values, userdata);
		if (r != 0)
			break;
		n++;
	}
	sqlite3_finalize(st);
	return r < 0 || r > 0 ? r : n;
}
