/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The budget against the cost of measures (ismsctl budget, the board report). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/budget.h"
#include "store_internal.h"

int isms_budget_get(struct isms_store *s, struct isms_budget *ret)
{
	struct isms_budget b = {0};
	sqlite3_stmt *st = NULL;
	char *v = NULL, *end;
	int r;

	r = isms_setting_get(s, "budget", &v);
	if (r == 0) {
		errno = 0;
		b.budget = strtoll(v, &end, 10);
		if (errno || end == v || *end)
			r = store_seterr(s, -EINVAL, "setting 'budget' is not an amount: '%.32s'", v);
		b.set = r == 0;
	} else if (r == -ENOENT) {
		r = 0;
	}
	free(v);
	if (r < 0)
		return r;
	r = store_prepare(s,
			  "SELECT status, coalesce(sum(cost), 0) FROM measure WHERE cost IS NOT NULL"
			  " GROUP BY status",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		int64_t cents = sqlite3_column_int64(st, 1);

		if (strcmp(status, "implemented") == 0 || strcmp(status, "verified") == 0)
			b.spent += cents;
		else if (strcmp(status, "cancelled") != 0)
			b.committed += cents;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	b.remaining = b.budget - b.spent - b.committed;
	*ret = b;
	return 0;
}
