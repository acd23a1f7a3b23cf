/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evidence spool: kept safe on disk while the store cannot take it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/spool.h"
#include "spool_internal.h"
#include "store_internal.h"
#include "isms/strutil.h"


int spool_check_dir(const char *dir, bool create)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		if (errno != ENOENT || !create)
			return -errno;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		if (stat(dir, &st) < 0)
			return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* Someone else's spool could feed us forged evidence. */
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return 0;
}

static void put(struct json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* One piece as a single line of JSON, appended to @buf (grown); 0 or -errno. */
static int append_piece(char **buf, size_t *len, size_t *cap, const struct isms_evidence *ev)
{
	struct json_object *o = json_object_new_object();
	const char *text;
	size_t n;
	int r = 0;

	if (!o)
		return -ENOMEM;
	put(o, "ts", ev->ts);
	put(o, "source", ev->source);
	put(o, "kind", ev->kind);
	put(o, "node", ev->node);
	put(o, "event_key", ev->event_key);
	put(o, "control", ev->control);
	put(o, "asset", ev->asset);
	put(o, "subject", ev->subject);
	put(o, "outcome", ev->outcome);
	put(o, "details", ev->details);
	/* PLAIN escapes every control character: a piece never spans lines. */
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	n = text ? strlen(text) : 0;
	if (!text) {
		r = -ENOMEM;
		goto out;
	}
	if (*len + n + 2 > *cap) {
		size_t nc = (*len + n + 2) * 2;
		char *nb = realloc(*buf, nc);

		if (!nb) {
			r = -ENOMEM;
			goto out;
		}
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, text, n);
	*len += n;
	(*buf)[(*len)++] = '\n';
	(*buf)[*len] = '\0';
out:
	json_object_put(o);
	return r;
}

/* All of @text to @fd, then fsync: a spool file is there whole or not at all. */
int spool_write_synced(int fd, const char *text, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

/*
 * @text into a new file of @dir named PREFIX-TS-XXXXXX.SUFFIX: mkstemp, fsync,
 * rename, fsync of the directory, so that a crash leaves the whole file or
 * none of it (a hidden temporary at most, which draining ignores).
 */
static int write_file(const char *dir, const char *kind, const char *ts, const char *suffix,
		      const char *text, size_t len)
{
	char tmp[4096], final[4096], seq[32] = "";
	int fd, r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.ev-XXXXXX", dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = spool_write_synced(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0) {
		/*
		 * The name sorts by time, so draining keeps the order; batch files
		 * of the same first time sort by when they were written.
		 */
		if (strcmp(suffix, "jsonl") == 0) {
			struct timespec now;

			clock_gettime(CLOCK_REALTIME, &now);
			snprintf(seq, sizeof(seq), "%019lld-",
				 (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
		}
		snprintf(final, sizeof(final), "%s/%s%sev-%s-%s%s.%s", dir, kind ? kind : "",
			 kind ? "-" : "", ts, seq, strrchr(tmp, '-') + 1, suffix);
		if (rename(tmp, final) < 0) {
			r = -errno;
		} else {
			/* The rename itself must survive a crash. */
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (dfd >= 0) {
				if (fsync(dfd) < 0)
					r = -errno;
				close(dfd);
			}
			if (r < 0)
				unlink(final);
		}
	}
	if (r < 0)
		unlink(tmp);
	return r;
}

int isms_spool_write(const char *dir, const struct isms_evidence *ev)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int r;

	if (!ev->event_key || !ev->ts)
		return -EINVAL; /* draining must be idempotent and keep the time */
	r = spool_check_dir(dir, true);
	if (r < 0)
		return r;
	r = append_piece(&buf, &len, &cap, ev);
	if (r == 0)
		r = write_file(dir, NULL, ev->ts, "json", buf, len - 1); /* without the newline */
	free(buf);
	return r;
}

/* A time that is safe in a file name (the writer's own ts is, a caller's may not be). */
static bool name_safe(const char *ts)
{
	size_t n = strlen(ts);

	if (n == 0 || n > 64)
		return false;
	for (const char *p = ts; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') || strchr("-:.+", *p)))
			return false;
	return true;
}

int isms_spool_write_batch(const char *dir, const struct isms_evidence *const *evs, size_t n,
			   size_t *ret_written)
{
	return isms_spool_write_batch_kind(dir, NULL, evs, n, ret_written);
}

int isms_spool_write_batch_kind(const char *dir, const char *kind,
				const struct isms_evidence *const *evs, size_t n, size_t *ret_written)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, written = 0, first = 0;
	int r;

	if (ret_written)
		*ret_written = 0;
	if (kind && (!*kind || strlen(kind) > 32 ||
		     strspn(kind, "abcdefghijklmnopqrstuvwxyz") != strlen(kind)))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!evs[i]->event_key || !evs[i]->ts)
			return -EINVAL;
	if (n == 0)
		return 0;
	r = spool_check_dir(dir, true);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		r = append_piece(&buf, &len, &cap, evs[i]);
		if (r < 0)
			break;
		/* Files stay well under what draining reads at once. */
		if (i + 1 == n || i + 1 - first >= ISMS_SPOOL_BATCH_PIECES ||
		    len >= ISMS_SPOOL_BATCH_BYTES) {
			const char *ts = evs[first]->ts;
			char now[32];

			/* A time unfit for a file name names no file: the time of writing does. */
			if (!name_safe(ts)) {
				isms_date_format(time(NULL), now, sizeof(now));
				ts = now;
			}
			r = write_file(dir, kind, ts, "jsonl", buf, len);
			if (r == 0)
				written = i + 1;
			len = 0;
			first = i + 1;
		}
	}
	free(buf);
	if (ret_written)
		*ret_written = written;
	return r;
}
