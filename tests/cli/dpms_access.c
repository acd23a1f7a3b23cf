/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: append one access to personal data to a DPMS store, as
 * audisp-isms records it, so that the CLI tests can review real evidence
 * rows before the plugin routes dpms: events itself.
 *
 *   dpms_access STORE ACTIVITY USER TS PATH [KIND [OUTCOME]]
 *
 * An empty ACTIVITY or USER is left out of the row.  Prints the row's id.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpms.h"
#include "isms/evidence.h"

int main(int argc, char **argv)
{
	struct isms_store *s = NULL;
	char details[4200], *err = NULL;
	int64_t id = 0;
	int r;

	if (argc < 6 || argc > 8 || strlen(argv[5]) > 4000 || strpbrk(argv[5], "\"\\")) {
		fprintf(stderr, "usage: dpms_access STORE ACTIVITY USER TS PATH [KIND [OUTCOME]]\n");
		return 2;
	}
	snprintf(details, sizeof(details), "{\"paths\":[\"%s\"],\"exe\":\"/usr/bin/cat\"}",
		 argv[5]);
	r = isms_store_open_schema(argv[1], &dpms_schema, 0, 5000, &s, &err);
	if (r < 0) {
		fprintf(stderr, "dpms_access: %s\n", err ? err : strerror(-r));
		free(err);
		return 1;
	}
	{
		struct isms_evidence ev = {
			.ts = argv[4],
			.source = "audisp-isms",
			.kind = argc >= 7 ? argv[6] : "personal-data.read",
			.asset = argv[2][0] ? argv[2] : NULL,
			.subject = argv[3][0] ? argv[3] : NULL,
			.outcome = argc == 8 ? argv[7] : "success",
			.details = details,
		};

		r = isms_evidence_append(s, &ev, &id);
	}
	if (r < 0)
		fprintf(stderr, "dpms_access: %s\n", isms_store_errmsg(s));
	else
		printf("%" PRId64 "\n", id);
	isms_store_free(s);
	return r < 0 ? 1 : 0;
}
