/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_RISK_IMPACT_INTERNAL_H
#define ISMS_RISK_IMPACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/entity.h"

/*
 * Part of the risk record type's written() hook (risk_impact.c): the impact
 * kept the highest of the per-objective impacts, and each held against the
 * protection requirements of the risk's assets unless justified.
 */
int risk_impact_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added);

/*
 * The asset record type's written() hook: a protection requirement raised
 * is refused while a risk on the asset is rated below it unjustified.
 */
int risk_impact_asset_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			      const struct isms_kv *kv, size_t n, bool added);

#endif
