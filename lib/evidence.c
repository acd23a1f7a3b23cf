/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Append-only evidence, each row chained to the one before by SHA-256.
 * Triggers refuse UPDATE and DELETE; the chain and the head record make any
 * change that gets past them (by dropping the triggers) visible to verify.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "evidence_internal.h"
#include "isms/evidence_schema.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "store_internal.h"
#include "isms/strutil.h"

#define GENESIS EVIDENCE_GENESIS
#define HASH_DOMAIN "isms-evidence-v1"

/*
 * The serialisation hashed: each field length-prefixed ("N:bytes;"), NULL as
 * "-;" (distinct from the empty string), after a domain tag, the previous
 * hash and the row id.  The lengths are the stored bytes' (verify takes them
 * from sqlite3_column_bytes()), never strlen(): a NUL added to a field must
 * change the hash.  Built in one buffer and digested in one call: this runs
 * for every row a collector stores.
 */
static size_t put_field(char *buf, size_t off, size_t cap, const char *v, size_t n)
{
	char digits[24];
	size_t k = 0, m = n;

	if (!v) {
		if (off + 2 <= cap)
			memcpy(buf + off, "-;", 2);
		return off + 2;
	}
	/* The length in decimal, by hand: snprintf here was a tenth of a collector's time. */
	do {
		digits[sizeof(digits) - 1 - k++] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (off + k + 1 + n + 1 <= cap) {
		memcpy(buf + off, digits + sizeof(digits) - k, k);
		buf[off + k] = ':';
		memcpy(buf + off + k + 1, v, n);
		buf[off + k + 1 + n] = ';';
	}
	return off + k + 1 + n + 1;
}

static const EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	/* Fetched once: EVP_sha256() would look the provider up on every call. */
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

#define NHASHED (3 + EV_NFIELDS)

int evidence_hash_raw(const char *prev, size_t prevlen, int64_t id,
		      const char *const v[EV_NFIELDS], const size_t len[EV_NFIELDS],
		      char out_hex[ISMS_HASH_HEX])
{
	static const char hexd[] = "0123456789abcdef";
	const char *fields[NHASHED] = {HASH_DOMAIN, prev};
	size_t lens[NHASHED] = {sizeof(HASH_DOMAIN) - 1, prevlen};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char idbuf[32], stackbuf[8192], *buf = stackbuf;
	size_t need = 0, off = 0;
	int r = -EIO;

	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md)
		return -EIO;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	fields[2] = idbuf;
	lens[2] = strlen(idbuf);
	for (size_t i = 0; i < EV_NFIELDS; i++) {
		fields[3 + i] = v[i];
		lens[3 + i] = v[i] ? len[i] : 0;
	}
	for (size_t i = 0; i < NHASHED; i++)
		need = put_field(NULL, need, 0, fields[i], lens[i]);
	if (need > sizeof(stackbuf)) {
		buf = malloc(need);
		if (!buf)
			return -ENOMEM;
	}
	for (size_t i = 0; i < NHASHED; i++)
		off = put_field(buf, off, need, fields[i], lens[i]);
	if (EVP_Digest(buf, need, md, &mdlen, sha256_md, NULL) == 1 && mdlen == 32) {
		for (unsigned i = 0; i < mdlen; i++) {
			out_hex[2 * i] = hexd[md[i] >> 4];
			out_hex[2 * i + 1] = hexd[md[i] & 15];
		}
		out_hex[64] = '\0';
		r = 0;
	}
	if (buf != stackbuf)
		free(buf);
	return r;
}

int isms_evidence_hash(const char *prev_hex, int64_t id, const char *recorded,
		       const struct isms_evidence *ev, char out_hex[ISMS_HASH_HEX])
{
	const char *v[EV_NFIELDS] = {recorded,   ev->ts,      ev->source,  ev->kind,
				     ev->node,   ev->event_key, ev->control, ev->asset,
				     ev->subject, ev->outcome, ev->details};
	size_t len[EV_NFIELDS];

	for (size_t i = 0; i < EV_NFIELDS; i++)
		len[i] = v[i] ? strlen(v[i]) : 0;
	return evidence_hash_raw(prev_hex, strlen(prev_hex), id, v, len, out_hex);
}

int evidence_ts(const char *ts, char *buf, size_t len, const char **ret_ts)
{
	size_t n;

	if (!ts) {
		*ret_ts = NULL;
		return 0;
	}
	/*
	 * Canonical already (what every collector writes: 'T', seconds, 'Z'):
	 * parsed, not rewritten, on the collectors' path.
	 */
	n = strlen(ts);
	if (n >= 20 && ts[10] == 'T' && ts[16] == ':' && ts[n - 1] == 'Z') {
		int64_t t;

		if (isms_date_parse(ts, &t, NULL) < 0)
			return -EINVAL;
		*ret_ts = ts;
		return 0;
	}
	if (isms_date_canon(ts, buf, len) < 0)
		return -EINVAL;
	*ret_ts = buf;
	return 0;
}

static int key_exists(struct isms_store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT 1 FROM evidence WHERE event_key = ?1", &st);

	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	sqlite3_finalize(st);
	return r;
}

int evidence_read_head(struct isms_store *s, int64_t *ret_pk, char hash[ISMS_HASH_HEX])
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT last_pk, last_hash FROM evidence_head WHERE one = 1", &st);

	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOTRECOVERABLE, "the evidence head record is missing");
	if (r == 1) {
		const char *h = (const char *)sqlite3_column_text(st, 1);

		*ret_pk = sqlite3_column_int64(st, 0);
		/* Whole bytes only: a hash with a NUL after it must not read as the hash. */
		if (h && sqlite3_column_bytes(st, 1) == ISMS_HASH_HEX - 1)
			memcpy(hash, h, ISMS_HASH_HEX);
		else
			hash[0] = '\0';
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

static int insert_row(struct isms_store *s, int64_t id, const char *recorded,
		      const struct isms_evidence *ev, const char *prev, const char *hash)
{
	const char *vals[] = {recorded,    ev->ts,      ev->source,  ev->kind,
			      ev->node,    ev->event_key, ev->control, ev->asset,
			      ev->subject, ev->outcome, ev->details, prev, hash};
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "INSERT INTO evidence (pk, recorded, ts, source, kind, node, event_key,"
			      " control, asset, subject, outcome, details, prev, hash)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
			      &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		r = -EIO;
	for (size_t i = 0; r >= 0 && i < sizeof(vals) / sizeof(vals[0]); i++)
		r = store_bind_text(s, st, (int)i + 2, vals[i]);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	st = NULL;
	r = store_prepare(s, "UPDATE evidence_head SET last_pk = ?1, last_hash = ?2 WHERE one = 1",
			  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(s, st, 2, hash);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

int isms_evidence_append(struct isms_store *s, const struct isms_evidence *ev, int64_t *ret_id)
{
	char prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX], recorded[32], tsbuf[ISMS_DATE_MAX];
	struct isms_evidence e = *ev;
	int64_t last;
	int r;

	r = evidence_check(s, ev, tsbuf, sizeof(tsbuf), &e.ts);
	if (r < 0)
		return r;
	isms_format_utc(time(NULL), recorded, sizeof(recorded));
	if (!e.ts)
		e.ts = recorded;
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	if (e.event_key) {
		r = key_exists(s, e.event_key);
		if (r == 1)
			r = store_seterr(s, -EALREADY, "evidence '%.128s' is already stored",
					 e.event_key);
		if (r < 0)
			goto fail;
	}
	r = evidence_read_head(s, &last, prev);
	if (r >= 0)
		r = evidence_head_holds(s, last, prev);
	if (r < 0)
		goto fail;
	r = isms_evidence_hash(prev, last + 1, recorded, &e, hash);
	if (r < 0)
		goto fail;
	r = insert_row(s, last + 1, recorded, &e, prev, hash);
	if (r < 0)
		goto fail;
	r = evidence_seal_head(s, last + 1, hash);
	if (r < 0)
		goto fail;
	r = isms_store_commit(s);
	if (r < 0)
		return r;
	if (ret_id)
		*ret_id = last + 1;
	return 0;
fail:
	isms_store_rollback(s);
	return r;
}

#define COL(i) ((const char *)sqlite3_column_text(st, (i)))

/*
 * The guards of the chain, exactly as the migrations made them: the two
 * tables are tables (not views over something else), the append-only
 * triggers have their full text (the same names with empty bodies guard
 * nothing), and no other trigger sits on either table (one that drops new
 * rows with RAISE(IGNORE) hides evidence before it is chained).
 * 1 when all is as made, 0 with @reason filled in, or -errno.
 */
static int guards_intact(struct isms_store *s, char *reason, size_t len)
{
	static const struct {
		const char *type, *name, *sql;
	} want[] = {
		{"table", "evidence", NULL},
		{"table", "evidence_head", NULL},
		{"trigger", "evidence_no_update", ISMS_EVIDENCE_TRIGGER_NO_UPDATE},
		{"trigger", "evidence_no_delete", ISMS_EVIDENCE_TRIGGER_NO_DELETE},
	};
	bool seen[sizeof(want) / sizeof(want[0])] = {false};
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "SELECT type, name, sql FROM sqlite_master WHERE name IN"
			      " ('evidence', 'evidence_head', 'evidence_no_update', 'evidence_no_delete')"
			      " OR (type = 'trigger' AND tbl_name IN ('evidence', 'evidence_head'))",
			      &st);

	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *sql = (const char *)sqlite3_column_text(st, 2);
		size_t sqllen = (size_t)sqlite3_column_bytes(st, 2);
		size_t k;

		for (k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			if (name && strcmp(name, want[k].name) == 0)
				break;
		if (k == sizeof(want) / sizeof(want[0])) {
			snprintf(reason, len, "an unexpected trigger '%.64s' sits on the evidence tables",
				 name ? name : "?");
			r = 0;
			break;
		}
		if (!type || strcmp(type, want[k].type) != 0 ||
		    (want[k].sql && (!sql || sqllen != strlen(want[k].sql) ||
				     memcmp(sql, want[k].sql, sqllen) != 0))) {
			snprintf(reason, len,
				 "the append-only %s '%s' was replaced: its definition is not the one made",
				 want[k].type, want[k].name);
			r = 0;
			break;
		}
		seen[k] = true;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	if (r == 0 && reason[0])
		return 0;
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		if (!seen[k]) {
			snprintf(reason, len, "the append-only triggers on evidence were removed ('%s' is missing)",
				 want[k].name);
			return 0;
		}
	}
	return 1;
}

/* Text or NULL, as every column but the pk is; a BLOB compares unlike text in SQL. */
static bool text_or_null(sqlite3_stmt *st, int i)
{
	int t = sqlite3_column_type(st, i);

	return t == SQLITE_TEXT || t == SQLITE_NULL;
}

static bool is_hash(const char *h, size_t n)
{
	if (!h || n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

int isms_evidence_verify(struct isms_store *s, struct isms_verify_result *ret)
{
	char expect_prev[ISMS_HASH_HEX] = GENESIS, hash[ISMS_HASH_HEX], head_hash[ISMS_HASH_HEX];
	sqlite3_stmt *st = NULL;
	int64_t expect_id = 1, head_pk;
	int r;

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->head, sizeof(ret->head), "%s", GENESIS);
	r = store_prepare(s,
			  "SELECT pk, recorded, ts, source, kind, node, event_key, control, asset,"
			  " subject, outcome, details, prev, hash FROM evidence ORDER BY pk",
			  &st);
	if (r < 0)
		return r;
	while ((r = store_step_row(s, st)) == 1) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *v[EV_NFIELDS], *prev, *stored;
		size_t len[EV_NFIELDS], prevlen, storedlen;
		bool types_ok = sqlite3_column_type(st, 0) == SQLITE_INTEGER;

		/* Text first, then its length: the order SQLite documents. */
		for (int i = 0; i < EV_NFIELDS; i++) {
			types_ok = types_ok && text_or_null(st, i + 1);
			v[i] = COL(i + 1);
			len[i] = (size_t)sqlite3_column_bytes(st, i + 1);
		}
		prev = COL(12);
		prevlen = (size_t)sqlite3_column_bytes(st, 12);
		stored = COL(13);
		storedlen = (size_t)sqlite3_column_bytes(st, 13);
		ret->rows++;
		if (id != expect_id) {
			ret->first_bad = id;
			if (id > expect_id)
				snprintf(ret->reason, sizeof(ret->reason),
					 "row %" PRId64 " follows row %" PRId64 ": rows were deleted",
					 id, expect_id - 1);
			else
				snprintf(ret->reason, sizeof(ret->reason),
					 "row %" PRId64 " is out of sequence (expected row %" PRId64 ")",
					 id, expect_id);
			r = -EBADMSG;
			goto out;
		}
		if (!types_ok || !v[EV_RECORDED]) {
			ret->first_bad = id;
			snprintf(ret->reason, sizeof(ret->reason),
				 "row %" PRId64 " was altered: a value is not text", id);
			r = -EBADMSG;
			goto out;
		}
		if (!is_hash(prev, prevlen) || memcmp(prev, expect_prev, 64) != 0) {
			ret->first_bad = id;
			snprintf(ret->reason, sizeof(ret->reason),
				 "row %" PRId64 " does not chain to the row before it: a row was inserted, deleted or altered",
				 id);
			r = -EBADMSG;
			goto out;
		}
		r = evidence_hash_raw(expect_prev, 64, id, v, len, hash);
		if (r < 0)
			goto out;
		if (!is_hash(stored, storedlen) || memcmp(stored, hash, 64) != 0) {
			ret->first_bad = id;
			snprintf(ret->reason, sizeof(ret->reason),
				 "row %" PRId64 " was altered: its content does not match its hash", id);
			r = -EBADMSG;
			goto out;
		}
		memcpy(expect_prev, hash, sizeof(hash));
		expect_id++;
	}
	if (r < 0)
		goto out;
	snprintf(ret->head, sizeof(ret->head), "%s", expect_prev);
	r = evidence_read_head(s, &head_pk, head_hash);
	if (r < 0)
		goto out;
	if (head_pk != expect_id - 1 || strcmp(head_hash, expect_prev) != 0) {
		snprintf(ret->reason, sizeof(ret->reason),
			 "the chain ends at row %" PRId64 " but the head record names row %" PRId64
			 ": rows were deleted at the end, or the head was altered",
			 expect_id - 1, head_pk);
		/* Rows past the head are the first bad ones; rows missing at the
		 * end leave none to point at. */
		ret->first_bad = head_pk < expect_id - 1 ? head_pk + 1 : 0;
		r = -EBADMSG;
		goto out;
	}
	/* After the rows, so that an edit is named by its row; a chain read
	 * through a replaced table fails here all the same. */
	r = guards_intact(s, ret->reason, sizeof(ret->reason));
	if (r < 0)
		goto out;
	if (r == 0) {
		r = -EBADMSG;
		goto out;
	}
	r = evidence_verify_keyed(s, head_pk, head_hash, ret);
out:
	sqlite3_finalize(st);
	return r;
}
