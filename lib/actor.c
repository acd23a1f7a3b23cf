/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who acts: the person behind a write to the register, not just "root". */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms/history.h"
#include "isms/strutil.h"

#define LOGINUID_UNSET 4294967295u

static bool parse_uid(const char *text, uid_t *ret)
{
	char buf[24];
	int64_t v;
	size_t n;

	if (!text)
		return false;
	n = strcspn(text, "\n");
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (strspn(buf, "0123456789") != n || isms_parse_int64(buf, &v) < 0 || v < 0 ||
	    v >= LOGINUID_UNSET)
		return false;
	*ret = (uid_t)v;
	return true;
}

static void uid_name(uid_t uid, char buf[ISMS_ACTOR_MAX])
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res && res->pw_name &&
	    res->pw_name[0]) {
		snprintf(buf, ISMS_ACTOR_MAX, "%s", res->pw_name);
		return;
	}
	snprintf(buf, ISMS_ACTOR_MAX, "%ju", (uintmax_t)uid);
}

void isms_actor_pick(const char *loginuid, uid_t ruid, const char *sudo_user,
		     const char *sudo_uid, char buf[ISMS_ACTOR_MAX])
{
	uid_t uid;

	/* Set by pam_loginuid at login and kept across su and sudo: the person. */
	if (parse_uid(loginuid, &uid)) {
		uid_name(uid, buf);
		return;
	}
	/* SUDO_USER is the environment's word; only root's is taken, as sudo sets it. */
	if (ruid == 0 && sudo_uid && sudo_user && sudo_user[0]) {
		snprintf(buf, ISMS_ACTOR_MAX, "%s", sudo_user);
		return;
	}
	uid_name(ruid, buf);
}

void isms_actor_get(char buf[ISMS_ACTOR_MAX])
{
	char text[32];
	const char *lu = NULL;
	ssize_t n = -1;
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	if (n > 0) {
		text[n] = '\0';
		lu = text;
	}
	isms_actor_pick(lu, getuid(), getenv("SUDO_USER"), getenv("SUDO_UID"), buf);
}
