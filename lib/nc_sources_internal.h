/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_NC_SOURCES_INTERNAL_H
#define ISMS_NC_SOURCES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "isms/entity.h"

/*
 * The sources that open nonconformities by themselves (nc_sources.c),
 * called inside their callers' transactions.  Each returns 0 or a negative
 * errno; a nonconformity already open for the same origin is not opened twice.
 */

/* The review record type's written() hook: a review done with findings or failed. */
int nc_review_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		      const struct isms_kv *kv, size_t n, bool added);

/* Indicator @indicator crossed (one open nonconformity per indicator). */
int nc_from_indicator(struct isms_store *s, const char *indicator, const char *control,
		      const char *risk, const char *asset, const char *reason, const char *ts);

/* Evidence row @pk records a break-glass login (one per row). */
int nc_from_break_glass(struct isms_store *s, int64_t pk, const char *ts, const char *asset,
			const char *subject, const char *control);

/* Every break-glass row of the chain after row @after (the indicators' watermark). */
int nc_scan_break_glass(struct isms_store *s, int64_t after);

/*
 * Test @test of @control failed over @period: one open nonconformity per
 * test, its risks those of the measures implementing the control, the test
 * its effectiveness check.  *ret_id (malloc'd) is the one opened or already
 * open (*ret_opened tells which).
 */
int nc_from_test(struct isms_store *s, const char *test, const char *control, const char *period,
		 const char *reason, int64_t now, char **ret_id, bool *ret_opened);

#endif
