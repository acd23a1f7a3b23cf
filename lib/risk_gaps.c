/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Assets that call for a risk analysis and have none (BSI 200-3): a high
 * or very high protection requirement on any objective, and no risk on the
 * asset.  One list, for 'risk gaps' and the warnings of 'overdue'.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/risk.h"
#include "register_internal.h"
#include "store_internal.h"

/* "confidentiality very_high, availability high" */
static char *requirements(sqlite3_stmt *st, bool *oom)
{
	static const char *const obj[] = {"confidentiality", "integrity", "availability"};
	char buf[128] = "";
	size_t off = 0;
	char *d;

	for (int i = 0; i < 3; i++) {
		const char *v = (const char *)sqlite3_column_text(st, 1 + i);
		int n;

		if (!v || (strcmp(v, "high") != 0 && strcmp(v, "very_high") != 0))
			continue;
		n = snprintf(buf + off, sizeof(buf) - off, "%s%s %s", off ? ", " : "", obj[i], v);
		if (n > 0 && (size_t)n < sizeof(buf) - off)
			off += (size_t)n;
	}
	d = strdup(buf);
	if (!d)
		*oom = true;
	return d;
}

int isms_risk_gaps_list(struct isms_store *s, struct isms_risk_gaps *ret)
{
	struct isms_risk_gaps g = {0};
	sqlite3_stmt *st = NULL;
	bool oom = false;
	int r;

	r = store_prepare(s,
			  "SELECT a.name, a.confidentiality, a.integrity, a.availability, p.name"
			  " FROM asset a LEFT JOIN person p ON p.pk = a.owner"
			  " WHERE (a.confidentiality IN ('high', 'very_high')"
			  " OR a.integrity IN ('high', 'very_high')"
			  " OR a.availability IN ('high', 'very_high'))"
			  " AND NOT EXISTS (SELECT 1 FROM risk_asset l WHERE l.asset = a.pk)"
			  " ORDER BY a.pk",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct isms_risk_gap *nv = realloc(g.v, (g.n + 1) * sizeof(*nv));

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		g.v = nv;
		g.v[g.n++] = (struct isms_risk_gap){
			.asset = register_col_dup(st, 0, &oom),
			.requirements = requirements(st, &oom),
			.owner = register_col_dup(st, 4, &oom),
		};
		if (oom)
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	if (r < 0) {
		isms_risk_gaps_release(&g);
		return r;
	}
	*ret = g;
	return 0;
}

void isms_risk_gaps_release(struct isms_risk_gaps *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].asset);
		free(g->v[i].requirements);
		free(g->v[i].owner);
	}
	free(g->v);
	*g = (struct isms_risk_gaps){0};
}
