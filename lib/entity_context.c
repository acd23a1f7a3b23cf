/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The context of the organisation: its internal and external issues (ISO
 * 27001 4.1), its interested parties and their requirements (4.2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/nonconformity.h"
#include "register_internal.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"

static const char *const issue_kinds[] = {"internal", "external", NULL};
static const char *const issue_status[] = {"open", "addressed", "closed", NULL};
static const char *const party_kinds[] = {"customer", "employee",    "regulator", "authority",
					  "supplier", "shareholder", "public",    "other",
					  NULL};
static const char *const req_status[] = {"open", "addressed", "closed", NULL};

static const struct isms_field issue_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. CI-1 (generated if absent)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "the issue"},
	{.name = "kind", .type = ISMS_FT_ENUM, .choices = issue_kinds, .flags = ISMS_FF_REQUIRED,
	 .help = "internal or external"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "what it is about"},
	{.name = "effect", .flags = ISMS_FF_HIDDEN,
	 .help = "how it affects the ISMS's ability to achieve its outcomes"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "who follows it"},
	{.name = "identified", .type = ISMS_FT_DATE, .dflt = ISMS_DFLT_TODAY,
	 .flags = ISMS_FF_HIDDEN, .help = "date it was identified (default today)"},
	{.name = "next_review", .type = ISMS_FT_DATE, .help = "when it is next reviewed"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = issue_status, .dflt = "open",
	 .help = "open, addressed or closed"},
	{.name = "overdue", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN t.next_review < " TODAY " AND t.status <> 'closed' THEN 1 ELSE 0 END",
	 .help = "past its review and not closed"},
};

const struct isms_entity isms_entity_issue = {
	.name = "issue",
	.plural = "issues",
	.table = "context_issue",
	.auto_prefix = "CI-",
	.fields = issue_fields,
	.nfields = N(issue_fields),
	.help = "internal and external issues of the context (ISO 27001 4.1)",
};

static const struct isms_field party_fields[] = {
	{.name = "name", .flags = ISMS_FF_KEY | ISMS_FF_REQUIRED,
	 .help = "short name, unique (e.g. bsi)"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "who they are"},
	{.name = "kind", .type = ISMS_FT_ENUM, .choices = party_kinds, .flags = ISMS_FF_REQUIRED,
	 .help = "customer, employee, regulator, authority, supplier, shareholder, public, other"},
	{.name = "contact", .flags = ISMS_FF_HIDDEN, .help = "how to reach them"},
	{.name = "description", .flags = ISMS_FF_HIDDEN, .help = "why they matter to the ISMS"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "who keeps in touch"},
	{.name = "requirements", .type = ISMS_FT_INT, .flags = ISMS_FF_COMPUTED,
	 .sql = "(SELECT count(*) FROM requirement q WHERE q.party = t.pk)",
	 .help = "their requirements in the register"},
};

const struct isms_entity isms_entity_party = {
	.name = "party",
	.plural = "parties",
	.table = "interested_party",
	.fields = party_fields,
	.nfields = N(party_fields),
	.help = "interested parties (ISO 27001 4.2)",
};

static const struct isms_field req_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. RQ-1 (generated if absent)"},
	{.name = "party", .type = ISMS_FT_REF, .ref = "party", .flags = ISMS_FF_REQUIRED,
	 .help = "the interested party that has it"},
	{.name = "title", .flags = ISMS_FF_REQUIRED, .help = "what they require"},
	{.name = "source", .flags = ISMS_FF_HIDDEN,
	 .help = "where it is written (law, contract, clause)"},
	{.name = "controls", .check = isms_nc_keys_check,
	 .help = "Annex A controls that address it, comma-separated (e.g. 5.31,5.34)"},
	{.name = "measures", .flags = ISMS_FF_HIDDEN, .check = isms_nc_keys_check,
	 .help = "measures that address it, comma-separated (e.g. M-1,M-4)"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = req_status, .dflt = "open",
	 .help = "open, addressed or closed"},
	{.name = "next_review", .type = ISMS_FT_DATE, .flags = ISMS_FF_HIDDEN,
	 .help = "when it is next reviewed"},
};

/* Whichever way it is written, the controls and measures it names exist. */
static int req_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n, bool added)
{
	char *v[2], what[96];
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s, "SELECT controls, measures FROM requirement WHERE id = ?1", key, v, 2);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "requirement '%.64s'", key);
	if (v[0])
		r = register_keys_exist(s, what, "control", v[0]);
	if (r >= 0 && v[1])
		r = register_keys_exist(s, what, "measure", v[1]);
	register_row_release(v, 2);
	return r;
}

const struct isms_entity isms_entity_requirement = {
	.name = "requirement",
	.plural = "requirements",
	.table = "requirement",
	.auto_prefix = "RQ-",
	.fields = req_fields,
	.nfields = N(req_fields),
	.help = "requirements of interested parties (ISO 27001 4.2 b)",
	.written = req_written,
};
