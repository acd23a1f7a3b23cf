/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trends of a management review's inputs, from the inputs the last review was given. */
#include <errno.h>
#include <stdio.h>

#include <json-c/json.h>

#include "mreview_internal.h"
#include "store_internal.h"

static struct json_object *path_get(struct json_object *o, const char *const *path)
{
	for (size_t i = 0; o && path[i]; i++)
		if (!json_object_object_get_ex(o, path[i], &o))
			return NULL;
	return o;
}

/*
 * d) trends, from history: this period's figures beside those the last
 * approved review was given (its frozen inputs), never recomputed from
 * today's registers.
 */
int mreview_trend(struct isms_store *s, struct json_object *d)
{
	static const char *const figures[][4] = {
		{"nonconformities", "counts", "opened", NULL},
		{"nonconformities", "counts", "closed", NULL},
		{"nonconformities", "counts", "open", NULL},
		{"nonconformities", "counts", "overdue", NULL},
		{"monitoring", "by_result", "as_expected", NULL},
		{"monitoring", "by_result", "failing", NULL},
		{"monitoring", "by_result", "insufficient", NULL},
		{"objectives", "implemented", NULL, NULL},
		{"objectives", "not_implemented", NULL, NULL},
	};
	struct json_object *o = json_object_new_object();
	struct json_object *prev = NULL, *perf = NULL, *list;
	sqlite3_stmt *st = NULL;
	int r;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "clause",
			       json_object_new_string("9.3.2 d) trends: against the inputs of the last"
						      " approved review"));
	json_object_object_add(d, "trend", o);
	r = store_prepare(s,
			  "SELECT id, period, inputs FROM management_review"
			  " WHERE status = 'approved' AND inputs IS NOT NULL ORDER BY pk DESC LIMIT 1",
			  &st);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *period = (const char *)sqlite3_column_text(st, 1);

		json_object_object_add(o, "previous_review", json_object_new_string(id));
		json_object_object_add(o, "previous_period", json_object_new_string(period));
		prev = json_tokener_parse((const char *)sqlite3_column_text(st, 2));
		json_object_object_get_ex(prev, "d_performance", &perf);
		r = 0;
	} else if (r == 0) {
		json_object_object_add(o, "previous_review", NULL);
	}
	sqlite3_finalize(st);
	list = json_object_new_array();
	if (r < 0 || !list) {
		json_object_put(prev);
		json_object_put(list);
		return r < 0 ? r : -ENOMEM;
	}
	json_object_object_add(o, "figures", list);
	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		struct json_object *now = path_get(d, figures[i]);
		struct json_object *before = perf ? path_get(perf, figures[i]) : NULL;
		struct json_object *f = json_object_new_object();
		char name[96];

		if (!f)
			break;
		snprintf(name, sizeof(name), "%s.%s%s%s", figures[i][0], figures[i][1],
			 figures[i][2] ? "." : "", figures[i][2] ? figures[i][2] : "");
		json_object_object_add(f, "figure", json_object_new_string(name));
		json_object_object_add(f, "now", json_object_get(now));
		json_object_object_add(f, "before", json_object_get(before));
		json_object_array_add(list, f);
	}
	json_object_put(prev);
	return 0;
}
