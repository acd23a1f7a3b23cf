/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_FIT_H
#define ISMS_FIT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Text fitted to a terminal: display widths, cells cut to a width, columns
 * shrunk to a line's width and help wrapped.  Pure: text in, text out.
 * Text is UTF-8 whatever the user's locale (the store holds UTF-8); widths
 * are wcwidth()'s: CJK two columns, combining marks none, and each byte
 * that is not part of a valid character one column.
 */

/* Columns @s takes on a terminal (NULL: 0); tabs and newlines count one. */
size_t fit_width(const char *s);

/*
 * Bytes of the longest start of @s no wider than @cols, never splitting a
 * character (a zero-width mark stays with its base); its width in
 * *ret_width when not NULL.
 */
size_t fit_prefix(const char *s, size_t cols, size_t *ret_width);

/* How readily a column gives up width: long text first, keys never. */
enum fit_prio { FIT_LONG, FIT_TEXT, FIT_KEEP };
#define FIT_MIN_LONG 12
#define FIT_MIN_TEXT 8
#define FIT_MIN      4

/*
 * Widths @w (natural widths in, fitted widths out) of @n columns with @sep
 * columns between them, so that a line is at most @limit wide (0: no
 * limit).  In turn, each time the widest first, until it fits: FIT_LONG
 * columns down to FIT_MIN_LONG; any column but the first down to its
 * widest cell @cells[c], even below FIT_MIN but not below 2 (a header
 * wider than its cells is cut; @cells may be NULL); FIT_TEXT down to
 * FIT_MIN_TEXT, then to FIT_MIN; any but the first down to FIT_MIN, and
 * at last to 2 (a character and the ellipsis).  No column grows.  Returns the width of a line, over @limit only when even
 * that does not fit.
 */
size_t fit_columns(size_t n, size_t *w, const size_t *cells, const enum fit_prio *prio,
		   size_t sep, size_t limit);

/*
 * @text with each line wider than @cols wrapped at spaces, the rest of the
 * line indented as a help line's description is ("  name   text": under
 * "text"; otherwise under the line's first character).  A malloc'd string
 * in *ret; 0 or -ENOMEM.
 */
int fit_wrap(const char *text, size_t cols, char **ret);

#endif
