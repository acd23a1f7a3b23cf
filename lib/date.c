/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dates and times: one strict parser for every input.  There were three
 * (strptime() in the indicators, an atoi() reader that took "+zz:zz" in the
 * CLI, and this one), and evidence timestamps were not read at all, so
 * "last tuesday" was stored as given.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "isms/date.h"

/* @n decimal digits at @s, or -1. */
static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool ymd_ok(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= (m == 2 && leap(y) ? 29 : mdays[m - 1]);
}

bool isms_date_valid(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	return ymd_ok(num(s, 4), num(s + 5, 2), num(s + 8, 2));
}

int64_t isms_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The fraction's digits at @p (after the '.') and their count, 1-9; 0 if none. */
static size_t fraction(const char *p, uint32_t *ret_nsec)
{
	uint32_t ns = 0;
	size_t n = 0;

	while (p[n] >= '0' && p[n] <= '9') {
		if (n == 9)
			return 0;
		ns = ns * 10 + (uint32_t)(p[n] - '0');
		n++;
	}
	for (size_t k = n; k < 9; k++)
		ns *= 10;
	*ret_nsec = ns;
	return n;
}

/* Parse; also says where the fraction's digits are, for isms_date_canon(). */
static int parse(const char *s, int64_t *ret_sec, uint32_t *ret_nsec, const char **ret_frac,
		 size_t *ret_nfrac)
{
	int y, mo, d, h, mi, sec = 0, off = 0;
	uint32_t ns = 0;
	const char *p, *frac = NULL;
	size_t nfrac = 0;

	/* Every byte up to the minutes is looked at before what follows it. */
	if (strnlen(s, 16) < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':')
		return -EINVAL;
	y = num(s, 4);
	mo = num(s + 5, 2);
	d = num(s + 8, 2);
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	if (!ymd_ok(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59)
		return -EINVAL;
	p = s + 16;
	if (*p == ':') {
		sec = num(p + 1, 2);
		if (sec < 0 || sec > 59)
			return -EINVAL;
		p += 3;
		if (*p == '.') {
			frac = p + 1;
			nfrac = fraction(frac, &ns);
			if (!nfrac)
				return -EINVAL;
			p = frac + nfrac;
		}
	}
	if (p[0] == 'Z' && !p[1]) {
		off = 0;
	} else if ((p[0] == '+' || p[0] == '-') && strnlen(p, 7) == 6 && p[3] == ':') {
		int oh = num(p + 1, 2), om = num(p + 4, 2);

		if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 14 * 60)
			return -EINVAL;
		off = (oh * 3600 + om * 60) * (p[0] == '-' ? -1 : 1);
	} else {
		return -EINVAL;
	}
	/* Years 1900-9999: no overflow anywhere in int64_t. */
	*ret_sec = isms_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
		   mi * 60 + sec - off;
	if (ret_nsec)
		*ret_nsec = ns;
	if (ret_frac) {
		*ret_frac = frac;
		*ret_nfrac = nfrac;
	}
	return 0;
}

int isms_date_parse(const char *s, int64_t *ret_sec, uint32_t *ret_nsec)
{
	return parse(s, ret_sec, ret_nsec, NULL, NULL);
}

/* 1900-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
#define MIN_SEC (-2208988800LL)
#define MAX_SEC 253402300799LL

int isms_date_canon(const char *s, char *out, size_t len)
{
	const char *frac;
	size_t nfrac, n;
	char buf[ISMS_DATE_MAX];
	int64_t sec;
	int r = parse(s, &sec, NULL, &frac, &nfrac);

	if (r < 0)
		return r;
	if (sec < MIN_SEC || sec > MAX_SEC)
		return -EINVAL;
	isms_date_format(sec, buf, sizeof(buf));
	n = strlen(buf) - 1; /* without the Z */
	if (nfrac) {
		buf[n++] = '.';
		memcpy(buf + n, frac, nfrac);
		n += nfrac;
	}
	buf[n++] = 'Z';
	buf[n] = '\0';
	if (n + 1 > len)
		return -ENOSPC;
	memcpy(out, buf, n + 1);
	return 0;
}

/* gmtime_r fails for years an int cannot hold and then leaves @tm as it was;
 * a strftime that does not fit leaves @buf undefined: "" for both. */
static void format(int64_t sec, bool day, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (!len)
		return;
	if (!gmtime_r(&t, &tm) || !strftime(buf, len, day ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = '\0';
}

void isms_date_format(int64_t sec, char *buf, size_t len)
{
	format(sec, false, buf, len);
}

void isms_date_day(int64_t sec, char buf[11])
{
	format(sec, true, buf, 11);
}
