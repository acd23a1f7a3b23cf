/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_BUDGET_H
#define ISMS_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "isms/store.h"

/*
 * The security officer's budget (setting "budget") against the cost of
 * measures, in cents: implemented or verified measures count as spent,
 * planned and in-progress ones as committed, cancelled ones not at all.
 * 'ismsctl budget' and the board report read the same figures.
 */
struct isms_budget {
	bool set;          /* a budget is set; else .budget is 0 */
	int64_t budget;    /* cents */
	int64_t spent;     /* cents */
	int64_t committed; /* cents */
	int64_t remaining; /* budget - spent - committed, cents; may be negative */
};

/* Into *ret.  0 or -errno (-EINVAL: a stored budget that is not a number of cents). */
int isms_budget_get(struct isms_store *s, struct isms_budget *ret)
	__attribute__((warn_unused_result, nonnull));

#endif
