/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_WRITER_H
#define ISMS_WRITER_H

/*
 * The evidence writer, one set of rules for every writer (audisp-isms, the spool drain, CLIs).
 * A batch is one logical commit: personal rows to the second store (DPMS) first, then the main.
 * If the main commit fails, the batch is retried, then spooled; second-store rows stay kept.
 * Counters go in the same transaction as the rows; a replay is safe (event_key idempotence).
 * Retries wait a bounded time; what no store or spool takes is counted lost, never dropped mute.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/evidence.h"
#include "isms/ingest.h"
#include "isms/store.h"

struct isms_writer; /* opaque */

/* Where a row of a batch goes. */
enum isms_writer_route {
	ISMS_WRITER_MAIN,   /* the main store */
	ISMS_WRITER_SECOND, /* the second store only (personal data): counted 'routed' in the main
			     * store, or 'filtered' when there is no second store */
	ISMS_WRITER_DROP,   /* nowhere: counted 'filtered' */
};

/* isms_writer_item.flags */
#define ISMS_WRITER_UNCOUNTED 0x1u /* the collector's own rows: stored, not counted, and a
				    * refused one is skipped */
#define ISMS_WRITER_MALFORMED 0x2u /* kept as evidence, counted 'malformed' */
#define ISMS_WRITER_KEY_FIRST 0x4u /* a row already stored under its event_key by another
				    * writer is a duplicate, whatever its text */

/*
 * One row of a batch, in a list through @next.  The writer sets @ctr (how
 * the row was counted, ISMS_CTR_MAX for none), @result (0 stored, -EALREADY,
 * -EINVAL refused, -ENOENT no second store, -EIO lost) and @second_kept (its
 * row is in the second store, or spooled as the second store's: a retry does
 * not write it again).  A second store that exists but fails (it cannot be
 * opened, or its part of the batch cannot be committed) does not hold up the
 * main store: its rows are spooled as its own (isms_spool_write_batch_kind,
 * the second schema's name), and drained into it by a later batch once it
 * takes writes again; rows that not even the spool takes are lost, counted
 * and recorded in the main store as a collector.loss row.
 */
struct isms_writer_item {
	struct isms_writer_item *next;
	struct isms_evidence ev;
	enum isms_writer_route route;
	unsigned flags;
	enum isms_counter ctr;
	int result;
	bool second_kept; /* in the second store, or in the spool as its row */
	bool second_lost; /* neither the second store nor the spool took it (counted lost) */
};

/* isms_writer_config.flags */
#define ISMS_WRITER_SCAN       0x1u /* the indicator scan after every batch committed */
#define ISMS_WRITER_CHECKPOINT 0x2u /* no automatic checkpoints on the writing connection:
				     * the caller checkpoints from another one */

/*
 * What a writer needs; the strings must outlive it.  0 in a number means
 * its default (in brackets).
 */
struct isms_writer_config {
	const char *store;  /* the main store's path */
	const char *source; /* whose counters ("audisp-isms"); NULL: no counters */
	const char *spool;  /* where batches go that the store will not take; NULL: none */
	const char *second; /* the second store's path, used while it exists; NULL: none */
	const struct isms_schema *second_schema;
	unsigned flags;
	int busy_ms;             /* how long a statement waits for a lock [1000] */
	unsigned tries;          /* a failing batch is tried this often [3] ... */
	unsigned busy_limit_ms;  /* ... or, locked, for this long [10000] ... */
	unsigned retry_ms;       /* ... waiting this long between tries [200] */
	unsigned reopen_ms;      /* a store that failed for good is reopened after this [5000] */
	/*
	 * Wait up to @ms before a retry; false when the caller stops (then the
	 * batch is tried once more and spooled).  NULL: no retries.
	 */
	bool (*wait)(void *ud, unsigned ms);
	/* What happened, for the caller's log (@prio a syslog priority); NULL: nothing said. */
	void (*note)(void *ud, int prio, const char *msg);
	void *ud;
};

/* A writer on the store @cfg names, opened by isms_writer_open(): 0, -EINVAL, -ENOMEM. */
int isms_writer_new(const struct isms_writer_config *cfg, struct isms_writer **ret)
	__attribute__((warn_unused_result, nonnull));
/*
 * A writer on the open store @s (a CLI's), never closed by it: no spool, no
 * retries, no second store; counters of @source unless NULL.
 */
int isms_writer_new_on(struct isms_store *s, const char *source, struct isms_writer **ret)
	__attribute__((warn_unused_result, nonnull(1, 3)));
/* Accepts NULL; returns NULL. */
struct isms_writer *isms_writer_free(struct isms_writer *w);

/*
 * Open the main store if it is not open: 0 when it was open, 1 when opened
 * now (with ISMS_WRITER_CHECKPOINT: and its automatic checkpoints are off,
 * so the caller's checkpointer is needed; 0 when they could not be turned
 * off), -EAGAIN before the time of the next attempt (isms_writer_retry_ms()),
 * or the error of isms_store_open() (the next attempt backs off, 250 ms up
 * to 30 s).
 */
int isms_writer_open(struct isms_writer *w) __attribute__((nonnull));
/* Milliseconds until isms_writer_open() tries again; 0 when open or due. */
unsigned isms_writer_retry_ms(const struct isms_writer *w) __attribute__((nonnull));
/* Close the stores (a writer thread that ends); the counters stay. */
void isms_writer_close(struct isms_writer *w) __attribute__((nonnull));

/*
 * Commit the batch @items to the stores, counted: 0 when the main store
 * took it; 1 when, after the tries, it was spooled instead (the stores are
 * closed and reopened later); -errno when the store failed and no spool (or
 * not all of the spool) took it: those rows are lost, and counted so.  With
 * @stopping, a failure is not retried.  A row's @result may be -EINVAL (a
 * refused row, counted 'malformed') in a batch that committed.
 */
int isms_writer_commit(struct isms_writer *w, struct isms_writer_item *items, bool stopping)
	__attribute__((nonnull(1)));

/*
 * Spool @items without trying the store (there is none, or the caller
 * stops), counted in memory as isms_writer_commit() would: 0, or -errno
 * when some rows could not be spooled (lost, counted).  Safe to call from
 * another thread than the one committing.
 */
int isms_writer_spool(struct isms_writer *w, struct isms_writer_item *items)
	__attribute__((nonnull(1)));

/*
 * One row into the main store (a transaction of its own): 0 and *ret_id,
 * -EALREADY, -EINVAL (isms_evidence_append's rules, message on the store),
 * -ENOKEY, -EBADMSG (a keyed head that does not hold), -EBUSY, -errno.
 */
int isms_writer_append(struct isms_writer *w, const struct isms_evidence *ev, int64_t *ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * Batches by hand (the spool drain): begin one transaction on the main
 * store, add rows (results as isms_writer_append's; a refused row leaves the
 * batch open), end it committed or not.
 */
int isms_writer_begin(struct isms_writer *w) __attribute__((warn_unused_result, nonnull));
int isms_writer_add(struct isms_writer *w, const struct isms_evidence *ev, int64_t *ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));
/* 1 when a row with @event_key is in the main store, 0, -errno. */
int isms_writer_has_key(struct isms_writer *w, const char *event_key)
	__attribute__((warn_unused_result, nonnull));
int isms_writer_end(struct isms_writer *w, bool commit) __attribute__((nonnull));

/* The counts since the writer was made (atomic: read them from any thread). */
struct isms_writer_stats {
	uint64_t ctr[ISMS_CTR_MAX];
	uint64_t batches, store_errors;
	uint64_t lost_rows; /* neither the store nor the spool took them */
};
void isms_writer_stats(const struct isms_writer *w, struct isms_writer_stats *ret)
	__attribute__((nonnull));
/* Count @n rows under @c in memory only (rows the caller could not even queue). */
void isms_writer_count(struct isms_writer *w, enum isms_counter c, uint64_t n)
	__attribute__((nonnull));

/* The main store while open (for the caller's own reads), else NULL. */
struct isms_store *isms_writer_store(struct isms_writer *w) __attribute__((nonnull));

#endif
