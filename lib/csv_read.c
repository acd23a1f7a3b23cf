/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CSV reader (isms/csv.h).  One pass over the bytes with a small state
 * machine; each field is copied once into its own allocation.  UTF-8 is
 * checked field by field after unquoting, so a message can name the line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/csv.h"
#include "isms/strutil.h"

struct parser {
	const char *p, *end;
	size_t line;            /* of the current position, from 1 */
	char **fields;          /* the record being read */
	size_t nfields;
	char *buf;              /* the field being read */
	size_t blen, bcap;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, int r, const char *what)
{
	snprintf(ps->err, ps->errlen, "line %zu: %s", ps->line, what);
	return r;
}

static int put(struct parser *ps, char c)
{
	if (ps->blen >= ISMS_CSV_FIELD_MAX)
		return fail(ps, -E2BIG, "field longer than the limit");
	if (ps->blen + 1 >= ps->bcap) {
		size_t cap = ps->bcap ? ps->bcap * 2 : 64;
		char *nb;

		nb = realloc(ps->buf, cap);
		if (!nb)
			return -ENOMEM;
		ps->buf = nb;
		ps->bcap = cap;
	}
	ps->buf[ps->blen++] = c;
	return 0;
}

static bool utf8_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t l = isms_utf8_len((const unsigned char *)s + i, n - i);

		if (l == 0)
			return false;
		i += l;
	}
	return true;
}

/* End the current field: it joins the record. */
static int end_field(struct parser *ps)
{
	char *f;

	if (ps->nfields >= ISMS_CSV_FIELDS_MAX)
		return fail(ps, -E2BIG, "more fields than the limit");
	if (!utf8_ok(ps->buf ? ps->buf : "", ps->blen))
		return fail(ps, -EINVAL, "not valid UTF-8");
	f = malloc(ps->blen + 1);
	if (!f)
		return -ENOMEM;
	if (ps->blen)
		memcpy(f, ps->buf, ps->blen);
	f[ps->blen] = '\0';
	ps->fields[ps->nfields++] = f;
	ps->blen = 0;
	return 0;
}

/*
 * Read one record into ps->fields.  1 when a record was read, 0 at the end
 * of the input (nothing left but line breaks), -errno.
 */
static int read_record(struct parser *ps)
{
	bool quoted = false, after_quote = false, any = false;
	size_t qline = 0; /* where the open quote is */
	int r;

	ps->nfields = 0;
	ps->blen = 0;
	while (ps->p < ps->end) {
		char c = *ps->p++;

		if (c == '\0')
			return fail(ps, -EINVAL, "NUL byte");
		if (quoted) {
			if (c == '"') {
				if (ps->p < ps->end && *ps->p == '"') {
					ps->p++;
					r = put(ps, '"');
				} else {
					quoted = false;
					after_quote = true;
					r = 0;
				}
			} else {
				if (c == '\n')
					ps->line++;
				r = put(ps, c);
			}
			if (r < 0)
				return r;
			continue;
		}
		if (c == ',') {
			r = end_field(ps);
			if (r < 0)
				return r;
			after_quote = false;
			any = true;
			continue;
		}
		if (c == '\r' && ps->p < ps->end && *ps->p == '\n')
			continue;
		if (c == '\n') {
			if (!any && ps->blen == 0 && !after_quote) {
				ps->line++;
				continue; /* an empty line between records */
			}
			r = end_field(ps);
			ps->line++;
			return r < 0 ? r : 1;
		}
		if (after_quote)
			return fail(ps, -EINVAL, "text after a closing quote");
		if (c == '"') {
			if (ps->blen)
				return fail(ps, -EINVAL, "a quote inside an unquoted field");
			quoted = true;
			qline = ps->line;
			any = true;
			continue;
		}
		if (c == '\r')
			return fail(ps, -EINVAL, "a carriage return outside quotes");
		r = put(ps, c);
		if (r < 0)
			return r;
		any = true;
	}
	if (quoted) {
		ps->line = qline;
		return fail(ps, -EINVAL, "unterminated quoted field");
	}
	if (!any && ps->blen == 0 && !after_quote)
		return 0;
	r = end_field(ps);
	return r < 0 ? r : 1;
}

static void fields_free(struct parser *ps)
{
	for (size_t i = 0; i < ps->nfields; i++)
		free(ps->fields[i]);
	ps->nfields = 0;
}

void isms_csv_free(struct isms_csv *csv)
{
	if (!csv)
		return;
	for (size_t i = 0; csv->header && i < csv->ncols; i++)
		free(csv->header[i]);
	for (size_t i = 0; csv->cells && i < csv->nrows * csv->ncols; i++)
		free(csv->cells[i]);
	free(csv->header);
	free(csv->cells);
	free(csv);
}

int isms_csv_parse(const char *buf, size_t len, struct isms_csv **ret, char *err, size_t errlen)
{
	char *fields[ISMS_CSV_FIELDS_MAX];
	struct parser ps = {.p = buf, .end = buf + len, .line = 1, .fields = fields,
			    .err = err ? err : (char[1]){0}, .errlen = err ? errlen : 1};
	struct isms_csv *csv = calloc(1, sizeof(*csv));
	size_t cap = 0;
	int r;

	*ret = NULL;
	if (ps.errlen)
		ps.err[0] = '\0';
	if (!csv)
		return -ENOMEM;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	r = read_record(&ps);
	if (r == 0)
		r = fail(&ps, -EINVAL, "no header");
	if (r < 0)
		goto out;
	csv->ncols = ps.nfields;
	csv->header = malloc(ps.nfields * sizeof(*csv->header));
	if (!csv->header) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(csv->header, fields, ps.nfields * sizeof(*fields));
	ps.nfields = 0;
	for (size_t i = 0; i < csv->ncols; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(csv->header[i], csv->header[j]) == 0) {
				r = fail(&ps, -EINVAL, "a column named twice in the header");
				goto out;
			}
	for (;;) {
		size_t line = ps.line;

		r = read_record(&ps);
		if (r <= 0)
			break;
		if (ps.nfields != csv->ncols) {
			char what[96];

			snprintf(what, sizeof(what), "%zu fields where the header has %zu",
				 ps.nfields, csv->ncols);
			ps.line = line;
			r = fail(&ps, -EINVAL, what);
			break;
		}
		if (csv->nrows >= ISMS_CSV_RECORDS_MAX) {
			r = fail(&ps, -E2BIG, "more records than the limit");
			break;
		}
		if ((csv->nrows + 1) * csv->ncols > cap) {
			size_t ncap = cap ? cap * 2 : 64 * csv->ncols;
			char **nc = realloc(csv->cells, ncap * sizeof(*nc));

			if (!nc) {
				r = -ENOMEM;
				break;
			}
			csv->cells = nc;
			cap = ncap;
		}
		memcpy(csv->cells + csv->nrows * csv->ncols, fields, ps.nfields * sizeof(*fields));
		ps.nfields = 0;
		csv->nrows++;
	}
out:
	fields_free(&ps);
	free(ps.buf);
	if (r < 0) {
		isms_csv_free(csv);
		return r;
	}
	*ret = csv;
	return 0;
}

int isms_csv_column(const struct isms_csv *csv, const char *name)
{
	for (size_t i = 0; i < csv->ncols; i++)
		if (strcmp(csv->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *isms_csv_unguard(const char *cell)
{
	static const char lead[] = "=+-@\t\r";
	size_t k = strspn(cell, "'");

	return k > 0 && cell[k] && strchr(lead, cell[k]) ? cell + 1 : cell;
}
