/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure value helpers every field parser and the store rely on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/date.h"
#include "isms/strutil.h"
#include "testutil.h"

static void t_date_valid(void **state)
{
	(void)state;
	assert_true(isms_date_valid("2024-01-31"));
	assert_true(isms_date_valid("2024-12-31"));
	assert_true(isms_date_valid("1900-01-01"));
	assert_true(isms_date_valid("9999-12-31"));
	assert_true(isms_date_valid("2024-04-30"));
}

static void t_date_leap_years(void **state)
{
	(void)state;
	/* Divisible by 4: leap; by 100: not; by 400: leap again. */
	assert_true(isms_date_valid("2024-02-29"));
	assert_false(isms_date_valid("2023-02-29"));
	assert_false(isms_date_valid("2100-02-29"));
	assert_false(isms_date_valid("1900-02-29"));
	assert_true(isms_date_valid("2000-02-29"));
	assert_true(isms_date_valid("2023-02-28"));
	assert_false(isms_date_valid("2024-02-30"));
}

static void t_date_bad(void **state)
{
	static const char *const bad[] = {
		"",           "2024-1-01",   "2024-01-1",   "24-01-01",    "2024/01/01",
		"2024-01-01 ", " 2024-01-01", "2024-01-01T00:00:00Z", "2024-00-10",
		"2024-13-01", "2024-01-00",  "2024-01-32",  "2024-04-31",  "2024-06-31",
		"1899-12-31", "0000-01-01",  "abcd-ef-gh",  "2024-0a-01",  "+024-01-01",
		"2024--1-01", "2024-01-+1",  "20240101",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (isms_date_valid(bad[i]))
			fail_msg("'%s' accepted as a date", bad[i]);
	}
}

static void t_parse_cents(void **state)
{
	int64_t v = -1;

	(void)state;
	assert_int_equal(isms_parse_cents("1200", &v), 0);
	assert_int_equal(v, 120000);
	assert_int_equal(isms_parse_cents("1200.5", &v), 0);
	assert_int_equal(v, 120050);
	assert_int_equal(isms_parse_cents("1200.50", &v), 0);
	assert_int_equal(v, 120050);
	assert_int_equal(isms_parse_cents("1200.05", &v), 0);
	assert_int_equal(v, 120005);
	assert_int_equal(isms_parse_cents("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(isms_parse_cents("0.01", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(isms_parse_cents("999999999999.99", &v), 0);
	assert_int_equal(v, 99999999999999);
}

static void t_parse_cents_bad(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", "1.", ".5", "1.234", "1,50", "1.5.0", "abc", "1e3", " 1", "1 ",
		"1.-5", "0x10", "1000000000000", /* 13 digits: beyond the cap */
	};
	int64_t v = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (isms_parse_cents(bad[i], &v) != -EINVAL)
			fail_msg("'%s' accepted as an amount", bad[i]);
	}
	/* Out-params are set only on success. */
	assert_int_equal(v, 42);
}

static void t_parse_bool(void **state)
{
	static const char *const yes[] = {"yes", "YES", "y", "true", "True", "1", "on", "ON"};
	static const char *const no[] = {"no", "No", "n", "false", "FALSE", "0", "off", "Off"};
	static const char *const bad[] = {"", "2", "yess", "ye", "nope", "-1", " yes", "yes ",
					  "enabled"};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(isms_parse_bool(yes[i]), 1);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(isms_parse_bool(no[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (isms_parse_bool(bad[i]) != -EINVAL)
			fail_msg("'%s' accepted as a boolean", bad[i]);
	}
}

static void t_parse_int64(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(isms_parse_int64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(isms_parse_int64("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(isms_parse_int64("-17", &v), 0);
	assert_true(v == -17);
	assert_int_equal(isms_parse_int64("+5", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(isms_parse_int64("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(isms_parse_int64("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);
}

static void t_parse_int64_bad(void **state)
{
	static const char *const bad[] = {"", " 1", "1 ", "1x", "x1", "1.0", "-", "+", "0x10",
					  "1e3", "--1"};
	int64_t v = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (isms_parse_int64(bad[i], &v) != -EINVAL)
			fail_msg("'%s' accepted as a whole number", bad[i]);
	}
	assert_int_equal(isms_parse_int64("9223372036854775808", &v), -ERANGE);
	assert_int_equal(isms_parse_int64("-9223372036854775809", &v), -ERANGE);
	assert_int_equal(isms_parse_int64("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(v, 7);
}

static void t_text_ok_ascii(void **state)
{
	(void)state;
	assert_true(isms_text_ok(""));
	assert_true(isms_text_ok("plain text, with punctuation: ~!@#$%^&*()"));
	assert_true(isms_text_ok("tab\tand\nnewline"));
	assert_true(isms_text_ok("x'); DROP TABLE risk;--"));
}

static void t_text_ok_control(void **state)
{
	char one[2] = {0, 0};

	(void)state;
	assert_false(isms_text_ok("carriage\rreturn"));
	assert_false(isms_text_ok("escape \x1b[31m red"));
	assert_false(isms_text_ok("bell\a"));
	assert_false(isms_text_ok("del\x7f"));
	/* Every C0 control but tab and newline. */
	for (int c = 1; c < 0x20; c++) {
		one[0] = (char)c;
		if (isms_text_ok(one) != (c == '\t' || c == '\n'))
			fail_msg("control character %#x judged wrongly", c);
	}
	/* C1 controls are control characters too: U+009B is a one-byte CSI to
	 * many terminals, U+0085 a line break. */
	assert_false(isms_text_ok("\xc2\x80"));
	assert_false(isms_text_ok("csi \xc2\x9b" "31m"));
	assert_false(isms_text_ok("\xc2\x85"));
	assert_false(isms_text_ok("\xc2\x9f"));
	assert_true(isms_text_ok("\xc2\xa0")); /* U+00A0, the first after C1 */
}

static void t_text_ok_multibyte(void **state)
{
	(void)state;
	assert_true(isms_text_ok("Ungünstige Bedingungen")); /* 2 bytes */
	assert_true(isms_text_ok("\xe2\x82\xac 100"));       /* U+20AC euro, 3 bytes */
	assert_true(isms_text_ok("\xe0\xa0\x80"));           /* U+0800, smallest 3-byte */
	assert_true(isms_text_ok("\xed\x9f\xbf"));           /* U+D7FF, below the surrogates */
	assert_true(isms_text_ok("\xee\x80\x80"));           /* U+E000, above them */
	assert_true(isms_text_ok("\xf0\x9f\x94\x92 lock"));  /* U+1F512, 4 bytes */
	assert_true(isms_text_ok("\xf0\x90\x80\x80"));       /* U+10000 */
	assert_true(isms_text_ok("\xf4\x8f\xbf\xbf"));       /* U+10FFFF, the last */
	assert_true(isms_text_ok("\xdf\xbf"));               /* U+07FF */
}

static void t_text_ok_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\x80",                 /* lone continuation byte */
		"abc\xbf",              /* continuation at the end */
		"\xc3",                 /* truncated 2-byte */
		"\xc3x",                /* 2-byte lead without continuation */
		"\xe2\x82",             /* truncated 3-byte */
		"\xf0\x9f\x94",         /* truncated 4-byte */
		"\xc0\xaf",             /* overlong '/' */
		"\xc1\xbf",             /* overlong 2-byte */
		"\xe0\x80\xaf",         /* overlong 3-byte '/' */
		"\xe0\x9f\xbf",         /* overlong 3-byte, largest */
		"\xf0\x80\x80\xaf",     /* overlong 4-byte */
		"\xf0\x8f\xbf\xbf",     /* overlong 4-byte, largest */
		"\xed\xa0\x80",         /* U+D800, a surrogate */
		"\xed\xbf\xbf",         /* U+DFFF */
		"\xed\xa0\xbd\xed\xb2\xa9", /* a CESU-8 surrogate pair */
		"\xf4\x90\x80\x80",     /* U+110000, beyond Unicode */
		"\xf5\x80\x80\x80",     /* lead byte never valid */
		"\xf8\x88\x80\x80\x80", /* 5-byte form */
		"\xfe",                 "\xff",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (isms_text_ok(bad[i]))
			fail_msg("invalid UTF-8 #%zu accepted", i);
	}
}

static void t_printable(void **state)
{
	char out[16];

	(void)state;
#define P(in, nl, want)                                      \
	do {                                                 \
		isms_printable(in, out, sizeof(out), nl);    \
		assert_string_equal(out, want);              \
	} while (0)
	P("alice", false, "alice");
	P(NULL, false, "");
	P("a\tb\nc\x7f" "d", false, "a?b?c?d");
	P("a\nb", true, "a\nb");
	P("\x1b[2J", true, "?[2J");
	P("\xc3\xa5lice", false, "\xc3\xa5lice");            /* UTF-8 stays */
	P("\xc2\x9b" "31m", false, "?31m");                   /* C1 CSI: one '?' */
	P("x\xc3'y", false, "x?'y");                          /* a cut sequence */
	P("\xff\xfe", false, "??");
	P("\xe2\x82\xac\xe2\x82", false, "\xe2\x82\xac??");   /* euro, then a cut one */
	/* Cut to the buffer at a character, never inside one. */
	P("aaaaaaaaaaaaa\xe2\x82\xac", false, "aaaaaaaaaaaaa");
	P("aaaaaaaaaaaaaaaaaaaa", false, "aaaaaaaaaaaaaaa");
#undef P
}

static void t_streq_dash(void **state)
{
	(void)state;
	assert_true(isms_streq_dash("very_frequent", "very_frequent"));
	assert_true(isms_streq_dash("very-frequent", "very_frequent"));
	assert_true(isms_streq_dash("Very-Frequent", "very_frequent"));
	assert_false(isms_streq_dash("very", "very_frequent"));
	assert_false(isms_streq_dash("very_frequently", "very_frequent"));
	assert_false(isms_streq_dash("", "low"));
	assert_true(isms_streq_dash("", ""));
}

static void t_format_utc(void **state)
{
	char buf[32];

	(void)state;
	isms_date_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	isms_date_format(1709208000, buf, sizeof(buf)); /* the 2024 leap day, noon */
	assert_string_equal(buf, "2024-02-29T12:00:00Z");
}

/*
 * A time no calendar year holds (a damaged loss counter's) or a buffer too
 * small: an empty string, never the garbage of a failed gmtime_r left
 * unterminated (found by fuzz_journal: a stack over-read in the drain).
 */
static void t_format_utc_out_of_range(void **state)
{
	char buf[32];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	isms_date_format((time_t)INT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	isms_date_format((time_t)INT64_MIN, buf, sizeof(buf));
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	isms_date_format(0, buf, 10);
	assert_string_equal(buf, "");
	isms_date_format(0, buf, 0); /* nothing written, nothing read */
}

/* The one date parser (lib/date.c): strict, range-checked, zone required. */
static void t_date_parse(void **state)
{
	static const char *const bad[] = {
		"last tuesday", "", "2024-01-01", "2024-01-01T00:00", "2024-01-01T00:00:00",
		"2024-01-01T00:00+zz:zz", "2024-01-01T00:00+1:00", "2024-01-01T00:00+01:0",
		"2024-01-01T00:00+14:01", "2024-01-01T00:00-15:00", "2024-01-01T00:00+01:60",
		"2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00Zx",
		"2024-01-01T24:00Z", "2024-01-01T23:60Z", "2024-01-01T00:00:60Z", "2024-02-30T00:00Z",
		"1899-12-31T23:59Z", "10000-01-01T00:00Z", "2024-01-01t00:00Z", "2024-01-01T00:00z",
		"+024-01-01T00:00Z", "2024-1-01T00:00Z", "2024-01-01T00:00:00+01:00:00", "2024-01-01T00:00+1", "2024-01-01T00:00-",
	};
	int64_t t = 0;
	uint32_t ns = 1;
	char buf[ISMS_DATE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (isms_date_parse(bad[i], &t, NULL) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(isms_date_parse("1970-01-01T00:00Z", &t, &ns), 0);
	assert_int_equal(t, 0);
	assert_int_equal(ns, 0);
	assert_int_equal(isms_date_parse("1970-01-01T01:00:00.5+01:00", &t, &ns), 0);
	assert_int_equal(t, 0);
	assert_int_equal(ns, 500000000);
	assert_int_equal(isms_date_parse("2024-02-29 12:00:00-14:00", &t, NULL), 0);
	assert_int_equal(t, 1709258400);
	assert_int_equal(isms_date_parse("9999-12-31T23:59:59.999999999Z", &t, &ns), 0);
	assert_int_equal(t, 253402300799LL);
	assert_int_equal(ns, 999999999);
	assert_int_equal(isms_date_parse("1900-01-01T00:00Z", &t, NULL), 0);
	assert_int_equal(t, -2208988800LL);
	/* The canonical UTC form, fraction kept as written. */
	assert_int_equal(isms_date_canon("2024-01-01T02:30+02:00", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2024-01-01T00:30:00Z");
	assert_int_equal(isms_date_canon("2024-01-01T00:30:00.120Z", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2024-01-01T00:30:00.120Z");
	assert_int_equal(isms_date_canon("2024-01-01T00:30:00.123456789-01:00", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2024-01-01T01:30:00.123456789Z");
	/* In range as written, out of range in UTC. */
	assert_int_equal(isms_date_canon("1900-01-01T00:00+01:00", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(isms_date_canon("9999-12-31T23:59-01:00", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(isms_date_canon("2024-01-01T00:30Z", buf, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_date_valid),
		cmocka_unit_test(t_date_leap_years),
		cmocka_unit_test(t_date_bad),
		cmocka_unit_test(t_date_parse),
		cmocka_unit_test(t_parse_cents),
		cmocka_unit_test(t_parse_cents_bad),
		cmocka_unit_test(t_parse_bool),
		cmocka_unit_test(t_parse_int64),
		cmocka_unit_test(t_parse_int64_bad),
		cmocka_unit_test(t_text_ok_ascii),
		cmocka_unit_test(t_text_ok_control),
		cmocka_unit_test(t_text_ok_multibyte),
		cmocka_unit_test(t_text_ok_invalid_utf8),
		cmocka_unit_test(t_printable),
		cmocka_unit_test(t_streq_dash),
		cmocka_unit_test(t_format_utc),
		cmocka_unit_test(t_format_utc_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
