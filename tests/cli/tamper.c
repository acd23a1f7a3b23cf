/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for the tampering campaign (test_tamper.sh): what an attacker
 * with write access to the store file, and the source code, can do.
 *
 *   tamper fill STORE N       append N varied rows through the library
 *   tamper apply STORE SEED   one tampering chosen by SEED; prints its kind
 *   tamper noop-triggers STORE    the append-only triggers as no-ops, nothing else
 *   tamper nul STORE PK FIELD     a NUL appended to one field of one row
 *
 * The kinds (SEED % 10): field edit, NUL suffix on a field, delete, insert,
 * swap of two rows, append-only triggers recreated as no-ops (then an
 * edit through them), tail cut with the head record rewritten, a row
 * rewritten and every later row rehashed (half of them also strip a keyed
 * store's marker), a forged row appended with a correct hash and head, a
 * trigger that hides new rows.  Hashes are computed as the library does
 * (isms_evidence_hash); the attacker has no key.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/evidence.h"
#include "isms/evidence_schema.h"
#include "isms/ingest.h"
#include "isms/store.h"

#define DROP "DROP TRIGGER IF EXISTS evidence_no_update; DROP TRIGGER IF EXISTS evidence_no_delete;"
#define MAKE                                                                                \
	ISMS_EVIDENCE_TRIGGER_NO_UPDATE_PSEUDONYM ";"                      \
	ISMS_EVIDENCE_TRIGGER_NO_DELETE_ARCHIVED ";"

static const char *const fields[] = {"recorded", "ts", "source", "kind", "node", "event_key",
				     "control", "asset", "subject", "outcome", "details"};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static uint64_t rng;

static uint64_t next(void)
{
	/* splitmix64: fixed seed, the same campaign everywhere */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t pick(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

static int fill(const char *path, long n)
{
	static const char *const kinds[] = {"login.allow", "login.deny", "file.watch", "sudo"};
	struct isms_store *s = NULL;
	struct isms_ingest *w = NULL;
	char *err = NULL;
	int r = isms_store_open(path, ISMS_STORE_CREATE, 5000, &s, &err);

	if (r < 0) {
		fprintf(stderr, "tamper: %s\n", err ? err : strerror(-r));
		free(err);
		return 1;
	}
	r = isms_ingest_new(s, "audisp-isms", &w);
	for (long i = 0; r >= 0 && i < n; i++) {
		char key[64], subject[32], ts[32], details[96];
		struct isms_evidence ev = {
			.ts = ts, .source = "audisp-isms", .kind = kinds[i % 4], .node = "web1",
			.event_key = key, .control = "8.15", .asset = "web1", .subject = subject,
			.outcome = i % 4 == 1 ? "deny" : "allow", .details = details,
		};

		if (i % 500 == 0 && (r = isms_ingest_begin(w)) < 0)
			break;
		snprintf(key, sizeof(key), "web1:%ld.000:%ld", 1700000000 + i, i);
		snprintf(subject, sizeof(subject), "user%ld", i % 37);
		snprintf(ts, sizeof(ts), "2026-01-%02ldT%02ld:%02ld:00.000Z", 1 + i / 1440 % 28,
			 i / 60 % 24, i % 60);
		snprintf(details, sizeof(details), "{\"pid\":%ld,\"tty\":\"pts/%ld\"}", 1000 + i,
			 i % 9);
		r = isms_ingest_add(w, &ev, NULL);
		if (r >= 0 && (i % 500 == 499 || i == n - 1))
			r = isms_ingest_commit(w);
	}
	if (r < 0)
		fprintf(stderr, "tamper: fill: %s\n", isms_store_errmsg(s));
	isms_ingest_free(w);
	isms_store_free(s);
	return r < 0;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "tamper: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Re-hash rows @from..last in place, as the library would have, and move the head. */
static int rehash(sqlite3 *db, int64_t from)
{
	sqlite3_stmt *st = NULL, *up = NULL;
	char prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX], sql[256];
	int r = 0;

	snprintf(sql, sizeof(sql), "SELECT prev FROM evidence WHERE pk = %" PRId64, from);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db,
			       "SELECT pk, recorded, ts, source, kind, node, event_key, control, asset,"
			       " subject, outcome, details FROM evidence WHERE pk >= ?1 ORDER BY pk",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE evidence SET prev = ?1, hash = ?2 WHERE pk = ?3", -1, &up,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	while (r == 0 && sqlite3_step(st) == SQLITE_ROW) {
#define T(i) ((const char *)sqlite3_column_text(st, (i)))
		struct isms_evidence ev = {.ts = T(2), .source = T(3), .kind = T(4), .node = T(5),
					   .event_key = T(6), .control = T(7), .asset = T(8),
					   .subject = T(9), .outcome = T(10), .details = T(11)};
		int64_t pk = sqlite3_column_int64(st, 0);

		if (isms_evidence_hash(prev, pk, T(1), &ev, hash) < 0)
			r = -1;
#undef T
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, pk);
		if (r == 0 && sqlite3_step(up) != SQLITE_DONE)
			r = -1;
		memcpy(prev, hash, sizeof(hash));
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	if (r == 0) {
		snprintf(sql, sizeof(sql),
			 "UPDATE evidence_head SET last_pk = (SELECT max(pk) FROM evidence),"
			 " last_hash = '%s'",
			 prev);
		r = exec(db, sql);
	}
	return r;
}

static int apply(const char *path, unsigned long seed)
{
	static const char *const names[] = {"field-edit", "nul-suffix", "delete", "insert", "swap",
					    "trigger-noop", "tail-cut", "rehash", "forged-append",
					    "trigger-hide"};
	sqlite3 *db = NULL;
	char sql[4096];
	int64_t n, a, b;
	int kind = (int)(seed % 10), r = -1;
	const char *f;

	rng = 0x15a5eedULL * (seed + 1);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return 1;
	/* One transaction, no syncs: a test copy, thousands of rows rehashed. */
	if (exec(db, "PRAGMA synchronous = OFF; BEGIN") < 0)
		goto out;
	n = one_int(db, "SELECT max(pk) FROM evidence");
	if (n < 10)
		goto out;
	/* Anything but the last row, so that the anchor of the pristine store is newer. */
	a = pick(1, n - 1);
	b = pick(1, n - 1);
	if (b == a)
		b = a == 1 ? 2 : a - 1;
	f = fields[next() % NFIELDS];
	switch (kind) {
	case 0: /* field edit */
		snprintf(sql, sizeof(sql),
			 DROP "UPDATE evidence SET %s = CASE WHEN %s IS NULL THEN 'x' ELSE %s || 'x'"
			 " END WHERE pk = %" PRId64 ";" MAKE,
			 f, f, f, a);
		r = exec(db, sql);
		break;
	case 1: /* NUL suffix: C strings stop at it, SQL does not */
		if (!strcmp(f, "node") || !strcmp(f, "event_key") || !strcmp(f, "control") ||
		    !strcmp(f, "details"))
			f = "subject";
		snprintf(sql, sizeof(sql),
			 DROP "UPDATE evidence SET %s = %s || char(0) WHERE pk = %" PRId64 ";" MAKE, f,
			 f, a);
		r = exec(db, sql);
		break;
	case 2: /* delete */
		snprintf(sql, sizeof(sql), DROP "DELETE FROM evidence WHERE pk = %" PRId64 ";" MAKE,
			 a);
		r = exec(db, sql);
		break;
	case 3: /* insert a row in a hole made for it (pk kept), made-up hash */
		snprintf(sql, sizeof(sql),
			 DROP "CREATE TEMP TABLE t AS SELECT * FROM evidence WHERE pk = %" PRId64 ";"
			 "DELETE FROM evidence WHERE pk = %" PRId64 ";"
			 "INSERT INTO evidence (pk, recorded, ts, source, kind, subject, outcome, prev,"
			 " hash) SELECT pk, recorded, ts, source, 'login.allow', 'mallory', 'allow',"
			 " prev, hash FROM t;" MAKE,
			 a, a);
		r = exec(db, sql);
		break;
	case 4: /* swap the contents of two rows, hashes and all */
		snprintf(sql, sizeof(sql),
			 DROP "UPDATE evidence SET pk = -1 WHERE pk = %" PRId64 ";"
			 "UPDATE evidence SET pk = %" PRId64 " WHERE pk = %" PRId64 ";"
			 "UPDATE evidence SET pk = %" PRId64 " WHERE pk = -1;" MAKE,
			 a, a, b, b);
		r = exec(db, sql);
		break;
	case 5: /* the same names, no-op bodies; then an edit passes through them */
		snprintf(sql, sizeof(sql),
			 DROP "CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence"
			 "  BEGIN SELECT 1; END;"
			 "CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence"
			 "  BEGIN SELECT 1; END;"
			 "UPDATE evidence SET outcome = 'allow' WHERE pk = %" PRId64 ";",
			 a);
		r = exec(db, sql);
		break;
	case 6: /* cut the newest rows, rewrite the head to the new last row */
		snprintf(sql, sizeof(sql),
			 DROP "DELETE FROM evidence WHERE pk > %" PRId64 ";"
			 "UPDATE evidence_head SET last_pk = %" PRId64 ","
			 " last_hash = (SELECT hash FROM evidence WHERE pk = %" PRId64 ");" MAKE,
			 a, a, a);
		r = exec(db, sql);
		break;
	case 7: /* rewrite a row and rehash the rest of the chain */
		snprintf(sql, sizeof(sql),
			 DROP "UPDATE evidence SET outcome = 'allow', subject = 'nobody' WHERE pk = %" PRId64
			 ";",
			 a);
		r = exec(db, sql);
		if (r == 0)
			r = rehash(db, a);
		if (r == 0 && seed % 20 >= 10) /* and pretend the store was never keyed */
			r = exec(db, "DELETE FROM setting WHERE key LIKE 'evidence.%'");
		if (r == 0)
			r = exec(db, MAKE);
		break;
	case 8: { /* a forged row appended, chained and with the head moved */
		char prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX];
		struct isms_evidence ev = {.ts = "2026-02-01T00:00:00Z", .source = "pam",
					   .kind = "login.allow", .subject = "mallory",
					   .outcome = "allow"};
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db, "SELECT hash FROM evidence WHERE pk = ?1", -1, &st, NULL) !=
		    SQLITE_OK)
			break;
		sqlite3_bind_int64(st, 1, n);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (isms_evidence_hash(prev, n + 1, "2026-02-01T00:00:00Z", &ev, hash) < 0)
			break;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO evidence (pk, recorded, ts, source, kind, subject, outcome, prev,"
			 " hash) VALUES (%" PRId64 ", '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z',"
			 " 'pam', 'login.allow', 'mallory', 'allow', '%s', '%s');"
			 "UPDATE evidence_head SET last_pk = %" PRId64 ", last_hash = '%s';",
			 n + 1, prev, hash, n + 1, hash);
		r = exec(db, sql);
		break;
	}
	case 9: /* a trigger that silently drops new denials, and one denial rewritten */
		snprintf(sql, sizeof(sql),
			 "CREATE TRIGGER evidence_hide BEFORE INSERT ON evidence"
			 "  WHEN NEW.outcome = 'deny' BEGIN SELECT RAISE(IGNORE); END;" DROP
			 "UPDATE evidence SET outcome = 'allow' WHERE pk = %" PRId64 ";" MAKE,
			 a);
		r = exec(db, sql);
		break;
	}
	if (r == 0)
		r = exec(db, "COMMIT");
	if (r == 0)
		printf("%s row=%" PRId64 "\n", names[kind], kind == 8 ? n + 1 : a);
out:
	sqlite3_close(db);
	return r < 0;
}

/* One statement of the given kind on its own: "noop-triggers", or "nul PK FIELD". */
static int one(const char *path, const char *what, const char *pk, const char *field)
{
	sqlite3 *db = NULL;
	char sql[4096];
	int r = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return 1;
	if (strcmp(what, "noop-triggers") == 0) {
		r = exec(db, DROP "CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence"
			     "  BEGIN SELECT 1; END;"
			     "CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence"
			     "  BEGIN SELECT 1; END;");
	} else if (strcmp(what, "nul") == 0 && pk && field && strspn(pk, "0123456789") == strlen(pk) &&
		   strspn(field, "abcdefghijklmnopqrstuvwxyz_") == strlen(field)) {
		snprintf(sql, sizeof(sql),
			 DROP "UPDATE evidence SET %s = %s || char(0) WHERE pk = %s;" MAKE, field, field,
			 pk);
		r = exec(db, sql);
	}
	sqlite3_close(db);
	return r < 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "noop-triggers") == 0)
		return one(argv[2], argv[1], NULL, NULL);
	if (argc == 5 && strcmp(argv[1], "nul") == 0)
		return one(argv[2], argv[1], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "fill") == 0)
		return fill(argv[2], strtol(argv[3], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "apply") == 0)
		return apply(argv[2], strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: tamper fill STORE N | tamper apply STORE SEED\n");
	return 2;
}
