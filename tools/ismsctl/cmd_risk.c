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
#include "ismsctl.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/ingest.h"
#include "isms/risk.h"
#include "isms/spool.h"
#include "report.h"

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
