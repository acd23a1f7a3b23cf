/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_WRITER_INTERNAL_H
#define ISMS_WRITER_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/writer.h"

/* The evidence writer (writer.c) and its second store (writer_second.c). */
struct isms_writer {
	struct isms_writer_config cfg;
	struct isms_store *s, *ds; /* the main and the second store, while open */
	struct isms_ingest *in, *din;
	bool borrowed; /* @s is the caller's (isms_writer_new_on) */
	bool second_warned;
	_Atomic bool second_pending; /* the spool may hold rows for the second store (set from
				     * isms_writer_spool() too, on another thread) */
	uint64_t retry_at; /* of the next open, on now_ms()'s clock */
	unsigned backoff;
	_Atomic uint64_t ctr[ISMS_CTR_MAX];
	_Atomic uint64_t batches, store_errors, lost_rows;
};

__attribute__((format(printf, 3, 4))) void writer_note(const struct isms_writer *w, int prio,
							 const char *fmt, ...);

/* The second store's path exists (a missing one is not configured yet, not failing). */
bool writer_second_exists(const struct isms_writer *w);
void writer_close_second(struct isms_writer *w);
/* Open it if it exists; then drain what the spool holds for it. */
void writer_open_second(struct isms_writer *w);
/* Its rows of @items it has not taken, into the spool as its own; returns how many were lost. */
size_t writer_spool_second(struct isms_writer *w, struct isms_writer_item *items);
/* A collector.loss row for @lost rows of the second store, into the main batch. */
int writer_record_lost(struct isms_writer *w, size_t lost);

#endif
