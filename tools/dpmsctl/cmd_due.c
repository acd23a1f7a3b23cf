/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl request due, breach due: the deadlines of Art. 12(3) and Art. 33. */
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
	static const char *const bcols[] = {"id", "title", "aware_at", "notify", "notify_by", "risk",
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
	     "72 hours to the supervisory authority or, in a processor activity, the\n"
	     "Art. 33(2) notice to the controller (flagged after 24 hours); overdue first.\n");
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
