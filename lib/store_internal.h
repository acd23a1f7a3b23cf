/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_STORE_INTERNAL_H
#define ISMS_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "isms/store.h"

struct isms_store {
	sqlite3 *db;
	const struct isms_schema *schema;
	char *path;
	unsigned flags;
	int schema_version;
	int txdepth;     /* nesting of isms_store_begin() */
	bool tx_failed;  /* an inner level rolled back: the outer commit must fail */
	unsigned txgen;  /* outermost transactions begun: what is cached for one is valid in it */
	/* The next generated key of one record type (crud.c), valid in transaction @txgen:
	 * an import of many records reads the highest key once, not once per record. */
	struct {
		const struct isms_entity *e;
		unsigned txgen;
		int64_t next;
	} autokey;
	/* An import is under way (import.c): written() hooks check, and do not act. */
	bool importing;
	/* ... with --update (ISMS_IMPORT_UPDATE): a record that exists is changed
	 * where it differs, SoA versions and timeline events present are kept. */
	bool import_update;
	struct isms_import_counts *import_counts; /* of that import, or NULL */
	/* Who writes (history.c): found once per handle, "" until then. */
	char actor[64];
	/* Built-in rows are being installed (assess_record.c): they come with the
	 * program, like the catalogue, and are not journaled. */
	bool history_off;
	char errmsg[512];
	/* The evidence key (evidence_key.c) once loaded; wiped when the store is freed. */
	unsigned char evkey[32];
	char evkey_id[17];
	bool evkey_loaded;
	bool evkey_given; /* by isms_evidence_key_use(): verify then insists on a keyed store */
};

/* Record a message for isms_store_errmsg(); returns @r so callers can write return seterr(...). */
int store_seterr(struct isms_store *s, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* SQLite result code to -errno: the one place where that translation lives. */
int store_errno(int rc);

/* Prepare @sql; on failure records sqlite3_errmsg and returns -errno. */
int store_prepare(struct isms_store *s, const char *sql, sqlite3_stmt **ret_stmt);

/* Step expecting SQLITE_DONE; maps constraint failures to -EEXIST/-ENOENT. */
int store_step_done(struct isms_store *s, sqlite3_stmt *stmt);

/* Step expecting a row (1), done (0) or an error (-errno). */
int store_step_row(struct isms_store *s, sqlite3_stmt *stmt);

/* Run SQL without parameters (schema, pragmas); -errno with the message kept. */
int store_exec(struct isms_store *s, const char *sql);

/* Bind text or NULL. */
int store_bind_text(struct isms_store *s, sqlite3_stmt *stmt, int idx, const char *text);

/*
 * The integer of a one-value query with text parameters ?1..?3 (NULL leaves
 * one NULL): 1 with *ret set, 0 when there is no row or the value is NULL,
 * or -errno (sql.c).
 */
int store_query_int(struct isms_store *s, const char *sql, const char *a, const char *b,
		    const char *c, int64_t *ret);
/* The same for a text: 1 with *ret malloc'd, 0 with *ret NULL, or -errno. */
int store_query_text(struct isms_store *s, const char *sql, const char *a, const char *b,
		     const char *c, char **ret);

/* Schema migrations (migrate.c). */
int store_migrate(struct isms_store *s);

/* A record type of this store's schema by name, or NULL. */
const struct isms_entity *store_entity(const struct isms_store *s, const char *name);

/* Refuse writes on a read-only store with a clear message. */
int store_check_writable(struct isms_store *s);

/*
 * Whether this process may open the store at @path (store_access.c): not
 * group- or world-writable, nor in such a directory (unless sticky); for
 * anyone but root every directory on the way trusted (isms_trust_check);
 * readable, and writable when @want_write; the -wal and -shm that exist
 * held to the same rules, and readable.  0, or -errno with a message in
 * @err naming the file and what is missing.  Opens no file (a descriptor
 * closed would drop SQLite's locks of other connections in this process).
 */
int store_check_access(const char *path, bool want_write, char *err, size_t errlen);

/* Why @path cannot be reached or read: -EACCES, @err names the directory
 * or file and the group it needs. */

/* Why SQLite found a store it may read read-only after all (@sqlite_msg):
 * the -wal and -shm a reader cannot create are missing, say.  -errno. */
int store_explain_readonly(const char *path, const char *tool, const char *sqlite_msg, char *err,
			   size_t errlen);
int store_explain_denied(const char *path, char *err, size_t errlen);

/* Give the -wal and -shm that exist the store's group and mode, so that
 * the store's readers can read them and nobody else; 0 or the first -errno. */
int store_sync_side_files(const char *path);

#endif
