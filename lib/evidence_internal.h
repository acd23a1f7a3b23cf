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

/* The keyed part of verify, after the unkeyed chain held up to (@pk, @hash). */
int evidence_verify_keyed(struct isms_store *s, int64_t pk, const char *hash,
			  struct isms_verify_result *ret);

#endif
