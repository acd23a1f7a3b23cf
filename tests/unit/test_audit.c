/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The internal audit programme on a real store: each rule of an auditor's
 * independence refused and allowed, through the library and through the
 * record type's written hook (nothing written when refused); the sample's
 * generator against the published algorithm; the sample reproducible by
 * seed, its population hashed and recorded, an empty one refused; findings
 * opened as nonconformities of their audit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "isms/audit.h"
#include "isms/catalogue.h"
#include "isms/evidence.h"
#include "evidence_fixture.h"
#include "testutil.h"

#define AUDIT_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

/*
 * alice audits; bob is audited.  carol owns web02 and its risk, dave the
 * measures, so that each rule is met only once alice is given the role.
 */
static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "auditor"}));
	tu_add(fx->s, "person", TU_KV({"name", "bob"}, {"role", "admin"}));
	tu_add(fx->s, "person", TU_KV({"name", "carol"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web01"}, {"type", "host"}, {"owner", "bob"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web02"}, {"type", "host"}, {"owner", "carol"}));
	return 0;
}

static int check(struct tu_fixture *fx, const char *auditor, const char *auditee,
		 const char *controls, const char *assets)
{
	struct isms_audit_plan a = {.id = "IA-9", .auditor = auditor, .auditee = auditee,
				    .controls = controls, .assets = assets};

	return isms_audit_check(fx->s, &a);
}

static void t_auditee(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(check(fx, "bob", "bob", "5.15", NULL), -EPERM);
	assert_string_equal(isms_store_errmsg(fx->s),
			    "audit IA-9: auditor 'bob' may not audit their own area: 'bob' is the auditee");
	assert_int_equal(check(fx, "alice", "bob", "5.15", NULL), 0);
}

static void t_asset_owner(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(check(fx, "bob", "carol", NULL, "web02,web01"), -EPERM);
	assert_string_equal(isms_store_errmsg(fx->s),
			    "audit IA-9: auditor 'bob' may not audit their own work: 'bob' owns asset 'web01'");
	assert_int_equal(check(fx, "alice", "carol", NULL, "web02,web01"), 0);
}

static void t_control_owner(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "person", TU_KV({"name", "erin"}));
	assert_int_equal(isms_record_change(fx->s, tu_entity("control"), "8.2",
					    TU_KV({"owner", "erin"})),
			 0);
	assert_int_equal(check(fx, "erin", NULL, "5.15,8.2", NULL), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "'erin' owns control '8.2'");
	assert_int_equal(check(fx, "erin", NULL, "5.15,8.15", NULL), 0);
}

static void t_risk_owner(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "risk", TU_KV({"title", "weak logins"}, {"asset", "web02"}, {"likelihood", "2"},
				    {"impact", "3"}, {"owner", "alice"}));
	assert_int_equal(check(fx, "alice", NULL, NULL, "web01,web02"), -EPERM);
	assert_string_equal(isms_store_errmsg(fx->s),
			    "audit IA-9: auditor 'alice' may not audit their own work: 'alice' owns risk 'R-1' on asset 'web02'");
	/* a risk on an asset the audit does not cover is no conflict */
	assert_int_equal(check(fx, "alice", NULL, NULL, "web01"), 0);
}

static void t_measure_implementing_control(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "measure", TU_KV({"title", "pam_isms"}, {"control", "5.15"}, {"owner", "alice"}));
	assert_int_equal(check(fx, "alice", "bob", "8.2,5.15", NULL), -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"'alice' owns measure 'M-1' implementing control '5.15'");
	assert_int_equal(check(fx, "alice", "bob", "8.2", NULL), 0);
	/* a measure cancelled implements nothing */
	assert_int_equal(isms_record_change(fx->s, tu_entity("measure"), "M-1",
					    TU_KV({"status", "cancelled"})),
			 0);
	assert_int_equal(check(fx, "alice", "bob", "8.2,5.15", NULL), 0);
}

static void t_measure_treating_risk(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "risk", TU_KV({"title", "lost logs"}, {"asset", "web01"}, {"likelihood", "1"},
				    {"impact", "4"}, {"owner", "bob"}));
	tu_add(fx->s, "measure", TU_KV({"title", "remote log"}, {"risk", "R-1"}, {"owner", "alice"}));
	assert_int_equal(check(fx, "alice", "bob", NULL, "web01"), -EPERM);
	assert_string_equal(isms_store_errmsg(fx->s),
			    "audit IA-9: auditor 'alice' may not audit their own work: 'alice' owns measure 'M-1' treating risk 'R-1' on asset 'web01'");
	assert_int_equal(check(fx, "alice", "bob", NULL, "web02"), 0);
}

static void t_unknown_keys(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(check(fx, "alice", NULL, "5.15,9.99", NULL), -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "no control '9.99'");
	assert_int_equal(check(fx, NULL, NULL, NULL, "web01,db9"), -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "no asset 'db9'");
	assert_int_equal(check(fx, "alice", NULL, "5.15, 8.2", NULL), -EINVAL);
}

static void t_hook_refuses_add_and_change(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *e = tu_entity("audit");

	assert_int_equal(isms_record_add(fx->s, e,
					 TU_KV({"title", "access"}, {"scope", "hosts"},
					       {"assets", "web01"}, {"auditor", "bob"}),
					 NULL),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "'bob' owns asset 'web01'");
	assert_int_equal(tu_count(fx->s, "audit"), 0);
	tu_add(fx->s, "audit", TU_KV({"title", "access"}, {"scope", "hosts"}, {"assets", "web01"},
				     {"controls", "5.15"}, {"auditor", "alice"}, {"auditee", "bob"}));
	assert_field(fx->s, "audit", "IA-1", "status", "planned");
	assert_int_equal(isms_record_change(fx->s, e, "IA-1", TU_KV({"auditor", "bob"})), -EPERM);
	assert_field(fx->s, "audit", "IA-1", "auditor", "alice");
	assert_int_equal(isms_record_change(fx->s, e, "IA-1", TU_KV({"assets", "web01,nope"})),
			 -ENOENT);
	assert_field(fx->s, "audit", "IA-1", "assets", "web01");
	/* alice comes to own web01 after planning: holding the audit is refused, cancelling is not */
	assert_int_equal(isms_record_change(fx->s, tu_entity("asset"), "web01",
					    TU_KV({"owner", "alice"})),
			 0);
	assert_int_equal(isms_record_change(fx->s, e, "IA-1", TU_KV({"status", "held"})), -EPERM);
	assert_int_equal(isms_record_change(fx->s, e, "IA-1", TU_KV({"status", "cancelled"})), 0);
	assert_int_equal(isms_audit_check_stored(fx->s, "IA-1"), 0);
	assert_int_equal(isms_audit_check_stored(fx->s, "IA-7"), -ENOENT);
}

static void t_computed_fields(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "audit", TU_KV({"title", "old"}, {"scope", "hosts"}, {"planned", "2020-01-10"}));
	tu_add(fx->s, "audit", TU_KV({"title", "done"}, {"scope", "hosts"}, {"planned", "2020-01-10"},
				     {"status", "held"}));
	tu_add(fx->s, "audit", TU_KV({"title", "next"}, {"scope", "hosts"}, {"planned", "2999-01-10"}));
	assert_field(fx->s, "audit", "IA-1", "overdue", "yes");
	assert_field(fx->s, "audit", "IA-2", "overdue", "no");
	assert_field(fx->s, "audit", "IA-3", "overdue", "no");
	assert_field(fx->s, "audit", "IA-1", "findings", "0");
}

/* --- the generator ------------------------------------------------------------------ */

static void t_rng_is_the_published_one(void **state)
{
	struct isms_audit_rng g;

	(void)state;
	/* xoshiro256** after splitmix64(42), from an independent implementation */
	isms_audit_rng_seed(&g, 42);
	assert_true(isms_audit_rng_next(&g) == UINT64_C(0x15780b2e0c2ec716));
	assert_true(isms_audit_rng_next(&g) == UINT64_C(0x6104d9866d113a7e));
	assert_true(isms_audit_rng_next(&g) == UINT64_C(0xae17533239e499a1));
	for (int i = 0; i < 1000; i++)
		assert_true(isms_audit_rng_below(&g, 7) < 7);
	assert_true(isms_audit_rng_below(&g, 1) == 0);
}

/* --- the sample ----------------------------------------------------------------------- */

static int64_t tnow(void)
{
	return (int64_t)tu_utc(2026, 12, 1, 12, 0);
}

static void add_logins(struct isms_store *s, int n)
{
	for (int i = 0; i < n; i++) {
		char ts[32];
		struct isms_evidence ev = {.ts = ts, .source = "pam_isms", .kind = "access.allow",
					   .node = "web01", .control = "5.15", .asset = "web01",
					   .subject = "bob", .outcome = "allow",
					   .details = "{\"rule\":\"staff\",\"mode\":\"enforce\","
						      "\"reasons\":[\"member of staff\"]}"};

		snprintf(ts, sizeof(ts), "2026-10-%02dT%02d:00:00Z", 1 + i % 28, i % 24);
		assert_int_equal(isms_evidence_append(s, &ev, NULL), 0);
	}
}

static void draw(struct tu_fixture *fx, const struct isms_ctest_period *p, int64_t n,
		 uint64_t seed, struct isms_audit_sample *smp)
{
	struct isms_audit_sample_opts o = {.control = "5.15", .period = p, .n = n, .seed = seed,
					   .now = tnow()};

	if (isms_audit_sample_draw(fx->s, &o, smp) < 0)
		fail_msg("%s", isms_store_errmsg(fx->s));
}

static void ids_of(const struct isms_audit_sample *smp, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < smp->nrows && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%" PRId64, i ? "," : "",
					smp->rows[i].id);
}

/* SHA-256 of "ID HASH\n" over rows 1..@n of the chain, computed here apart. */
/* Over the population: the @n rows from id @first on. */
static void expected_sha(struct tu_fixture *fx, int first, int n, char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (int i = first; i < first + n; i++) {
		char key[16], line[128], *h;

		snprintf(key, sizeof(key), "%d", i);
		h = tu_field(fx->s, "evidence", key, "hash");
		snprintf(line, sizeof(line), "%d %s\n", i, h);
		EVP_DigestUpdate(md, line, strlen(line));
		free(h);
	}
	EVP_DigestFinal_ex(md, d, &len);
	EVP_MD_CTX_free(md);
	for (unsigned int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void t_sample_reproducible(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_audit_sample a = {0}, b = {0}, c = {0};
	struct isms_ctest_period p = {.start = tu_utc(2026, 10, 1, 0, 0),
				      .end = tu_utc(2026, 11, 1, 0, 0), .label = "2026-10"};
	char ia[256], ib[256], ic[256], want[65];

	add_logins(fx->s, 40);
	draw(fx, &p, 5, 42, &a);
	draw(fx, &p, 5, 42, &b);
	draw(fx, &p, 5, 43, &c);
	ids_of(&a, ia, sizeof(ia));
	ids_of(&b, ib, sizeof(ib));
	ids_of(&c, ic, sizeof(ic));
	assert_int_equal(a.nrows, 5);
	assert_int_equal(a.population, 40);
	assert_false(a.all);
	/* as an independent implementation of xoshiro256** and Algorithm R draws
	 * it: a sample recorded today can be drawn again by later versions */
	/* (ids: the positions 3, 4, 16, 34, 37 after the setup's five history rows) */
	assert_string_equal(ia, "8,9,21,39,42");
	assert_string_equal(ia, ib);
	assert_string_equal(a.sha256, b.sha256);
	assert_string_not_equal(ia, ic);
	assert_string_equal(a.sha256, c.sha256);
	expected_sha(fx, 6, 40, want); /* the logins follow the setup's five history rows */
	assert_string_equal(a.sha256, want);
	/* what stands behind each row */
	assert_string_equal(a.rows[0].rule, "staff");
	assert_string_equal(a.rows[0].reason, "member of staff");
	assert_string_equal(a.rows[0].node, "web01");
	assert_null(a.rows[0].review);
	/* each draw is one row in the chain, and none is in the next population */
	assert_int_equal(a.evidence, 5 + 41);
	assert_int_equal(b.evidence, 5 + 42);
	assert_field(fx->s, "evidence", "46", "kind", "audit.sample");
	assert_field(fx->s, "evidence", "46", "control", "5.15");
	{
		char *d = tu_field(fx->s, "evidence", "46", "details");
		char frag[300];

		assert_contains(d, "\"seed\":42");
		assert_contains(d, "\"population\":40");
		snprintf(frag, sizeof(frag), "\"population_sha256\":\"%s\"", want);
		assert_contains(d, frag);
		snprintf(frag, sizeof(frag), "\"sampled\":[%s]", ia);
		assert_contains(d, frag);
		free(d);
	}
	tu_ev_verify_ok(fx->s, 5 + 43); /* the setup's history rows, 40 logins, three draws */
	isms_audit_sample_release(&a);
	isms_audit_sample_release(&b);
	isms_audit_sample_release(&c);
}

static void t_sample_facts_behind(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_audit_sample a = {0};
	struct isms_ctest_period p = {.start = tu_utc(2026, 10, 1, 0, 0),
				      .end = tu_utc(2026, 10, 3, 0, 0), .label = "x"};

	add_logins(fx->s, 2); /* 10-01 00:00 and 10-02 01:00 */
	tu_add(fx->s, "review", TU_KV({"kind", "access"}, {"subject", "bob on web01"},
				      {"person", "bob"}, {"asset", "web01"}, {"due", "2026-10-01"},
				      {"done", "2026-10-01"}, {"result", "ok"}));
	tu_add(fx->s, "document", TU_KV({"name", "infosec-policy"}, {"title", "P"}, {"version", "3"}));
	tu_add(fx->s, "ack", TU_KV({"person", "bob"}, {"document", "infosec-policy"}, {"version", "3"},
				   {"at", "2026-10-02"}));
	draw(fx, &p, 10, 1, &a);
	assert_true(a.all);
	assert_int_equal(a.nrows, 2);
	assert_string_equal(a.rows[0].review, "V-1 2026-10-01 ok (0 days before)");
	assert_null(a.rows[0].acks);
	assert_string_equal(a.rows[1].review, "V-1 2026-10-01 ok (1 day before)");
	assert_string_equal(a.rows[1].acks, "infosec-policy 3 (2026-10-02)");
	isms_audit_sample_release(&a);
}

/* The ISMS's own rows are not sampled; the collectors' audit.* rows are. */
static void t_sample_population_kinds(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_audit_sample a = {0};
	struct isms_ctest_period p = {.start = tu_utc(2026, 10, 1, 0, 0),
				      .end = tu_utc(2026, 11, 1, 0, 0), .label = "2026-10"};
	static const char *const kinds[] = {"audit.loss", "assessment.result",
					    "nonconformity.opened", "audit.sample"};

	add_logins(fx->s, 2);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct isms_evidence ev = {.ts = "2026-10-20T10:00:00Z", .source = "x",
					   .kind = kinds[i], .control = "5.15"};

		assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	}
	draw(fx, &p, 10, 3, &a);
	assert_int_equal(a.population, 3);
	assert_int_equal(a.nrows, 3);
	assert_string_equal(a.rows[2].kind, "audit.loss");
	isms_audit_sample_release(&a);
}

static void t_sample_empty_and_bad(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_audit_sample smp = {0};
	struct isms_ctest_period p = {.start = tu_utc(2026, 9, 1, 0, 0),
				      .end = tu_utc(2026, 10, 1, 0, 0), .label = "2026-09"};
	struct isms_audit_sample_opts o = {.control = "5.15", .period = &p, .n = 5, .now = tnow()};

	add_logins(fx->s, 3); /* all in October */
	assert_int_equal(isms_audit_sample_draw(fx->s, &o, &smp), -ENODATA);
	assert_contains(isms_store_errmsg(fx->s), "no evidence of control '5.15' in period 2026-09");
	/* the setup's five history rows and the three logins: nothing more */
	assert_int_equal(tu_count(fx->s, "evidence"), 8);
	o.control = "9.99";
	assert_int_equal(isms_audit_sample_draw(fx->s, &o, &smp), -ENOENT);
	o.control = "5.15";
	o.audit = "IA-4";
	assert_int_equal(isms_audit_sample_draw(fx->s, &o, &smp), -ENOENT);
	o.audit = NULL;
	o.n = 0;
	assert_int_equal(isms_audit_sample_draw(fx->s, &o, &smp), -EINVAL);
	o.n = 5;
	o.seed = ISMS_AUDIT_SEED_MAX + 1;
	assert_int_equal(isms_audit_sample_draw(fx->s, &o, &smp), -EINVAL);
	assert_int_equal(tu_count(fx->s, "evidence"), 8);
}

/* --- findings ----------------------------------------------------------------------- */

static void t_finding_opens_nc(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_audit_finding f = {.audit = "IA-1", .title = "stale access review",
				       .severity = "major", .controls = "5.15",
				       .responsible = "bob", .now = tnow()};
	char *id = NULL, *keys;

	tu_add(fx->s, "audit", TU_KV({"title", "access"}, {"scope", "hosts"}, {"auditor", "alice"}));
	assert_int_equal(isms_audit_finding_open(fx->s, &f, &id), 0);
	assert_string_equal(id, "NC-1");
	free(id);
	assert_field(fx->s, "nc", "NC-1", "source", "audit");
	assert_field(fx->s, "nc", "NC-1", "origin", "IA-1#1");
	assert_field(fx->s, "nc", "NC-1", "audit", "IA-1");
	assert_field(fx->s, "nc", "NC-1", "severity", "major");
	f.title = "second";
	assert_int_equal(isms_audit_finding_open(fx->s, &f, NULL), 0);
	assert_field(fx->s, "nc", "NC-2", "origin", "IA-1#2");
	assert_field(fx->s, "audit", "IA-1", "findings", "2");
	/* each after the history rows of the setup, its nonconformity's add and the audit's change */
	keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "nonconformity.opened"}));
	assert_string_equal(keys, "8,11");
	free(keys);
	/* a control that does not exist: nothing opened */
	f.controls = "9.99";
	assert_int_equal(isms_audit_finding_open(fx->s, &f, NULL), -ENOENT);
	assert_int_equal(tu_count(fx->s, "nc"), 2);
	f.controls = NULL;
	f.audit = "IA-2";
	assert_int_equal(isms_audit_finding_open(fx->s, &f, NULL), -ENOENT);
	f.audit = "IA-1";
	assert_int_equal(isms_record_change(fx->s, tu_entity("audit"), "IA-1",
					    TU_KV({"status", "cancelled"})),
			 0);
	assert_int_equal(isms_audit_finding_open(fx->s, &f, NULL), -EINVAL);
	assert_int_equal(tu_count(fx->s, "nc"), 2);
	/* the audit cannot go while its findings refer to it */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("audit"), "IA-1"), -ENOTEMPTY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		AUDIT_TEST(t_auditee),
		AUDIT_TEST(t_asset_owner),
		AUDIT_TEST(t_control_owner),
		AUDIT_TEST(t_risk_owner),
		AUDIT_TEST(t_measure_implementing_control),
		AUDIT_TEST(t_measure_treating_risk),
		AUDIT_TEST(t_unknown_keys),
		AUDIT_TEST(t_hook_refuses_add_and_change),
		AUDIT_TEST(t_computed_fields),
		cmocka_unit_test(t_rng_is_the_published_one),
		AUDIT_TEST(t_sample_reproducible),
		AUDIT_TEST(t_sample_facts_behind),
		AUDIT_TEST(t_sample_population_kinds),
		AUDIT_TEST(t_sample_empty_and_bad),
		AUDIT_TEST(t_finding_opens_nc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
