/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_RISK_H
#define ISMS_RISK_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/store.h"

#define ISMS_MATRIX_MAX   10 /* largest axis and number of levels */
#define ISMS_LABEL_MAX    32

/* The levels of the default BSI 200-3 matrix. */
enum {
	ISMS_LEVEL_LOW = 1,
	ISMS_LEVEL_MEDIUM,
	ISMS_LEVEL_HIGH,
	ISMS_LEVEL_VERY_HIGH,
};

/*
 * A risk matrix: likelihood (frequency) by impact, each cell a level.
 * Axis values and levels count from 1; labels are for people.
 */
struct isms_risk_matrix {
	int nlikelihood;
	int nimpact;
	int nlevels;
	int acceptance; /* the highest level that is acceptable without treatment */
	char likelihood[ISMS_MATRIX_MAX][ISMS_LABEL_MAX];
	char impact[ISMS_MATRIX_MAX][ISMS_LABEL_MAX];
	char level[ISMS_MATRIX_MAX][ISMS_LABEL_MAX];
	int cell[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX]; /* [likelihood-1][impact-1] */
};

/* The 4x4 matrix of BSI standard 200-3, acceptance at 'low'. */
void isms_risk_matrix_default(struct isms_risk_matrix *ret) __attribute__((nonnull));

/* The level of (likelihood, impact), or -EINVAL if either is off the matrix. */
int isms_risk_level(const struct isms_risk_matrix *m, int likelihood, int impact)
	__attribute__((nonnull));

/*
 * Consistency: sizes in range, every cell a valid level, labels unique and
 * non-empty, and levels never fall as likelihood or impact rise.
 * Returns 0 or -EINVAL with the reason in @err.
 */
int isms_risk_matrix_check(const struct isms_risk_matrix *m, char *err, size_t errlen)
	__attribute__((nonnull));

/*
 * Parse a matrix from JSON:
 *   {"likelihood": ["rare", ...], "impact": [...], "levels": ["low", ...],
 *    "cells": [[1,1,2,2], ...]  (one row per likelihood), "acceptance": "low"}
 * Returns 0, or -EINVAL with the JSON path of the problem in @err.
 */
int isms_risk_matrix_from_json(const char *json, struct isms_risk_matrix *ret, char *err,
			       size_t errlen) __attribute__((nonnull));

/* The matrix in the form isms_risk_matrix_from_json() takes (a new json-c object). */
struct json_object;
struct json_object *isms_risk_matrix_to_json(const struct isms_risk_matrix *m)
	__attribute__((nonnull));

/* Resolve an axis value given as a number or a label; -EINVAL if neither. */
int isms_risk_axis_value(const struct isms_risk_matrix *m, const char *axis, const char *in)
	__attribute__((nonnull));
/* Resolve a level name or number; -EINVAL if neither. */
int isms_risk_level_value(const struct isms_risk_matrix *m, const char *in)
	__attribute__((nonnull));

/*
 * The lowest impact a risk may have on an objective whose protection
 * requirement is @requirement ("normal", "high", "very_high") without a
 * justification: 0 for normal (none); the setting protection.high or
 * protection.very_high when set, else the second highest and the highest
 * impact of @m.  0 or -errno.
 */
int isms_risk_impact_minimum(struct isms_store *s, const struct isms_risk_matrix *m,
			     const char *requirement, int *ret_min)
	__attribute__((warn_unused_result, nonnull));

/*
 * What a likelihood, an impact or a level (@what) means for this
 * organisation: @name a label, level name or number, @text the definition
 * (NULL or "" clears it).  -EINVAL (@what, @text), -ENOENT (@name), -EROFS.
 */
int isms_risk_matrix_define(struct isms_store *s, const char *what, const char *name,
			    const char *text) __attribute__((warn_unused_result, nonnull(1, 2, 3)));

/* The definitions: text[0] likelihoods, [1] impacts, [2] levels, by value - 1; NULL: none. */
struct isms_risk_definitions {
	char *text[3][ISMS_MATRIX_MAX];
};
int isms_risk_definitions_load(struct isms_store *s, struct isms_risk_definitions *ret)
	__attribute__((warn_unused_result, nonnull));
void isms_risk_definitions_release(struct isms_risk_definitions *d);

/*
 * The assets with a high or very high protection requirement on any
 * objective and no risk on them (BSI 200-3: they need a risk analysis), in
 * register order.  0 or -errno; release with isms_risk_gaps_release().
 */
struct isms_risk_gap {
	char *asset;
	char *requirements; /* "confidentiality very_high, availability high" */
	char *owner;        /* NULL: none */
};
struct isms_risk_gaps {
	struct isms_risk_gap *v;
	size_t n;
};
int isms_risk_gaps_list(struct isms_store *s, struct isms_risk_gaps *ret)
	__attribute__((warn_unused_result, nonnull));
void isms_risk_gaps_release(struct isms_risk_gaps *g);

/* The matrix kept in the store. */
int isms_risk_matrix_load(struct isms_store *s, struct isms_risk_matrix *ret)
	__attribute__((warn_unused_result, nonnull));
/*
 * Replace the stored matrix.  Fails with -ENOTEMPTY, naming one, when an existing
 * risk's likelihood or impact would fall off the new matrix.
 */
int isms_risk_matrix_save(struct isms_store *s, const struct isms_risk_matrix *m)
	__attribute__((warn_unused_result, nonnull));

/* Number of risks in each cell, [likelihood-1][impact-1]; @residual places
 * treated risks by their residual rating. */
int isms_risk_matrix_counts(struct isms_store *s, bool residual,
			    int ret_counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX])
	__attribute__((warn_unused_result, nonnull));

/*
 * Of the risks in each cell, placed as isms_risk_matrix_counts() places
 * them, the number not acceptable now (the register's computed
 * 'acceptable': current level within the threshold, or a valid
 * acceptance), so that a cell can be called acceptable only when every
 * risk in it is.
 */
int isms_risk_matrix_unacceptable(struct isms_store *s, bool residual,
				  int ret_counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX])
	__attribute__((warn_unused_result, nonnull));

#endif
