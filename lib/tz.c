/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TZif (RFC 8536) reading and POSIX TZ rules: enough to tell the local
 * weekday and time of day in a named zone without touching process state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/tz.h"

#define TZIF_MAX (256u << 10)

struct posix_rule {
	int month, week, wday; /* Mm.w.d */
	int32_t time;          /* seconds after local midnight */
};

struct isms_tz {
	char name[64];
	size_t n;
	int64_t *trans;  /* transition times, ascending */
	int32_t *offs;   /* offset in force from trans[i] on */
	int32_t first;   /* offset before the first transition */
	bool has_rule;   /* footer: std/dst rule for times after the last transition */
	int32_t std_off, dst_off;
	struct posix_rule start, end;
};

static int64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/*
 * At most @max decimal digits at *@s into *@ret; false when there are none
 * or more.  Every field of a rule is short (hours are at most 167, RFC 8536):
 * a longer number is refused rather than summed until an int overflows.
 */
static bool small_num(const char **s, int max, int *ret)
{
	const char *p = *s;
	int v = 0, n = 0;

	while (isdigit((unsigned char)*p)) {
		if (++n > max)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	if (n == 0)
		return false;
	*s = p;
	*ret = v;
	return true;
}

/* [+-]hh[:mm[:ss]] -> seconds */
static const char *parse_hms(const char *s, int32_t *ret)
{
	int sign = 1, h = 0, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!small_num(&s, 3, &h))
		return NULL;
	if (*s == ':') {
		s++;
		if (!small_num(&s, 2, &m))
			return NULL;
		if (*s == ':') {
			s++;
			if (!small_num(&s, 2, &sec))
				return NULL;
		}
	}
	if (h > 167 || m > 59 || sec > 59)
		return NULL;
	*ret = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *parse_abbr(const char *s)
{
	if (*s == '<') {
		while (*s && *s != '>')
			s++;
		return *s ? s + 1 : NULL;
	}
	if (!isalpha((unsigned char)*s))
		return NULL;
	while (isalpha((unsigned char)*s))
		s++;
	return s;
}

static const char *parse_mrule(const char *s, struct posix_rule *r)
{
	if (*s++ != 'M')
		return NULL; /* Jn and n forms are not used by current tzdata */
	if (!small_num(&s, 2, &r->month) || *s++ != '.' || !small_num(&s, 1, &r->week) ||
	    *s++ != '.' || !small_num(&s, 1, &r->wday))
		return NULL;
	if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->wday > 6)
		return NULL;
	r->time = 7200;
	if (*s == '/') {
		s = parse_hms(s + 1, &r->time);
		if (!s)
			return NULL;
	}
	return s;
}

static int parse_posix(const char *s, struct isms_tz *tz)
{
	int32_t off;

	s = parse_abbr(s);
	if (!s || !(s = parse_hms(s, &off)))
		return -EINVAL;
	tz->std_off = -off; /* POSIX offsets are west-positive */
	tz->dst_off = tz->std_off;
	if (!*s) {
		tz->has_rule = true;
		return 0;
	}
	s = parse_abbr(s);
	if (!s)
		return -EINVAL;
	tz->dst_off = tz->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = parse_hms(s, &off)))
			return -EINVAL;
		tz->dst_off = -off;
	}
	if (*s != ',' || !(s = parse_mrule(s + 1, &tz->start)) || *s != ',' ||
	    !(s = parse_mrule(s + 1, &tz->end)) || *s)
		return -EINVAL;
	tz->has_rule = true;
	return 0;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* UTC time at which rule @r fires in year @y, given the offset before it. */
static int64_t rule_time(const struct posix_rule *r, int64_t y, int32_t off_before)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t first = days_from_civil(y, r->month, 1);
	int wday_first = (int)((floordiv(first, 1) % 7 + 7 + 4) % 7); /* 1970-01-01 was Thursday */
	int day = 1 + (r->wday - wday_first + 7) % 7 + (r->week - 1) * 7;
	int dim = mdays[r->month - 1] + (r->month == 2 && leap(y));

	while (day > dim)
		day -= 7;
	return (days_from_civil(y, r->month, day)) * 86400 + r->time - off_before;
}

static int32_t rule_offset(const struct isms_tz *tz, int64_t t)
{
	int64_t y;
	int m, d;
	int64_t s, e;

	if (tz->std_off == tz->dst_off)
		return tz->std_off;
	civil_from_days(floordiv(t + tz->std_off, 86400), &y, &m, &d);
	s = rule_time(&tz->start, y, tz->std_off);
	e = rule_time(&tz->end, y, tz->dst_off);
	if (s < e)
		return t >= s && t < e ? tz->dst_off : tz->std_off;
	return t >= e && t < s ? tz->std_off : tz->dst_off; /* southern hemisphere */
}

int32_t isms_tz_offset(const struct isms_tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->n;

	if (tz->n == 0 || t < tz->trans[0])
		return tz->n == 0 && tz->has_rule ? rule_offset(tz, t) : tz->first;
	if (t >= tz->trans[tz->n - 1] && tz->has_rule)
		return rule_offset(tz, t);
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[lo];
}

void isms_tz_local(const struct isms_tz *tz, int64_t t, int *ret_wday, int *ret_minute)
{
	int64_t local = t + isms_tz_offset(tz, t);
	int64_t days = floordiv(local, 86400);

	*ret_wday = (int)(((days % 7) + 7 + 4) % 7);
	*ret_minute = (int)((local - days * 86400) / 60);
}

const char *isms_tz_name(const struct isms_tz *tz)
{
	return tz->name;
}

struct isms_tz *isms_tz_free(struct isms_tz *tz)
{
	if (tz) {
		free(tz->trans);
		free(tz->offs);
		free(tz);
	}
	return NULL;
}

int isms_tz_from_posix(const char *rule, struct isms_tz **ret)
{
	struct isms_tz *tz = calloc(1, sizeof(*tz));

	if (!tz)
		return -ENOMEM;
	snprintf(tz->name, sizeof(tz->name), "%s", rule);
	if (parse_posix(rule, tz) < 0) {
		isms_tz_free(tz);
		return -EINVAL;
	}
	tz->first = tz->std_off;
	*ret = tz;
	return 0;
}

static bool name_ok(const char *name)
{
	/* A zone name, never a path out of the database. */
	if (!name[0] || name[0] == '/' || strlen(name) >= 64 || strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_-+", *p))
			return false;
	return true;
}

static int parse_tzif(const unsigned char *b, size_t len, struct isms_tz *tz)
{
	size_t off = 0, tsz = 4;
	int64_t cnt[6];
	bool v2;

	if (len < 44 || memcmp(b, "TZif", 4) != 0)
		return -EINVAL;
	v2 = b[4] >= '2';
	for (int pass = 0; pass < 2; pass++) {
		size_t need;

		if (len - off < 44 || memcmp(b + off, "TZif", 4) != 0)
			return -EINVAL;
		for (int i = 0; i < 6; i++)
			cnt[i] = be(b + off + 20 + 4 * i, 4);
		for (int i = 0; i < 6; i++)
			if (cnt[i] < 0 || cnt[i] > 100000)
				return -EINVAL;
		/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
		need = 44 + (size_t)cnt[3] * tsz + (size_t)cnt[3] + (size_t)cnt[4] * 6 +
		       (size_t)cnt[5] + (size_t)cnt[2] * (tsz + 4) + (size_t)cnt[1] + (size_t)cnt[0];
		if (len - off < need)
			return -EINVAL;
		if (pass == 0 && v2) {
			off += need;
			tsz = 8;
			continue;
		}
		{
			const unsigned char *times = b + off + 44;
			const unsigned char *idx = times + cnt[3] * (int64_t)tsz;
			const unsigned char *types = idx + cnt[3];
			size_t n = (size_t)cnt[3];

			if (cnt[4] < 1)
				return -EINVAL;
			tz->trans = calloc(n ? n : 1, sizeof(*tz->trans));
			tz->offs = calloc(n ? n : 1, sizeof(*tz->offs));
			if (!tz->trans || !tz->offs)
				return -ENOMEM;
			tz->first = (int32_t)be(types, 4);
			/* Before the first transition: the first standard-time type. */
			for (int64_t k = 0; k < cnt[4]; k++) {
				if (!types[k * 6 + 4]) {
					tz->first = (int32_t)be(types + k * 6, 4);
					break;
				}
			}
			for (size_t i = 0; i < n; i++) {
				if (idx[i] >= cnt[4])
					return -EINVAL;
				tz->trans[i] = be(times + i * tsz, (int)tsz);
				tz->offs[i] = (int32_t)be(types + idx[i] * 6, 4);
				if (i && tz->trans[i] <= tz->trans[i - 1])
					return -EINVAL;
			}
			tz->n = n;
			off += need;
		}
		if (v2 && off < len && b[off] == '\n') {
			char footer[128];
			size_t k = 0;

			off++;
			while (off < len && b[off] != '\n' && k < sizeof(footer) - 1)
				footer[k++] = (char)b[off++];
			footer[k] = '\0';
			if (k && parse_posix(footer, tz) < 0)
				tz->has_rule = false; /* keep the table; beyond it, the last offset */
		}
		break;
	}
	return 0;
}

int isms_tz_from_tzif(const char *name, const void *buf, size_t len, struct isms_tz **ret)
{
	struct isms_tz *tz;
	int r;

	if (len > TZIF_MAX)
		return -EFBIG;
	tz = calloc(1, sizeof(*tz));
	if (!tz)
		return -ENOMEM;
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	r = parse_tzif(buf, len, tz);
	if (r < 0) {
		isms_tz_free(tz);
		return r;
	}
	*ret = tz;
	return 0;
}

int isms_tz_load(const char *dir, const char *name, struct isms_tz **ret)
{
	char path[512];
	char *buf = NULL;
	size_t len = 0;
	int r;

	if (!name_ok(name))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/usr/share/zoneinfo", name);
	r = isms_read_file(path, TZIF_MAX, &buf, &len);
	if (r < 0)
		return r;
	r = isms_tz_from_tzif(name, buf, len, ret);
	free(buf);
	return r;
}
