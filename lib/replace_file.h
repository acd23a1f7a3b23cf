/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_REPLACE_FILE_H
#define ISMS_REPLACE_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * @len bytes of @data into a new file beside @path (mode @mode), fsynced,
 * then renamed over @path and the directory fsynced: a reader sees the old
 * file or the new one, never a part, and a crash keeps one of them.
 */
int isms_replace_file(const char *path, const void *data, size_t len, mode_t mode);

/*
 * A new file @name in the directory @dirfd with @len bytes of @data, mode
 * @mode, fsynced: -EEXIST when anything (a file, a symlink) is there
 * already; a part written is removed on failure.
 */
int isms_write_new_file(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

#endif
