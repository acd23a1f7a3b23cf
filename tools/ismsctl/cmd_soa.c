/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Statement of Applicability, what is due or overdue, settings and the budget. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "ismsctl.h"
#include "isms/budget.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/evidence_query.h"
#include "isms/indicator.h"
#include "isms/ingest.h"
#include "isms/overdue.h"
#include "isms/risk.h"
#include "isms/spool.h"
#include "report.h"

/* --- SoA ------------------------------------------------------------------ */

/*
 * 8.15 (logging) rests on the kernel auditing every process, which it does
 * only for processes started after auditing was enabled, unless the kernel
 * was booted with audit=1.  audisp-isms records the setting in each
 * collector.start; the newest one per asset decides.  A warning on stderr,
 * so that the table (and --json) stays what it is.
 */
static int warn_kernel_audit(struct cli *c)
{
	const struct isms_kv f = {"kind", "collector.start"};
	/* Through the kind index: the SoA must not read the whole chain. */
	const struct isms_evidence_query q = {.filter = &f, .nfilter = 1};
	const struct isms_entity *e = isms_schema_entity(c->schema, "evidence");
	struct rows rs = {0};
	int64_t n = isms_evidence_list(c->store, &q, rows_cb, &rs);
	int r = n < 0 ? (int)n : 0;

	for (size_t i = 0; r >= 0 && i < rs.n; i++) {
		const char *asset = FIELD(e, rs.v[i], "asset");
		const char *ts = FIELD(e, rs.v[i], "ts");
		const char *det = FIELD(e, rs.v[i], "details");
		struct json_object *o, *v;
		bool newest = true;

		/* the newest start of this asset only */
		for (size_t k = 0; k < rs.n && newest; k++) {
			const char *a2 = FIELD(e, rs.v[k], "asset"), *t2 = FIELD(e, rs.v[k], "ts");

			if (k != i && strcmp(a2 ? a2 : "", asset ? asset : "") == 0 && t2 && ts &&
			    (strcmp(t2, ts) > 0 || (strcmp(t2, ts) == 0 && k > i)))
				newest = false;
		}
		if (!newest || !det)
			continue;
		o = json_tokener_parse(det);
		if (o && json_object_object_get_ex(o, "boot_audited", &v) &&
		    json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v))
			cli_warn("control 8.15: '%s' was booted without audit=1 (collector start %s):"
				 " processes started before auditd are never syscall-audited"
				 " (see audisp-isms(8))",
				 asset ? asset : "?", ts ? ts : "?");
		json_object_put(o);
	}
	rows_release(&rs);
	return r;
}

int cmd_soa(struct cli *c, int argc, char **argv)
{
	static const char *const themes[] = {"organizational", "people", "physical",
					     "technological"};
	const struct isms_entity *e;
	struct soa_approved appr;
	struct rows rs = {0};
	bool summary = false;
	int r, code;

	/* before HELP: each subcommand has its own --help */
	if (argc > 1 && (strcmp(argv[1], "propose") == 0 || strcmp(argv[1], "approve") == 0 ||
			 strcmp(argv[1], "versions") == 0 || strcmp(argv[1], "show") == 0))
		return soa_version_cmd(c, argc - 1, argv + 1);
	HELP(argc, argv,
	     "Usage: ismsctl soa [--summary]\n"
	     "       ismsctl soa propose [--title T] --by PERSON\n"
	     "       ismsctl soa approve SOA-n --by PERSON\n"
	     "       ismsctl soa versions | show SOA-n\n\n"
	     "The Statement of Applicability: every Annex A control, whether it applies,\n"
	     "why, how far it is implemented (claimed) and its measures, beside what its\n"
	     "control tests observed (the latest results of 'ismsctl assess': pass, fail,\n"
	     "insufficient), when, on how many evidence rows and hosts; 'flag' marks a\n"
	     "claimed 'implemented' that fails or has no evidence.  JSON and CSV name the\n"
	     "approved version, its date and approver on each row.  --summary counts per\n"
	     "theme: implementation status over applicable controls only, excluded and\n"
	     "undecided ones apart.  'propose' freezes a version, 'approve' (management,\n"
	     "not the proposer, no control undecided) approves it, 'versions' lists them,\n"
	     "'show' prints what one froze.\n"
	     "Change an entry with: ismsctl control set 8.15 --applicable yes\n"
	     "  --justification '...' --status implemented\n");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--summary") == 0)
			summary = true;
		else
			return cli_usage("soa", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = soa_approved_get(c, &appr);
	if (r >= 0)
		r = report_load_rows(c, "control", NULL, 0, &rs, &e);
	if (r < 0) {
		rows_release(&rs);
		return cli_store_fail(c, r);
	}
	if (c->fmt == OUT_TABLE && !c->quiet) {
		if (appr.found)
			printf("SoA version %s, approved %s by %s\n", appr.id, appr.at, appr.by);
		else
			printf("SoA: no approved version (see 'ismsctl soa propose')\n");
	}
	if (!summary) {
		r = soa_print_observed(c, e, &rs, &appr);
	} else {
		struct out_table t;
		static const char *const names[] = {"theme", "controls", "applicable",
						    "not_applicable", "undecided", "implemented",
						    "partial", "planned", "not_started",
						    "soa_version", "soa_approved_at",
						    "soa_approved_by"};
		size_t ncols = c->fmt != OUT_TABLE ? 12 : 9;
		long cnt[5][8] = {{0}};

		for (size_t i = 0; i < rs.n; i++) {
			const char *th = FIELD(e, rs.v[i], "theme");
			const char *ap = FIELD(e, rs.v[i], "applicable");
			const char *st = FIELD(e, rs.v[i], "status");
			int k = 0;

			while (k < 4 && strcmp(themes[k], th) != 0)
				k++;
			for (int row = 0; row < 2; row++) {
				long *x = cnt[row ? 4 : k];

				if (row == 0 && k == 4)
					continue;
				x[0]++;
				x[strcmp(ap, "yes") == 0 ? 1 : strcmp(ap, "no") == 0 ? 2 : 3]++;
				/* how far only what applies is implemented (6.1.3 d) */
				if (strcmp(ap, "yes") == 0)
					x[strcmp(st, "implemented") == 0 ? 4 :
					  strcmp(st, "partial") == 0 ? 5 :
					  strcmp(st, "planned") == 0 ? 6 : 7]++;
			}
		}
		r = out_table_init(&t, ncols);
		for (size_t k = 0; r >= 0 && k < ncols; k++)
			r = out_table_set_col(&t, k, names[k], k && k < 9 ? OT_INT : OT_TEXT);
		for (int k = 0; r >= 0 && k < 5; k++) {
			char num[8][24];
			const char *row[12];

			row[0] = k < 4 ? themes[k] : "total";
			for (int j = 0; j < 8; j++) {
				snprintf(num[j], sizeof(num[j]), "%ld", cnt[k][j]);
				row[j + 1] = num[j];
			}
			row[9] = appr.found ? appr.id : "no approved version";
			row[10] = appr.found ? appr.at : NULL;
			row[11] = appr.found ? appr.by : NULL;
			r = out_table_add(&t, row);
		}
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
	}
	rows_release(&rs);
	if (r >= 0)
		r = warn_kernel_audit(c);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

/* --- what is due --------------------------------------------------------- */

static int cmp_due(const void *a, const void *b)
{
	char *const *ra = *(char *const *const *)a, *const *rb = *(char *const *const *)b;
	const char *da = FIELD(report_sort_e, ra, "due"), *db = FIELD(report_sort_e, rb, "due");

	return strcmp(da ? da : "9999", db ? db : "9999");
}

int cmd_review_due(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"id", "kind", "subject", "asset", "person", "reviewer",
					   "due", "overdue", NULL};
	const struct isms_entity *e;
	struct rows rs = {0}, keep = {0};
	char until[11];
	long days = 30;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl review due [--within DAYS]\n\n"
	     "Reviews not yet done that are overdue or due within DAYS (default 30),\n"
	     "the most overdue first.  Record one as done with:\n"
	     "  ismsctl review set V-3 --done 2026-11-27 --result ok\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--within"))) {
			char *end;

			days = strtol(v, &end, 10);
			if (*end || days < 0 || days > 36500)
				return cli_usage("review due", "--within takes days, 0-36500");
		} else {
			return cli_usage("review due", "unknown argument '%s'", argv[i]);
		}
	}
	report_date_plus_days(until, (int)days);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = report_load_rows(c, "review", NULL, 0, &rs, &e);
	if (r >= 0) {
		keep.nfields = rs.nfields;
		keep.v = calloc(rs.n ? rs.n : 1, sizeof(*keep.v));
		if (!keep.v)
			r = -ENOMEM;
	}
	for (size_t i = 0; r >= 0 && i < rs.n; i++) {
		const char *done = FIELD(e, rs.v[i], "done"), *due = FIELD(e, rs.v[i], "due");

		if (!done && due && strcmp(due, until) <= 0)
			keep.v[keep.n++] = rs.v[i];
	}
	if (r >= 0) {
		report_sort_e = e;
		if (keep.n > 1) /* never qsort(NULL, 0) */
			qsort(keep.v, keep.n, sizeof(*keep.v), cmp_due);
		r = report_print_rows(c, e, &keep, keep.n, cols);
	}
	free(keep.v);
	rows_release(&rs);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

/* Not dated, so not on the list, but due all the same (BSI 200-3). */
static int warn_gaps(struct cli *c)
{
	struct isms_risk_gaps g = {0};
	int r = isms_risk_gaps_list(c->store, &g);

	for (size_t i = 0; r >= 0 && i < g.n; i++)
		cli_warn("asset '%s' (%s) has no risk analysis (see 'ismsctl risk gaps')",
			 g.v[i].asset, g.v[i].requirements);
	isms_risk_gaps_release(&g);
	return r;
}

int cmd_overdue(struct cli *c, int argc, char **argv)
{
	struct isms_overdue o = {0};
	struct out_table t;
	char now[11];
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl overdue\n\n"
	     "Everything past its date: reviews not done, measures not implemented,\n"
	     "documents past their next review, risk acceptances that expired\n"
	     "(ISO 27001 6.1.3: they return to review), nonconformities not closed\n"
	     "by their due date (10.2), audits planned but not held (9.2), context\n"
	     "issues and requirements past their review (4.1, 4.2), objectives past\n"
	     "due (6.2), trainings expired and not retaken (7.2), and risks a live\n"
	     "indicator raised and not reassessed since (8.2: their likelihood or\n"
	     "impact set by hand after it, or a risk review done).  Oldest first.\n"
	     "Then the decisions missing, due today: a security officer or DPO\n"
	     "without a current appointment (5.3: 'no appointment'), a document whose\n"
	     "new version is not approved (5.2), a risk to be mitigated, transferred\n"
	     "or avoided whose owner has not approved its treatment plan (6.1.3 f).\n"
	     "It warns on stderr of every asset with a high or very high protection\n"
	     "requirement and no risk analysis (see 'ismsctl risk gaps').\n");
	if (argc != 1)
		return cli_usage("overdue", "overdue takes no arguments");
	report_today(now);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, 5);
	if (r >= 0)
		r = out_table_set_col(&t, 0, "what", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 1, "id", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 2, "subject", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 3, "since", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 4, "responsible", OT_TEXT);
	if (r >= 0)
		r = isms_overdue_list(c->store, c->schema, now, &o);
	for (size_t i = 0; r >= 0 && i < o.n; i++) {
		const char *row[5] = {o.v[i].what, o.v[i].id, o.v[i].subject, o.v[i].since,
				      o.v[i].responsible};

		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	if (r >= 0)
		r = warn_gaps(c);
	isms_overdue_release(&o);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

/* --- settings, budget, matrix ----------------------------------------------- */

static void cents_str(const char *cents, char *buf, size_t len)
{
	long long v = cents ? atoll(cents) : 0;

	snprintf(buf, len, "%s%lld.%02lld", v < 0 ? "-" : "", llabs(v) / 100, llabs(v) % 100);
}

int cmd_setting(struct cli *c, int argc, char **argv)
{
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl setting [list]\n"
	     "       ismsctl setting set KEY VALUE\n\n"
	     "Keys: organisation (name), budget (the security officer's budget, an\n"
	     "amount), acceptance (the highest risk level acceptable without treatment),\n"
	     "protection.high and protection.very_high (the lowest impact, a number or\n"
	     "label of the impact axis, a risk may have on an objective of an asset with\n"
	     "that protection requirement unless --impact-justification says why; unset:\n"
	     "the second highest and the highest impact).\n");
	if (argc >= 2 && strcmp(argv[1], "set") == 0) {
		if (argc != 4)
			return cli_usage("setting", "'setting set' takes KEY VALUE");
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_setting_apply(c->store, argv[2], argv[3]);
		if (r < 0)
			return cli_store_fail(c, r);
		if (!c->quiet)
			printf("setting '%s' changed\n", argv[2]);
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "list") != 0))
		return cli_usage("setting", "unknown action '%s'", argv[1]);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, 2);
	if (r >= 0)
		r = out_table_set_col(&t, 0, "key", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 1, "value", OT_TEXT);
	for (size_t i = 0; r >= 0 && isms_setting_keys[i]; i++) {
		char *v = NULL, buf[64];
		const char *row[2] = {isms_setting_keys[i], NULL};
		struct isms_risk_matrix m;

		if (isms_setting_get(c->store, isms_setting_keys[i], &v) == 0) {
			row[1] = v;
			if (strcmp(row[0], "budget") == 0) {
				cents_str(v, buf, sizeof(buf));
				row[1] = buf;
			} else if (strcmp(row[0], "acceptance") == 0 &&
				   isms_risk_matrix_load(c->store, &m) == 0) {
				row[1] = m.level[m.acceptance - 1];
			} else if (strncmp(row[0], "protection.", 11) == 0 &&
				   isms_risk_matrix_load(c->store, &m) == 0 && atoi(v) >= 1 &&
				   atoi(v) <= m.nimpact) {
				row[1] = m.impact[atoi(v) - 1];
			}
		}
		r = out_table_add(&t, row);
		free(v);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

int cmd_budget(struct cli *c, int argc, char **argv)
{
	struct isms_budget bg;
	struct out_table t;
	char b[4][32];
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl budget\n\n"
	     "The security officer's budget (ismsctl setting set budget AMOUNT) against\n"
	     "the cost of measures: implemented or verified ones count as spent, planned\n"
	     "and in-progress ones as committed; cancelled ones not at all.\n");
	if (argc != 1)
		return cli_usage("budget", "budget takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_budget_get(c->store, &bg);
	if (r < 0)
		return cli_store_fail(c, r);
	snprintf(b[0], sizeof(b[0]), "%lld", (long long)bg.budget);
	cents_str(b[0], b[0], sizeof(b[0]));
	snprintf(b[1], sizeof(b[1]), "%lld", (long long)bg.spent);
	cents_str(b[1], b[1], sizeof(b[1]));
	snprintf(b[2], sizeof(b[2]), "%lld", (long long)bg.committed);
	cents_str(b[2], b[2], sizeof(b[2]));
	snprintf(b[3], sizeof(b[3]), "%lld", (long long)bg.remaining);
	cents_str(b[3], b[3], sizeof(b[3]));
	{
		const char *row[4] = {bg.set ? b[0] : NULL, b[1], b[2], b[3]};

		r = out_table_init(&t, 4);
		if (r >= 0)
			r = out_table_set_col(&t, 0, "budget", OT_NUM);
		if (r >= 0)
			r = out_table_set_col(&t, 1, "spent", OT_NUM);
		if (r >= 0)
			r = out_table_set_col(&t, 2, "committed", OT_NUM);
		if (r >= 0)
			r = out_table_set_col(&t, 3, "remaining", OT_NUM);
		if (r >= 0)
			r = out_table_add(&t, row);
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
	}
	if (!bg.set && c->fmt == OUT_TABLE)
		fprintf(stderr, "%s: no budget set; set one with: ismsctl setting set budget AMOUNT\n", cli_prog);
	return r < 0 ? cli_fail(r, "%s", strerror(-r)) : EXIT_OK;
}
