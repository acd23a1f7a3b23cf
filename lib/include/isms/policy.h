/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_POLICY_H
#define ISMS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The ISMS access policy: which users, from where, when, through which PAM
 * service, under which preconditions, may log in to this host.  Parsed once
 * into an immutable struct isms_policy; evaluated by a pure function of
 * (policy, request, facts) so that PAM, 'ismsctl policy test' and the unit
 * tests all decide the same way.  See isms-policy(5).
 */

struct isms_policy; /* opaque, immutable once parsed */

#define ISMS_POLICY_MAX_BYTES (1u << 20)
#define ISMS_POLICY_MAX_RULES 1024

enum isms_policy_mode { ISMS_MODE_ENFORCE, ISMS_MODE_AUDIT };
enum isms_on_error { ISMS_ON_ERROR_DENY, ISMS_ON_ERROR_ALLOW };

/* One problem found while parsing: where (JSON path, and line:column when known) and what. */
struct isms_policy_problem {
	char path[128]; /* "$.rules[2].from[0]" */
	int line;       /* 1-based, 0 if unknown */
	int column;     /* 1-based, in characters; 0 if unknown */
	char msg[192];
};

struct isms_policy_problems {
	size_t n;
	struct isms_policy_problem list[32]; /* the first 32 are kept */
	size_t total;                        /* how many there were */
};

/*
 * Parse @len bytes of policy JSON.  @zoneinfo is the directory of the time
 * zone database (NULL: /usr/share/zoneinfo); zones named by rules are read
 * from it here, so evaluation never touches the file system.
 * Returns 0 and *ret, or -EINVAL with every problem in @problems (optional),
 * -EFBIG, -ENOMEM.  A policy with any problem is rejected whole: a typo in a
 * deny rule must never turn into an allow.
 */
int isms_policy_parse(const char *json, size_t len, const char *zoneinfo,
		      struct isms_policy **ret, struct isms_policy_problems *problems)
	__attribute__((warn_unused_result, nonnull(1, 4)));

/*
 * Read and parse the policy file at @path.  With @strict_modes, first check
 * it like sshd's StrictModes with isms_trust_check(path, 0) (isms/trust.h):
 * every component of the path as written, symlinks themselves and where they
 * lead, down to a regular file owned by root and not group- or
 * world-writable.  -ENOENT, -EACCES, -ELOOP, -EPERM (insecure; @problems
 * says why, naming the component), -EINVAL (malformed), -EFBIG.
 */
int isms_policy_load(const char *path, bool strict_modes, const char *zoneinfo,
		     struct isms_policy **ret, struct isms_policy_problems *problems)
	__attribute__((warn_unused_result, nonnull(1, 4)));

struct isms_policy *isms_policy_free(struct isms_policy *p);

/* The asset (host) this policy guards, its mode and error handling. */
const char *isms_policy_asset(const struct isms_policy *p);
enum isms_policy_mode isms_policy_mode(const struct isms_policy *p);
enum isms_on_error isms_policy_on_error(const struct isms_policy *p);
size_t isms_policy_nrules(const struct isms_policy *p);

/* Document names that rules require acknowledged, NULL-terminated, owned by @p. */
const char *const *isms_policy_documents(const struct isms_policy *p);
/* Whether any rule needs the access-review or active facts. */
bool isms_policy_needs_review(const struct isms_policy *p);

/* A login attempt, as PAM sees it. */
struct isms_request {
	const char *user;
	const char *service;
	const char *rhost;  /* NULL or "" for a local login */
	const char *tty;
	const char *const *groups; /* all the user's groups, NULL-terminated */
	time_t now;
};

/* A fact from the store may be unknown when the store cannot be read. */
enum isms_fact { ISMS_FACT_UNKNOWN = -1, ISMS_FACT_NO = 0, ISMS_FACT_YES = 1 };

struct isms_ack_fact {
	const char *document;
	enum isms_fact acknowledged; /* of the current version */
};

struct isms_facts {
	bool store_ok;                 /* false: every fact below is unknown */
	enum isms_fact person_known;   /* the user maps to a person in the register */
	enum isms_fact person_active;  /* not past active_until */
	enum isms_fact asset_locked;   /* the asset is locked down */
	int64_t last_review_days;      /* days since the last access review; -1 = none/unknown */
	const struct isms_ack_fact *acks;
	size_t nacks;
};

#define ISMS_DECISION_REASONS 8

struct isms_decision {
	bool allow;           /* what the policy decided */
	bool effective_allow; /* what PAM returns: audit mode allows */
	bool break_glass;     /* decided by a break-glass rule: flag for review */
	bool implicit;        /* no rule matched */
	int rule_index;       /* -1 if none */
	char rule_id[64];
	size_t nreasons;
	char reasons[ISMS_DECISION_REASONS][160];
};

/*
 * Decide.  First matching rule wins; a matching rule whose preconditions are
 * not met denies, with the precondition as reason; no match denies.  Pure:
 * no I/O, no globals, no allocation.  With @trace (optional, @tracelen
 * lines of 160 bytes) it explains every rule tried, for 'policy test'.
 * Unknown facts fall closed: an unknown acknowledgement, review or active
 * state fails the precondition; an unknown lockdown counts as not locked and
 * is named in the reasons.
 */
void isms_policy_evaluate(const struct isms_policy *p, const struct isms_request *req,
			  const struct isms_facts *facts, struct isms_decision *ret,
			  char (*trace)[160], size_t tracelen, size_t *ret_ntrace)
	__attribute__((nonnull(1, 2, 3, 4)));

/* "allow", "deny", "audit-deny" (allowed in audit mode, would have been denied). */
const char *isms_decision_outcome(const struct isms_decision *d);

/* Parse an address for matching: IPv4 or IPv6 text; 0 or -EINVAL. Pure. */
int isms_addr_parse(const char *text, uint8_t ret_addr[16], int *ret_family);

#endif
