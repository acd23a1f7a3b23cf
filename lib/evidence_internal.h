/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_INTERNAL_H
#define ISMS_EVIDENCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/evidence.h"
#include "store_internal.h"

#define EVIDENCE_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The fields of a row after the id, in hashing order, with their lengths. */
enum { EV_RECORDED, EV_TS, EV_SOURCE, EV_KIND, EV_NODE, EV_EVENT_KEY, EV_CONTROL, EV_ASSET,
       EV_SUBJECT, EV_OUTCOME, EV_DETAILS, EV_NFIELDS };

/*
 * The chain hash over exactly @len[i] bytes of each of @v[i] (NULL = SQL
 * NULL): what verify uses with sqlite3_column_bytes(), so that a byte after
 * a NUL counts as much as any other.  @prev is @prevlen bytes.
 */
int evidence_hash_raw(const char *prev, size_t prevlen, int64_t id,
		      const char *const v[EV_NFIELDS], const size_t len[EV_NFIELDS],
		      char out_hex[ISMS_HASH_HEX]);

/* The chain hash of row format @fmt (1: the text; 2: digests of personal fields). */
int evidence_hash_fmt(int fmt, const char *prev, size_t prevlen, int64_t id,
		      const char *const v[EV_NFIELDS], const size_t len[EV_NFIELDS],
		      char out_hex[ISMS_HASH_HEX]);

#define EVIDENCE_SALT_HEX 33
/* A fresh salt: 16 random bytes in hex. */
int evidence_salt(char out[EVIDENCE_SALT_HEX]);

/* The digest of personal field @name ("subject", "details") of row @id under @salt. */
int evidence_personal_digest(const char *salt, size_t saltlen, int64_t id, const char *name,
			     const char *value, size_t len, char out_hex[ISMS_HASH_HEX]);

/*
 * A format-2 row: the digests of its subject and details under @salt, and
 * its chain hash over every field but those two, and the digests instead.
 */
int evidence_hash_v2(const char *prev, int64_t id, const char *recorded,
		     const struct isms_evidence *ev, const char *salt,
		     char subject_d[ISMS_HASH_HEX], char details_d[ISMS_HASH_HEX],
		     char out_hex[ISMS_HASH_HEX]);

/*
 * A walk along the chain: rows are checked in order, each against the
 * hash it must follow (@expect_prev) and its position (@expect_id).  Used
 * for the store (evidence_verify.c) and for archive files (archive.c).
 */
struct evidence_walk {
	int64_t expect_id;             /* the next row's id; 0: take the first row's */
	char expect_prev[ISMS_HASH_HEX];
	char start_prev[ISMS_HASH_HEX]; /* the first row's prev, when taken from it */
	int64_t rows;                  /* rows looked at */
	int64_t first_bad;
	char reason[256];
};

/*
 * A row's format-2/3 columns: @fmt 0 (NULL: format 1), 2 or 3 (negative:
 * columns that fit no format); the others NULL in format 1.  Format 3:
 * @salt its batch's (NULL once pseudonymised), @subject_d its one personal
 * digest (32 hex digits), @details_d NULL, and the details (in the row's
 * fields) from its batch.
 */
struct evidence_ext {
	int64_t fmt;
	const char *salt, *subject_d, *details_d;
	size_t saltlen, sdlen, ddlen;
};

/*
 * Row format 3 (evidence.c): the personal digest of row @id (subject and
 * details under its batch's @salt, 32 hex digits: the first 128 bits of a
 * SHA-256) into @out, and the chain hash of the row over every field but
 * those two, and the digest instead.
 */
#define EVIDENCE_PD_HEX 33
int evidence_pd3(const char *salt, size_t saltlen, int64_t id, const char *subject, size_t slen,
		 const char *details, size_t dlen, char out[EVIDENCE_PD_HEX]);
int evidence_hash_v3(const char *prev, int64_t id, const char *recorded,
		     const struct isms_evidence *ev, const char *salt, char pd[EVIDENCE_PD_HEX],
		     char out_hex[ISMS_HASH_HEX]);

/*
 * Format-3 details batches (evidence_raw.c).  A writer starts a batch at
 * its first row (a fresh salt), adds each row's details in order, and
 * flushes it (one evidence_raw row) when full and before commit.
 */
#define EVIDENCE_BATCH_ROWS  1024
#define EVIDENCE_BATCH_BYTES (256u << 10)
/* The largest batch a reader inflates: a full batch and one more row of the largest details. */
#define EVIDENCE_BATCH_MAX   (EVIDENCE_BATCH_BYTES + EVIDENCE_DETAILS_MAX + 64 * 1024)
struct evidence_batch {
	int64_t first, n;
	char salt[33];
	unsigned char *buf;
	size_t len, cap;
};
int evidence_batch_start(struct evidence_batch *b, int64_t first);
int evidence_batch_add(struct evidence_batch *b, const char *details);
bool evidence_batch_full(const struct evidence_batch *b);
/* Store the batch's rows so far (nothing when none) and go on with the next row. */
int evidence_batch_flush(struct isms_store *s, struct evidence_batch *b);
void evidence_batch_free(struct evidence_batch *b);

/* A batch read back: rows [@pk, @pk + @n), their details unless pseudonymised. */
struct evidence_raw {
	int64_t pk, n;
	bool has_salt;
	char salt[33];
	unsigned char *buf;
	size_t len, cap, *off, ncap;
};
/* Load a stored batch: 0, -EBADMSG when it is not one a writer made, -ENOMEM. */
int evidence_raw_load(struct evidence_raw *b, int64_t pk, int64_t n, const char *salt,
		      size_t saltlen, const void *z, size_t zlen);
/* Row @id's details (NULL: none, or pseudonymised): 0, -ENOENT when not in the batch. */
int evidence_raw_entry(const struct evidence_raw *b, int64_t id, const char **ret, size_t *ret_len);
void evidence_raw_free(struct evidence_raw *b);
/* The SQL function evidence_details(pk, fmt, details) on @db: the JSON of every format. */
int evidence_details_register(sqlite3 *db);

/*
 * Reading rows as verify and archive do: rows (@from, @to] in order, each
 * with its format-3 details from its batch.  next: 1 with @row filled (valid
 * until the next call), 0 at the end, -EBADMSG with @reason and @bad, -errno.
 */
struct evidence_row {
	int64_t id;
	const char *v[EV_NFIELDS];
	size_t len[EV_NFIELDS];
	const char *prev, *hash;
	size_t prevlen, hashlen;
	struct evidence_ext x;
};
struct evidence_reader {
	struct isms_store *s; /* for messages; NULL on a connection of its own */
	sqlite3_stmt *rows, *raw;
	struct evidence_raw b;
	bool have_batch;
	int64_t batch_end; /* past the last batch read: the next may not start before */
	int64_t bad;
	char reason[256];
};
int evidence_reader_open(struct evidence_reader *rd, struct isms_store *s, sqlite3 *db,
			 int64_t from, int64_t to);
int evidence_reader_next(struct evidence_reader *rd, struct evidence_row *row);
void evidence_reader_close(struct evidence_reader *rd);

/* Start a walk after row @after whose hash is @prev (genesis for 0). */
void evidence_walk_init(struct evidence_walk *w, int64_t after, const char *prev);

/*
 * One row: its id, its fields (@v, @len as stored), its stored prev and
 * hash.  0 and the walk moves on, -EBADMSG with the reason, -errno.
 */
int evidence_walk_row(struct evidence_walk *w, int64_t id, const char *const v[EV_NFIELDS],
		      const size_t len[EV_NFIELDS], const char *prev, size_t prevlen,
		      const char *stored, size_t storedlen, const struct evidence_ext *x);

/*
 * The archive boundary: the last row moved to an archive (0: none) into
 * *@ret_pk, its hash into @hash ("" when damaged), and the store id kept
 * from row 1 (16 hex digits, "" until the first archive) into @store_id
 * when not NULL.  0, -ENOTRECOVERABLE (message kept), -errno.
 */
int evidence_read_boundary(struct isms_store *s, int64_t *ret_pk, char hash[ISMS_HASH_HEX],
			   char store_id[17]);

/*
 * The head record: the last row's pk into *@ret_pk and its hash, copied whole,
 * into @hash; "" when the stored hash is not exactly one (a NUL inside, the
 * wrong length).  0, -ENOTRECOVERABLE (message kept) when the record is
 * missing, -errno.
 */
int evidence_read_head(struct isms_store *s, int64_t *ret_pk, char hash[ISMS_HASH_HEX]);

/*
 * An evidence timestamp checked (isms_date_canon) into @buf: @ts itself when
 * already canonical, or NULL for "now" (the caller fills in).  -EINVAL.
 */
int evidence_ts(const char *ts, char *buf, size_t len, const char **ret_ts);

/*
 * The one set of rules for a piece of evidence, for every writer
 * (evidence_check.c): @source and @kind given; every value valid UTF-8
 * without control characters (tab and newline allowed) and within its cap
 * (node, asset, subject, outcome, source, kind EVIDENCE_NAME_MAX bytes;
 * event_key EVIDENCE_KEY_MAX; control 256; ts 64; details
 * EVIDENCE_DETAILS_MAX); @details strict JSON (isms/json.h); @ts a time with
 * a zone, into *@ret_ts as evidence_ts() gives it.  0, or -EINVAL with the
 * message kept on @s naming the field; -ENOMEM.
 */
#define EVIDENCE_NAME_MAX    4096
#define EVIDENCE_KEY_MAX     512
#define EVIDENCE_DETAILS_MAX (1u << 20)
int evidence_check(struct isms_store *s, const struct isms_evidence *ev, char *tsbuf, size_t len,
		   const char **ret_ts);

/*
 * Keyed stores (evidence_key.c).  Inside the transaction that moved the head
 * to (@pk, @hash): in a keyed store, seal the head with the key; in an
 * unkeyed one nothing.  -ENOKEY (message kept) when the store is keyed and the
 * key cannot be had: nothing may then be appended (fail closed).
 */
int evidence_seal_head(struct isms_store *s, int64_t pk, const char *hash);

/*
 * Before appending to the head (@pk, @hash): in a keyed store, that its MAC
 * holds, so that an append with the key never seals a chain changed without
 * it.  0 (also when unkeyed), -ENOKEY as above, -EBADMSG (message kept).
 */
int evidence_head_holds(struct isms_store *s, int64_t pk, const char *hash);

/*
 * The guards of the chain as the migrations made them (evidence_guards.c):
 * the evidence tables are tables, STRICT with the columns made, the
 * append-only triggers have their full text and no other trigger sits on
 * them.  1 when all is as made, 0 with @reason filled in, or -errno.
 */
int evidence_guards_intact(struct isms_store *s, char *reason, size_t len);

/* No details batch holds rows past @head_pk: 1, 0 with @reason, -errno. */
int evidence_batches_within(struct isms_store *s, int64_t head_pk, char *reason, size_t len);

/* The keyed part of verify, after the unkeyed chain held up to (@pk, @hash). */
int evidence_verify_keyed(struct isms_store *s, int64_t pk, const char *hash,
			  struct isms_verify_result *ret);

#endif
