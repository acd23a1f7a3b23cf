/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small pure helpers for parsing and checking values. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

bool isms_streq_dash(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = (char)tolower((unsigned char)*a);

		if (ca == '-')
			ca = '_';
		if (ca != *b)
			return false;
	}
	return *a == *b;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool isms_date_valid(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, max;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
	    !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return false;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

int isms_parse_int64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int isms_parse_cents(const char *s, int64_t *ret)
{
	const char *dot = strchr(s, '.');
	size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
	size_t flen = dot ? strlen(dot + 1) : 0;
	int64_t units = 0, frac = 0;

	if (ilen == 0 || ilen > 12 || !all_digits(s, ilen))
		return -EINVAL;
	if (dot && (flen == 0 || flen > 2 || !all_digits(dot + 1, flen)))
		return -EINVAL;
	for (size_t i = 0; i < ilen; i++)
		units = units * 10 + (s[i] - '0');
	for (size_t i = 0; i < flen; i++)
		frac = frac * 10 + (dot[1 + i] - '0');
	if (flen == 1)
		frac *= 10;
	*ret = units * 100 + frac;
	return 0;
}

int isms_parse_bool(const char *s)
{
	static const char *const yes[] = {"yes", "y", "true", "1", "on"};
	static const char *const no[] = {"no", "n", "false", "0", "off"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -EINVAL;
}

bool isms_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p;
		int n;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				return false;
			p++;
			continue;
		}
		/* C1 controls (U+0080-U+009F): a terminal takes U+009B as CSI. */
		if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return false;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return false;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		/* overlong three-byte, surrogates, beyond U+10FFFF */
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
		    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return false;
		p += n + 1;
	}
	return true;
}

void isms_format_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
