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

/* Longer number tokens are refused: no real input needs them, and a double
 * has 17 significant digits. */
#define NUMBER_MAX 512

/* One open array or object, for the path of an error. */
struct frame {
	const struct frame *parent;
	bool is_object;
	bool in_member; /* object: a name was read, its value not finished */
	bool in_element; /* array: an element is being read */
	size_t index;    /* array: the element's index */
	size_t key_off;  /* object: the name, NUL-terminated, in the scratch space */
};

struct parser {
	const unsigned char *s;
	size_t len, pos;
	unsigned max_depth, depth;
	const struct frame *top;
	char *scratch; /* a stack: names of the open members, then the string being read */
	size_t scratch_len, scratch_cap;
	locale_t c_locale; /* made on the first non-integer number */
	struct isms_json_error *err;
	int r;
};

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static void skip_ws(struct parser *ps)
{
	while (ps->pos < ps->len && is_ws(ps->s[ps->pos]))
		ps->pos++;
}

/* ---- errors ------------------------------------------------------------------------------ */

struct pathbuf {
	char *buf;
	size_t cap, len;
	bool full;
};

static void path_put(struct pathbuf *pb, const char *s, size_t n)
{
	/* Keep room for "..." and the NUL. */
	if (pb->full || pb->len + n + 4 > pb->cap) {
		if (!pb->full && pb->len + 4 <= pb->cap) {
			memcpy(pb->buf + pb->len, "...", 3);
			pb->len += 3;
		}
		pb->full = true;
		return;
	}
	memcpy(pb->buf + pb->len, s, n);
	pb->len += n;
}

static void path_key(struct pathbuf *pb, const char *key)
{
	static const char hex[] = "0123456789abcdef";
	bool plain = key[0] != '\0';
	char seg[8];

	for (const char *k = key; *k && plain; k++)
		plain = is_word((unsigned char)*k) || *k == '-';
	if (plain) {
		path_put(pb, ".", 1);
		path_put(pb, key, strlen(key));
		return;
	}
	path_put(pb, "[\"", 2);
	for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
		if (*k == '"' || *k == '\\') {
			seg[0] = '\\';
			seg[1] = (char)*k;
			path_put(pb, seg, 2);
		} else if (*k < 0x20 || *k == 0x7f) {
			memcpy(seg, "\\u00", 4);
			seg[4] = hex[*k >> 4];
			seg[5] = hex[*k & 0xf];
			path_put(pb, seg, 6);
		} else {
			/* Whole UTF-8 sequences only, so a cut path stays valid text. */
			size_t n = isms_utf8_len(k, strlen((const char *)k));

			if (n == 0)
				n = 1;
			path_put(pb, (const char *)k, n);
			k += n - 1;
		}
	}
	path_put(pb, "\"]", 2);
}

static void fill_path(const struct parser *ps, char *buf, size_t cap)
{
	const struct frame *chain[ISMS_JSON_DEPTH_MAX];
	struct pathbuf pb = {.buf = buf, .cap = cap};
	size_t n = 0;

	for (const struct frame *f = ps->top; f && n < ISMS_JSON_DEPTH_MAX; f = f->parent)
		chain[n++] = f;
	path_put(&pb, "$", 1);
	while (n--) {
		const struct frame *f = chain[n];

		if (f->is_object && f->in_member) {
			path_key(&pb, ps->scratch + f->key_off);
		} else if (!f->is_object && f->in_element) {
			char idx[32];
			int k = snprintf(idx, sizeof(idx), "[%zu]", f->index);

			path_put(&pb, idx, (size_t)k);
		}
	}
	pb.buf[pb.len] = '\0';
}

static int fail(struct parser *ps, enum isms_json_errkind kind, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct parser *ps, enum isms_json_errkind kind, size_t at, const char *fmt, ...)
{
	struct isms_json_error *e = ps->err;
	unsigned line = 1, column = 1;
	va_list ap;

	if (ps->r < 0)
		return ps->r;
	ps->r = kind == ISMS_JSON_E_NOMEM ? -ENOMEM : kind == ISMS_JSON_E_SIZE ? -EFBIG : -EINVAL;
	if (!e)
		return ps->r;
	memset(e, 0, sizeof(*e));
	if (at > ps->len)
		at = ps->len;
	for (size_t i = 0; i < at; i++) {
		if (ps->s[i] == '\n') {
			line++;
			column = 1;
		} else if ((ps->s[i] & 0xc0) != 0x80) { /* not a continuation byte */
			column++;
		}
	}
	e->kind = kind;
	e->offset = at;
	e->line = line;
	e->column = column;
	fill_path(ps, e->path, sizeof(e->path));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return ps->r;
}

static int nomem(struct parser *ps)
{
	return fail(ps, ISMS_JSON_E_NOMEM, ps->pos, "out of memory");
}

/* The byte at the current position is not what @expected names: say what it is. */
static int unexpected(struct parser *ps, const char *expected)
{
	unsigned char c;

	if (ps->pos >= ps->len)
		return fail(ps, ISMS_JSON_E_EOF, ps->pos, "unexpected end of data, expected %s",
			    expected);
	c = ps->s[ps->pos];
	if (c == '/')
		return fail(ps, ISMS_JSON_E_COMMENT, ps->pos, "comments are not allowed in JSON");
	if (c == '\0')
		return fail(ps, ISMS_JSON_E_NUL, ps->pos, "NUL byte in the text");
	if (c == '\'')
		return fail(ps, ISMS_JSON_E_STRING, ps->pos,
			    "strings must be in double quotes, not single quotes");
	if (c >= 0x80) {
		if (isms_utf8_len(ps->s + ps->pos, ps->len - ps->pos) == 0)
			return fail(ps, ISMS_JSON_E_UTF8, ps->pos, "invalid UTF-8 (byte 0x%02x)",
				    c);
		if (ps->len - ps->pos >= 3 && memcmp(ps->s + ps->pos, "\xef\xbb\xbf", 3) == 0)
			return fail(ps, ISMS_JSON_E_UTF8, ps->pos,
				    "byte order mark not allowed, expected %s", expected);
		return fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
			    "unexpected non-ASCII character, expected %s", expected);
	}
	if (c < 0x20 || c == 0x7f)
		return fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
			    "unexpected control character 0x%02x, expected %s", c, expected);
	return fail(ps, ISMS_JSON_E_SYNTAX, ps->pos, "unexpected '%c', expected %s", c, expected);
}

/* ---- scratch space ------------------------------------------------------------------------ */

static int scratch_reserve(struct parser *ps, size_t n)
{
	size_t cap;
	char *p;

	if (ps->scratch_cap - ps->scratch_len >= n)
		return 0;
	cap = ps->scratch_cap ? ps->scratch_cap : 256;
	while (cap - ps->scratch_len < n) {
		if (cap > SIZE_MAX / 2)
			return nomem(ps);
		cap *= 2;
	}
	p = realloc(ps->scratch, cap);
	if (!p)
		return nomem(ps);
	ps->scratch = p;
	ps->scratch_cap = cap;
	return 0;
}

static int scratch_put(struct parser *ps, const void *b, size_t n)
{
	int r = scratch_reserve(ps, n);

	if (r < 0)
		return r;
	memcpy(ps->scratch + ps->scratch_len, b, n);
	ps->scratch_len += n;
	return 0;
}

/* ---- strings ------------------------------------------------------------------------------ */

static int hex4(const unsigned char *p, unsigned *ret)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

static size_t utf8_encode(unsigned cp, unsigned char out[4])
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape at ps->pos (the backslash), with its low surrogate if it needs one. */
static int unicode_escape(struct parser *ps, bool is_name)
{
	size_t at = ps->pos;
	unsigned char out[4];
	unsigned cp, lo;

	if (ps->len - ps->pos < 6)
		return fail(ps, ISMS_JSON_E_EOF, ps->pos, "unexpected end of data in a \\u escape");
	if (hex4(ps->s + ps->pos + 2, &cp) < 0)
		return fail(ps, ISMS_JSON_E_STRING, at, "\\u must be followed by four hex digits");
	ps->pos += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, ISMS_JSON_E_STRING, at, "unpaired low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->len - ps->pos < 6 || ps->s[ps->pos] != '\\' || ps->s[ps->pos + 1] != 'u' ||
		    hex4(ps->s + ps->pos + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, ISMS_JSON_E_STRING, at,
				    "high surrogate \\u%04x not followed by a low surrogate", cp);
		ps->pos += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0 && is_name)
		return fail(ps, ISMS_JSON_E_STRING, at, "U+0000 is not allowed in a member name");
	return scratch_put(ps, out, utf8_encode(cp, out));
}

/*
 * The string at ps->pos (its opening quote), unescaped and NUL-terminated
 * onto the scratch stack at *ret_off; *ret_len without the NUL.
 */
static int read_string(struct parser *ps, bool is_name, size_t *ret_off, size_t *ret_len)
{
	size_t start = ps->pos, off = ps->scratch_len;
	int r = 0;

	ps->pos++;
	while (r == 0) {
		size_t run = ps->pos;
		unsigned char c;

		/* Plain ASCII in one copy: most of every string. */
		while (run < ps->len && ps->s[run] >= 0x20 && ps->s[run] < 0x80 &&
		       ps->s[run] != '"' && ps->s[run] != '\\')
			run++;
		if (run > ps->pos) {
			r = scratch_put(ps, ps->s + ps->pos, run - ps->pos);
			ps->pos = run;
			continue;
		}
		if (ps->pos >= ps->len)
			return fail(ps, ISMS_JSON_E_EOF, start, "unterminated string");
		c = ps->s[ps->pos];
		if (c == '"') {
			ps->pos++;
			break;
		}
		if (c == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e;

			if (ps->pos + 1 >= ps->len)
				return fail(ps, ISMS_JSON_E_EOF, start, "unterminated string");
			c = ps->s[ps->pos + 1];
			if (c == 'u') {
				r = unicode_escape(ps, is_name);
				continue;
			}
			e = c ? strchr(from, c) : NULL;
			if (!e) {
				if (c > 0x20 && c < 0x7f)
					return fail(ps, ISMS_JSON_E_STRING, ps->pos,
						    "invalid escape '\\%c'", c);
				return fail(ps, ISMS_JSON_E_STRING, ps->pos, "invalid escape");
			}
			r = scratch_put(ps, &to[e - from], 1);
			ps->pos += 2;
			continue;
		}
		if (c == '\0')
			return fail(ps, ISMS_JSON_E_NUL, ps->pos, "NUL byte in a string");
		if (c == '\n')
			return fail(ps, ISMS_JSON_E_STRING, ps->pos,
				    "newline in a string (a missing '\"'?)");
		if (c < 0x20)
			return fail(ps, ISMS_JSON_E_STRING, ps->pos,
				    "control character 0x%02x in a string: write it as \\u%04x", c, c);
		{
			size_t k = isms_utf8_len(ps->s + ps->pos, ps->len - ps->pos);

			if (k == 0)
				return fail(ps, ISMS_JSON_E_UTF8, ps->pos,
					    "invalid UTF-8 in a string (byte 0x%02x)", c);
			r = scratch_put(ps, ps->s + ps->pos, k);
			ps->pos += k;
		}
	}
	if (r == 0)
		r = scratch_put(ps, "", 1);
	if (r < 0)
		return r;
	*ret_off = off;
	*ret_len = ps->scratch_len - off - 1;
	return 0;
}

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
		return fail(ps, ISMS_JSON_E_EOF, ps->pos, "unexpected end of data in a number");
	if (ps->s[ps->pos] == '0') {
		ps->pos++;
		if (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			return fail(ps, ISMS_JSON_E_NUMBER, start, "leading zero in a number");
	} else if (is_digit(ps->s[ps->pos])) {
		while (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			ps->pos++;
	} else if (ps->s[ps->pos] == 'I') {
		return fail(ps, ISMS_JSON_E_NUMBER, start, "NaN and Infinity are not JSON numbers");
	} else {
		return fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a digit must follow '-'");
	}
	if (ps->pos < ps->len && ps->s[ps->pos] == '.') {
		integer = false;
		ps->pos++;
		if (ps->pos >= ps->len || !is_digit(ps->s[ps->pos]))
			return fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a digit must follow '.'");
		while (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			ps->pos++;
	}
	if (ps->pos < ps->len && (ps->s[ps->pos] == 'e' || ps->s[ps->pos] == 'E')) {
		integer = false;
		ps->pos++;
		if (ps->pos < ps->len && (ps->s[ps->pos] == '+' || ps->s[ps->pos] == '-'))
			ps->pos++;
		if (ps->pos >= ps->len || !is_digit(ps->s[ps->pos]))
			return fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a digit must follow the exponent");
		while (ps->pos < ps->len && is_digit(ps->s[ps->pos]))
			ps->pos++;
	}
	/* "0x1f", "1.2.3", "1-2", "12abc" */
	if (ps->pos < ps->len && (is_word(ps->s[ps->pos]) || ps->s[ps->pos] == '.' ||
				  ps->s[ps->pos] == '+' || ps->s[ps->pos] == '-'))
		return fail(ps, ISMS_JSON_E_NUMBER, start, "malformed number");
	n = ps->pos - start;
	if (n > NUMBER_MAX)
		return fail(ps, ISMS_JSON_E_NUMBER, start, "number longer than %d characters",
			    NUMBER_MAX);
	memcpy(text, ps->s + start, n);
	text[n] = '\0';
	if (integer) {
		uint64_t v = 0;

		for (size_t i = neg; i < n; i++) {
			unsigned d = (unsigned)(text[i] - '0');

			if (v > (UINT64_MAX - d) / 10)
				return fail(ps, ISMS_JSON_E_NUMBER, start,
					    "integer out of range (more than 64 bits)");
			v = v * 10 + d;
		}
		if (neg && v > (uint64_t)INT64_MAX + 1)
			return fail(ps, ISMS_JSON_E_NUMBER, start,
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
				return nomem(ps);
		}
		d = strtod_l(text, NULL, ps->c_locale);
		if (!isfinite(d))
			return fail(ps, ISMS_JSON_E_NUMBER, start,
				    "number out of range (too large for a double)");
		o = json_object_new_double_s(d, text);
	}
	if (!o)
		return nomem(ps);
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
		return *ret ? 0 : nomem(ps);
	}
	if ((end - ps->pos == 3 && memcmp(ps->s + ps->pos, "NaN", 3) == 0) ||
	    (end - ps->pos == 8 && memcmp(ps->s + ps->pos, "Infinity", 8) == 0))
		return fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "NaN and Infinity are not JSON numbers");
	return fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
		    "unexpected word '%.*s': strings must be in double quotes",
		    (int)(end - ps->pos), (const char *)ps->s + ps->pos);
}

static int enter(struct parser *ps)
{
	if (ps->depth >= ps->max_depth)
		return fail(ps, ISMS_JSON_E_DEPTH, ps->pos, "nested deeper than %u levels",
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
		r = nomem(ps);
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
			r = fail(ps, ISMS_JSON_E_SYNTAX, comma, "trailing comma before '}'");
			goto out;
		}
		if (ps->pos < ps->len && is_word(ps->s[ps->pos])) {
			r = fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
				 "member names must be in double quotes");
			goto out;
		}
		if (ps->pos >= ps->len || ps->s[ps->pos] != '"') {
			r = unexpected(ps, "a member name in double quotes");
			goto out;
		}
		r = read_string(ps, true, &f.key_off, &klen);
		if (r < 0)
			goto out;
		f.in_member = true;
		if (json_object_object_get_ex(o, ps->scratch + f.key_off, NULL)) {
			r = fail(ps, ISMS_JSON_E_DUPLICATE, name_at, "member given twice");
			goto out;
		}
		skip_ws(ps);
		if (ps->pos >= ps->len || ps->s[ps->pos] != ':') {
			r = unexpected(ps, "':' after the member name");
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
			r = nomem(ps);
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
		r = unexpected(ps, "',' or '}'");
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
		r = nomem(ps);
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
			r = fail(ps, ISMS_JSON_E_SYNTAX, comma, "trailing comma before ']'");
			goto out;
		}
		f.in_element = true;
		r = value(ps, &v);
		if (r < 0)
			goto out;
		if (json_object_array_add(a, v) < 0) {
			json_object_put(v);
			r = nomem(ps);
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
		r = unexpected(ps, "',' or ']'");
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
		return unexpected(ps, "a value");
	c = ps->s[ps->pos];
	switch (c) {
	case '{':
		return object(ps, ret);
	case '[':
		return array(ps, ret);
	case '"': {
		size_t off, n;
		int r = read_string(ps, false, &off, &n);

		if (r < 0)
			return r;
		*ret = json_object_new_string_len(ps->scratch + off, (int)n);
		ps->scratch_len = off;
		return *ret ? 0 : nomem(ps);
	}
	case '-':
		return number(ps, ret);
	case '+':
		return fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a number must not begin with '+'");
	case '.':
		return fail(ps, ISMS_JSON_E_NUMBER, ps->pos, "a number must begin with a digit");
	default:
		if (is_digit(c))
			return number(ps, ret);
		if (is_word(c))
			return word(ps, ret);
		return unexpected(ps, "a value");
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
		return fail(&ps, ISMS_JSON_E_SIZE, 0, "larger than %zu bytes", max_bytes);
	}
	skip_ws(&ps);
	if (ps.pos >= ps.len) {
		r = fail(&ps, ISMS_JSON_E_EOF, ps.pos, "no JSON value (empty input)");
		goto out;
	}
	r = value(&ps, &o);
	if (r < 0)
		goto out;
	skip_ws(&ps);
	if (ps.pos < ps.len) {
		if (ps.s[ps.pos] == '/')
			r = fail(&ps, ISMS_JSON_E_COMMENT, ps.pos, "comments are not allowed in JSON");
		else if (ps.s[ps.pos] == '\0')
			r = fail(&ps, ISMS_JSON_E_NUL, ps.pos, "NUL byte after the value");
		else
			r = fail(&ps, ISMS_JSON_E_TRAILING, ps.pos, "trailing data after the value");
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
	int r = isms_json_parse(text, len, limits, &o, err);

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
