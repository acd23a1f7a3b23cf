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

/* Called with the lock held. */
static int spill(struct bqueue *q, const char *data, size_t len)
{
	int r;

	if (!q->spill_path) {
		q->lost_bytes += len;
		return -ENOSPC;
	}
	if (q->spill_fd < 0) {
		q->spill_fd = open(q->spill_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
				   0600);
		if (q->spill_fd < 0) {
			q->spill_errno = errno;
			q->lost_bytes += len;
			return -q->spill_errno;
		}
		q->spill_written = q->spill_read = 0;
	}
	r = (int)lseek(q->spill_fd, (off_t)q->spill_written, SEEK_SET) < 0 ? -errno
									 : write_all(q->spill_fd, data, len);
	if (r < 0) {
		q->spill_errno = -r;
		q->lost_bytes += len;
		return r;
	}
	q->spill_written += len;
	q->spilled_total += len;
	return 0;
}

int bqueue_push(struct bqueue *q, const char *data, size_t len)
{
	struct chunk *c;
	int r = 0;

	pthread_mutex_lock(&q->lock);
	while (q->wait_over && q->head && q->spill_fd < 0 && q->bytes + len > q->wait_over)
		pthread_cond_wait(&q->drained, &q->lock);
	/* Once spilling, everything goes to the file until the parser has read
	 * it back: order is kept. */
	if (q->spill_fd >= 0 || q->bytes + len > q->max_bytes) {
		r = spill(q, data, len);
		goto out;
	}
	c = malloc(sizeof(*c) + len);
	if (!c) {
		r = spill(q, data, len);
		goto out;
	}
	c->next = NULL;
	c->len = len;
	memcpy(c->data, data, len);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->bytes += len;
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

uint64_t bqueue_pending(struct bqueue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->lock);
	n = q->bytes + (q->spill_fd >= 0 ? q->spill_written - q->spill_read : 0);
	pthread_mutex_unlock(&q->lock);
	return n;
}
