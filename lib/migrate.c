/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Versioned schema migrations.  Migration N takes a store from user_version
 * N-1 to N inside one transaction; a store is never left half-migrated.
 * Never edit a released migration: add the next one.
 */
#include <errno.h>
#include <stdio.h>

#include "isms/evidence_schema.h"
#include "store_internal.h"

/* 1: the register, the catalogue tables and the evidence chain */
static const char *const m1[] = {
	"CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",

	"CREATE TABLE risk_axis ("
	"  axis TEXT NOT NULL CHECK (axis IN ('likelihood', 'impact')),"
	"  value INTEGER NOT NULL CHECK (value >= 1),"
	"  label TEXT NOT NULL,"
	"  PRIMARY KEY (axis, value)) STRICT;",
	"CREATE TABLE risk_level (rank INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;",
	"CREATE TABLE risk_cell ("
	"  likelihood INTEGER NOT NULL, impact INTEGER NOT NULL,"
	"  level INTEGER NOT NULL REFERENCES risk_level(rank),"
	"  PRIMARY KEY (likelihood, impact)) STRICT;",

	"CREATE TABLE person ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, full_name TEXT, email TEXT,"
	"  role TEXT NOT NULL, login TEXT, active_until TEXT) STRICT;",
	"CREATE INDEX person_login ON person(login);",

	"CREATE TABLE scope ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, statement TEXT NOT NULL,"
	"  boundaries TEXT, exclusions TEXT,"
	"  approved_by INTEGER REFERENCES person(pk), approved_at TEXT) STRICT;",

	"CREATE TABLE asset ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
	"  description TEXT, owner INTEGER REFERENCES person(pk),"
	"  scope INTEGER REFERENCES scope(pk),"
	"  confidentiality TEXT NOT NULL, integrity TEXT NOT NULL, availability TEXT NOT NULL,"
	"  locked_down INTEGER NOT NULL DEFAULT 0) STRICT;",

	"CREATE TABLE threat ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  source TEXT NOT NULL) STRICT;",

	"CREATE TABLE control ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  theme TEXT NOT NULL, applicable TEXT NOT NULL DEFAULT 'undecided',"
	"  justification TEXT, status TEXT NOT NULL DEFAULT 'not_started',"
	"  owner INTEGER REFERENCES person(pk)) STRICT;",

	"CREATE TABLE risk ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  asset INTEGER REFERENCES asset(pk), threat INTEGER REFERENCES threat(pk),"
	"  vulnerability TEXT,"
	"  likelihood INTEGER NOT NULL, impact INTEGER NOT NULL,"
	"  owner INTEGER REFERENCES person(pk), treatment TEXT NOT NULL,"
	"  residual_likelihood INTEGER, residual_impact INTEGER,"
	"  accepted_by INTEGER REFERENCES person(pk), accepted_at TEXT, accepted_until TEXT,"
	"  criteria TEXT) STRICT;",
	"CREATE INDEX risk_asset ON risk(asset);",

	"CREATE TABLE measure ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  risk INTEGER REFERENCES risk(pk), control INTEGER REFERENCES control(pk),"
	"  owner INTEGER REFERENCES person(pk), due TEXT, cost INTEGER,"
	"  status TEXT NOT NULL) STRICT;",

	"CREATE TABLE review ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
	"  subject TEXT NOT NULL, asset INTEGER REFERENCES asset(pk),"
	"  person INTEGER REFERENCES person(pk), risk INTEGER REFERENCES risk(pk),"
	"  measure INTEGER REFERENCES measure(pk), reviewer INTEGER REFERENCES person(pk),"
	"  due TEXT NOT NULL, done TEXT, result TEXT, notes TEXT) STRICT;",
	"CREATE INDEX review_access ON review(person, asset, done);",

	"CREATE TABLE document ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  version TEXT NOT NULL, approved_by INTEGER REFERENCES person(pk),"
	"  approved_at TEXT, next_review TEXT) STRICT;",

	"CREATE TABLE acknowledgement ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  person INTEGER NOT NULL REFERENCES person(pk),"
	"  document INTEGER NOT NULL REFERENCES document(pk),"
	"  version TEXT NOT NULL, at TEXT NOT NULL,"
	"  UNIQUE (person, document, version)) STRICT;",

	ISMS_EVIDENCE_DDL,
	"CREATE INDEX evidence_asset ON evidence(asset, ts);",
	"CREATE INDEX evidence_kind ON evidence(kind, ts);",

	/* The default risk matrix: BSI standard 200-3, 4x4. */
	"INSERT INTO risk_level VALUES (1, 'low'), (2, 'medium'), (3, 'high'), (4, 'very_high');",
	"INSERT INTO risk_axis VALUES ('likelihood', 1, 'rare'), ('likelihood', 2, 'medium'),"
	"  ('likelihood', 3, 'frequent'), ('likelihood', 4, 'very_frequent'),"
	"  ('impact', 1, 'negligible'), ('impact', 2, 'limited'),"
	"  ('impact', 3, 'considerable'), ('impact', 4, 'existential');",
	"INSERT INTO risk_cell VALUES"
	"  (1,1,1),(1,2,1),(1,3,2),(1,4,2),"
	"  (2,1,1),(2,2,1),(2,3,2),(2,4,3),"
	"  (3,1,1),(3,2,2),(3,3,3),(3,4,4),"
	"  (4,1,1),(4,2,3),(4,3,4),(4,4,4);",
	"INSERT INTO setting VALUES ('acceptance', '1');",
	NULL,
};

/* 2: collectors' counters, live risk indicators and what they did to risks */
static const char *const m2[] = {
	ISMS_INGEST_COUNTER_DDL,
	"CREATE TABLE indicator ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  kind TEXT NOT NULL, asset INTEGER REFERENCES asset(pk),"
	"  window_minutes INTEGER NOT NULL, threshold INTEGER NOT NULL,"
	"  risk INTEGER REFERENCES risk(pk), raise_by INTEGER NOT NULL DEFAULT 1,"
	"  control TEXT) STRICT;",
	"CREATE TABLE indicator_state ("
	"  indicator INTEGER NOT NULL REFERENCES indicator(pk) ON DELETE CASCADE,"
	"  asset TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,"
	"  PRIMARY KEY (indicator, asset, bucket)) STRICT;",
	"CREATE TABLE risk_change ("
	"  pk INTEGER PRIMARY KEY, risk INTEGER NOT NULL REFERENCES risk(pk) ON DELETE CASCADE,"
	"  at TEXT NOT NULL, indicator TEXT, from_likelihood INTEGER NOT NULL,"
	"  to_likelihood INTEGER NOT NULL, evidence INTEGER, reason TEXT NOT NULL) STRICT;",
	"CREATE INDEX risk_change_risk ON risk_change(risk, at);",
	"INSERT INTO setting VALUES ('indicator_watermark', '0');",
	NULL,
};

/* 3: one person per login, so that a login decision can never pick between two */
static const char *const m3[] = {
	"CREATE UNIQUE INDEX person_login_unique ON person(login) WHERE login IS NOT NULL;",
	NULL,
};

/*
 * 4: evidence keeps only the indexes that appends need (the pk and the
 * unique event key): two more made every row of a collector cost a third
 * more, for reports that scan anyway.
 */
static const char *const m4[] = {
	"DROP INDEX IF EXISTS evidence_asset;",
	"DROP INDEX IF EXISTS evidence_kind;",
	NULL,
};

/* 5: the evidence lifecycle: archive boundary, delete of archived rows only, retention */
static const char *const m5[] = {
	ISMS_EVIDENCE_LIFECYCLE_DDL,
	NULL,
};

/* 6: pseudonymisable evidence rows (row format 2) */
static const char *const m6[] = {
	ISMS_EVIDENCE_PSEUDONYM_DDL,
	NULL,
};

/* 7: evidence by time, kind, control, asset, node and subject, for lists and reports */
static const char *const m7[] = {
	ISMS_EVIDENCE_INDEX_DDL,
	NULL,
};

/*
 * 8: evidence by kind, control, asset, node and subject through block tags
 * instead of one index each (five index inserts per appended row); the
 * time index stays.
 */
static const char *const m8[] = {
	ISMS_EVIDENCE_TAG_DDL,
	NULL,
};

/* 9: row format 3: details batched and compressed, one personal digest, no prev */
static const char *const m9[] = {
	ISMS_EVIDENCE_FORMAT3_DDL,
	NULL,
};

/*
 * 10: control tests and their results per period (ISO 27001 9.1).  Results
 * name their test rather than refer to it: a test removed keeps its history.
 */
static const char *const m10[] = {
	"CREATE TABLE control_test ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  control INTEGER NOT NULL REFERENCES control(pk), version INTEGER NOT NULL DEFAULT 1,"
	"  scope TEXT NOT NULL DEFAULT 'all', target TEXT,"
	"  frequency TEXT NOT NULL DEFAULT 'monthly', rule TEXT NOT NULL,"
	"  expect TEXT NOT NULL DEFAULT 'pass', builtin INTEGER NOT NULL DEFAULT 0,"
	"  description TEXT) STRICT;",
	"CREATE TABLE assessment ("
	"  pk INTEGER PRIMARY KEY, test TEXT NOT NULL, version INTEGER NOT NULL,"
	"  control TEXT NOT NULL, period TEXT NOT NULL, since TEXT NOT NULL, until TEXT NOT NULL,"
	"  assessed_at TEXT NOT NULL, result TEXT NOT NULL, expected TEXT NOT NULL,"
	"  rows INTEGER NOT NULL, matched INTEGER NOT NULL, violations INTEGER NOT NULL,"
	"  covered INTEGER NOT NULL, members INTEGER NOT NULL, hosts TEXT,"
	"  first_evidence INTEGER, last_evidence INTEGER, evidence INTEGER,"
	"  reason TEXT) STRICT;",
	"CREATE INDEX assessment_test ON assessment(test, pk);",
	"CREATE INDEX assessment_control ON assessment(control, pk);",
	"CREATE INDEX assessment_period ON assessment(period, test);",
	NULL,
};

/*
 * 11: Check and Act (ISO 27001 9.2, 9.3, 10.2): nonconformities and their
 * corrective actions.
 */
static const char *const m11[] = {
	/* part 3: nonconformities */
	"CREATE TABLE nonconformity ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  source TEXT NOT NULL DEFAULT 'manual', origin TEXT,"
	"  severity TEXT NOT NULL DEFAULT 'minor', description TEXT, controls TEXT, risks TEXT,"
	"  correction TEXT, root_cause TEXT, corrective_action TEXT,"
	"  responsible INTEGER REFERENCES person(pk), due TEXT, opened TEXT NOT NULL,"
	"  closed TEXT, status TEXT NOT NULL DEFAULT 'open', effectiveness_test TEXT,"
	"  effectiveness TEXT NOT NULL DEFAULT 'pending') STRICT;",
	"CREATE INDEX nonconformity_origin ON nonconformity(source, origin);",
	"ALTER TABLE measure ADD COLUMN nonconformity INTEGER REFERENCES nonconformity(pk);",
	NULL,
};

/*
 * 12: Check and Act, the rest: the internal audit programme (9.2), the
 * management review with its decisions (9.3), and what each period keeps
 * of the risks and of the board report, so that trends come from history.
 */
static const char *const m12[] = {
	/* part 4: the audit programme; its findings are nonconformities */
	"CREATE TABLE audit ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  programme TEXT, scope TEXT NOT NULL, criteria TEXT, controls TEXT, assets TEXT,"
	"  auditor INTEGER REFERENCES person(pk), auditee INTEGER REFERENCES person(pk),"
	"  planned TEXT, held TEXT, status TEXT NOT NULL DEFAULT 'planned', result TEXT,"
	"  summary TEXT) STRICT;",
	"ALTER TABLE nonconformity ADD COLUMN audit INTEGER REFERENCES audit(pk);",
	/* part 5: management reviews, their assembled inputs and their decisions */
	"CREATE TABLE management_review ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, period TEXT NOT NULL,"
	"  held TEXT, chair INTEGER REFERENCES person(pk), attendees TEXT,"
	"  inputs TEXT, inputs_sha256 TEXT, minutes TEXT,"
	"  status TEXT NOT NULL DEFAULT 'draft',"
	"  approved_by INTEGER REFERENCES person(pk), approved_at TEXT) STRICT;",
	"CREATE TABLE management_review_decision ("
	"  pk INTEGER PRIMARY KEY,"
	"  review INTEGER NOT NULL REFERENCES management_review(pk) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,"
	"  owner INTEGER REFERENCES person(pk), due TEXT, target TEXT,"
	"  UNIQUE (review, seq)) STRICT;",
	"ALTER TABLE measure ADD COLUMN management_review INTEGER REFERENCES management_review(pk);",
	/* part 7: the periods remember */
	"CREATE TABLE period_risk ("
	"  period TEXT NOT NULL, risk TEXT NOT NULL, title TEXT NOT NULL,"
	"  likelihood INTEGER NOT NULL, impact INTEGER NOT NULL, level TEXT NOT NULL,"
	"  residual_likelihood INTEGER, residual_impact INTEGER, residual_level TEXT,"
	"  treatment TEXT NOT NULL, recorded_at TEXT NOT NULL,"
	"  PRIMARY KEY (period, risk)) STRICT;",
	"CREATE TABLE period_report ("
	"  period TEXT PRIMARY KEY, since TEXT NOT NULL, until TEXT NOT NULL,"
	"  made_at TEXT NOT NULL, figures TEXT NOT NULL, sha256 TEXT NOT NULL) STRICT;",
	NULL,
};

/*
 * 13: an accountable register (part one): SoA versions approved by
 * management, and the registers an audit asks for: context issues (ISO
 * 27001 4.1), interested parties and their requirements (4.2), objectives
 * (6.2), competence and training (7.2), security incidents (5.24-5.28).
 */
static const char *const m13[] = {
	"CREATE TABLE soa_version ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT,"
	"  status TEXT NOT NULL DEFAULT 'draft',"
	"  proposed_by INTEGER REFERENCES person(pk), proposed_at TEXT,"
	"  approved_by INTEGER REFERENCES person(pk), approved_at TEXT,"
	"  snapshot TEXT, sha256 TEXT, notes TEXT) STRICT;",
	"CREATE TABLE context_issue ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  kind TEXT NOT NULL, description TEXT, effect TEXT,"
	"  owner INTEGER REFERENCES person(pk), identified TEXT, next_review TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open') STRICT;",
	"CREATE TABLE interested_party ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  kind TEXT NOT NULL, contact TEXT, description TEXT,"
	"  owner INTEGER REFERENCES person(pk)) STRICT;",
	"CREATE TABLE requirement ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  party INTEGER NOT NULL REFERENCES interested_party(pk), title TEXT NOT NULL,"
	"  source TEXT, controls TEXT, measures TEXT, status TEXT NOT NULL DEFAULT 'open',"
	"  next_review TEXT) STRICT;",
	"CREATE TABLE objective ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  description TEXT, success TEXT NOT NULL, target TEXT, test TEXT,"
	"  owner INTEGER REFERENCES person(pk), due TEXT,"
	"  status TEXT NOT NULL DEFAULT 'planned', achieved TEXT) STRICT;",
	"CREATE TABLE training ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  person INTEGER NOT NULL REFERENCES person(pk), topic TEXT NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'training', role TEXT, completed TEXT, valid_until TEXT,"
	"  proof TEXT) STRICT;",
	"CREATE TABLE incident ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  category TEXT, severity TEXT NOT NULL DEFAULT 'low', detected_at TEXT NOT NULL,"
	"  reported_at TEXT, contained_at TEXT, resolved_at TEXT, closed_at TEXT,"
	"  status TEXT NOT NULL DEFAULT 'reported', handler INTEGER REFERENCES person(pk),"
	"  description TEXT, evidence TEXT, breach TEXT,"
	"  nonconformity INTEGER REFERENCES nonconformity(pk), lessons TEXT) STRICT;",
	"CREATE TABLE incident_event ("
	"  pk INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL REFERENCES incident(pk) ON DELETE CASCADE,"
	"  at TEXT NOT NULL, what TEXT NOT NULL, by INTEGER REFERENCES person(pk),"
	"  evidence INTEGER) STRICT;",
	"CREATE INDEX incident_event_incident ON incident_event(incident, at);",
	NULL,
};

/*
 * 14: risk acceptance with a lifecycle (ISO 27001 6.1.3 f): its conditions,
 * and its revocation; accepted, expired and revoked are read from these.
 */
static const char *const m14[] = {
	"ALTER TABLE risk ADD COLUMN acceptance_conditions TEXT;",
	"ALTER TABLE risk ADD COLUMN revoked_by INTEGER REFERENCES person(pk);",
	"ALTER TABLE risk ADD COLUMN revoked_at TEXT;",
	NULL,
};

/*
 * 15: an accountable register (part two).  Roles that decide: the
 * appointments of the security officer and the DPO (by whom, since when,
 * deputies), who proposed a scope or a document and which version of a
 * document was approved, the risk owner's approval of a treatment plan.
 * A risk model an auditor recognises: the impact on each of confidentiality,
 * integrity and availability with the justification of a rating below the
 * asset's protection requirement, and what the matrix's values mean.
 * person.role keeps its column and holds a comma-separated set from here on.
 */
static const char *const m15[] = {
	"CREATE TABLE appointment ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  person INTEGER NOT NULL REFERENCES person(pk), role TEXT NOT NULL,"
	"  appointed_by INTEGER REFERENCES person(pk), since TEXT NOT NULL, until TEXT,"
	"  deputy INTEGER NOT NULL DEFAULT 0, document TEXT, notes TEXT) STRICT;",
	"CREATE INDEX appointment_person ON appointment(person);",
	"ALTER TABLE scope ADD COLUMN proposed_by INTEGER REFERENCES person(pk);",
	"ALTER TABLE document ADD COLUMN proposed_by INTEGER REFERENCES person(pk);",
	"ALTER TABLE document ADD COLUMN approved_version TEXT;",
	"UPDATE document SET approved_version = version WHERE approved_by IS NOT NULL;",
	"ALTER TABLE risk ADD COLUMN treatment_approved_by INTEGER REFERENCES person(pk);",
	"ALTER TABLE risk ADD COLUMN treatment_approved_at TEXT;",
	"ALTER TABLE risk ADD COLUMN impact_confidentiality INTEGER;",
	"ALTER TABLE risk ADD COLUMN impact_integrity INTEGER;",
	"ALTER TABLE risk ADD COLUMN impact_availability INTEGER;",
	"ALTER TABLE risk ADD COLUMN impact_justification TEXT;",
	"ALTER TABLE risk_axis ADD COLUMN definition TEXT;",
	"ALTER TABLE risk_level ADD COLUMN definition TEXT;",
	NULL,
};

/*
 * 16: a risk on several assets, a measure treating several risks and
 * implementing several controls, through link tables.  A link goes with
 * the record that holds it (the risk, the measure); the record it names
 * stays protected as before: an asset a risk is on cannot be removed.  The
 * single columns are copied, then emptied (SQLite cannot drop a column
 * that has a foreign key) and are never read again.  The old index
 * risk_asset has the name of the new table.
 */
static const char *const m16[] = {
	"DROP INDEX IF EXISTS risk_asset;",
	"CREATE TABLE risk_asset ("
	"  risk INTEGER NOT NULL REFERENCES risk(pk) ON DELETE CASCADE,"
	"  asset INTEGER NOT NULL REFERENCES asset(pk),"
	"  PRIMARY KEY (risk, asset)) STRICT;",
	"CREATE INDEX risk_asset_asset ON risk_asset(asset);",
	"CREATE TABLE measure_risk ("
	"  measure INTEGER NOT NULL REFERENCES measure(pk) ON DELETE CASCADE,"
	"  risk INTEGER NOT NULL REFERENCES risk(pk),"
	"  PRIMARY KEY (measure, risk)) STRICT;",
	"CREATE INDEX measure_risk_risk ON measure_risk(risk);",
	"CREATE TABLE measure_control ("
	"  measure INTEGER NOT NULL REFERENCES measure(pk) ON DELETE CASCADE,"
	"  control INTEGER NOT NULL REFERENCES control(pk),"
	"  PRIMARY KEY (measure, control)) STRICT;",
	"CREATE INDEX measure_control_control ON measure_control(control);",
	"INSERT INTO risk_asset (risk, asset) SELECT pk, asset FROM risk WHERE asset IS NOT NULL;",
	"INSERT INTO measure_risk (measure, risk) SELECT pk, risk FROM measure WHERE risk IS NOT NULL;",
	"INSERT INTO measure_control (measure, control)"
	"  SELECT pk, control FROM measure WHERE control IS NOT NULL;",
	"UPDATE risk SET asset = NULL WHERE asset IS NOT NULL;",
	"UPDATE measure SET risk = NULL, control = NULL WHERE risk IS NOT NULL OR control IS NOT NULL;",
	NULL,
};

/*
 * 17: OSCAL catalogues, profiles and mappings imported by name (the BSI's
 * Grundschutz++).  A catalogue keeps the name of the file it came from and
 * a profile's import the name of the file it asks for: that is how a
 * profile finds the catalogues it selects from.  They stand beside the
 * Annex A register, not in it: a catalogue's controls are reference text,
 * not decisions.  A row goes with its catalogue (ON DELETE CASCADE), so a
 * replacement is a delete and an insert in one transaction; the parent and
 * group columns are indexed for that delete's foreign key checks as much as
 * for the lookups of nested controls.
 */
static const char *const m17[] = {
	"CREATE TABLE catalogue ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('catalog', 'profile', 'mapping')),"
	"  uuid TEXT NOT NULL, title TEXT NOT NULL, version TEXT, oscal_version TEXT,"
	"  file TEXT, sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT) STRICT;",
	"CREATE INDEX catalogue_uuid ON catalogue(uuid);",
	"CREATE INDEX catalogue_file ON catalogue(file);",
	"CREATE TABLE catalogue_group ("
	"  pk INTEGER PRIMARY KEY,"
	"  catalogue INTEGER NOT NULL REFERENCES catalogue(pk) ON DELETE CASCADE,"
	"  id TEXT, title TEXT NOT NULL, parent INTEGER REFERENCES catalogue_group(pk)) STRICT;",
	"CREATE INDEX catalogue_group_catalogue ON catalogue_group(catalogue);",
	"CREATE INDEX catalogue_group_parent ON catalogue_group(parent);",
	"CREATE TABLE catalogue_control ("
	"  pk INTEGER PRIMARY KEY,"
	"  catalogue INTEGER NOT NULL REFERENCES catalogue(pk) ON DELETE CASCADE,"
	"  id TEXT NOT NULL, title TEXT NOT NULL, class TEXT,"
	"  grp INTEGER REFERENCES catalogue_group(pk),"
	"  parent INTEGER REFERENCES catalogue_control(pk),"
	"  statement TEXT, guidance TEXT, sec_level TEXT, effort_level TEXT, modal_verb TEXT,"
	"  target_object_categories TEXT, props TEXT NOT NULL, params TEXT NOT NULL,"
	"  UNIQUE (catalogue, id)) STRICT;",
	"CREATE INDEX catalogue_control_parent ON catalogue_control(parent);",
	"CREATE INDEX catalogue_control_grp ON catalogue_control(grp);",
	"CREATE TABLE catalogue_import ("
	"  pk INTEGER PRIMARY KEY,"
	"  catalogue INTEGER NOT NULL REFERENCES catalogue(pk) ON DELETE CASCADE,"
	"  href TEXT NOT NULL, file TEXT NOT NULL, include_all INTEGER NOT NULL,"
	"  include TEXT NOT NULL, exclude TEXT NOT NULL) STRICT;",
	"CREATE INDEX catalogue_import_catalogue ON catalogue_import(catalogue);",
	"CREATE TABLE catalogue_mapping ("
	"  pk INTEGER PRIMARY KEY,"
	"  catalogue INTEGER NOT NULL REFERENCES catalogue(pk) ON DELETE CASCADE,"
	"  source_catalogue_href TEXT, source_id TEXT NOT NULL,"
	"  target_catalogue_href TEXT, target_id TEXT NOT NULL,"
	"  relationship TEXT NOT NULL) STRICT;",
	"CREATE INDEX catalogue_mapping_catalogue ON catalogue_mapping(catalogue);",
	"CREATE INDEX catalogue_mapping_source ON catalogue_mapping(source_id);",
	"CREATE INDEX catalogue_mapping_target ON catalogue_mapping(target_id);",
	NULL,
};

/*
 * 18: Grundschutz++ modelling (BSI 200-2).  The BSI's target object types,
 * kept as the CSV init loaded (small, and parsed by the one reader there
 * is, lib/target_object.c); each asset's type among them; what an asset
 * depends on (a process on its application, an application on its host, a
 * host on its room), along which protection requirements are inherited;
 * the overrides of the inherited value that the cumulative and the
 * distribution effect justify.  The requirement package is computed from
 * the imported catalogues; what is stored is what a person decided about
 * it: tailoring (a requirement added, or excluded with a justification and
 * a risk analysis), parameters filled in, and the requirement check (per
 * asset, or for the information domain when asset is empty).  A control
 * test may name the Grundschutz++ requirements it evidences.  Keys that may
 * be empty are unique through coalesce(): SQLite's NULLs are distinct.
 */
static const char *const m18[] = {
	"CREATE TABLE target_object_source ("
	"  pk INTEGER PRIMARY KEY CHECK (pk = 1), file TEXT, sha256 TEXT NOT NULL,"
	"  csv TEXT NOT NULL, loaded_at TEXT NOT NULL) STRICT;",
	"ALTER TABLE asset ADD COLUMN target_object TEXT;",
	"CREATE TABLE asset_dependency ("
	"  asset INTEGER NOT NULL REFERENCES asset(pk) ON DELETE CASCADE,"
	"  depends_on INTEGER NOT NULL REFERENCES asset(pk),"
	"  PRIMARY KEY (asset, depends_on)) STRICT;",
	"CREATE INDEX asset_dependency_on ON asset_dependency(depends_on);",
	"CREATE TABLE protection_override ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  asset INTEGER NOT NULL REFERENCES asset(pk), objective TEXT NOT NULL,"
	"  level TEXT NOT NULL, effect TEXT NOT NULL, justification TEXT NOT NULL,"
	"  decided_by INTEGER REFERENCES person(pk), decided_at TEXT,"
	"  UNIQUE (asset, objective)) STRICT;",
	"CREATE TABLE tailoring ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  asset INTEGER REFERENCES asset(pk), requirement TEXT NOT NULL,"
	"  action TEXT NOT NULL, justification TEXT NOT NULL,"
	"  risk INTEGER REFERENCES risk(pk), decided_by INTEGER REFERENCES person(pk),"
	"  decided_at TEXT) STRICT;",
	"CREATE UNIQUE INDEX tailoring_key ON tailoring(coalesce(asset, 0), requirement);",
	"CREATE TABLE parameter ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  asset INTEGER REFERENCES asset(pk), param TEXT NOT NULL, value TEXT NOT NULL) STRICT;",
	"CREATE UNIQUE INDEX parameter_key ON parameter(coalesce(asset, 0), param);",
	"CREATE TABLE implementation ("
	"  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  asset INTEGER REFERENCES asset(pk), requirement TEXT NOT NULL,"
	"  status TEXT NOT NULL, owner INTEGER REFERENCES person(pk),"
	"  measure INTEGER REFERENCES measure(pk), checked_at TEXT NOT NULL, notes TEXT) STRICT;",
	"CREATE UNIQUE INDEX implementation_key ON implementation(coalesce(asset, 0), requirement);",
	"CREATE INDEX implementation_requirement ON implementation(requirement);",
	"ALTER TABLE control_test ADD COLUMN requirements TEXT;",
	NULL,
};

static const char *const m19[] = {
	/* the fleet's node registry (entity_fleet.c, isms/node.h) */
	"CREATE TABLE node ("
	"  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, addresses TEXT,"
	"  asset INTEGER REFERENCES asset(pk), principal TEXT UNIQUE,"
	"  local INTEGER NOT NULL DEFAULT 0 CHECK (local IN (0, 1)),"
	"  enrolled_by INTEGER REFERENCES person(pk), enrolled_at TEXT, notes TEXT) STRICT;",
	NULL,
};

const char *const *const isms_migrations[] = {
	m1,
	m2,
	m3,
	m4,
	m5,
	m6,
	m7,
	m8,
	m9,
	m10,
	m11,
	m12,
	m13,
	m14,
	m15,
	m16,
	m17,
	m18,
	m19,
};

_Static_assert(sizeof(isms_migrations) / sizeof(isms_migrations[0]) == ISMS_SCHEMA_VERSION,
	       "one migration per schema version");

int store_migrate(struct isms_store *s)
{
	char sql[128];
	int r;

	r = isms_store_begin(s);
	if (r < 0)
		return r;
	for (int v = s->schema_version; v < s->schema->version; v++) {
		for (const char *const *sql_p = s->schema->migrations[v]; *sql_p && r >= 0; sql_p++)
			r = store_exec(s, *sql_p);
		if (r < 0) {
			store_seterr(s, r, "migration to schema version %d failed: %s", v + 1,
				     isms_store_errmsg(s));
			goto fail;
		}
		/* PRAGMA takes no parameters; v is our own integer. */
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		r = store_exec(s, sql);
		if (r < 0)
			goto fail;
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", (int)s->schema->application_id);
	r = store_exec(s, sql);
	if (r < 0)
		goto fail;
	r = isms_store_commit(s);
	if (r < 0)
		return r;
	s->schema_version = s->schema->version;
	return 0;
fail:
	isms_store_rollback(s);
	return r;
}
