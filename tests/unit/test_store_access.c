/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may open a store (lib/store_access.c): the side files writers keep for
 * readers and their modes, isms_store_share(), the locks of other
 * connections in the process, and real readers that are not root (a child
 * that takes an unused uid and gid: no user needs to exist for the kernel).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isms/evidence.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

/* Ids for the child readers; the kernel needs no passwd entry for them. */
#define READER_UID 64010
#define READERS_GID 64011
#define OTHER_GID 64012

static char *side(const char *path, const char *suffix)
{
	char *p;

	assert_true(asprintf(&p, "%s%s", path, suffix) > 0);
	return p;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static gid_t gid_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_gid;
}

static int try_open(const char *path, unsigned flags, char **ret_err)
{
	struct isms_store *s = NULL;
	int r = isms_store_open(path, flags, 500, &s, ret_err);

	isms_store_free(s);
	return r;
}

static void open_fails(const char *path, unsigned flags, int want, const char *needle)
{
	char *err = NULL;
	int r = try_open(path, flags, &err);

	if (r != want)
		fail_msg("open '%s': %d (%s), want %d", path, r, err ? err : "", want);
	assert_non_null(err);
	assert_contains(err, needle);
	free(err);
}

/* Writers keep the -wal (emptied) and the -shm when they close. */
static void t_side_files_kept(void **state)
{
	struct tu_fixture *fx = *state;
	char *wal = side(fx->path, "-wal"), *shm = side(fx->path, "-shm");
	struct stat st;

	fx->s = isms_store_free(fx->s);
	assert_int_equal(lstat(wal, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(lstat(shm, &st), 0);
	free(wal);
	free(shm);
}

/* A writer gives the side files the store's group and mode: wider for readers, narrower again. */
static void t_side_files_follow_store(void **state)
{
	struct tu_fixture *fx = *state;
	char *wal = side(fx->path, "-wal"), *shm = side(fx->path, "-shm");

	if (geteuid() != 0)
		skip();
	fx->s = isms_store_free(fx->s);
	assert_int_equal(chown(fx->path, (uid_t)-1, READERS_GID), 0);
	assert_int_equal(chmod(fx->path, 0640), 0);
	assert_int_equal(mode_of(shm), 0600); /* made before the chmod */
	assert_int_equal(try_open(fx->path, 0, NULL), 0);
	assert_int_equal(mode_of(wal), 0640);
	assert_int_equal(mode_of(shm), 0640);
	assert_int_equal(gid_of(wal), READERS_GID);
	assert_int_equal(gid_of(shm), READERS_GID);
	/* A read-only open changes nothing. */
	assert_int_equal(chmod(fx->path, 0600), 0);
	assert_int_equal(try_open(fx->path, ISMS_STORE_READONLY, NULL), 0);
	assert_int_equal(mode_of(shm), 0640);
	assert_int_equal(try_open(fx->path, 0, NULL), 0);
	assert_int_equal(mode_of(wal), 0600);
	assert_int_equal(mode_of(shm), 0600);
	free(wal);
	free(shm);
}

/* Whoever may write a side file may change what the store says. */
static void t_side_files_held_to_the_store(void **state)
{
	struct tu_fixture *fx = *state;
	char *wal = side(fx->path, "-wal"), *shm = side(fx->path, "-shm");

	fx->s = isms_store_free(fx->s);
	assert_int_equal(chmod(wal, 0660), 0);
	open_fails(fx->path, 0, -EPERM, "-wal' of the store is group- or world-writable");
	open_fails(fx->path, ISMS_STORE_READONLY, -EPERM, "chmod 600");
	assert_int_equal(chmod(wal, 0600), 0);
	assert_int_equal(unlink(shm), 0);
	assert_int_equal(symlink("/etc/passwd", shm), 0);
	open_fails(fx->path, ISMS_STORE_READONLY, -EPERM, "-shm' of the store is not a regular file");
	assert_int_equal(unlink(shm), 0);
	if (geteuid() == 0) {
		int fd = open(shm, O_WRONLY | O_CREAT | O_EXCL, 0600);

		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(chown(shm, READER_UID, (gid_t)-1), 0);
		open_fails(fx->path, 0, -EPERM, "owned by uid 64010, not by the store's owner");
		assert_int_equal(unlink(shm), 0);
	}
	assert_int_equal(try_open(fx->path, 0, NULL), 0);
	free(wal);
	free(shm);
}

/* Whether another process holds a lock on @len bytes at @start of @path. */
static bool locked_by_other(const char *path, off_t start, off_t len)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start,
				   .l_len = len};
		int fd = open(path, O_RDONLY);

		/* (a child holds none of its parent's POSIX locks) */
		if (fd < 0 || fcntl(fd, F_GETLK, &fl) < 0)
			_exit(2);
		_exit(fl.l_type == F_UNLCK ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) < 2);
	return WEXITSTATUS(status) == 1;
}

/*
 * Opening and closing the store again in the same process (audisp-isms has
 * several connections to one store) keeps the first connection's locks:
 * a descriptor of the -shm opened and closed would drop them, and the next
 * process would take the -shm for unused and reset it under the writer.
 */
static void t_other_connections_keep_their_locks(void **state)
{
	struct tu_fixture *fx = *state;
	char *shm = side(fx->path, "-shm");
	const off_t dms = 128; /* SQLite's "dead man switch" byte of the -shm */

	assert_true(locked_by_other(shm, dms, 1));
	assert_true(locked_by_other(fx->path, 0x40000000, 512));
	assert_int_equal(try_open(fx->path, 0, NULL), 0);
	assert_int_equal(try_open(fx->path, ISMS_STORE_READONLY, NULL), 0);
	assert_int_equal(isms_store_share(fx->path, "root", NULL), 0);
	assert_true(locked_by_other(shm, dms, 1));
	assert_true(locked_by_other(fx->path, 0x40000000, 512));
	free(shm);
}

static void t_share(void **state)
{
	struct tu_fixture *fx = *state;
	char *wal = side(fx->path, "-wal"), *shm = side(fx->path, "-shm"), *err = NULL;
	char *other = tu_path(fx->dir, "notes.txt");
	struct group *root = getgrgid(0);

	if (!root)
		skip();
	assert_int_equal(isms_store_share(fx->path, "isms-no-such-group-here", &err), -ENOENT);
	assert_contains(err, "no group 'isms-no-such-group-here'");
	free(err);
	err = NULL;
	assert_int_equal(isms_store_share(fx->path, root->gr_name, &err), 0);
	assert_null(err);
	assert_int_equal(mode_of(fx->dir), 02750);
	assert_int_equal(mode_of(fx->path), 0640);
	assert_int_equal(mode_of(wal), 0640);
	assert_int_equal(mode_of(shm), 0640);
	assert_int_equal(gid_of(fx->dir), 0);
	/* A directory that holds anything else is not given away. */
	assert_int_equal(chmod(fx->dir, 0700), 0);
	assert_int_equal(close(open(other, O_WRONLY | O_CREAT, 0600)), 0);
	assert_int_equal(isms_store_share(fx->path, root->gr_name, &err), -ENOTEMPTY);
	assert_contains(err, "holds 'notes.txt' besides the store");
	assert_int_equal(mode_of(fx->dir), 0700);
	free(err);
	free(other);
	free(wal);
	free(shm);
}

static int64_t chain_rows(struct isms_store *s)
{
	struct isms_verify_result v;

	assert_int_equal(isms_evidence_verify(s, &v), 0);
	return v.rows;
}

/* A read-only store's snapshot: what a writer commits later is not seen. */
static void t_snapshot(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.source = "test", .kind = "test.read"};
	struct isms_store *r = NULL;

	assert_int_equal(isms_store_snapshot(fx->s), -EINVAL);
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 500, &r, NULL), 0);
	assert_int_equal(isms_store_snapshot(r), 0);
	assert_int_equal(chain_rows(r), 1);
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	assert_int_equal(chain_rows(r), 1); /* rows and head from the same state */
	r = isms_store_free(r);
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 500, &r, NULL), 0);
	assert_int_equal(chain_rows(r), 2);
	isms_store_free(r);
}

/*
 * Run @fn(@path) in a child as READER_UID with @gid as its only group;
 * the child's exit status (0 pass) is returned.
 */
static int as_reader(gid_t gid, int (*fn)(const char *), const char *path)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(READER_UID, READER_UID, READER_UID) < 0 || setuid(0) == 0)
			_exit(99);
		_exit(fn(path));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* In the child: @flags open gives @want and a message with @needle. */
static int expect_open(const char *path, unsigned flags, int want, const char *needle)
{
	char *err = NULL;
	int r = try_open(path, flags, &err);

	if (r != want || (needle && (!err || !strstr(err, needle)))) {
		fprintf(stderr, "# open %s (flags %u): %d, want %d: %s\n", path, flags, r, want,
			err ? err : "");
		free(err);
		return 1;
	}
	free(err);
	return 0;
}

static int reads_and_cannot_write(const char *path)
{
	struct isms_store *s = NULL;
	struct isms_verify_result v;
	int r = isms_store_open(path, ISMS_STORE_READONLY, 500, &s, NULL);

	if (r < 0 || isms_evidence_verify(s, &v) < 0 || v.rows != 1) {
		fprintf(stderr, "# a member cannot read '%s': %d\n", path, r);
		isms_store_free(s);
		return 1;
	}
	isms_store_free(s);
	return expect_open(path, 0, -EROFS, "may be read but not written by uid 64010");
}

static int cannot_enter(const char *path)
{
	return expect_open(path, ISMS_STORE_READONLY, -EACCES, "may not enter directory");
}

static int finds_side_files_missing(const char *path)
{
	return expect_open(path, ISMS_STORE_READONLY, -EACCES,
			   "'-wal' and '-shm' files are missing");
}

/* The store is group-readable, its directory 2750: the group reads, nobody else. */
static void t_readers_that_are_not_root(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.source = "test", .kind = "test.read"};
	char *wal = side(fx->path, "-wal"), *shm = side(fx->path, "-shm");
	char *parent = strdup(fx->dir);

	if (geteuid() != 0)
		skip();
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	fx->s = isms_store_free(fx->s);
	/* Every directory above must be enterable; the test's own one is 0700. */
	*strrchr(parent, '/') = '\0';
	if (access(parent, F_OK) < 0 || (mode_of(parent) & 01) == 0) {
		free(parent);
		skip();
	}
	assert_int_equal(chown(fx->dir, (uid_t)-1, READERS_GID), 0);
	assert_int_equal(chmod(fx->dir, 02750), 0);
	assert_int_equal(chown(fx->path, (uid_t)-1, READERS_GID), 0);
	assert_int_equal(chmod(fx->path, 0640), 0);
	assert_int_equal(try_open(fx->path, 0, NULL), 0); /* the side files follow */

	assert_int_equal(as_reader(READERS_GID, reads_and_cannot_write, fx->path), 0);
	assert_int_equal(as_reader(OTHER_GID, cannot_enter, fx->path), 0);
	/* Without a writer's side files a reader cannot read, and says why. */
	assert_int_equal(unlink(wal), 0);
	assert_int_equal(unlink(shm), 0);
	assert_int_equal(as_reader(READERS_GID, finds_side_files_missing, fx->path), 0);
	assert_int_equal(try_open(fx->path, ISMS_STORE_READONLY, NULL), 0); /* root makes them */
	assert_int_equal(as_reader(READERS_GID, reads_and_cannot_write, fx->path), 0);
	free(parent);
	free(wal);
	free(shm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_side_files_kept),
		STORE_TEST(t_side_files_follow_store),
		STORE_TEST(t_side_files_held_to_the_store),
		STORE_TEST(t_other_connections_keep_their_locks),
		STORE_TEST(t_share),
		STORE_TEST(t_snapshot),
		STORE_TEST(t_readers_that_are_not_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
