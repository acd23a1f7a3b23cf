/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Grundschutz++ requirements behind the Annex A controls
 * (isms/soa.h): every imported mapping's entries from a control to a
 * requirement, with the requirement's title from the imported catalogues
 * and each requirement check recorded for it, read in one query.  What
 * they add up to is lib/soa_requirements_sum.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/soa.h"
#include "register_internal.h"
#include "store_internal.h"

/*
 * One row per (mapping entry, check): an entry a second mapping repeats
 * (the same control and requirement) is taken once, from the mapping
 * imported first.  The catalogue holding the requirement is the one the
 * mapping names as its target, else the first imported.
 */
static const char sql_rows[] =
	"WITH mp AS (SELECT min(m.pk) AS pk FROM catalogue_mapping m"
	"  JOIN catalogue c ON c.pk = m.catalogue WHERE c.kind = 'mapping'"
	"  AND (?1 IS NULL OR m.source_id = ?1) GROUP BY m.source_id, m.target_id),"
	" req AS (SELECT m.pk, m.source_id, m.target_id, mc.name AS mapping, m.relationship,"
	"  coalesce((SELECT k.pk FROM catalogue_control k JOIN catalogue c ON c.pk = k.catalogue"
	"   WHERE k.id = m.target_id AND c.kind = 'catalog' AND c.file = m.target_catalogue_href"
	"   LIMIT 1),"
	"   (SELECT k.pk FROM catalogue_control k JOIN catalogue c ON c.pk = k.catalogue"
	"   WHERE k.id = m.target_id AND c.kind = 'catalog' ORDER BY c.pk LIMIT 1)) AS kpk"
	"  FROM mp JOIN catalogue_mapping m ON m.pk = mp.pk JOIN catalogue mc ON mc.pk = m.catalogue)"
	" SELECT req.source_id, req.target_id, k.title, c.name, req.mapping, req.relationship,"
	"  i.id, a.name, i.status, o.name, ms.id, i.checked_at"
	" FROM req LEFT JOIN catalogue_control k ON k.pk = req.kpk"
	" LEFT JOIN catalogue c ON c.pk = k.catalogue"
	" LEFT JOIN implementation i ON i.requirement = req.target_id"
	" LEFT JOIN asset a ON a.pk = i.asset"
	" LEFT JOIN person o ON o.pk = i.owner"
	" LEFT JOIN measure ms ON ms.pk = i.measure"
	" ORDER BY req.pk, i.asset IS NOT NULL, a.name";

static void check_free(struct isms_soa_check *k)
{
	free((char *)k->id);
	free((char *)k->asset);
	free((char *)k->status);
	free((char *)k->owner);
	free((char *)k->measure);
	free((char *)k->checked_at);
}

void isms_soa_requirements_release(struct isms_soa_requirements *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct isms_soa_requirement *q = &r->v[i];

		free((char *)q->control);
		free((char *)q->id);
		free((char *)q->title);
		free((char *)q->catalogue);
		free((char *)q->mapping);
		free((char *)q->relationship);
		for (size_t k = 0; k < q->nchecks; k++)
			check_free(&q->checks[k]);
		free(q->checks);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* A requirement's worst status over its checks, pointing into them. */
static void set_worst(struct isms_soa_requirement *q)
{
	q->status = NULL;
	for (size_t k = 0; k < q->nchecks; k++) {
		const char *pair[2] = {q->status, q->checks[k].status};

		q->status = isms_soa_worst(pair, 2);
	}
}

static int add_row(struct isms_soa_requirements *r, sqlite3_stmt *st, size_t *cap)
{
	const char *control = (const char *)sqlite3_column_text(st, 0);
	const char *id = (const char *)sqlite3_column_text(st, 1);
	struct isms_soa_requirement *q = r->n ? &r->v[r->n - 1] : NULL;
	bool oom = false;

	if (!control || !id)
		return 0;
	/* the rows of one entry come together (ORDER BY req.pk) */
	if (!q || strcmp(q->control, control) != 0 || strcmp(q->id, id) != 0) {
		if (r->n == *cap) {
			size_t nc = *cap ? 2 * *cap : 64;
			void *nv = realloc(r->v, nc * sizeof(*r->v));

			if (!nv)
				return -ENOMEM;
			r->v = nv;
			*cap = nc;
		}
		q = &r->v[r->n++];
		memset(q, 0, sizeof(*q));
		q->control = register_col_dup(st, 0, &oom);
		q->id = register_col_dup(st, 1, &oom);
		q->title = register_col_dup(st, 2, &oom);
		q->catalogue = register_col_dup(st, 3, &oom);
		q->mapping = register_col_dup(st, 4, &oom);
		q->relationship = register_col_dup(st, 5, &oom);
		if (oom)
			return -ENOMEM;
	}
	if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
		struct isms_soa_check *nk = realloc(q->checks, (q->nchecks + 1) * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		q->checks = nk;
		nk = &q->checks[q->nchecks++];
		nk->id = register_col_dup(st, 6, &oom);
		nk->asset = register_col_dup(st, 7, &oom);
		nk->status = register_col_dup(st, 8, &oom);
		nk->owner = register_col_dup(st, 9, &oom);
		nk->measure = register_col_dup(st, 10, &oom);
		nk->checked_at = register_col_dup(st, 11, &oom);
		if (oom)
			return -ENOMEM;
	}
	return 0;
}

int isms_soa_requirements_load(struct isms_store *s, const char *control,
			       struct isms_soa_requirements *ret)
{
	struct isms_soa_requirements r = {0};
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int64_t n = 0;
	int rc;

	rc = store_query_int(s, "SELECT count(*) FROM catalogue WHERE kind = 'mapping'", NULL, NULL,
			     NULL, &n);
	if (rc < 0 || n == 0)
		goto out;
	r.nmappings = (size_t)n;
	rc = store_prepare(s, sql_rows, &st);
	if (rc >= 0)
		rc = store_bind_text(s, st, 1, control);
	while (rc >= 0 && (rc = store_step_row(s, st)) == 1)
		rc = add_row(&r, st, &cap);
	for (size_t i = 0; rc >= 0 && i < r.n; i++)
		set_worst(&r.v[i]);
out:
	sqlite3_finalize(st);
	if (rc < 0) {
		isms_soa_requirements_release(&r);
		return rc;
	}
	*ret = r;
	return 0;
}
