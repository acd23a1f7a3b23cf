/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening the store: modes, foreign and damaged files, locking, settings, transactions. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "isms/entity.h"
#include "isms/evidence.h"
#include "store_internal.h" /* the sqlite3 handle, to read the pragmas in effect */
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

/* A sentinel: failed opens must leave *ret_store alone. */
static struct isms_store *const UNTOUCHED = (struct isms_store *)&UNTOUCHED;

/* Open @path expecting failure @want; the message must contain @needle. */
static void open_fails(const char *path, unsigned flags, int want, const char *needle)
{
	struct isms_store *s = UNTOUCHED;
	char *err = NULL;
	int r = isms_store_open(path, flags, 500, &s, &err);

	if (r != want)
		fail_msg("open '%s': %d (%s), want %d", path, r, err ? err : "", want);
	assert_ptr_equal(s, UNTOUCHED);
	assert_non_null(err);
	if (needle)
		assert_contains(err, needle);
	free(err);
}

static struct isms_store *open_ok(const char *path, unsigned flags, int busy_ms)
{
	struct isms_store *s = NULL;
	char *err = NULL;
	int r = isms_store_open(path, flags, busy_ms, &s, &err);

	if (r < 0)
		fail_msg("open '%s': %s", path, err ? err : strerror(-r));
	assert_null(err);
	assert_non_null(s);
	return s;
}

static void write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static int64_t pragma(struct isms_store *s, const char *sql, char *text, size_t len)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	if (text)
		snprintf(text, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static void t_create_mode_0600(void **state)
{
	char *dir = tu_tmpdir();
	char *sub = tu_path(dir, "new");
	char *path = tu_path(sub, "store.db");
	struct isms_store *s;
	struct stat st;

	(void)state;
	/* A missing directory is created too, private. */
	s = open_ok(path, ISMS_STORE_CREATE, 500);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(isms_store_schema_version(s), ISMS_SCHEMA_VERSION);
	assert_false(isms_store_readonly(s));
	assert_null(isms_store_free(s));
	assert_null(isms_store_free(NULL));
	tu_rm_rf(dir);
	free(path);
	free(sub);
	free(dir);
}

static void t_create_ignores_umask(void **state)
{
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);
	mode_t old = umask(0);
	struct stat st;

	(void)state;
	/* Even a permissive umask must not widen the store's mode. */
	isms_store_free(open_ok(path, ISMS_STORE_CREATE, 500));
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void t_migrated_ids(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(tu_sql_int(fx->path, "PRAGMA user_version"), ISMS_SCHEMA_VERSION);
	assert_int_equal(tu_sql_int(fx->path, "PRAGMA application_id"), ISMS_APPLICATION_ID);
	assert_int_equal(isms_store_schema_version(fx->s), ISMS_SCHEMA_VERSION);
	/* The first migration seeds the acceptance threshold and the evidence head. */
	assert_int_equal(tu_sql_int(fx->path, "SELECT value FROM setting WHERE key = 'acceptance'"),
			 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_head"), 1);
}

static void t_pragmas(void **state)
{
	struct tu_fixture *fx = *state;
	char mode[32];

	assert_int_equal(pragma(fx->s, "PRAGMA foreign_keys", NULL, 0), 1);
	pragma(fx->s, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	/* WAL is a property of the file, so a new connection sees it too. */
	isms_store_free(fx->s);
	fx->s = open_ok(fx->path, ISMS_STORE_READONLY, 500);
	pragma(fx->s, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(pragma(fx->s, "PRAGMA foreign_keys", NULL, 0), 1);
}

static void t_reopen(void **state)
{
	struct tu_fixture *fx = *state;
	char *v = NULL;

	assert_int_equal(isms_setting_set(fx->s, "organisation", "Example GmbH"), 0);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	fx->s = isms_store_free(fx->s);
	assert_null(fx->s);

	fx->s = open_ok(fx->path, 0, 500);
	assert_int_equal(isms_store_schema_version(fx->s), ISMS_SCHEMA_VERSION);
	assert_int_equal(isms_setting_get(fx->s, "organisation", &v), 0);
	assert_string_equal(v, "Example GmbH");
	free(v);
	assert_int_equal(tu_count(fx->s, "person"), 1);
	/* Reopening with CREATE neither fails nor wipes an existing store. */
	isms_store_free(fx->s);
	fx->s = open_ok(fx->path, ISMS_STORE_CREATE, 500);
	assert_int_equal(tu_count(fx->s, "person"), 1);
}

static void t_missing(void **state)
{
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);

	(void)state;
	open_fails(path, 0, -ENOENT, "does not exist");
	open_fails(path, ISMS_STORE_READONLY, -ENOENT, NULL);
	/* Read-only never creates, even when asked to. */
	open_fails(path, ISMS_STORE_READONLY | ISMS_STORE_CREATE, -ENOENT, NULL);
	assert_int_equal(access(path, F_OK), -1);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void t_group_world_writable(void **state)
{
	struct tu_fixture *fx = *state;

	fx->s = isms_store_free(fx->s);
	assert_int_equal(chmod(fx->path, 0620), 0);
	open_fails(fx->path, 0, -EPERM, "group- or world-writable");
	/* Even a reader must not trust a file others could have rewritten. */
	open_fails(fx->path, ISMS_STORE_READONLY, -EPERM, NULL);
	assert_int_equal(chmod(fx->path, 0602), 0);
	open_fails(fx->path, 0, -EPERM, "chmod 600");
	assert_int_equal(chmod(fx->path, 0600), 0);
	fx->s = open_ok(fx->path, 0, 500);
}

static void t_writable_dir(void **state)
{
	struct tu_fixture *fx = *state;

	fx->s = isms_store_free(fx->s);
	assert_int_equal(chmod(fx->dir, 0777), 0);
	open_fails(fx->path, 0, -EPERM, "world-writable");
	/* A group that may write the directory may replace the store file. */
	assert_int_equal(chmod(fx->dir, 0770), 0);
	open_fails(fx->path, 0, -EPERM, "group- or world-writable");
	open_fails(fx->path, ISMS_STORE_READONLY, -EPERM, NULL);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	isms_store_free(open_ok(fx->path, 0, 500));
	/* The sticky bit (as on /tmp) stops others from replacing the file. */
	assert_int_equal(chmod(fx->dir, 01777), 0);
	fx->s = open_ok(fx->path, 0, 500);
	assert_int_equal(chmod(fx->dir, 0700), 0);
}

static void t_not_regular(void **state)
{
	char *dir = tu_tmpdir();

	(void)state;
	open_fails(dir, 0, -EINVAL, "not a regular file");
	tu_rm_rf(dir);
	free(dir);
}

static void t_garbage_file(void **state)
{
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);
	char junk[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)('a' + i % 26);
	write_file(path, junk, sizeof(junk), 0600);
	open_fails(path, 0, -ENOTRECOVERABLE, "not an isms store");
	open_fails(path, ISMS_STORE_READONLY, -ENOTRECOVERABLE, NULL);
	open_fails(path, ISMS_STORE_CREATE, -ENOTRECOVERABLE, NULL);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void t_foreign_db(void **state)
{
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);

	(void)state;
	assert_int_equal(tu_sql(path, "PRAGMA application_id = 1179010630;"
				      "CREATE TABLE other (x INTEGER);"
				      "INSERT INTO other VALUES (1);"),
			 SQLITE_OK);
	assert_int_equal(chmod(path, 0600), 0);
	open_fails(path, 0, -EMEDIUMTYPE, "another application");
	open_fails(path, ISMS_STORE_CREATE, -EMEDIUMTYPE, NULL);
	/* The other application's data is left alone. */
	assert_int_equal(tu_sql_int(path, "SELECT count(*) FROM other"), 1);
	assert_int_equal(tu_sql_int(path, "SELECT count(*) FROM sqlite_master"), 1);
	/* Without any application_id, tables still make it someone else's. */
	assert_int_equal(tu_sql(path, "PRAGMA application_id = 0"), SQLITE_OK);
	open_fails(path, ISMS_STORE_CREATE, -EMEDIUMTYPE, NULL);
	assert_int_equal(tu_sql_int(path, "SELECT count(*) FROM sqlite_master"), 1);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void t_empty_file(void **state)
{
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);
	struct isms_store *s;

	(void)state;
	write_file(path, "", 0, 0600);
	open_fails(path, 0, -EMEDIUMTYPE, "init");
	/* CREATE turns an empty file into a store. */
	s = open_ok(path, ISMS_STORE_CREATE, 500);
	assert_int_equal(isms_store_schema_version(s), ISMS_SCHEMA_VERSION);
	isms_store_free(s);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void t_newer_schema(void **state)
{
	struct tu_fixture *fx = *state;
	char sql[64];

	fx->s = isms_store_free(fx->s);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", ISMS_SCHEMA_VERSION + 1);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	open_fails(fx->path, 0, -EPROTO, "newer");
	open_fails(fx->path, ISMS_STORE_READONLY, -EPROTO, "newer");
	/* Refusing must not downgrade the version. */
	assert_int_equal(tu_sql_int(fx->path, "PRAGMA user_version"), ISMS_SCHEMA_VERSION + 1);
}

static void t_older_schema_nomigrate(void **state)
{
	char *dir = tu_tmpdir();
	char *path = tu_store_path(dir);
	char sql[64];

	(void)state;
	/* An isms store at schema version 0: marked as ours, nothing in it yet. */
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", ISMS_APPLICATION_ID);
	assert_int_equal(tu_sql(path, sql), SQLITE_OK);
	assert_int_equal(chmod(path, 0600), 0);
	open_fails(path, ISMS_STORE_CREATE | ISMS_STORE_NOMIGRATE, -EPROTO, "needs migrating");
	assert_int_equal(tu_sql_int(path, "PRAGMA user_version"), 0);
	assert_int_equal(tu_sql_int(path, "SELECT count(*) FROM sqlite_master"), 0);
	isms_store_free(open_ok(path, ISMS_STORE_CREATE, 500));
	assert_int_equal(tu_sql_int(path, "PRAGMA user_version"), ISMS_SCHEMA_VERSION);
	tu_rm_rf(dir);
	free(path);
	free(dir);
}

static void t_readonly_flag(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.source = "test", .kind = "x"};
	char *v = NULL;

	assert_int_equal(isms_setting_set(fx->s, "organisation", "before"), 0);
	isms_store_free(fx->s);
	fx->s = open_ok(fx->path, ISMS_STORE_READONLY, 500);
	assert_true(isms_store_readonly(fx->s));
	assert_int_equal(isms_setting_set(fx->s, "organisation", "after"), -EROFS);
	assert_contains(isms_store_errmsg(fx->s), "read-only");
	assert_int_equal(isms_setting_apply(fx->s, "organisation", "after"), -EROFS);
	assert_int_equal(isms_record_add(fx->s, tu_entity("person"), TU_KV({"name", "bob"}), NULL),
			 -EROFS);
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), -EROFS);
	assert_int_equal(isms_store_begin(fx->s), -EROFS);
	/* Reading still works, and nothing was written. */
	assert_int_equal(isms_setting_get(fx->s, "organisation", &v), 0);
	assert_string_equal(v, "before");
	free(v);
	assert_int_equal(tu_count(fx->s, "person"), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
}

static void t_mode_0400(void **state)
{
	struct tu_fixture *fx = *state;

	fx->s = isms_store_free(fx->s);
	assert_int_equal(chmod(fx->path, 0400), 0);
	/* root could write anyway; the library honours the mode itself. */
	open_fails(fx->path, 0, -EROFS, "read-only");
	fx->s = open_ok(fx->path, ISMS_STORE_READONLY, 500);
	assert_int_equal(tu_count(fx->s, "person"), 0);
	assert_int_equal(chmod(fx->path, 0600), 0);
}

static void t_busy(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s2;
	struct timespec t0, t1;
	sqlite3 *other = NULL;
	double secs;

	s2 = open_ok(fx->path, 0, 200);
	assert_int_equal(sqlite3_open(fx->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(isms_setting_set(s2, "organisation", "x"), -EBUSY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Bounded by the busy timeout, not hanging until the lock goes. */
	assert_true(secs < 10.0);
	assert_int_equal(isms_store_begin(s2), -EBUSY);
	assert_int_equal(isms_record_add(s2, tu_entity("person"), TU_KV({"name", "bob"}), NULL),
			 -EBUSY);
	/* Reads do not need the write lock. */
	assert_int_equal(tu_count(s2, "person"), 0);

	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	/* The failed attempts left no transaction open behind them. */
	tu_add(s2, "person", TU_KV({"name", "bob"}));
	assert_int_equal(tu_count(fx->s, "person"), 1);
	isms_store_free(s2);
}

static void t_settings(void **state)
{
	struct tu_fixture *fx = *state;
	char *v = (char *)"untouched";
	size_t nkeys = 0;

	assert_int_equal(isms_setting_get(fx->s, "organisation", &v), -ENOENT);
	assert_string_equal(v, "untouched");
	assert_int_equal(isms_setting_set(fx->s, "anything", "one"), 0);
	assert_int_equal(isms_setting_set(fx->s, "anything", "two"), 0);
	assert_int_equal(isms_setting_get(fx->s, "anything", &v), 0);
	assert_string_equal(v, "two");
	free(v);
	for (; isms_setting_keys[nkeys]; nkeys++)
		;
	assert_int_equal(nkeys, 6); /* and protection.high, protection.very_high, package.catalogues */
}

static void t_setting_apply(void **state)
{
	struct tu_fixture *fx = *state;
	char *v = NULL;

	assert_int_equal(isms_setting_apply(fx->s, "colour", "blue"), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "unknown setting 'colour'");
	assert_int_equal(isms_setting_get(fx->s, "colour", &v), -ENOENT);

	/* Money is kept in cents. */
	assert_int_equal(isms_setting_apply(fx->s, "budget", "1200.5"), 0);
	assert_int_equal(isms_setting_get(fx->s, "budget", &v), 0);
	assert_string_equal(v, "120050");
	free(v);
	assert_int_equal(isms_setting_apply(fx->s, "budget", "50000"), 0);
	assert_int_equal(isms_setting_apply(fx->s, "budget", "-5"), -EINVAL);
	assert_int_equal(isms_setting_apply(fx->s, "budget", "12,50"), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "budget");
	assert_int_equal(isms_setting_get(fx->s, "budget", &v), 0);
	assert_string_equal(v, "5000000");
	free(v);

	/* Acceptance by name, kept as the level's rank. */
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "high"), 0);
	assert_int_equal(isms_setting_get(fx->s, "acceptance", &v), 0);
	assert_string_equal(v, "3");
	free(v);
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "catastrophic"), -EINVAL);
	assert_int_equal(isms_setting_apply(fx->s, "acceptance", "0"), -EINVAL);

	assert_int_equal(isms_setting_apply(fx->s, "organisation", "Beispiel & Söhne"), 0);
	assert_int_equal(isms_setting_apply(fx->s, "organisation", ""), -EINVAL);
	assert_int_equal(isms_setting_apply(fx->s, "organisation", "bad\x1b[2J"), -EINVAL);
	assert_int_equal(isms_setting_get(fx->s, "organisation", &v), 0);
	assert_string_equal(v, "Beispiel & Söhne");
	free(v);
}

static void t_tx_nested_commit(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(isms_store_begin(fx->s), 0);
	assert_int_equal(isms_store_begin(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	assert_int_equal(isms_store_commit(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	/* Not visible to another connection before the outermost commit. */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM person"), 0);
	assert_int_equal(isms_store_commit(fx->s), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM person"), 2);
	assert_int_equal(isms_store_commit(fx->s), -EINVAL);
}

static void t_tx_inner_rollback(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(isms_store_begin(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	assert_int_equal(isms_store_begin(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	isms_store_rollback(fx->s);
	/* The outer level cannot commit half of the work. */
	assert_int_equal(isms_store_commit(fx->s), -ECANCELED);
	assert_int_equal(tu_count(fx->s, "person"), 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM person"), 0);

	/* The failure does not stick to the next transaction. */
	assert_int_equal(isms_store_begin(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "carol"}));
	assert_int_equal(isms_store_commit(fx->s), 0);
	assert_int_equal(tu_count(fx->s, "person"), 1);
}

static void t_tx_outer_rollback(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(isms_store_begin(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	assert_int_equal(tu_count(fx->s, "person"), 1);
	isms_store_rollback(fx->s);
	assert_int_equal(tu_count(fx->s, "person"), 0);
	/* A stray rollback is harmless. */
	isms_store_rollback(fx->s);
	tu_add(fx->s, "person", TU_KV({"name", "bob"}));
	assert_int_equal(tu_count(fx->s, "person"), 1);
}

static void t_tx_free_rolls_back(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(isms_store_begin(fx->s), 0);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}));
	fx->s = isms_store_free(fx->s);
	fx->s = open_ok(fx->path, 0, 500);
	assert_int_equal(tu_count(fx->s, "person"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_create_mode_0600),
		cmocka_unit_test(t_create_ignores_umask),
		STORE_TEST(t_migrated_ids),
		STORE_TEST(t_pragmas),
		STORE_TEST(t_reopen),
		cmocka_unit_test(t_missing),
		STORE_TEST(t_group_world_writable),
		STORE_TEST(t_writable_dir),
		cmocka_unit_test(t_not_regular),
		cmocka_unit_test(t_garbage_file),
		cmocka_unit_test(t_foreign_db),
		cmocka_unit_test(t_empty_file),
		STORE_TEST(t_newer_schema),
		cmocka_unit_test(t_older_schema_nomigrate),
		STORE_TEST(t_readonly_flag),
		STORE_TEST(t_mode_0400),
		STORE_TEST(t_busy),
		STORE_TEST(t_settings),
		STORE_TEST(t_setting_apply),
		STORE_TEST(t_tx_nested_commit),
		STORE_TEST(t_tx_inner_rollback),
		STORE_TEST(t_tx_outer_rollback),
		STORE_TEST(t_tx_free_rolls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
