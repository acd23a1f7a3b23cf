/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A user and all of its groups through NSS, for the PAM module, 'ismsctl
 * policy test' and the DPMS review alike: buffers grow on ERANGE (a group
 * with many members does not fit a fixed one), the gid list grows as
 * getgrouplist() asks, and anything that cannot be resolved is an error,
 * never a shorter list.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms/identity.h"

#define ENTRY_MAX (16u << 20) /* the largest passwd or group entry we try */

/* "Not found" as the getpw*_r/getgr*_r man pages allow it to be spelt. */
static bool not_found(int e)
{
	return e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

/* Grow *buf (of *len bytes) for another try, or -E2BIG / -ENOMEM. */
static int grow(char **buf, size_t *len)
{
	size_t n = *len ? 2 * *len : 1024;
	char *nb;

	if (n > ENTRY_MAX)
		return -E2BIG;
	nb = realloc(*buf, n);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*len = n;
	return 0;
}

/*
 * One lookup into *buf, grown on ERANGE: with @ret_gr the group @name, or of
 * @id when @name is NULL; else the user @name, or of @id when @name is NULL.
 * 0 found, -ENOENT not found, or another negative errno.
 */
static int nss_get(const char *name, unsigned int id, struct passwd *ret_pw,
		   struct group *ret_gr, char **buf, size_t *len)
{
	struct passwd *pres;
	struct group *gres;
	int e, r;

	for (;;) {
		if (!*len && (r = grow(buf, len)) < 0)
			return r;
		errno = 0;
		pres = NULL;
		gres = NULL;
		if (ret_gr && name)
			e = getgrnam_r(name, ret_gr, *buf, *len, &gres);
		else if (ret_gr)
			e = getgrgid_r((gid_t)id, ret_gr, *buf, *len, &gres);
		else if (name)
			e = getpwnam_r(name, ret_pw, *buf, *len, &pres);
		else
			e = getpwuid_r((uid_t)id, ret_pw, *buf, *len, &pres);
		e = e < 0 ? errno : e; /* nss_wrapper returns -1 and sets errno */
		if (e == ERANGE) {
			r = grow(buf, len);
			if (r < 0)
				return r;
			continue;
		}
		if (e == EINTR)
			continue;
		if ((pres || gres) && e == 0)
			return 0;
		return not_found(e) ? -ENOENT : -e;
	}
}

static int get_pw(const char *name, uid_t uid, struct passwd *pw, char **buf, size_t *len)
{
	return nss_get(name, uid, pw, NULL, buf, len);
}

static int group_name(gid_t gid, char **buf, size_t *len, char **ret)
{
	struct group gr;
	int r = nss_get(NULL, gid, NULL, &gr, buf, len);

	if (r == -ENOENT)
		return -ENODATA;
	if (r < 0)
		return r;
	*ret = strdup(gr.gr_name);
	return *ret ? 0 : -ENOMEM;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

/* Every gid of @name (primary @gid included), each once; *ret_n of them. */
static int all_gids(const char *name, gid_t gid, gid_t **ret, size_t *ret_n)
{
	gid_t *gids = NULL;
	int n = 64, got;
	size_t k = 0;

	for (;;) {
		gid_t *ng = realloc(gids, (size_t)n * sizeof(*gids));

		if (!ng) {
			free(gids);
			return -ENOMEM;
		}
		gids = ng;
		got = n;
		if (getgrouplist(name, gid, gids, &got) >= 0)
			break;
		/* glibc says how many it needs; older ones may not. */
		if (got <= n)
			got = n * 2;
		if (got > ISMS_IDENTITY_GROUPS_MAX) {
			free(gids);
			return -E2BIG;
		}
		n = got;
	}
	if (got < 0 || got > n) {
		free(gids);
		return -EIO;
	}
	qsort(gids, (size_t)got, sizeof(*gids), cmp_gid);
	for (int i = 0; i < got; i++)
		if (k == 0 || gids[k - 1] != gids[i])
			gids[k++] = gids[i];
	*ret = gids;
	*ret_n = k;
	return 0;
}

void isms_identity_release(struct isms_identity *id)
{
	for (size_t i = 0; id->groups && i < id->ngroups; i++)
		free(id->groups[i]);
	free(id->groups);
	free(id->name);
	memset(id, 0, sizeof(*id));
}

static int resolve(const char *user, uid_t uid, struct isms_identity *ret)
{
	struct isms_identity id = {0};
	struct passwd pw;
	char *buf = NULL;
	size_t len = 0, n = 0;
	gid_t *gids = NULL;
	int r;

	r = get_pw(user, uid, &pw, &buf, &len);
	if (r < 0)
		goto out;
	id.name = strdup(pw.pw_name);
	if (!id.name) {
		r = -ENOMEM;
		goto out;
	}
	id.uid = pw.pw_uid;
	id.gid = pw.pw_gid;
	r = all_gids(id.name, id.gid, &gids, &n);
	if (r < 0)
		goto out;
	id.groups = calloc(n + 1, sizeof(*id.groups));
	if (!id.groups) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		r = group_name(gids[i], &buf, &len, &id.groups[i]);
		if (r < 0)
			goto out;
		id.ngroups++;
	}
	*ret = id;
	memset(&id, 0, sizeof(id));
	r = 0;
out:
	isms_identity_release(&id);
	free(gids);
	free(buf);
	return r;
}

int isms_identity_by_name(const char *user, struct isms_identity *ret)
{
	return resolve(user, 0, ret);
}

int isms_identity_by_uid(uid_t uid, struct isms_identity *ret)
{
	return resolve(NULL, uid, ret);
}

int isms_identity_group_gid(const char *name, gid_t *ret_gid)
{
	struct group gr;
	char *buf = NULL;
	size_t len = 0;
	int r = nss_get(name, 0, NULL, &gr, &buf, &len);

	if (r == 0)
		*ret_gid = gr.gr_gid;
	free(buf);
	return r;
}

int isms_identity_group_name(gid_t gid, char **ret_name)
{
	struct group gr;
	char *buf = NULL;
	size_t len = 0;
	int r = nss_get(NULL, gid, NULL, &gr, &buf, &len);

	if (r == 0) {
		*ret_name = strdup(gr.gr_name);
		r = *ret_name ? 0 : -ENOMEM;
	}
	free(buf);
	return r;
}
