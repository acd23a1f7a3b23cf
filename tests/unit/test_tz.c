/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time zones without process state: TZif tables, the POSIX footer rule past
 * their end, hand-written POSIX rules, local weekday and minute, and files
 * and names that must be refused.  glibc's localtime_r() (steered through TZ,
 * which a test may do) serves as the independent oracle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "isms/tz.h"

#define ZONEINFO "/usr/share/zoneinfo"

/* A sentinel: failed loads must leave *ret alone. */
static struct isms_tz *const UNTOUCHED = (struct isms_tz *)&UNTOUCHED;

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = s};

	return (int64_t)timegm(&tm);
}

static bool have_zone(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), ZONEINFO "/%s", name);
	return access(path, R_OK) == 0;
}

static struct isms_tz *load(const char *name)
{
	struct isms_tz *tz = NULL;
	int r;

	if (!have_zone(name)) {
		print_message("# zone '%s' not installed\n", name);
		skip();
	}
	r = isms_tz_load(NULL, name, &tz);
	if (r < 0)
		fail_msg("cannot load '%s': %s", name, strerror(-r));
	assert_non_null(tz);
	assert_string_equal(isms_tz_name(tz), name);
	return tz;
}

static struct isms_tz *posix(const char *rule)
{
	struct isms_tz *tz = NULL;
	int r = isms_tz_from_posix(rule, &tz);

	if (r < 0)
		fail_msg("cannot parse '%s': %s", rule, strerror(-r));
	return tz;
}

static void read_all(const char *path, unsigned char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	*ret = malloc((size_t)n);
	assert_non_null(*ret);
	assert_int_equal(fread(*ret, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
}

static void write_all(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	if (len)
		assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Assert the offset at an instant, naming the instant on failure. */
#define assert_offset(tz, t, want)                                                          \
	do {                                                                                \
		int64_t t_ = (t);                                                           \
		int32_t got_ = isms_tz_offset((tz), t_);                                    \
		if (got_ != (want))                                                         \
			fail_msg("%s at %lld: offset %d, want %d", isms_tz_name(tz),        \
				 (long long)t_, (int)got_, (int)(want));                    \
	} while (0)

/* The switch at @t: one second before it @before, at it @after. */
static void assert_switch(const struct isms_tz *tz, int64_t t, int32_t before, int32_t after)
{
	assert_offset(tz, t - 1, before);
	assert_offset(tz, t, after);
	assert_offset(tz, t + 1, after);
}

static void t_berlin(void **state)
{
	struct isms_tz *tz = load("Europe/Berlin");

	(void)state;
	assert_offset(tz, utc(2026, 1, 15, 12, 0, 0), 3600);
	assert_offset(tz, utc(2026, 7, 15, 12, 0, 0), 7200);
	assert_switch(tz, utc(2026, 3, 29, 1, 0, 0), 3600, 7200);
	assert_switch(tz, utc(2026, 10, 25, 1, 0, 0), 7200, 3600);
	/* Before the first transition (1893): local mean time, +0:53:28. */
	assert_offset(tz, utc(1850, 1, 1, 0, 0, 0), 3208);
	/* Double summer time in 1945, +3h. */
	assert_offset(tz, utc(1945, 6, 1, 12, 0, 0), 10800);
	isms_tz_free(tz);
}

static void t_utc(void **state)
{
	struct isms_tz *tz = load("UTC");

	(void)state;
	assert_offset(tz, 0, 0);
	assert_offset(tz, utc(2026, 7, 15, 12, 0, 0), 0);
	assert_offset(tz, utc(2100, 7, 15, 12, 0, 0), 0);
	assert_offset(tz, utc(1900, 1, 1, 0, 0, 0), 0);
	isms_tz_free(tz);
}

static void t_new_york(void **state)
{
	struct isms_tz *tz = load("America/New_York");

	(void)state;
	assert_offset(tz, utc(2026, 1, 15, 12, 0, 0), -18000);
	assert_offset(tz, utc(2026, 7, 15, 12, 0, 0), -14400);
	assert_switch(tz, utc(2026, 3, 8, 7, 0, 0), -18000, -14400);
	assert_switch(tz, utc(2026, 11, 1, 6, 0, 0), -14400, -18000);
	isms_tz_free(tz);
}

static void t_sydney_southern(void **state)
{
	struct isms_tz *tz = load("Australia/Sydney");

	(void)state;
	/* Summer is January down under. */
	assert_offset(tz, utc(2026, 1, 15, 12, 0, 0), 39600);
	assert_offset(tz, utc(2026, 7, 15, 12, 0, 0), 36000);
	assert_switch(tz, utc(2026, 4, 4, 16, 0, 0), 39600, 36000);
	assert_switch(tz, utc(2026, 10, 3, 16, 0, 0), 36000, 39600);
	/* New Year's Eve in UTC is already daylight time in Sydney. */
	assert_offset(tz, utc(2026, 12, 31, 23, 59, 59), 39600);
	assert_offset(tz, utc(2027, 1, 1, 0, 0, 0), 39600);
	isms_tz_free(tz);
}

/* Past the table (2037 in these files) only the footer rule knows. */
static void t_footer_rule_2100(void **state)
{
	struct isms_tz *be = load("Europe/Berlin");
	struct isms_tz *ny = load("America/New_York");
	struct isms_tz *sy = load("Australia/Sydney");

	(void)state;
	assert_offset(be, utc(2100, 1, 15, 12, 0, 0), 3600);
	assert_offset(be, utc(2100, 7, 15, 12, 0, 0), 7200);
	assert_switch(be, utc(2100, 3, 28, 1, 0, 0), 3600, 7200);
	assert_switch(be, utc(2100, 10, 31, 1, 0, 0), 7200, 3600);
	assert_switch(ny, utc(2100, 3, 14, 7, 0, 0), -18000, -14400);
	assert_switch(ny, utc(2100, 11, 7, 6, 0, 0), -14400, -18000);
	assert_offset(sy, utc(2100, 1, 15, 12, 0, 0), 39600);
	assert_offset(sy, utc(2100, 7, 15, 12, 0, 0), 36000);
	assert_switch(sy, utc(2100, 4, 3, 16, 0, 0), 39600, 36000);
	assert_switch(sy, utc(2100, 10, 2, 16, 0, 0), 36000, 39600);
	/* Right after the last transition of the table, and the first switch after it. */
	assert_offset(be, utc(2037, 12, 1, 0, 0, 0), 3600);
	assert_switch(be, utc(2038, 3, 28, 1, 0, 0), 3600, 7200);
	assert_switch(be, utc(2038, 10, 31, 1, 0, 0), 7200, 3600);
	isms_tz_free(be);
	isms_tz_free(ny);
	isms_tz_free(sy);
}

/* Every 6 hours of 2026-2030, and each second around each switch, rule and table agree. */
static void compare_rule(const char *zone, const char *rule)
{
	struct isms_tz *file = load(zone);
	struct isms_tz *rul = posix(rule);
	int64_t from = utc(2026, 1, 1, 0, 0, 0), to = utc(2031, 1, 1, 0, 0, 0);
	int switches = 0;

	for (int64_t t = from; t < to; t += 6 * 3600) {
		int32_t a = isms_tz_offset(file, t), b = isms_tz_offset(rul, t);

		if (a != b)
			fail_msg("%s vs '%s' at %lld: %d != %d", zone, rule, (long long)t, a, b);
		if (isms_tz_offset(file, t + 6 * 3600) != a) {
			/* A switch in this interval: find it and compare around it. */
			int64_t lo = t, hi = t + 6 * 3600;

			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;

				if (isms_tz_offset(file, mid) == a)
					lo = mid;
				else
					hi = mid;
			}
			assert_offset(rul, hi - 1, isms_tz_offset(file, hi - 1));
			assert_offset(rul, hi, isms_tz_offset(file, hi));
			switches++;
		}
	}
	/* Two switches a year, five years: the loop really crossed them. */
	assert_int_equal(switches, 10);
	isms_tz_free(file);
	isms_tz_free(rul);
}

static void t_posix_agrees_with_tzif(void **state)
{
	(void)state;
	compare_rule("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3");
	compare_rule("America/New_York", "EST5EDT,M3.2.0,M11.1.0");
	compare_rule("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3");
	compare_rule("Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
	compare_rule("America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
	compare_rule("Europe/Dublin", "IST-1GMT0,M10.5.0,M3.5.0/1");
}

static void t_posix_forms(void **state)
{
	struct isms_tz *tz;
	int64_t jan = utc(2026, 1, 15, 12, 0, 0), jul = utc(2026, 7, 15, 12, 0, 0);

	(void)state;
	tz = posix("UTC0");
	assert_offset(tz, jan, 0);
	assert_offset(tz, jul, 0);
	isms_tz_free(tz);
	tz = posix("EST5");
	assert_offset(tz, jul, -18000);
	isms_tz_free(tz);
	tz = posix("<+0330>-3:30");
	assert_offset(tz, jan, 12600);
	isms_tz_free(tz);
	tz = posix("<-03>3");
	assert_offset(tz, jul, -10800);
	isms_tz_free(tz);
	/* DST without an explicit offset is one hour ahead of standard time. */
	tz = posix("CET-1CEST,M3.5.0,M10.5.0/3");
	assert_offset(tz, jan, 3600);
	assert_offset(tz, jul, 7200);
	/* The rule's default switch time is 02:00 local. */
	assert_switch(tz, utc(2027, 3, 28, 1, 0, 0), 3600, 7200);
	isms_tz_free(tz);
	/* Week 5 means the last such weekday, also in a month with only four. */
	tz = posix("XST0XDT,M2.5.0,M11.5.0");
	assert_switch(tz, utc(2026, 2, 22, 2, 0, 0), 0, 3600);
	assert_switch(tz, utc(2026, 11, 29, 1, 0, 0), 3600, 0);
	isms_tz_free(tz);
}

static void t_posix_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"CET",
		"-1",
		"CET-1CEST",                      /* DST without rules */
		"CET-1CEST,M3.5.0",               /* no end rule */
		"CET-1CEST,M3.5.0,",              /* empty end rule */
		"CET-1CEST,J60,M10.5.0",          /* Julian days: not supported, so refused */
		"CET-1CEST,M13.5.0,M10.5.0",      /* month 13 */
		"CET-1CEST,M3.6.0,M10.5.0",       /* week 6 */
		"CET-1CEST,M3.5.7,M10.5.0",       /* weekday 7 */
		"CET-1CEST,M3.5.0,M10.5.0/3x",    /* trailing garbage */
		"CET-1CEST,M3.5.0,M10.5.0/",      /* empty time */
		"CET-200",                        /* hours out of range */
		"CET-1:60",                       /* minutes out of range */
		"<CET-1",                         /* unterminated <abbr> */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isms_tz *tz = UNTOUCHED;
		int r = isms_tz_from_posix(bad[i], &tz);

		if (r != -EINVAL)
			fail_msg("'%s': %d, want -EINVAL", bad[i], r);
		assert_ptr_equal(tz, UNTOUCHED);
	}
}

/*
 * Numbers too long for an int in any field of a rule: each must be refused,
 * not summed until the int overflows (undefined; UBSan stops here) or wraps
 * into a value that looks valid ("M4294967299" read as month 3).
 */
static void t_posix_overflow(void **state)
{
	static const char *const bad[] = {
		"CET-99999999999999999999",                  /* hours */
		"CET-4294967297",                            /* hours that wrap to 1 */
		"CET-1:99999999999999999999",                /* minutes */
		"CET-1:00:99999999999999999999",             /* seconds */
		"CET-1CEST-99999999999999999999,M3.5.0,M10.5.0", /* DST offset */
		"CET-1CEST,M3.5.0/99999999999999999999,M10.5.0", /* rule time */
		"CET-1CEST,M4294967299.5.0,M10.5.0",         /* month that wraps to 3 */
		"CET-1CEST,M3.4294967301.0,M10.5.0",         /* week that wraps to 5 */
		"CET-1CEST,M3.5.4294967296,M10.5.0",         /* weekday that wraps to 0 */
		"CET-0000000000000000000001",                /* leading zeros: still too long */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isms_tz *tz = UNTOUCHED;
		int r = isms_tz_from_posix(bad[i], &tz);

		if (r != -EINVAL)
			fail_msg("'%s': %d, want -EINVAL", bad[i], r);
		assert_ptr_equal(tz, UNTOUCHED);
	}
}

static void t_local(void **state)
{
	struct isms_tz *be = load("Europe/Berlin");
	struct isms_tz *u = load("UTC");
	int wday = -1, min = -1;

	(void)state;
	/* 2026-01-15 is a Thursday; 12:00Z is 13:00 CET. */
	isms_tz_local(be, utc(2026, 1, 15, 12, 0, 0), &wday, &min);
	assert_int_equal(wday, 4);
	assert_int_equal(min, 13 * 60);
	/* 2026-07-15 is a Wednesday; 12:00Z is 14:00 CEST. */
	isms_tz_local(be, utc(2026, 7, 15, 12, 0, 0), &wday, &min);
	assert_int_equal(wday, 3);
	assert_int_equal(min, 14 * 60);
	/* Thursday 23:30Z is already Friday 00:30 in Berlin. */
	isms_tz_local(be, utc(2026, 1, 15, 23, 30, 0), &wday, &min);
	assert_int_equal(wday, 5);
	assert_int_equal(min, 30);
	/* Seconds do not round up. */
	isms_tz_local(u, utc(2026, 1, 18, 23, 59, 59), &wday, &min);
	assert_int_equal(wday, 0);
	assert_int_equal(min, 1439);
	/* Before the epoch the day still starts at midnight: 1969-12-31 was a Wednesday. */
	isms_tz_local(u, -60, &wday, &min);
	assert_int_equal(wday, 3);
	assert_int_equal(min, 1439);
	isms_tz_local(u, -86400 * 4, &wday, &min);
	assert_int_equal(wday, 0);
	assert_int_equal(min, 0);
	isms_tz_free(be);
	isms_tz_free(u);
}

/* Against glibc over 1850-2150 for zones with odd rules: half hours, negative DST, etc. */
static void t_matches_libc(void **state)
{
	static const char *const zones[] = {
		"Europe/Berlin",    "America/New_York", "Australia/Sydney", "UTC",
		"Asia/Kolkata",     "Australia/Lord_Howe", "America/Nuuk", "Pacific/Chatham",
		"America/Sao_Paulo", "Africa/Casablanca", "Europe/Dublin", "Antarctica/Troll",
		"Europe/London",    "Pacific/Apia",      "Asia/Tehran",
	};
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	int64_t from = utc(1850, 1, 1, 0, 0, 0), to = utc(2150, 1, 1, 0, 0, 0);
	size_t checked = 0;

	(void)state;
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		struct isms_tz *tz = NULL;
		char env[128];

		if (!have_zone(zones[z]))
			continue;
		assert_int_equal(isms_tz_load(ZONEINFO, zones[z], &tz), 0);
		snprintf(env, sizeof(env), ":%s/%s", ZONEINFO, zones[z]);
		setenv("TZ", env, 1);
		tzset();
		/* An odd step, so that the instants drift through every hour and minute. */
		for (int64_t t = from; t < to; t += 7 * 3600 + 1777) {
			time_t tt = (time_t)t;
			struct tm tm;
			int wday, min;

			assert_non_null(localtime_r(&tt, &tm));
			if (isms_tz_offset(tz, t) != tm.tm_gmtoff)
				fail_msg("%s at %lld: %d, libc says %ld", zones[z], (long long)t,
					 isms_tz_offset(tz, t), tm.tm_gmtoff);
			isms_tz_local(tz, t, &wday, &min);
			if (wday != tm.tm_wday || min != tm.tm_hour * 60 + tm.tm_min)
				fail_msg("%s at %lld: day %d minute %d, libc says %d %d", zones[z],
					 (long long)t, wday, min, tm.tm_wday,
					 tm.tm_hour * 60 + tm.tm_min);
			checked++;
		}
		isms_tz_free(tz);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	assert_true(checked > 100000);
}

static void t_missing(void **state)
{
	struct isms_tz *tz = UNTOUCHED;
	char *dir = tu_tmpdir();

	(void)state;
	assert_int_equal(isms_tz_load(NULL, "Mars/Olympus", &tz), -ENOENT);
	assert_ptr_equal(tz, UNTOUCHED);
	/* A directory of its own has none of the system's zones. */
	assert_int_equal(isms_tz_load(dir, "Europe/Berlin", &tz), -ENOENT);
	assert_ptr_equal(tz, UNTOUCHED);
	assert_int_equal(isms_tz_load("/nonexistent-zoneinfo", "UTC", &tz), -ENOENT);
	tu_rm_rf(dir);
	free(dir);
}

static void t_bad_names(void **state)
{
	static const char *const bad[] = {
		"",
		"/etc/localtime",
		"../etc/passwd",
		"../../../../etc/passwd",
		"Europe/../../../etc/passwd",
		"Europe/..",
		"..",
		"Europe/Ber lin",
		"Europe/Berlin\n",
		"Europe/Berlin;rm",
		"Europe\\Berlin",
		"zone.tab",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isms_tz *tz = UNTOUCHED;
		int r = isms_tz_load(NULL, bad[i], &tz);

		if (r != -EINVAL)
			fail_msg("name '%s': %d, want -EINVAL", bad[i], r);
		assert_ptr_equal(tz, UNTOUCHED);
	}
}

/* A directory, or a file that is not TZif, is not a zone. */
static void t_not_tzif(void **state)
{
	struct isms_tz *tz = UNTOUCHED;
	char *dir = tu_tmpdir();
	char *sub = tu_path(dir, "Europe");
	char *f = tu_path(dir, "Text");

	(void)state;
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(isms_tz_load(dir, "Europe", &tz), -EINVAL);
	write_all(f, "CET-1CEST,M3.5.0,M10.5.0/3\n", 27);
	assert_int_equal(isms_tz_load(dir, "Text", &tz), -EINVAL);
	write_all(f, "", 0);
	assert_int_equal(isms_tz_load(dir, "Text", &tz), -EINVAL);
	assert_ptr_equal(tz, UNTOUCHED);
	tu_rm_rf(dir);
	free(sub);
	free(f);
	free(dir);
}

/* Every cut of Berlin's file inside its data is refused; a cut footer only loses the rule. */
static void t_truncated(void **state)
{
	unsigned char *b;
	size_t len, data_end;
	char *dir = tu_tmpdir();
	char *f = tu_path(dir, "Cut");
	struct isms_tz *tz;

	(void)state;
	if (!have_zone("Europe/Berlin"))
		skip();
	read_all(ZONEINFO "/Europe/Berlin", &b, &len);
	/* The footer is the last line: "\nCET-1CEST,...\n". */
	assert_int_equal(b[len - 1], '\n');
	data_end = len - 2;
	while (b[data_end] != '\n')
		data_end--;
	for (size_t cut = 0; cut < data_end; cut++) {
		tz = UNTOUCHED;
		write_all(f, b, cut);
		if (isms_tz_load(dir, "Cut", &tz) != -EINVAL)
			fail_msg("cut at %zu of %zu loaded", cut, len);
		assert_ptr_equal(tz, UNTOUCHED);
	}
	/* Without the footer, or with half of it, the table still holds until 2037. */
	for (size_t cut = data_end; cut < len; cut++) {
		tz = NULL;
		write_all(f, b, cut);
		if (isms_tz_load(dir, "Cut", &tz) != 0)
			fail_msg("cut at %zu in the footer refused", cut);
		assert_offset(tz, utc(2026, 7, 15, 12, 0, 0), 7200);
		assert_offset(tz, utc(2026, 1, 15, 12, 0, 0), 3600);
		isms_tz_free(tz);
	}
	free(b);
	tu_rm_rf(dir);
	free(f);
	free(dir);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Damaged headers and tables in a copy of Berlin's file. */
static void t_corrupt(void **state)
{
	unsigned char *b, *c;
	size_t len, v2;
	uint32_t timecnt, typecnt;
	char *dir = tu_tmpdir();
	char *f = tu_path(dir, "Bad");
	struct isms_tz *tz = UNTOUCHED;

	(void)state;
	if (!have_zone("Europe/Berlin"))
		skip();
	read_all(ZONEINFO "/Europe/Berlin", &b, &len);
	c = malloc(len);
	assert_non_null(c);
	/* Offset of the version 2 header: after the version 1 block. */
	{
		uint32_t n[6];

		for (int i = 0; i < 6; i++)
			n[i] = (uint32_t)b[20 + 4 * i] << 24 | (uint32_t)b[21 + 4 * i] << 16 |
			       (uint32_t)b[22 + 4 * i] << 8 | b[23 + 4 * i];
		v2 = 44 + n[3] * 5 + n[4] * 6 + n[5] + n[2] * 8 + n[1] + n[0];
		timecnt = n[3];
		typecnt = n[4];
	}
	assert_memory_equal(b + v2, "TZif", 4);

	/* Bad magic. */
	memcpy(c, b, len);
	c[0] = 'X';
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	/* Bad magic of the second header. */
	memcpy(c, b, len);
	c[v2 + 1] = 'X';
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	/* A count with the top bit set, and a huge one. */
	memcpy(c, b, len);
	put32(c + v2 + 20 + 12, 0x80000010u);
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	memcpy(c, b, len);
	put32(c + v2 + 20 + 12, 0x7fffffffu);
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	/* No types at all. */
	memcpy(c, b, len);
	put32(c + v2 + 20 + 16, 0);
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	/* A transition pointing past the types. */
	memcpy(c, b, len);
	c[v2 + 44 + timecnt * 8 + 5] = (unsigned char)typecnt;
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	/* Transitions out of order: swap two neighbours' times. */
	memcpy(c, b, len);
	memcpy(c + v2 + 44 + 10 * 8, b + v2 + 44 + 11 * 8, 8);
	memcpy(c + v2 + 44 + 11 * 8, b + v2 + 44 + 10 * 8, 8);
	write_all(f, c, len);
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), -EINVAL);
	assert_ptr_equal(tz, UNTOUCHED);

	/* A garbled footer loses the rule, never the table. */
	memcpy(c, b, len);
	memcpy(c + len - 10, "XXXXXXXXX", 9);
	write_all(f, c, len);
	tz = NULL;
	assert_int_equal(isms_tz_load(dir, "Bad", &tz), 0);
	assert_offset(tz, utc(2026, 7, 15, 12, 0, 0), 7200);
	isms_tz_free(tz);

	free(b);
	free(c);
	tu_rm_rf(dir);
	free(f);
	free(dir);
}

/* A version 1 file: only the 32-bit table, no footer. */
static void t_version1(void **state)
{
	unsigned char *b;
	size_t len, v2;
	uint32_t n[6];
	char *dir = tu_tmpdir();
	char *f = tu_path(dir, "Old");
	struct isms_tz *tz = NULL;

	(void)state;
	if (!have_zone("Europe/Berlin"))
		skip();
	read_all(ZONEINFO "/Europe/Berlin", &b, &len);
	for (int i = 0; i < 6; i++)
		n[i] = (uint32_t)b[20 + 4 * i] << 24 | (uint32_t)b[21 + 4 * i] << 16 |
		       (uint32_t)b[22 + 4 * i] << 8 | b[23 + 4 * i];
	v2 = 44 + n[3] * 5 + n[4] * 6 + n[5] + n[2] * 8 + n[1] + n[0];
	b[4] = '\0';
	write_all(f, b, v2);
	assert_int_equal(isms_tz_load(dir, "Old", &tz), 0);
	assert_offset(tz, utc(2026, 1, 15, 12, 0, 0), 3600);
	assert_switch(tz, utc(2026, 3, 29, 1, 0, 0), 3600, 7200);
	assert_switch(tz, utc(2026, 10, 25, 1, 0, 0), 7200, 3600);
	isms_tz_free(tz);
	free(b);
	tu_rm_rf(dir);
	free(f);
	free(dir);
}

/*
 * A "slim" file (zic -b slim) has no table for the coming years, only the
 * footer; built by hand here: version 2, no transitions, one type.
 */
static void t_slim(void **state)
{
	static const char footer[] = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
	unsigned char b[256] = {0};
	size_t off = 0;
	char *dir = tu_tmpdir();
	char *f = tu_path(dir, "Slim");
	struct isms_tz *tz = NULL, *rule = posix("CET-1CEST,M3.5.0,M10.5.0/3");

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		memcpy(b + off, "TZif2", 5);
		put32(b + off + 20 + 16, 1); /* typecnt */
		put32(b + off + 20 + 20, 4); /* charcnt */
		off += 44;
		put32(b + off, 3600); /* ttinfo: +1h, not DST, abbr 0 */
		off += 6;
		memcpy(b + off, "CET", 4);
		off += 4;
	}
	memcpy(b + off, footer, sizeof(footer) - 1);
	off += sizeof(footer) - 1;
	write_all(f, b, off);
	assert_int_equal(isms_tz_load(dir, "Slim", &tz), 0);
	for (int64_t t = utc(2024, 1, 1, 0, 0, 0); t < utc(2028, 1, 1, 0, 0, 0); t += 3 * 3600 + 11)
		assert_offset(tz, t, isms_tz_offset(rule, t));
	assert_switch(tz, utc(2026, 3, 29, 1, 0, 0), 3600, 7200);
	isms_tz_free(tz);
	isms_tz_free(rule);
	tu_rm_rf(dir);
	free(f);
	free(dir);
}

static void t_free_null(void **state)
{
	(void)state;
	assert_null(isms_tz_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_berlin),
		cmocka_unit_test(t_utc),
		cmocka_unit_test(t_new_york),
		cmocka_unit_test(t_sydney_southern),
		cmocka_unit_test(t_footer_rule_2100),
		cmocka_unit_test(t_posix_agrees_with_tzif),
		cmocka_unit_test(t_posix_forms),
		cmocka_unit_test(t_posix_bad),
		cmocka_unit_test(t_posix_overflow),
		cmocka_unit_test(t_local),
		cmocka_unit_test(t_matches_libc),
		cmocka_unit_test(t_missing),
		cmocka_unit_test(t_bad_names),
		cmocka_unit_test(t_not_tzif),
		cmocka_unit_test(t_truncated),
		cmocka_unit_test(t_corrupt),
		cmocka_unit_test(t_version1),
		cmocka_unit_test(t_slim),
		cmocka_unit_test(t_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
