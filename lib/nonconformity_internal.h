/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_NONCONFORMITY_INTERNAL_H
#define ISMS_NONCONFORMITY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/entity.h"

/* The fields of a nonconformity that opening and closing read (malloc'd, NULL when empty). */
struct nc_row {
	char *id, *title, *source, *origin, *severity, *controls, *risks, *opened, *status,
		*effectiveness_test, *responsible;
};

/* Read nonconformity @key: 0, -ENOENT with the store's message set, errors of the store. */
int nc_row_load(struct isms_store *s, const char *key, struct nc_row *ret);
void nc_row_release(struct nc_row *n);

/* The record type's written() hook (nonconformity.c). */
int nc_written(struct isms_store *s, const struct isms_entity *e, const char *key,
	       const struct isms_kv *kv, size_t n, bool added);

#endif
