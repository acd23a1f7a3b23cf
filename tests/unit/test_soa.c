/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SoA's rules (ISO 27001 6.1.3 d) on a real store: an exclusion needs a
 * justification, no measure on an excluded control, the same in an import;
 * and its versions: a frozen snapshot with its hash, approved only by
 * management, never by the proposer nor with undecided controls, the
 * version before superseded, evidence rows for each step; the
 * Grundschutz++ requirements an imported mapping puts behind a control,
 * with their checks, counted and summarised.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/catalogue_import.h"
#include "isms/entity.h"
#include "isms/soa.h"
#include "soa_internal.h"
#include "testutil.h"

#define SOA_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
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

/* --- the Grundschutz++ requirements behind the controls --------------------------------- */

static void import_sq(struct isms_store *s, const char *name, const char *file, const char *sq)
{
	char *json = strdup(sq);

	assert_non_null(json);
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	if (isms_catalogue_import(s, name, file, json, strlen(json), false, 1800000000, NULL) < 0)
		fail_msg("import %s: %s", name, isms_store_errmsg(s));
	free(json);
}

#define GS_CAT                                                                               \
	"{'catalog':{'uuid':'58d876a3-04d3-474e-a02f-be949c2a0a61',"                          \
	"'metadata':{'title':'K','version':'1','oscal-version':'1.1.3'},"                     \
	"'controls':[{'id':'DET.3.1','title':'Logging events'},{'id':'DET.3.2','title':'Cloud'}," \
	"{'id':'KONF.1','title':'Config'}]}}"
#define MAP_ONE(id, uuid, src, tgt, rel)                                                    \
	"{'uuid':'" uuid "','source-resource':{'type':'catalog','href':'a.json'},"            \
	"'target-resource':{'type':'catalog','href':'k.json'},'maps':[{'uuid':'" uuid "',"    \
	"'relationship':'" rel "','sources':[{'type':'control','id-ref':'" src "'}],"         \
	"'targets':" tgt "}]}"
#define GS_MAP(name, maps)                                                                   \
	"{'mapping-collection':{'uuid':'6b1c4c2e-0d6f-4c43-9d3e-7f3c1e7a" name "',"          \
	"'metadata':{'title':'M','version':'1','oscal-version':'1.2.0'},"                     \
	"'provenance':{'method':'human','matching-rationale':'semantic','status':'complete'},"  \
	"'mappings':[" maps "]}}"

static void t_requirements_none_without_mapping(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_soa_requirements r = {0};
	struct isms_soa_counts c;
	bool oom;

	import_sq(fx->s, "kernel", "k.json", GS_CAT);
	assert_int_equal(isms_soa_requirements_load(fx->s, NULL, &r), 0);
	assert_int_equal(r.nmappings, 0);
	assert_int_equal(r.n, 0);
	isms_soa_count(&r, "8.15", &c);
	assert_int_equal(c.requirements, 0);
	assert_null(isms_soa_requirements_json(&r, "8.15", &oom));
	assert_false(oom);
	isms_soa_requirements_release(&r);
}

static void t_requirements_behind_a_control(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_soa_requirements r = {0};
	struct isms_soa_counts c;
	struct json_object *j, *v;
	char sum[160];
	bool oom;

	import_sq(fx->s, "kernel", "k.json", GS_CAT);
	/* a second mapping repeating 8.15 -> DET.3.1 is taken once, from the first */
	import_sq(fx->s, "map-a", "m.json",
		  GS_MAP("0001", MAP_ONE("x", "11111111-1111-4111-8111-111111111111", "8.15",
			"[{'type':'control','id-ref':'DET.3.1'},{'type':'control','id-ref':'DET.3.2'},"
			"{'type':'control','id-ref':'NOPE.9'}]", "subset-of")));
	import_sq(fx->s, "map-b", "n.json",
		  GS_MAP("0002", MAP_ONE("y", "22222222-2222-4222-8222-222222222222", "8.15",
			"[{'type':'control','id-ref':'DET.3.1'}]", "equivalent-to") ","
			MAP_ONE("z", "33333333-3333-4333-8333-333333333333", "5.1",
			"[{'type':'control','id-ref':'KONF.1'}]", "intersects-with")));
	tu_add(fx->s, "asset", TU_KV({"name", "web1"}, {"type", "host"}));
	tu_add(fx->s, "asset", TU_KV({"name", "db1"}, {"type", "host"}));
	tu_add(fx->s, "implementation", TU_KV({"asset", "web1"}, {"requirement", "DET.3.1"},
					     {"status", "partly"}, {"owner", "sofia"}));
	tu_add(fx->s, "implementation", TU_KV({"asset", "db1"}, {"requirement", "DET.3.1"},
					     {"status", "not_applicable"}, {"notes", "no logs"}));
	tu_add(fx->s, "implementation", TU_KV({"requirement", "DET.3.1"}, {"status", "yes"},
					     {"checked_at", "2026-11-30"}));
	tu_add(fx->s, "implementation", TU_KV({"requirement", "DET.3.2"}, {"status", "no"}));
	tu_add(fx->s, "implementation", TU_KV({"requirement", "KONF.1"}, {"status", "yes"}));

	assert_int_equal(isms_soa_requirements_load(fx->s, NULL, &r), 0);
	assert_int_equal(r.nmappings, 2);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.v[0].control, "8.15");
	assert_string_equal(r.v[0].id, "DET.3.1");
	assert_string_equal(r.v[0].title, "Logging events");
	assert_string_equal(r.v[0].catalogue, "kernel");
	assert_string_equal(r.v[0].mapping, "map-a");
	assert_string_equal(r.v[0].relationship, "subset-of");
	/* the information domain first, then the assets by name */
	assert_int_equal(r.v[0].nchecks, 3);
	assert_null(r.v[0].checks[0].asset);
	assert_string_equal(r.v[0].checks[0].checked_at, "2026-11-30");
	assert_string_equal(r.v[0].checks[1].asset, "db1");
	assert_string_equal(r.v[0].checks[2].asset, "web1");
	assert_string_equal(r.v[0].checks[2].owner, "sofia");
	assert_string_equal(r.v[0].status, "partly");
	assert_string_equal(r.v[1].status, "no");
	/* not in an imported catalogue: no title, never checked */
	assert_string_equal(r.v[2].id, "NOPE.9");
	assert_null(r.v[2].title);
	assert_null(r.v[2].catalogue);
	assert_null(r.v[2].status);
	assert_string_equal(r.v[3].control, "5.1");
	assert_string_equal(r.v[3].mapping, "map-b");

	isms_soa_count(&r, "8.15", &c);
	assert_int_equal(c.requirements, 3);
	assert_int_equal(c.yes, 0);
	assert_int_equal(c.partly, 1);
	assert_int_equal(c.no, 1);
	assert_int_equal(c.open, 1);
	assert_string_equal(c.worst, "no");
	isms_soa_summary(&c, sum, sizeof(sum));
	assert_string_equal(sum, "3 requirements: 0 yes, 1 partly, 1 no, 1 open");

	j = isms_soa_requirements_json(&r, "5.1", &oom);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "summary", &v));
	assert_string_equal(json_object_get_string(v), "1 requirement: 1 yes, 0 partly, 0 no, 0 open");
	assert_true(json_object_object_get_ex(j, "worst", &v));
	assert_string_equal(json_object_get_string(v), "yes");
	assert_true(json_object_object_get_ex(j, "requirements", &v));
	assert_int_equal(json_object_array_length(v), 1);
	json_object_put(j);
	assert_null(isms_soa_requirements_json(&r, "7.4", &oom));
	assert_false(oom);
	isms_soa_requirements_release(&r);

	/* one control only */
	assert_int_equal(isms_soa_requirements_load(fx->s, "5.1", &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].id, "KONF.1");
	isms_soa_requirements_release(&r);
}

static void t_worst_and_summary(void **state)
{
	const char *mixed[] = {"yes", "not_applicable", "partly", "yes"};
	const char *na[] = {"not_applicable", NULL};
	const char *none[] = {NULL, "bogus"};
	struct isms_soa_counts c = {.requirements = 5, .yes = 1, .partly = 1, .no = 0,
				    .not_applicable = 2, .open = 1};
	char sum[160];

	(void)state;
	assert_string_equal(isms_soa_worst(mixed, 4), "partly");
	assert_string_equal(isms_soa_worst(mixed, 2), "yes");
	assert_string_equal(isms_soa_worst(na, 2), "not_applicable");
	assert_null(isms_soa_worst(none, 2));
	assert_null(isms_soa_worst(mixed, 0));
	isms_soa_summary(&c, sum, sizeof(sum));
	assert_string_equal(sum, "5 requirements: 1 yes, 1 partly, 0 no, 1 open, 2 not applicable");
	c = (struct isms_soa_counts){0};
	isms_soa_summary(&c, sum, sizeof(sum));
	assert_string_equal(sum, "");
	/* cut, but terminated */
	c.requirements = 12;
	isms_soa_summary(&c, sum, 8);
	assert_string_equal(sum, "12 requ");
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
		SOA_TEST(t_requirements_none_without_mapping),
		SOA_TEST(t_requirements_behind_a_control),
		cmocka_unit_test(t_worst_and_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
