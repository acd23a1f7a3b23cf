/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_PARSE_INTERNAL_H
#define AUDISP_ISMS_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <auparse.h>

#include "event.h"

struct parser;

/* A node's libauparse state; the callback's context, so that events carry their node. */
struct parse_node {
	struct parser *p;
	auparse_state_t *au;
	struct parse_node *chain; /* in its bucket */
	unsigned long seen;       /* p's tick of its last line */
	bool pending;             /* fed since it was last flushed */
	unsigned char cls;        /* enum attrib_class: a name has one state per class */
	uint64_t heard;           /* attributed lines since parser_heard() last asked */
	char *attribution;        /* ATTRIB_QUARANTINE: the last line's "attribution" JSON */
	uint32_t hash;
	size_t len;
	char name[];              /* len bytes and a NUL; "" for the local node */
};

/* The node of the line @line (a record by parse_line_ok), created with its
 * first line; NULL when refused, with *ret_why saying why. (parse_nodes.c) */
struct parse_node *parse_node_of(struct parser *p, const char *line, size_t len,
				 const char **ret_why);
/* The node named @name (@nlen bytes; NULL: the local node) of class @cls, as parse_node_of. */
struct parse_node *parse_node_get(struct parser *p, const char *name, size_t nlen, unsigned cls,
				  const char **ret_why);
/* The node of @line with fleet on (parse_fleet.c): attributed, apart or quarantined. */
struct parse_node *parse_fleet_node_of(struct parser *p, const char *line, size_t len,
				       const char **ret_why);
void parse_fleet_release(struct parser *p);
/* The classified event of @node as its class keeps it: source and key (@hex: its raw text's SHA-256). */
struct classified;
void parse_fleet_event(struct parser *p, const struct parse_node *node, const char *hex,
		       struct classified *cl);
/* The local node (lines without node=); 0 or -ENOMEM. */
int parse_nodes_init(struct parser *p);
void parse_nodes_release(struct parser *p);

/* libauparse's callback (parse.c), @ud the node. */
void parse_on_event(auparse_state_t *au, auparse_cb_event_t type, void *ud);

/* Between the parser stage (parse.c) and the reading of fields (parse_fields.c). */

/*
 * @v as a store column may take it: invalid bytes as the text \xNN, capped;
 * valid values as they are.  Allocated in @e.
 */
const char *parse_column_text(struct aev *e, const char *v);
/* @len bytes of @v as parse_column_text shows them (\xNN for what is not text), into @out. */
void parse_visible(const char *v, size_t len, char *out, size_t cap);

/* Whether pam_isms's own record has evidence= or decision= bytes the store would refuse. */
bool parse_bad_isms_access(const struct aev *e);

/* One field of a record of type @rtype into @e (@interp: auparse's interpretation, or NULL). */
void parse_take_field(struct aev *e, int rtype, const char *name, const char *val,
		      const char *interp);

#endif
