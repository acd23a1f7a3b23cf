/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protection requirements inherited by the maximum principle (BSI 200-2):
 * along a chain and a fan, overrides for the distribution and the
 * cumulative effect, cycles and bad edges refused, a long chain without
 * recursion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/protection.h"
#include "testutil.h"

#define NODE(c, i, a) {{c, i, a}, {-1, -1, -1}}

/* process -> application -> host -> room: the process's requirement reaches the room. */
static void t_chain(void **state)
{
	struct isms_prot_node nodes[] = {NODE(2, 1, 0), NODE(0, 0, 1), NODE(0, 0, 0), NODE(0, 0, 0)};
	struct isms_prot_edge edges[] = {{0, 1}, {1, 2}, {2, 3}};
	struct isms_prot_result out[4];

	(void)state;
	assert_int_equal(isms_prot_inherit(nodes, 4, edges, 3, out, NULL), 0);
	for (int k = 1; k < 4; k++) {
		assert_int_equal(out[k].level[ISMS_PROT_C], 2);
		assert_int_equal(out[k].level[ISMS_PROT_I], 1);
		assert_int_equal(out[k].level[ISMS_PROT_A], 1);
		assert_int_equal(out[k].source[ISMS_PROT_C], k - 1);
	}
	assert_int_equal(out[0].source[ISMS_PROT_C], ISMS_PROT_OWN);
	/* the application's own availability, passed on from it */
	assert_int_equal(out[1].source[ISMS_PROT_A], ISMS_PROT_OWN);
	assert_int_equal(out[2].source[ISMS_PROT_A], 1);
}

/* Two processes on one host: the host takes the higher of each objective. */
static void t_fan_in(void **state)
{
	struct isms_prot_node nodes[] = {NODE(2, 0, 0), NODE(0, 0, 2), NODE(1, 1, 0)};
	struct isms_prot_edge edges[] = {{0, 2}, {1, 2}};
	struct isms_prot_result out[3];

	(void)state;
	assert_int_equal(isms_prot_inherit(nodes, 3, edges, 2, out, NULL), 0);
	assert_int_equal(out[2].level[ISMS_PROT_C], 2);
	assert_int_equal(out[2].source[ISMS_PROT_C], 0);
	assert_int_equal(out[2].level[ISMS_PROT_I], 1);
	assert_int_equal(out[2].source[ISMS_PROT_I], ISMS_PROT_OWN);
	assert_int_equal(out[2].level[ISMS_PROT_A], 2);
	assert_int_equal(out[2].source[ISMS_PROT_A], 1);
}

/*
 * Distribution: the process runs on two redundant hosts, so each needs less
 * availability than the process; the override holds, and what depends on
 * the host inherits the override, not the process's value.  Cumulative:
 * many normal applications on one host make it high.
 */
static void t_overrides(void **state)
{
	struct isms_prot_node nodes[] = {NODE(0, 0, 2), NODE(0, 0, 0), NODE(0, 0, 0),
					 NODE(0, 0, 0)};
	struct isms_prot_edge edges[] = {{0, 1}, {0, 2}, {1, 3}};
	struct isms_prot_result out[4];

	(void)state;
	nodes[1].override[ISMS_PROT_A] = 1;
	assert_int_equal(isms_prot_inherit(nodes, 4, edges, 3, out, NULL), 0);
	assert_int_equal(out[1].level[ISMS_PROT_A], 1);
	assert_int_equal(out[1].inherited[ISMS_PROT_A], 2);
	assert_int_equal(out[1].source[ISMS_PROT_A], ISMS_PROT_OVERRIDE);
	assert_int_equal(out[2].level[ISMS_PROT_A], 2);
	assert_int_equal(out[3].level[ISMS_PROT_A], 1);
	assert_int_equal(out[3].source[ISMS_PROT_A], 1);

	nodes[3].override[ISMS_PROT_C] = 1; /* cumulative effect */
	assert_int_equal(isms_prot_inherit(nodes, 4, edges, 3, out, NULL), 0);
	assert_int_equal(out[3].level[ISMS_PROT_C], 1);
	assert_int_equal(out[3].inherited[ISMS_PROT_C], 0);
	assert_int_equal(out[3].source[ISMS_PROT_C], ISMS_PROT_OVERRIDE);
}

static void t_refused(void **state)
{
	struct isms_prot_node nodes[] = {NODE(0, 0, 0), NODE(0, 0, 0), NODE(0, 0, 0),
					 NODE(0, 0, 0)};
	/* 3 depends on 0, and 0 -> 1 -> 2 -> 0 is a cycle: 3 is below it, not on it */
	struct isms_prot_edge cycle[] = {{3, 0}, {0, 1}, {1, 2}, {2, 0}};
	struct isms_prot_edge self[] = {{1, 1}}, range[] = {{0, 4}};
	struct isms_prot_result out[4];
	size_t at = 99;

	(void)state;
	assert_int_equal(isms_prot_inherit(nodes, 4, cycle, 4, out, &at), -ELOOP);
	assert_true(at <= 2);
	assert_int_equal(isms_prot_inherit(nodes, 4, self, 1, out, NULL), -EINVAL);
	assert_int_equal(isms_prot_inherit(nodes, 4, range, 1, out, NULL), -EINVAL);
	assert_int_equal(isms_prot_inherit(nodes, 0, NULL, 0, out, NULL), 0);
}

/* 100000 nodes in one chain: no recursion, the top's requirement at the bottom. */
static void t_long_chain(void **state)
{
	size_t n = 100000;
	struct isms_prot_node *nodes = calloc(n, sizeof(*nodes));
	struct isms_prot_edge *edges = calloc(n - 1, sizeof(*edges));
	struct isms_prot_result *out = calloc(n, sizeof(*out));

	(void)state;
	assert_true(nodes && edges && out);
	for (size_t i = 0; i < n; i++)
		for (int o = 0; o < ISMS_PROT_N; o++)
			nodes[i].override[o] = -1;
	nodes[0].own[ISMS_PROT_I] = 2;
	/* edges listed bottom up, so the order given is not the order settled */
	for (size_t i = 0; i + 1 < n; i++) {
		edges[n - 2 - i].from = i;
		edges[n - 2 - i].to = i + 1;
	}
	assert_int_equal(isms_prot_inherit(nodes, n, edges, n - 1, out, NULL), 0);
	assert_int_equal(out[n - 1].level[ISMS_PROT_I], 2);
	assert_int_equal(out[n - 1].source[ISMS_PROT_I], (int)(n - 2));
	/* closed into one cycle of every node: refused in linear time, a node named */
	edges = realloc(edges, n * sizeof(*edges));
	assert_non_null(edges);
	edges[n - 1].from = n - 1;
	edges[n - 1].to = 0;
	{
		size_t at = n;

		assert_int_equal(isms_prot_inherit(nodes, n, edges, n, out, &at), -ELOOP);
		assert_true(at < n);
	}
	free(nodes);
	free(edges);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_chain),   cmocka_unit_test(t_fan_in),
		cmocka_unit_test(t_overrides), cmocka_unit_test(t_refused),
		cmocka_unit_test(t_long_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
