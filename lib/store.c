/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening the store, its pragmas, transactions, and SQLite error translation. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms/entity.h"
#include "evidence_internal.h"
#include "store_internal.h"

int store_seterr(struct isms_store *s, int r, const char *fmt, ...)
{
	char buf[sizeof(s->errmsg)];
	va_list ap;

	/* Through a copy: callers often wrap the previous message. */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(s->errmsg, buf, sizeof(buf));
	return r;
}

int store_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CANTOPEN:
		return -EACCES;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return -ENOTRECOVERABLE;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_TOOBIG:
		return -E2BIG;
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return -EINVAL;
	default:
		return -EIO; /* never 0 for a failure: callers rely on that */
	}
}

/* SQLite's own failure (@msg, or the connection's last message), with
 * corruption named as what it means for the user. */
static int sqlite_fail_msg(struct isms_store *s, int rc, const char *msg)
{
	int r = store_errno(rc);

	if (!msg)
		msg = sqlite3_errmsg(s->db);
	if (r == -ENOTRECOVERABLE)
		return store_seterr(s, r,
				    "store '%s' is corrupt (%s); restore it from a backup ('%s check' reads every page)",
				    s->path, msg, s->schema->tool);
	return store_seterr(s, r, "%s", msg);
}

static int sqlite_fail(struct isms_store *s, int rc)
{
	return sqlite_fail_msg(s, rc, NULL);
}

int store_prepare(struct isms_store *s, const char *sql, sqlite3_stmt **ret_stmt)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, ret_stmt, NULL);

	if (rc != SQLITE_OK)
		return sqlite_fail(s, rc);
	return 0;
}

/*
 * A reader whose -shm is read-only (a member of the store's group, see
 * store_access.c) can catch the -shm's header while a writer rewrites it,
 * just as its read transaction starts, and find the writer gone when it
 * looks again: SQLite then answers SQLITE_READONLY_RECOVERY (it cannot
 * rebuild the index itself), though the next try finds the header whole.
 * Only the start of a read transaction fails so, before any row: the
 * statement is tried again, for at most about a second.
 */
static int step(struct isms_store *s, sqlite3_stmt *stmt)
{
	for (int i = 0;; i++) {
		int rc = sqlite3_step(stmt);

		if (i == 100 || !(s->flags & ISMS_STORE_READONLY) ||
		    (rc != SQLITE_READONLY_RECOVERY && rc != SQLITE_READONLY_CANTINIT))
			return rc;
		sqlite3_reset(stmt);
		usleep(i < 10 ? 1000 : 10000);
	}
}

int store_step_row(struct isms_store *s, sqlite3_stmt *stmt)
{
	int rc = step(s, stmt);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sqlite_fail(s, rc);
}

int store_step_done(struct isms_store *s, sqlite3_stmt *stmt)
{
	int rc = step(s, stmt);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return store_seterr(s, -ENOTEMPTY, "still referred to by other records");
	return sqlite_fail(s, rc);
}

int store_exec(struct isms_store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	int r = rc == SQLITE_OK ? 0 : sqlite_fail_msg(s, rc, msg);

	sqlite3_free(msg);
	return r;
}

int store_bind_text(struct isms_store *s, sqlite3_stmt *stmt, int idx, const char *text)
{
	int rc = text ? sqlite3_bind_text(stmt, idx, text, -1, SQLITE_TRANSIENT)
		      : sqlite3_bind_null(stmt, idx);

	if (rc != SQLITE_OK)
		return store_seterr(s, store_errno(rc), "%s", sqlite3_errmsg(s->db));
	return 0;
}

int store_check_writable(struct isms_store *s)
{
	if (s->flags & ISMS_STORE_READONLY)
		return store_seterr(s, -EROFS, "store '%s' is open read-only", s->path);
	return 0;
}

/* Create the file ourselves so its mode is 0600 from the first byte on. */
static int create_file(const char *path, char *err, size_t errlen)
{
	char *dup = strdup(path);
	char *dir;
	int fd;

	if (!dup)
		return -ENOMEM;
	dir = dirname(dup);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int r = -errno;

		snprintf(err, errlen, "cannot create directory '%s': %s", dir, strerror(errno));
		free(dup);
		return r;
	}
	free(dup);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int r = -errno;

		snprintf(err, errlen, "cannot create store '%s': %s", path, strerror(errno));
		return r;
	}
	close(fd);
	return 0;
}

static int pragma_int(struct isms_store *s, const char *sql, int *ret)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	if (r < 0)
		goto out;
	r = store_step_row(s, st);
	if (r < 0)
		goto out;
	*ret = r ? sqlite3_column_int(st, 0) : 0;
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int count_tables(struct isms_store *s, int *ret)
{
	return pragma_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", ret);
}

static int identify(struct isms_store *s)
{
	int appid = 0, version = 0, tables = 0;
	int r;

	/* The first read is where SQLite notices a file that is not a database. */
	r = pragma_int(s, "PRAGMA application_id", &appid);
	if (r == -ENOTRECOVERABLE)
		return store_seterr(s, r,
				    "'%s' is not an isms store: not an SQLite database, or corrupt (%s)",
				    s->path, sqlite3_errmsg(s->db));
	if (r < 0)
		return r;
	r = pragma_int(s, "PRAGMA user_version", &version);
	if (r < 0)
		return r;
	/* Only an unknown file needs its tables counted: logins skip it. */
	if ((unsigned)appid != s->schema->application_id) {
		r = count_tables(s, &tables);
		if (r < 0)
			return r;
		if (appid == 0 && version == 0 && tables == 0) {
			s->schema_version = 0; /* a new, empty file */
			return 0;
		}
		return store_seterr(s, -EMEDIUMTYPE,
				    "'%s' is %s (application_id %#x), not an %s store",
				    s->path,
				    (unsigned)appid == 0x44504d53 ? "a DPMS store; open it with dpmsctl" :
				    (unsigned)appid == 0x49534d53 ? "an ISMS store; open it with ismsctl" :
								    "an SQLite database of another application",
				    (unsigned)appid, s->schema->name);
	}
	if (version > s->schema->version)
		return store_seterr(s, -EPROTO,
				    "store '%s' has schema version %d, newer than this build understands (%d); upgrade isms",
				    s->path, version, s->schema->version);
	s->schema_version = version;
	return 0;
}

int isms_store_check(struct isms_store *s)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "PRAGMA quick_check(1)", &st);

	if (r < 0)
		goto out;
	r = store_step_row(s, st);
	if (r < 0)
		goto out;
	if (r == 1 && strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		r = store_seterr(s, -ENOTRECOVERABLE, "store '%s' is corrupt: %s", s->path,
				 (const char *)sqlite3_column_text(st, 0));
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

int isms_store_open(const char *path, unsigned flags, int busy_ms, struct isms_store **ret_store,
		    char **ret_err)
{
	return isms_store_open_schema(path, &isms_schema_main, flags, busy_ms, ret_store, ret_err);
}

int isms_store_open_schema(const char *path, const struct isms_schema *schema, unsigned flags,
			   int busy_ms, struct isms_store **ret_store, char **ret_err)
{
	struct isms_store *s = NULL;
	char err[512] = "";
	bool ro = flags & ISMS_STORE_READONLY;
	int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
	struct stat st;
	int rc, r;

	if (stat(path, &st) < 0) {
		if (errno == EACCES) {
			r = store_explain_denied(path, err, sizeof(err));
			goto fail;
		}
		if (errno != ENOENT || !(flags & ISMS_STORE_CREATE) || ro) {
			r = -errno;
			if (errno == ENOENT)
				snprintf(err, sizeof(err),
					 "store '%s' does not exist; create it with: %s --store '%s' init",
					 path, schema->tool, path);
			else
				snprintf(err, sizeof(err), "cannot open store '%s': %s", path,
					 strerror(errno));
			goto fail;
		}
		r = create_file(path, err, sizeof(err));
		if (r < 0)
			goto fail;
	}
	r = store_check_access(path, !ro, err, sizeof(err));
	if (r < 0)
		goto fail;

	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		r = -ENOMEM;
		goto fail;
	}
	s->flags = flags;
	s->schema = schema;
	oflags |= ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(rc);
		snprintf(err, sizeof(err), "cannot open store '%s': %s", path,
			 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_ms > 0 ? busy_ms : 0);
	/* Defence in depth against a hostile store file: no triggers firing
	 * attacker SQL through views, no loadable extensions. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	/* Format-3 rows' details, for every query that shows or reads them. */
	r = evidence_details_register(s->db);
	if (r < 0) {
		snprintf(err, sizeof(err), "cannot open store '%s': out of memory", path);
		goto fail;
	}
	if (!ro) {
		int one = 1;

		/* Keep the -wal and -shm when the last connection closes: a
		 * reader who may not write the directory cannot create them,
		 * and SQLite can read beside them read-only (store_access.c). */
		sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	}

	r = identify(s);
	if (r == -EROFS && ro) {
		/* SQLite needed to create the -wal or -shm: say which and why,
		 * not "attempt to write a readonly database". */
		r = store_explain_readonly(path, schema->tool, sqlite3_errmsg(s->db), err,
					   sizeof(err));
		goto fail;
	}
	if (r < 0)
		goto fail_msg;
	/* The whole-file check only when asked: it reads every page, and a
	 * login must not wait for that.  Otherwise corruption shows on the
	 * pages that are read (-ENOTRECOVERABLE, named as such). */
	if (s->schema_version > 0 && (flags & ISMS_STORE_CHECK)) {
		r = isms_store_check(s);
		if (r < 0)
			goto fail_msg;
	}
	r = store_exec(s, "PRAGMA foreign_keys = ON");
	if (r < 0)
		goto fail_msg;
	if (!ro) {
		/* WAL and the page size are properties of the file: set once, when
		 * it is created.  16 KiB pages: fewer, larger writes for a store
		 * that mostly grows by appended evidence. */
		/* With the -wal kept, journal_size_limit truncates it at close
		 * (and to 64 MiB after a checkpoint), so it does not stay large. */
		r = store_exec(s, s->schema_version == 0 ?
					  "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;"
					  " PRAGMA synchronous = NORMAL;"
					  " PRAGMA journal_size_limit = 67108864" :
					  "PRAGMA synchronous = NORMAL;"
					  " PRAGMA journal_size_limit = 67108864");
		if (r < 0)
			goto fail_msg;
	}
	if (s->schema_version < schema->version) {
		if (s->schema_version == 0 && !(flags & ISMS_STORE_CREATE)) {
			r = store_seterr(s, -EMEDIUMTYPE,
					 "'%s' is empty, not an %s store; create it with: %s --store '%s' init",
					 path, schema->name, schema->tool, path);
			goto fail_msg;
		}
		if (ro || (flags & ISMS_STORE_NOMIGRATE)) {
			r = store_seterr(s, -EPROTO,
					 "store '%s' has schema version %d and needs migrating to %d; run any %s write command",
					 path, s->schema_version, schema->version, schema->tool);
			goto fail_msg;
		}
		r = store_migrate(s);
		if (r < 0)
			goto fail_msg;
	}
	/* The -wal and -shm exist by now: as readable as the store, no more
	 * (chmod 600 on the store takes the readers' access away from them
	 * too at the next write).  Failing to only hurts readers, who are told. */
	if (!ro)
		(void)store_sync_side_files(path);
	*ret_store = s;
	return 0;

fail_msg:
	snprintf(err, sizeof(err), "%s", s->errmsg);
fail:
	if (ret_err)
		*ret_err = strdup(err[0] ? err : strerror(-r));
	isms_store_free(s);
	return r;
}

struct isms_store *isms_store_free(struct isms_store *s)
{
	if (!s)
		return NULL;
	if (s->db) {
		if (s->txdepth > 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	explicit_bzero(s->evkey, sizeof(s->evkey));
	free(s->path);
	free(s);
	return NULL;
}

int isms_store_autocheckpoint(struct isms_store *s, int pages)
{
	int rc = sqlite3_wal_autocheckpoint(s->db, pages);

	return rc == SQLITE_OK ? 0 : sqlite_fail(s, rc);
}

int isms_store_checkpoint(struct isms_store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 : sqlite_fail(s, rc);
}

const struct isms_entity *store_entity(const struct isms_store *s, const char *name)
{
	return isms_schema_entity(s->schema, name);
}

const char *isms_store_errmsg(const struct isms_store *s)
{
	return s->errmsg;
}

int isms_store_schema_version(const struct isms_store *s)
{
	return s->schema_version;
}

bool isms_store_readonly(const struct isms_store *s)
{
	return s->flags & ISMS_STORE_READONLY;
}

int isms_store_begin(struct isms_store *s)
{
	int r;

	if (s->txdepth == 0) {
		r = store_check_writable(s);
		if (r < 0)
			return r;
		/* IMMEDIATE takes the write lock now, so a busy store fails here
		 * within the busy timeout instead of half-way through. */
		r = store_exec(s, "BEGIN IMMEDIATE");
		if (r < 0)
			return r;
		s->tx_failed = false;
		s->txgen++;
	}
	s->txdepth++;
	return 0;
}

int isms_store_commit(struct isms_store *s)
{
	int r = 0;

	if (s->txdepth <= 0)
		return store_seterr(s, -EINVAL, "commit without a transaction");
	if (--s->txdepth > 0)
		return 0;
	if (s->tx_failed) {
		store_exec(s, "ROLLBACK");
		return store_seterr(s, -ECANCELED, "transaction rolled back");
	}
	r = store_exec(s, "COMMIT");
	if (r < 0) {
		char saved[sizeof(s->errmsg)];

		/* (SQLite may have rolled back already: keep why the commit failed) */
		memcpy(saved, s->errmsg, sizeof(saved));
		store_exec(s, "ROLLBACK");
		memcpy(s->errmsg, saved, sizeof(saved));
	}
	return r;
}

void isms_store_rollback(struct isms_store *s)
{
	char saved[sizeof(s->errmsg)];

	if (s->txdepth <= 0)
		return;
	if (--s->txdepth > 0) {
		s->tx_failed = true;
		return;
	}
	/* Keep the message of the failure that made us roll back. */
	memcpy(saved, s->errmsg, sizeof(saved));
	store_exec(s, "ROLLBACK");
	memcpy(s->errmsg, saved, sizeof(saved));
}

int isms_store_snapshot(struct isms_store *s)
{
	if (!(s->flags & ISMS_STORE_READONLY))
		return store_seterr(s, -EINVAL, "a snapshot is for a store opened read-only");
	if (!sqlite3_get_autocommit(s->db))
		return 0;
	/* Deferred: the first read takes the snapshot, and no write lock. */
	return store_exec(s, "BEGIN");
}

int isms_setting_get(struct isms_store *s, const char *key, char **ret_value)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT value FROM setting WHERE key = ?1", &st);

	if (r < 0)
		goto out;
	r = store_bind_text(s, st, 1, key);
	if (r < 0)
		goto out;
	r = store_step_row(s, st);
	if (r < 0)
		goto out;
	if (r == 0) {
		r = store_seterr(s, -ENOENT, "setting '%s' is not set", key);
		goto out;
	}
	*ret_value = strdup((const char *)sqlite3_column_text(st, 0));
	r = *ret_value ? 0 : -ENOMEM;
out:
	sqlite3_finalize(st);
	return r;
}

int isms_setting_set(struct isms_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int r = store_check_writable(s);

	if (r < 0)
		return r;
	r = store_prepare(s,
			  "INSERT INTO setting(key, value) VALUES (?1, ?2) "
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			  &st);
	if (r < 0)
		goto out;
	r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_bind_text(s, st, 2, value);
	if (r >= 0)
		r = store_step_done(s, st);
out:
	sqlite3_finalize(st);
	return r;
}
