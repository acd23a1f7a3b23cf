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

/*
 * Compare the SoA snapshot @then (a draft's) with @now (the register's, as
 * the proposal would freeze it): 0 when they say the same (the order of a
 * control's measures aside), 1 with the first difference in @what
 * ("8.15 status 'planned' -> 'implemented'", "5.38 added"), -EINVAL when
 * either is not a snapshot.  Pure.
 */
int soa_snapshot_diff(const char *then, const char *now, char *what, size_t len)
	__attribute__((warn_unused_result, nonnull(3)));

#endif
