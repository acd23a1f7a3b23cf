/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The risk views: the matrix before and after treatment, the top risks, a risk's history, the matrix itself. */
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
#include "fit.h"
#include "ismsctl.h"
#include "isms/catalogue.h"
#include "isms/csv.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/ingest.h"
#include "isms/risk.h"
#include "isms/spool.h"
#include "report.h"

/* --- risk matrix ------------------------------------------------------- */

/*
 * A cell's level is not a risk's acceptance: one in a green cell may have
 * an expired acceptance, one in a red cell a valid one, and a residual
 * rating counts only once the measures are implemented.  Say which.
 */
static int print_not_acceptable(struct cli *c)
{
	const struct isms_kv f[] = {{"acceptable", "no"}};
	const struct isms_entity *e;
	struct rows rs = {0};
	int r = report_load_rows(c, "risk", f, 1, &rs, &e);

	if (r < 0) {
		rows_release(&rs);
		return cli_store_fail(c, r);
	}
	char *line = NULL, *wrapped = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&line, &len);

	if (!mf) {
		rows_release(&rs);
		return cli_fail(-ENOMEM, "%s", strerror(ENOMEM));
	}
	fprintf(mf, "\nnot acceptable now (%zu):", rs.n);
	for (size_t i = 0; i < rs.n; i++)
		fprintf(mf, "%s %s (%s)", i ? "," : "", rs.v[i][0], FIELD(e, rs.v[i], "acceptance")[0] &&
			strcmp(FIELD(e, rs.v[i], "acceptance"), "none") != 0 ?
				FIELD(e, rs.v[i], "acceptance") : FIELD(e, rs.v[i], "current_level"));
	fprintf(mf, "%s\n", rs.n ? "" : " none");
	fclose(mf);
	/* A long list wraps at a terminal's width, between risks. */
	if (line && out_term.cols && fit_wrap(line, out_term.cols, &wrapped) == 0)
		fputs(wrapped, stdout);
	else if (line)
		fputs(line, stdout);
	free(wrapped);
	free(line);
	rows_release(&rs);
	return EXIT_OK;
}

/*
 * The * of a cell.  Residual: acceptable means what it means for each risk
 * (risk list's 'acceptable'), so a cell is marked only when every risk in
 * it is; an empty one shows its level against the threshold.  Inherent:
 * the level before treatment against the threshold.
 */
static bool matrix_marked(const struct isms_risk_matrix *m, bool residual, int l, int i,
			  int counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX],
			  int unacc[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX])
{
	if (residual && counts[l][i] > 0)
		return unacc[l][i] == 0;
	return m->cell[l][i] <= m->acceptance;
}

static const char *const def_kinds[3] = {"likelihood", "impact", "level"};

/* risk matrix define likelihood|impact|level NAME TEXT */
static int matrix_define(struct cli *c, int argc, char **argv)
{
	int r, code;

	if (argc != 5)
		return cli_usage("risk matrix",
				 "'risk matrix define' takes likelihood|impact|level NAME TEXT");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_risk_matrix_define(c->store, argv[2], argv[3], argv[4]);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		printf("%s '%s' %s\n", argv[2], argv[3], argv[4][0] ? "defined" : "undefined");
	return EXIT_OK;
}

static const char *def_label(const struct isms_risk_matrix *m, int w, int i)
{
	return w == 0 ? m->likelihood[i] : w == 1 ? m->impact[i] : m->level[i];
}

/* {"likelihood": {"rare": "...", ...}, "impact": {...}, "level": {...}}, null where undefined */
static struct json_object *defs_json(const struct isms_risk_matrix *m,
				     const struct isms_risk_definitions *d)
{
	const int n[3] = {m->nlikelihood, m->nimpact, m->nlevels};
	struct json_object *o = json_object_new_object();

	for (int w = 0; o && w < 3; w++) {
		struct json_object *k = json_object_new_object();

		for (int i = 0; k && i < n[w]; i++)
			json_object_object_add(k, def_label(m, w, i),
					       d->text[w][i] ? json_object_new_string(d->text[w][i]) :
							       NULL);
		json_object_object_add(o, def_kinds[w], k);
	}
	return o;
}

/* A definition's line, wrapped under its text on a narrow terminal. */
static void print_def(const char *kind, const char *label, const char *text)
{
	char *line = NULL, *wrapped = NULL;

	if (asprintf(&line, "  %-10s %-14s %s\n", kind, label, text) < 0)
		return;
	if (out_term.cols && fit_wrap(line, out_term.cols, &wrapped) == 0)
		fputs(wrapped, stdout);
	else
		fputs(line, stdout);
	free(wrapped);
	free(line);
}

/* The definitions given, one line each; nothing when none is. */
static void print_defs(const struct isms_risk_matrix *m, const struct isms_risk_definitions *d)
{
	const int n[3] = {m->nlikelihood, m->nimpact, m->nlevels};
	bool any = false;

	for (int w = 0; w < 3; w++)
		for (int i = 0; i < n[w]; i++) {
			const char *label = def_label(m, w, i);

			if (!d->text[w][i])
				continue;
			if (!any)
				printf("\nDefinitions:\n");
			any = true;
			print_def(def_kinds[w], label, d->text[w][i]);
		}
}

int cmd_risk_matrix(struct cli *c, int argc, char **argv)
{
	struct isms_risk_matrix m;
	struct isms_risk_definitions defs = {0};
	int counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX], unacc[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX];
	bool residual = false;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl risk matrix [--residual]\n"
	     "       ismsctl risk matrix define likelihood|impact|level NAME TEXT\n\n"
	     "The risk matrix, most likely at the top, with the level of each cell and\n"
	     "the number of risks in it.  --residual places treated risks by their\n"
	     "residual likelihood and impact.  In the inherent matrix, levels marked *\n"
	     "are within the acceptance threshold; in the residual one, a cell is marked\n"
	     "* when every risk in it is acceptable now (its current level within the\n"
	     "threshold, or a valid acceptance), an empty cell when its level is within\n"
	     "the threshold.  The definitions of values and levels, where given, follow.\n\n"
	     "define: what a likelihood, an impact or a level (NAME: its label, name\n"
	     "or number) means for this organisation, e.g. 'rare' 'less than once in\n"
	     "ten years'; an empty TEXT removes the definition.\n");
	if (argc >= 2 && strcmp(argv[1], "define") == 0)
		return matrix_define(c, argc, argv);
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
	if (r >= 0)
		r = isms_risk_matrix_unacceptable(c->store, residual, unacc);
	if (r >= 0)
		r = isms_risk_definitions_load(c->store, &defs);
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
				json_object_object_add(cell, "not_acceptable",
						       json_object_new_int(unacc[l][i]));
				json_object_object_add(cell, "marked",
						       json_object_new_boolean(matrix_marked(&m, residual, l, i,
											counts, unacc)));
				json_object_array_add(cells, cell);
			}
		}
		json_object_object_add(o, "residual", json_object_new_boolean(residual));
		json_object_object_add(o, "definitions", defs_json(&m, &defs));
		json_object_object_add(o, "counts", cells);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
		isms_risk_definitions_release(&defs);
		return EXIT_OK;
	}
	if (c->fmt == OUT_CSV) {
		isms_risk_definitions_release(&defs);
		printf("likelihood,impact,level,risks\r\n");
		/* The scale's names are the store's: through the one CSV writer. */
		for (int l = 0; l < m.nlikelihood; l++)
			for (int i = 0; i < m.nimpact; i++) {
				char n[16];

				snprintf(n, sizeof(n), "%d", counts[l][i]);
				isms_csv_write_row(stdout,
						   (const char *const[]){m.likelihood[l], m.impact[i],
									 m.level[m.cell[l][i] - 1], n},
						   4, (const unsigned[]){0, 0, 0, ISMS_CSV_NUMERIC});
			}
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
		/* As wide as the cells are, not as the widest level with any count. */
		for (int l = 0; l < m.nlikelihood; l++)
			for (int i = 0; i < m.nimpact; i++) {
				int n = snprintf(NULL, 0, "%s%s %d", m.level[m.cell[l][i] - 1],
						 matrix_marked(&m, residual, l, i, counts, unacc) ?
							 "*" : "",
						 counts[l][i]);

				if (n > cw)
					cw = n;
			}
		printf("%s risk matrix (risks per cell; * = %s)\n\n", residual ? "Residual" : "Inherent",
		       residual ? "every risk in it acceptable now" :
				  "level within the acceptance threshold");
		/* The last column unpadded: no trailing blanks to wrap a terminal's line. */
		printf("%-*s", lw, "likelihood \\ impact");
		for (int i = 0; i < m.nimpact; i++)
			printf("  %-*s", i + 1 < m.nimpact ? cw : 0, m.impact[i]);
		putchar('\n');
		for (int l = m.nlikelihood - 1; l >= 0; l--) {
			printf("%-*s", lw, m.likelihood[l]);
			for (int i = 0; i < m.nimpact; i++) {
				char cell[64];
				int lv = m.cell[l][i];

				snprintf(cell, sizeof(cell), "%s%s %d", m.level[lv - 1],
					 matrix_marked(&m, residual, l, i, counts, unacc) ? "*" : "",
					 counts[l][i]);
				printf("  %-*s", i + 1 < m.nimpact ? cw : 0, cell);
			}
			putchar('\n');
		}
	}
	print_defs(&m, &defs);
	isms_risk_definitions_release(&defs);
	return print_not_acceptable(c);
}

/* --- risk gaps --------------------------------------------------------- */

int cmd_risk_gaps(struct cli *c, int argc, char **argv)
{
	struct isms_risk_gaps g = {0};
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl risk gaps\n\n"
	     "The assets with a high or very high protection requirement (on\n"
	     "confidentiality, integrity or availability) and no risk on them: BSI\n"
	     "standard 200-3 asks for a risk analysis of each.  'ismsctl overdue'\n"
	     "warns of them too.\n");
	if (argc != 1)
		return cli_usage("risk gaps", "risk gaps takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, 3);
	if (r >= 0)
		r = out_table_set_col(&t, 0, "asset", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 1, "requirement", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 2, "owner", OT_TEXT);
	if (r >= 0)
		r = isms_risk_gaps_list(c->store, &g);
	for (size_t i = 0; r >= 0 && i < g.n; i++) {
		const char *row[3] = {g.v[i].asset, g.v[i].requirements, g.v[i].owner};

		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	isms_risk_gaps_release(&g);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

/* --- risk top ---------------------------------------------------------- */

static int cmp_risk(const void *a, const void *b)
{
	char *const *ra = *(char *const *const *)a, *const *rb = *(char *const *const *)b;
	int ka = atoi(FIELD(report_sort_e, ra, "rank") ? FIELD(report_sort_e, ra, "rank") : "0");
	int kb = atoi(FIELD(report_sort_e, rb, "rank") ? FIELD(report_sort_e, rb, "rank") : "0");

	if (ka != kb)
		return kb - ka;
	ka = atoi(FIELD(report_sort_e, ra, "score") ? FIELD(report_sort_e, ra, "score") : "0");
	kb = atoi(FIELD(report_sort_e, rb, "score") ? FIELD(report_sort_e, rb, "score") : "0");
	return kb - ka;
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
	r = report_load_rows(c, "risk", NULL, 0, &rs, &e);
	if (r >= 0) {
		report_sort_e = e;
		if (rs.n > 1) /* never qsort(NULL, 0) */
			qsort(rs.v, rs.n, sizeof(*rs.v), cmp_risk);
		r = report_print_rows(c, e, &rs, (size_t)limit, cols);
	}
	rows_release(&rs);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
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

/* --- risk accept, risk revoke ------------------------------------------ */

/* 'risk accept R --by P [--at D] [--until D] [--conditions T]', 'risk revoke R --by P [--at D]' */
static int accept_or_revoke(struct cli *c, int argc, char **argv, bool accept)
{
	const char *cmd = accept ? "risk accept" : "risk revoke";
	const char *id = NULL, *by = NULL, *at = NULL, *until = NULL, *cond = NULL;
	struct isms_kv kv[6];
	size_t n = 0;
	char today[11];
	int r, code;

	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--by")))
			by = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--at")))
			at = v;
		else if (accept && (v = cli_opt_value(argc, argv, &i, "--until")))
			until = v;
		else if (accept && (v = cli_opt_value(argc, argv, &i, "--conditions")))
			cond = v;
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return cli_usage(cmd, "unknown argument '%s'", argv[i]);
	}
	if (!id || !by)
		return cli_usage(cmd, "'%s' needs the risk and --by PERSON", cmd);
	report_today(today);
	if (!at)
		at = today;
	if (accept) {
		kv[n++] = (struct isms_kv){"accepted_by", by};
		kv[n++] = (struct isms_kv){"accepted_at", at};
		kv[n++] = (struct isms_kv){"accepted_until", until};
		kv[n++] = (struct isms_kv){"acceptance_conditions", cond};
		/* a new acceptance ends an earlier revocation */
		kv[n++] = (struct isms_kv){"revoked_by", NULL};
		kv[n++] = (struct isms_kv){"revoked_at", NULL};
	} else {
		kv[n++] = (struct isms_kv){"revoked_by", by};
		kv[n++] = (struct isms_kv){"revoked_at", at};
	}
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_record_change(c->store, isms_schema_entity(c->schema, "risk"), id, kv, n);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		printf("risk '%s': acceptance %s by '%s' on %s\n", id, accept ? "given" : "revoked", by,
		       at);
	return EXIT_OK;
}

int cmd_risk_accept(struct cli *c, int argc, char **argv)
{
	HELP(argc, argv,
	     "Usage: ismsctl risk accept R --by PERSON [--at DATE] [--until DATE]\n"
	     "                           [--conditions TEXT]\n\n"
	     "Record that PERSON, an active member of management other than the risk's\n"
	     "owner, accepts risk R (ISO 27001 6.1.3 f) on DATE (default today, never\n"
	     "later), until DATE (after it), under the conditions given.  The risk is\n"
	     "acceptable while the acceptance is valid; once it expires it is not, and\n"
	     "is overdue for review.\n");
	return accept_or_revoke(c, argc, argv, true);
}

int cmd_risk_revoke(struct cli *c, int argc, char **argv)
{
	HELP(argc, argv,
	     "Usage: ismsctl risk revoke R --by PERSON [--at DATE]\n\n"
	     "Revoke the acceptance of risk R: PERSON is an active member of management;\n"
	     "R is then not acceptable until accepted again or treated below the\n"
	     "acceptance threshold.\n");
	return accept_or_revoke(c, argc, argv, false);
}
