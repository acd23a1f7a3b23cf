/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parser stage: lines, libauparse, and the event model. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "isms/strutil.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Values that auditd encodes (untrusted strings): "quoted" as is, else hex
 * (A5), else as written; (null) is absent.
 */
static const char *decode(struct aev *e, const char *v, bool is_key)
{
	size_t n;

	if (!v || strcmp(v, "(null)") == 0)
		return NULL;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return aev_strdup(e, v + 1, n - 2);
	if (n >= 2 && n % 2 == 0) {
		size_t i;

		for (i = 0; i < n && hexval((unsigned char)v[i]) >= 0; i++)
			;
		if (i == n && e->used + n / 2 + 1 <= sizeof(e->arena)) {
			char *out = e->arena + e->used;
			size_t k = 0;

			for (i = 0; i < n; i += 2) {
				char c = (char)(hexval((unsigned char)v[i]) * 16 +
						hexval((unsigned char)v[i + 1]));

				/* Several keys on one rule are joined by 0x01. */
				if (is_key && c == '\x01')
					c = ',';
				out[k++] = c;
			}
			out[k] = '\0';
			e->used += k + 1;
			return out;
		}
	}
	return aev_strdup(e, v, n);
}

/* Length of the UTF-8 sequence at @p that a store column takes, or 0. */
static size_t column_char(const unsigned char *p, size_t n)
{
	size_t k = isms_utf8_len(p, n);

	if (k == 1 && (*p < 0x20 || *p == 0x7f))
		return 0;
	return isms_utf8_is_c1(p, k) ? 0 : k; /* C1 controls */
}

/*
 * A value that becomes a column (subject, node: part of the event key and
 * the asset): the store refuses text that is not UTF-8 or has controls, and
 * refusing it would lose the event.  Such bytes are kept visibly as the text
 * \xNN (as in the details JSON), and the value is capped well under the
 * store's limits.  Valid values are returned as they are.
 */
#define COLUMN_MAX 256

static const char *column_text(struct aev *e, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t n, i = 0, k = 0, ok = 0;
	char *out;

	if (!v)
		return NULL;
	n = strlen(v);
	while (ok < n && (k = column_char(p + ok, n - ok)) > 0)
		ok += k;
	if (ok == n && n <= COLUMN_MAX)
		return v;
	if (e->used + COLUMN_MAX + 1 > sizeof(e->arena))
		return NULL;
	out = e->arena + e->used;
	for (k = 0; i < n;) {
		size_t c = column_char(p + i, n - i);

		if (c == 0) {
			if (k + 4 > COLUMN_MAX)
				break;
			k += (size_t)snprintf(out + k, 5, "\\x%02x", p[i]);
			i++;
		} else {
			if (k + c > COLUMN_MAX)
				break;
			memcpy(out + k, p + i, c);
			k += c;
			i += c;
		}
	}
	out[k] = '\0';
	e->used += k + 1;
	return out;
}

/* Whether @v (NULL: yes) can be a column as it is, in at most @max bytes. */
static bool column_ok(const char *v, size_t max)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t n, ok = 0, k;

	if (!v)
		return true;
	n = strlen(v);
	while (ok < n && (k = column_char(p + ok, n - ok)) > 0)
		ok += k;
	return ok == n && n <= max;
}

/*
 * pam_isms's own record puts its evidence= and decision= into columns (the
 * event key, the kind and outcome) as they are.  Bytes there that the store
 * would refuse make the record malformed: it is kept as audit.malformed,
 * with its text, rather than refused by the store and lost.
 */
static bool bad_isms_access(const struct aev *e)
{
	return e->type == 1101 && e->op && strcmp(e->op, "isms-access") == 0 && e->isms_evidence &&
	       (!column_ok(e->decision, 48) || !column_ok(e->isms_evidence, COLUMN_MAX));
}

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

static void set_once(const char **dst, const char *v)
{
	if (!*dst)
		*dst = v;
}

/*
 * One field of a record of @rtype.  @interp is auparse's interpretation when
 * the record came enriched (auditd's log_format = ENRICHED: the names after
 * 0x1d), else NULL: names are never looked up on the host that replays.
 */
static void take_field(struct aev *e, int rtype, const char *name, const char *val,
		       const char *interp)
{
	switch (name[0]) {
	case 'a':
		if (strcmp(name, "arch") == 0) {
			if (interp)
				set_once(&e->arch, aev_strdup(e, interp, (size_t)-1));
		} else if (name[1] >= '1' && name[1] <= '2' && !name[2]) {
			if (name[1] == '1')
				set_once(&e->a1, aev_strdup(e, val, (size_t)-1));
			else
				set_once(&e->a2, aev_strdup(e, val, (size_t)-1));
		} else if (strcmp(name, "auid") == 0) {
			set_once(&e->auid, column_text(e, aev_strdup(e, val, (size_t)-1)));
			if (interp)
				set_once(&e->auid_name, column_text(e, aev_strdup(e, interp, (size_t)-1)));
		} else if (strcmp(name, "acct") == 0) {
			set_once(&e->acct, column_text(e, decode(e, val, false)));
		} else if (strcmp(name, "addr") == 0) {
			set_once(&e->addr, aev_strdup(e, val, (size_t)-1));
		}
		break;
	case 'c':
		if (strcmp(name, "comm") == 0)
			set_once(&e->comm, decode(e, val, false));
		break;
	case 'd':
		if (strcmp(name, "decision") == 0)
			set_once(&e->decision, aev_strdup(e, val, (size_t)-1));
		break;
	case 'e':
		if (strcmp(name, "exe") == 0)
			set_once(&e->exe, decode(e, val, false));
		else if (strcmp(name, "evidence") == 0)
			set_once(&e->isms_evidence, aev_strdup(e, val, (size_t)-1));
		break;
	case 'h':
		/* libaudit writes hostname= as it is, never in hex */
		if (strcmp(name, "hostname") == 0)
			set_once(&e->hostname, aev_strdup(e, val, (size_t)-1));
		break;
	case 'k':
		/*
		 * The key of the rule that matched is on the SYSCALL record.  A
		 * CONFIG_CHANGE's key= is the key of the rule added or removed, not
		 * a match: that event is configuration, not a watched access.  A
		 * rule with several keys gives several key fields: all, by ','.
		 */
		if (strcmp(name, "key") == 0 && rtype == 1300) {
			const char *k = decode(e, val, true);

			if (!k)
				break;
			if (!e->key) {
				e->key = k;
			} else {
				size_t a = strlen(e->key), b = strlen(k);

				if (e->used + a + b + 2 <= sizeof(e->arena)) {
					char *j = e->arena + e->used;

					memcpy(j, e->key, a);
					j[a] = ',';
					memcpy(j + a + 1, k, b + 1);
					e->used += a + b + 2;
					e->key = j;
				}
			}
		}
		break;
	case 'n':
		if (strcmp(name, "name") == 0 && e->npaths < AEV_MAX_PATHS) {
			const char *p = decode(e, val, false);

			if (p)
				e->paths[e->npaths++] = p;
		}
		break;
	case 'i':
		/* ADD_USER, DEL_USER and usermod -L name the account by number */
		if (strcmp(name, "id") == 0 && (rtype < 1300 || rtype >= 2100)) {
			set_once(&e->id, column_text(e, aev_strdup(e, val, (size_t)-1)));
			if (interp)
				set_once(&e->id_name, column_text(e, aev_strdup(e, interp, (size_t)-1)));
		}
		break;
	case 'o':
		if (strcmp(name, "op") == 0)
			set_once(&e->op, decode(e, val, false));
		else if (strcmp(name, "oflag") == 0 && rtype == 1337) /* OPENAT2 */
			set_once(&e->oflag, aev_strdup(e, val, (size_t)-1));
		break;
	case 'r':
		if (strcmp(name, "res") == 0)
			set_once(&e->res, aev_strdup(e, val, (size_t)-1));
		else if (strcmp(name, "rule") == 0)
			set_once(&e->rule, decode(e, val, false));
		break;
	case 's':
		if (strcmp(name, "success") == 0)
			set_once(&e->success, aev_strdup(e, val, (size_t)-1));
		else if (strcmp(name, "syscall") == 0)
			/* The name (SYSCALL=openat) rather than the number, whose
			 * meaning depends on arch=. */
			set_once(&e->syscall_name, aev_strdup(e, interp ? interp : val, (size_t)-1));
		break;
	case 't':
		/* written as it is, like hostname= */
		if (strcmp(name, "terminal") == 0)
			set_once(&e->terminal, aev_strdup(e, val, (size_t)-1));
		break;
	case 'u':
		if (strcmp(name, "uid") == 0) {
			set_once(&e->uid, column_text(e, aev_strdup(e, val, (size_t)-1)));
			if (interp)
				set_once(&e->uid_name, column_text(e, aev_strdup(e, interp, (size_t)-1)));
		}
		break;
	default:
		break;
	}
}

const char *parse_op(const char *text, size_t *ret_len)
{
	const char *p = text, *v, *q, *last;

	for (;;) {
		p = strstr(p, "op=");
		if (!p)
			return NULL;
		/* "op=" as a whole name: not uring_op=, not inside a value */
		if (p == text || p[-1] == ' ' || p[-1] == '\'')
			break;
		p += 3;
	}
	v = p + 3;
	if (*v == '"') {
		q = strchr(v + 1, '"');
		if (!q)
			return NULL;
		*ret_len = (size_t)(q - v - 1);
		return v + 1;
	}
	/* Words up to the next name=value, the end of the message or of the
	 * record's raw part; the first word may be empty ("op= id=1001"). */
	for (q = last = v;;) {
		size_t n = strcspn(q, " '\x1d");

		if (q != v && memchr(q, '=', n))
			break;
		last = q + n;
		if (q[n] != ' ')
			break;
		q += n + 1;
	}
	*ret_len = (size_t)(last - v);
	return v;
}

/* Raw record text (before the enrichment mark), newline-joined, capped. */
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

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *ud)
{
	struct parser *p = ud;
	struct aev *e = &p->ev;
	struct classified cl;
	const au_event_t *ts;
	char raw[AEV_RAW_MAX];
	size_t rawlen = 0, dlen;

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
		if (ts->host)
			e->node = column_text(e, aev_strdup(e, ts->host, (size_t)-1));
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
				take_field(e, t, name, val, interp);
			} while (auparse_next_field(au) > 0);
		}
	} while (auparse_next_record(au) > 0);
	if (rawlen)
		e->raw = aev_strdup(e, raw, rawlen);
	if (bad_isms_access(e)) {
		report_records(p, au, "pam_isms record: evidence= or decision= not valid text");
		return;
	}
	classify(e, p->cfg, &cl);
	dlen = cl.route == ROUTE_DROP ? 0 : classify_details(e, &cl, p->details, sizeof(p->details));
	p->sink.event(p->sink.ud, e, &cl, p->details, dlen);
}

int parser_init(struct parser *p, const struct plugin_config *cfg, const struct parse_sink *sink)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->sink = *sink;
	p->au = auparse_init(AUSOURCE_FEED, NULL);
	if (!p->au)
		return -errno ? -errno : -ENOMEM;
	auparse_set_escape_mode(p->au, AUPARSE_ESC_RAW);
	auparse_add_callback(p->au, on_event, p, NULL);
	return 0;
}

void parser_release(struct parser *p)
{
	if (p->au)
		auparse_destroy(p->au);
	p->au = NULL;
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
		p->line[p->linelen] = '\n';
		auparse_feed(p->au, p->line, p->linelen + 1);
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

void parser_age(struct parser *p)
{
	auparse_feed_age_events(p->au);
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
	auparse_flush_feed(p->au);
}
