/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SQL_H
#define ISMS_SQL_H

/*
 * Statements on an open store, for the layers that own tables of their own
 * (libdpms: its register beside the generic one).  The same rules as inside
 * libisms: prepared statements only, every failure a negative errno with the
 * detail kept for isms_store_errmsg().  Read results with sqlite3_column_*().
 */

#include <sqlite3.h>

#include "isms/store.h"

/* Prepare @sql; on failure the message is kept and -errno returned. */
int isms_sql_prepare(struct isms_store *s, const char *sql, sqlite3_stmt **ret)
	__attribute__((warn_unused_result, nonnull));

/* Bind text (NULL binds NULL) to parameter @idx. */
int isms_sql_bind_text(struct isms_store *s, sqlite3_stmt *st, int idx, const char *text)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Step expecting a row: 1 a row, 0 done, or -errno. */
int isms_sql_step_row(struct isms_store *s, sqlite3_stmt *st)
	__attribute__((warn_unused_result, nonnull));

/* Step expecting the end: 0, -EEXIST/-ENOENT for constraints, or -errno. */
int isms_sql_step_done(struct isms_store *s, sqlite3_stmt *st)
	__attribute__((warn_unused_result, nonnull));

/* Keep a message for isms_store_errmsg(); returns @r. */
int isms_sql_seterr(struct isms_store *s, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), nonnull(1, 3)));

#endif
