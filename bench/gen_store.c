/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen_store STORE N [--ts START] [--every SECONDS]: append N rows of
 * evidence to the existing store STORE (made by 'ismsctl init'), chained as
 * any collector chains them (libisms's bulk ingest, 50,000 rows per
 * transaction), so that 'ismsctl verify' accepts the result.  For the store
 * benchmark and the tests that need many rows: a few seconds per million.
 *
 * The rows look like a host's: logins of 500 people (allowed and denied),
 * file accesses on 50 assets, authentication failures, one row in a hundred
 * from another node, a collector start every 100,000 rows; one every
 * SECONDS (default 3) from START (default 2025-01-01T00:00:00Z).  The
 * time index is dropped while the rows go in and made again at the end
 * (one sort instead of millions of inserts), with the same definition:
 * the store is as the migrations leave it (the block tags go in with the
 * rows, as a collector writes them).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/date.h"
#include "isms/evidence_schema.h"
#include "isms/ingest.h"
#include "isms/sql.h"
#include "isms/store.h"

#define BATCH 50000

/* The evidence index that migration 8 keeps (the others gave way to evidence_tag). */
static const char *const index_ddl[] = {"CREATE INDEX evidence_by_ts ON evidence(ts);"};
static const char *const index_names[] = {"evidence_by_ts"};

static int exec(struct isms_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int r = isms_sql_prepare(s, sql, &st);

	while (r >= 0 && (r = isms_sql_step_row(s, st)) == 1)
		;
	sqlite3_finalize(st);
	return r;
}

static int indexes(struct isms_store *s, bool make)
{
	char sql[128];
	int r = 0;

	for (size_t i = 0; r >= 0 && i < sizeof(index_ddl) / sizeof(index_ddl[0]); i++) {
		snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS %s", index_names[i]);
		r = exec(s, make ? index_ddl[i] : sql);
	}
	return r;
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = {"login.allow", "login.allow", "login.allow", "login.deny",
					    "file.read", "file.write", "auth.failure", "user.cmd"};
	static const char *const controls[] = {"5.15", "5.15", "5.15", "5.15",
					       "8.3", "8.3", "8.5", "8.15"};
	const char *start = "2025-01-01T00:00:00Z", *path;
	struct isms_store *s = NULL;
	struct isms_ingest *w = NULL;
	char *err = NULL;
	int64_t n, t0, every = 3;
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_store STORE N [--ts START] [--every SECONDS]\n");
		return 2;
	}
	path = argv[1];
	n = strtoll(argv[2], NULL, 10);
	for (int i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--ts") == 0)
			start = argv[i + 1];
		else if (strcmp(argv[i], "--every") == 0)
			every = strtoll(argv[i + 1], NULL, 10);
	}
	if (n < 0 || every < 0 || isms_date_parse(start, &t0, NULL) < 0) {
		fprintf(stderr, "gen_store: bad N, --every or --ts\n");
		return 2;
	}
	r = isms_store_open(path, 0, 10000, &s, &err);
	if (r < 0) {
		fprintf(stderr, "gen_store: %s\n", err ? err : strerror(-r));
		return 1;
	}
	r = exec(s, "PRAGMA cache_size = -262144"); /* 256 MiB for the index builds */
	if (r >= 0)
		r = isms_store_autocheckpoint(s, 0);
	if (r >= 0)
		r = indexes(s, false);
	if (r >= 0)
		r = isms_ingest_new(s, "gen_store", &w);
	for (int64_t i = 0; r >= 0 && i < n; i++) {
		char ts[32], key[48], subject[32], asset[32], details[160], node[16];
		unsigned u = (unsigned)(i * 7919 % 500), k = (unsigned)(i % 8);
		struct isms_evidence ev = {.ts = ts, .source = "gen_store", .kind = kinds[k],
					   .event_key = key, .control = controls[k],
					   .asset = asset, .subject = subject,
					   .outcome = k == 3 || k == 6 ? "deny" : "allow",
					   .details = details};

		if (i % BATCH == 0) {
			if (i > 0 && (r = isms_ingest_commit(w)) < 0)
				break;
			/* The WAL copied back after every batch: it stays small, and
			 * the rows go to disk once more, not the whole store at the end. */
			if (i > 0 && (r = isms_store_checkpoint(s)) < 0)
				break;
			if ((r = isms_ingest_begin(w)) < 0)
				break;
		}
		isms_date_format(t0 + i * every, ts, sizeof(ts));
		/* unique across runs with other start times, and in text order */
		snprintf(key, sizeof(key), "gen:%" PRId64 ":%012" PRId64, t0, i);
		snprintf(subject, sizeof(subject), "user%u", u);
		snprintf(asset, sizeof(asset), "host%u", (unsigned)(i % 50));
		if (i % 100 == 99) {
			snprintf(node, sizeof(node), "node%u", (unsigned)(i / 100 % 10));
			ev.node = node;
		}
		if (i % 100000 == 0) {
			ev.kind = "collector.start";
			ev.control = "8.15";
			snprintf(details, sizeof(details), "{\"boot_audited\": true, \"version\": \"gen\"}");
		} else if (k >= 4 && k <= 5) {
			snprintf(details, sizeof(details),
				 "{\"paths\": [\"/srv/data/%s/file%u.csv\"], \"exe\": \"/usr/bin/cat\", \"uid\": %u}",
				 asset, (unsigned)(i % 1000), 1000 + u);
		} else {
			snprintf(details, sizeof(details),
				 "{\"rule\": \"r%u\", \"service\": \"sshd\", \"rhost\": \"10.0.%u.%u\"}",
				 k, u / 250, u % 250);
		}
		r = isms_ingest_add(w, &ev, NULL);
		if (r >= 0)
			isms_ingest_count(w, ISMS_CTR_STORED, 1);
	}
	if (r >= 0 && n > 0)
		r = isms_ingest_commit(w);
	if (r >= 0)
		r = indexes(s, true);
	if (r >= 0)
		r = exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	if (r < 0)
		fprintf(stderr, "gen_store: %s\n", isms_store_errmsg(s));
	isms_ingest_free(w);
	isms_store_free(s);
	free(err);
	return r < 0 ? 1 : 0;
}
