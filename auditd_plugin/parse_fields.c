/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A record's fields into the event model (struct aev): decoding, columns, op=. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_internal.h"
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

static const char *column_text(struct aev *e, const char *v)
{
	char *out;

	if (!v || column_ok(v, COLUMN_MAX))
		return v;
	if (e->used + COLUMN_MAX + 1 > sizeof(e->arena))
		return NULL;
	out = e->arena + e->used;
	parse_visible(v, strlen(v), out, COLUMN_MAX + 1);
	e->used += strlen(out) + 1;
	return out;
}

const char *parse_column_text(struct aev *e, const char *v)
{
	return column_text(e, v);
}

void parse_visible(const char *v, size_t len, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t k = 0;

	for (size_t i = 0; i < len && k + 1 < cap;) {
		size_t c = column_char(p + i, len - i);

		if (c == 0) {
			if (k + 5 > cap)
				break;
			k += (size_t)snprintf(out + k, 5, "\\x%02x", p[i]);
			i++;
		} else {
			if (k + c + 1 > cap)
				break;
			memcpy(out + k, p + i, c);
			k += c;
			i += c;
		}
	}
	out[k] = '\0';
}

/*
 * pam_isms's own record puts its evidence= and decision= into columns (the
 * event key, the kind and outcome) as they are.  Bytes there that the store
 * would refuse make the record malformed: it is kept as audit.malformed,
 * with its text, rather than refused by the store and lost.
 */
bool parse_bad_isms_access(const struct aev *e)
{
	return e->type == 1101 && e->op && strcmp(e->op, "isms-access") == 0 && e->isms_evidence &&
	       (!column_ok(e->decision, 48) || !column_ok(e->isms_evidence, COLUMN_MAX));
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
void parse_take_field(struct aev *e, int rtype, const char *name, const char *val,
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
