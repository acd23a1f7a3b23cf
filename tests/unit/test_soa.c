/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SoA's rules (ISO 27001 6.1.3 d) on a real store: an exclusion needs a
 * justification, no measure on an excluded control, the same in an import;
 * and its versions: a frozen snapshot with its hash, approved only by
 * management, never by the proposer nor with undecided controls, the
 * version before superseded, evidence rows for each step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/soa.h"
#include "soa_internal.h"
#include "testutil.h"

#define SOA_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;
	char path[4096], *err = NULL;

	tu_setup_store(state);
	fx = *state;
	snprintf(path, sizeof(path), "%s/annex-a-2022.json", tu_data_dir());
	if (isms_catalogue_load_controls(fx->s, path, &err) < 0)
		fail_msg("%s", err);
	tu_add(fx->s, "person", TU_KV({"name", "sofia"}, {"role", "security_officer"}));
	tu_add(fx->s, "person", TU_KV({"name", "mia"}, {"role", "management"}));
	tu_add(fx->s, "person", TU_KV({"name", "max"}, {"role", "management"}));
	return 0;
}

static int64_t tnow(void)
{
	return (int64_t)tu_utc(2026, 3, 10, 12, 0);
}

static int set(struct isms_store *s, const char *entity, const char *key,
	       const struct isms_kv *kv, size_t n)
{
	return isms_record_change(s, tu_entity(entity), key, kv, n);
}

/* Every control decided: applicable yes, but @except left undecided (NULL: none). */
static void decide_all(struct isms_store *s, const char *except)
{
	char *keys = tu_keys(s, "control", NULL, 0), *save = NULL;

	for (char *k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		if (except && strcmp(k, except) == 0)
			continue;
		assert_int_equal(set(s, "control", k, TU_KV({"applicable", "yes"})), 0);
	}
	free(keys);
}

static void t_exclusion_needs_justification(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(set(fx->s, "control", "7.4", TU_KV({"applicable", "no"})), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "control '7.4'");
	assert_contains(isms_store_errmsg(fx->s), "justification");
	assert_field(fx->s, "control", "7.4", "applicable", "undecided");
	assert_int_equal(set(fx->s, "control", "7.4",
			     TU_KV({"applicable", "no"}, {"justification", "  "})),
			 -EINVAL);
	assert_int_equal(set(fx->s, "control", "7.4",
			     TU_KV({"applicable", "no"}, {"justification", "no premises"})),
			 0);
	assert_field(fx->s, "control", "7.4", "applicable", "no");
	/* the justification cannot be taken away from an exclusion later */
	assert_int_equal(set(fx->s, "control", "7.4", TU_KV({"justification", NULL})), -EINVAL);
	assert_field(fx->s, "control", "7.4", "justification", "no premises");
	/* an applicable control needs none */
	assert_int_equal(set(fx->s, "control", "5.1", TU_KV({"applicable", "yes"})), 0);
}

static void t_measure_on_excluded_control(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *m = tu_entity("measure");

	assert_int_equal(set(fx->s, "control", "7.4",
			     TU_KV({"applicable", "no"}, {"justification", "no premises"})),
			 0);
	assert_int_equal(isms_record_add(fx->s, m, TU_KV({"title", "guards"}, {"control", "7.4"}),
					 NULL),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "control '7.4'");
	assert_contains(isms_store_errmsg(fx->s), "not applicable");
	assert_int_equal(tu_count(fx->s, "measure"), 0);
	/* allowed on an applicable or undecided control, refused when moved to 7.4 */
	tu_add(fx->s, "measure", TU_KV({"title", "backups"}, {"control", "8.13"}));
	assert_int_equal(set(fx->s, "measure", "M-1", TU_KV({"control", "7.4"})), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "measure 'M-1'");
	assert_field(fx->s, "measure", "M-1", "control", "8.13");
	/* other changes of a measure do not touch its control */
	assert_int_equal(set(fx->s, "measure", "M-1", TU_KV({"status", "implemented"})), 0);
}

static void t_control_with_measures_stays_applicable(void **state)
{
	struct tu_fixture *fx = *state;

	tu_add(fx->s, "measure", TU_KV({"title", "backups"}, {"control", "8.13"}));
	tu_add(fx->s, "measure", TU_KV({"title", "restore tests"}, {"control", "8.13"}));
	assert_int_equal(set(fx->s, "control", "8.13",
			     TU_KV({"applicable", "no"}, {"justification", "no data"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "control '8.13'");
	assert_contains(isms_store_errmsg(fx->s), "M-1, M-2");
	assert_field(fx->s, "control", "8.13", "applicable", "undecided");
	assert_field(fx->s, "control", "8.13", "measures", "M-1,M-2");
}

static void t_import_checks_the_same(void **state)
{
	struct tu_fixture *fx = *state;
	static const char bad_exclusion[] =
		"{\"control\": [{\"id\": \"7.4\", \"applicable\": \"no\"}]}";
	static const char bad_measure[] =
		"{\"control\": [{\"id\": \"7.4\", \"applicable\": \"no\","
		" \"justification\": \"no premises\"}],"
		" \"measure\": [{\"title\": \"guards\", \"control\": \"7.4\"}]}";
	static const char good[] =
		"{\"control\": [{\"id\": \"7.4\", \"applicable\": \"no\","
		" \"justification\": \"no premises\"}],"
		" \"measure\": [{\"title\": \"guards\", \"control\": \"7.1\"}]}";
	char *err = NULL;

	assert_int_equal(isms_import_json(fx->s, bad_exclusion, strlen(bad_exclusion), &err),
			 -EINVAL);
	free(err);
	err = NULL;
	assert_field(fx->s, "control", "7.4", "applicable", "undecided");
	assert_int_equal(isms_import_json(fx->s, bad_measure, strlen(bad_measure), &err), -EINVAL);
	free(err);
	err = NULL;
	/* all or nothing: the exclusion of the refused import is not kept */
	assert_field(fx->s, "control", "7.4", "applicable", "undecided");
	assert_int_equal(tu_count(fx->s, "measure"), 0);
	assert_int_equal(isms_import_json(fx->s, good, strlen(good), &err), 0);
	free(err);
	assert_field(fx->s, "control", "7.4", "applicable", "no");
	assert_field(fx->s, "measure", "M-1", "control", "7.1");
}

struct versions {
	int n;
	char status[4][16], by[4][16], sha[4][65];
	char snapshot[65536];
};

static int versions_cb(const struct isms_soa_version *v, void *ud)
{
	struct versions *vs = ud;

	if (vs->n < 4) {
		snprintf(vs->status[vs->n], sizeof(vs->status[0]), "%s", v->status);
		snprintf(vs->by[vs->n], sizeof(vs->by[0]), "%s", v->approved_by ? v->approved_by : "");
		snprintf(vs->sha[vs->n], sizeof(vs->sha[0]), "%s", v->sha256);
		if (vs->n == 0)
			snprintf(vs->snapshot, sizeof(vs->snapshot), "%s", v->snapshot);
	}
	vs->n++;
	return 0;
}

static void t_propose_freezes_a_snapshot(void **state)
{
	struct tu_fixture *fx = *state;
	struct versions vs = {0};
	char *id = NULL;

	tu_add(fx->s, "measure", TU_KV({"title", "backups"}, {"control", "8.13"}));
	assert_int_equal(set(fx->s, "control", "8.13",
			     TU_KV({"applicable", "yes"}, {"status", "partial"})), 0);
	assert_int_equal(isms_soa_propose(fx->s, "first", "sofia", tnow(), &id), 0);
	assert_string_equal(id, "SOA-1");
	free(id);
	/* a change after the proposal does not reach the frozen snapshot */
	assert_int_equal(set(fx->s, "control", "8.13", TU_KV({"status", "implemented"})), 0);
	assert_int_equal(isms_soa_versions(fx->s, versions_cb, &vs), 0);
	assert_int_equal(vs.n, 1);
	assert_string_equal(vs.status[0], "draft");
	assert_int_equal(strlen(vs.sha[0]), 64);
	assert_contains(vs.snapshot, "{\"id\":\"8.13\",\"applicable\":\"yes\",\"justification\":null,"
				     "\"status\":\"partial\",\"measures\":[\"M-1\"]}");
	{
		/* history rows of the register come before it: find it by its kind */
		char *k = tu_keys(fx->s, "evidence", TU_KV({"kind", "soa.proposed"}));
		char *d = tu_field(fx->s, "evidence", k, "details");

		assert_true(k[0] && !strchr(k, ','));
		assert_field(fx->s, "evidence", k, "subject", "SOA-1");
		free(k);

		assert_contains(d, vs.sha[0]);
		free(d);
	}
	/* only a person of the register proposes */
	assert_int_equal(isms_soa_propose(fx->s, NULL, "nobody", tnow(), NULL), -ENOENT);
}

static int count_keys(const char *keys)
{
	int n = keys[0] ? 1 : 0;

	for (; *keys; keys++)
		n += *keys == ',';
	return n;
}

static void t_approve_refusals(void **state)
{
	struct tu_fixture *fx = *state;
	struct versions vs = {0};

	/* undecided controls: counted, the first ones named */
	assert_int_equal(isms_soa_propose(fx->s, NULL, "mia", tnow(), NULL), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "max", tnow()), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "93 controls are undecided (5.1, 5.2, 5.3, 5.4, 5.5, ...)");
	decide_all(fx->s, "8.34");
	assert_int_equal(isms_soa_propose(fx->s, NULL, "mia", tnow(), NULL), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-2", "max", tnow()), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "1 control is undecided (8.34)");
	decide_all(fx->s, NULL);
	assert_int_equal(isms_soa_propose(fx->s, NULL, "mia", tnow(), NULL), 0);
	/* the proposer, and a non-manager */
	assert_int_equal(isms_soa_approve(fx->s, "SOA-3", "mia", tnow()), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "proposer");
	assert_int_equal(isms_soa_approve(fx->s, "SOA-3", "sofia", tnow()), -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"'sofia' cannot approve: not an active person with the role management"
			" (roles: security_officer)");
	assert_int_equal(isms_soa_approve(fx->s, "SOA-9", "max", tnow()), -ENOENT);
	/* a manager who left */
	assert_int_equal(set(fx->s, "person", "max", TU_KV({"active_until", "2026-01-31"})), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-3", "max", tnow()), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "with the role management (left 2026-01-31)");
	assert_int_equal(isms_soa_versions(fx->s, versions_cb, &vs), 0);
	assert_string_equal(vs.status[2], "draft");
	{
		char *k = tu_keys(fx->s, "evidence", TU_KV({"kind", "soa.proposed"}));
		char *a = tu_keys(fx->s, "evidence", TU_KV({"kind", "soa.approved"}));

		/* three proposals, no approval */
		assert_int_equal(count_keys(k), 3);
		assert_string_equal(a, "");
		free(k);
		free(a);
	}
}

static void t_approve_supersedes(void **state)
{
	struct tu_fixture *fx = *state;
	struct versions vs = {0};

	decide_all(fx->s, NULL);
	assert_int_equal(isms_soa_propose(fx->s, NULL, "sofia", tnow(), NULL), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "mia", tnow()), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "max", tnow()), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "is approved");
	assert_int_equal(isms_soa_propose(fx->s, NULL, "sofia", tnow() + 86400, NULL), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-2", "max", tnow() + 86400), 0);
	assert_int_equal(isms_soa_versions(fx->s, versions_cb, &vs), 0);
	assert_int_equal(vs.n, 2);
	assert_string_equal(vs.status[0], "superseded");
	assert_string_equal(vs.by[0], "mia");
	assert_string_equal(vs.status[1], "approved");
	assert_string_equal(vs.by[1], "max");
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "max", tnow()), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "superseded");
	{
		char *keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "soa.approved"}));
		char *d = tu_field(fx->s, "evidence", strchr(keys, ',') ? strchr(keys, ',') + 1 : keys,
				   "details");

		assert_int_equal(count_keys(keys), 2);
		assert_contains(d, vs.sha[1]);
		assert_contains(d, "\"approved_by\":\"max\"");
		free(keys);
		free(d);
	}
}

static void t_tampered_snapshot_refused(void **state)
{
	struct tu_fixture *fx = *state;

	decide_all(fx->s, NULL);
	assert_int_equal(isms_soa_propose(fx->s, NULL, "sofia", tnow(), NULL), 0);
	assert_int_equal(tu_sql(fx->path, "UPDATE soa_version SET snapshot ="
					  " replace(snapshot, '\"yes\"', '\"no\"')"),
			 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "mia", tnow()), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "SHA-256");
}

/* A draft the register has moved away from is not what management would approve. */
static void t_stale_draft_refused(void **state)
{
	struct tu_fixture *fx = *state;
	struct versions vs = {0};

	decide_all(fx->s, NULL);
	tu_add(fx->s, "measure", TU_KV({"title", "logging"}, {"control", "8.15"}));
	assert_int_equal(set(fx->s, "control", "8.15", TU_KV({"status", "planned"})), 0);
	assert_int_equal(isms_soa_propose(fx->s, NULL, "sofia", tnow(), NULL), 0);
	assert_int_equal(set(fx->s, "control", "8.15", TU_KV({"status", "implemented"})), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "mia", tnow() + 60), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s),
			"soa draft 'SOA-1' was proposed on 2026-03-10 and the register changed since"
			" (8.15 status 'planned' -> 'implemented'): propose again");
	/* changed back, the draft is true again */
	assert_int_equal(set(fx->s, "control", "8.15", TU_KV({"status", "planned"})), 0);
	/* a measure added to a control */
	tu_add(fx->s, "measure", TU_KV({"title", "alerts"}, {"control", "8.15"}));
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "mia", tnow() + 60), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "(8.15 measures 'M-1' -> 'M-1,M-2')");
	assert_int_equal(isms_record_remove(fx->s, tu_entity("measure"), "M-2"), 0);
	/* a justification changed */
	assert_int_equal(set(fx->s, "control", "5.1", TU_KV({"justification", "policy set"})), 0);
	assert_int_equal(isms_soa_approve(fx->s, "SOA-1", "mia", tnow() + 60), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "(5.1 justification '' -> 'policy set')");
	assert_int_equal(set(fx->s, "control", "5.1", TU_KV({"justification", ""})), 0);
	/* nothing was approved by the refusals; as proposed again, it is */
	assert_int_equal(isms_soa_versions(fx->s, versions_cb, &vs), 0);
	assert_string_equal(vs.status[0], "draft");
	if (isms_soa_approve(fx->s, "SOA-1", "mia", tnow() + 60) != 0)
		fail_msg("%s", isms_store_errmsg(fx->s));
	{
		char *a = tu_keys(fx->s, "evidence", TU_KV({"kind", "soa.approved"}));

		assert_int_equal(count_keys(a), 1);
		free(a);
	}
}

static void t_snapshot_diff(void **state)
{
	static const char a[] = "{\"controls\":[{\"id\":\"5.1\",\"applicable\":\"yes\","
				"\"justification\":null,\"status\":\"planned\","
				"\"measures\":[\"M-2\",\"M-1\"]}]}";
	static const char b[] = "{\"controls\":[{\"id\":\"5.1\",\"applicable\":\"yes\","
				"\"justification\":null,\"status\":\"planned\","
				"\"measures\":[\"M-1\",\"M-2\"]}]}";
	static const char c[] = "{\"controls\":[{\"id\":\"5.1\",\"applicable\":\"no\","
				"\"justification\":\"none\",\"status\":\"planned\","
				"\"measures\":[]},{\"id\":\"5.2\"}]}";
	char what[256];

	(void)state;
	assert_int_equal(soa_snapshot_diff(a, a, what, sizeof(what)), 0);
	/* the order of measures is no change */
	assert_int_equal(soa_snapshot_diff(a, b, what, sizeof(what)), 0);
	assert_int_equal(soa_snapshot_diff(a, c, what, sizeof(what)), 1);
	assert_string_equal(what, "5.1 applicable 'yes' -> 'no'");
	assert_int_equal(soa_snapshot_diff("{\"controls\":[]}", b, what, sizeof(what)), 1);
	assert_string_equal(what, "5.1 added");
	assert_int_equal(soa_snapshot_diff(b, "{\"controls\":[]}", what, sizeof(what)), 1);
	assert_string_equal(what, "5.1 removed");
	/* a justification emptied is none */
	{
		char *n = strdup(b), *p = strstr(n, "null");

		assert_non_null(p);
		memcpy(p, "\"\"  ", 4);
		assert_int_equal(soa_snapshot_diff(b, n, what, sizeof(what)), 0);
		free(n);
	}
	assert_int_equal(soa_snapshot_diff(a, "{\"x\":1}", what, sizeof(what)), -EINVAL);
	assert_int_equal(soa_snapshot_diff("not json", a, what, sizeof(what)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SOA_TEST(t_exclusion_needs_justification),
		SOA_TEST(t_measure_on_excluded_control),
		SOA_TEST(t_control_with_measures_stays_applicable),
		SOA_TEST(t_import_checks_the_same),
		SOA_TEST(t_propose_freezes_a_snapshot),
		SOA_TEST(t_approve_refusals),
		SOA_TEST(t_approve_supersedes),
		SOA_TEST(t_tampered_snapshot_refused),
		SOA_TEST(t_stale_draft_refused),
		cmocka_unit_test(t_snapshot_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
