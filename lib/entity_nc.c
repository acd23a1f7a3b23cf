/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record type of nonconformities and corrective actions (ISO 27001 10.2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/nonconformity.h"
#include "nonconformity_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"

static const char *const nc_sources[] = {"manual", "audit", "test", "indicator", "break_glass",
					 "verify", "review", "breach", "management_review", NULL};
static const char *const nc_severity[] = {"minor", "major", NULL};
static const char *const nc_status[] = {"open", "action", "verifying", "closed", NULL};
static const char *const nc_effect[] = {"pending", "effective", "ineffective", NULL};

static const struct isms_field nc_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. NC-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what does not conform"},
	{.name = "source", .type = ISMS_FT_ENUM, .choices = nc_sources, .dflt = "manual",
	 .flags = ISMS_FF_FIXED, .help = "what raised it"},
	{.name = "origin", .flags = ISMS_FF_FIXED | ISMS_FF_HIDDEN,
	 .help = "the record that raised it (test@period, indicator, evidence row, review, audit...)"},
	{.name = "audit", .type = ISMS_FT_REF, .ref = "audit", .flags = ISMS_FF_HIDDEN,
	 .help = "the internal audit whose finding it is"},
	{.name = "severity", .type = ISMS_FT_ENUM, .choices = nc_severity, .dflt = "minor",
	 .help = "minor or major"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "what was found, and where"},
	{.name = "controls", .flags = ISMS_FF_HIDDEN, .check = isms_nc_keys_check,
	 .help = "Annex A controls it touches, comma-separated (e.g. 5.15,8.2)"},
	{.name = "risks", .flags = ISMS_FF_HIDDEN, .check = isms_nc_keys_check,
	 .help = "risks it touches, comma-separated (e.g. R-1,R-4)"},
	{.name = "correction", .flags = ISMS_FF_HIDDEN, .help = "what was done at once to contain it"},
	{.name = "root_cause", .flags = ISMS_FF_HIDDEN, .help = "why it happened"},
	{.name = "corrective_action", .flags = ISMS_FF_HIDDEN,
	 .help = "what removes the cause (its measures refer to this record)"},
	{.name = "responsible", .type = ISMS_FT_REF, .ref = "person", .help = "who resolves it"},
	{.name = "due", .type = ISMS_FT_DATE, .help = "when the corrective action is due"},
	{.name = "opened", .type = ISMS_FT_DATE, .flags = ISMS_FF_FIXED, .dflt = ISMS_DFLT_TODAY,
	 .help = "date it was opened (default today)"},
	{.name = "closed", .type = ISMS_FT_DATE, .help = "date it was closed"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = nc_status, .dflt = "open",
	 .help = "open, action (corrective action under way), verifying, closed"},
	{.name = "effectiveness_test", .flags = ISMS_FF_HIDDEN,
	 .help = "control test whose pass over a later period shows the action worked"},
	{.name = "effectiveness", .type = ISMS_FT_ENUM, .choices = nc_effect, .dflt = "pending",
	 .flags = ISMS_FF_HIDDEN, .help = "result of the effectiveness check"},
	{.name = "measures", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "(SELECT count(*) FROM measure m WHERE m.nonconformity = t.pk)",
	 .help = "measures of its corrective action"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.due < " TODAY " AND t.status <> 'closed' THEN 1 ELSE 0 END",
	 .help = "past due and not closed"},
};

const struct isms_entity isms_entity_nc = {
	.name = "nonconformity",
	.plural = "nonconformities",
	.table = "nonconformity",
	.auto_prefix = "NC-",
	.fields = nc_fields,
	.nfields = N(nc_fields),
	.help = "nonconformities and corrective actions (ISO 27001 10.2)",
	.written = nc_written,
};
