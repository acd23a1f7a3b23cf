/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text fitted to a terminal: display widths, cut cells, fitted columns, wrapped help, colour and pager choice. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "term.h"
#include "testutil.h"

static void t_width(void **state)
{
	(void)state;
	assert_int_equal(fit_width(NULL), 0);
	assert_int_equal(fit_width(""), 0);
	assert_int_equal(fit_width("risk"), 4);
	assert_int_equal(fit_width("Gebäude"), 7);              /* two bytes, one column */
	assert_int_equal(fit_width("日本語"), 6);               /* CJK: two columns each */
	assert_int_equal(fit_width("e\xcc\x81"), 1);            /* e + combining acute */
	assert_int_equal(fit_width("\xff\xfe"), 2);             /* invalid: a column a byte */
	assert_int_equal(fit_width("\xe6\x97"), 2);             /* a cut-off character too */
	assert_int_equal(fit_width("a\tb"), 3);                 /* a tab is printed as a space */
	assert_int_equal(fit_width("\xe2\x80\xa6"), 1);         /* the ellipsis */
}

static void t_prefix(void **state)
{
	size_t w;

	(void)state;
	assert_int_equal(fit_prefix("abcdef", 3, &w), 3);
	assert_int_equal(w, 3);
	/* Never half a wide character: 3 columns hold one of them. */
	assert_int_equal(fit_prefix("日本語", 3, &w), 3);
	assert_int_equal(w, 2);
	assert_int_equal(fit_prefix("日本語", 4, &w), 6);
	assert_int_equal(w, 4);
	assert_int_equal(fit_prefix("日本語", 1, &w), 0);
	assert_int_equal(w, 0);
	/* A combining mark stays with its base. */
	assert_int_equal(fit_prefix("e\xcc\x81x", 1, &w), 3);
	assert_int_equal(w, 1);
	/* Never into the middle of a two-byte character. */
	assert_int_equal(fit_prefix("\xc3\xa4\xc3\xa4", 1, &w), 2);
	assert_int_equal(fit_prefix("\xff\xfe" "ab", 3, &w), 3);
	assert_int_equal(fit_prefix("abc", 10, &w), 3);
	assert_int_equal(w, 3);
}

static void t_columns(void **state)
{
	const enum fit_prio prio[] = {FIT_KEEP, FIT_LONG, FIT_KEEP, FIT_TEXT};
	size_t w[] = {4, 60, 8, 20}, cells[] = {4, 60, 3, 20};

	(void)state;
	/* No limit (a pipe): nothing changes. */
	assert_int_equal(fit_columns(4, w, cells, prio, 2, 0), 4 + 60 + 8 + 20 + 6);
	assert_int_equal(w[1], 60);
	/* The long column gives first, the others keep their width. */
	assert_int_equal(fit_columns(4, w, cells, prio, 2, 80), 80);
	assert_int_equal(w[0], 4);
	assert_int_equal(w[1], 42);
	assert_int_equal(w[2], 8);
	assert_int_equal(w[3], 20);
	/* The long column gives all it can first. */
	assert_int_equal(fit_columns(4, w, cells, prio, 2, 50), 50);
	assert_int_equal(w[1], FIT_MIN_LONG);
	assert_int_equal(w[2], 8);
	assert_int_equal(w[3], 20);
	/* Then a header wider than its cells is cut (cells 3 wide: to 3), then text. */
	assert_int_equal(fit_columns(4, w, cells, prio, 2, 6 + 4 + FIT_MIN_LONG + 3 + FIT_MIN_TEXT),
			 6 + 4 + FIT_MIN_LONG + 3 + FIT_MIN_TEXT);
	assert_int_equal(w[2], 3);
	assert_int_equal(w[3], FIT_MIN_TEXT);
	assert_int_equal(w[1], FIT_MIN_LONG);
	/* At the end the first column keeps its width and the line is too wide. */
	assert_int_equal(fit_columns(4, w, cells, prio, 2, 10), 6 + 4 + 2 + 2 + 2);
	assert_int_equal(w[0], 4);
	assert_int_equal(w[1], 2);
}

static void t_wrap(void **state)
{
	char *out = NULL;
	const char *line;
	size_t n = 0;

	(void)state;
	assert_int_equal(fit_wrap("short\n  --x   y\n", 80, &out), 0);
	assert_string_equal(out, "short\n  --x   y\n");
	free(out);
	/* A help line: the rest goes under its description. */
	assert_int_equal(fit_wrap("  --store PATH   the store (default: $ISMS_STORE, else /var/lib/isms/store.db)\n",
				  40, &out), 0);
	assert_string_equal(out, "  --store PATH   the store (default:\n"
				 "                 $ISMS_STORE, else\n"
				 "                 /var/lib/isms/store.db)\n");
	free(out);
	/* Prose from the first column; a word longer than a line is split. */
	assert_int_equal(fit_wrap("one two three four five six seven\nxxxxxxxxxxxxxxxxxxxxxxxxx", 20, &out), 0);
	for (line = out; *line; n++) {
		size_t len = strcspn(line, "\n");
		char *l = strndup(line, len);

		assert_true(fit_width(l) <= 20);
		free(l);
		line += len + (line[len] == '\n');
	}
	assert_int_equal(n, 4);
	assert_string_equal(out, "one two three four\nfive six seven\nxxxxxxxxxxxxxxxxxxxx\nxxxxx");
	free(out);
	/* Width by display columns: ten CJK characters are 20 columns. */
	assert_int_equal(fit_wrap("日本語 日本語 日本語 日本語", 15, &out), 0);
	assert_string_equal(out, "日本語 日本語\n日本語 日本語");
	free(out);
}

static void t_color(void **state)
{
	enum term_color c;

	(void)state;
	assert_int_equal(term_color_parse("auto", &c), 0);
	assert_int_equal(c, TERM_COLOR_AUTO);
	assert_int_equal(term_color_parse("never", &c), 0);
	assert_int_equal(c, TERM_COLOR_NEVER);
	assert_int_equal(term_color_parse("always", &c), 0);
	assert_int_equal(c, TERM_COLOR_ALWAYS);
	assert_int_equal(term_color_parse("sometimes", &c), -EINVAL);
	assert_true(term_color_wanted(TERM_COLOR_AUTO, true, "xterm", NULL));
	assert_true(term_color_wanted(TERM_COLOR_AUTO, true, "xterm", ""));   /* empty: unset */
	assert_false(term_color_wanted(TERM_COLOR_AUTO, true, "xterm", "1"));
	assert_false(term_color_wanted(TERM_COLOR_AUTO, false, "xterm", NULL));
	assert_false(term_color_wanted(TERM_COLOR_AUTO, true, "dumb", NULL));
	assert_true(term_color_wanted(TERM_COLOR_ALWAYS, false, "dumb", "1"));
	assert_false(term_color_wanted(TERM_COLOR_NEVER, true, "xterm", NULL));
}

static void t_pager(void **state)
{
	(void)state;
	assert_string_equal(term_pager_command(NULL, NULL), "less -FRX");
	assert_string_equal(term_pager_command(NULL, "more"), "more");
	assert_string_equal(term_pager_command("most -s", "more"), "most -s");
	assert_null(term_pager_command("cat", "more"));
	assert_null(term_pager_command("", "more"));
	assert_null(term_pager_command(NULL, "cat"));
	assert_null(term_pager_command(NULL, " "));
	assert_int_equal(term_rows("a\nb\n", 4, 80), 2);
	assert_int_equal(term_rows("a\nb", 3, 80), 2);
	/* A line wider than the terminal takes two rows. */
	assert_int_equal(term_rows("0123456789\n", 11, 6), 2);
	assert_int_equal(term_rows("日本語日本語\n", strlen("日本語日本語\n"), 6), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_width),   cmocka_unit_test(t_prefix), cmocka_unit_test(t_columns),
		cmocka_unit_test(t_wrap),    cmocka_unit_test(t_color),  cmocka_unit_test(t_pager),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
