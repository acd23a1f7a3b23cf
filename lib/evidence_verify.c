/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verification of the evidence chain in the store: from the archive
 * boundary (genesis while nothing was archived) to the head, every row's
 * stored bytes against its hash and its link to the row before, then the
 * guards.  A large chain is walked in two halves at once, on two
 * connections: rows hash independently (each row carries its prev), and
 * the halves meet where the first half's last hash is the second half's
 * first prev.  Any failure is looked at again in one thread inside one
 * transaction, so that what is reported never depends on the split.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_internal.h"
#include "isms/evidence_schema.h"

#define GENESIS EVIDENCE_GENESIS
#define PARALLEL_MIN 200000 /* rows: below this a second connection costs more than it saves */

void evidence_walk_init(struct evidence_walk *w, int64_t after, const char *prev)
{
	memset(w, 0, sizeof(*w));
	w->expect_id = after + 1;
	memcpy(w->expect_prev, prev, ISMS_HASH_HEX);
}

/* A row whose personal fields do not match its digest(s): -EBADMSG with the reason. */
static int personal_mismatch(struct evidence_walk *w, int64_t id, const char *digests)
{
	w->first_bad = id;
	snprintf(w->reason, sizeof(w->reason),
		 "row %" PRId64 " was altered: its personal fields do not match their %s", id, digests);
	return -EBADMSG;
}

/*
 * A pseudonymised row (format 2 or 3, its salt gone): no details, and the
 * subject, if any, is '~' and the first 16 digits of its digest.
 */
static int pseudonymised_ok(struct evidence_walk *w, int64_t id, const char *const v[EV_NFIELDS],
			    const size_t len[EV_NFIELDS], const char *subject_d)
{
	if (v[EV_DETAILS] || (v[EV_SUBJECT] && (len[EV_SUBJECT] != 17 || v[EV_SUBJECT][0] != '~' ||
						memcmp(v[EV_SUBJECT] + 1, subject_d, 16) != 0))) {
		w->first_bad = id;
		snprintf(w->reason, sizeof(w->reason),
			 "row %" PRId64 " was altered: it was pseudonymised, but its subject is not"
			 " its pseudonym or its details are not removed", id);
		return -EBADMSG;
	}
	return 0;
}

/*
 * A format-2 row's personal fields: with its salt, they must match their
 * digests; without (pseudonymised), the details must be gone and the
 * subject be its pseudonym.  0, or -EBADMSG with the reason.
 */
static int personal_ok(struct evidence_walk *w, int64_t id, const char *const v[EV_NFIELDS],
		       const size_t len[EV_NFIELDS], const struct evidence_ext *x)
{
	char d[ISMS_HASH_HEX];
	int r;

	if (!x->subject_d || x->sdlen != 64 || !x->details_d || x->ddlen != 64)
		goto bad;
	if (x->salt) {
		r = evidence_personal_digest(x->salt, x->saltlen, id, "subject", v[EV_SUBJECT],
					     len[EV_SUBJECT], d);
		if (r < 0)
			return r;
		if (memcmp(d, x->subject_d, 64) != 0)
			goto bad;
		r = evidence_personal_digest(x->salt, x->saltlen, id, "details", v[EV_DETAILS],
					     len[EV_DETAILS], d);
		if (r < 0)
			return r;
		if (memcmp(d, x->details_d, 64) != 0)
			goto bad;
		return 0;
	}
	return pseudonymised_ok(w, id, v, len, x->subject_d);
bad:
	return personal_mismatch(w, id, "digests");
}

/*
 * A format-3 row's personal fields: with its batch's salt, subject and
 * details must match its digest; without (pseudonymised), the details must
 * be gone and the subject be its pseudonym.  0, or -EBADMSG with the reason.
 */
static int personal3_ok(struct evidence_walk *w, int64_t id, const char *const v[EV_NFIELDS],
			const size_t len[EV_NFIELDS], const struct evidence_ext *x)
{
	char d[EVIDENCE_PD_HEX];
	int r;

	if (!x->subject_d || x->sdlen != EVIDENCE_PD_HEX - 1 || x->details_d)
		goto bad;
	if (x->salt) {
		r = evidence_pd3(x->salt, x->saltlen, id, v[EV_SUBJECT], len[EV_SUBJECT],
				 v[EV_DETAILS], len[EV_DETAILS], d);
		if (r < 0)
			return r;
		if (memcmp(d, x->subject_d, EVIDENCE_PD_HEX - 1) != 0)
			goto bad;
		return 0;
	}
	return pseudonymised_ok(w, id, v, len, x->subject_d);
bad:
	return personal_mismatch(w, id, "digest");
}

int evidence_walk_row(struct evidence_walk *w, int64_t id, const char *const v[EV_NFIELDS],
		      const size_t len[EV_NFIELDS], const char *prev, size_t prevlen,
		      const char *stored, size_t storedlen, const struct evidence_ext *x)
{
	char hash[ISMS_HASH_HEX];
	int r;

	w->rows++;
	if (id != w->expect_id) {
		w->first_bad = id;
		if (id > w->expect_id)
			snprintf(w->reason, sizeof(w->reason),
				 "row %" PRId64 " follows row %" PRId64 ": rows were deleted", id,
				 w->expect_id - 1);
		else
			snprintf(w->reason, sizeof(w->reason),
				 "row %" PRId64 " is out of sequence (expected row %" PRId64 ")", id,
				 w->expect_id);
		return -EBADMSG;
	}
	if (!v[EV_RECORDED]) {
		w->first_bad = id;
		snprintf(w->reason, sizeof(w->reason),
			 "row %" PRId64 " was altered: a value is not text", id);
		return -EBADMSG;
	}
	/* Compared with hashes known to be hex: no separate check of the form.
	 * A format-3 row keeps no prev: the hash it follows is the walk's. */
	if (x && x->fmt == 3 ? !prev || prevlen != 0 :
	    !prev || prevlen != 64 || memcmp(prev, w->expect_prev, 64) != 0) {
		w->first_bad = id;
		snprintf(w->reason, sizeof(w->reason),
			 "row %" PRId64
			 " does not chain to the row before it: a row was inserted, deleted or altered",
			 id);
		return -EBADMSG;
	}
	if (x && x->fmt == 2) {
		const char *v2[EV_NFIELDS];
		size_t len2[EV_NFIELDS];

		r = personal_ok(w, id, v, len, x);
		if (r < 0)
			return r;
		memcpy(v2, v, sizeof(v2));
		memcpy(len2, len, sizeof(len2));
		v2[EV_SUBJECT] = x->subject_d;
		len2[EV_SUBJECT] = 64;
		v2[EV_DETAILS] = x->details_d;
		len2[EV_DETAILS] = 64;
		r = evidence_hash_fmt(2, w->expect_prev, 64, id, v2, len2, hash);
	} else if (x && x->fmt == 3) {
		const char *v3[EV_NFIELDS];
		size_t len3[EV_NFIELDS];

		r = personal3_ok(w, id, v, len, x);
		if (r < 0)
			return r;
		memcpy(v3, v, sizeof(v3));
		memcpy(len3, len, sizeof(len3));
		v3[EV_SUBJECT] = x->subject_d;
		len3[EV_SUBJECT] = EVIDENCE_PD_HEX - 1;
		v3[EV_DETAILS] = NULL;
		len3[EV_DETAILS] = 0;
		r = evidence_hash_fmt(3, w->expect_prev, 64, id, v3, len3, hash);
	} else if (x && x->fmt != 0) {
		w->first_bad = id;
		snprintf(w->reason, sizeof(w->reason),
			 "row %" PRId64 " was altered: its row format %" PRId64 " is not known", id,
			 x->fmt);
		return -EBADMSG;
	} else {
		r = evidence_hash_raw(w->expect_prev, 64, id, v, len, hash);
	}
	if (r < 0)
		return r;
	if (!stored || storedlen != 64 || memcmp(stored, hash, 64) != 0) {
		w->first_bad = id;
		/* A format-3 row names the row before only through its hash. */
		snprintf(w->reason, sizeof(w->reason),
			 x && x->fmt == 3 ? "row %" PRId64 " was altered, or does not chain to the"
					    " row before it: its content does not match its hash" :
					    "row %" PRId64 " was altered: its content does not match its hash",
			 id);
		return -EBADMSG;
	}
	memcpy(w->expect_prev, hash, sizeof(hash));
	w->expect_id++;
	return 0;
}

/* Walk rows (@from, @to] of @s or @db (a connection of its own). */
static int walk_rows(struct isms_store *s, sqlite3 *db, int64_t from, int64_t to,
		     struct evidence_walk *w)
{
	struct evidence_reader rd;
	struct evidence_row row;
	int r = evidence_reader_open(&rd, s, db, from, to);

	while (r >= 0 && (r = evidence_reader_next(&rd, &row)) == 1)
		r = evidence_walk_row(w, row.id, row.v, row.len, row.prev, row.prevlen, row.hash,
				      row.hashlen, &row.x);
	if (r == -EBADMSG && rd.reason[0]) {
		w->first_bad = rd.bad;
		snprintf(w->reason, sizeof(w->reason), "%s", rd.reason);
	}
	evidence_reader_close(&rd);
	return r < 0 ? r : 0;
}

/*
 * The second half, on its own read-only connection: from the stored hash
 * of its first row's predecessor (checked by the first half as its last).
 */
struct half {
	const char *path;
	int64_t from, to;
	struct evidence_walk w;
	int r;
};

static void *walk_half(void *arg)
{
	struct half *h = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	h->r = -EIO;
	if (sqlite3_open_v2(h->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT hash FROM evidence WHERE pk = ?1", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, h->from) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 0) != 64)
		goto out;
	evidence_walk_init(&h->w, h->from, (const char *)sqlite3_column_text(st, 0));
	memcpy(h->w.start_prev, h->w.expect_prev, ISMS_HASH_HEX);
	h->r = walk_rows(NULL, db, h->from, h->to, &h->w);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

/* The largest pk in the table, in this connection's snapshot (0 when empty). */
static int max_pk(struct isms_store *s, int64_t *ret)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT coalesce(max(pk), 0) FROM evidence", &st);

	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r == 1 ? 0 : r < 0 ? r : -EIO;
}

/*
 * The rows (@after, head], in one or two threads.  0 with @w at the end of
 * the chain, -EBADMSG with @w describing the first problem, -errno.
 */
static int walk_chain(struct isms_store *s, int64_t after, const char *prev, int64_t head_pk,
		      struct evidence_walk *w, bool parallel)
{
	struct half h = {.path = s->path};
	pthread_t tid;
	bool started = false;
	int64_t mid = head_pk;
	int r;

	evidence_walk_init(w, after, prev);
	/* The second connection reads up to the head this snapshot names, as
	 * writers may append meanwhile; rows past it here make the walk serial. */
	if (parallel && s->path && head_pk - after >= PARALLEL_MIN) {
		int64_t top = 0;

		r = max_pk(s, &top);
		if (r < 0)
			return r;
		if (top != head_pk)
			return -EAGAIN;
		mid = after + (head_pk - after) / 2;
		h.from = mid;
		h.to = head_pk;
		started = pthread_create(&tid, NULL, walk_half, &h) == 0;
		if (!started)
			mid = head_pk;
	}
	/* From the first row there is: one at or below the boundary is out of sequence. */
	r = walk_rows(s, NULL, INT64_MIN, started ? mid : INT64_MAX, w);
	if (!started)
		return r;
	pthread_join(tid, NULL);
	if (r < 0)
		return r;
	if (h.r < 0 || h.w.rows == 0)
		return -EAGAIN; /* the second half failed or saw nothing: look again, serially */
	/* The junction: the second half starts where the first ended. */
	if (h.w.rows && (memcmp(h.w.start_prev, w->expect_prev, 64) != 0 ||
			 h.w.expect_id - h.w.rows != w->expect_id))
		return -EAGAIN;
	w->rows += h.w.rows;
	w->expect_id = h.w.expect_id;
	memcpy(w->expect_prev, h.w.expect_prev, ISMS_HASH_HEX);
	return 0;
}

int isms_evidence_verify(struct isms_store *s, struct isms_verify_result *ret)
{
	char head_hash[ISMS_HASH_HEX], bhash[ISMS_HASH_HEX];
	struct evidence_walk w;
	int64_t head_pk, bpk;
	bool began;
	int r;

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->head, sizeof(ret->head), "%s", GENESIS);
	/* One read transaction: the head, the boundary and the rows agree. */
	began = sqlite3_get_autocommit(s->db);
	if (began && (r = store_exec(s, "BEGIN")) < 0)
		return r;
	r = evidence_read_head(s, &head_pk, head_hash);
	if (r >= 0)
		r = evidence_read_boundary(s, &bpk, bhash, NULL);
	if (r < 0)
		goto out;
	if (!bhash[0] || bpk < 0) {
		snprintf(ret->reason, sizeof(ret->reason), "the archive boundary record is damaged");
		r = -EBADMSG;
		goto out;
	}
	ret->archived = bpk;
	/* mmap: the pages are read without a copy into the page cache's copy */
	(void)store_exec(s, "PRAGMA mmap_size = 1073741824");
	r = walk_chain(s, bpk, bhash, head_pk, &w, true);
	if (r == -EAGAIN || r == -EBADMSG)
		r = walk_chain(s, bpk, bhash, head_pk, &w, false);
	ret->rows = w.rows;
	if (r < 0) {
		ret->first_bad = w.first_bad;
		snprintf(ret->reason, sizeof(ret->reason), "%s", w.reason);
		goto out;
	}
	snprintf(ret->head, sizeof(ret->head), "%s", w.expect_prev);
	if (head_pk != w.expect_id - 1 || strcmp(head_hash, w.expect_prev) != 0) {
		if (w.rows == 0 && bpk > head_pk)
			snprintf(ret->reason, sizeof(ret->reason),
				 "the archive boundary (row %" PRId64 ") is past the head (row %" PRId64
				 "): the head or the boundary was altered",
				 bpk, head_pk);
		else
			snprintf(ret->reason, sizeof(ret->reason),
				 "the chain ends at row %" PRId64 " but the head record names row %" PRId64
				 ": rows were deleted at the end, or the head was altered",
				 w.expect_id - 1, head_pk);
		/* Rows past the head are the first bad ones; rows missing at the
		 * end leave none to point at. */
		ret->first_bad = head_pk < w.expect_id - 1 ? head_pk + 1 : 0;
		r = -EBADMSG;
		goto out;
	}
	/* After the rows, so that an edit is named by its row; a chain read
	 * through a replaced table fails here all the same. */
	r = evidence_guards_intact(s, ret->reason, sizeof(ret->reason));
	if (r == 1)
		r = evidence_batches_within(s, head_pk, ret->reason, sizeof(ret->reason));
	if (r < 0)
		goto out;
	if (r == 0) {
		r = -EBADMSG;
		goto out;
	}
	r = evidence_verify_keyed(s, head_pk, head_hash, ret);
out:
	(void)store_exec(s, "PRAGMA mmap_size = 0");
	if (began)
		(void)store_exec(s, "COMMIT");
	return r;
}
