/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl review: who touched personal data, and a breach opened from a finding. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

struct finding_info {
	char *activity, *evidence, *user, *path, *at, *why, *breach;
};

static int finding_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct finding_info *fi = ud;

#define TAKE(f) fi->f = v[isms_entity_field_index(e, #f)] ? strdup(v[isms_entity_field_index(e, #f)]) : NULL
	TAKE(activity);
	TAKE(evidence);
	TAKE(user);
	TAKE(path);
	TAKE(at);
	TAKE(why);
	TAKE(breach);
#undef TAKE
	return 0;
}

static void finding_info_release(struct finding_info *fi)
{
	free(fi->activity);
	free(fi->evidence);
	free(fi->user);
	free(fi->path);
	free(fi->at);
	free(fi->why);
	free(fi->breach);
}

/* 'finding breach F-1': the unjustified access becomes a breach candidate. */
int cmd_finding_breach(struct cli *c, int argc, char **argv)
{
	const struct isms_entity *fe = isms_schema_entity(c->schema, "finding");
	const struct isms_entity *be = isms_schema_entity(c->schema, "breach");
	struct finding_info fi = {0};
	char title[512], now[32], *bid = NULL;
	const char *aware = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl finding breach FINDING [--aware-at TIME]\n\n"
	     "Open a breach (Art. 33) from a finding the DPO judged unjustified: the breach\n"
	     "names the activity and the access evidence, the finding is marked unjustified\n"
	     "and linked to it.  The 72 hours run from --aware-at (default now).\n");
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
	r = isms_record_get(c->store, fe, argv[1], finding_cb, &fi);
	if (r < 0)
		return cli_store_fail(c, r);
	if (fi.why && strcmp(fi.why, "attempt") == 0) {
		/* Art. 4(12): a breach leads to destruction, loss, alteration, disclosure
		 * of or access to personal data; a refused attempt led to none. */
		code = cli_fail(-EINVAL,
				"finding '%s' is a failed attempt (the access was refused): no personal"
				" data breach under GDPR Art. 4(12); assess it with 'dpmsctl finding set %s"
				" --status justified|unjustified'",
				argv[1], argv[1]);
		finding_info_release(&fi);
		return code;
	}
	if (fi.breach) {
		/* One access, one entry in the Art. 33(5) register: never a second breach. */
		code = cli_fail(-EEXIST,
				"finding '%s' already opened breach '%s' (see 'dpmsctl breach show %s')",
				argv[1], fi.breach, fi.breach);
		finding_info_release(&fi);
		return code;
	}
	{
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	snprintf(title, sizeof(title), "%s access by '%s' to '%s' (finding %s)",
		 fi.why && strcmp(fi.why, "outside_hours") == 0 ? "Out-of-hours" : "Unauthorised",
		 fi.user ? fi.user : "?", fi.path ? fi.path : "?", argv[1]);
	{
		/* The access is when the breach occurred; awareness starts the 72 hours. */
		struct isms_kv kv[] = {
			{"title", title}, {"activity", fi.activity}, {"aware_at", aware ? aware : now},
			{"evidence", fi.evidence}, {"description", title}, {"occurred_at", fi.at},
		};

		r = isms_store_begin(c->store);
		if (r >= 0)
			r = isms_record_add(c->store, be, kv, fi.at ? 6 : 5, &bid);
		if (r >= 0) {
			struct isms_kv fk[] = {{"status", "unjustified"}, {"breach", bid}};

			r = isms_record_change(c->store, fe, argv[1], fk, 2);
		}
		if (r >= 0)
			r = isms_store_commit(c->store);
		else
			isms_store_rollback(c->store);
	}
	finding_info_release(&fi);
	if (r < 0) {
		free(bid);
		return cli_store_fail(c, r);
	}
	if (c->fmt == OUT_JSON)
		printf("{\"breach\": \"%s\"}\n", bid);
	else if (!c->quiet)
		printf("breach '%s' opened from finding '%s'; notify the supervisory authority within 72 hours (dpmsctl breach due)\n",
		       bid, argv[1]);
	free(bid);
	return EXIT_OK;
}
