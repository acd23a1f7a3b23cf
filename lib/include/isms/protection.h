/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_PROTECTION_H
#define ISMS_PROTECTION_H

#include <stddef.h>

/*
 * Protection requirements inherited along dependencies (BSI 200-2, 8.2;
 * Grundschutz++ STM): what a business process needs, the application that
 * supports it needs too, and the host it runs on, and the room the host
 * stands in: the maximum principle.  An override replaces the inherited
 * value of one objective, justified elsewhere: the distribution effect (the
 * process is spread over redundant hosts: lower) or the cumulative effect
 * (many modest applications on one host: higher).  Pure: the graph in, the
 * effective requirements out.
 */

enum { ISMS_PROT_C, ISMS_PROT_I, ISMS_PROT_A, ISMS_PROT_N };

/* The source of an effective requirement that is not inherited. */
#define ISMS_PROT_OWN (-1)
#define ISMS_PROT_OVERRIDE (-2)

struct isms_prot_node {
	int own[ISMS_PROT_N];      /* 0 normal, 1 high, 2 very high */
	int override[ISMS_PROT_N]; /* -1: none, else the value that replaces the inherited one */
};

/* @from depends on @to (a process on its application, a host on its room). */
struct isms_prot_edge {
	size_t from, to;
};

struct isms_prot_result {
	int level[ISMS_PROT_N];
	/*
	 * Where level[o] comes from: ISMS_PROT_OWN, ISMS_PROT_OVERRIDE, or the
	 * index of the dependent node it is inherited from (its own source
	 * says where that one has it from).
	 */
	int source[ISMS_PROT_N];
	int inherited[ISMS_PROT_N]; /* what the maximum principle alone gives */
};

/*
 * The effective requirement of each of the @n nodes into @out (n entries).
 * 0, or -ELOOP when the dependencies form a cycle (*cycle_at, if given, is
 * a node on it), -EINVAL for an edge naming a node out of range or a node
 * on itself, -ENOMEM.
 */
int isms_prot_inherit(const struct isms_prot_node *nodes, size_t n,
		      const struct isms_prot_edge *edges, size_t ne, struct isms_prot_result *out,
		      size_t *cycle_at) __attribute__((warn_unused_result));

#endif
