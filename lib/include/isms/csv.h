/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CSV_H
#define ISMS_CSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * A CSV reader (RFC 4180): fields separated by commas, optionally in
 * double quotes (a quote inside doubled, commas and line breaks allowed),
 * records ended by LF or CRLF, the first record the header.  Pure: the
 * text in, the table out.  Strict where a wrong guess would shift data
 * between columns: a quote inside an unquoted field, text after a closing
 * quote, an unterminated quote, a record with a number of fields other
 * than the header's, a NUL byte, invalid UTF-8 are errors naming the line.
 * A UTF-8 byte order mark before the header is skipped.
 */

#define ISMS_CSV_FIELDS_MAX 256           /* fields per record */
#define ISMS_CSV_RECORDS_MAX 1000000      /* records after the header */
#define ISMS_CSV_FIELD_MAX (1u << 20)     /* bytes of one field */

struct isms_csv {
	size_t ncols;     /* fields in the header, and so in every record */
	size_t nrows;     /* records after the header */
	char **header;    /* ncols names */
	char **cells;     /* nrows * ncols values, row-major, NUL-terminated */
};

/*
 * Parse @len bytes at @buf.  0 and *ret (isms_csv_free() it), or -EINVAL
 * with a message in @err ("line 7: unterminated quoted field"), -E2BIG
 * past a limit, -ENOMEM.
 */
int isms_csv_parse(const char *buf, size_t len, struct isms_csv **ret, char *err, size_t errlen)
	__attribute__((warn_unused_result, nonnull(1, 3)));

/* The column named @name, or -1. */
int isms_csv_column(const struct isms_csv *csv, const char *name) __attribute__((nonnull));

/* The value of row @row, column @col (both in range). */
static inline const char *isms_csv_cell(const struct isms_csv *csv, size_t row, size_t col)
{
	return csv->cells[row * csv->ncols + col];
}

void isms_csv_free(struct isms_csv *csv);

/*
 * A cell as the writer below had it before its formula guard: past its
 * first character when it is single quotes and then '=', '+', '-', '@',
 * tab or CR, else @cell itself.  Pure.
 */
const char *isms_csv_unguard(const char *cell) __attribute__((nonnull));

/*
 * The CSV writer (lib/csv_write.c), the one every export uses: RFC 4180
 * cells, safe to open in a spreadsheet.
 *
 * - A cell holding a comma, a semicolon, a double quote, a tab, CR or LF
 *   is put in double quotes with each double quote doubled.  The
 *   semicolon and the tab are not separators in RFC 4180 but are in the
 *   locales and the sniffing of spreadsheets; quoted, they cannot start a
 *   new cell there (OWASP: a dangerous character after a separator inside
 *   the value).
 * - A cell starting with one of the characters the OWASP CSV-injection
 *   guidance names, '=', '+', '-', '@', tab or CR, gets a single quote in
 *   front, which spreadsheets read as "this is text" and do not show.
 * - A value of single quotes and then one of those characters ("'=x")
 *   gets one more in front, so that the guard read back is unambiguous
 *   (isms_csv_unguard()).
 * - An empty value (or NULL) is an empty cell: no quote mark, no quotes.
 * - With ISMS_CSV_NUMERIC (a column known to hold numbers), a value that
 *   is entirely a decimal number, -?D+(.D+)?([eE][+-]?D+)? such as
 *   "-12.50", is written as it is: a spreadsheet reads it as the number it
 *   is, and a quote mark would turn every negative amount into text.
 *   Anything else in such a column ("-1+1") is guarded like text.
 */
#define ISMS_CSV_NUMERIC 1u

/* Write @value as one cell to @f (no separator): 0 or -EIO. */
int isms_csv_write_cell(FILE *f, const char *value, unsigned flags) __attribute__((nonnull(1)));
/*
 * Write @n cells separated by commas and the CRLF that ends a record.
 * @flags: one per cell, or NULL for text everywhere.  0 or -EIO.
 */
int isms_csv_write_row(FILE *f, const char *const *values, size_t n, const unsigned *flags)
	__attribute__((nonnull(1)));

#endif
