/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_WRITER_H
#define AUDISP_ISMS_WRITER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "isms/ingest.h"

/*
 * The writer stage: rows from the parser, in batches (by count and by time)
 * into the store through isms_ingest, counters in the same transactions.
 * A stalled store makes the parser wait here, never the reader.  A batch
 * that fails is retried a few times (a locked store for a while); when the
 * store fails for good (disk full, a corrupt page) the batch goes to the
 * spool (isms_spool_write_batch, one file a batch) and the store is tried
 * again later.  At SIGTERM, what the store does not take at once is
 * spooled, so that the plugin ends within seconds and nothing is lost
 * silently.
 */

/* ROW_META: the collector's own evidence (start, stop, loss): stored, not
 * counted among the events received. */
enum row_kind { ROW_EVENT, ROW_MALFORMED, ROW_META };

struct row {
	struct row *next;
	enum row_kind what;
	enum route route;
	enum isms_counter ctr; /* how apply() counted it */
	bool dpms_kept;        /* committed to the DPMS store (a batch retried) */
	struct isms_evidence ev;
	const char *link_key;
	char data[];
};

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct row *head, *tail;
	size_t nrows, max_rows;
	bool closed;
	bool aborting; /* SIGTERM: do not wait for a store that will not come */
	bool done;     /* the writer thread has ended */

	const char *store_path;
	const char *isms_spool; /* fallback for rows at shutdown */
	size_t batch_events;
	unsigned batch_ms;
	bool quiet;

	/* since start, for SIGUSR1 and --stats */
	_Atomic uint64_t ctr[ISMS_CTR_MAX];
	_Atomic uint64_t batches, store_errors;
	_Atomic uint64_t lost_rows; /* neither the store nor the spool took them */
	int exit_status;
	bool dpms_warned;
	char *dpms_path; /* personal data goes here, when the store exists */
};

int writer_init(struct writer *w, const char *store_path, const char *isms_spool,
		size_t batch_events, unsigned batch_ms, size_t max_rows);
void writer_release(struct writer *w);

/* Parser side: queue an event or a malformed line; waits while the queue is full. */
void writer_push_event(struct writer *w, const struct classified *cl, const char *details,
		       size_t dlen);
void writer_push_malformed(struct writer *w, const char *line, size_t len, const char *why,
			   const char *node);
void writer_close(struct writer *w);
/*
 * The collector's own evidence: @kind (collector.start, audit.loss ...),
 * @outcome, @details (JSON), about @asset, under a key unique to this
 * process and moment.
 */
void writer_push_meta(struct writer *w, const char *kind, const char *outcome,
		      const char *asset, const char *details);
/* SIGTERM: a parser waiting for room no longer waits; unstorable rows are spooled. */
void writer_abort(struct writer *w);

/* The writer thread. */
void *writer_main(void *arg);

size_t writer_queued(struct writer *w);

#endif
