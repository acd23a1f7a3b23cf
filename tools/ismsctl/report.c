/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the report commands share: rows of a register, dates, sorted tables. */
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
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/ingest.h"
#include "isms/risk.h"
#include "isms/spool.h"
#include "report.h"

const struct isms_entity *report_sort_e;




int report_load_rows(struct cli *c, const char *entity, const struct isms_kv *f, size_t nf,
		     struct rows *rs, const struct isms_entity **ret_e)
{
	const struct isms_entity *e = isms_schema_entity(c->schema, entity);

	*ret_e = e;
	return isms_record_list(c->store, e, f, nf, rows_cb, rs);
}


void report_today(char buf[11])
{
	isms_date_day(time(NULL), buf);
}

void report_date_plus_days(char buf[11], int days)
{
	time_t t = time(NULL) + (time_t)days * 86400;

	isms_date_day(t, buf);
}

int report_print_rows(struct cli *c, const struct isms_entity *e, struct rows *rs, size_t limit,
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
