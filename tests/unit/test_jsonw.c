/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugin's fixed-buffer JSON writer: escaping, bytes that are not UTF-8
 * kept visibly, and output that is valid JSON at every buffer size, checked
 * with json-c's strict parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "jsonw.h"
#include "isms/strutil.h"

/* Parse @s strictly, whole; NULL (and a test failure) if it is not JSON. */
static struct json_object *strict_parse(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		print_error("not strict JSON (%s at %zu): '%s'\n",
			    json_tokener_error_desc(json_tokener_get_error(tok)),
			    json_tokener_get_parse_end(tok), s);
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *member(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v))
		return NULL;
	return json_object_get_string(v);
}

static void test_simple_object(void **state)
{
	char buf[256];
	struct jsonw w;
	struct json_object *o;
	size_t n;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "a", "b");
	jsonw_int(&w, "n", -42);
	jsonw_bool(&w, "t", true);
	jsonw_bool(&w, "f", false);
	jsonw_str(&w, "nul", NULL);
	jsonw_key(&w, "list");
	jsonw_array(&w);
	jsonw_str(&w, NULL, "x");
	jsonw_int(&w, NULL, 7);
	jsonw_end(&w);
	n = jsonw_finish(&w);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf,
			    "{\"a\":\"b\",\"n\":-42,\"t\":true,\"f\":false,\"nul\":null,\"list\":[\"x\",7]}");
	o = strict_parse(buf, n);
	assert_non_null(o);
	json_object_put(o);
}

static void test_escaping(void **state)
{
	const char *in = "q\"b\\s/\n\t\r\x01\x1f\x7f end";
	char buf[256];
	struct jsonw w;
	struct json_object *o;
	size_t n;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "v", in);
	n = jsonw_finish(&w);
	assert_string_equal(buf, "{\"v\":\"q\\\"b\\\\s/\\u000a\\u0009\\u000d\\u0001\\u001f\\u007f end\"}");
	o = strict_parse(buf, n);
	assert_non_null(o);
	/* The round trip gives back exactly the input. */
	assert_string_equal(member(o, "v"), in);
	json_object_put(o);
	/* Keys are escaped the same way. */
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "k\"1", "v");
	n = jsonw_finish(&w);
	assert_string_equal(buf, "{\"k\\\"1\":\"v\"}");
}

static void test_utf8_kept(void **state)
{
	/* é, €, U+1F600: valid UTF-8 passes through unchanged. */
	const char *in = "ind\xc3\xa9x \xe2\x82\xac \xf0\x9f\x98\x80";
	char buf[128];
	struct jsonw w;
	struct json_object *o;
	size_t n;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "v", in);
	n = jsonw_finish(&w);
	o = strict_parse(buf, n);
	assert_non_null(o);
	assert_string_equal(member(o, "v"), in);
	json_object_put(o);
}

static void test_invalid_utf8_visible(void **state)
{
	/* A lone continuation byte, a cut sequence, an overlong form, a surrogate,
	 * a byte never valid, and a sequence cut by the end of the value. */
	static const struct {
		const char *in;
		const char *shown;
	} cases[] = {
		{"a\x80z", "a\\x80z"},
		{"a\xc3z", "a\\xc3z"},
		{"a\xc0\xafz", "a\\xc0\\xafz"},
		{"a\xed\xa0\x80z", "a\\xed\\xa0\\x80z"},
		{"a\xffz", "a\\xffz"},
		{"a\xe2\x82", "a\\xe2\\x82"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];
		struct jsonw w;
		struct json_object *o;
		size_t n;

		jsonw_init(&w, buf, sizeof(buf));
		jsonw_object(&w);
		jsonw_str(&w, "v", cases[i].in);
		n = jsonw_finish(&w);
		o = strict_parse(buf, n);
		assert_non_null(o);
		/* Each bad byte is there as the text \xNN: visible, not dropped. */
		assert_string_equal(member(o, "v"), cases[i].shown);
		/* And the whole output is text the store accepts. */
		assert_true(isms_text_ok(buf));
		json_object_put(o);
	}
}

static void test_c1_controls_escaped(void **state)
{
	/* U+009B is valid UTF-8 but a terminal takes it as CSI: the store refuses
	 * it in text, so the writer must escape it rather than pass it on. */
	const char *in = "a\xc2\x9b" "1m\xc2\x85z";
	char buf[128];
	struct jsonw w;
	struct json_object *o;
	size_t n;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "v", in);
	n = jsonw_finish(&w);
	o = strict_parse(buf, n);
	assert_non_null(o);
	assert_string_equal(member(o, "v"), in);
	assert_true(isms_text_ok(buf));
	json_object_put(o);
}

static void test_strn_embedded_nul(void **state)
{
	const char in[] = {'a', '\0', 'b'};
	char buf[128];
	struct jsonw w;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_strn(&w, "v", in, sizeof(in));
	jsonw_finish(&w);
	assert_string_equal(buf, "{\"v\":\"a\\u0000b\"}");
}

/* The kind of document classify_details writes, into @cap bytes. */
static size_t write_doc(char *buf, size_t cap, const char *big)
{
	struct jsonw w;

	jsonw_init(&w, buf, cap);
	jsonw_object(&w);
	jsonw_str(&w, "type", "SYSCALL");
	jsonw_int(&w, "serial", 123456);
	jsonw_str(&w, "exe", "/usr/bin/caf\xc3\xa9 \"q\"\n\xff");
	jsonw_key(&w, "paths");
	jsonw_array(&w);
	for (int i = 0; i < 6; i++) {
		jsonw_str(&w, NULL, "/etc/some/path/\x01\xc2\x9b\xe2\x82\xac");
		jsonw_int(&w, NULL, i);
	}
	jsonw_end(&w);
	jsonw_key(&w, "nested");
	jsonw_object(&w);
	jsonw_key(&w, "deeper");
	jsonw_array(&w);
	jsonw_bool(&w, NULL, true);
	jsonw_str(&w, NULL, NULL);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_int(&w, "records", 5);
	jsonw_str(&w, "raw", big);
	jsonw_bool(&w, "raw_truncated", true);
	return jsonw_finish(&w);
}

static void test_truncation_always_valid(void **state)
{
	char big[600];
	char full[8192];
	size_t fulln;

	(void)state;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)(i % 7 == 0 ? '"' : i % 11 == 0 ? '\xc3' : 'a' + (int)(i % 26));
	big[sizeof(big) - 1] = '\0';
	fulln = write_doc(full, sizeof(full), big);
	{
		struct json_object *o = strict_parse(full, fulln);

		assert_non_null(o);
		assert_null(member(o, "truncated"));
		json_object_put(o);
	}
	/* Every size from the smallest that holds the reserve up to the full
	 * length: always NUL-terminated, always valid, marked when cut. */
	for (size_t cap = 64; cap <= fulln + 64; cap++) {
		char *buf = malloc(cap);
		struct json_object *o, *t;
		size_t n;

		assert_non_null(buf);
		n = write_doc(buf, cap, big);
		assert_true(n < cap);
		assert_int_equal(n, strlen(buf));
		o = strict_parse(buf, n);
		if (!o)
			fail_msg("invalid JSON at buffer size %zu", cap);
		assert_true(isms_text_ok(buf));
		if (n != fulln || memcmp(buf, full, n) != 0) {
			/* Cut short: the mark is there. */
			assert_true(json_object_object_get_ex(o, "truncated", &t));
			assert_true(json_object_get_boolean(t));
		}
		json_object_put(o);
		free(buf);
	}
}

static void test_truncation_arrays_of_values(void **state)
{
	/* Many array elements without keys: an element that does not fit must
	 * not leave its separator behind. */
	(void)state;
	for (size_t cap = 50; cap < 400; cap++) {
		char *buf = malloc(cap);
		struct jsonw w;
		struct json_object *o;
		size_t n;

		assert_non_null(buf);
		jsonw_init(&w, buf, cap);
		jsonw_object(&w);
		jsonw_key(&w, "a");
		jsonw_array(&w);
		for (int i = 0; i < 100; i++) {
			if (i % 3 == 0)
				jsonw_int(&w, NULL, 1000000 + i);
			else if (i % 3 == 1)
				jsonw_bool(&w, NULL, false);
			else
				jsonw_str(&w, NULL, "value");
		}
		jsonw_end(&w);
		n = jsonw_finish(&w);
		o = strict_parse(buf, n);
		if (!o)
			fail_msg("invalid JSON at buffer size %zu", cap);
		json_object_put(o);
		free(buf);
	}
}

static void test_tiny_buffers(void **state)
{
	/* Below the reserve nothing fits, but the result is still a string. */
	(void)state;
	for (size_t cap = 1; cap < 64; cap++) {
		char buf[64];
		struct jsonw w;
		size_t n;

		memset(buf, 'x', sizeof(buf));
		jsonw_init(&w, buf, cap);
		jsonw_object(&w);
		jsonw_str(&w, "a", "b");
		n = jsonw_finish(&w);
		assert_true(n < cap);
		assert_int_equal(strlen(buf), n);
		if (n) {
			struct json_object *o = strict_parse(buf, n);

			assert_non_null(o);
			json_object_put(o);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_object),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_invalid_utf8_visible),
		cmocka_unit_test(test_c1_controls_escaped),
		cmocka_unit_test(test_strn_embedded_nul),
		cmocka_unit_test(test_truncation_always_valid),
		cmocka_unit_test(test_truncation_arrays_of_values),
		cmocka_unit_test(test_tiny_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
