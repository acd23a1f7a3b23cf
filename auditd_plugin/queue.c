/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reader-to-parser byte queue with overflow to disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "queue.h"

int bqueue_init(struct bqueue *q, size_t max_bytes, const char *spill_path)
{
	pthread_condattr_t ca;

	memset(q, 0, sizeof(*q));
	q->max_bytes = max_bytes;
	q->spill_fd = -1;
	q->spill_cap = UINT64_MAX;
	if (spill_path && !(q->spill_path = strdup(spill_path)))
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->nonempty, &ca);
	pthread_cond_init(&q->drained, NULL);
	pthread_condattr_destroy(&ca);
	return 0;
}

void bqueue_release(struct bqueue *q)
{
	struct chunk *c = q->head;

	while (c) {
		struct chunk *n = c->next;

		free(c);
		c = n;
	}
	if (q->spill_fd >= 0) {
		close(q->spill_fd);
		unlink(q->spill_path);
	}
	free(q->spill_path);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->nonempty);
	pthread_cond_destroy(&q->drained);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void bqueue_set_spill_cap(struct bqueue *q, uint64_t bytes)
{
	pthread_mutex_lock(&q->lock);
	q->spill_cap = bytes;
	pthread_mutex_unlock(&q->lock);
}

/* Called with the lock held. */
static int lose(struct bqueue *q, const char *data, size_t len, int r)
{
	const char *p = data, *end = data + len;

	q->lost_bytes += len;
	q->lost_chunks++;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		q->lost_records++;
		p++;
	}
	/* What comes next must not run into the line cut short here. */
	q->cut = q->cut_mark != NULL;
	return r;
}

void bqueue_set_cut_mark(struct bqueue *q, const char *mark, size_t len)
{
	pthread_mutex_lock(&q->lock);
	q->cut_mark = mark;
	q->cut_len = len;
	pthread_mutex_unlock(&q->lock);
}

/* Called with the lock held; @mark bytes (the cut mark, or 0) go before @data. */
static int spill(struct bqueue *q, const char *data, size_t len, size_t mark)
{
	int r;

	if (!q->spill_path)
		return lose(q, data, len, -ENOSPC);
	/* The file is emptied only once read to its end: its size is what was written. */
	if ((q->spill_fd >= 0 ? q->spill_written : 0) + mark + len > q->spill_cap) {
		q->cap_hits++;
		q->spill_errno = ENOSPC;
		return lose(q, data, len, -ENOSPC);
	}
	if (q->spill_fd < 0) {
		q->spill_fd = open(q->spill_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
				   0600);
		if (q->spill_fd < 0) {
			q->spill_errno = errno;
			return lose(q, data, len, -q->spill_errno);
		}
		q->spill_written = q->spill_read = 0;
	}
	/* (a write cut short is written over by the next one, at the same offset) */
	r = lseek(q->spill_fd, (off_t)q->spill_written, SEEK_SET) == (off_t)-1 ? -errno : 0;
	if (r == 0 && mark)
		r = write_all(q->spill_fd, q->cut_mark, mark);
	if (r == 0)
		r = write_all(q->spill_fd, data, len);
	if (r < 0) {
		q->spill_errno = -r;
		return lose(q, data, len, r);
	}
	q->spill_written += mark + len;
	q->spilled_total += mark + len;
	q->cut = false;
	return 0;
}

int bqueue_push(struct bqueue *q, const char *data, size_t len)
{
	struct chunk *c;
	size_t mark;
	int r = 0;

	pthread_mutex_lock(&q->lock);
	while (q->wait_over && q->head && q->spill_fd < 0 && q->bytes + len > q->wait_over)
		pthread_cond_wait(&q->drained, &q->lock);
	/* Once spilling, everything goes to the file until the parser has read
	 * it back: order is kept. */
	mark = q->cut ? q->cut_len : 0;
	if (q->spill_fd >= 0 || q->bytes + mark + len > q->max_bytes) {
		r = spill(q, data, len, mark);
		goto out;
	}
	c = malloc(sizeof(*c) + mark + len);
	if (!c) {
		r = spill(q, data, len, mark);
		goto out;
	}
	c->next = NULL;
	c->len = mark + len;
	if (mark)
		memcpy(c->data, q->cut_mark, mark);
	memcpy(c->data + mark, data, len);
	q->cut = false;
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->bytes += mark + len;
out:
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
	return r;
}

void bqueue_wait_over(struct bqueue *q, size_t bytes)
{
	pthread_mutex_lock(&q->lock);
	q->wait_over = bytes;
	pthread_mutex_unlock(&q->lock);
}

void bqueue_close(struct bqueue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
}

ssize_t bqueue_pop(struct bqueue *q, char *buf, size_t cap, unsigned timeout_ms)
{
	struct timespec until;
	ssize_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while (!q->head && q->spill_fd < 0 && !q->closed) {
		if (pthread_cond_timedwait(&q->nonempty, &q->lock, &until) == ETIMEDOUT)
			break;
	}
	if (q->head) {
		/* Memory first: it holds what came before the spill began. */
		struct chunk *c = q->head;
		size_t take = c->len < cap ? c->len : cap;

		memcpy(buf, c->data, take);
		if (take == c->len) {
			q->head = c->next;
			if (!q->head)
				q->tail = NULL;
			free(c);
		} else {
			memmove(c->data, c->data + take, c->len - take);
			c->len -= take;
		}
		q->bytes -= take;
		n = (ssize_t)take;
		if (q->wait_over)
			pthread_cond_signal(&q->drained);
	} else if (q->spill_fd >= 0) {
		size_t avail = (size_t)(q->spill_written - q->spill_read);
		size_t take = avail < cap ? avail : cap;
		ssize_t got = take ? pread(q->spill_fd, buf, take, (off_t)q->spill_read) : 0;

		if (got > 0) {
			q->spill_read += (uint64_t)got;
			n = got;
		}
		if (q->spill_read == q->spill_written) {
			/* Caught up: back to memory. */
			close(q->spill_fd);
			q->spill_fd = -1;
			unlink(q->spill_path);
		}
	} else if (q->closed) {
		n = -1;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

void bqueue_loss(struct bqueue *q, uint64_t *ret_bytes, uint64_t *ret_records,
		 uint64_t *ret_cap_hits)
{
	pthread_mutex_lock(&q->lock);
	*ret_bytes = q->lost_bytes;
	*ret_records = q->lost_records;
	*ret_cap_hits = q->cap_hits;
	pthread_mutex_unlock(&q->lock);
}

uint64_t bqueue_pending(struct bqueue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->lock);
	n = q->bytes + (q->spill_fd >= 0 ? q->spill_written - q->spill_read : 0);
	pthread_mutex_unlock(&q->lock);
	return n;
}
