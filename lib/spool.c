/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evidence spool: kept safe on disk while the store cannot take it. */
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
#include "store_internal.h"

#define SPOOL_FILE_MAX (256u << 10)

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

int isms_spool_write(const char *dir, const struct isms_evidence *ev)
{
	struct json_object *o;
	const char *text;
	char tmp[4096], final[4096];
	size_t len, off = 0;
	int fd, r;

	if (!ev->event_key || !ev->ts)
		return -EINVAL; /* draining must be idempotent and keep the time */
	r = check_dir(dir, true);
	if (r < 0)
		return r;
	o = json_object_new_object();
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
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);
	snprintf(tmp, sizeof(tmp), "%s/.ev-XXXXXX", dir);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (r == 0) {
		/* The name sorts by time, so draining keeps the order. */
		snprintf(final, sizeof(final), "%s/ev-%s-%s.json", dir, ev->ts, strrchr(tmp, '-') + 1);
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
		}
	}
	if (r < 0)
		unlink(tmp);
out:
	json_object_put(o);
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

		if (strncmp(de->d_name, "ev-", 3) != 0 || len < 8 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
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
		char path[4096], *buf = NULL;
		struct json_object *o = NULL;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		r = isms_read_file(path, SPOOL_FILE_MAX, &buf, &len);
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
		/* Strict JSON: a file that is not is quarantined below, not guessed at. */
		r = isms_json_parse(buf, len, NULL, &o, NULL);
		free(buf);
		if (r == -ENOMEM)
			break;
		r = 0;
		{
			bool bad = false;
			struct isms_evidence ev = {
				.ts = get(o, "ts", &bad), .source = get(o, "source", &bad),
				.kind = get(o, "kind", &bad), .node = get(o, "node", &bad),
				.event_key = get(o, "event_key", &bad),
				.control = get(o, "control", &bad), .asset = get(o, "asset", &bad),
				.subject = get(o, "subject", &bad), .outcome = get(o, "outcome", &bad),
				.details = get(o, "details", &bad),
			};

			if (!o || !ev.event_key || bad) {
				quarantine(path);
				json_object_put(o);
				continue;
			}
			r = isms_evidence_append(s, &ev, NULL);
			json_object_put(o);
			if (r == -EALREADY)
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
