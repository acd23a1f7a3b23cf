/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TESTUTIL_H
#define ISMS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "isms/entity.h"
#include "isms/policy.h"
#include "isms/store.h"

/* A fresh temporary directory (mode 0700); remove it with tu_rm_rf(). */
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

/* Seconds since the epoch of a UTC date and time. */
time_t tu_utc(int y, int mo, int d, int h, int mi);

/*
 * A policy parsed from JSON written with single quotes (each becomes a double
 * quote); fails the test with the first problem if it is refused.
 */
struct isms_policy *tu_policy(const char *sq);

/* The source tree's data directory ($ISMS_DATA_DIR). */
const char *tu_data_dir(void);
/* Load the Annex A catalogue of the data directory into @s; fails the test if it cannot. */
void tu_load_annex_a(struct isms_store *s);

/* Run SQL on the store file directly through sqlite3 (for tampering tests). */
int tu_sql(const char *db_path, const char *sql);

/* One integer from a query run directly on the store file; fails the test on error. */
int64_t tu_sql_int(const char *db_path, const char *sql);

/*
 * A fixture for cmocka_unit_test_setup_teardown(): a new store per test, so
 * no test sees another's records.
 */
struct tu_fixture {
	struct isms_store *s;
	char *dir;
	char *path;
};
int tu_setup_store(void **state);
int tu_teardown_store(void **state);

/* The entity called @name; fails the test if there is none. */
const struct isms_entity *tu_entity(const char *name);

/* An isms_kv array and its length, for the calls that take both. */
#define TU_KV(...)                                                                          \
	((const struct isms_kv[]){__VA_ARGS__}),                                            \
		(sizeof((const struct isms_kv[]){__VA_ARGS__}) / sizeof(struct isms_kv))

/* Add a record, failing the test (with the store's message) if that fails. */
void tu_add(struct isms_store *s, const char *entity, const struct isms_kv *kv, size_t n);

/* Number of records of @entity; fails the test on error. */
int64_t tu_count(struct isms_store *s, const char *entity);

/*
 * The shown value of @field of record @key (malloc'd, NULL when empty);
 * fails the test if the record cannot be read.
 */
char *tu_field(struct isms_store *s, const char *entity, const char *key, const char *field);

/* Keys of the records matching @filter, joined with ',' ("" if none; malloc'd). */
char *tu_keys(struct isms_store *s, const char *entity, const struct isms_kv *filter, size_t n);

/* Compare strings where either may be NULL, reporting the caller's line. */
void tu_assert_str(const char *got, const char *want, const char *file, int line);
#define assert_str_or_null(got, want) tu_assert_str((got), (want), __FILE__, __LINE__)

/* Assert that a record field shows @want (NULL: empty). */
#define assert_field(s, entity, key, field, want)                                           \
	do {                                                                                \
		char *got_ = tu_field((s), (entity), (key), (field));                       \
		tu_assert_str(got_, (want), __FILE__, __LINE__);                            \
		free(got_);                                                                 \
	} while (0)

/* Assert that a string contains @needle. */
#define assert_contains(hay, needle)                                                        \
	tu_assert_contains((hay), (needle), __FILE__, __LINE__)
void tu_assert_contains(const char *hay, const char *needle, const char *file, int line);

/*
 * SQL that takes a store back from schema 18 to 17, for the tests of the
 * migrations from older stores (they go further back from there).
 */
#define TU_UNDO_M18                                                                          \
	"DROP TABLE node;"                                                                      \
	"DROP TABLE implementation; DROP TABLE parameter; DROP TABLE tailoring;"                \
	"DROP TABLE protection_override; DROP TABLE asset_dependency;"                         \
	"ALTER TABLE control_test DROP COLUMN requirements;"                                   \
	"ALTER TABLE asset DROP COLUMN target_object; DROP TABLE target_object_source;"

#endif
