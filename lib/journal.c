/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decision journal's records and its writer (format in isms/journal.h).
 * No SQLite: pam_isms links this.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "isms/journal.h"

#define MAGIC     "IJR1"
#define HEADER    12
#define NULL_LEN  0xffffffffu
#define LOSS_SIZE 64
#define LOSS_MAGIC "IJL1"

static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void le64(unsigned char *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void fields(const struct isms_evidence *ev, const char *f[ISMS_JOURNAL_FIELDS])
{
	f[0] = ev->ts, f[1] = ev->source, f[2] = ev->kind, f[3] = ev->node, f[4] = ev->event_key;
	f[5] = ev->control, f[6] = ev->asset, f[7] = ev->subject, f[8] = ev->outcome;
	f[9] = ev->details;
}

static uint32_t record_crc(const unsigned char *rec, size_t len)
{
	return isms_crc32c(isms_crc32c(0, rec, 8), rec + HEADER, len - HEADER);
}

long isms_journal_encode(const struct isms_evidence *ev, unsigned char *buf, size_t cap)
{
	const char *f[ISMS_JOURNAL_FIELDS];
	size_t n = HEADER;

	if (cap > ISMS_JOURNAL_RECORD_MAX)
		cap = ISMS_JOURNAL_RECORD_MAX;
	fields(ev, f);
	for (int i = 0; i < ISMS_JOURNAL_FIELDS; i++) {
		size_t l = f[i] ? strlen(f[i]) : 0;

		if (n + 4 > cap || l > cap - n - 4)
			return -E2BIG;
		le32(buf + n, f[i] ? (uint32_t)l : NULL_LEN);
		memcpy(buf + n + 4, f[i] ? f[i] : "", l);
		n += 4 + l;
	}
	memcpy(buf, MAGIC, 4);
	le32(buf + 4, (uint32_t)n);
	le32(buf + 8, record_crc(buf, n));
	return (long)n;
}

long isms_journal_decode(const unsigned char *buf, size_t len, struct isms_evidence *ev,
			 char *store, size_t storecap)
{
	const char **f[ISMS_JOURNAL_FIELDS] = {
		&ev->ts,   &ev->source, &ev->kind,    &ev->node,    &ev->event_key,
		&ev->control, &ev->asset, &ev->subject, &ev->outcome, &ev->details,
	};
	size_t reclen, pos = HEADER, used = 0;

	if (len < 4)
		return memcmp(buf, MAGIC, len) == 0 ? 0 : -EBADMSG;
	if (memcmp(buf, MAGIC, 4) != 0)
		return -EBADMSG;
	if (len < HEADER)
		return 0;
	reclen = rd32(buf + 4);
	if (reclen < HEADER + 4 * ISMS_JOURNAL_FIELDS || reclen > ISMS_JOURNAL_RECORD_MAX)
		return -EBADMSG;
	if (reclen > len)
		return 0;
	if (record_crc(buf, reclen) != rd32(buf + 8))
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	for (int i = 0; i < ISMS_JOURNAL_FIELDS; i++) {
		uint32_t l;

		if (reclen - pos < 4)
			return -EBADMSG;
		l = rd32(buf + pos);
		pos += 4;
		if (l == NULL_LEN) {
			*f[i] = NULL;
			continue;
		}
		if (l > reclen - pos || memchr(buf + pos, '\0', l) || l + 1 > storecap - used)
			return -EBADMSG;
		memcpy(store + used, buf + pos, l);
		store[used + l] = '\0';
		*f[i] = store + used;
		used += l + 1;
		pos += l;
	}
	return pos == reclen ? (long)reclen : -EBADMSG;
}

/* Whether @fd is still the file @path names: not renamed away by a drain. */
static int same_file(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return -errno;
	if (stat(path, &b) < 0)
		return errno == ENOENT ? 0 : -errno;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int isms_journal_append(const char *path, const struct isms_evidence *ev)
{
	unsigned char *rec = malloc(ISMS_JOURNAL_RECORD_MAX);
	long len;
	int r = -EAGAIN;

	if (!rec)
		return -ENOMEM;
	len = isms_journal_encode(ev, rec, ISMS_JOURNAL_RECORD_MAX);
	if (len < 0) {
		free(rec);
		return (int)len;
	}
	/* A drain renames the file at most once per run: a few tries are plenty. */
	for (int tries = 0; tries < 8 && r == -EAGAIN; tries++) {
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		ssize_t n;

		if (fd < 0) {
			r = -errno;
			break;
		}
		/* Never wait on a drain: its exclusive lock is only ever taken on
		 * a journal it has renamed away, so a lock held means this file
		 * is no longer the journal, and the next open finds the new one. */
		if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
			r = errno == EWOULDBLOCK ? -EAGAIN : -errno;
		} else if ((r = same_file(fd, path)) == 0) {
			r = -EAGAIN;
		} else if (r > 0) {
			/* One write(2): records never interleave. */
			do
				n = write(fd, rec, (size_t)len);
			while (n < 0 && errno == EINTR);
			r = n == len ? 0 : n < 0 ? -errno : -ENOSPC;
		}
		close(fd);
	}
	free(rec);
	return r;
}

static void loss_path(const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s.lost", path);
}

static int loss_decode(const unsigned char *b, struct isms_journal_loss *ret)
{
	if (memcmp(b, LOSS_MAGIC, 4) != 0 || rd32(b + 4) != isms_crc32c(0, b + 8, LOSS_SIZE - 8))
		return -EBADMSG;
	ret->lost = rd64(b + 8);
	ret->first = (int64_t)rd64(b + 16);
	ret->last = (int64_t)rd64(b + 24);
	memcpy(ret->id, b + 32, 32);
	ret->id[32] = '\0';
	return 0;
}

static void loss_encode(unsigned char *b, const struct isms_journal_loss *l)
{
	memset(b, 0, LOSS_SIZE);
	memcpy(b, LOSS_MAGIC, 4);
	le64(b + 8, l->lost);
	le64(b + 16, (uint64_t)l->first);
	le64(b + 24, (uint64_t)l->last);
	memcpy(b + 32, l->id, 32);
	le32(b + 4, isms_crc32c(0, b + 8, LOSS_SIZE - 8));
}

static int pread_all(int fd, unsigned char *b)
{
	ssize_t n = pread(fd, b, LOSS_SIZE, 0);

	if (n < 0)
		return -errno;
	return n == LOSS_SIZE ? 0 : -EBADMSG;
}

int isms_journal_read_loss(const char *path, struct isms_journal_loss *ret)
{
	unsigned char b[LOSS_SIZE];
	char lp[4096];
	int fd, r;

	loss_path(path, lp, sizeof(lp));
	fd = open(lp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = flock(fd, LOCK_SH) < 0 ? -errno : pread_all(fd, b);
	close(fd);
	return r < 0 ? r : loss_decode(b, ret);
}

int isms_journal_count_loss(const char *path)
{
	struct isms_journal_loss l;
	unsigned char b[LOSS_SIZE];
	char lp[4096];
	int fd, r;

	loss_path(path, lp, sizeof(lp));
	fd = open(lp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = flock(fd, LOCK_EX) < 0 ? -errno : pread_all(fd, b);
	if (r >= 0)
		r = loss_decode(b, &l);
	if (r >= 0) {
		l.last = (int64_t)time(NULL);
		if (!l.lost)
			l.first = l.last;
		l.lost++;
		loss_encode(b, &l);
		/* The same 64 bytes, in place: no new block on a full disk. */
		if (pwrite(fd, b, LOSS_SIZE, 0) != LOSS_SIZE)
			r = -EIO;
	}
	close(fd);
	return r;
}

int isms_journal_prepare(const char *path)
{
	struct isms_journal_loss l = {0};
	unsigned char b[LOSS_SIZE], rnd[16];
	char lp[4096], tmp[4200];
	int fd, r = 0;

	loss_path(path, lp, sizeof(lp));
	if (access(lp, F_OK) == 0)
		return 0;
	/* Written whole, then linked into place: nobody sees half a counter. */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", lp);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		r = -EIO;
	for (int i = 0; i < 16; i++)
		snprintf(l.id + 2 * i, 3, "%02x", rnd[i]);
	loss_encode(b, &l);
	if (r >= 0 && (write(fd, b, LOSS_SIZE) != LOSS_SIZE || fsync(fd) < 0))
		r = -EIO;
	close(fd);
	if (r >= 0 && link(tmp, lp) < 0 && errno != EEXIST)
		r = -errno;
	unlink(tmp);
	return r;
}
