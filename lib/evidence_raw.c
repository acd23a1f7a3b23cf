/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Row format 3: the details of evidence rows kept apart, batched and
 * compressed (table evidence_raw, one row per batch of consecutive evidence
 * rows: the first row's pk, how many, the batch's salt, the zlib stream of
 * the details).  A stored event's raw records are most of its bytes and
 * much alike from one event to the next: compressed together they take a
 * fraction of their text.  Each evidence row keeps one salted digest of its
 * personal fields (subject, details) that the chain hash covers, so that a
 * change to any byte of the batch fails verify on the row it belongs to,
 * and a whole batch can give way to pseudonyms (its salt and stream
 * removed) without breaking the chain.
 *
 * The stream: per row, 4 bytes (little-endian) of the details' length plus
 * one (0: NULL), then the bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <zlib.h>

#include "evidence_internal.h"

/* Fast: level 6 saves a quarter of the stream (11 bytes an event of the
 * benchmark log) for a tenth more of the collector's CPU. */
#define ZLEVEL 1

static int grow(unsigned char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 16384;
	unsigned char *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*buf, c);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = c;
	return 0;
}

/* --- writing ------------------------------------------------------------------- */

int evidence_batch_start(struct evidence_batch *b, int64_t first)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	for (size_t i = 0; i < sizeof(r); i++) {
		b->salt[2 * i] = hexd[r[i] >> 4];
		b->salt[2 * i + 1] = hexd[r[i] & 15];
	}
	b->salt[32] = '\0';
	explicit_bzero(r, sizeof(r));
	b->first = first;
	b->n = 0;
	b->len = 0;
	return 0;
}

int evidence_batch_add(struct evidence_batch *b, const char *details)
{
	size_t n = details ? strlen(details) : 0;
	uint32_t k = details ? (uint32_t)n + 1 : 0;
	int r = grow(&b->buf, &b->cap, b->len + 4 + n);

	if (r < 0)
		return r;
	for (int i = 0; i < 4; i++)
		b->buf[b->len + (size_t)i] = (unsigned char)(k >> (8 * i));
	if (n)
		memcpy(b->buf + b->len + 4, details, n);
	b->len += 4 + n;
	b->n++;
	return 0;
}

bool evidence_batch_full(const struct evidence_batch *b)
{
	return b->n >= EVIDENCE_BATCH_ROWS || b->len >= EVIDENCE_BATCH_BYTES;
}

int evidence_batch_flush(struct isms_store *s, struct evidence_batch *b)
{
	sqlite3_stmt *st = NULL;
	uLongf zlen;
	unsigned char *z;
	int r;

	if (b->n == 0)
		return 0;
	zlen = compressBound((uLong)b->len);
	z = malloc(zlen);
	if (!z)
		return -ENOMEM;
	if (compress2(z, &zlen, b->buf, (uLong)b->len, ZLEVEL) != Z_OK) {
		free(z);
		return -EIO;
	}
	r = store_prepare(s, "INSERT INTO evidence_raw (pk, n, salt, z) VALUES (?1, ?2, ?3, ?4)",
			  &st);
	if (r >= 0 && (sqlite3_bind_int64(st, 1, b->first) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 2, b->n) != SQLITE_OK ||
		       sqlite3_bind_text(st, 3, b->salt, 32, SQLITE_STATIC) != SQLITE_OK ||
		       sqlite3_bind_blob(st, 4, z, (int)zlen, SQLITE_STATIC) != SQLITE_OK))
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	free(z);
	if (r >= 0) {
		b->first += b->n;
		b->n = 0;
		b->len = 0;
	}
	return r;
}

void evidence_batch_free(struct evidence_batch *b)
{
	if (b->buf)
		explicit_bzero(b->buf, b->cap);
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* --- reading ------------------------------------------------------------------- */

int evidence_raw_load(struct evidence_raw *b, int64_t pk, int64_t n, const char *salt,
		      size_t saltlen, const void *z, size_t zlen)
{
	z_stream zs = {0};
	size_t off = 0;
	int r = 0, zr;

	b->pk = pk;
	b->n = 0;
	b->len = 0;
	b->has_salt = false;
	if (n < 1 || n > EVIDENCE_BATCH_ROWS || pk < 1)
		return -EBADMSG;
	if (!salt && !z)
		goto pseudonymised;
	if (!salt || saltlen != 32 || !z || zlen == 0)
		return -EBADMSG;
	memcpy(b->salt, salt, 32);
	b->salt[32] = '\0';
	b->has_salt = true;
	if (inflateInit(&zs) != Z_OK)
		return -ENOMEM;
	zs.next_in = (Bytef *)(uintptr_t)z;
	zs.avail_in = (uInt)zlen;
	do {
		if (b->len == b->cap &&
		    (b->cap >= EVIDENCE_BATCH_MAX || grow(&b->buf, &b->cap, b->cap + 1) < 0)) {
			r = b->cap >= EVIDENCE_BATCH_MAX ? -EBADMSG : -ENOMEM;
			break;
		}
		zs.next_out = b->buf + b->len;
		zs.avail_out = (uInt)(b->cap - b->len);
		zr = inflate(&zs, Z_NO_FLUSH);
		b->len = b->cap - zs.avail_out;
		if (zr != Z_OK && zr != Z_STREAM_END)
			r = zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
		else if (zr == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
			r = -EBADMSG; /* the stream ends early */
		if (zr == Z_STREAM_END && zs.avail_in != 0)
			r = -EBADMSG; /* bytes after the stream */
		if (zr == Z_STREAM_END)
			break;
	} while (r == 0);
	inflateEnd(&zs);
	if (r < 0)
		return r;
	if (b->ncap < (size_t)n + 1) {
		size_t *o = realloc(b->off, ((size_t)n + 1) * sizeof(*o));

		if (!o)
			return -ENOMEM;
		b->off = o;
		b->ncap = (size_t)n + 1;
	}
	/* Exactly @n entries, the last ending at the end. */
	for (int64_t i = 0; i < n; i++) {
		uint32_t k;

		if (b->len - off < 4)
			return -EBADMSG;
		k = (uint32_t)b->buf[off] | (uint32_t)b->buf[off + 1] << 8 |
		    (uint32_t)b->buf[off + 2] << 16 | (uint32_t)b->buf[off + 3] << 24;
		b->off[i] = off;
		off += 4;
		if (k && b->len - off < k - 1)
			return -EBADMSG;
		off += k ? k - 1 : 0;
	}
	if (off != b->len)
		return -EBADMSG;
	b->off[n] = off;
pseudonymised:
	b->n = n;
	return 0;
}

int evidence_raw_entry(const struct evidence_raw *b, int64_t id, const char **ret, size_t *ret_len)
{
	const unsigned char *p;
	uint32_t k;

	if (id < b->pk || id >= b->pk + b->n)
		return -ENOENT;
	if (!b->has_salt) {
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	p = b->buf + b->off[id - b->pk];
	k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	*ret = k ? (const char *)p + 4 : NULL;
	*ret_len = k ? k - 1 : 0;
	return 0;
}

void evidence_raw_free(struct evidence_raw *b)
{
	free(b->buf);
	free(b->off);
	memset(b, 0, sizeof(*b));
}

/* --- details for queries --------------------------------------------------------- */

/*
 * SQL function evidence_details(pk, fmt, details): a row's details as
 * stored before format 3, the same JSON text: a format-3 row's from its
 * batch (the last batch read is kept: a list reads rows in order), NULL
 * when pseudonymised.
 */
struct details_fn {
	struct evidence_raw b;
	bool loaded;
};

static void details_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct details_fn *f = sqlite3_user_data(ctx);
	int64_t pk = sqlite3_value_int64(argv[0]);
	const char *d;
	size_t len;

	(void)argc;
	if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER || sqlite3_value_int64(argv[1]) != 3) {
		sqlite3_result_value(ctx, argv[2]);
		return;
	}
	if (!f->loaded || evidence_raw_entry(&f->b, pk, &d, &len) < 0) {
		sqlite3_stmt *st = NULL;
		int rc;

		/* Prepared per batch, not kept: a statement left open would keep
		 * the connection from closing. */
		f->loaded = false;
		rc = sqlite3_prepare_v2(sqlite3_context_db_handle(ctx),
					"SELECT pk, n, salt, z FROM evidence_raw WHERE pk <= ?1"
					" ORDER BY pk DESC LIMIT 1",
					-1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 1, pk);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    evidence_raw_load(&f->b, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
				      (const char *)sqlite3_column_text(st, 2),
				      (size_t)sqlite3_column_bytes(st, 2), sqlite3_column_blob(st, 3),
				      (size_t)sqlite3_column_bytes(st, 3)) == 0)
			f->loaded = true;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
		/* Missing or damaged: no details (verify names the row). */
		if (!f->loaded || evidence_raw_entry(&f->b, pk, &d, &len) < 0) {
			sqlite3_result_null(ctx);
			return;
		}
	}
	if (d)
		sqlite3_result_text(ctx, d, (int)len, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

static void details_fn_free(void *p)
{
	struct details_fn *f = p;

	evidence_raw_free(&f->b);
	free(f);
}

int evidence_details_register(sqlite3 *db)
{
	struct details_fn *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	/* Not deterministic for the planner: its result depends on another table. */
	if (sqlite3_create_function_v2(db, "evidence_details", 3, SQLITE_UTF8 | SQLITE_DIRECTONLY,
				       f, details_fn, NULL, NULL, details_fn_free) != SQLITE_OK)
		return -EIO; /* sqlite3 calls details_fn_free on failure */
	return 0;
}
