/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fill a store with N evidence rows fast, through the library's ingest API
 * in large transactions: a store to time 'verify', 'evidence archive' and
 * the register commands on.  Rows look like audisp-isms's file watches and
 * logins (kind, subject, details with a path), timestamps one second apart
 * from 2024-01-01, so that --before and retention select a prefix.
 *
 *   evidence_fill STORE ROWS [--dpms]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/date.h"
#include "isms/ingest.h"
#include "isms/store.h"
#include "isms/strutil.h"

int main(int argc, char **argv)
{
	struct isms_store *s = NULL;
	struct isms_ingest *w = NULL;
	char *err = NULL;
	long long rows;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: evidence_fill STORE ROWS\n");
		return 2;
	}
	rows = strtoll(argv[2], NULL, 10);
	r = isms_store_open(argv[1], ISMS_STORE_CREATE, 5000, &s, &err);
	if (r < 0) {
		fprintf(stderr, "evidence_fill: %s\n", err ? err : strerror(-r));
		return 1;
	}
	r = isms_ingest_new(s, "bench", &w);
	for (long long i = 0; r >= 0 && i < rows; i += 50000) {
		r = isms_ingest_begin(w);
		for (long long k = i; r >= 0 && k < rows && k < i + 50000; k++) {
			char ts[32], key[64], subj[32], det[256];
			struct isms_evidence ev = {0};

			isms_date_format((time_t)(1704067200 + k), ts, sizeof(ts));
			snprintf(key, sizeof(key), "bench:%lld", k);
			snprintf(subj, sizeof(subj), "user%lld", k % 97);
			snprintf(det, sizeof(det),
				 "{\"type\":\"SYSCALL\",\"serial\":%lld,\"key\":\"bench-watch\","
				 "\"exe\":\"/usr/bin/cat\",\"syscall\":\"openat\",\"auid\":\"%lld\","
				 "\"paths\":[\"/srv/data/file%lld.conf\"]}",
				 k, 1000 + k % 97, k % 1000);
			ev.ts = ts;
			ev.source = "bench";
			ev.kind = k % 3 ? "file.read" : "pam.login.allow";
			ev.event_key = key;
			ev.control = "8.15";
			ev.asset = "bench-host";
			ev.subject = subj;
			ev.outcome = "success";
			ev.details = det;
			r = isms_ingest_add(w, &ev, NULL);
		}
		if (r >= 0)
			r = isms_ingest_commit(w);
	}
	if (r < 0)
		fprintf(stderr, "evidence_fill: %s\n", isms_store_errmsg(s));
	isms_ingest_free(w);
	isms_store_free(s);
	free(err);
	return r < 0 ? 1 : 0;
}
