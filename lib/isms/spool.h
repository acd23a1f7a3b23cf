/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SPOOL_H
#define ISMS_SPOOL_H

#include <stddef.h>

#include "isms/evidence.h"

/*
 * When the store cannot take evidence (locked, missing, disk trouble), the
 * writer keeps it in a spool directory instead, one file per piece written
 * atomically (mkstemp, fsync, rename), and a later writer drains it into the
 * chain.  Every spooled piece has an event_key, so draining twice never
 * duplicates.  The directory must be owned by the caller and not be
 * group- or world-writable; it is created 0700 if missing.
 */
int isms_spool_write(const char *dir, const struct isms_evidence *ev)
	__attribute__((warn_unused_result, nonnull));

/*
 * Append up to @max spooled pieces to the store's chain, oldest first, and
 * remove each once stored.  *ret_done (optional) counts them.  A malformed
 * file is renamed to *.bad and skipped, never lost.  Returns 0 or -errno.
 */
int isms_spool_drain(struct isms_store *s, const char *dir, size_t max, size_t *ret_done)
	__attribute__((warn_unused_result, nonnull(1, 2)));

#endif
