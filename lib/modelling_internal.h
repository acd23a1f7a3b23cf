/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_MODELLING_INTERNAL_H
#define ISMS_MODELLING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/entity.h"
#include "isms/modelling.h"

/* The register's assets as a graph, with the maximum principle applied (model_protection.c). */
struct model_asset {
	int64_t pk;
	char *name, *type, *target_object;
	char *override_id[ISMS_PROT_N], *effect[ISMS_PROT_N];
};

struct model_graph {
	size_t n, ne;
	struct model_asset *asset;      /* in pk order */
	struct isms_prot_node *node;    /* aligned to asset */
	struct isms_prot_edge *edge;
	struct isms_prot_result *result; /* aligned to asset */
};

/* 0 and *ret, -ELOOP with the message naming an asset on the cycle, or -errno. */
int model_graph_read(struct isms_store *s, struct model_graph **ret);
void model_graph_free(struct model_graph *g);
/* The protection of asset @i, its strings owned by @g. */
void model_graph_protection(const struct model_graph *g, size_t i, struct isms_model_protection *p);

/*
 * The asset record type's written() hook: what risk_impact_asset_written()
 * checks, a target object type among those loaded (by its name, not a
 * synonym), and dependencies that form no cycle.
 */
int model_asset_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added);

/*
 * Whether @id is a control of an imported catalogue: 1 with *ret_catalogue
 * (malloc'd, optional), 0 (the store's message names it), or -errno.
 */
int model_requirement_find(struct isms_store *s, const char *id, char **ret_catalogue);

/*
 * What the store itself observes of method requirement @id (method_check.c):
 * 0 with @obs "pass", "fail" or "insufficient" and @by naming what was
 * looked at, or @obs empty when the requirement is not one the store can
 * answer; -errno when a lookup fails.
 */
int model_method_observe(struct isms_store *s, const char *id, char *obs, size_t olen, char *by,
			 size_t blen);

#endif
