/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_PARSE_H
#define AUDISP_ISMS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <auparse.h>

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

struct parse_sink {
	void *ud;
	/* An event: its classification and details JSON (valid until return). */
	void (*event)(void *ud, const struct aev *e, const struct classified *cl,
		      const char *details, size_t dlen);
	/* A line that is not an audit record, or is cut or too long. */
	void (*malformed)(void *ud, const char *line, size_t len, const char *why);
};

struct parser {
	auparse_state_t *au;
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
void parser_feed(struct parser *p, const char *data, size_t len);
/* Complete events that waited too long for their end (no EOE on disk logs). */
void parser_age(struct parser *p);
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
