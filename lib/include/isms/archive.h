/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ARCHIVE_H
#define ISMS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/evidence.h"
#include "isms/store.h"

/*
 * The evidence lifecycle: how long evidence of each kind stays in the store
 * (retention), and archives, the oldest part of the chain moved into a
 * compressed file that proves itself and its place in the chain.  The same
 * in every kind of store.
 */

/* --- retention (evidence_retention.c) ----------------------------------------- */

#define ISMS_RETENTION_PATTERN_MAX 128

/*
 * A period: N followed by d (days), w (weeks), m (months of 30 days) or
 * y (years of 365 days), e.g. "90d", "6m", "1y".  Into *@ret_days;
 * -EINVAL when not a period or longer than 100 years.
 */
int isms_retention_parse(const char *text, int64_t *ret_days)
	__attribute__((warn_unused_result, nonnull));

/* Set (or replace) the period of the kinds matching @pattern (an fnmatch(3) glob). */
int isms_retention_set(struct isms_store *s, const char *pattern, int64_t days)
	__attribute__((warn_unused_result, nonnull));

/* Remove @pattern's period: 0, -ENOENT. */
int isms_retention_remove(struct isms_store *s, const char *pattern)
	__attribute__((warn_unused_result, nonnull));

typedef int (*isms_retention_cb)(const char *pattern, int64_t days, void *userdata);

/* Every period, by pattern; a negative return of @cb stops and is returned. */
int isms_retention_list(struct isms_store *s, isms_retention_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* --- pseudonymisation (pseudonym.c) -------------------------------------------- */

/*
 * Pseudonymise the rows whose ts is before @before (seconds since the
 * epoch): in each row of format 2 (rows stored since schema 6) the subject
 * becomes its pseudonym ('~' and 16 hex digits of the subject's salted
 * digest, different in every row), the details are removed and so is the
 * salt.  The chain commits to the digests, so verify still passes; older
 * rows (format 1) are left as they are.  The chain is verified first; one
 * transaction, with an 'evidence.pseudonymised' row when any changed.
 * 0 and *@ret_rows, -EBADMSG (the chain does not verify), -EROFS, -errno.
 */
int isms_evidence_pseudonymise(struct isms_store *s, int64_t before, int64_t *ret_rows)
	__attribute__((warn_unused_result, nonnull));

/* --- archives (archive.c, archive_file.c) ------------------------------------------ */

#define ISMS_ARCHIVE_FORMAT 1

/* What an archive file says of itself (its header), checked against its rows. */
struct isms_archive_info {
	int format;                /* ISMS_ARCHIVE_FORMAT */
	char store[40];            /* "isms:0123456789abcdef", as anchors name stores */
	int64_t first, last, rows; /* the rows it holds: first..last, rows = last - first + 1 */
	char prev[ISMS_HASH_HEX];  /* the hash row @first chains to (genesis for row 1) */
	char last_hash[ISMS_HASH_HEX];
	char created[24];
};

/* isms_archive_create() and its outcome. */
struct isms_archive_result {
	struct isms_archive_info info; /* rows 0: nothing was old enough, no file written */
	bool completed;                /* the file was there from a run that did not finish */
	char sha256[ISMS_HASH_HEX];    /* of the file, as the chain records it */
};

/*
 * Move the oldest rows of the chain into the archive file @path: from the
 * first row in the store up to, not including, the first row that is not
 * old enough: with @before >= 0 a row is old enough when its ts is before
 * @before (seconds since the epoch); with @before < 0 when its kind has a
 * retention period and its ts is older than that (kinds without a period
 * stay).  The chain is verified first; the file is written beside @path,
 * read back and checked, synced and renamed into place before anything
 * leaves the store.  Then one transaction moves the archive boundary onto
 * the last archived row, deletes the archived rows, and appends an
 * 'evidence.archived' row naming the range, its hashes and the file's
 * SHA-256.  A run that died after the file was made and before that
 * transaction is completed by running it again with the same @path.
 * 0 (also with nothing to archive: rows 0), -EBADMSG (the chain does not
 * verify; message kept), -EEXIST (@path holds another archive), -EBUSY,
 * -EROFS, -errno.
 */
int isms_archive_create(struct isms_store *s, int64_t before, const char *path,
			struct isms_archive_result *ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * Read the archive at @path and check it alone: a compressed stream of this
 * format whose rows chain from its prev, one after the other from its first
 * row, each matching its hash, the last one its last hash, as many as it
 * says; row 1's hash names the store it claims.  With @want_row > 0, the
 * hash of that row (when the archive holds it) is copied into @want_hash.
 * 0 with *@ret, -EBADMSG with the problem in @reason, -errno (-ENOENT...).
 */
int isms_archive_check(const char *path, struct isms_archive_info *ret, int64_t want_row,
		       char want_hash[ISMS_HASH_HEX], char *reason, size_t len)
	__attribute__((warn_unused_result, nonnull(1, 2, 5)));

/* The outcome of isms_archive_verify_set(). */
struct isms_archive_set {
	int64_t first, last;  /* rows the archives cover together */
	int64_t rows;         /* archived rows checked */
	int64_t unfinished;   /* > 0: archived rows up to this one are still in the store */
	char note[256];       /* what was not proven (rows before the first archive) */
};

/*
 * Whether the archives @paths (any order) and the store @s (NULL: the
 * archives alone) make one chain: each archive checks, all name the same
 * store (this one), each starts where the one before ends, and the last
 * ends at the store's archive boundary, where the store's rows go on.  An
 * archive whose rows are still in the store (a run that did not finish)
 * must match them.  0, -EBADMSG with @reason naming the archive, -errno.
 */
int isms_archive_verify_set(struct isms_store *s, const char *const *paths, size_t n,
			    struct isms_archive_set *ret, char *reason, size_t len)
	__attribute__((warn_unused_result, nonnull(2, 4, 5)));

#endif
