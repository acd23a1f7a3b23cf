/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The requirement package of an asset from the store (isms/modelling.h):
 * the catalogue's requirements read once, selected by the pure core
 * (lib/package.c) for the asset's type and effective protection
 * requirement, then joined with what was decided (tailoring, parameters,
 * the check) and what the control tests observed.  Every lookup that
 * fails fails the whole list: a package is never shorter by an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/modelling.h"
#include "modelling_internal.h"
#include "register_internal.h"
#include "store_internal.h"

struct req_row {
	char *catalogue, *id, *title, *sec_level, *effort_level, *modal_verb, *categories, *params;
};

struct pkg {
	struct isms_store *s;
	int64_t asset_pk;         /* 0: the information domain */
	const char *asset;
	struct req_row *rows;
	size_t n, cap;
	struct isms_package_req *reqs;
	enum isms_package_why *why;
	sqlite3_stmt *tailoring, *check, *param, *maps, *tests;
};

static void rows_free(struct pkg *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct req_row *w = &p->rows[i];

		free(w->catalogue);
		free(w->id);
		free(w->title);
		free(w->sec_level);
		free(w->effort_level);
		free(w->modal_verb);
		free(w->categories);
		free(w->params);
	}
	free(p->rows);
	free(p->reqs);
	free(p->why);
}

/*
 * The catalogues the package draws from: those the setting
 * package.catalogues names, else every catalogue with security levels.
 */
static int read_requirements(struct pkg *p)
{
	static const char sql[] =
		"SELECT c.name, k.id, k.title, k.sec_level, k.effort_level, k.modal_verb,"
		" k.target_object_categories, k.params FROM catalogue c"
		" JOIN catalogue_control k ON k.catalogue = c.pk"
		" WHERE c.kind = 'catalog' AND CASE WHEN ?1 IS NULL"
		"  THEN EXISTS (SELECT 1 FROM catalogue_control x WHERE x.catalogue = c.pk"
		"   AND x.sec_level IS NOT NULL)"
		"  ELSE instr(',' || replace(?1, ' ', '') || ',', ',' || c.name || ',') > 0 END"
		" ORDER BY c.pk, k.pk";
	sqlite3_stmt *st = NULL;
	char *names = NULL;
	bool oom = false;
	int r;

	r = isms_setting_get(p->s, "package.catalogues", &names);
	if (r == -ENOENT)
		r = 0;
	if (r >= 0)
		r = store_prepare(p->s, sql, &st);
	if (r >= 0)
		r = store_bind_text(p->s, st, 1, names);
	while (r >= 0 && (r = store_step_row(p->s, st)) == 1) {
		struct req_row *w;

		if (p->n == p->cap) {
			size_t nc = p->cap ? 2 * p->cap : 1024;
			void *nr = realloc(p->rows, nc * sizeof(*p->rows));

			if (!nr) {
				r = -ENOMEM;
				break;
			}
			p->rows = nr;
			p->cap = nc;
		}
		w = &p->rows[p->n++];
		w->catalogue = register_col_dup(st, 0, &oom);
		w->id = register_col_dup(st, 1, &oom);
		w->title = register_col_dup(st, 2, &oom);
		w->sec_level = register_col_dup(st, 3, &oom);
		w->effort_level = register_col_dup(st, 4, &oom);
		w->modal_verb = register_col_dup(st, 5, &oom);
		w->categories = register_col_dup(st, 6, &oom);
		w->params = register_col_dup(st, 7, &oom);
		if (oom)
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	if (r >= 0 && p->n == 0)
		r = store_seterr(p->s, -ENOENT,
				 names ? "package.catalogues names no imported catalogue ('%s')" :
					 "no Grundschutz++ catalogue is imported%s: 'ismsctl catalogue"
					 " import' the BSI's Kernel",
				 names ? names : "");
	free(names);
	if (r < 0)
		return r;
	p->reqs = calloc(p->n, sizeof(*p->reqs));
	p->why = calloc(p->n, sizeof(*p->why));
	if (!p->reqs || !p->why)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		p->reqs[i].id = p->rows[i].id;
		p->reqs[i].sec_level = p->rows[i].sec_level;
		p->reqs[i].categories = p->rows[i].categories;
	}
	return 0;
}

static int prepare_all(struct pkg *p)
{
	/* ?1 the asset's pk, 0 for the domain; ?2 the requirement */
	int r = store_prepare(p->s,
			      "SELECT t.action, t.id, t.justification, k.id FROM tailoring t"
			      " LEFT JOIN risk k ON k.pk = t.risk"
			      " WHERE coalesce(t.asset, 0) = ?1 AND t.requirement = ?2",
			      &p->tailoring);

	if (r >= 0)
		r = store_prepare(p->s,
				  "SELECT i.status, i.id, o.name, m.id, i.checked_at FROM implementation i"
				  " LEFT JOIN person o ON o.pk = i.owner"
				  " LEFT JOIN measure m ON m.pk = i.measure"
				  " WHERE coalesce(i.asset, 0) = ?1 AND i.requirement = ?2",
				  &p->check);
	/* the asset's own value before the one for every asset */
	if (r >= 0)
		r = store_prepare(p->s,
				  "SELECT value FROM parameter WHERE param = ?2"
				  " AND (asset = ?1 OR asset IS NULL) ORDER BY asset IS NULL LIMIT 1",
				  &p->param);
	if (r >= 0)
		r = store_prepare(p->s,
				  "SELECT group_concat(source_id, ',') FROM (SELECT DISTINCT m.source_id"
				  " FROM catalogue_mapping m JOIN catalogue c ON c.pk = m.catalogue"
				  " WHERE m.target_id = ?2 ORDER BY m.source_id)",
				  &p->maps);
	/*
	 * The tests naming the requirement, with their latest result, when
	 * they cover the asset: a test over all evidence covers every asset,
	 * one per asset those its latest result names among its hosts.
	 */
	if (r >= 0)
		r = store_prepare(p->s,
				  "SELECT t.name, a.result, t.expect FROM control_test t"
				  " LEFT JOIN assessment a ON a.pk ="
				  "  (SELECT max(x.pk) FROM assessment x WHERE x.test = t.name)"
				  " WHERE instr(',' || replace(t.requirements, ' ', '') || ',', ',' || ?2 || ',') > 0"
				  " AND (?1 = 0 OR t.scope = 'all' OR t.target = ?3"
				  "  OR instr(',' || coalesce(a.hosts, '') || ',', ',' || ?3 || ',') > 0)"
				  " ORDER BY t.name",
				  &p->tests);
	return r;
}

static void finalize_all(struct pkg *p)
{
	sqlite3_finalize(p->tailoring);
	sqlite3_finalize(p->check);
	sqlite3_finalize(p->param);
	sqlite3_finalize(p->maps);
	sqlite3_finalize(p->tests);
}

static int bind(struct pkg *p, sqlite3_stmt *st, const char *id)
{
	int r;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	r = sqlite3_bind_int64(st, 1, p->asset_pk) == SQLITE_OK ? 0 : -ENOMEM;
	if (r >= 0)
		r = store_bind_text(p->s, st, 2, id);
	if (r >= 0 && sqlite3_bind_parameter_count(st) >= 3)
		r = store_bind_text(p->s, st, 3, p->asset);
	return r;
}

/* The parameters of @params (JSON) with their values: a new JSON text, and how many are open. */
static int fill_params(struct pkg *p, const char *params, char **ret, size_t *ret_open)
{
	struct json_object *arr = params ? json_tokener_parse(params) : NULL, *out;
	int r = 0;

	*ret = NULL;
	*ret_open = 0;
	if (!arr || !json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return 0;
	}
	out = json_object_new_array();
	for (size_t i = 0; out && r >= 0 && i < json_object_array_length(arr); i++) {
		struct json_object *in = json_object_array_get_idx(arr, i), *v, *o;
		const char *pid = json_object_object_get_ex(in, "id", &v) ? json_object_get_string(v) : NULL;

		if (!pid)
			continue;
		o = json_object_new_object();
		if (!o) {
			r = -ENOMEM;
			break;
		}
		json_object_object_add(o, "id", json_object_new_string(pid));
		if (json_object_object_get_ex(in, "label", &v))
			json_object_object_add(o, "label", json_object_get(v));
		r = bind(p, p->param, pid);
		if (r >= 0)
			r = store_step_row(p->s, p->param);
		if (r == 1)
			json_object_object_add(o, "value",
					       json_object_new_string((const char *)sqlite3_column_text(
						       p->param, 0)));
		else {
			json_object_object_add(o, "value", NULL);
			(*ret_open)++;
		}
		json_object_array_add(out, o);
	}
	if (out && r >= 0) {
		*ret = strdup(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
		if (!*ret)
			r = -ENOMEM;
	} else if (r >= 0)
		r = -ENOMEM;
	json_object_put(out);
	json_object_put(arr);
	return r < 0 ? r : 0;
}

/* What the tests naming requirement @id observe for the asset. */
static int observe(struct pkg *p, const char *id, char *obs, size_t olen, char *by, size_t blen)
{
	bool fail = false, insufficient = false, any = false;
	size_t bl = 0;
	int r;

	obs[0] = by[0] = '\0';
	r = bind(p, p->tests, id);
	while (r >= 0 && (r = store_step_row(p->s, p->tests)) == 1) {
		const char *name = (const char *)sqlite3_column_text(p->tests, 0);
		const char *res = (const char *)sqlite3_column_text(p->tests, 1);
		const char *expect = (const char *)sqlite3_column_text(p->tests, 2);

		any = true;
		if (!res || strcmp(res, "insufficient") == 0)
			insufficient = true;
		else if (strcmp(res, expect) != 0)
			fail = true;
		if (bl + strlen(name) + 2 < blen)
			bl += (size_t)snprintf(by + bl, blen - bl, "%s%s", bl ? "," : "", name);
	}
	if (r < 0)
		return r;
	if (any) {
		snprintf(obs, olen, "%s", fail ? "fail" : insufficient ? "insufficient" : "pass");
		return 0;
	}
	/* no test names it: the method's requirements are answered from the register */
	return p->asset_pk == 0 ? model_method_observe(p->s, id, obs, olen, by, blen) : 0;
}

static int emit(struct pkg *p, size_t i, int (*cb)(const struct isms_package_entry *e, void *),
		void *ud, struct isms_package_totals *t)
{
	struct req_row *w = &p->rows[i];
	struct isms_package_entry e = {
		.asset = p->asset, .catalogue = w->catalogue, .id = w->id, .title = w->title,
		.sec_level = w->sec_level, .effort_level = w->effort_level,
		.modal_verb = w->modal_verb, .categories = w->categories, .why = p->why[i],
	};
	char *tl[4] = {0}, *ck[5] = {0}, *params = NULL, *controls = NULL;
	char obs[16], by[512];
	bool oom = false;
	int r;

	r = bind(p, p->tailoring, w->id);
	if (r >= 0 && (r = store_step_row(p->s, p->tailoring)) == 1)
		for (int k = 0; k < 4; k++)
			tl[k] = register_col_dup(p->tailoring, k, &oom);
	/* not in the package and not added: not passed at all */
	if (r >= 0 && e.why == ISMS_PKG_NO && !(tl[0] && strcmp(tl[0], "add") == 0)) {
		r = 0;
		goto out;
	}
	if (r >= 0)
		r = bind(p, p->check, w->id);
	if (r >= 0 && (r = store_step_row(p->s, p->check)) == 1)
		for (int k = 0; k < 5; k++)
			ck[k] = register_col_dup(p->check, k, &oom);
	if (r >= 0)
		r = fill_params(p, w->params, &params, &e.params_open);
	if (r >= 0)
		r = bind(p, p->maps, w->id);
	if (r >= 0 && (r = store_step_row(p->s, p->maps)) == 1)
		controls = register_col_dup(p->maps, 0, &oom);
	if (r >= 0)
		r = observe(p, w->id, obs, sizeof(obs), by, sizeof(by));
	if (r >= 0 && oom)
		r = -ENOMEM;
	if (r < 0)
		goto out;
	e.tailoring = tl[0];
	e.tailoring_id = tl[1];
	e.justification = tl[2];
	e.risk = tl[3];
	e.status = ck[0];
	e.check_id = ck[1];
	e.owner = ck[2];
	e.measure = ck[3];
	e.checked_at = ck[4];
	e.params = params;
	e.controls = controls;
	e.observed = obs[0] ? obs : NULL;
	e.observed_by = by[0] ? by : NULL;
	if (e.tailoring && strcmp(e.tailoring, "exclude") == 0) {
		t->excluded++;
	} else {
		t->requirements++;
		t->added += e.tailoring != NULL;
		t->checked += e.status != NULL;
		if (!e.status)
			t->open++;
		else if (strcmp(e.status, "yes") == 0)
			t->yes++;
		else if (strcmp(e.status, "partly") == 0)
			t->partly++;
		else if (strcmp(e.status, "no") == 0)
			t->no++;
		else
			t->not_applicable++;
		t->observed += e.observed != NULL;
		t->observed_fail += e.observed && strcmp(e.observed, "fail") == 0;
	}
	r = cb(&e, ud);
out:
	for (int k = 0; k < 4; k++)
		free(tl[k]);
	for (int k = 0; k < 5; k++)
		free(ck[k]);
	free(params);
	free(controls);
	return r;
}

int isms_package_list(struct isms_store *s, const char *asset,
		      int (*cb)(const struct isms_package_entry *e, void *userdata), void *userdata,
		      struct isms_package_totals *ret_totals)
{
	struct pkg p = {.s = s, .asset = asset};
	struct isms_package_totals t = {0};
	struct model_graph *g = NULL;
	struct isms_toc *toc = NULL;
	int r, type = -1, protection = 0, found = -1;

	r = isms_model_types(s, &toc);
	if (r >= 0)
		r = model_graph_read(s, &g);
	for (size_t i = 0; r >= 0 && i < g->n; i++) {
		struct isms_model_protection pr;

		model_graph_protection(g, i, &pr);
		if (asset && strcmp(asset, g->asset[i].name) == 0)
			found = (int)i;
		/* the information domain needs what its most demanding asset needs */
		if (!asset && pr.highest > protection)
			protection = pr.highest;
	}
	if (r >= 0 && asset) {
		struct isms_model_protection pr;

		if (found < 0) {
			r = store_seterr(s, -ENOENT, "no asset '%s'", asset);
			goto out;
		}
		model_graph_protection(g, (size_t)found, &pr);
		protection = pr.highest;
		p.asset_pk = g->asset[found].pk;
		if (!pr.target_object) {
			r = store_seterr(s, -EINVAL, "asset '%s' has no target object type: 'ismsctl"
						     " asset set %s --target-object TYPE' ('ismsctl"
						     " package types' lists them)", asset, asset);
			goto out;
		}
		type = isms_toc_find(toc, pr.target_object);
		if (type < 0) {
			r = store_seterr(s, -EINVAL, "asset '%s': its target object type '%s' is not"
						     " among those loaded", asset, pr.target_object);
			goto out;
		}
	}
	if (r >= 0)
		r = read_requirements(&p);
	if (r >= 0)
		r = prepare_all(&p);
	if (r < 0)
		goto out;
	isms_package_select(toc, type, protection, p.reqs, p.n, p.why);
	for (size_t i = 0; i < p.n && r == 0; i++)
		r = emit(&p, i, cb, userdata, &t);
	if (r == 0 && ret_totals)
		*ret_totals = t;
out:
	finalize_all(&p);
	rows_free(&p);
	model_graph_free(g);
	isms_toc_free(toc);
	return r;
}
