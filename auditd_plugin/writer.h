/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_WRITER_H
#define AUDISP_ISMS_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "isms/ingest.h"
#include "isms/writer.h"

/*
 * The writer stage, a thin shell over the evidence writer (isms/writer.h):
 * a thread, a bounded queue of rows from the parser, and the timing of the
 * batches (by count and by time).  A stalled store makes the parser wait
 * here, never the reader.  The library commits each batch to the ISMS
 * store (and its personal rows to the DPMS store), counted, retried, and
 * spooled when the store fails for good; while there is no store, rows wait
 * here until the queue is full or the plugin stops, then go to the spool in
 * as few files as can be.  At SIGTERM, what the store does not take at once
 * is spooled, so that the plugin ends within seconds and nothing is lost
 * silently.
 */

/* ROW_META: the collector's own evidence (start, stop, loss): stored, not
 * counted among the events received. */
enum row_kind { ROW_EVENT, ROW_MALFORMED, ROW_META };

/* A row: the library's item first (rows are linked through item.next), its strings after. */
struct row {
	struct isms_writer_item item;
	char data[];
};

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct isms_writer_item *head, *tail;
	size_t nrows, max_rows;
	bool closed;
	bool aborting; /* SIGTERM: do not wait for a store that will not come */
	bool done;     /* the writer thread has ended */

	const char *store_path;
	size_t batch_events;
	unsigned batch_ms;
	struct isms_writer *iw; /* the library's writer: stores, counters, spool */
};

/* @store_path, @isms_spool and @dpms_path must outlive the writer. */
int writer_init(struct writer *w, const char *store_path, const char *isms_spool,
		const char *dpms_path, size_t batch_events, unsigned batch_ms, size_t max_rows);
void writer_release(struct writer *w);

/* Queue a row of @what built from @cl (rows.c builds the collector's own); waits while full. */
void writer_push_row(struct writer *w, enum row_kind what, const struct classified *cl,
		     const char *details, size_t dlen);
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
/* The same under @key (NULL: generated as above), for rows that carry their own. */
void writer_push_meta_key(struct writer *w, const char *kind, const char *outcome,
			  const char *asset, const char *details, const char *key);
/* The same about the fleet's node @node (NULL: the central's own). */
void writer_push_meta_node(struct writer *w, const char *kind, const char *outcome,
			   const char *asset, const char *node, const char *details, const char *key);
/* SIGTERM: a parser waiting for room no longer waits; unstorable rows are spooled. */
void writer_abort(struct writer *w);

/* The writer thread. */
void *writer_main(void *arg);

size_t writer_queued(struct writer *w);

/* A counter since start (for SIGUSR1 and --stats); rows neither the store nor the spool took. */
uint64_t writer_counter(struct writer *w, enum isms_counter c);
uint64_t writer_lost(struct writer *w);

#endif
