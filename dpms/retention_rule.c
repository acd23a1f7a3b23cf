/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Retention rules as the law words them: an event and a period after it
 * ("ten years after the end of the calendar year", HGB 257(4)-(5), AO
 * 147(3)-(4); "six months after the end of the contract").  Pure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpms.h"
#include "isms/strutil.h"

static const char *const events[] = {"modified", "year_end", "event", NULL};

int dpms_retention_event_parse(const char *s, enum dpms_retention_event *ret)
{
	for (int i = 0; events[i]; i++)
		if (s && strcmp(s, events[i]) == 0) {
			*ret = (enum dpms_retention_event)i;
			return 0;
		}
	return -EINVAL;
}

int dpms_retention_period_parse(const char *s, int *ret_n, char *ret_unit)
{
	static const struct {
		const char *word;
		char unit;
	} units[] = {{"day", 'd'}, {"days", 'd'}, {"month", 'm'}, {"months", 'm'},
		     {"year", 'y'}, {"years", 'y'}};
	char *end;
	long n;

	if (!s || !*s)
		return -EINVAL;
	n = strtol(s, &end, 10);
	if (end == s || n < 1 || n > 36500 || *end != ' ')
		return -EINVAL;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].word) == 0) {
			*ret_n = (int)n;
			*ret_unit = units[i].unit;
			return 0;
		}
	return -EINVAL;
}

static int days_in_month(int64_t y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return d[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* @t plus @n units, in UTC: months and years on the same day, else the month's last. */
static int add_period(int64_t t, int n, char unit, int64_t *ret)
{
	struct tm tm;
	time_t tt = (time_t)t;
	int64_t y, sec;
	int m, d;

	if (unit == 'd') {
		*ret = t + (int64_t)n * 86400;
		return 0;
	}
	if (!gmtime_r(&tt, &tm))
		return -ERANGE;
	sec = (int64_t)tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	y = (int64_t)tm.tm_year + 1900;
	m = tm.tm_mon + 1 + (unit == 'm' ? n : 0);
	y += (unit == 'y' ? n : 0) + (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	d = tm.tm_mday;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	*ret = isms_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + sec;
	return 0;
}

int dpms_retention_expiry(const struct dpms_retention_rule *rule, int64_t mtime, int64_t *ret)
{
	int64_t until = INT64_MIN, base, t;
	int r;

	if (rule->days > 0)
		until = mtime + rule->days * 86400;
	if (rule->n > 0) {
		switch (rule->event) {
		case DPMS_RET_MODIFIED:
			base = mtime;
			break;
		case DPMS_RET_YEAR_END: {
			struct tm tm;
			time_t tt = (time_t)mtime;

			/* The year ends at the start of the next one (UTC). */
			if (!gmtime_r(&tt, &tm))
				return -ERANGE;
			base = isms_days_from_civil((int64_t)tm.tm_year + 1900 + 1, 1, 1) * 86400;
			break;
		}
		case DPMS_RET_EVENT:
			/* The event has not happened (no date): the duty has not started. */
			if (!rule->has_event_date)
				return -ENODATA;
			base = rule->event_date;
			break;
		default:
			return -EINVAL;
		}
		r = add_period(base, rule->n, rule->unit, &t);
		if (r < 0)
			return r;
		if (t > until)
			until = t; /* two rules: the longer duty wins */
	}
	if (until == INT64_MIN)
		return -ENODATA;
	*ret = until;
	return 0;
}
