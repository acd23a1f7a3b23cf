/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A test-only NSS module, loaded through nss_wrapper's module support
 * (NSS_WRAPPER_MODULE_SO_PATH, NSS_WRAPPER_MODULE_FN_PREFIX=casefold), never
 * through nsswitch.conf: it matches user and group names case-insensitively,
 * as sssd with case_sensitive=false and some LDAP setups do, so that
 * getpwnam("ISMS-CASEY") answers with pw_name "isms-casey".  One user, its
 * primary group and one supplementary group.
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define USER    "isms-casey"
#define UID     3020
#define GID     3020
#define XGROUP  "isms-casegrp"
#define XGID    4020

/* Copy @s into the caller's buffer at *pos, or NULL when it does not fit. */
static char *put(const char *s, char **pos, size_t *left)
{
	size_t n = strlen(s) + 1;
	char *r = *pos;

	if (n > *left)
		return NULL;
	memcpy(r, s, n);
	*pos += n;
	*left -= n;
	return r;
}

static enum nss_status fill_pw(struct passwd *pw, char *buf, size_t len, int *errnop)
{
	char *pos = buf;
	size_t left = len;

	pw->pw_name = put(USER, &pos, &left);
	pw->pw_passwd = put("x", &pos, &left);
	pw->pw_gecos = put("", &pos, &left);
	pw->pw_dir = put("/nonexistent", &pos, &left);
	pw->pw_shell = put("/usr/sbin/nologin", &pos, &left);
	if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	pw->pw_uid = UID;
	pw->pw_gid = GID;
	return NSS_STATUS_SUCCESS;
}

static enum nss_status fill_gr(gid_t gid, struct group *gr, char *buf, size_t len, int *errnop)
{
	char *pos = buf;
	size_t left = len;
	char **mem;

	/* The member list first: it must be aligned. */
	if (left < 2 * sizeof(char *)) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	mem = (char **)(void *)pos;
	pos += 2 * sizeof(char *);
	left -= 2 * sizeof(char *);
	gr->gr_name = put(gid == GID ? USER : XGROUP, &pos, &left);
	gr->gr_passwd = put("x", &pos, &left);
	mem[0] = gid == XGID ? put(USER, &pos, &left) : NULL;
	mem[1] = NULL;
	if (!gr->gr_name || !gr->gr_passwd || (gid == XGID && !mem[0])) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	gr->gr_gid = gid;
	gr->gr_mem = mem;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_casefold_getpwnam_r(const char *name, struct passwd *pw, char *buf,
					 size_t len, int *errnop);
enum nss_status _nss_casefold_getpwnam_r(const char *name, struct passwd *pw, char *buf,
					 size_t len, int *errnop)
{
	if (strcasecmp(name, USER) != 0)
		return NSS_STATUS_NOTFOUND;
	return fill_pw(pw, buf, len, errnop);
}

enum nss_status _nss_casefold_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
					 int *errnop);
enum nss_status _nss_casefold_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
					 int *errnop)
{
	if (uid != UID)
		return NSS_STATUS_NOTFOUND;
	return fill_pw(pw, buf, len, errnop);
}

enum nss_status _nss_casefold_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
					 int *errnop);
enum nss_status _nss_casefold_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
					 int *errnop)
{
	if (gid != GID && gid != XGID)
		return NSS_STATUS_NOTFOUND;
	return fill_gr(gid, gr, buf, len, errnop);
}

enum nss_status _nss_casefold_getgrnam_r(const char *name, struct group *gr, char *buf,
					 size_t len, int *errnop);
enum nss_status _nss_casefold_getgrnam_r(const char *name, struct group *gr, char *buf,
					 size_t len, int *errnop)
{
	if (strcasecmp(name, USER) == 0)
		return fill_gr(GID, gr, buf, len, errnop);
	if (strcasecmp(name, XGROUP) == 0)
		return fill_gr(XGID, gr, buf, len, errnop);
	return NSS_STATUS_NOTFOUND;
}

/* The supplementary groups of @user, for getgrouplist/initgroups. */
enum nss_status _nss_casefold_initgroups_dyn(const char *user, gid_t group, long *start,
					     long *size, gid_t **groupsp, long limit, int *errnop);
enum nss_status _nss_casefold_initgroups_dyn(const char *user, gid_t group, long *start,
					     long *size, gid_t **groupsp, long limit, int *errnop)
{
	(void)group;
	if (strcasecmp(user, USER) != 0)
		return NSS_STATUS_NOTFOUND;
	if (*start == *size) {
		/* Grow the caller's array, as glibc's own modules do. */
		long n = *size ? 2 * *size : 8;
		gid_t *ng;

		if (limit > 0 && n > limit)
			n = limit;
		if (n <= *size)
			return NSS_STATUS_SUCCESS; /* at the limit: no room for more */
		ng = realloc(*groupsp, (size_t)n * sizeof(*ng));
		if (!ng) {
			*errnop = ENOMEM;
			return NSS_STATUS_TRYAGAIN;
		}
		*groupsp = ng;
		*size = n;
	}
	(*groupsp)[(*start)++] = XGID;
	return NSS_STATUS_SUCCESS;
}

/*
 * Users are not enumerated (the wrapper's files are); groups are, because
 * nss_wrapper's getgrouplist() walks getgrent over every source.
 */
static int next_group; /* tests are single-threaded */

enum nss_status _nss_casefold_setpwent(void);
enum nss_status _nss_casefold_setpwent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_casefold_getpwent_r(struct passwd *pw, char *buf, size_t len, int *errnop);
enum nss_status _nss_casefold_getpwent_r(struct passwd *pw, char *buf, size_t len, int *errnop)
{
	(void)pw;
	(void)buf;
	(void)len;
	(void)errnop;
	return NSS_STATUS_NOTFOUND;
}

enum nss_status _nss_casefold_endpwent(void);
enum nss_status _nss_casefold_endpwent(void)
{
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_casefold_setgrent(void);
enum nss_status _nss_casefold_setgrent(void)
{
	next_group = 0;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_casefold_getgrent_r(struct group *gr, char *buf, size_t len, int *errnop);
enum nss_status _nss_casefold_getgrent_r(struct group *gr, char *buf, size_t len, int *errnop)
{
	static const gid_t gids[] = {GID, XGID};
	enum nss_status st;

	if (next_group >= 2)
		return NSS_STATUS_NOTFOUND;
	st = fill_gr(gids[next_group], gr, buf, len, errnop);
	if (st == NSS_STATUS_SUCCESS)
		next_group++;
	return st;
}

enum nss_status _nss_casefold_endgrent(void);
enum nss_status _nss_casefold_endgrent(void)
{
	next_group = 0;
	return NSS_STATUS_SUCCESS;
}
