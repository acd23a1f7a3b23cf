/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The value parsers of lib/strutil.c on any bytes: isms_parse_datetime (every
 * evidence and 'policy test --at' timestamp), dates, integers, amounts,
 * booleans, paths, and the text rules with their printable copy.  A time
 * accepted must lie in the range the format can state and come back the
 * same when written out and read again.
 */
#include <string.h>

#include "fuzz.h"
#include "isms/date.h"
#include "isms/strutil.h"

#define FUZZ_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[128];
	int64_t t, v;

	if (size > FUZZ_MAX)
		return 0;
	s = fuzz_strndup(data, size);
	CHECK(s);
	if (isms_parse_datetime(s, &t) == 0) {
		/* 1900-01-01T00:00+14:59 .. 9999-12-31T23:59:59-14:59 */
		const int64_t lo = isms_days_from_civil(1900, 1, 1) * 86400 - 15 * 3600;
		const int64_t hi = isms_days_from_civil(10000, 1, 1) * 86400 + 15 * 3600;
		char utc[32];
		int64_t again;

		CHECK(t >= lo && t <= hi);
		if (t >= isms_days_from_civil(1901, 1, 1) * 86400 &&
		    t < isms_days_from_civil(9999, 1, 1) * 86400) {
			isms_date_format((time_t)t, utc, sizeof(utc));
			CHECK(isms_parse_datetime(utc, &again) == 0 && again == t);
		}
	}
	if (isms_date_valid(s))
		CHECK(strlen(s) == 10);
	(void)isms_parse_int64(s, &v);
	if (isms_parse_cents(s, &v) == 0)
		CHECK(v >= 0);
	(void)isms_parse_bool(s);
	if (isms_path_ok(s))
		CHECK(s[0] == '/' && isms_text_ok(s));
	(void)isms_text_ok(s);
	/* A printable copy is text the store and a terminal both take. */
	isms_printable(s, out, sizeof(out), false);
	CHECK(isms_text_ok(out) && !strchr(out, '\n'));
	isms_printable(s, out, sizeof(out), true);
	CHECK(isms_text_ok(out));
	free(s);
	return 0;
}
