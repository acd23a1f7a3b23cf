/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registers of ISO 27001 4.1, 4.2, 6.2, 7.2 and 5.24-5.28 on a real
 * store: each rule a write must pass, refused with nothing written and
 * allowed when met; what they put on the overdue list; the competence view
 * and an incident's timeline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/competence.h"
#include "isms/evidence.h"
#include "isms/incident.h"
#include "isms/overdue.h"
#include "testutil.h"

#define REG_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown_store)

static int setup(void **state)
{
	struct tu_fixture *fx;
	tu_setup_store(state);
	fx = *state;
	tu_load_annex_a(fx->s);
	tu_add(fx->s, "person", TU_KV({"name", "olga"}, {"role", "security_officer"}));
	tu_add(fx->s, "person", TU_KV({"name", "dana"}, {"role", "dpo"}));
	/* appointed by a manager who has left since: neither is overdue for an appointment */
	tu_add(fx->s, "person", TU_KV({"name", "former-ceo"}, {"role", "management"},
				      {"active_until", "2020-12-31"}));
	tu_add(fx->s, "appointment", TU_KV({"person", "olga"}, {"role", "security_officer"},
					   {"appointed_by", "former-ceo"}, {"since", "2020-01-01"}));
	tu_add(fx->s, "appointment", TU_KV({"person", "dana"}, {"role", "dpo"},
					   {"appointed_by", "former-ceo"}, {"since", "2020-01-01"}));
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

/* "what id" of each overdue item on @today, joined with ','; malloc'd. */
static char *overdue(struct tu_fixture *fx, const char *today)
{
	struct isms_overdue o;
	char *out = calloc(1, 4096);
	size_t off = 0;

	assert_non_null(out);
	assert_int_equal(isms_overdue_list(fx->s, &isms_schema_main, today, &o), 0);
	for (size_t i = 0; i < o.n; i++)
		off += (size_t)snprintf(out + off, 4096 - off, "%s%s %s", i ? "," : "", o.v[i].what,
					o.v[i].id);
	isms_overdue_release(&o);
	return out;
}

static void t_issue(void **state)
{
	struct tu_fixture *fx = *state;
	char *o;

	assert_int_equal(add(fx, "issue", TU_KV({"title", "cloud act"}, {"kind", "foreign"})),
			 -EINVAL);
	assert_int_equal(add(fx, "issue", TU_KV({"title", "cloud act"})), -EINVAL);
	assert_int_equal(tu_count(fx->s, "issue"), 0);
	tu_add(fx->s, "issue", TU_KV({"title", "cloud act"}, {"kind", "external"}, {"owner", "olga"},
				     {"next_review", "2026-03-01"}));
	assert_field(fx->s, "issue", "CI-1", "status", "open");
	o = overdue(fx, "2026-03-02");
	assert_string_equal(o, "context issue review CI-1");
	free(o);
	o = overdue(fx, "2026-03-01");
	assert_string_equal(o, "");
	free(o);
	assert_int_equal(change(fx, "issue", "CI-1", TU_KV({"status", "addressed"})), 0);
	o = overdue(fx, "2026-03-02");
	assert_string_equal(o, "context issue review CI-1");
	free(o);
	assert_int_equal(change(fx, "issue", "CI-1", TU_KV({"status", "closed"})), 0);
	o = overdue(fx, "2026-03-02");
	assert_string_equal(o, "");
	free(o);
}

static void t_party_and_requirement(void **state)
{
	struct tu_fixture *fx = *state;

	assert_int_equal(add(fx, "party", TU_KV({"name", "bsi"}, {"title", "BSI"}, {"kind", "boss"})),
			 -EINVAL);
	tu_add(fx->s, "party", TU_KV({"name", "bsi"}, {"title", "BSI"}, {"kind", "authority"}));
	/* a requirement is someone's */
	assert_int_equal(add(fx, "requirement", TU_KV({"title", "report incidents"})), -EINVAL);
	assert_int_equal(add(fx, "requirement", TU_KV({"party", "nobody"}, {"title", "x"})),
			 -ENOENT);
	/* the controls and measures named exist */
	assert_int_equal(add(fx, "requirement", TU_KV({"party", "bsi"}, {"title", "report"},
						      {"controls", "5.24,99.9"})),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "no control '99.9'");
	assert_int_equal(add(fx, "requirement", TU_KV({"party", "bsi"}, {"title", "report"},
						      {"controls", "5.24,"})),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "requirement"), 0);
	tu_add(fx->s, "requirement", TU_KV({"party", "bsi"}, {"title", "report"},
					   {"controls", "5.24,5.26"}));
	assert_int_equal(change(fx, "requirement", "RQ-1", TU_KV({"measures", "M-1"})), -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "no measure 'M-1'");
	assert_field(fx->s, "requirement", "RQ-1", "measures", NULL);
	tu_add(fx->s, "measure", TU_KV({"title", "reporting line"}));
	assert_int_equal(change(fx, "requirement", "RQ-1", TU_KV({"measures", "M-1"})), 0);
	assert_field(fx->s, "party", "bsi", "requirements", "1");
	/* a party with requirements stays */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("party"), "bsi"), -ENOTEMPTY);
}

static void add_result(struct tu_fixture *fx, const char *period, const char *result)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO assessment (test, version, control, period, since, until, assessed_at,"
		 " result, expected, rows, matched, violations, covered, members, evidence)"
		 " VALUES ('logins-ok', 1, '5.15', '%s', '2026-01-01T00:00:00Z',"
		 " '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z', '%s', 'pass', 3, 3, 0, 1, 1, 1)",
		 period, result);
	assert_int_equal(tu_sql(fx->path, sql), 0);
}

static void t_objective(void **state)
{
	struct tu_fixture *fx = *state;
	char *o;

	/* the measure of success is what makes it an objective (6.2 b) */
	assert_int_equal(add(fx, "objective", TU_KV({"title", "no unreviewed logins"})), -EINVAL);
	assert_int_equal(add(fx, "objective", TU_KV({"title", "t"}, {"success", "s"},
						    {"test", "logins-ok"})),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "no test 'logins-ok'");
	assert_int_equal(add(fx, "objective", TU_KV({"title", "t"}, {"success", "s"},
						    {"status", "done"})),
			 -EINVAL);
	assert_int_equal(tu_count(fx->s, "objective"), 0);
	tu_add(fx->s, "test", TU_KV({"name", "logins-ok"}, {"title", "logins"}, {"control", "5.15"},
				    {"rule", "count kind=access.deny max=3"}));
	assert_int_equal(add(fx, "objective", TU_KV({"title", "t"}, {"success", "s"},
						    {"test", "logins-ok,logins-ok"})),
			 -EINVAL);
	tu_add(fx->s, "objective", TU_KV({"title", "denials under control"},
					 {"success", "logins-ok passes every month"},
					 {"test", "logins-ok"}, {"owner", "olga"},
					 {"due", "2026-06-30"}));
	assert_field(fx->s, "objective", "OBJ-1", "test_result", NULL);
	add_result(fx, "2026-01", "fail");
	add_result(fx, "2026-02", "pass");
	assert_field(fx->s, "objective", "OBJ-1", "test_result", "pass");
	assert_field(fx->s, "objective", "OBJ-1", "test_period", "2026-02");
	o = overdue(fx, "2026-07-01");
	assert_string_equal(o, "objective OBJ-1");
	free(o);
	assert_int_equal(change(fx, "objective", "OBJ-1", TU_KV({"status", "on_track"})), 0);
	o = overdue(fx, "2026-07-01");
	assert_string_equal(o, "objective OBJ-1");
	free(o);
	assert_int_equal(change(fx, "objective", "OBJ-1", TU_KV({"status", "achieved"})), 0);
	o = overdue(fx, "2026-07-01");
	assert_string_equal(o, "");
	free(o);
}

static void t_training(void **state)
{
	struct tu_fixture *fx = *state;
	char *o;

	assert_int_equal(add(fx, "training", TU_KV({"person", "olga"}, {"topic", "iso 27001"},
						   {"role", "boss"})),
			 -EINVAL);
	assert_int_equal(add(fx, "training", TU_KV({"person", "olga"}, {"topic", "iso 27001"},
						   {"completed", "2025-01-10"},
						   {"valid_until", "2025-01-09"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "before completed");
	assert_int_equal(add(fx, "training", TU_KV({"person", "olga"}, {"topic", "iso 27001"},
						   {"valid_until", "2025-01-09"})),
			 -EINVAL);
	assert_int_equal(add(fx, "training", TU_KV({"person", "nobody"}, {"topic", "x"})), -ENOENT);
	assert_int_equal(tu_count(fx->s, "training"), 0);
	tu_add(fx->s, "training", TU_KV({"person", "olga"}, {"topic", "iso 27001"},
					{"role", "security_officer"}, {"completed", "2024-01-10"},
					{"valid_until", "2025-01-09"}));
	assert_field(fx->s, "training", "TR-1", "valid", "no");
	o = overdue(fx, "2025-01-10");
	assert_string_equal(o, "training expired TR-1");
	free(o);
	/* taken again: the old one is no longer overdue */
	tu_add(fx->s, "training", TU_KV({"person", "olga"}, {"topic", "iso 27001"},
					{"role", "security_officer"}, {"completed", "2025-01-20"},
					{"valid_until", "2099-01-19"}));
	assert_field(fx->s, "training", "TR-1", "renewed", "yes");
	assert_field(fx->s, "training", "TR-2", "valid", "yes");
	o = overdue(fx, "2025-01-10");
	assert_string_equal(o, "");
	free(o);
}

static void t_competence(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_competence c;

	tu_add(fx->s, "person", TU_KV({"name", "leaver"}, {"role", "dpo"},
				      {"active_until", "2025-12-31"}));
	tu_add(fx->s, "training", TU_KV({"person", "olga"}, {"topic", "iso 27001"},
					{"role", "security_officer"}, {"completed", "2026-01-10"},
					{"valid_until", "2027-01-09"}));
	tu_add(fx->s, "training", TU_KV({"person", "olga"}, {"topic", "first aid"},
					{"completed", "2026-02-01"}));
	/* dana's is for another role, and one expired */
	tu_add(fx->s, "training", TU_KV({"person", "dana"}, {"topic", "awareness"}, {"role", "user"},
					{"completed", "2026-01-10"}));
	tu_add(fx->s, "training", TU_KV({"person", "dana"}, {"topic", "gdpr"}, {"role", "dpo"},
					{"completed", "2024-01-10"}, {"valid_until", "2025-01-09"}));

	assert_int_equal(isms_competence_list(fx->s, NULL, "2026-03-01", &c), 0);
	assert_int_equal(c.n, 2); /* the leaver is not active */
	assert_string_equal(c.v[0].person, "olga");
	assert_string_equal(c.v[0].role, "security_officer");
	assert_string_equal(c.v[0].trainings,
			    "TR-1 iso 27001 (until 2027-01-09); TR-2 first aid");
	assert_true(c.v[0].covered);
	assert_string_equal(c.v[1].person, "dana");
	assert_string_equal(c.v[1].trainings, "TR-3 awareness");
	assert_false(c.v[1].covered);
	isms_competence_release(&c);
	/* before it was completed, olga's training does not count */
	assert_int_equal(isms_competence_list(fx->s, "security_officer", "2026-01-09", &c), 0);
	assert_int_equal(c.n, 1);
	assert_null(c.v[0].trainings);
	assert_false(c.v[0].covered);
	isms_competence_release(&c);
	assert_int_equal(isms_competence_list(fx->s, "boss", "2026-03-01", &c), -EINVAL);
	assert_int_equal(c.n, 0);
}

static int64_t one_row(struct tu_fixture *fx)
{
	struct isms_evidence ev = {.source = "test", .kind = "ids.alert"};
	int64_t id = 0;

	assert_int_equal(isms_evidence_append(fx->s, &ev, &id), 0);
	return id;
}

static void t_incident_rules(void **state)
{
	struct tu_fixture *fx = *state;
	char row[24];

	/* detected_at is what the rest is measured from */
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"})), -EINVAL);
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"}, {"detected_at", "yesterday"})),
			 -EINVAL);
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"},
						   {"detected_at", "2026-03-10T12:00:00Z"},
						   {"contained_at", "2026-03-10T13:59:00+02:00"})),
			 -EINVAL);
	assert_contains(isms_store_errmsg(fx->s), "contained_at 2026-03-10T11:59:00Z is before");
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"}, {"severity", "severe"},
						   {"detected_at", "2026-03-10T12:00:00Z"})),
			 -EINVAL);
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"},
						   {"detected_at", "2026-03-10T12:00:00Z"},
						   {"evidence", "999999"})),
			 -ENOENT);
	assert_contains(isms_store_errmsg(fx->s), "no evidence row 999999");
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"},
						   {"detected_at", "2026-03-10T12:00:00Z"},
						   {"evidence", "01"})),
			 -EINVAL);
	assert_int_equal(add(fx, "incident", TU_KV({"title", "phish"},
						   {"detected_at", "2026-03-10T12:00:00Z"},
						   {"nonconformity", "NC-1"})),
			 -ENOENT);
	assert_int_equal(tu_count(fx->s, "incident"), 0);

	snprintf(row, sizeof(row), "%lld", (long long)one_row(fx));
	tu_add(fx->s, "incident", TU_KV({"title", "phish"}, {"severity", "high"},
					{"detected_at", "2026-03-10T12:00:00Z"},
					{"contained_at", "2026-03-10T12:00:00Z"}, {"evidence", row},
					{"handler", "olga"}));
	assert_field(fx->s, "incident", "INC-1", "status", "reported");
	assert_int_equal(change(fx, "incident", "INC-1",
				TU_KV({"resolved_at", "2026-03-10T11:00:00Z"})),
			 -EINVAL);
	assert_field(fx->s, "incident", "INC-1", "resolved_at", NULL);
	/* 5.27: a high incident closes with its lessons learned */
	assert_int_equal(change(fx, "incident", "INC-1", TU_KV({"status", "closed"})), -EPERM);
	assert_contains(isms_store_errmsg(fx->s), "lessons learned");
	assert_field(fx->s, "incident", "INC-1", "status", "reported");
	assert_int_equal(add(fx, "incident", TU_KV({"title", "worm"}, {"severity", "critical"},
						   {"detected_at", "2026-03-10T12:00:00Z"},
						   {"status", "closed"})),
			 -EPERM);
	assert_int_equal(change(fx, "incident", "INC-1",
				TU_KV({"status", "closed"}, {"lessons", "report links faster"},
				      {"closed_at", "2026-03-12T09:00:00Z"})),
			 0);
	/* ...and keeps them */
	assert_int_equal(change(fx, "incident", "INC-1", TU_KV({"lessons", NULL})), -EPERM);
	assert_field(fx->s, "incident", "INC-1", "lessons", "report links faster");
	/* a low one closes without */
	tu_add(fx->s, "incident", TU_KV({"title", "lost badge"}, {"status", "closed"},
					{"detected_at", "2026-03-11T08:00:00Z"}));
}

static void t_incident_timeline(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_incident_timeline tl;
	struct isms_incident_event_new ev = {.incident = "INC-1", .what = "host isolated",
					     .at = "2026-03-10T13:00:00+01:00", .by = "olga",
					     .now = (int64_t)tu_utc(2026, 3, 10, 15, 0)};
	char row[24];
	int64_t id = 0, rows;
	char *keys;

	tu_add(fx->s, "incident", TU_KV({"title", "phish"}, {"detected_at", "2026-03-10T12:00:00Z"},
					{"reported_at", "2026-03-10T12:30:00Z"}));
	/* each reference exists, or nothing is written */
	ev.by = "nobody";
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), -ENOENT);
	ev.by = "olga";
	ev.evidence = "99";
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), -ENOENT);
	ev.evidence = "1,2";
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), -EINVAL);
	ev.evidence = NULL;
	ev.incident = "INC-9";
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), -ENOENT);
	ev.incident = "INC-1";
	ev.at = "10 March";
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), -EINVAL);
	ev.at = "2026-03-10T13:00:00+01:00";
	ev.what = "";
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), -EINVAL);
	ev.what = "host isolated";
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM incident_event"), 0);
	rows = tu_sql_int(fx->path, "SELECT count(*) FROM evidence");

	/* at 12:00Z, the moment of detection: after it in the timeline */
	assert_int_equal(isms_incident_event_add(fx->s, &ev, &id), 0);
	assert_int_equal(id, 1);
	/* before detection: how it began, found out later */
	snprintf(row, sizeof(row), "%lld", (long long)one_row(fx));
	ev = (struct isms_incident_event_new){.incident = "INC-1", .what = "mail opened",
					      .at = "2026-03-09T08:00:00Z", .evidence = row};
	assert_int_equal(isms_incident_event_add(fx->s, &ev, NULL), 0);
	/* no time given: now */
	ev = (struct isms_incident_event_new){.incident = "INC-1", .what = "password reset",
					      .now = (int64_t)tu_utc(2026, 3, 10, 15, 0)};
	assert_int_equal(isms_incident_event_add(fx->s, &ev, NULL), 0);
	assert_field(fx->s, "incident", "INC-1", "events", "3");
	/* each event is in the chain too */
	assert_int_equal(tu_sql_int(fx->path, "SELECT count(*) FROM evidence"), rows + 1 + 3);
	keys = tu_keys(fx->s, "evidence", TU_KV({"kind", "incident.event"}));
	assert_int_equal(strlen(keys) > 0, 1);
	assert_field(fx->s, "evidence", strchr(keys, ',') ? strrchr(keys, ',') + 1 : keys,
		     "subject", "INC-1");
	free(keys);

	assert_int_equal(isms_incident_timeline(fx->s, "INC-1", &tl), 0);
	assert_int_equal(tl.n, 5);
	assert_string_equal(tl.v[0].what, "mail opened");
	assert_false(tl.v[0].own);
	assert_int_equal(tl.v[0].evidence, atoll(row));
	assert_string_equal(tl.v[1].what, "detected");
	assert_true(tl.v[1].own);
	assert_string_equal(tl.v[1].at, "2026-03-10T12:00:00Z");
	assert_string_equal(tl.v[2].what, "host isolated");
	assert_string_equal(tl.v[2].at, "2026-03-10T12:00:00Z");
	assert_string_equal(tl.v[2].by, "olga");
	assert_string_equal(tl.v[3].what, "reported");
	assert_string_equal(tl.v[4].what, "password reset");
	assert_string_equal(tl.v[4].at, "2026-03-10T15:00:00Z");
	assert_null(tl.v[4].by);
	isms_incident_timeline_release(&tl);
	assert_int_equal(isms_incident_timeline(fx->s, "INC-2", &tl), -ENOENT);
	assert_int_equal(tl.n, 0);
	/* with a timeline it stays; without one it may go */
	assert_int_equal(isms_record_remove(fx->s, tu_entity("incident"), "INC-1"), -ENOTEMPTY);
	assert_contains(isms_store_errmsg(fx->s), "3 events in its timeline");
	assert_int_equal(tu_count(fx->s, "incident"), 1);
	tu_add(fx->s, "incident", TU_KV({"title", "typo"}, {"detected_at", "2026-03-10T12:00:00Z"}));
	assert_int_equal(isms_record_remove(fx->s, tu_entity("incident"), "INC-2"), 0);
	assert_int_equal(tu_count(fx->s, "incident"), 1);
}

/* Import restores the registers in the order they refer to each other. */
static void t_import_order(void **state)
{
	struct tu_fixture *fx = *state;
	static const char doc[] =
		"{\"incident\": [{\"title\": \"phish\", \"detected_at\": \"2026-03-10T12:00:00Z\","
		"  \"nonconformity\": \"NC-1\", \"evidence\": \"7\"}],"
		" \"requirement\": [{\"party\": \"bsi\", \"title\": \"report\", \"measures\": \"M-1\"}],"
		" \"training\": [{\"person\": \"olga\", \"topic\": \"iso\", \"role\": \"dpo\"}],"
		" \"objective\": [{\"title\": \"t\", \"success\": \"s\", \"test\": \"logins-ok\"}],"
		" \"party\": [{\"name\": \"bsi\", \"title\": \"BSI\", \"kind\": \"authority\"}],"
		" \"measure\": [{\"title\": \"reporting line\"}],"
		" \"nonconformity\": [{\"title\": \"late report\"}],"
		" \"test\": [{\"name\": \"logins-ok\", \"title\": \"l\", \"control\": \"5.15\","
		"  \"rule\": \"count kind=access.deny max=3\"}],"
		" \"issue\": [{\"title\": \"cloud act\", \"kind\": \"external\"}],"
		" \"incident_event\": [{\"incident\": \"INC-1\", \"at\": \"2026-03-10T13:00:00+01:00\","
		"  \"what\": \"host isolated\", \"by\": \"olga\", \"evidence\": 7}]}";
	static const char bad[] =
		"{\"incident\": [{\"title\": \"worm\", \"detected_at\": \"2026-03-10T12:00:00Z\"}],"
		" \"incident_event\": [{\"incident\": \"INC-2\", \"at\": \"2026-03-10T12:00:00Z\","
		"  \"what\": \"x\", \"by\": \"nobody\"}]}";
	struct isms_incident_timeline tl;
	char *err = NULL;

	if (isms_import_json(fx->s, doc, strlen(doc), &err) < 0)
		fail_msg("%s", err ? err : isms_store_errmsg(fx->s));
	/* the timeline comes back, and a restored register is no new event in the chain */
	assert_int_equal(isms_incident_timeline(fx->s, "INC-1", &tl), 0);
	assert_int_equal(tl.n, 2);
	assert_string_equal(tl.v[1].what, "host isolated");
	assert_string_equal(tl.v[1].at, "2026-03-10T12:00:00Z");
	assert_string_equal(tl.v[1].by, "olga");
	assert_int_equal(tl.v[1].evidence, 7);
	isms_incident_timeline_release(&tl);
	assert_int_equal(tu_sql_int(fx->path,
				    "SELECT count(*) FROM evidence WHERE kind = 'incident.event'"),
			 0);
	free(err);
	err = NULL;
	/* an event naming nobody: nothing of the document is written */
	assert_int_equal(isms_import_json(fx->s, bad, strlen(bad), &err), -ENOENT);
	assert_contains(err, "incident_event[0]: no person 'nobody'");
	assert_int_equal(tu_count(fx->s, "incident"), 1);
	assert_field(fx->s, "requirement", "RQ-1", "party", "bsi");
	assert_field(fx->s, "incident", "INC-1", "nonconformity", "NC-1");
	assert_field(fx->s, "objective", "OBJ-1", "test", "logins-ok");
	assert_field(fx->s, "issue", "CI-1", "kind", "external");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		REG_TEST(t_issue),
		REG_TEST(t_party_and_requirement),
		REG_TEST(t_objective),
		REG_TEST(t_training),
		REG_TEST(t_competence),
		REG_TEST(t_incident_rules),
		REG_TEST(t_incident_timeline),
		REG_TEST(t_import_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
