/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OSCAL catalogues, profiles and mappings into the store, all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/catalogue_import.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/history.h"
#include "isms/oscal.h"
#include "isms/sha256.h"
#include "store_internal.h"

static const char *const model_kind[] = {
	[ISMS_OSCAL_CATALOG] = "catalog",
	[ISMS_OSCAL_PROFILE] = "profile",
	[ISMS_OSCAL_MAPPING] = "mapping",
};

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= ISMS_CATALOGUE_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Plain JSON text of @o, malloc'd; consumes @o. */
static char *json_take(struct json_object *o)
{
	char *t = NULL;

	if (o)
		t = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return t;
}

static struct json_object *str_array(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static char *props_json(const struct isms_oscal_control *c)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < c->n_props; i++) {
		const struct isms_oscal_prop *p = &c->props[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "value", json_object_new_string(p->value));
		if (p->ns)
			json_object_object_add(o, "ns", json_object_new_string(p->ns));
		json_object_object_add(o, "origin",
				       json_object_new_string(p->origin == ISMS_OSCAL_ON_CONTROL ?
								      "control" :
								      "statement"));
		json_object_array_add(a, o);
	}
	return json_take(a);
}

static char *params_json(const struct isms_oscal_control *c)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < c->n_params; i++) {
		const struct isms_oscal_param *p = &c->params[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(p->id));
		if (p->label)
			json_object_object_add(o, "label", json_object_new_string(p->label));
		json_object_object_add(o, "values", str_array(p->values, p->n_values));
		if (p->n_choices) {
			json_object_object_add(o, "choices", str_array(p->choices, p->n_choices));
			json_object_object_add(o, "how-many",
					       json_object_new_string(p->one_or_more ? "one-or-more" :
										       "one"));
		}
		json_object_array_add(a, o);
	}
	return json_take(a);
}

static char *selectors_json(const struct isms_oscal_selector *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "with-ids", str_array(v[i].ids, v[i].n_ids));
		json_object_object_add(o, "matching", str_array(v[i].patterns, v[i].n_patterns));
		json_object_object_add(o, "with-child-controls",
				       json_object_new_boolean(v[i].with_child_controls));
		json_object_array_add(a, o);
	}
	return json_take(a);
}

/* The values of the properties named @name, either origin, joined by ", " (malloc'd), or NULL. */
static char *prop_values(const struct isms_oscal_control *c, const char *name, int *r)
{
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; *r >= 0 && i < c->n_props; i++) {
		size_t n;
		char *t;

		if (strcmp(c->props[i].name, name) != 0)
			continue;
		n = strlen(c->props[i].value);
		t = realloc(out, len + n + 3);
		if (!t) {
			*r = -ENOMEM;
			break;
		}
		out = t;
		if (len) {
			memcpy(out + len, ", ", 2);
			len += 2;
		}
		memcpy(out + len, c->props[i].value, n + 1);
		len += n;
	}
	if (*r < 0) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Run @st with text parameters @v (NULL binds NULL) and ints @iv after them. */
static int run(struct isms_store *s, sqlite3_stmt *st, const char *const *v, int nv,
	       const int64_t *iv, int niv)
{
	int r = 0;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (int i = 0; r >= 0 && i < nv; i++)
		r = store_bind_text(s, st, i + 1, v[i]);
	for (int i = 0; r >= 0 && i < niv; i++)
		if (iv[i] >= 0 && sqlite3_bind_int64(st, nv + i + 1, iv[i]) != SQLITE_OK)
			r = store_seterr(s, -ENOMEM, "cannot bind: %s", isms_store_errmsg(s));
	if (r >= 0)
		r = store_step_done(s, st);
	return r;
}

static int put_catalog(struct isms_store *s, int64_t cat, const struct isms_oscal_doc *d)
{
	int64_t *gpk = calloc(d->n_groups + 1, sizeof(*gpk));
	int64_t *cpk = calloc(d->n_controls + 1, sizeof(*cpk));
	sqlite3_stmt *gs = NULL, *cs = NULL;
	int r = gpk && cpk ? 0 : -ENOMEM;

	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO catalogue_group (id, title, catalogue, parent)"
				  " VALUES (?1, ?2, ?3, ?4)",
				  &gs);
	for (size_t i = 0; r >= 0 && i < d->n_groups; i++) {
		const struct isms_oscal_group *g = &d->groups[i];
		const char *v[] = {g->id, g->title};
		int64_t iv[] = {cat, g->parent >= 0 && (size_t)g->parent < i ? gpk[g->parent] : -1};

		r = run(s, gs, v, 2, iv, 2);
		gpk[i] = sqlite3_last_insert_rowid(s->db);
	}
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO catalogue_control (id, title, class, statement, guidance,"
				  " sec_level, effort_level, modal_verb, target_object_categories,"
				  " props, params, catalogue, grp, parent)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
				  &cs);
	for (size_t i = 0; r >= 0 && i < d->n_controls; i++) {
		const struct isms_oscal_control *c = &d->controls[i];
		char *sec = prop_values(c, "sec_level", &r), *eff = prop_values(c, "effort_level", &r);
		char *modal = prop_values(c, "modal_verb", &r);
		char *toc = prop_values(c, "target_object_categories", &r);
		char *props = props_json(c), *params = params_json(c);
		const char *v[] = {c->id, c->title, c->class, c->statement, c->guidance, sec, eff,
				   modal, toc, props, params};
		int64_t iv[] = {cat, c->group >= 0 ? gpk[c->group] : -1, -1};

		if (r >= 0 && (!props || !params))
			r = -ENOMEM;
		if (r >= 0 && c->parent >= 0) {
			/* The reader gives parents before their children, in document order. */
			if ((size_t)c->parent >= i)
				r = store_seterr(s, -EINVAL, "control '%.128s' comes before its parent",
						 c->id);
			else
				iv[2] = cpk[c->parent];
		}
		if (r >= 0)
			r = run(s, cs, v, 11, iv, 3);
		cpk[i] = sqlite3_last_insert_rowid(s->db);
		free(sec);
		free(eff);
		free(modal);
		free(toc);
		free(props);
		free(params);
	}
	sqlite3_finalize(gs);
	sqlite3_finalize(cs);
	free(gpk);
	free(cpk);
	return r;
}

/* "#UUID" names a back-matter resource: its first rlink is the file it means. */
static const char *href_of(const struct isms_oscal_doc *d, const char *href)
{
	if (href[0] != '#')
		return href;
	for (size_t i = 0; i < d->n_resources; i++)
		if (strcmp(d->resources[i].uuid, href + 1) == 0 && d->resources[i].n_hrefs)
			return d->resources[i].hrefs[0];
	return href;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int put_profile(struct isms_store *s, int64_t cat, const struct isms_oscal_doc *d)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      "INSERT INTO catalogue_import (href, file, include, exclude, catalogue,"
			      " include_all) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			      &st);

	for (size_t i = 0; r >= 0 && i < d->n_imports; i++) {
		const struct isms_oscal_import *im = &d->imports[i];
		char *inc = selectors_json(im->include, im->n_include);
		char *exc = selectors_json(im->exclude, im->n_exclude);
		const char *href = href_of(d, im->href);
		const char *v[] = {href, base_name(href), inc, exc};
		int64_t iv[] = {cat, im->include_all};

		r = inc && exc ? run(s, st, v, 4, iv, 2) : -ENOMEM;
		free(inc);
		free(exc);
	}
	sqlite3_finalize(st);
	return r;
}

static int put_mapping(struct isms_store *s, int64_t cat, const struct isms_oscal_doc *d,
		       size_t *ret_maps)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int r = store_prepare(s,
			      "INSERT INTO catalogue_mapping (source_catalogue_href, source_id,"
			      " target_catalogue_href, target_id, relationship, catalogue)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			      &st);

	for (size_t i = 0; r >= 0 && i < d->n_mappings; i++) {
		const struct isms_oscal_mapping *m = &d->mappings[i];

		for (size_t j = 0; r >= 0 && j < m->n_maps; j++) {
			const struct isms_oscal_map *e = &m->maps[j];

			for (size_t a = 0; r >= 0 && a < e->n_sources; a++)
				for (size_t b = 0; r >= 0 && b < e->n_targets; b++) {
					const char *v[] = {m->source_href, e->sources[a].id_ref,
							   m->target_href, e->targets[b].id_ref,
							   e->relationship};

					r = run(s, st, v, 5, &cat, 1);
					n++;
				}
		}
	}
	sqlite3_finalize(st);
	*ret_maps = n;
	return r;
}

static int append_evidence(struct isms_store *s, const char *at, const char *name,
			   const char *kind, const struct isms_oscal_doc *d, const char *sha,
			   const struct isms_catalogue_counts *n, bool replaced)
{
	struct json_object *o = json_object_new_object();
	struct isms_evidence ev = {.ts = at, .source = "ismsctl", .kind = "catalogue.imported",
				   .subject = name, .outcome = replaced ? "replaced" : "imported"};
	char *text;
	int r;

	if (o) {
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "kind", json_object_new_string(kind));
		json_object_object_add(o, "uuid", json_object_new_string(d->uuid));
		json_object_object_add(o, "sha256", json_object_new_string(sha));
		json_object_object_add(o, "groups", json_object_new_int64((int64_t)n->groups));
		json_object_object_add(o, "controls", json_object_new_int64((int64_t)n->controls));
		json_object_object_add(o, "imports", json_object_new_int64((int64_t)n->imports));
		json_object_object_add(o, "maps", json_object_new_int64((int64_t)n->maps));
	}
	text = json_take(o);
	if (!text)
		return -ENOMEM;
	ev.details = text;
	r = isms_evidence_append(s, &ev, NULL);
	free(text);
	return r;
}

/*
 * One document into the caller's transaction: with @evidence, its
 * catalogue.imported row.  @d is the parsed @buf.
 */
static int import_one(struct isms_store *s, const char *name, const char *file,
		      const struct isms_oscal_doc *d, const char *sha, bool replace, bool evidence,
		      int64_t now, struct isms_catalogue_counts *ret_counts)
{
	struct isms_catalogue_counts n = {0};
	sqlite3_stmt *st = NULL;
	char at[ISMS_DATE_MAX], by[ISMS_ACTOR_MAX];
	const char *kind = model_kind[d->model];
	int64_t cat, old = 0;
	int r;

	isms_date_format(now, at, sizeof(at));
	isms_actor_get(by);
	r = store_query_int(s, "SELECT pk FROM catalogue WHERE name = ?1", name, NULL, NULL, &old);
	if (r == 1 && !replace)
		r = store_seterr(s, -EEXIST,
				 "catalogue '%.64s' is imported already (--replace replaces it)", name);
	if (r == 1) {
		const char *v[] = {name};

		r = store_prepare(s, "DELETE FROM catalogue WHERE name = ?1", &st);
		if (r >= 0)
			r = run(s, st, v, 1, NULL, 0);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO catalogue (name, kind, uuid, title, version, oscal_version,"
				  " sha256, imported_at, imported_by, file) VALUES (?1, ?2, ?3, ?4, ?5,"
				  " ?6, ?7, ?8, ?9, ?10)",
				  &st);
	if (r >= 0) {
		const char *v[] = {name, kind, d->uuid, d->title, d->version, d->oscal_version,
				   sha, at, by[0] ? by : NULL, file ? base_name(file) : NULL};

		r = run(s, st, v, 10, NULL, 0);
	}
	sqlite3_finalize(st);
	cat = sqlite3_last_insert_rowid(s->db);
	n.groups = d->n_groups;
	n.controls = d->n_controls;
	n.imports = d->n_imports;
	if (r >= 0 && d->model == ISMS_OSCAL_CATALOG)
		r = put_catalog(s, cat, d);
	else if (r >= 0 && d->model == ISMS_OSCAL_PROFILE)
		r = put_profile(s, cat, d);
	else if (r >= 0)
		r = put_mapping(s, cat, d, &n.maps);
	if (r >= 0 && evidence)
		r = append_evidence(s, at, name, kind, d, sha, &n, old != 0);
	if (r >= 0 && ret_counts)
		*ret_counts = n;
	return r;
}

/* @buf parsed, with the store's message on a refusal, and its SHA-256. */
static int parse(struct isms_store *s, const char *name, const char *buf, size_t len,
		 struct isms_oscal_doc **ret, char sha[ISMS_SHA256_HEX])
{
	char err[512];
	int r;

	if (!name_ok(name))
		return store_seterr(s, -EINVAL,
				    "catalogue name '%.64s' must be 1 to %u letters, digits, '.', '_'"
				    " or '-'",
				    name, ISMS_CATALOGUE_NAME_MAX);
	r = isms_oscal_parse(buf, len, ret, err, sizeof(err));
	if (r == -EINVAL)
		return store_seterr(s, r, "not an OSCAL catalog, profile or mapping: %s", err);
	if (r == -EFBIG)
		return store_seterr(s, r, "an OSCAL document is at most %u bytes",
				    ISMS_OSCAL_BYTES_MAX);
	if (r < 0)
		return r;
	r = isms_sha256_hex(buf, len, sha);
	if (r < 0) {
		isms_oscal_doc_free(*ret);
		*ret = NULL;
	}
	return r;
}

int isms_catalogue_import_all(struct isms_store *s, const struct isms_catalogue_doc *docs,
			      size_t n, bool replace, int64_t now,
			      struct isms_catalogue_counts *ret_counts)
{
	struct isms_oscal_doc **d = calloc(n + 1, sizeof(*d));
	char (*sha)[ISMS_SHA256_HEX] = calloc(n + 1, sizeof(*sha));
	int r = d && sha ? 0 : -ENOMEM;

	/* Every document read before the store is touched: a bad one changes nothing. */
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = parse(s, docs[i].name, docs[i].buf, docs[i].len, &d[i], sha[i]);
		if (r < 0 && docs[i].file && n > 1)
			store_seterr(s, r, "'%.256s': %s", docs[i].file, isms_store_errmsg(s));
	}
	if (r >= 0)
		r = isms_store_begin(s);
	if (r >= 0) {
		for (size_t i = 0; r >= 0 && i < n; i++)
			r = import_one(s, docs[i].name, docs[i].file, d[i], sha[i], replace,
				       docs[i].evidence, now, ret_counts ? &ret_counts[i] : NULL);
		if (r >= 0)
			r = isms_store_commit(s);
		else
			isms_store_rollback(s);
	}
	for (size_t i = 0; d && i < n; i++)
		isms_oscal_doc_free(d[i]);
	free(d);
	free(sha);
	return r < 0 ? r : 0;
}

int isms_catalogue_import(struct isms_store *s, const char *name, const char *file,
			  const char *buf, size_t len, bool replace, int64_t now,
			  struct isms_catalogue_counts *ret_counts)
{
	const struct isms_catalogue_doc doc = {name, file, buf, len, true};

	return isms_catalogue_import_all(s, &doc, 1, replace, now, ret_counts);
}

int isms_catalogue_profile_files(const char *buf, size_t len, char ***ret, size_t *ret_n)
{
	struct isms_oscal_doc *d = NULL;
	char **v = NULL;
	size_t n = 0;
	int r = isms_oscal_parse(buf, len, &d, NULL, 0);

	if (r < 0)
		return r;
	if (d->model == ISMS_OSCAL_PROFILE && d->n_imports) {
		v = calloc(d->n_imports, sizeof(*v));
		if (!v)
			r = -ENOMEM;
	}
	for (; r >= 0 && v && n < d->n_imports; n++) {
		v[n] = strdup(href_of(d, d->imports[n].href));
		if (!v[n])
			r = -ENOMEM;
	}
	isms_oscal_doc_free(d);
	if (r < 0) {
		isms_catalogue_files_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

void isms_catalogue_files_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
