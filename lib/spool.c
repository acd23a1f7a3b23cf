/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evidence spool: kept safe on disk while the store cannot take it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/json.h"
#include "isms/spool.h"
#include "store_internal.h"
#include "isms/strutil.h"

#define SPOOL_FILE_MAX  (256u << 10)
/* A batch file: its pieces, and one piece that took it past the byte bound. */
#define SPOOL_BATCH_MAX (ISMS_SPOOL_BATCH_BYTES + (8u << 20))

static int check_dir(const char *dir, bool create)
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
static int write_synced(int fd, const char *text, size_t len)
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
static int write_file(const char *dir, const char *ts, const char *suffix, const char *text,
		      size_t len)
{
	char tmp[4096], final[4096], seq[32] = "";
	int fd, r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.ev-XXXXXX", dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_synced(fd, text, len);
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
		snprintf(final, sizeof(final), "%s/ev-%s-%s%s.%s", dir, ts, seq,
			 strrchr(tmp, '-') + 1, suffix);
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
	r = check_dir(dir, true);
	if (r < 0)
		return r;
	r = append_piece(&buf, &len, &cap, ev);
	if (r == 0)
		r = write_file(dir, ev->ts, "json", buf, len - 1); /* without the newline */
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
	char *buf = NULL;
	size_t len = 0, cap = 0, written = 0, first = 0;
	int r;

	if (ret_written)
		*ret_written = 0;
	for (size_t i = 0; i < n; i++)
		if (!evs[i]->event_key || !evs[i]->ts)
			return -EINVAL;
	if (n == 0)
		return 0;
	r = check_dir(dir, true);
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
				isms_format_utc(time(NULL), now, sizeof(now));
				ts = now;
			}
			r = write_file(dir, ts, "jsonl", buf, len);
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

/*
 * Member @k as text, or NULL.  A value with a NUL in it ("\u0000") sets
 * *bad: C string calls would cut it there and store a shorter value than
 * the one spooled.
 */
static const char *get(struct json_object *o, const char *k, bool *bad)
{
	struct json_object *v;
	const char *t;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	t = json_object_get_string(v);
	if (strlen(t) != (size_t)json_object_get_string_len(v))
		*bad = true;
	return t;
}

/* A spooled file that can never be stored is set aside as NAME.bad for a
 * person to look at, so that the next drain does not trip over it again. */
static void quarantine(const char *path)
{
	char bad[4200];

	snprintf(bad, sizeof(bad), "%s.bad", path);
	rename(path, bad);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Append one piece (JSON text) to the chain: 0, or 1 when it was there
 * already, -EINVAL when it can never be stored, or -errno.  @has_key
 * (optional, a prepared "is this key stored" query) is asked first, so that
 * inside a batch's transaction a piece already stored is never an inner
 * failure that would roll the whole batch back.
 */
static int drain_piece(struct isms_store *s, sqlite3_stmt *has_key, const char *text, size_t len)
{
	struct json_object *o = NULL;
	bool bad = false;
	int r;

	/* Strict JSON: a piece that is not is set aside, not guessed at. */
	r = isms_json_parse(text, len, NULL, &o, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !o || !json_object_is_type(o, json_type_object)) {
		r = -EINVAL;
		goto out;
	}
	{
		struct isms_evidence ev = {
			.ts = get(o, "ts", &bad), .source = get(o, "source", &bad),
			.kind = get(o, "kind", &bad), .node = get(o, "node", &bad),
			.event_key = get(o, "event_key", &bad),
			.control = get(o, "control", &bad), .asset = get(o, "asset", &bad),
			.subject = get(o, "subject", &bad), .outcome = get(o, "outcome", &bad),
			.details = get(o, "details", &bad),
		};

		if (!ev.event_key || bad) {
			r = -EINVAL;
			goto out;
		}
		if (has_key) {
			sqlite3_reset(has_key);
			r = store_bind_text(s, has_key, 1, ev.event_key);
			if (r >= 0)
				r = store_step_row(s, has_key);
			sqlite3_reset(has_key);
			if (r != 0)
				goto out; /* 1: stored already; or an error */
		}
		r = isms_evidence_append(s, &ev, NULL);
		if (r == -EALREADY)
			r = 1;
	}
out:
	json_object_put(o);
	return r;
}

/* A piece of a batch file that can never be stored goes to a file of its own, NAME.N.bad. */
static int set_aside_line(const char *path, size_t lineno, const char *text, size_t len)
{
	char bad[4200];
	int fd, r;

	snprintf(bad, sizeof(bad), "%s.%zu.bad", path, lineno);
	fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	r = write_synced(fd, text, len);
	close(fd);
	return r;
}

/*
 * A batch file: each line a piece, appended in one transaction (one commit
 * for thousands of pieces), at most @max new ones.  Appending is idempotent,
 * so a drain cut short (the limit, an error, a crash) starts the file again
 * next time and skips what is stored.  The file goes once every piece is in
 * the chain or set aside.  *ret_done counts the pieces appended now.
 */
static int drain_batch(struct isms_store *s, const char *path, char *buf, size_t len,
		       size_t max, size_t *ret_done)
{
	sqlite3_stmt *has_key = NULL;
	size_t lineno = 0, done = 0;
	bool whole = true;
	char *p = buf;
	int r;

	*ret_done = 0;
	r = store_prepare(s, "SELECT 1 FROM evidence WHERE event_key = ?1", &has_key);
	if (r < 0)
		return r;
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	while (p < buf + len && r >= 0) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);

		if (done >= max) {
			whole = false;
			break;
		}
		lineno++;
		if (n) {
			r = drain_piece(s, has_key, p, n);
			if (r == -EINVAL)
				r = set_aside_line(path, lineno, p, n);
			else if (r == 0)
				done++;
		}
		p += n + 1;
	}
	if (r < 0) {
		isms_store_rollback(s);
		goto out;
	}
	r = isms_store_commit(s);
	if (r < 0)
		goto out;
	*ret_done = done;
	if (whole && unlink(path) < 0 && errno != ENOENT)
		r = -errno;
out:
	sqlite3_finalize(has_key);
	return r;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strcmp(s + len - n, suffix) == 0;
}

int isms_spool_drain(struct isms_store *s, const char *dir, size_t max, size_t *ret_done)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, done = 0;
	DIR *d;
	int r = check_dir(dir, false);

	if (ret_done)
		*ret_done = 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		/* ev-*.json: one piece (pam_isms, older collectors); ev-*.jsonl: a batch. */
		if (strncmp(de->d_name, "ev-", 3) != 0 || len < 8 ||
		    !(ends_with(de->d_name, len, ".json") || ends_with(de->d_name, len, ".jsonl")))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));

			if (!nn) {
				r = -ENOMEM;
				goto out;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = -ENOMEM;
			goto out;
		}
		n++;
	}
	if (n) /* qsort(NULL, 0, ...) is undefined: an empty spool is the common case */
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && done < max && r >= 0; i++) {
		bool batch = ends_with(names[i], strlen(names[i]), ".jsonl");
		char path[4096], *buf = NULL;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		r = isms_read_file(path, batch ? SPOOL_BATCH_MAX : SPOOL_FILE_MAX, &buf, &len);
		if (r == -ENOENT) { /* another drainer took it */
			r = 0;
			continue;
		}
		if (r == -EFBIG || r == -EINVAL) { /* oversized, or not a regular file */
			quarantine(path);
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		if (batch) {
			size_t got = 0;

			r = drain_batch(s, path, buf, len, max - done, &got);
			free(buf);
			done += got;
			continue;
		}
		r = drain_piece(s, NULL, buf, len);
		free(buf);
		if (r == 1) /* stored already: the file can go */
			r = 0;
		if (r == -EINVAL) {
			quarantine(path);
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		if (unlink(path) < 0 && errno != ENOENT) {
			r = -errno;
			break;
		}
		done++;
	}
out:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret_done)
		*ret_done = done;
	return r;
}
