/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_QUEUE_H
#define AUDISP_ISMS_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The byte queue between the stdin reader and the parser.  The reader never
 * waits: when memory is full it appends to an overflow file on disk and keeps
 * going, and the parser reads that file back in order before it returns to
 * memory.  auditd's blocking write() into our pipe therefore never stalls on
 * the store.  The file has a cap (bqueue_set_spill_cap): beyond it, or when
 * the disk refuses, data is lost, and then counted in bytes and records
 * (lines) for the caller to record as evidence.
 */
struct chunk {
	struct chunk *next;
	size_t len;
	char data[];
};

struct bqueue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	pthread_cond_t drained;  /* the parser took a chunk (for wait_over) */
	struct chunk *head, *tail;
	size_t bytes, max_bytes;
	size_t wait_over; /* 0, or push waits while this much is queued */
	bool closed;      /* no more input */
	/* overflow */
	char *spill_path;
	int spill_fd;     /* -1 when not spilling */
	uint64_t spill_written, spill_read;
	uint64_t spilled_total; /* bytes that went through the file */
	uint64_t spill_cap;     /* most bytes the file may hold; UINT64_MAX: no cap */
	uint64_t lost_bytes;    /* could not be kept anywhere */
	uint64_t lost_records;  /* newlines in what was lost: records, about */
	uint64_t lost_chunks;   /* pushes refused */
	uint64_t cap_hits;      /* pushes refused because the file was at its cap */
	int spill_errno;
	const char *cut_mark; /* put before what follows a loss */
	size_t cut_len;
	bool cut;             /* data was lost: the mark goes before the next push */
};

int bqueue_init(struct bqueue *q, size_t max_bytes, const char *spill_path);
/*
 * The overflow file holds at most @bytes (what it takes on disk: it is
 * emptied only when the parser has caught up); a push past that is lost,
 * counted, and bqueue_push() returns -ENOSPC.  0: no overflow file at all.
 */
void bqueue_set_spill_cap(struct bqueue *q, uint64_t bytes);
/*
 * After a loss, the next data pushed is preceded by @mark (static, @len
 * bytes), so that the reader of the stream sees where the cut is, instead of
 * a line that runs from before the loss into a line after it.
 */
void bqueue_set_cut_mark(struct bqueue *q, const char *mark, size_t len);
void bqueue_release(struct bqueue *q);

/*
 * Reader side: never blocks on the consumer, unless bqueue_wait_over() was
 * called.  Returns 0 or -errno (data counted as lost).
 */
int bqueue_push(struct bqueue *q, const char *data, size_t len);
/*
 * For input that can wait (a regular file, not auditd's pipe): from now on
 * bqueue_push() waits while @bytes or more are queued, rather than spill.
 * Memory then stays at @bytes however long the file, and nothing is copied
 * to the overflow file.
 */
void bqueue_wait_over(struct bqueue *q, size_t bytes);
void bqueue_close(struct bqueue *q);

/*
 * Parser side: wait up to @timeout_ms for data; copies up to @cap bytes into
 * @buf.  Returns the number of bytes, 0 on timeout, or -1 when closed and
 * drained.
 */
ssize_t bqueue_pop(struct bqueue *q, char *buf, size_t cap, unsigned timeout_ms);

/* What was lost so far: bytes, records (newlines), pushes refused at the cap. */
void bqueue_loss(struct bqueue *q, uint64_t *ret_bytes, uint64_t *ret_records,
		 uint64_t *ret_cap_hits);

/* Bytes waiting (memory and disk), for SIGUSR1. */
uint64_t bqueue_pending(struct bqueue *q);

#endif
