/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_JOURNAL_H
#define ISMS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/evidence.h"

/*
 * The decision journal: pam_isms appends the evidence of each decision to a
 * file, without SQLite and without the store's lock; audisp-isms and ismsctl
 * drain it into the chain (journal_drain.c).
 *
 * A record (all integers little-endian):
 *   0 "IJR1"   4 u32 record length (header included, at most
 *   ISMS_JOURNAL_RECORD_MAX)   8 u32 CRC-32C of bytes 0-7 and 12-end
 *  12 the ten evidence fields in struct order (ts, source, kind, node,
 *     event_key, control, asset, subject, outcome, details), each a u32
 *     length (0xffffffff: NULL) and that many bytes
 * Self-delimiting and checksummed: a torn or damaged record is found as such
 * (and kept as evidence of the damage), the next good record found again by
 * its magic and checksum.
 *
 * Writers open with O_APPEND and write each record with one write(2) under a
 * shared flock; the drainer renames the journal away, then takes the lock
 * exclusively once, so every writer that still holds the old file has
 * finished, and a writer that opened the old file but locks it only after
 * the rename sees that the name no longer leads to it and writes to the new
 * journal instead.  No fsync per record (see pam_isms(8)): the kernel audit
 * trail carries every decision too.
 *
 * When a record cannot be written (disk full, quota, I/O error) the loss is
 * counted in "JOURNAL.lost", a fixed-size file created ahead of time by
 * isms_journal_prepare() and only ever rewritten in place, so that counting
 * needs no new block.  The drain turns the count into a journal.loss row.
 */
#define ISMS_JOURNAL_RECORD_MAX (64u << 10)
#define ISMS_JOURNAL_FIELDS     10

/*
 * Append @ev to the journal at @path (created 0600 if missing).  Returns 0;
 * -E2BIG for a record over ISMS_JOURNAL_RECORD_MAX; -ENOSPC (also for a
 * short write), -EDQUOT, -EIO, -EACCES and other errnos of open/write.
 * Never blocks for longer than a drain's rename.
 */
int isms_journal_append(const char *path, const struct isms_evidence *ev)
	__attribute__((warn_unused_result, nonnull));

/*
 * Count one lost record in "@path.lost": 0, -ENOENT when the counter file
 * does not exist (isms_journal_prepare() was never run), -EBADMSG when it is
 * damaged, other -errno.  Rewrites the file in place: works on a full disk.
 */
int isms_journal_count_loss(const char *path) __attribute__((warn_unused_result, nonnull));

/* Create "@path.lost" if missing (0600): 0 or -errno. */
int isms_journal_prepare(const char *path) __attribute__((warn_unused_result, nonnull));

/* The loss counter: records lost since the file was made, and its random id. */
struct isms_journal_loss {
	uint64_t lost;
	int64_t first, last; /* Unix seconds of the first and the latest loss; 0: none */
	char id[33];
};

/* Read "@path.lost": 0, -ENOENT, -EBADMSG, -errno. */
int isms_journal_read_loss(const char *path, struct isms_journal_loss *ret)
	__attribute__((warn_unused_result, nonnull));

/* The serialised record of @ev into @buf of @cap bytes: its length, or -E2BIG.  Pure. */
long isms_journal_encode(const struct isms_evidence *ev, unsigned char *buf, size_t cap)
	__attribute__((nonnull));

/*
 * Decode the record at the start of @buf (@len bytes available).  Returns its
 * length (> 0) with @ret's members pointing into @store (@storecap bytes,
 * NUL-terminated copies); 0 when @buf holds only the start of a record (a
 * torn tail: more bytes are needed); -EBADMSG when it is no record (bad
 * magic, length, checksum, a field out of bounds or holding a NUL).  Pure.
 */
long isms_journal_decode(const unsigned char *buf, size_t len, struct isms_evidence *ret,
			 char *store, size_t storecap) __attribute__((nonnull));

/* --- draining (journal_drain.c, in the full libisms) ----------------------- */
struct isms_store;

struct isms_journal_drained {
	size_t records;    /* records read and taken by the chain */
	size_t stored;     /* new rows in the chain */
	size_t duplicates; /* already in the chain (an earlier drain, or the same key) */
	size_t malformed;  /* damaged stretches kept as journal.malformed rows */
	size_t refused;    /* whole records the chain refused, kept as journal.malformed rows */
	uint64_t lost;     /* records reported lost by a new journal.loss row */
};

/*
 * Move the journal at @path into the store's chain.  Crash-safe and
 * idempotent: the journal is renamed to "@path.draining" first and removed
 * only after every record of it is committed; a drain that finds a
 * ".draining" file (one that was killed) finishes that first; rows carry
 * their event_key, so a record already in the chain is not added twice.
 * Damaged stretches become journal.malformed rows (their offset, length and
 * a hex prefix), keyed by file and offset so that a re-run adds none twice.
 * A loss count not yet reported becomes a journal.loss row in the same
 * transaction as the setting that remembers it.  Serialised by a lock on
 * "@path.drain".  Returns 0 (also when there is no journal) and *ret
 * (optional); -EBUSY, -EROFS and other -errno of the store or the files.
 */
int isms_journal_drain(struct isms_store *s, const char *path, struct isms_journal_drained *ret)
	__attribute__((warn_unused_result, nonnull(1, 2)));

#endif
