/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TERM_H
#define ISMS_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "output.h"

/* --color=WHEN */
enum term_color { TERM_COLOR_AUTO, TERM_COLOR_NEVER, TERM_COLOR_ALWAYS };

/* 0 and *ret for "auto", "never", "always" (and "yes"/"no"); -EINVAL otherwise. */
int term_color_parse(const char *when, enum term_color *ret);

/*
 * Whether levels and statuses are coloured: always/never as asked, or on
 * auto when stdout is a terminal, $TERM is not "dumb" and $NO_COLOR is
 * unset or empty (no-color.org).  Pure: the caller passes the facts.
 */
bool term_color_wanted(enum term_color when, bool tty, const char *term, const char *no_color);

/*
 * The pager's command line: $ISMS_PAGER, else $PAGER, else "less -FRX";
 * NULL when it is empty or "cat" (no pager).
 */
const char *term_pager_command(const char *isms_pager, const char *pager);

/* Rows @text takes on a terminal @cols wide (lines wider than it wrap). */
size_t term_rows(const char *text, size_t len, size_t cols);

/* The width of the terminal standard error is, 0 when it is none: messages
 * in a log or a pipe stay one line each. */
size_t term_err_cols(void);

/*
 * The output of one command as a terminal shows it: out_term set up from
 * stdout (TIOCGWINSZ, else $COLUMNS), and stdout held back while the
 * command runs when it is help (wrapped to 80 columns) or may go through a
 * pager (a terminal, a table, longer than the screen).
 */
struct term_out {
	FILE *real;   /* stdout while it is held */
	FILE *held;
	char *buf;
	size_t len;
	bool help;
	size_t rows, cols; /* the terminal's, 0 when not one */
	const char *pager;
};

/* Set up out_term for @fmt and hold stdout as described: 0 or -ENOMEM. */
int term_begin(struct term_out *to, enum out_format fmt, enum term_color color, bool pager,
	       bool help);
/*
 * Write what was held: wrapped if help, through the pager if longer than
 * the screen (the pager waited for; a pager that quits early is no error).
 * 0, or -EIO when it cannot be written.
 */
int term_end(struct term_out *to);

#endif
