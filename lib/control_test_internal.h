/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CONTROL_TEST_INTERNAL_H
#define ISMS_CONTROL_TEST_INTERNAL_H

/* What the control test files share: local calendar days in a zone. */

#include <stdint.h>

#include "isms/control_test.h"
#include "isms/tz.h"

/* Days since 1970-01-01 into a date. */
void ctest_civil_from_days(int64_t days, int *ret_y, int *ret_m, int *ret_d);
/* The local day (days since 1970-01-01) that holds instant @t in @tz. */
int64_t ctest_local_day(const struct isms_tz *tz, int64_t t);
/* The instant of local day @days at @minutes after midnight (see isms_ctest_local()). */
int64_t ctest_local_from_days(const struct isms_tz *tz, int64_t days, int64_t minutes);

/* An evaluation in progress (control_test_eval.c); its results (control_test_result.c). */
struct isms_ctest_eval {
	struct isms_ctest_rule rule;
	char name[ISMS_CTEST_VALUE_MAX];
	struct isms_ctest_period period;
	int64_t since, until;
	/* count: nb buckets between bounds[k] and bounds[k + 1]; heartbeat: width max_gap */
	size_t nb;
	int64_t *bounds, *count, *bmin, *bmax;
	int64_t basis;
	struct isms_ctest_result res;
	/* attest: the latest attestation */
	int64_t att_ts, att_id;
	bool att_ineffective;
	/* skew: the largest ts - recorded, and of how many rows */
	int64_t skew_max, skew_rows;
};

/* The result of each kind of rule from what the rows left in @ev. */
void ctest_result_heartbeat(const struct isms_ctest_eval *ev, struct isms_ctest_result *res);
void ctest_result_count(const struct isms_ctest_eval *ev, struct isms_ctest_result *res);
void ctest_result_every(const struct isms_ctest_eval *ev, struct isms_ctest_result *res);
void ctest_result_skew(const struct isms_ctest_eval *ev, struct isms_ctest_result *res);
void ctest_result_attest(const struct isms_ctest_eval *ev, struct isms_ctest_result *res);

#endif
