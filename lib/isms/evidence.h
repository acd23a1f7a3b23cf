/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_H
#define ISMS_EVIDENCE_H

#include <stdint.h>

#include "isms/store.h"

#define ISMS_HASH_HEX 65 /* SHA-256 in hex, with the NUL */

/*
 * One piece of evidence.  All members are optional text except @source and
 * @kind.  Evidence keeps names, not references, so that it stays verifiable
 * after the asset or person it mentions has been changed or removed.
 */
struct isms_evidence {
	const char *ts;        /* when it was true, ISO 8601 UTC; NULL = now */
	const char *source;    /* the collector: "pam", "audit", "ismsctl" */
	const char *kind;      /* "login.allow", "file.watch", "review.done" */
	const char *node;      /* the host it came from; NULL = this host */
	const char *event_key; /* unique id for idempotent ingest, e.g. node:ts:serial */
	const char *control;   /* Annex A control id, "8.15" */
	const char *asset;     /* asset name */
	const char *subject;   /* user or person */
	const char *outcome;   /* "allow", "deny", "success", "failure" */
	const char *details;   /* JSON text */
};

/*
 * Append @ev to the chain: its hash covers the previous row's hash and every
 * field, so any later change, insertion or deletion breaks verification.
 * Returns 0 and *ret_id (optional), -EALREADY when @ev->event_key was already
 * stored (nothing is written), -EINVAL for a missing source/kind or a details
 * member that is not JSON, -EROFS, -EBUSY, -EIO.
 */
int isms_evidence_append(struct isms_store *s, const struct isms_evidence *ev, int64_t *ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));

struct isms_verify_result {
	int64_t rows;      /* rows checked */
	int64_t first_bad; /* id of the first bad row, 0 if none or if rows are missing at the end */
	char reason[256];  /* what is wrong, for people */
	char head[ISMS_HASH_HEX]; /* the hash of the last row: anchor it elsewhere */
};

/*
 * Walk the chain from the first row.  Returns 0 if every row is intact, or
 * -EBADMSG with @ret describing the first problem: an altered row, a row
 * inserted or deleted, the head record not matching the last row, or the
 * append-only triggers removed.  Other negative errnos for store failures.
 */
int isms_evidence_verify(struct isms_store *s, struct isms_verify_result *ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * The chain hash of one row: SHA-256 over the previous hash, the id and every
 * field, each length-prefixed so that no two rows serialise alike.  Pure.
 */
int isms_evidence_hash(const char *prev_hex, int64_t id, const char *recorded,
		       const struct isms_evidence *ev, char out_hex[ISMS_HASH_HEX])
	__attribute__((warn_unused_result, nonnull(1, 3, 4, 5)));

#endif
