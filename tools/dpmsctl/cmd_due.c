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
#include "isms/date.h"
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
	if (rs.n > 1) /* qsort() of no rows would be passed NULL */
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

/* 'due': everything the DPO has to act on, in one list. */
struct due_row {
	char *v[5]; /* kind, id, activity, what, due */
	bool overdue;
};

struct due_rows {
	size_t n;
	struct due_row *r;
};

static char *dupn(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int due_cb(const struct dpms_due_item *it, void *ud)
{
	struct due_rows *d = ud;
	struct due_row *nr = realloc(d->r, (d->n + 1) * sizeof(*nr));

	if (!nr)
		return -ENOMEM;
	d->r = nr;
	nr += d->n++;
	nr->v[0] = dupn(it->kind);
	nr->v[1] = dupn(it->id);
	nr->v[2] = dupn(it->activity);
	nr->v[3] = dupn(it->what);
	nr->v[4] = dupn(it->due);
	nr->overdue = it->overdue;
	return 0;
}

static int cmp_due_row(const void *a, const void *b)
{
	const struct due_row *ra = a, *rb = b;

	if (ra->overdue != rb->overdue)
		return rb->overdue - ra->overdue;
	/* Dates and UTC times compare as text; no date last. */
	return strcmp(ra->v[4] ? ra->v[4] : "9999", rb->v[4] ? rb->v[4] : "9999");
}

int cmd_due(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"kind", "id", "activity", "what", "due", "overdue"};
	struct due_rows d = {0};
	struct out_table t;
	char today[11];
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl due\n\n"
	     "What the data protection officer has to act on, overdue first: open data\n"
	     "subject requests (Art. 12(3)), open breaches (Art. 33), DPIAs past their\n"
	     "review date (dpia-review, Art. 35(11)), and activities whose screening asks\n"
	     "for a DPIA that does not exist (dpia-missing, Art. 35(1): decided required, or\n"
	     "undecided with two or more WP248 criteria; overdue once the activity is\n"
	     "active), and processors without an Art. 28(3) contract or past its review\n"
	     "date.  Retired activities are left out.\n");
	if (argc > 1)
		return cli_usage("due", "unknown argument '%s'", argv[1]);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	{
		isms_date_day(time(NULL), today);
	}
	r = dpms_due_list(c->store, today, due_cb, &d);
	if (r >= 0) {
		if (d.n > 1) /* qsort() of no rows would be passed NULL */
			qsort(d.r, d.n, sizeof(*d.r), cmp_due_row);
		r = out_table_init(&t, 6);
		for (size_t k = 0; r >= 0 && k < 6; k++)
			r = out_table_set_col(&t, k, cols[k], k == 5 ? OT_BOOL : OT_TEXT);
		for (size_t i = 0; r >= 0 && i < d.n; i++) {
			const char *row[6] = {d.r[i].v[0], d.r[i].v[1], d.r[i].v[2], d.r[i].v[3],
					      d.r[i].v[4], d.r[i].overdue ? "yes" : "no"};

			r = out_table_add(&t, row);
		}
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
	}
	for (size_t i = 0; i < d.n; i++)
		for (int k = 0; k < 5; k++)
			free(d.r[i].v[k]);
	free(d.r);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
