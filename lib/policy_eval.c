/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evaluating the access policy: a pure function, no I/O, no allocation. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy_internal.h"

static bool strv_has(const struct strv *v, const char *s)
{
	for (size_t i = 0; s && i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

static bool who_matches(const struct rule *r, const struct isms_request *req, char *why,
			size_t len)
{
	if (r->users.n == 0 && r->groups.n == 0)
		return true;
	if (!req->user)
		return false;
	if (strv_has(&r->users, req->user)) {
		snprintf(why, len, "user '%s' listed", req->user);
		return true;
	}
	for (size_t i = 0; req->groups && req->groups[i]; i++) {
		if (strv_has(&r->groups, req->groups[i])) {
			snprintf(why, len, "member of group '%s'", req->groups[i]);
			return true;
		}
	}
	snprintf(why, len, "user '%s' not in its users or groups", req->user);
	return false;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (a[full] & mask) == (b[full] & mask);
	}
	return true;
}

static bool suffix_caseeq(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

static bool from_matches(const struct rule *r, const struct isms_request *req, char *why,
			 size_t len)
{
	bool local = !req->rhost || !req->rhost[0];
	uint8_t addr[16];
	int family = 0;
	bool is_addr = !local && isms_addr_parse(req->rhost, addr, &family) == 0;

	if (r->nfrom == 0)
		return true;
	for (size_t i = 0; i < r->nfrom; i++) {
		const struct from_item *f = &r->from[i];
		bool m = false;

		switch (f->kind) {
		case FROM_LOCAL:
			m = local;
			break;
		case FROM_ANY:
			m = true;
			break;
		case FROM_CIDR:
			m = is_addr && family == f->family && prefix_match(addr, f->addr, f->prefix);
			break;
		case FROM_HOST:
			/* Names are compared as PAM_RHOST gives them: no DNS at login. */
			m = !local && strcasecmp(req->rhost, f->host) == 0;
			break;
		case FROM_DOMAIN:
			m = !local && suffix_caseeq(req->rhost, f->host);
			break;
		}
		if (m) {
			snprintf(why, len, "from %s", local ? "the local console" : req->rhost);
			return true;
		}
	}
	snprintf(why, len, "source '%s' not in its from list", local ? "LOCAL" : req->rhost);
	return false;
}

static bool tty_matches(const struct rule *r, const struct isms_request *req, char *why,
			size_t len)
{
	const char *tty = req->tty;

	if (r->ttys.n == 0)
		return true;
	/* login sets PAM_TTY to /dev/tty1, sshd to ssh or pts/N: compare without /dev/. */
	if (tty && strncmp(tty, "/dev/", 5) == 0)
		tty += 5;
	for (size_t i = 0; tty && i < r->ttys.n; i++)
		if (fnmatch(r->ttys.v[i], tty, 0) == 0)
			return true;
	snprintf(why, len, "tty '%s' not in its ttys", req->tty ? req->tty : "(none)");
	return false;
}

static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static bool time_matches(const struct rule *r, const struct isms_request *req, char *why,
			 size_t len)
{
	int wday, min;

	if (!r->has_time)
		return true;
	if (!r->tz) {
		snprintf(why, len, "no time zone");
		return false;
	}
	if (isms_window_has(&r->win, r->tz, (int64_t)req->now, &wday, &min))
		return true;
	snprintf(why, len, "%s %02d:%02d %s is outside %02d:%02d-%02d:%02d on its days",
		 days[wday], min / 60, min % 60, isms_tz_name(r->tz), r->win.start_min / 60,
		 r->win.start_min % 60, r->win.end_min / 60, r->win.end_min % 60);
	return false;
}

static void add_reason(struct isms_decision *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_reason(struct isms_decision *d, const char *fmt, ...)
{
	va_list ap;

	if (d->nreasons >= ISMS_DECISION_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(d->reasons[d->nreasons++], sizeof(d->reasons[0]), fmt, ap);
	va_end(ap);
}

static enum isms_fact ack_fact(const struct isms_facts *f, const char *doc)
{
	if (!f->store_ok)
		return ISMS_FACT_UNKNOWN;
	for (size_t i = 0; i < f->nacks; i++)
		if (strcmp(f->acks[i].document, doc) == 0)
			return f->acks[i].acknowledged;
	return ISMS_FACT_UNKNOWN;
}

/* Preconditions of an allowing rule; false (and reasons) if any fails. */
static bool preconditions(const struct isms_policy *p, const struct rule *r,
			  const struct isms_facts *f, struct isms_decision *d)
{
	bool ok = true, lock_unknown = false;
	char num[64];

	if (f->store_ok && f->asset_locked == ISMS_FACT_YES && !r->break_glass) {
		add_reason(d, "asset '%s' is locked down: only break-glass rules admit",
			   p->asset);
		ok = false;
	} else if (!f->store_ok || f->asset_locked == ISMS_FACT_UNKNOWN) {
		lock_unknown = true;
	}
	if (r->require_active) {
		if (!f->store_ok || f->person_active == ISMS_FACT_UNKNOWN) {
			add_reason(d, "cannot confirm the person is active%s",
				   f->store_ok ? "" : " (store unavailable)");
			ok = false;
		} else if (f->person_known == ISMS_FACT_NO) {
			add_reason(d, "user is not a person in the register");
			ok = false;
		} else if (f->person_active == ISMS_FACT_NO) {
			add_reason(d, "person is past their active_until date");
			ok = false;
		}
	}
	for (size_t i = 0; i < r->acks.n; i++) {
		enum isms_fact a = ack_fact(f, r->acks.v[i]);

		if (a == ISMS_FACT_YES)
			continue;
		add_reason(d,
			   a == ISMS_FACT_NO ? "has not acknowledged the current version of '%s'%s" :
					       "acknowledgement of '%s' cannot be confirmed%s",
			   r->acks.v[i], f->store_ok ? "" : " (store unavailable)");
		ok = false;
	}
	if (r->reviewed_within >= 0) {
		if (!f->store_ok || f->last_review_days < 0 ||
		    f->last_review_days > r->reviewed_within) {
			snprintf(num, sizeof(num), "%d", r->reviewed_within);
			add_reason(d,
				   !f->store_ok ? "access review within %s days cannot be confirmed%s" :
				   f->last_review_days < 0 ? "access to this asset was never reviewed (required within %s days)%s" :
							     "access not reviewed within %s days%s",
				   num, f->store_ok ? "" : " (store unavailable)");
			ok = false;
		}
	}
	/* A note, not a failure: after the failures, so that reasons[0] (what
	 * the user and the log line see) says why a denial is one. */
	if (lock_unknown)
		add_reason(d, "lockdown state of '%s' unknown (%s); treated as not locked", p->asset,
			   f->store_ok ? "asset not in the register" : "store unavailable");
	return ok;
}

void isms_policy_evaluate(const struct isms_policy *p, const struct isms_request *req,
			  const struct isms_facts *facts, struct isms_decision *d,
			  char (*trace)[160], size_t tracelen, size_t *ret_ntrace)
{
	size_t ntrace = 0;

	memset(d, 0, sizeof(*d));
	d->rule_index = -1;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		char who[128] = "", from[128] = "", why[160] = "";
		bool m = who_matches(r, req, who, sizeof(who));

		if (m && r->services.n && !strv_has(&r->services, req->service)) {
			snprintf(why, sizeof(why), "service '%s' not in its services",
				 req->service ? req->service : "(none)");
			m = false;
		}
		if (!m && !why[0])
			snprintf(why, sizeof(why), "%s", who);
		if (m && !from_matches(r, req, from, sizeof(from))) {
			snprintf(why, sizeof(why), "%s", from);
			m = false;
		}
		if (m && !tty_matches(r, req, why, sizeof(why)))
			m = false;
		if (m && !time_matches(r, req, why, sizeof(why)))
			m = false;
		if (trace && ntrace < tracelen)
			snprintf(trace[ntrace++], 160, "rule '%s': %s%s", r->id,
				 m ? "matches" : "does not match: ", m ? "" : why);
		if (!m)
			continue;

		d->rule_index = (int)i;
		snprintf(d->rule_id, sizeof(d->rule_id), "%s", r->id);
		if (!r->allow) {
			d->allow = false;
			add_reason(d, "rule '%s' denies", r->id);
			break;
		}
		d->allow = preconditions(p, r, facts, d);
		if (d->allow) {
			add_reason(d, "rule '%.40s' allows: %.60s%s%.50s", r->id,
				   who[0] ? who : "any user", from[0] ? ", " : "", from);
			d->break_glass = r->break_glass;
			if (r->break_glass)
				add_reason(d, "break-glass access: flagged for review");
		}
		break;
	}
	if (d->rule_index < 0) {
		d->implicit = true;
		snprintf(d->rule_id, sizeof(d->rule_id), "(none)");
		add_reason(d, "no rule matched: denied by default");
	}
	d->effective_allow = d->allow || p->mode == ISMS_MODE_AUDIT;
	if (ret_ntrace)
		*ret_ntrace = ntrace;
}

const char *isms_decision_outcome(const struct isms_decision *d)
{
	if (d->allow)
		return "allow";
	return d->effective_allow ? "audit-deny" : "deny";
}
