/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DPMS store: its record types and migrations. */
#include <stddef.h>

#include "dpms.h"
#include "dpms_hooks.h"
#include "isms/evidence_schema.h"
#include "isms/entity.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"
#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const char *const roles[] = {"controller", "processor", NULL};
static const char *const lawful[] = {"consent", "contract", "legal_obligation",
				     "vital_interests", "public_task", "legitimate_interests",
				     NULL};
static const char *const art9[] = {"none", "explicit_consent", "employment", "vital_interests",
				   "foundation_members", "made_public", "legal_claims",
				   "substantial_public_interest", "health_care", "public_health",
				   "archiving_research", NULL};
static const char *const safeguards[] = {"none", "adequacy_art45", "safeguards_art46",
					 "binding_rules_art47", "derogation_art49", NULL};
static const char *const activity_status[] = {"draft", "active", "retired", NULL};
static const char *const location_kinds[] = {"directory", "file", "database", NULL};
static const char *const decisions[] = {"undecided", "required", "not_required", NULL};
static const char *const levels[] = {"low", "medium", "high", "very_high", NULL};
static const char *const dpia_status[] = {"draft", "consultation", "approved", "rejected", NULL};
static const char *const request_types[] = {"access", "rectification", "erasure", "restriction",
					    "portability", "objection", NULL};
static const char *const request_status[] = {"open", "done", "refused", NULL};
static const char *const breach_risk[] = {"unlikely", "risk", "high_risk", NULL};
static const char *const breach_status[] = {"open", "closed", NULL};
static const char *const finding_why[] = {"unauthorised", "outside_hours", "attempt", NULL};
static const char *const finding_status[] = {"open", "justified", "unjustified", NULL};
static const char *const dpo_kinds[] = {"internal", "external", NULL};
static const char *const subproc[] = {"none", "specific", "general", NULL};
static const char *const ret_events[] = {"modified", "year_end", "event", NULL};
static const char *const hold_status[] = {"active", "lifted", NULL};

static const struct isms_field controller_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "the controller (legal name)"},
	{.name = "address", .help = "postal address"},
	{.name = "contact", .help = "contact details (Art. 30(1)(a))"},
	{.name = "representative", .help = "representative in the EU (Art. 27), if any"},
	{.name = "joint_controllers", .help = "joint controllers (Art. 26), if any"},
};

static const struct isms_field dpo_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED, .help = "the data protection officer"},
	{.name = "contact", .flags = ISMS_FF_REQUIRED, .help = "contact details (Art. 37(7))"},
	{.name = "kind", .type = ISMS_FT_ENUM, .choices = dpo_kinds, .dflt = "internal",
	 .help = "employee or service contract (Art. 37(6))"},
	{.name = "appointed_at", .type = ISMS_FT_DATE, .help = "since when"},
	{.name = "contact_published", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "contact details published (Art. 37(7))"},
	{.name = "authority_notified_at", .type = ISMS_FT_DATE,
	 .help = "contact details communicated to the supervisory authority (Art. 37(7))"},
	{.name = "reports_to", .help = "highest management level reported to (Art. 38(3))"},
};

static const struct isms_field activity_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. PA-1 (generated if absent)"},
	{.name = "name", .flags = ISMS_FF_REQUIRED, .help = "name of the processing activity"},
	{.name = "role", .type = ISMS_FT_ENUM, .choices = roles, .dflt = "controller",
	 .help = "controller (Art. 30(1)) or processor (Art. 30(2))"},
	{.name = "controller", .type = ISMS_FT_REF, .ref = "controller", .flags = ISMS_FF_HIDDEN,
	 .help = "the controller (30(1)(a)); for a processor: itself"},
	{.name = "processing_categories", .flags = ISMS_FF_HIDDEN,
	 .help = "processor: categories of processing (30(2)(b))"},
	{.name = "purposes", .flags = ISMS_FF_HIDDEN, .help = "purposes of the processing (30(1)(b))"},
	{.name = "lawful_basis", .type = ISMS_FT_ENUM, .choices = lawful,
	 .help = "Art. 6(1) a-f"},
	{.name = "art9_basis", .type = ISMS_FT_ENUM, .choices = art9, .dflt = "none",
	 .flags = ISMS_FF_HIDDEN, .help = "Art. 9(2) a-j, where special categories are processed"},
	{.name = "data_subjects", .flags = ISMS_FF_HIDDEN,
	 .help = "categories of data subjects (30(1)(c))"},
	{.name = "data_categories", .flags = ISMS_FF_HIDDEN,
	 .help = "categories of personal data (30(1)(c))"},
	{.name = "special_categories", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "Art. 9 special categories"},
	{.name = "criminal_data", .type = ISMS_FT_BOOL, .dflt = "no", .flags = ISMS_FF_HIDDEN,
	 .help = "Art. 10 criminal convictions and offences"},
	{.name = "recipients", .flags = ISMS_FF_HIDDEN, .help = "categories of recipients (30(1)(d))"},
	{.name = "third_country_recipients", .flags = ISMS_FF_HIDDEN,
	 .help = "recipients in third countries or international organisations (30(1)(d))"},
	{.name = "transfers", .flags = ISMS_FF_HIDDEN,
	 .help = "transfers to third countries: which (30(1)(e)); 'none' if none"},
	{.name = "transfer_safeguards", .type = ISMS_FT_ENUM, .choices = safeguards, .dflt = "none",
	 .flags = ISMS_FF_HIDDEN, .help = "Art. 45/46/47/49 basis of the transfers"},
	{.name = "erasure", .flags = ISMS_FF_HIDDEN,
	 .help = "time limits for erasure (30(1)(f))"},
	{.name = "retention_days", .type = ISMS_FT_INT, .flags = ISMS_FF_POSITIVE,
	 .help = "erasure limit in days, for the retention check"},
	{.name = "retention_event", .type = ISMS_FT_ENUM, .choices = ret_events,
	 .flags = ISMS_FF_HIDDEN,
	 .help = "the retention period runs from: modified (the file), year_end (the end of the"
		 " calendar year it was modified in), or event (retention_event_date)"},
	{.name = "retention_period", .flags = ISMS_FF_HIDDEN,
	 .help = "how long after the event, e.g. '10 years' (HGB 257, AO 147), '6 months'"},
	{.name = "retention_event_date", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "the date of the event (e.g. the end of the contract)"},
	{.name = "toms", .flags = ISMS_FF_HIDDEN,
	 .help = "technical and organisational measures, Art. 32 (30(1)(g))"},
	{.name = "isms_measures", .flags = ISMS_FF_HIDDEN,
	 .help = "ISMS measures implementing them (ids in the ISMS store, e.g. M-3,M-7)"},
	{.name = "isms_controls", .flags = ISMS_FF_HIDDEN,
	 .help = "Annex A controls they rest on (e.g. 8.5,8.15)"},
	{.name = "authorised_users", .flags = ISMS_FF_HIDDEN,
	 .help = "users who may access the data (comma-separated)"},
	{.name = "authorised_groups", .flags = ISMS_FF_HIDDEN,
	 .help = "groups whose members may access the data (comma-separated)"},
	{.name = "access_days", .flags = ISMS_FF_HIDDEN,
	 .help = "purpose-bound days of access (e.g. mon-fri)"},
	{.name = "access_hours", .flags = ISMS_FF_HIDDEN,
	 .help = "purpose-bound hours of access (e.g. 07:00-19:00)"},
	{.name = "access_tz", .flags = ISMS_FF_HIDDEN, .help = "time zone of days and hours"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = activity_status, .dflt = "active",
	 .help = "draft, active or retired"},
	{.name = "dpia_likely", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT sc.evaluation_scoring + sc.automated_decisions + sc.systematic_monitoring"
		" + sc.sensitive_data + sc.large_scale + sc.matching_datasets"
		" + sc.vulnerable_subjects + sc.innovative_technology + sc.prevents_rights >= 2"
		" FROM screening sc WHERE sc.activity = t.pk)",
	 .help = "the WP248 screening found two or more criteria"},
	{.name = "dpia", .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "(SELECT d.id || ' ' || d.status FROM dpia d WHERE d.activity = t.pk"
		" ORDER BY d.pk DESC LIMIT 1)",
	 .help = "the latest DPIA of the activity and its status"},
	{.name = "locations", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM location l WHERE l.activity = t.pk)",
	 .help = "registered data locations"},
};

/* 30(2)(a) asks for each controller's name and contact details, not one line of text. */
static const struct isms_field client_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. PC-1 (generated if absent)"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .flags = ISMS_FF_REQUIRED,
	 .help = "the processor activity done on its behalf"},
	{.name = "name", .flags = ISMS_FF_REQUIRED, .help = "the controller (legal name)"},
	{.name = "contact", .help = "its contact details (30(2)(a))"},
	{.name = "representative", .help = "its representative in the EU (Art. 27), if any"},
	{.name = "dpo", .help = "its data protection officer and contact, if any"},
};

/* Art. 28: whoever processes personal data on our behalf, and the contract that binds them. */
static const struct isms_field processor_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. P-1 (generated if absent)"},
	{.name = "name", .flags = ISMS_FF_REQUIRED, .help = "the processor (legal name)"},
	{.name = "contact", .help = "its contact details and DPO"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity",
	 .help = "the processing activity it processes for"},
	{.name = "contract_date", .type = ISMS_FT_DATE,
	 .help = "the Art. 28(3) contract, signed on"},
	{.name = "subject", .flags = ISMS_FF_HIDDEN,
	 .help = "subject-matter, nature and purpose of the processing (Art. 28(3))"},
	{.name = "duration", .help = "duration of the processing (Art. 28(3))"},
	{.name = "sub_processors", .type = ISMS_FT_ENUM, .choices = subproc, .dflt = "none",
	 .help = "sub-processors allowed: none, with prior specific or general written"
		 " authorisation (Art. 28(2))"},
	{.name = "review_date", .type = ISMS_FT_DATE, .help = "next review of the contract"},
	{.name = "contract_missing", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.contract_date IS NULL THEN 1 ELSE 0 END",
	 .help = "no Art. 28(3) contract recorded"},
	{.name = "review_overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.review_date < " TODAY " THEN 1 ELSE 0 END",
	 .help = "past its review date"},
};

/* A legal hold: files kept whatever their retention says (litigation, an authority's order). */
static const struct isms_field hold_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. H-1 (generated if absent)"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .flags = ISMS_FF_REQUIRED,
	 .help = "the activity whose files are held"},
	{.name = "path", .type = ISMS_FT_PATH,
	 .help = "the file or directory held (default: all of the activity's locations)"},
	{.name = "reason", .flags = ISMS_FF_REQUIRED, .help = "why (the proceedings, the order)"},
	{.name = "since", .type = ISMS_FT_DATE, .help = "since when"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = hold_status, .dflt = "active",
	 .help = "active or lifted"},
};

static const struct isms_field location_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. L-1 (generated if absent)"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .flags = ISMS_FF_REQUIRED,
	 .help = "the processing activity"},
	{.name = "path", .type = ISMS_FT_PATH, .flags = ISMS_FF_REQUIRED,
	 .help = "directory, file or database file holding the data"},
	{.name = "kind", .type = ISMS_FT_ENUM, .choices = location_kinds, .dflt = "directory",
	 .help = "what the path is"},
	{.name = "host", .help = "host it is on (default: this one)"},
	{.name = "description", .help = "what is kept there"},
};

#define CRIT(n, h)                                                                       \
	{.name = n, .type = ISMS_FT_BOOL, .dflt = "no", .help = h}

static const struct isms_field screening_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. S-1"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity",
	 .flags = ISMS_FF_REQUIRED | ISMS_FF_FIXED, .help = "the processing activity (one screening each)"},
	CRIT("evaluation_scoring", "1. evaluation or scoring, profiling, predicting"),
	CRIT("automated_decisions", "2. automated decisions with legal or similar effect"),
	CRIT("systematic_monitoring", "3. systematic monitoring"),
	CRIT("sensitive_data", "4. sensitive or highly personal data (Art. 9, 10)"),
	CRIT("large_scale", "5. data processed on a large scale"),
	CRIT("matching_datasets", "6. matching or combining datasets"),
	CRIT("vulnerable_subjects", "7. vulnerable data subjects (employees, children, patients)"),
	CRIT("innovative_technology", "8. innovative use of technology"),
	CRIT("prevents_rights", "9. prevents exercising a right or using a service"),
	{.name = "criteria_met", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "t.evaluation_scoring + t.automated_decisions + t.systematic_monitoring"
		" + t.sensitive_data + t.large_scale + t.matching_datasets + t.vulnerable_subjects"
		" + t.innovative_technology + t.prevents_rights",
	 .help = "how many of the nine criteria"},
	{.name = "dpia_likely", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.evaluation_scoring + t.automated_decisions + t.systematic_monitoring"
		" + t.sensitive_data + t.large_scale + t.matching_datasets + t.vulnerable_subjects"
		" + t.innovative_technology + t.prevents_rights >= 2 THEN 1 ELSE 0 END",
	 .help = "two or more: a DPIA is likely required"},
	{.name = "decision", .type = ISMS_FT_ENUM, .choices = decisions, .dflt = "undecided",
	 .help = "the controller's decision"},
	{.name = "reason", .help = "reasons, above all when deciding against the screening"},
	{.name = "decided_by", .help = "who decided"},
	{.name = "decided_at", .type = ISMS_FT_DATE, .help = "when"},
};

static const struct isms_field dpia_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. DPIA-1"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .flags = ISMS_FF_REQUIRED,
	 .help = "the processing activity"},
	{.name = "description", .flags = ISMS_FF_HIDDEN,
	 .help = "systematic description of the processing (Art. 35(7)(a))"},
	{.name = "necessity", .flags = ISMS_FF_HIDDEN,
	 .help = "necessity and proportionality (35(7)(b))"},
	{.name = "risks", .flags = ISMS_FF_HIDDEN,
	 .help = "risks to the rights and freedoms of data subjects (35(7)(c))"},
	{.name = "likelihood", .type = ISMS_FT_ENUM, .choices = levels, .help = "of the risks"},
	{.name = "severity", .type = ISMS_FT_ENUM, .choices = levels, .help = "of the risks"},
	{.name = "measures", .flags = ISMS_FF_HIDDEN, .help = "measures addressing them (35(7)(d))"},
	{.name = "dpo_advice", .flags = ISMS_FF_HIDDEN, .help = "the DPO's advice (Art. 35(2))"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = dpia_status, .dflt = "draft",
	 .help = "draft, consultation (Art. 36), approved, rejected"},
	{.name = "approved_by", .help = "who approved"},
	{.name = "approved_at", .type = ISMS_FT_DATE, .help = "when"},
	{.name = "next_review", .type = ISMS_FT_DATE, .help = "review date (Art. 35(11))"},
};

/*
 * Art. 12(3): one month from receipt, three when extended; the same day of
 * the month or the month's last day; a weekend day moves to the Monday.
 */
#define MONTHS(n, n1)                                                                          \
	"min(date(t.received, '+" n " months'), date(t.received, 'start of month', '+" n1 " months', '-1 day'))"
#define WEEKDAY_SHIFT(d)                                                                       \
	"date(" d ", CASE strftime('%w', " d ") WHEN '6' THEN '+2 days' WHEN '0' THEN '+1 day'"    \
	" ELSE '+0 days' END)"
#define DEADLINE                                                                               \
	"CASE WHEN t.extended = 1 THEN " WEEKDAY_SHIFT(MONTHS("3", "4")) " ELSE "               \
	WEEKDAY_SHIFT(MONTHS("1", "2")) " END"

static const struct isms_field request_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. DSR-1"},
	{.name = "type", .type = ISMS_FT_ENUM, .choices = request_types, .flags = ISMS_FF_REQUIRED,
	 .help = "access (Art. 15), rectification (16), erasure (17), restriction (18), portability (20), objection (21)"},
	{.name = "data_subject", .flags = ISMS_FF_REQUIRED,
	 .help = "who asked (a reference, not more personal data than needed)"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .help = "activity concerned"},
	{.name = "received", .type = ISMS_FT_DATE, .flags = ISMS_FF_REQUIRED, .help = "date of receipt"},
	{.name = "extended", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "extended by two months (Art. 12(3))"},
	{.name = "extension_reason", .flags = ISMS_FF_HIDDEN, .help = "why (complexity, number)"},
	{.name = "extension_notified", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "when the data subject was told, within the first month"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = request_status, .dflt = "open",
	 .help = "open, done or refused"},
	{.name = "closed", .type = ISMS_FT_DATE, .help = "date answered"},
	{.name = "notes", .flags = ISMS_FF_HIDDEN, .help = "what was done"},
	{.name = "deadline", .type = ISMS_FT_DATE, .flags = ISMS_FF_COMPUTED, .sql = DEADLINE,
	 .help = "one month from receipt, three when extended"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.status = 'open' AND " TODAY " > (" DEADLINE ") THEN 1 ELSE 0 END",
	 .help = "open past the deadline"},
	{.name = "late", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "CASE WHEN t.closed > (" DEADLINE ") THEN 1 ELSE 0 END",
	 .help = "answered after the deadline"},
	{.name = "extension_unfounded", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "CASE WHEN t.extended = 1 AND (t.extension_reason IS NULL"
		" OR t.extension_notified IS NULL"
		" OR t.extension_notified > " WEEKDAY_SHIFT(MONTHS("1", "2")) ") THEN 1 ELSE 0 END",
	 .help = "extended without a reason, or the data subject not told within the first month"},
};

#define BREACH_DEADLINE "strftime('%Y-%m-%dT%H:%M:%SZ', t.aware_at, '+72 hours')"
/*
 * Art. 33(2): a processor notifies the controller "without undue delay",
 * which has no hours.  dpms flags it after 24: the controller then keeps
 * two thirds of its own 72 hours.  An Art. 28 contract may agree less.
 */
#define CONTROLLER_DEADLINE "strftime('%Y-%m-%dT%H:%M:%SZ', t.aware_at, '+24 hours')"
#define PROCESSOR                                                                         \
	"COALESCE((SELECT a.role = 'processor' FROM activity a WHERE a.pk = t.activity), 0)"

static const struct isms_field breach_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. BR-1"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what happened"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .help = "activity concerned"},
	{.name = "occurred_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when it happened"},
	{.name = "aware_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_REQUIRED,
	 .help = "when the controller (or processor) became aware (starts the deadline)"},
	{.name = "decided_by", .flags = ISMS_FF_HIDDEN,
	 .help = "who decided that it is a breach (the DPO, by 'finding breach')"},
	{.name = "decided_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when that was decided"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "nature of the breach (Art. 33(3)(a))"},
	{.name = "data_categories", .flags = ISMS_FF_HIDDEN, .help = "categories of data concerned"},
	{.name = "subjects_approx", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "approximate number of data subjects"},
	{.name = "records_approx", .type = ISMS_FT_INT, .flags = ISMS_FF_HIDDEN,
	 .help = "approximate number of records"},
	{.name = "consequences", .flags = ISMS_FF_HIDDEN, .help = "likely consequences (33(3)(c))"},
	{.name = "measures", .flags = ISMS_FF_HIDDEN, .help = "measures taken or proposed (33(3)(d))"},
	{.name = "risk", .type = ISMS_FT_ENUM, .choices = breach_risk, .dflt = "risk",
	 .help = "unlikely to result in a risk, a risk, or a high risk (Art. 34)"},
	{.name = "notified_at", .type = ISMS_FT_DATETIME, .help = "supervisory authority notified"},
	{.name = "not_notified_reason", .flags = ISMS_FF_HIDDEN, .help = "why not notified"},
	{.name = "delay_reason", .flags = ISMS_FF_HIDDEN,
	 .help = "reasons for notifying after the deadline"},
	{.name = "controller_notified_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "processor activity: the controller notified (Art. 33(2))"},
	{.name = "subjects_informed", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "data subjects informed (Art. 34)"},
	{.name = "subjects_informed_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when"},
	{.name = "evidence", .flags = ISMS_FF_HIDDEN,
	 .help = "evidence rows that revealed it (ids, comma-separated)"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = breach_status, .dflt = "open",
	 .help = "open or closed"},
	{.name = "notify", .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN " PROCESSOR " THEN 'controller' ELSE 'authority' END",
	 .help = "whom to notify: the supervisory authority (Art. 33(1)), or, in a processor"
		 " activity, the controller (Art. 33(2))"},
	{.name = "notify_by", .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN " PROCESSOR " THEN " CONTROLLER_DEADLINE " ELSE " BREACH_DEADLINE " END",
	 .help = "72 hours after becoming aware (UTC); a processor's notice to the controller:"
		 " 24 hours"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN " PROCESSOR " THEN"
		" COALESCE(t.controller_notified_at IS NULL AND " NOW " > " CONTROLLER_DEADLINE ", 0)"
		" WHEN t.notified_at IS NULL AND t.not_notified_reason IS NULL"
		" AND t.risk <> 'unlikely' AND " NOW " > " BREACH_DEADLINE " THEN 1 ELSE 0 END",
	 .help = "not notified, no reason given, past the 72 hours; a processor's: the controller"
		 " not notified after 24 hours, whatever the risk"},
	{.name = "inform_subjects", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN NOT " PROCESSOR " AND t.risk = 'high_risk' AND t.subjects_informed = 0"
		" THEN 1 ELSE 0 END",
	 .help = "a high risk: the data subjects must be informed (Art. 34) and are not yet"},
	{.name = "late_unexplained", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "CASE WHEN " PROCESSOR " THEN COALESCE(t.controller_notified_at > " CONTROLLER_DEADLINE
		" AND t.delay_reason IS NULL, 0)"
		" WHEN t.notified_at > " BREACH_DEADLINE " AND t.delay_reason IS NULL"
		" THEN 1 ELSE 0 END",
	 .help = "notified after the deadline without reasons (Art. 33(1))"},
};

static const struct isms_field finding_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. F-1"},
	{.name = "activity", .type = ISMS_FT_REF, .ref = "activity", .flags = ISMS_FF_FIXED,
	 .help = "activity whose data was accessed"},
	{.name = "evidence", .type = ISMS_FT_INT, .flags = ISMS_FF_FIXED,
	 .help = "the access evidence row"},
	{.name = "user", .flags = ISMS_FF_FIXED, .help = "who accessed"},
	{.name = "path", .flags = ISMS_FF_FIXED, .help = "what"},
	{.name = "access", .flags = ISMS_FF_FIXED, .help = "read, write, attr"},
	{.name = "at", .flags = ISMS_FF_FIXED, .help = "when (UTC)"},
	{.name = "why", .type = ISMS_FT_ENUM, .choices = finding_why, .flags = ISMS_FF_FIXED,
	 .help = "unauthorised person, outside the purpose-bound hours, or a failed attempt"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = finding_status, .dflt = "open",
	 .help = "open, justified or unjustified"},
	{.name = "justification", .flags = ISMS_FF_HIDDEN, .help = "the DPO's assessment"},
	{.name = "reviewed_by", .flags = ISMS_FF_HIDDEN, .help = "who assessed it"},
	{.name = "reviewed_at", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN, .help = "when"},
	{.name = "breach", .type = ISMS_FT_REF, .ref = "breach", .help = "breach opened from it"},
};

static const struct isms_field deletion_fields[] = {
	{.name = "id", .type = ISMS_FT_INT, .flags = ISMS_FF_KEY | ISMS_FF_COMPUTED, .sql = "t.pk",
	 .help = "number"},
	{.name = "at", .help = "when deleted (UTC)"},
	{.name = "activity", .help = "activity whose erasure limit applied"},
	{.name = "path", .help = "file deleted"},
	{.name = "size", .type = ISMS_FT_INT, .help = "bytes"},
	{.name = "modified", .help = "its last modification (UTC)"},
	{.name = "by", .help = "who ran the check"},
};

static const struct isms_field evidence_fields[] = {
	{.name = "id", .type = ISMS_FT_INT, .flags = ISMS_FF_KEY | ISMS_FF_COMPUTED, .sql = "t.pk",
	 .help = "position in the chain"},
	{.name = "ts", .help = "when (UTC)"},
	{.name = "recorded", .flags = ISMS_FF_HIDDEN, .help = "when stored"},
	{.name = "source", .flags = ISMS_FF_HIDDEN, .help = "collector"},
	{.name = "kind", .help = "what"},
	{.name = "node", .flags = ISMS_FF_HIDDEN, .help = "host"},
	{.name = "event_key", .flags = ISMS_FF_HIDDEN, .help = "ingest id"},
	{.name = "control", .flags = ISMS_FF_HIDDEN, .help = "Annex A control"},
	{.name = "asset", .help = "activity"},
	{.name = "subject", .help = "user"},
	{.name = "outcome", .help = "result"},
	{.name = "path", .flags = ISMS_FF_COMPUTED,
	 .sql = "json_extract(evidence_details(t.pk, t.fmt, t.details), '$.paths[0]')",
	 .help = "file accessed"},
	{.name = "exe", .flags = ISMS_FF_COMPUTED,
	 .sql = "json_extract(evidence_details(t.pk, t.fmt, t.details), '$.exe')",
	 .help = "program"},
	{.name = "details", .flags = ISMS_FF_HIDDEN | ISMS_FF_COMPUTED | ISMS_FF_JSON,
	 .sql = "evidence_details(t.pk, t.fmt, t.details)", .help = "JSON details"},
	{.name = "hash", .flags = ISMS_FF_HIDDEN, .help = "chain hash"},
};

#define ENTITY(n, pl, tbl, pre, fl, f, h)                                                   \
	{.name = n, .plural = pl, .table = tbl, .auto_prefix = pre, .flags = fl, .fields = f, \
	 .nfields = N(f), .help = h}

static const struct isms_entity e_controller = ENTITY("controller", "controllers", "controller",
						      NULL, 0, controller_fields,
						      "the controller and its contacts");
static const struct isms_entity e_dpo = ENTITY("dpo", "dpos", "dpo", NULL, 0, dpo_fields,
					       "the data protection officer (Art. 37-39)");
static const struct isms_entity e_activity = {
	.name = "activity", .plural = "activities", .table = "activity", .auto_prefix = "PA-",
	.fields = activity_fields, .nfields = N(activity_fields),
	.help = "records of processing activities (Art. 30)",
	.written = dpms_activity_written,
};
static const struct isms_entity e_client = {
	.name = "client", .plural = "clients", .table = "client", .auto_prefix = "PC-",
	.fields = client_fields, .nfields = N(client_fields),
	.help = "controllers a processor activity processes for (Art. 30(2)(a))",
	.written = dpms_client_written,
};
static const struct isms_entity e_processor = ENTITY("processor", "processors", "processor", "P-", 0,
						     processor_fields,
						     "processors and their Art. 28 contracts");
static const struct isms_entity e_hold = ENTITY("hold", "holds", "hold", "H-", 0, hold_fields,
						"legal holds: files kept from the retention check");
static const struct isms_entity e_location = ENTITY("location", "locations", "location", "L-", 0,
						    location_fields,
						    "where an activity's data lives on hosts");
static const struct isms_entity e_screening = ENTITY("screening", "screenings", "screening", "S-",
						     0, screening_fields,
						     "DPIA screening with the nine WP248 criteria");
static const struct isms_entity e_dpia = ENTITY("dpia", "dpias", "dpia", "DPIA-", 0, dpia_fields,
						"data protection impact assessments (Art. 35)");
static const struct isms_entity e_request = ENTITY("request", "requests", "request", "DSR-", 0,
						   request_fields,
						   "data subject requests (Art. 15-21) and their deadlines");
static const struct isms_entity e_breach = {
	.name = "breach", .plural = "breaches", .table = "breach", .auto_prefix = "BR-",
	.fields = breach_fields, .nfields = N(breach_fields),
	.help = "personal data breaches (Art. 33/34) and the 72 hours",
	.written = dpms_breach_written,
};
static const struct isms_entity e_finding = ENTITY("finding", "findings", "finding", "F-", 0,
						   finding_fields,
						   "accesses to personal data found by the review");
static const struct isms_entity e_deletion = ENTITY("deletion", "deletions", "deletion", NULL,
						    ISMS_EF_READONLY, deletion_fields,
						    "files deleted by the retention check");
static const struct isms_entity e_evidence = ENTITY("evidence", "evidence", "evidence", NULL,
						    ISMS_EF_READONLY, evidence_fields,
						    "accesses to personal data, hash-chained");

static const struct isms_entity *const dpms_entities[] = {
	&e_controller, &e_dpo, &e_activity, &e_client, &e_processor, &e_location, &e_hold, &e_screening, &e_dpia,
	&e_request, &e_breach, &e_finding, &e_deletion, &e_evidence, NULL,
};

/* 1: the register, access evidence (its own chain), and the collector's counters */
static const char *const m1[] = {
	"CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",
	"CREATE TABLE controller (pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, address TEXT,"
	"  contact TEXT, representative TEXT, joint_controllers TEXT) STRICT;",
	"CREATE TABLE dpo (pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, contact TEXT NOT NULL,"
	"  kind TEXT NOT NULL, appointed_at TEXT, contact_published INTEGER NOT NULL DEFAULT 0,"
	"  authority_notified_at TEXT, reports_to TEXT) STRICT;",
	"CREATE TABLE activity (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  role TEXT NOT NULL, controller INTEGER REFERENCES controller(pk), on_behalf_of TEXT,"
	"  processing_categories TEXT, purposes TEXT, lawful_basis TEXT, art9_basis TEXT NOT NULL,"
	"  data_subjects TEXT, data_categories TEXT, special_categories INTEGER NOT NULL DEFAULT 0,"
	"  criminal_data INTEGER NOT NULL DEFAULT 0, recipients TEXT, third_country_recipients TEXT,"
	"  transfers TEXT, transfer_safeguards TEXT NOT NULL, erasure TEXT, retention_days INTEGER,"
	"  toms TEXT, isms_measures TEXT, isms_controls TEXT, authorised_users TEXT,"
	"  authorised_groups TEXT, access_days TEXT, access_hours TEXT, access_tz TEXT,"
	"  status TEXT NOT NULL) STRICT;",
	"CREATE TABLE location (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  activity INTEGER NOT NULL REFERENCES activity(pk), path TEXT NOT NULL, kind TEXT NOT NULL,"
	"  host TEXT, description TEXT) STRICT;",
	"CREATE TABLE screening (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  activity INTEGER NOT NULL UNIQUE REFERENCES activity(pk),"
	"  evaluation_scoring INTEGER NOT NULL DEFAULT 0, automated_decisions INTEGER NOT NULL DEFAULT 0,"
	"  systematic_monitoring INTEGER NOT NULL DEFAULT 0, sensitive_data INTEGER NOT NULL DEFAULT 0,"
	"  large_scale INTEGER NOT NULL DEFAULT 0, matching_datasets INTEGER NOT NULL DEFAULT 0,"
	"  vulnerable_subjects INTEGER NOT NULL DEFAULT 0,"
	"  innovative_technology INTEGER NOT NULL DEFAULT 0, prevents_rights INTEGER NOT NULL DEFAULT 0,"
	"  decision TEXT NOT NULL, reason TEXT, decided_by TEXT, decided_at TEXT) STRICT;",
	"CREATE TABLE dpia (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  activity INTEGER NOT NULL REFERENCES activity(pk), description TEXT, necessity TEXT,"
	"  risks TEXT, likelihood TEXT, severity TEXT, measures TEXT, dpo_advice TEXT,"
	"  status TEXT NOT NULL, approved_by TEXT, approved_at TEXT, next_review TEXT) STRICT;",
	"CREATE TABLE request (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
	"  data_subject TEXT NOT NULL, activity INTEGER REFERENCES activity(pk), received TEXT NOT NULL,"
	"  extended INTEGER NOT NULL DEFAULT 0, extension_reason TEXT, extension_notified TEXT,"
	"  status TEXT NOT NULL, closed TEXT, notes TEXT) STRICT;",
	"CREATE TABLE breach (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  activity INTEGER REFERENCES activity(pk), occurred_at TEXT, aware_at TEXT NOT NULL,"
	"  description TEXT, data_categories TEXT, subjects_approx INTEGER, records_approx INTEGER,"
	"  consequences TEXT, measures TEXT, risk TEXT NOT NULL, notified_at TEXT,"
	"  not_notified_reason TEXT, delay_reason TEXT, subjects_informed INTEGER NOT NULL DEFAULT 0,"
	"  subjects_informed_at TEXT, evidence TEXT, status TEXT NOT NULL) STRICT;",
	"CREATE TABLE finding (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  activity INTEGER REFERENCES activity(pk), evidence INTEGER, user TEXT, path TEXT,"
	"  access TEXT, at TEXT, why TEXT, status TEXT NOT NULL, justification TEXT,"
	"  reviewed_by TEXT, reviewed_at TEXT, breach INTEGER REFERENCES breach(pk),"
	"  UNIQUE (evidence, why)) STRICT;",
	"CREATE TABLE deletion (pk INTEGER PRIMARY KEY, at TEXT NOT NULL, activity TEXT NOT NULL,"
	"  path TEXT NOT NULL, size INTEGER, modified TEXT, by TEXT) STRICT;",
	/* The same evidence chain as the ISMS store's, kept apart: personal data. */
	ISMS_EVIDENCE_DDL,
	"CREATE INDEX evidence_asset ON evidence(asset, ts);",
	ISMS_INGEST_COUNTER_DDL,
	"INSERT INTO setting VALUES ('review_watermark', '0');",
	NULL,
};

/* 2: the evidence lifecycle, as in the ISMS store: archive boundary and retention */
static const char *const m2[] = {
	ISMS_EVIDENCE_LIFECYCLE_DDL,
	NULL,
};

/* 3: pseudonymisable access records, as in the ISMS store */
static const char *const m3[] = {
	ISMS_EVIDENCE_PSEUDONYM_DDL,
	NULL,
};

/* 4: access evidence indexed as in the ISMS store (the review and retention look by kind) */
static const char *const m4[] = {
	"DROP INDEX IF EXISTS evidence_asset;",
	ISMS_EVIDENCE_INDEX_DDL,
	NULL,
};

/* 5: block tags instead of the per-value indexes, as in the ISMS store (its migration 8) */
static const char *const m5[] = {
	ISMS_EVIDENCE_TAG_DDL,
	NULL,
};

/* 6: evidence row format 3, as in the ISMS store (its migration 9) */
static const char *const m6[] = {
	ISMS_EVIDENCE_FORMAT3_DDL,
	NULL,
};

/*
 * 7: the DPO's corrections: the controllers a processor works for as records
 * (the old free text becomes one controller's name, still readable); a
 * processor's breach notice to the controller; who decided on a breach;
 * the register of processors and their Art. 28 contracts; retention rules
 * as an event plus a period, and legal holds
 */
static const char *const m7[] = {
	"CREATE TABLE client (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  activity INTEGER NOT NULL REFERENCES activity(pk), name TEXT NOT NULL, contact TEXT,"
	"  representative TEXT, dpo TEXT) STRICT;",
	"INSERT INTO client (id, activity, name) SELECT 'PC-' || pk, pk, on_behalf_of FROM activity"
	"  WHERE on_behalf_of IS NOT NULL AND trim(on_behalf_of) <> '' ORDER BY pk;",
	"ALTER TABLE activity DROP COLUMN on_behalf_of;",
	/* Art. 33(2), and who decided that a finding is a breach */
	"ALTER TABLE breach ADD COLUMN controller_notified_at TEXT;",
	"ALTER TABLE breach ADD COLUMN decided_by TEXT;",
	"ALTER TABLE breach ADD COLUMN decided_at TEXT;",
	/* retention as an event plus a period, and legal holds */
	"ALTER TABLE activity ADD COLUMN retention_event TEXT;",
	"ALTER TABLE activity ADD COLUMN retention_period TEXT;",
	"ALTER TABLE activity ADD COLUMN retention_event_date TEXT;",
	"CREATE TABLE hold (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	"  activity INTEGER NOT NULL REFERENCES activity(pk), path TEXT, reason TEXT NOT NULL,"
	"  since TEXT, status TEXT NOT NULL) STRICT;",
	/* Art. 28: the processors and their contracts */
	"CREATE TABLE processor (pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  contact TEXT, activity INTEGER REFERENCES activity(pk), contract_date TEXT, subject TEXT,"
	"  duration TEXT, sub_processors TEXT NOT NULL, review_date TEXT) STRICT;",
	NULL,
};

static const char *const *const dpms_migrations[] = {
	m1,
	m2,
	m3,
	m4,
	m5,
	m6,
	m7,
};

_Static_assert(N(dpms_migrations) == DPMS_SCHEMA_VERSION, "one migration per schema version");

const struct isms_schema dpms_schema = {
	.name = "dpms",
	.application_id = DPMS_APPLICATION_ID,
	.version = DPMS_SCHEMA_VERSION,
	.migrations = dpms_migrations,
	.entities = dpms_entities,
	.tool = "dpmsctl",
};
