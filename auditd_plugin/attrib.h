/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_ATTRIB_H
#define AUDISP_ISMS_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/node.h"
#include "plugin_config.h"

/*
 * Attribution (audisp-isms(8), FLEET): whether a record line's node= can be
 * believed, decided when the line arrives from the node registry and the
 * connections the central has open at that moment.  Pure: data in, a
 * verdict out; the parser keeps the state and acts on the verdict.
 */

enum attrib_class {
	ATTRIB_LOCAL,      /* the central's own line, or attributed: as today */
	ATTRIB_APART,      /* node= of no registered node: kept apart */
	ATTRIB_QUARANTINE, /* node= that cannot be believed */
};

#define ATTRIB_CONNS_MAX   65536 /* open connections tracked; more ACCEPTs open nothing */
#define ATTRIB_SENDERS_MAX 8     /* senders named in a quarantined record's details */
#define ATTRIB_REASON_MAX  640
#define ATTRIB_ADDR_MAX    64    /* an address as DAEMON_ACCEPT writes it */

struct attrib_conn {
	struct isms_node_net addr;
	unsigned port;
	long node; /* index in the registry, -1: of no node */
	char text[ATTRIB_ADDR_MAX];
};

struct attrib {
	enum fleet_mode mode;
	const struct isms_node_registry *reg; /* NULL: unavailable (quarantine) */
	struct attrib_conn *conn;
	size_t nconn, cap;
	size_t *per_node;    /* open connections by registry index */
	size_t unregistered; /* open connections from addresses of no node */
	unsigned long epoch; /* changes at every ACCEPT and CLOSE */
};

/* What attribution needs of one line (a record by parse_line_ok). */
struct attrib_line {
	const char *name; /* node=; NULL: none */
	size_t nlen;
	const char *krb5; /* the last " krb5=" at the end of the line; NULL: none */
	size_t klen;
};

struct attrib_verdict {
	enum attrib_class cls;
	const char *name; /* the node the line goes to: its node= (or, krb5, the principal's) */
	size_t nlen;      /* 0 with name NULL: local without a name */
	const struct isms_node *node; /* registered node, or NULL */
	char reason[ATTRIB_REASON_MAX]; /* ATTRIB_QUARANTINE */
};

void attrib_init(struct attrib *a, enum fleet_mode mode);
void attrib_release(struct attrib *a);
/*
 * A new registry (@reg NULL: it could not be read): the open connections are
 * counted again against it.  @reg must outlive its use here.  0 or -ENOMEM
 * (then as if unavailable).
 */
int attrib_set_registry(struct attrib *a, const struct isms_node_registry *reg);
/*
 * A DAEMON_ACCEPT with res=success (@open) or a DAEMON_CLOSE from @addr
 * @port.  A CLOSE of nothing open is harmless; an ACCEPT beyond
 * ATTRIB_CONNS_MAX or of an address that does not parse opens nothing.
 * The epoch changes either way.
 */
void attrib_connection(struct attrib *a, const char *addr, unsigned port, bool open);

/* The facts of @line (@len bytes, no newline) that attribution reads. */
void attrib_line_facts(const char *line, size_t len, bool krb5, struct attrib_line *ret);
/*
 * Whether @line is a DAEMON_ACCEPT (*ret_open true, only with res=success)
 * or DAEMON_CLOSE: its addr= into @addr and port= into *ret_port.  Lines of
 * other types, and refused accepts, give false.
 */
bool attrib_connection_facts(const char *line, size_t len, char addr[ATTRIB_ADDR_MAX],
			     unsigned *ret_port, bool *ret_open);

/* The verdict on a line with the facts @l. */
void attrib_decide(const struct attrib *a, const struct attrib_line *l, struct attrib_verdict *ret);

/*
 * The addresses of the open connections of no registered node, as a JSON
 * array (at most ATTRIB_SENDERS_MAX) into @buf.  Returns its length.
 */
size_t attrib_senders_json(const struct attrib *a, char *buf, size_t len);

#endif
