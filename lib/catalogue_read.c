/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the imported OSCAL documents back: which there are, and their controls. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue_import.h"
#include "catalogue_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

static const char SQL_INFO[] =
	"SELECT c.name, c.kind, c.uuid, c.title, c.version, c.oscal_version, c.file, c.sha256,"
	" c.imported_at, c.imported_by,"
	" (SELECT count(*) FROM catalogue_group g WHERE g.catalogue = c.pk),"
	" (SELECT count(*) FROM catalogue_control k WHERE k.catalogue = c.pk),"
	" (SELECT count(*) FROM catalogue_import i WHERE i.catalogue = c.pk),"
	" (SELECT count(*) FROM catalogue_mapping m WHERE m.catalogue = c.pk)"
	" FROM catalogue c WHERE ?1 IS NULL OR c.name = ?1 ORDER BY c.name";

static int info(struct isms_store *s, const char *name,
		int (*cb)(const struct isms_catalogue_info *c, void *userdata), void *userdata)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, SQL_INFO, &st), found = 0;

	if (r >= 0)
		r = store_bind_text(s, st, 1, name);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct isms_catalogue_info c = {
			COL(st, 0), COL(st, 1), COL(st, 2), COL(st, 3), COL(st, 4), COL(st, 5),
			COL(st, 6), COL(st, 7), COL(st, 8), COL(st, 9),
			sqlite3_column_int64(st, 10), sqlite3_column_int64(st, 11),
			sqlite3_column_int64(st, 12), sqlite3_column_int64(st, 13), 0};

		found = 1;
		/* A profile has no controls of its own: those it selects count. */
		if (strcmp(c.kind, "profile") == 0)
			r = catalogue_resolve_count(s, c.name, &c.controls, &c.missing);
		if (r >= 0)
			r = cb(&c, userdata);
	}
	sqlite3_finalize(st);
	if (r >= 0 && name && !found)
		r = store_seterr(s, -ENOENT, "no catalogue '%.64s' (see 'ismsctl catalogue list')",
				 name);
	return r < 0 ? r : 0;
}

int isms_catalogue_list(struct isms_store *s,
			int (*cb)(const struct isms_catalogue_info *c, void *userdata),
			void *userdata)
{
	return info(s, NULL, cb, userdata);
}

int isms_catalogue_get(struct isms_store *s, const char *name,
		       int (*cb)(const struct isms_catalogue_info *c, void *userdata),
		       void *userdata)
{
	return info(s, name, cb, userdata);
}

static int ignore(const struct isms_catalogue_info *c, void *userdata)
{
	(void)c;
	(void)userdata;
	return 0;
}

int isms_catalogue_controls(struct isms_store *s, const char *name, const char *id,
			    int (*cb)(const struct isms_catalogue_control *c, void *userdata),
			    void *userdata)
{
	sqlite3_stmt *st = NULL;
	int r = info(s, name, ignore, NULL), found = 0;

	if (r >= 0)
		r = store_prepare(s,
				  "SELECT k.id, k.title, k.class, g.id, g.title, p.id, k.statement,"
				  " k.guidance, k.sec_level, k.effort_level, k.modal_verb,"
				  " k.target_object_categories, k.props, k.params"
				  " FROM catalogue_control k JOIN catalogue c ON c.pk = k.catalogue"
				  " LEFT JOIN catalogue_group g ON g.pk = k.grp"
				  " LEFT JOIN catalogue_control p ON p.pk = k.parent"
				  " WHERE c.name = ?1 AND (?2 IS NULL OR k.id = ?2) ORDER BY k.pk",
				  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, name);
	if (r >= 0)
		r = store_bind_text(s, st, 2, id);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const struct isms_catalogue_control c = {
			COL(st, 0), COL(st, 1), COL(st, 2),  COL(st, 3),  COL(st, 4),
			COL(st, 5), COL(st, 6), COL(st, 7),  COL(st, 8),  COL(st, 9),
			COL(st, 10), COL(st, 11), COL(st, 12), COL(st, 13)};

		found = 1;
		r = cb(&c, userdata);
	}
	sqlite3_finalize(st);
	if (r >= 0 && id && !found)
		r = store_seterr(s, -ENOENT, "catalogue '%.64s' has no control '%.128s'", name, id);
	return r < 0 ? r : 0;
}

int isms_catalogue_maps(struct isms_store *s, const char *name,
			int (*cb)(const char *source, const char *relationship, const char *target,
				  void *userdata),
			void *userdata)
{
	sqlite3_stmt *st = NULL;
	char *kind = NULL;
	int r = store_query_text(s, "SELECT kind FROM catalogue WHERE name = ?1", name, NULL, NULL,
				 &kind);

	if (r == 0)
		r = store_seterr(s, -ENOENT, "no catalogue '%.64s' (see 'ismsctl catalogue list')",
				 name);
	else if (r > 0 && strcmp(kind, "mapping") != 0)
		r = store_seterr(s, -EINVAL, "catalogue '%.64s' is a %s, not a mapping", name, kind);
	free(kind);
	if (r >= 0)
		r = store_prepare(s,
				  "SELECT m.source_id, m.relationship, m.target_id"
				  " FROM catalogue_mapping m JOIN catalogue c ON c.pk = m.catalogue"
				  " WHERE c.name = ?1 ORDER BY m.pk",
				  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, name);
	while (r >= 0 && (r = store_step_row(s, st)) == 1)
		r = cb(COL(st, 0), COL(st, 1), COL(st, 2), userdata);
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int isms_catalogue_by_file(struct isms_store *s, const char *file, char **ret_name)
{
	const char *slash = strrchr(file, '/');

	return store_query_text(s,
				"SELECT name FROM catalogue WHERE kind = 'catalog' AND file = ?1"
				" ORDER BY pk LIMIT 1",
				slash ? slash + 1 : file, NULL, NULL, ret_name);
}

/* The file an href names: its last path component (SQLite has no basename()). */
#define BASENAME(h) "replace(" h ", rtrim(" h ", replace(" h ", '/', '')), '')"
/* The catalog a mapping's side names: by file, else by uuid ("#UUID"). */
#define SIDE(h)                                                                             \
	"coalesce((SELECT x.pk FROM catalogue x WHERE x.kind = 'catalog' AND x.file = "     \
	BASENAME(h) " ORDER BY x.pk LIMIT 1), (SELECT x.pk FROM catalogue x WHERE"          \
	" x.kind = 'catalog' AND x.uuid = ltrim(" h ", '#') ORDER BY x.pk LIMIT 1))"

static const char SQL_LINKS[] =
	"WITH e AS (SELECT m.pk, c.name AS mapping, m.relationship, m.source_id, m.target_id,"
	" " SIDE("m.source_catalogue_href") " AS scat, " SIDE("m.target_catalogue_href") " AS tcat"
	" FROM catalogue_mapping m JOIN catalogue c ON c.pk = m.catalogue"
	" WHERE (?1 IS NULL OR c.name = ?1) AND (?2 IS NULL OR m.source_id = ?2"
	" OR m.target_id = ?2))"
	" SELECT e.mapping, e.relationship, sc.name, e.source_id, sk.title, tc.name, e.target_id,"
	" tk.title FROM e"
	" LEFT JOIN catalogue sc ON sc.pk = e.scat"
	" LEFT JOIN catalogue_control sk ON sk.catalogue = e.scat AND sk.id = e.source_id"
	" LEFT JOIN catalogue tc ON tc.pk = e.tcat"
	" LEFT JOIN catalogue_control tk ON tk.catalogue = e.tcat AND tk.id = e.target_id"
	" WHERE ?3 IS NULL OR (e.source_id = ?2 AND sc.name = ?3)"
	" OR (e.target_id = ?2 AND tc.name = ?3)"
	" ORDER BY e.pk";

int isms_catalogue_links(struct isms_store *s, const char *mapping, const char *id,
			 const char *catalogue,
			 int (*cb)(const struct isms_catalogue_link *l, void *userdata),
			 void *userdata)
{
	sqlite3_stmt *st = NULL;
	char *kind = NULL;
	int r = 1;

	if (mapping) {
		r = store_query_text(s, "SELECT kind FROM catalogue WHERE name = ?1", mapping, NULL,
				     NULL, &kind);
		if (r == 0)
			r = store_seterr(s, -ENOENT,
					 "no catalogue '%.64s' (see 'ismsctl catalogue list')", mapping);
		else if (r > 0 && strcmp(kind, "mapping") != 0)
			r = store_seterr(s, -EINVAL, "catalogue '%.64s' is a %s, not a mapping",
					 mapping, kind);
		free(kind);
	}
	if (r >= 0 && catalogue && !id)
		r = store_seterr(s, -EINVAL, "a catalogue narrows a control id: give one");
	if (r >= 0)
		r = store_prepare(s, SQL_LINKS, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, mapping);
	if (r >= 0)
		r = store_bind_text(s, st, 2, id);
	if (r >= 0)
		r = store_bind_text(s, st, 3, catalogue);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const struct isms_catalogue_link l = {COL(st, 0), COL(st, 1), COL(st, 2),
						      COL(st, 3), COL(st, 4), COL(st, 5),
						      COL(st, 6), COL(st, 7)};

		r = cb(&l, userdata);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
