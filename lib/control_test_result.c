/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control tests: the result of each kind of rule from what the rows left.  Pure. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "control_test_internal.h"
#include "isms/control_test.h"
#include "isms/date.h"

static void add_span(struct isms_ctest_result *res, int64_t from, int64_t to)
{
	if (res->ngaps < ISMS_CTEST_GAPS_MAX) {
		res->gaps[res->ngaps].from = from;
		res->gaps[res->ngaps].to = to;
		res->ngaps++;
	}
	res->violations++;
}

void ctest_result_heartbeat(const struct isms_ctest_eval *ev, struct isms_ctest_result *res)
{
	int64_t prev = ev->period.start;
	char a[24], b[24];

	if (res->matched == 0) {
		snprintf(res->reason, sizeof(res->reason), "no '%s%s' evidence in the period",
			 ev->rule.pattern, ev->rule.prefix ? "*" : "");
		return;
	}
	/* A gap longer than a bucket spans the buckets between two rows:
	 * comparing neighbouring non-empty buckets finds every one. */
	for (size_t i = 0; i <= ev->nb; i++) {
		int64_t next = i < ev->nb ? ev->bmin[i] : ev->period.end;

		if (i < ev->nb && ev->bmax[i] == INT64_MIN)
			continue;
		if (next - prev > ev->rule.max_gap)
			add_span(res, prev, next);
		if (next - prev > res->value)
			res->value = next - prev;
		if (i < ev->nb)
			prev = ev->bmax[i];
	}
	res->outcome = res->violations ? ISMS_CTEST_FAIL : ISMS_CTEST_PASS;
	if (res->violations) {
		isms_date_format(res->gaps[0].from, a, sizeof(a));
		isms_date_format(res->gaps[0].to, b, sizeof(b));
		snprintf(res->reason, sizeof(res->reason),
			 "%" PRId64 " gap(s) longer than %" PRId64 " h, the first from %s to %s",
			 res->violations, ev->rule.max_gap / 3600, a, b);
	} else {
		snprintf(res->reason, sizeof(res->reason),
			 "%" PRId64 " rows, the longest gap %" PRId64 " min", res->matched,
			 res->value / 60);
	}
}

void ctest_result_count(const struct isms_ctest_eval *ev, struct isms_ctest_result *res)
{
	const struct isms_ctest_rule *ru = &ev->rule;
	bool first = true;

	if (ev->basis == 0) {
		snprintf(res->reason, sizeof(res->reason),
			 "no '%s%s' evidence%s in the period: the collector may have been off",
			 ru->basis, ru->basis_prefix ? "*" : "", ru->nwhere ? " (where=)" : "");
		return;
	}
	for (size_t i = 0; i < ev->nb; i++) {
		int64_t n = ev->count[i];

		if ((ru->max >= 0 && n > ru->max) || (ru->min >= 0 && n < ru->min))
			add_span(res, ev->bounds[i], ev->bounds[i + 1]);
		if (first || (ru->max >= 0 ? n > res->value : n < res->value))
			res->value = n;
		first = false;
	}
	res->outcome = res->violations ? ISMS_CTEST_FAIL : ISMS_CTEST_PASS;
	if (ev->nb <= 1)
		snprintf(res->reason, sizeof(res->reason), "%" PRId64 " '%s%s' rows (%s %" PRId64 ")",
			 res->matched, ru->pattern, ru->prefix ? "*" : "",
			 ru->max >= 0 ? "at most" : "at least", ru->max >= 0 ? ru->max : ru->min);
	else
		snprintf(res->reason, sizeof(res->reason),
			 "%" PRId64 " '%s%s' rows; %s %" PRId64 " in one %s (%s %" PRId64 ")%s",
			 res->matched, ru->pattern, ru->prefix ? "*" : "",
			 ru->max >= 0 ? "at most" : "at least", res->value,
			 ru->per == ISMS_CTEST_PER_HOUR ? "hour" :
			 ru->per == ISMS_CTEST_PER_DAY ? "day" : "week",
			 ru->max >= 0 ? "limit" : "needed", ru->max >= 0 ? ru->max : ru->min,
			 res->violations ? ", not met" : "");
}

void ctest_result_every(const struct isms_ctest_eval *ev, struct isms_ctest_result *res)
{
	const struct isms_ctest_rule *ru = &ev->rule;

	if (res->violations) {
		res->outcome = ISMS_CTEST_FAIL;
		snprintf(res->reason, sizeof(res->reason),
			 "%" PRId64 " of %" PRId64 " '%s%s' rows fail the requirement, the first row %" PRId64,
			 res->violations, res->matched,
			 ru->pattern, ru->prefix ? "*" : "", res->violation_ids[0]);
	} else if (res->unknown) {
		snprintf(res->reason, sizeof(res->reason),
			 "%" PRId64 " '%s%s' rows whose facts cannot be known", res->unknown,
			 ru->pattern, ru->prefix ? "*" : "");
	} else if (res->matched == 0) {
		snprintf(res->reason, sizeof(res->reason), "no '%s%s' evidence in the period",
			 ru->pattern, ru->prefix ? "*" : "");
	} else {
		res->outcome = ISMS_CTEST_PASS;
		snprintf(res->reason, sizeof(res->reason), "all %" PRId64 " '%s%s' rows meet it",
			 res->matched, ru->pattern, ru->prefix ? "*" : "");
	}
}

void ctest_result_attest(const struct isms_ctest_eval *ev, struct isms_ctest_result *res)
{
	char a[24];

	if (!ev->att_id) {
		snprintf(res->reason, sizeof(res->reason), "no attestation for test '%s'", ev->name);
		return;
	}
	/* relied on: the latest attestation alone */
	res->seen = 1;
	res->first_id = res->last_id = ev->att_id;
	res->value = ev->period.end - ev->att_ts;
	isms_date_format(ev->att_ts, a, sizeof(a));
	if (ev->att_ineffective) {
		res->outcome = ISMS_CTEST_FAIL;
		snprintf(res->reason, sizeof(res->reason), "attested ineffective at %s", a);
	} else if (res->value > ev->rule.valid) {
		res->outcome = ISMS_CTEST_FAIL;
		res->violations = 1;
		snprintf(res->reason, sizeof(res->reason), "the attestation of %s has expired", a);
	} else {
		res->outcome = ISMS_CTEST_PASS;
		snprintf(res->reason, sizeof(res->reason), "attested at %s", a);
	}
}


void ctest_result_skew(const struct isms_ctest_eval *ev, struct isms_ctest_result *res)
{
	int64_t est = ev->skew_max, lim = ev->rule.max_skew;

	if (ev->skew_rows == 0) {
		snprintf(res->reason, sizeof(res->reason), "no '%s%s' evidence in the period",
			 ev->rule.pattern, ev->rule.prefix ? "*" : "");
		return;
	}
	res->value = est;
	if (est > lim || est < -lim) {
		res->violations = 1;
		res->outcome = ISMS_CTEST_FAIL;
		snprintf(res->reason, sizeof(res->reason),
			 "the clock %s by %s%" PRId64 " s (allowed %" PRId64 " s), over %" PRId64
			 " rows",
			 est > 0 ? "ahead" : "behind", est > 0 ? "" : "at least ",
			 est > 0 ? est : -est, lim, ev->skew_rows);
		return;
	}
	res->outcome = ISMS_CTEST_PASS;
	snprintf(res->reason, sizeof(res->reason),
		 "%" PRId64 " rows, the clock within %" PRId64 " s (skew %+" PRId64 " s)",
		 ev->skew_rows, lim, est);
}
