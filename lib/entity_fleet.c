/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node register: the hosts of the fleet whose audit trail a central
 * auditd receives.  What makes a node= believable is here: the addresses a
 * host may send from (no two nodes share one, or the sender of a record
 * could not be told) and the Kerberos principal its connection
 * authenticates as.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/node.h"
#include "register_internal.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int principal_check(const char *in, char *err, size_t errlen)
{
	const char *at = strrchr(in, '@');

	if (strlen(in) > 255 || !at || at == in || !at[1]) {
		snprintf(err, errlen, "principal: '%.64s' is not a Kerberos principal"
				      " (service/host@REALM)", in);
		return -EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)in; *p; p++)
		if (*p <= ' ' || *p == 0x7f) {
			snprintf(err, errlen, "principal: '%.64s' has a space or control character",
				 in);
			return -EINVAL;
		}
	return 0;
}

static const struct isms_field node_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_FIXED, .check = isms_node_name_check,
	 .help = "the node= its auditd writes (name_format)"},
	{.name = "addresses", .check = isms_node_addresses_check,
	 .help = "addresses or networks it sends from, comma-separated (10.0.0.2,fd00::/64)"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset", .help = "the asset the host is"},
	{.name = "principal", .check = principal_check,
	 .help = "its Kerberos principal, when the transport is krb5 (host/a.example@EXAMPLE)"},
	{.name = "local", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "yes for the central itself (its own records)"},
	{.name = "enrolled_by", .type = ISMS_FT_REF, .ref = "person", .help = "who enrolled it"},
	{.name = "enrolled_at", .type = ISMS_FT_DATE, .dflt = ISMS_DFLT_TODAY, .help = "when"},
	{.name = "notes", .flags = ISMS_FF_HIDDEN, .help = "anything else"},
};

/* Another node whose networks share an address with @nets, into *ret_other. */
static int overlapping(struct isms_store *s, const char *key, const struct isms_node_net *nets,
		       size_t n, char **ret_other, char *net_text, size_t net_len)
{
	struct isms_node_net *theirs = calloc(ISMS_NODE_NETS_MAX, sizeof(*theirs));
	sqlite3_stmt *st = NULL;
	char err[256];
	bool oom = false;
	int r;

	*ret_other = NULL;
	if (!theirs)
		return -ENOMEM;
	r = store_prepare(s, "SELECT name, addresses FROM node WHERE name <> ?1"
			     " AND coalesce(addresses, '') <> ''", &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	while (r >= 0 && !*ret_other && (r = store_step_row(s, st)) == 1) {
		size_t m = 0;

		/* A row another build or an edit left unparsable does not hide an overlap. */
		if (isms_node_nets_parse((const char *)sqlite3_column_text(st, 1), theirs, &m, err,
					 sizeof(err)) < 0) {
			r = store_seterr(s, -EINVAL, "node '%.64s': %s",
					 (const char *)sqlite3_column_text(st, 0), err);
			break;
		}
		for (size_t i = 0; i < n && !*ret_other; i++)
			for (size_t j = 0; j < m && !*ret_other; j++)
				if (isms_node_net_overlap(&nets[i], &theirs[j])) {
					*ret_other = register_col_dup(st, 0, &oom);
					snprintf(net_text, net_len, "%s",
						 (const char *)sqlite3_column_text(st, 1));
				}
	}
	sqlite3_finalize(st);
	free(theirs);
	if (oom)
		return -ENOMEM;
	return r < 0 ? r : 0;
}

static int node_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	struct isms_node_net *nets = NULL;
	char *v[3] = {0}, *other = NULL, err[256], theirs[256];
	size_t nn = 0;
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s, "SELECT addresses, local, principal FROM node WHERE name = ?1", key, v,
			 3);
	if (r < 0)
		return r;
	nets = calloc(ISMS_NODE_NETS_MAX, sizeof(*nets));
	if (!nets) {
		r = -ENOMEM;
		goto out;
	}
	r = isms_node_nets_parse(v[0], nets, &nn, err, sizeof(err));
	if (r < 0) {
		r = store_seterr(s, r, "node '%.64s': %s", key, err);
		goto out;
	}
	/* Without an address or a principal nothing could vouch for its node=. */
	if (nn == 0 && !v[2] && strcmp(v[1], "1") != 0) {
		r = store_seterr(s, -EINVAL, "node '%.64s': give the addresses it sends from"
					     " (--addresses), its Kerberos principal (--principal),"
					     " or --local yes for the central itself", key);
		goto out;
	}
	r = overlapping(s, key, nets, nn, &other, theirs, sizeof(theirs));
	if (r >= 0 && other)
		r = store_seterr(s, -EEXIST, "node '%.64s': its addresses overlap those of node"
					     " '%.64s' (%.128s): the sender of a record could not be"
					     " told", 
				 key, other, theirs);
	if (r >= 0 && v[2]) {
		free(other);
		other = NULL;
		r = store_query_text(s, "SELECT name FROM node WHERE principal = ?1 AND name <> ?2",
				     v[2], key, NULL, &other);
		if (r > 0)
			r = store_seterr(s, -EEXIST, "node '%.64s': principal '%.128s' is that of"
						     " node '%.64s' already", key, v[2], other);
	}
out:
	free(other);
	free(nets);
	register_row_release(v, 3);
	return r < 0 ? r : 0;
}

const struct isms_entity isms_entity_node = {
	.name = "node",
	.plural = "nodes",
	.table = "node",
	.fields = node_fields,
	.nfields = N(node_fields),
	.help = "the fleet's hosts a central auditd hears from (audisp-isms(8), FLEET)",
	.written = node_written,
};
