/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The method catalogue (Grundschutz++ Methodik: GC, STM, UMS, VRB, PERF)
 * answered from the store itself: a requirement such as "scope defined and
 * approved by management" has its observed status from the scope record
 * and its approval.  A requirement this table does not know is not
 * observed (the package says so), never passed.
 *
 * Each check counts facts, n (what there is to judge by) and bad (how many
 * of them fall short), and one rule judges them (method_judge): nothing to
 * judge by is insufficient, never a pass; anything short is a fail.
 *
 * Covered, each because a record of the store says it directly:
 *   GC.1.2       ISMS procedures authorised: documents, current version approved
 *   GC.2.1/2.2   external / internal context analysed: context issues, reviews kept
 *   GC.3.1.1     legal obligations: regulators and authorities with requirements
 *   GC.3.1.3     contractual obligations: customers and suppliers with requirements
 *   GC.4.1/4.2   external / internal interested parties with their requirements
 *   GC.5.1       measurable objectives: a target value or a control test
 *   GC.6.1       scope approved by management
 *   GC.7.2       risk analysis of information with a high protection requirement
 *   GC.9.1.1.1   security officer appointed (by management: the appointment's rule)
 *   GC.9.1.1.2   deputies for the appointed roles
 *   GC.9.1.1.4   qualification: role holders with a valid training for their role
 *   GC.11.1      document control: every document with its next review ahead
 *   STM.1.1      the information domain from the scope: every asset in a scope
 *   STM.2.1.3    every asset mapped to a target object type
 *   STM.4.1      risk analysis where the effective protection requirement is high
 *   STM.5.1      the package's parameters given values
 *   UMS.1.1      the package's implementation status checked completely
 *   UMS.2.1      a measure for each requirement not or partly implemented
 *   UMS.3.1      someone responsible for each (the check's or the measure's owner)
 *   UMS.4.1      a due date for each (its measure's)
 *   VRB.2.1      nonconformities past their opening with a root cause
 *   VRB.4.1      nonconformities past their opening with a corrective action
 *   PERF.3.1.1   an audit plan for each audit: a planned date and criteria
 *   PERF.3.1.3   an auditor named for each audit held (independence is
 *                refused at writing, entity_audit.c)
 *   PERF.3.1.4   audits carried out: none overdue, one held in the last 12 months
 *   PERF.4.1     a management review held and approved in the last 12 months
 *   PERF.4.2     management informed: a board report made or a management
 *                review approved in the last 12 months
 *   PERF.5.1     monitoring: every control test assessed at least once
 *
 * Not covered: the requirements to "verankern" a procedure (GC.1.1, GC.3.1,
 * GC.3.1.4, GC.7.1, GC.8.1, GC.10.1*, GC.12.1, UMS.6.*, UMS.7.1, VRB.1.1,
 * VRB.6.2, VRB.7.1, PERF.1.1, PERF.3.1, PERF.3.2) and to "festlegen" a
 * method (VRB.3.1, PERF.3.2.1), which a register cannot tell from their
 * outcome; what the store does by construction and so cannot fail
 * (STM.2.1.1, STM.2.1.4*, STM.2.1.5, UMS.5.2: the justification is
 * required, VRB.5.1: a severity is always set, VRB.6.1: closing needs a passing
 * effectiveness check); what no record holds (GC.3.1.2, GC.5.1.1, GC.5.1.2,
 * GC.9.1, GC.9.1.1, GC.9.1.1.1.*, GC.9.1.1.3, GC.7.1.2: with management's
 * agreement, STM.1.2, STM.2.1, STM.2.1.2, STM.2.1.6, STM.2.1.7, STM.3.1,
 * UMS.1.2, UMS.2.2, UMS.5.1: by whom is a parameter, VRB.2.2, VRB.4.2,
 * PERF.1.2, PERF.1.3, PERF.2.1, PERF.3.1.2, PERF.3.2.2, the contents of the
 * management report PERF.4.1.*); and the security policy (GC.5.1.3,
 * GC.5.1.4), as no record says which document is the Leitlinie.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/modelling.h"
#include "modelling_internal.h"
#include "role_sql.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"
#define YEAR_AGO "date('now', '-12 months')"

/* What a check counted: n to judge by, bad of them short, and what was looked at. */
struct method_facts {
	int64_t n, bad;
	char by[512];
};

const char *isms_method_judge(int64_t n, int64_t bad)
{
	if (n <= 0)
		return "insufficient";
	return bad > 0 ? "fail" : "pass";
}

/*
 * The common shape: x(key, bad) the things to judge, one row each; the
 * by text says what was missing where (the first three keys) or, passed,
 * what @good says.
 */
#define EACH(cte, none, short_of, good)                                                      \
	"WITH x(key, bad) AS (" cte ") SELECT count(*), coalesce(sum(bad), 0),"                 \
	" CASE WHEN count(*) = 0 THEN '" none "' WHEN sum(bad) > 0 THEN printf('%d of %d "     \
	short_of ": %s', sum(bad), count(*), (SELECT group_concat(key, ', ') FROM"              \
	" (SELECT key FROM x WHERE bad LIMIT 3)) || CASE WHEN sum(bad) > 3 THEN ', ...'"        \
	" ELSE '' END) ELSE " good " END FROM x"

#define APPOINTED(a) ROLE_SQL_APPOINTMENT_CURRENT(a, TODAY)

#define PARTIES(noun)                                                                        \
	EACH("SELECT p.name, NOT EXISTS (SELECT 1 FROM requirement q WHERE q.party = p.pk)"    \
	     " FROM interested_party p WHERE instr(?1, ',' || p.kind || ',') > 0 ORDER BY p.pk", \
	     "no " noun " among the interested parties", noun " with no requirement recorded",  \
	     "printf('%d " noun " (%s), each with its requirements recorded (%d in all)',"      \
	     " count(*), group_concat(key, ', '), (SELECT count(*) FROM requirement q"          \
	     " JOIN interested_party p ON p.pk = q.party"                                       \
	     " WHERE instr(?1, ',' || p.kind || ',') > 0))")

#define CONTEXT(kind)                                                                        \
	EACH("SELECT id, next_review IS NOT NULL AND next_review < " TODAY                     \
	     " AND status <> 'closed' FROM context_issue WHERE kind = '" kind "' ORDER BY pk",   \
	     "no " kind " issue of the context recorded", kind " issues past their review",     \
	     "printf('%d " kind " issues of the context recorded, none past its review"        \
	     " (%s)', count(*), group_concat(key, ', '))")

/* The requirements checked as not or partly implemented, with @bad their shortfall. */
#define UNFULFILLED(bad, short_of, good)                                                     \
	EACH("SELECT coalesce(a.name || ':', '') || i.requirement, " bad                        \
	     " FROM implementation i LEFT JOIN asset a ON a.pk = i.asset"                        \
	     " WHERE i.status IN ('no', 'partly') ORDER BY i.pk",                               \
	     "no requirement checked as not or partly implemented", short_of,                  \
	     "printf('%d requirements not or partly implemented, " good " (%s)', count(*),"     \
	     " group_concat(key, ', '))")

#define NC_PAST_OPENING(col, short_of, good)                                                 \
	EACH("SELECT id, coalesce(" col ", '') = '' FROM nonconformity WHERE status <> 'open'"  \
	     " ORDER BY pk",                                                                    \
	     "no nonconformity past its opening", short_of,                                    \
	     "printf('%d nonconformities past their opening, " good " (%s)', count(*),"         \
	     " group_concat(key, ', '))")

static int effective_risk(struct isms_store *s, const char *arg, struct method_facts *f);
static int package_check(struct isms_store *s, const char *arg, struct method_facts *f);

struct method_check {
	const char *id, *what;
	const char *sql; /* one row: n, bad, by; ?1 is arg */
	const char *arg;
	int (*count)(struct isms_store *s, const char *arg, struct method_facts *f);
};

static const struct method_check checks[] = {
	{"GC.1.2", "documents: the current version of each approved by management",
	 EACH("SELECT name, NOT (approved_by IS NOT NULL AND approved_version IS version)"
	      " FROM document ORDER BY pk",
	      "no document recorded", "documents without their current version approved",
	      "(SELECT printf('%d documents, each current version approved by management"
	      " (latest: %s %s by %s on %s)', (SELECT count(*) FROM document), d.name, d.version,"
	      " p.name, d.approved_at) FROM document d JOIN person p ON p.pk = d.approved_by"
	      " ORDER BY d.approved_at DESC, d.pk DESC LIMIT 1)"), NULL, NULL},
	{"GC.2.1", "external issues of the context, none past its review", CONTEXT("external"),
	 NULL, NULL},
	{"GC.2.2", "internal issues of the context, none past its review", CONTEXT("internal"),
	 NULL, NULL},
	{"GC.3.1.1", "regulators and authorities among the parties, each with requirements",
	 PARTIES("regulators and authorities"), ",regulator,authority,", NULL},
	{"GC.3.1.3", "customers and suppliers among the parties, each with requirements",
	 PARTIES("customers and suppliers"), ",customer,supplier,", NULL},
	{"GC.4.1", "external interested parties, each with requirements",
	 PARTIES("external parties"), ",customer,regulator,authority,supplier,shareholder,public,", NULL},
	{"GC.4.2", "internal interested parties (employees), each with requirements",
	 PARTIES("internal parties"), ",employee,", NULL},
	{"GC.5.1", "objectives: each with a target value or a control test measuring it",
	 EACH("SELECT id, coalesce(target, '') = '' AND coalesce(test, '') = ''"
	      " FROM objective ORDER BY pk",
	      "no objective recorded", "objectives with neither a target nor a control test",
	      "printf('%d objectives, each with a target value or a control test (%s)',"
	      " count(*), group_concat(key, ', '))"), NULL, NULL},
	{"GC.6.1", "scope: approved by management",
	 EACH("SELECT name, approved_by IS NULL OR approved_at IS NULL FROM scope ORDER BY pk",
	      "no scope recorded", "scopes not approved by management",
	      "(SELECT group_concat(printf('scope %s approved by %s on %s', s.name, p.name,"
	      " s.approved_at), '; ') FROM scope s JOIN person p ON p.pk = s.approved_by)"), NULL, NULL},
	{"GC.7.2", "information assets with a high protection requirement: each with a risk",
	 EACH("SELECT a.name, NOT EXISTS (SELECT 1 FROM risk_asset l WHERE l.asset = a.pk)"
	      " FROM asset a WHERE a.type = 'information' AND (a.confidentiality <> 'normal'"
	      " OR a.integrity <> 'normal' OR a.availability <> 'normal') ORDER BY a.pk",
	      "no information asset with a high protection requirement",
	      "information assets with a high protection requirement and no risk",
	      "printf('%d information assets with a high protection requirement, each with a"
	      " risk (%s)', count(*), group_concat(key, ', '))"), NULL, NULL},
	{"GC.9.1.1.1", "security officer: a current appointment by management",
	 "SELECT (SELECT count(*) FROM person),"
	 " NOT EXISTS (SELECT 1 FROM appointment a WHERE a.role = 'security_officer'"
	 "  AND a.deputy = 0 AND " APPOINTED("a") "),"
	 " coalesce((SELECT printf('%s: %s appointed security officer by %s since %s', a.id,"
	 "  p.name, coalesce(b.name, '?'), a.since) FROM appointment a"
	 "  JOIN person p ON p.pk = a.person LEFT JOIN person b ON b.pk = a.appointed_by"
	 "  WHERE a.role = 'security_officer' AND a.deputy = 0 AND " APPOINTED("a")
	 "  ORDER BY a.since DESC LIMIT 1),"
	 " CASE WHEN (SELECT count(*) FROM person) = 0 THEN 'no person recorded'"
	 " ELSE 'no current appointment of a security officer' || coalesce(' (holding the role:'"
	 "  || ' ' || (SELECT group_concat(p.name, ', ') FROM person p WHERE "
	 ROLE_SQL_HOLDS("p.role", "'security_officer'") " AND " ROLE_SQL_ACTIVE("p", TODAY)
	 "  ) || ')', '') END)", NULL, NULL},
	{"GC.9.1.1.2", "appointed roles: each with a current deputy",
	 EACH("SELECT DISTINCT a.role, NOT EXISTS (SELECT 1 FROM appointment d"
	      " WHERE d.role = a.role AND d.deputy = 1 AND " APPOINTED("d") ")"
	      " FROM appointment a WHERE a.deputy = 0 AND " APPOINTED("a"),
	      "no current appointment to a role", "appointed roles without a current deputy",
	      "printf('%d appointed roles, each with a current deputy (%s)', count(*),"
	      " group_concat(key, ', '))"), NULL, NULL},
	{"GC.9.1.1.4", "role holders: each with a valid training for a role they hold",
	 EACH("SELECT p.name, NOT EXISTS (SELECT 1 FROM training t WHERE t.person = p.pk AND "
	      ROLE_SQL_HOLDS("p.role", "t.role") " AND t.completed IS NOT NULL"
	      " AND t.completed <= " TODAY " AND (t.valid_until IS NULL OR t.valid_until >= "
	      TODAY ")) FROM person p WHERE " ROLE_SQL_ACTIVE("p", TODAY)
	      " AND p.role <> 'user' ORDER BY p.pk",
	      "no active person holding an ISMS role",
	      "role holders without a valid training for their role",
	      "printf('%d role holders, each with a valid training for a role they hold (%s)',"
	      " count(*), group_concat(key, ', '))"), NULL, NULL},
	{"GC.11.1", "documents: each with its next review date ahead",
	 EACH("SELECT name, next_review IS NULL OR next_review < " TODAY " FROM document"
	      " ORDER BY pk",
	      "no document recorded", "documents without a next review ahead",
	      "printf('%d documents, each with its next review ahead (first: %s on %s)', count(*),"
	      " (SELECT name FROM document ORDER BY next_review LIMIT 1),"
	      " (SELECT min(next_review) FROM document))"), NULL, NULL},
	{"STM.1.1", "assets: each in a scope",
	 EACH("SELECT name, scope IS NULL FROM asset ORDER BY pk", "no asset recorded",
	      "assets in no scope",
	      "printf('%d assets, each in a scope (%s)', count(*), (SELECT group_concat(name,"
	      " ', ') FROM scope s WHERE EXISTS (SELECT 1 FROM asset a WHERE a.scope = s.pk)))"),
	 NULL, NULL},
	{"STM.2.1.3", "assets: each modelled as a BSI target object type",
	 EACH("SELECT name, target_object IS NULL FROM asset ORDER BY pk", "no asset recorded",
	      "assets without a target object type",
	      "printf('%d assets, each with a target object type', count(*))"), NULL, NULL},
	{"STM.4.1", "assets with a high effective protection requirement: each with a risk",
	 NULL, NULL, effective_risk},
	{"STM.5.1", "the packages' parameters: each given a value", NULL, "params",
	 package_check},
	{"UMS.1.1", "the packages' requirements: each checked (implementation record)", NULL,
	 "checked", package_check},
	{"UMS.2.1", "requirements not or partly implemented: each with a measure",
	 UNFULFILLED("i.measure IS NULL", "requirements not or partly implemented without a measure",
		     "each with a measure"), NULL, NULL},
	{"UMS.3.1", "requirements not or partly implemented: each with someone responsible",
	 UNFULFILLED("i.owner IS NULL AND NOT EXISTS (SELECT 1 FROM measure m"
		     " WHERE m.pk = i.measure AND m.owner IS NOT NULL)",
		     "requirements not or partly implemented with nobody responsible",
		     "each with an owner or a measure with one"), NULL, NULL},
	{"UMS.4.1", "requirements not or partly implemented: each with a measure due by a date",
	 UNFULFILLED("NOT EXISTS (SELECT 1 FROM measure m WHERE m.pk = i.measure"
		     " AND m.due IS NOT NULL)",
		     "requirements not or partly implemented with no due date",
		     "each with a measure due by a date"), NULL, NULL},
	{"VRB.2.1", "nonconformities past their opening: each with a root cause",
	 NC_PAST_OPENING("root_cause", "nonconformities past their opening without a root cause",
			 "each with a root cause"), NULL, NULL},
	{"VRB.4.1", "nonconformities past their opening: each with a corrective action",
	 NC_PAST_OPENING("corrective_action",
			 "nonconformities past their opening without a corrective action",
			 "each with a corrective action"), NULL, NULL},
	{"PERF.3.1.1", "audits: each planned for a date against criteria",
	 EACH("SELECT id, planned IS NULL OR coalesce(criteria, '') = '' FROM audit"
	      " WHERE status <> 'cancelled' ORDER BY pk",
	      "no internal audit recorded", "audits without a planned date or criteria",
	      "printf('%d audits, each planned for a date against criteria (%s)', count(*),"
	      " group_concat(key, ', '))"), NULL, NULL},
	{"PERF.3.1.3", "audits held: each with an auditor named",
	 EACH("SELECT id, auditor IS NULL FROM audit WHERE status IN ('held', 'reported')"
	      " ORDER BY pk",
	      "no internal audit held", "audits held without an auditor",
	      "printf('%d audits held, each with an auditor named (%s)', count(*),"
	      " group_concat(key, ', '))"), NULL, NULL},
	{"PERF.3.1.4", "audits: none overdue, one held in the last 12 months",
	 "WITH x AS (SELECT id, status, planned, held FROM audit WHERE status <> 'cancelled'),"
	 " o AS (SELECT id FROM x WHERE status = 'planned' AND planned < " TODAY "),"
	 " h AS (SELECT id, held FROM x WHERE held >= " YEAR_AGO " ORDER BY held DESC)"
	 " SELECT (SELECT count(*) FROM x),"
	 " (SELECT count(*) FROM o) + NOT EXISTS (SELECT 1 FROM h),"
	 " CASE WHEN (SELECT count(*) FROM x) = 0 THEN 'no internal audit recorded'"
	 " WHEN EXISTS (SELECT 1 FROM o) THEN 'audits past their planned date and not held: '"
	 "  || (SELECT group_concat(id, ', ') FROM o)"
	 " WHEN NOT EXISTS (SELECT 1 FROM h) THEN 'no audit held in the last 12 months'"
	 " ELSE (SELECT printf('%d audits held in the last 12 months (latest %s on %s)',"
	 "  (SELECT count(*) FROM h), id, held) FROM h LIMIT 1) END", NULL, NULL},
	{"PERF.4.1", "management reviews: one held and approved in the last 12 months",
	 "WITH h AS (SELECT m.id, m.held, m.approved_at, p.name FROM management_review m"
	 " LEFT JOIN person p ON p.pk = m.approved_by WHERE m.status = 'approved'"
	 " AND m.held >= " YEAR_AGO " ORDER BY m.held DESC)"
	 " SELECT (SELECT count(*) FROM management_review), NOT EXISTS (SELECT 1 FROM h),"
	 " CASE WHEN (SELECT count(*) FROM management_review) = 0"
	 "  THEN 'no management review recorded'"
	 " WHEN EXISTS (SELECT 1 FROM h) THEN (SELECT printf('management review %s held on %s,"
	 "  approved by %s on %s', id, held, coalesce(name, '?'), approved_at) FROM h LIMIT 1)"
	 " ELSE 'no management review held and approved in the last 12 months' ||"
	 "  coalesce((SELECT printf(' (latest: %s, %s)', id, status) FROM management_review"
	 "  ORDER BY coalesce(held, '') DESC, pk DESC LIMIT 1), '') END", NULL, NULL},
	{"PERF.4.2", "management informed: a board report or an approved management review"
		     " in the last 12 months",
	 "WITH h(what, at) AS (SELECT 'board report for ' || period || ' made on '"
	 "  || substr(made_at, 1, 10), made_at FROM period_report WHERE made_at >= " YEAR_AGO
	 " UNION ALL SELECT 'management review ' || id || ' approved on ' || approved_at,"
	 "  approved_at FROM management_review WHERE status = 'approved'"
	 "  AND approved_at >= " YEAR_AGO " ORDER BY 2 DESC)"
	 " SELECT (SELECT count(*) FROM period_report) + (SELECT count(*) FROM management_review),"
	 " NOT EXISTS (SELECT 1 FROM h),"
	 " CASE WHEN (SELECT count(*) FROM period_report) + (SELECT count(*) FROM"
	 "  management_review) = 0 THEN 'no board report made and no management review recorded'"
	 " WHEN EXISTS (SELECT 1 FROM h) THEN (SELECT what FROM h LIMIT 1)"
	 " ELSE 'no board report made and no management review approved in the last 12 months'"
	 " END", NULL, NULL},
	{"PERF.5.1", "control tests: each assessed at least once",
	 EACH("SELECT t.name, NOT EXISTS (SELECT 1 FROM assessment a WHERE a.test = t.name)"
	      " FROM control_test t ORDER BY t.pk",
	      "no control test defined", "control tests never assessed",
	      "printf('%d control tests, each assessed (latest on %s)', count(*),"
	      " (SELECT substr(max(assessed_at), 1, 10) FROM assessment))"), NULL, NULL},
};

static int sql_check(struct isms_store *s, const char *sql, const char *arg,
		     struct method_facts *f)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	if (r >= 0 && sqlite3_bind_parameter_count(st) >= 1)
		r = store_bind_text(s, st, 1, arg);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *by = (const char *)sqlite3_column_text(st, 2);

		f->n = sqlite3_column_int64(st, 0);
		f->bad = sqlite3_column_int64(st, 1);
		snprintf(f->by, sizeof(f->by), "%s", by ? by : "");
		r = 0;
	} else if (r == 0) {
		r = store_seterr(s, -EIO, "method check: no row");
	}
	sqlite3_finalize(st);
	return r;
}

/* STM.4.1: the protection requirement inherited along the dependencies, not only the own. */
static int effective_risk(struct isms_store *s, const char *arg, struct method_facts *f)
{
	struct model_graph *g = NULL;
	sqlite3_stmt *st = NULL;
	char missing[256] = "";
	size_t ml = 0;
	int r;

	(void)arg;
	r = model_graph_read(s, &g);
	if (r >= 0)
		r = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM risk_asset WHERE asset = ?1)", &st);
	for (size_t i = 0; r >= 0 && i < g->n; i++) {
		struct isms_model_protection p;

		model_graph_protection(g, i, &p);
		if (p.highest < 1)
			continue;
		f->n++;
		sqlite3_reset(st);
		r = sqlite3_bind_int64(st, 1, g->asset[i].pk) == SQLITE_OK ? 0 : -ENOMEM;
		if (r >= 0)
			r = store_step_row(s, st);
		if (r == 1 && sqlite3_column_int(st, 0) == 0) {
			if (f->bad++ < 3 && ml < sizeof(missing))
				ml += (size_t)snprintf(missing + ml, sizeof(missing) - ml, "%s%s",
						       ml ? ", " : "", p.asset);
		}
		if (r == 1)
			r = 0;
	}
	if (r >= 0) {
		if (f->n == 0)
			snprintf(f->by, sizeof(f->by),
				 "no asset with a high or very high effective protection requirement");
		else if (f->bad)
			snprintf(f->by, sizeof(f->by),
				 "%" PRId64 " of %" PRId64 " assets with a high effective protection"
				 " requirement and no risk: %s%s",
				 f->bad, f->n, missing, f->bad > 3 ? ", ..." : "");
		else
			snprintf(f->by, sizeof(f->by),
				 "%" PRId64 " assets with a high effective protection requirement,"
				 " each with a risk",
				 f->n);
	}
	sqlite3_finalize(st);
	model_graph_free(g);
	return r < 0 ? r : 0;
}

/*
 * The packages are computed to judge STM.5.1 and UMS.1.1, and computing
 * the domain's package asks this file again for each method requirement:
 * while one is being computed, the method is not observed (the totals
 * wanted do not depend on it).
 */
static _Thread_local unsigned in_package;

struct pkg_count {
	bool params;
	int64_t n, bad;
	char first[96];
};

static int pkg_entry(const struct isms_package_entry *e, void *ud)
{
	struct pkg_count *c = ud;
	int64_t before = c->bad;

	if (e->tailoring && strcmp(e->tailoring, "exclude") == 0)
		return 0;
	if (c->params) {
		struct json_object *arr = e->params ? json_tokener_parse(e->params) : NULL;

		if (json_object_is_type(arr, json_type_array))
			c->n += (int64_t)json_object_array_length(arr);
		json_object_put(arr);
		c->bad += (int64_t)e->params_open;
	} else {
		c->n++;
		c->bad += e->status == NULL;
	}
	if (c->bad > before && !c->first[0])
		snprintf(c->first, sizeof(c->first), "%s%s%s", e->asset ? e->asset : "",
			 e->asset ? ":" : "", e->id);
	return 0;
}

/* STM.5.1 (arg "params") and UMS.1.1 ("checked") over the domain's package and every asset's. */
static int package_check(struct isms_store *s, const char *arg, struct method_facts *f)
{
	struct pkg_count c = {.params = strcmp(arg, "params") == 0};
	struct isms_model_names nm = {0};
	size_t nassets;
	int r;

	in_package++;
	r = isms_package_list(s, NULL, pkg_entry, &c, NULL);
	if (r == -ENOENT) {
		/* no catalogue or no types: nothing to judge by, said as such */
		in_package--;
		snprintf(f->by, sizeof(f->by), "no requirement package: %s", isms_store_errmsg(s));
		return 0;
	}
	if (r >= 0)
		r = isms_model_assets(s, &nm);
	for (size_t i = 0; r >= 0 && i < nm.n; i++)
		r = isms_package_list(s, nm.v[i], pkg_entry, &c, NULL);
	in_package--;
	nassets = nm.n;
	isms_model_names_release(&nm);
	if (r < 0)
		return r;
	f->n = c.n;
	f->bad = c.bad;
	if (c.n == 0)
		snprintf(f->by, sizeof(f->by), "no %s in the packages of the domain and %zu assets",
			 c.params ? "parameter" : "requirement", nassets);
	else if (c.bad)
		snprintf(f->by, sizeof(f->by),
			 "%" PRId64 " of %" PRId64 " %s in the packages of the domain and %zu"
			 " assets (first: %s)",
			 c.bad, c.n, c.params ? "parameters without a value" : "requirements not checked",
			 nassets, c.first);
	else
		snprintf(f->by, sizeof(f->by),
			 "%" PRId64 " %s in the packages of the domain and %zu assets", c.n,
			 c.params ? "parameters, each with a value," : "requirements, each checked,", nassets);
	return 0;
}

static const struct method_check *find(const char *id)
{
	for (size_t i = 0; i < N(checks); i++)
		if (strcmp(checks[i].id, id) == 0)
			return &checks[i];
	return NULL;
}

static int run(struct isms_store *s, const struct method_check *c, struct method_facts *f)
{
	*f = (struct method_facts){0};
	return c->count ? c->count(s, c->arg, f) : sql_check(s, c->sql, c->arg, f);
}

int model_method_observe(struct isms_store *s, const char *id, char *obs, size_t olen, char *by,
			 size_t blen)
{
	const struct method_check *c = in_package ? NULL : find(id);
	struct method_facts f;
	int r;

	if (olen)
		obs[0] = '\0';
	if (blen)
		by[0] = '\0';
	if (!c)
		return 0;
	r = run(s, c, &f);
	if (r < 0)
		return r;
	snprintf(obs, olen, "%s", isms_method_judge(f.n, f.bad));
	snprintf(by, blen, "%s", f.by);
	return 0;
}

int isms_method_list(struct isms_store *s,
		     int (*cb)(const struct isms_method_result *m, void *userdata), void *userdata)
{
	sqlite3_stmt *st = NULL;
	int r;

	/* the title from the Methodik catalogue where imported, else from any catalogue */
	r = store_prepare(s,
			  "SELECT k.title FROM catalogue_control k JOIN catalogue c ON c.pk = k.catalogue"
			  " WHERE k.id = ?1 AND c.kind = 'catalog'"
			  " ORDER BY c.name LIKE '%Methodik%' DESC, c.pk LIMIT 1",
			  &st);
	for (size_t i = 0; r >= 0 && i < N(checks); i++) {
		struct method_facts f;
		struct isms_method_result m = {.id = checks[i].id, .what = checks[i].what};

		r = run(s, &checks[i], &f);
		if (r < 0)
			break;
		sqlite3_reset(st);
		r = store_bind_text(s, st, 1, checks[i].id);
		if (r >= 0)
			r = store_step_row(s, st);
		if (r < 0)
			break;
		m.title = r == 1 ? (const char *)sqlite3_column_text(st, 0) : NULL;
		m.observed = isms_method_judge(f.n, f.bad);
		m.by = f.by;
		m.n = f.n;
		m.bad = f.bad;
		r = cb(&m, userdata);
	}
	sqlite3_finalize(st);
	return r;
}
