/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_JSONW_H
#define AUDISP_ISMS_JSONW_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A small JSON writer into a fixed buffer, for the hot path where json-c's
 * allocations cost more than the event.  Text that is not valid UTF-8 is
 * written with each bad byte as the six characters \\u00XX of its value
 * prefixed by a backslash-x marker, so the output is always valid JSON and
 * nothing is silently dropped.  When the buffer runs out, the writer closes
 * what is open and marks the object "truncated": true.
 */
struct jsonw {
	char *buf;
	size_t len, cap;
	bool full;
	int depth;
	int skipped;    /* levels that did not fit: their jsonw_end() is a no-op */
	char open[8];  /* '{' or '[' per level */
	bool first[8];
	bool after_key; /* the next value belongs to a key just written */
	size_t mark;    /* where the key just written began, to take it back */
	bool mark_first;
};

void jsonw_init(struct jsonw *w, char *buf, size_t cap);
void jsonw_object(struct jsonw *w);
void jsonw_array(struct jsonw *w);
void jsonw_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
/* A string value (NULL writes null); with key when @key is not NULL. */
void jsonw_str(struct jsonw *w, const char *key, const char *v);
void jsonw_strn(struct jsonw *w, const char *key, const char *v, size_t n);
void jsonw_int(struct jsonw *w, const char *key, long long v);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
/* @n bytes of JSON written elsewhere (by a jsonw), as one value. */
void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t n);
/* Close everything and return the length; the buffer is NUL-terminated. */
size_t jsonw_finish(struct jsonw *w);

#endif
