/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Weekly time windows (lib/window.c), as the policy's "time" and DPMS access
 * hours give them: the first line of the input is a day spec ("mon-fri"),
 * the second the hours ("07:00-19:00").  A window accepted must answer for
 * any instant with a day and minute in range, and only on its own days.
 */
#include <string.h>

#include "fuzz.h"
#include "isms/window.h"

#define FUZZ_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_window w = {0};
	struct isms_tz *tz = NULL;
	const char *nl;
	char *hours;
	size_t dlen;

	if (size > FUZZ_MAX)
		return 0;
	nl = memchr(data, '\n', size);
	dlen = nl ? (size_t)(nl - (const char *)data) : size;
	/* From the bytes themselves: add_days takes a length, not a string. */
	if (isms_window_add_days(&w.days, (const char *)data, dlen) < 0) {
		CHECK(w.days == 0);
		return 0;
	}
	CHECK(w.days && w.days < 0x80);
	hours = fuzz_strndup(nl ? (const uint8_t *)nl + 1 : (const uint8_t *)"", nl ? size - dlen - 1 : 0);
	CHECK(hours);
	if (isms_window_parse_hours(&w, hours) == 0) {
		CHECK(w.start_min >= 0 && w.start_min < 24 * 60);
		CHECK(w.end_min >= 0 && w.end_min <= 24 * 60 && w.end_min != w.start_min);
		CHECK(isms_tz_from_posix("CET-1CEST,M3.5.0,M10.5.0/3", &tz) == 0);
		for (int64_t t = 1767225600; t < 1767225600 + 14 * 86400; t += 3600 + 17 * 60) {
			int wday = -1, minute = -1;
			bool in = isms_window_has(&w, tz, t, &wday, &minute);

			CHECK(wday >= 0 && wday <= 6 && minute >= 0 && minute < 24 * 60);
			CHECK(!in || (w.days & (1u << wday)));
		}
		isms_tz_free(tz);
	}
	free(hours);
	return 0;
}
