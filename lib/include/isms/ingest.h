/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_INGEST_H
#define ISMS_INGEST_H

#include <stdint.h>

#include "isms/evidence.h"
#include "isms/store.h"

/*
 * Bulk evidence for collectors (audisp-isms): many rows per transaction with
 * statements prepared once and the chain head kept in memory, and the
 * collector's counters updated in the same transaction, so that what the
 * counters say and what the chain holds can never disagree, even after a
 * crash.
 */
struct isms_ingest;

enum isms_counter {
	ISMS_CTR_RECEIVED,   /* events handed to the collector */
	ISMS_CTR_STORED,     /* kept as evidence */
	ISMS_CTR_FILTERED,   /* not kept, by configuration */
	ISMS_CTR_DUPLICATES, /* already in the chain (replay, restart, linked records) */
	ISMS_CTR_MALFORMED,  /* could not be parsed */
	ISMS_CTR_SPOOLED,    /* passed through the overflow spool */
	ISMS_CTR_ROUTED,     /* personal data, handed to the DPMS store */
	ISMS_CTR_MAX
};

/* "received", "stored", ... */
const char *isms_counter_name(enum isms_counter c);

/* A writer for @source ("audisp-isms"); owns nothing of @s. */
int isms_ingest_new(struct isms_store *s, const char *source, struct isms_ingest **ret)
	__attribute__((warn_unused_result, nonnull));
struct isms_ingest *isms_ingest_free(struct isms_ingest *w);

/* Open a batch: one IMMEDIATE transaction; -EBUSY when the store stays locked. */
int isms_ingest_begin(struct isms_ingest *w) __attribute__((warn_unused_result, nonnull));

/*
 * Add a row to the open batch.  Returns 0 and *ret_id (optional), or
 * -EALREADY when @ev->event_key is already in the chain (nothing added), or
 * -EINVAL for a row that is not acceptable (the rules of isms_evidence_append:
 * missing source/kind, bad text, details not strict JSON, a bad ts).
 */
int isms_ingest_add(struct isms_ingest *w, const struct isms_evidence *ev, int64_t *ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Add @n to counter @c, written with the batch. */
void isms_ingest_count(struct isms_ingest *w, enum isms_counter c, int64_t n)
	__attribute__((nonnull));

/* Write the head and counters and commit; on failure everything of the batch is gone. */
int isms_ingest_commit(struct isms_ingest *w) __attribute__((warn_unused_result, nonnull));
void isms_ingest_rollback(struct isms_ingest *w) __attribute__((nonnull));

/* Whether a row with @event_key is in the chain (outside or inside a batch). */
int isms_ingest_has_key(struct isms_ingest *w, const char *event_key)
	__attribute__((warn_unused_result, nonnull));

/* The stored counters of @source, ISMS_CTR_MAX values. */
int isms_ingest_read_counters(struct isms_store *s, const char *source, int64_t ret[ISMS_CTR_MAX])
	__attribute__((warn_unused_result, nonnull));

#endif
