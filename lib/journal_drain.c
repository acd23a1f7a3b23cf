/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Draining pam_isms's decision journal into the chain (see isms/journal.h
 * for the protocol between its writers and this drain), through the
 * evidence writer (isms/writer.h) as the spool drain and the CLIs: one
 * orchestration path for every writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "isms/date.h"
#include "isms/journal.h"
#include "isms/strutil.h"
#include "isms/writer.h"
#include "store_internal.h"

#define BATCH 256

struct drain {
	struct isms_store *s;
	struct isms_writer *w; /* the evidence writer on @s: the rules and batches of every writer */
	struct isms_journal_drained *res;
	struct stat st; /* of the .draining file: part of the malformed rows' keys */
	char node[256];
	size_t inbatch;
};

static int flush(struct drain *d, bool reopen)
{
	int r = isms_writer_end(d->w, true);

	d->inbatch = 0;
	if (r < 0 || !reopen)
		return r;
	return isms_writer_begin(d->w);
}

static int add(struct drain *d, const struct isms_evidence *ev)
{
	int r = isms_writer_add(d->w, ev, NULL);

	if (r == -EALREADY) {
		d->res->duplicates++;
		return 0;
	}
	if (r < 0)
		return r;
	d->res->stored++;
	if (++d->inbatch >= BATCH)
		return flush(d, true);
	return 0;
}

/* A damaged stretch of @len bytes at @off: kept as evidence of the damage, counted in @n. */
static int malformed(struct drain *d, const unsigned char *p, size_t off, size_t len,
		     const char *why, size_t *n_kept)
{
	struct isms_evidence ev = {0};
	char key[512], details[512], hex[65];
	size_t n = len < 32 ? len : 32;
	int r;

	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	hex[2 * n] = '\0';
	/* File and offset: a re-run of a killed drain adds the same row, once. */
	snprintf(key, sizeof(key), "journal-malformed:%s:%ju:%jd.%09ld:%zu:%08x", d->node,
		 (uintmax_t)d->st.st_ino, (intmax_t)d->st.st_ctim.tv_sec, d->st.st_ctim.tv_nsec, off,
		 isms_crc32c(0, p, len));
	snprintf(details, sizeof(details),
		 "{\"offset\":%zu,\"length\":%zu,\"reason\":\"%s\",\"head\":\"%s\"}", off, len, why,
		 hex);
	ev.source = "pam_isms";
	ev.kind = "journal.malformed";
	ev.node = d->node;
	ev.event_key = key;
	ev.control = "8.15";
	ev.outcome = "failure";
	ev.details = details;
	r = add(d, &ev);
	if (r == 0)
		(*n_kept)++;
	return r;
}

/* The next offset after @pos where a whole, good record starts, or @len. */
static size_t resync(const unsigned char *p, size_t pos, size_t len, char *store, size_t cap)
{
	struct isms_evidence ev;

	for (pos++; pos + 4 <= len; pos++) {
		const unsigned char *m = memchr(p + pos, 'I', len - pos);

		if (!m)
			break;
		pos = (size_t)(m - p);
		if (isms_journal_decode(p + pos, len - pos, &ev, store, cap) > 0)
			return pos;
	}
	return len;
}

static int drain_file(struct drain *d, const char *file)
{
	unsigned char *p = NULL;
	char *store = malloc(ISMS_JOURNAL_RECORD_MAX + ISMS_JOURNAL_FIELDS);
	size_t pos = 0, len;
	int fd, r = 0;

	if (!store)
		return -ENOMEM;
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		free(store);
		return errno == ENOENT ? 0 : -errno;
	}
	/* The barrier: writers that still hold this file finish before this returns. */
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &d->st) < 0) {
		r = -errno;
		goto out;
	}
	flock(fd, LOCK_UN);
	len = (size_t)d->st.st_size;
	if (len) {
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			p = NULL;
			r = -errno;
			goto out;
		}
	}
	while (r >= 0 && pos < len) {
		struct isms_evidence ev;
		long n = isms_journal_decode(p + pos, len - pos, &ev, store,
					     ISMS_JOURNAL_RECORD_MAX + ISMS_JOURNAL_FIELDS);

		if (n > 0) {
			r = add(d, &ev);
			/* A record the chain refuses: not lost, kept as damage, counted as refused. */
			if (r == -EINVAL)
				r = malformed(d, p + pos, pos, (size_t)n, "refused by the chain",
					      &d->res->refused);
			else
				d->res->records++;
			pos += (size_t)n;
		} else {
			/* No writer can finish a record now: a short one is torn. */
			size_t next = resync(p, pos, len, store,
					     ISMS_JOURNAL_RECORD_MAX + ISMS_JOURNAL_FIELDS);

			r = malformed(d, p + pos, pos, next - pos,
				      n == 0 ? "torn record at the end" : "damaged record",
				      &d->res->malformed);
			pos = next;
		}
	}
out:
	if (p)
		munmap(p, len);
	close(fd);
	free(store);
	return r;
}

/*
 * A loss counter that cannot be read: one journal.malformed row keyed by the
 * counter file itself (inode, change time, its bytes), so that every later
 * drain finds it already kept while the counter stays as it is.
 */
static int loss_unreadable(struct drain *d, const char *path)
{
	struct stat keep = d->st;
	unsigned char b[64] = {0};
	char lp[4096];
	ssize_t n = 0;
	int fd, r;

	snprintf(lp, sizeof(lp), "%s.lost", path);
	memset(&d->st, 0, sizeof(d->st));
	fd = open(lp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		if (fstat(fd, &d->st) < 0)
			memset(&d->st, 0, sizeof(d->st));
		n = pread(fd, b, sizeof(b), 0);
		close(fd);
	}
	r = malformed(d, b, 0, n > 0 ? (size_t)n : 0, "loss counter unreadable", &d->res->malformed);
	d->st = keep;
	return r;
}

/* A loss count not yet in the chain: one row, and the setting that remembers it. */
static int report_loss(struct drain *d, const char *path)
{
	struct isms_journal_loss l;
	struct isms_evidence ev = {0};
	char setting[96], key[128], details[256], first[32], last[32], *v = NULL;
	uint64_t reported = 0;
	int r = isms_journal_read_loss(path, &l);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return loss_unreadable(d, path);
	snprintf(setting, sizeof(setting), "journal.lost_reported.%s", l.id);
	if (isms_setting_get(d->s, setting, &v) == 0)
		reported = strtoull(v, NULL, 10);
	free(v);
	if (l.lost <= reported)
		return 0;
	isms_date_format((time_t)l.first, first, sizeof(first));
	isms_date_format((time_t)l.last, last, sizeof(last));
	snprintf(key, sizeof(key), "journal-loss:%s:%" PRIu64, l.id, l.lost);
	snprintf(details, sizeof(details),
		 "{\"lost\":%" PRIu64 ",\"total\":%" PRIu64 ",\"first\":\"%s\",\"last\":\"%s\","
		 "\"counter\":\"%s\"}",
		 l.lost - reported, l.lost, first, last, l.id);
	ev.source = "pam_isms";
	ev.kind = "journal.loss";
	ev.node = d->node;
	ev.event_key = key;
	ev.control = "8.15";
	ev.outcome = "failure";
	ev.details = details;
	r = add(d, &ev);
	if (r < 0)
		return r;
	snprintf(details, sizeof(details), "%" PRIu64, l.lost);
	r = isms_setting_set(d->s, setting, details);
	if (r == 0)
		d->res->lost = l.lost - reported;
	return r;
}

int isms_journal_drain(struct isms_store *s, const char *path, struct isms_journal_drained *ret)
{
	struct isms_journal_drained res = {0};
	struct drain d = {.s = s, .res = &res};
	char draining[4096], lock[4096];
	int lfd, r;

	if (snprintf(draining, sizeof(draining), "%s.draining", path) >= (int)sizeof(draining) ||
	    snprintf(lock, sizeof(lock), "%s.drain", path) >= (int)sizeof(lock))
		return -ENAMETOOLONG;
	if (gethostname(d.node, sizeof(d.node)) < 0 || !d.node[0])
		snprintf(d.node, sizeof(d.node), "localhost");
	d.node[sizeof(d.node) - 1] = '\0';
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return -errno;
	if (flock(lfd, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	/* Nothing journaled and nothing ever lost: the common case, cheaply. */
	{
		struct isms_journal_loss l;

		if (access(path, F_OK) < 0 && errno == ENOENT && access(draining, F_OK) < 0 &&
		    errno == ENOENT && isms_journal_read_loss(path, &l) == 0 && l.lost == 0) {
			r = 0;
			goto out;
		}
	}
	/* Made while there is room, so that a full disk can still be counted. */
	if (isms_journal_prepare(path) < 0) {
		/* not fatal: the drain itself does not need it */
	}
	r = isms_writer_new_on(s, "pam_isms", &d.w);
	if (r < 0)
		goto out;
	/* A .draining file left by a killed drain goes first, then the journal. */
	for (int round = 0; round < 2 && r >= 0; round++) {
		if (round == 1 && rename(path, draining) < 0) {
			if (errno != ENOENT)
				r = -errno;
			break;
		}
		r = isms_writer_begin(d.w);
		if (r < 0)
			break;
		r = drain_file(&d, draining);
		if (r >= 0)
			r = flush(&d, false);
		else
			isms_writer_end(d.w, false);
		/* Only what is committed leaves: after a crash the rows are there
		 * and the file too, and a re-run finds every key already stored. */
		if (r >= 0 && unlink(draining) < 0 && errno != ENOENT)
			r = -errno;
	}
	if (r >= 0) {
		r = isms_writer_begin(d.w);
		if (r >= 0) {
			r = report_loss(&d, path);
			if (r >= 0)
				r = flush(&d, false);
			else
				isms_writer_end(d.w, false);
		}
	}
out:
	isms_writer_free(d.w);
	close(lfd);
	if (r >= 0 && ret)
		*ret = res;
	return r;
}
