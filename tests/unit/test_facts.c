/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts a login decision needs, read from a real store filled through
 * the register layer: person and activity, acknowledgements of the current
 * document version, the last access review, and the asset's lockdown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/facts.h"
#include "isms/policy.h"
#include "testutil.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

/* Noon UTC, Thursday 2026-01-15. */
#define NOW tu_utc(2026, 1, 15, 12, 0)

/* Two documents, a review and an active person required. */
#define FULL                                                                                 \
	"{'version':1,'asset':'db-prod-01','rules':[{'id':'dba','groups':'dba','allow':true,"   \
	"'require':{'acknowledged':['infosec-policy','aup'],'reviewed_within_days':90,"         \
	"'active':true}}]}"

static void people(struct isms_store *s)
{
	tu_add(s, "person", TU_KV({"name", "alice"}));
	tu_add(s, "person", TU_KV({"name", "Robert"}, {"login", "bob"}));
	tu_add(s, "person", TU_KV({"name", "carol"}, {"active_until", "2026-01-14"}));
	tu_add(s, "person", TU_KV({"name", "dave"}, {"active_until", "2026-01-15"}));
	tu_add(s, "person", TU_KV({"name", "erin"}, {"active_until", "2027-01-01"}));
	tu_add(s, "asset", TU_KV({"name", "db-prod-01"}, {"type", "host"}));
	tu_add(s, "asset", TU_KV({"name", "web-01"}, {"type", "host"}));
	tu_add(s, "document",
	       TU_KV({"name", "infosec-policy"}, {"title", "Information security policy"},
		     {"version", "2"}));
	tu_add(s, "document",
	       TU_KV({"name", "aup"}, {"title", "Acceptable use"}, {"version", "1"}));
}

static void load(struct isms_store *s, const struct isms_policy *p, const char *user, time_t now,
		 struct isms_facts *f, struct isms_ack_fact *acks, size_t nacks)
{
	int r = isms_facts_load(s, p, user, now, f, acks, nacks);

	if (r < 0)
		fail_msg("facts of '%s': %s (%s)", user, strerror(-r), isms_store_errmsg(s));
	assert_true(f->store_ok);
}

static void t_person_login_or_name(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_ack_fact acks[2];
	struct isms_facts f;

	people(fx->s);
	/* No login: the name is the login. */
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.person_known, ISMS_FACT_YES);
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	/* A login of its own: the login counts, not the name. */
	load(fx->s, p, "bob", NOW, &f, acks, 2);
	assert_int_equal(f.person_known, ISMS_FACT_YES);
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	load(fx->s, p, "Robert", NOW, &f, acks, 2);
	assert_int_equal(f.person_known, ISMS_FACT_NO);
	assert_int_equal(f.person_active, ISMS_FACT_NO);
	/* Nobody, and names that try to be SQL or are just long. */
	load(fx->s, p, "mallory", NOW, &f, acks, 2);
	assert_int_equal(f.person_known, ISMS_FACT_NO);
	assert_int_equal(f.person_active, ISMS_FACT_NO);
	load(fx->s, p, "x' OR '1'='1", NOW, &f, acks, 2);
	assert_int_equal(f.person_known, ISMS_FACT_NO);
	load(fx->s, p, "ALICE", NOW, &f, acks, 2);
	assert_int_equal(f.person_known, ISMS_FACT_NO);
	{
		char *big = malloc(20001);

		assert_non_null(big);
		memset(big, 'a', 20000);
		big[20000] = '\0';
		load(fx->s, p, big, NOW, &f, acks, 2);
		assert_int_equal(f.person_known, ISMS_FACT_NO);
		free(big);
	}
	isms_policy_free(p);
}

static void t_active_until(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_ack_fact acks[2];
	struct isms_facts f;

	people(fx->s);
	load(fx->s, p, "carol", NOW, &f, acks, 2); /* left yesterday */
	assert_int_equal(f.person_known, ISMS_FACT_YES);
	assert_int_equal(f.person_active, ISMS_FACT_NO);
	load(fx->s, p, "dave", NOW, &f, acks, 2); /* today is the last day */
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	load(fx->s, p, "dave", tu_utc(2026, 1, 15, 23, 59), &f, acks, 2);
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	load(fx->s, p, "dave", tu_utc(2026, 1, 16, 0, 0), &f, acks, 2);
	assert_int_equal(f.person_active, ISMS_FACT_NO);
	load(fx->s, p, "erin", NOW, &f, acks, 2);
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	/* carol was active before her end date: it is the time asked about that counts. */
	load(fx->s, p, "carol", tu_utc(2026, 1, 10, 12, 0), &f, acks, 2);
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	isms_policy_free(p);
}

static void t_acknowledged(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	const char *const *docs = isms_policy_documents(p);
	struct isms_ack_fact acks[2];
	struct isms_facts f;

	people(fx->s);
	tu_add(fx->s, "ack",
	       TU_KV({"person", "alice"}, {"document", "infosec-policy"}, {"version", "2"},
		     {"at", "2026-01-02"}));
	/* bob acknowledged only the old version. */
	tu_add(fx->s, "ack",
	       TU_KV({"person", "Robert"}, {"document", "infosec-policy"}, {"version", "1"},
		     {"at", "2025-01-02"}));
	/* carol acknowledged another document's current version "2" ... of aup, which is at 1. */
	tu_add(fx->s, "ack",
	       TU_KV({"person", "carol"}, {"document", "aup"}, {"version", "2"},
		     {"at", "2025-01-02"}));

	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.nacks, 2);
	assert_ptr_equal(f.acks, acks);
	/* In the order of isms_policy_documents(), pointing at its strings. */
	assert_ptr_equal(acks[0].document, docs[0]);
	assert_ptr_equal(acks[1].document, docs[1]);
	assert_string_equal(acks[0].document, "infosec-policy");
	assert_string_equal(acks[1].document, "aup");
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_YES);
	assert_int_equal(acks[1].acknowledged, ISMS_FACT_NO);

	load(fx->s, p, "bob", NOW, &f, acks, 2);
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_NO);
	assert_int_equal(acks[1].acknowledged, ISMS_FACT_NO);
	load(fx->s, p, "carol", NOW, &f, acks, 2);
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_NO);
	assert_int_equal(acks[1].acknowledged, ISMS_FACT_NO);

	/* A new version of the policy: alice's acknowledgement is now the old one. */
	assert_int_equal(isms_record_change(fx->s, tu_entity("document"), "infosec-policy",
					    TU_KV({"version", "3"})),
			 0);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_NO);
	tu_add(fx->s, "ack",
	       TU_KV({"person", "alice"}, {"document", "infosec-policy"}, {"version", "3"},
		     {"at", "2026-01-14"}));
	tu_add(fx->s, "ack",
	       TU_KV({"person", "alice"}, {"document", "aup"}, {"version", "1"},
		     {"at", "2026-01-14"}));
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_YES);
	assert_int_equal(acks[1].acknowledged, ISMS_FACT_YES);
	/* Someone else's acknowledgement is not alice's, and nobody's is nobody's. */
	load(fx->s, p, "erin", NOW, &f, acks, 2);
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_NO);
	load(fx->s, p, "mallory", NOW, &f, acks, 2);
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_NO);
	isms_policy_free(p);
}

static void t_document_missing(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy("{'version':1,'asset':'db-prod-01','rules':[{'id':'a',"
				       "'allow':true,'require':{'acknowledged':'no-such-doc'}}]}");
	struct isms_ack_fact acks[1];
	struct isms_facts f;

	people(fx->s);
	load(fx->s, p, "alice", NOW, &f, acks, 1);
	assert_int_equal(f.nacks, 1);
	assert_string_equal(acks[0].document, "no-such-doc");
	assert_int_equal(acks[0].acknowledged, ISMS_FACT_NO);
	isms_policy_free(p);
}

static void review(struct isms_store *s, const char *person, const char *asset, const char *kind,
		   const char *done, const char *result)
{
	struct isms_kv kv[7] = {{"kind", kind},     {"subject", "access to the database"},
				{"asset", asset},   {"person", person},
				{"due", "2025-12-31"}};
	size_t n = 5;

	if (done)
		kv[n++] = (struct isms_kv){"done", done};
	if (result)
		kv[n++] = (struct isms_kv){"result", result};
	tu_add(s, "review", kv, n);
}

static void t_last_review(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_ack_fact acks[2];
	struct isms_facts f;

	people(fx->s);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, -1);

	review(fx->s, "alice", "db-prod-01", "access", "2025-12-16", "ok");
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 30);
	/* The latest review counts, not an older one. */
	review(fx->s, "alice", "db-prod-01", "access", "2025-06-01", "ok");
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 30);
	/* A failed review does not vouch for the access. */
	review(fx->s, "alice", "db-prod-01", "access", "2026-01-14", "failed");
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 30);
	/* Reviews not yet done, of another kind or another asset do not count either. */
	review(fx->s, "alice", "db-prod-01", "access", NULL, NULL);
	review(fx->s, "alice", "db-prod-01", "risk", "2026-01-15", "ok");
	review(fx->s, "alice", "web-01", "access", "2026-01-15", "ok");
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 30);
	/* Findings are still a review done; no result recorded counts as done too. */
	review(fx->s, "alice", "db-prod-01", "access", "2026-01-10", "findings");
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 5);
	review(fx->s, "alice", "db-prod-01", "access", "2026-01-15", NULL);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 0);
	/* Days grow with the time asked about: 2026-01-15 to 2026-04-15 is 90 days. */
	load(fx->s, p, "alice", tu_utc(2026, 4, 15, 23, 0), &f, acks, 2);
	assert_int_equal(f.last_review_days, 90);
	load(fx->s, p, "alice", tu_utc(2026, 4, 16, 0, 0), &f, acks, 2);
	assert_int_equal(f.last_review_days, 91);

	/* Others have none; bob's is found through his person, by login. */
	load(fx->s, p, "bob", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, -1);
	review(fx->s, "Robert", "db-prod-01", "access", "2025-10-17", "ok");
	load(fx->s, p, "bob", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, 90);
	load(fx->s, p, "mallory", NOW, &f, acks, 2);
	assert_int_equal(f.last_review_days, -1);
	isms_policy_free(p);
}

/* No rule asks for a review: none is read. */
static void t_review_not_needed(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy("{'version':1,'asset':'db-prod-01','rules':[{'id':'a',"
				       "'allow':true,'require':{'active':true}}]}");
	struct isms_facts f;

	people(fx->s);
	review(fx->s, "alice", "db-prod-01", "access", "2026-01-10", "ok");
	load(fx->s, p, "alice", NOW, &f, NULL, 0);
	assert_int_equal(f.last_review_days, -1);
	assert_int_equal(f.nacks, 0);
	assert_int_equal(f.person_active, ISMS_FACT_YES);
	isms_policy_free(p);
}

static void t_asset_lockdown(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_policy *other = tu_policy("{'version':1,'asset':'not-registered','rules':"
					   "[{'id':'a','allow':true}]}");
	struct isms_ack_fact acks[2];
	struct isms_facts f;

	people(fx->s);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.asset_locked, ISMS_FACT_NO);
	assert_int_equal(isms_record_change(fx->s, tu_entity("asset"), "db-prod-01",
					    TU_KV({"locked_down", "yes"})),
			 0);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.asset_locked, ISMS_FACT_YES);
	/* Another asset's lockdown is not this one's. */
	assert_int_equal(isms_record_change(fx->s, tu_entity("asset"), "db-prod-01",
					    TU_KV({"locked_down", "no"})),
			 0);
	assert_int_equal(isms_record_change(fx->s, tu_entity("asset"), "web-01",
					    TU_KV({"locked_down", "yes"})),
			 0);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.asset_locked, ISMS_FACT_NO);
	/* Not in the register at all: unknown, though the store answered. */
	load(fx->s, other, "alice", NOW, &f, acks, 2);
	assert_int_equal(f.asset_locked, ISMS_FACT_UNKNOWN);
	assert_true(f.store_ok);
	isms_policy_free(p);
	isms_policy_free(other);
}

static void t_too_few_ack_slots(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_ack_fact acks[1];
	struct isms_facts f;

	people(fx->s);
	assert_int_equal(isms_facts_load(fx->s, p, "alice", NOW, &f, acks, 1), -E2BIG);
	assert_false(f.store_ok);
	isms_policy_free(p);
}

static void t_unknown(void **state)
{
	struct isms_facts f;

	(void)state;
	memset(&f, 0x5a, sizeof(f));
	isms_facts_unknown(&f);
	assert_false(f.store_ok);
	assert_int_equal(f.person_known, ISMS_FACT_UNKNOWN);
	assert_int_equal(f.person_active, ISMS_FACT_UNKNOWN);
	assert_int_equal(f.asset_locked, ISMS_FACT_UNKNOWN);
	assert_int_equal(f.last_review_days, -1);
	assert_null(f.acks);
	assert_int_equal(f.nacks, 0);
}

/* A store that fails mid-way leaves every fact unknown, not half known. */
static void t_store_fails(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_ack_fact acks[2];
	struct isms_facts f;

	people(fx->s);
	assert_int_equal(tu_sql(fx->path, "DROP TABLE acknowledgement"), 0);
	assert_true(isms_facts_load(fx->s, p, "alice", NOW, &f, acks, 2) < 0);
	assert_false(f.store_ok);
	isms_policy_free(p);
}

/* Facts from the store, decided by the policy: the whole path but PAM. */
static void t_decide_with_store(void **state)
{
	static const char *const dba[] = {"dba", NULL};
	struct tu_fixture *fx = *state;
	struct isms_policy *p = tu_policy(FULL);
	struct isms_ack_fact acks[2];
	struct isms_facts f;
	struct isms_request rq = {.user = "alice", .service = "sshd", .rhost = "10.1.2.3",
				  .groups = dba, .now = NOW};
	struct isms_decision d;

	people(fx->s);
	tu_add(fx->s, "ack",
	       TU_KV({"person", "alice"}, {"document", "infosec-policy"}, {"version", "2"},
		     {"at", "2026-01-02"}));
	review(fx->s, "alice", "db-prod-01", "access", "2025-12-16", "ok");
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	isms_policy_evaluate(p, &rq, &f, &d, NULL, 0, NULL);
	assert_false(d.allow);
	assert_string_equal(d.rule_id, "dba");
	assert_int_equal(d.nreasons, 1);
	assert_non_null(strstr(d.reasons[0], "'aup'"));

	tu_add(fx->s, "ack",
	       TU_KV({"person", "alice"}, {"document", "aup"}, {"version", "1"},
		     {"at", "2026-01-03"}));
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	isms_policy_evaluate(p, &rq, &f, &d, NULL, 0, NULL);
	assert_true(d.allow);

	/* Locked down: the same login is refused. */
	assert_int_equal(isms_record_change(fx->s, tu_entity("asset"), "db-prod-01",
					    TU_KV({"locked_down", "yes"})),
			 0);
	load(fx->s, p, "alice", NOW, &f, acks, 2);
	isms_policy_evaluate(p, &rq, &f, &d, NULL, 0, NULL);
	assert_false(d.allow);
	assert_non_null(strstr(d.reasons[0], "locked down"));
	isms_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(t_person_login_or_name),
		STORE_TEST(t_active_until),
		STORE_TEST(t_acknowledged),
		STORE_TEST(t_document_missing),
		STORE_TEST(t_last_review),
		STORE_TEST(t_review_not_needed),
		STORE_TEST(t_asset_lockdown),
		STORE_TEST(t_too_few_ack_slots),
		cmocka_unit_test(t_unknown),
		STORE_TEST(t_store_fails),
		STORE_TEST(t_decide_with_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
