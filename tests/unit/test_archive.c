/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence lifecycle: retention, archives, and catching tampered archives. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "isms/archive.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/evidence_schema.h"
#include "isms/ingest.h"
#include "evidence_internal.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)
#define T0 1704067200 /* 2024-01-01T00:00:00Z */

/* @n rows of @kind, one second apart from T0 + @from. */
static void fill(struct isms_store *s, int from, int n, const char *kind)
{
	for (int i = from; i < from + n; i++) {
		char ts[32], subject[32];
		struct isms_evidence ev = {.source = "pam", .kind = kind, .subject = subject,
					   .outcome = "allow", .ts = ts,
					   .details = "{\"paths\": [\"/srv/x\"]}"};

		isms_date_format(T0 + i, ts, sizeof(ts));
		snprintf(subject, sizeof(subject), "user%d", i);
		if (isms_evidence_append(s, &ev, NULL) < 0)
			fail_msg("append: %s", isms_store_errmsg(s));
	}
}

static char *file_in(const struct tu_fixture *fx, const char *name)
{
	return tu_path(fx->dir, name);
}

static void archive_ok(struct isms_store *s, int64_t before, const char *path, int64_t first,
		       int64_t last)
{
	struct isms_archive_result res;
	int r = isms_archive_create(s, before, path, &res);

	if (r < 0)
		fail_msg("archive: %d %s", r, isms_store_errmsg(s));
	assert_int_equal(res.info.first, first);
	assert_int_equal(res.info.last, last);
	assert_int_equal(res.info.rows, last - first + 1);
}

static void verify_ok(struct isms_store *s, int64_t archived)
{
	struct isms_verify_result res;
	int r = isms_evidence_verify(s, &res);

	if (r != 0)
		fail_msg("verify: %d: %s", r, res.reason);
	assert_int_equal(res.archived, archived);
}

static void set_ok(struct isms_store *s, const char *const *paths, size_t n,
		   struct isms_archive_set *set)
{
	char reason[512];
	int r = isms_archive_verify_set(s, paths, n, set, reason, sizeof(reason));

	if (r != 0)
		fail_msg("verify set: %d: %s", r, reason);
}

static void set_bad(struct isms_store *s, const char *const *paths, size_t n, const char *want)
{
	struct isms_archive_set set;
	char reason[512];
	int r = isms_archive_verify_set(s, paths, n, &set, reason, sizeof(reason));

	assert_int_equal(r, -EBADMSG);
	if (!strstr(reason, want))
		fail_msg("reason '%s' does not say '%s'", reason, want);
}

static void t_roundtrip(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_archive_set set;
	struct isms_archive_info h;
	struct isms_anchor a;
	char *p1 = file_in(fx, "a1.gz"), *p2 = file_in(fx, "a2.gz"), reason[256];
	char hash[ISMS_HASH_HEX];
	const char *both[] = {p2, p1};

	fill(fx->s, 0, 10, "pam.login");
	assert_int_equal(isms_anchor_take(fx->s, &a), 0); /* row 10 */
	archive_ok(fx->s, T0 + 5, p1, 1, 5);
	/* 5 rows left, the archive's own record after them */
	verify_ok(fx->s, 5);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"), 6);
	assert_int_equal(tu_sql_int(fx->path, "SELECT min(pk) FROM evidence"), 6);
	assert_int_equal(isms_archive_check(p1, &h, 3, hash, reason, sizeof(reason)), 0);
	assert_int_equal(h.first, 1);
	assert_int_equal(h.last, 5);
	assert_int_equal(strlen(hash), 64);
	set_ok(fx->s, (const char *const[]){p1}, 1, &set);
	assert_int_equal(set.rows, 5);
	assert_int_equal(set.unfinished, 0);
	/* the anchor of row 10 still holds; the store id survives row 1 */
	assert_int_equal(isms_anchor_check(fx->s, &a, reason, sizeof(reason)), 0);
	/* an archived row's anchor: to be checked against the archive */
	a.row = 3;
	memcpy(a.hash, hash, sizeof(hash));
	assert_int_equal(isms_anchor_check(fx->s, &a, reason, sizeof(reason)), 1);
	/* a second archive continues the first; order given does not matter */
	archive_ok(fx->s, T0 + 8, p2, 6, 8);
	verify_ok(fx->s, 8);
	set_ok(fx->s, both, 2, &set);
	assert_int_equal(set.first, 1);
	assert_int_equal(set.last, 8);
	/* without the first one: the second still joins the store, rows 1-5 noted */
	set_ok(fx->s, (const char *const[]){p2}, 1, &set);
	assert_true(strstr(set.note, "rows 1 to 5") != NULL);
	/* without the second one: a gap before the store */
	set_bad(fx->s, (const char *const[]){p1}, 1, "rows 6 to 8 are archived but in no archive");
	/* the same archive twice */
	set_bad(fx->s, (const char *const[]){p1, p1}, 2, "overlap");
	/* appending after pruning chains on */
	fill(fx->s, 20, 2, "pam.login");
	verify_ok(fx->s, 8);
	free(p1);
	free(p2);
}

static void t_empty_range(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_archive_result res;
	char *p = file_in(fx, "none.gz");
	struct stat st;

	fill(fx->s, 100, 3, "pam.login");
	assert_int_equal(isms_archive_create(fx->s, T0, p, &res), 0);
	assert_int_equal(res.info.rows, 0);
	assert_int_equal(stat(p, &st), -1);
	verify_ok(fx->s, 0);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"), 3);
	free(p);
}

static void t_retention(void **state)
{
	struct tu_fixture *fx = *state;
	int64_t days;
	char *p = file_in(fx, "r.gz");

	assert_int_equal(isms_retention_parse("1y", &days), 0);
	assert_int_equal(days, 365);
	assert_int_equal(isms_retention_parse("6m", &days), 0);
	assert_int_equal(days, 180);
	assert_int_equal(isms_retention_parse("2w", &days), 0);
	assert_int_equal(days, 14);
	assert_int_equal(isms_retention_parse("0d", &days), -EINVAL);
	assert_int_equal(isms_retention_parse("1", &days), -EINVAL);
	assert_int_equal(isms_retention_parse("1yy", &days), -EINVAL);
	assert_int_equal(isms_retention_parse("999y", &days), -EINVAL);
	/* 2024 is old for a 1-day period; file.* has none, so the run stops at it */
	fill(fx->s, 0, 4, "pam.login");
	fill(fx->s, 4, 2, "file.read");
	fill(fx->s, 6, 2, "pam.login");
	assert_int_equal(isms_retention_set(fx->s, "pam.*", 1), 0);
	assert_int_equal(isms_retention_set(fx->s, "pam.login.special", 36500), 0);
	archive_ok(fx->s, -1, p, 1, 4);
	verify_ok(fx->s, 4);
	assert_int_equal(isms_retention_remove(fx->s, "nothing"), -ENOENT);
	free(p);
}

static void t_guards(void **state)
{
	struct tu_fixture *fx = *state;
	char *p = file_in(fx, "g.gz");

	fill(fx->s, 0, 6, "pam.login");
	archive_ok(fx->s, T0 + 3, p, 1, 3);
	/* rows past the boundary cannot go, the boundary cannot go back or jump */
	assert_int_not_equal(tu_sql(fx->path, "DELETE FROM evidence WHERE pk = 4"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence_archive SET last_pk = 1"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence_archive SET last_pk = 5,"
					      " last_hash = 'x'"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence_archive SET last_pk = 99"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "DELETE FROM evidence_archive"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "INSERT INTO evidence_archive VALUES (2, 0, '', '', 0)"),
			     SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence SET outcome = 'x' WHERE pk = 4"),
			     SQLITE_OK);
	verify_ok(fx->s, 3);
	/* an edited guard is named */
	assert_int_equal(tu_sql(fx->path, "DROP TRIGGER evidence_archive_forward"), SQLITE_OK);
	{
		struct isms_verify_result res;

		assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
		assert_true(strstr(res.reason, "evidence_archive_forward") != NULL);
	}
	free(p);
}

/* The archive's content, decompressed (malloc'd, *ret_n bytes). */
static char *slurp(const char *path, size_t *ret_n)
{
	gzFile gz = gzopen(path, "rb");
	size_t n = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	int k;

	assert_non_null(gz);
	while ((k = gzread(gz, buf + n, (unsigned)(cap - n))) > 0)
		n += (size_t)k;
	gzclose(gz);
	*ret_n = n;
	return buf;
}

static void spit(const char *path, const char *buf, size_t n)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, buf, (unsigned)n), (int)n);
	gzclose(gz);
}

static void check_bad(const char *path, const char *want)
{
	struct isms_archive_info h;
	char reason[256];

	assert_int_equal(isms_archive_check(path, &h, 0, NULL, reason, sizeof(reason)), -EBADMSG);
	if (!strstr(reason, want))
		fail_msg("reason '%s' does not say '%s'", reason, want);
}

static void t_tamper(void **state)
{
	struct tu_fixture *fx = *state;
	char *p = file_in(fx, "t.gz"), *q = file_in(fx, "q.gz"), *buf, *at;
	size_t n;
	int fd;
	struct stat st;
	unsigned char c;

	fill(fx->s, 0, 8, "pam.login");
	archive_ok(fx->s, T0 + 6, p, 1, 6);
	buf = slurp(p, &n);
	/* a bit flipped in the compressed data */
	assert_int_equal(stat(p, &st), 0);
	{
		char *raw = malloc((size_t)st.st_size);

		fd = open(p, O_RDONLY);
		assert_int_equal(read(fd, raw, (size_t)st.st_size), st.st_size);
		close(fd);
		c = (unsigned char)raw[st.st_size / 2];
		raw[st.st_size / 2] = (char)(c ^ 0x10);
		fd = open(q, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_int_equal(write(fd, raw, (size_t)st.st_size), st.st_size);
		close(fd);
		free(raw);
	}
	check_bad(q, "");
	/* an edited row: user3 becomes user9 */
	at = memmem(buf, n, "user3", 5);
	assert_non_null(at);
	at[4] = '9';
	spit(q, buf, n);
	check_bad(q, "row 4 was altered");
	at[4] = '3';
	/* a removed row: row 6's line cut out, the header left alone */
	{
		char *r6 = memmem(buf, n, "\n1:6;", 5), *end = memmem(buf, n, "\nend\n", 5);

		assert_non_null(r6);
		assert_non_null(end);
		memmove(r6, end, (size_t)(buf + n - end));
		spit(q, buf, n - (size_t)(end - r6));
		check_bad(q, "rows were removed");
	}
	/* not an archive at all */
	spit(q, "hello\n", 6);
	check_bad(q, "not an evidence archive");
	free(buf);
	free(p);
	free(q);
}

static void t_other_store(void **state)
{
	struct tu_fixture *fx = *state;
	char *dir = NULL, *p = file_in(fx, "o.gz"), *mine = file_in(fx, "m.gz");
	struct isms_store *other = tu_store_new(&dir);

	fill(fx->s, 0, 4, "pam.login");
	fill(other, 0, 4, "file.read");
	archive_ok(fx->s, T0 + 2, mine, 1, 2);
	archive_ok(other, T0 + 2, p, 1, 2);
	set_bad(fx->s, (const char *const[]){p}, 1, "another store");
	set_bad(NULL, (const char *const[]){mine, p}, 2, "different stores");
	isms_store_free(other);
	tu_rm_rf(dir);
	free(dir);
	free(p);
	free(mine);
}

/* A crash after the file was written, before the rows left: verify explains, a re-run completes. */
static void t_crash_between(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_archive_result res;
	struct isms_archive_set set;
	struct isms_store *copy = NULL;
	char *p = file_in(fx, "c.gz"), *cpath = file_in(fx, "copy.db"), sql[8192];

	fill(fx->s, 0, 6, "pam.login");
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", cpath);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	archive_ok(fx->s, T0 + 4, p, 1, 4);
	/* the copy is the store as the crash left it: all rows, the archive written */
	assert_int_equal(isms_store_open(cpath, 0, 1000, &copy, NULL), 0);
	verify_ok(copy, 0);
	set_ok(copy, (const char *const[]){p}, 1, &set);
	assert_int_equal(set.unfinished, 4);
	assert_int_equal(isms_archive_create(copy, T0 + 4, p, &res), 0);
	assert_true(res.completed);
	verify_ok(copy, 4);
	set_ok(copy, (const char *const[]){p}, 1, &set);
	assert_int_equal(set.unfinished, 0);
	/* another range into the same file is refused */
	assert_int_equal(isms_archive_create(fx->s, T0 + 5, p, &res), -EEXIST);
	isms_store_free(copy);
	free(p);
	free(cpath);
}

/* A store made before the lifecycle (schema 4) migrates: its chain verifies, and archives. */
static void t_migrate_old_store(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = NULL;
	char *p = file_in(fx, "old.gz"), prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX], sql[1024];

	fx->s = isms_store_free(fx->s);
	/* back to schema 4, as an earlier build left it */
	assert_int_equal(tu_sql(fx->path,
				TU_UNDO_M18
				"DROP TRIGGER evidence_raw_no_update; DROP TRIGGER evidence_raw_no_delete;"
				"DROP TABLE evidence_raw;"
				"DROP TRIGGER evidence_archive_forward; DROP TRIGGER evidence_archive_no_delete;"
				"DROP TRIGGER evidence_archive_no_insert; DROP TABLE evidence_archive;"
				"DROP TABLE evidence_retention; DROP TRIGGER evidence_no_delete;"
				"DROP TRIGGER evidence_no_update;"
				"DROP INDEX evidence_by_ts; DROP TABLE evidence_tag;"
				"DROP TABLE control_test; DROP TABLE assessment;"
				"DROP TABLE catalogue_mapping; DROP TABLE catalogue_import;"
				"DROP TABLE catalogue_control; DROP TABLE catalogue_group; DROP TABLE catalogue;"
				"DROP TABLE measure_control; DROP TABLE measure_risk; DROP TABLE risk_asset;"
				"CREATE INDEX risk_asset ON risk(asset);"
				"DROP TABLE appointment; ALTER TABLE scope DROP COLUMN proposed_by;"
				"ALTER TABLE document DROP COLUMN proposed_by;"
				"ALTER TABLE document DROP COLUMN approved_version;"
				"ALTER TABLE risk DROP COLUMN treatment_approved_by;"
				"ALTER TABLE risk DROP COLUMN treatment_approved_at;"
				"ALTER TABLE risk DROP COLUMN impact_confidentiality;"
				"ALTER TABLE risk DROP COLUMN impact_integrity;"
				"ALTER TABLE risk DROP COLUMN impact_availability;"
				"ALTER TABLE risk DROP COLUMN impact_justification;"
				"ALTER TABLE risk_axis DROP COLUMN definition;"
				"ALTER TABLE risk_level DROP COLUMN definition;"
				"ALTER TABLE risk DROP COLUMN acceptance_conditions;"
				"ALTER TABLE risk DROP COLUMN revoked_by; ALTER TABLE risk DROP COLUMN revoked_at;"
				"DROP TABLE incident_event; DROP TABLE incident; DROP TABLE training;"
				"DROP TABLE objective; DROP TABLE requirement; DROP TABLE interested_party;"
				"DROP TABLE context_issue; DROP TABLE soa_version;"
				"DROP TABLE period_risk; DROP TABLE period_report;"
				"ALTER TABLE measure DROP COLUMN management_review;"
				"DROP TABLE management_review_decision; DROP TABLE management_review;"
				"ALTER TABLE nonconformity DROP COLUMN audit; DROP TABLE audit;"
				"ALTER TABLE measure DROP COLUMN nonconformity; DROP TABLE nonconformity;"
				"ALTER TABLE evidence DROP COLUMN fmt; ALTER TABLE evidence DROP COLUMN psalt;"
				"ALTER TABLE evidence DROP COLUMN subject_d;"
				"ALTER TABLE evidence DROP COLUMN details_d;"
				"CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence"
				"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;"
				"CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence"
				"  BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;"
				"PRAGMA user_version = 4;"),
			 SQLITE_OK);
	/* rows of row format 1, as that build hashed them */
	memcpy(prev, "0000000000000000000000000000000000000000000000000000000000000000",
	       ISMS_HASH_HEX);
	for (int i = 1; i <= 4; i++) {
		char ts[32];
		struct isms_evidence ev = {.source = "pam", .kind = "pam.login", .ts = ts,
					   .subject = "alice"};

		isms_date_format(T0 + i - 1, ts, sizeof(ts));
		assert_int_equal(isms_evidence_hash(prev, i, ts, &ev, hash), 0);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO evidence (pk, recorded, ts, source, kind, subject, prev, hash)"
			 " VALUES (%d, '%s', '%s', 'pam', 'pam.login', 'alice', '%s', '%s');"
			 "UPDATE evidence_head SET last_pk = %d, last_hash = '%s';",
			 i, ts, ts, prev, hash, i, hash);
		assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
		memcpy(prev, hash, sizeof(hash));
	}
	/* read-only, an old store is refused until migrated */
	assert_int_equal(isms_store_open(fx->path, ISMS_STORE_READONLY, 1000, &s, NULL), -EPROTO);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s, NULL), 0);
	fx->s = s;
	assert_int_equal(tu_sql_int(fx->path, "PRAGMA user_version"), ISMS_SCHEMA_VERSION);
	verify_ok(s, 0);
	/* migration 8 tagged the old rows: found by kind and subject (block 0) */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_tag WHERE block = 0"
					      " AND ((field = 1 AND value = 'pam.login')"
					      " OR (field = 5 AND value = 'alice'))"),
			 2);
	/* new rows (format 2) after old ones (format 1), one chain */
	fill(s, 10, 2, "pam.login");
	verify_ok(s, 0);
	archive_ok(s, T0 + 2, p, 1, 2);
	verify_ok(s, 2);
	free(p);
}

/* A keyed store archives (its own record sealed with the key) and verifies with the key. */
static void t_keyed(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;
	char *key = file_in(fx, "evidence.key"), *p = file_in(fx, "k.gz");

	assert_int_equal(isms_evidence_key_create(key), 0);
	assert_int_equal(isms_evidence_key_enable(fx->s, key), 0);
	fill(fx->s, 0, 5, "pam.login");
	archive_ok(fx->s, T0 + 3, p, 1, 3);
	assert_int_equal(isms_evidence_verify(fx->s, &res), 0);
	assert_int_equal(res.keyed, ISMS_VERIFY_KEY_CHECKED);
	assert_int_equal(res.archived, 3);
	free(key);
	free(p);
}

static void expect_bad_row(struct isms_store *s, int64_t row, const char *want)
{
	struct isms_verify_result res;

	assert_int_equal(isms_evidence_verify(s, &res), -EBADMSG);
	assert_int_equal(res.first_bad, row);
	if (!strstr(res.reason, want))
		fail_msg("reason '%s' does not say '%s'", res.reason, want);
}

/* Change a row behind the triggers' back, then put the trigger back. */
static void edit(const char *path, const char *set, int row)
{
	char sql[4096];

	snprintf(sql, sizeof(sql),
		 "DROP TRIGGER evidence_no_update; UPDATE evidence SET %s WHERE pk = %d;"
		 ISMS_EVIDENCE_TRIGGER_NO_UPDATE_V3 ";", set, row);
	assert_int_equal(tu_sql(path, sql), SQLITE_OK);
}

static void t_pseudonymise(void **state)
{
	struct tu_fixture *fx = *state;
	int64_t n = 0;
	char *p = file_in(fx, "p.gz"), sql[256];

	fill(fx->s, 0, 6, "access.read");
	assert_int_equal(isms_evidence_pseudonymise(fx->s, T0 + 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE subject LIKE '~%'"
					     " AND details IS NULL AND psalt IS NULL"), 3);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE subject = 'user4'"),
			 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"
					     " WHERE kind = 'evidence.pseudonymised'"), 1);
	verify_ok(fx->s, 0);
	/* again: nothing left to do, nothing recorded */
	assert_int_equal(isms_evidence_pseudonymise(fx->s, T0 + 3, &n), 0);
	assert_int_equal(n, 0);
	/* the trigger lets only pseudonymisation through */
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence SET subject = 'bob' WHERE pk = 5"),
			     SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence SET details = NULL, psalt = NULL"
					      " WHERE pk = 5"), SQLITE_OK);
	/* tampering with a pseudonymised row */
	edit(fx->path, "outcome = 'deny'", 2);
	expect_bad_row(fx->s, 2, "does not match its hash");
	edit(fx->path, "outcome = 'allow'", 2);
	verify_ok(fx->s, 0);
	edit(fx->path, "details = '{}'", 2);
	expect_bad_row(fx->s, 2, "in the row");
	edit(fx->path, "details = NULL", 2);
	edit(fx->path, "subject = 'user1'", 1);
	expect_bad_row(fx->s, 1, "pseudonymised");
	snprintf(sql, sizeof(sql), "subject = '~' || substr(subject_d, 1, 16)");
	edit(fx->path, sql, 1);
	verify_ok(fx->s, 0);
	/* and with one that is not: its text no longer matches its digest */
	edit(fx->path, "subject = 'mallory'", 5);
	expect_bad_row(fx->s, 5, "personal fields do not match");
	edit(fx->path, "subject = 'user4'", 5);
	/* a pseudonym that is not the digest's is caught; a correct one passes: pseudonymising
	 * needs no secret, so only an archive or anchor made before tells it from the trigger's */
	edit(fx->path, "subject = '~0000000000000000'", 6);
	expect_bad_row(fx->s, 6, "personal fields do not match");
	assert_int_equal(tu_sql(fx->path, "UPDATE evidence_raw SET salt = NULL, z = NULL WHERE pk = 6"),
			 SQLITE_OK);
	expect_bad_row(fx->s, 6, "pseudonymised");
	edit(fx->path, "subject = '~' || substr(subject_d, 1, 16)", 6);
	verify_ok(fx->s, 0);
	/* pseudonymised rows archive and verify there too */
	archive_ok(fx->s, T0 + 4, p, 1, 4);
	{
		struct isms_archive_info h;
		char reason[256];

		assert_int_equal(isms_archive_check(p, &h, 0, NULL, reason, sizeof(reason)), 0);
	}
	verify_ok(fx->s, 4);
	free(p);
}


/*
 * Rows of row format 2 (schema 6 and 7: salt and two digests in the row)
 * followed by format-3 rows: one chain that verifies, pseudonymises (each
 * format by its own rule) and archives as before.
 */
static void t_format2_then_3(void **state)
{
	struct tu_fixture *fx = *state;
	char prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX], sql[2048], *p = file_in(fx, "f2.gz");
	int64_t n = 0;

	memcpy(prev, EVIDENCE_GENESIS, ISMS_HASH_HEX);
	for (int i = 1; i <= 3; i++) {
		char ts[32], subject[16], salt[EVIDENCE_SALT_HEX], sd[ISMS_HASH_HEX],
			dd[ISMS_HASH_HEX];
		struct isms_evidence ev = {.source = "pam", .kind = "pam.login", .ts = ts,
					   .subject = subject, .details = "{\"tty\":\"pts/1\"}"};

		isms_date_format(T0 + i - 1, ts, sizeof(ts));
		snprintf(subject, sizeof(subject), "old%d", i);
		assert_int_equal(evidence_salt(salt), 0);
		assert_int_equal(evidence_hash_v2(prev, i, ts, &ev, salt, sd, dd, hash), 0);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO evidence (pk, recorded, ts, source, kind, subject, details,"
			 " prev, hash, fmt, psalt, subject_d, details_d) VALUES (%d, '%s', '%s', 'pam',"
			 " 'pam.login', '%s', '{\"tty\":\"pts/1\"}', '%s', '%s', 2, '%s', '%s', '%s');"
			 "UPDATE evidence_head SET last_pk = %d, last_hash = '%s';",
			 i, ts, ts, subject, prev, hash, salt, sd, dd, i, hash);
		assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
		memcpy(prev, hash, sizeof(hash));
	}
	verify_ok(fx->s, 0);
	fill(fx->s, 3, 3, "pam.login"); /* rows 4-6, format 3 */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE fmt = 3"), 3);
	verify_ok(fx->s, 0);
	/* shown alike: the details of both formats */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE"
				    " evidence_details(pk, fmt, details) IS NOT NULL AND pk <= 6"), 6);
	assert_int_equal(isms_evidence_pseudonymise(fx->s, T0 + 5, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE subject LIKE '~%'"),
			 5);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE"
				    " evidence_details(pk, fmt, details) IS NULL AND pk <= 5"), 5);
	verify_ok(fx->s, 0);
	archive_ok(fx->s, T0 + 4, p, 1, 4);
	verify_ok(fx->s, 4);
	{
		struct isms_archive_info h;
		char reason[256];

		assert_int_equal(isms_archive_check(p, &h, 0, NULL, reason, sizeof(reason)), 0);
	}
	free(p);
}


/*
 * One batch of format-3 rows (one transaction) cut by the archive boundary
 * and by the pseudonymisation date: the batch stays for the rows after the
 * boundary, the store and the archive verify, the batch is pseudonymised
 * only once all its rows are old enough, and goes with its last row.
 */
static void t_batch_straddles(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_ingest *w = NULL;
	char *p1 = file_in(fx, "s1.gz"), *p2 = file_in(fx, "s2.gz");
	int64_t n = 0;

	assert_int_equal(isms_ingest_new(fx->s, "bench", &w), 0);
	assert_int_equal(isms_ingest_begin(w), 0);
	for (int i = 0; i < 10; i++) {
		char ts[32], subject[16], details[64];
		struct isms_evidence ev = {.source = "bench", .kind = "file.read", .ts = ts,
					   .subject = subject, .details = details};

		isms_date_format(T0 + i, ts, sizeof(ts));
		snprintf(subject, sizeof(subject), "u%d", i);
		snprintf(details, sizeof(details), "{\"i\":%d}", i);
		assert_int_equal(isms_ingest_add(w, &ev, NULL), 0);
	}
	assert_int_equal(isms_ingest_commit(w), 0);
	isms_ingest_free(w);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_raw"), 1);
	/* not all ten older than T0 + 5: the batch waits */
	assert_int_equal(isms_evidence_pseudonymise(fx->s, T0 + 5, &n), 0);
	assert_int_equal(n, 0);
	archive_ok(fx->s, T0 + 4, p1, 1, 4);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_raw WHERE pk = 1"), 1);
	verify_ok(fx->s, 4);
	{
		struct isms_archive_info h;
		char reason[256];

		assert_int_equal(isms_archive_check(p1, &h, 0, NULL, reason, sizeof(reason)), 0);
	}
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE pk = 7 AND"
				    " evidence_details(pk, fmt, details) = '{\"i\":6}'"), 1);
	/* all the batch's rows in the store are old enough now */
	assert_int_equal(isms_evidence_pseudonymise(fx->s, T0 + 10, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_raw WHERE"
				    " salt IS NULL AND z IS NULL"), 1);
	verify_ok(fx->s, 4);
	archive_ok(fx->s, T0 + 10, p2, 5, 10);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_raw WHERE pk = 1"), 0);
	verify_ok(fx->s, 10);
	free(p1);
	free(p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_roundtrip),   STORE_TEST(t_empty_range), STORE_TEST(t_retention),
		STORE_TEST(t_guards),      STORE_TEST(t_tamper),      STORE_TEST(t_other_store),
		STORE_TEST(t_crash_between), STORE_TEST(t_migrate_old_store),
		STORE_TEST(t_keyed),         STORE_TEST(t_pseudonymise),
		STORE_TEST(t_format2_then_3), STORE_TEST(t_batch_straddles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
