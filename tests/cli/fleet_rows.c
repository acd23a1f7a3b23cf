/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: evidence rows as audisp-isms writes them for a fleet, which
 * 'ismsctl evidence add' cannot (its source is always ismsctl).
 *
 *   fleet_rows STORE < LINES
 *
 * Each line: SOURCE KIND NODE OFFSET [OUTCOME [CONTROL [DETAILS]]], NODE '-'
 * for none, OFFSET the row's ts in seconds from now (the store records it
 * now: "-3600" is an hour behind, "+30" a node ahead), DETAILS the rest of
 * the line as the row's details (JSON, spaces and all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/store.h"

int main(int argc, char **argv)
{
	struct isms_store *s = NULL;
	char line[4096], src[128], kind[128], node[256], out[64], ctl[32], ts[ISMS_DATE_MAX], key[512];
	long off, n = 0;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: fleet_rows STORE < LINES\n");
		return 2;
	}
	r = isms_store_open(argv[1], 0, 5000, &s, NULL);
	if (r < 0) {
		fprintf(stderr, "fleet_rows: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		struct isms_evidence ev = {0};
		char *det = NULL;
		int k, end = 0;

		out[0] = ctl[0] = '\0';
		line[strcspn(line, "\n")] = '\0';
		k = sscanf(line, "%127s %127s %255s %ld %63s %31s %n", src, kind, node, &off, out, ctl,
			   &end);
		if (k < 4)
			continue;
		if (k == 6 && end > 0 && line[end])
			det = line + end;
		isms_date_format((int64_t)time(NULL) + off, ts, sizeof(ts));
		snprintf(key, sizeof(key), "fleet-rows:%s:%s:%ld:%ld", src, node, (long)time(NULL), n++);
		ev.source = src;
		ev.kind = kind;
		ev.node = strcmp(node, "-") ? node : NULL;
		ev.ts = ts;
		ev.outcome = k >= 5 ? out : NULL;
		ev.control = k >= 6 ? ctl : NULL;
		ev.details = det;
		ev.event_key = key;
		r = isms_evidence_append(s, &ev, NULL);
		if (r < 0) {
			fprintf(stderr, "fleet_rows: %s\n", line);
			fprintf(stderr, "fleet_rows: %s\n", isms_store_errmsg(s));
			isms_store_free(s);
			return 1;
		}
	}
	isms_store_free(s);
	return 0;
}
