/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

char *tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (!base || !base[0])
		base = "/tmp";
	assert_true(asprintf(&tmpl, "%s/isms-test.XXXXXX", base) > 0);
	assert_non_null(mkdtemp(tmpl));
	return tmpl;
}

char *tu_path(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rm_rf(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_store_path(const char *dir)
{
	return tu_path(dir, "store.db");
}

struct isms_store *tu_store_new(char **ret_dir)
{
	struct isms_store *s = NULL;
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);
	char *err = NULL;
	int r = isms_store_open(path, ISMS_STORE_CREATE, 2000, &s, &err);

	if (r < 0)
		fail_msg("cannot create store '%s': %s", path, err ? err : strerror(-r));
	free(path);
	*ret_dir = dir;
	return s;
}

const char *tu_data_dir(void)
{
	const char *d = getenv("ISMS_DATA_DIR");

	return d && d[0] ? d : "data";
}

int tu_sql(const char *db_path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc = sqlite3_open(db_path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		print_message("# sql failed: %s\n", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc;
}
