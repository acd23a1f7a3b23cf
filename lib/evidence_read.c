/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Evidence rows as verify and archive read them: every stored byte of a
 * row, and for a format-3 row its details from its batch.  Batches follow
 * the rows: each one found must start past the one before, and a format-3
 * row outside every batch, or a batch that does not inflate to exactly its
 * rows, fails the row (a deleted or damaged batch is an altered row).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "evidence_internal.h"

#define SELECT_ROWS                                                                            \
	"SELECT pk, recorded, ts, source, kind, node, event_key, control, asset,"              \
	" subject, outcome, details, prev, hash, fmt, psalt, subject_d, details_d FROM evidence" \
	" WHERE pk > ?1 AND pk <= ?2 ORDER BY pk"
/* From the batch holding row @from + 1 (it may start before it) to the last row. */
#define SELECT_BATCHES                                                                         \
	"SELECT pk, n, salt, z FROM evidence_raw WHERE pk >= coalesce((SELECT max(pk)"         \
	" FROM evidence_raw WHERE pk <= ?1 + 1), 0) AND pk <= ?2 ORDER BY pk"

static int prep(struct evidence_reader *rd, sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (rd->s)
		return store_prepare(rd->s, sql, st);
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -EIO;
}

static int step(struct evidence_reader *rd, sqlite3_stmt *st)
{
	int rc;

	if (rd->s)
		return store_step_row(rd->s, st);
	rc = sqlite3_step(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -EIO;
}

int evidence_reader_open(struct evidence_reader *rd, struct isms_store *s, sqlite3 *db,
			 int64_t from, int64_t to)
{
	int r;

	memset(rd, 0, sizeof(*rd));
	rd->s = s;
	r = prep(rd, db, SELECT_ROWS, &rd->rows);
	if (r >= 0)
		r = prep(rd, db, SELECT_BATCHES, &rd->raw);
	for (int i = 0; r >= 0 && i < 2; i++) {
		sqlite3_stmt *st = i ? rd->raw : rd->rows;

		if (sqlite3_bind_int64(st, 1, from) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 2, to) != SQLITE_OK)
			r = -EIO;
	}
	if (r < 0)
		evidence_reader_close(rd);
	return r;
}

void evidence_reader_close(struct evidence_reader *rd)
{
	sqlite3_finalize(rd->rows);
	sqlite3_finalize(rd->raw);
	evidence_raw_free(&rd->b);
	rd->rows = rd->raw = NULL;
}

static int bad_row(struct evidence_reader *rd, int64_t id, const char *why)
{
	rd->bad = id;
	snprintf(rd->reason, sizeof(rd->reason), "row %" PRId64 " was altered: %s", id, why);
	return -EBADMSG;
}

/* Row @id's batch loaded: 0, -EBADMSG (reason kept), -errno. */
static int batch_for(struct evidence_reader *rd, int64_t id)
{
	int r;

	while (!rd->have_batch || id >= rd->b.pk + rd->b.n) {
		int64_t pk, n;

		r = step(rd, rd->raw);
		if (r < 0)
			return r;
		if (r == 0)
			return bad_row(rd, id, "its details batch is missing");
		pk = sqlite3_column_int64(rd->raw, 0);
		n = sqlite3_column_int64(rd->raw, 1);
		if (rd->have_batch && pk < rd->batch_end)
			return bad_row(rd, id, "its details batch overlaps the one before");
		r = evidence_raw_load(&rd->b, pk, n, (const char *)sqlite3_column_text(rd->raw, 2),
				      (size_t)sqlite3_column_bytes(rd->raw, 2),
				      sqlite3_column_blob(rd->raw, 3),
				      (size_t)sqlite3_column_bytes(rd->raw, 3));
		rd->have_batch = r == 0;
		if (r == -EBADMSG)
			return bad_row(rd, id, "its details batch is damaged");
		if (r < 0)
			return r;
		rd->batch_end = pk + n;
	}
	if (id < rd->b.pk)
		return bad_row(rd, id, "its details batch is missing");
	return 0;
}

#define COL(i) ((const char *)sqlite3_column_text(st, (i)))

/*
 * Column types need no check per row: the table is STRICT with TEXT
 * columns (verify's guards make sure), so every value is text or NULL.
 */
int evidence_reader_next(struct evidence_reader *rd, struct evidence_row *row)
{
	sqlite3_stmt *st = rd->rows;
	struct evidence_ext *x = &row->x;
	int r = step(rd, st);

	if (r <= 0)
		return r;
	row->id = sqlite3_column_int64(st, 0);
	/* Text first, then its length: the order SQLite documents. */
	for (int i = 0; i < EV_NFIELDS; i++) {
		row->v[i] = COL(i + 1);
		row->len[i] = (size_t)sqlite3_column_bytes(st, i + 1);
	}
	row->prev = COL(12);
	row->prevlen = (size_t)sqlite3_column_bytes(st, 12);
	row->hash = COL(13);
	row->hashlen = (size_t)sqlite3_column_bytes(st, 13);
	memset(x, 0, sizeof(*x));
	if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
		x->fmt = sqlite3_column_int64(st, 14);
		x->fmt = x->fmt ? x->fmt : -1;
	}
	x->salt = COL(15);
	x->saltlen = (size_t)sqlite3_column_bytes(st, 15);
	x->subject_d = COL(16);
	x->sdlen = (size_t)sqlite3_column_bytes(st, 16);
	x->details_d = COL(17);
	x->ddlen = (size_t)sqlite3_column_bytes(st, 17);
	if (!x->fmt && (x->salt || x->subject_d || x->details_d))
		x->fmt = -1; /* format 1 with format-2 columns: not a row made */
	if (x->fmt == 3) {
		/* Its details and salt live in its batch, never in the row. */
		if (row->v[EV_DETAILS] || x->salt)
			return bad_row(rd, row->id, "its details or salt are in the row");
		r = batch_for(rd, row->id);
		if (r < 0)
			return r;
		r = evidence_raw_entry(&rd->b, row->id, &row->v[EV_DETAILS], &row->len[EV_DETAILS]);
		if (r < 0)
			return bad_row(rd, row->id, "its details batch is missing");
		if (rd->b.has_salt) {
			x->salt = rd->b.salt;
			x->saltlen = 32;
		}
	}
	return 1;
}
