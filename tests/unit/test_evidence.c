/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The append-only evidence chain: appending, hashing, and catching tampering. */
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

static void t_verify_empty(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;

	assert_int_equal(isms_evidence_verify(fx->s, &res), 0);
	assert_int_equal(res.rows, 0);
	assert_int_equal(res.first_bad, 0);
	assert_string_equal(res.head, GENESIS);
}

static void t_append_first(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.source = "ismsctl", .kind = "review.done"};
	struct isms_verify_result res;
	char recorded[32], ts[32], stored[ISMS_HASH_HEX], want[ISMS_HASH_HEX];
	int64_t id = 0;

	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(isms_evidence_verify(fx->s, &res), 0);
	assert_int_equal(res.rows, 1);

	/* The stored row hashes as documented, from the genesis value. */
	tu_ev_sql_text(fx->path, "SELECT recorded FROM evidence WHERE pk = 1", recorded,
		 sizeof(recorded));
	tu_ev_sql_text(fx->path, "SELECT ts FROM evidence WHERE pk = 1", ts, sizeof(ts));
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 1", stored, sizeof(stored));
	assert_string_equal(ts, recorded); /* no ts given: now */
	ev.ts = ts;
	/* row format 3: the chain covers one salted digest of subject and details,
	 * the salt is its batch's, and the row keeps no prev */
	{
		char salt[64], pd[EVIDENCE_PD_HEX], got[ISMS_HASH_HEX];

		tu_ev_sql_text(fx->path, "SELECT salt FROM evidence_raw WHERE pk = 1", salt, sizeof(salt));
		assert_int_equal(strlen(salt), 32);
		assert_int_equal(tu_sql_int(fx->path, "SELECT n FROM evidence_raw WHERE pk = 1"), 1);
		assert_int_equal(evidence_hash_v3(GENESIS, 1, recorded, &ev, salt, pd, want), 0);
		tu_ev_sql_text(fx->path, "SELECT subject_d FROM evidence WHERE pk = 1", got, sizeof(got));
		assert_string_equal(got, pd);
		assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE pk = 1"
					    " AND details IS NULL AND details_d IS NULL"
					    " AND psalt IS NULL AND fmt = 3"), 1);
	}
	assert_string_equal(stored, want);
	assert_string_equal(res.head, want);
	tu_ev_sql_text(fx->path, "SELECT prev FROM evidence WHERE pk = 1", stored, sizeof(stored));
	assert_string_equal(stored, "");
	tu_ev_sql_text(fx->path, "SELECT last_hash FROM evidence_head", stored, sizeof(stored));
	assert_string_equal(stored, want);
}

static void t_append_chain(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;
	char h2[ISMS_HASH_HEX], p3[ISMS_HASH_HEX], h3[ISMS_HASH_HEX];
	int64_t id = 0;
	struct isms_evidence ev = {.source = "audit", .kind = "file.watch",
				   .ts = "2024-05-01T10:00:00Z"};

	tu_ev_append_n(fx->s, 3);
	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
	assert_int_equal(id, 4);
	tu_ev_verify_ok(fx->s, 4);
	/* Each row names the one before it through its hash (format 3 keeps no prev). */
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 2", h2, sizeof(h2));
	tu_ev_sql_text(fx->path, "SELECT prev FROM evidence WHERE pk = 3", p3, sizeof(p3));
	assert_string_equal(p3, "");
	assert_int_equal(strlen(h2), 64);
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 4", h3, sizeof(h3));
	assert_int_equal(isms_evidence_verify(fx->s, &res), 0);
	assert_string_equal(res.head, h3);
	tu_ev_sql_text(fx->path, "SELECT ts FROM evidence WHERE pk = 4", h3, sizeof(h3));
	assert_string_equal(h3, "2024-05-01T10:00:00Z");
	assert_int_equal(tu_sql_int(fx->path, "SELECT last_pk FROM evidence_head"), 4);
}

static void t_event_key_duplicate(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.source = "pam", .kind = "login.deny", .event_key = "host1:2"};
	char before[ISMS_HASH_HEX], after[ISMS_HASH_HEX];
	int64_t id = -1;

	tu_ev_append_n(fx->s, 3);
	tu_ev_sql_text(fx->path, "SELECT last_hash FROM evidence_head", before, sizeof(before));
	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), -EALREADY);
	assert_int_equal(id, -1);
	assert_contains(isms_store_errmsg(fx->s), "host1:2");
	assert_int_equal(tu_count(fx->s, "evidence"), 3);
	tu_ev_sql_text(fx->path, "SELECT last_hash FROM evidence_head", after, sizeof(after));
	assert_string_equal(after, before);
	tu_ev_verify_ok(fx->s, 3);
	/* Another key is fine, and so is no key at all, twice. */
	ev.event_key = "host1:4";
	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
	ev.event_key = NULL;
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	tu_ev_verify_ok(fx->s, 6);
}

static void t_append_invalid(void **state)
{
	struct tu_fixture *fx = *state;
	static const char *const not_json[] = {
		"", "not json", "{", "{\"a\": }", "{'a': 1}", "{\"a\": 1} trailing", "[1, 2] [3]",
		"[1, 2,]", "tru", "{\"a\": \"x\\\"\"} 'b'",
		/* Strict JSON, as everywhere (issue #8): no second "a" to mislead a reader. */
		"{\"a\": 1, \"a\": 2}", "{\"a\": 1, \"\\u0061\": 2}", "{\"a\": 1 /* c */}", "[01]",
		"[NaN]", "[\"\\ud800\"]",
	};
	static const char *const json[] = {
		"{}", "{\"user\": \"alice\", \"n\": [1, 2]}", "[1, 2]", "\"text\"", "42", "null",
		" {\"a\": 1}\n", "{\"note\": \"it's fine\"}", "[\"a \\\" quote and it's\"]",
		/* audisp-isms writes a NUL byte of a record as \u0000. */
		"{\"raw\": \"a\\u0000b\"}",
	};
	struct isms_evidence ev = {.source = "pam", .kind = "login.allow"};

	for (size_t i = 0; i < sizeof(not_json) / sizeof(not_json[0]); i++) {
		ev.details = not_json[i];
		if (isms_evidence_append(fx->s, &ev, NULL) != -EINVAL)
			fail_msg("details '%s' accepted", not_json[i]);
	}
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
	for (size_t i = 0; i < sizeof(json) / sizeof(json[0]); i++) {
		ev.details = json[i];
		if (isms_evidence_append(fx->s, &ev, NULL) != 0)
			fail_msg("details '%s' refused: %s", json[i], isms_store_errmsg(fx->s));
	}
	assert_int_equal(tu_count(fx->s, "evidence"), (int64_t)(sizeof(json) / sizeof(json[0])));

	ev.details = NULL;
	ev.source = NULL;
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "source");
	ev.source = "pam";
	ev.kind = NULL;
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), -EINVAL);
	ev.kind = "login.allow";
	ev.subject = "mallory\x1b[1A\x1b[2Kroot";
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), -EINVAL);
	ev.subject = NULL;
	ev.node = "bad\xc0\xafutf8";
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), -EINVAL);
	assert_int_equal(tu_count(fx->s, "evidence"), (int64_t)(sizeof(json) / sizeof(json[0])));
	tu_ev_verify_ok(fx->s, (int64_t)(sizeof(json) / sizeof(json[0])));
}

/* --- the hash ------------------------------------------------------------ */

static const struct isms_evidence kat_ev = {
	.ts = "2024-01-01T00:00:00Z", .source = "pam", .kind = "login.allow", .node = NULL,
	.event_key = "n1:1", .control = "5.15", .asset = "web1", .subject = "alice",
	.outcome = "allow", .details = "{\"tty\":\"pts/0\"}",
};
#define KAT_RECORDED "2024-01-01T00:00:00Z"

static void t_hash_known_answer(void **state)
{
	char out[ISMS_HASH_HEX];

	(void)state;
	/*
	 * SHA-256 over "16:isms-evidence-v1;" "64:<prev>;" "1:1;" then recorded,
	 * ts, source, kind, node, event_key, control, asset, subject, outcome and
	 * details, each "<len>:<bytes>;" or "-;" for NULL.  Computed independently;
	 * if this changes, every existing store stops verifying.
	 */
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &kat_ev, out), 0);
	assert_string_equal(out, "2ee2f06b01fbb1b2f4e61af9ac2a0209"
				 "6a47cbff99d10edd072274294409e86c");
}

static void t_hash_every_field_counts(void **state)
{
	struct isms_evidence ev;
	char base[ISMS_HASH_HEX], again[ISMS_HASH_HEX], out[ISMS_HASH_HEX];
	const char *alt = "x";

	(void)state;
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &kat_ev, base), 0);
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &kat_ev, again), 0);
	assert_string_equal(base, again);

	/* Change one field at a time: to other text, to "" and to NULL. */
	for (int i = 0; i < 10; i++) {
		const char *variants[] = {alt, "", NULL};

		for (size_t v = 0; v < 3; v++) {
			const char **slot;

			ev = kat_ev;
			switch (i) {
			case 0: slot = &ev.ts; break;
			case 1: slot = &ev.source; break;
			case 2: slot = &ev.kind; break;
			case 3: slot = &ev.node; break;
			case 4: slot = &ev.event_key; break;
			case 5: slot = &ev.control; break;
			case 6: slot = &ev.asset; break;
			case 7: slot = &ev.subject; break;
			case 8: slot = &ev.outcome; break;
			default: slot = &ev.details; break;
			}
			if (*slot == variants[v] ||
			    (*slot && variants[v] && strcmp(*slot, variants[v]) == 0))
				continue; /* not a change */
			*slot = variants[v];
			assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &ev, out), 0);
			if (strcmp(out, base) == 0)
				fail_msg("field %d variant %zu does not change the hash", i, v);
		}
	}
	assert_int_equal(isms_evidence_hash(GENESIS, 2, KAT_RECORDED, &kat_ev, out), 0);
	assert_string_not_equal(out, base);
	assert_int_equal(isms_evidence_hash(GENESIS, 1, "2024-01-01T00:00:01Z", &kat_ev, out), 0);
	assert_string_not_equal(out, base);
	assert_int_equal(isms_evidence_hash(
				 "1000000000000000000000000000000000000000000000000000000000000000",
				 1, KAT_RECORDED, &kat_ev, out),
			 0);
	assert_string_not_equal(out, base);
	/* Lower-case hex, 64 digits. */
	assert_int_equal(strspn(base, "0123456789abcdef"), 64);
	assert_int_equal(strlen(base), 64);
}

static void t_hash_null_vs_empty(void **state)
{
	struct isms_evidence a = kat_ev, b = kat_ev;
	char ha[ISMS_HASH_HEX], hb[ISMS_HASH_HEX];

	(void)state;
	a.node = NULL;
	b.node = "";
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &a, ha), 0);
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &b, hb), 0);
	assert_string_not_equal(ha, hb);
	/* Nor does a NULL look like the text "-". */
	b.node = "-";
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &b, hb), 0);
	assert_string_not_equal(ha, hb);
}

static void t_hash_field_boundaries(void **state)
{
	struct isms_evidence a = kat_ev, b = kat_ev;
	char ha[ISMS_HASH_HEX], hb[ISMS_HASH_HEX];

	(void)state;
	/* Moving text from one field to the next must not hash alike. */
	a.subject = "ab";
	a.outcome = "c";
	b.subject = "a";
	b.outcome = "bc";
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &a, ha), 0);
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &b, hb), 0);
	assert_string_not_equal(ha, hb);
	b.subject = "ab;1:c";
	b.outcome = NULL;
	assert_int_equal(isms_evidence_hash(GENESIS, 1, KAT_RECORDED, &b, hb), 0);
	assert_string_not_equal(ha, hb);
}

/* --- tampering ----------------------------------------------------------- */

static void t_triggers_block(void **state)
{
	struct tu_fixture *fx = *state;
	char subject[64];

	tu_ev_append_n(fx->s, 3);
	assert_int_not_equal(tu_sql(fx->path,
				    "UPDATE evidence SET subject = 'mallory' WHERE pk = 2"),
			     SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "DELETE FROM evidence WHERE pk = 3"), SQLITE_OK);
	assert_int_not_equal(tu_sql(fx->path, "DELETE FROM evidence"), SQLITE_OK);
	tu_ev_sql_text(fx->path, "SELECT subject FROM evidence WHERE pk = 2", subject, sizeof(subject));
	assert_string_equal(subject, "user2");
	assert_int_equal(tu_count(fx->s, "evidence"), 3);
	tu_ev_verify_ok(fx->s, 3);
}

static void t_tamper_altered(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 4);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS
				"UPDATE evidence SET subject = 'mallory' WHERE pk = 2;"
				CREATE_TRIGGERS),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 2, "row 2 was altered");
}

static void t_tamper_altered_null(void **state)
{
	struct tu_fixture *fx = *state;

	/* Emptying a field, or swapping NULL for "", is a change too. */
	tu_ev_append_n(fx->s, 3);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS
				"UPDATE evidence SET details = '{}' WHERE pk = 3;" CREATE_TRIGGERS),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 3, "altered");
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS
				"UPDATE evidence SET details = NULL WHERE pk = 3;"
				"UPDATE evidence SET node = '' WHERE pk = 1;" CREATE_TRIGGERS),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 1, "altered");
}

static void t_tamper_deleted_middle(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 4);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS "DELETE FROM evidence WHERE pk = 2;"
					  CREATE_TRIGGERS),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 3, "deleted");
}

static void t_tamper_deleted_last(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 4);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS "DELETE FROM evidence WHERE pk = 4;"
					  CREATE_TRIGGERS),
			 SQLITE_OK);
	/* Every remaining row is intact; only the head record knows of row 4,
	 * and there is no row to point at. */
	tu_ev_expect_bad(fx->s, 0, "head record");
}

static void t_tamper_deleted_all(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 2);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS "DELETE FROM evidence;" CREATE_TRIGGERS),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 0, "head record names row 2");
}

static void t_tamper_inserted(void **state)
{
	struct tu_fixture *fx = *state;
	char sql[4096], prev[ISMS_HASH_HEX];

	tu_ev_append_n(fx->s, 3);
	/* INSERT needs no trigger removed: a forged row with a made-up hash. */
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 3", prev, sizeof(prev));
	snprintf(sql, sizeof(sql),
		 "INSERT INTO evidence (pk, recorded, ts, source, kind, prev, hash)"
		 " VALUES (4, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'pam', 'login.allow',"
		 " '%s', '%s')",
		 prev, GENESIS);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	tu_ev_expect_bad(fx->s, 4, "row 4 was altered");
}

static void t_tamper_inserted_forged_hash(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.ts = "2024-01-01T00:00:00Z", .source = "pam",
				   .kind = "login.allow"};
	char sql[4096], prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX];

	tu_ev_append_n(fx->s, 3);
	/* The attacker knows the format and chains the row correctly, but
	 * leaves the head record alone. */
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 3", prev, sizeof(prev));
	assert_int_equal(isms_evidence_hash(prev, 4, "2024-01-01T00:00:00Z", &ev, hash), 0);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO evidence (pk, recorded, ts, source, kind, prev, hash)"
		 " VALUES (4, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'pam', 'login.allow',"
		 " '%s', '%s')",
		 prev, hash);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	tu_ev_expect_bad(fx->s, 4, "head record names row 3");
}

static void t_tamper_replaced(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.ts = "2024-01-01T00:00:00Z", .source = "pam",
				   .kind = "login.deny", .subject = "mallory"};
	char sql[4096], prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX];

	tu_ev_append_n(fx->s, 3);
	/* Row 2 swapped for a forgery that hashes correctly on its own: the
	 * next row still names the original. */
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 1", prev, sizeof(prev));
	assert_int_equal(isms_evidence_hash(prev, 2, "2024-01-01T00:00:00Z", &ev, hash), 0);
	snprintf(sql, sizeof(sql),
		 DROP_TRIGGERS "DELETE FROM evidence WHERE pk = 2;"
		 "INSERT INTO evidence (pk, recorded, ts, source, kind, subject, prev, hash)"
		 " VALUES (2, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'pam', 'login.deny',"
		 " 'mallory', '%s', '%s');" CREATE_TRIGGERS,
		 prev, hash);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	tu_ev_expect_bad(fx->s, 3, "does not chain");
}

static void t_tamper_out_of_sequence(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 2);
	/* A row slipped in before the first one. */
	assert_int_equal(tu_sql(fx->path, "INSERT INTO evidence (pk, recorded, ts, source, kind,"
					  " prev, hash) VALUES (0, 'r', 't', 's', 'k', 'p', 'h')"),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 0, "row 0 is out of sequence (expected row 1)");
}

static void t_tamper_head(void **state)
{
	struct tu_fixture *fx = *state;

	tu_ev_append_n(fx->s, 2);
	assert_int_equal(tu_sql(fx->path, "UPDATE evidence_head SET last_hash = '" GENESIS "'"),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 0, "head");
}

static void t_tamper_triggers_dropped(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;

	tu_ev_append_n(fx->s, 3);
	assert_int_equal(tu_sql(fx->path, "DROP TRIGGER evidence_no_delete"), SQLITE_OK);
	assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
	assert_contains(res.reason, "triggers");
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.first_bad, 0);
	/* Put back as it was, all is well again. */
	assert_int_equal(tu_sql(fx->path, ISMS_EVIDENCE_TRIGGER_NO_DELETE_ARCHIVED ";"),
			 SQLITE_OK);
	tu_ev_verify_ok(fx->s, 3);
}

static void t_tamper_trigger_noop(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;

	/* The same names, bodies that let everything through: edits then pass unseen. */
	tu_ev_append_n(fx->s, 3);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS
				"CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence"
				"  BEGIN SELECT 1; END;"
				"CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence"
				"  BEGIN SELECT 1; END;"),
			 SQLITE_OK);
	assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
	assert_contains(res.reason, "trigger");
	/* A third trigger that drops new evidence silently is as bad. */
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS CREATE_TRIGGERS
				"CREATE TRIGGER evidence_hide BEFORE INSERT ON evidence"
				"  WHEN NEW.outcome = 'deny' BEGIN SELECT RAISE(IGNORE); END;"),
			 SQLITE_OK);
	assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
	assert_contains(res.reason, "trigger");
	assert_int_equal(tu_sql(fx->path, "DROP TRIGGER evidence_hide"), SQLITE_OK);
	tu_ev_verify_ok(fx->s, 3);
}

static void t_tamper_nul_suffix(void **state)
{
	struct tu_fixture *fx = *state;

	/*
	 * A NUL appended: C string functions stop at it, so a hash over
	 * strlen() bytes does not change, while SQL comparisons now miss
	 * the row (a denial hidden from reports).
	 */
	tu_ev_append_n(fx->s, 3);
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS
				"UPDATE evidence SET subject = subject || char(0) WHERE pk = 2;"
				CREATE_TRIGGERS),
			 SQLITE_OK);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence WHERE subject = 'user2'"),
			 0);
	tu_ev_expect_bad(fx->s, 2, "row 2");
	/* The same on the stored hash itself. */
	assert_int_equal(tu_sql(fx->path, DROP_TRIGGERS
				"UPDATE evidence SET subject = 'user2' WHERE pk = 2;"
				"UPDATE evidence SET hash = hash || char(0) WHERE pk = 3;"
				CREATE_TRIGGERS),
			 SQLITE_OK);
	tu_ev_expect_bad(fx->s, 3, "row 3");
}

static void t_append_bad_ts(void **state)
{
	struct tu_fixture *fx = *state;
	static const char *const bad[] = {
		"last tuesday", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
		"2024-01-01T00:00:00+zz:zz", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00",
		"2024-01-01T00:00:00+15:00", "2024-01-01T00:00:60Z", "", "2024-01-01",
		"99999-01-01T00:00:00Z", "2024-01-01T00:00:00Z trailing",
	};
	struct isms_evidence ev = {.source = "ismsctl", .kind = "review.done"};
	int64_t id = 0;
	char ts[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ev.ts = bad[i];
		if (isms_evidence_append(fx->s, &ev, &id) != -EINVAL)
			fail_msg("ts '%s' was accepted", bad[i]);
	}
	assert_int_equal(tu_count(fx->s, "evidence"), 0);
	/* An offset is taken, and stored as UTC so that text order is time order. */
	ev.ts = "2024-01-01T02:30:00+02:00";
	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
	tu_ev_sql_text(fx->path, "SELECT ts FROM evidence WHERE pk = 1", ts, sizeof(ts));
	assert_string_equal(ts, "2024-01-01T00:30:00Z");
	ev.ts = "2024-01-01T00:30:00.123Z";
	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
	tu_ev_sql_text(fx->path, "SELECT ts FROM evidence WHERE pk = 2", ts, sizeof(ts));
	assert_string_equal(ts, "2024-01-01T00:30:00.123Z");
	tu_ev_verify_ok(fx->s, 2);
}

/* --- anchors ------------------------------------------------------------- */

static void t_anchor_roundtrip(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_anchor a, b;
	char line[ISMS_ANCHOR_MAX], audit[512], reason[256];

	assert_int_equal(isms_anchor_take(fx->s, &a), 0);
	assert_int_equal(a.row, 0);
	assert_string_equal(a.hash, GENESIS);
	assert_string_equal(a.store, "isms:0000000000000000");
	tu_ev_append_n(fx->s, 5);
	assert_int_equal(isms_anchor_take(fx->s, &a), 0);
	assert_int_equal(a.row, 5);
	isms_anchor_format(&a, line, sizeof(line));
	assert_true(strncmp(line, "isms-anchor v1 store=isms:", 26) == 0);
	/* As the kernel audit trail shows it: other fields around it. */
	snprintf(audit, sizeof(audit),
		 "type=TRUSTED_APP msg=audit(1.2:3): pid=1 uid=0 msg='%s exe=\"/usr/bin/ismsctl\" res=success'",
		 line);
	assert_int_equal(isms_anchor_parse(audit, &b), 0);
	assert_int_equal(b.row, 5);
	assert_string_equal(b.hash, a.hash);
	assert_string_equal(b.store, a.store);
	assert_string_equal(b.time, a.time);
	assert_int_equal(isms_anchor_check(fx->s, &b, reason, sizeof(reason)), 0);
	assert_int_equal(isms_anchor_parse("nothing here", &b), -ENOENT);
	assert_int_equal(isms_anchor_parse("isms-anchor v1 store=isms:00 row=1 hash=00 time=x", &b),
			 -EINVAL);
}

static void t_anchor_catches(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.ts = "2024-01-01T00:00:00Z", .source = "pam",
				   .kind = "login.allow"};
	struct isms_anchor a;
	char reason[256], sql[4096], prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX];

	tu_ev_append_n(fx->s, 4);
	assert_int_equal(isms_anchor_take(fx->s, &a), 0);
	/* Cut row 4 and rewrite the head: the plain chain holds, the anchor does not. */
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 3", prev, sizeof(prev));
	snprintf(sql, sizeof(sql),
		 DROP_TRIGGERS "DELETE FROM evidence WHERE pk = 4;"
		 "DROP TRIGGER evidence_raw_no_delete; DELETE FROM evidence_raw WHERE pk = 4;"
		 ISMS_EVIDENCE_RAW_TRIGGER_NO_DELETE ";"
		 "UPDATE evidence_head SET last_pk = 3, last_hash = '%s';" CREATE_TRIGGERS, prev);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	tu_ev_verify_ok(fx->s, 3);
	assert_int_equal(isms_anchor_check(fx->s, &a, reason, sizeof(reason)), -EBADMSG);
	assert_contains(reason, "missing");
	/* Put a forged row 4 in its place, chained correctly: a different hash. */
	assert_int_equal(isms_evidence_hash(prev, 4, "2024-01-01T00:00:00Z", &ev, hash), 0);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO evidence (pk, recorded, ts, source, kind, prev, hash)"
		 " VALUES (4, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'pam', 'login.allow',"
		 " '%s', '%s'); UPDATE evidence_head SET last_pk = 4, last_hash = '%s'",
		 prev, hash, hash);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	tu_ev_verify_ok(fx->s, 4);
	assert_int_equal(isms_anchor_check(fx->s, &a, reason, sizeof(reason)), -EBADMSG);
	assert_contains(reason, "rewritten");
	/* Another kind of store. */
	memcpy(a.store, "dpms", 4);
	assert_int_equal(isms_anchor_check(fx->s, &a, reason, sizeof(reason)), -EBADMSG);
}

/* --- keyed mode ------------------------------------------------------------ */

/* Rows without an event key, as many as wanted. */
static void append_plain(struct isms_store *s, int n)
{
	struct isms_evidence ev = {.source = "ismsctl", .kind = "review.done", .subject = "officer"};

	for (int i = 0; i < n; i++)
		if (isms_evidence_append(s, &ev, NULL) < 0)
			fail_msg("append: %s", isms_store_errmsg(s));
}

static void t_keyed(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;
	struct isms_store *s2 = NULL;
	char *key = tu_path(fx->dir, "evidence.key"), *other = tu_path(fx->dir, "other.key"), *moved;
	char id[17], path[4096], sql[512], prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX];
	struct isms_evidence ev = {.ts = "2024-01-01T00:00:00Z", .source = "pam",
				   .kind = "login.allow"};
	int64_t n;

	tu_ev_append_n(fx->s, 3);
	assert_int_equal(isms_evidence_key_create(key), 0);
	assert_int_equal(isms_evidence_key_create(key), -EEXIST);
	assert_int_equal(isms_evidence_keying(fx->s, id, path, sizeof(path)), 0);
	assert_int_equal(isms_evidence_key_enable(fx->s, key), 0);
	assert_int_equal(isms_evidence_keying(fx->s, id, path, sizeof(path)), 1);
	assert_string_equal(path, key);
	assert_int_equal(strlen(id), 16);
	append_plain(fx->s, 2);
	assert_int_equal(isms_evidence_verify(fx->s, &res), 0);
	assert_int_equal(res.keyed, ISMS_VERIFY_KEY_CHECKED);
	assert_string_equal(res.key_id, id);

	/* A second handle finds the key through the store's record, for appends too. */
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s2, NULL), 0);
	append_plain(s2, 1);
	assert_int_equal(isms_evidence_verify(s2, &res), 0);
	assert_int_equal(res.keyed, ISMS_VERIFY_KEY_CHECKED);
	s2 = isms_store_free(s2);

	/* Without the key: appends fail closed, verify checks the plain chain only. */
	moved = tu_path(fx->dir, "evidence.key.moved");
	assert_int_equal(rename(key, moved), 0);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s2, NULL), 0);
	assert_int_equal(isms_evidence_append(s2, &ev, NULL), -ENOKEY);
	assert_contains(isms_store_errmsg(s2), "keyed");
	assert_int_equal(isms_evidence_verify(s2, &res), 0);
	assert_int_equal(res.keyed, ISMS_VERIFY_KEY_MISSING);
	assert_contains(res.note, "only the unkeyed chain");
	s2 = isms_store_free(s2);
	assert_int_equal(rename(moved, key), 0);
	free(moved);
	n = tu_sql_int(fx->path, "SELECT count(*) FROM evidence");
	assert_int_equal(n, 6);

	/* A key that others may read is refused. */
	assert_int_equal(chmod(key, 0444), 0);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s2, NULL), 0);
	assert_int_equal(isms_evidence_key_use(s2, key), -EPERM);
	s2 = isms_store_free(s2);
	assert_int_equal(chmod(key, 0400), 0);

	/* A forged row appended with a correct chain hash and head: the MAC does not hold. */
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 6", prev, sizeof(prev));
	assert_int_equal(isms_evidence_hash(prev, 7, "2024-01-01T00:00:00Z", &ev, hash), 0);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO evidence (pk, recorded, ts, source, kind, prev, hash)"
		 " VALUES (7, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'pam', 'login.allow',"
		 " '%s', '%s'); UPDATE evidence_head SET last_pk = 7, last_hash = '%s'",
		 prev, hash, hash);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s2, NULL), 0);
	assert_int_equal(isms_evidence_verify(s2, &res), -EBADMSG);
	assert_contains(res.reason, "MAC");
	s2 = isms_store_free(s2);

	/* The keyed marker removed: only a verify told to use the key can know. */
	assert_int_equal(tu_sql(fx->path, "DELETE FROM setting WHERE key LIKE 'evidence.%'"),
			 SQLITE_OK);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s2, NULL), 0);
	assert_int_equal(isms_evidence_verify(s2, &res), 0);
	assert_int_equal(isms_evidence_key_use(s2, key), 0);
	assert_int_equal(isms_evidence_verify(s2, &res), -EBADMSG);
	assert_contains(res.reason, "not keyed");
	s2 = isms_store_free(s2);

	/* Another key is another key. */
	assert_int_equal(isms_evidence_key_enable(fx->s, key), 0);
	assert_int_equal(isms_evidence_key_create(other), 0);
	assert_int_equal(isms_evidence_key_enable(fx->s, other), -EEXIST);
	free(key);
	free(other);
}

/* The collectors' bulk writer keys its batches too, and fails closed without the key. */
static void t_keyed_ingest(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;
	struct isms_ingest *w = NULL;
	struct isms_store *s2 = NULL;
	char *key = tu_path(fx->dir, "evidence.key"), *moved = tu_path(fx->dir, "moved.key");
	struct isms_evidence ev = {.ts = "2026-01-01T00:00:00.250Z", .source = "audisp-isms",
				   .kind = "file.watch"};

	assert_int_equal(isms_evidence_key_create(key), 0);
	assert_int_equal(isms_evidence_key_enable(fx->s, key), 0);
	assert_int_equal(isms_ingest_new(fx->s, "audisp-isms", &w), 0);
	assert_int_equal(isms_ingest_begin(w), 0);
	assert_int_equal(isms_ingest_add(w, &ev, NULL), 0);
	ev.ts = "yesterday";
	assert_int_equal(isms_ingest_add(w, &ev, NULL), -EINVAL);
	ev.ts = NULL;
	assert_int_equal(isms_ingest_add(w, &ev, NULL), 0);
	assert_int_equal(isms_ingest_commit(w), 0);
	w = isms_ingest_free(w);
	assert_int_equal(isms_evidence_verify(fx->s, &res), 0);
	assert_int_equal(res.keyed, ISMS_VERIFY_KEY_CHECKED);
	assert_int_equal(res.rows, 2);

	assert_int_equal(rename(key, moved), 0);
	assert_int_equal(isms_store_open(fx->path, 0, 1000, &s2, NULL), 0);
	assert_int_equal(isms_ingest_new(s2, "audisp-isms", &w), 0);
	assert_int_equal(isms_ingest_begin(w), -ENOKEY);
	w = isms_ingest_free(w);
	s2 = isms_store_free(s2);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"), 2);
	assert_int_equal(rename(moved, key), 0);
	free(key);
	free(moved);
}

/*
 * A chain changed without the key (here a forged row appended with a right
 * hash and head) must not be sealed by the next honest append, which has the
 * key: that would launder the change and verify would pass.  Appends and
 * batches refuse a head whose MAC does not hold.
 */
static void t_keyed_no_reseal(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;
	struct isms_ingest *w = NULL;
	char *key = tu_path(fx->dir, "evidence.key");
	char sql[4096], prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX];
	struct isms_evidence ev = {.ts = "2024-01-01T00:00:00Z", .source = "pam",
				   .kind = "login.allow"};

	assert_int_equal(isms_evidence_key_create(key), 0);
	assert_int_equal(isms_evidence_key_enable(fx->s, key), 0);
	append_plain(fx->s, 3);
	tu_ev_sql_text(fx->path, "SELECT hash FROM evidence WHERE pk = 3", prev, sizeof(prev));
	assert_int_equal(isms_evidence_hash(prev, 4, "2024-01-01T00:00:00Z", &ev, hash), 0);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO evidence (pk, recorded, ts, source, kind, prev, hash)"
		 " VALUES (4, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'pam', 'login.allow',"
		 " '%s', '%s'); UPDATE evidence_head SET last_pk = 4, last_hash = '%s'",
		 prev, hash, hash);
	assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);

	ev.ts = NULL;
	ev.kind = "login.deny";
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), -EBADMSG);
	assert_contains(isms_store_errmsg(fx->s), "MAC");
	assert_int_equal(isms_ingest_new(fx->s, "audisp-isms", &w), 0);
	assert_int_equal(isms_ingest_begin(w), -EBADMSG);
	w = isms_ingest_free(w);
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"), 4);
	assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
	assert_contains(res.reason, "MAC");
	free(key);
}

/*
 * A chain large enough to be walked in two halves on two connections: an
 * edit in either half, or at the joint, is named by its row as in a serial
 * walk, and rows past the head are seen.
 */
static void t_verify_two_halves(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_verify_result res;
	struct isms_ingest *w = NULL;
	const int64_t n = 210000;
	char sql[4096];

	assert_int_equal(isms_ingest_new(fx->s, "bench", &w), 0);
	assert_int_equal(isms_ingest_begin(w), 0);
	for (int64_t i = 1; i <= n; i++) {
		char key[32];
		struct isms_evidence ev = {.source = "bench", .kind = "file.read", .event_key = key,
					   .subject = "alice", .ts = "2024-01-01T00:00:00Z"};

		snprintf(key, sizeof(key), "k%lld", (long long)i);
		assert_int_equal(isms_ingest_add(w, &ev, NULL), 0);
	}
	assert_int_equal(isms_ingest_commit(w), 0);
	isms_ingest_free(w);
	tu_ev_verify_ok(fx->s, n);
	const int64_t rows[] = {n / 2 + 1, n - 5, 17};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		snprintf(sql, sizeof(sql),
			 "DROP TRIGGER evidence_no_update; UPDATE evidence SET outcome = 'x' WHERE pk = %lld",
			 (long long)rows[k]);
		assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
		assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
		assert_int_equal(res.first_bad, rows[k]);
		snprintf(sql, sizeof(sql),
			 "UPDATE evidence SET outcome = NULL WHERE pk = %lld;"
			 ISMS_EVIDENCE_TRIGGER_NO_UPDATE_V3 ";",
			 (long long)rows[k]);
		assert_int_equal(tu_sql(fx->path, sql), SQLITE_OK);
		tu_ev_verify_ok(fx->s, n);
	}
	/* a row past the head */
	assert_int_equal(tu_sql(fx->path, "INSERT INTO evidence (pk, recorded, ts, source, kind, prev, hash)"
					  " SELECT pk + 1, recorded, ts, source, kind, hash, hash FROM evidence"
					  " WHERE pk = (SELECT max(pk) FROM evidence)"),
			 SQLITE_OK);
	assert_int_equal(isms_evidence_verify(fx->s, &res), -EBADMSG);
	assert_int_equal(res.first_bad, n + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_verify_empty),
		STORE_TEST(t_verify_two_halves),
		STORE_TEST(t_append_first),
		STORE_TEST(t_append_chain),
		STORE_TEST(t_event_key_duplicate),
		STORE_TEST(t_append_invalid),
		cmocka_unit_test(t_hash_known_answer),
		cmocka_unit_test(t_hash_every_field_counts),
		cmocka_unit_test(t_hash_null_vs_empty),
		cmocka_unit_test(t_hash_field_boundaries),
		STORE_TEST(t_triggers_block),
		STORE_TEST(t_tamper_altered),
		STORE_TEST(t_tamper_altered_null),
		STORE_TEST(t_tamper_deleted_middle),
		STORE_TEST(t_tamper_deleted_last),
		STORE_TEST(t_tamper_deleted_all),
		STORE_TEST(t_tamper_inserted),
		STORE_TEST(t_tamper_inserted_forged_hash),
		STORE_TEST(t_tamper_replaced),
		STORE_TEST(t_tamper_out_of_sequence),
		STORE_TEST(t_tamper_head),
		STORE_TEST(t_tamper_triggers_dropped),
		STORE_TEST(t_tamper_trigger_noop),
		STORE_TEST(t_tamper_nul_suffix),
		STORE_TEST(t_append_bad_ts),
		STORE_TEST(t_anchor_roundtrip),
		STORE_TEST(t_anchor_catches),
		STORE_TEST(t_keyed),
		STORE_TEST(t_keyed_ingest),
		STORE_TEST(t_keyed_no_reseal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
