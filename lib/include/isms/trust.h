/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TRUST_H
#define ISMS_TRUST_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Whether a configuration file can be changed only by root (or @uid): sshd's
 * StrictModes (safe_path) applied to the path as written, not to where it
 * leads.  Every component from / down is checked:
 *
 *  - a directory must be owned by root or @uid and not be group- or
 *    world-writable.  A root-owned sticky directory (/tmp) is accepted only
 *    on the way to a directory: nobody else can rename or remove root's
 *    directory in it, and directories cannot be hard-linked.  A file or a
 *    symlink right in a directory others can write is refused even when the
 *    directory is sticky, because anyone may have linked a root-owned file
 *    there (fs.protected_hardlinks=0) or may do so once it is gone.
 *  - a symlink must itself be owned by root or @uid (its mode means nothing);
 *    its target is then checked the same way, from / for an absolute target
 *    or from the symlink's directory for a relative one, at most
 *    ISMS_TRUST_MAX_LINKS symlinks in all.
 *  - the last component must be a regular file owned by root or @uid and
 *    not group- or world-writable.
 *
 * Pass @uid 0 for "root only".  A relative @path starts at the current
 * directory (getcwd), whose components are checked as well.
 */
#define ISMS_TRUST_MAX_LINKS 40

/*
 * Check @path as above.  Returns 0 and, when @ret_st is given, the stat of
 * the file it names; -EPERM when a component is not trusted, -ELOOP beyond ISMS_TRUST_MAX_LINKS, -ENAMETOOLONG, or the
 * errno of a failed lstat/readlink (-ENOENT, -ENOTDIR, -EACCES).  On any
 * failure @err (of @errlen bytes, may be 0) names the offending component and
 * why, e.g. "directory '/tmp/x' is group- or world-writable (owner uid 0,
 * mode 0777)".  Never logs.
 */
int isms_trust_check(const char *path, uid_t uid, struct stat *ret_st, char *err, size_t errlen)
	__attribute__((warn_unused_result, nonnull(1)));

/*
 * isms_trust_check(), then read the very file that was checked: the open
 * file must be the checked inode and still be trusted (owner, mode), so that
 * nothing can be swapped in between.  At most @max bytes (-EFBIG beyond).
 * Returns 0 with *ret_buf (malloc'd, NUL-terminated) and *ret_len (optional);
 * on failure leaves them untouched and returns what isms_trust_check()
 * returns, -EPERM if the file changed under us, -ESTALE if it kept being
 * replaced (a rename between check and open is retried), -EFBIG or -ENOMEM.
 */
int isms_trust_read(const char *path, uid_t uid, size_t max, char **ret_buf, size_t *ret_len,
		    char *err, size_t errlen) __attribute__((warn_unused_result, nonnull(1, 4)));

#endif
