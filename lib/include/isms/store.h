/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_STORE_H
#define ISMS_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct isms_store; /* opaque */
struct isms_entity;

/*
 * What kind of store a file is: the ISMS register, or another store built on
 * the same plumbing (the DPMS).  Each has its own application id, its own
 * migrations and its own record types; a store of one kind never opens as
 * the other.
 */
struct isms_schema {
	const char *name;        /* "isms", for messages */
	unsigned application_id; /* PRAGMA application_id */
	int version;             /* number of migrations */
	const char *const *const *migrations; /* migration N: NULL-terminated SQL */
	const struct isms_entity *const *entities; /* NULL-terminated */
	const char *tool;        /* the command that manages it, for hints */
};

/* The ISMS register. */
extern const struct isms_schema isms_schema_main;

/* Flags for isms_store_open(). */
#define ISMS_STORE_CREATE   0x1u /* create (0600) and migrate a missing store */
#define ISMS_STORE_READONLY 0x2u /* never write; refuse to migrate */
#define ISMS_STORE_NOMIGRATE 0x4u /* open an older schema without upgrading it */
#define ISMS_STORE_CHECK    0x8u /* check every page at open (slow on big stores: no CLI passes it) */

/* The schema version this build writes (PRAGMA user_version). */
#define ISMS_SCHEMA_VERSION 19
/* PRAGMA application_id of an isms store: 'ISMS'. */
#define ISMS_APPLICATION_ID 0x49534d53

/*
 * Open the store at @path.  With ISMS_STORE_CREATE a missing file is created
 * with mode 0600 (and its directory with 0700); an existing older schema is
 * migrated unless ISMS_STORE_READONLY or ISMS_STORE_NOMIGRATE is given.
 * @busy_ms bounds how long any statement waits on another writer's lock.
 *
 * A writer keeps the store's -wal and -shm when it closes, with the store's
 * group and mode, so that a reader who may read the store but not write its
 * directory (a group-readable store) can open it with ISMS_STORE_READONLY:
 * it reads a consistent snapshot, also beside a live writer.
 *
 * Returns 0 and sets *ret_store, or a negative errno and, when @ret_err is not
 * NULL, a malloc'd message naming the problem (the caller frees it):
 *   -ENOENT   the store does not exist (and CREATE was not given)
 *   -EPERM    the store, its -wal or -shm, or its directory is group- or
 *             world-writable; or, for anyone but root, a directory on the
 *             way is not trusted (isms_trust_check)
 *   -EROFS    write access wanted but the store is read-only, or only
 *             readable for this user
 *   -EACCES   the file cannot be opened: a directory on the way may not be
 *             entered, the store or its -wal or -shm may not be read, or a
 *             reader finds the -wal and -shm missing (the message says which)
 *   -ENOTRECOVERABLE  the file is not an SQLite database, or is corrupt
 *   -EMEDIUMTYPE      an SQLite database that is not an isms store
 *   -EPROTO   the schema is newer than this build understands
 *   -EBUSY    the store stayed locked for longer than @busy_ms
 *   -ENOMEM
 */
int isms_store_open(const char *path, unsigned flags, int busy_ms, struct isms_store **ret_store,
		    char **ret_err) __attribute__((warn_unused_result, nonnull(1, 4)));

/* The same for a store of kind @schema. */
int isms_store_open_schema(const char *path, const struct isms_schema *schema, unsigned flags,
			   int busy_ms, struct isms_store **ret_store, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2, 5)));

/* Accepts NULL; returns NULL so callers can write s = isms_store_free(s). */
struct isms_store *isms_store_free(struct isms_store *s);

/*
 * Open the store at @path to the readers of group @group: its directory
 * becomes mode 2750 and the store and its -wal and -shm 0640, all of group
 * @group; the owner stays.  The directory must hold nothing but the store
 * and its side files (-ENOTEMPTY otherwise: a group given the directory
 * would see into whatever else it holds).  Returns 0, or -ENOENT (no such
 * group, or no store), -ENOTEMPTY, -EPERM (not the owner) or another
 * -errno, with a malloc'd message in *ret_err when @ret_err is not NULL.
 * Readers need nothing else: writers keep the -wal and -shm, with the
 * store's group and mode (see isms_store_open).
 */
int isms_store_share(const char *path, const char *group, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The detail of the last failure on @s: a message naming the object and the
 * problem, e.g. "person 'bob' not found".  Valid until the next call on @s.
 */
const char *isms_store_errmsg(const struct isms_store *s) __attribute__((nonnull));

/*
 * SQLite's quick_check over the whole file: 0, or -ENOTRECOVERABLE with the
 * first problem in the message.  Reads every page; for verify, not for logins.
 */
int isms_store_check(struct isms_store *s) __attribute__((warn_unused_result, nonnull));

/*
 * The same for every table and its indexes but the evidence rows (the
 * tables 'evidence' and 'evidence_raw'), which verify reads in full and
 * hashes anyway: damage there shows as a read error or a row that fails its
 * hash.  Not checked here: the evidence indexes, free pages (isms_store_check
 * and 'check' read them).  For verify: the file check at a fraction of the
 * cost.  0, -ENOTRECOVERABLE with the first problem, -errno.
 */
int isms_store_check_besides_evidence(struct isms_store *s)
	__attribute__((warn_unused_result, nonnull));

/*
 * The same with every problem (store_check.c): SQLite's quick_check, or with
 * @integrity its integrity_check (also compares every index with its table:
 * slower).  @problem (optional) is called with each problem SQLite reports,
 * at most @max_problems of them; @progress (optional) every so often while
 * pages are read, a non-zero return stops the check (-EIO).  Returns 0 when
 * the file is sound, -ENOTRECOVERABLE with the number of problems in
 * *ret_problems (optional), or the failure of the read itself (a file too
 * damaged to check is -ENOTRECOVERABLE too).  Never run on open: it reads
 * every page, and opening stays independent of the store's size.
 */
int isms_store_check_full(struct isms_store *s, bool integrity, unsigned max_problems,
			  int (*problem)(const char *msg, void *userdata),
			  int (*progress)(void *userdata), void *userdata, unsigned *ret_problems)
	__attribute__((warn_unused_result, nonnull(1)));

/*
 * WAL checkpoints.  A collector that writes many rows sets automatic
 * checkpoints off (pages 0) on its writing connection and checkpoints from
 * another connection instead, so that its writer never waits for the copy
 * and its fsyncs.  isms_store_checkpoint() is PASSIVE: it never waits for
 * readers or writers.
 */
int isms_store_autocheckpoint(struct isms_store *s, int pages) __attribute__((nonnull));
int isms_store_checkpoint(struct isms_store *s) __attribute__((nonnull));

/* The schema version found in the store when it was opened. */
int isms_store_schema_version(const struct isms_store *s) __attribute__((nonnull));

/* Whether the store was opened read-only. */
bool isms_store_readonly(const struct isms_store *s) __attribute__((nonnull));

/*
 * Transactions: every isms_* write call runs in its own transaction unless the
 * caller has opened one; begin/commit/rollback nest by counting, so a caller
 * can group many writes (an import, a batch of evidence) into one.
 */
int isms_store_begin(struct isms_store *s) __attribute__((warn_unused_result, nonnull));
int isms_store_commit(struct isms_store *s) __attribute__((warn_unused_result, nonnull));
void isms_store_rollback(struct isms_store *s) __attribute__((nonnull));

/*
 * On a store opened ISMS_STORE_READONLY: every read from here until
 * isms_store_free() sees the store as it was at the first of them, whatever
 * writers commit meanwhile (a report's parts agree with each other).  It
 * holds back the checkpoints of what is newer, as any long read does.
 * 0, or -EINVAL on a store opened for writing.
 */
int isms_store_snapshot(struct isms_store *s) __attribute__((warn_unused_result, nonnull));

/* Settings: a small key/value table (budget, acceptance threshold...). */
int isms_setting_get(struct isms_store *s, const char *key, char **ret_value)
	__attribute__((warn_unused_result, nonnull));
int isms_setting_set(struct isms_store *s, const char *key, const char *value)
	__attribute__((warn_unused_result, nonnull));

/*
 * Set a known setting after checking its value:
 *   organisation  name of the organisation (text)
 *   budget        the security officer's budget (amount, e.g. 50000 or 1200.50)
 *   acceptance    highest acceptable risk level (level name or number)
 * -EINVAL names the problem; unknown keys are refused.
 */
int isms_setting_apply(struct isms_store *s, const char *key, const char *value)
	__attribute__((warn_unused_result, nonnull));

/* The known setting keys, NULL-terminated. */
extern const char *const isms_setting_keys[];

#endif
