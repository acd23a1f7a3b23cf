/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ASSESS_INTERNAL_H
#define ISMS_ASSESS_INTERNAL_H

/* assess.c runs the tests, assess_record.c keeps their results. */

#include <stdint.h>

#include "isms/assess.h"

/*
 * Record @it at @now: an evidence row of kind assessment.result and a row
 * of the assessment table that names it, and for a failing result its
 * nonconformity (it->nonconformity), in one transaction.  0 and *ret_id
 * (the evidence row), or -errno with nothing recorded.
 */
int assess_record(struct isms_store *s, struct isms_assess_item *it, int64_t now,
		  int64_t *ret_id);

/* 1 when test @test at @version was assessed over the whole of period @p, 0, -errno. */
int assess_done_before(struct isms_store *s, const char *test, int64_t version,
		       const struct isms_ctest_period *p);

#endif
