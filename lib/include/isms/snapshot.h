/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SNAPSHOT_H
#define ISMS_SNAPSHOT_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "isms/policy.h"

/*
 * The facts snapshot: what isms_facts_load() would read from the store, for
 * every user and asset the register knows, in one small file that a login
 * reads without SQLite, without the store's lock and without waiting on any
 * writer.  ismsctl (after every command that wrote to the store), the plugin
 * (after it changed the register) and isms-snapshot.timer rewrite it; each
 * rewrite replaces the file atomically and bumps its generation.
 *
 * Format (version 1), all integers little-endian, every offset and count
 * checked against the file's size when it is read:
 *
 *   header, 72 bytes:
 *     0  magic "ISMSFCT\0"        8  u32 version (1)     12 u32 header size (72)
 *    16  u64 generation          24  i64 created (Unix seconds, UTC)
 *    32  u8[16] store id         48  u32 users  52 u32 assets  56 u32 acks
 *    60  u32 reviews             64  u32 string bytes     68 u32 CRC-32C of
 *        the header's first 68 bytes and everything after the header
 *   assets,  12 bytes each, sorted by name: str name, i32 locked_down (0/1)
 *   users,   32 bytes each, sorted by name: str name, str active_until
 *            (offset 0xffffffff: NULL), u32 first ack, u32 acks, u32 first
 *            review, u32 reviews
 *   acks,     8 bytes each, sorted by document within a user: str document
 *            (of a current version the user acknowledged)
 *   reviews, 16 bytes each, sorted by asset within a user: str asset, i64
 *            the last passed access review in Unix milliseconds (INT64_MIN:
 *            a date SQLite cannot read)
 *   strings: the bytes every "str" (u32 offset, u32 length) points into
 *
 * Names compare as SQLite's BINARY collation does (memcmp, then length), so
 * a binary search finds what the store's "=" finds.
 */
#define ISMS_SNAPSHOT_VERSION   1
#define ISMS_SNAPSHOT_MAX_BYTES (64u << 20)
#define ISMS_SNAPSHOT_MAX_AGE   86400 /* default limit on a snapshot's age, seconds */

struct isms_snapshot; /* opaque, immutable once read */

struct isms_snapshot_info {
	uint64_t generation;
	int64_t created;
	uint8_t store_id[16];
	uint32_t users, assets;
	size_t bytes;
};

/*
 * Read the snapshot at @path: isms_trust_check() with @uid (0: root only) on
 * the path, then the checked file in one read, then every offset, count and
 * order and the checksum.  Returns 0 and *ret; -ENOENT, -EPERM (not
 * trusted), -EFBIG, -EBADMSG (truncated, corrupt or not a snapshot),
 * -EPROTO (another format version), -ENOMEM.  @err names the problem.
 */
int isms_snapshot_read(const char *path, uid_t uid, struct isms_snapshot **ret, char *err,
		       size_t errlen) __attribute__((warn_unused_result, nonnull(1, 3)));

/* The same checks on @len bytes at @buf (copied): for tests and the fuzzer. */
int isms_snapshot_parse(const void *buf, size_t len, struct isms_snapshot **ret, char *err,
			size_t errlen) __attribute__((warn_unused_result, nonnull(1, 3)));

/* Accepts NULL; returns NULL. */
struct isms_snapshot *isms_snapshot_free(struct isms_snapshot *sn);

void isms_snapshot_info(const struct isms_snapshot *sn, struct isms_snapshot_info *ret)
	__attribute__((nonnull));

/*
 * Whether @sn may be used at @now: 0, or -ESTALE when it was created more than
 * @max_age seconds before @now or more than 5 minutes after it (a clock set
 * back would otherwise keep an old snapshot fresh for ever).
 */
int isms_snapshot_fresh(const struct isms_snapshot *sn, time_t now, long max_age)
	__attribute__((warn_unused_result, nonnull));

/*
 * Exactly what isms_facts_load() returns for the store the snapshot was
 * written from: the same facts for @user at @now under @p.  Returns 0, or
 * -E2BIG when the policy names more than @nacks documents (facts unknown).
 */
int isms_snapshot_facts(const struct isms_snapshot *sn, const struct isms_policy *p,
			const char *user, time_t now, struct isms_facts *ret,
			struct isms_ack_fact *acks, size_t nacks)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 5)));

/*
 * Where the snapshot and the journal of the store at @store live by default:
 * next to it, @store with @suffix appended.  0, or -ENAMETOOLONG.
 */
#define ISMS_SNAPSHOT_SUFFIX ".facts"
#define ISMS_JOURNAL_SUFFIX  ".journal"
int isms_snapshot_path(const char *store, const char *suffix, char *buf, size_t len)
	__attribute__((warn_unused_result, nonnull));

/* --- writing (snapshot_write.c, in the full libisms: it reads the store) --- */
struct isms_store;

/*
 * Build the snapshot of the store @s and put it at @path: written to a new
 * file in the same directory (mode: the store file's, at most 0644), fsync'd,
 * renamed over @path, the directory fsync'd.  Writers are serialised by a
 * lock on "@path.lock", each taking the generation after the one in place,
 * so the file in place is always the latest state read.  The facts are read
 * in one read transaction (or in the caller's).  Returns 0 and, if given,
 * *ret_info; -errno of the store or the file system (@path untouched).
 */
int isms_snapshot_write(struct isms_store *s, const char *path, struct isms_snapshot_info *ret_info)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Rows this handle has changed since it was opened: > 0 means rewrite the snapshot. */
long isms_snapshot_store_changes(struct isms_store *s) __attribute__((nonnull));

#endif
