/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Row format 3: the rows and their compressed details batches under verify. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isms/evidence.h"
#include "isms/evidence_schema.h"
#include "isms/ingest.h"
#include "evidence_internal.h"
#include "testutil.h"
#include "evidence_fixture.h"

/*
 * Row format 3: every stored byte of a row and of its details batch counts.
 * Rows 1-300 are stored in one transaction (one batch); each edit is made
 * behind the triggers' back, verify must name the row, and putting the
 * byte back makes the chain whole again.
 */
#define RAW_TRIGGERS_OFF "DROP TRIGGER evidence_raw_no_update; DROP TRIGGER evidence_raw_no_delete;"
#define RAW_TRIGGERS_ON                                                                        \
	ISMS_EVIDENCE_RAW_TRIGGER_NO_UPDATE ";" ISMS_EVIDENCE_RAW_TRIGGER_NO_DELETE ";"

static void ingest_rows(struct isms_store *s, int n)
{
	struct isms_ingest *w = NULL;

	assert_int_equal(isms_ingest_new(s, "bench", &w), 0);
	assert_int_equal(isms_ingest_begin(w), 0);
	for (int i = 1; i <= n; i++) {
		char key[32], subject[32], details[96];
		struct isms_evidence ev = {.source = "bench", .kind = "file.read", .event_key = key,
					   .subject = subject, .details = details,
					   .ts = "2024-01-01T00:00:00Z"};

		snprintf(key, sizeof(key), "k%d", i);
		snprintf(subject, sizeof(subject), "user%d", i % 7);
		snprintf(details, sizeof(details), "{\"paths\":[\"/srv/f%d\"],\"n\":%d}", i, i);
		assert_int_equal(isms_ingest_add(w, &ev, NULL), 0);
	}
	assert_int_equal(isms_ingest_commit(w), 0);
	isms_ingest_free(w);
}

/* The batch at row 1 with byte @off of its stream flipped, behind the triggers' back. */
static void set_z(const char *path, int64_t off)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *z;
	int n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, RAW_TRIGGERS_OFF, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT z FROM keep", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_bytes(st, 0);
	z = malloc((size_t)n);
	assert_non_null(z);
	memcpy(z, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	z[off] ^= 0xff;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE evidence_raw SET z = ?1 WHERE pk = 1", -1,
					    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_bind_blob(st, 1, z, n, SQLITE_STATIC), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, RAW_TRIGGERS_ON, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(z);
}

static void t_format3_tamper(void **state)
{
	struct tu_fixture *fx = *state;
	int64_t zlen;
	char sql[4096], got[128];

	ingest_rows(fx->s, 300);
	tu_ev_verify_ok(fx->s, 300);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence_raw"), 1);
	assert_int_equal(tu_sql_int(fx->path, "SELECT n FROM evidence_raw WHERE pk = 1"), 300);
	/* shown as stored before format 3 */
	tu_ev_sql_text(fx->path, "SELECT evidence_details(pk, fmt, details) FROM evidence WHERE pk = 42",
		 got, sizeof(got));
	assert_string_equal(got, "{\"paths\":[\"/srv/f42\"],\"n\":42}");
	/* the batch's stream: bytes across it, each flipped in turn */
	zlen = tu_sql_int(fx->path, "SELECT length(z) FROM evidence_raw WHERE pk = 1");
	assert_true(zlen > 16);
	assert_int_equal(tu_sql(fx->path, "CREATE TABLE keep AS SELECT z FROM evidence_raw"),
			 SQLITE_OK);
	for (int64_t off = 0; off < zlen; off += zlen / 13 + 1) {
		struct isms_verify_result res;

		set_z(fx->path, off);
		assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
		assert_true(res.first_bad >= 1 && res.first_bad <= 300);
		assert_contains(res.reason, "altered");
		assert_int_equal(tu_sql(fx->path, RAW_TRIGGERS_OFF "UPDATE evidence_raw SET z ="
					  " (SELECT z FROM keep) WHERE pk = 1;" RAW_TRIGGERS_ON),
				 SQLITE_OK);
	}
	tu_ev_verify_ok(fx->s, 300);
	/* another stream that inflates: one row's details changed, recompressed (zeroblob: no) */
	assert_int_equal(tu_sql(fx->path, RAW_TRIGGERS_OFF "UPDATE evidence_raw SET n = 299 WHERE pk = 1;"
				  RAW_TRIGGERS_ON), SQLITE_OK);
	tu_ev_expect_bad(fx->s, 1, "details batch is damaged");
	assert_int_equal(tu_sql(fx->path, RAW_TRIGGERS_OFF "UPDATE evidence_raw SET n = 300 WHERE pk = 1;"
				  "UPDATE evidence_raw SET salt = upper(salt) WHERE pk = 1;" RAW_TRIGGERS_ON),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 1, "personal fields do not match");
	assert_int_equal(tu_sql(fx->path, RAW_TRIGGERS_OFF "UPDATE evidence_raw SET salt = lower(salt) WHERE pk = 1;"
				  RAW_TRIGGERS_ON), SQLITE_OK);
	tu_ev_verify_ok(fx->s, 300);
	/* the row's own columns: digest, prev, hash, details or salt in the row */
	static const char *const edits[][2] = {
		{"subject_d = upper(subject_d)", "subject_d = lower(subject_d)"},
		{"prev = (SELECT hash FROM evidence WHERE pk = 299)", "prev = ''"},
		{"hash = upper(hash)", "hash = lower(hash)"},
		{"details = '{}'", "details = NULL"},
		{"psalt = 'x'", "psalt = NULL"},
		{"details_d = 'x'", "details_d = NULL"},
		{"subject = 'mallory'", "subject = 'user6'"},
	};
	for (size_t k = 0; k < sizeof(edits) / sizeof(edits[0]); k++) {
		snprintf(sql, sizeof(sql), DROP_TRIGGERS "UPDATE evidence SET %s WHERE pk = 300;"
			 CREATE_TRIGGERS, edits[k][0]);
		assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
		tu_ev_expect_bad(fx->s, 300, "row 300");
		snprintf(sql, sizeof(sql), DROP_TRIGGERS "UPDATE evidence SET %s WHERE pk = 300;"
			 CREATE_TRIGGERS, edits[k][1]);
		assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
		tu_ev_verify_ok(fx->s, 300);
	}
	/* the batch deleted; a batch past the head */
	assert_int_equal(tu_sql(fx->path, RAW_TRIGGERS_OFF "DELETE FROM evidence_raw;" RAW_TRIGGERS_ON),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 1, "details batch is missing");
	assert_int_equal(tu_sql(fx->path, "INSERT INTO evidence_raw SELECT 1, 300, 'x', z FROM keep;"
				  RAW_TRIGGERS_OFF "UPDATE evidence_raw SET salt ="
				  " (SELECT salt FROM evidence_raw) WHERE 0;" RAW_TRIGGERS_ON),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 1, "altered");
	/* the triggers keep a batch as it is but for its pseudonymisation */
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence_raw SET n = 1"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "UPDATE evidence_raw SET z = NULL"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "DELETE FROM evidence_raw"), SQLITE_OK);
}

static void t_format3_batch_past_head(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 3);
	tu_ev_verify_ok(fx->s, 3);
	assert_int_equal(tu_sql(fx->path, "INSERT INTO evidence_raw SELECT 4, 1, salt, z FROM"
				  " evidence_raw WHERE pk = 3"), SQLITE_OK);
	tu_ev_expect_bad(fx->s, 0, "past the head");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_format3_tamper),
		STORE_TEST(t_format3_batch_past_head),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
