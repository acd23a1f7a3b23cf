/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether a configuration file can be changed only by root: every component
 * of the path as written, as sshd's safe_path() does, and every symlink on
 * the way (the link itself, then where it leads).  Checking only the
 * resolved target lets a symlink in a directory others can write lead to any
 * root-owned file, an old permissive policy say.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms/trust.h"

/* A link target and the rest of the path may together exceed PATH_MAX. */
#define REST_MAX (2 * PATH_MAX)

struct walk {
	uid_t uid;
	char cur[PATH_MAX];  /* the canonical directory reached so far */
	bool open;           /* cur is writable by others (root's and sticky) */
	char *err;
	size_t errlen;
};

static int fail(struct walk *w, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct walk *w, int r, const char *fmt, ...)
{
	va_list ap;

	if (w->err && w->errlen) {
		va_start(ap, fmt);
		vsnprintf(w->err, w->errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

static bool owner_ok(const struct walk *w, const struct stat *st)
{
	return st->st_uid == 0 || st->st_uid == w->uid;
}

/* " or uid N" when someone besides root may own things. */
static const char *or_uid(const struct walk *w, char buf[32])
{
	buf[0] = '\0';
	if (w->uid)
		snprintf(buf, 32, " or uid %u", (unsigned)w->uid);
	return buf;
}

static int check_dir(struct walk *w, const char *path, const struct stat *st)
{
	char ou[32];

	if (!S_ISDIR(st->st_mode))
		return fail(w, -ENOTDIR, "'%s' is not a directory", path);
	if (owner_ok(w, st) && !(st->st_mode & (S_IWGRP | S_IWOTH))) {
		w->open = false;
		return 0;
	}
	/* Root's sticky directory: only a directory of ours may follow (see trust.h). */
	if (st->st_uid == 0 && (st->st_mode & S_ISVTX)) {
		w->open = true;
		return 0;
	}
	return fail(w, -EPERM,
		    "directory '%s' must be owned by root%s and not group- or world-writable"
		    " (owner uid %u, mode %04o)",
		    path, or_uid(w, ou), (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
}

static int lstat_at(struct walk *w, const char *path, struct stat *st)
{
	if (lstat(path, st) < 0) {
		int r = -errno;

		return fail(w, r, "'%s': %s", path, strerror(-r));
	}
	return 0;
}

/* cur/name, or -ENAMETOOLONG. */
static int join(struct walk *w, const char *name, size_t n, char out[PATH_MAX])
{
	size_t cl = strlen(w->cur);
	bool root = cl == 1;

	if (cl + 1 + n + 1 > PATH_MAX)
		return fail(w, -ENAMETOOLONG, "'%s/%.*s': %s", w->cur, (int)n, name,
			    strerror(ENAMETOOLONG));
	memcpy(out, w->cur, cl);
	if (!root)
		out[cl++] = '/';
	memcpy(out + cl, name, n);
	out[cl + n] = '\0';
	return 0;
}

static void go_up(struct walk *w)
{
	char *slash = strrchr(w->cur, '/');

	if (slash == w->cur)
		w->cur[1] = '\0';
	else if (slash)
		*slash = '\0';
}

static int set_cur_root(struct walk *w)
{
	struct stat st;
	int r;

	w->cur[0] = '/';
	w->cur[1] = '\0';
	r = lstat_at(w, "/", &st);
	return r < 0 ? r : check_dir(w, "/", &st);
}

int isms_trust_check(const char *path, uid_t uid, struct stat *ret_st, char *err, size_t errlen)
{
	struct walk w = {.uid = uid, .err = err, .errlen = errlen};
	char *rest = NULL, *tmp = NULL, next[PATH_MAX], ou[32];
	unsigned links = 0;
	size_t pos = 0;
	struct stat st;
	int r;

	if (err && errlen)
		err[0] = '\0';
	rest = malloc(REST_MAX);
	tmp = malloc(REST_MAX);
	if (!rest || !tmp) {
		r = fail(&w, -ENOMEM, "%s", strerror(ENOMEM));
		goto out;
	}
	/* A relative path starts at the current directory, which counts too. */
	tmp[0] = '\0';
	if (path[0] != '/' && !getcwd(tmp, PATH_MAX)) {
		r = fail(&w, -errno, "'%s': cannot tell the current directory: %s", path,
			 strerror(errno));
		goto out;
	}
	if ((size_t)snprintf(rest, REST_MAX, "%s%s%s", tmp, tmp[0] ? "/" : "", path) >= REST_MAX) {
		r = fail(&w, -ENAMETOOLONG, "'%.64s...': %s", path, strerror(ENAMETOOLONG));
		goto out;
	}
	r = set_cur_root(&w);
	if (r < 0)
		goto out;
	for (;;) {
		const char *name;
		size_t n;
		bool last;

		while (rest[pos] == '/')
			pos++;
		if (!rest[pos])
			break;
		name = rest + pos;
		n = strcspn(name, "/");
		pos += n;
		last = rest[pos + strspn(rest + pos, "/")] == '\0';
		if (n == 1 && name[0] == '.')
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			/* cur is canonical, so its parent is the real '..';
			 * checked before, but whether it is open counts again. */
			go_up(&w);
			r = lstat_at(&w, w.cur, &st);
			if (r < 0 || (r = check_dir(&w, w.cur, &st)) < 0)
				goto out;
			continue;
		}
		r = join(&w, name, n, next);
		if (r < 0)
			goto out;
		r = lstat_at(&w, next, &st);
		if (r < 0)
			goto out;
		if (w.open && !S_ISDIR(st.st_mode)) {
			r = fail(&w, -EPERM,
				 "'%s' is in directory '%s', which others can write: only a"
				 " directory may be there",
				 next, w.cur);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t tl;

			if (!owner_ok(&w, &st)) {
				r = fail(&w, -EPERM, "symlink '%s' must be owned by root%s (owner uid %u)",
					 next, or_uid(&w, ou), (unsigned)st.st_uid);
				goto out;
			}
			if (++links > ISMS_TRUST_MAX_LINKS) {
				r = fail(&w, -ELOOP, "'%s': %s", path, strerror(ELOOP));
				goto out;
			}
			tl = readlink(next, tmp, PATH_MAX);
			if (tl < 0 || tl >= PATH_MAX) {
				r = tl < 0 ? -errno : -ENAMETOOLONG;
				r = fail(&w, r, "symlink '%s': %s", next, strerror(-r));
				goto out;
			}
			/* The target, then what was left of the path. */
			if ((size_t)tl + 1 + strlen(rest + pos) + 1 > REST_MAX) {
				r = fail(&w, -ENAMETOOLONG, "symlink '%s': %s", next,
					 strerror(ENAMETOOLONG));
				goto out;
			}
			tmp[tl] = '/';
			memcpy(tmp + tl + 1, rest + pos, strlen(rest + pos) + 1);
			memcpy(rest, tmp, strlen(tmp) + 1);
			pos = 0;
			if (rest[0] == '/') {
				r = set_cur_root(&w);
				if (r < 0)
					goto out;
			}
			continue;
		}
		if (!last) {
			r = check_dir(&w, next, &st);
			if (r < 0)
				goto out;
			memcpy(w.cur, next, strlen(next) + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			r = fail(&w, -EPERM, "'%s' is not a regular file", next);
			goto out;
		}
		if (!owner_ok(&w, &st) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
			r = fail(&w, -EPERM,
				 "'%s' must be owned by root%s and not group- or world-writable"
				 " (owner uid %u, mode %04o)",
				 next, or_uid(&w, ou), (unsigned)st.st_uid,
				 (unsigned)(st.st_mode & 07777));
			goto out;
		}
		if (ret_st)
			*ret_st = st;
		r = 0;
		goto out;
	}
	/* The path ended in a directory ("/", "/etc/..", "/etc/"). */
	r = fail(&w, -EPERM, "'%s' is not a regular file", path);
out:
	free(rest);
	free(tmp);
	return r;
}

static int read_once(const char *path, uid_t uid, size_t max, char **ret_buf, size_t *ret_len,
		     char *err, size_t errlen)
{
	struct walk w = {.uid = uid, .err = err, .errlen = errlen};
	struct stat checked, st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd = -1, r;

	r = isms_trust_check(path, uid, &checked, err, errlen);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		return fail(&w, r, "'%s': %s", path, strerror(-r));
	}
	if (fstat(fd, &st) < 0) {
		r = fail(&w, -errno, "'%s': %s", path, strerror(errno));
		goto out;
	}
	if (st.st_dev != checked.st_dev || st.st_ino != checked.st_ino) {
		r = fail(&w, -ESTALE, "'%s' was replaced while it was checked", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || !owner_ok(&w, &st) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		r = fail(&w, -EPERM, "'%s' was replaced or changed while it was checked", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		r = fail(&w, -EFBIG, "'%s': %s", path, strerror(EFBIG));
		goto out;
	}
	/* The size may change while we read; never beyond @max all the same. */
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (!buf) {
		r = fail(&w, -ENOMEM, "%s", strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = fail(&w, -errno, "'%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = fail(&w, -EFBIG, "'%s': %s", path, strerror(EFBIG));
			goto out;
		}
		if (len == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb) {
				r = fail(&w, -ENOMEM, "%s", strerror(ENOMEM));
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	*ret_buf = buf;
	buf = NULL;
	if (ret_len)
		*ret_len = len;
	r = 0;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * A file replaced by rename(2) between the check and the open (the facts
 * snapshot is rewritten that way at every register change; editors save
 * policies so) is no attack: the new file is checked from the start.  A few
 * tries, then the error: a path that keeps changing is not read.
 */
#define READ_TRIES 8

int isms_trust_read(const char *path, uid_t uid, size_t max, char **ret_buf, size_t *ret_len,
		    char *err, size_t errlen)
{
	int r = -ESTALE;

	for (int i = 0; i < READ_TRIES && r == -ESTALE; i++)
		r = read_once(path, uid, max, ret_buf, ret_len, err, errlen);
	return r;
}
