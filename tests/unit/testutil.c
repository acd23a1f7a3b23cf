/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence_internal.h"
#include "isms/catalogue.h"
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

int64_t tu_sql_int(const char *db_path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL);

	/* evidence_details(): the details of row format 3, as the store shows them */
	if (rc == SQLITE_OK && evidence_details_register(db) < 0)
		rc = SQLITE_NOMEM;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fail_msg("sql '%s' failed: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int tu_setup_store(void **state)
{
	struct tu_fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->s = tu_store_new(&fx->dir);
	fx->path = tu_store_path(fx->dir);
	*state = fx;
	return 0;
}

int tu_teardown_store(void **state)
{
	struct tu_fixture *fx = *state;

	if (!fx)
		return 0;
	isms_store_free(fx->s);
	tu_rm_rf(fx->dir);
	free(fx->dir);
	free(fx->path);
	free(fx);
	return 0;
}

const struct isms_entity *tu_entity(const char *name)
{
	const struct isms_entity *e = isms_entity_lookup(name);

	if (!e)
		fail_msg("no entity '%s'", name);
	return e;
}

void tu_add(struct isms_store *s, const char *entity, const struct isms_kv *kv, size_t n)
{
	int r = isms_record_add(s, tu_entity(entity), kv, n, NULL);

	if (r < 0)
		fail_msg("cannot add %s: %s (%s)", entity, isms_store_errmsg(s), strerror(-r));
}

int64_t tu_count(struct isms_store *s, const char *entity)
{
	int64_t n = -1;
	int r = isms_record_count(s, tu_entity(entity), &n);

	if (r < 0)
		fail_msg("cannot count %s: %s", entity, isms_store_errmsg(s));
	return n;
}

struct field_want {
	int idx;
	char *value;
};

static int field_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct field_want *w = userdata;

	(void)e;
	w->value = values[w->idx] ? strdup(values[w->idx]) : NULL;
	return 0;
}

char *tu_field(struct isms_store *s, const char *entity, const char *key, const char *field)
{
	const struct isms_entity *e = tu_entity(entity);
	struct field_want w = {.idx = isms_entity_field_index(e, field)};
	int r;

	if (w.idx < 0)
		fail_msg("%s has no field '%s'", entity, field);
	r = isms_record_get(s, e, key, field_cb, &w);
	if (r < 0)
		fail_msg("cannot read %s '%s': %s", entity, key, isms_store_errmsg(s));
	return w.value;
}

struct keys {
	char buf[4096];
	size_t len;
};

static int keys_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct keys *k = userdata;
	int n;

	(void)e;
	n = snprintf(k->buf + k->len, sizeof(k->buf) - k->len, "%s%s", k->len ? "," : "",
		     values[0] ? values[0] : "(null)");
	assert_true(n > 0 && (size_t)n < sizeof(k->buf) - k->len);
	k->len += (size_t)n;
	return 0;
}

char *tu_keys(struct isms_store *s, const char *entity, const struct isms_kv *filter, size_t n)
{
	struct keys k = {.len = 0};
	int r;

	k.buf[0] = '\0';
	r = isms_record_list(s, tu_entity(entity), filter, n, keys_cb, &k);
	if (r < 0)
		fail_msg("cannot list %s: %s", entity, isms_store_errmsg(s));
	return strdup(k.buf);
}

void tu_assert_str(const char *got, const char *want, const char *file, int line)
{
	if (!got || !want) {
		if (got != want) {
			print_error("'%s' != '%s'\n", got ? got : "(NULL)", want ? want : "(NULL)");
			_fail(file, line);
		}
		return;
	}
	_assert_string_equal(got, want, file, line);
}

void tu_assert_contains(const char *hay, const char *needle, const char *file, int line)
{
	if (!hay || !strstr(hay, needle)) {
		print_error("'%s' does not contain '%s'\n", hay ? hay : "(NULL)", needle);
		_fail(file, line);
	}
}

time_t tu_utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi};

	return timegm(&tm);
}

struct isms_policy *tu_policy(const char *sq)
{
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	char *j = strdup(sq);
	int r;

	assert_non_null(j);
	for (char *c = j; *c; c++)
		if (*c == '\'')
			*c = '"';
	r = isms_policy_parse(j, strlen(j), NULL, &p, &pr);
	if (r < 0)
		fail_msg("policy refused: %s (%s)", pr.n ? pr.list[0].msg : strerror(-r), j);
	free(j);
	return p;
}

void tu_load_annex_a(struct isms_store *s)
{
	char *path = tu_path(tu_data_dir(), "annex-a-2022.json"), *err = NULL;

	if (isms_catalogue_load_controls(s, path, &err) < 0)
		fail_msg("cannot load '%s': %s", path, err ? err : "?");
	free(path);
	free(err);
}
