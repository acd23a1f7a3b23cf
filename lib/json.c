/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strict JSON reader (see isms/json.h).  One recursive-descent pass over
 * the bytes checks RFC 8259 and builds the json-c objects as it goes, so no
 * second parser can disagree with the check: json-c's tokener would take
 * comments and keep the last of two equal names.  Duplicates are found with
 * json-c's own hash of the object being built, after unescaping.
 *
 * Every loop moves forward through the input or ends; recursion is bounded
 * by the depth cap; the scratch space (unescaped strings) never exceeds the
 * input.  The path of an error is rebuilt from a chain of frames on the C
 * stack only when there is an error, so the common case pays nothing for it.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/json.h"
#include "isms/strutil.h"
#include "json_internal.h"

/* ---- values ------------------------------------------------------------------------------- */

static int value(struct parser *ps, struct json_object **ret);

static int number(struct parser *ps, struct json_object **ret)
{
	size_t start = ps->pos, n;
	bool neg = false, integer = true;
	char text[NUMBER_MAX + 1];
	struct json_object *o;

	if (ps->s[ps->pos] == '-') {
		neg = true;
		ps->pos++;
	}
	if (ps->pos >= ps->len)
		return json_fail(ps, ISMS_JSON_E_EOF, ps->pos, "unexpected end of data in a number");
	if (ps->s[ps->pos] == '0') {
		ps->pos++;
		if (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			return json_fail(ps, ISMS_JSON_E_NUMBER, start, "leading zero in a number");
	} else if (is_digit(ps->s[ps->pos])) {
		while (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			ps->pos++;
	} else if (ps->s[ps->pos] == 'I') {
		return json_fail(ps, ISMS_JSON_E_NUMBER, start, "NaN and Infinity are not JSON numbers");
	} else {
		return json_fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a digit must follow '-'");
	}
	if (ps->pos < ps->len && ps->s[ps->pos] == '.') {
		integer = false;
		ps->pos++;
		if (ps->pos >= ps->len || !is_digit(ps->s[ps->pos]))
			return json_fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a digit must follow '.'");
		while (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			ps->pos++;
	}
	if (ps->pos < ps->len && (ps->s[ps->pos] == 'e' || ps->s[ps->pos] == 'E')) {
		integer = false;
		ps->pos++;
		if (ps->pos < ps->len && (ps->s[ps->pos] == '+' || ps->s[ps->pos] == '-'))
			ps->pos++;
		if (ps->pos >= ps->len || !is_digit(ps->s[ps->pos]))
			return json_fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a digit must follow the exponent");
		while (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			ps->pos++;
	}
	/* "0x1f", "1.2.3", "1-2", "12abc" */
	if (ps->pos < ps->len && (is_word(ps->s[ps->pos]) || ps->s[ps->pos] == '.' ||
				  ps->s[ps->pos] == '+' || ps->s[ps->pos] == '-'))
		return json_fail(ps, ISMS_JSON_E_NUMBER, start, "malformed number");
	n = ps->pos - start;
	if (n > NUMBER_MAX)
		return json_fail(ps, ISMS_JSON_E_NUMBER, start, "number longer than %d characters",
			    NUMBER_MAX);
	memcpy(text, ps->s + start, n);
	text[n] = '\0';
	if (integer) {
		uint64_t v = 0;

		for (size_t i = neg; i < n; i++) {
			unsigned d = (unsigned)(text[i] - '0');

			if (v > (UINT64_MAX - d) / 10)
				return json_fail(ps, ISMS_JSON_E_NUMBER, start,
					    "integer out of range (more than 64 bits)");
			v = v * 10 + d;
		}
		if (neg && v > (uint64_t)INT64_MAX + 1)
			return json_fail(ps, ISMS_JSON_E_NUMBER, start,
				    "integer out of range (more than 64 bits)");
		if (neg)
			o = json_object_new_int64(v == (uint64_t)INT64_MAX + 1 ? INT64_MIN
									: -(int64_t)v);
		else if (v <= INT64_MAX)
			o = json_object_new_int64((int64_t)v);
		else
			o = json_object_new_uint64(v);
	} else {
		double d;

		/* strtod() follows LC_NUMERIC, and pam_isms runs inside programs
		 * that call setlocale(): in de_DE "1.5" would read as 1. */
		if (!ps->c_locale) {
			ps->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
			if (!ps->c_locale)
				return json_nomem(ps);
		}
		d = strtod_l(text, NULL, ps->c_locale);
		if (!isfinite(d))
			return json_fail(ps, ISMS_JSON_E_NUMBER, start,
				    "number out of range (too large for a double)");
		o = json_object_new_double_s(d, text);
	}
	if (!o)
		return json_nomem(ps);
	*ret = o;
	return 0;
}

/* A bare word where a value should be: say what it is taken for. */
static int word(struct parser *ps, struct json_object **ret)
{
	static const struct {
		const char *w;
		size_t n;
	} lits[] = {{"true", 4}, {"false", 5}, {"null", 4}};
	size_t end = ps->pos;

	while (end < ps->len && is_word(ps->s[end]) && end - ps->pos < 16)
		end++;
	for (size_t i = 0; i < 3; i++) {
		if (end - ps->pos != lits[i].n || memcmp(ps->s + ps->pos, lits[i].w, lits[i].n) != 0)
			continue;
		ps->pos = end;
		if (i == 2) {
			*ret = NULL;
			return 0;
		}
		*ret = json_object_new_boolean(i == 0);
		return *ret ? 0 : json_nomem(ps);
	}
	if ((end - ps->pos == 3 && memcmp(ps->s + ps->pos, "NaN", 3) == 0) ||
	    (end - ps->pos == 8 && memcmp(ps->s + ps->pos, "Infinity", 8) == 0))
		return json_fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "NaN and Infinity are not JSON numbers");
	return json_fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
		    "unexpected word '%.*s': strings must be in double quotes",
		    (int)(end - ps->pos), (const char *)ps->s + ps->pos);
}

static int enter(struct parser *ps)
{
	if (ps->depth >= ps->max_depth)
		return json_fail(ps, ISMS_JSON_E_DEPTH, ps->pos, "nested deeper than %u levels",
			    ps->max_depth);
	ps->depth++;
	return 0;
}

static int object(struct parser *ps, struct json_object **ret)
{
	struct frame f = {.parent = ps->top, .is_object = true};
	struct json_object *o = NULL;
	size_t comma = 0;
	int r;

	r = enter(ps);
	if (r < 0)
		return r;
	o = json_object_new_object();
	if (!o) {
		r = json_nomem(ps);
		goto out;
	}
	ps->top = &f;
	ps->pos++; /* { */
	skip_ws(ps);
	if (ps->pos < ps->len && ps->s[ps->pos] == '}') {
		ps->pos++;
		goto out;
	}
	for (;;) {
		struct json_object *v = NULL;
		size_t name_at, klen;

		skip_ws(ps);
		name_at = ps->pos;
		if (ps->pos < ps->len && ps->s[ps->pos] == '}' && comma) {
			r = json_fail(ps, ISMS_JSON_E_SYNTAX, comma, "trailing comma before '}'");
			goto out;
		}
		if (ps->pos < ps->len && is_word(ps->s[ps->pos])) {
			r = json_fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
				 "member names must be in double quotes");
			goto out;
		}
		if (ps->pos >= ps->len || ps->s[ps->pos] != '"') {
			r = json_unexpected(ps, "a member name in double quotes");
			goto out;
		}
		r = json_read_string(ps, true, &f.key_off, &klen);
		if (r < 0)
			goto out;
		f.in_member = true;
		if (json_object_object_get_ex(o, ps->scratch + f.key_off, NULL)) {
			r = json_fail(ps, ISMS_JSON_E_DUPLICATE, name_at, "member given twice");
			goto out;
		}
		skip_ws(ps);
		if (ps->pos >= ps->len || ps->s[ps->pos] != ':') {
			r = json_unexpected(ps, "':' after the member name");
			goto out;
		}
		ps->pos++;
		skip_ws(ps);
		r = value(ps, &v);
		if (r < 0)
			goto out;
		if (json_object_object_add_ex(o, ps->scratch + f.key_off, v,
					      JSON_C_OBJECT_ADD_KEY_IS_NEW) < 0) {
			json_object_put(v);
			r = json_nomem(ps);
			goto out;
		}
		f.in_member = false;
		ps->scratch_len = f.key_off; /* pop the name */
		skip_ws(ps);
		if (ps->pos < ps->len && ps->s[ps->pos] == ',') {
			comma = ps->pos++;
			continue;
		}
		if (ps->pos < ps->len && ps->s[ps->pos] == '}') {
			ps->pos++;
			break;
		}
		r = json_unexpected(ps, "',' or '}'");
		goto out;
	}
out:
	ps->top = f.parent;
	ps->depth--;
	if (r < 0) {
		json_object_put(o);
		return r;
	}
	*ret = o;
	return 0;
}

static int array(struct parser *ps, struct json_object **ret)
{
	struct frame f = {.parent = ps->top};
	struct json_object *a = NULL;
	size_t comma = 0;
	int r;

	r = enter(ps);
	if (r < 0)
		return r;
	a = json_object_new_array();
	if (!a) {
		r = json_nomem(ps);
		goto out;
	}
	ps->top = &f;
	ps->pos++; /* [ */
	skip_ws(ps);
	if (ps->pos < ps->len && ps->s[ps->pos] == ']') {
		ps->pos++;
		goto out;
	}
	for (;; f.index++) {
		struct json_object *v = NULL;

		skip_ws(ps);
		if (ps->pos < ps->len && ps->s[ps->pos] == ']' && comma) {
			r = json_fail(ps, ISMS_JSON_E_SYNTAX, comma, "trailing comma before ']'");
			goto out;
		}
		f.in_element = true;
		r = value(ps, &v);
		if (r < 0)
			goto out;
		if (json_object_array_add(a, v) < 0) {
			json_object_put(v);
			r = json_nomem(ps);
			goto out;
		}
		f.in_element = false;
		skip_ws(ps);
		if (ps->pos < ps->len && ps->s[ps->pos] == ',') {
			comma = ps->pos++;
			continue;
		}
		if (ps->pos < ps->len && ps->s[ps->pos] == ']') {
			ps->pos++;
			break;
		}
		r = json_unexpected(ps, "',' or ']'");
		goto out;
	}
out:
	ps->top = f.parent;
	ps->depth--;
	if (r < 0) {
		json_object_put(a);
		return r;
	}
	*ret = a;
	return 0;
}

/* One value at ps->pos (white space already skipped). */
static int value(struct parser *ps, struct json_object **ret)
{
	unsigned char c;

	if (ps->pos >= ps->len)
		return json_unexpected(ps, "a value");
	c = ps->s[ps->pos];
	switch (c) {
	case '{':
		return object(ps, ret);
	case '[':
		return array(ps, ret);
	case '"': {
		size_t off, n;
		int r = json_read_string(ps, false, &off, &n);

		if (r < 0)
			return r;
		*ret = json_object_new_string_len(ps->scratch + off, (int)n);
		ps->scratch_len = off;
		return *ret ? 0 : json_nomem(ps);
	}
	case '-':
		return number(ps, ret);
	case '+':
		return json_fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a number must not begin with '+'");
	case '.':
		return json_fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a number must begin with a digit");
	default:
		if (is_digit(c))
			return number(ps, ret);
		if (is_word(c))
			return word(ps, ret);
		return json_unexpected(ps, "a value");
	}
}

/* ---- the interface ------------------------------------------------------------------------ */

int isms_json_parse(const char *text, size_t len, const struct isms_json_limits *limits,
		    struct json_object **ret_obj, struct isms_json_error *err)
{
	struct parser ps = {
		.s = (const unsigned char *)text,
		.len = len,
		.max_depth = ISMS_JSON_DEPTH_DEFAULT,
		.err = err,
	};
	size_t max_bytes = ISMS_JSON_BYTES_DEFAULT;
	struct json_object *o = NULL;
	int r;

	if (limits && limits->max_depth)
		ps.max_depth = limits->max_depth < ISMS_JSON_DEPTH_MAX ? limits->max_depth
								       : ISMS_JSON_DEPTH_MAX;
	if (limits && limits->max_bytes)
		max_bytes = limits->max_bytes < ISMS_JSON_BYTES_MAX ? limits->max_bytes
								    : ISMS_JSON_BYTES_MAX;
	if (len > max_bytes) {
		/* Not one byte more is looked at. */
		ps.len = 0;
		return json_fail(&ps, ISMS_JSON_E_SIZE, 0, "larger than %zu bytes", max_bytes);
	}
	skip_ws(&ps);
	if (ps.pos >= ps.len) {
		r = json_fail(&ps, ISMS_JSON_E_EOF, ps.pos, "no JSON value (empty input)");
		goto out;
	}
	r = value(&ps, &o);
	if (r < 0)
		goto out;
	skip_ws(&ps);
	if (ps.pos < ps.len) {
		if (ps.s[ps.pos] == '/')
			r = json_fail(&ps, ISMS_JSON_E_COMMENT, ps.pos, "comments are not allowed in JSON");
		else if (ps.s[ps.pos] == '\0')
			r = json_fail(&ps, ISMS_JSON_E_NUL, ps.pos, "NUL byte after the value");
		else
			r = json_fail(&ps, ISMS_JSON_E_TRAILING, ps.pos, "trailing data after the value");
		goto out;
	}
	*ret_obj = o;
	o = NULL;
	r = 0;
out:
	json_object_put(o);
	free(ps.scratch);
	if (ps.c_locale)
		freelocale(ps.c_locale);
	return r;
}

int isms_json_check(const char *text, size_t len, const struct isms_json_limits *limits,
		    struct isms_json_error *err)
{
	struct json_object *o = NULL;
	int r;

	/* Most text checked is simple: a yes without building objects. */
	if (json_fast_valid(text, len, limits))
		return 0;
	r = isms_json_parse(text, len, limits, &o, err);
	json_object_put(o);
	return r;
}

void isms_json_error_text(const struct isms_json_error *err, char *buf, size_t len)
{
	if (!len)
		return;
	snprintf(buf, len, "line %u, column %u (byte %zu), at %s: %s", err->line, err->column,
		 err->offset, err->path[0] ? err->path : "$", err->msg);
}
