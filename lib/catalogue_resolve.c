/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which controls an imported profile selects from the catalogues imported beside it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue_import.h"
#include "catalogue_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

/* An import finds its catalogue by the file it names or, failing that, by uuid. */
#define SQL_IMPORTS                                                                        \
	"imp0 (ipk, href, include_all, include, exclude, cat) AS ("                        \
	" SELECT i.pk, i.href, i.include_all, i.include, i.exclude,"                       \
	"  coalesce((SELECT x.pk FROM catalogue x WHERE x.kind = 'catalog'"                \
	"   AND x.file = i.file ORDER BY x.pk LIMIT 1),"                                   \
	"   (SELECT x.pk FROM catalogue x WHERE x.kind = 'catalog'"                        \
	"   AND x.uuid = ltrim(i.href, '#') ORDER BY x.pk LIMIT 1))"                       \
	" FROM catalogue p JOIN catalogue_import i ON i.catalogue = p.pk"                  \
	" WHERE p.name = ?1),"                                                             \
	" imp (ipk, href, include_all, include, exclude, cat, cname) AS ("                 \
	" SELECT imp0.*, c.name FROM imp0 LEFT JOIN catalogue c ON c.pk = imp0.cat)"

static const char SQL_RESOLVE[] =
	"WITH RECURSIVE " SQL_IMPORTS ","
	/* the controls an include selects itself, and whether it asks for their children */
	" seed (ipk, k, kids) AS ("
	"  SELECT imp.ipk, k.pk, 0 FROM imp JOIN catalogue_control k ON k.catalogue = imp.cat"
	"   WHERE imp.include_all"
	"  UNION SELECT imp.ipk, k.pk, json_extract(s.value, '$.with-child-controls')"
	"   FROM imp JOIN json_each(imp.include) s"
	"   JOIN catalogue_control k ON k.catalogue = imp.cat"
	"   WHERE k.id IN (SELECT value FROM json_each(s.value, '$.with-ids'))"
	"   OR EXISTS (SELECT 1 FROM json_each(s.value, '$.matching') m WHERE k.id GLOB m.value)),"
	" sel (ipk, k, kids) AS ("
	"  SELECT ipk, k, kids FROM seed"
	"  UNION SELECT sel.ipk, c.pk, 1 FROM sel JOIN catalogue_control c ON c.parent = sel.k"
	"   WHERE sel.kids)"
	" SELECT DISTINCT imp.cname, k.id, k.title, imp.ipk, k.pk FROM sel"
	" JOIN imp ON imp.ipk = sel.ipk JOIN catalogue_control k ON k.pk = sel.k"
	" WHERE NOT EXISTS (SELECT 1 FROM json_each(imp.exclude) s"
	"  WHERE k.id IN (SELECT value FROM json_each(s.value, '$.with-ids'))"
	"  OR EXISTS (SELECT 1 FROM json_each(s.value, '$.matching') m WHERE k.id GLOB m.value))"
	" ORDER BY imp.ipk, k.pk";

static const char SQL_UNRESOLVED[] =
	"WITH " SQL_IMPORTS " SELECT href FROM imp WHERE cat IS NULL ORDER BY ipk";

int isms_catalogue_resolve(struct isms_store *s, const char *name,
			   int (*cb)(const char *catalogue, const char *id, const char *title,
				     void *userdata),
			   int (*unresolved)(const char *href, void *userdata), void *userdata)
{
	sqlite3_stmt *st = NULL;
	char *kind = NULL;
	int r;

	r = store_query_text(s, "SELECT kind FROM catalogue WHERE name = ?1", name, NULL, NULL,
			     &kind);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "no catalogue '%.64s' (see 'ismsctl catalogue list')",
				 name);
	else if (r > 0 && strcmp(kind, "profile") != 0)
		r = store_seterr(s, -EINVAL, "catalogue '%.64s' is a %s, not a profile", name, kind);
	free(kind);
	if (r < 0)
		return r;
	r = store_prepare(s, SQL_RESOLVE, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, name);
	while (r >= 0 && (r = store_step_row(s, st)) == 1)
		r = cb(COL(st, 0), COL(st, 1), COL(st, 2), userdata);
	sqlite3_finalize(st);
	st = NULL;
	if (r >= 0 && unresolved) {
		r = store_prepare(s, SQL_UNRESOLVED, &st);
		if (r >= 0)
			r = store_bind_text(s, st, 1, name);
		while (r >= 0 && (r = store_step_row(s, st)) == 1)
			r = unresolved(COL(st, 0), userdata);
		sqlite3_finalize(st);
	}
	return r < 0 ? r : 0;
}

static int count_selected(const char *catalogue, const char *id, const char *title, void *ud)
{
	(void)catalogue;
	(void)id;
	(void)title;
	((int64_t *)ud)[0]++;
	return 0;
}

static int count_missing(const char *href, void *ud)
{
	(void)href;
	((int64_t *)ud)[1]++;
	return 0;
}

int catalogue_resolve_count(struct isms_store *s, const char *name, int64_t *ret_controls,
			    int64_t *ret_missing)
{
	int64_t n[2] = {0, 0};
	int r = isms_catalogue_resolve(s, name, count_selected, count_missing, n);

	if (r < 0)
		return r;
	*ret_controls = n[0];
	*ret_missing = n[1];
	return 0;
}
