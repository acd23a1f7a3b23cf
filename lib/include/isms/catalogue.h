/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CATALOGUE_H
#define ISMS_CATALOGUE_H

#include "isms/store.h"

/*
 * Load the ISO/IEC 27001:2022 Annex A catalogue (data/annex-a-2022.json) or
 * the BSI elementary threats (data/bsi-elementary-threats.json) from @path.
 * Existing rows keep their applicability and status; titles are refreshed.
 * All or nothing.  Returns the number of entries loaded, or -ENOENT, -EINVAL
 * (with the problem in *ret_err, optional, malloc'd), -EROFS, -EIO.
 */
int isms_catalogue_load_controls(struct isms_store *s, const char *path, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));
int isms_catalogue_load_threats(struct isms_store *s, const char *path, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Read a whole file of at most @max bytes; returns 0 or -errno (-EFBIG). */
int isms_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
	__attribute__((warn_unused_result, nonnull(1, 3)));

#endif
