/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An asset as a target object: its type is one the BSI lists (by name: a
 * synonym is answered with the name, so the register reads alike), and
 * what it depends on forms no cycle, since a requirement cannot be
 * inherited from itself.  Checked on every add, change and import.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelling_internal.h"
#include "register_internal.h"
#include "risk_impact_internal.h"
#include "store_internal.h"

static bool given(const struct isms_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, name) == 0)
			return true;
	return false;
}

static int check_type(struct isms_store *s, const char *key)
{
	struct isms_toc *toc = NULL;
	char *type = NULL;
	int r, i;

	r = register_row(s, "SELECT target_object FROM asset WHERE name = ?1", key, &type, 1);
	if (r < 0 || !type)
		return r < 0 ? r : 0;
	r = isms_model_types(s, &toc);
	if (r < 0)
		goto out;
	i = isms_toc_find(toc, type);
	if (i < 0)
		r = store_seterr(s, -EINVAL,
				 "asset '%.64s': '%.64s' is not a target object type of the BSI's list"
				 " ('ismsctl package types' lists them)", key, type);
	else if (strcmp(toc->types[i].name, type) != 0)
		r = store_seterr(s, -EINVAL, "asset '%.64s': '%.64s' is a synonym: give the type's"
					     " name, '%s'", key, type, toc->types[i].name);
out:
	isms_toc_free(toc);
	free(type);
	return r;
}

int model_asset_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	struct model_graph *g = NULL;
	int r;

	r = risk_impact_asset_written(s, e, key, kv, n, added);
	if (r >= 0 && given(kv, n, "target_object"))
		r = check_type(s, key);
	if (r >= 0 && given(kv, n, "depends_on")) {
		r = model_graph_read(s, &g);
		model_graph_free(g);
	}
	return r < 0 ? r : 0;
}
