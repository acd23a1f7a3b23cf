/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a decision leaves behind (record.h): the evidence in the decision
 * journal, the kernel audit record, the log line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libaudit.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/journal.h"
#include "isms/strutil.h"
#include "record.h"

void pam_isms_make_key(char *key, size_t len, const char *node, const char *ts)
{
	unsigned char rnd[8] = {0};
	char hex[17];

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		memcpy(rnd, &t.tv_nsec, sizeof(t.tv_nsec) < 8 ? sizeof(t.tv_nsec) : 8);
	}
	for (int i = 0; i < 8; i++) {
		hex[2 * i] = "0123456789abcdef"[rnd[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[rnd[i] & 0xf];
	}
	hex[16] = '\0';
	snprintf(key, len, "pam:%s:%s:%ld:%s", node, ts, (long)getpid(), hex);
}

/*
 * Journal the evidence.  A journal that cannot take it (full disk, I/O
 * error) never changes the decision: the kernel audit record and the log
 * line still carry it, and the loss is counted in place, to become a
 * journal.loss row in the chain at the next drain.
 */
int pam_isms_record(pam_handle_t *pamh, const struct pam_isms_args *a,
		  const struct isms_evidence *ev)
{
	int r = isms_journal_append(a->journal, ev);
	int c;

	if (r == 0)
		return 0;
	c = isms_journal_count_loss(a->journal);
	pam_syslog(pamh, LOG_ERR,
		   "evidence '%s' not journaled in '%s': %s; %s%s", ev->event_key, a->journal,
		   strerror(-r), c == 0 ? "loss counted" : "loss not counted: ",
		   c == 0 ? "" : strerror(-c));
	return r;
}

static void audit_decision(pam_handle_t *pamh, const struct pam_isms_args *a,
			   const struct login *l, const char *rule, const char *outcome,
			   const char *mode, const char *key, bool success)
{
	char *acct = NULL, *ruleenc = NULL, msg[1024];
	int fd;

	if (a->noaudit)
		return;
	fd = audit_open();
	if (fd < 0)
		return; /* no audit subsystem: the store and syslog carry it */
	acct = audit_encode_nv_string("acct", l->name, 0);
	ruleenc = audit_encode_nv_string("rule", rule, 0);
	if (acct && ruleenc) {
		snprintf(msg, sizeof(msg), "op=isms-access %s %s decision=%s mode=%s evidence=%s",
			 acct, ruleenc, outcome, mode, key);
		if (audit_log_user_message(fd, AUDIT_USER_ACCT, msg, l->rhost, NULL, l->tty,
					   success) <= 0 && a->debug)
			pam_syslog(pamh, LOG_DEBUG, "audit record not written: %s", strerror(errno));
	}
	free(acct);
	free(ruleenc);
	audit_close(fd);
}

/*
 * An item the application set (PAM_SERVICE, PAM_RHOST, PAM_TTY) as evidence
 * can keep it: printable ASCII as is, every other byte (and '\') as \xNN,
 * at most ITEM_MAX bytes of it.  The store refuses control characters and
 * invalid UTF-8; a refused row would be spooled, then set aside as bad, and
 * the decision lost from the chain.
 */
#define ITEM_MAX 1024

/*
 * @v as the value of @key in @o (NULL: JSON null); -ENOMEM when @v or the
 * member could not be made.  On failure @v is freed; the caller frees @o.
 */
static int add(struct json_object *o, const char *key, struct json_object *v, bool want_null)
{
	if (!v && !want_null)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_item(struct json_object *o, const char *key, const char *v)
{
	size_t n, k = 0;
	char *text;
	int r;

	if (!v)
		return add(o, key, NULL, true);
	n = strnlen(v, ITEM_MAX);
	text = malloc(4 * n + sizeof("..."));
	if (!text)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			text[k++] = (char)c;
		else
			k += (size_t)snprintf(text + k, 5, "\\x%02x", c);
	}
	if (v[n])
		k += (size_t)snprintf(text + k, 4, "...");
	text[k] = '\0';
	r = add(o, key, json_object_new_string(text), false);
	free(text);
	return r;
}

/* The decision's reasons as a JSON array; NULL when any could not be made. */
static struct json_object *reasons_json(const struct isms_decision *d)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < d->nreasons; i++) {
		struct json_object *s = json_object_new_string(d->reasons[i]);

		if (!s || json_object_array_add(a, s) < 0) {
			json_object_put(s);
			json_object_put(a);
			a = NULL;
		}
	}
	return a;
}

/*
 * Whole or not at all (NULL, and the evidence goes without details): never
 * a record whose rule or reasons are missing or null for want of memory, and
 * never json-c asked to add to an array it could not make (an assertion:
 * the login's process aborted).
 */
char *pam_isms_details_json(const struct login *l, const struct isms_decision *d, const char *mode,
			  const char *error)
{
	struct json_object *o = json_object_new_object();
	const char *text;
	char *out = NULL;
	int r;

	if (!o)
		return NULL;
	r = add_item(o, "service", l->service ? l->service : "");
	if (r == 0)
		r = add_item(o, "rhost", l->rhost && l->rhost[0] ? l->rhost : NULL);
	if (r == 0)
		r = add_item(o, "tty", l->tty);
	if (r == 0)
		r = add(o, "mode", json_object_new_string(mode), false);
	if (r == 0 && d) {
		r = add(o, "rule", json_object_new_string(d->rule_id), false);
		if (r == 0)
			r = add(o, "break_glass", json_object_new_boolean(d->break_glass), false);
		if (r == 0)
			r = add(o, "reasons", reasons_json(d), false);
	}
	if (r == 0 && error)
		r = add(o, "error", json_object_new_string(error), false);
	if (r == 0 && !l->known)
		r = add(o, "unknown_user", json_object_new_boolean(1), false);
	if (r == 0 && l->renamed)
		r = add_item(o, "typed_user", l->user);
	/* NULL when json-c has no memory for the text. */
	text = r == 0 ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE) :
			NULL;
	if (text)
		out = strdup(text);
	json_object_put(o);
	return out;
}

void pam_isms_node_name(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || !buf[0])
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

/* Evidence and logs for one decision, common to every path. */
void pam_isms_conclude(pam_handle_t *pamh, const struct pam_isms_args *a, const struct login *l, const char *asset, const struct isms_decision *d,
		     const char *mode, const char *outcome, bool effective_allow, const char *error)
{
	char node[256], ts[32], key[384], rhost[256];
	struct isms_evidence ev = {0};
	char kind[64];
	char *details = pam_isms_details_json(l, d, mode, error);
	bool lost;

	pam_isms_node_name(node, sizeof(node));
	isms_date_format(time(NULL), ts, sizeof(ts));
	pam_isms_make_key(key, sizeof(key), node, ts);
	snprintf(kind, sizeof(kind), "access.%s", d && d->break_glass ? "break-glass" : outcome);
	ev.ts = ts;
	ev.source = "pam_isms";
	ev.kind = kind;
	ev.node = node;
	ev.event_key = key;
	/* Privileged logins evidence 8.2 rather than 5.15. */
	ev.control = strcmp(l->name, "root") == 0 ? "8.2" : "5.15";
	ev.asset = asset;
	ev.subject = l->name;
	ev.outcome = outcome;
	ev.details = details;
	/* Not journaled: the log line below carries the decision, whatever it was. */
	lost = pam_isms_record(pamh, a, &ev) < 0;
	audit_decision(pamh, a, l, d ? d->rule_id : "(error)", outcome, mode, key, effective_allow);

	isms_printable(l->rhost && l->rhost[0] ? l->rhost : "LOCAL", rhost, sizeof(rhost), false);
	/* Break-glass use is flagged for review: always in the log too. */
	if (!effective_allow || strcmp(outcome, "allow") != 0 || (d && d->break_glass) || a->debug ||
	    lost)
		pam_syslog(pamh, effective_allow ? LOG_NOTICE : LOG_WARNING,
			   "%s user '%s'%s%s%s service '%s' from '%s': rule '%s'%s%s",
			   outcome, l->user_log, l->renamed ? " (as typed '" : "",
			   l->renamed ? l->typed_log : "", l->renamed ? "')" : "",
			   l->service ? l->service : "", rhost,
			   d ? d->rule_id : "(error)",
			   d && d->nreasons ? ": " : error ? ": " : "",
			   d && d->nreasons ? d->reasons[0] : error ? error : "");
	free(details);
}
