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

size_t isms_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t k;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong three- and four-byte forms, surrogates, beyond U+10FFFF */
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
		return 0;
	return k;
}

bool isms_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	while (left) {
		size_t k = isms_utf8_len(p, left);

		if (k == 0)
			return false;
		if (k == 1 && ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f))
			return false;
		/* C1 controls (U+0080-U+009F): a terminal takes U+009B as CSI. */
		if (isms_utf8_is_c1(p, k))
			return false;
		p += k;
		left -= k;
	}
	return true;
}

void isms_printable(const char *in, char *out, size_t len, bool keep_newline)
{
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t left = strlen((const char *)p), o = 0;

	while (left) {
		size_t k = isms_utf8_len(p, left);
		bool ok = k > 1 ? !isms_utf8_is_c1(p, k) :
			  k == 1 && ((*p >= 0x20 && *p != 0x7f) || (keep_newline && *p == '\n'));
		size_t w = ok ? k : 1;

		if (o + w >= len)
			break;
		if (ok)
			memcpy(out + o, p, k);
		else
			out[o] = '?';
		o += w;
		p += k ? k : 1;
		left -= k ? k : 1;
	}
	out[o] = '\0';
}

void isms_format_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
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

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int isms_parse_datetime(const char *s, int64_t *ret)
{
	char date[11];
	int h, mi, sec = 0, off = 0;
	const char *p;

	if (strlen(s) < 17 || (s[10] != 'T' && s[10] != ' '))
		return -EINVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!isms_date_valid(date))
		return -EINVAL;
	h = num(s + 11, 2);
	mi = num(s + 14, 2);
	if (s[13] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59)
		return -EINVAL;
	p = s + 16;
	if (*p == ':') {
		sec = num(p + 1, 2);
		if (sec < 0 || sec > 59)
			return -EINVAL;
		p += 3;
		if (*p == '.') /* fractions of a second are dropped */
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (p[0] == 'Z' && !p[1]) {
		off = 0;
	} else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = num(p + 1, 2), om = num(p + 4, 2);

		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return -EINVAL;
		off = (oh * 3600 + om * 60) * (p[0] == '-' ? -1 : 1);
	} else {
		return -EINVAL;
	}
	*ret = isms_days_from_civil(num(date, 4), (unsigned)num(date + 5, 2),
				    (unsigned)num(date + 8, 2)) * 86400 +
	       h * 3600 + mi * 60 + sec - off;
	return 0;
}

bool isms_path_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 4096 || s[0] != '/' || !isms_text_ok(s))
		return false;
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p))
			return false;
	for (const char *p = s; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || p[3] == '\0')
			return false;
	return true;
}
