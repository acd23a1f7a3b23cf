/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser's side of attribution (audisp-isms(8), FLEET): each line's
 * verdict on arrival, before libauparse, since an event completes later than
 * its lines and the connections may have changed by then.  A verdict picks
 * the libauparse state (name, class), so that events assembled there carry
 * their class; a quarantined forgery of host-b never joins, completes or
 * suppresses host-b's own events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/sha256.h"
#include "jsonw.h"
#include "parse.h"
#include "parse_internal.h"

static uint64_t fnv64(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* Whether @h was said, else note it (false: say it now); a full set says nothing more. */
static bool said(uint64_t **set, size_t *n, uint64_t h)
{
	for (size_t i = 0; i < *n; i++)
		if ((*set)[i] == h)
			return true;
	if (*n == PARSE_FLEET_SAID_MAX)
		return true;
	if (!*set) {
		*set = calloc(PARSE_FLEET_SAID_MAX, sizeof(**set));
		if (!*set)
			return true;
	}
	(*set)[(*n)++] = h;
	return false;
}

void parse_fleet_release(struct parser *p)
{
	attrib_release(&p->fleet.a);
	free(p->fleet.unreg);
	free(p->fleet.imp);
}

void parser_set_registry(struct parser *p, const struct isms_node_registry *reg)
{
	struct parse_fleet *f = &p->fleet;

	if (attrib_set_registry(&f->a, reg) < 0)
		(void)attrib_set_registry(&f->a, NULL); /* no memory: unavailable, fail closed */
	f->gen++;
	f->last.valid = false;
}

/* "SEC.MS:SERIAL" of the line's msg=audit(...) (there is one: parse_line_ok). */
static void stamp(const char *line, size_t len, char *buf, size_t cap)
{
	const char *s = memmem(line, len, " msg=audit(", 11), *e;

	buf[0] = '\0';
	if (!s)
		return;
	s += 11;
	e = memchr(s, ')', (size_t)(line + len - s));
	if (e)
		snprintf(buf, cap, "%.*s", (int)(e - s), s);
}

static void say_unregistered(struct parser *p, const struct attrib_verdict *v, const char *line,
			     size_t len)
{
	char st[64], key[384], details[1024], name[257];
	struct jsonw w;

	if (!p->sink.meta || said(&p->fleet.unreg, &p->fleet.nunreg, fnv64(14695981039346656037ull,
									      v->name, v->nlen)))
		return;
	stamp(line, len, st, sizeof(st));
	/* as the node column shows it: bytes that are not text visibly, at most 256 */
	parse_visible(v->name, v->nlen, name, sizeof(name));
	/* deterministic: a replay of the same log stores it once */
	snprintf(key, sizeof(key), "fleet.node.unregistered:%s:%s", name, st);
	jsonw_init(&w, details, sizeof(details));
	jsonw_object(&w);
	jsonw_str(&w, "node", name);
	jsonw_str(&w, "first", key + sizeof("fleet.node.unregistered:") - 1);
	jsonw_finish(&w);
	p->sink.meta(p->sink.ud, "fleet.node.unregistered", "unregistered", NULL, details, key);
}

/* The "attribution" object of a quarantined line into @n, and once per
 * (claimed, reason, epoch) the fleet.impersonation row. */
static void quarantined(struct parser *p, struct parse_node *n, const struct attrib_verdict *v,
			const char *line, size_t len)
{
	struct parse_fleet *f = &p->fleet;
	char senders[ATTRIB_SENDERS_MAX * (ATTRIB_ADDR_MAX + 4) + 8];
	char buf[ATTRIB_REASON_MAX * 2 + sizeof(senders) + 2048], st[64], key[384], hex[65];
	char first[384], name[257];
	struct jsonw w;
	size_t sl = attrib_senders_json(&f->a, senders, sizeof(senders));
	uint64_t h;

	/* as the node column shows it: bytes that are not text visibly, at most 256 */
	parse_visible(v->name, v->nlen, name, sizeof(name));
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "claimed", name);
	jsonw_str(&w, "reason", v->reason);
	jsonw_raw(&w, "senders", senders, sl);
	jsonw_finish(&w);
	if (!n->attribution || strcmp(n->attribution, buf) != 0) {
		char *a = strdup(buf);

		if (a) {
			free(n->attribution);
			n->attribution = a;
		}
	}
	if (!p->sink.meta)
		return;
	if (f->imp_epoch != f->a.epoch) {
		f->imp_epoch = f->a.epoch;
		f->nimp = 0;
	}
	h = fnv64(fnv64(14695981039346656037ull, v->name, v->nlen), "", 1);
	h = fnv64(h, v->reason, strlen(v->reason));
	if (said(&f->imp, &f->nimp, h))
		return;
	stamp(line, len, st, sizeof(st));
	(void)!isms_sha256_hex(v->reason, strlen(v->reason), hex);
	snprintf(key, sizeof(key), "fleet.impersonation:%s:%s:%.16s", name, st, hex);
	snprintf(first, sizeof(first), "audit:%s:%s", name, st);
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_object(&w);
	jsonw_str(&w, "claimed", name);
	jsonw_str(&w, "reason", v->reason);
	jsonw_raw(&w, "senders", senders, sl);
	jsonw_str(&w, "first", first);
	jsonw_finish(&w);
	/* no asset: an attempt on a node is not that asset's evidence (the claim is in the details) */
	p->sink.meta(p->sink.ud, "fleet.impersonation", "refused", NULL, buf, key);
}

/* A DAEMON_ACCEPT (res= not success: attrib_connection_facts said no). */
static bool refused_accept(const char *line, size_t len)
{
	const char *t = line;

	if (len >= 5 && memcmp(line, "node=", 5) == 0) {
		t = memchr(line, ' ', len);
		if (!t)
			return false;
		t++;
	}
	return (size_t)(line + len - t) >= 19 && memcmp(t, "type=DAEMON_ACCEPT ", 19) == 0;
}

/* A DAEMON_ACCEPT or DAEMON_CLOSE of the central's own. */
static void connection(struct parser *p, const char *line, size_t len)
{
	char addr[ATTRIB_ADDR_MAX];
	unsigned port;
	bool open;

	if (attrib_connection_facts(line, len, addr, &port, &open)) {
		attrib_connection(&p->fleet.a, addr, port, open);
		p->fleet.last.valid = false;
	} else if (refused_accept(line, len)) {
		p->fleet.a.epoch++; /* a refused one: the epoch moves all the same */
		p->fleet.last.valid = false;
	}
}

static bool same_line(const struct parse_fleet *f, const struct attrib_line *l)
{
	return f->last.valid && f->last.gen == f->gen && f->last.epoch == f->a.epoch &&
	       f->last.nlen == l->nlen && memcmp(f->last.name, l->name, l->nlen) == 0 &&
	       f->last.has_krb5 == (l->krb5 != NULL) &&
	       (!l->krb5 || (f->last.klen == l->klen && memcmp(f->last.krb5, l->krb5, l->klen) == 0));
}

struct parse_node *parse_fleet_node_of(struct parser *p, const char *line, size_t len,
				       const char **ret_why)
{
	struct parse_fleet *f = &p->fleet;
	struct attrib_line l;
	struct attrib_verdict vbuf, *v = &vbuf;
	struct parse_node *n;

	f->a.mode = p->cfg->fleet;
	attrib_line_facts(line, len, f->a.mode == FLEET_KRB5, &l);
	if (!l.name && !l.krb5) {
		/* the central's own: as today, and its connections */
		if (len > 12 && line[5] == 'D' && line[6] == 'A')
			connection(p, line, len);
		return p->nodes.local;
	}
	if (l.name && l.nlen <= PARSE_NODE_NAME_MAX && (l.klen < sizeof(f->last.krb5)) &&
	    same_line(f, &l)) {
		vbuf = f->last.v;
		vbuf.name = l.name; /* (the line buffer's, as the cached one's was) */
	} else {
		attrib_decide(&f->a, &l, v);
		if (l.name && l.nlen <= PARSE_NODE_NAME_MAX && l.klen < sizeof(f->last.krb5)) {
			f->last.valid = true;
			f->last.gen = f->gen;
			f->last.epoch = f->a.epoch;
			memcpy(f->last.name, l.name, l.nlen);
			f->last.nlen = l.nlen;
			f->last.has_krb5 = l.krb5 != NULL;
			if (l.krb5)
				memcpy(f->last.krb5, l.krb5, l.klen);
			f->last.klen = l.klen;
			f->last.v = *v;
		}
	}
	switch (v->cls) {
	case ATTRIB_LOCAL:
		n = parse_node_get(p, v->name, v->nlen, ATTRIB_LOCAL, ret_why);
		/* a node registered local is the central: its connections count */
		if (n && (!v->node || v->node->local) && !l.krb5)
			connection(p, line, len);
		return n;
	case ATTRIB_APART:
		n = parse_node_get(p, v->name, v->nlen, ATTRIB_APART, ret_why);
		if (n)
			say_unregistered(p, v, line, len);
		return n;
	default:
		n = parse_node_get(p, v->name, v->nlen, ATTRIB_QUARANTINE, ret_why);
		if (n)
			quarantined(p, n, v, line, len);
		return n;
	}
}

/*
 * The event of @node as its class keeps it: source, key and asset.  @hex
 * the SHA-256 of the event's raw text (the quarantine key has 16 of it).
 */
void parse_fleet_event(struct parser *p, const struct parse_node *node, const char *hex,
		       struct classified *cl)
{
	char key[sizeof(cl->event_key) + 64];
	size_t n;

	(void)p;
	if (node->cls == ATTRIB_APART) {
		cl->source = "audisp-isms-unregistered";
		n = (size_t)snprintf(key, sizeof(key), "unregistered:%.*s",
				     (int)(sizeof(cl->event_key) - 1), cl->event_key);
	} else if (node->cls == ATTRIB_QUARANTINE) {
		cl->source = "audisp-isms-quarantine";
		/* not the claimed node's evidence: no asset, no node (the claim is in the details) */
		cl->asset = NULL;
		cl->node = NULL;
		n = (size_t)snprintf(key, sizeof(key), "quarantine:%.*s:%.16s",
				     (int)(sizeof(cl->event_key) - 1), cl->event_key, hex);
	} else {
		return;
	}
	/* A pam_isms decision that cannot be believed is no decision of the
	 * module's: stored as the others of its class, never under the module's
	 * key (where it would stand for, or suppress, the genuine one). */
	if (cl->route == ROUTE_LINK) {
		cl->route = ROUTE_ISMS;
		cl->link_key = NULL;
	}
	/* (a node name is at most 255 bytes: the key fits) */
	if (n >= sizeof(cl->event_key))
		n = sizeof(cl->event_key) - 1;
	memcpy(cl->event_key, key, n);
	cl->event_key[n] = '\0';
}
