/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_INTERNAL_H
#define ISMS_EVIDENCE_INTERNAL_H

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

/* A row's format-2 columns: @fmt 0 (NULL: format 1) or 2; the others NULL in format 1. */
struct evidence_ext {
	int64_t fmt;
	const char *salt, *subject_d, *details_d;
	size_t saltlen, sdlen, ddlen;
};

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

/* The keyed part of verify, after the unkeyed chain held up to (@pk, @hash). */
int evidence_verify_keyed(struct isms_store *s, int64_t pk, const char *hash,
			  struct isms_verify_result *ret);

#endif
