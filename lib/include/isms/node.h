/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_NODE_H
#define ISMS_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"

/*
 * The fleet's node registry: the hosts a central auditd may hear from, by
 * the node= name their auditd writes, the addresses they may send from and
 * the Kerberos principal their connection authenticates as.  audisp-isms
 * reads it to decide whether a record's node= can be believed
 * (audisp-isms(8), FLEET); `ismsctl node` keeps it (the register type
 * "node").
 */

/* The longest addresses value and the most networks one node may have. */
#define ISMS_NODE_ADDRESSES_MAX 4096
#define ISMS_NODE_NETS_MAX      64

/* An address or a network: 16 bytes, IPv4 as v4-mapped IPv6 (::ffff:a.b.c.d). */
struct isms_node_net {
	uint8_t addr[16];
	unsigned prefix; /* 0..128, over the 16 bytes (an IPv4 /24 is 120) */
};

/*
 * Parse one address or network ("10.0.0.2", "10.0.1.0/24", "fd00::/64",
 * "::1"): host bits set beyond the prefix are refused, so that a network is
 * written as what it is.  0, or -EINVAL with the reason in @err.  Pure.
 */
int isms_node_net_parse(const char *in, struct isms_node_net *ret, char *err, size_t errlen);
/* Whether the address @addr (no prefix, as auditd writes it) lies in @net. Pure. */
bool isms_node_net_contains(const struct isms_node_net *net, const struct isms_node_net *addr);
/* Whether two networks share an address. Pure. */
bool isms_node_net_overlap(const struct isms_node_net *a, const struct isms_node_net *b);
/*
 * Parse a comma-separated list (spaces around items allowed) into @ret (at
 * most ISMS_NODE_NETS_MAX); *ret_n is set.  An empty list is 0 networks.
 * 0 or -EINVAL with the reason in @err.  Pure.
 */
int isms_node_nets_parse(const char *in, struct isms_node_net *ret, size_t *ret_n, char *err,
			 size_t errlen);
/* The field check of node.addresses (struct isms_field.check). */
int isms_node_addresses_check(const char *in, char *err, size_t errlen);
/* The field check of node.name: what auditd's name_format may produce, 1..255 bytes. */
int isms_node_name_check(const char *in, char *err, size_t errlen);

struct isms_node {
	char *name;
	char *asset;     /* NULL: none */
	char *principal; /* NULL: none */
	bool local;      /* the central itself */
	struct isms_node_net *nets;
	size_t nnets;
};

struct isms_node_registry {
	struct isms_node *node; /* by name */
	size_t n;
};

/* Read the registry from @s: 0 with *ret (free with isms_node_registry_free), or -errno. */
int isms_node_registry_load(struct isms_store *s, struct isms_node_registry **ret);
struct isms_node_registry *isms_node_registry_free(struct isms_node_registry *reg);
/*
 * A digest of the registry as @s holds it now (one query, no parsing), into
 * @ret (64 hex and a NUL): a reader that polls compares it with the last to
 * tell whether to load again.  0 or -errno.
 */
int isms_node_registry_stamp(struct isms_store *s, char ret[65]);
/* The node named @name, or NULL. */
const struct isms_node *isms_node_find(const struct isms_node_registry *reg, const char *name);
/*
 * The node one of whose networks holds the address @addr (text as auditd's
 * DAEMON_ACCEPT writes it: "10.0.0.2", "fd00::2", "::ffff:10.0.0.2"), or
 * NULL when none does or @addr does not parse.
 */
const struct isms_node *isms_node_for_address(const struct isms_node_registry *reg,
					      const char *addr);
/* Whether @node may send from @addr. */
bool isms_node_has_address(const struct isms_node *node, const char *addr);
/* The node registered with the Kerberos principal @principal, or NULL. */
const struct isms_node *isms_node_for_principal(const struct isms_node_registry *reg,
						const char *principal);

#endif
