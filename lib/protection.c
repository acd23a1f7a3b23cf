/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The maximum principle (isms/protection.h) in topological order: a node is
 * settled once every node depending on it is, so each edge is walked once
 * and a graph of any depth needs no recursion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/protection.h"

int isms_prot_inherit(const struct isms_prot_node *nodes, size_t n,
		      const struct isms_prot_edge *edges, size_t ne, struct isms_prot_result *out,
		      size_t *cycle_at)
{
	size_t *pending = NULL, *start = NULL, *adj = NULL, *queue = NULL, head = 0, tail = 0;
	int r = 0;

	if (n == 0)
		return 0;
	for (size_t e = 0; e < ne; e++)
		if (edges[e].from >= n || edges[e].to >= n || edges[e].from == edges[e].to)
			return -EINVAL;
	pending = calloc(n, sizeof(*pending));
	start = calloc(n + 1, sizeof(*start));
	adj = calloc(ne ? ne : 1, sizeof(*adj));
	queue = calloc(n, sizeof(*queue));
	if (!pending || !start || !adj || !queue) {
		r = -ENOMEM;
		goto out;
	}
	/* the nodes each node passes its requirement on to, grouped by node */
	for (size_t e = 0; e < ne; e++) {
		start[edges[e].from + 1]++;
		pending[edges[e].to]++;
	}
	for (size_t i = 0; i < n; i++)
		start[i + 1] += start[i];
	{
		size_t *fill = queue; /* borrowed as the per-node fill count */

		for (size_t e = 0; e < ne; e++)
			adj[start[edges[e].from] + fill[edges[e].from]++] = edges[e].to;
		memset(queue, 0, n * sizeof(*queue));
	}
	for (size_t i = 0; i < n; i++)
		for (int o = 0; o < ISMS_PROT_N; o++) {
			out[i].inherited[o] = nodes[i].own[o];
			out[i].source[o] = ISMS_PROT_OWN;
		}
	for (size_t i = 0; i < n; i++)
		if (pending[i] == 0)
			queue[tail++] = i;
	while (head < tail) {
		size_t i = queue[head++];

		for (int o = 0; o < ISMS_PROT_N; o++) {
			out[i].level[o] = out[i].inherited[o];
			if (nodes[i].override[o] >= 0) {
				out[i].level[o] = nodes[i].override[o];
				out[i].source[o] = ISMS_PROT_OVERRIDE;
			}
		}
		for (size_t k = start[i]; k < start[i + 1]; k++) {
			size_t j = adj[k];

			for (int o = 0; o < ISMS_PROT_N; o++)
				if (out[i].level[o] > out[j].inherited[o]) {
					out[j].inherited[o] = out[i].level[o];
					out[j].source[o] = (int)i;
				}
			if (--pending[j] == 0)
				queue[tail++] = j;
		}
	}
	if (tail < n) {
		/*
		 * An unsettled node waits for an unsettled dependent; walking
		 * back n times from any of them ends on the cycle itself, not
		 * on a node merely below it.
		 */
		size_t i = 0, *pred = start; /* start is no longer needed */

		for (size_t e = 0; e < ne; e++)
			if (pending[edges[e].to] && pending[edges[e].from])
				pred[edges[e].to] = edges[e].from;
		while (pending[i] == 0)
			i++;
		for (size_t step = 0; step < n; step++)
			i = pred[i];
		if (cycle_at)
			*cycle_at = i;
		r = -ELOOP;
	}
out:
	free(pending);
	free(start);
	free(adj);
	free(queue);
	return r;
}
