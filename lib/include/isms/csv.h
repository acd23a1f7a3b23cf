/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CSV_H
#define ISMS_CSV_H

#include <stddef.h>

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

#endif
