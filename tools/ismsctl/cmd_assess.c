/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl assess: the control tests over the evidence; test attest: a manual attestation. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "report.h"
#include "isms/assess.h"
#include "isms/catalogue.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/strutil.h"
#include "isms/tz.h"

/*
 * The zone of local periods: --tz, else $TZ when it names a zone, else
 * /etc/timezone, else UTC.  A zone that cannot be loaded is an error, never
 * a silent UTC: a month in the wrong zone misplaces the rows at its ends.
 */
int cli_zone(const char *name, struct isms_tz **ret)
{
	char buf[128];
	char *text = NULL;
	size_t len = 0;
	int r;

	if (!name) {
		const char *env = getenv("TZ");

		if (env && env[0] && env[0] != ':' && !strchr(env, ','))
			name = env;
		else if (isms_read_file("/etc/timezone", 256, &text, &len) == 0) {
			snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(text, "\n"), text);
			free(text);
			if (buf[0])
				name = buf;
		}
	}
	if (!name)
		name = "UTC";
	r = isms_tz_load(NULL, name, ret);
	if (r < 0 && strcmp(name, "UTC") == 0)
		r = isms_tz_from_posix("UTC0", ret);
	if (r < 0)
		return cli_fail(r, "cannot load time zone '%s': %s (give one with --tz)", name,
				strerror(-r));
	return EXIT_OK;
}

int cli_period(const char *cmd, const char *text, const char *zone, int64_t now,
	       struct isms_ctest_period *ret)
{
	struct isms_tz *tz = NULL;
	int r, code;

	code = cli_zone(zone, &tz);
	if (code)
		return code;
	r = 0;
	if (text)
		r = isms_ctest_period_parse(text, tz, ret);
	else
		isms_ctest_period_of(ISMS_CTEST_MONTHLY, tz, now, ret);
	isms_tz_free(tz);
	if (r < 0)
		return cli_usage(cmd,
				 "'%s' is not a period (YYYY, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD"
				 " or FROM..TO)",
				 text);
	return EXIT_OK;
}

struct out_ctx {
	struct cli *c;
	struct out_table t;
	int ran, failed, skipped, opened;
};

static const char *const cols[] = {"test", "control", "period", "result", "expected", "rows",
				   "matched", "violations", "covered", "members", "hosts",
				   "first_evidence", "last_evidence", "evidence", "since", "until",
				   "reason", "nonconformity"};
static const enum out_type types[] = {OT_TEXT, OT_TEXT, OT_TEXT, OT_TEXT, OT_TEXT, OT_INT,
				      OT_INT, OT_INT, OT_INT, OT_INT, OT_TEXT, OT_INT, OT_INT,
				      OT_INT, OT_TEXT, OT_TEXT, OT_TEXT, OT_TEXT};
/* The table for people: test, control, period, result, rows, hosts, reason, nonconformity. */
static const size_t short_cols[] = {0, 1, 2, 3, 5, 10, 16, 17};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))
#define NSHORT (sizeof(short_cols) / sizeof(short_cols[0]))

static int item_cb(const struct isms_assess_item *it, void *ud)
{
	struct out_ctx *x = ud;
	char num[8][24], since[ISMS_DATE_MAX], until[ISMS_DATE_MAX];
	const char *v[NCOLS], *row[NCOLS];
	bool table = x->c->fmt == OUT_TABLE;

	if (it->skipped) {
		x->skipped++;
		return 0;
	}
	x->ran++;
	if (it->res.outcome != ISMS_CTEST_PASS)
		x->failed++;
	snprintf(num[0], sizeof(num[0]), "%" PRId64, it->res.seen);
	snprintf(num[1], sizeof(num[1]), "%" PRId64, it->res.matched);
	snprintf(num[2], sizeof(num[2]), "%" PRId64, it->res.violations);
	snprintf(num[3], sizeof(num[3]), "%" PRId64, it->covered);
	snprintf(num[4], sizeof(num[4]), "%" PRId64, it->members);
	snprintf(num[5], sizeof(num[5]), "%" PRId64, it->res.first_id);
	snprintf(num[6], sizeof(num[6]), "%" PRId64, it->res.last_id);
	snprintf(num[7], sizeof(num[7]), "%" PRId64, it->evidence);
	isms_date_format(it->period.start, since, sizeof(since));
	isms_date_format(it->period.end, until, sizeof(until));
	v[0] = it->test;
	v[1] = it->control;
	v[2] = it->period.label;
	v[3] = isms_ctest_outcome_name(it->res.outcome);
	v[4] = it->expected;
	for (size_t i = 0; i < 5; i++)
		v[5 + i] = num[i];
	v[10] = it->hosts && it->hosts[0] ? it->hosts : NULL;
	v[11] = it->res.first_id ? num[5] : NULL;
	v[12] = it->res.last_id ? num[6] : NULL;
	v[13] = it->evidence ? num[7] : NULL;
	v[14] = since;
	v[15] = until;
	v[16] = it->res.reason;
	v[17] = it->nonconformity[0] ? it->nonconformity : NULL;
	if (it->nc_opened)
		x->opened++;
	if (!table)
		return out_table_add(&x->t, v);
	for (size_t i = 0; i < NSHORT; i++)
		row[i] = v[short_cols[i]];
	return out_table_add(&x->t, row);
}

int cmd_assess(struct cli *c, int argc, char **argv)
{
	struct isms_assess_opts o = {0};
	struct out_ctx x = {.c = c};
	struct isms_tz *tz = NULL;
	const char *zone = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl assess [--period P | --previous] [--control C] [--test NAME]\n"
	     "                      [--again] [--dry-run] [--tz ZONE]\n\n"
	     "Run the control tests over the evidence and record each result in the\n"
	     "evidence chain (kind assessment.result) and in the results per period\n"
	     "('ismsctl assessment list'): pass, fail, or insufficient evidence, with\n"
	     "the rows relied on.  Without --period each test covers the current\n"
	     "period of its frequency up to now (with --previous: the one before, the\n"
	     "last that has ended); a test already assessed over a whole period is\n"
	     "not run again for it unless --again.  P: YYYY, YYYY-Qn,\n"
	     "YYYY-MM, YYYY-Www, YYYY-MM-DD or FROM..TO, local periods in ZONE\n"
	     "(default $TZ, /etc/timezone, UTC).  --dry-run records nothing.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--period")))
			o.period = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--control")))
			o.control = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--test")))
			o.test = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--tz")))
			zone = v;
		else if (strcmp(argv[i], "--again") == 0)
			o.again = true;
		else if (strcmp(argv[i], "--previous") == 0)
			o.previous = true;
		else if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = true;
		else
			return cli_usage("assess", "unknown argument '%s'", argv[i]);
	}
	if (o.previous && o.period)
		return cli_usage("assess", "--previous and --period name a period each: give one");
	code = cli_zone(zone, &tz);
	if (code)
		return code;
	o.tz = tz;
	o.now = (int64_t)time(NULL);
	code = -cli_open(c, !o.dry_run, false);
	if (code) {
		isms_tz_free(tz);
		return code;
	}
	r = out_table_init(&x.t, c->fmt == OUT_TABLE ? NSHORT : NCOLS);
	for (size_t i = 0; r >= 0 && i < (c->fmt == OUT_TABLE ? NSHORT : NCOLS); i++) {
		size_t k = c->fmt == OUT_TABLE ? short_cols[i] : i;

		r = out_table_set_col(&x.t, i, cols[k], types[k]);
	}
	if (r >= 0)
		r = isms_assess_run(c->store, &o, item_cb, &x);
	isms_tz_free(tz);
	if (r < 0) {
		out_table_release(&x.t);
		return cli_store_fail(c, r);
	}
	r = c->fmt != OUT_TABLE || x.ran ? out_print(stdout, c->fmt, &x.t) : 0;
	out_table_release(&x.t);
	if (c->fmt == OUT_TABLE && !c->quiet) {
		fprintf(stderr, "%s: %d test%s assessed, %d not passing", cli_prog, x.ran,
			x.ran == 1 ? "" : "s", x.failed);
		if (x.opened)
			fprintf(stderr, ", %d nonconformit%s opened", x.opened,
				x.opened == 1 ? "y" : "ies");
		if (x.skipped)
			fprintf(stderr, ", %d already assessed for the whole period (--again)",
				x.skipped);
		fputc('\n', stderr);
	}
	return r < 0 ? cli_fail(r, "%s", strerror(-r)) : EXIT_OK;
}

/* 'test attest NAME --by PERSON [--outcome effective|ineffective] [--note TEXT]' */
int cmd_test_attest(struct cli *c, int argc, char **argv)
{
	const struct isms_entity *te = isms_entity_lookup("test"), *pe = isms_entity_lookup("person");
	const char *name = NULL, *by = NULL, *outcome = "effective", *note = NULL;
	struct isms_evidence ev = {.source = "ismsctl", .kind = "test.attestation"};
	struct json_object *o;
	struct rows rs = {0};
	char *details;
	int64_t id;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl test attest NAME --by PERSON [--outcome effective|ineffective]\n"
	     "                          [--note TEXT]\n\n"
	     "Record a manual attestation for test NAME (a rule 'attest valid=DUR'): PERSON\n"
	     "vouches that the control operated.  It joins the evidence chain; the test\n"
	     "passes while the latest attestation is effective and younger than DUR.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--by")))
			by = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--outcome")))
			outcome = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--note")))
			note = v;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			return cli_usage("test attest", "unknown argument '%s'", argv[i]);
	}
	if (!name || !by)
		return cli_usage("test attest", "'test attest' needs NAME and --by PERSON");
	if (strcmp(outcome, "effective") != 0 && strcmp(outcome, "ineffective") != 0)
		return cli_usage("test attest", "--outcome is effective or ineffective");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_record_get(c->store, te, name, rows_cb, &rs);
	if (r >= 0)
		r = isms_record_get(c->store, pe, by, NULL, NULL);
	if (r < 0) {
		rows_release(&rs);
		return cli_store_fail(c, r);
	}
	o = json_object_new_object();
	json_object_object_add(o, "test", json_object_new_string(name));
	json_object_object_add(o, "version",
			       json_object_new_string(rs.v[0][isms_entity_field_index(te, "version")]));
	if (note)
		json_object_object_add(o, "note", json_object_new_string(note));
	details = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	ev.control = rs.v[0][isms_entity_field_index(te, "control")];
	ev.subject = by;
	ev.outcome = outcome;
	ev.details = details;
	r = details ? isms_evidence_append(c->store, &ev, &id) : -ENOMEM;
	free(details);
	rows_release(&rs);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"id\": %" PRId64 "}\n", id);
	else if (!c->quiet)
		printf("attestation for test '%s' recorded as evidence %" PRId64 "\n", name, id);
	return EXIT_OK;
}

/* --- trend: results per period, from history ----------------------------------- */

struct period_result {
	const char *test, *control, *period, *since, *result;
};

static int cmp_trend(const void *a, const void *b)
{
	const struct period_result *x = a, *y = b;
	int r = strcmp(x->test, y->test);

	return r ? r : strcmp(x->since, y->since);
}

static int rank(const char *result)
{
	return strcmp(result, "pass") == 0 ? 2 : strcmp(result, "fail") == 0 ? 0 : 1;
}

int cmd_assess_trend(struct cli *c, int argc, char **argv)
{
	const struct isms_entity *e;
	struct rows rs = {0};
	struct isms_kv f[2];
	struct period_result *v = NULL;
	struct out_table t;
	size_t nf = 0, n = 0;
	long last = 6;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl assess trend [--control C] [--test NAME] [--last N]\n\n"
	     "Each test's results over its last N periods (default 6), from the results\n"
	     "kept per period (the latest assessment of each period counts), and whether\n"
	     "the latest period is better or worse than the one before.\n");
	for (int i = 1; i < argc; i++) {
		const char *val;

		if ((val = cli_opt_value(argc, argv, &i, "--control")))
			f[nf++] = (struct isms_kv){"control", val};
		else if ((val = cli_opt_value(argc, argv, &i, "--test")))
			f[nf++] = (struct isms_kv){"test", val};
		else if ((val = cli_opt_value(argc, argv, &i, "--last"))) {
			char *end;

			last = strtol(val, &end, 10);
			if (*end || last < 1 || last > 1000)
				return cli_usage("assess trend", "--last takes 1-1000");
		} else {
			return cli_usage("assess trend", "unknown argument '%s'", argv[i]);
		}
		if (nf > 2)
			return cli_usage("assess trend", "--control and --test once each");
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = report_load_rows(c, "assessment", f, nf, &rs, &e);
	if (r >= 0 && rs.n && !(v = calloc(rs.n, sizeof(*v))))
		r = -ENOMEM;
	/* the latest assessment of each (test, period): rows come in insertion order */
	for (size_t i = 0; r >= 0 && i < rs.n; i++) {
		struct period_result p = {FIELD(e, rs.v[i], "test"), FIELD(e, rs.v[i], "control"),
					  FIELD(e, rs.v[i], "period"), FIELD(e, rs.v[i], "since"),
					  FIELD(e, rs.v[i], "result")};
		size_t k = 0;

		while (k < n && !(strcmp(v[k].test, p.test) == 0 && strcmp(v[k].period, p.period) == 0))
			k++;
		v[k] = p;
		if (k == n)
			n++;
	}
	if (r >= 0 && n)
		qsort(v, n, sizeof(*v), cmp_trend);
	r = r < 0 ? r : out_table_init(&t, 6);
	if (r >= 0) {
		static const char *const names[] = {"test", "control", "trend", "latest", "previous",
						    "change"};

		for (size_t k = 0; r >= 0 && k < 6; k++)
			r = out_table_set_col(&t, k, names[k], OT_TEXT);
		for (size_t i = 0; r >= 0 && i < n;) {
			size_t j = i, from;
			char trend[2048];
			size_t off = 0;
			const char *row[6];

			while (j < n && strcmp(v[j].test, v[i].test) == 0)
				j++;
			from = j - i > (size_t)last ? j - (size_t)last : i;
			trend[0] = '\0';
			for (size_t k = from; k < j; k++) {
				int w = snprintf(trend + off, sizeof(trend) - off, "%s%s %s",
						 off ? ", " : "", v[k].period, v[k].result);

				if (w > 0 && (size_t)w < sizeof(trend) - off)
					off += (size_t)w;
			}
			row[0] = v[i].test;
			row[1] = v[i].control;
			row[2] = trend;
			row[3] = v[j - 1].result;
			row[4] = j - i > 1 ? v[j - 2].result : NULL;
			row[5] = j - i < 2 ? NULL :
				 rank(v[j - 1].result) > rank(v[j - 2].result) ? "better" :
				 rank(v[j - 1].result) < rank(v[j - 2].result) ? "worse" : "same";
			r = out_table_add(&t, row);
			i = j;
		}
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
	}
	free(v);
	rows_release(&rs);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
