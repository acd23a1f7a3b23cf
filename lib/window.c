// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "isms/window.h"

static const char *const daynames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncasecmp(s, daynames[i], 3) == 0)
			return i;
	return -1;
}

int isms_window_add_days(uint8_t *days, const char *s, size_t n)
{
	const char *dash = memchr(s, '-', n);
	int a = day_index(s, dash ? (size_t)(dash - s) : n);
	int b = dash ? day_index(dash + 1, n - (size_t)(dash - s) - 1) : a;

	if (a < 0 || b < 0)
		return -EINVAL;
	for (int d = a;; d = (d + 1) % 7) {
		*days |= (uint8_t)(1u << d);
		if (d == b)
			return 0;
	}
}

static bool parse_hhmm(const char *s, size_t n, int *ret)
{
	int h, m;

	if (n != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*ret = h * 60 + m;
	return true;
}

int isms_window_parse_hours(struct isms_window *w, const char *s)
{
	const char *dash = strchr(s, '-');
	int start, end;

	if (!dash || !parse_hhmm(s, (size_t)(dash - s), &start) ||
	    !parse_hhmm(dash + 1, strlen(dash + 1), &end) || start == end || start == 24 * 60)
		return -EINVAL;
	w->start_min = start;
	w->end_min = end;
	return 0;
}

bool isms_window_has(const struct isms_window *w, const struct isms_tz *tz, int64_t t,
		     int *ret_wday, int *ret_minute)
{
	int wday, min;
	bool in;

	isms_tz_local(tz, t, &wday, &min);
	if (w->start_min < w->end_min) {
		in = min >= w->start_min && min < w->end_min;
	} else {
		in = min >= w->start_min || min < w->end_min;
		/* After midnight, the window belongs to the day it opened. */
		if (in && min < w->end_min)
			wday = (wday + 6) % 7;
	}
	*ret_wday = wday;
	*ret_minute = min;
	return in && (w->days & (1u << wday));
}
