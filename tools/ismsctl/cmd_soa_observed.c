/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SoA's table: each control's claimed status beside what its control tests observed. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/assess.h"
#include "isms/entity.h"
#include "isms/soa.h"
#include "report.h"

/* The observed status of the controls that have tests (isms_assess_observed()), copied. */
struct observed {
	size_t n;
	struct obs_row {
		char *control, *observed, *assessed, *hosts, *results;
		int64_t evidence, nhosts;
	} *v;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int observed_cb(const struct isms_assess_observed *o, void *ud)
{
	struct observed *ob = ud;
	struct obs_row *v = realloc(ob->v, (ob->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	ob->v = v;
	v = &ob->v[ob->n++];
	memset(v, 0, sizeof(*v));
	v->control = dup_or_null(o->control);
	v->observed = dup_or_null(o->observed);
	v->assessed = dup_or_null(o->assessed);
	v->hosts = dup_or_null(o->hosts && o->hosts[0] ? o->hosts : NULL);
	v->results = dup_or_null(o->results);
	v->evidence = o->evidence;
	v->nhosts = o->nhosts;
	return v->control && v->observed ? 0 : -ENOMEM;
}

static void observed_release(struct observed *ob)
{
	for (size_t i = 0; i < ob->n; i++) {
		free(ob->v[i].control);
		free(ob->v[i].observed);
		free(ob->v[i].assessed);
		free(ob->v[i].hosts);
		free(ob->v[i].results);
	}
	free(ob->v);
}

/*
 * The Grundschutz++ requirements behind control @id as its cell: the
 * summary for people and CSV, the whole as JSON text for --json; NULL
 * (empty) when none.  *ret_buf is malloc'd.
 */
static int gs_cell(const struct cli *c, const struct isms_soa_requirements *gs, const char *id,
		   char **ret_buf)
{
	struct isms_soa_counts n;
	bool oom = false;

	*ret_buf = NULL;
	if (c->fmt == OUT_JSON) {
		struct json_object *o = isms_soa_requirements_json(gs, id, &oom);

		if (o)
			*ret_buf = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return oom || (o && !*ret_buf) ? -ENOMEM : 0;
	}
	isms_soa_count(gs, id, &n);
	if (!n.requirements)
		return 0;
	*ret_buf = malloc(160);
	if (!*ret_buf)
		return -ENOMEM;
	isms_soa_summary(&n, *ret_buf, 160);
	return 0;
}

/*
 * The SoA with each control's observed status beside the claimed one: the
 * latest results of its tests, when, the evidence rows and hosts they
 * relied on, and a flag where "implemented" is claimed but its tests fail
 * or show no evidence; and, once a mapping is imported, the Grundschutz++
 * requirements behind it with their checks.
 */
int soa_print_observed(struct cli *c, const struct isms_entity *e, const struct rows *rs,
		       const struct soa_approved *a)
{
	static const char *const ver[] = {"soa_version", "soa_approved_at", "soa_approved_by"};
	static const char *const short_cols[] = {"id", "title", "applicable", "status", NULL};
	static const char *const obs[] = {"observed", "assessed", "evidence", "hosts", "tests",
					  "flag"};
	static const enum out_type obs_types[] = {OT_TEXT, OT_TEXT, OT_INT, OT_TEXT, OT_TEXT,
						  OT_TEXT};
	struct observed ob = {0};
	struct isms_soa_requirements gs = {0};
	struct out_table t;
	size_t map[64], nf = 0, ncols, ngs;
	bool every = c->fmt != OUT_TABLE || c->all;
	/* machines get the version on every row; people get it once, above the table */
	size_t nver = c->fmt != OUT_TABLE ? 3 : 0;
	int r, flagged = 0;

	r = isms_assess_observed(c->store, observed_cb, &ob);
	if (r >= 0)
		r = isms_soa_requirements_load(c->store, NULL, &gs);
	if (r < 0)
		goto out;
	/* no mapping imported: no such column, the SoA as it always was */
	ngs = gs.nmappings ? 1 : 0;
	if (every)
		for (; nf < e->nfields; nf++)
			map[nf] = nf;
	else
		for (; short_cols[nf]; nf++)
			map[nf] = (size_t)isms_entity_field_index(e, short_cols[nf]);
	/* for people the justification comes last: it is the longest */
	ncols = nf + 6 + ngs + (every ? 0 : 1) + nver;
	r = out_table_init(&t, ncols);
	for (size_t k = 0; r >= 0 && k < nf; k++)
		r = out_table_set_col(&t, k, e->fields[map[k]].name,
				      e->fields[map[k]].type == ISMS_FT_INT ? OT_INT : OT_TEXT);
	for (size_t k = 0; r >= 0 && k < 6; k++)
		r = out_table_set_col(&t, nf + k, obs[k], obs_types[k]);
	if (r >= 0 && ngs)
		r = out_table_set_col(&t, nf + 6, "grundschutz", OT_JSON);
	if (r >= 0 && !every)
		r = out_table_set_col(&t, nf + 6 + ngs, "justification", OT_TEXT);
	for (size_t k = 0; r >= 0 && k < nver; k++)
		r = out_table_set_col(&t, ncols - nver + k, ver[k], OT_TEXT);
	for (size_t i = 0; r >= 0 && i < rs->n; i++) {
		const char *row[80] = {0}, *id = FIELD(e, rs->v[i], "id");
		const char *status = FIELD(e, rs->v[i], "status");
		const struct obs_row *o = NULL;
		char ev[24], *cell = NULL;

		for (size_t k = 0; k < ob.n && !o; k++)
			if (strcmp(ob.v[k].control, id) == 0)
				o = &ob.v[k];
		for (size_t k = 0; k < nf; k++)
			row[k] = rs->v[i][map[k]];
		if (o) {
			snprintf(ev, sizeof(ev), "%" PRId64, o->evidence);
			row[nf] = o->observed;
			row[nf + 1] = o->assessed;
			row[nf + 2] = ev;
			row[nf + 3] = o->hosts;
			row[nf + 4] = o->results;
			if (status && strcmp(status, "implemented") == 0 &&
			    strcmp(o->observed, "pass") != 0) {
				row[nf + 5] = strcmp(o->observed, "fail") == 0 ?
						      "implemented-but-failing" :
						      "implemented-without-evidence";
				flagged++;
			}
		}
		if (ngs) {
			r = gs_cell(c, &gs, id, &cell);
			row[nf + 6] = cell;
		}
		if (!every)
			row[nf + 6 + ngs] = FIELD(e, rs->v[i], "justification");
		if (nver) {
			row[ncols - 3] = a->found ? a->id : "no approved version";
			row[ncols - 2] = a->found ? a->at : NULL;
			row[ncols - 1] = a->found ? a->by : NULL;
		}
		if (r >= 0)
			r = out_table_add(&t, row);
		free(cell);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	if (r >= 0 && flagged && c->fmt == OUT_TABLE)
		fprintf(stderr,
			"%s: %d control%s claimed implemented but failing or without evidence"
			" (see 'ismsctl assess')\n", cli_prog, flagged, flagged == 1 ? "" : "s");
out:
	isms_soa_requirements_release(&gs);
	observed_release(&ob);
	return r;
}

