/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "isms/strutil.h"

/* Room kept back to close open levels and add the truncation mark. */
#define RESERVE 48

void jsonw_init(struct jsonw *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (cap)
		buf[0] = '\0';
}

static bool room(struct jsonw *w, size_t n)
{
	if (w->full || w->len + n + RESERVE > w->cap) {
		w->full = true;
		return false;
	}
	return true;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/*
 * Every value goes in whole with its separator and key, or not at all: a
 * separator or a key left without its value would make the output invalid.
 */
static void take_back(struct jsonw *w)
{
	w->len = w->mark;
	w->buf[w->len] = '\0';
	if (w->depth > 0)
		w->first[w->depth - 1] = w->mark_first;
	w->after_key = false;
	w->full = true;
}

/* Start a value needing at least @need bytes: separator (unless after a key) and room. */
static bool value_begin(struct jsonw *w, size_t need)
{
	bool comma;

	if (w->full)
		return false;
	if (w->after_key) {
		w->after_key = false;
		if (room(w, need))
			return true;
		take_back(w); /* the key goes too */
		return false;
	}
	comma = w->depth > 0 && !w->first[w->depth - 1];
	if (!room(w, need + comma))
		return false;
	if (comma)
		put(w, ",", 1);
	if (w->depth > 0)
		w->first[w->depth - 1] = false;
	return true;
}

static void open_level(struct jsonw *w, char c)
{
	if (w->depth >= 8 || !value_begin(w, 1)) {
		w->full = true;
		w->skipped++;
		return;
	}
	put(w, &c, 1);
	w->open[w->depth] = c;
	w->first[w->depth] = true;
	w->depth++;
}

void jsonw_object(struct jsonw *w)
{
	open_level(w, '{');
}

void jsonw_array(struct jsonw *w)
{
	open_level(w, '[');
}

void jsonw_end(struct jsonw *w)
{
	if (w->skipped > 0) {
		w->skipped--;
		return;
	}
	if (w->depth == 0)
		return;
	w->depth--;
	/* Closing always fits: RESERVE is kept for it. */
	put(w, w->open[w->depth] == '{' ? "}" : "]", 1);
}


static const char hex[] = "0123456789abcdef";

/* How many bytes from @p go into a JSON string as they are. */
static size_t plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/* A string; value_begin() has made room for its two quotes. */
static void string(struct jsonw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	put(w, "\"", 1);
	for (size_t i = 0; i < n;) {
		size_t run = plain_run(p + i, n - i);
		unsigned char c = p[i];
		char esc[16];
		size_t k;

		if (run) {
			/*
			 * Plain text in one copy (this is most of every event): as
			 * many bytes as the one-byte path below would take, each
			 * needing room for itself and the closing quote.
			 */
			size_t fit = w->len + 1 + RESERVE < w->cap ? w->cap - w->len - 1 - RESERVE : 0;

			if (run > fit) {
				put(w, s + i, fit);
				w->full = true;
				break;
			}
			put(w, s + i, run);
			i += run;
			continue;
		}
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			k = 6;
			i++;
		} else if (c < 0x80) {
			esc[0] = (char)c;
			k = 1;
			i++;
		} else {
			size_t u = isms_utf8_len(p + i, n - i);

			if (u == 0) {
				/* Not UTF-8: keep the byte, visibly, as text. */
				memcpy(esc, "\\\\x", 3);
				esc[3] = hex[c >> 4];
				esc[4] = hex[c & 0xf];
				k = 5;
				i++;
			} else if (isms_utf8_is_c1(p + i, u)) {
				/* C1 controls (U+0080-U+009F) are valid UTF-8, but a terminal
				 * takes U+009B as CSI and the store refuses them in text. */
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[p[i + 1] >> 4];
				esc[5] = hex[p[i + 1] & 0xf];
				k = 6;
				i += 2;
			} else {
				memcpy(esc, p + i, u);
				k = u;
				i += u;
			}
		}
		if (!room(w, k + 1))
			break;
		put(w, esc, k);
	}
	/* RESERVE guarantees the closing quote. */
	put(w, "\"", 1);
}

/* "%lld" into @out (at least 21 bytes), NUL-terminated; returns the length. */
static int fmt_ll(char *out, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char tmp[24];
	int k = 0, n = 0;

	do
		tmp[k++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		out[n++] = '-';
	while (k)
		out[n++] = tmp[--k];
	out[n] = '\0';
	return n;
}

void jsonw_key(struct jsonw *w, const char *key)
{
	size_t klen = strlen(key);
	bool comma;

	if (w->full)
		return;
	/* The key, and room for the smallest value after it (a long long is 20). */
	comma = w->depth > 0 && !w->first[w->depth - 1];
	if (!room(w, comma + klen * 6 + 3 + 20))
		return;
	w->mark = w->len;
	w->mark_first = w->depth > 0 ? w->first[w->depth - 1] : false;
	if (comma)
		put(w, ",", 1);
	if (w->depth > 0)
		w->first[w->depth - 1] = false;
	string(w, key, klen);
	put(w, ":", 1);
	w->after_key = true;
}

void jsonw_strn(struct jsonw *w, const char *key, const char *v, size_t n)
{
	if (key)
		jsonw_key(w, key);
	if (!value_begin(w, v ? 2 : 4))
		return;
	if (!v)
		put(w, "null", 4);
	else
		string(w, v, n);
}

void jsonw_str(struct jsonw *w, const char *key, const char *v)
{
	jsonw_strn(w, key, v, v ? strlen(v) : 0);
}

void jsonw_int(struct jsonw *w, const char *key, long long v)
{
	char num[32];
	int n = fmt_ll(num, v);

	if (key)
		jsonw_key(w, key);
	if (value_begin(w, (size_t)n))
		put(w, num, (size_t)n);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	if (key)
		jsonw_key(w, key);
	if (value_begin(w, v ? 4 : 5))
		put(w, v ? "true" : "false", v ? 4 : 5);
}

size_t jsonw_finish(struct jsonw *w)
{
	bool full;

	/* A key left without its value is taken back (see value_begin). */
	if (w->after_key)
		take_back(w);
	full = w->full;
	w->skipped = 0;
	while (w->depth > 1)
		jsonw_end(w);
	if (w->depth == 1) {
		if (full && w->open[0] == '{') {
			if (!w->first[0])
				put(w, ",", 1);
			put(w, "\"truncated\":true", 16);
		}
		jsonw_end(w);
	}
	return w->len;
}

void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t n)
{
	if (key)
		jsonw_key(w, key);
	if (!value_begin(w, n))
		return;
	put(w, json, n);
}
