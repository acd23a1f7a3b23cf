/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SOA_INTERNAL_H
#define ISMS_SOA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/entity.h"

/*
 * The written() hooks of controls and measures: the rules of ISO 27001
 * 6.1.3 d) on the Statement of Applicability.  Checks only, so they run
 * the same during an import.
 */
int soa_control_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added);
int soa_measure_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added);

#endif
