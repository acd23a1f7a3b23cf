/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record types of the register and the pure parsing of their values. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval_internal.h"
#include "isms/control_test.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/nonconformity.h"
#include "isms/strutil.h"
#include "isms/suggest.h"
#include "modelling_internal.h"
#include "nc_sources_internal.h"
#include "risk_accept_internal.h"
#include "risk_impact_internal.h"
#include "soa_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const roles[] = {"management", "security_officer", "dpo", "risk_owner",
				    "asset_owner", "admin", "auditor", "user", NULL};
static const char *const asset_types[] = {"host", "service", "information", "application",
					  "site", "person", "network", "room", NULL};
static const char *const protection[] = {"normal", "high", "very_high", NULL};
static const char *const themes[] = {"organizational", "people", "physical", "technological",
				     NULL};
static const char *const applicability[] = {"undecided", "yes", "no", NULL};
static const char *const control_status[] = {"not_started", "planned", "partial", "implemented",
					     NULL};
static const char *const treatments[] = {"undecided", "mitigate", "accept", "transfer", "avoid",
					 NULL};
static const char *const measure_status[] = {"planned", "in_progress", "implemented",
					     "verified", "cancelled", NULL};
static const char *const review_kinds[] = {"access", "risk", "measure", "policy", "asset",
					   "management", "internal_audit", "other", NULL};
static const char *const review_results[] = {"ok", "findings", "failed", NULL};
static const char *const threat_sources[] = {"bsi", "custom", NULL};
static const char *const test_scopes[] = {"all", "assets", "nodes", NULL};
static const char *const test_freqs[] = {"daily", "weekly", "monthly", "quarterly", "yearly",
					 NULL};
static const char *const test_expect[] = {"pass", "fail", NULL};

static int check_rule(const char *in, char *err, size_t errlen)
{
	struct isms_ctest_rule r;
	char why[256];
	int rc = isms_ctest_rule_parse(in, &r, why, sizeof(why));

	if (rc < 0)
		snprintf(err, errlen, "rule: %s (see ismsctl(8), CONTROL TESTS)", why);
	return rc < 0 ? -EINVAL : 0;
}

/* A level name through the stored matrix; NULL when off the matrix. */
#define LEVEL_OF(l, i)                                                                      \
	"(SELECT lv.name FROM risk_cell c JOIN risk_level lv ON lv.rank = c.level"          \
	" WHERE c.likelihood = " l " AND c.impact = " i ")"
#define RANK_OF(l, i) "(SELECT c.level FROM risk_cell c WHERE c.likelihood = " l " AND c.impact = " i ")"
#define TODAY "date('now')"
/*
 * A risk's level now: its residual rating is a target until every measure
 * treating it (one at least, cancelled ones aside) is implemented.
 */
#define CURRENT_RANK                                                                        \
	"(CASE WHEN t.residual_likelihood IS NOT NULL AND t.residual_impact IS NOT NULL"    \
	" AND EXISTS (SELECT 1 FROM measure_risk l JOIN measure m ON m.pk = l.measure"      \
	" WHERE l.risk = t.pk AND m.status <> 'cancelled')"                                 \
	" AND NOT EXISTS (SELECT 1 FROM measure_risk l JOIN measure m ON m.pk = l.measure"  \
	" WHERE l.risk = t.pk"                                                              \
	" AND m.status IN ('planned', 'in_progress'))"                                        \
	" THEN " RANK_OF("t.residual_likelihood", "t.residual_impact")                       \
	" ELSE " RANK_OF("t.likelihood", "t.impact") " END)"
/* The state of a risk's acceptance, from its fields. */
#define ACCEPTANCE                                                                          \
	"(CASE WHEN t.accepted_by IS NULL THEN"                                             \
	" CASE WHEN t.treatment = 'accept' THEN 'proposed' ELSE 'none' END"                  \
	" WHEN t.revoked_at IS NOT NULL THEN 'revoked'"                                     \
	" WHEN t.accepted_until IS NOT NULL AND t.accepted_until < " TODAY " THEN 'expired'" \
	" ELSE 'accepted' END)"

static const struct isms_field person_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED,
	 .help = "short name, unique (e.g. alice)"},
	{.name = "full_name", .help = "full name"},
	{.name = "email", .help = "contact address"},
	{.name = "role", .type = ISMS_FT_ENUM, .flags = ISMS_FF_LIST, .choices = roles,
	 .dflt = "user", .help = "roles in the ISMS, comma-separated (e.g. management,risk_owner)"},
	{.name = "login", .help = "Unix login name, if different from name"},
	{.name = "active_until", .type = ISMS_FT_DATE,
	 .help = "last day of the person's access (leaver date)"},
	{.name = "active", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.active_until IS NULL OR t.active_until >= " TODAY
		" THEN 1 ELSE 0 END",
	 .help = "not past active_until"},
};

static const struct isms_field scope_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "short name of the scope"},
	{.name = "statement", .flags = ISMS_FF_REQUIRED, .help = "the scope statement"},
	{.name = "boundaries", .help = "organisational, physical and technical boundaries"},
	{.name = "exclusions", .help = "what is excluded, and why"},
	{.name = "proposed_by", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_HIDDEN,
	 .help = "who proposed it (cannot also approve it)"},
	{.name = "approved_by", .type = ISMS_FT_REF, .ref = "person",
	 .help = "active member of management who approved it, not its proposer"},
	{.name = "approved_at", .type = ISMS_FT_DATE,
	 .help = "date of approval (required with approved_by, not in the future)"},
};

static const struct isms_field asset_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "unique name (host name for hosts)"},
	{.name = "type", .type = ISMS_FT_ENUM, .flags = ISMS_FF_REQUIRED, .choices = asset_types,
	 .help = "kind of asset"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "what it is"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "asset owner"},
	{.name = "scope", .type = ISMS_FT_REF, .ref = "scope", .flags = ISMS_FF_HIDDEN,
	 .help = "the scope it belongs to"},
	{.name = "confidentiality", .type = ISMS_FT_ENUM, .choices = protection, .dflt = "normal",
	 .help = "protection requirement (BSI 200-2)"},
	{.name = "integrity", .type = ISMS_FT_ENUM, .choices = protection, .dflt = "normal",
	 .help = "protection requirement (BSI 200-2)"},
	{.name = "availability", .type = ISMS_FT_ENUM, .choices = protection, .dflt = "normal",
	 .help = "protection requirement (BSI 200-2)"},
	{.name = "locked_down", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "no logins except break-glass (e.g. during an incident)"},
	{.name = "target_object", .flags = ISMS_FF_HIDDEN,
	 .help = "BSI target object type (Zielobjekt), e.g. Hostsysteme ('ismsctl package types')"},
	{.name = "depends_on", .type = ISMS_FT_REFS, .ref = "asset", .link = "asset_dependency",
	 .link_own = "asset", .link_other = "depends_on", .flags = ISMS_FF_HIDDEN,
	 .help = "assets it needs (a process its applications, an application its hosts, a host"
		 " its room); they inherit its protection requirement"},
};

static const struct isms_field threat_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "e.g. 'G 0.23'"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what threatens"},
	{.name = "source", .type = ISMS_FT_ENUM, .choices = threat_sources, .dflt = "custom",
	 .help = "catalogue it comes from"},
};

static const struct isms_field control_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "Annex A id, e.g. 8.15"},
	{.name = "title", .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED, .help = "control title"},
	{.name = "theme", .type = ISMS_FT_ENUM, .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED,
	 .choices = themes, .help = "Annex A theme"},
	{.name = "applicable", .type = ISMS_FT_ENUM, .choices = applicability, .dflt = "undecided",
	 .help = "in the Statement of Applicability"},
	{.name = "justification",
	 .help = "why it is included or excluded (required when not applicable)"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = control_status, .dflt = "not_started",
	 .help = "implementation status"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_HIDDEN,
	 .help = "responsible person"},
	{.name = "measures", .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT group_concat(id, ',') FROM"
		" (SELECT m.id FROM measure_control l JOIN measure m ON m.pk = l.measure"
		" WHERE l.control = t.pk ORDER BY m.pk))",
	 .help = "measures implementing it, by key (comma-separated)"},
};

static const char *const impact_objectives[] = {"impact_confidentiality", "impact_integrity",
						"impact_availability", NULL};

static const struct isms_field risk_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. R-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "short description"},
	{.name = "asset", .type = ISMS_FT_REFS, .ref = "asset", .link = "risk_asset",
	 .link_own = "risk", .link_other = "asset",
	 .help = "affected assets"},
	{.name = "threat", .type = ISMS_FT_REF, .ref = "threat", .help = "threat, e.g. 'G 0.23'"},
	{.name = "vulnerability", .flags = ISMS_FF_HIDDEN, .help = "weakness the threat exploits"},
	{.name = "likelihood", .type = ISMS_FT_SCALE, .axis = "likelihood",
	 .flags = ISMS_FF_REQUIRED, .help = "number or label on the matrix"},
	{.name = "impact", .type = ISMS_FT_SCALE, .axis = "impact", .flags = ISMS_FF_REQUIRED,
	 .max_of = impact_objectives,
	 .help = "number or label on the matrix; the highest of the impacts on confidentiality,"
		 " integrity and availability when those are given"},
	{.name = "impact_confidentiality", .type = ISMS_FT_SCALE, .axis = "impact",
	 .flags = ISMS_FF_HIDDEN, .help = "impact on confidentiality (BSI 200-3)"},
	{.name = "impact_integrity", .type = ISMS_FT_SCALE, .axis = "impact",
	 .flags = ISMS_FF_HIDDEN, .help = "impact on integrity"},
	{.name = "impact_availability", .type = ISMS_FT_SCALE, .axis = "impact",
	 .flags = ISMS_FF_HIDDEN, .help = "impact on availability"},
	{.name = "impact_justification", .flags = ISMS_FF_HIDDEN,
	 .help = "why an impact is below what an asset's protection requirement demands"},
	{.name = "level", .flags = ISMS_FF_COMPUTED, .sql = LEVEL_OF("t.likelihood", "t.impact"),
	 .help = "risk level from the matrix"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "risk owner"},
	{.name = "treatment", .type = ISMS_FT_ENUM, .choices = treatments, .dflt = "undecided",
	 .help = "risk treatment option"},
	{.name = "treatment_approved_by", .type = ISMS_FT_REF, .ref = "person",
	 .flags = ISMS_FF_HIDDEN,
	 .help = "the risk's owner, who approved the treatment plan (ISO 27001 6.1.3 f)"},
	{.name = "treatment_approved_at", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "when the treatment plan was approved (not in the future)"},
	{.name = "residual_likelihood", .type = ISMS_FT_SCALE, .axis = "likelihood",
	 .flags = ISMS_FF_HIDDEN, .help = "likelihood after treatment"},
	{.name = "residual_impact", .type = ISMS_FT_SCALE, .axis = "impact",
	 .flags = ISMS_FF_HIDDEN, .help = "impact after treatment"},
	{.name = "residual_level", .flags = ISMS_FF_COMPUTED,
	 .sql = LEVEL_OF("t.residual_likelihood", "t.residual_impact"),
	 .help = "residual risk level"},
	{.name = "current_level", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "(SELECT lv.name FROM risk_level lv WHERE lv.rank = " CURRENT_RANK ")",
	 .help = "level now: the residual once every measure is implemented, else the inherent"},
	{.name = "acceptance", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN, .sql = ACCEPTANCE,
	 .help = "none, proposed, accepted, expired or revoked"},
	{.name = "acceptable", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN " ACCEPTANCE " = 'accepted' THEN 1"
		" WHEN " ACCEPTANCE " IN ('expired', 'revoked') THEN 0"
		" WHEN " CURRENT_RANK " <= (SELECT CAST(value AS INTEGER) FROM setting"
		" WHERE key = 'acceptance') THEN 1 ELSE 0 END",
	 .help = "accepted now, or its current level within the acceptance threshold"},
	{.name = "accepted_by", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_HIDDEN,
	 .help = "who in management accepted the residual risk (ISO 27001 6.1.3 f)"},
	{.name = "accepted_at", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "when it was accepted"},
	{.name = "accepted_until", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "acceptance expires (ISO 27001 6.1.3)"},
	{.name = "acceptance_conditions", .flags = ISMS_FF_HIDDEN,
	 .help = "conditions of the acceptance"},
	{.name = "revoked_by", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_HIDDEN,
	 .help = "who revoked the acceptance"},
	{.name = "revoked_at", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "when the acceptance was revoked"},
	{.name = "criteria", .flags = ISMS_FF_HIDDEN,
	 .help = "legal or compliance requirements that bear on acceptance"},
	{.name = "last_change", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "(SELECT c.at || ': ' || c.reason || ' (evidence ' || c.evidence || ')'"
		" FROM risk_change c WHERE c.risk = t.pk ORDER BY c.pk DESC LIMIT 1)",
	 .help = "the last change made by a live indicator, with its evidence"},
	{.name = "rank", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = RANK_OF("t.likelihood", "t.impact"), .help = "level as a number"},
	{.name = "score", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "t.likelihood * t.impact", .help = "likelihood times impact"},
};

static const struct isms_field measure_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. M-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what is done"},
	{.name = "risk", .type = ISMS_FT_REFS, .ref = "risk", .link = "measure_risk",
	 .link_own = "measure", .link_other = "risk",
	 .help = "risks it treats"},
	{.name = "control", .type = ISMS_FT_REFS, .ref = "control", .link = "measure_control",
	 .link_own = "measure", .link_other = "control",
	 .help = "Annex A controls it implements"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "responsible person"},
	{.name = "due", .type = ISMS_FT_DATE, .help = "due date"},
	{.name = "cost", .type = ISMS_FT_MONEY, .help = "cost against the security budget"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = measure_status, .dflt = "planned",
	 .help = "implementation status"},
	{.name = "nonconformity", .type = ISMS_FT_REF, .ref = "nonconformity",
	 .flags = ISMS_FF_HIDDEN, .help = "nonconformity whose corrective action it is"},
	{.name = "management_review", .type = ISMS_FT_REF, .ref = "management_review",
	 .flags = ISMS_FF_HIDDEN, .help = "management review whose decision it carries out"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.due < " TODAY
		" AND t.status IN ('planned', 'in_progress') THEN 1 ELSE 0 END",
	 .help = "past due and not implemented"},
};

static const struct isms_field review_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. V-1 (generated if absent)"},
	{.name = "kind", .type = ISMS_FT_ENUM, .choices = review_kinds, .flags = ISMS_FF_REQUIRED,
	 .help = "what kind of review"},
	{.name = "subject", .flags = ISMS_FF_REQUIRED, .help = "what is reviewed"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset", .help = "asset concerned"},
	{.name = "person", .type = ISMS_FT_REF, .ref = "person",
	 .help = "person whose access is reviewed (kind access)"},
	{.name = "risk", .type = ISMS_FT_REF, .ref = "risk", .flags = ISMS_FF_HIDDEN,
	 .help = "risk concerned"},
	{.name = "measure", .type = ISMS_FT_REF, .ref = "measure", .flags = ISMS_FF_HIDDEN,
	 .help = "measure concerned"},
	{.name = "reviewer", .type = ISMS_FT_REF, .ref = "person", .help = "who reviews"},
	{.name = "due", .type = ISMS_FT_DATE, .flags = ISMS_FF_REQUIRED, .help = "due date"},
	{.name = "done", .type = ISMS_FT_DATE, .help = "date it was done"},
	{.name = "result", .type = ISMS_FT_ENUM, .choices = review_results, .help = "outcome"},
	{.name = "notes", .flags = ISMS_FF_HIDDEN, .help = "findings, decisions"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.done IS NULL AND t.due < " TODAY " THEN 1 ELSE 0 END",
	 .help = "past due and not done"},
};

static const struct isms_field document_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "short name, e.g. infosec-policy"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "document title"},
	{.name = "version", .flags = ISMS_FF_REQUIRED, .help = "current version"},
	{.name = "proposed_by", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_HIDDEN,
	 .help = "who proposed it (cannot also approve it)"},
	{.name = "approved_by", .type = ISMS_FT_REF, .ref = "person",
	 .help = "active member of management who approved it, not its proposer"},
	{.name = "approved_at", .type = ISMS_FT_DATE,
	 .help = "date of approval (required with approved_by, not in the future)"},
	{.name = "approved_version", .flags = ISMS_FF_HIDDEN,
	 .help = "the version approved (written by the approval)"},
	{.name = "approved", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "t.approved_by IS NOT NULL AND t.approved_version IS t.version",
	 .help = "the current version is approved (a new version is not until approved again)"},
	{.name = "next_review", .type = ISMS_FT_DATE, .help = "when it is next reviewed"},
	{.name = "acknowledged", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM acknowledgement a WHERE a.document = t.pk"
		" AND a.version = t.version)",
	 .help = "people who acknowledged the current version"},
};

static const struct isms_field ack_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. A-1 (generated if absent)"},
	{.name = "person", .type = ISMS_FT_REF, .ref = "person",
	 .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED, .help = "who acknowledged"},
	{.name = "document", .type = ISMS_FT_REF, .ref = "document",
	 .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED, .help = "which document"},
	{.name = "version", .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED, .help = "which version"},
	{.name = "at", .type = ISMS_FT_DATE, .flags = ISMS_FF_REQUIRED, .help = "date"},
	{.name = "current", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT d.version = t.version FROM document d WHERE d.pk = t.document)",
	 .help = "for the document's current version"},
};

static const struct isms_field indicator_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "e.g. failed-logins"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what it measures"},
	{.name = "kind", .flags = ISMS_FF_REQUIRED,
	 .help = "evidence kinds it counts, a pattern (e.g. auth.failure, access.deny*)"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset",
	 .help = "count only evidence about this asset (default: each asset apart)"},
	{.name = "window_minutes", .type = ISMS_FT_INT, .flags = ISMS_FF_REQUIRED | ISMS_FF_POSITIVE,
	 .help = "length of the counting window"},
	{.name = "threshold", .type = ISMS_FT_INT, .flags = ISMS_FF_REQUIRED | ISMS_FF_POSITIVE,
	 .help = "count within one window that crosses it"},
	{.name = "risk", .type = ISMS_FT_REF, .ref = "risk", .help = "risk whose likelihood it raises"},
	{.name = "raise_by", .type = ISMS_FT_INT, .flags = ISMS_FF_POSITIVE, .dflt = "1",
	 .help = "steps of likelihood per crossing (capped at the matrix)"},
	{.name = "control", .help = "Annex A control it evidences (default 8.16)"},
	{.name = "crossings", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM risk_change c WHERE c.indicator = t.name)",
	 .help = "times it raised its risk"},
};

static const struct isms_field change_fields[] = {
	{.name = "id", .type = ISMS_FT_INT, .flags = ISMS_FF_KEY | ISMS_FF_COMPUTED, .sql = "t.pk",
	 .help = "change number"},
	{.name = "risk", .type = ISMS_FT_REF, .ref = "risk", .help = "the risk changed"},
	{.name = "at", .help = "when (UTC)"},
	{.name = "indicator", .help = "indicator that crossed"},
	{.name = "from_likelihood", .type = ISMS_FT_INT, .help = "likelihood before"},
	{.name = "to_likelihood", .type = ISMS_FT_INT, .help = "likelihood after"},
	{.name = "evidence", .type = ISMS_FT_INT, .help = "evidence row recording it"},
	{.name = "reason", .help = "why"},
};

static const struct isms_field evidence_fields[] = {
	{.name = "id", .type = ISMS_FT_INT, .flags = ISMS_FF_KEY | ISMS_FF_COMPUTED, .sql = "t.pk",
	 .help = "position in the chain"},
	{.name = "ts", .help = "when it was true (UTC)"},
	{.name = "recorded", .flags = ISMS_FF_HIDDEN, .help = "when it was stored (UTC)"},
	{.name = "source", .help = "collector"},
	{.name = "kind", .help = "what happened"},
	{.name = "node", .flags = ISMS_FF_HIDDEN, .help = "host it came from"},
	{.name = "event_key", .flags = ISMS_FF_HIDDEN, .help = "ingest id"},
	{.name = "control", .help = "Annex A control"},
	{.name = "asset", .help = "asset"},
	{.name = "subject", .help = "user or person"},
	{.name = "outcome", .help = "result"},
	{.name = "details", .flags = ISMS_FF_HIDDEN | ISMS_FF_COMPUTED | ISMS_FF_JSON,
	 .sql = "evidence_details(t.pk, t.fmt, t.details)", .help = "JSON details"},
	{.name = "rule", .flags = ISMS_FF_COMPUTED,
	 .sql = "json_extract(evidence_details(t.pk, t.fmt, t.details), '$.rule')",
	 .help = "policy rule that decided (access evidence)"},
	{.name = "reason", .flags = ISMS_FF_COMPUTED,
	 .sql = "coalesce(json_extract(evidence_details(t.pk, t.fmt, t.details), '$.reasons[0]'),"
		" json_extract(evidence_details(t.pk, t.fmt, t.details), '$.error'))",
	 .help = "first reason given (access evidence)"},
	{.name = "hash", .flags = ISMS_FF_HIDDEN, .help = "chain hash"},
};

/* The latest result of a test, from the results kept per period. */
#define LAST_RESULT(col)                                                                    \
	"(SELECT a." col " FROM assessment a WHERE a.test = t.name ORDER BY a.pk DESC LIMIT 1)"

static const struct isms_field test_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED,
	 .help = "short name, unique (e.g. collector-heartbeat)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what it shows"},
	{.name = "control", .type = ISMS_FT_REF, .ref = "control", .flags = ISMS_FF_REQUIRED,
	 .help = "Annex A control it tests"},
	{.name = "version", .type = ISMS_FT_INT, .flags = ISMS_FF_POSITIVE, .dflt = "1",
	 .help = "version of the rule; raise it when the rule changes"},
	{.name = "scope", .type = ISMS_FT_ENUM, .choices = test_scopes, .dflt = "all",
	 .help = "evaluated over all evidence, or per host asset, or per node"},
	{.name = "target", .flags = ISMS_FF_HIDDEN,
	 .help = "only this asset or node (default: every one of the scope)"},
	{.name = "frequency", .type = ISMS_FT_ENUM, .choices = test_freqs, .dflt = "monthly",
	 .help = "how often it is due, and the period it covers"},
	{.name = "rule", .flags = ISMS_FF_REQUIRED | ISMS_FF_HIDDEN, .check = check_rule,
	 .help = "the rule over the evidence (see ismsctl(8), CONTROL TESTS)"},
	{.name = "expect", .type = ISMS_FT_ENUM, .choices = test_expect, .dflt = "pass",
	 .flags = ISMS_FF_HIDDEN, .help = "the result that shows the control operates"},
	{.name = "builtin", .type = ISMS_FT_BOOL, .dflt = "no", .flags = ISMS_FF_HIDDEN,
	 .help = "from the built-in library (init refreshes only these)"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "what it checks, and why"},
	{.name = "requirements", .flags = ISMS_FF_HIDDEN, .check = isms_nc_keys_check,
	 .help = "Grundschutz++ requirements it evidences, comma-separated (e.g. DET.2.1,BER.5.3)"},
	{.name = "last_result", .flags = ISMS_FF_COMPUTED, .sql = LAST_RESULT("result"),
	 .help = "result of the latest assessment"},
	{.name = "last_period", .flags = ISMS_FF_COMPUTED, .sql = LAST_RESULT("period"),
	 .help = "period of the latest assessment"},
	{.name = "last_assessed", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = LAST_RESULT("assessed_at"), .help = "when it was last assessed"},
};

static const struct isms_field assessment_fields[] = {
	{.name = "id", .type = ISMS_FT_INT, .flags = ISMS_FF_KEY | ISMS_FF_COMPUTED, .sql = "t.pk",
	 .help = "assessment number"},
	{.name = "test", .help = "the test"},
	{.name = "version", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN, .help = "its version"},
	{.name = "control", .help = "Annex A control"},
	{.name = "period", .help = "the period assessed"},
	{.name = "since", .flags = ISMS_FF_HIDDEN, .help = "its start (UTC)"},
	{.name = "until", .flags = ISMS_FF_HIDDEN, .help = "its end (UTC), or when it was assessed"},
	{.name = "assessed_at", .help = "when (UTC)"},
	{.name = "result", .help = "pass, fail or insufficient"},
	{.name = "expected", .flags = ISMS_FF_HIDDEN, .help = "the result the test expects"},
	{.name = "rows", .type = ISMS_FT_INT, .help = "evidence rows relied on"},
	{.name = "matched", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "rows of the rule's kind"},
	{.name = "violations", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "rows, gaps or buckets that failed"},
	{.name = "covered", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "hosts with evidence, of the scope's"},
	{.name = "members", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "hosts in the scope"},
	{.name = "hosts", .flags = ISMS_FF_HIDDEN, .help = "hosts (assets or nodes) with evidence"},
	{.name = "first_evidence", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "first evidence row relied on"},
	{.name = "last_evidence", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "last evidence row relied on"},
	{.name = "evidence", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "the evidence row recording the result"},
	{.name = "reason", .help = "why"},
};

#define ENTITY(n, pl, tbl, pre, fl, f, h)                                                   \
	{.name = n, .plural = pl, .table = tbl, .auto_prefix = pre, .flags = fl, .fields = f, \
	 .nfields = N(f), .help = h}

static const struct isms_entity e_person = ENTITY("person", "people", "person", NULL, 0, person_fields,
						  "people and their roles");
static const struct isms_entity e_scope = {
	.name = "scope", .plural = "scopes", .table = "scope", .fields = scope_fields,
	.nfields = N(scope_fields), .help = "scope of the ISMS and its approval",
	/* approved by active management, not by its proposer (ISO 27001 5.3) */
	.written = approval_scope_written,
};
static const struct isms_entity e_asset = {
	.name = "asset", .plural = "assets", .table = "asset", .fields = asset_fields,
	.nfields = N(asset_fields), .help = "assets and their protection requirements",
	/* a requirement raised holds its risks' impacts to it */
	/* a requirement raised holds its risks' impacts to it; a known target
	 * object type; dependencies without a cycle */
	.written = model_asset_written,
};
static const struct isms_entity e_threat = ENTITY("threat", "threats", "threat", NULL, 0,
						  threat_fields, "threats (BSI elementary threats and own)");
static const struct isms_entity e_control = {
	.name = "control", .plural = "controls", .table = "control", .flags = ISMS_EF_CATALOGUE,
	.fields = control_fields, .nfields = N(control_fields),
	.help = "Annex A controls and their applicability",
	/* an exclusion is justified and has no measures (ISO 27001 6.1.3 d) */
	.written = soa_control_written,
};
static int risk_hooks_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			      const struct isms_kv *kv, size_t n, bool added)
{
	int r = risk_impact_written(s, e, key, kv, n, added);

	return r < 0 ? r : risk_written(s, e, key, kv, n, added);
}

static const struct isms_entity e_risk = {
	.name = "risk", .plural = "risks", .table = "risk", .auto_prefix = "R-",
	.fields = risk_fields, .nfields = N(risk_fields), .help = "the risk register",
	/* impacts held to the assets' protection requirements; acceptance by
	 * management, not by its owner, on a day that has come */
	.written = risk_hooks_written,
};
static const struct isms_entity e_measure = {
	.name = "measure", .plural = "measures", .table = "measure", .auto_prefix = "M-",
	.fields = measure_fields, .nfields = N(measure_fields), .help = "measures treating risks",
	/* none on an excluded control */
	.written = soa_measure_written,
};
static const struct isms_entity e_review = {
	.name = "review", .plural = "reviews", .table = "review", .auto_prefix = "V-",
	.fields = review_fields, .nfields = N(review_fields), .help = "reviews and when they are due",
	/* one closed with findings opens a nonconformity (ISO 27001 10.2) */
	.written = nc_review_written,
};
static const struct isms_entity e_document = {
	.name = "document", .plural = "documents", .table = "document", .fields = document_fields,
	.nfields = N(document_fields), .help = "policy documents and their approved versions",
	/* approved by active management, not by its proposer, version by version */
	.written = approval_document_written,
	.derive = approval_document_derive,
};
static const struct isms_entity e_ack = ENTITY("ack", "acks", "acknowledgement", "A-", 0,
					       ack_fields, "acknowledgements of documents");
static const struct isms_entity e_indicator = ENTITY("indicator", "indicators", "indicator", NULL,
						     0, indicator_fields,
						     "live risk indicators fed by evidence");
static const struct isms_entity e_test = ENTITY("test", "tests", "control_test", NULL, ISMS_EF_UPSERT,
					       test_fields,
					       "control tests over the evidence (ISO 27001 9.1)");
static const struct isms_entity e_assessment = ENTITY("assessment", "assessments", "assessment",
						      NULL, ISMS_EF_READONLY, assessment_fields,
						      "results of control tests, per period");
static const struct isms_entity e_change = ENTITY("change", "changes", "risk_change", NULL,
						  ISMS_EF_READONLY, change_fields,
						  "changes to risks made by indicators");
static const struct isms_entity e_evidence = ENTITY("evidence", "evidence", "evidence", NULL,
						    ISMS_EF_READONLY, evidence_fields,
						    "append-only, hash-chained evidence");

const struct isms_entity *const isms_entities[] = {
	/* appointments right after the people they name (import order) */
	&e_person, &isms_entity_appointment, &e_scope, &e_asset, &e_threat, &e_control, &e_risk,
	/* tests and audits before nonconformities: these name them (import order) */
	&e_test, &isms_entity_audit, &isms_entity_nc, &isms_entity_mreview, &e_measure, &e_review,
	&e_document, &e_ack, &e_indicator,
	/* after people, controls, measures, tests and nonconformities, which these name */
	&isms_entity_issue, &isms_entity_party, &isms_entity_requirement, &isms_entity_objective,
	&isms_entity_training, &isms_entity_incident,
	/* after assets, risks, people and measures, which these name */
	&isms_entity_override, &isms_entity_tailoring, &isms_entity_parameter,
	&isms_entity_implementation,
	/* after assets and people, which these name */
	&isms_entity_node,
	&e_assessment, &e_change, &e_evidence, NULL,
};

const struct isms_entity *isms_schema_entity(const struct isms_schema *schema, const char *name)
{
	for (size_t i = 0; schema->entities[i]; i++) {
		const struct isms_entity *e = schema->entities[i];

		if (strcmp(e->name, name) == 0 || strcmp(e->plural, name) == 0)
			return e;
	}
	if (schema == &isms_schema_main &&
	    (strcmp(name, "acknowledgement") == 0 || strcmp(name, "acknowledgements") == 0))
		return &e_ack;
	if (schema == &isms_schema_main && strcmp(name, "nc") == 0)
		return &isms_entity_nc;
	/* "management-review" too: the command's name, so its list and show reach the type */
	if (schema == &isms_schema_main &&
	    (strcmp(name, "mr") == 0 || strcmp(name, "management-review") == 0 ||
	     strcmp(name, "management-reviews") == 0))
		return &isms_entity_mreview;
	return NULL;
}

const struct isms_entity *isms_entity_lookup(const char *name)
{
	return isms_schema_entity(&isms_schema_main, name);
}

extern const char *const *const isms_migrations[];

const struct isms_schema isms_schema_main = {
	.name = "isms",
	.application_id = ISMS_APPLICATION_ID,
	.version = ISMS_SCHEMA_VERSION,
	.migrations = isms_migrations,
	.entities = isms_entities,
	.tool = "ismsctl",
};

int isms_entity_field_index(const struct isms_entity *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct isms_field *isms_entity_field(const struct isms_entity *e, const char *name)
{
	int i = isms_entity_field_index(e, name);

	return i < 0 ? NULL : &e->fields[i];
}

const char *isms_field_choices_str(const struct isms_field *f)
{
	static char buf[256];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; f->choices && f->choices[i]; i++) {
		int n = snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "", f->choices[i]);

		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* "type: 'hots' is not one of: host, service...; did you mean 'host'?" */
static void enum_error(const struct isms_field *f, const char *in, size_t len, char *err,
		       size_t errlen)
{
	struct isms_suggest sg;
	char word[65];
	const char *best;

	snprintf(word, sizeof(word), "%.*s", (int)(len > 64 ? 64 : len), in);
	isms_suggest_init(&sg, word);
	isms_suggest_add_all(&sg, f->choices);
	best = isms_suggest_best(&sg);
	snprintf(err, errlen, "%s: '%s' is not one of: %s%s%s%s", f->name, word,
		 isms_field_choices_str(f), best ? "; did you mean '" : "", best ? best : "",
		 best ? "'?" : "");
}

static int parse_enum(const struct isms_field *f, const char *in, char **ret, char *err,
		      size_t errlen)
{
	for (size_t i = 0; f->choices[i]; i++) {
		/* Accept "very-high" for "very_high": people type both. */
		if (isms_streq_dash(in, f->choices[i])) {
			*ret = strdup(f->choices[i]);
			return *ret ? 0 : -ENOMEM;
		}
	}
	enum_error(f, in, strlen(in), err, errlen);
	return -EINVAL;
}

/* One choice of @f among @len bytes of @in, as parse_enum() compares; its index or -1. */
static int choice_index(const struct isms_field *f, const char *in, size_t len)
{
	for (size_t i = 0; f->choices[i]; i++) {
		const char *c = f->choices[i];
		size_t k;

		if (strlen(c) != len)
			continue;
		for (k = 0; k < len; k++) {
			char ch = (char)tolower((unsigned char)in[k]);

			if ((ch == '-' ? '_' : ch) != c[k])
				break;
		}
		if (k == len)
			return (int)i;
	}
	return -1;
}

/* A set of choices: stored in the order of ->choices, each once. */
static int parse_enum_list(const struct isms_field *f, const char *in, char **ret, char *err,
			   size_t errlen)
{
	bool seen[64] = {false};
	size_t nchoices = 0, len = 0;
	const char *p = in;
	char *out;

	while (f->choices[nchoices])
		nchoices++;
	if (nchoices > sizeof(seen) / sizeof(seen[0]))
		return -E2BIG;
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *a = p, *z = p + n;
		int i;

		/* "management, dpo" as people type it */
		while (a < z && *a == ' ')
			a++;
		while (z > a && z[-1] == ' ')
			z--;
		i = choice_index(f, a, (size_t)(z - a));
		if (i < 0) {
			enum_error(f, a, (size_t)(z - a), err, errlen);
			return -EINVAL;
		}
		if (seen[i]) {
			snprintf(err, errlen, "%s: '%s' is given twice", f->name, f->choices[i]);
			return -EINVAL;
		}
		seen[i] = true;
		len += strlen(f->choices[i]) + 1;
		if (!p[n])
			break;
		p += n + 1;
	}
	out = malloc(len);
	if (!out)
		return -ENOMEM;
	out[0] = '\0';
	for (size_t i = 0; i < nchoices; i++) {
		if (!seen[i])
			continue;
		if (out[0])
			strcat(out, ",");
		strcat(out, f->choices[i]);
	}
	*ret = out;
	return 0;
}

static int parse_money(const struct isms_field *f, const char *in, char **ret, char *err,
		       size_t errlen)
{
	int64_t cents;

	if (isms_parse_cents(in, &cents) < 0) {
		snprintf(err, errlen,
			 "%s: '%.64s' is not an amount (digits, optionally two decimals, e.g. 1200.50)",
			 f->name, in);
		return -EINVAL;
	}
	if (asprintf(ret, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100) < 0)
		return -ENOMEM;
	return 0;
}

/* "R-1, R-2" -> "R-1,R-2": no empty key, none twice, at most ISMS_REFS_MAX. */
static int parse_refs(const struct isms_field *f, const char *in, char **ret, char *err,
		      size_t errlen)
{
	size_t len = strlen(in), nkeys = 0, off = 0;
	char *out = malloc(len + 1);
	const char *p = in;

	if (!out)
		return -ENOMEM;
	out[0] = '\0';
	while (*p) {
		const char *end = strchr(p, ',');
		size_t klen;

		if (!end)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		klen = (size_t)(end - p);
		while (klen && isspace((unsigned char)p[klen - 1]))
			klen--;
		if (!klen) {
			snprintf(err, errlen, "%s: '%.64s' has an empty key (give keys separated by commas)",
				 f->name, in);
			goto bad;
		}
		if (++nkeys > ISMS_REFS_MAX) {
			snprintf(err, errlen, "%s: more than %d keys", f->name, ISMS_REFS_MAX);
			goto bad;
		}
		for (const char *q = out; *q;) {
			size_t qlen = strcspn(q, ",");

			if (qlen == klen && memcmp(q, p, klen) == 0) {
				snprintf(err, errlen, "%s: '%.*s' is given twice", f->name,
					 (int)(klen > 64 ? 64 : klen), p);
				goto bad;
			}
			q += qlen;
			if (*q)
				q++;
		}
		if (off)
			out[off++] = ',';
		memcpy(out + off, p, klen);
		off += klen;
		out[off] = '\0';
		p = *end ? end + 1 : end;
		/* "A," is an empty last key, not a set of one */
		if (*end && !*p) {
			snprintf(err, errlen, "%s: '%.64s' has an empty key (give keys separated by commas)",
				 f->name, in);
			goto bad;
		}
	}
	*ret = out;
	return 0;
bad:
	free(out);
	return -EINVAL;
}

int isms_field_parse(const struct isms_field *f, const char *in, char **ret, char *err,
		     size_t errlen)
{
	if (f->flags & ISMS_FF_COMPUTED) {
		snprintf(err, errlen, "%s: is computed and cannot be set", f->name);
		return -EINVAL;
	}
	if (strlen(in) > ((f->flags & ISMS_FF_LONG) ? ISMS_LONG_VALUE_MAX : ISMS_VALUE_MAX)) {
		snprintf(err, errlen, "%s: value longer than %d bytes", f->name,
			 (f->flags & ISMS_FF_LONG) ? ISMS_LONG_VALUE_MAX : ISMS_VALUE_MAX);
		return -EINVAL;
	}
	if (!isms_text_ok(in)) {
		snprintf(err, errlen, "%s: value contains control characters or invalid UTF-8",
			 f->name);
		return -EINVAL;
	}
	switch (f->type) {
	case ISMS_FT_ENUM:
		if (f->flags & ISMS_FF_LIST)
			return parse_enum_list(f, in, ret, err, errlen);
		return parse_enum(f, in, ret, err, errlen);
	case ISMS_FT_DATE:
		if (!isms_date_valid(in)) {
			snprintf(err, errlen, "%s: '%.64s' is not a date (YYYY-MM-DD)", f->name, in);
			return -EINVAL;
		}
		break;
	case ISMS_FT_INT: {
		int64_t v;

		if (isms_parse_int64(in, &v) < 0) {
			snprintf(err, errlen, "%s: '%.64s' is not a whole number", f->name, in);
			return -EINVAL;
		}
		if ((f->flags & ISMS_FF_POSITIVE) && (v < 1 || v > 1000000000)) {
			snprintf(err, errlen, "%s: '%.64s' must be a whole number from 1", f->name, in);
			return -EINVAL;
		}
		break;
	}
	case ISMS_FT_MONEY:
		return parse_money(f, in, ret, err, errlen);
	case ISMS_FT_BOOL: {
		int b = isms_parse_bool(in);

		if (b < 0) {
			snprintf(err, errlen, "%s: '%.64s' is not yes or no", f->name, in);
			return -EINVAL;
		}
		*ret = strdup(b ? "yes" : "no");
		return *ret ? 0 : -ENOMEM;
	}
	case ISMS_FT_TEXT:
		if ((f->flags & ISMS_FF_KEY) && (!in[0] || isspace((unsigned char)in[0]))) {
			snprintf(err, errlen, "%s: must not be empty or start with a space", f->name);
			return -EINVAL;
		}
		if (f->check && f->check(in, err, errlen) < 0)
			return -EINVAL;
		break;
	case ISMS_FT_DATETIME: {
		int64_t t;

		if (isms_parse_datetime(in, &t) < 0) {
			snprintf(err, errlen,
				 "%s: '%.64s' is not a time with a zone (YYYY-MM-DDTHH:MM[:SS]Z or +HH:MM)",
				 f->name, in);
			return -EINVAL;
		}
		*ret = malloc(32);
		if (!*ret)
			return -ENOMEM;
		isms_date_format((time_t)t, *ret, 32);
		return 0;
	}
	case ISMS_FT_PATH:
		if (!isms_path_ok(in)) {
			snprintf(err, errlen,
				 "%s: '%.64s' is not an absolute path without '..', spaces or control characters",
				 f->name, in);
			return -EINVAL;
		}
		break;
	case ISMS_FT_REFS:
		return parse_refs(f, in, ret, err, errlen);
	case ISMS_FT_REF:
	case ISMS_FT_SCALE:
		break;
	}
	*ret = strdup(in);
	return *ret ? 0 : -ENOMEM;
}
