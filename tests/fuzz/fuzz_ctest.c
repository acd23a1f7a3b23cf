/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control test rules and periods (lib/control_test*.c): the first line is a
 * rule, the second a period.  A rule accepted must be one the evaluator can
 * run; a period accepted must be non-empty; the evaluation over a few rows
 * must give an outcome that never passes without a row relied on.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "isms/control_test.h"

#define FUZZ_MAX 2048

static int fact(const struct isms_ctest_cond *c, const struct isms_ctest_row *row, void *ud)
{
	(void)ud;
	return c->fact == ISMS_CTEST_FACT_ACTIVE ? -ENODATA : (int)(row->id & 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_ctest_rule r;
	struct isms_ctest_period p;
	struct isms_ctest_eval *ev = NULL;
	struct isms_ctest_result res;
	struct isms_tz *tz = NULL;
	const char *nl;
	char *text, *ptext, err[256];
	size_t rlen;

	if (size > FUZZ_MAX)
		return 0;
	nl = memchr(data, '\n', size);
	rlen = nl ? (size_t)(nl - (const char *)data) : size;
	text = fuzz_strndup(data, rlen);
	ptext = fuzz_strndup(nl ? (const uint8_t *)nl + 1 : (const uint8_t *)"2026-03",
			     nl ? size - rlen - 1 : 7);
	CHECK(text && ptext);
	CHECK(isms_tz_from_posix("CET-1CEST,M3.5.0,M10.5.0/3", &tz) == 0);
	if (isms_ctest_period_parse(ptext, tz, &p) == 0)
		CHECK(p.end > p.start);
	else
		CHECK(isms_ctest_period_parse("2026-03", tz, &p) == 0);
	if (isms_ctest_rule_parse(text, &r, err, sizeof(err)) == 0) {
		CHECK(r.kind >= ISMS_CTEST_HEARTBEAT && r.kind <= ISMS_CTEST_SKEW);
		CHECK(r.nwhere <= ISMS_CTEST_CONDS_MAX && r.nrequire <= ISMS_CTEST_CONDS_MAX);
		if (isms_ctest_eval_new(&r, "t", &p, tz, &ev) == 0) {
			for (int64_t i = 1; i <= 16; i++) {
				struct isms_ctest_row row = {
					.id = i, .ts = p.start + (p.end - p.start) / 17 * i,
					.kind = i & 2 ? r.pattern : "access.allow",
					.subject = i & 4 ? "root" : "alice",
					.details = i & 8 ? "{\"test\":\"t\",\"service\":\"sshd\"}" : "[1]",
				};

				CHECK(isms_ctest_eval_row(ev, &row, fact, NULL) == 0);
			}
			isms_ctest_eval_result(ev, &res);
			CHECK(res.outcome != ISMS_CTEST_PASS || res.seen > 0);
			CHECK(res.ngaps <= ISMS_CTEST_GAPS_MAX);
			isms_ctest_eval_free(ev);
		}
	} else {
		CHECK(err[0]);
	}
	isms_tz_free(tz);
	free(text);
	free(ptext);
	return 0;
}
