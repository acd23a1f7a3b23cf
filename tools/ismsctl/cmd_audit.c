/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl audit sample: the auditor's work paper; audit finding: a finding as a nonconformity. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/audit.h"
#include "isms/control_test.h"
#include "isms/date.h"
#include "isms/tz.h"

static const char *const cols[] = {"id",      "ts",	"node",	  "subject", "kind",
				   "outcome", "asset", "source", "rule",    "review",
				   "acknowledged", "reason", "hash"};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))
/* The table for people leaves out the asset, source, reason and hash. */
static const size_t short_cols[] = {0, 1, 2, 3, 4, 5, 8, 9, 10};
#define NSHORT (sizeof(short_cols) / sizeof(short_cols[0]))

static void row_values(const struct isms_audit_sample_row *r, char num[24], const char *v[NCOLS])
{
	snprintf(num, 24, "%" PRId64, r->id);
	v[0] = num;
	v[1] = r->ts;
	v[2] = r->node;
	v[3] = r->subject;
	v[4] = r->kind;
	v[5] = r->outcome;
	v[6] = r->asset;
	v[7] = r->source;
	v[8] = r->rule;
	v[9] = r->review;
	v[10] = r->acks;
	v[11] = r->reason;
	v[12] = r->hash;
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static int print_json(const struct isms_audit_sample_opts *o, const struct isms_audit_sample *smp,
		      bool drawn)
{
	struct json_object *d = json_object_new_object(), *rows = json_object_new_array();
	char since[ISMS_DATE_MAX], until[ISMS_DATE_MAX];

	if (!d || !rows) {
		json_object_put(d);
		json_object_put(rows);
		return -ENOMEM;
	}
	isms_date_format(o->period->start, since, sizeof(since));
	isms_date_format(o->period->end, until, sizeof(until));
	json_object_object_add(d, "audit", jstr(o->audit));
	json_object_object_add(d, "control", jstr(o->control));
	json_object_object_add(d, "period", jstr(o->period->label));
	json_object_object_add(d, "since", jstr(since));
	json_object_object_add(d, "until", jstr(until));
	json_object_object_add(d, "n", json_object_new_int64(o->n));
	json_object_object_add(d, "seed", json_object_new_int64((int64_t)o->seed));
	json_object_object_add(d, "seed_drawn", json_object_new_boolean(drawn));
	json_object_object_add(d, "population", json_object_new_int64(smp->population));
	json_object_object_add(d, "population_sha256", jstr(smp->sha256));
	json_object_object_add(d, "all", json_object_new_boolean(smp->all));
	json_object_object_add(d, "evidence", json_object_new_int64(smp->evidence));
	for (size_t i = 0; i < smp->nrows; i++) {
		struct json_object *r = json_object_new_object();
		const char *v[NCOLS];
		char num[24];

		row_values(&smp->rows[i], num, v);
		json_object_object_add(r, cols[0], json_object_new_int64(smp->rows[i].id));
		for (size_t k = 1; k < NCOLS; k++)
			json_object_object_add(r, cols[k], jstr(v[k]));
		json_object_array_add(rows, r);
	}
	json_object_object_add(d, "rows", rows);
	puts(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(d);
	return 0;
}

static int print_paper(const struct cli *c, const struct isms_audit_sample_opts *o,
		       const struct isms_audit_sample *smp, bool drawn)
{
	bool table = c->fmt == OUT_TABLE;
	size_t ncols = table && !c->all ? NSHORT : NCOLS;
	struct out_table t;
	int r;

	if (table) {
		char since[ISMS_DATE_MAX], until[ISMS_DATE_MAX];

		isms_date_format(o->period->start, since, sizeof(since));
		isms_date_format(o->period->end, until, sizeof(until));
		printf("work paper: sample of control %s%s%s, period %s (%s to %s)\n", o->control,
		       o->audit ? " for audit " : "", o->audit ? o->audit : "", o->period->label,
		       since, until);
		printf("population: %" PRId64 " evidence row%s, sha256 %s\n", smp->population,
		       smp->population == 1 ? "" : "s", smp->sha256);
		printf("seed: %" PRIu64 "%s\n", o->seed,
		       drawn ? " (drawn at random: --seed repeats this sample)" : "");
		if (smp->all)
			printf("sample: n %" PRId64 " is not below the population: every row taken\n",
			       o->n);
		else
			printf("sample: %zu of %" PRId64 " rows\n", smp->nrows, smp->population);
		printf("recorded: evidence %" PRId64 " (audit.sample)\n\n", smp->evidence);
	}
	r = out_table_init(&t, ncols);
	for (size_t i = 0; r >= 0 && i < ncols; i++) {
		size_t k = ncols == NSHORT ? short_cols[i] : i;

		r = out_table_set_col(&t, i, cols[k], k == 0 ? OT_INT : OT_TEXT);
	}
	for (size_t i = 0; r >= 0 && i < smp->nrows; i++) {
		const char *v[NCOLS], *row[NCOLS];
		char num[24];

		row_values(&smp->rows[i], num, v);
		for (size_t k = 0; k < ncols; k++)
			row[k] = v[ncols == NSHORT ? short_cols[k] : k];
		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r;
}

static int parse_int(const char *opt, const char *v, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
	if (v[0] < '0' || v[0] > '9' || *end || errno || x > max)
		return cli_usage("audit sample", "%s takes a number from 0 to %" PRIu64 ", not '%s'",
				 opt, max, v);
	*ret = x;
	return 0;
}

/* 'audit sample --control C --period P -n N [--seed S] [--audit IA-n] [--tz ZONE]' */
int cmd_audit_sample(struct cli *c, int argc, char **argv)
{
	const char *control = NULL, *period = NULL, *n = NULL, *seed = NULL, *audit = NULL,
		   *zone = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT("--control", &control), CLI_OPT("--period", &period),
		CLI_OPT("-n", &n),		CLI_OPT("--seed", &seed),
		CLI_OPT("--audit", &audit),	CLI_OPT("--tz", &zone),
		CLI_OPT_END,
	};
	struct isms_audit_sample_opts o = {0};
	struct isms_audit_sample smp = {0};
	struct isms_ctest_period p;
	uint64_t v = 0; /* -O3 cannot see that parse_int sets it on success */
	bool drawn = false;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl audit sample --control C --period P -n N [--seed S]\n"
	     "                            [--audit IA-n] [--tz ZONE]\n\n"
	     "Draw N rows at random from the full population of evidence of control C\n"
	     "in period P (every row of the control in the period, in chain order, but\n"
	     "for the ISMS's own audit.sample, assessment.* and nonconformity.* rows)\n"
	     "as the auditor's work paper: for each row its time, node, subject, kind\n"
	     "and outcome, and for login decisions the policy rule, the subject's latest\n"
	     "access review of the asset and the documents acknowledged by that day.\n"
	     "The same seed S (0 to 2^53-1) and population give the same sample on any\n"
	     "machine; without --seed one is drawn and printed.  One evidence row of\n"
	     "kind audit.sample records control, period, N, seed, the population's\n"
	     "size and SHA-256 (over \"ID HASH\\n\" of each row) and the rows drawn.\n"
	     "N not below the population takes every row; an empty population is an\n"
	     "error and records nothing.  P: YYYY, YYYY-Qn, YYYY-MM, YYYY-Www,\n"
	     "YYYY-MM-DD or FROM..TO, local periods in ZONE (default $TZ,\n"
	     "/etc/timezone, UTC).\n");
	code = cli_opts("audit sample", argc, argv, 1, opts);
	if (code)
		return code;
	if (!control || !period || !n)
		return cli_usage("audit sample", "'audit sample' needs --control, --period and -n");
	code = parse_int("-n", n, ISMS_AUDIT_SAMPLE_MAX, &v);
	if (code)
		return code;
	if (v < 1)
		return cli_usage("audit sample", "-n takes a number from 1 to %d",
				 ISMS_AUDIT_SAMPLE_MAX);
	o.n = (int64_t)v;
	if (seed) {
		code = parse_int("--seed", seed, ISMS_AUDIT_SEED_MAX, &o.seed);
		if (code)
			return code;
	} else {
		r = isms_audit_seed_random(&o.seed);
		if (r < 0)
			return cli_fail(r, "cannot draw a seed: %s", strerror(-r));
		drawn = true;
	}
	code = cli_period("audit sample", period, zone, 0, &p);
	if (code)
		return code;
	o.control = control;
	o.period = &p;
	o.audit = audit;
	o.now = (int64_t)time(NULL);
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_audit_sample_draw(c->store, &o, &smp);
	if (r < 0)
		return cli_store_fail(c, r);
	r = c->fmt == OUT_JSON ? print_json(&o, &smp, drawn) : print_paper(c, &o, &smp, drawn);
	isms_audit_sample_release(&smp);
	return r < 0 ? cli_fail(r, "%s", strerror(-r)) : EXIT_OK;
}

/* 'audit finding IA-n --title T [--severity minor|major] [--controls ...] [--risks ...] ...' */
int cmd_audit_finding(struct cli *c, int argc, char **argv)
{
	struct isms_audit_finding f = {0};
	const struct cli_opt opts[] = {
		CLI_OPT("--title", &f.title),	      CLI_OPT("--severity", &f.severity),
		CLI_OPT("--description", &f.description), CLI_OPT("--controls", &f.controls),
		CLI_OPT("--risks", &f.risks),	      CLI_OPT("--responsible", &f.responsible),
		CLI_OPT("--due", &f.due),		      CLI_OPT_END,
	};
	char *id = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl audit finding IA-n --title T [--severity minor|major]\n"
	     "                             [--description TEXT] [--controls C,...]\n"
	     "                             [--risks R-1,...] [--responsible PERSON]\n"
	     "                             [--due YYYY-MM-DD]\n\n"
	     "Record a finding of audit IA-n as a nonconformity (source audit, origin\n"
	     "IA-n#k for its k-th finding, its audit IA-n), in one transaction: as any\n"
	     "nonconformity, each linked risk is put up for reassessment and the\n"
	     "opening joins the evidence chain.  See 'ismsctl nc list'.\n");
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage("audit finding", "'audit finding' needs the audit, e.g. IA-1");
	f.audit = argv[1];
	code = cli_opts("audit finding", argc, argv, 2, opts);
	if (code)
		return code;
	if (!f.title)
		return cli_usage("audit finding", "'audit finding' needs --title");
	f.now = (int64_t)time(NULL);
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_audit_finding_open(c->store, &f, &id);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", jstr(id));
		json_object_object_add(o, "audit", jstr(f.audit));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (!c->quiet)
		printf("finding of audit %s opened as nonconformity %s\n", f.audit, id);
	free(id);
	return EXIT_OK;
}
