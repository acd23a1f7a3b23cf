/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An imported catalogue written back as an OSCAL catalog (isms/oscal_export.h):
 * its groups nested as imported, its controls under their group or parent,
 * each with the props, params, statement and guidance the store kept, so
 * that importing the export gives the same rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/catalogue_import.h"
#include "isms/date.h"
#include "isms/json.h"
#include "isms/oscal.h"
#include "isms/oscal_export.h"
#include "oscal_export_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

/* A group or control made, by its row's pk, for its children to find. */
struct node {
	int64_t pk;
	struct json_object *o;
};

struct nodes {
	struct node *v;
	size_t n, cap;
};

static int nodes_add(struct nodes *ns, int64_t pk, struct json_object *o)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;
		struct node *v = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n++] = (struct node){pk, o};
	return 0;
}

/* Rows come in pk order, so the nodes are sorted by pk. */
static struct json_object *nodes_find(const struct nodes *ns, int64_t pk)
{
	size_t lo = 0, hi = ns->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ns->v[mid].pk == pk)
			return ns->v[mid].o;
		if (ns->v[mid].pk < pk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Append @item to the array member @key of @o, making it on first use. */
static int append(struct json_object *o, const char *key, struct json_object *item)
{
	struct json_object *arr;

	if (!item)
		return -ENOMEM;
	if (!json_object_object_get_ex(o, key, &arr)) {
		arr = json_object_new_array();
		if (!arr || json_object_object_add(o, key, arr) < 0) {
			json_object_put(arr);
			json_object_put(item);
			return -ENOMEM;
		}
	}
	if (json_object_array_add(arr, item) < 0) {
		json_object_put(item);
		return -ENOMEM;
	}
	return 0;
}

static int add_str(struct json_object *o, const char *key, const char *v)
{
	struct json_object *s;

	if (!v)
		return 0;
	s = json_object_new_string(v);
	if (!s || json_object_object_add(o, key, s) < 0) {
		json_object_put(s);
		return -ENOMEM;
	}
	return 0;
}

/* A stored JSON column (isms wrote it), parsed; the store's own text, so strict is cheap. */
static int stored_json(struct isms_store *s, const char *text, const char *what, const char *id,
		       struct json_object **ret)
{
	struct json_object *o = NULL;
	int r = text ? isms_json_parse(text, strlen(text), NULL, &o, NULL) : -EINVAL;

	if (r == -ENOMEM)
		return r;
	if (r < 0 || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return store_seterr(s, -EIO, "control '%.128s': its stored %s are not a JSON array",
				    id, what);
	}
	*ret = o;
	return 0;
}

/* The stored props of @origin as OSCAL props (name, value, ns) under @key of @into. */
static int put_props(struct json_object *props, const char *origin, struct json_object *into)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < json_object_array_length(props); i++) {
		struct json_object *p = json_object_array_get_idx(props, i), *v, *o;

		if (!json_object_object_get_ex(p, "origin", &v) ||
		    strcmp(json_object_get_string(v), origin) != 0)
			continue;
		o = json_object_new_object();
		if (!o)
			return -ENOMEM;
		if (json_object_object_get_ex(p, "name", &v))
			r = add_str(o, "name", json_object_get_string(v));
		if (r >= 0 && json_object_object_get_ex(p, "ns", &v))
			r = add_str(o, "ns", json_object_get_string(v));
		if (r >= 0 && json_object_object_get_ex(p, "value", &v))
			r = add_str(o, "value", json_object_get_string(v));
		if (r < 0)
			json_object_put(o);
		else
			r = append(into, "props", o);
	}
	return r;
}

/* The stored params (id, label, values, choices, how-many) as OSCAL params. */
static int put_params(struct json_object *params, struct json_object *ctl)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < json_object_array_length(params); i++) {
		struct json_object *p = json_object_array_get_idx(params, i), *v, *o, *sel;

		o = json_object_new_object();
		if (!o)
			return -ENOMEM;
		if (json_object_object_get_ex(p, "id", &v))
			r = add_str(o, "id", json_object_get_string(v));
		if (r >= 0 && json_object_object_get_ex(p, "label", &v))
			r = add_str(o, "label", json_object_get_string(v));
		/* OSCAL wants one value at least when there are values at all. */
		if (r >= 0 && json_object_object_get_ex(p, "values", &v) &&
		    json_object_array_length(v) > 0)
			r = json_object_object_add(o, "values", json_object_get(v)) < 0 ? -ENOMEM : 0;
		if (r >= 0 && json_object_object_get_ex(p, "choices", &v) &&
		    json_object_array_length(v) > 0) {
			struct json_object *how = NULL;

			sel = json_object_new_object();
			if (!sel) {
				r = -ENOMEM;
			} else {
				if (json_object_object_get_ex(p, "how-many", &how) &&
				    strcmp(json_object_get_string(how), "one-or-more") == 0)
					r = add_str(sel, "how-many", "one-or-more");
				if (r >= 0)
					r = json_object_object_add(sel, "choice", json_object_get(v)) < 0 ?
						    -ENOMEM :
						    0;
				if (r >= 0)
					r = json_object_object_add(o, "select", sel) < 0 ? -ENOMEM : 0;
				else
					json_object_put(sel);
			}
		}
		if (r < 0)
			json_object_put(o);
		else
			r = append(ctl, "params", o);
	}
	return r;
}

/* An OSCAL token starts with a letter or '_': a part id is made only from an id that does. */
static bool token_start(const char *id)
{
	const unsigned char c = (unsigned char)id[0];

	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* A part named @name, its id the BSI's way (ID_stm, ID_gdn); props and prose are the caller's. */
static struct json_object *new_part(const char *ctl_id, const char *name, const char *suffix)
{
	struct json_object *p = json_object_new_object();
	char id[ISMS_OSCAL_ID_MAX + 8];
	int r;

	if (!p)
		return NULL;
	snprintf(id, sizeof(id), "%s%s", ctl_id, suffix);
	r = token_start(ctl_id) ? add_str(p, "id", id) : 0;
	if (r >= 0)
		r = add_str(p, "name", name);
	if (r < 0) {
		json_object_put(p);
		return NULL;
	}
	return p;
}

/*
 * The statement (with the props given on it) and the guidance.  A
 * statement's nested items were joined into its prose on import, one a
 * line: they come back as that one prose.
 */
static int put_parts(struct json_object *ctl, const char *id, const char *statement,
		     const char *guidance, struct json_object *props)
{
	bool stm_props = false;
	int r = 0;

	for (size_t i = 0; i < json_object_array_length(props); i++) {
		struct json_object *v;

		if (json_object_object_get_ex(json_object_array_get_idx(props, i), "origin", &v) &&
		    strcmp(json_object_get_string(v), "statement") == 0)
			stm_props = true;
	}
	if (statement || stm_props) {
		struct json_object *p = new_part(id, "statement", "_stm");

		r = p ? put_props(props, "statement", p) : -ENOMEM;
		if (r >= 0)
			r = add_str(p, "prose", statement);
		if (r >= 0)
			r = append(ctl, "parts", p);
		else
			json_object_put(p);
	}
	if (r >= 0 && guidance) {
		struct json_object *p = new_part(id, "guidance", "_gdn");

		r = p ? add_str(p, "prose", guidance) : -ENOMEM;
		if (r >= 0)
			r = append(ctl, "parts", p);
		else
			json_object_put(p);
	}
	return r;
}

static int make_control(struct isms_store *s, sqlite3_stmt *st, struct json_object **ret)
{
	const char *id = COL(st, 1), *statement = COL(st, 6), *guidance = COL(st, 7);
	struct json_object *c = json_object_new_object(), *props = NULL, *params = NULL;
	int r = c ? 0 : -ENOMEM;

	if (r >= 0)
		r = stored_json(s, COL(st, 8), "props", id, &props);
	if (r >= 0)
		r = stored_json(s, COL(st, 9), "params", id, &params);
	if (r >= 0)
		r = add_str(c, "id", id);
	if (r >= 0)
		r = add_str(c, "class", COL(st, 3));
	if (r >= 0)
		r = add_str(c, "title", COL(st, 2));
	if (r >= 0)
		r = put_params(params, c);
	if (r >= 0)
		r = put_props(props, "control", c);
	if (r >= 0)
		r = put_parts(c, id, statement, guidance, props);
	json_object_put(props);
	json_object_put(params);
	if (r < 0) {
		json_object_put(c);
		return r;
	}
	*ret = c;
	return 0;
}

/* The groups, each under its parent or at the top of @cat, into @gs. */
static int put_groups(struct isms_store *s, int64_t pk, struct json_object *cat, struct nodes *gs)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "SELECT pk, id, title, parent FROM catalogue_group WHERE catalogue = ?1"
			      " ORDER BY pk",
			      &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, pk) != SQLITE_OK)
		r = -ENOMEM;
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *g = json_object_new_object(), *up = cat;

		r = g ? add_str(g, "id", COL(st, 1)) : -ENOMEM;
		if (r >= 0)
			r = add_str(g, "title", COL(st, 2));
		if (r >= 0 && sqlite3_column_type(st, 3) != SQLITE_NULL)
			up = nodes_find(gs, sqlite3_column_int64(st, 3));
		if (r >= 0 && !up)
			r = store_seterr(s, -EIO, "group '%.128s' comes before its parent",
					 COL(st, 2));
		if (r >= 0)
			r = nodes_add(gs, sqlite3_column_int64(st, 0), g);
		if (r >= 0)
			r = append(up, "groups", g);
		else
			json_object_put(g);
	}
	sqlite3_finalize(st);
	return r;
}

/* The controls, each under its parent control, else its group, else at the top of @cat. */
static int put_controls(struct isms_store *s, int64_t pk, struct json_object *cat,
			const struct nodes *gs)
{
	struct nodes cs = {0};
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "SELECT pk, id, title, class, grp, parent, statement, guidance, props,"
			      " params FROM catalogue_control WHERE catalogue = ?1 ORDER BY pk",
			      &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, pk) != SQLITE_OK)
		r = -ENOMEM;
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *c = NULL, *up = cat;

		r = make_control(s, st, &c);
		if (r >= 0 && sqlite3_column_type(st, 5) != SQLITE_NULL)
			up = nodes_find(&cs, sqlite3_column_int64(st, 5));
		else if (r >= 0 && sqlite3_column_type(st, 4) != SQLITE_NULL)
			up = nodes_find(gs, sqlite3_column_int64(st, 4));
		if (r >= 0 && !up)
			r = store_seterr(s, -EIO, "control '%.128s' comes before its parent or group",
					 COL(st, 1));
		if (r >= 0)
			r = nodes_add(&cs, sqlite3_column_int64(st, 0), c);
		if (r >= 0)
			r = append(up, "controls", c);
		else
			json_object_put(c);
	}
	sqlite3_finalize(st);
	free(cs.v);
	return r;
}

int isms_oscal_catalog(struct isms_store *s, const char *name, int64_t now, char **ret)
{
	struct json_object *cat = NULL, *md = NULL;
	struct nodes gs = {0};
	sqlite3_stmt *st = NULL;
	char ts[ISMS_DATE_MAX];
	int64_t pk = 0;
	int r;

	r = store_prepare(s,
			  "SELECT pk, kind, uuid, title, version FROM catalogue WHERE name = ?1", &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, name);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "no catalogue '%.64s' (see 'ismsctl catalogue list')",
				 name);
	if (r >= 0 && strcmp(COL(st, 1), "catalog") != 0)
		r = store_seterr(s, -EINVAL,
				 "'%.64s' is a %s, not a catalog: only catalogs are exported", name,
				 COL(st, 1));
	if (r < 0)
		goto out;
	pk = sqlite3_column_int64(st, 0);
	cat = json_object_new_object();
	md = json_object_new_object();
	r = cat && md ? add_str(cat, "uuid", COL(st, 2)) : -ENOMEM;
	isms_date_format(now, ts, sizeof(ts));
	if (r >= 0)
		r = add_str(md, "title", COL(st, 3));
	if (r >= 0)
		r = add_str(md, "last-modified", ts);
	/* OSCAL wants a version: a catalogue imported without one gets its import date. */
	if (r >= 0)
		r = add_str(md, "version", COL(st, 4) ? COL(st, 4) : ts);
	if (r >= 0)
		r = add_str(md, "oscal-version", ISMS_OSCAL_VERSION);
	if (r >= 0) {
		r = json_object_object_add(cat, "metadata", md) < 0 ? -ENOMEM : 0;
		if (r >= 0)
			md = NULL;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r >= 0)
		r = put_groups(s, pk, cat, &gs);
	if (r >= 0)
		r = put_controls(s, pk, cat, &gs);
	if (r >= 0) {
		r = oscal_finish("catalog", cat, ret);
		cat = NULL;
	}
out:
	sqlite3_finalize(st);
	json_object_put(md);
	json_object_put(cat);
	free(gs.v);
	return r < 0 ? r : 0;
}
