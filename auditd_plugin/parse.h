/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_PARSE_H
#define AUDISP_ISMS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <auparse.h>

#include "attrib.h"
#include "classify.h"
#include "event.h"

/*
 * The parser stage: splits the byte stream into lines, checks each line's
 * shape (malformed lines are reported, never silently dropped), feeds
 * libauparse, turns each assembled event into a struct aev and classifies it.
 */

#define PARSE_LINE_MAX 16384 /* auditd's records are at most 8970 bytes */
/*
 * Appended by a reader to a file whose last line has no newline, before the
 * next file: that line is reported as cut off instead of joining the next
 * file's first line.  Records never contain a NUL.
 */
#define PARSE_CUT_MARK "\0\n"
/*
 * Put by the reader's queue where input was lost (its overflow was full):
 * the line before it is reported as cut off, and cannot run into the
 * remainder of a line after the loss.
 */
#define PARSE_LOSS_MARK "\0\0\n"

/*
 * One libauparse state a node (the node= prefix; "" for local lines), so
 * that one host's records never age or complete another host's events: on
 * a central auditd the nodes' records arrive interleaved, their clocks
 * apart.  Bounded: a line of a node beyond PARSE_NODES_MAX (when no quiet
 * node can make room), or whose name is empty, longer than
 * PARSE_NODE_NAME_MAX bytes or has a control character, is malformed.
 */
#define PARSE_NODES_MAX     4096
#define PARSE_NODE_NAME_MAX 255 /* a DNS name is at most 253 */
/* Ticks (seconds) without a line after which a node's pending events complete. */
#define PARSE_NODE_QUIET    3

struct parse_sink {
	void *ud;
	/* An event: its classification and details JSON (valid until return). */
	void (*event)(void *ud, const struct aev *e, const struct classified *cl,
		      const char *details, size_t dlen);
	/* A line that is not an audit record, or is cut or too long. */
	void (*malformed)(void *ud, const char *line, size_t len, const char *why);
	/* The collector's own evidence under @key (fleet.impersonation ...); may be NULL. */
	void (*meta)(void *ud, const char *kind, const char *outcome, const char *asset,
		     const char *details, const char *key);
};

/* Rows said once: bounded, beyond it no more are said (the records are all kept). */
#define PARSE_FLEET_SAID_MAX 4096

/* The fleet's state in the parser (parse_fleet.c). */
struct parse_fleet {
	struct attrib a;
	unsigned long gen; /* of the registry, for the cache */
	/* the verdict of the last line with node=, for the run of lines like it */
	struct {
		bool valid;
		unsigned long gen, epoch;
		char name[PARSE_NODE_NAME_MAX + 1], krb5[256];
		size_t nlen, klen;
		bool has_krb5;
		struct attrib_verdict v;
	} last;
	uint64_t *unreg;   /* names whose fleet.node.unregistered was said this run */
	size_t nunreg;
	uint64_t *imp;     /* (claimed, reason) whose fleet.impersonation was said this epoch */
	size_t nimp;
	unsigned long imp_epoch;
};

struct parse_node; /* parse_nodes.c */

struct parse_nodes {
	struct parse_node *local; /* lines without node= */
	struct parse_node *last;  /* of the last line with node=: runs of lines share one */
	struct parse_node **buckets; /* PARSE_NODES_BUCKETS, allocated with the first node */
	struct parse_node **all;  /* the nodes with a name */
	size_t n, cap;
	unsigned long ticks;
};

struct parser {
	struct parse_nodes nodes;
	struct parse_fleet fleet;
	const struct plugin_config *cfg;
	struct parse_sink sink;
	struct aev ev;
	char line[PARSE_LINE_MAX + 1];
	size_t linelen;
	bool overlong;
	char details[AEV_RAW_MAX * 2 + 4096];
};

int parser_init(struct parser *p, const struct plugin_config *cfg, const struct parse_sink *sink);
void parser_release(struct parser *p);
/* Swap the configuration (SIGHUP); takes effect with the next event. */
void parser_set_config(struct parser *p, const struct plugin_config *cfg);
/*
 * The node registry (audisp-isms(8), FLEET), NULL when it could not be read:
 * then every line with node= is quarantined.  @reg stays the caller's and
 * must live until the next call or parser_release().  Before the first call
 * the registry is unavailable.
 */
void parser_set_registry(struct parser *p, const struct isms_node_registry *reg);
void parser_feed(struct parser *p, const char *data, size_t len);
/*
 * Idle input: complete the events, in every node's state, that waited for
 * their end (no EOE on disk logs) longer than libauparse's end-of-event
 * timeout by the wall clock.
 */
void parser_age(struct parser *p);
/*
 * Once a second, busy or idle: a node that sent no line for PARSE_NODE_QUIET
 * ticks has its pending events completed with the records they got (network
 * events have no EOE, and a node's own clock may run ahead of ours).
 */
void parser_tick(struct parser *p);
/* End of input: a partial last line is malformed; pending events complete. */
void parser_flush(struct parser *p);

/*
 * The whole op= value in a record's text @text, which libaudit writes
 * unquoted with its spaces ("op=adding user to group acct=..."): it runs to
 * the next name=value, the end of the message or the enrichment.  Returns
 * the start (in @text) and sets *ret_len, or NULL when there is no op=. Pure.
 */
const char *parse_op(const char *text, size_t *ret_len);
/* Whether @line (without newline) has the shape of an audit record. Pure. */
bool parse_line_ok(const char *line, size_t len);

#endif
