/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Append-only evidence, each row chained to the one before by SHA-256.
 * Triggers refuse UPDATE and DELETE; the chain and the head record make any
 * change that gets past them (by dropping the triggers) visible to verify.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/evp.h>

#include "evidence_internal.h"
#include "evidence_tag_internal.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/evidence_schema.h"
#include "isms/sha256.h"
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
static pthread_key_t sha256_ctx_key;
static bool sha256_key_ok;

static void ctx_free(void *p)
{
	EVP_MD_CTX_free(p);
}

static void sha256_fetch(void)
{
	/* Fetched once: EVP_sha256() would look the provider up on every call. */
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	sha256_key_ok = pthread_key_create(&sha256_ctx_key, ctx_free) == 0;
}

/*
 * One digest context per thread, kept: EVP_Digest() allocates and frees
 * one per call, a fifth of verify's time on rows of a few hundred bytes.
 */
static int sha256(const void *buf, size_t len, unsigned char md[EVP_MAX_MD_SIZE],
		  unsigned int *mdlen)
{
	EVP_MD_CTX *ctx = sha256_key_ok ? pthread_getspecific(sha256_ctx_key) : NULL;

	if (!ctx && sha256_key_ok) {
		ctx = EVP_MD_CTX_new();
		if (ctx && pthread_setspecific(sha256_ctx_key, ctx) != 0) {
			EVP_MD_CTX_free(ctx);
			ctx = NULL;
		}
	}
	if (!ctx)
		return EVP_Digest(buf, len, md, mdlen, sha256_md, NULL) == 1 ? 0 : -EIO;
	if (EVP_DigestInit_ex2(ctx, sha256_md, NULL) != 1 || EVP_DigestUpdate(ctx, buf, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, mdlen) != 1)
		return -EIO;
	return 0;
}

#define NHASHED (3 + EV_NFIELDS)
#define HASH_DOMAIN_V2 "isms-evidence-v2"
#define PERSONAL_DOMAIN "isms-personal-v1"
#define HASH_DOMAIN_V3 "isms-evidence-v3"
#define PERSONAL_DOMAIN_V3 "isms-personal-v3"

/* @id in decimal into @buf (24 bytes): its length.  By hand: this runs per row. */
static size_t id_digits(int64_t id, char *buf)
{
	char digits[24];
	size_t k = 0;
	uint64_t m = id < 0 ? (uint64_t)0 - (uint64_t)id : (uint64_t)id;

	do {
		digits[sizeof(digits) - 1 - k++] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (id < 0)
		digits[sizeof(digits) - 1 - k++] = '-';
	memcpy(buf, digits + sizeof(digits) - k, k);
	return k;
}

/*
 * SHA-256 in hex over @n fields, length-prefixed, in one buffer sized by a
 * bound (each prefix is at most 20 digits) and digested in one call.
 */
static int hash_fields(const char *const *fields, const size_t *lens, size_t n,
		       char out_hex[ISMS_HASH_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char stackbuf[8192], *buf = stackbuf;
	size_t need = 0, off = 0;
	int r = -EIO;

	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		need += lens[i] + 22;
	if (need > sizeof(stackbuf)) {
		buf = malloc(need);
		if (!buf)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		off = put_field(buf, off, need, fields[i], lens[i]);
	if (sha256(buf, off, md, &mdlen) == 0 && mdlen == 32) {
		isms_sha256_hex_digest(md, out_hex);
		r = 0;
	}
	if (buf != stackbuf)
		free(buf);
	return r;
}

int evidence_hash_fmt(int fmt, const char *prev, size_t prevlen, int64_t id,
		      const char *const v[EV_NFIELDS], const size_t len[EV_NFIELDS],
		      char out_hex[ISMS_HASH_HEX])
{
	const char *dom = fmt == 3 ? HASH_DOMAIN_V3 : fmt == 2 ? HASH_DOMAIN_V2 : HASH_DOMAIN;
	const char *fields[NHASHED] = {dom, prev};
	size_t lens[NHASHED] = {strlen(dom), prevlen};
	char idbuf[24];

	lens[2] = id_digits(id, idbuf);
	fields[2] = idbuf;
	for (size_t i = 0; i < EV_NFIELDS; i++) {
		fields[3 + i] = v[i];
		lens[3 + i] = v[i] ? len[i] : 0;
	}
	return hash_fields(fields, lens, NHASHED, out_hex);
}

int evidence_hash_raw(const char *prev, size_t prevlen, int64_t id,
		      const char *const v[EV_NFIELDS], const size_t len[EV_NFIELDS],
		      char out_hex[ISMS_HASH_HEX])
{
	return evidence_hash_fmt(1, prev, prevlen, id, v, len, out_hex);
}

int evidence_personal_digest(const char *salt, size_t saltlen, int64_t id, const char *name,
			     const char *value, size_t len, char out_hex[ISMS_HASH_HEX])
{
	const char *fields[5] = {PERSONAL_DOMAIN, salt, NULL, name, value};
	size_t lens[5] = {sizeof(PERSONAL_DOMAIN) - 1, saltlen, 0, strlen(name), value ? len : 0};
	char idbuf[24];

	lens[2] = id_digits(id, idbuf);
	fields[2] = idbuf;
	return hash_fields(fields, lens, 5, out_hex);
}

int evidence_salt(char out[EVIDENCE_SALT_HEX])
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = hexd[b[i] >> 4];
		out[2 * i + 1] = hexd[b[i] & 15];
	}
	out[32] = '\0';
	return 0;
}

int evidence_hash_v2(const char *prev, int64_t id, const char *recorded,
		     const struct isms_evidence *ev, const char *salt,
		     char subject_d[ISMS_HASH_HEX], char details_d[ISMS_HASH_HEX],
		     char out_hex[ISMS_HASH_HEX])
{
	const char *v[EV_NFIELDS] = {recorded,   ev->ts,      ev->source,  ev->kind,
				     ev->node,   ev->event_key, ev->control, ev->asset,
				     subject_d,  ev->outcome, details_d};
	size_t len[EV_NFIELDS];
	int r = evidence_personal_digest(salt, strlen(salt), id, "subject", ev->subject,
					 ev->subject ? strlen(ev->subject) : 0, subject_d);

	if (r >= 0)
		r = evidence_personal_digest(salt, strlen(salt), id, "details", ev->details,
					     ev->details ? strlen(ev->details) : 0, details_d);
	if (r < 0)
		return r;
	for (size_t i = 0; i < EV_NFIELDS; i++)
		len[i] = v[i] ? strlen(v[i]) : 0;
	return evidence_hash_fmt(2, prev, strlen(prev), id, v, len, out_hex);
}

int evidence_pd3(const char *salt, size_t saltlen, int64_t id, const char *subject, size_t slen,
		 const char *details, size_t dlen, char out[EVIDENCE_PD_HEX])
{
	const char *fields[5] = {PERSONAL_DOMAIN_V3, salt, NULL, subject, details};
	size_t lens[5] = {sizeof(PERSONAL_DOMAIN_V3) - 1, saltlen, 0, subject ? slen : 0,
			  details ? dlen : 0};
	char idbuf[24], hex[ISMS_HASH_HEX];
	int r;

	lens[2] = id_digits(id, idbuf);
	fields[2] = idbuf;
	r = hash_fields(fields, lens, 5, hex);
	if (r < 0)
		return r;
	/* 128 bits: what a forger would have to match, with the salt in hand. */
	memcpy(out, hex, EVIDENCE_PD_HEX - 1);
	out[EVIDENCE_PD_HEX - 1] = '\0';
	return 0;
}

int evidence_hash_v3(const char *prev, int64_t id, const char *recorded,
		     const struct isms_evidence *ev, const char *salt, char pd[EVIDENCE_PD_HEX],
		     char out_hex[ISMS_HASH_HEX])
{
	const char *v[EV_NFIELDS] = {recorded, ev->ts,         ev->source,  ev->kind,
				     ev->node, ev->event_key, ev->control, ev->asset,
				     pd,       ev->outcome,   NULL};
	size_t len[EV_NFIELDS];
	int r = evidence_pd3(salt, strlen(salt), id, ev->subject,
			     ev->subject ? strlen(ev->subject) : 0, ev->details,
			     ev->details ? strlen(ev->details) : 0, pd);

	if (r < 0)
		return r;
	for (size_t i = 0; i < EV_NFIELDS; i++)
		len[i] = v[i] ? strlen(v[i]) : 0;
	return evidence_hash_fmt(3, prev, strlen(prev), id, v, len, out_hex);
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

/*
 * A format-3 row (evidence_raw.c): no details, prev or salt in the row (the
 * walk takes the row before's hash), its personal digest, and its details
 * in a batch of its own.
 */
static int insert_row(struct isms_store *s, int64_t id, const char *recorded,
		      const struct isms_evidence *ev, const char *hash, const char *pd)
{
	const char *vals[] = {recorded, ev->ts,      ev->source,  ev->kind,
			      ev->node, ev->event_key, ev->control, ev->asset,
			      ev->subject, ev->outcome, hash,       pd};
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "INSERT INTO evidence (pk, recorded, ts, source, kind, node, event_key,"
			      " control, asset, subject, outcome, details, prev, hash, fmt, psalt,"
			      " subject_d, details_d) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			      " ?10, ?11, NULL, '', ?12, 3, NULL, ?13, NULL)",
			      &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		r = -EIO;
	for (size_t i = 0; r >= 0 && i < sizeof(vals) / sizeof(vals[0]); i++)
		r = store_bind_text(s, st, (int)i + 2, vals[i]);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r >= 0)
		r = evidence_tags_add(s, NULL, id, ev);
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
	struct evidence_batch b = {0};
	char pd[EVIDENCE_PD_HEX];
	struct isms_evidence e = *ev;
	int64_t last;
	int r;

	r = evidence_check(s, ev, tsbuf, sizeof(tsbuf), &e.ts);
	if (r < 0)
		return r;
	isms_date_format(time(NULL), recorded, sizeof(recorded));
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
	r = evidence_batch_start(&b, last + 1);
	if (r >= 0)
		r = evidence_hash_v3(prev, last + 1, recorded, &e, b.salt, pd, hash);
	if (r >= 0)
		r = insert_row(s, last + 1, recorded, &e, hash, pd);
	if (r >= 0)
		r = evidence_batch_add(&b, e.details);
	if (r >= 0)
		r = evidence_batch_flush(s, &b);
	evidence_batch_free(&b);
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
