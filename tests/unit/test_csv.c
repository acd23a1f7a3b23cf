/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CSV reader and the BSI's target object types read through it: the
 * real file, RFC 4180 quoting, and each malformed or hostile input refused
 * with a message naming where.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/csv.h"
#include "isms/target_object.h"
#include "testutil.h"

static int parse(const char *text, struct isms_csv **csv, char *err, size_t len)
{
	return isms_csv_parse(text, strlen(text), csv, err, len);
}

static void t_quoting(void **state)
{
	struct isms_csv *csv = NULL;
	char err[128];

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf" "a,b,c\r\n"
			       "1,\"two, with \"\"quotes\"\"\",\"line\nbreak\"\r\n"
			       "\n"
			       ",,\n"
			       "x,\"\",z",
			       &csv, err, sizeof(err)),
			 0);
	assert_int_equal(csv->ncols, 3);
	assert_int_equal(csv->nrows, 3);
	assert_string_equal(csv->header[0], "a");
	assert_string_equal(isms_csv_cell(csv, 0, 1), "two, with \"quotes\"");
	assert_string_equal(isms_csv_cell(csv, 0, 2), "line\nbreak");
	assert_string_equal(isms_csv_cell(csv, 1, 0), "");
	assert_string_equal(isms_csv_cell(csv, 2, 1), "");
	assert_string_equal(isms_csv_cell(csv, 2, 2), "z");
	assert_int_equal(isms_csv_column(csv, "c"), 2);
	assert_int_equal(isms_csv_column(csv, "d"), -1);
	isms_csv_free(csv);
}

static void t_malformed(void **state)
{
	static const struct {
		const char *text, *msg;
		int r;
	} cases[] = {
		{"", "line 1: no header", -EINVAL},
		{"a,b\n1,\"open\n", "line 2: unterminated quoted field", -EINVAL},
		{"a,b\n1,2\n3\n", "line 3: 1 fields where the header has 2", -EINVAL},
		{"a,b\n1,2,3\n", "line 2: 3 fields where the header has 2", -EINVAL},
		{"a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field", -EINVAL},
		{"a,b\n1,\"x\"y\n", "line 2: text after a closing quote", -EINVAL},
		{"a,b\n1,\xff\n", "line 2: not valid UTF-8", -EINVAL},
		{"a,b\n1,\xc0\xaf\n", "line 2: not valid UTF-8", -EINVAL},
		{"a,a\n1,2\n", "line 2: a column named twice in the header", -EINVAL},
		{"a,b\n1,2\r3\n", "line 2: a carriage return outside quotes", -EINVAL},
	};
	struct isms_csv *csv = NULL;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].text, &csv, err, sizeof(err)), cases[i].r);
		assert_null(csv);
		assert_string_equal(err, cases[i].msg);
	}
	/* a NUL byte inside the length given */
	assert_int_equal(isms_csv_parse("a,b\n1,\0\n", 8, &csv, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 2: NUL byte");
}

static void t_limits(void **state)
{
	size_t n = ISMS_CSV_FIELDS_MAX + 1, len = 2 * n + 8;

	char *text = malloc(len), err[128];
	struct isms_csv *csv = NULL;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		memcpy(text + 2 * i, "a,", 2);
	text[2 * n - 1] = '\n';
	assert_int_equal(isms_csv_parse(text, 2 * n, &csv, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "line 1: more fields than the limit");
	free(text);

	{
		static char big[ISMS_CSV_FIELD_MAX + 16];

		memcpy(big, "a\n", 2);
		memset(big + 2, 'x', sizeof(big) - 2);
		assert_int_equal(isms_csv_parse(big, sizeof(big), &csv, err, sizeof(err)), -E2BIG);
		assert_string_equal(err, "line 2: field longer than the limit");
	}
}

static char *bsi_file(const char *name, size_t *len)
{
	const char *root = getenv("ISMS_SOURCE_ROOT");
	char path[4096], *buf = NULL;

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/data/bsi-grundschutz-plusplus/%s", root, name);
	assert_int_equal(isms_read_file(path, 1u << 24, &buf, len), 0);
	return buf;
}

/* The BSI's file as shipped: 39 types; host systems and end devices are IT systems. */
static void t_toc_real(void **state)
{
	struct isms_toc *toc = NULL;
	size_t len;
	char *buf = bsi_file("target_object_categories.csv", &len), err[256];
	int host, it, web, webapp, apps, server_room, rooms;

	(void)state;
	assert_int_equal(isms_toc_parse(buf, len, &toc, err, sizeof(err)), 0);
	assert_int_equal(toc->n, 39);
	host = isms_toc_find(toc, "Hostsysteme");
	it = isms_toc_find(toc, "IT-Systeme");
	web = isms_toc_find(toc, "Webserver");
	webapp = isms_toc_find(toc, "Webanwendungen");
	apps = isms_toc_find(toc, "Anwendungen");
	server_room = isms_toc_find(toc, "Serverräume");
	rooms = isms_toc_find(toc, "Räume");
	assert_true(host >= 0 && it >= 0 && web >= 0 && webapp >= 0 && apps >= 0);
	assert_int_equal(toc->types[host].parent, it);
	assert_int_equal(toc->types[it].parent, -1);
	assert_true(isms_toc_is_a(toc, host, it));
	assert_true(isms_toc_is_a(toc, host, host));
	assert_false(isms_toc_is_a(toc, it, host));
	assert_true(isms_toc_is_a(toc, webapp, web));
	assert_true(isms_toc_is_a(toc, webapp, apps));
	assert_true(isms_toc_is_a(toc, server_room, rooms));
	assert_false(isms_toc_is_a(toc, server_room, it));
	assert_string_equal(toc->types[host].category, "Technisch");
	assert_int_equal(isms_toc_find(toc, "Apps"), apps);
	assert_int_equal(isms_toc_find(toc, "nonesuch"), -1);
	isms_toc_free(toc);
	free(buf);
}

#define HDR "Zielobjekt,Definition,Typ,Kategorie,Synonyme,ChildOfUUID,UUID\n"
#define U1 "11111111-1111-1111-1111-111111111111"
#define U2 "22222222-2222-2222-2222-222222222222"
#define U3 "33333333-3333-3333-3333-333333333333"

static void t_toc_malformed(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"Zielobjekt,UUID\nA," U1 "\n", "no column 'Definition'"},
		{HDR ",d,t,c,,," U1 "\n", "record 1: a type without a name"},
		{HDR "A,d,t,c,,,not-a-uuid\n", "'A': UUID 'not-a-uuid' is not a UUID"},
		{HDR "A,d,t,c,,," U1 "\nA,d,t,c,,," U2 "\n", "'A': its name or UUID is given twice"},
		{HDR "A,d,t,c,,," U1 "\nB,d,t,c,,," U1 "\n", "'B': its name or UUID is given twice"},
		{HDR "A,d,t,c,," U3 "," U1 "\n", "'A': its parent " U3 " is not in the file"},
		{HDR "A,d,t,c,," U2 "," U1 "\nB,d,t,c,," U1 "," U2 "\n",
		 "'A': its parents form a cycle or a chain deeper than 32"},
		{HDR "A,d,t,c,," U1 "," U1 "\n",
		 "'A': its parents form a cycle or a chain deeper than 32"},
	};
	struct isms_toc *toc = NULL;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(isms_toc_parse(cases[i].text, strlen(cases[i].text), &toc, err,
						sizeof(err)),
				 -EINVAL);
		assert_null(toc);
		assert_string_equal(err, cases[i].msg);
	}
}

/* A chain just within the depth limit is read; one more parent is refused. */
static void t_toc_depth(void **state)
{
	char text[8192], err[256];
	struct isms_toc *toc = NULL;
	size_t off;

	(void)state;
	for (int depth = ISMS_TOC_DEPTH_MAX; depth <= ISMS_TOC_DEPTH_MAX + 1; depth++) {
		off = (size_t)snprintf(text, sizeof(text), "%s", HDR);
		for (int i = 0; i <= depth; i++) {
			char parent[40] = "";

			if (i)
				snprintf(parent, sizeof(parent), "00000000-0000-0000-0000-%012d", i - 1);
			off += (size_t)snprintf(text + off, sizeof(text) - off,
						"T%d,d,t,c,,%s,00000000-0000-0000-0000-%012d\n", i,
						parent, i);
		}
		if (depth == ISMS_TOC_DEPTH_MAX) {
			assert_int_equal(isms_toc_parse(text, off, &toc, err, sizeof(err)), 0);
			assert_true(isms_toc_is_a(toc, depth, 0));
			isms_toc_free(toc);
		} else {
			assert_int_equal(isms_toc_parse(text, off, &toc, err, sizeof(err)), -EINVAL);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_quoting),      cmocka_unit_test(t_malformed),
		cmocka_unit_test(t_limits),       cmocka_unit_test(t_toc_real),
		cmocka_unit_test(t_toc_malformed), cmocka_unit_test(t_toc_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
