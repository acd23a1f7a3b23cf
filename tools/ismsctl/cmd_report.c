/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reports and upkeep: init, verify, the matrix, SoA, what is due, evidence. */
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
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/evidence_query.h"
#include "isms/indicator.h"
#include "isms/ingest.h"
#include "isms/risk.h"
#include "isms/spool.h"


static int load_rows(struct cli *c, const char *entity, const struct isms_kv *f, size_t nf,
		     struct rows *rs, const struct isms_entity **ret_e)
{
	const struct isms_entity *e = isms_schema_entity(c->schema, entity);

	*ret_e = e;
	return isms_record_list(c->store, e, f, nf, rows_cb, rs);
}

#define FIELD(e, row, name) ((row)[isms_entity_field_index((e), (name))])

static void today(char buf[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

static void date_plus_days(char buf[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* --- init ---------------------------------------------------------------- */

int cmd_init(struct cli *c, int argc, char **argv)
{
	const char *dir = getenv("ISMS_DATA_DIR");
	const char *org = NULL, *key = ISMS_EVIDENCE_KEY_DEFAULT;
	char path[4096], *err = NULL;
	bool keyed = false;
	int nctl, nthr, code;

	HELP(argc, argv,
	     "Usage: ismsctl init [--data-dir DIR] [--organisation NAME] [--keyed [--key PATH]]\n\n"
	     "Create the store (mode 0600, its directory 0700) if it does not exist,\n"
	     "migrate it to this build's schema, and load the ISO/IEC 27001:2022 Annex A\n"
	     "catalogue and the BSI elementary threats from DIR (default $ISMS_DATA_DIR,\n"
	     "else " ISMS_DATADIR ").  Running it again refreshes the catalogues and keeps\n"
	     "the Statement of Applicability.  --keyed then keys the evidence chain as\n"
	     "'ismsctl key init' does (key default " ISMS_EVIDENCE_KEY_DEFAULT ").\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--data-dir")))
			dir = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--organisation")))
			org = v;
		else if (strcmp(argv[i], "--keyed") == 0)
			keyed = true;
		else if ((v = cli_opt_value(argc, argv, &i, "--key")))
			key = v;
		else
			return cli_usage("init", "unknown argument '%s'", argv[i]);
	}
	if (!dir || !dir[0]) {
		dir = ISMS_DATADIR;
		snprintf(path, sizeof(path), "%s/annex-a-2022.json", dir);
		if (access(path, R_OK) < 0 && access(ISMS_SOURCE_DATADIR "/annex-a-2022.json", R_OK) == 0)
			dir = ISMS_SOURCE_DATADIR; /* not installed: the tree it was built from */
	}
	code = -cli_open(c, true, true);
	if (code)
		return code;
	snprintf(path, sizeof(path), "%s/annex-a-2022.json", dir);
	nctl = isms_catalogue_load_controls(c->store, path, &err);
	if (nctl < 0) {
		code = cli_fail(nctl, "%s (set --data-dir or ISMS_DATA_DIR)", err ? err : strerror(-nctl));
		free(err);
		return code;
	}
	snprintf(path, sizeof(path), "%s/bsi-elementary-threats.json", dir);
	nthr = isms_catalogue_load_threats(c->store, path, &err);
	if (nthr < 0) {
		code = cli_fail(nthr, "%s (set --data-dir or ISMS_DATA_DIR)", err ? err : strerror(-nthr));
		free(err);
		return code;
	}
	if (org) {
		int r = isms_setting_apply(c->store, "organisation", org);

		if (r < 0)
			return cli_store_fail(c, r);
	}
	if (!c->quiet)
		printf("store '%s' ready: schema version %d, %d Annex A controls, %d threats\n",
		       c->store_path, isms_store_schema_version(c->store), nctl, nthr);
	if (keyed)
		return cli_key_init(c, key);
	return EXIT_OK;
}

/* --- risk matrix ------------------------------------------------------- */

int cmd_risk_matrix(struct cli *c, int argc, char **argv)
{
	struct isms_risk_matrix m;
	int counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX];
	bool residual = false;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl risk matrix [--residual]\n\n"
	     "The risk matrix, most likely at the top, with the level of each cell and\n"
	     "the number of risks in it.  --residual places treated risks by their\n"
	     "residual likelihood and impact.  Levels marked * are within the\n"
	     "acceptance threshold.\n");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--residual") == 0)
			residual = true;
		else
			return cli_usage("risk matrix", "unknown argument '%s'", argv[i]);
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_risk_matrix_load(c->store, &m);
	if (r >= 0)
		r = isms_risk_matrix_counts(c->store, residual, counts);
	if (r < 0)
		return cli_store_fail(c, r);

	if (c->fmt == OUT_JSON) {
		struct json_object *o = isms_risk_matrix_to_json(&m), *cells = json_object_new_array();

		for (int l = 0; l < m.nlikelihood; l++) {
			for (int i = 0; i < m.nimpact; i++) {
				struct json_object *cell = json_object_new_object();

				json_object_object_add(cell, "likelihood", json_object_new_string(m.likelihood[l]));
				json_object_object_add(cell, "impact", json_object_new_string(m.impact[i]));
				json_object_object_add(cell, "level",
						       json_object_new_string(m.level[m.cell[l][i] - 1]));
				json_object_object_add(cell, "risks", json_object_new_int(counts[l][i]));
				json_object_array_add(cells, cell);
			}
		}
		json_object_object_add(o, "residual", json_object_new_boolean(residual));
		json_object_object_add(o, "counts", cells);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
		return EXIT_OK;
	}
	if (c->fmt == OUT_CSV) {
		printf("likelihood,impact,level,risks\r\n");
		for (int l = 0; l < m.nlikelihood; l++)
			for (int i = 0; i < m.nimpact; i++)
				printf("%s,%s,%s,%d\r\n", m.likelihood[l], m.impact[i],
				       m.level[m.cell[l][i] - 1], counts[l][i]);
		return EXIT_OK;
	}
	{
		int lw = (int)strlen("likelihood \\ impact"), cw = 0;

		for (int l = 0; l < m.nlikelihood; l++)
			if ((int)strlen(m.likelihood[l]) > lw)
				lw = (int)strlen(m.likelihood[l]);
		for (int i = 0; i < m.nimpact; i++)
			if ((int)strlen(m.impact[i]) > cw)
				cw = (int)strlen(m.impact[i]);
		for (int v = 0; v < m.nlevels; v++)
			if ((int)strlen(m.level[v]) + 6 > cw)
				cw = (int)strlen(m.level[v]) + 6;
		printf("%s risk matrix (risks per cell; * = acceptable)\n\n",
		       residual ? "Residual" : "Inherent");
		printf("%-*s", lw, "likelihood \\ impact");
		for (int i = 0; i < m.nimpact; i++)
			printf("  %-*s", cw, m.impact[i]);
		putchar('\n');
		for (int l = m.nlikelihood - 1; l >= 0; l--) {
			printf("%-*s", lw, m.likelihood[l]);
			for (int i = 0; i < m.nimpact; i++) {
				char cell[64];
				int lv = m.cell[l][i];

				snprintf(cell, sizeof(cell), "%s%s %d", m.level[lv - 1],
					 lv <= m.acceptance ? "*" : "", counts[l][i]);
				printf("  %-*s", cw, cell);
			}
			putchar('\n');
		}
	}
	return EXIT_OK;
}

/* --- risk top ---------------------------------------------------------- */

static const struct isms_entity *sort_e;

static int cmp_risk(const void *a, const void *b)
{
	char *const *ra = *(char *const *const *)a, *const *rb = *(char *const *const *)b;
	int ka = atoi(FIELD(sort_e, ra, "rank") ? FIELD(sort_e, ra, "rank") : "0");
	int kb = atoi(FIELD(sort_e, rb, "rank") ? FIELD(sort_e, rb, "rank") : "0");

	if (ka != kb)
		return kb - ka;
	ka = atoi(FIELD(sort_e, ra, "score") ? FIELD(sort_e, ra, "score") : "0");
	kb = atoi(FIELD(sort_e, rb, "score") ? FIELD(sort_e, rb, "score") : "0");
	return kb - ka;
}

static int print_rows(struct cli *c, const struct isms_entity *e, struct rows *rs, size_t limit,
		      const char *const *cols)
{
	struct out_table t;
	size_t ncols = 0, map[64];
	int r;

	for (; cols[ncols]; ncols++)
		map[ncols] = (size_t)isms_entity_field_index(e, cols[ncols]);
	if (c->fmt != OUT_TABLE || c->all) {
		ncols = e->nfields;
		for (size_t i = 0; i < ncols; i++)
			map[i] = i;
	}
	r = out_table_init(&t, ncols);
	for (size_t k = 0; r >= 0 && k < ncols; k++) {
		const struct isms_field *f = &e->fields[map[k]];

		r = out_table_set_col(&t, k, f->name,
				      f->type == ISMS_FT_INT || f->type == ISMS_FT_SCALE ? OT_INT :
				      f->type == ISMS_FT_BOOL ? OT_BOOL :
				      f->type == ISMS_FT_MONEY ? OT_NUM : OT_TEXT);
	}
	for (size_t i = 0; r >= 0 && i < rs->n && i < limit; i++) {
		const char *row[64];

		for (size_t k = 0; k < ncols; k++)
			row[k] = rs->v[i][map[k]];
		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r;
}

int cmd_risk_top(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"id", "title", "asset", "level", "likelihood", "impact",
					   "owner", "treatment", "residual_level", "acceptable", NULL};
	const struct isms_entity *e;
	struct rows rs = {0};
	long limit = 10;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl risk top [-n N]\n\n"
	     "The N highest risks (default 10), by level and then likelihood x impact.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "-n")) ||
		    (v = cli_opt_value(argc, argv, &i, "--limit"))) {
			char *end;

			limit = strtol(v, &end, 10);
			if (*end || limit < 1)
				return cli_usage("risk top", "-n takes a positive number");
		} else {
			return cli_usage("risk top", "unknown argument '%s'", argv[i]);
		}
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = load_rows(c, "risk", NULL, 0, &rs, &e);
	if (r >= 0) {
		sort_e = e;
		qsort(rs.v, rs.n, sizeof(*rs.v), cmp_risk);
		r = print_rows(c, e, &rs, (size_t)limit, cols);
	}
	rows_release(&rs);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

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
			fprintf(stderr,
				"ismsctl: warning: control 8.15: '%s' was booted without audit=1 (collector"
				" start %s): processes started before auditd are never syscall-audited"
				" (see audisp-isms(8))\n",
				asset ? asset : "?", ts ? ts : "?");
		json_object_put(o);
	}
	rows_release(&rs);
	return r;
}

int cmd_soa(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"id", "title", "applicable", "status", "justification",
					   NULL};
	static const char *const themes[] = {"organizational", "people", "physical",
					     "technological"};
	const struct isms_entity *e;
	struct rows rs = {0};
	bool summary = false;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl soa [--summary]\n\n"
	     "The Statement of Applicability: every Annex A control, whether it applies,\n"
	     "why, and how far it is implemented.  --summary counts per theme.\n"
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
	r = load_rows(c, "control", NULL, 0, &rs, &e);
	if (r < 0) {
		rows_release(&rs);
		return cli_store_fail(c, r);
	}
	if (!summary) {
		r = print_rows(c, e, &rs, rs.n, cols);
	} else {
		struct out_table t;
		static const char *const names[] = {"theme", "controls", "applicable",
						    "not_applicable", "undecided", "implemented",
						    "partial", "planned", "not_started"};
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
				if (strcmp(ap, "no") != 0)
					x[strcmp(st, "implemented") == 0 ? 4 :
					  strcmp(st, "partial") == 0 ? 5 :
					  strcmp(st, "planned") == 0 ? 6 : 7]++;
			}
		}
		r = out_table_init(&t, 9);
		for (size_t k = 0; r >= 0 && k < 9; k++)
			r = out_table_set_col(&t, k, names[k], k ? OT_INT : OT_TEXT);
		for (int k = 0; r >= 0 && k < 5; k++) {
			char num[8][24];
			const char *row[9];

			row[0] = k < 4 ? themes[k] : "total";
			for (int j = 0; j < 8; j++) {
				snprintf(num[j], sizeof(num[j]), "%ld", cnt[k][j]);
				row[j + 1] = num[j];
			}
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
	const char *da = FIELD(sort_e, ra, "due"), *db = FIELD(sort_e, rb, "due");

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
	date_plus_days(until, (int)days);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = load_rows(c, "review", NULL, 0, &rs, &e);
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
		sort_e = e;
		qsort(keep.v, keep.n, sizeof(*keep.v), cmp_due);
		r = print_rows(c, e, &keep, keep.n, cols);
	}
	free(keep.v);
	rows_release(&rs);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

int cmd_overdue(struct cli *c, int argc, char **argv)
{
	struct out_table t;
	char now[11];
	int r, code;
	static const struct {
		const char *entity, *date, *what;
	} checks[] = {
		{"review", "due", "review"},
		{"measure", "due", "measure"},
		{"document", "next_review", "document review"},
		{"risk", "accepted_until", "risk acceptance expired"},
	};

	HELP(argc, argv,
	     "Usage: ismsctl overdue\n\n"
	     "Everything past its date: reviews not done, measures not implemented,\n"
	     "documents past their next review, and risk acceptances that expired\n"
	     "(ISO 27001 6.1.3: they return to review).  Oldest first.\n");
	if (argc != 1)
		return cli_usage("overdue", "overdue takes no arguments");
	today(now);
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
	for (size_t k = 0; r >= 0 && k < sizeof(checks) / sizeof(checks[0]); k++) {
		const struct isms_entity *e;
		struct rows rs = {0};

		r = load_rows(c, checks[k].entity, NULL, 0, &rs, &e);
		for (size_t i = 0; r >= 0 && i < rs.n; i++) {
			char **row = rs.v[i];
			const char *d = FIELD(e, row, checks[k].date);
			const char *row_out[5];
			bool late = d && strcmp(d, now) < 0;

			if (strcmp(checks[k].entity, "review") == 0)
				late = late && !FIELD(e, row, "done");
			if (strcmp(checks[k].entity, "measure") == 0)
				late = late && strcmp(FIELD(e, row, "overdue"), "yes") == 0;
			if (!late)
				continue;
			row_out[0] = checks[k].what;
			row_out[1] = row[0];
			row_out[2] = isms_entity_field_index(e, "subject") >= 0 ?
					     FIELD(e, row, "subject") : FIELD(e, row, "title");
			row_out[3] = d;
			row_out[4] = isms_entity_field_index(e, "reviewer") >= 0 ?
					     FIELD(e, row, "reviewer") :
				     isms_entity_field_index(e, "owner") >= 0 ?
					     FIELD(e, row, "owner") : FIELD(e, row, "approved_by");
			r = out_table_add(&t, row_out);
		}
		rows_release(&rs);
	}
	if (r >= 0) {
		/* oldest first */
		for (size_t i = 1; i < t.nrows; i++)
			for (size_t j = i; j > 0 && strcmp(t.rows[j - 1][3], t.rows[j][3]) > 0; j--) {
				char **tmp = t.rows[j];

				t.rows[j] = t.rows[j - 1];
				t.rows[j - 1] = tmp;
			}
		r = out_print(stdout, c->fmt, &t);
	}
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
	     "amount), acceptance (the highest risk level acceptable without treatment).\n");
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
	const struct isms_entity *e;
	struct rows rs = {0};
	struct out_table t;
	char *budget = NULL;
	long long spent = 0, planned = 0, total;
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
	r = isms_setting_get(c->store, "budget", &budget);
	if (r == -ENOENT)
		r = 0;
	if (r >= 0)
		r = load_rows(c, "measure", NULL, 0, &rs, &e);
	for (size_t i = 0; r >= 0 && i < rs.n; i++) {
		const char *cost = FIELD(e, rs.v[i], "cost"), *st = FIELD(e, rs.v[i], "status");
		long long cents;
		const char *dot;

		if (!cost)
			continue;
		dot = strchr(cost, '.');
		cents = atoll(cost) * 100 + (dot ? atoll(dot + 1) : 0);
		if (strcmp(st, "implemented") == 0 || strcmp(st, "verified") == 0)
			spent += cents;
		else if (strcmp(st, "cancelled") != 0)
			planned += cents;
	}
	rows_release(&rs);
	if (r < 0) {
		free(budget);
		return cli_store_fail(c, r);
	}
	total = budget ? atoll(budget) : 0;
	snprintf(b[0], sizeof(b[0]), "%lld", total);
	cents_str(b[0], b[0], sizeof(b[0]));
	snprintf(b[1], sizeof(b[1]), "%lld", spent);
	cents_str(b[1], b[1], sizeof(b[1]));
	snprintf(b[2], sizeof(b[2]), "%lld", planned);
	cents_str(b[2], b[2], sizeof(b[2]));
	snprintf(b[3], sizeof(b[3]), "%lld", total - spent - planned);
	cents_str(b[3], b[3], sizeof(b[3]));
	{
		const char *row[4] = {budget ? b[0] : NULL, b[1], b[2], b[3]};

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
	free(budget);
	if (!budget && c->fmt == OUT_TABLE)
		fprintf(stderr, "%s: no budget set; set one with: ismsctl setting set budget AMOUNT\n", cli_prog);
	return r < 0 ? cli_fail(r, "%s", strerror(-r)) : EXIT_OK;
}

int cmd_matrix(struct cli *c, int argc, char **argv)
{
	struct isms_risk_matrix m;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl matrix [show]\n"
	     "       ismsctl matrix load FILE\n\n"
	     "Show the risk matrix definition as JSON, or replace it with FILE:\n"
	     "  {\"likelihood\": [\"rare\", ...], \"impact\": [...], \"levels\": [\"low\", ...],\n"
	     "   \"cells\": [[1, 1, 2, 2], ...], \"acceptance\": \"low\"}\n"
	     "cells has one row per likelihood (lowest first), one level per impact.\n"
	     "The default is the 4x4 matrix of BSI standard 200-3.  Loading fails while\n"
	     "a risk is rated beyond the new matrix.\n");
	if (argc >= 2 && strcmp(argv[1], "load") == 0) {
		char *buf = NULL, err[256];
		size_t len = 0;

		if (argc != 3)
			return cli_usage("matrix", "'matrix load' takes one file");
		r = isms_read_file(argv[2], 1 << 20, &buf, &len);
		if (r < 0)
			return cli_fail(r, "cannot read '%s': %s", argv[2], strerror(-r));
		/* The matrix reader takes a C string: a NUL byte must not end the
		 * file early, so that what follows it goes unread. */
		if (strlen(buf) != len) {
			r = cli_fail(-EINVAL, "%s: $: not valid JSON: NUL byte at byte %zu", argv[2],
				     strlen(buf));
			free(buf);
			return r;
		}
		r = isms_risk_matrix_from_json(buf, &m, err, sizeof(err));
		free(buf);
		if (r < 0)
			return cli_fail(r, "%s: %s", argv[2], err);
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_risk_matrix_save(c->store, &m);
		if (r < 0)
			return cli_store_fail(c, r);
		if (!c->quiet)
			printf("risk matrix replaced (%dx%d, %d levels)\n", m.nlikelihood, m.nimpact,
			       m.nlevels);
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "show") != 0))
		return cli_usage("matrix", "unknown action '%s'", argv[1]);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_risk_matrix_load(c->store, &m);
	if (r < 0)
		return cli_store_fail(c, r);
	{
		struct json_object *o = isms_risk_matrix_to_json(&m);

		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	}
	return EXIT_OK;
}

/* --- evidence -------------------------------------------------------------- */

int cmd_evidence(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0) {
		struct isms_evidence ev = {.source = "ismsctl"};
		int64_t id;
		int r, code;

		HELP(argc, argv,
		     "Usage: ismsctl evidence add --kind KIND [--control ID] [--asset NAME]\n"
		     "         [--subject WHO] [--outcome TEXT] [--details JSON] [--ts TIME]\n\n"
		     "Record evidence gathered by hand (a management review held, a drill\n"
		     "run).  It joins the hash chain and can never be changed.\n");
		for (int i = 2; i < argc; i++) {
			const char *v;

			if ((v = cli_opt_value(argc, argv, &i, "--kind")))
				ev.kind = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--control")))
				ev.control = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--asset")))
				ev.asset = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--subject")))
				ev.subject = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--outcome")))
				ev.outcome = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--details")))
				ev.details = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--ts")))
				ev.ts = v;
			else
				return cli_usage("evidence add", "unknown argument '%s'", argv[i]);
		}
		if (!ev.kind)
			return cli_usage("evidence add", "'evidence add' needs --kind");
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_evidence_append(c->store, &ev, &id);
		if (r < 0)
			return cli_store_fail(c, r);
		if (c->fmt == OUT_JSON)
			printf("{\"id\": %" PRId64 "}\n", id);
		else if (!c->quiet)
			printf("evidence %" PRId64 " recorded\n", id);
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "counters") == 0) {
		static const char *const sources[] = {"audisp-isms", NULL};
		struct out_table t;
		int r, code;

		HELP(argc, argv,
		     "Usage: ismsctl evidence counters\n\n"
		     "What each collector received and what became of it: stored, filtered by\n"
		     "configuration, duplicates (replays, restarts, records already stored by\n"
		     "pam_isms), malformed (kept as audit.malformed evidence), spooled.\n"
		     "received = stored + filtered + duplicates + malformed.  The counters are\n"
		     "written in the same transactions as the evidence.\n");
		code = -cli_open(c, false, false);
		if (code)
			return code;
		r = out_table_init(&t, 1 + ISMS_CTR_MAX);
		if (r >= 0)
			r = out_table_set_col(&t, 0, "source", OT_TEXT);
		for (int k = 0; r >= 0 && k < ISMS_CTR_MAX; k++)
			r = out_table_set_col(&t, (size_t)k + 1, isms_counter_name((enum isms_counter)k), OT_INT);
		for (size_t i = 0; r >= 0 && sources[i]; i++) {
			int64_t v[ISMS_CTR_MAX];
			char num[ISMS_CTR_MAX][24];
			const char *row[1 + ISMS_CTR_MAX];

			r = isms_ingest_read_counters(c->store, sources[i], v);
			row[0] = sources[i];
			for (int k = 0; k < ISMS_CTR_MAX; k++) {
				snprintf(num[k], sizeof(num[k]), "%lld", (long long)v[k]);
				row[k + 1] = num[k];
			}
			if (r >= 0)
				r = out_table_add(&t, row);
		}
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
		return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "drain") == 0) {
		const char *dir = ISMS_STATEDIR "/spool";
		size_t done = 0;
		int r, code;

		HELP(argc, argv,
		     "Usage: ismsctl evidence drain [--spool DIR]\n\n"
		     "Move evidence that pam_isms or audisp-isms spooled while the store was\n"
		     "unavailable (default " ISMS_STATEDIR "/spool) into the chain.  Safe to repeat:\n"
		     "a piece already stored is not stored twice.  pam_isms drains it too, at the\n"
		     "next decision that reaches the store.\n");
		for (int i = 2; i < argc; i++) {
			const char *v;

			if ((v = cli_opt_value(argc, argv, &i, "--spool")))
				dir = v;
			else
				return cli_usage("evidence", "unknown argument '%s'", argv[i]);
		}
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_spool_drain(c->store, dir, SIZE_MAX, &done);
		if (r < 0)
			return r == -EPERM ? cli_fail(r, "spool '%s' is not owned by this user or is group/world-writable", dir) :
					     cli_store_fail(c, r);
		if (c->fmt == OUT_JSON)
			printf("{\"drained\": %zu}\n", done);
		else if (!c->quiet)
			printf("%zu spooled evidence record%s stored\n", done, done == 1 ? "" : "s");
		return EXIT_OK;
	}
	if (argc == 2 && cli_is_help(argv[1])) {
		/* The generic help knows list and show only. */
		cmd_record(c, argc, argv);
		printf("\nAlso:  ismsctl evidence add --kind KIND ...   record evidence by hand\n"
		       "       ismsctl evidence drain [--spool DIR]   store what pam_isms spooled\n"
		       "       ismsctl evidence counters              what each collector received\n"
		       "See 'ismsctl evidence add --help' and the others.\n");
		return EXIT_OK;
	}
	return cmd_record(c, argc, argv);
}

/* --- live indicators --------------------------------------------------------- */

int cmd_indicator_scan(struct cli *c, int argc, char **argv)
{
	size_t crossed = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl indicator scan\n\n"
	     "Count the evidence written since the last scan against every indicator and\n"
	     "raise the likelihood of the risks whose indicators crossed their threshold.\n"
	     "audisp-isms does this after every batch; run it by hand after imports or\n"
	     "when only pam_isms writes evidence.  See 'ismsctl risk history'.\n");
	if (argc != 1)
		return cli_usage("indicator scan", "takes no arguments");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_indicators_scan(c->store, &crossed);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"crossed\": %zu}\n", crossed);
	else if (!c->quiet)
		printf("%zu indicator crossing%s\n", crossed, crossed == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_risk_history(struct cli *c, int argc, char **argv)
{
	char *args[4] = {"change", "list", NULL, NULL};
	char filter[512];
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl risk history RISK\n\n"
	     "The changes live indicators made to a risk: when, from which likelihood to\n"
	     "which, why, and the evidence row that records it.\n");
	if (argc != 2)
		return cli_usage("risk history", "'risk history' takes one risk id");
	snprintf(filter, sizeof(filter), "--risk=%s", argv[1]);
	args[2] = filter;
	/* An unknown risk is an error, not an empty history.  cli_open has
	 * already said why it failed. */
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_record_get(c->store, isms_schema_entity(c->schema, "risk"), argv[1], NULL, NULL);
	if (r < 0)
		return cli_store_fail(c, r);
	c->store = isms_store_free(c->store);
	return cmd_record(c, 3, args);
}
