/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The method requirements answered from the store's records: each goes
 * from insufficient (nothing to judge by) to fail (something short) to
 * pass as records are added, and says what it looked at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/assess.h"
#include "isms/catalogue.h"
#include "isms/modelling.h"
#include "testutil.h"

#define MC_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

struct want {
	const char *id;
	char observed[16], by[512];
	bool found;
};

static int pick(const struct isms_method_result *m, void *ud)
{
	struct want *w = ud;

	if (strcmp(m->id, w->id) != 0)
		return 0;
	w->found = true;
	snprintf(w->observed, sizeof(w->observed), "%s", m->observed);
	snprintf(w->by, sizeof(w->by), "%s", m->by);
	return 0;
}

/* The observation of @id, asserting it is @want; its by text in @by (optional). */
static void expect(struct isms_store *s, const char *id, const char *want, const char *by_has,
		   int line)
{
	struct want w = {.id = id};

	if (isms_method_list(s, pick, &w) != 0)
		fail_msg("line %d: %s", line, isms_store_errmsg(s));
	if (!w.found)
		fail_msg("line %d: %s is not covered", line, id);
	if (strcmp(w.observed, want) != 0)
		fail_msg("line %d: %s is %s (%s), not %s", line, id, w.observed, w.by, want);
	if (by_has && !strstr(w.by, by_has))
		fail_msg("line %d: %s: '%s' does not say '%s'", line, id, w.by, by_has);
}
#define EXPECT(s, id, want, by) expect((s), (id), (want), (by), __LINE__)

static void set(struct isms_store *s, const char *entity, const char *key,
		const struct isms_kv *kv, size_t n)
{
	if (isms_record_change(s, tu_entity(entity), key, kv, n) != 0)
		fail_msg("%s %s: %s", entity, key, isms_store_errmsg(s));
}

/* today plus @days, YYYY-MM-DD */
static void day(int days, char *buf, size_t len)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

static void t_judge(void **state)
{
	(void)state;
	assert_string_equal(isms_method_judge(0, 0), "insufficient");
	/* nothing to judge by is never a pass, nor made a fail by a stray count */
	assert_string_equal(isms_method_judge(0, 2), "insufficient");
	assert_string_equal(isms_method_judge(3, 1), "fail");
	assert_string_equal(isms_method_judge(3, 0), "pass");
}

static void t_every_covered_once(void **state)
{
	struct tu_fixture *fx = *state;
	struct want w = {.id = "GC.6.1"};

	/* a store just made: every requirement listed, none passed */
	assert_int_equal(isms_method_list(fx->s, pick, &w), 0);
	assert_true(w.found);
	EXPECT(fx->s, "GC.6.1", "insufficient", "no scope recorded");
	EXPECT(fx->s, "GC.9.1.1.1", "insufficient", "no person recorded");
	EXPECT(fx->s, "PERF.4.1", "insufficient", NULL);
	EXPECT(fx->s, "STM.4.1", "insufficient", NULL);
}

static void t_scope(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "management"}));
	EXPECT(fx->s, "GC.6.1", "insufficient", "no scope recorded");
	tu_add(fx->s, "scope", TU_KV({"name", "S-1"}, {"statement", "the whole company"}));
	EXPECT(fx->s, "GC.6.1", "fail", "1 of 1 scopes not approved by management: S-1");
	set(fx->s, "scope", "S-1", TU_KV({"approved_by", "alice"}, {"approved_at", "2026-01-10"}));
	EXPECT(fx->s, "GC.6.1", "pass", "scope S-1 approved by alice on 2026-01-10");
	/* a second, unapproved scope fails it again */
	tu_add(fx->s, "scope", TU_KV({"name", "S-2"}, {"statement", "the lab"}));
	EXPECT(fx->s, "GC.6.1", "fail", "1 of 2 scopes not approved by management: S-2");
}

static void t_security_officer(void **state)
{
	struct tu_fixture *fx = *state;

	EXPECT(fx->s, "GC.9.1.1.1", "insufficient", NULL);
	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "management"}));
	tu_add(fx->s, "person", TU_KV({"name", "bob"}, {"role", "security_officer"}));
	tu_add(fx->s, "person", TU_KV({"name", "carol"}, {"role", "security_officer"}));
	EXPECT(fx->s, "GC.9.1.1.1", "fail", "holding the role: bob, carol");
	EXPECT(fx->s, "GC.9.1.1.2", "insufficient", NULL);
	tu_add(fx->s, "appointment", TU_KV({"person", "bob"}, {"role", "security_officer"},
					   {"appointed_by", "alice"}, {"since", "2026-01-01"}));
	EXPECT(fx->s, "GC.9.1.1.1", "pass",
	       "AP-1: bob appointed security officer by alice since 2026-01-01");
	EXPECT(fx->s, "GC.9.1.1.2", "fail", "security_officer");
	tu_add(fx->s, "appointment", TU_KV({"person", "carol"}, {"role", "security_officer"},
					   {"appointed_by", "alice"}, {"since", "2026-01-01"},
					   {"deputy", "yes"}));
	EXPECT(fx->s, "GC.9.1.1.2", "pass", "1 appointed roles, each with a current deputy");
	/* an appointment that ended no longer counts */
	set(fx->s, "appointment", "AP-1", TU_KV({"until", "2026-02-01"}));
	EXPECT(fx->s, "GC.9.1.1.1", "fail", "no current appointment of a security officer");
}

static void t_documents(void **state)
{
	struct tu_fixture *fx = *state;
	char ahead[16], past[16];

	day(90, ahead, sizeof(ahead));
	day(-1, past, sizeof(past));
	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "management"}));
	EXPECT(fx->s, "GC.1.2", "insufficient", "no document recorded");
	EXPECT(fx->s, "GC.11.1", "insufficient", NULL);
	tu_add(fx->s, "document", TU_KV({"name", "isms-manual"}, {"title", "ISMS manual"},
					{"version", "1"}));
	EXPECT(fx->s, "GC.1.2", "fail", "isms-manual");
	EXPECT(fx->s, "GC.11.1", "fail", "isms-manual");
	set(fx->s, "document", "isms-manual",
	    TU_KV({"approved_by", "alice"}, {"approved_at", past}, {"next_review", ahead}));
	EXPECT(fx->s, "GC.1.2", "pass", "isms-manual 1 by alice");
	EXPECT(fx->s, "GC.11.1", "pass", "next review ahead");
	/* a new version not yet approved */
	set(fx->s, "document", "isms-manual", TU_KV({"version", "2"}));
	EXPECT(fx->s, "GC.1.2", "fail", "1 of 1 documents without their current version approved");
}

static void t_risks(void **state)
{
	struct tu_fixture *fx = *state;

	EXPECT(fx->s, "GC.7.2", "insufficient", NULL);
	EXPECT(fx->s, "STM.4.1", "insufficient", NULL);
	EXPECT(fx->s, "STM.1.1", "insufficient", "no asset recorded");
	tu_add(fx->s, "asset", TU_KV({"name", "web"}, {"type", "host"}));
	EXPECT(fx->s, "STM.4.1", "insufficient", NULL);
	tu_add(fx->s, "asset", TU_KV({"name", "crm-data"}, {"type", "information"},
				     {"confidentiality", "high"}, {"depends_on", "web"}));
	EXPECT(fx->s, "GC.7.2", "fail", "crm-data");
	/* web inherits crm-data's requirement along the dependency */
	EXPECT(fx->s, "STM.4.1", "fail", "2 of 2 assets with a high effective protection"
					 " requirement and no risk: web, crm-data");
	tu_add(fx->s, "risk", TU_KV({"title", "leak"}, {"asset", "crm-data"}, {"likelihood", "1"},
				    {"impact", "3"}));
	EXPECT(fx->s, "GC.7.2", "pass", "1 information assets");
	EXPECT(fx->s, "STM.4.1", "fail", "1 of 2 assets");
	tu_add(fx->s, "risk", TU_KV({"title", "outage"}, {"asset", "web"}, {"likelihood", "1"},
				    {"impact", "3"}));
	EXPECT(fx->s, "STM.4.1", "pass", "2 assets with a high effective protection requirement");
	EXPECT(fx->s, "STM.1.1", "fail", "2 of 2 assets in no scope: web, crm-data");
	tu_add(fx->s, "scope", TU_KV({"name", "S-1"}, {"statement", "all"}));
	set(fx->s, "asset", "web", TU_KV({"scope", "S-1"}));
	set(fx->s, "asset", "crm-data", TU_KV({"scope", "S-1"}));
	EXPECT(fx->s, "STM.1.1", "pass", "each in a scope (S-1)");
}

static void t_nonconformities(void **state)
{
	struct tu_fixture *fx = *state;

	EXPECT(fx->s, "VRB.2.1", "insufficient", NULL);
	tu_add(fx->s, "nonconformity", TU_KV({"title", "backup not tested"}));
	/* just opened: not yet to be analysed */
	EXPECT(fx->s, "VRB.2.1", "insufficient", NULL);
	set(fx->s, "nonconformity", "NC-1", TU_KV({"status", "action"}));
	EXPECT(fx->s, "VRB.2.1", "fail", "NC-1");
	EXPECT(fx->s, "VRB.4.1", "fail", "NC-1");
	set(fx->s, "nonconformity", "NC-1", TU_KV({"root_cause", "no schedule"}));
	EXPECT(fx->s, "VRB.2.1", "pass", "each with a root cause (NC-1)");
	EXPECT(fx->s, "VRB.4.1", "fail", NULL);
	set(fx->s, "nonconformity", "NC-1", TU_KV({"corrective_action", "monthly restore test"}));
	EXPECT(fx->s, "VRB.4.1", "pass", NULL);
}

static void t_objectives(void **state)
{
	struct tu_fixture *fx = *state;

	EXPECT(fx->s, "GC.5.1", "insufficient", "no objective recorded");
	tu_add(fx->s, "objective", TU_KV({"title", "fewer incidents"}, {"success", "fewer"}));
	EXPECT(fx->s, "GC.5.1", "fail", "OBJ-1");
	set(fx->s, "objective", "OBJ-1", TU_KV({"target", "at most 2 a quarter"}));
	EXPECT(fx->s, "GC.5.1", "pass", "OBJ-1");
}

static void t_parties(void **state)
{
	struct tu_fixture *fx = *state;

	EXPECT(fx->s, "GC.3.1.1", "insufficient", "no regulators and authorities");
	tu_add(fx->s, "party", TU_KV({"name", "bsi"}, {"title", "BSI"}, {"kind", "authority"}));
	tu_add(fx->s, "party", TU_KV({"name", "staff"}, {"title", "Staff"}, {"kind", "employee"}));
	EXPECT(fx->s, "GC.3.1.1", "fail", "1 of 1 regulators and authorities with no requirement"
					  " recorded: bsi");
	EXPECT(fx->s, "GC.4.1", "fail", "bsi");
	EXPECT(fx->s, "GC.4.2", "fail", "staff");
	/* a customer is an external party too, and has a contract */
	EXPECT(fx->s, "GC.3.1.3", "insufficient", NULL);
	tu_add(fx->s, "requirement", TU_KV({"party", "bsi"}, {"title", "BSIG reporting duty"}));
	EXPECT(fx->s, "GC.3.1.1", "pass", "1 regulators and authorities (bsi)");
	EXPECT(fx->s, "GC.4.1", "pass", NULL);
	EXPECT(fx->s, "GC.4.2", "fail", NULL);
}

static void t_monitoring(void **state)
{
	struct tu_fixture *fx = *state;
	char path[4096], *err = NULL;
	int n;

	EXPECT(fx->s, "PERF.5.1", "insufficient", "no control test defined");
	tu_load_annex_a(fx->s);
	snprintf(path, sizeof(path), "%s/control-tests.json", tu_data_dir());
	n = isms_assess_load_builtin(fx->s, path, &err);
	if (n < 0)
		fail_msg("%s", err);
	EXPECT(fx->s, "PERF.5.1", "fail", "control tests never assessed");
	/* the built-in tests carry the requirements they evidence */
	assert_field(fx->s, "test", "audit-trail-heartbeat", "requirements", "DET.4.1");
	/* and a load follows the file's requirements without a new version */
	set(fx->s, "test", "audit-trail-heartbeat", TU_KV({"requirements", "DET.9.9"}));
	assert_int_equal(isms_assess_load_builtin(fx->s, path, &err), n);
	assert_field(fx->s, "test", "audit-trail-heartbeat", "requirements", "DET.4.1");
	assert_field(fx->s, "test", "audit-trail-heartbeat", "version", "3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_judge),  MC_TEST(t_every_covered_once), MC_TEST(t_scope),
		MC_TEST(t_security_officer), MC_TEST(t_documents), MC_TEST(t_risks),
		MC_TEST(t_nonconformities), MC_TEST(t_objectives), MC_TEST(t_parties),
		MC_TEST(t_monitoring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
