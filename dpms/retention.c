/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The retention check: files in the activities' locations older than their
 * erasure limit.  It walks with file descriptors (openat, O_NOFOLLOW), so a
 * symlink planted in a location can never lead it, let alone a deletion,
 * outside; and it stays on the location's file system.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpms.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "store_internal.h"
#include "strutil.h"

#define MAX_DEPTH 64

struct walk {
	struct isms_store *s;
	const char *activity;
	int64_t cutoff, now;
	bool delete;
	dev_t dev;
	dpms_retention_cb cb;
	void (*problem)(const char *msg, void *ud);
	void *ud;
	size_t deleted;
	int r;
};

static void say(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct walk *w, const char *fmt, ...)
{
	char msg[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->problem)
		w->problem(msg, w->ud);
}

static int record_deletion(struct walk *w, const char *path, const struct stat *st)
{
	struct isms_evidence ev = {0};
	sqlite3_stmt *q = NULL;
	char at[32], mod[32], details[4600];
	const char *by = getenv("SUDO_USER");
	struct passwd *pw = by ? NULL : getpwuid(getuid());
	int r;

	isms_format_utc((time_t)w->now, at, sizeof(at));
	isms_format_utc(st->st_mtime, mod, sizeof(mod));
	if (!by)
		by = pw ? pw->pw_name : "?";
	r = store_prepare(w->s,
			  "INSERT INTO deletion (at, activity, path, size, modified, by)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			  &q);
	if (r >= 0)
		r = store_bind_text(w->s, q, 1, at);
	if (r >= 0)
		r = store_bind_text(w->s, q, 2, w->activity);
	if (r >= 0)
		r = store_bind_text(w->s, q, 3, path);
	if (r >= 0 && sqlite3_bind_int64(q, 4, (sqlite3_int64)st->st_size) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(w->s, q, 5, mod);
	if (r >= 0)
		r = store_bind_text(w->s, q, 6, by);
	if (r >= 0)
		r = store_step_done(w->s, q);
	sqlite3_finalize(q);
	if (r < 0)
		return r;
	/* The path went through isms_path_ok-like checks at registration, but a
	 * file name inside it is anyone's: escape it for the JSON. */
	{
		size_t k = 0;

		k += (size_t)snprintf(details + k, sizeof(details) - k, "{\"path\":\"");
		for (const char *p = path; *p && k < sizeof(details) - 64; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '"' || c == '\\')
				k += (size_t)snprintf(details + k, sizeof(details) - k, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				k += (size_t)snprintf(details + k, sizeof(details) - k, "\\u%04x", c);
			else
				details[k++] = (char)c;
		}
		snprintf(details + k, sizeof(details) - k, "\",\"size\":%" PRId64 ",\"modified\":\"%s\"}",
			 (int64_t)st->st_size, mod);
	}
	ev.source = "dpmsctl";
	ev.kind = "retention.deleted";
	ev.control = "8.10"; /* Information deletion */
	ev.asset = w->activity;
	ev.subject = by;
	ev.outcome = "deleted";
	ev.details = details;
	return isms_evidence_append(w->s, &ev, NULL);
}

static void walk_dir(struct walk *w, int dfd, const char *path, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > MAX_DEPTH) {
		say(w, "'%s': deeper than the walk goes, skipped", path);
		close(dfd);
		return;
	}
	d = fdopendir(dfd);
	if (!d) {
		say(w, "'%s': cannot read: %s", path, strerror(errno));
		close(dfd);
		return;
	}
	while (w->r >= 0 && (de = readdir(d))) {
		char child[4096];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >= (int)sizeof(child))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_dev != w->dev)
			continue; /* another file system mounted inside */
		if (S_ISDIR(st.st_mode)) {
			int cfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (cfd >= 0)
				walk_dir(w, cfd, child, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || st.st_mtime >= w->cutoff)
			continue;
		{
			struct dpms_retention_hit hit = {
				.activity = w->activity, .path = child, .size = st.st_size,
				.mtime = st.st_mtime, .age_days = (w->now - st.st_mtime) / 86400,
			};

			if (w->cb && (w->r = w->cb(&hit, w->ud)) != 0)
				break;
		}
		if (w->delete) {
			if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
				say(w, "'%s': cannot delete: %s", child, strerror(errno));
				continue;
			}
			w->r = record_deletion(w, child, &st);
			if (w->r >= 0)
				w->deleted++;
		}
	}
	closedir(d);
}

struct loc {
	char *path, *activity;
};

struct locs {
	size_t n;
	struct loc *v;
	struct {
		char *id;
		int64_t days;
	} *acts;
	size_t nacts;
};

static int loc_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct locs *l = ud;
	struct loc *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	l->v = nv;
	nv[l->n].path = strdup(v[isms_entity_field_index(e, "path")]);
	nv[l->n].activity = strdup(v[isms_entity_field_index(e, "activity")]);
	l->n++;
	return 0;
}

static int act_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct locs *l = ud;
	const char *days = v[isms_entity_field_index(e, "retention_days")];
	void *nv;

	if (!days)
		return 0;
	nv = realloc(l->acts, (l->nacts + 1) * sizeof(*l->acts));
	if (!nv)
		return -ENOMEM;
	l->acts = nv;
	l->acts[l->nacts].id = strdup(v[0]);
	l->acts[l->nacts].days = strtoll(days, NULL, 10);
	l->nacts++;
	return 0;
}

int dpms_retention_check(struct isms_store *s, const char *activity, bool delete, int64_t now,
			 dpms_retention_cb cb, void (*problem)(const char *msg, void *ud), void *ud,
			 size_t *ret_deleted)
{
	struct locs l = {0};
	struct isms_kv af = {"id", activity};
	size_t deleted = 0;
	int r;

	/* A named activity must exist: a mistyped id would otherwise check nothing, silently. */
	r = activity ? isms_record_get(s, isms_schema_entity(&dpms_schema, "activity"), activity,
				       NULL, NULL) : 0;
	if (r >= 0)
		r = isms_record_list(s, isms_schema_entity(&dpms_schema, "activity"),
				     activity ? &af : NULL, activity ? 1 : 0, act_cb, &l);
	if (r >= 0)
		r = isms_record_list(s, isms_schema_entity(&dpms_schema, "location"), NULL, 0, loc_cb, &l);
	if (r >= 0 && delete)
		r = isms_store_begin(s);
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		struct walk w = {.s = s, .now = now, .delete = delete, .cb = cb, .problem = problem,
				 .ud = ud};
		struct stat st;
		int fd;

		for (size_t k = 0; k < l.nacts; k++) {
			if (strcmp(l.acts[k].id, l.v[i].activity) == 0) {
				w.activity = l.acts[k].id;
				w.cutoff = now - l.acts[k].days * 86400;
			}
		}
		if (!w.activity)
			continue; /* no erasure limit in days, or another activity */
		/* O_NONBLOCK: a FIFO planted where a file was registered must not hang us. */
		fd = open(l.v[i].path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			say(&w, "location '%s' of activity '%s' cannot be opened: %s", l.v[i].path,
			    w.activity, strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		w.dev = st.st_dev;
		if (S_ISDIR(st.st_mode)) {
			walk_dir(&w, fd, l.v[i].path, 0);
		} else if (S_ISREG(st.st_mode)) {
			/* A single file (a database): judged by its own age. */
			close(fd);
			if (st.st_mtime < w.cutoff) {
				struct dpms_retention_hit hit = {
					.activity = w.activity, .path = l.v[i].path, .size = st.st_size,
					.mtime = st.st_mtime, .age_days = (now - st.st_mtime) / 86400,
				};

				if (cb)
					w.r = cb(&hit, ud);
				if (w.r >= 0 && delete) {
					if (unlink(l.v[i].path) < 0)
						say(&w, "'%s': cannot delete: %s", l.v[i].path, strerror(errno));
					else if ((w.r = record_deletion(&w, l.v[i].path, &st)) >= 0)
						w.deleted++;
				}
			}
		} else {
			close(fd);
			say(&w, "location '%s' of activity '%s' is neither a directory nor a file",
			    l.v[i].path, w.activity);
		}
		deleted += w.deleted;
		r = w.r;
	}
	if (delete && r >= 0)
		r = isms_store_commit(s);
	else if (delete)
		isms_store_rollback(s);
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].path);
		free(l.v[i].activity);
	}
	for (size_t k = 0; k < l.nacts; k++)
		free(l.acts[k].id);
	free(l.v);
	free(l.acts);
	if (ret_deleted)
		*ret_deleted = deleted;
	return r;
}
