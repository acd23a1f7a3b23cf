/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node registry read from the store for audisp-isms: one read, then
 * lookups by name, address and principal without the store.  A registry
 * that cannot be read whole is an error, never a shorter one: a node left
 * out would have its records kept apart, one read twice could be believed.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "isms/node.h"
#include "isms/sha256.h"
#include "register_internal.h"
#include "store_internal.h"

static void node_release(struct isms_node *n)
{
	free(n->name);
	free(n->asset);
	free(n->principal);
	free(n->nets);
}

struct isms_node_registry *isms_node_registry_free(struct isms_node_registry *reg)
{
	if (!reg)
		return NULL;
	for (size_t i = 0; i < reg->n; i++)
		node_release(&reg->node[i]);
	free(reg->node);
	free(reg);
	return NULL;
}

/* One row into @n: its networks parsed again, since a store may be older or edited. */
static int node_read(struct isms_store *s, sqlite3_stmt *st, struct isms_node *n)
{
	const char *addrs = (const char *)sqlite3_column_text(st, 2);
	char err[256];
	bool oom = false;

	n->name = register_col_dup(st, 0, &oom);
	n->asset = register_col_dup(st, 1, &oom);
	n->principal = register_col_dup(st, 3, &oom);
	n->local = sqlite3_column_int(st, 4) == 1;
	n->nets = calloc(ISMS_NODE_NETS_MAX, sizeof(*n->nets));
	if (oom || !n->name || !n->nets)
		return -ENOMEM;
	if (isms_node_nets_parse(addrs, n->nets, &n->nnets, err, sizeof(err)) < 0)
		return store_seterr(s, -EINVAL, "node '%.64s': %s", n->name, err);
	return 0;
}

int isms_node_registry_load(struct isms_store *s, struct isms_node_registry **ret)
{
	struct isms_node_registry *reg = calloc(1, sizeof(*reg));
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r;

	*ret = NULL;
	if (!reg)
		return -ENOMEM;
	r = store_prepare(s, "SELECT n.name, a.name, n.addresses, n.principal, n.local FROM node n"
			     " LEFT JOIN asset a ON a.pk = n.asset ORDER BY n.name",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		if (reg->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct isms_node *nn = realloc(reg->node, ncap * sizeof(*nn));

			if (!nn) {
				r = -ENOMEM;
				break;
			}
			reg->node = nn;
			cap = ncap;
		}
		memset(&reg->node[reg->n], 0, sizeof(reg->node[0]));
		r = node_read(s, st, &reg->node[reg->n]);
		reg->n++;
	}
	sqlite3_finalize(st);
	if (r < 0) {
		isms_node_registry_free(reg);
		return r;
	}
	*ret = reg;
	return 0;
}

int isms_node_registry_stamp(struct isms_store *s, char ret[65])
{
	sqlite3_stmt *st = NULL;
	int r;

	/* every column load reads, the asset by its name (a rename changes it) */
	r = store_prepare(s, "SELECT count(*) || char(30) || ifnull(group_concat(n.name || char(31) ||"
			     " ifnull(a.name, '') || char(31) || ifnull(n.addresses, '') || char(31) ||"
			     " ifnull(n.principal, '') || char(31) || n.local, char(30)), '')"
			     " FROM (SELECT * FROM node ORDER BY name) n LEFT JOIN asset a ON a.pk = n.asset",
			  &st);
	if (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const void *t = sqlite3_column_blob(st, 0);

		r = isms_sha256_hex(t ? t : "", (size_t)sqlite3_column_bytes(st, 0), ret);
	} else if (r >= 0) {
		r = -EIO;
	}
	sqlite3_finalize(st);
	return r;
}

const struct isms_node *isms_node_find(const struct isms_node_registry *reg, const char *name)
{
	size_t lo = 0, hi = reg ? reg->n : 0;

	/* The rows came ordered by name; SQLite's BINARY collation is memcmp, as strcmp. */
	while (name && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(reg->node[mid].name, name);

		if (c == 0)
			return &reg->node[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool addr_parse(const char *addr, struct isms_node_net *a)
{
	char err[128];

	/* An address with a prefix is a network, not a sender. */
	return addr && !strchr(addr, '/') && isms_node_net_parse(addr, a, err, sizeof(err)) == 0;
}

static bool has_net(const struct isms_node *node, const struct isms_node_net *a)
{
	for (size_t j = 0; j < node->nnets; j++)
		if (isms_node_net_contains(&node->nets[j], a))
			return true;
	return false;
}

bool isms_node_has_address(const struct isms_node *node, const char *addr)
{
	struct isms_node_net a;

	return node && addr_parse(addr, &a) && has_net(node, &a);
}

const struct isms_node *isms_node_for_address(const struct isms_node_registry *reg,
					      const char *addr)
{
	struct isms_node_net a;

	if (!reg || !addr_parse(addr, &a))
		return NULL;
	/* Networks of different nodes never overlap (the register refuses it): one answer. */
	for (size_t i = 0; i < reg->n; i++)
		if (has_net(&reg->node[i], &a))
			return &reg->node[i];
	return NULL;
}

const struct isms_node *isms_node_for_principal(const struct isms_node_registry *reg,
						const char *principal)
{
	for (size_t i = 0; reg && principal && i < reg->n; i++)
		if (reg->node[i].principal && strcmp(reg->node[i].principal, principal) == 0)
			return &reg->node[i];
	return NULL;
}
