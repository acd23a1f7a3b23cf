/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record type of the internal audit programme (ISO 27001 9.2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms/audit.h"
#include "isms/entity.h"
#include "isms/nonconformity.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"

static const char *const audit_status[] = {"planned", "held", "reported", "cancelled", NULL};
static const char *const audit_results[] = {"conform", "minor_findings", "major_findings",
					    NULL};

static const struct isms_field audit_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. IA-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what is audited"},
	{.name = "programme", .flags = ISMS_FF_HIDDEN,
	 .help = "the audit programme it belongs to (e.g. 2026)"},
	{.name = "scope", .flags = ISMS_FF_REQUIRED | ISMS_FF_HIDDEN,
	 .help = "the audit's scope: units, processes, locations"},
	{.name = "criteria", .flags = ISMS_FF_HIDDEN,
	 .help = "what it is audited against (e.g. ISO 27001 Annex A, the access policy)"},
	{.name = "controls", .check = isms_nc_keys_check,
	 .help = "Annex A controls audited, comma-separated (e.g. 5.15,8.2)"},
	{.name = "assets", .check = isms_nc_keys_check, .flags = ISMS_FF_HIDDEN,
	 .help = "assets audited, comma-separated asset names"},
	{.name = "auditor", .type = ISMS_FT_REF, .ref = "person",
	 .help = "who audits (may not audit their own area or work)"},
	{.name = "auditee", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_HIDDEN,
	 .help = "who is audited (the area's responsible)"},
	{.name = "planned", .type = ISMS_FT_DATE, .help = "date it is planned for"},
	{.name = "held", .type = ISMS_FT_DATE, .help = "date it was held"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = audit_status, .dflt = "planned",
	 .help = "planned, held, reported, cancelled"},
	{.name = "result", .type = ISMS_FT_ENUM, .choices = audit_results,
	 .help = "conform, minor_findings, major_findings"},
	{.name = "summary", .flags = ISMS_FF_HIDDEN, .help = "the audit report's conclusion"},
	{.name = "findings", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM nonconformity n WHERE n.audit = t.pk)",
	 .help = "nonconformities raised by it"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.planned < " TODAY " AND t.status = 'planned' THEN 1 ELSE 0 END",
	 .help = "planned date past, still planned"},
};

/*
 * Independence is checked on every write that could break it: an audit
 * added, or its auditor, auditee, controls, assets or status changed.  A
 * summary typed into an audit reported long ago is not refused because
 * the auditor has since become an owner of what was audited.
 */
static bool touches_independence(const struct isms_kv *kv, size_t n)
{
	static const char *const fields[] = {"auditor", "auditee", "controls", "assets", "status"};

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < N(fields); k++)
			if (strcmp(kv[i].name, fields[k]) == 0)
				return true;
	return false;
}

static int audit_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			 const struct isms_kv *kv, size_t n, bool added)
{
	(void)e;
	if (!added && !touches_independence(kv, n))
		return 0;
	return isms_audit_check_stored(s, key);
}

const struct isms_entity isms_entity_audit = {
	.name = "audit",
	.plural = "audits",
	.table = "audit",
	.auto_prefix = "IA-",
	.fields = audit_fields,
	.nfields = N(audit_fields),
	.help = "the internal audit programme (ISO 27001 9.2)",
	.written = audit_written,
};
