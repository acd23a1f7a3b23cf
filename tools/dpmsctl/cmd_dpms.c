/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl's own commands: the register export, audit rules, review, deadlines, retention. */
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


static FILE *open_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	return fopen(path, "we");
}

int cmd_dpms_init(struct cli *c, int argc, char **argv)
{
	const char *group = NULL;
	int code;

	HELP(argc, argv,
	     "Usage: dpmsctl init [--group NAME]\n\n"
	     "Create the DPMS store (mode 0600, its directory 0700) if it does not exist and\n"
	     "migrate it.  It is a store of its own, which ismsctl refuses to open: personal\n"
	     "data stays with the data protection officer.\n"
	     "--group NAME (the DPO's group, e.g. isms-dpo) lets its members read the store:\n"
	     "its directory, which must hold only the store, becomes 2750 and the store\n"
	     "0640, of that group.  Writes stay root's.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--group")))
			group = v;
		else
			return cli_usage("init", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, true, true);
	if (code)
		return code;
	if (group) {
		code = cli_share(c, group);
		if (code)
			return code;
	}
	if (!c->quiet)
		printf("DPMS store '%s' ready: schema version %d%s%s%s\n", c->store_path,
		       isms_store_schema_version(c->store), group ? "; readable by group '" : "",
		       group ? group : "", group ? "'" : "");
	return EXIT_OK;
}

int cmd_ropa(struct cli *c, int argc, char **argv)
{
	enum dpms_format fmt = c->fmt == OUT_JSON ? DPMS_FMT_JSON :
			       c->fmt == OUT_CSV ? DPMS_FMT_CSV : DPMS_FMT_MARKDOWN;
	const char *activity = NULL, *output = NULL;
	size_t missing = 0;
	FILE *out;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl ropa export [--format md|json|csv] [--activity ID] [--output FILE]\n\n"
	     "The records of processing activities (GDPR Art. 30) for a supervisory\n"
	     "authority: every Art. 30(1) field, or 30(2) for activities done as a processor,\n"
	     "with the controller and the data protection officer.  The Markdown document\n"
	     "(default; --json and --csv also work) marks each required field still empty as\n"
	     "MISSING; exit status 0 all the same, and the count is printed on stderr.\n");
	if (argc < 2 || strcmp(argv[1], "export") != 0)
		return cli_usage("ropa", "'ropa' takes export");
	for (int i = 2; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--format"))) {
			if (strcmp(v, "md") == 0 || strcmp(v, "markdown") == 0)
				fmt = DPMS_FMT_MARKDOWN;
			else if (strcmp(v, "json") == 0)
				fmt = DPMS_FMT_JSON;
			else if (strcmp(v, "csv") == 0)
				fmt = DPMS_FMT_CSV;
			else
				return cli_usage("ropa", "--format takes md, json or csv");
		} else if ((v = cli_opt_value(argc, argv, &i, "--activity"))) {
			activity = v;
		} else if ((v = cli_opt_value(argc, argv, &i, "--output"))) {
			output = v;
		} else {
			return cli_usage("ropa", "unknown argument '%s'", argv[i]);
		}
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	out = open_output(output);
	if (!out)
		return cli_fail(-errno, "cannot write '%s': %s", output, strerror(errno));
	r = dpms_ropa_export(c->store, fmt, activity, out, &missing);
	if (out != stdout && fclose(out) != 0 && r >= 0)
		r = -errno;
	if (r == -ENOENT)
		return cli_fail(r, "activity '%s' not found (see 'dpmsctl activity list')", activity);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		fprintf(stderr, "dpmsctl: %zu required field%s missing\n", missing,
			missing == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_audit_rules(struct cli *c, int argc, char **argv)
{
	const char *output = NULL;
	size_t n = 0;
	FILE *out;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl audit-rules [--output FILE]\n\n"
	     "auditd watch rules for every registered data location of the activities that\n"
	     "are not retired: -w PATH -p rwa -k dpms:ACTIVITY.  Install them as\n"
	     "/etc/audit/rules.d/dpms.rules and load them with augenrules --load;\n"
	     "audisp-isms then brings each access into the DPMS store for 'dpmsctl review'.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--output")))
			output = v;
		else
			return cli_usage("audit-rules", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	out = open_output(output);
	if (!out)
		return cli_fail(-errno, "cannot write '%s': %s", output, strerror(errno));
	r = dpms_audit_rules(c->store, out, &n);
	if (out != stdout && fclose(out) != 0 && r >= 0)
		r = -errno;
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet && out != stdout)
		printf("%zu rule%s written to '%s'\n", n, n == 1 ? "" : "s", output);
	return EXIT_OK;
}

static int sort_overdue, sort_date;

static int cmp_due(const void *a, const void *b)
{
	char *const *ra = *(char *const *const *)a, *const *rb = *(char *const *const *)b;
	int oa = ra[sort_overdue] && strcmp(ra[sort_overdue], "yes") == 0;
	int ob = rb[sort_overdue] && strcmp(rb[sort_overdue], "yes") == 0;

	if (oa != ob)
		return ob - oa; /* overdue first */
	return strcmp(ra[sort_date] ? ra[sort_date] : "9999", rb[sort_date] ? rb[sort_date] : "9999");
}

/* 'request due' and 'breach due': open ones, overdue first, then by deadline. */
static int due(struct cli *c, const char *entity, int argc, char **argv)
{
	const struct isms_entity *e = isms_schema_entity(c->schema, entity);
	bool requests = strcmp(e->name, "request") == 0;
	const char *const *cols = NULL;
	static const char *const rcols[] = {"id", "type", "data_subject", "received", "extended",
					    "deadline", "overdue", NULL};
	static const char *const bcols[] = {"id", "title", "aware_at", "notify_by", "risk",
					    "notified_at", "overdue", NULL};
	struct isms_kv f = {"status", "open"};
	struct rows rs = {0};
	struct out_table t;
	size_t map[32], nc = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl request due | dpmsctl breach due\n\n"
	     "Open data subject requests with their Art. 12(3) deadline (one month from\n"
	     "receipt, three when extended; the same day of the month or the month's last\n"
	     "day, a weekend moved to the Monday), or open breaches with the Art. 33(1)\n"
	     "72 hours; overdue ones first.\n");
	cols = requests ? rcols : bcols;
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_record_list(c->store, e, &f, 1, rows_cb, &rs);
	if (r < 0) {
		rows_release(&rs);
		return cli_store_fail(c, r);
	}
	sort_overdue = isms_entity_field_index(e, "overdue");
	sort_date = isms_entity_field_index(e, requests ? "deadline" : "notify_by");
	qsort(rs.v, rs.n, sizeof(*rs.v), cmp_due);
	if (c->fmt != OUT_TABLE || c->all) {
		for (size_t i = 0; i < e->nfields; i++)
			map[nc++] = i;
	} else {
		for (; cols[nc]; nc++)
			map[nc] = (size_t)isms_entity_field_index(e, cols[nc]);
	}
	r = out_table_init(&t, nc);
	for (size_t k = 0; r >= 0 && k < nc; k++)
		r = out_table_set_col(&t, k, e->fields[map[k]].name,
				      e->fields[map[k]].type == ISMS_FT_BOOL ? OT_BOOL :
				      e->fields[map[k]].type == ISMS_FT_INT ? OT_INT : OT_TEXT);
	for (size_t i = 0; r >= 0 && i < rs.n; i++) {
		const char *row[32];

		for (size_t k = 0; k < nc; k++)
			row[k] = rs.v[i][map[k]];
		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	rows_release(&rs);
	return r < 0 ? cli_fail(r, "%s", strerror(-r)) : EXIT_OK;
}

int cmd_request_due(struct cli *c, int argc, char **argv)
{
	return due(c, "request", argc, argv);
}

int cmd_breach_due(struct cli *c, int argc, char **argv)
{
	return due(c, "breach", argc, argv);
}

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

struct ret_ctx {
	struct out_table *t;
	const char *problems;
	size_t nproblems;
};

static int retention_cb(const struct dpms_retention_hit *h, void *ud)
{
	struct ret_ctx *x = ud;
	char size[32], age[32], mtime[32];
	const char *row[5] = {h->activity, h->path, size, age, mtime};
	time_t m = (time_t)h->mtime;
	struct tm tm;

	snprintf(size, sizeof(size), "%" PRId64, h->size);
	snprintf(age, sizeof(age), "%" PRId64, h->age_days);
	gmtime_r(&m, &tm);
	strftime(mtime, sizeof(mtime), "%Y-%m-%d", &tm);
	return out_table_add(x->t, row);
}

static void retention_problem(const char *msg, void *ud)
{
	struct ret_ctx *x = ud;

	x->nproblems++;
	fprintf(stderr, "dpmsctl: %s\n", msg);
}

int cmd_retention(struct cli *c, int argc, char **argv)
{
	const char *activity = NULL;
	bool del = false;
	struct out_table t;
	struct ret_ctx x = {.t = &t};
	size_t deleted = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl retention check [--activity ID] [--delete]\n\n"
	     "Walk the registered locations of each activity that has retention_days and\n"
	     "list the files older than that (by modification time).  It deletes nothing\n"
	     "unless --delete is given; then each deletion is recorded (dpmsctl deletion list)\n"
	     "and kept as evidence.  Symlinks are never followed and the walk never leaves\n"
	     "a location's file system.  Only this host's locations are walked (host empty\n"
	     "or this host's name).  A location that is missing is reported (exit 1).\n");
	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return cli_usage("retention", "'retention' takes check");
	for (int i = 2; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--activity")))
			activity = v;
		else if (strcmp(argv[i], "--delete") == 0)
			del = true;
		else
			return cli_usage("retention", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, del, false);
	if (code)
		return code;
	r = out_table_init(&t, 5);
	if (r >= 0) {
		out_table_set_col(&t, 0, "activity", OT_TEXT);
		out_table_set_col(&t, 1, "path", OT_TEXT);
		out_table_set_col(&t, 2, "bytes", OT_INT);
		out_table_set_col(&t, 3, "age_days", OT_INT);
		out_table_set_col(&t, 4, "modified", OT_TEXT);
		r = dpms_retention_check(c->store, activity, del, (int64_t)time(NULL), retention_cb,
					 retention_problem, &x, &deleted);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	if (r < 0)
		return cli_store_fail(c, r);
	if (del && !c->quiet)
		fprintf(stderr, "dpmsctl: %zu file%s deleted and recorded\n", deleted,
			deleted == 1 ? "" : "s");
	return x.nproblems ? EXIT_FAIL : EXIT_OK;
}

int cmd_dpia_screen(struct cli *c, int argc, char **argv)
{
	const struct isms_entity *se = isms_schema_entity(c->schema, "screening");
	struct isms_kv kv[DPMS_WP248_CRITERIA + 2];
	bool crit[DPMS_WP248_CRITERIA] = {false};
	const char *activity;
	char *id = NULL;
	size_t n = 0, met = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl dpia screen ACTIVITY --criteria N[,N...]\n\n"
	     "Record the DPIA screening of an activity with the nine criteria of the\n"
	     "EDPB-endorsed WP248 guidelines (numbers 1-9, see 'dpmsctl screening add\n"
	     "--help'); two or more: a DPIA is likely required.  Replaces an earlier\n"
	     "screening of the activity.  --criteria none records that none applies.\n");
	if (argc < 4 || strcmp(argv[2], "--criteria") != 0)
		return cli_usage("dpia screen", "needs ACTIVITY --criteria N[,N...]");
	activity = argv[1];
	if (strcmp(argv[3], "none") != 0) {
		for (const char *p = argv[3]; *p;) {
			char *end;
			long k = strtol(p, &end, 10);

			if (end == p || k < 1 || k > DPMS_WP248_CRITERIA || (*end && *end != ','))
				return cli_usage("dpia screen", "--criteria takes numbers 1-9, e.g. 1,4,7");
			crit[k - 1] = true;
			p = *end ? end + 1 : end;
		}
	}
	for (int i = 0; i < DPMS_WP248_CRITERIA; i++) {
		kv[n].name = dpms_wp248_names[i];
		kv[n++].value = crit[i] ? "yes" : "no";
		met += crit[i];
	}
	code = -cli_open(c, true, false);
	if (code)
		return code;
	{
		struct isms_kv f = {"activity", activity};
		struct rows rs = {0};

		r = isms_record_list(c->store, se, &f, 1, rows_cb, &rs);
		if (r >= 0 && rs.n) {
			r = isms_record_change(c->store, se, rs.v[0][0], kv, n);
			id = strdup(rs.v[0][0]);
		} else if (r >= 0) {
			kv[n].name = "activity";
			kv[n++].value = activity;
			r = isms_record_add(c->store, se, kv, n, &id);
		}
		rows_release(&rs);
	}
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"screening\": \"%s\", \"criteria_met\": %zu, \"dpia_likely\": %s}\n", id, met,
		       dpms_dpia_likely(crit) ? "true" : "false");
	else if (!c->quiet)
		printf("screening '%s' of '%s': %zu criteri%s met: %s\n", id, activity, met,
		       met == 1 ? "on" : "a",
		       dpms_dpia_likely(crit) ? "a DPIA is likely required (WP248)" :
						"a DPIA is not indicated by the screening");
	free(id);
	return EXIT_OK;
}
