/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_JSON_INTERNAL_H
#define ISMS_JSON_INTERNAL_H

/* The strict JSON reader's state, shared by its two halves: json_lex.c
 * (errors and their paths, the scratch space, strings) and json.c (values). */

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "isms/json.h"

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

static inline bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static inline void skip_ws(struct parser *ps)
{
	while (ps->pos < ps->len && is_ws(ps->s[ps->pos]))
		ps->pos++;
}

/* Record the first error (kind, byte offset, message, path) and return -EINVAL. */
int json_fail(struct parser *ps, enum isms_json_errkind kind, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int json_nomem(struct parser *ps);
/* The byte at the current position is not what the grammar allows here. */
int json_unexpected(struct parser *ps, const char *expected);
/* Read a string at the current '"' into the scratch space: offset and length. */
int json_read_string(struct parser *ps, bool is_name, size_t *ret_off, size_t *ret_len);

/*
 * Whether @text is, for sure, strict JSON that isms_json_parse() accepts
 * under @limits (json_fast.c): true only within a simple subset; false
 * means "not sure", never "invalid".
 */
bool json_fast_valid(const char *text, size_t len, const struct isms_json_limits *limits);

#endif
