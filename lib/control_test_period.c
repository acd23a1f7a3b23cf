/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Control tests: periods as local calendar periods in a zone, DST included.  Pure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control_test_internal.h"
#include "isms/control_test.h"
#include "isms/date.h"
#include "isms/strutil.h"

/* Days since 1970-01-01 into a proleptic Gregorian date (H. Hinnant's algorithm). */
void ctest_civil_from_days(int64_t z, int *ret_y, int *ret_m, int *ret_d)
{
	int64_t era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*ret_m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*ret_y = (int)(y + (*ret_m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t ctest_local_day(const struct isms_tz *tz, int64_t t)
{
	return floor_div(t + isms_tz_offset(tz, t), 86400);
}

int64_t ctest_local_from_days(const struct isms_tz *tz, int64_t days, int64_t minutes)
{
	int64_t l = days * 86400 + minutes * 60;
	int32_t oa = isms_tz_offset(tz, l - 86400), ob = isms_tz_offset(tz, l + 86400);
	int64_t ta = l - oa, tb = l - ob, lo, hi;
	bool va = isms_tz_offset(tz, ta) == oa, vb = isms_tz_offset(tz, tb) == ob;

	if (va && vb)
		return ta < tb ? ta : tb; /* repeated (clocks set back): the first */
	if (va)
		return ta;
	if (vb)
		return tb;
	/*
	 * Skipped (clocks set forward): the instant they jumped, the first with
	 * the later offset, between the two guesses.
	 */
	lo = ta < tb ? ta : tb;
	hi = ta < tb ? tb : ta;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (isms_tz_offset(tz, mid) == ob)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

int64_t isms_ctest_local(const struct isms_tz *tz, int y, int m, int d, int h, int mi)
{
	return ctest_local_from_days(tz, isms_days_from_civil(y, (unsigned)m, (unsigned)d),
				     (int64_t)h * 60 + mi);
}

/* Monday of ISO week 1 of year @y, in days since the epoch. */
static int64_t iso_week1(int y)
{
	int64_t jan4 = isms_days_from_civil(y, 1, 4);

	/* 1970-01-01 was a Thursday: weekday 3 counting from Monday */
	return jan4 - ((jan4 + 3) % 7 + 7) % 7;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int set(struct isms_ctest_period *p, int64_t start, int64_t end, const char *label)
{
	if (end <= start)
		return -EINVAL;
	p->start = start;
	p->end = end;
	snprintf(p->label, sizeof(p->label), "%s", label);
	return 0;
}

/* A bound of FROM..TO: a date (local midnight) or a time with a zone. */
static int bound(const char *s, size_t n, const struct isms_tz *tz, int64_t *ret)
{
	char buf[64];

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (n == 10 && isms_date_valid(buf)) {
		*ret = isms_ctest_local(tz, num(buf, 4), num(buf + 5, 2), num(buf + 8, 2), 0, 0);
		return 0;
	}
	return isms_date_parse(buf, ret, NULL);
}

int isms_ctest_period_parse(const char *text, const struct isms_tz *tz,
			    struct isms_ctest_period *ret)
{
	size_t n = strlen(text);
	const char *dots = strstr(text, "..");
	int y;

	if (n < 4 || n >= sizeof(ret->label) || !isms_text_ok(text))
		return -EINVAL;
	if (dots) {
		int64_t a, b;

		if (bound(text, (size_t)(dots - text), tz, &a) < 0 ||
		    bound(dots + 2, strlen(dots + 2), tz, &b) < 0)
			return -EINVAL;
		return set(ret, a, b, text);
	}
	if (!digits(text, 4))
		return -EINVAL;
	y = num(text, 4);
	if (y < 1900 || y > 9998)
		return -EINVAL;
	if (n == 4)
		return set(ret, isms_ctest_local(tz, y, 1, 1, 0, 0),
			   isms_ctest_local(tz, y + 1, 1, 1, 0, 0), text);
	if (text[4] != '-')
		return -EINVAL;
	if (n == 7 && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
		int q = text[6] - '0', m = 3 * (q - 1) + 1;

		return set(ret, isms_ctest_local(tz, y, m, 1, 0, 0),
			   q == 4 ? isms_ctest_local(tz, y + 1, 1, 1, 0, 0) :
				    isms_ctest_local(tz, y, m + 3, 1, 0, 0),
			   text);
	}
	if (n == 8 && text[5] == 'W' && digits(text + 6, 2)) {
		int w = num(text + 6, 2);
		int64_t d0 = iso_week1(y) + (int64_t)(w - 1) * 7;

		/* a week 53 exists only when week 1 of the next year starts after it */
		if (w < 1 || w > 53 || (w == 53 && d0 + 7 > iso_week1(y + 1)))
			return -EINVAL;
		return set(ret, ctest_local_from_days(tz, d0, 0), ctest_local_from_days(tz, d0 + 7, 0),
			   text);
	}
	if (n == 7 && digits(text + 5, 2)) {
		int m = num(text + 5, 2);

		if (m < 1 || m > 12)
			return -EINVAL;
		return set(ret, isms_ctest_local(tz, y, m, 1, 0, 0),
			   m == 12 ? isms_ctest_local(tz, y + 1, 1, 1, 0, 0) :
				     isms_ctest_local(tz, y, m + 1, 1, 0, 0),
			   text);
	}
	if (n == 10 && isms_date_valid(text)) {
		int64_t d = isms_days_from_civil(y, (unsigned)num(text + 5, 2),
						 (unsigned)num(text + 8, 2));

		return set(ret, ctest_local_from_days(tz, d, 0), ctest_local_from_days(tz, d + 1, 0),
			   text);
	}
	return -EINVAL;
}

int isms_ctest_freq_parse(const char *text, enum isms_ctest_freq *ret)
{
	static const char *const names[] = {"daily", "weekly", "monthly", "quarterly", "yearly"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i]) == 0) {
			*ret = (enum isms_ctest_freq)i;
			return 0;
		}
	return -EINVAL;
}

void isms_ctest_period_of(enum isms_ctest_freq f, const struct isms_tz *tz, int64_t t,
			  struct isms_ctest_period *ret)
{
	int64_t day = ctest_local_day(tz, t), d0;
	int y, m, d, w;
	char label[32];

	ctest_civil_from_days(day, &y, &m, &d);
	switch (f) {
	case ISMS_CTEST_DAILY:
		snprintf(label, sizeof(label), "%04d-%02d-%02d", y, m, d);
		break;
	case ISMS_CTEST_WEEKLY:
		/* the ISO year is the year of the week's Thursday */
		d0 = day - ((day + 3) % 7 + 7) % 7;
		ctest_civil_from_days(d0 + 3, &y, &m, &d);
		w = (int)((d0 - iso_week1(y)) / 7) + 1;
		snprintf(label, sizeof(label), "%04d-W%02d", y, w);
		break;
	case ISMS_CTEST_MONTHLY:
		snprintf(label, sizeof(label), "%04d-%02d", y, m);
		break;
	case ISMS_CTEST_QUARTERLY:
		snprintf(label, sizeof(label), "%04d-Q%d", y, (m - 1) / 3 + 1);
		break;
	default:
		snprintf(label, sizeof(label), "%04d", y);
		break;
	}
	/* Every label made here parses. */
	if (isms_ctest_period_parse(label, tz, ret) < 0) {
		ret->start = t;
		ret->end = t + 1;
		snprintf(ret->label, sizeof(ret->label), "%s", label);
	}
}
