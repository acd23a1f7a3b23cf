/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence chain tests' common fixture. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "isms/evidence.h"
#include "evidence_internal.h"
#include "evidence_fixture.h"
#include "testutil.h"

void tu_ev_sql_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(evidence_details_register(db), 0);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

void tu_ev_append_n(struct isms_store *s, int n)
{
	for (int i = 1; i <= n; i++) {
		char key[32], subject[32];
		struct isms_evidence ev = {
			.source = "pam", .kind = "login.allow", .node = "host1",
			.event_key = key, .control = "8.15", .asset = "web1",
			.subject = subject, .outcome = "allow", .details = "{\"tty\": \"pts/1\"}",
		};
		int64_t id = 0;
		int r;

		snprintf(key, sizeof(key), "host1:%d", i);
		snprintf(subject, sizeof(subject), "user%d", i);
		r = isms_evidence_append(s, &ev, &id);
		if (r < 0)
			fail_msg("append %d: %s", i, isms_store_errmsg(s));
		assert_true(id > 0);
	}
}

void tu_ev_verify_ok(struct isms_store *s, int64_t rows)
{
	struct isms_verify_result res;
	int r = isms_evidence_verify(s, &res);

	if (r != 0)
		fail_msg("verify: %d: %s", r, res.reason);
	assert_int_equal(res.rows, rows);
	assert_int_equal(res.first_bad, 0);
	assert_int_equal(strlen(res.head), 64);
}

void tu_ev_expect_bad(struct isms_store *s, int64_t first_bad, const char *reason)
{
	struct isms_verify_result res;
	int r = isms_evidence_verify(s, &res);

	if (r != -EBADMSG)
		fail_msg("verify gave %d, want -EBADMSG", r);
	if (res.first_bad != first_bad)
		fail_msg("first_bad %lld, want %lld (%s)", (long long)res.first_bad,
			 (long long)first_bad, res.reason);
	assert_contains(res.reason, reason);
}
