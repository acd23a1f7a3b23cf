/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SPOOL_H
#define ISMS_SPOOL_H

#include <stddef.h>

#include "isms/evidence.h"

/*
 * When the store cannot take evidence (locked, missing, disk trouble), the
 * writer keeps it in a spool directory instead, in files written atomically
 * (mkstemp, fsync, rename), and a later writer drains it into the chain.
 * Every spooled piece has an event_key, so draining twice never duplicates.
 * The directory must be owned by the caller and not be group- or
 * world-writable; it is created 0700 if missing.
 *
 * Two kinds of file: ev-TS-XXXXXX.json holds one piece (pam_isms, one
 * decision at a time); ev-TS-XXXXXX.jsonl holds many, one JSON object a line
 * (audisp-isms, a batch at a time: one file and one fsync for thousands of
 * events, not one each).  TS is the time of the (first) piece.
 */
int isms_spool_write(const char *dir, const struct isms_evidence *ev)
	__attribute__((warn_unused_result, nonnull));

/* A batch file holds at most this many pieces, or about this many bytes. */
#define ISMS_SPOOL_BATCH_PIECES 4096
#define ISMS_SPOOL_BATCH_BYTES  (8u << 20)

/*
 * Spool the @n pieces of @evs in as few batch files as the bounds above
 * allow, in order.  Every piece needs an event_key and a ts (-EINVAL before
 * anything is written); a file takes its name from the ts of its first
 * piece when that is fit for one ([0-9A-Za-z:.+-]), else from the time of
 * writing.  *ret_written
 * (optional) is how many pieces, from the first, are safely in the spool,
 * also on failure.  Returns 0 or -errno.
 */
int isms_spool_write_batch(const char *dir, const struct isms_evidence *const *evs, size_t n,
			   size_t *ret_written) __attribute__((warn_unused_result, nonnull(1)));

/*
 * The same for a store of another kind than the one a plain drain fills (the
 * writer's second store, personal data): files KIND-ev-TS-XXXXXX.jsonl, which
 * only isms_spool_drain_kind() with the same @kind drains (a plain
 * isms_spool_drain() never takes them into the main store).  @kind is
 * letters only; NULL: isms_spool_write_batch().
 */
int isms_spool_write_batch_kind(const char *dir, const char *kind,
				const struct isms_evidence *const *evs, size_t n, size_t *ret_written)
	__attribute__((warn_unused_result, nonnull(1)));

/*
 * Append up to @max spooled pieces to the store's chain, oldest file first,
 * and remove each file once its pieces are stored.  A batch file's pieces
 * go in one transaction; one drained in part stays, and the next drain skips
 * what of it is stored.  *ret_done (optional) counts the pieces stored now
 * (a one-piece file found stored already counts too).  A malformed file is
 * renamed to *.bad and a malformed line of a batch file is copied to
 * FILE.LINE.bad: skipped, never lost.  Returns 0 or -errno.
 */
int isms_spool_drain(struct isms_store *s, const char *dir, size_t max, size_t *ret_done)
	__attribute__((warn_unused_result, nonnull(1, 2)));
/* The pieces spooled with isms_spool_write_batch_kind(@kind) only; NULL @kind: the above. */
int isms_spool_drain_kind(struct isms_store *s, const char *dir, const char *kind, size_t max,
			  size_t *ret_done) __attribute__((warn_unused_result, nonnull(1, 2)));

#endif
