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
 * the store.  Only when the disk also refuses is data lost, and then counted.
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
	uint64_t lost_bytes;    /* could not be kept anywhere */
	int spill_errno;
};

int bqueue_init(struct bqueue *q, size_t max_bytes, const char *spill_path);
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

/* Bytes waiting (memory and disk), for SIGUSR1. */
uint64_t bqueue_pending(struct bqueue *q);

#endif
