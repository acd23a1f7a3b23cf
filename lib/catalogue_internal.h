/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CATALOGUE_INTERNAL_H
#define ISMS_CATALOGUE_INTERNAL_H

#include <stdint.h>

#include "isms/store.h"

/*
 * How many controls profile @name selects from the catalogues in the
 * store, and how many of its imports name none: 0 or -errno.
 */
int catalogue_resolve_count(struct isms_store *s, const char *name, int64_t *ret_controls,
			    int64_t *ret_missing);

#endif
