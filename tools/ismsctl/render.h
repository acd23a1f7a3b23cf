/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMSCTL_RENDER_H
#define ISMSCTL_RENDER_H

/*
 * The board report's renderers (render_html.c, render_md.c): the figures of
 * isms_report_figures() into a document.  Every string of the figures comes
 * from the register or the evidence and is hostile: each renderer escapes
 * all of them for its format.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

int render_html(FILE *f, struct json_object *fig);
int render_md(FILE *f, struct json_object *fig);

/*
 * The tables both renderers show: where the rows are in the figures
 * (fig[sect], or fig[sect][member]) and the columns (a member of each row,
 * its heading; @num: a number, right-aligned).
 */
struct fig_col {
	const char *head, *key;
	bool num;
	bool dur; /* seconds, shown as "2 h 05 min" */
};
struct fig_table {
	const char *sect, *member;
	const struct fig_col *cols;
	size_t ncols;
	const char *empty; /* said when there is no row; NULL: no table at all */
};
extern const struct fig_table fig_top_risks, fig_flagged, fig_hosts, fig_collectors, fig_fleet,
	fig_break_glass, fig_ncs, fig_overdue, fig_audits;
/* The rows of @t in @fig (NULL when absent). */
struct json_object *fig_rows(struct json_object *fig, const struct fig_table *t);
/* Cell @c of @row as text into @buf (numbers and durations formatted), or NULL for null. */
const char *fig_cell(struct json_object *row, const struct fig_col *c, char *buf, size_t len);

/* Accessors of the figures (render.c): member @key of @o, NULL/@dflt when absent or null. */
struct json_object *fig_get(struct json_object *o, const char *key);
const char *fig_str(struct json_object *o, const char *key);
int64_t fig_int(struct json_object *o, const char *key, int64_t dflt);
/* Member @key of @o's member @sect. */
int64_t fig_int2(struct json_object *o, const char *sect, const char *key, int64_t dflt);
size_t fig_len(struct json_object *array);
struct json_object *fig_at(struct json_object *array, size_t i);
/* Cents as "1234.56". */
void fig_money(char *buf, size_t len, int64_t cents);
/* The label of level @rank (1-based) of the figures' matrix, or "?". */
const char *fig_level_label(struct json_object *fig, int64_t rank);

#endif
