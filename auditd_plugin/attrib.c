/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attribution: the registry and the open connections against a line's
 * node= and krb5=.  Pure.  The connection table is small arrays searched
 * through: ACCEPT and CLOSE are rare beside records, and a verdict reads
 * only counters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "jsonw.h"

void attrib_init(struct attrib *a, enum fleet_mode mode)
{
	memset(a, 0, sizeof(*a));
	a->mode = mode;
}

void attrib_release(struct attrib *a)
{
	free(a->conn);
	free(a->per_node);
	memset(a, 0, sizeof(*a));
}

static long node_index(const struct isms_node_registry *reg, const char *addr)
{
	const struct isms_node *n = isms_node_for_address(reg, addr);

	return n ? (long)(n - reg->node) : -1;
}

static void count(struct attrib *a, const struct attrib_conn *c, bool up)
{
	size_t *ctr = c->node >= 0 ? &a->per_node[c->node] : &a->unregistered;

	if (up)
		(*ctr)++;
	else if (*ctr)
		(*ctr)--;
}

int attrib_set_registry(struct attrib *a, const struct isms_node_registry *reg)
{
	size_t *per = NULL;

	a->reg = NULL;
	a->unregistered = 0;
	free(a->per_node);
	a->per_node = NULL;
	if (!reg)
		return 0;
	per = calloc(reg->n ? reg->n : 1, sizeof(*per));
	if (!per)
		return -ENOMEM;
	a->per_node = per;
	a->reg = reg;
	for (size_t i = 0; i < a->nconn; i++) {
		a->conn[i].node = node_index(reg, a->conn[i].text);
		count(a, &a->conn[i], true);
	}
	return 0;
}

void attrib_connection(struct attrib *a, const char *addr, unsigned port, bool open)
{
	struct isms_node_net net;
	char err[128];
	size_t i;

	a->epoch++;
	if (isms_node_net_parse(addr, &net, err, sizeof(err)) < 0 || net.prefix != 128)
		return;
	for (i = 0; i < a->nconn; i++)
		if (a->conn[i].port == port && memcmp(a->conn[i].addr.addr, net.addr, 16) == 0)
			break;
	if (!open) {
		if (i == a->nconn)
			return; /* a CLOSE of a connection opened before we started */
		if (a->reg)
			count(a, &a->conn[i], false);
		a->conn[i] = a->conn[--a->nconn];
		return;
	}
	if (i < a->nconn || a->nconn == ATTRIB_CONNS_MAX)
		return; /* the same socket twice: its CLOSE was lost */
	if (a->nconn == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct attrib_conn *c = realloc(a->conn, cap * sizeof(*c));

		if (!c)
			return;
		a->conn = c;
		a->cap = cap;
	}
	memset(&a->conn[i], 0, sizeof(a->conn[i]));
	a->conn[i].addr = net;
	a->conn[i].port = port;
	snprintf(a->conn[i].text, sizeof(a->conn[i].text), "%s", addr);
	a->conn[i].node = a->reg ? node_index(a->reg, addr) : -1;
	if (a->reg)
		count(a, &a->conn[i], true);
	a->nconn++;
}

void attrib_line_facts(const char *line, size_t len, bool krb5, struct attrib_line *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (len >= 5 && memcmp(line, "node=", 5) == 0) {
		const char *sp = memchr(line + 5, ' ', len - 5);

		ret->name = line + 5;
		ret->nlen = sp ? (size_t)(sp - ret->name) : len - 5;
	}
	if (krb5) {
		/* The central appends " krb5=PRINCIPAL" last; a sender's own krb5=
		 * earlier in the line is text of the record. */
		const char *sp = memrchr(line, ' ', len);

		if (sp && (size_t)(line + len - sp) > 6 && memcmp(sp, " krb5=", 6) == 0) {
			ret->krb5 = sp + 6;
			ret->klen = (size_t)(line + len - ret->krb5);
		}
	}
}

/* The value of " @name=" in @s (@len bytes), up to the next space; NULL if none. */
static const char *field(const char *s, size_t len, const char *name, size_t *ret_n)
{
	size_t nl = strlen(name);

	for (const char *p = s, *end = s + len; (p = memmem(p, (size_t)(end - p), name, nl));
	     p += nl) {
		const char *v, *sp;

		if (p == s || p[-1] != ' ')
			continue;
		v = p + nl;
		sp = memchr(v, ' ', (size_t)(end - v));
		*ret_n = (size_t)((sp ? sp : end) - v);
		return v;
	}
	return NULL;
}

bool attrib_connection_facts(const char *line, size_t len, char addr[ATTRIB_ADDR_MAX],
			     unsigned *ret_port, bool *ret_open)
{
	const char *end = line + len, *v, *msg;
	size_t n, off = 0;
	bool accept;

	if (len >= 5 && memcmp(line, "node=", 5) == 0) {
		const char *sp = memchr(line, ' ', len);

		if (!sp)
			return false;
		off = (size_t)(sp - line) + 1;
	}
	if (len - off >= 19 && memcmp(line + off, "type=DAEMON_ACCEPT ", 19) == 0)
		accept = true;
	else if (len - off >= 18 && memcmp(line + off, "type=DAEMON_CLOSE ", 18) == 0)
		accept = false;
	else
		return false;
	/* the fields after the header "msg=audit(...): " */
	msg = memmem(line + off, len - off, "): ", 3);
	if (!msg)
		return false;
	msg += 2;
	len = (size_t)(end - msg);
	v = field(msg, len, "res=", &n);
	if (accept && !(v && n == 7 && memcmp(v, "success", 7) == 0))
		return false; /* refused (res=no): nothing opened */
	v = field(msg, len, "addr=", &n);
	if (!v || n == 0 || n >= ATTRIB_ADDR_MAX)
		return false;
	memcpy(addr, v, n);
	addr[n] = '\0';
	*ret_port = 0;
	v = field(msg, len, "port=", &n);
	for (size_t i = 0; v && i < n && i < 6 && v[i] >= '0' && v[i] <= '9'; i++)
		*ret_port = *ret_port * 10 + (unsigned)(v[i] - '0');
	*ret_open = accept;
	return true;
}

static void quarantine(struct attrib_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void quarantine(struct attrib_verdict *v, const char *fmt, ...)
{
	va_list ap;

	v->cls = ATTRIB_QUARANTINE;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

/* krb5: a line from a Kerberos connection (@l->krb5) claiming @l->name (NULL: none). */
static void decide_krb5(const struct attrib *a, const struct attrib_line *l, const char *name,
			struct attrib_verdict *v)
{
	const struct isms_node *n = v->node;
	char p[256];

	if (!l->krb5) {
		quarantine(v, "no krb5= principal: not received over Kerberos");
		return;
	}
	snprintf(p, sizeof(p), "%.*s", (int)(l->klen < 255 ? l->klen : 255), l->krb5);
	if (!name) {
		/* no node=: whose the principal is tells */
		n = isms_node_for_principal(a->reg, p);
		if (n && !n->local) {
			v->node = n;
			v->name = n->name;
			v->nlen = strlen(n->name);
			v->cls = ATTRIB_LOCAL;
			return;
		}
		quarantine(v, "krb5 principal '%s' is registered for no node, and the record has no node=",
			   p);
		return;
	}
	if (n->local) {
		quarantine(v, "received over Kerberos as '%s' but claims the central's own node '%s'",
			   p, name);
		return;
	}
	if (!n->principal) {
		quarantine(v, "node '%s' has no registered principal; the record came as '%s'", name,
			   p);
		return;
	}
	if (strcmp(n->principal, p) != 0) {
		quarantine(v, "krb5 principal '%s' is not the principal of node '%s' ('%s')", p,
			   name, n->principal);
		return;
	}
	v->cls = ATTRIB_LOCAL;
}

void attrib_decide(const struct attrib *a, const struct attrib_line *l, struct attrib_verdict *v)
{
	char name[256]; /* a node name is at most 255 bytes */

	memset(v, 0, sizeof(*v));
	v->cls = ATTRIB_LOCAL;
	v->name = l->name;
	v->nlen = l->nlen;
	if (a->mode == FLEET_OFF)
		return;
	if (!l->name) {
		/* No node=: the central's own, unless it came over Kerberos. */
		if (a->mode == FLEET_KRB5 && l->krb5) {
			if (!a->reg) {
				v->name = "(none)";
				v->nlen = 6;
				quarantine(v, "node registry unavailable");
				return;
			}
			decide_krb5(a, l, NULL, v);
			if (v->cls == ATTRIB_QUARANTINE) {
				v->name = "(none)";
				v->nlen = 6;
			}
		}
		return;
	}
	if (!a->reg) {
		quarantine(v, "node registry unavailable");
		return;
	}
	if (l->nlen >= sizeof(name)) {
		v->cls = ATTRIB_APART; /* a name no node has (the parser refuses it) */
		return;
	}
	memcpy(name, l->name, l->nlen);
	name[l->nlen] = '\0';
	v->node = isms_node_find(a->reg, name);
	if (!v->node) {
		v->cls = ATTRIB_APART;
		return;
	}
	if (a->mode == FLEET_KRB5) {
		if (v->node->local && !l->krb5)
			return;
		decide_krb5(a, l, name, v);
		return;
	}
	if (v->node->local)
		return;
	if (a->unregistered) {
		quarantine(v, "a connection from an address of no registered node is open");
		return;
	}
	if (!a->per_node[v->node - a->reg->node]) {
		quarantine(v, "no connection open from an address of node '%s'", name);
		return;
	}
}

size_t attrib_senders_json(const struct attrib *a, char *buf, size_t len)
{
	struct jsonw w;
	size_t k = 0;

	jsonw_init(&w, buf, len);
	jsonw_array(&w);
	for (size_t i = 0; i < a->nconn && k < ATTRIB_SENDERS_MAX; i++)
		if (a->conn[i].node < 0 || !a->reg) {
			jsonw_str(&w, NULL, a->conn[i].text);
			k++;
		}
	return jsonw_finish(&w);
}
