/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_IDENTITY_H
#define ISMS_IDENTITY_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Who a user is to NSS: the passwd entry and the names of all the user's
 * groups, resolved completely or not at all.  A rule on a group decides a
 * login only if every group is known: a lookup that drops the one group a
 * deny rule names turns the deny into an allow by a later rule.
 */
struct isms_identity {
	char *name;     /* pw_name, as NSS spells it */
	uid_t uid;
	gid_t gid;      /* the primary group */
	char **groups;  /* every group's name, each once, NULL-terminated */
	size_t ngroups;
};

/* Linux's NGROUPS_MAX: a user in more groups than this is refused (-E2BIG). */
#define ISMS_IDENTITY_GROUPS_MAX 65536

/*
 * Resolve @user by name (isms_identity_by_uid: by uid) and every group it is
 * in (getgrouplist, then getgrgid_r for each gid; buffers and the gid array
 * grow as needed).  Returns 0 and fills *ret (release it with
 * isms_identity_release); on failure *ret is left untouched and the return
 * is -ENOENT (no such user), -ENODATA (a gid of the user has no group
 * entry: its name is unknown, so a rule on it could not be matched),
 * -E2BIG (more than ISMS_IDENTITY_GROUPS_MAX groups, or an entry larger than
 * 16 MiB), -ENOMEM, or the errno NSS reported (-EIO, -EAGAIN, ...).
 * Never a partial list.  Never logs.
 *
 * glibc's getgrouplist() itself cannot say that a source of group
 * memberships (an LDAP server, say) was unreachable: it returns the groups
 * the other sources know.  Configure such sources with [UNAVAIL=return]
 * accordingly in nsswitch.conf.
 */
int isms_identity_by_name(const char *user, struct isms_identity *ret)
	__attribute__((warn_unused_result, nonnull));
int isms_identity_by_uid(uid_t uid, struct isms_identity *ret)
	__attribute__((warn_unused_result, nonnull));

/* Free what an isms_identity_by_*() call filled in; accepts a zeroed struct. */
void isms_identity_release(struct isms_identity *id);

/*
 * A group through NSS: the gid of the group @name, or the name of @gid
 * (malloc'd; the caller frees it).  0, or -ENOENT (no such group), -E2BIG,
 * -ENOMEM or the errno NSS reported; the out-parameter is set only on
 * success.  Never logs.
 */
int isms_identity_group_gid(const char *name, gid_t *ret_gid)
	__attribute__((warn_unused_result, nonnull));
int isms_identity_group_name(gid_t gid, char **ret_name)
	__attribute__((warn_unused_result, nonnull));

#endif
