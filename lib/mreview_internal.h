/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_MREVIEW_INTERNAL_H
#define ISMS_MREVIEW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "isms/control_test.h"
#include "isms/mreview.h"

/* The local date (YYYY-MM-DD) of instant @t in @tz. */
void mreview_local_day(const struct isms_tz *tz, int64_t t, char buf[11]);

/* @p's period parsed in its zone: 0, or -EINVAL with the store's message set. */
int mreview_period(struct isms_store *s, const struct isms_mreview_period *p,
		   struct isms_ctest_period *ret);

/* Annex A 5.35, independent review of information security: where the demo files its reviews. */
#define MREVIEW_CONTROL "5.35"

struct json_object;

/*
 * Append an evidence row at @now of @kind (control MREVIEW_CONTROL) with
 * @details, which it takes and releases whatever happens.  0 or -errno.
 */
int mreview_append_evidence(struct isms_store *s, int64_t now, const char *kind,
			    const char *subject, const char *outcome, struct json_object *details);

/* Run @sql with the texts ?1..?3 (@b and @c may be NULL: not bound). */
int mreview_exec3(struct isms_store *s, const char *sql, const char *a, const char *b,
		  const char *c);

/*
 * The review @id: its pk, whether approved, its inputs' SHA-256 and its
 * period (each optional, malloc'd; the SHA-256 NULL when it has no inputs).
 * 0, -ENOENT with the message set, or errors of the store.
 */
int mreview_review_load(struct isms_store *s, const char *id, int64_t *ret_pk, bool *ret_approved,
			char **ret_sha, char **ret_period);

/*
 * d) trends, from history: add "trend" to @d (the inputs' d_performance,
 * complete but for it) with its figures beside those of the last approved
 * review's frozen inputs.  0 or -errno.
 */
int mreview_trend(struct isms_store *s, struct json_object *d);

#endif
