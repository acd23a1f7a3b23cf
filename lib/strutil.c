/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small pure helpers for parsing and checking values. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/strutil.h"

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
