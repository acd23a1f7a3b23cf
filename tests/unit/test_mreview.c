/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The management review on a real store: its inputs over nonconformities,
 * assessments and measures of a period; approval refused to anyone but
 * management; approval turning each decision into its record with the
 * target kept; an approved review that nothing changes any more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "isms/catalogue.h"
#include "isms/mreview.h"
#include "isms/nonconformity.h"
#include "isms/tz.h"
#include "evidence_fixture.h"
#include "testutil.h"

#define MR_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

static struct isms_tz *utc;

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	if (isms_tz_from_posix("UTC0", &utc) < 0)
		fail_msg("no UTC zone");
	tu_add(fx->s, "person", TU_KV({"name", "hbauer"}, {"role", "management"}));
	tu_add(fx->s, "person", TU_KV({"name", "mschulz"}, {"role", "security_officer"}));
	tu_add(fx->s, "person", TU_KV({"name", "old"}, {"role", "management"},
				      {"active_until", "2020-01-31"}));
	tu_add(fx->s, "risk", TU_KV({"title", "weak logins"}, {"likelihood", "2"}, {"impact", "4"},
				    {"treatment", "mitigate"}));
	return 0;
}

static int teardown(void **state)
{
	utc = isms_tz_free(utc);
	return tu_teardown_store(state);
}

static int64_t at(int m, int d)
{
	return (int64_t)tu_utc(2026, m, d, 12, 0);
}

/* The inputs of period @p, assembled on 2026-04-02. */
static struct isms_mreview_period period(const char *p)
{
	struct isms_mreview_period r = {.period = p, .tz = utc, .now = at(4, 2)};

	return r;
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, k, &o))
			fail_msg("no '%s' in the inputs (at '%s')", path, k);
	return o;
}

static const char *str(struct json_object *o, const char *path)
{
	return json_object_get_string(get(o, path));
}

static int64_t num(struct json_object *o, const char *path)
{
	return json_object_get_int64(get(o, path));
}

/* The ids of the array at @path, joined with ','. */
static char *ids(struct json_object *o, const char *path, const char *member)
{
	struct json_object *a = get(o, path);
	char *out = calloc(1, 512);

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v;

		json_object_object_get_ex(json_object_array_get_idx(a, i), member, &v);
		snprintf(out + strlen(out), 512 - strlen(out), "%s%s", i ? "," : "",
			 json_object_get_string(v));
	}
	return out;
}

#define assert_ids(o, path, member, want)                                                   \
	do {                                                                                \
		char *got_ = ids((o), (path), (member));                                    \
		assert_string_equal(got_, (want));                                          \
		free(got_);                                                                 \
	} while (0)

static void nc(struct isms_store *s, const char *title, int m, int d, const char *due)
{
	struct isms_nc_new n = {.title = title, .due = due, .now = at(m, d)};

	assert_int_equal(isms_nc_open(s, &n, NULL), 1);
}

static void assessment(const char *db, const char *test, const char *since, const char *until,
		       const char *result)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO assessment (test, version, control, period, since, until, assessed_at,"
		 " result, expected, rows, matched, violations, covered, members, reason)"
		 " VALUES ('%s', 1, '5.15', substr('%s', 1, 7), '%s', '%s', '%s', '%s', 'pass',"
		 " 3, 3, 0, 1, 1, 'planted')",
		 test, since, since, until, until, result);
	assert_int_equal(tu_sql(db, sql), 0);
}

static void t_inputs(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_mreview_period p = period("2026-Q1");
	struct json_object *in;
	char *json = NULL, *again = NULL;

	nc(fx->s, "before, still open", 12, 1, NULL); /* 2025-12: opened before Q1 */
	nc(fx->s, "opened and closed", 2, 1, NULL);
	nc(fx->s, "opened, overdue", 3, 10, "2026-03-20");
	nc(fx->s, "after", 5, 1, NULL);
	/* closed on a day of the quarter (nc close closes today) */
	assert_int_equal(tu_sql(fx->path, "UPDATE nonconformity SET status = 'closed',"
					  " closed = '2026-02-15' WHERE id = 'NC-2'"),
			 0);
	/* tu_utc(2026, 12, ...) is 2026-12: move NC-1 back into 2025. */
	assert_int_equal(tu_sql(fx->path, "UPDATE nonconformity SET opened = '2025-12-01' WHERE id = 'NC-1'"), 0);
	assessment(fx->path, "hb", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "pass");
	assessment(fx->path, "denials", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "pass");
	assessment(fx->path, "denials", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "fail");
	assessment(fx->path, "audit", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "insufficient");
	assessment(fx->path, "hb", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "fail");
	assert_int_equal(tu_sql(fx->path,
				"INSERT INTO audit (id, title, scope, planned, held, status, result) VALUES"
				" ('IA-1', 'Access control', 'logins', '2026-02-01', '2026-02-10', 'done',"
				"  'findings'),"
				" ('IA-2', 'Backups', 'db', '2026-03-15', NULL, 'planned', NULL),"
				" ('IA-3', 'Physical', 'rooms', '2026-05-01', '2026-05-02', 'done', 'ok');"
				"UPDATE nonconformity SET audit = 1 WHERE id = 'NC-3'"),
			 0);
	tu_add(fx->s, "measure", TU_KV({"title", "MFA"}, {"due", "2026-02-01"}, {"status", "implemented"}));
	tu_add(fx->s, "measure", TU_KV({"title", "log shipping"}, {"due", "2026-03-01"}, {"risk", "R-1"}));
	tu_add(fx->s, "measure", TU_KV({"title", "later"}, {"due", "2026-06-01"}));
	/* 4.1, 4.2 and 6.2 from their registers */
	tu_add(fx->s, "issue", TU_KV({"title", "new cloud provider"}, {"kind", "external"},
				     {"identified", "2026-02-01"}, {"next_review", "2026-03-01"}));
	tu_add(fx->s, "issue", TU_KV({"title", "staff turnover"}, {"kind", "internal"},
				     {"identified", "2025-06-01"}, {"next_review", "2026-09-01"}));
	tu_add(fx->s, "issue", TU_KV({"title", "old office"}, {"kind", "internal"},
				     {"identified", "2025-01-01"}, {"status", "closed"}));
	tu_add(fx->s, "party", TU_KV({"name", "bsi"}, {"title", "BSI"}, {"kind", "authority"}));
	tu_add(fx->s, "requirement", TU_KV({"party", "bsi"}, {"title", "report incidents"},
					   {"next_review", "2026-01-15"}));
	tu_add(fx->s, "requirement", TU_KV({"party", "bsi"}, {"title", "old rule"},
					   {"status", "closed"}));
	assert_int_equal(tu_sql(fx->path,
				"INSERT INTO objective (id, title, success, test, due, status) VALUES"
				" ('OBJ-1', 'No denied logins', 'no denials a month', 'denials',"
				"  '2026-03-31', 'on_track'),"
				" ('OBJ-2', 'Phishing rate below 5 %', 'campaign result', NULL,"
				"  '2026-12-31', 'missed')"),
			 0);
	p.improvement = "automate the access reviews";

	assert_int_equal(isms_mreview_inputs(fx->s, &p, &json), 0);
	in = json_tokener_parse(json);
	assert_non_null(in);
	assert_string_equal(str(in, "period.label"), "2026-Q1");
	assert_string_equal(str(in, "period.since"), "2026-01-01T00:00:00Z");
	assert_string_equal(str(in, "period.until"), "2026-04-01T00:00:00Z");
	/* d1: opened in, closed in, open at the end, overdue at the end */
	assert_ids(in, "d_performance.nonconformities.opened", "id", "NC-2,NC-3");
	assert_ids(in, "d_performance.nonconformities.closed", "id", "NC-2");
	assert_ids(in, "d_performance.nonconformities.open", "id", "NC-1,NC-3");
	assert_ids(in, "d_performance.nonconformities.overdue", "id", "NC-3");
	assert_int_equal(num(in, "d_performance.nonconformities.counts.opened"), 2);
	assert_int_equal(num(in, "d_performance.nonconformities.counts.overdue"), 1);
	/* d2: the latest result of each test and period inside Q1 */
	assert_ids(in, "d_performance.monitoring.assessments", "test", "audit,denials,hb");
	assert_int_equal(num(in, "d_performance.monitoring.by_result.as_expected"), 1);
	assert_int_equal(num(in, "d_performance.monitoring.by_result.failing"), 1);
	assert_int_equal(num(in, "d_performance.monitoring.by_result.insufficient"), 1);
	assert_ids(in, "d_performance.monitoring.failing", "test", "denials");
	assert_ids(in, "d_performance.monitoring.insufficient", "test", "audit");
	/* d3: the audits of the period, read from their table, with their findings */
	assert_ids(in, "d_performance.audits.held", "id", "IA-1");
	assert_ids(in, "d_performance.audits.held", "result", "findings");
	assert_int_equal(num(json_object_array_get_idx(get(in, "d_performance.audits.held"), 0),
			     "findings"),
			 1);
	assert_ids(in, "d_performance.audits.planned_not_held", "id", "IA-2");
	/* d4: the measures due in Q1 */
	assert_ids(in, "d_performance.objectives.measures_due", "title", "MFA,log shipping");
	assert_int_equal(num(in, "d_performance.objectives.implemented"), 1);
	assert_int_equal(num(in, "d_performance.objectives.not_implemented"), 1);
	/* b: the issues not closed, the new one past its review by the period's end */
	assert_ids(in, "b_issues.external_and_internal_issues", "id", "CI-1,CI-2");
	assert_true(json_object_get_boolean(
		get(json_object_array_get_idx(get(in, "b_issues.external_and_internal_issues"), 0),
		    "new")));
	assert_true(json_object_get_boolean(
		get(json_object_array_get_idx(get(in, "b_issues.external_and_internal_issues"), 0),
		    "review_overdue")));
	assert_false(json_object_get_boolean(
		get(json_object_array_get_idx(get(in, "b_issues.external_and_internal_issues"), 1),
		    "new")));
	/* c: the requirements not closed, with their party */
	assert_ids(in, "c_interested_parties.needs_and_expectations", "id", "RQ-1");
	assert_ids(in, "c_interested_parties.needs_and_expectations", "party", "bsi");
	/* d4: every objective, with its test's latest result */
	assert_ids(in, "d_performance.objectives.objectives", "id", "OBJ-1,OBJ-2");
	assert_ids(in, "d_performance.objectives.objectives", "status", "on_track,missed");
	assert_string_equal(
		str(json_object_array_get_idx(get(in, "d_performance.objectives.objectives"), 0),
		    "test_result"),
		"fail");
	/* what the store cannot know is not invented */
	assert_string_equal(str(in, "e_feedback.feedback"), "not recorded");
	/* f: the register as it stands */
	assert_int_equal(num(in, "f_risks.by_level.high"), 1);
	assert_int_equal(num(in, "f_risks.by_treatment.mitigate"), 1);
	assert_ids(in, "f_risks.measures_open", "title", "log shipping,later");
	assert_string_equal(str(in, "g_improvement.opportunities"), "automate the access reviews");
	assert_int_equal(json_object_array_length(get(in, "a_previous_reviews.decisions")), 0);
	assert_true(json_object_is_type(get(in, "d_performance.trend.previous_review"), json_type_null));
	json_object_put(in);

	/* The same store gives the same text: what is hashed can be checked again. */
	assert_int_equal(isms_mreview_inputs(fx->s, &p, &again), 0);
	assert_string_equal(json, again);
	free(again);
	free(json);

	p.period = "2026-Q5";
	assert_int_equal(isms_mreview_inputs(fx->s, &p, &json), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "'2026-Q5' is not a period");
}

/* MR-1 recorded for Q1 with one decision of each kind. */
static void record_with_decisions(struct isms_store *s)
{
	struct isms_mreview_new n = {.in = period("2026-Q1"), .chair = "hbauer",
				     .attendees = "hbauer, mschulz"};
	const struct isms_mreview_decision d[] = {
		{"measure", "MFA for the VPN", "mschulz", "2026-06-30"},
		{"nonconformity", "access reviews not done", "mschulz", "2026-05-31"},
		{"change", "widen the scope to the branch office", "hbauer", "2026-09-30"},
	};
	char *id = NULL;
	int seq = 0;

	assert_int_equal(isms_mreview_record(s, &n, &id), 0);
	assert_string_equal(id, "MR-1");
	free(id);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(isms_mreview_decide(s, "MR-1", &d[i], &seq), 0);
		assert_int_equal(seq, (int)i + 1);
	}
}

static void t_record(void **state)
{
	struct tu_fixture *fx = *state;
	char *inputs, *sha, *details, hex[65];
	unsigned char md[32];
	unsigned int len;

	record_with_decisions(fx->s);
	assert_field(fx->s, "mr", "MR-1", "status", "draft");
	assert_field(fx->s, "mr", "MR-1", "period", "2026-Q1");
	assert_field(fx->s, "mr", "MR-1", "held", "2026-04-02");
	assert_field(fx->s, "mr", "MR-1", "chair", "hbauer");
	assert_field(fx->s, "mr", "MR-1", "decisions", "3");
	inputs = tu_field(fx->s, "mr", "MR-1", "inputs");
	sha = tu_field(fx->s, "mr", "MR-1", "inputs_sha256");
	assert_non_null(inputs);
	assert_int_equal(EVP_Digest(inputs, strlen(inputs), md, &len, EVP_sha256(), NULL), 1);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(sha, hex);
	/* after the history rows of the setup and of MR-1's add */
	{
		char *id = tu_keys(fx->s, "evidence", TU_KV({"kind", "management.review"}));

		assert_int_equal(strchr(id, ',') == NULL, 1);
		assert_field(fx->s, "evidence", id, "kind", "management.review");
		assert_field(fx->s, "evidence", id, "control", "5.35");
		assert_field(fx->s, "evidence", id, "subject", "hbauer");
		details = tu_field(fx->s, "evidence", id, "details");
		free(id);
	}
	{

		assert_contains(details, hex);
		assert_contains(details, "\"id\":\"MR-1\"");
		free(details);
	}
	free(inputs);
	free(sha);

	/* bad decisions are refused with the reason */
	{
		const struct isms_mreview_decision bad[] = {
			{"wish", "x", "hbauer", "2026-06-30"},
			{"measure", "x", "nobody", "2026-06-30"},
			{"measure", "x", "hbauer", "2026-02-30"},
			{"measure", "", "hbauer", "2026-06-30"},
		};
		const int want[] = {-EINVAL, -ENOENT, -EINVAL, -EINVAL};

		for (size_t i = 0; i < 4; i++)
			assert_int_equal(isms_mreview_decide(fx->s, "MR-1", &bad[i], NULL), want[i]);
		assert_int_equal(isms_mreview_decide(fx->s, "MR-9", &bad[0], NULL), -EINVAL);
		assert_int_equal(isms_mreview_decide(fx->s, "MR-9",
						     &(struct isms_mreview_decision){"change", "x", "hbauer", "2026-06-30"},
						     NULL),
				 -ENOENT);
	}
	assert_field(fx->s, "mr", "MR-1", "decisions", "3");
	/* the setup's history rows, MR-1's add and change, management.review */
	tu_ev_verify_ok(fx->s, tu_count(fx->s, "evidence"));
}

static void t_approval_by_non_manager_refused(void **state)
{
	struct tu_fixture *fx = *state;

	int64_t nev;

	record_with_decisions(fx->s);
	nev = tu_count(fx->s, "evidence");
	assert_int_equal(isms_mreview_approve(fx->s, "MR-1", "mschulz", at(4, 3)), -EPERM);
	assert_contains(isms_store_errmsg(fx->s),
			"not an active person with the role management (roles: security_officer)");
	assert_int_equal(isms_mreview_approve(fx->s, "MR-1", "old", at(4, 3)), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "not an active person with the role management (left");
	assert_int_equal(isms_mreview_approve(fx->s, "MR-1", "nobody", at(4, 3)), -ENOENT);
	assert_int_equal(isms_mreview_approve(fx->s, "MR-7", "hbauer", at(4, 3)), -ENOENT);
	/* nothing was written */
	assert_field(fx->s, "mr", "MR-1", "status", "draft");
	assert_field(fx->s, "mr", "MR-1", "approved_by", NULL);
	assert_int_equal(tu_count(fx->s, "measure"), 0);
	assert_int_equal(tu_count(fx->s, "nc"), 0);
	assert_int_equal(tu_count(fx->s, "review"), 0);
	assert_int_equal(tu_count(fx->s, "evidence"), nev);
	/* A review added by hand has no inputs to approve. */
	tu_add(fx->s, "mr", TU_KV({"period", "2026-Q2"}));
	assert_int_equal(isms_mreview_approve(fx->s, "MR-2", "hbauer", at(4, 3)), -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "has no inputs");
}

struct seen {
	char targets[256];
};

static int seen_cb(const struct isms_mreview_item *it, void *ud)
{
	struct seen *x = ud;

	snprintf(x->targets + strlen(x->targets), sizeof(x->targets) - strlen(x->targets),
		 "%s%d:%s", x->targets[0] ? "," : "", it->seq, it->target ? it->target : "-");
	return 0;
}

static void t_approval_creates_records(void **state)
{
	struct tu_fixture *fx = *state;
	struct seen x = {{0}};
	char *details, *sha, *keys;

	tu_add(fx->s, "measure", TU_KV({"title", "already there"}));
	record_with_decisions(fx->s);
	assert_int_equal(isms_mreview_decisions(fx->s, "MR-1", seen_cb, &x), 0);
	assert_string_equal(x.targets, "1:-,2:-,3:-");
	assert_int_equal(isms_mreview_approve(fx->s, "MR-1", "hbauer", at(4, 3)), 0);
	assert_field(fx->s, "mr", "MR-1", "status", "approved");
	assert_field(fx->s, "mr", "MR-1", "approved_by", "hbauer");
	assert_field(fx->s, "mr", "MR-1", "approved_at", "2026-04-03");

	x.targets[0] = '\0';
	assert_int_equal(isms_mreview_decisions(fx->s, "MR-1", seen_cb, &x), 0);
	assert_string_equal(x.targets, "1:M-2,2:NC-1,3:V-1");
	/* the measure */
	assert_field(fx->s, "measure", "M-2", "title", "MFA for the VPN");
	assert_field(fx->s, "measure", "M-2", "owner", "mschulz");
	assert_field(fx->s, "measure", "M-2", "due", "2026-06-30");
	assert_field(fx->s, "measure", "M-2", "status", "planned");
	assert_field(fx->s, "measure", "M-2", "management_review", "MR-1");
	/* the nonconformity, opened the one way they all are */
	assert_field(fx->s, "nc", "NC-1", "title", "access reviews not done");
	assert_field(fx->s, "nc", "NC-1", "source", "management_review");
	assert_field(fx->s, "nc", "NC-1", "origin", "MR-1#2");
	assert_field(fx->s, "nc", "NC-1", "responsible", "mschulz");
	assert_field(fx->s, "nc", "NC-1", "due", "2026-05-31");
	assert_field(fx->s, "nc", "NC-1", "opened", "2026-04-03");
	/* the change, as a review of kind management */
	assert_field(fx->s, "review", "V-1", "kind", "management");
	assert_field(fx->s, "review", "V-1", "subject", "widen the scope to the branch office");
	assert_field(fx->s, "review", "V-1", "reviewer", "hbauer");
	assert_field(fx->s, "review", "V-1", "due", "2026-09-30");
	assert_field(fx->s, "mr", "MR-1", "actions",
		     "1 measure: MFA for the VPN -> M-2; 2 nonconformity: access reviews not done -> NC-1;"
		     " 3 change: widen the scope to the branch office -> V-1");

	/* the chain: recorded, the nonconformity opened, approved with the hash and the targets */
	/* with the history rows of the setup and of every record the approval wrote */
	keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "management.review.approved"}));
	assert_string_equal(keys, "13");
	free(keys);
	keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "nonconformity.opened"}));
	assert_string_equal(keys, "10");
	free(keys);
	assert_field(fx->s, "evidence", "13", "subject", "hbauer");
	assert_field(fx->s, "evidence", "13", "control", "5.35");
	details = tu_field(fx->s, "evidence", "13", "details");
	sha = tu_field(fx->s, "mr", "MR-1", "inputs_sha256");
	assert_contains(details, sha);
	assert_contains(details, "\"target\":\"M-2\"");
	assert_contains(details, "\"target\":\"NC-1\"");
	assert_contains(details, "\"target\":\"V-1\"");
	free(details);
	free(sha);
	tu_ev_verify_ok(fx->s, 13);

	/* The next review's inputs a): what this one decided, and how far it got. */
	{
		struct isms_mreview_period p = period("2026-Q2");
		const struct isms_kv kv[] = {{"status", "implemented"}};
		struct json_object *in;
		char *json = NULL;

		assert_int_equal(isms_record_change(fx->s, tu_entity("measure"), "M-2", kv, 1), 0);
		assert_int_equal(isms_mreview_inputs(fx->s, &p, &json), 0);
		in = json_tokener_parse(json);
		assert_ids(in, "a_previous_reviews.decisions", "target", "M-2,NC-1,V-1");
		assert_ids(in, "a_previous_reviews.decisions", "status", "implemented,open,open");
		assert_int_equal(num(in, "a_previous_reviews.open"), 2);
		/* the nonconformity it opened is an input of d1 as well */
		assert_ids(in, "d_performance.nonconformities.opened", "id", "NC-1");
		/* the trend, against what MR-1 was given for Q1 */
		assert_string_equal(str(in, "d_performance.trend.previous_review"), "MR-1");
		assert_string_equal(str(in, "d_performance.trend.previous_period"), "2026-Q1");
		{
			struct json_object *f = get(in, "d_performance.trend.figures");
			struct json_object *opened = json_object_array_get_idx(f, 0);

			assert_string_equal(str(opened, "figure"), "nonconformities.counts.opened");
			assert_int_equal(num(opened, "now"), 1);
			assert_int_equal(num(opened, "before"), 0);
		}
		json_object_put(in);
		free(json);
	}
}

static void t_approved_is_immutable(void **state)
{
	struct tu_fixture *fx = *state;
	const struct isms_entity *mr = tu_entity("management_review");
	const struct isms_mreview_decision d = {"measure", "one more", "hbauer", "2026-07-01"};

	record_with_decisions(fx->s);
	/* while a draft, the minutes may change, but not what the review was fed */
	assert_int_equal(isms_record_change(fx->s, mr, "MR-1", TU_KV({"minutes", "see DMS 42"})), 0);
	assert_int_equal(isms_record_change(fx->s, mr, "MR-1", TU_KV({"inputs", "{}"})), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "field 'inputs' is written by");
	assert_int_equal(isms_record_change(fx->s, mr, "MR-1", TU_KV({"inputs_sha256", "00"})), -EPERM);
	assert_int_equal(isms_record_change(fx->s, mr, "MR-1", TU_KV({"status", "approved"})), -EPERM);
	assert_int_equal(isms_record_change(fx->s, mr, "MR-1", TU_KV({"approved_by", "hbauer"})), -EPERM);
	assert_int_equal(isms_record_add(fx->s, mr, TU_KV({"period", "2026-Q2"}, {"inputs", "{}"}), NULL),
			 -EPERM);
	assert_field(fx->s, "mr", "MR-1", "status", "draft");
	assert_int_equal(tu_count(fx->s, "mr"), 1);

	assert_int_equal(isms_mreview_approve(fx->s, "MR-1", "hbauer", at(4, 3)), 0);
	assert_int_equal(isms_record_change(fx->s, mr, "MR-1", TU_KV({"minutes", "rewritten"})), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "is approved and cannot be changed");
	assert_field(fx->s, "mr", "MR-1", "minutes", "see DMS 42");
	assert_int_equal(isms_record_remove(fx->s, mr, "MR-1"), -EPERM);
	assert_int_equal(isms_mreview_decide(fx->s, "MR-1", &d, NULL), -EPERM);
	assert_int_equal(isms_mreview_approve(fx->s, "MR-1", "hbauer", at(4, 4)), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "approved already");
	assert_field(fx->s, "mr", "MR-1", "decisions", "3");
	assert_int_equal(tu_count(fx->s, "measure"), 1);
	/* with the history rows of the setup, of the records the approval wrote and of MR-1's approval */
	assert_int_equal(tu_count(fx->s, "evidence"), 13);
	/* a draft may go */
	tu_add(fx->s, "mr", TU_KV({"period", "2026-Q2"}));
	assert_int_equal(isms_record_remove(fx->s, mr, "MR-2"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MR_TEST(t_inputs),
		MR_TEST(t_record),
		MR_TEST(t_approval_by_non_manager_refused),
		MR_TEST(t_approval_creates_records),
		MR_TEST(t_approved_is_immutable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
