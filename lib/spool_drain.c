/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Draining the evidence spool into the chain, through the evidence writer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/json.h"
#include "isms/spool.h"
#include "isms/writer.h"
#include "spool_internal.h"

#define SPOOL_FILE_MAX  (256u << 10)
/* A batch file: its pieces, and one piece that took it past the byte bound. */
#define SPOOL_BATCH_MAX (ISMS_SPOOL_BATCH_BYTES + (8u << 20))

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
 * Append one piece (JSON text) to the chain through the writer: 0, or 1
 * when it was there already, -EINVAL when it can never be stored, or
 * -errno.  In a @batch (the writer's batch open), whether its key is stored
 * is asked first, so that a piece already stored is never a failure.
 */
static int drain_piece(struct isms_writer *w, bool batch, const char *text, size_t len)
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
		if (batch) {
			r = isms_writer_has_key(w, ev.event_key);
			if (r != 0)
				goto out; /* 1: stored already; or an error */
			r = isms_writer_add(w, &ev, NULL);
		} else {
			r = isms_writer_append(w, &ev, NULL);
		}
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
	r = spool_write_synced(fd, text, len);
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
static int drain_batch(struct isms_writer *w, const char *path, char *buf, size_t len,
		       size_t max, size_t *ret_done)
{
	size_t lineno = 0, done = 0;
	bool whole = true;
	char *p = buf;
	int r;

	*ret_done = 0;
	r = isms_writer_begin(w);
	if (r < 0)
		return r;
	while (p < buf + len && r >= 0) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);

		if (done >= max) {
			whole = false;
			break;
		}
		lineno++;
		if (n) {
			r = drain_piece(w, true, p, n);
			if (r == -EINVAL)
				r = set_aside_line(path, lineno, p, n);
			else if (r == 0)
				done++;
		}
		p += n + 1;
	}
	if (r < 0) {
		isms_writer_end(w, false);
		return r;
	}
	r = isms_writer_end(w, true);
	if (r < 0)
		return r;
	*ret_done = done;
	if (whole && unlink(path) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strcmp(s + len - n, suffix) == 0;
}

int isms_spool_drain(struct isms_store *s, const char *dir, size_t max, size_t *ret_done)
{
	return isms_spool_drain_kind(s, dir, NULL, max, ret_done);
}

int isms_spool_drain_kind(struct isms_store *s, const char *dir, const char *kind, size_t max,
			  size_t *ret_done)
{
	char prefix[64];
	size_t plen;
	struct isms_writer *w = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, done = 0;
	DIR *d;
	int r = spool_check_dir(dir, false);

	if (ret_done)
		*ret_done = 0;
	if (kind && (strlen(kind) > 32 || strspn(kind, "abcdefghijklmnopqrstuvwxyz") != strlen(kind)))
		return -EINVAL;
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%s%sev-", kind ? kind : "", kind ? "-" : "");
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		/* ev-*.json: one piece (pam_isms, older collectors); ev-*.jsonl: a batch;
		 * KIND-ev-*.jsonl: a batch of the second store's (and no other's). */
		if (strncmp(de->d_name, prefix, plen) != 0 || len < plen + 5 ||
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
	/*
	 * The rules of every writer; no counters: spooled rows were counted
	 * (as spooled) by the collector that spooled them.  Made only for
	 * files to drain: pam_isms looks at an empty spool at every login.
	 */
	if (n && (r = isms_writer_new_on(s, NULL, &w)) < 0)
		goto out;
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

			r = drain_batch(w, path, buf, len, max - done, &got);
			free(buf);
			done += got;
			continue;
		}
		r = drain_piece(w, false, buf, len);
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
	isms_writer_free(w);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret_done)
		*ret_done = done;
	return r;
}
