/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Roles that decide, on a real store: a person's set of roles, who holds
 * one, who may approve a scope, a document version and a risk's treatment
 * plan, the appointments of the security officer and the DPO (each rule
 * refused and allowed), what is missing on the overdue list, and an
 * import checked with every record present.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/overdue.h"
#include "isms/role.h"
#include "testutil.h"

#define ROLE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;

	tu_setup_store(state);
	fx = *state;
	tu_add(fx->s, "person", TU_KV({"name", "hanna"}, {"role", "management"}));
	tu_add(fx->s, "person", TU_KV({"name", "klaus"}, {"role", "management,risk_owner"}));
	tu_add(fx->s, "person", TU_KV({"name", "mara"}, {"role", "security_officer"}));
	tu_add(fx->s, "person", TU_KV({"name", "tobias"}, {"role", "asset_owner"}));
	tu_add(fx->s, "person", TU_KV({"name", "carol"}, {"role", "user"},
				      {"active_until", "2026-06-30"}));
	return 0;
}

static int add(struct tu_fixture *fx, const char *entity, const struct isms_kv *kv, size_t n)
{
	return isms_record_add(fx->s, tu_entity(entity), kv, n, NULL);
}

static int change(struct tu_fixture *fx, const char *entity, const char *key,
		  const struct isms_kv *kv, size_t n)
{
	return isms_record_change(fx->s, tu_entity(entity), key, kv, n);
}

/* "what id" of each overdue item of kind @what on @today, joined with ','; malloc'd. */
static char *overdue(struct tu_fixture *fx, const char *today, const char *what)
{
	struct isms_overdue o;
	char *out = calloc(1, 4096);
	size_t off = 0;

	assert_non_null(out);
	assert_int_equal(isms_overdue_list(fx->s, &isms_schema_main, today, &o), 0);
	for (size_t i = 0; i < o.n; i++)
		if (strcmp(o.v[i].what, what) == 0)
			off += (size_t)snprintf(out + off, 4096 - off, "%s%s %s", off ? "," : "",
						o.v[i].what, o.v[i].id);
	isms_overdue_release(&o);
	return out;
}

static void parse_ok(const char *in, const char *want)
{
	const struct isms_field *f = isms_entity_field(tu_entity("person"), "role");
	char err[256], *got = NULL;

	assert_int_equal(isms_field_parse(f, in, &got, err, sizeof(err)), 0);
	assert_string_equal(got, want);
	free(got);
}

static void parse_bad(const char *in, const char *msg)
{
	const struct isms_field *f = isms_entity_field(tu_entity("person"), "role");
	char err[256] = "", *got = NULL;

	assert_int_equal(isms_field_parse(f, in, &got, err, sizeof(err)), -EINVAL);
	assert_null(got);
	assert_contains(err, msg);
}

static int none_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	(void)e;
	(void)values;
	(void)userdata;
	return 0;
}

/* A set of roles: each checked, none twice, kept in the list's order; a filter is membership. */
static void t_role_set(void **state)
{
	struct tu_fixture *fx = *state;
	char *keys;

	parse_ok("management", "management");
	parse_ok("dpo,management", "management,dpo");
	parse_ok("risk-owner, Management", "management,risk_owner");
	parse_bad("dpo,dpo", "role: 'dpo' is given twice");
	parse_bad("management,boss", "role: 'boss' is not one of: management, security_officer, dpo,"
				     " risk_owner, asset_owner, admin, auditor, user");
	parse_bad("", "is not one of");
	parse_bad("management,", "is not one of");
	assert_field(fx->s, "person", "klaus", "role", "management,risk_owner");
	keys = tu_keys(fx->s, "person", TU_KV({"role", "management"}));
	assert_string_equal(keys, "hanna,klaus");
	free(keys);
	keys = tu_keys(fx->s, "person", TU_KV({"role", "risk-owner"}));
	assert_string_equal(keys, "klaus");
	free(keys);
	/* membership, not a substring: no role 'owner' */
	assert_int_equal(isms_record_list(fx->s, tu_entity("person"), TU_KV({"role", "owner"}),
					  none_cb, NULL),
			 -EINVAL);
	assert_int_equal(change(fx, "person", "tobias", TU_KV({"role", "asset_owner,auditor"})), 0);
	assert_field(fx->s, "person", "tobias", "role", "asset_owner,auditor");
	assert_int_equal(change(fx, "person", "tobias", TU_KV({"role", "auditor,auditor"})),
			 -EINVAL);
	assert_field(fx->s, "person", "tobias", "role", "asset_owner,auditor");
}

static void t_role_pure(void **state)
{
	(void)state;
	assert_true(isms_role_holds("management,dpo", "dpo"));
	assert_true(isms_role_holds("management,dpo", "management"));
	assert_false(isms_role_holds("management,dpo", "dp"));
	assert_false(isms_role_holds("management,dpo", "management,dpo"));
	assert_false(isms_role_holds(NULL, "dpo"));
	assert_false(isms_role_holds("", "dpo"));
	assert_true(isms_role_known("risk_owner"));
	assert_false(isms_role_known("boss"));
	assert_string_equal(isms_role_title("dpo"), "data protection officer");
	assert_string_equal(isms_role_title("security_officer"), "security officer");
	assert_string_equal(isms_role_title("boss"), "boss");
}

static void t_role_check(void **state)
{
	struct tu_fixture *fx = *state;
	char why[256];

	assert_int_equal(isms_role_check(fx->s, "klaus", "risk_owner", "2026-01-01", why,
					 sizeof(why)),
			 0);
	assert_int_equal(isms_role_check(fx->s, "carol", NULL, "2026-06-30", why, sizeof(why)), 0);
	assert_int_equal(isms_role_check(fx->s, "carol", NULL, "2026-07-01", why, sizeof(why)),
			 -EPERM);
	assert_string_equal(why, "not an active person (left 2026-06-30)");
	assert_int_equal(isms_role_check(fx->s, "carol", "management", "2026-01-01", why,
					 sizeof(why)),
			 -EPERM);
	assert_string_equal(why, "not an active person with the role management (roles: user)");
	assert_int_equal(isms_role_check(fx->s, "nobody", "management", "2026-01-01", why,
					 sizeof(why)),
			 -ENOENT);
	assert_contains(why, "no person 'nobody'");
}

/* The example: carol (a user, left in June) cannot approve the scope. */
static void t_scope_approval(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_kv base[] = {{"name", "it-operations"}, {"statement", "IT operations"},
				       {"proposed_by", "mara"}};

	tu_add(fx->s, "scope", base, 3);
	assert_int_equal(change(fx, "scope", "it-operations",
				TU_KV({"approved_by", "carol"}, {"approved_at", "2026-07-15"})),
			 -EPERM);
	assert_string_equal(isms_store_errmsg(fx->s),
			    "scope 'it-operations': 'carol' cannot approve: not an active person with"
			    " the role management (left 2026-06-30)");
	assert_int_equal(change(fx, "scope", "it-operations",
				TU_KV({"approved_by", "carol"}, {"approved_at", "2026-01-15"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "with the role management (roles: user)");
	/* the proposer does not approve their own proposal, even from management */
	assert_int_equal(change(fx, "scope", "it-operations",
				TU_KV({"proposed_by", "hanna"}, {"approved_by", "hanna"},
				      {"approved_at", "2026-01-15"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"'hanna' cannot approve: the proposer does not approve their own proposal"
			" (segregation of duties, ISO 27001 5.3)");
	/* an approval is dated, on a day that has come */
	assert_int_equal(change(fx, "scope", "it-operations", TU_KV({"approved_by", "hanna"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "an approval needs its date (approved_at)");
	assert_int_equal(change(fx, "scope", "it-operations",
				TU_KV({"approved_by", "hanna"}, {"approved_at", "2999-01-01"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "is in the future");
	assert_int_equal(change(fx, "scope", "it-operations", TU_KV({"approved_at", "2026-01-15"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "an approval needs who gave it (approved_by)");
	assert_field(fx->s, "scope", "it-operations", "approved_by", NULL);
	/* management, not the proposer, on a day it was active */
	assert_int_equal(change(fx, "scope", "it-operations",
				TU_KV({"approved_by", "hanna"}, {"approved_at", "2026-01-15"})),
			 0);
	assert_field(fx->s, "scope", "it-operations", "approved_by", "hanna");
	/* a later change of its text does not ask again */
	assert_int_equal(change(fx, "scope", "it-operations", TU_KV({"boundaries", "Hamburg"})), 0);
}

/* A document's approval holds for its version: a new version is not approved. */
static void t_document_version(void **state)
{
	struct tu_fixture *fx = *state;
	char *o;

	tu_add(fx->s, "document", TU_KV({"name", "policy"}, {"title", "Policy"}, {"version", "1"},
					{"proposed_by", "mara"}));
	assert_field(fx->s, "document", "policy", "approved", "no");
	assert_int_equal(change(fx, "document", "policy",
				TU_KV({"approved_by", "mara"}, {"approved_at", "2026-02-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "the proposer does not approve");
	assert_int_equal(change(fx, "document", "policy",
				TU_KV({"approved_by", "tobias"}, {"approved_at", "2026-02-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"document 'policy': 'tobias' cannot approve: not an active person with the"
			" role management");
	assert_int_equal(change(fx, "document", "policy", TU_KV({"approved_version", "1"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "not set by hand");
	assert_int_equal(change(fx, "document", "policy",
				TU_KV({"approved_by", "klaus"}, {"approved_at", "2026-02-01"})),
			 0);
	assert_field(fx->s, "document", "policy", "approved_version", "1");
	assert_field(fx->s, "document", "policy", "approved", "yes");
	o = overdue(fx, "2026-03-01", "document approval");
	assert_string_equal(o, "");
	free(o);
	/* version 2: the approval of version 1 does not carry over */
	assert_int_equal(change(fx, "document", "policy", TU_KV({"version", "2"})), 0);
	assert_field(fx->s, "document", "policy", "approved", "no");
	assert_field(fx->s, "document", "policy", "approved_version", "1");
	o = overdue(fx, "2026-03-01", "document approval");
	assert_string_equal(o, "document approval policy");
	free(o);
	/* approving it again, with a new version in the same write */
	assert_int_equal(change(fx, "document", "policy",
				TU_KV({"version", "3"}, {"approved_by", "hanna"},
				      {"approved_at", "2026-02-20"})),
			 0);
	assert_field(fx->s, "document", "policy", "approved_version", "3");
	assert_field(fx->s, "document", "policy", "approved", "yes");
	/* the approval withdrawn: no version is approved */
	assert_int_equal(change(fx, "document", "policy",
				TU_KV({"approved_by", NULL}, {"approved_at", NULL})),
			 0);
	assert_field(fx->s, "document", "policy", "approved_version", NULL);
	assert_field(fx->s, "document", "policy", "approved", "no");
}

/* ISO 27001 6.1.3 f: the risk owner approves the treatment plan. */
static void t_treatment_plan(void **state)
{
	struct tu_fixture *fx = *state;
	char *o;

	tu_add(fx->s, "risk", TU_KV({"title", "ransomware"}, {"likelihood", "3"}, {"impact", "4"},
				    {"owner", "klaus"}, {"treatment", "mitigate"}));
	tu_add(fx->s, "risk", TU_KV({"title", "small"}, {"likelihood", "1"}, {"impact", "1"},
				    {"owner", "carol"}, {"treatment", "accept"}));
	o = overdue(fx, "2026-03-01", "risk treatment plan");
	assert_string_equal(o, "risk treatment plan R-1");
	free(o);
	assert_int_equal(change(fx, "risk", "R-1",
				TU_KV({"treatment_approved_by", "hanna"},
				      {"treatment_approved_at", "2026-02-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"risk 'R-1': 'hanna' cannot approve its treatment plan: only the risk's owner"
			" (klaus) approves it (ISO 27001 6.1.3 f)");
	assert_int_equal(change(fx, "risk", "R-1", TU_KV({"treatment_approved_by", "klaus"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "needs its date");
	assert_int_equal(change(fx, "risk", "R-1",
				TU_KV({"treatment_approved_by", "klaus"},
				      {"treatment_approved_at", "2999-01-01"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "in the future");
	/* an owner who had left by then */
	assert_int_equal(change(fx, "risk", "R-2",
				TU_KV({"treatment_approved_by", "carol"},
				      {"treatment_approved_at", "2026-08-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "not an active person (left 2026-06-30)");
	assert_int_equal(change(fx, "risk", "R-1",
				TU_KV({"treatment_approved_by", "klaus"},
				      {"treatment_approved_at", "2026-02-01"})),
			 0);
	assert_field(fx->s, "risk", "R-1", "treatment_approved_by", "klaus");
	o = overdue(fx, "2026-03-01", "risk treatment plan");
	assert_string_equal(o, "");
	free(o);
}

/* At most one security officer at a time, appointed by management; deputies are declared. */
static void t_appointment(void **state)
{
	struct tu_fixture *fx = *state;
	char *o;

	/* mara holds the role and has no appointment yet */
	o = overdue(fx, "2026-03-01", "appointment");
	assert_string_equal(o, "appointment mara");
	free(o);
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "mara"}, {"role", "security_officer"},
				   {"appointed_by", "tobias"}, {"since", "2026-01-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"'tobias' cannot appoint: not an active person with the role management");
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "hanna"}, {"role", "dpo"}, {"appointed_by", "hanna"},
				   {"since", "2026-01-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "'hanna' cannot appoint themselves");
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "tobias"}, {"role", "security_officer"},
				   {"appointed_by", "hanna"}, {"since", "2026-01-01"})),
			 -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"'tobias' cannot be appointed security officer: not an active person with the"
			" role security_officer");
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "mara"}, {"role", "security_officer"},
				   {"appointed_by", "hanna"}, {"since", "2026-01-01"},
				   {"until", "2025-12-31"})),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "appointment"), 0);
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "mara"}, {"role", "security_officer"},
				   {"appointed_by", "hanna"}, {"since", "2026-01-01"})),
			 0);
	o = overdue(fx, "2026-03-01", "appointment");
	assert_string_equal(o, "");
	free(o);
	/* the second security officer beside the first */
	assert_int_equal(change(fx, "person", "tobias", TU_KV({"role", "security_officer"})), 0);
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "tobias"}, {"role", "security_officer"},
				   {"appointed_by", "hanna"}, {"since", "2026-02-01"})),
			 -EPERM);
	assert_string_equal(isms_store_errmsg(fx->s),
			    "appointment 'AP-2': 'mara' is appointed security officer already (AP-1,"
			    " since 2026-01-01): at most one security officer at a time, unless"
			    " deputies are declared (end AP-1 with --until, or appoint with --deputy"
			    " yes)");
	o = overdue(fx, "2026-03-01", "appointment");
	assert_string_equal(o, "appointment tobias");
	free(o);
	/* as a deputy, yes; a deputy need not hold the role */
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "tobias"}, {"role", "security_officer"},
				   {"appointed_by", "hanna"}, {"since", "2026-02-01"},
				   {"deputy", "yes"})),
			 0);
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "klaus"}, {"role", "dpo"}, {"appointed_by", "hanna"},
				   {"since", "2026-02-01"}, {"deputy", "yes"})),
			 0);
	/* a successor once the first appointment ends, not before */
	assert_int_equal(change(fx, "appointment", "AP-2", TU_KV({"deputy", "no"})), -EPERM);
	assert_int_equal(change(fx, "appointment", "AP-1", TU_KV({"until", "2026-06-30"})), 0);
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "tobias"}, {"role", "security_officer"},
				   {"appointed_by", "klaus"}, {"since", "2026-06-30"})),
			 -EPERM);
	assert_int_equal(add(fx, "appointment",
			     TU_KV({"person", "tobias"}, {"role", "security_officer"},
				   {"appointed_by", "klaus"}, {"since", "2026-07-01"})),
			 0);
	assert_field(fx->s, "appointment", "AP-4", "current", "yes");
	assert_field(fx->s, "appointment", "AP-1", "current", "no");
}

/* An import is checked with every record present: two security officers at once are refused. */
static void t_import(void **state)
{
	struct tu_fixture *fx = *state;
	static const char good[] =
		"{\"appointment\": [{\"id\": \"AP-7\", \"person\": \"ivan\","
		" \"role\": \"security_officer\", \"appointed_by\": \"hanna\","
		" \"since\": \"2026-07-01\"},"
		" {\"id\": \"AP-6\", \"person\": \"mara\", \"role\": \"security_officer\","
		" \"appointed_by\": \"hanna\", \"since\": \"2025-01-01\", \"until\": \"2026-06-30\"}],"
		" \"person\": [{\"name\": \"ivan\", \"role\": \"security_officer,risk_owner\"}]}";
	static const char bad[] =
		"{\"appointment\": [{\"id\": \"AP-9\", \"person\": \"mara\","
		" \"role\": \"security_officer\", \"appointed_by\": \"klaus\","
		" \"since\": \"2026-09-01\"}]}";
	char *err = NULL;

	/* people first whatever the document's order; AP-7 before AP-6 that it follows */
	assert_int_equal(isms_import_json(fx->s, good, strlen(good), &err), 0);
	assert_null(err);
	assert_field(fx->s, "appointment", "AP-7", "person", "ivan");
	assert_field(fx->s, "person", "ivan", "role", "security_officer,risk_owner");
	assert_int_equal(isms_import_json(fx->s, bad, strlen(bad), &err), -EPERM);
	assert_contains(err, "appointment 'AP-7': 'mara' is appointed security officer already"
			     " (AP-9, since 2026-09-01): at most one security officer at a time");
	free(err);
	assert_int_equal(tu_count(fx->s, "appointment"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ROLE_TEST(t_role_set),
		cmocka_unit_test(t_role_pure),
		ROLE_TEST(t_role_check),
		ROLE_TEST(t_scope_approval),
		ROLE_TEST(t_document_version),
		ROLE_TEST(t_treatment_plan),
		ROLE_TEST(t_appointment),
		ROLE_TEST(t_import),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
