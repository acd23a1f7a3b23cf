/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rendering results as aligned tables, JSON (json-c) or CSV (RFC 4180). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "fit.h"
#include "isms/csv.h"
#include "isms/entity.h"
#include "output.h"

struct out_term out_term = {.cols = 0, .color = false, .ellipsis = "..."};

int out_table_init(struct out_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->names = calloc(ncols, sizeof(*t->names));
	t->types = calloc(ncols, sizeof(*t->types));
	return t->names && t->types ? 0 : -ENOMEM;
}

void out_table_release(struct out_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (size_t c = 0; t->names && c < t->ncols; c++)
		free(t->names[c]);
	free(t->rows);
	free(t->names);
	free(t->types);
	memset(t, 0, sizeof(*t));
}

int out_table_set_col(struct out_table *t, size_t i, const char *name, enum out_type type)
{
	free(t->names[i]);
	t->names[i] = strdup(name);
	t->types[i] = type;
	return t->names[i] ? 0 : -ENOMEM;
}

int out_table_add(struct out_table *t, const char *const *values)
{
	char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char ***rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		t->rows = rows;
		t->cap = cap;
	}
	row = calloc(t->ncols, sizeof(*row));
	if (!row)
		return -ENOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		if (values[c] && !(row[c] = strdup(values[c]))) {
			for (size_t k = 0; k < c; k++)
				free(row[k]);
			free(row);
			return -ENOMEM;
		}
	}
	t->rows[t->nrows++] = row;
	return 0;
}

/* Long text: these columns give up their width first on a narrow terminal. */
static const char *const long_names[] = {
	"title", "description", "notes", "details", "text", "summary", "reason",
	"conditions", "justification", "comment", "decision", "statement", "scope",
	"name", "source", "impact_text", "likelihood_text", "treatment", NULL,
};

/* When: a time or a date is read whole or not at all. */
static bool is_time(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, "ts") == 0 || strcmp(name, "date") == 0 || strcmp(name, "due") == 0 ||
	       strcmp(name, "until") == 0 || (n > 3 && strcmp(name + n - 3, "_at") == 0) ||
	       (n > 4 && strcmp(name + n - 4, "_due") == 0);
}

static enum fit_prio col_prio(const struct out_table *t, size_t c, size_t natural)
{
	if (c == 0 || t->types[c] == OT_INT || t->types[c] == OT_NUM || t->types[c] == OT_BOOL ||
	    is_time(t->names[c]))
		return FIT_KEEP;
	if (natural <= FIT_MIN_TEXT + 4)
		return FIT_KEEP; /* short: a status, a level, a date */
	if (t->types[c] == OT_JSON || t->types[c] == OT_LIST || natural > 30)
		return FIT_LONG;
	for (size_t i = 0; long_names[i]; i++)
		if (strcmp(t->names[c], long_names[i]) == 0)
			return FIT_LONG;
	return FIT_TEXT;
}

/* The colour of a level or status people look for (SGR), or NULL. */
static const char *value_color(const char *v)
{
	static const struct {
		const char *value, *sgr;
	} colors[] = {
		{"low", "32"},         {"medium", "33"},    {"high", "31"},
		{"very_high", "1;31"}, {"very high", "1;31"}, {"pass", "32"},
		{"fail", "31"},        {"insufficient", "33"}, {"yes", "32"},
		{"partly", "33"},      {"no", "31"},        {"overdue", "1;31"},
		{"open", "33"},        {"closed", "32"},    {"ok", "32"},
		{"missing", "31"},     {"expired", "31"},   {"due", "33"},
	};

	for (size_t i = 0; v && i < sizeof(colors) / sizeof(colors[0]); i++)
		if (strcmp(v, colors[i].value) == 0)
			return colors[i].sgr;
	return NULL;
}

/*
 * One cell, @w columns wide: newlines and tabs become spaces, text wider
 * than @w is cut with an ellipsis, and padding to @w follows unless @last.
 * Numbers align right, as people read columns of figures.
 */
/* @s in a column of @w; a wider @s is cut to it when @cut, else runs over. */
static void put_cell(FILE *f, const char *s, size_t w, bool right, bool last, bool color,
		     bool cut_wide)
{
	const char *ell = out_term.ellipsis ? out_term.ellipsis : "...";
	const char *sgr = color && out_term.color ? value_color(s) : NULL;
	size_t sw = fit_width(s), n, pw;
	bool cut = false;

	if (!s)
		s = "";
	n = strlen(s);
	pw = sw;
	if (w && sw > w && cut_wide) {
		size_t ew = fit_width(ell);

		n = fit_prefix(s, w > ew ? w - ew : 0, &pw);
		pw += ew;
		cut = true;
	}
	if (right)
		for (size_t i = pw; i < w; i++)
			fputc(' ', f);
	if (sgr)
		fprintf(f, "\033[%sm", sgr);
	for (size_t i = 0; i < n; i++)
		fputc(s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ? ' ' : s[i], f);
	if (cut)
		fputs(ell, f);
	if (sgr)
		fputs("\033[0m", f);
	if (!right && !last)
		for (size_t i = pw; i < w; i++)
			fputc(' ', f);
}

/* A line of a table, without the padding a terminal would show as nothing. */
static void put_line(FILE *f, char *line, size_t len)
{
	while (len > 0 && line[len - 1] == ' ')
		len--;
	fwrite(line, 1, len, f);
	fputc('\n', f);
}

/* The widths of @t's columns (@t->ncols of them into @w), fitted to the terminal. */
static int fit_table(const struct out_table *t, size_t *w)
{
	size_t *cells = calloc(t->ncols ? t->ncols : 1, sizeof(*cells));
	enum fit_prio *prio = calloc(t->ncols ? t->ncols : 1, sizeof(*prio));
	int r = -ENOMEM;

	if (!cells || !prio)
		goto out;
	for (size_t c = 0; c < t->ncols; c++) {
		for (size_t rr = 0; rr < t->nrows; rr++) {
			size_t cw = fit_width(t->rows[rr][c]);

			if (cw > cells[c])
				cells[c] = cw;
		}
		w[c] = fit_width(t->names[c]);
		if (cells[c] > w[c])
			w[c] = cells[c];
		prio[c] = col_prio(t, c, cells[c]);
	}
	fit_columns(t->ncols, w, cells, prio, 2, out_term.cols);
	r = 0;
out:
	free(cells);
	free(prio);
	return r;
}

/*
 * @t as a table.  @keep (a stream's): NULL, or the widths the first block
 * was printed with, which every later block keeps so that the columns stay
 * aligned; *@keep NULL the first time, then set (malloc'd).  A later cell
 * wider than its column is cut on a terminal (as fitting would have) and
 * runs over elsewhere: a pipe loses no text.
 */
static int print_table(FILE *f, const struct out_table *t, bool header, size_t **keep)
{
	bool kept = keep && *keep, cut_wide = !kept || out_term.cols;
	size_t *w = kept ? *keep : calloc(t->ncols ? t->ncols : 1, sizeof(*w));
	char *line = NULL;
	size_t len = 0;
	int r = -ENOMEM;

	if (!w)
		return -ENOMEM;
	if (!kept) {
		r = fit_table(t, w);
		if (r < 0)
			goto out;
		if (keep) {
			*keep = w; /* the stream's from now on: out_stream_end frees it */
			kept = true;
		}
	}
	r = -ENOMEM;
	for (size_t rr = 0; rr < t->nrows + (header ? 1 : 0); rr++) {
		bool head = header && rr == 0;
		char **row = head ? t->names : t->rows[rr - (header ? 1 : 0)];
		FILE *lf = open_memstream(&line, &len);

		if (!lf)
			goto out;
		for (size_t c = 0; c < t->ncols; c++) {
			bool num = !head && (t->types[c] == OT_INT || t->types[c] == OT_NUM);

			put_cell(lf, row[c], w[c], num, c + 1 == t->ncols, !head, cut_wide);
			if (c + 1 < t->ncols)
				fputs("  ", lf);
		}
		if (fclose(lf) != 0)
			goto out;
		put_line(f, line, len);
		free(line);
		line = NULL;
	}
	r = 0;
out:
	free(line);
	if (!kept)
		free(w);
	return r;
}

void out_note(FILE *f, const char *fmt, ...)
{
	char *text = NULL, *wrapped = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (out_term.cols && fit_wrap(text, out_term.cols, &wrapped) == 0)
		fputs(wrapped, f);
	else
		fputs(text, f);
	free(wrapped);
	free(text);
}

struct json_object *out_json_list(const char *v)
{
	struct json_object *a = json_object_new_array();

	for (const char *p = v; a && p && *p;) {
		size_t len = strcspn(p, ",");
		struct json_object *k = json_object_new_string_len(p, (int)len);

		if (!k || json_object_array_add(a, k) != 0) {
			json_object_put(k);
			json_object_put(a);
			return NULL;
		}
		p += len;
		if (*p)
			p++;
	}
	return a;
}

static struct json_object *json_cell(const char *v, enum out_type type)
{
	char *end;

	if (type == OT_LIST)
		return out_json_list(v);
	if (!v)
		return NULL;
	switch (type) {
	case OT_JSON: {
		/* Text that is not JSON stays what it is rather than become null. */
		struct json_object *o = json_tokener_parse(v);

		return o ? o : json_object_new_string(v);
	}
	case OT_INT: {
		long long n = strtoll(v, &end, 10);

		if (*v && !*end)
			return json_object_new_int64(n);
		break;
	}
	case OT_NUM: {
		double d = strtod(v, &end);

		if (*v && !*end)
			return json_object_new_double_s(d, v);
		break;
	}
	case OT_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
			return json_object_new_boolean(strcmp(v, "yes") == 0);
		break;
	case OT_TEXT:
	case OT_LIST:
		break;
	}
	return json_object_new_string(v);
}

static struct json_object *json_row(const struct out_table *t, size_t r)
{
	struct json_object *o = json_object_new_object();

	for (size_t c = 0; o && c < t->ncols; c++)
		json_object_object_add(o, t->names[c], json_cell(t->rows[r][c], t->types[c]));
	return o;
}

/*
 * Rows through the one CSV writer (isms/csv.h).  Header cells are text;
 * a data cell of an OT_INT or OT_NUM column that is a plain number is
 * written as it is, so "-12.50" stays a number in a spreadsheet and only
 * what is not a number there ("-1+1") gets the formula guard.
 */
static void csv_row(FILE *f, const struct out_table *t, char *const *row, bool header)
{
	for (size_t c = 0; c < t->ncols; c++) {
		bool num = !header && (t->types[c] == OT_INT || t->types[c] == OT_NUM);

		isms_csv_write_cell(f, row[c], num ? ISMS_CSV_NUMERIC : 0);
		fputs(c + 1 < t->ncols ? "," : "\r\n", f);
	}
}

int out_print(FILE *f, enum out_format fmt, const struct out_table *t)
{
	struct json_object *arr;

	switch (fmt) {
	case OUT_TABLE:
		return print_table(f, t, true, NULL);
	case OUT_CSV:
		csv_row(f, t, t->names, true);
		for (size_t r = 0; r < t->nrows; r++)
			csv_row(f, t, t->rows[r], false);
		return 0;
	case OUT_JSON:
		arr = json_object_new_array();
		if (!arr)
			return -ENOMEM;
		for (size_t r = 0; r < t->nrows; r++)
			json_object_array_add(arr, json_row(t, r));
		fprintf(f, "%s\n",
			json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
		return 0;
	}
	return -EINVAL;
}

int out_print_record(FILE *f, enum out_format fmt, const struct out_table *t, size_t row)
{
	struct json_object *o;
	size_t w = 0;

	switch (fmt) {
	case OUT_TABLE:
		for (size_t c = 0; c < t->ncols; c++)
			if (fit_width(t->names[c]) > w)
				w = fit_width(t->names[c]);
		for (size_t c = 0; c < t->ncols; c++) {
			fprintf(f, "%s:", t->names[c]);
			for (size_t i = fit_width(t->names[c]); i <= w; i++)
				fputc(' ', f);
			fprintf(f, "%s\n", t->rows[row][c] ? t->rows[row][c] : "");
		}
		return 0;
	case OUT_CSV:
		csv_row(f, t, t->names, true);
		csv_row(f, t, t->rows[row], false);
		return 0;
	case OUT_JSON:
		o = json_row(t, row);
		if (!o)
			return -ENOMEM;
		fprintf(f, "%s\n",
			json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return 0;
	}
	return -EINVAL;
}

/* --- streams ------------------------------------------------------------------ */

/* Rows a table holds before it is printed: its columns are as wide as these. */
#define STREAM_BLOCK 1000

static void drop_rows(struct out_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	t->nrows = 0;
}

static int stream_flush(struct out_stream *st)
{
	int r = 0;

	if (st->t->nrows > 0 || (!st->started && st->fmt == OUT_TABLE)) {
		r = print_table(st->f, st->t, !st->started, &st->w);
		st->started = true;
	}
	drop_rows(st->t);
	return r;
}

void out_stream_begin(struct out_stream *st, FILE *f, enum out_format fmt, struct out_table *t)
{
	*st = (struct out_stream){.f = f, .fmt = fmt, .t = t};
	if (fmt == OUT_CSV)
		csv_row(f, t, t->names, true);
	else if (fmt == OUT_JSON)
		fputs("[", f);
}

int out_stream_row(struct out_stream *st, const char *const *values)
{
	struct json_object *o;
	int r;

	switch (st->fmt) {
	case OUT_TABLE:
		r = out_table_add(st->t, values);
		if (r >= 0 && st->t->nrows >= STREAM_BLOCK)
			r = stream_flush(st);
		return r;
	case OUT_CSV:
		csv_row(st->f, st->t, (char *const *)values, false);
		break;
	case OUT_JSON:
		o = json_object_new_object();
		for (size_t c = 0; o && c < st->t->ncols; c++)
			json_object_object_add(o, st->t->names[c], json_cell(values[c], st->t->types[c]));
		if (!o)
			return -ENOMEM;
		/* One object at a time, as out_print() would indent it in the array. */
		fprintf(st->f, "%s\n  %s", st->n ? "," : "",
			json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		break;
	}
	st->n++;
	return ferror(st->f) ? -EIO : 0;
}

int out_stream_end(struct out_stream *st)
{
	int r = 0;

	if (st->fmt == OUT_TABLE)
		r = stream_flush(st);
	else if (st->fmt == OUT_JSON)
		fputs(st->n ? "\n]\n" : "]\n", st->f);
	free(st->w);
	st->w = NULL;
	return r < 0 ? r : ferror(st->f) ? -EIO : 0;
}

/* --- rows of records (cli.h) ---------------------------------------------- */

int rows_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct rows *rs = userdata;
	char **row;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 32;
		char ***nv = realloc(rs->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		rs->v = nv;
		rs->cap = cap;
	}
	row = calloc(e->nfields, sizeof(*row));
	if (!row)
		return -ENOMEM;
	for (size_t i = 0; i < e->nfields; i++) {
		if (values[i] && !(row[i] = strdup(values[i]))) {
			while (i--)
				free(row[i]);
			free(row);
			return -ENOMEM;
		}
	}
	rs->nfields = e->nfields;
	rs->v[rs->n++] = row;
	return 0;
}

void rows_release(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		for (size_t j = 0; j < rs->nfields; j++)
			free(rs->v[i][j]);
		free(rs->v[i]);
	}
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}
