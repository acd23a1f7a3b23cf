/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isms_trust_check(): every component of a configured path as written,
 * symlinks themselves and then where they lead, as sshd's StrictModes.
 * Needs root (it chowns to another uid) and a root-owned sticky /tmp, which
 * the tests' private directories sit in.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isms/trust.h"
#include "testutil.h"

#define NOBODY 65534

static char *root_dir(void)
{
	char *d = strdup("/tmp/isms-trust.XXXXXX");
	struct stat st;

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	assert_int_equal(stat("/tmp", &st), 0);
	if (getuid() != 0 || st.st_uid != 0 || !(st.st_mode & S_ISVTX)) {
		print_message("# SKIP: needs root and a root-owned sticky /tmp\n");
		tu_rm_rf(d);
		free(d);
		skip();
	}
	assert_int_equal(chmod(d, 0755), 0);
	return d;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void is_ok_at(const char *path, uid_t uid, const char *file, int line)
{
	char err[512];
	int r = isms_trust_check(path, uid, NULL, err, sizeof(err));

	if (r != 0) {
		print_error("'%s': %d: %s\n", path, r, err);
		_fail(file, line);
	}
}
#define is_ok(path, uid) is_ok_at((path), (uid), __FILE__, __LINE__)

static void refused_at(const char *path, uid_t uid, int want, const char *needle,
		       const char *file, int line)
{
	char err[512];
	int r = isms_trust_check(path, uid, NULL, err, sizeof(err));

	if (r != want || !strstr(err, needle)) {
		print_error("'%s': %d (want %d): '%s' lacks '%s'\n", path, r, want, err, needle);
		_fail(file, line);
	}
}
#define refused(path, uid, want, needle)                                                    \
	refused_at((path), (uid), (want), (needle), __FILE__, __LINE__)

static void t_plain(void **state)
{
	char *d = root_dir(), *sub = tu_path(d, "etc"), *f = tu_path(sub, "conf.json");
	char err[512];
	struct stat st, want;

	(void)state;
	assert_int_equal(mkdir(sub, 0755), 0);
	put(f, "{}", 0644);
	assert_int_equal(isms_trust_check(f, 0, &st, err, sizeof(err)), 0);
	assert_int_equal(stat(f, &want), 0);
	assert_true(st.st_ino == want.st_ino && st.st_dev == want.st_dev);

	/* The file itself. */
	chmod(f, 0664);
	refused(f, 0, -EPERM, "conf.json' must be owned by root and not group- or world-writable");
	chmod(f, 0646);
	refused(f, 0, -EPERM, "mode 0646");
	chmod(f, 0600);
	is_ok(f, 0);
	assert_int_equal(chown(f, NOBODY, NOBODY), 0);
	refused(f, 0, -EPERM, "owner uid 65534");
	/* ... unless that uid is the expected one. */
	is_ok(f, NOBODY);
	assert_int_equal(chown(f, 0, 0), 0);

	/* Each directory above it. */
	chmod(sub, 0775);
	refused(f, 0, -EPERM, "directory '");
	refused(f, 0, -EPERM, "/etc' must be owned by root");
	chmod(sub, 0755);
	chmod(d, 0757);
	refused(f, 0, -EPERM, "mode 0757");
	chmod(d, 0755);
	assert_int_equal(chown(sub, NOBODY, 0), 0);
	refused(f, 0, -EPERM, "owner uid 65534");
	is_ok(f, NOBODY);
	assert_int_equal(chown(sub, 0, 0), 0);
	is_ok(f, 0);

	/* Not a file. */
	refused(sub, 0, -EPERM, "is not a regular file");
	refused("/", 0, -EPERM, "is not a regular file");
	{
		char *fifo = tu_path(sub, "fifo");

		assert_int_equal(mkfifo(fifo, 0600), 0);
		refused(fifo, 0, -EPERM, "is not a regular file");
		free(fifo);
	}
	{
		char *missing = tu_path(sub, "missing.json");

		refused(missing, 0, -ENOENT, "missing.json");
		free(missing);
	}
	{
		char *through = tu_path(f, "x");

		refused(through, 0, -ENOTDIR, "conf.json' is not a directory");
		free(through);
	}
	tu_rm_rf(d);
	free(f);
	free(sub);
	free(d);
}

/* The regression: a symlink in a directory others can write, to a good file. */
static void t_symlink_in_open_dir(void **state)
{
	char *d = root_dir(), *good = tu_path(d, "good.json"), *open_dir = tu_path(d, "open");
	char *lnk = tu_path(open_dir, "conf.json");

	(void)state;
	put(good, "{}", 0644);
	is_ok(good, 0);
	assert_int_equal(mkdir(open_dir, 0777), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(symlink(good, lnk), 0);
	/* The target is fine; the directory the link sits in is not. */
	refused(lnk, 0, -EPERM, "/open' must be owned by root and not group- or world-writable");
	/* Sticky does not help: anyone may have put that link there. */
	assert_int_equal(chmod(open_dir, 01777), 0);
	refused(lnk, 0, -EPERM, "which others can write: only a directory may be there");
	/* Nor a file right in it (a hard link, with fs.protected_hardlinks=0). */
	{
		char *f = tu_path(open_dir, "file.json");

		put(f, "{}", 0644);
		refused(f, 0, -EPERM, "which others can write");
		free(f);
	}
	/* A root-owned directory of its own below the sticky one is fine (/tmp/x/...). */
	{
		char *sub = tu_path(open_dir, "private"), *f = tu_path(sub, "conf.json");

		assert_int_equal(mkdir(sub, 0755), 0);
		put(f, "{}", 0644);
		is_ok(f, 0);
		assert_int_equal(chown(sub, NOBODY, 0), 0);
		refused(f, 0, -EPERM, "owner uid 65534");
		free(f);
		free(sub);
	}
	/* A sticky directory someone else owns is no better than an open one. */
	assert_int_equal(chown(open_dir, NOBODY, 0), 0);
	refused(lnk, 0, -EPERM, "/open' must be owned by root");
	tu_rm_rf(d);
	free(lnk);
	free(open_dir);
	free(good);
	free(d);
}

static void t_symlinks(void **state)
{
	char *d = root_dir(), *a = tu_path(d, "a"), *b = tu_path(d, "b");
	char *f = tu_path(b, "conf.json"), *rel = tu_path(a, "rel.json"), *abs = tu_path(a, "abs.json");
	char *two = tu_path(a, "two.json"), *dirlink = tu_path(d, "dirlink");
	char *viadir = tu_path(dirlink, "conf.json"), *loop1 = tu_path(a, "loop1");
	char *loop2 = tu_path(a, "loop2"), *dots = tu_path(a, "dots.json");

	(void)state;
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	put(f, "{}", 0644);
	assert_int_equal(symlink("../b/conf.json", rel), 0);
	assert_int_equal(symlink(f, abs), 0);
	assert_int_equal(symlink("abs.json", two), 0);
	assert_int_equal(symlink("b", dirlink), 0);
	assert_int_equal(symlink("./../a/.././b//conf.json", dots), 0);
	is_ok(rel, 0);
	is_ok(abs, 0);
	is_ok(two, 0);
	is_ok(viadir, 0);
	is_ok(dots, 0);

	/* Where a link leads is checked as carefully as the path itself. */
	chmod(b, 0775);
	refused(rel, 0, -EPERM, "/b' must be owned by root");
	refused(two, 0, -EPERM, "/b' must be owned by root");
	refused(viadir, 0, -EPERM, "/b' must be owned by root");
	chmod(b, 0755);
	chmod(f, 0666);
	refused(abs, 0, -EPERM, "/b/conf.json' must be owned by root");
	chmod(f, 0644);

	/* The link itself must be root's: its owner can point it elsewhere. */
	assert_int_equal(lchown(abs, NOBODY, NOBODY), 0);
	refused(abs, 0, -EPERM, "symlink '");
	refused(two, 0, -EPERM, "abs.json' must be owned by root (owner uid 65534)");
	is_ok(abs, NOBODY);
	assert_int_equal(lchown(abs, 0, 0), 0);

	/* Bounded. */
	assert_int_equal(symlink("loop2", loop1), 0);
	assert_int_equal(symlink("loop1", loop2), 0);
	refused(loop1, 0, -ELOOP, "loop1");

	/* A relative path starts at the current directory. */
	{
		char cwd[PATH_MAX];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		assert_int_equal(chdir(a), 0);
		is_ok("rel.json", 0);
		is_ok("../b/conf.json", 0);
		chmod(a, 0777);
		refused("rel.json", 0, -EPERM, "/a' must be owned by root");
		chmod(a, 0755);
		assert_int_equal(chdir(cwd), 0);
	}
	tu_rm_rf(d);
	free(dots);
	free(loop2);
	free(loop1);
	free(viadir);
	free(dirlink);
	free(two);
	free(abs);
	free(rel);
	free(f);
	free(b);
	free(a);
	free(d);
}

static void t_read(void **state)
{
	char *d = root_dir(), *f = tu_path(d, "conf.json"), *buf = NULL;
	char err[512];
	size_t len = 0;

	(void)state;
	put(f, "{\"a\": 1}", 0644);
	assert_int_equal(isms_trust_read(f, 0, 100, &buf, &len, err, sizeof(err)), 0);
	assert_string_equal(buf, "{\"a\": 1}");
	assert_int_equal(len, 8);
	free(buf);
	buf = NULL;
	assert_int_equal(isms_trust_read(f, 0, 7, &buf, &len, err, sizeof(err)), -EFBIG);
	assert_null(buf);
	chmod(f, 0666);
	assert_int_equal(isms_trust_read(f, 0, 100, &buf, &len, err, sizeof(err)), -EPERM);
	assert_null(buf);
	assert_non_null(strstr(err, "conf.json"));
	tu_rm_rf(d);
	free(f);
	free(d);
}

/*
 * A file replaced by rename(2) while it is read, as the facts snapshot is at
 * every register change: every read gets the old or the new file, never an
 * error (pam-concurrency once saw an allowed login denied this way).
 */
static void t_read_while_renamed(void **state)
{
	char *d = root_dir(), *f = tu_path(d, "snap"), *tmp = tu_path(d, "snap.tmp"), *buf = NULL;
	char err[512];
	int fails = 0;
	pid_t pid;

	(void)state;
	put(f, "old", 0644);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;) {
			int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || write(fd, "new", 3) != 3 || close(fd) < 0 || rename(tmp, f) < 0)
				_exit(1);
		}
	}
	for (int i = 0; i < 20000; i++) {
		if (isms_trust_read(f, 0, 100, &buf, NULL, err, sizeof(err)) != 0) {
			fails++;
			continue;
		}
		assert_true(strcmp(buf, "old") == 0 || strcmp(buf, "new") == 0);
		free(buf);
		buf = NULL;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(fails, 0);
	tu_rm_rf(d);
	free(tmp);
	free(f);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_plain),
		cmocka_unit_test(t_symlink_in_open_dir),
		cmocka_unit_test(t_symlinks),
		cmocka_unit_test(t_read),
		cmocka_unit_test(t_read_while_renamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
