/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SPOOL_INTERNAL_H
#define ISMS_SPOOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The spool directory @dir is ours: a directory owned by the caller, not
 * group- or world-writable (someone else's spool could feed us forged
 * evidence); made 0700 with @create.  0, -ENOENT, -ENOTDIR, -EPERM, -errno.
 */
int spool_check_dir(const char *dir, bool create);

/* All of @text to @fd, then fsync: a spool file is there whole or not at all. */
int spool_write_synced(int fd, const char *text, size_t len);

#endif
