/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_RISK_DEFINE_INTERNAL_H
#define ISMS_RISK_DEFINE_INTERNAL_H

#include "isms/risk.h"

/*
 * A matrix replaced (isms_risk_matrix_save) keeps the definitions of the
 * values whose labels it still has: keep them from @old before the old
 * rows go, restore them into @m after (which releases @k).  0 or -errno.
 */
struct risk_defs_kept {
	struct isms_risk_matrix old;
	struct isms_risk_definitions defs;
};
int risk_definitions_keep(struct isms_store *s, const struct isms_risk_matrix *old,
			  struct risk_defs_kept *ret);
int risk_definitions_restore(struct isms_store *s, const struct isms_risk_matrix *m,
			     struct risk_defs_kept *k);

#endif
