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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpms.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/sql.h"
#include "isms/strutil.h"

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

/* "by" of a deletion: who ran the check (through sudo: the person). */
static const char *deleter(void)
{
	const char *by = getenv("SUDO_USER");
	struct passwd *pw = by ? NULL : getpwuid(getuid());

	return by ? by : pw ? pw->pw_name : "?";
}

/* {"path":...,"size":N,"modified":...[,"intent":N][,"recovered":true]}: a
 * file name inside a location is anyone's, so it is escaped for the JSON. */
static void deletion_details(char *details, size_t size, const char *path, int64_t bytes,
			     const char *mod, int64_t intent, bool recovered)
{
	size_t k = 0;

	k += (size_t)snprintf(details + k, size - k, "{\"path\":\"");
	for (const char *p = path; *p && k < size - 128; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			k += (size_t)snprintf(details + k, size - k, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			k += (size_t)snprintf(details + k, size - k, "\\u%04x", c);
		else
			details[k++] = (char)c;
	}
	k += (size_t)snprintf(details + k, size - k, "\",\"size\":%" PRId64 ",\"modified\":\"%s\"",
			      bytes, mod);
	if (intent > 0)
		k += (size_t)snprintf(details + k, size - k, ",\"intent\":%" PRId64, intent);
	snprintf(details + k, size - k, "%s}", recovered ? ",\"recovered\":true" : "");
}

static int append(struct isms_store *s, const char *kind, const char *outcome,
		  const char *activity, const char *details, int64_t *ret_id)
{
	struct isms_evidence ev = {0};

	ev.source = "dpmsctl";
	ev.kind = kind;
	ev.control = "8.10"; /* Information deletion */
	ev.asset = activity;
	ev.subject = deleter();
	ev.outcome = outcome;
	ev.details = details;
	return isms_evidence_append(s, &ev, ret_id);
}

/*
 * Before a file goes: its intended deletion, committed on its own.  Should
 * the deletion or its record then fail (a crash, a full disk), the next run
 * finds the intent without an outcome and completes it (recover()).
 */
static int record_intent(struct walk *w, const char *path, const struct stat *st,
			 int64_t *ret_id)
{
	char mod[32], details[4700];

	isms_format_utc(st->st_mtime, mod, sizeof(mod));
	deletion_details(details, sizeof(details), path, (int64_t)st->st_size, mod, 0, false);
	return append(w->s, "retention.delete-intent", "intended", w->activity, details, ret_id);
}

/* After: the deletion record and its evidence, one transaction. */
static int record_deletion(struct isms_store *s, const char *activity, const char *path,
			   int64_t size, const char *mod, int64_t now, int64_t intent,
			   bool recovered)
{
	sqlite3_stmt *q = NULL;
	char at[32], details[4700];
	int r;

	isms_format_utc((time_t)now, at, sizeof(at));
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_sql_prepare(s,
			  "INSERT INTO deletion (at, activity, path, size, modified, by)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			  &q);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 1, at);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 2, activity);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 3, path);
	if (r >= 0 && sqlite3_bind_int64(q, 4, (sqlite3_int64)size) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 5, mod);
	if (r >= 0)
		r = isms_sql_bind_text(s, q, 6, deleter());
	if (r >= 0)
		r = isms_sql_step_done(s, q);
	sqlite3_finalize(q);
	if (r >= 0) {
		deletion_details(details, sizeof(details), path, size, mod, intent, recovered);
		r = append(s, "retention.deleted", "deleted", activity, details, NULL);
	}
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

/* An intent that did not end in a deletion: said so, so it is not pending. */
static int record_unfinished(struct isms_store *s, const char *activity, const char *path,
			     int64_t intent, const char *why)
{
	char details[4900], reason[160];
	size_t k;

	deletion_details(details, sizeof(details) - 200, path, 0, "", intent, false);
	/* replace the closing brace by the reason (why is ours: no escaping) */
	k = strlen(details) - 1;
	snprintf(reason, sizeof(reason), ",\"reason\":\"%s\"}", why);
	snprintf(details + k, sizeof(details) - k, "%s", reason);
	return append(s, "retention.delete-unfinished", "not deleted", activity, details, NULL);
}

/* Delete one file (@dfd/@name, shown as @path) the check found too old. */
static void delete_file(struct walk *w, int dfd, const char *name, const char *path,
			const struct stat *st)
{
	char mod[32];
	int64_t intent = 0;

	w->r = record_intent(w, path, st, &intent);
	if (w->r < 0)
		return; /* nothing recorded: nothing deleted */
	if (unlinkat(dfd, name, 0) < 0) {
		char why[128];

		snprintf(why, sizeof(why), "cannot delete: %s", strerror(errno));
		say(w, "'%s': %s", path, why);
		w->r = record_unfinished(w->s, w->activity, path, intent, why);
		return;
	}
	isms_format_utc(st->st_mtime, mod, sizeof(mod));
	w->r = record_deletion(w->s, w->activity, path, (int64_t)st->st_size, mod, w->now, intent,
			       false);
	if (w->r >= 0)
		w->deleted++;
}

/*
 * Intents of earlier runs without an outcome (the run died between its
 * intent and its record): a file that is gone was deleted, and its record
 * is made now; one that is still there was not, and is marked so (this run
 * decides about it again).
 */
static int recover(struct isms_store *s, int64_t now, struct walk *w, size_t *ret_recovered)
{
	sqlite3_stmt *q = NULL;
	int r = isms_sql_prepare(
		s,
		"SELECT e.pk, e.asset, json_extract(e.details, '$.path'),"
		" json_extract(e.details, '$.size'), json_extract(e.details, '$.modified')"
		" FROM evidence e WHERE e.kind = 'retention.delete-intent' AND e.pk NOT IN"
		/* evaluated once, not per intent: the chain holds every access */
		" (SELECT json_extract(o.details, '$.intent') FROM evidence o"
		" WHERE o.kind IN ('retention.deleted', 'retention.delete-unfinished')"
		" AND json_extract(o.details, '$.intent') IS NOT NULL)"
		" ORDER BY e.pk",
		&q);
	struct pending {
		int64_t pk, size;
		char *activity, *path, *mod;
	} *v = NULL;
	size_t n = 0;

	*ret_recovered = 0;
	while (r >= 0 && (r = isms_sql_step_row(s, q)) == 1) {
		struct pending *nv = realloc(v, (n + 1) * sizeof(*v));
		const char *a = (const char *)sqlite3_column_text(q, 1);
		const char *p = (const char *)sqlite3_column_text(q, 2);
		const char *m = (const char *)sqlite3_column_text(q, 4);

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		v[n].pk = sqlite3_column_int64(q, 0);
		v[n].size = sqlite3_column_int64(q, 3);
		v[n].activity = strdup(a ? a : "");
		v[n].path = strdup(p ? p : "");
		v[n].mod = strdup(m ? m : "");
		n++;
		if (!v[n - 1].activity || !v[n - 1].path || !v[n - 1].mod) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(q);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct stat st;

		if (lstat(v[i].path, &st) < 0 && errno == ENOENT) {
			r = record_deletion(s, v[i].activity, v[i].path, v[i].size, v[i].mod, now,
					    v[i].pk, true);
			if (r >= 0)
				(*ret_recovered)++;
		} else {
			say(w, "'%s': an earlier deletion did not finish; the file is still there",
			    v[i].path);
			r = record_unfinished(s, v[i].activity, v[i].path, v[i].pk,
					      "interrupted; the file was still there");
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].activity);
		free(v[i].path);
		free(v[i].mod);
	}
	free(v);
	return r < 0 ? r : 0;
}

/*
 * A location is this host's when its host is empty (the register's
 * default) or names this host: its name as gethostname() gives it, or its
 * first label (web1 for web1.example.org), compared without case.
 */
static bool this_host(const char *host, const char *me)
{
	size_t hl, ml;

	if (!host || !*host)
		return true;
	if (strcasecmp(host, me) == 0)
		return true;
	hl = strcspn(host, ".");
	ml = strcspn(me, ".");
	/* one side given short, the other long */
	return (!host[hl] || !me[ml]) && hl == ml && strncasecmp(host, me, hl) == 0;
}

/*
 * The directory that holds the last component of @path, opened without
 * following a symlink anywhere on the way (each component with O_NOFOLLOW,
 * as openat2's RESOLVE_NO_SYMLINKS would): a directory on the way swapped
 * for a link would otherwise take the walk, and its deletions, out of the
 * location.  *ret_name points into *ret_copy (free it).  -ELOOP for a
 * symlink on the way, -EINVAL for a path that is not absolute or has "..".
 */
static int open_parent(const char *path, int *ret_dfd, char **ret_copy, const char **ret_name)
{
	char *copy, *p, *name = NULL;
	int dfd, r = 0;

	if (path[0] != '/')
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		goto out;
	}
	p = copy;
	for (;;) {
		char *slash;
		struct stat st;
		int nfd;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (strcmp(p, "..") == 0) {
			r = -EINVAL;
			goto out;
		}
		if (name) {
			/* the one before is on the way: a real directory, no link */
			if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				r = -errno;
				goto out;
			}
			if (S_ISLNK(st.st_mode)) {
				r = -ELOOP;
				goto out;
			}
			nfd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0) {
				r = -errno;
				goto out;
			}
			close(dfd);
			dfd = nfd;
		}
		name = p;
		if (!slash)
			break;
		p = slash + 1;
	}
	*ret_dfd = dfd;
	dfd = -1;
	*ret_copy = copy;
	copy = NULL;
	*ret_name = name ? name : ".";
out:
	if (dfd >= 0)
		close(dfd);
	free(copy);
	return r;
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
		if (w->delete)
			delete_file(w, dirfd(d), de->d_name, child, &st);
	}
	closedir(d);
}

struct loc {
	char *path, *activity, *host;
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
	{
		const char *h = v[isms_entity_field_index(e, "host")];

		nv[l->n].host = h ? strdup(h) : NULL;
	}
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
	char me[256];
	int r;

	/* A named activity must exist: a mistyped id would otherwise check nothing, silently. */
	r = activity ? isms_record_get(s, isms_schema_entity(&dpms_schema, "activity"), activity,
				       NULL, NULL) : 0;
	if (r >= 0)
		r = isms_record_list(s, isms_schema_entity(&dpms_schema, "activity"),
				     activity ? &af : NULL, activity ? 1 : 0, act_cb, &l);
	if (r >= 0)
		r = isms_record_list(s, isms_schema_entity(&dpms_schema, "location"), NULL, 0, loc_cb, &l);
	if (gethostname(me, sizeof(me) - 1) < 0)
		me[0] = '\0';
	me[sizeof(me) - 1] = '\0';
	/* Deletions are recorded before and after, each committed on its own:
	 * no transaction around the walk could undo a record of a file gone. */
	if (r >= 0 && delete) {
		struct walk w = {.s = s, .problem = problem, .ud = ud};
		size_t recovered = 0;

		r = recover(s, now, &w, &recovered);
		deleted += recovered;
	}
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		struct walk w = {.s = s, .now = now, .delete = delete, .cb = cb, .problem = problem,
				 .ud = ud};
		struct stat st;
		const char *pname = NULL;
		char *pcopy = NULL;
		int fd, pfd = -1, pr;

		for (size_t k = 0; k < l.nacts; k++) {
			if (strcmp(l.acts[k].id, l.v[i].activity) == 0) {
				w.activity = l.acts[k].id;
				w.cutoff = now - l.acts[k].days * 86400;
			}
		}
		if (!w.activity)
			continue; /* no erasure limit in days, or another activity */
		/* The path names a file on the location's host, not this one's:
		 * that host's check walks it.  Not a problem here (a register of
		 * a fleet would otherwise fail every run). */
		if (!this_host(l.v[i].host, me))
			continue;
		/* O_NONBLOCK: a FIFO planted where a file was registered must not hang us. */
		pr = open_parent(l.v[i].path, &pfd, &pcopy, &pname);
		if (pr < 0) {
			say(&w, "location '%s' of activity '%s' cannot be opened: %s%s", l.v[i].path,
			    w.activity, strerror(-pr),
			    pr == -ELOOP ? " (a symlink on the way: register the real path)" : "");
			continue;
		}
		fd = openat(pfd, pname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			say(&w, "location '%s' of activity '%s' cannot be opened: %s", l.v[i].path,
			    w.activity, strerror(errno));
			if (fd >= 0)
				close(fd);
			close(pfd);
			free(pcopy);
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
				if (w.r >= 0 && delete)
					delete_file(&w, pfd, pname, l.v[i].path, &st);
			}
		} else {
			close(fd);
			say(&w, "location '%s' of activity '%s' is neither a directory nor a file",
			    l.v[i].path, w.activity);
		}
		close(pfd);
		free(pcopy);
		deleted += w.deleted;
		r = w.r;
	}
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].path);
		free(l.v[i].activity);
		free(l.v[i].host);
	}
	for (size_t k = 0; k < l.nacts; k++)
		free(l.acts[k].id);
	free(l.v);
	free(l.acts);
	if (ret_deleted)
		*ret_deleted = deleted;
	return r;
}
