/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The strict JSON reader's errors (with the path to them), scratch space and strings. */
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

int json_fail(struct parser *ps, enum isms_json_errkind kind, size_t at, const char *fmt, ...)
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

int json_nomem(struct parser *ps)
{
	return json_fail(ps, ISMS_JSON_E_NOMEM, ps->pos, "out of memory");
}

/* The byte at the current position is not what @expected names: say what it is. */
int json_unexpected(struct parser *ps, const char *expected)
{
	unsigned char c;

	if (ps->pos >= ps->len)
		return json_fail(ps, ISMS_JSON_E_EOF, ps->pos, "unexpected end of data, expected %s",
			    expected);
	c = ps->s[ps->pos];
	if (c == '/')
		return json_fail(ps, ISMS_JSON_E_COMMENT, ps->pos, "comments are not allowed in JSON");
	if (c == '\0')
		return json_fail(ps, ISMS_JSON_E_NUL, ps->pos, "NUL byte in the text");
	if (c == '\'')
		return json_fail(ps, ISMS_JSON_E_STRING, ps->pos,
			    "strings must be in double quotes, not single quotes");
	if (c >= 0x80) {
		if (isms_utf8_len(ps->s + ps->pos, ps->len - ps->pos) == 0)
			return json_fail(ps, ISMS_JSON_E_UTF8, ps->pos, "invalid UTF-8 (byte 0x%02x)",
				    c);
		if (ps->len - ps->pos >= 3 && memcmp(ps->s + ps->pos, "\xef\xbb\xbf", 3) == 0)
			return json_fail(ps, ISMS_JSON_E_UTF8, ps->pos,
				    "byte order mark not allowed, expected %s", expected);
		return json_fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
			    "unexpected non-ASCII character, expected %s", expected);
	}
	if (c < 0x20 || c == 0x7f)
		return json_fail(ps, ISMS_JSON_E_SYNTAX, ps->pos,
			    "unexpected control character 0x%02x, expected %s", c, expected);
	return json_fail(ps, ISMS_JSON_E_SYNTAX, ps->pos, "unexpected '%c', expected %s", c, expected);
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
			return json_nomem(ps);
		cap *= 2;
	}
	p = realloc(ps->scratch, cap);
	if (!p)
		return json_nomem(ps);
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
		return json_fail(ps, ISMS_JSON_E_EOF, ps->pos, "unexpected end of data in a \\u escape");
	if (hex4(ps->s + ps->pos + 2, &cp) < 0)
		return json_fail(ps, ISMS_JSON_E_STRING, at, "\\u must be followed by four hex digits");
	ps->pos += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return json_fail(ps, ISMS_JSON_E_STRING, at, "unpaired low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->len - ps->pos < 6 || ps->s[ps->pos] != '\\' || ps->s[ps->pos + 1] != 'u' ||
		    hex4(ps->s + ps->pos + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return json_fail(ps, ISMS_JSON_E_STRING, at,
				    "high surrogate \\u%04x not followed by a low surrogate", cp);
		ps->pos += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0 && is_name)
		return json_fail(ps, ISMS_JSON_E_STRING, at, "U+0000 is not allowed in a member name");
	return scratch_put(ps, out, utf8_encode(cp, out));
}

/*
 * The string at ps->pos (its opening quote), unescaped and NUL-terminated
 * onto the scratch stack at *ret_off; *ret_len without the NUL.
 */
int json_read_string(struct parser *ps, bool is_name, size_t *ret_off, size_t *ret_len)
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
			return json_fail(ps, ISMS_JSON_E_EOF, start, "unterminated string");
		c = ps->s[ps->pos];
		if (c == '"') {
			ps->pos++;
			break;
		}
		if (c == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *e;

			if (ps->pos + 1 >= ps->len)
				return json_fail(ps, ISMS_JSON_E_EOF, start, "unterminated string");
			c = ps->s[ps->pos + 1];
			if (c == 'u') {
				r = unicode_escape(ps, is_name);
				continue;
			}
			e = c ? strchr(from, c) : NULL;
			if (!e) {
				if (c > 0x20 && c < 0x7f)
					return json_fail(ps, ISMS_JSON_E_STRING, ps->pos,
						    "invalid escape '\\%c'", c);
				return json_fail(ps, ISMS_JSON_E_STRING, ps->pos, "invalid escape");
			}
			r = scratch_put(ps, &to[e - from], 1);
			ps->pos += 2;
			continue;
		}
		if (c == '\0')
			return json_fail(ps, ISMS_JSON_E_NUL, ps->pos, "NUL byte in a string");
		if (c == '\n')
			return json_fail(ps, ISMS_JSON_E_STRING, ps->pos,
				    "newline in a string (a missing '\"'?)");
		if (c < 0x20)
			return json_fail(ps, ISMS_JSON_E_STRING, ps->pos,
				    "control character 0x%02x in a string: write it as \\u%04x", c, c);
		{
			size_t k = isms_utf8_len(ps->s + ps->pos, ps->len - ps->pos);

			if (k == 0)
				return json_fail(ps, ISMS_JSON_E_UTF8, ps->pos,
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

