/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The store's statement helpers, exported for layers above libisms. */
#include <stdarg.h>
#include <stdio.h>

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
