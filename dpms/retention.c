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
#include "retention_internal.h"

#define MAX_DEPTH 64

void retention_say(struct walk *w, const char *fmt, ...)
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

/* Whether the duty to keep a file modified at @mtime has ended: never when it cannot be said. */
static bool expired(const struct walk *w, int64_t mtime)
{
	int64_t until;

	return dpms_retention_expiry(w->rule, mtime, &until) == 0 && w->now >= until;
}

/* Whether @path is under a legal hold: the path itself or a directory above it. */
static bool held(const struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->nholds; i++) {
		size_t len = strlen(w->holds[i]);

		while (len > 1 && w->holds[i][len - 1] == '/')
			len--;
		if (strncmp(path, w->holds[i], len) == 0 && (!path[len] || path[len] == '/'))
			return true;
	}
	return false;
}

static void walk_dir(struct walk *w, int dfd, const char *path, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > MAX_DEPTH) {
		retention_say(w, "'%s': deeper than the walk goes, skipped", path);
		close(dfd);
		return;
	}
	d = fdopendir(dfd);
	if (!d) {
		retention_say(w, "'%s': cannot read: %s", path, strerror(errno));
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
		if (held(w, child))
			continue; /* a legal hold: not even listed */
		if (S_ISDIR(st.st_mode)) {
			int cfd = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (cfd >= 0)
				walk_dir(w, cfd, child, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !expired(w, st.st_mtime))
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
			retention_delete_file(w, dirfd(d), de->d_name, child, &st);
	}
	closedir(d);
}

struct loc {
	char *path, *activity, *host;
};

struct act_rule {
	char *id;
	struct dpms_retention_rule rule;
	bool event_undated; /* retention_event 'event' without its date */
	bool hold_all;
	char **holds;
	size_t nholds;
};

struct locs {
	size_t n;
	struct loc *v;
	struct act_rule *acts;
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
	const char *event = v[isms_entity_field_index(e, "retention_event")];
	const char *period = v[isms_entity_field_index(e, "retention_period")];
	const char *date = v[isms_entity_field_index(e, "retention_event_date")];
	struct act_rule a = {0};
	void *nv;

	if (days)
		a.rule.days = strtoll(days, NULL, 10);
	if (period && dpms_retention_period_parse(period, &a.rule.n, &a.rule.unit) < 0)
		a.rule.n = 0; /* refused on entry; an imported odd one deletes nothing by it */
	if (event && dpms_retention_event_parse(event, &a.rule.event) < 0)
		a.rule.event = DPMS_RET_MODIFIED;
	if (date && isms_date_valid(date)) {
		/* A date: the event at its start, UTC. */
		a.rule.has_event_date = true;
		a.rule.event_date = isms_days_from_civil(strtoll(date, NULL, 10),
							 (unsigned)strtoul(date + 5, NULL, 10),
							 (unsigned)strtoul(date + 8, NULL, 10)) * 86400;
	}
	a.event_undated = a.rule.n > 0 && a.rule.event == DPMS_RET_EVENT && !a.rule.has_event_date;
	if (a.rule.days <= 0 && a.rule.n <= 0)
		return 0; /* no erasure rule the check can apply */
	nv = realloc(l->acts, (l->nacts + 1) * sizeof(*l->acts));
	if (!nv)
		return -ENOMEM;
	l->acts = nv;
	a.id = strdup(v[0]);
	if (!a.id)
		return -ENOMEM;
	l->acts[l->nacts++] = a;
	return 0;
}

static int hold_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct locs *l = ud;
	const char *act = v[isms_entity_field_index(e, "activity")];
	const char *path = v[isms_entity_field_index(e, "path")];

	for (size_t k = 0; k < l->nacts; k++) {
		struct act_rule *a = &l->acts[k];
		char **nh;

		if (strcmp(a->id, act) != 0)
			continue;
		if (!path) {
			a->hold_all = true;
			continue;
		}
		nh = realloc(a->holds, (a->nholds + 1) * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		a->holds = nh;
		nh[a->nholds] = strdup(path);
		if (!nh[a->nholds])
			return -ENOMEM;
		a->nholds++;
	}
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
	if (r >= 0) {
		struct isms_kv hf = {"status", "active"};

		r = isms_record_list(s, isms_schema_entity(&dpms_schema, "hold"), &hf, 1, hold_cb, &l);
	}
	if (gethostname(me, sizeof(me) - 1) < 0)
		me[0] = '\0';
	me[sizeof(me) - 1] = '\0';
	/* Deletions are recorded before and after, each committed on its own:
	 * no transaction around the walk could undo a record of a file gone. */
	if (r >= 0 && delete) {
		struct walk w = {.s = s, .problem = problem, .ud = ud};
		size_t recovered = 0;

		r = retention_recover(s, now, &w, &recovered);
		deleted += recovered;
	}
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		struct walk w = {.s = s, .now = now, .delete = delete, .cb = cb, .problem = problem,
				 .ud = ud};
		struct stat st;
		const char *pname = NULL;
		char *pcopy = NULL;
		int fd, pfd = -1, pr;

		const struct act_rule *ar = NULL;

		for (size_t k = 0; k < l.nacts; k++)
			if (strcmp(l.acts[k].id, l.v[i].activity) == 0)
				ar = &l.acts[k];
		if (!ar)
			continue; /* no erasure rule, or another activity */
		w.activity = ar->id;
		w.rule = &ar->rule;
		w.holds = ar->holds;
		w.nholds = ar->nholds;
		if (ar->hold_all)
			continue; /* a legal hold on the whole activity */
		if (ar->event_undated)
			retention_say(&w, "activity '%s': retention runs from an event without a date"
				      " (retention_event_date): its files are kept", w.activity);
		/* The path names a file on the location's host, not this one's:
		 * that host's check walks it.  Not a problem here (a register of
		 * a fleet would otherwise fail every run). */
		if (!this_host(l.v[i].host, me))
			continue;
		/* O_NONBLOCK: a FIFO planted where a file was registered must not hang us. */
		pr = open_parent(l.v[i].path, &pfd, &pcopy, &pname);
		if (pr < 0) {
			retention_say(&w, "location '%s' of activity '%s' cannot be opened: %s%s", l.v[i].path,
			    w.activity, strerror(-pr),
			    pr == -ELOOP ? " (a symlink on the way: register the real path)" : "");
			continue;
		}
		fd = openat(pfd, pname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			retention_say(&w, "location '%s' of activity '%s' cannot be opened: %s", l.v[i].path,
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
			if (expired(&w, st.st_mtime) && !held(&w, l.v[i].path)) {
				struct dpms_retention_hit hit = {
					.activity = w.activity, .path = l.v[i].path, .size = st.st_size,
					.mtime = st.st_mtime, .age_days = (now - st.st_mtime) / 86400,
				};

				if (cb)
					w.r = cb(&hit, ud);
				if (w.r >= 0 && delete)
					retention_delete_file(&w, pfd, pname, l.v[i].path, &st);
			}
		} else {
			close(fd);
			retention_say(&w, "location '%s' of activity '%s' is neither a directory nor a file",
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
	for (size_t k = 0; k < l.nacts; k++) {
		free(l.acts[k].id);
		for (size_t h = 0; h < l.acts[k].nholds; h++)
			free(l.acts[k].holds[h]);
		free(l.acts[k].holds);
	}
	free(l.v);
	free(l.acts);
	if (ret_deleted)
		*ret_deleted = deleted;
	return r;
}
