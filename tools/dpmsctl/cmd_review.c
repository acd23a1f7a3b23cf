/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl review: who touched personal data, and a breach opened from a finding. */
#include <errno.h>
#include <pwd.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dpmsctl.h"
#include "dpms.h"
#include "isms/entity.h"
#include "isms/evidence.h"

int cmd_review(struct cli *c, int argc, char **argv)
{
	HELP(argc, argv,
	     "Usage: dpmsctl review run\n"
	     "       dpmsctl review summary [--by activity|person]\n\n"
	     "run: look at every access to personal data recorded since the last review\n"
	     "(audisp-isms brings them in from the dpms: audit rules) and open a finding for\n"
	     "each by someone not authorised for the activity, or outside its purpose-bound\n"
	     "days and hours.  Then assess each: dpmsctl finding set F-1 --status justified\n"
	     "--justification '...', or open a breach from it: dpmsctl finding breach F-1.\n"
	     "summary: accesses and findings per activity or per person.\n");
	if (argc >= 2 && strcmp(argv[1], "run") == 0) {
		size_t found = 0, seen = 0;
		int r, code = -cli_open(c, true, false);

		if (code)
			return code;
		r = dpms_review_run(c->store, getenv("ISMS_ZONEINFO"), &found, &seen);
		if (r < 0)
			return cli_store_fail(c, r);
		if (c->fmt == OUT_JSON)
			printf("{\"accesses\": %zu, \"findings\": %zu}\n", seen, found);
		else if (!c->quiet)
			printf("%zu access%s reviewed, %zu new finding%s%s\n", seen,
			       seen == 1 ? "" : "es", found, found == 1 ? "" : "s",
			       found ? " (dpmsctl finding list --status open)" : "");
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "summary") == 0) {
		const struct isms_entity *ev = isms_schema_entity(c->schema, "evidence");
		const struct isms_entity *fe = isms_schema_entity(c->schema, "finding");
		struct rows accesses = {0}, findings = {0};
		bool by_person = false;
		struct out_table t;
		struct isms_kv kf = {"source", "audisp-isms"};
		int r, code;
		/* keys and their counts: accesses, findings, open, unjustified */
		struct {
			char *key;
			long n[4];
		} *agg = NULL;
		size_t nagg = 0;

		for (int i = 2; i < argc; i++) {
			const char *v;

			if ((v = cli_opt_value(argc, argv, &i, "--by")) &&
			    (strcmp(v, "person") == 0 || strcmp(v, "activity") == 0))
				by_person = strcmp(v, "person") == 0;
			else
				return cli_usage("review", "--by takes activity or person");
		}
		code = -cli_open(c, false, false);
		if (code)
			return code;
		r = isms_record_list(c->store, ev, &kf, 1, rows_cb, &accesses);
		if (r >= 0)
			r = isms_record_list(c->store, fe, NULL, 0, rows_cb, &findings);
		for (int pass = 0; r >= 0 && pass < 2; pass++) {
			struct rows *rs = pass ? &findings : &accesses;
			const struct isms_entity *e = pass ? fe : ev;
			int ki = isms_entity_field_index(e, pass ? (by_person ? "user" : "activity") :
								    (by_person ? "subject" : "asset"));
			int si = pass ? isms_entity_field_index(e, "status") : -1;

			for (size_t i = 0; i < rs->n; i++) {
				const char *key = rs->v[i][ki] ? rs->v[i][ki] : "(unknown)";
				size_t k = 0;

				while (k < nagg && strcmp(agg[k].key, key) != 0)
					k++;
				if (k == nagg) {
					void *na = realloc(agg, (nagg + 1) * sizeof(*agg));

					if (!na) {
						r = -ENOMEM;
						break;
					}
					agg = na;
					memset(&agg[nagg], 0, sizeof(agg[nagg]));
					agg[nagg].key = strdup(key);
					nagg++;
				}
				if (!pass) {
					agg[k].n[0]++;
				} else {
					agg[k].n[1]++;
					agg[k].n[2] += strcmp(rs->v[i][si], "open") == 0;
					agg[k].n[3] += strcmp(rs->v[i][si], "unjustified") == 0;
				}
			}
		}
		if (r >= 0)
			r = out_table_init(&t, 5);
		if (r >= 0) {
			out_table_set_col(&t, 0, by_person ? "person" : "activity", OT_TEXT);
			out_table_set_col(&t, 1, "accesses", OT_INT);
			out_table_set_col(&t, 2, "findings", OT_INT);
			out_table_set_col(&t, 3, "open", OT_INT);
			out_table_set_col(&t, 4, "unjustified", OT_INT);
			for (size_t k = 0; r >= 0 && k < nagg; k++) {
				char num[4][24];
				const char *row[5] = {agg[k].key, num[0], num[1], num[2], num[3]};

				for (int j = 0; j < 4; j++)
					snprintf(num[j], sizeof(num[j]), "%ld", agg[k].n[j]);
				r = out_table_add(&t, row);
			}
			if (r >= 0)
				r = out_print(stdout, c->fmt, &t);
			out_table_release(&t);
		}
		for (size_t k = 0; k < nagg; k++)
			free(agg[k].key);
		free(agg);
		rows_release(&accesses);
		rows_release(&findings);
		return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
	}
	return cli_usage("review", "'review' takes run or summary");
}

/* Who decides: the person behind sudo, not just "root". */
static const char *decider(void)
{
	const char *by = getenv("SUDO_USER");
	struct passwd *pw = by && *by ? NULL : getpwuid(getuid());

	return by && *by ? by : pw ? pw->pw_name : "?";
}

/* 'finding breach F-1': the DPO decides that the access is a breach. */
int cmd_finding_breach(struct cli *c, int argc, char **argv)
{
	const char *aware = NULL;
	char *bid = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl finding breach FINDING [--aware-at TIME]\n\n"
	     "Record the DPO's decision that a finding is a personal data breach (Art. 33):\n"
	     "the breach names the activity and the access evidence, who decided and when;\n"
	     "the finding is marked unjustified and linked to it.  The organisation is aware\n"
	     "from the time of the evidence row that revealed the access, unless --aware-at\n"
	     "says otherwise; the deadline runs from there (72 hours to the supervisory\n"
	     "authority, or, in a processor activity, the controller without undue delay).\n"
	     "A failed attempt (why attempt) is no breach (Art. 4(12)) and is refused.\n");
	if (argc < 2)
		return cli_usage("finding breach", "needs a finding id");
	for (int i = 2; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--aware-at")))
			aware = v;
		else
			return cli_usage("finding breach", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = dpms_breach_from_finding(c->store, argv[1], aware, decider(), (int64_t)time(NULL), &bid);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"breach\": \"%s\"}\n", bid);
	else if (!c->quiet)
		printf("breach '%s' opened from finding '%s'; see its deadline with 'dpmsctl breach due'\n",
		       bid, argv[1]);
	free(bid);
	return EXIT_OK;
}
