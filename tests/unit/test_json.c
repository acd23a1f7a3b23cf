/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strict JSON reader: every rule of isms/json.h accepted and refused, the
 * error's kind, place (offset, line, column) and path, the caps, and a small
 * exhaustive sweep that must never hang or read past the given length (each
 * input sits in a buffer of exactly its size, so ASan sees any overread).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "isms/json.h"
#include "testutil.h"

/* A sentinel: failed parses must leave *ret_obj alone. */
static struct json_object *const UNTOUCHED = (struct json_object *)&UNTOUCHED;

/* Parse @len bytes copied into a buffer of exactly that size. */
static int parse_n(const char *text, size_t len, const struct isms_json_limits *lim,
		   struct json_object **o, struct isms_json_error *e)
{
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = isms_json_parse(copy, len, lim, o, e);
	free(copy);
	return r;
}

static struct json_object *ok_n(const char *text, size_t len)
{
	struct isms_json_error e;
	struct json_object *o = UNTOUCHED;
	int r = parse_n(text, len, NULL, &o, &e);

	if (r != 0)
		fail_msg("refused (%d) '%.*s': %u:%u %s: %s", r, (int)len, text, e.line, e.column,
			 e.path, e.msg);
	assert_ptr_not_equal(o, UNTOUCHED);
	return o;
}

static struct json_object *ok(const char *text)
{
	return ok_n(text, strlen(text));
}

/* Expect -EINVAL of @kind at @offset (SIZE_MAX: any) and @path (NULL: any). */
static void bad_at(const char *text, size_t len, enum isms_json_errkind kind, size_t offset,
		   const char *path, const char *file, int line)
{
	struct isms_json_error e;
	struct json_object *o = UNTOUCHED;
	int r = parse_n(text, len, NULL, &o, &e);

	if (r != -EINVAL || o != UNTOUCHED || e.kind != kind ||
	    (offset != SIZE_MAX && e.offset != offset) || (path && strcmp(e.path, path) != 0) ||
	    !e.msg[0] || e.line < 1 || e.column < 1) {
		print_error("%s:%d: '%.*s'\n  got %d kind %d at %zu (%u:%u) %s: %s\n"
			    "  want -EINVAL kind %d at %zd %s\n",
			    file, line, (int)len, text, r, e.kind, r ? e.offset : 0,
			    r ? e.line : 0, r ? e.column : 0, r ? e.path : "", r ? e.msg : "",
			    kind, (ssize_t)offset, path ? path : "(any)");
		if (r == 0)
			json_object_put(o);
		_fail(file, line);
	}
	/* The same without an error struct: refused all the same. */
	o = UNTOUCHED;
	assert_int_equal(parse_n(text, len, NULL, &o, NULL), -EINVAL);
	assert_ptr_equal(o, UNTOUCHED);
	assert_int_equal(isms_json_check(text, len, NULL, NULL), -EINVAL);
}
#define bad(text, kind, offset, path)                                                       \
	bad_at((text), strlen(text), (kind), (offset), (path), __FILE__, __LINE__)
#define bad_n(text, len, kind, offset, path)                                                \
	bad_at((text), (len), (kind), (offset), (path), __FILE__, __LINE__)

/* ---- what is accepted ------------------------------------------------------------------ */

static void t_values(void **state)
{
	struct json_object *o, *v;

	(void)state;
	/* Any value at the top, with white space around it. */
	o = ok(" \t\r\n{\"a\": [1, -2, 3.5, \"x\", true, false, null, {}, []]} \n");
	assert_true(json_object_is_type(o, json_type_object));
	assert_true(json_object_object_get_ex(o, "a", &v));
	assert_int_equal(json_object_array_length(v), 9);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(v, 1)), -2);
	assert_true(json_object_get_double(json_object_array_get_idx(v, 2)) == 3.5);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 3)), "x");
	assert_true(json_object_get_boolean(json_object_array_get_idx(v, 4)));
	assert_false(json_object_get_boolean(json_object_array_get_idx(v, 5)));
	assert_null(json_object_array_get_idx(v, 6));
	assert_int_equal(json_object_object_length(json_object_array_get_idx(v, 7)), 0);
	assert_int_equal(json_object_array_length(json_object_array_get_idx(v, 8)), 0);
	json_object_put(o);

	o = ok("\"top\"");
	assert_string_equal(json_object_get_string(o), "top");
	json_object_put(o);
	o = ok("true");
	assert_true(json_object_get_boolean(o));
	json_object_put(o);
	/* null is a value: ret_obj is set, to NULL. */
	assert_null(ok(" null "));
	o = ok("[[[]],{\"a\":{\"b\":{}}}]");
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "[[[]],{\"a\":{\"b\":{}}}]");
	json_object_put(o);
	/* Member order is kept. */
	o = ok("{\"z\":1,\"a\":2,\"m\":3}");
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "{\"z\":1,\"a\":2,\"m\":3}");
	json_object_put(o);
	/* The same name in different objects is no duplicate. */
	json_object_put(ok("[{\"a\":1},{\"a\":2},{\"b\":{\"a\":3},\"a\":4}]"));
	/* Only the given length is read. */
	o = ok_n("[1]garbage", 3);
	assert_int_equal(json_object_array_length(o), 1);
	json_object_put(o);
}

static void t_numbers(void **state)
{
	static const struct {
		const char *text;
		enum json_type type;
		int64_t i;
		double d;
	} cases[] = {
		{"0", json_type_int, 0, 0},
		{"-0", json_type_int, 0, 0},
		{"7", json_type_int, 7, 0},
		{"-12", json_type_int, -12, 0},
		{"9223372036854775807", json_type_int, INT64_MAX, 0},
		{"-9223372036854775808", json_type_int, INT64_MIN, 0},
		{"0.5", json_type_double, 0, 0.5},
		{"-0.25", json_type_double, 0, -0.25},
		{"1e3", json_type_double, 0, 1000},
		{"1E+3", json_type_double, 0, 1000},
		{"25e-2", json_type_double, 0, 0.25},
		{"-1.5e2", json_type_double, 0, -150},
		{"1.7976931348623157e308", json_type_double, 0, 1.7976931348623157e308},
		{"1e-400", json_type_double, 0, 0}, /* underflow to 0 is no overflow */
	};
	struct json_object *o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o = ok(cases[i].text);
		if (!json_object_is_type(o, cases[i].type))
			fail_msg("'%s': type %d", cases[i].text, json_object_get_type(o));
		if (cases[i].type == json_type_int)
			assert_int_equal(json_object_get_int64(o), cases[i].i);
		else if (json_object_get_double(o) != cases[i].d)
			fail_msg("'%s': %g", cases[i].text, json_object_get_double(o));
		json_object_put(o);
	}
	/* Above INT64_MAX and up to UINT64_MAX: json-c's unsigned integer. */
	o = ok("18446744073709551615");
	assert_int_equal(json_object_get_uint64(o), UINT64_MAX);
	json_object_put(o);
	/* A double is written back as it was written. */
	o = ok("[1.50, 2e1]");
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "[1.50,2e1]");
	json_object_put(o);
}

static void t_strings(void **state)
{
	struct json_object *o;

	(void)state;
	o = ok("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
	assert_string_equal(json_object_get_string(o), "\" \\ / \b \f \n \r \t");
	json_object_put(o);
	/* \u escapes, a surrogate pair, upper- and lower-case hex. */
	o = ok("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"");
	assert_string_equal(json_object_get_string(o), "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	json_object_put(o);
	/* Raw UTF-8 of every length, DEL (not a control character in JSON). */
	o = ok("\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \x7f\"");
	assert_string_equal(json_object_get_string(o),
			    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \x7f");
	json_object_put(o);
	/* U+0000 in a value is kept with its length. */
	o = ok("\"a\\u0000b\"");
	assert_int_equal(json_object_get_string_len(o), 3);
	assert_memory_equal(json_object_get_string(o), "a\0b", 3);
	json_object_put(o);
	/* Names are unescaped too. */
	o = ok("{\"\\u0061llow\": true}");
	assert_true(json_object_object_get_ex(o, "allow", NULL));
	json_object_put(o);
	o = ok("\"\"");
	assert_string_equal(json_object_get_string(o), "");
	json_object_put(o);
	json_object_put(ok("{\"\": 1}"));
}

/* ---- what is refused ------------------------------------------------------------------- */

static void t_comments(void **state)
{
	(void)state;
	bad("// x\n{}", ISMS_JSON_E_COMMENT, 0, "$");
	bad("{} // x", ISMS_JSON_E_COMMENT, 3, "$");
	bad("{}/**/", ISMS_JSON_E_COMMENT, 2, "$");
	bad("{\"a\": 1, /* b */ \"b\": 2}", ISMS_JSON_E_COMMENT, 9, "$");
	bad("{\"a\": /* b */ 1}", ISMS_JSON_E_COMMENT, 6, "$.a");
	bad("{\"a\" /* b */: 1}", ISMS_JSON_E_COMMENT, 5, "$.a");
	bad("{\"a\": 1 // b\n}", ISMS_JSON_E_COMMENT, 8, "$");
	bad("[1, // two\n2]", ISMS_JSON_E_COMMENT, 4, "$[1]");
	bad("[ // }\n]", ISMS_JSON_E_COMMENT, 2, "$[0]");
	bad("[1 /* ] */]", ISMS_JSON_E_COMMENT, 3, "$");
	bad("# hash\n{}", ISMS_JSON_E_SYNTAX, 0, "$");
	/* Inside a string it is text. */
	json_object_put(ok("{\"url\": \"http://x/*y*/\"}"));
}

static void t_duplicates(void **state)
{
	struct isms_json_error e;
	struct json_object *o = UNTOUCHED;

	(void)state;
	bad("{\"a\": 1, \"a\": 2}", ISMS_JSON_E_DUPLICATE, 9, "$.a");
	bad("{\"allow\": false, \"\\u0061llow\": true}", ISMS_JSON_E_DUPLICATE, 17, "$.allow");
	bad("{\"a\\/b\": 1, \"a/b\": 2}", ISMS_JSON_E_DUPLICATE, 12, "$[\"a/b\"]");
	bad("{\"\\ud83d\\ude00\": 1, \"\xf0\x9f\x98\x80\": 2}", ISMS_JSON_E_DUPLICATE, 20,
	    "$[\"\xf0\x9f\x98\x80\"]");
	bad("{\"x\": [{}, {\"b\": 1, \"c\": 2, \"b\": 3}]}", ISMS_JSON_E_DUPLICATE, 28,
	    "$.x[1].b");
	bad("{\"\": 1, \"\": 2}", ISMS_JSON_E_DUPLICATE, 8, "$[\"\"]");
	bad("{\"a b\": 1, \"a\\u0020b\": 2}", ISMS_JSON_E_DUPLICATE, 11, "$[\"a b\"]");
	bad("{\"q\\\"\": 1, \"q\\\"\": 2}", ISMS_JSON_E_DUPLICATE, 11, "$[\"q\\\"\"]");
	/* The second occurrence is named, with its line and column. */
	assert_int_equal(isms_json_parse("{\n  \"rules\": [{\"id\": 1,\n    \"id\": 2}]}", 39,
					 NULL, &o, &e),
			 -EINVAL);
	assert_ptr_equal(o, UNTOUCHED);
	assert_int_equal(e.kind, ISMS_JSON_E_DUPLICATE);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 5);
	assert_string_equal(e.path, "$.rules[0].id");
	assert_string_equal(e.msg, "member given twice");
}

static void t_syntax(void **state)
{
	(void)state;
	/* Quotes. */
	bad("{'a': 1}", ISMS_JSON_E_STRING, 1, "$");
	bad("{\"a\": 'x'}", ISMS_JSON_E_STRING, 6, "$.a");
	bad("['x']", ISMS_JSON_E_STRING, 1, "$[0]");
	bad("{a: 1}", ISMS_JSON_E_SYNTAX, 1, "$");
	bad("{\"a\": x}", ISMS_JSON_E_SYNTAX, 6, "$.a");
	/* Trailing commas, and commas where a value should be. */
	bad("[1,]", ISMS_JSON_E_SYNTAX, 2, "$");
	bad("[1, ]", ISMS_JSON_E_SYNTAX, 2, "$");
	bad("{\"a\": 1,}", ISMS_JSON_E_SYNTAX, 7, "$");
	bad("{\"a\": 1,\n}", ISMS_JSON_E_SYNTAX, 7, "$");
	bad("[,1]", ISMS_JSON_E_SYNTAX, 1, "$[0]");
	bad("[1,,2]", ISMS_JSON_E_SYNTAX, 3, "$[1]");
	bad("{,}", ISMS_JSON_E_SYNTAX, 1, "$");
	bad("{\"a\" 1}", ISMS_JSON_E_SYNTAX, 5, "$.a");
	bad("{\"a\": 1 \"b\": 2}", ISMS_JSON_E_SYNTAX, 8, "$");
	bad("[1 2]", ISMS_JSON_E_SYNTAX, 3, "$");
	bad("{\"a\"; 1}", ISMS_JSON_E_SYNTAX, 4, "$.a");
	bad("[1}", ISMS_JSON_E_SYNTAX, 2, "$");
	bad("{\"a\": 1]", ISMS_JSON_E_SYNTAX, 7, "$");
	bad("]", ISMS_JSON_E_SYNTAX, 0, "$");
	/* Bare words. */
	bad("True", ISMS_JSON_E_SYNTAX, 0, "$");
	bad("nul", ISMS_JSON_E_SYNTAX, 0, "$");
	bad("nulll", ISMS_JSON_E_SYNTAX, 0, "$");
	bad("undefined", ISMS_JSON_E_SYNTAX, 0, "$");
	bad("[truefalse]", ISMS_JSON_E_SYNTAX, 1, "$[0]");
	bad("NaN", ISMS_JSON_E_NUMBER, 0, "$");
	bad("[Infinity]", ISMS_JSON_E_NUMBER, 1, "$[0]");
	bad("{\"a\": -Infinity}", ISMS_JSON_E_NUMBER, 6, "$.a");
	/* Other white space than the four of RFC 8259. */
	bad("[1,\f2]", ISMS_JSON_E_SYNTAX, 3, "$[1]");
	bad("[1,\v2]", ISMS_JSON_E_SYNTAX, 3, "$[1]");
	bad("\xc2\xa0[]", ISMS_JSON_E_SYNTAX, 0, "$");
	bad("\xef\xbb\xbf{}", ISMS_JSON_E_UTF8, 0, "$");
	/* Exactly one value. */
	bad("", ISMS_JSON_E_EOF, 0, "$");
	bad(" \n\t ", ISMS_JSON_E_EOF, 4, "$");
	bad("1 2", ISMS_JSON_E_TRAILING, 2, "$");
	bad("{}{}", ISMS_JSON_E_TRAILING, 2, "$");
	bad("{} x", ISMS_JSON_E_TRAILING, 3, "$");
	bad("[]]", ISMS_JSON_E_TRAILING, 2, "$");
	/* Cut short, anywhere. */
	bad("{", ISMS_JSON_E_EOF, 1, "$");
	bad("{\"a\"", ISMS_JSON_E_EOF, 4, "$.a");
	bad("{\"a\":", ISMS_JSON_E_EOF, 5, "$.a");
	bad("{\"a\":1", ISMS_JSON_E_EOF, 6, "$");
	bad("{\"a\":1,", ISMS_JSON_E_EOF, 7, "$");
	bad("[", ISMS_JSON_E_EOF, 1, "$[0]");
	bad("[1,", ISMS_JSON_E_EOF, 3, "$[1]");
	bad("\"abc", ISMS_JSON_E_EOF, 0, "$");
	bad("\"abc\\", ISMS_JSON_E_EOF, 0, "$");
	bad("\"\\u12", ISMS_JSON_E_EOF, 1, "$");
	bad("tru", ISMS_JSON_E_SYNTAX, 0, "$");
	bad("-", ISMS_JSON_E_EOF, 1, "$");
}

static void t_bad_numbers(void **state)
{
	(void)state;
	bad("01", ISMS_JSON_E_NUMBER, 0, "$");
	bad("-01", ISMS_JSON_E_NUMBER, 0, "$");
	bad("[00]", ISMS_JSON_E_NUMBER, 1, "$[0]");
	bad("{\"v\": 007}", ISMS_JSON_E_NUMBER, 6, "$.v");
	bad("+1", ISMS_JSON_E_NUMBER, 0, "$");
	bad(".5", ISMS_JSON_E_NUMBER, 0, "$");
	bad("1.", ISMS_JSON_E_NUMBER, 2, "$");
	bad("1.e5", ISMS_JSON_E_NUMBER, 2, "$");
	bad("1e", ISMS_JSON_E_NUMBER, 2, "$");
	bad("1e+", ISMS_JSON_E_NUMBER, 3, "$");
	bad("-a", ISMS_JSON_E_NUMBER, 1, "$");
	bad("0x10", ISMS_JSON_E_NUMBER, 0, "$");
	bad("1.2.3", ISMS_JSON_E_NUMBER, 0, "$");
	bad("[1-2]", ISMS_JSON_E_NUMBER, 1, "$[0]");
	bad("12abc", ISMS_JSON_E_NUMBER, 0, "$");
	bad("1e5e5", ISMS_JSON_E_NUMBER, 0, "$");
	/* Out of range: integers beyond 64 bits, doubles beyond DBL_MAX. */
	bad("18446744073709551616", ISMS_JSON_E_NUMBER, 0, "$");
	bad("-9223372036854775809", ISMS_JSON_E_NUMBER, 0, "$");
	bad("[99999999999999999999999999]", ISMS_JSON_E_NUMBER, 1, "$[0]");
	bad("1e309", ISMS_JSON_E_NUMBER, 0, "$");
	bad("-1.8e308", ISMS_JSON_E_NUMBER, 0, "$");
	{
		/* A number token longer than 512 characters. */
		char big[600];

		big[0] = '1';
		big[1] = '.';
		memset(big + 2, '5', sizeof(big) - 2);
		bad_n(big, sizeof(big), ISMS_JSON_E_NUMBER, 0, "$");
		json_object_put(ok_n(big, 512));
	}
}

static void t_bad_strings(void **state)
{
	(void)state;
	/* Unescaped control characters. */
	bad("\"a\tb\"", ISMS_JSON_E_STRING, 2, "$");
	bad("\"a\nb\"", ISMS_JSON_E_STRING, 2, "$");
	bad("{\"k\": \"\x1b[2J\"}", ISMS_JSON_E_STRING, 7, "$.k");
	bad("{\"a\x01\": 1}", ISMS_JSON_E_STRING, 3, "$");
	/* Escapes. */
	bad("\"\\x41\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\'\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\a\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\U0041\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\u00zz\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\u+041\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\\xc3\xa9\"", ISMS_JSON_E_STRING, 1, "$");
	/* Surrogates must come in pairs, high then low. */
	bad("\"\\ud800\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\ud800x\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\ud800\\u0041\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\ud800\\ud800\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\udc00\"", ISMS_JSON_E_STRING, 1, "$");
	bad("\"\\ude00\\ud83d\"", ISMS_JSON_E_STRING, 1, "$");
	bad("[\"ok\", \"\\uDFFF\"]", ISMS_JSON_E_STRING, 8, "$[1]");
	/* U+0000 in a name: json-c would cut it there, "a\u0000b" would be "a". */
	bad("{\"a\": 1, \"a\\u0000b\": 2}", ISMS_JSON_E_STRING, 11, "$");
	/* Raw NUL bytes, anywhere. */
	bad_n("\"a\0b\"", 5, ISMS_JSON_E_NUL, 2, "$");
	bad_n("{\"a\":\0 1}", 9, ISMS_JSON_E_NUL, 5, "$.a");
	bad_n("{}\0", 3, ISMS_JSON_E_NUL, 2, "$");
	bad_n("\0{}", 3, ISMS_JSON_E_NUL, 0, "$");
	bad_n("[1\0]", 4, ISMS_JSON_E_NUL, 2, "$");
}

static void t_bad_utf8(void **state)
{
	static const char *const seqs[] = {
		"\x80",             /* a stray continuation byte */
		"\xbf",
		"\xc0\xaf",         /* overlong '/' */
		"\xc1\xbf",         /* overlong */
		"\xe0\x80\xaf",     /* overlong '/' in three bytes */
		"\xe0\x9f\xbf",     /* overlong U+07FF */
		"\xf0\x80\x80\xaf", /* overlong in four bytes */
		"\xf0\x8f\xbf\xbf", /* overlong U+FFFF */
		"\xed\xa0\x80",     /* surrogate U+D800 */
		"\xed\xbf\xbf",     /* surrogate U+DFFF */
		"\xf4\x90\x80\x80", /* U+110000 */
		"\xf5\x80\x80\x80",
		"\xff",
		"\xfe",
		"\xc3",             /* cut short */
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\xc3\x28",         /* a continuation byte missing */
		"\xe2\x28\xa1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		char text[32];
		int n = snprintf(text, sizeof(text), "[\"ab%s\"]", seqs[i]);

		bad_n(text, (size_t)n, ISMS_JSON_E_UTF8, 4, "$[0]");
		/* Outside a string, invalid UTF-8 is named as such too. */
		n = snprintf(text, sizeof(text), "[%s]", seqs[i]);
		bad_n(text, (size_t)n, ISMS_JSON_E_UTF8, 1, "$[0]");
		n = snprintf(text, sizeof(text), "{\"k%s\": 1}", seqs[i]);
		bad_n(text, (size_t)n, ISMS_JSON_E_UTF8, 3, "$");
	}
	/* Valid UTF-8 outside a string is still no JSON. */
	bad("[\xc3\xa9]", ISMS_JSON_E_SYNTAX, 1, "$[0]");
}

/* ---- caps -------------------------------------------------------------------------------- */

static char *nested(unsigned depth, size_t *ret_len)
{
	char *s = malloc(2 * depth + 1);

	assert_non_null(s);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[2 * depth] = '\0';
	*ret_len = 2 * depth;
	return s;
}

static void t_depth(void **state)
{
	struct isms_json_limits lim = {.max_depth = 3};
	struct isms_json_error e;
	struct json_object *o = NULL;
	size_t len;
	char *s;

	(void)state;
	s = nested(ISMS_JSON_DEPTH_DEFAULT, &len);
	json_object_put(ok_n(s, len));
	free(s);
	s = nested(ISMS_JSON_DEPTH_DEFAULT + 1, &len);
	bad_n(s, len, ISMS_JSON_E_DEPTH, ISMS_JSON_DEPTH_DEFAULT, NULL);
	free(s);

	assert_int_equal(isms_json_parse("[{\"a\":[]}]", 10, &lim, &o, &e), 0);
	json_object_put(o);
	assert_int_equal(isms_json_parse("[{\"a\":[[]]}]", 12, &lim, &o, &e), -EINVAL);
	assert_int_equal(e.kind, ISMS_JSON_E_DEPTH);
	assert_string_equal(e.path, "$[0].a[0]");
	assert_int_equal(e.offset, 7);
	/* Scalars need no depth. */
	lim.max_depth = 1;
	assert_int_equal(isms_json_parse("\"x\"", 3, &lim, &o, &e), 0);
	json_object_put(o);
	assert_int_equal(isms_json_parse("[1,2]", 5, &lim, &o, &e), 0);
	json_object_put(o);
	assert_int_equal(isms_json_parse("[[]]", 4, &lim, &o, &e), -EINVAL);

	/* A larger cap is held to ISMS_JSON_DEPTH_MAX, and a million levels are
	 * refused without running out of stack. */
	lim.max_depth = UINT_MAX;
	s = nested(ISMS_JSON_DEPTH_MAX, &len);
	assert_int_equal(isms_json_parse(s, len, &lim, &o, &e), 0);
	json_object_put(o);
	free(s);
	s = nested(1000000, &len);
	assert_int_equal(isms_json_parse(s, len, &lim, &o, &e), -EINVAL);
	assert_int_equal(e.kind, ISMS_JSON_E_DEPTH);
	assert_int_equal(e.offset, ISMS_JSON_DEPTH_MAX);
	/* The path is cut, visibly, and stays a string. */
	assert_true(strlen(e.path) < sizeof(e.path));
	assert_non_null(strstr(e.path, "..."));
	free(s);
}

static void t_size(void **state)
{
	struct isms_json_limits lim = {.max_bytes = 8};
	struct isms_json_error e;
	struct json_object *o = UNTOUCHED;

	(void)state;
	assert_int_equal(isms_json_parse("[1,2,3] ", 8, &lim, &o, &e), 0);
	json_object_put(o);
	o = UNTOUCHED;
	assert_int_equal(isms_json_parse("[1,2,3]  ", 9, &lim, &o, &e), -EFBIG);
	assert_ptr_equal(o, UNTOUCHED);
	assert_int_equal(e.kind, ISMS_JSON_E_SIZE);
	assert_int_equal(isms_json_check("[1,2,3]  ", 9, &lim, NULL), -EFBIG);
	/* The default cap, without reading a byte of what is beyond it. */
	assert_int_equal(isms_json_parse("", (size_t)ISMS_JSON_BYTES_DEFAULT + 1, NULL, &o, &e),
			 -EFBIG);
	assert_ptr_equal(o, UNTOUCHED);
}

/* ---- where -------------------------------------------------------------------------------- */

static void t_position(void **state)
{
	/* Two characters of two bytes each before the error on line 3. */
	static const char text[] = "{\n  \"name\": \"x\",\n  \"\xc3\xa9\xc3\xa9\": 'y'\n}";
	struct isms_json_error e;
	struct json_object *o = UNTOUCHED;
	char msg[256];

	(void)state;
	assert_int_equal(isms_json_parse(text, sizeof(text) - 1, NULL, &o, &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 9);
	assert_int_equal(e.offset, 27);
	assert_string_equal(e.path, "$[\"\xc3\xa9\xc3\xa9\"]");
	assert_int_equal(e.kind, ISMS_JSON_E_STRING);
	isms_json_error_text(&e, msg, sizeof(msg));
	assert_string_equal(msg, "line 3, column 9 (byte 27), at $[\"\xc3\xa9\xc3\xa9\"]: "
				 "strings must be in double quotes, not single quotes");
	/* A short buffer is cut, not overrun. */
	memset(msg, 'x', sizeof(msg));
	isms_json_error_text(&e, msg, 10);
	assert_string_equal(msg, "line 3, c");
	/* CR LF counts one line; the column restarts after the LF. */
	assert_int_equal(isms_json_parse("[1,\r\n2,\r\n x]", 12, NULL, &o, &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 2);
	assert_string_equal(e.path, "$[2]");
	/* Member names that are not simple words are quoted in the path. */
	assert_int_equal(isms_json_parse("{\"a.b\": {\"c\\u0001\": [,]}}", 25, NULL, &o, &e),
			 -EINVAL);
	assert_string_equal(e.path, "$[\"a.b\"][\"c\\u0001\"][0]");
	assert_ptr_equal(o, UNTOUCHED);
	/* A long name is cut with a mark. */
	{
		char big[400];
		int n;

		memset(e.path, 0, sizeof(e.path));
		n = snprintf(big, sizeof(big), "{\"%0300d\": x}", 0);
		assert_int_equal(isms_json_parse(big, (size_t)n, NULL, &o, &e), -EINVAL);
		assert_true(strlen(e.path) < sizeof(e.path));
		assert_string_equal(e.path + strlen(e.path) - 3, "...");
	}
}

/* ---- never a hang, never an overread ----------------------------------------------------- */

static void on_alarm(int sig)
{
	static const char msg[] = "not ok - the JSON reader did not finish in time (hang)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/*
 * Every string of up to four bytes over an alphabet of the characters that
 * matter (65,536 + shorter inputs), then every prefix and every one-byte
 * change of a realistic document.  Each parse must end, with 0 or a negative
 * errno, and an error must lie inside the input.
 */
static void sweep_one(const char *in, size_t n)
{
	struct isms_json_error e;
	struct json_object *o = NULL;
	int r = parse_n(in, n, NULL, &o, &e);

	if (r == 0) {
		json_object_put(o);
		return;
	}
	assert_int_equal(r, -EINVAL);
	assert_true(e.offset <= n);
	assert_true(e.kind != ISMS_JSON_E_NONE);
	assert_true(e.line >= 1 && e.column >= 1);
}

static void t_sweep(void **state)
{
	static const char alpha[] = "{}[]\",:/*\\u01e \n\xc3";
	static const char doc[] = "{\"version\": 1, \"asset\": \"db\", \"rules\": [{\"id\": \"a\","
				  " \"users\": [\"alice\", \"\\u00e9\"], \"allow\": false,"
				  " \"n\": -1.5e3}]}";
	const size_t k = sizeof(alpha) - 1;
	char in[sizeof(doc)];
	size_t accepted = 0;

	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(60);
	for (size_t len = 0; len <= 4; len++) {
		size_t total = 1;

		for (size_t i = 0; i < len; i++)
			total *= k;
		for (size_t v = 0; v < total; v++) {
			size_t x = v;

			for (size_t i = 0; i < len; i++, x /= k)
				in[i] = alpha[x % k];
			sweep_one(in, len);
		}
	}
	for (size_t n = 0; n < sizeof(doc) - 1; n++) {
		struct isms_json_error e;
		struct json_object *o = NULL;

		/* Every proper prefix is cut short (the number at the end aside). */
		assert_int_equal(parse_n(doc, n, NULL, &o, &e), -EINVAL);
		assert_true(e.kind == ISMS_JSON_E_EOF || e.kind == ISMS_JSON_E_SYNTAX ||
			    e.kind == ISMS_JSON_E_NUMBER || e.kind == ISMS_JSON_E_STRING);
	}
	for (size_t pos = 0; pos < sizeof(doc) - 1; pos++) {
		for (size_t c = 0; c < 256; c++) {
			memcpy(in, doc, sizeof(doc) - 1);
			in[pos] = (char)c;
			sweep_one(in, sizeof(doc) - 1);
			accepted++;
		}
	}
	alarm(0);
	assert_true(accepted > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_values),      cmocka_unit_test(t_numbers),
		cmocka_unit_test(t_strings),     cmocka_unit_test(t_comments),
		cmocka_unit_test(t_duplicates),  cmocka_unit_test(t_syntax),
		cmocka_unit_test(t_bad_numbers), cmocka_unit_test(t_bad_strings),
		cmocka_unit_test(t_bad_utf8),    cmocka_unit_test(t_depth),
		cmocka_unit_test(t_size),        cmocka_unit_test(t_position),
		cmocka_unit_test(t_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
