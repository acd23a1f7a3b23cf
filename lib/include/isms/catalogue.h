/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CATALOGUE_H
#define ISMS_CATALOGUE_H

#include <stdint.h>

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

/*
 * Annex A as an imported OSCAL catalogue too ('ismsctl catalogue'):
 * ISMS_ANNEX_A_NAME, from the file name the BSI's ISO -> Grundschutz++
 * mapping names, its clauses 5 to 8 (the themes) as groups "5" to "8",
 * its controls by the register's ids ("5.1") with their titles and the
 * label "A.5.1".  Replaced when the file at @path changed, left as it is
 * when not (no evidence row: it is shipped, not imported by someone).
 * Returns the number of controls, or -ENOENT, -EINVAL, -EEXIST (a
 * catalogue of that name imported by hand, kept), -EROFS, -EIO, with the
 * problem in *ret_err (optional, malloc'd).
 */
#define ISMS_ANNEX_A_NAME "ISO27001-AnnexA"
#define ISMS_ANNEX_A_FILE "ISO27001-AnnexA-catalog.json"
int isms_catalogue_load_annex_a(struct isms_store *s, const char *path, int64_t now,
				char **ret_err) __attribute__((warn_unused_result, nonnull(1, 2)));

/* Read a whole file of at most @max bytes; returns 0 or -errno (-EFBIG). */
int isms_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
	__attribute__((warn_unused_result, nonnull(1, 3)));

#endif
