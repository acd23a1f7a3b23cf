/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests under nss_wrapper: users and groups from files the test writes. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsswrap.h"

#define ENV_DONE "ISMS_TEST_NSS_WRAPPED"

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);

	if (!s) {
		perror("malloc");
		exit(1);
	}
	snprintf(s, n, "%s/%s", a, b);
	return s;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write '%s': %s\n", path, strerror(errno));
		exit(1);
	}
}

int tu_nss_wrap(char **argv, const char *passwd, const char *group, const char *sentinel)
{
	char dir[] = "/tmp/isms-nss.XXXXXX", *pw, *gr, *preload;
	const char *old;
	int status = 0;
	pid_t pid;

	if (getenv(ENV_DONE)) {
		if (!getpwnam(sentinel)) {
			printf("1..0 # SKIP nss_wrapper is not in effect (libnss_wrapper.so)\n");
			exit(0);
		}
		return 0;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	pw = join(dir, "passwd");
	gr = join(dir, "group");
	put(pw, passwd);
	put(gr, group);
	old = getenv("LD_PRELOAD");
	if (asprintf(&preload, "%s%s%s", old ? old : "", old ? " " : "", "libnss_wrapper.so") < 0)
		exit(1);
	if (setenv("LD_PRELOAD", preload, 1) < 0 || setenv("NSS_WRAPPER_PASSWD", pw, 1) < 0 ||
	    setenv("NSS_WRAPPER_GROUP", gr, 1) < 0 || setenv(ENV_DONE, "1", 1) < 0 ||
	    /* Without it ASan aborts on nss_wrapper's RTLD_DEEPBIND dlopen. */
	    setenv("NSS_WRAPPER_DISABLE_DEEPBIND", "1", 0) < 0)
		exit(1);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		execv("/proc/self/exe", argv);
		perror("execv");
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	unlink(pw);
	unlink(gr);
	rmdir(dir);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "test killed by signal %d\n", WTERMSIG(status));
		exit(1);
	}
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}
