/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DPMS_HOOKS_H
#define DPMS_HOOKS_H

/* The checks a DPMS record must pass when written (struct isms_entity.written). */

#include "isms/entity.h"

/* A breach: nobody is notified or informed before anyone was aware of it (breach.c). */
int dpms_breach_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added);

/* An activity: its ISMS measures and controls exist in the ISMS store, when readable, and its
 * retention_period can be read (toms.c). */
int dpms_activity_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			  const struct isms_kv *kv, size_t n, bool added);

/* A client: on a processor activity only (client.c). */
int dpms_client_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added);

#endif
