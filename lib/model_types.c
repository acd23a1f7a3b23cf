/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BSI's target object types in the store: the CSV as init loaded it,
 * read back through the one parser there is (lib/target_object.c), so the
 * store holds exactly the file the BSI published and a type's parent is
 * what that file says.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/catalogue.h"
#include "isms/date.h"
#include "isms/modelling.h"
#include "isms/sha256.h"
#include "store_internal.h"

#define TYPES_MAX (1u << 20)

static void __attribute__((format(printf, 2, 3))) set_err(char **ret_err, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!ret_err)
		return;
	va_start(ap, fmt);
	r = vasprintf(ret_err, fmt, ap);
	va_end(ap);
	if (r < 0)
		*ret_err = NULL;
}

/* An asset that names a type @toc lacks: 1 with *ret_asset (malloc'd), 0, -errno. */
static int asset_without_type(struct isms_store *s, const struct isms_toc *toc, char **ret_asset,
			      char **ret_type)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, "SELECT name, target_object FROM asset"
			     " WHERE target_object IS NOT NULL ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *type = (const char *)sqlite3_column_text(st, 1);

		if (isms_toc_find(toc, type) < 0) {
			*ret_asset = strdup((const char *)sqlite3_column_text(st, 0));
			*ret_type = strdup(type);
			r = *ret_asset && *ret_type ? 1 : -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return r;
}

int isms_model_types_load(struct isms_store *s, const char *path, char **ret_err)
{
	char *buf = NULL, *asset = NULL, *type = NULL, err[256], hash[ISMS_SHA256_HEX], now[32];
	const char *base = strrchr(path, '/');
	struct isms_toc *toc = NULL;
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int r, n = 0;

	if (ret_err)
		*ret_err = NULL;
	r = isms_read_file(path, TYPES_MAX, &buf, &len);
	if (r < 0) {
		set_err(ret_err, "cannot read target object types '%s': %s", path, strerror(-r));
		return r;
	}
	r = isms_toc_parse(buf, len, &toc, err, sizeof(err));
	if (r < 0) {
		set_err(ret_err, "target object types '%s': %s", path,
			r == -EINVAL ? err : strerror(-r));
		goto out;
	}
	n = (int)toc->n;
	r = isms_sha256_hex(buf, len, hash);
	if (r < 0)
		goto out;
	isms_date_format((int64_t)time(NULL), now, sizeof(now));
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	r = asset_without_type(s, toc, &asset, &type);
	if (r == 1) {
		char what[192];

		snprintf(what, sizeof(what), "asset '%.64s' is modelled as '%.64s'", asset, type);
		set_err(ret_err, "target object types '%s' lack a type in use: %s", path, what);
		r = -EINVAL;
	}
	if (r >= 0)
		r = store_prepare(s, "INSERT INTO target_object_source (pk, file, sha256, csv, loaded_at)"
				     " VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT(pk) DO UPDATE SET"
				     " file = excluded.file, sha256 = excluded.sha256,"
				     " csv = excluded.csv, loaded_at = excluded.loaded_at"
				     " WHERE sha256 <> excluded.sha256 OR file IS NOT excluded.file",
				  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, base ? base + 1 : path);
	if (r >= 0)
		r = store_bind_text(s, st, 2, hash);
	if (r >= 0)
		r = sqlite3_bind_text(st, 3, buf, (int)len, SQLITE_STATIC) == SQLITE_OK ? 0 : -ENOMEM;
	if (r >= 0)
		r = store_bind_text(s, st, 4, now);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r < 0) {
		isms_store_rollback(s);
		if (ret_err && !*ret_err)
			set_err(ret_err, "target object types '%s': %s", path, isms_store_errmsg(s));
		goto out;
	}
	r = isms_store_commit(s);
out:
	free(asset);
	free(type);
	isms_toc_free(toc);
	free(buf);
	return r < 0 ? r : n;
}

int isms_model_types(struct isms_store *s, struct isms_toc **ret)
{
	sqlite3_stmt *st = NULL;
	char err[256];
	int r;

	*ret = NULL;
	r = store_prepare(s, "SELECT csv FROM target_object_source WHERE pk = 1", &st);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "no target object types are loaded:"
					     " 'ismsctl init' loads the BSI's list");
	if (r == 1) {
		r = isms_toc_parse((const char *)sqlite3_column_text(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0), ret, err, sizeof(err));
		if (r == -EINVAL)
			r = store_seterr(s, r, "the target object types in the store: %s", err);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
