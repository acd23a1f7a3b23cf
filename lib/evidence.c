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

#include "isms/evidence.h"
#include "isms/json.h"
#include "store_internal.h"
#include "strutil.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define HASH_DOMAIN "isms-evidence-v1"

/*
 * The serialisation hashed: each field length-prefixed ("N:text;"), NULL as
 * "-;" (distinct from the empty string), after a domain tag, the previous
 * hash and the row id.  Built in one buffer and digested in one call: this
 * runs for every row a collector stores.
 */
static size_t put_field(char *buf, size_t off, size_t cap, const char *v)
{
	char digits[24];
	size_t n, k = 0;

	if (!v) {
		if (off + 2 <= cap)
			memcpy(buf + off, "-;", 2);
		return off + 2;
	}
	n = strlen(v);
	/* The length in decimal, by hand: snprintf here was a tenth of a collector's time. */
	do {
		digits[sizeof(digits) - 1 - k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	n = strlen(v);
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

int isms_evidence_hash(const char *prev_hex, int64_t id, const char *recorded,
		       const struct isms_evidence *ev, char out_hex[ISMS_HASH_HEX])
{
	const char *fields[] = {HASH_DOMAIN, prev_hex, NULL, recorded, ev->ts,
				ev->source, ev->kind, ev->node, ev->event_key,
				ev->control, ev->asset, ev->subject, ev->outcome, ev->details};
	static const char hexd[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char idbuf[32], stackbuf[8192], *buf = stackbuf;
	size_t need = 0;
	int r = -EIO;

	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md)
		return -EIO;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	fields[2] = idbuf;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		need = put_field(NULL, need, 0, fields[i]);
	if (need > sizeof(stackbuf)) {
		buf = malloc(need);
		if (!buf)
			return -ENOMEM;
	}
	{
		size_t off = 0;

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			off = put_field(buf, off, need, fields[i]);
	}
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

static int check_text(struct isms_store *s, const char *name, const char *v, bool required)
{
	if (!v) {
		if (required)
			return store_seterr(s, -EINVAL, "evidence: %s is required", name);
		return 0;
	}
	if (strlen(v) > ISMS_VALUE_MAX * 16 || !isms_text_ok(v))
		return store_seterr(s, -EINVAL,
				    "evidence: %s is too long or has control characters", name);
	return 0;
}

static int validate(struct isms_store *s, const struct isms_evidence *ev)
{
	int r = 0;

	r = check_text(s, "source", ev->source, true);
	if (r >= 0)
		r = check_text(s, "kind", ev->kind, true);
	if (r >= 0)
		r = check_text(s, "ts", ev->ts, false);
	if (r >= 0)
		r = check_text(s, "node", ev->node, false);
	if (r >= 0)
		r = check_text(s, "event_key", ev->event_key, false);
	if (r >= 0)
		r = check_text(s, "control", ev->control, false);
	if (r >= 0)
		r = check_text(s, "asset", ev->asset, false);
	if (r >= 0)
		r = check_text(s, "subject", ev->subject, false);
	if (r >= 0)
		r = check_text(s, "outcome", ev->outcome, false);
	if (r >= 0)
		r = check_text(s, "details", ev->details, false);
	if (r >= 0 && ev->details) {
		struct isms_json_error jerr;

		/* Strict JSON, as every reader of the exported evidence expects:
		 * no comments, no single quotes, no name given twice. */
		r = isms_json_check(ev->details, strlen(ev->details), NULL, &jerr);
		if (r == -EINVAL || r == -EFBIG)
			r = store_seterr(s, -EINVAL, "evidence: details are not valid JSON (%s at %s)",
					 jerr.msg, jerr.path);
	}
	return r;
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

static int read_head(struct isms_store *s, int64_t *ret_pk, char hash[ISMS_HASH_HEX])
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
		snprintf(hash, ISMS_HASH_HEX, "%s", h ? h : "");
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
	char prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX], recorded[32];
	struct isms_evidence e = *ev;
	int64_t last;
	int r;

	r = validate(s, ev);
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
	r = read_head(s, &last, prev);
	if (r < 0)
		goto fail;
	r = isms_evidence_hash(prev, last + 1, recorded, &e, hash);
	if (r < 0)
		goto fail;
	r = insert_row(s, last + 1, recorded, &e, prev, hash);
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

static int triggers_present(struct isms_store *s)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN"
			      " ('evidence_no_update', 'evidence_no_delete')",
			      &st);

	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		r = sqlite3_column_int(st, 0) == 2;
	sqlite3_finalize(st);
	return r;
}

#define COL(i) ((const char *)sqlite3_column_text(st, (i)))

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
		struct isms_evidence ev = {
			.ts = COL(2), .source = COL(3), .kind = COL(4), .node = COL(5),
			.event_key = COL(6), .control = COL(7), .asset = COL(8),
			.subject = COL(9), .outcome = COL(10), .details = COL(11),
		};
		const char *prev = COL(12), *stored = COL(13);

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
		if (!prev || strcmp(prev, expect_prev) != 0) {
			ret->first_bad = id;
			snprintf(ret->reason, sizeof(ret->reason),
				 "row %" PRId64 " does not chain to the row before it: a row was inserted, deleted or altered",
				 id);
			r = -EBADMSG;
			goto out;
		}
		r = isms_evidence_hash(expect_prev, id, COL(1) ? COL(1) : "", &ev, hash);
		if (r < 0)
			goto out;
		if (!stored || strcmp(stored, hash) != 0) {
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
	r = read_head(s, &head_pk, head_hash);
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
	r = triggers_present(s);
	if (r == 0) {
		snprintf(ret->reason, sizeof(ret->reason),
			 "the append-only triggers on evidence were removed");
		r = -EBADMSG;
		goto out;
	}
	if (r > 0)
		r = 0;
out:
	sqlite3_finalize(st);
	return r;
}
