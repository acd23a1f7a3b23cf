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
 * stored (nothing is written), -EINVAL for a missing source/kind, text that
 * is not valid UTF-8 or has control characters, a details member that is not
 * JSON, or a @ts that isms_date_parse() refuses (a @ts with an offset is
 * stored in UTC, "YYYY-MM-DDTHH:MM:SS[.F]Z"); -ENOKEY when the store is keyed
 * and its key cannot be read (nothing is written: a keyed chain never takes
 * an unkeyed row); -EROFS, -EBUSY, -EIO.  Values are C strings, so none can
 * hold a NUL: readers of other formats (the spool) refuse values with one.
 */
int isms_evidence_append(struct isms_store *s, const struct isms_evidence *ev, int64_t *ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* isms_verify_result.keyed */
enum isms_verify_keyed {
	ISMS_VERIFY_UNKEYED = 0,   /* the store is not keyed: the plain chain was checked */
	ISMS_VERIFY_KEY_CHECKED,   /* keyed, and the head's HMAC held with the key */
	ISMS_VERIFY_KEY_MISSING,   /* keyed, but the key could not be read: only the plain chain
				    * was checked (see @note) */
};

struct isms_verify_result {
	int64_t rows;      /* rows checked */
	int64_t archived;  /* rows 1 to this one were moved to archives (0: none) */
	int64_t first_bad; /* id of the first bad row, 0 if none or if rows are missing at the end */
	char reason[256];  /* what is wrong, for people */
	char head[ISMS_HASH_HEX]; /* the hash of the last row: anchor it elsewhere */
	enum isms_verify_keyed keyed;
	char key_id[17];   /* the store's key id when keyed */
	char note[384];    /* with ISMS_VERIFY_KEY_MISSING: why the key was not used */
};

/*
 * Walk the chain from the first row.  Returns 0 if every row is intact, or
 * -EBADMSG with @ret describing the first problem: an altered row (its stored
 * bytes, NULs included, do not hash to its hash), a row inserted or deleted,
 * the head record not matching the last row, the append-only triggers
 * removed or redefined (their full SQL is compared) or another trigger on
 * the evidence tables, and in a keyed store a head whose HMAC does not hold
 * (rows recomputed, cut or appended without the key), or a key given with
 * isms_evidence_key_use() to a store that is not keyed.  A keyed store whose
 * key cannot be read is checked as a plain chain: 0 with @ret->keyed
 * ISMS_VERIFY_KEY_MISSING.  Other negative errnos for store failures.
 */
int isms_evidence_verify(struct isms_store *s, struct isms_verify_result *ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * The chain hash of one row of row format 1 (rows stored before schema 6):
 * SHA-256 over the previous hash, the id and every field, each
 * length-prefixed so that no two rows serialise alike.  Pure.  Rows stored
 * since (format 2) hash the salted digests of subject and details instead
 * of their text ("isms-evidence-v2"), so that they can be pseudonymised
 * (isms_evidence_pseudonymise()); verify knows both.
 */
int isms_evidence_hash(const char *prev_hex, int64_t id, const char *recorded,
		       const struct isms_evidence *ev, char out_hex[ISMS_HASH_HEX])
	__attribute__((warn_unused_result, nonnull(1, 3, 4, 5)));

/* --- keyed mode (evidence_key.c) ------------------------------------------ */

/* The key's default path, ISMS_EVIDENCE_KEY_DEFAULT, is in config.h (--sysconfdir). */

/*
 * Keyed mode: the store records that it is keyed, the key's id and where
 * the key lives (setting rows 'evidence.key_id', 'evidence.key_path'), never
 * the key.  Every transaction that moves the chain's head also stores
 * 'evidence.head_mac' = HMAC-SHA256(key, "isms-evidence-head-v1:" PK ":" HASH)
 * over the head's row id and chain hash; the chain hash covers every row
 * before it, so a chain recomputed, cut or extended without the key no
 * longer matches.  Plain (unkeyed) verification still works on a keyed store.
 *
 * The key file: one line of 64 lowercase hex digits (32 random bytes), a
 * regular file (not a symlink) owned by root or by the caller, with no group
 * or other permission bits.  Its id: the first 16 hex digits of
 * SHA-256("isms-evidence-key-id-v1:" || the 32 key bytes).
 */

/* Make a new key file at @path (mode 0400, never overwriting): 0, -EEXIST, -errno. */
int isms_evidence_key_create(const char *path) __attribute__((warn_unused_result, nonnull));

/*
 * Use the key at @path for this handle's appends and verification instead of
 * the path the store records; verify then also refuses a store that is not
 * keyed.  -ENOENT, -EACCES, -EPERM (not root-owned or the caller's, group- or
 * world-accessible, not a regular file), -EINVAL (not a key file).
 */
int isms_evidence_key_use(struct isms_store *s, const char *path)
	__attribute__((warn_unused_result, nonnull));

/*
 * Key the store with the key at @path (absolute): record its id and path and
 * seal the current head.  0 (also when already keyed with this key),
 * -EEXIST when keyed with another key, errors of isms_evidence_key_use().
 * Rows already there are vouched for only as they are now: verify first.
 */
int isms_evidence_key_enable(struct isms_store *s, const char *path)
	__attribute__((warn_unused_result, nonnull));

/* Whether the store is keyed: 1 with the key id (17 bytes) and path (copied into @path of @len), 0, -errno. */
int isms_evidence_keying(struct isms_store *s, char key_id[17], char *path, size_t len)
	__attribute__((warn_unused_result, nonnull));

/* --- anchors (anchor.c) ------------------------------------------------------ */

/*
 * An anchor: the chain's head (row, hash) written down outside the store
 * (printed, sent to the audit trail and syslog), so that a later verify can
 * prove that nothing up to that row was changed or removed.  One line:
 *
 *   isms-anchor v1 store=KIND:ID row=N hash=HEX64 time=YYYY-MM-DDTHH:MM:SSZ
 *
 * KIND is the store's kind ("isms", "dpms"), ID the first 16 hex digits of
 * row 1's hash (16 zeros while the chain is empty), N the row (0 for an
 * empty chain), HEX64 its chain hash, time when the anchor was taken (UTC).
 * Fields in this order, separated by one space; text before "isms-anchor v1 "
 * and after the time (an audit record's or syslog line's own fields) is
 * ignored by the reader.
 */
#define ISMS_ANCHOR_MAX 192

struct isms_anchor {
	char store[40];          /* "isms:0123456789abcdef" */
	int64_t row;
	char hash[ISMS_HASH_HEX];
	char time[24];
};

/* The anchor of the chain's head now; -ENOTRECOVERABLE when the head does not match its row. */
int isms_anchor_take(struct isms_store *s, struct isms_anchor *ret)
	__attribute__((warn_unused_result, nonnull));

/* The line (without a newline) into @buf of ISMS_ANCHOR_MAX bytes. */
void isms_anchor_format(const struct isms_anchor *a, char *buf, size_t len)
	__attribute__((nonnull));

/* Read the anchor in @line: 0, -ENOENT when the line holds none, -EINVAL when malformed. */
int isms_anchor_parse(const char *line, struct isms_anchor *ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * Whether the chain still holds @a: this kind of store, row @a->row present
 * with hash @a->hash, and row 1 matching the store id (after row 1 was
 * archived: the id the store kept from it).  0, or -EBADMSG with the
 * reason in @reason; 1 when the row was archived (moved out of the store:
 * check it against its archive, isms_archive_check()); -errno for store
 * failures.  Checks only the anchored row: isms_evidence_verify() proves
 * the rows up to it chain to it.
 */
int isms_anchor_check(struct isms_store *s, const struct isms_anchor *a, char *reason, size_t len)
	__attribute__((warn_unused_result, nonnull));

#endif
