/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parser stage: lines, libauparse, and the event model. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "parse.h"
#include "parse_internal.h"
#include "isms/sha256.h"
#include "isms/strutil.h"

static void report_records(struct parser *p, auparse_state_t *au, const char *why)
{
	char *buf = p->details;
	size_t len = 0, cap = sizeof(p->details);

	if (auparse_first_record(au) <= 0)
		return;
	do {
		const char *t = auparse_get_record_text(au);
		size_t n = t ? strlen(t) : 0;

		if (len && len < cap)
			buf[len++] = '\n';
		if (n > cap - len)
			n = cap - len;
		if (n)
			memcpy(buf + len, t, n);
		len += n;
	} while (len < cap && auparse_next_record(au) > 0);
	p->sink.malformed(p->sink.ud, buf, len, why);
}

static void add_raw(struct aev *e, char *raw, size_t *rawlen, const char *text)
{
	const char *gs;
	size_t n;

	if (!text)
		return;
	/* One pass finds the enrichment mark or the end. */
	gs = strchrnul(text, 0x1d);
	n = (size_t)(gs - text);
	if (*rawlen + n + 2 > AEV_RAW_MAX) {
		n = *rawlen + 2 < AEV_RAW_MAX ? AEV_RAW_MAX - *rawlen - 2 : 0;
		e->raw_truncated = 1;
	}
	if (*rawlen && n)
		raw[(*rawlen)++] = '\n';
	memcpy(raw + *rawlen, text, n);
	*rawlen += n;
	raw[*rawlen] = '\0';
}

/* Whether @node's events are the central's own (a host's DAEMON_ACCEPT opens nothing here). */
static bool central(const struct parser *p, const struct parse_node *node)
{
	const struct isms_node *rn;

	if (!node->len)
		return true;
	rn = isms_node_find(p->fleet.a.reg, node->name);
	return rn && rn->local;
}

/*
 * The SHA-256 of an event's raw text as add_raw joins it (records before the
 * enrichment mark, by newlines), uncapped: @md is started with the first
 * record (NULL when libcrypto fails: the key then has no digest).
 */
static EVP_MD_CTX *digest_raw(EVP_MD_CTX *md, size_t *len, const char *text)
{
	size_t n;

	if (!text)
		return md;
	if (!md && !*len) {
		md = EVP_MD_CTX_new();
		if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
			md = (EVP_MD_CTX_free(md), NULL);
		if (!md)
			*len = 1; /* do not try again for this event */
	}
	if (!md)
		return NULL;
	n = (size_t)(strchrnul(text, 0x1d) - text);
	if (*len && n)
		EVP_DigestUpdate(md, "\n", 1);
	EVP_DigestUpdate(md, text, n);
	*len += n;
	return md;
}

void parse_on_event(auparse_state_t *au, auparse_cb_event_t type, void *ud)
{
	const struct parse_node *node = ud;
	struct parser *p = node->p;
	struct aev *e = &p->ev;
	struct classified cl;
	const au_event_t *ts;
	char raw[AEV_RAW_MAX], hex[ISMS_SHA256_HEX] = "";
	size_t rawlen = 0, dlen, mdlen = 0;
	/* a quarantined event's key has the digest of its whole raw text */
	EVP_MD_CTX *md = NULL;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	aev_reset(e);
	raw[0] = '\0';
	if (auparse_first_record(au) <= 0)
		return;
	ts = auparse_get_timestamp(au);
	if (ts) {
		e->sec = ts->sec;
		e->milli = ts->milli;
		e->serial = ts->serial;
	}
	/* The state's node, whose name outlives the event. */
	if (node->len)
		e->node = parse_column_text(e, node->name);
	if (p->cfg->fleet != FLEET_OFF) {
		if (node->cls == ATTRIB_LOCAL && node->len) {
			const struct isms_node *rn = isms_node_find(p->fleet.a.reg, node->name);

			if (rn && rn->asset)
				e->node_asset = rn->asset;
		}
		e->attribution = node->cls == ATTRIB_QUARANTINE ? node->attribution : NULL;
	}
	e->type = auparse_get_type(au);
	e->type_name = aev_strdup(e, auparse_get_type_name(au), (size_t)-1);
	do {
		int t = auparse_get_type(au);

		if (t == 1320) /* EOE */
			continue;
		if (e->nrecords < AEV_MAX_RECORDS)
			e->types[e->nrecords] = t;
		e->nrecords++;
		if (p->cfg->keep_raw)
			add_raw(e, raw, &rawlen, auparse_get_record_text(au));
		if (node->cls == ATTRIB_QUARANTINE)
			md = digest_raw(md, &mdlen, auparse_get_record_text(au));
		if (auparse_first_field(au) > 0) {
			bool enriched = auparse_get_record_interpretations(au) != NULL;

			do {
				const char *name = auparse_get_field_name(au);
				const char *val = auparse_get_field_str(au);
				const char *interp = NULL;

				if (!name || !val)
					continue;
				/*
				 * (the first letter first: this runs for every field)
				 * Names of people only as the recording host gave
				 * them; a system call and its arch by auparse's
				 * tables for the record's arch= either way.
				 */
				if ((name[0] == 's' || name[0] == 'a') &&
				    (strcmp(name, "syscall") == 0 || strcmp(name, "arch") == 0))
					interp = auparse_interpret_field(au);
				else if (enriched && (name[0] == 'a' || name[0] == 'u' || name[0] == 'i') &&
					 (strcmp(name, "auid") == 0 || strcmp(name, "uid") == 0 ||
					  strcmp(name, "id") == 0))
					interp = auparse_interpret_field(au);
				/* auparse splits "op=adding user to group" at its spaces */
				if (name[0] == 'o' && name[1] == 'p' && !name[2] && !e->op) {
					size_t n;
					const char *op = parse_op(auparse_get_record_text(au), &n);

					if (op) {
						e->op = aev_strdup(e, op, n);
						continue;
					}
				}
				parse_take_field(e, t, name, val, interp);
			} while (auparse_next_field(au) > 0);
		}
	} while (auparse_next_record(au) > 0);
	if (rawlen && p->cfg->keep_raw)
		e->raw = aev_strdup(e, raw, rawlen);
	/* The central's own accept and close: the node whose address it is. */
	if ((e->type == 1207 || e->type == 1208) && node->cls == ATTRIB_LOCAL &&
	    p->cfg->fleet != FLEET_OFF && central(p, node)) {
		const struct isms_node *rn = isms_node_for_address(p->fleet.a.reg, e->addr);

		e->fleet_conn = e->type == 1207 ? 1 : 2;
		if (rn) {
			e->fleet_node = rn->name;
			e->node_asset = rn->asset;
		}
	}
	if (parse_bad_isms_access(e)) {
		report_records(p, au, "pam_isms record: evidence= or decision= not valid text");
		return;
	}
	if (md) {
		unsigned char d[EVP_MAX_MD_SIZE];

		if (EVP_DigestFinal_ex(md, d, NULL) == 1)
			isms_sha256_hex_digest(d, hex);
		EVP_MD_CTX_free(md);
	}
	classify(e, p->cfg, &cl);
	if (node->cls != ATTRIB_LOCAL)
		parse_fleet_event(p, node, hex, &cl);
	dlen = cl.route == ROUTE_DROP ? 0 : classify_details(e, &cl, p->details, sizeof(p->details));
	p->sink.event(p->sink.ud, e, &cl, p->details, dlen);
}

int parser_init(struct parser *p, const struct plugin_config *cfg, const struct parse_sink *sink)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->sink = *sink;
	/* no registry until parser_set_registry: node= quarantined (fail closed) */
	attrib_init(&p->fleet.a, cfg->fleet);
	return parse_nodes_init(p);
}

void parser_release(struct parser *p)
{
	parse_nodes_release(p);
	parse_fleet_release(p);
}

void parser_set_config(struct parser *p, const struct plugin_config *cfg)
{
	p->cfg = cfg;
}

static bool digits(const char **s, const char *end)
{
	const char *start = *s;

	while (*s < end && isdigit((unsigned char)**s))
		(*s)++;
	return *s > start;
}

bool parse_line_ok(const char *line, size_t len)
{
	const char *s = line, *end = line + len;

	/* auditd escapes every value: a NUL is never part of a record (and
	 * libauparse would silently cut the record there). */
	if (memchr(line, '\0', len))
		return false;

	if (len >= 5 && memcmp(s, "node=", 5) == 0) {
		s += 5;
		while (s < end && *s != ' ')
			s++;
		if (s == end)
			return false;
		s++;
	}
	if (end - s < 5 || memcmp(s, "type=", 5) != 0)
		return false;
	s += 5;
	if (s == end || *s == ' ')
		return false;
	while (s < end && (isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
		s++;
	/* auditd names types it does not know UNKNOWN[1336] */
	if (s < end && *s == '[') {
		s++;
		if (!digits(&s, end) || s == end || *s++ != ']')
			return false;
	}
	if (end - s < 12 || memcmp(s, " msg=audit(", 11) != 0)
		return false;
	s += 11;
	if (!digits(&s, end) || s == end || *s++ != '.' || !digits(&s, end) || s == end ||
	    *s++ != ':' || !digits(&s, end))
		return false;
	return end - s >= 2 && s[0] == ')' && s[1] == ':';
}

static void line_done(struct parser *p)
{
	if (p->overlong) {
		p->sink.malformed(p->sink.ud, p->line, p->linelen, "line longer than the limit");
	} else if (p->linelen >= 2 && !p->line[p->linelen - 1] && !p->line[p->linelen - 2]) {
		/* PARSE_LOSS_MARK: what followed this (partial) line was lost. */
		p->sink.malformed(p->sink.ud, p->line, p->linelen - 2,
				  "cut off: input after it was lost (overflow queue full)");
	} else if (p->linelen && p->line[p->linelen - 1] == '\0') {
		/* PARSE_CUT_MARK: the reader's end of a file whose last line was cut
		 * off; without it that line would swallow the next file's first. */
		p->sink.malformed(p->sink.ud, p->line, p->linelen - 1, "cut off at end of a file");
	} else if (p->linelen == 0) {
		/* blank lines carry nothing */
	} else if (!parse_line_ok(p->line, p->linelen)) {
		p->sink.malformed(p->sink.ud, p->line, p->linelen, "not an audit record");
	} else {
		const char *why = NULL;
		struct parse_node *n = p->cfg->fleet == FLEET_OFF ?
					       parse_node_of(p, p->line, p->linelen, &why) :
					       parse_fleet_node_of(p, p->line, p->linelen, &why);

		if (n) {
			p->line[p->linelen] = '\n';
			n->seen = p->nodes.ticks;
			n->pending = true;
			auparse_feed(n->au, p->line, p->linelen + 1);
		} else {
			p->sink.malformed(p->sink.ud, p->line, p->linelen, why);
		}
	}
	p->linelen = 0;
	p->overlong = false;
}

void parser_feed(struct parser *p, const char *data, size_t len)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		size_t room = PARSE_LINE_MAX - p->linelen;

		if (n > room) {
			memcpy(p->line + p->linelen, data, room);
			p->linelen += room;
			p->overlong = true;
		} else {
			memcpy(p->line + p->linelen, data, n);
			p->linelen += n;
		}
		if (!nl)
			return;
		line_done(p);
		data += n + 1;
		len -= n + 1;
	}
}

static void age(struct parse_node *n)
{
	if (n->pending)
		auparse_feed_age_events(n->au);
}

static void flush(struct parse_node *n)
{
	if (n->pending)
		auparse_flush_feed(n->au);
	n->pending = false;
}

void parser_age(struct parser *p)
{
	age(p->nodes.local);
	for (size_t i = 0; i < p->nodes.n; i++)
		age(p->nodes.all[i]);
}

void parser_tick(struct parser *p)
{
	struct parse_nodes *t = &p->nodes;

	t->ticks++;
	if (t->local->seen + PARSE_NODE_QUIET <= t->ticks)
		flush(t->local);
	for (size_t i = 0; i < t->n; i++)
		if (t->all[i]->seen + PARSE_NODE_QUIET <= t->ticks)
			flush(t->all[i]);
}

void parser_flush(struct parser *p)
{
	if (p->linelen || p->overlong) {
		/* A last line without its newline was cut off mid-record: keep it
		 * as it is, marked, rather than guess at its missing fields. */
		p->sink.malformed(p->sink.ud, p->line, p->linelen, "cut off at end of input");
		p->linelen = 0;
		p->overlong = false;
	}
	flush(p->nodes.local);
	for (size_t i = 0; i < p->nodes.n; i++)
		flush(p->nodes.all[i]);
}
