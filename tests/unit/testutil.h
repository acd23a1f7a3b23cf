/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TESTUTIL_H
#define ISMS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "isms/store.h"

/* A fresh temporary directory (mode 0700), removed by tu_cleanup(). */
char *tu_tmpdir(void);
/* dir/name, malloc'd. */
char *tu_path(const char *dir, const char *name);
/* Remove a directory tree made by tu_tmpdir(). */
void tu_rm_rf(const char *dir);

/*
 * A new, migrated store in a new temporary directory; *ret_dir (malloc'd) is
 * the directory to remove afterwards.  Fails the test on error.
 */
struct isms_store *tu_store_new(char **ret_dir);
/* The same store path: dir/store.db (malloc'd). */
char *tu_store_path(const char *dir);

/* The source tree's data directory ($ISMS_DATA_DIR). */
const char *tu_data_dir(void);

/* Run SQL on the store file directly through sqlite3 (for tampering tests). */
int tu_sql(const char *db_path, const char *sql);

#endif
