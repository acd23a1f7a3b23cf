/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_STRUTIL_H
#define ISMS_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "isms/date.h"

/* The longest text value accepted for any field. */
#define ISMS_VALUE_MAX 4096

/* Equal, treating '-' in @a as '_' and ignoring case. */
bool isms_streq_dash(const char *a, const char *b);


/* Whole decimal number, optional sign; -EINVAL or -ERANGE. */
int isms_parse_int64(const char *s, int64_t *ret);

/* "1200", "1200.5", "1200.50" -> cents; -EINVAL for anything else or negatives. */
int isms_parse_cents(const char *s, int64_t *ret);

/* yes/no/true/false/1/0/on/off -> 1/0; -EINVAL otherwise. */
int isms_parse_bool(const char *s);

/*
 * Length (1-4) of the well-formed UTF-8 sequence at @p, of at most @n bytes,
 * or 0: a stray continuation byte, a cut sequence, an overlong form, a
 * surrogate, beyond U+10FFFF.  ASCII counts as 1, control characters too:
 * callers decide about those.  Pure.
 */
size_t isms_utf8_len(const unsigned char *p, size_t n);

/* Whether the sequence at @p (of length @len) is a C1 control (U+0080-U+009F). */
static inline bool isms_utf8_is_c1(const unsigned char *p, size_t len)
{
	return len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/* Valid UTF-8 with no control characters other than tab and newline. */
bool isms_text_ok(const char *s);

/*
 * A copy of @in (NULL reads as "") for a log line or a terminal, into @out of
 * @len > 0 bytes, cut at a character: every control character (C0 but a
 * newline when @keep_newline, DEL, C1: a terminal takes U+009B as CSI) and
 * every byte that is not part of well-formed UTF-8 becomes one '?'.
 */
void isms_printable(const char *in, char *out, size_t len, bool keep_newline);

/* isms_date_parse() without the fraction: the one date parser (isms/date.h). */
static inline int isms_parse_datetime(const char *s, int64_t *ret)
{
	return isms_date_parse(s, ret, NULL);
}

/* An absolute path without '..' components, whitespace or control characters. */
bool isms_path_ok(const char *s);

#endif
