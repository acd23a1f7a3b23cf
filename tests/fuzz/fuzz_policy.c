/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The login policy: isms_policy_parse() on any bytes, and, for every policy
 * it accepts, isms_policy_evaluate() on a few fixed logins and fact sets.
 * Checks the decision's own invariants: a policy that parses must decide
 * every request, the same way twice, without reading past anything.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "isms/json.h"
#include "isms/policy.h"

#define FUZZ_MAX (64u << 10) /* policies are small; bigger inputs only slow the search */

static const char *const groups_dba[] = {"dba", "staff", NULL};
static const char *const groups_none[] = {NULL};
static const char *const groups_many[] = {"emergency", "wheel", "users", "tty", NULL};

static const struct isms_request requests[] = {
	/* 2026-11-26T10:00Z, a Thursday */
	{.user = "alice", .service = "sshd", .rhost = "10.1.2.3", .tty = "ssh",
	 .groups = groups_dba, .now = 1795687200},
	{.user = "root", .service = "login", .rhost = "", .tty = "tty1",
	 .groups = groups_none, .now = 1795687200},
	{.user = "root", .service = "sshd", .rhost = "2001:db8::1", .tty = "ssh",
	 .groups = groups_many, .now = 1795730400},
	{.user = "bob", .service = "sudo", .rhost = NULL, .tty = "/dev/pts/0",
	 .groups = groups_many, .now = 0},
	{.user = "mallory", .service = "sshd", .rhost = "host.nordwind.example", .tty = "ssh",
	 .groups = groups_dba, .now = 4102444800},
	{.user = "", .service = "", .rhost = "::ffff:10.0.0.1", .tty = "",
	 .groups = groups_none, .now = -1},
};

static void decide(const struct isms_policy *p, const struct isms_request *req,
		   const struct isms_facts *f)
{
	struct isms_decision d, again;
	char trace[16][160];
	size_t ntrace = 0;

	isms_policy_evaluate(p, req, f, &d, trace, 16, &ntrace);
	CHECK(ntrace <= 16);
	CHECK(d.nreasons <= ISMS_DECISION_REASONS);
	CHECK(d.rule_index >= -1 && (d.rule_index < 0 || (size_t)d.rule_index < isms_policy_nrules(p)));
	CHECK(!d.implicit || (d.rule_index == -1 && !d.allow));
	CHECK(memchr(d.rule_id, '\0', sizeof(d.rule_id)));
	for (size_t i = 0; i < d.nreasons; i++)
		CHECK(memchr(d.reasons[i], '\0', sizeof(d.reasons[i])));
	for (size_t i = 0; i < ntrace; i++)
		CHECK(memchr(trace[i], '\0', sizeof(trace[i])));
	/* enforce: PAM returns the decision; audit: every login is let in */
	if (isms_policy_mode(p) == ISMS_MODE_ENFORCE)
		CHECK(d.effective_allow == d.allow);
	else
		CHECK(d.effective_allow);
	CHECK(isms_decision_outcome(&d) != NULL);
	/* Pure: the same inputs, the same decision (and no trace needed). */
	isms_policy_evaluate(p, req, f, &again, NULL, 0, NULL);
	CHECK(again.allow == d.allow && again.rule_index == d.rule_index &&
	       again.break_glass == d.break_glass && again.nreasons == d.nreasons);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_policy *p = NULL;
	struct isms_policy_problems problems;
	const char *json = (const char *)data;
	int r;

	if (size > FUZZ_MAX)
		return 0;
	memset(&problems, 0, sizeof(problems));
	r = isms_policy_parse(json, size, "/usr/share/zoneinfo", &p, &problems);
	CHECK(problems.n <= 32 && problems.n <= problems.total);
	for (size_t i = 0; i < problems.n; i++) {
		CHECK(memchr(problems.list[i].path, '\0', sizeof(problems.list[i].path)));
		CHECK(memchr(problems.list[i].msg, '\0', sizeof(problems.list[i].msg)));
	}
	if (r < 0) {
		/* A policy with any problem is refused whole, and says why. */
		CHECK(!p);
		CHECK(r != -EINVAL || problems.total > 0);
		return 0;
	}
	/* An accepted policy is strict JSON: the reader every input goes through agrees. */
	CHECK(isms_json_check(json, size, NULL, NULL) == 0);
	CHECK(p && problems.total == 0);
	CHECK(isms_policy_nrules(p) <= ISMS_POLICY_MAX_RULES);
	{
		const char *const *docs = isms_policy_documents(p);
		struct isms_ack_fact acks[8];
		size_t nacks = 0;
		struct isms_facts facts[3];

		for (size_t i = 0; docs && docs[i] && nacks < 8; i++, nacks++) {
			acks[nacks].document = docs[i];
			acks[nacks].acknowledged = i % 2 ? ISMS_FACT_NO : ISMS_FACT_YES;
		}
		/* all known and good; the store unreadable; half known */
		facts[0] = (struct isms_facts){.store_ok = true, .person_known = ISMS_FACT_YES,
					       .person_active = ISMS_FACT_YES,
					       .asset_locked = ISMS_FACT_NO, .last_review_days = 3,
					       .acks = acks, .nacks = nacks};
		facts[1] = (struct isms_facts){.store_ok = false, .person_known = ISMS_FACT_UNKNOWN,
					       .person_active = ISMS_FACT_UNKNOWN,
					       .asset_locked = ISMS_FACT_UNKNOWN,
					       .last_review_days = -1};
		facts[2] = (struct isms_facts){.store_ok = true, .person_known = ISMS_FACT_YES,
					       .person_active = ISMS_FACT_NO,
					       .asset_locked = ISMS_FACT_YES, .last_review_days = 4000,
					       .acks = acks, .nacks = nacks / 2};
		(void)isms_policy_asset(p);
		(void)isms_policy_on_error(p);
		(void)isms_policy_needs_review(p);
		for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
			for (size_t k = 0; k < 3; k++)
				decide(p, &requests[i], &facts[k]);
	}
	isms_policy_free(p);
	return 0;
}
