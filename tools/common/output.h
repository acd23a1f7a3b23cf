/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_OUTPUT_H
#define ISMS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

/* How a column's text is typed in JSON. */
/* OT_LIST: comma-separated keys, a JSON array (empty when there are none). */
/* OT_JSON: JSON text, put in as a value (a string when it does not parse). */
enum out_type { OT_TEXT, OT_INT, OT_NUM, OT_BOOL, OT_LIST, OT_JSON };

/*
 * A result to print: columns and rows of text (NULL = empty), rendered as an
 * aligned table for people, or JSON or CSV for machines.
 */
struct out_table {
	size_t ncols;
	char **names;
	enum out_type *types;
	size_t nrows, cap;
	char ***rows;
};

struct json_object;
/* A json-c array of the keys of comma-separated @v (NULL: empty); NULL on ENOMEM. */
struct json_object *out_json_list(const char *v);

int out_table_init(struct out_table *t, size_t ncols);
void out_table_release(struct out_table *t);
int out_table_set_col(struct out_table *t, size_t i, const char *name, enum out_type type);
/* Append a row, copying @values (ncols of them). */
int out_table_add(struct out_table *t, const char *const *values);

/* A list: table/CSV rows, or a JSON array of objects. */
int out_print(FILE *f, enum out_format fmt, const struct out_table *t);
/* One record: "name: value" lines, or a JSON object, or CSV of one row. */
int out_print_record(FILE *f, enum out_format fmt, const struct out_table *t, size_t row);

/*
 * A list printed as it is produced, for results too large to hold: CSV and
 * JSON row by row (a JSON array, one object per line), tables in blocks of
 * rows with the header once, every block in the columns the first one was
 * fitted to (on a terminal a later, wider cell is cut to its column).
 * @t gives the columns (its rows are the table's current block).
 */
struct out_stream {
	FILE *f;
	enum out_format fmt;
	struct out_table *t;
	size_t n;     /* rows so far */
	bool started; /* the table's header is out */
	size_t *w;    /* the first block's column widths, kept by the later ones */
};

void out_stream_begin(struct out_stream *st, FILE *f, enum out_format fmt, struct out_table *t);
int out_stream_row(struct out_stream *st, const char *const *values);
int out_stream_end(struct out_stream *st);

/*
 * The terminal tables are printed for: lines at most @cols wide (0: no
 * limit, as for a pipe), levels and statuses in colour, and what ends a
 * cut cell ("\u2026" in a UTF-8 locale, else "...").
 */
struct out_term {
	size_t cols;
	bool color;
	const char *ellipsis;
};
extern struct out_term out_term;

/* A sentence for people after a table: @fmt wrapped at out_term.cols. */
void out_note(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
