/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The store's statement helpers, exported for layers above libisms. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/sql.h"
#include "store_internal.h"

int isms_sql_prepare(struct isms_store *s, const char *sql, sqlite3_stmt **ret)
{
	return store_prepare(s, sql, ret);
}

int isms_sql_bind_text(struct isms_store *s, sqlite3_stmt *st, int idx, const char *text)
{
	return store_bind_text(s, st, idx, text);
}

int isms_sql_step_row(struct isms_store *s, sqlite3_stmt *st)
{
	return store_step_row(s, st);
}

int isms_sql_step_done(struct isms_store *s, sqlite3_stmt *st)
{
	return store_step_done(s, st);
}

int isms_sql_seterr(struct isms_store *s, int r, const char *fmt, ...)
{
	char buf[sizeof(s->errmsg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return store_seterr(s, r, "%s", buf);
}

/* The first row of a one-value query with text parameters; 1 (a value), 0, -errno. */
static int query_one(struct isms_store *s, const char *sql, const char *a, const char *b,
		     const char *c, sqlite3_stmt **ret)
{
	int r = store_prepare(s, sql, ret);

	/* An unbound parameter is NULL; binding past the last one is an error. */
	if (r >= 0 && a)
		r = store_bind_text(s, *ret, 1, a);
	if (r >= 0 && b)
		r = store_bind_text(s, *ret, 2, b);
	if (r >= 0 && c)
		r = store_bind_text(s, *ret, 3, c);
	if (r >= 0)
		r = store_step_row(s, *ret);
	if (r == 1 && sqlite3_column_type(*ret, 0) == SQLITE_NULL)
		r = 0;
	return r;
}

int store_query_int(struct isms_store *s, const char *sql, const char *a, const char *b,
		    const char *c, int64_t *ret)
{
	sqlite3_stmt *st = NULL;
	int r = query_one(s, sql, a, b, c, &st);

	if (r == 1)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r;
}

int store_query_text(struct isms_store *s, const char *sql, const char *a, const char *b,
		     const char *c, char **ret)
{
	sqlite3_stmt *st = NULL;
	int r = query_one(s, sql, a, b, c, &st);

	*ret = NULL;
	if (r == 1 && !(*ret = strdup((const char *)sqlite3_column_text(st, 0))))
		r = -ENOMEM;
	sqlite3_finalize(st);
	return r;
}
