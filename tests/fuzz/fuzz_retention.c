/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DPMS retention rules (dpms/retention_rule.c): the first line an event
 * ("year_end"), the second a period ("10 years").  A period accepted is 1 to
 * 36500 days, months or years; the expiry of a file under an accepted rule
 * never comes before the file was modified.
 */
#include <string.h>

#include "dpms.h"
#include "fuzz.h"

#define FUZZ_MAX 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dpms_retention_rule rule = {0};
	enum dpms_retention_event ev;
	char *text, *nl, unit = 0;
	int n = 0;

	if (size > FUZZ_MAX)
		return 0;
	text = fuzz_strndup(data, size);
	CHECK(text);
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (dpms_retention_event_parse(text, &ev) < 0)
		ev = DPMS_RET_MODIFIED;
	if (dpms_retention_period_parse(nl ? nl + 1 : text, &n, &unit) == 0) {
		int64_t mtime = 1767225600, until = 0;

		CHECK(n >= 1 && n <= 36500);
		CHECK(unit == 'd' || unit == 'm' || unit == 'y');
		rule.event = ev;
		rule.n = n;
		rule.unit = unit;
		rule.has_event_date = ev == DPMS_RET_EVENT;
		rule.event_date = mtime + 86400;
		if (dpms_retention_expiry(&rule, mtime, &until) == 0)
			CHECK(until >= mtime);
	}
	free(text);
	return 0;
}
