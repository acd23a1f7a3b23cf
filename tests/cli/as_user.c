/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: run a command as another uid, for permission tests that
 * must not depend on who exists in /etc/passwd (the kernel needs no entry).
 *
 *   as_user UID GID[,GID...] CMD [ARGS...]
 *
 * The first gid is the primary one, all of them the supplementary groups.
 * Exits 126 when the identity cannot be taken (or was not fully taken:
 * a test as "another user" that still runs as root would prove nothing).
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_GIDS 16

static int number(const char *s, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 10);
	return errno || end == s || *end || *ret == 0 || *ret > 0x7fffffffUL ? -1 : 0;
}

int main(int argc, char **argv)
{
	gid_t gids[MAX_GIDS];
	unsigned long v;
	size_t n = 0;
	char *list, *tok, *save = NULL;
	uid_t uid;

	if (argc < 4 || number(argv[1], &v) < 0) {
		fprintf(stderr, "usage: as_user UID GID[,GID...] CMD [ARGS...]\n");
		return 2;
	}
	uid = (uid_t)v;
	list = argv[2];
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_GIDS || number(tok, &v) < 0) {
			fprintf(stderr, "as_user: bad gid list\n");
			return 2;
		}
		gids[n++] = (gid_t)v;
	}
	if (n == 0 || setgroups(n, gids) < 0 || setresgid(gids[0], gids[0], gids[0]) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		fprintf(stderr, "as_user: cannot become uid %lu: %s\n", (unsigned long)uid,
			strerror(errno));
		return 126;
	}
	if (getuid() != uid || geteuid() != uid || getegid() != gids[0] || setuid(0) == 0) {
		fprintf(stderr, "as_user: still privileged\n");
		return 126;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "as_user: cannot run '%s': %s\n", argv[3], strerror(errno));
	return 127;
}
