/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"

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

static void sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && !w->first[w->depth - 1] && room(w, 1))
		put(w, ",", 1);
	if (w->depth > 0)
		w->first[w->depth - 1] = false;
}

static void open_level(struct jsonw *w, char c)
{
	if (w->depth >= 8 || !room(w, 1)) {
		w->full = true;
		return;
	}
	put(w, &c, 1);
	w->open[w->depth] = c;
	w->first[w->depth] = true;
	w->depth++;
}

void jsonw_object(struct jsonw *w)
{
	sep(w);
	open_level(w, '{');
}

void jsonw_array(struct jsonw *w)
{
	sep(w);
	open_level(w, '[');
}

void jsonw_end(struct jsonw *w)
{
	if (w->depth == 0)
		return;
	w->depth--;
	/* Closing always fits: RESERVE is kept for it. */
	put(w, w->open[w->depth] == '{' ? "}" : "]", 1);
}

static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t k;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
		return 0;
	return k;
}

static void string(struct jsonw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!room(w, 2))
		return;
	put(w, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		char esc[16];
		size_t k;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			k = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			esc[0] = (char)c;
			k = 1;
			i++;
		} else {
			size_t u = utf8_len(p + i, n - i);

			if (u == 0) {
				/* Not UTF-8: keep the byte, visibly, as text. */
				k = (size_t)snprintf(esc, sizeof(esc), "\\\\x%02x", c);
				i++;
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

void jsonw_key(struct jsonw *w, const char *key)
{
	/* A key must never be left without its value: room for both, or neither. */
	if (!room(w, strlen(key) * 6 + 16))
		return;
	sep(w);
	string(w, key, strlen(key));
	if (room(w, 1))
		put(w, ":", 1);
	w->after_key = true;
}

void jsonw_strn(struct jsonw *w, const char *key, const char *v, size_t n)
{
	if (w->full)
		return;
	if (key) {
		jsonw_key(w, key);
		w->after_key = false; /* the value follows here */
	} else {
		sep(w);
	}
	if (!v) {
		if (room(w, 4))
			put(w, "null", 4);
		return;
	}
	string(w, v, n);
}

void jsonw_str(struct jsonw *w, const char *key, const char *v)
{
	jsonw_strn(w, key, v, v ? strlen(v) : 0);
}

void jsonw_int(struct jsonw *w, const char *key, long long v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", v);

	if (w->full)
		return;
	if (key) {
		jsonw_key(w, key);
		w->after_key = false; /* the value follows here */
	} else {
		sep(w);
	}
	if (room(w, (size_t)n))
		put(w, num, (size_t)n);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	if (w->full)
		return;
	if (key) {
		jsonw_key(w, key);
		w->after_key = false; /* the value follows here */
	} else {
		sep(w);
	}
	if (room(w, 5))
		put(w, v ? "true" : "false", v ? 4 : 5);
}

size_t jsonw_finish(struct jsonw *w)
{
	bool full = w->full;

	/* A key written without its value would be invalid: the writer never
	 * leaves one, since key and value are written together above the
	 * reserve, or the key is dropped with the value. */
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
