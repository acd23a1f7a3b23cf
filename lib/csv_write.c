/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CSV writer: RFC 4180 quoting and the OWASP formula guard (isms/csv.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "isms/csv.h"

/* A spreadsheet takes a cell starting with one of these for a formula (OWASP). */
static const char formula_lead[] = "=+-@\t\r";

/* Whether @s is entirely a plain decimal number: -?D+(.D+)?([eE][+-]?D+)? */
static bool is_decimal(const char *s)
{
	size_t i = 0, d;

	if (s[i] == '-')
		i++;
	for (d = i; s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d)
		return false;
	if (s[i] == '.') {
		for (d = ++i; s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		for (d = i; s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return s[i] == '\0';
}

int isms_csv_write_cell(FILE *f, const char *value, unsigned flags)
{
	bool guard, quote;
	size_t k;

	if (!value || !*value)
		return ferror(f) ? -EIO : 0;
	/* A value that looks guarded already ("'=x", "''=x") gets a guard of its
	 * own, so that isms_csv_unguard() gives back exactly what was written. */
	k = strspn(value, "'");
	guard = value[k] && strchr(formula_lead, value[k]) &&
		!(k == 0 && (flags & ISMS_CSV_NUMERIC) && is_decimal(value));
	quote = strpbrk(value, ",;\"\t\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
	return ferror(f) ? -EIO : 0;
}

int isms_csv_write_row(FILE *f, const char *const *values, size_t n, const unsigned *flags)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		isms_csv_write_cell(f, values[i], flags ? flags[i] : 0);
	}
	fputs("\r\n", f);
	return ferror(f) ? -EIO : 0;
}
