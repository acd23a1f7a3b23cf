/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The effective protection requirement of each asset: the register's
 * assets, their dependencies and the overrides read in one go, then the
 * maximum principle (lib/protection.c) over the whole graph, since an
 * asset's requirement may come from any asset above it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/modelling.h"
#include "modelling_internal.h"
#include "register_internal.h"
#include "store_internal.h"

static const char *const level_names[] = {"normal", "high", "very_high"};
static const char *const objectives[ISMS_PROT_N] = {"confidentiality", "integrity",
						    "availability"};

int isms_model_level(const char *text)
{
	for (int i = 0; i < 3; i++)
		if (text && strcmp(text, level_names[i]) == 0)
			return i;
	return -1;
}

const char *isms_model_level_name(int level)
{
	return level >= 0 && level < 3 ? level_names[level] : "?";
}

static int objective_index(const char *name)
{
	for (int o = 0; o < ISMS_PROT_N; o++)
		if (name && strcmp(name, objectives[o]) == 0)
			return o;
	return -1;
}

void model_graph_free(struct model_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->asset[i].name);
		free(g->asset[i].type);
		free(g->asset[i].target_object);
		for (int o = 0; o < ISMS_PROT_N; o++) {
			free(g->asset[i].override_id[o]);
			free(g->asset[i].effect[o]);
		}
	}
	free(g->asset);
	free(g->node);
	free(g->edge);
	free(g->result);
	free(g);
}

static int index_of(const struct model_graph *g, int64_t pk)
{
	/* assets are read in pk order */
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g->asset[mid].pk == pk)
			return (int)mid;
		if (g->asset[mid].pk < pk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int read_assets(struct isms_store *s, struct model_graph *g)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	bool oom = false;
	int r;

	r = store_prepare(s, "SELECT pk, name, type, target_object, confidentiality, integrity,"
			     " availability FROM asset ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct model_asset *a;

		if (g->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			void *na = realloc(g->asset, nc * sizeof(*g->asset));
			void *nn = na ? realloc(g->node, nc * sizeof(*g->node)) : NULL;

			if (na)
				g->asset = na;
			if (!nn) {
				r = -ENOMEM;
				break;
			}
			g->node = nn;
			cap = nc;
		}
		a = &g->asset[g->n];
		memset(a, 0, sizeof(*a));
		memset(&g->node[g->n], 0, sizeof(g->node[g->n]));
		g->n++;
		a->pk = sqlite3_column_int64(st, 0);
		a->name = register_col_dup(st, 1, &oom);
		a->type = register_col_dup(st, 2, &oom);
		a->target_object = register_col_dup(st, 3, &oom);
		for (int o = 0; o < ISMS_PROT_N; o++) {
			int l = isms_model_level((const char *)sqlite3_column_text(st, 4 + o));

			g->node[g->n - 1].own[o] = l < 0 ? 0 : l;
			g->node[g->n - 1].override[o] = -1;
		}
		if (oom) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return r;
}

static int read_edges(struct isms_store *s, struct model_graph *g)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r;

	r = store_prepare(s, "SELECT asset, depends_on FROM asset_dependency ORDER BY asset, depends_on",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int from = index_of(g, sqlite3_column_int64(st, 0));
		int to = index_of(g, sqlite3_column_int64(st, 1));

		if (from < 0 || to < 0)
			continue; /* not possible with the foreign keys on */
		if (from == to) {
			r = store_seterr(s, -EINVAL, "asset '%s' cannot depend on itself",
					 g->asset[from].name);
			break;
		}
		if (g->ne == cap) {
			size_t nc = cap ? 2 * cap : 64;
			void *ne = realloc(g->edge, nc * sizeof(*g->edge));

			if (!ne) {
				r = -ENOMEM;
				break;
			}
			g->edge = ne;
			cap = nc;
		}
		g->edge[g->ne].from = (size_t)from;
		g->edge[g->ne].to = (size_t)to;
		g->ne++;
	}
	sqlite3_finalize(st);
	return r;
}

static int read_overrides(struct isms_store *s, struct model_graph *g)
{
	sqlite3_stmt *st = NULL;
	bool oom = false;
	int r;

	r = store_prepare(s, "SELECT asset, objective, level, id, effect FROM protection_override"
			     " ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int i = index_of(g, sqlite3_column_int64(st, 0));
		int o = objective_index((const char *)sqlite3_column_text(st, 1));
		int l = isms_model_level((const char *)sqlite3_column_text(st, 2));

		if (i < 0 || o < 0 || l < 0)
			continue; /* checked on write */
		g->node[i].override[o] = l;
		free(g->asset[i].override_id[o]);
		free(g->asset[i].effect[o]);
		g->asset[i].override_id[o] = register_col_dup(st, 3, &oom);
		g->asset[i].effect[o] = register_col_dup(st, 4, &oom);
		if (oom) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return r;
}

int model_graph_read(struct isms_store *s, struct model_graph **ret)
{
	struct model_graph *g = calloc(1, sizeof(*g));
	size_t at = 0;
	int r;

	*ret = NULL;
	if (!g)
		return -ENOMEM;
	r = read_assets(s, g);
	if (r >= 0)
		r = read_edges(s, g);
	if (r >= 0)
		r = read_overrides(s, g);
	if (r >= 0 && g->n) {
		g->result = calloc(g->n, sizeof(*g->result));
		r = g->result ? 0 : -ENOMEM;
	}
	if (r >= 0)
		r = isms_prot_inherit(g->node, g->n, g->edge, g->ne, g->result, &at);
	if (r == -ELOOP)
		r = store_seterr(s, r, "the dependencies of asset '%s' form a cycle: an asset cannot"
				       " depend on what depends on it",
				 at < g->n ? g->asset[at].name : "?");
	if (r < 0) {
		model_graph_free(g);
		return r;
	}
	*ret = g;
	return 0;
}

void model_graph_protection(const struct model_graph *g, size_t i, struct isms_model_protection *p)
{
	const struct model_asset *a = &g->asset[i];

	memset(p, 0, sizeof(*p));
	p->asset = a->name;
	p->type = a->type;
	p->target_object = a->target_object;
	for (int o = 0; o < ISMS_PROT_N; o++) {
		int src = g->result[i].source[o];

		p->own[o] = g->node[i].own[o];
		p->inherited[o] = g->result[i].inherited[o];
		p->effective[o] = g->result[i].level[o];
		p->override[o] = src == ISMS_PROT_OVERRIDE ? a->override_id[o] : NULL;
		p->effect[o] = src == ISMS_PROT_OVERRIDE ? a->effect[o] : NULL;
		/* an override may equal what it replaces; the inherited source still explains it */
		if (src >= 0)
			p->from[o] = g->asset[src].name;
		if (p->effective[o] > p->highest)
			p->highest = p->effective[o];
	}
}

int isms_model_protection(struct isms_store *s, const char *asset,
			  int (*cb)(const struct isms_model_protection *p, void *userdata),
			  void *userdata)
{
	struct model_graph *g = NULL;
	struct isms_model_protection p;
	bool found = false;
	int r;

	r = model_graph_read(s, &g);
	if (r < 0)
		return r;
	for (size_t i = 0; i < g->n && r == 0; i++) {
		if (asset && strcmp(asset, g->asset[i].name) != 0)
			continue;
		found = true;
		model_graph_protection(g, i, &p);
		r = cb(&p, userdata);
	}
	if (r == 0 && asset && !found)
		r = store_seterr(s, -ENOENT, "no asset '%s'", asset);
	model_graph_free(g);
	return r;
}

static int modelled(const struct isms_model_protection *p, void *ud)
{
	struct isms_model_names *nm = ud;
	char **nv;

	if (!p->target_object)
		return 0;
	nv = realloc(nm->v, (nm->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	nm->v = nv;
	nm->v[nm->n] = strdup(p->asset);
	return nm->v[nm->n++] ? 0 : -ENOMEM;
}

int isms_model_assets(struct isms_store *s, struct isms_model_names *ret)
{
	int r;

	ret->v = NULL;
	ret->n = 0;
	r = isms_model_protection(s, NULL, modelled, ret);
	if (r < 0)
		isms_model_names_release(ret);
	return r;
}

void isms_model_names_release(struct isms_model_names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	nm->v = NULL;
	nm->n = 0;
}
