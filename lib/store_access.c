/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may open a store, and what a reader needs besides the store file.
 *
 * A store is in WAL mode: beside PATH live PATH-wal (pages not yet copied
 * back: as personal as the store) and PATH-shm (SQLite's index into it).  A
 * reader that may not write the directory cannot create them, and SQLite
 * deletes both when its last connection closes.  So writers keep them
 * (SQLITE_FCNTL_PERSIST_WAL, store.c) with the store's group and mode, and a
 * reader opens them read-only: SQLite (3.22 and later) then reads a
 * consistent snapshot beside a live writer, through the writer's index, or
 * builds an index of its own from the -wal when no writer is connected;
 * either way it holds the read lock that keeps a checkpoint from changing
 * the pages it reads.  immutable=1 is never used: it turns off locking and
 * change detection, and no test before a read (the -wal is absent, say) can
 * promise that pam_isms or audisp-isms will not checkpoint during it.
 *
 * Nothing here opens the store or its side files: closing any descriptor of
 * a file drops every POSIX lock the process holds on it, SQLite's included,
 * and a process may hold other connections to the same store (audisp-isms
 * does).  A reader that then looks unlocked lets the next one reset the
 * -shm under a live writer.  Only stat, access and *at() calls by name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms/identity.h"
#include "isms/snapshot.h"
#include "isms/trust.h"
#include "store_internal.h"

static const char *const side_suffix[] = {"-wal", "-shm"};
#define NSIDE (sizeof(side_suffix) / sizeof(side_suffix[0]))

/* "group 'isms-dpo'", or "gid 64001" when NSS does not know it. */
static void group_text(gid_t gid, char *buf, size_t len)
{
	char *name = NULL;

	if (isms_identity_group_name(gid, &name) == 0)
		snprintf(buf, len, "group '%s'", name);
	else
		snprintf(buf, len, "gid %u", (unsigned)gid);
	free(name);
}

/* What a reader lacks for @st: the group, or an owner-only mode. */
static void lacking(const struct stat *st, mode_t group_bit, char *buf, size_t len)
{
	char grp[300];

	group_text(st->st_gid, grp, sizeof(grp));
	if (st->st_mode & group_bit)
		snprintf(buf, len, "it needs membership of %s", grp);
	else
		snprintf(buf, len, "only its owner may (see 'init --group' for a readers' group)");
}

static int may_access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

int store_explain_denied(const char *path, char *err, size_t errlen)
{
	char buf[PATH_MAX], why[400];
	size_t n = strlen(path);
	struct stat st;

	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "cannot open store '%s': %s", path, strerror(EACCES));
		return -EACCES;
	}
	memcpy(buf, path, n + 1);
	/* The first directory on the way that may not be searched. */
	for (size_t i = 1; i < n; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (may_access(buf, X_OK) < 0 && errno == EACCES) {
			if (stat(buf, &st) == 0) {
				lacking(&st, S_IXGRP, why, sizeof(why));
				snprintf(err, errlen,
					 "cannot open store '%s': uid %u may not enter directory '%s'"
					 " (owner uid %u, mode %04o): %s",
					 path, (unsigned)geteuid(), buf, (unsigned)st.st_uid,
					 (unsigned)(st.st_mode & 07777), why);
			} else {
				snprintf(err, errlen,
					 "cannot open store '%s': uid %u may not enter directory '%s'",
					 path, (unsigned)geteuid(), buf);
			}
			return -EACCES;
		}
		buf[i] = '/';
	}
	if (stat(path, &st) == 0) {
		lacking(&st, S_IRGRP, why, sizeof(why));
		snprintf(err, errlen,
			 "cannot open store '%s': uid %u may not read it (owner uid %u, mode %04o): %s",
			 path, (unsigned)geteuid(), (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
			 why);
	} else {
		snprintf(err, errlen, "cannot open store '%s': %s", path, strerror(EACCES));
	}
	return -EACCES;
}

static int side_name(const char *path, size_t i, char out[PATH_MAX])
{
	if ((size_t)snprintf(out, PATH_MAX, "%s%s", path, side_suffix[i]) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * The -wal and -shm that exist: whoever may write them may change what the
 * store says, so they are held to the store's rules, and a reader must be
 * able to read them.
 */
static int check_side(const char *path, const struct stat *db, bool want_write, char *err,
		      size_t errlen)
{
	char side[PATH_MAX], why[400];
	struct stat st;
	int r;

	for (size_t i = 0; i < NSIDE; i++) {
		r = side_name(path, i, side);
		if (r < 0) {
			snprintf(err, errlen, "store '%s': %s", path, strerror(-r));
			return r;
		}
		if (lstat(side, &st) < 0) {
			r = -errno;
			if (r == -ENOENT)
				continue;
			snprintf(err, errlen, "cannot stat '%s': %s", side, strerror(-r));
			return r;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "'%s' of the store is not a regular file", side);
			return -EPERM;
		}
		if (st.st_mode & (S_IWGRP | S_IWOTH)) {
			snprintf(err, errlen,
				 "'%s' of the store is group- or world-writable (mode %04o); fix with: chmod %o '%s'",
				 side, (unsigned)(st.st_mode & 07777), (unsigned)(db->st_mode & 0644),
				 side);
			return -EPERM;
		}
		if (st.st_uid != db->st_uid && st.st_uid != 0) {
			snprintf(err, errlen,
				 "'%s' of the store is owned by uid %u, not by the store's owner (uid %u)",
				 side, (unsigned)st.st_uid, (unsigned)db->st_uid);
			return -EPERM;
		}
		if (!want_write && may_access(side, R_OK) < 0 && errno == EACCES) {
			lacking(&st, S_IRGRP, why, sizeof(why));
			snprintf(err, errlen,
				 "cannot read store '%s': uid %u may read the store but not '%s'"
				 " (owner uid %u, mode %04o): %s; a write as root gives it the"
				 " store's group and mode",
				 path, (unsigned)geteuid(), side, (unsigned)st.st_uid,
				 (unsigned)(st.st_mode & 07777), why);
			return -EACCES;
		}
	}
	return 0;
}

int store_explain_readonly(const char *path, const char *tool, const char *sqlite_msg, char *err,
			   size_t errlen)
{
	char side[PATH_MAX], *dup;
	bool missing = false;
	const char *dir;
	int r;

	r = store_check_access(path, false, err, errlen);
	if (r < 0)
		return r;
	for (size_t i = 0; i < NSIDE; i++)
		if (side_name(path, i, side) == 0 && access(side, F_OK) < 0 && errno == ENOENT)
			missing = true;
	dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	dir = dirname(dup);
	if (missing && may_access(dir, W_OK | X_OK) < 0 && errno == EACCES)
		snprintf(err, errlen,
			 "cannot read store '%s' as uid %u yet: its '-wal' and '-shm' files are"
			 " missing and only who may write '%s' can create them; run any '%s'"
			 " command on it as root once (they are kept from then on)",
			 path, (unsigned)geteuid(), dir, tool);
	else
		snprintf(err, errlen, "cannot read store '%s': its '-wal' or '-shm' cannot be used (%s)",
			 path, sqlite_msg);
	free(dup);
	return -EACCES;
}

int store_check_access(const char *path, bool want_write, char *err, size_t errlen)
{
	uid_t euid = geteuid();
	struct stat st;
	char *dup, *dir;
	int r = 0;

	if (stat(path, &st) < 0) {
		r = -errno;
		if (r == -EACCES)
			return store_explain_denied(path, err, errlen);
		snprintf(err, errlen, "cannot stat store '%s': %s", path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "store '%s' is not a regular file", path);
		return -EINVAL;
	}
	/* sshd StrictModes: a group- or world-writable file lets someone else
	 * rewrite the evidence. */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen,
			 "store '%s' is group- or world-writable (mode %04o); fix with: chmod 600 '%s'",
			 path, (unsigned)(st.st_mode & 07777), path);
		return -EPERM;
	}
	dup = strdup(path);
	if (!dup)
		return -ENOMEM;
	dir = dirname(dup);
	/* Whoever may write the directory may replace the store: as bad as a
	 * writable file, unless the sticky bit (as on /tmp) stops them. */
	if (stat(dir, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		snprintf(err, errlen,
			 "directory '%s' of the store is group- or world-writable without the sticky bit",
			 dir);
		r = -EPERM;
	}
	free(dup);
	if (r < 0)
		return r;
	/* Someone who is not root trusts what the store says only if nobody
	 * but root or they could have put it there: every directory on the
	 * way, as for the policy (trust.h).  A root-owned, group-readable
	 * directory passes; a writable one does not. */
	if (euid != 0) {
		char why[400];

		r = isms_trust_check(path, euid, NULL, why, sizeof(why));
		if (r < 0) {
			if (r == -EACCES)
				return store_explain_denied(path, err, errlen);
			snprintf(err, errlen, "store '%s' is not trusted: %s", path, why);
			return r;
		}
	}
	if (stat(path, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot stat store '%s': %s", path, strerror(-r));
		return r;
	}
	if (may_access(path, R_OK) < 0 && errno == EACCES)
		return store_explain_denied(path, err, errlen);
	if (want_write && !(st.st_mode & S_IWUSR)) {
		snprintf(err, errlen, "store '%s' is read-only (mode %04o)", path,
			 (unsigned)(st.st_mode & 07777));
		return -EROFS;
	}
	if (want_write && may_access(path, W_OK) < 0) {
		snprintf(err, errlen,
			 "store '%s' may be read but not written by uid %u (owner uid %u, mode %04o):"
			 " only its owner writes it",
			 path, (unsigned)euid, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EROFS;
	}
	return check_side(path, &st, want_write, err, errlen);
}

/*
 * Give @name in @dfd @gid and @mode, by name (see the top: no descriptor of
 * it may be opened), not following a symlink: fchmodat cannot refuse one, so
 * the file is checked first; the directory is trusted by then, so nobody but
 * its owner could swap it in between.  With @owner != -1 only a file of
 * that owner is changed.
 */
static int set_group_mode(int dfd, const char *name, uid_t owner, gid_t gid, mode_t mode)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (owner != (uid_t)-1 && st.st_uid != owner))
		return -EPERM;
	if (st.st_gid != gid && fchownat(dfd, name, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if ((st.st_mode & 07777) != mode && fchmodat(dfd, name, mode, 0) < 0)
		return -errno;
	return 0;
}

int store_sync_side_files(const char *path)
{
	char *d1 = strdup(path), *d2 = strdup(path), name[PATH_MAX];
	struct stat db;
	int dfd = -1, r = 0;

	if (!d1 || !d2) {
		r = -ENOMEM;
		goto out;
	}
	if (stat(path, &db) < 0) {
		r = -errno;
		goto out;
	}
	dfd = open(dirname(d1), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		goto out;
	}
	for (size_t i = 0; i < NSIDE; i++) {
		int q;

		if ((size_t)snprintf(name, sizeof(name), "%s%s", basename(d2), side_suffix[i]) >=
		    sizeof(name)) {
			r = -ENAMETOOLONG;
			goto out;
		}
		q = set_group_mode(dfd, name, db.st_uid, db.st_gid, db.st_mode & 0644);
		if (q < 0 && q != -ENOENT && r == 0)
			r = q;
	}
out:
	if (dfd >= 0)
		close(dfd);
	free(d1);
	free(d2);
	return r;
}

/*
 * The files of a store beside it: SQLite's, the facts snapshot and its lock,
 * the decision journal with its loss counter and drain files, the compiled
 * policy.  Each keeps its own mode; none is a stranger's file.
 */
static const char *const own_suffix[] = {
	"", "-wal", "-shm", "-journal", ISMS_SNAPSHOT_SUFFIX, ISMS_SNAPSHOT_SUFFIX ".lock",
	ISMS_JOURNAL_SUFFIX, ISMS_JOURNAL_SUFFIX ".lost", ISMS_JOURNAL_SUFFIX ".drain",
	ISMS_JOURNAL_SUFFIX ".draining", ".policy",
};

static bool own_file(const char *n, const char *base, size_t bl)
{
	if (strncmp(n, base, bl) != 0)
		return false;
	for (size_t i = 0; i < sizeof(own_suffix) / sizeof(own_suffix[0]); i++)
		if (strcmp(n + bl, own_suffix[i]) == 0)
			return true;
	return false;
}

/* Whether @dfd holds nothing but the store @base and its own files. */
static int only_the_store(int dfd, const char *dir, const char *base, char *err, size_t errlen)
{
	size_t bl = strlen(base);
	struct dirent *de;
	int r = 0, fd = dup(dfd);
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "cannot list directory '%s': %s", dir, strerror(-r));
		return r;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		if (own_file(n, base, bl))
			continue;
		snprintf(err, errlen,
			 "directory '%s' holds '%s' besides the store: a readers' group would see"
			 " into it; give the store a directory of its own",
			 dir, n);
		r = -ENOTEMPTY;
		break;
	}
	closedir(d);
	return r;
}

int isms_store_share(const char *path, const char *group, char **ret_err)
{
	char err[768] = "", *d1 = strdup(path), *d2 = strdup(path), name[NAME_MAX + 8];
	const char *dir, *base;
	int dfd = -1, r;
	gid_t gid;

	if (!d1 || !d2) {
		r = -ENOMEM;
		goto out;
	}
	dir = dirname(d1);
	base = basename(d2);
	r = isms_identity_group_gid(group, &gid);
	if (r < 0) {
		if (r == -ENOENT)
			snprintf(err, sizeof(err), "no group '%s'; create it first: groupadd --system '%s'",
				 group, group);
		else
			snprintf(err, sizeof(err), "cannot look up group '%s': %s", group, strerror(-r));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		r = -errno;
		snprintf(err, sizeof(err), "cannot open directory '%s': %s", dir, strerror(-r));
		goto out;
	}
	r = only_the_store(dfd, dir, base, err, sizeof(err));
	if (r < 0)
		goto out;
	/* The files first, the directory last: nobody can enter before every
	 * file has its final mode. */
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s%s", base, i == 0 ? "" : side_suffix[i - 1]);
		r = set_group_mode(dfd, name, (uid_t)-1, gid, 0640);
		if (r == -ENOENT && i > 0)
			continue;
		if (r < 0) {
			snprintf(err, sizeof(err), "cannot give '%s/%s' to group '%s': %s", dir, name,
				 group, strerror(-r));
			goto out;
		}
	}
	/* A directory descriptor holds no locks that closing it could drop. */
	if (fchown(dfd, (uid_t)-1, gid) < 0 || fchmod(dfd, 02750) < 0)
		r = -errno;
	if (r < 0)
		snprintf(err, sizeof(err), "cannot give directory '%s' to group '%s': %s", dir, group,
			 strerror(-r));
out:
	if (dfd >= 0)
		close(dfd);
	if (r < 0 && ret_err)
		*ret_err = strdup(err[0] ? err : strerror(-r));
	free(d1);
	free(d2);
	return r;
}
