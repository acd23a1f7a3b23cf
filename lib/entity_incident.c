/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Information security incidents (ISO 27001 5.24-5.28): assessed, contained,
 * resolved and learned from, with the evidence that shows it, the DPMS
 * breach it is and the nonconformity it opened.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms/entity.h"
#include "register_internal.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const inc_severity[] = {"low", "medium", "high", "critical", NULL};
static const char *const inc_status[] = {"reported", "triaged", "contained", "resolved",
					 "closed", NULL};

static const struct isms_field inc_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. INC-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what happened"},
	{.name = "category", .flags = ISMS_FF_HIDDEN,
	 .help = "kind of incident (malware, phishing, loss, misuse...)"},
	{.name = "severity", .type = ISMS_FT_ENUM, .choices = inc_severity, .dflt = "low",
	 .help = "low, medium, high or critical (5.25)"},
	{.name = "detected_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_REQUIRED,
	 .help = "when it was detected (ISO 8601, e.g. 2026-05-04T09:30:00Z)"},
	{.name = "reported_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when it was reported (5.24, 6.8)"},
	{.name = "contained_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when it was contained (5.26)"},
	{.name = "resolved_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when it was resolved"},
	{.name = "closed_at", .type = ISMS_FT_DATETIME, .flags = ISMS_FF_HIDDEN,
	 .help = "when it was closed"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = inc_status, .dflt = "reported",
	 .help = "reported, triaged, contained, resolved, closed"},
	{.name = "handler", .type = ISMS_FT_REF, .ref = "person", .help = "who handles it"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "what is known"},
	{.name = "evidence", .flags = ISMS_FF_HIDDEN, .check = register_check_rows,
	 .help = "evidence rows about it, comma-separated (e.g. 12,40) (5.28)"},
	{.name = "breach", .flags = ISMS_FF_HIDDEN,
	 .help = "the DPMS personal data breach it is (its key in the DPMS store)"},
	{.name = "nonconformity", .type = ISMS_FT_REF, .ref = "nonconformity",
	 .flags = ISMS_FF_HIDDEN, .help = "nonconformity it opened"},
	{.name = "lessons", .flags = ISMS_FF_HIDDEN,
	 .help = "lessons learned (5.27; needed to close a high or critical one)"},
	{.name = "events", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM incident_event v WHERE v.incident = t.pk)",
	 .help = "events of its timeline"},
};

enum { C_SEV, C_STATUS, C_EVIDENCE, C_LESSONS, C_DETECTED, C_REPORTED, C_CONTAINED, C_RESOLVED,
       C_CLOSED, C_N };
static const char *const stamp_names[] = {"reported_at", "contained_at", "resolved_at",
					  "closed_at"};

/*
 * Whichever way it is written (add, set, import): nothing happened to it
 * before it was detected, the evidence it cites is in the chain, and a high
 * or critical incident is not closed before its lessons are drawn (5.27).
 */
static int inc_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n, bool added)
{
	char *v[C_N], what[96];
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s,
			 "SELECT severity, status, evidence, lessons, detected_at, reported_at,"
			 " contained_at, resolved_at, closed_at FROM incident WHERE id = ?1",
			 key, v, C_N);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "incident '%.64s'", key);
	for (int i = C_REPORTED; r >= 0 && i <= C_CLOSED; i++)
		if (v[i] && strcmp(v[i], v[C_DETECTED]) < 0)
			r = store_seterr(s, -EINVAL, "%s: %s %s is before detected_at %s", what,
					 stamp_names[i - C_REPORTED], v[i], v[C_DETECTED]);
	if (r >= 0 && strcmp(v[C_STATUS], "closed") == 0 && !v[C_LESSONS] &&
	    (strcmp(v[C_SEV], "high") == 0 || strcmp(v[C_SEV], "critical") == 0))
		r = store_seterr(s, -EPERM,
				 "%s: a %s incident is closed only with its lessons learned"
				 " (ISO 27001 5.27): give --lessons", what, v[C_SEV]);
	/* The chain is not part of an export: an import cannot show the rows it cites. */
	if (r >= 0 && v[C_EVIDENCE] && !s->importing)
		r = register_rows_exist(s, what, v[C_EVIDENCE]);
	register_row_release(v, C_N);
	return r;
}

/*
 * An incident with a timeline happened: its events are in the evidence
 * chain, and the register keeps what they belong to.  One entered by
 * mistake, with no events yet, may go.
 */
static int inc_removing(struct isms_store *s, const struct isms_entity *e, const char *key)
{
	int64_t n = 0;
	int r;

	(void)e;
	r = store_query_int(s,
			    "SELECT count(*) FROM incident_event v JOIN incident i ON i.pk = v.incident"
			    " WHERE i.id = ?1",
			    key, NULL, NULL, &n);
	if (r >= 0 && n > 0)
		r = store_seterr(s, -ENOTEMPTY,
				 "incident '%.64s' has %lld events in its timeline: close it"
				 " instead of removing it",
				 key, (long long)n);
	return r < 0 ? r : 0;
}

const struct isms_entity isms_entity_incident = {
	.name = "incident",
	.plural = "incidents",
	.table = "incident",
	.auto_prefix = "INC-",
	.fields = inc_fields,
	.nfields = N(inc_fields),
	.help = "information security incidents and their timeline (ISO 27001 5.24-5.28)",
	.written = inc_written,
	.removing = inc_removing,
};
