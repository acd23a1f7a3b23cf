/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl soa show CONTROL: one control of the SoA with the Grundschutz++ requirements behind it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/entity.h"
#include "isms/soa.h"
#include "report.h"

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* --json: the control's SoA fields and the requirements' JSON (null when none). */
static int print_json(const struct isms_entity *e, char *const *row,
		      const struct isms_soa_requirements *gs, const char *id)
{
	static const char *const keys[] = {"id", "title", "applicable", "justification", "status",
					   "measures"};
	struct json_object *o = json_object_new_object(), *g;
	bool oom = false;
	int r = 0;

	if (!o)
		return -ENOMEM;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		json_object_object_add(o, keys[k], str_or_null(FIELD(e, row, keys[k])));
	g = isms_soa_requirements_json(gs, id, &oom);
	json_object_object_add(o, "grundschutz", g);
	if (oom)
		r = -ENOMEM;
	else
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return r;
}

/* One line per requirement check; a requirement not checked yet has one line without. */
static int print_table(struct cli *c, const struct isms_soa_requirements *gs, const char *id)
{
	static const char *const cols[] = {"requirement", "title", "catalogue", "relationship",
					   "asset", "status", "owner", "measure", "checked_at"};
	struct out_table t;
	int r = out_table_init(&t, 9);

	for (size_t k = 0; r >= 0 && k < 9; k++)
		r = out_table_set_col(&t, k, cols[k], OT_TEXT);
	for (size_t i = 0; r >= 0 && i < gs->n; i++) {
		const struct isms_soa_requirement *q = &gs->v[i];
		const char *row[9] = {q->id, q->title, q->catalogue, q->relationship};

		if (strcmp(q->control, id) != 0)
			continue;
		if (!q->nchecks)
			r = out_table_add(&t, row);
		for (size_t k = 0; r >= 0 && k < q->nchecks; k++) {
			const struct isms_soa_check *ck = &q->checks[k];

			row[4] = ck->asset;
			row[5] = ck->status;
			row[6] = ck->owner;
			row[7] = ck->measure;
			row[8] = ck->checked_at;
			r = out_table_add(&t, row);
		}
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r;
}

int soa_control_show(struct cli *c, const char *id)
{
	const struct isms_kv f = {"id", id};
	const struct isms_entity *e;
	struct isms_soa_requirements gs = {0};
	struct isms_soa_counts n;
	struct rows rs = {0};
	int r, code;

	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = report_load_rows(c, "control", &f, 1, &rs, &e);
	if (r >= 0 && rs.n == 0) {
		rows_release(&rs);
		fprintf(stderr, "%s: no control or soa version '%s' (see 'ismsctl soa' and 'ismsctl"
				" soa versions')\n", cli_prog, id);
		return EXIT_NOTFOUND;
	}
	if (r >= 0)
		r = isms_soa_requirements_load(c->store, id, &gs);
	if (r < 0)
		goto out;
	isms_soa_count(&gs, id, &n);
	if (c->fmt == OUT_JSON) {
		r = print_json(e, rs.v[0], &gs, id);
		goto out;
	}
	if (c->fmt == OUT_TABLE && !c->quiet) {
		char sum[160];

		printf("control %s %s: applicable %s, status %s\n", id, FIELD(e, rs.v[0], "title"),
		       FIELD(e, rs.v[0], "applicable"), FIELD(e, rs.v[0], "status"));
		isms_soa_summary(&n, sum, sizeof(sum));
		if (!gs.nmappings)
			printf("Grundschutz++: no mapping is imported (ismsctl catalogue import the"
			       " BSI's ISO27001-AnnexA-to-GS++-mapping_collection.json)\n");
		else if (!n.requirements)
			printf("Grundschutz++: no requirement is mapped to %s\n", id);
		else
			printf("Grundschutz++: %s; the worst checked: %s\n", sum,
			       n.worst ? n.worst : "none checked");
	}
	if (n.requirements || c->fmt == OUT_CSV)
		r = print_table(c, &gs, id);
out:
	isms_soa_requirements_release(&gs);
	rows_release(&rs);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
