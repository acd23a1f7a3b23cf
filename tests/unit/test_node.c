/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fleet's node registry: addresses and networks (IPv4, IPv6, IPv4 as
 * auditd's dual-stack listener writes it), the register's refusals (shared
 * or overlapping addresses, a node nothing could vouch for, a principal
 * used twice) and the registry audisp-isms reads, with its lookups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/node.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

static struct isms_node_net net(const char *s)
{
	struct isms_node_net n;
	char err[256];

	if (isms_node_net_parse(s, &n, err, sizeof(err)) < 0)
		fail_msg("%s: %s", s, err);
	return n;
}

static void bad_net(const char *s, const char *why)
{
	struct isms_node_net n;
	char err[256] = "";

	assert_int_equal(isms_node_net_parse(s, &n, err, sizeof(err)), -EINVAL);
	assert_contains(err, why);
}

static void t_net_parse(void **state)
{
	struct isms_node_net a, b;

	(void)state;
	a = net("10.0.0.2");
	assert_int_equal(a.prefix, 128);
	b = net("::ffff:10.0.0.2");
	assert_memory_equal(a.addr, b.addr, 16);
	assert_int_equal(net("10.0.0.0/24").prefix, 120);
	assert_int_equal(net("fd00::/64").prefix, 64);
	assert_int_equal(net("0.0.0.0/0").prefix, 96);
	bad_net("10.0.0.1/24", "beyond the /24 prefix");
	bad_net("10.0.0.0/33", "0..32");
	bad_net("fd00::/129", "0..128");
	bad_net("10.0.0.0/", "prefix length");
	bad_net("10.0.0.0/+8", "prefix length");
	bad_net("10.0.0.0/8x", "prefix length");
	bad_net("10.0.0.256", "not an IPv4 or IPv6");
	bad_net("host-a", "not an IPv4 or IPv6");
	bad_net("", "not an address");
	bad_net("10.0.0.1 ", "not an IPv4 or IPv6");
}

static void t_net_match(void **state)
{
	struct isms_node_net n24 = net("10.0.1.0/24"), n16 = net("10.0.0.0/16"),
			     v6 = net("fd00:1::/32"), any4 = net("0.0.0.0/0");
	struct isms_node_net in = net("10.0.1.77"), out = net("10.0.2.1"), in6 = net("fd00:1:2::9"),
			     mapped = net("::ffff:10.0.1.9");

	(void)state;
	assert_true(isms_node_net_contains(&n24, &in));
	assert_false(isms_node_net_contains(&n24, &out));
	assert_true(isms_node_net_contains(&n24, &mapped));
	assert_true(isms_node_net_contains(&n16, &out));
	assert_true(isms_node_net_contains(&v6, &in6));
	assert_false(isms_node_net_contains(&v6, &in));
	assert_false(isms_node_net_contains(&n24, &in6));
	/* 0.0.0.0/0 is every IPv4 sender, and no IPv6 one */
	assert_true(isms_node_net_contains(&any4, &out));
	assert_false(isms_node_net_contains(&any4, &in6));
	/* a network does not contain a wider one */
	assert_false(isms_node_net_contains(&n24, &n16));
	assert_true(isms_node_net_overlap(&n24, &n16));
	assert_true(isms_node_net_overlap(&n16, &n24));
	assert_false(isms_node_net_overlap(&n24, &v6));
	assert_false(isms_node_net_overlap(&n24, &out));
}

static void t_nets_list(void **state)
{
	struct isms_node_net nets[ISMS_NODE_NETS_MAX];
	char err[256] = "", big[1200];
	size_t n = 99, len = 0;

	(void)state;
	assert_int_equal(isms_node_nets_parse("", nets, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(isms_node_nets_parse(" 10.0.0.2 , fd00::/64", nets, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(isms_node_nets_parse("10.0.0.2,", nets, &n, err, sizeof(err)), -EINVAL);
	assert_contains(err, "trailing comma");
	assert_int_equal(isms_node_nets_parse("10.0.0.2,,10.0.0.3", nets, &n, err, sizeof(err)),
			 -EINVAL);
	assert_contains(err, "empty");
	assert_int_equal(isms_node_nets_parse("10.0.0.0/8,10.1.0.0/16", nets, &n, err, sizeof(err)),
			 -EINVAL);
	assert_contains(err, "overlaps an earlier");
	for (int i = 0; i <= ISMS_NODE_NETS_MAX; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "%s10.0.%d.1", i ? "," : "", i);
	assert_int_equal(isms_node_nets_parse(big, nets, &n, err, sizeof(err)), -EINVAL);
	assert_contains(err, "more than 64");
	assert_int_equal(isms_node_name_check("host-a.example.org", err, sizeof(err)), 0);
	assert_int_equal(isms_node_name_check("a b", err, sizeof(err)), -EINVAL);
	assert_int_equal(isms_node_name_check("a=b", err, sizeof(err)), -EINVAL);
	assert_int_equal(isms_node_name_check("", err, sizeof(err)), -EINVAL);
}

static int add_node(struct isms_store *s, const struct isms_kv *kv, size_t n)
{
	return isms_record_add(s, tu_entity("node"), kv, n, NULL);
}

static void t_register(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;

	tu_add(s, "asset", TU_KV({"name", "web-01"}, {"type", "host"}));
	tu_add(s, "node", TU_KV({"name", "host-a"}, {"addresses", "10.0.0.2"}, {"asset", "web-01"}));
	tu_add(s, "node", TU_KV({"name", "host-b"}, {"addresses", "10.0.1.0/24,fd00::/64"}));
	tu_add(s, "node", TU_KV({"name", "central"}, {"local", "yes"}));
	tu_add(s, "node", TU_KV({"name", "k"}, {"principal", "host/k.example@EXAMPLE"}));
	assert_field(s, "node", "host-a", "asset", "web-01");
	assert_field(s, "node", "central", "local", "yes");
	assert_field(s, "node", "host-a", "local", "no");

	/* one address, two nodes: the sender of a record could not be told */
	assert_int_equal(add_node(s, TU_KV({"name", "c"}, {"addresses", "10.0.0.0/30"})), -EEXIST);
	assert_contains(isms_store_errmsg(s), "overlap those of node 'host-a'");
	assert_int_equal(add_node(s, TU_KV({"name", "c"}, {"addresses", "::ffff:10.0.1.200"})),
			 -EEXIST);
	assert_contains(isms_store_errmsg(s), "node 'host-b'");
	/* a change may not move a node onto another's network either */
	assert_int_equal(isms_record_change(s, tu_entity("node"), "host-a",
					    TU_KV({"addresses", "fd00::7"})),
			 -EEXIST);
	assert_field(s, "node", "host-a", "addresses", "10.0.0.2");
	/* nothing could vouch for it */
	assert_int_equal(add_node(s, TU_KV({"name", "c"})), -EINVAL);
	assert_contains(isms_store_errmsg(s), "--addresses");
	assert_int_equal(add_node(s, TU_KV({"name", "c"}, {"addresses", "10.0.9.1/24"})), -EINVAL);
	assert_int_equal(add_node(s, TU_KV({"name", "c"}, {"principal", "host/k.example@EXAMPLE"})),
			 -EEXIST);
	assert_int_equal(add_node(s, TU_KV({"name", "c"}, {"principal", "no-realm"})), -EINVAL);
	assert_int_equal(add_node(s, TU_KV({"name", "c d"}, {"addresses", "10.0.9.1"})), -EINVAL);
	assert_int_equal(tu_count(s, "node"), 4);
	/* the asset a node is stays while the node names it */
	assert_int_equal(isms_record_remove(s, tu_entity("asset"), "web-01"), -ENOTEMPTY);
}

static void t_registry(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_store *s = fx->s;
	struct isms_node_registry *reg = NULL;
	const struct isms_node *n;

	assert_int_equal(isms_node_registry_load(s, &reg), 0);
	assert_int_equal(reg->n, 0);
	assert_null(isms_node_for_address(reg, "10.0.0.2"));
	reg = isms_node_registry_free(reg);

	tu_add(s, "asset", TU_KV({"name", "web-01"}, {"type", "host"}));
	tu_add(s, "node", TU_KV({"name", "host-b"}, {"addresses", "10.0.1.0/24,fd00::/64"}));
	tu_add(s, "node", TU_KV({"name", "host-a"}, {"addresses", "10.0.0.2"}, {"asset", "web-01"}));
	tu_add(s, "node", TU_KV({"name", "central"}, {"local", "yes"}));
	tu_add(s, "node", TU_KV({"name", "k"}, {"principal", "host/k.example@EXAMPLE"}));
	assert_int_equal(isms_node_registry_load(s, &reg), 0);
	assert_int_equal(reg->n, 4);
	n = isms_node_find(reg, "host-a");
	assert_non_null(n);
	assert_string_equal(n->asset, "web-01");
	assert_false(n->local);
	assert_true(isms_node_find(reg, "central")->local);
	assert_null(isms_node_find(reg, "host-"));
	assert_null(isms_node_find(reg, "zz"));
	assert_ptr_equal(isms_node_for_address(reg, "10.0.0.2"), n);
	assert_ptr_equal(isms_node_for_address(reg, "::ffff:10.0.0.2"), n);
	assert_null(isms_node_for_address(reg, "10.0.0.3"));
	assert_string_equal(isms_node_for_address(reg, "fd00::1234")->name, "host-b");
	assert_string_equal(isms_node_for_address(reg, "10.0.1.250")->name, "host-b");
	/* a network is not a sender; nor is garbage */
	assert_null(isms_node_for_address(reg, "10.0.1.0/24"));
	assert_null(isms_node_for_address(reg, "host-b"));
	assert_null(isms_node_for_address(reg, NULL));
	assert_true(isms_node_has_address(n, "10.0.0.2"));
	assert_false(isms_node_has_address(n, "10.0.1.2"));
	assert_string_equal(isms_node_for_principal(reg, "host/k.example@EXAMPLE")->name, "k");
	assert_null(isms_node_for_principal(reg, "host/k.example@OTHER"));
	reg = isms_node_registry_free(reg);

	/* a row edited behind the register's back fails the read, never shortens it */
	assert_int_equal(tu_sql(fx->path, "UPDATE node SET addresses = '10.0.0.2/8' WHERE name = 'host-a';"), 0);
	assert_int_equal(isms_node_registry_load(s, &reg), -EINVAL);
	assert_null(reg);
	assert_contains(isms_store_errmsg(s), "node 'host-a'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_net_parse),
		cmocka_unit_test(t_net_match),
		cmocka_unit_test(t_nets_list),
		STORE_TEST(t_register),
		STORE_TEST(t_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
