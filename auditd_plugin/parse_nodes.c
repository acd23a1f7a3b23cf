/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser's table of nodes: one libauparse state for each node= name.
 * libauparse ages the events it assembles by the time of whatever record it
 * is fed next; fed the records of many hosts, a host whose clock is 2 s
 * behind another's has its events cut in two (issue #13).  Apart, each
 * state sees one clock only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_internal.h"
#include "isms/strutil.h"

#define PARSE_NODES_BUCKETS PARSE_NODES_MAX /* a power of two */
#define STR_(x) #x
#define STR(x)  STR_(x)

_Static_assert((PARSE_NODES_BUCKETS & (PARSE_NODES_BUCKETS - 1)) == 0, "buckets: a power of two");

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct parse_node *node_new(struct parser *p, const char *name, size_t len, uint32_t hash,
				   unsigned cls)
{
	struct parse_node *n = calloc(1, sizeof(*n) + len + 1);

	if (!n)
		return NULL;
	n->au = auparse_init(AUSOURCE_FEED, NULL);
	if (!n->au) {
		free(n);
		return NULL;
	}
	auparse_set_escape_mode(n->au, AUPARSE_ESC_RAW);
	auparse_add_callback(n->au, parse_on_event, n, NULL);
	n->p = p;
	n->hash = hash;
	n->cls = (unsigned char)cls;
	n->len = len;
	memcpy(n->name, name, len);
	n->seen = p->nodes.ticks;
	return n;
}

/* (the uid and gid caches are libauparse's, shared: freed once, by the last) */
static void node_free(struct parse_node *n, bool last)
{
	if (!n)
		return;
	auparse_destroy_ext(n->au, last ? AUPARSE_DESTROY_ALL : AUPARSE_DESTROY_COMMON);
	free(n->attribution);
	free(n);
}

int parse_nodes_init(struct parser *p)
{
	p->nodes.local = node_new(p, "", 0, 0, 0);
	return p->nodes.local ? 0 : -ENOMEM;
}

void parse_nodes_release(struct parser *p)
{
	struct parse_nodes *t = &p->nodes;

	for (size_t i = 0; i < t->n; i++)
		node_free(t->all[i], false);
	node_free(t->local, true);
	free(t->all);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/*
 * A node name becomes a column (the event key, the asset): a name with a
 * control character, or none, is not a host's; one over the limit would be
 * cut, and two names would become one.  Bytes that are not UTF-8 are kept,
 * visibly, as parse_column_text does.
 */
static const char *name_refused(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;

	if (len == 0)
		return "node= without a name";
	if (len > PARSE_NODE_NAME_MAX)
		return "node name longer than the limit (" STR(PARSE_NODE_NAME_MAX) " bytes)";
	for (size_t i = 0; i < len;) {
		size_t k = isms_utf8_len(s + i, len - i);

		if (k <= 1) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return "node name with a control character";
			i++;
			continue;
		}
		if (isms_utf8_is_c1(s + i, k))
			return "node name with a control character";
		i += k;
	}
	return NULL;
}

/* The node quiet the longest, with nothing pending, to make room; or NULL. */
static size_t quiet_slot(const struct parse_nodes *t)
{
	size_t best = t->n;

	for (size_t i = 0; i < t->n; i++) {
		const struct parse_node *n = t->all[i];

		if (n->pending || n->seen + PARSE_NODE_QUIET > t->ticks)
			continue;
		if (best == t->n || n->seen < t->all[best]->seen)
			best = i;
	}
	return best;
}

static void unchain(struct parse_nodes *t, const struct parse_node *n)
{
	struct parse_node **pp = &t->buckets[n->hash & (PARSE_NODES_BUCKETS - 1)];

	while (*pp && *pp != n)
		pp = &(*pp)->chain;
	if (*pp)
		*pp = n->chain;
}

static struct parse_node *node_add(struct parser *p, const char *name, size_t len, uint32_t hash,
				   unsigned cls, const char **ret_why)
{
	struct parse_nodes *t = &p->nodes;
	struct parse_node *n, **b;
	size_t slot = t->n;

	*ret_why = name_refused(name, len);
	if (*ret_why)
		return NULL;
	if (!t->buckets) {
		t->buckets = calloc(PARSE_NODES_BUCKETS, sizeof(*t->buckets));
		if (!t->buckets)
			goto nomem;
	}
	if (t->n == PARSE_NODES_MAX) {
		slot = quiet_slot(t);
		if (slot == t->n) {
			*ret_why = "more nodes than the limit (" STR(PARSE_NODES_MAX)
				   ") sending at once: line not parsed";
			return NULL;
		}
	} else if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct parse_node **all = realloc(t->all, cap * sizeof(*all));

		if (!all)
			goto nomem;
		t->all = all;
		t->cap = cap;
	}
	n = node_new(p, name, len, hash, cls);
	if (!n)
		goto nomem;
	if (slot < t->n) {
		unchain(t, t->all[slot]);
		if (t->last == t->all[slot])
			t->last = NULL;
		node_free(t->all[slot], false);
	} else {
		t->n++;
	}
	t->all[slot] = n;
	b = &t->buckets[hash & (PARSE_NODES_BUCKETS - 1)];
	n->chain = *b;
	*b = n;
	return n;
nomem:
	*ret_why = "out of memory for a new node: line not parsed";
	return NULL;
}

struct parse_node *parse_node_get(struct parser *p, const char *name, size_t nlen, unsigned cls,
				  const char **ret_why)
{
	struct parse_nodes *t = &p->nodes;
	struct parse_node *n;
	uint32_t h;

	if (!name)
		return t->local;
	n = t->last;
	if (n && n->len == nlen && n->cls == cls && memcmp(n->name, name, nlen) == 0)
		return n;
	/* (a quarantined host-a is another state than an attributed host-a) */
	h = fnv1a(name, nlen) ^ cls;
	n = t->buckets ? t->buckets[h & (PARSE_NODES_BUCKETS - 1)] : NULL;
	for (; n; n = n->chain)
		if (n->hash == h && n->len == nlen && n->cls == cls && memcmp(n->name, name, nlen) == 0)
			break;
	if (!n)
		n = node_add(p, name, nlen, h, cls, ret_why);
	if (n)
		t->last = n;
	return n;
}

struct parse_node *parse_node_of(struct parser *p, const char *line, size_t len,
				 const char **ret_why)
{
	const char *name, *sp;

	if (len < 5 || memcmp(line, "node=", 5) != 0)
		return p->nodes.local;
	name = line + 5;
	sp = memchr(name, ' ', len - 5); /* there is one: parse_line_ok */
	return parse_node_get(p, name, sp ? (size_t)(sp - name) : len - 5, 0, ret_why);
}
