/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time zones: the TZif reader (isms_tz_from_tzif, as isms_tz_load reads a
 * zone file) and POSIX TZ rules (the TZif footer, isms_tz_from_posix) on any
 * bytes; every zone accepted must give a local weekday and minute in range
 * at fixed instants and at instants spread over its range.
 */
#include <string.h>

#include "fuzz.h"
#include "isms/tz.h"

#define FUZZ_MAX (64u << 10)
#define T_LIMIT  (INT64_C(1) << 40) /* some 34,000 years: beyond any real login */

static const int64_t instants[] = {
	INT64_C(-2147483648), -1, 0, 1, 1711846800 /* 2024-03-31T01:00Z */,
	1795687200, 2147483647, 4102444800 /* 2100 */, 253402300799 /* 9999 */,
	-T_LIMIT, T_LIMIT,
};

static void at(const struct isms_tz *tz, int64_t t)
{
	int wday = -1, minute = -1;

	if (t < -T_LIMIT || t > T_LIMIT)
		return;
	(void)isms_tz_offset(tz, t);
	isms_tz_local(tz, t, &wday, &minute);
	CHECK(wday >= 0 && wday <= 6);
	CHECK(minute >= 0 && minute < 24 * 60);
}

static void exercise(const struct isms_tz *tz)
{
	CHECK(memchr(isms_tz_name(tz), '\0', 64));
	for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++)
		at(tz, instants[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_tz *tz = NULL;
	char *rule;

	if (size > FUZZ_MAX)
		return 0;
	if (isms_tz_from_tzif("Fuzz/Zone", data, size, &tz) == 0) {
		CHECK(tz);
		exercise(tz);
		/* Across the whole range: the table's binary search and the footer rule. */
		for (int64_t t = -T_LIMIT, k = 0; k < 64 && t < T_LIMIT; k++) {
			int64_t step = T_LIMIT / 32;

			at(tz, t);
			t += step;
		}
		tz = isms_tz_free(tz);
	}
	/* The whole input as a rule, as a footer or a test would give it. */
	rule = fuzz_strndup(data, size);
	CHECK(rule);
	if (isms_tz_from_posix(rule, &tz) == 0) {
		CHECK(tz);
		exercise(tz);
		/* Through 2026 in steps of 26h07m: each DST switch is crossed. */
		for (int64_t t = 1767225600; t < 1767225600 + 366 * 86400; t += 26 * 3600 + 420)
			at(tz, t);
		isms_tz_free(tz);
	}
	free(rule);
	return 0;
}
