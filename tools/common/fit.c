/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Display widths, cut cells, fitted columns and wrapped help (fit.h). */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fit.h"

/*
 * The store's text is UTF-8 in any locale, so it is decoded as UTF-8 even
 * when the user's locale is "C": a locale of our own for mbrtowc/wcwidth,
 * made once.  Without one (no C.UTF-8 on the machine), the user's.
 */
static locale_t utf8_locale(void)
{
	static locale_t loc;
	static bool tried;

	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (!loc)
			loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	}
	return loc;
}

/*
 * The character at @s (@len bytes left): its bytes, and its width in
 * *ret_w.  A byte that starts no valid character is one character of
 * width 1, as terminals show it as one replacement glyph.
 */
static size_t next_char(const char *s, size_t len, int *ret_w)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*ret_w = 1;
		return 1;
	}
	w = wcwidth(wc);
	/* Controls (a tab, a newline) are printed as one space. */
	*ret_w = w < 0 ? 1 : w;
	return n;
}

/* Runs @body with the UTF-8 locale in place. */
#define WITH_UTF8(body)                                                                    \
	do {                                                                               \
		locale_t loc_ = utf8_locale(), old_ = (locale_t)0;                         \
		if (loc_)                                                                  \
			old_ = uselocale(loc_);                                            \
		body;                                                                      \
		if (loc_)                                                                  \
			uselocale(old_);                                                   \
	} while (0)

size_t fit_width(const char *s)
{
	size_t w = 0, len;

	if (!s)
		return 0;
	len = strlen(s);
	WITH_UTF8({
		for (size_t i = 0; i < len;) {
			int cw;

			i += next_char(s + i, len - i, &cw);
			w += (size_t)cw;
		}
	});
	return w;
}

size_t fit_prefix(const char *s, size_t cols, size_t *ret_width)
{
	size_t w = 0, i = 0, len = s ? strlen(s) : 0;

	WITH_UTF8({
		while (i < len) {
			int cw;
			size_t n = next_char(s + i, len - i, &cw);

			if (w + (size_t)cw > cols)
				break;
			w += (size_t)cw;
			i += n;
		}
	});
	if (ret_width)
		*ret_width = w;
	return i;
}

/* Passes over the columns, in order, until a line fits. */
enum pass_cols { P_LONG, P_TEXT, P_ALL };
static const struct {
	enum pass_cols cols;
	size_t min;
	bool header; /* down to the width of the cells: only the header is cut */
} passes[] = {
	{P_LONG, FIT_MIN_LONG, false}, {P_ALL, FIT_MIN, true}, {P_TEXT, FIT_MIN_TEXT, false},
	{P_TEXT, FIT_MIN, false},      {P_ALL, FIT_MIN, false},       {P_ALL, 2, false},
};

static bool in_pass(enum pass_cols pc, size_t c, enum fit_prio prio)
{
	switch (pc) {
	case P_LONG:
		return prio == FIT_LONG;
	case P_TEXT:
		return prio == FIT_TEXT;
	case P_ALL:
		return c > 0;
	}
	return false;
}

/* Take one column from the widest column of pass @p that can give one. */
static bool shrink_one(size_t n, size_t *w, const size_t *cells, const enum fit_prio *prio,
		       size_t p)
{
	size_t best = n;

	for (size_t c = 0; c < n; c++) {
		size_t min = passes[p].min;

		/* A header may be cut to its cells' width, even below FIT_MIN: "yes". */
		if (passes[p].header && cells)
			min = cells[c] > 2 ? cells[c] : 2;
		if (in_pass(passes[p].cols, c, prio[c]) && w[c] > min &&
		    (best == n || w[c] > w[best]))
			best = c;
	}
	if (best == n)
		return false;
	w[best]--;
	return true;
}

size_t fit_columns(size_t n, size_t *w, const size_t *cells, const enum fit_prio *prio,
		   size_t sep, size_t limit)
{
	size_t total = 0;

	for (size_t c = 0; c < n; c++)
		total += w[c] + (c ? sep : 0);
	for (size_t p = 0; limit && p < sizeof(passes) / sizeof(passes[0]); p++)
		while (total > limit && shrink_one(n, w, cells, prio, p))
			total--;
	return total;
}

/*
 * Where the rest of a wrapped help line goes: under the description of an
 * indented "  name   description" line (after its last gap of two spaces
 * in the first half, a gap after a full stop being prose), else under the
 * line's first character.
 */
static size_t hang_indent(const char *line, size_t len, size_t cols)
{
	size_t lead = 0, indent, col;

	while (lead < len && line[lead] == ' ')
		lead++;
	indent = lead;
	if (lead == 0)
		return 0;
	col = lead;
	for (size_t i = lead; i < len && col < cols / 2; i++, col++) {
		if (line[i] == ' ' && i + 1 < len && line[i + 1] == ' ' && line[i - 1] != '.' &&
		    line[i - 1] != ' ') {
			size_t j = i;

			while (j < len && line[j] == ' ')
				j++;
			if (j < len && col + (j - i) < cols / 2)
				indent = col + (j - i);
		}
		/* Non-ASCII bytes before the description are rare: counted as one column. */
	}
	return indent;
}

static void wrap_line(FILE *f, const char *line, size_t len, size_t cols)
{
	char *buf = strndup(line, len);
	const char *rest;
	size_t indent, skip;
	bool first = true;

	if (!buf) {
		fwrite(line, 1, len, f);
		return;
	}
	indent = hang_indent(buf, len, cols);
	if (indent + 20 > cols)
		indent = 0;
	skip = fit_prefix(buf, indent, NULL);
	rest = buf;
	while (fit_width(rest) + (first ? 0 : indent) > cols) {
		size_t avail = cols - (first ? 0 : indent);
		size_t n = fit_prefix(rest, avail, NULL), cut = n, from = first ? skip : 0;
		size_t end;

		/* The last space that fits, past the name of a first line. */
		while (cut > from && rest[cut] != ' ')
			cut--;
		if (cut <= from)
			cut = n ? n : 1;
		end = cut;
		while (end > 0 && rest[end - 1] == ' ')
			end--;
		if (!first)
			fprintf(f, "%*s", (int)indent, "");
		fwrite(rest, 1, end, f);
		fputc('\n', f);
		rest += cut;
		while (*rest == ' ')
			rest++;
		first = false;
	}
	if (!first)
		fprintf(f, "%*s", (int)indent, "");
	fputs(rest, f);
	free(buf);
}

int fit_wrap(const char *text, size_t cols, char **ret)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	if (!f)
		return -ENOMEM;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		bool wide = line && fit_width(line) > cols;

		free(line);
		if (wide && cols)
			wrap_line(f, p, len, cols);
		else
			fwrite(p, 1, len, f);
		p += len;
		if (*p == '\n') {
			fputc('\n', f);
			p++;
		}
	}
	if (fclose(f) != 0 || !out) {
		free(out);
		return -ENOMEM;
	}
	*ret = out;
	return 0;
}
