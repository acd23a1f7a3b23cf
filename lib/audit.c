/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An audit's independence: its auditor against the owners of what it audits (ISO 27001 9.2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/audit.h"
#include "isms/nonconformity.h"
#include "store_internal.h"

/* The text of the first row of @sql with text parameters ?1 and ?2: 1 with *ret malloc'd, 0 when none, -errno. */
static int query_text(struct isms_store *s, const char *sql, const char *p1, const char *p2,
		      char **ret)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, sql, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, p1);
	if (r >= 0)
		r = store_bind_text(s, st, 2, p2);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		*ret = t ? strdup(t) : NULL;
		if (!*ret)
			r = t ? -ENOMEM : 0;
	}
	sqlite3_finalize(st);
	return r;
}

/* Each key of the list @keys names a record (@sql: 1 for the key ?1 when it exists). */
static int keys_exist(struct isms_store *s, const struct isms_audit_plan *a, const char *what,
		      const char *sql, const char *keys)
{
	char *copy, *save = NULL;
	int r = 0;

	copy = strdup(keys);
	if (!copy)
		return -ENOMEM;
	for (char *k = strtok_r(copy, ",", &save); k && r >= 0; k = strtok_r(NULL, ",", &save)) {
		int64_t one;

		r = store_query_int(s, sql, k, NULL, NULL, &one);
		if (r == 0)
			r = store_seterr(s, -ENOENT, "audit %s: no %s '%.64s' (see 'ismsctl %s list')",
					 a->id, what, k, what);
	}
	free(copy);
	return r < 0 ? r : 0;
}

/*
 * The rules, each over the keys of one list (?1 a key, ?2 the auditor): a
 * row says what the auditor owns that the audit covers.  A cancelled
 * measure implements and treats nothing.
 */
#define Q "''''" /* a quote in the text SQL builds */
static const struct rule {
	bool on_assets;
	const char *sql;
} rules[] = {
	{true, "SELECT 'owns asset ' || " Q " || a.name || " Q " FROM asset a"
	       " JOIN person p ON p.pk = a.owner WHERE a.name = ?1 AND p.name = ?2"},
	{true, "SELECT 'owns risk ' || " Q " || r.id || " Q " || ' on asset ' || " Q " || a.name || " Q
	       " FROM risk r JOIN risk_asset ra ON ra.risk = r.pk JOIN asset a ON a.pk = ra.asset"
	       " JOIN person p ON p.pk = r.owner"
	       " WHERE a.name = ?1 AND p.name = ?2 ORDER BY r.pk LIMIT 1"},
	{true, "SELECT 'owns measure ' || " Q " || m.id || " Q " || ' treating risk ' || " Q
	       " || r.id || " Q " || ' on asset ' || " Q " || a.name || " Q " FROM measure m"
	       " JOIN measure_risk mr ON mr.measure = m.pk JOIN risk r ON r.pk = mr.risk"
	       " JOIN risk_asset ra ON ra.risk = r.pk JOIN asset a ON a.pk = ra.asset"
	       " JOIN person p ON p.pk = m.owner WHERE a.name = ?1 AND p.name = ?2"
	       " AND m.status <> 'cancelled' ORDER BY m.pk LIMIT 1"},
	{false, "SELECT 'owns control ' || " Q " || c.id || " Q " FROM control c"
		" JOIN person p ON p.pk = c.owner WHERE c.id = ?1 AND p.name = ?2"},
	{false, "SELECT 'owns measure ' || " Q " || m.id || " Q " || ' implementing control ' || " Q
		" || c.id || " Q " FROM measure m JOIN measure_control mc ON mc.measure = m.pk"
		" JOIN control c ON c.pk = mc.control"
		" JOIN person p ON p.pk = m.owner WHERE c.id = ?1 AND p.name = ?2"
		" AND m.status <> 'cancelled' ORDER BY m.pk LIMIT 1"},
};
#undef Q

static int apply_rules(struct isms_store *s, const struct isms_audit_plan *a, bool on_assets)
{
	char *copy, *save = NULL;
	int r = 0;

	copy = strdup(on_assets ? a->assets : a->controls);
	if (!copy)
		return -ENOMEM;
	for (char *k = strtok_r(copy, ",", &save); k && r >= 0; k = strtok_r(NULL, ",", &save)) {
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && r >= 0; i++) {
			char *how = NULL;

			if (rules[i].on_assets != on_assets)
				continue;
			r = query_text(s, rules[i].sql, k, a->auditor, &how);
			if (r == 1)
				r = store_seterr(s, -EPERM,
						 "audit %s: auditor '%.64s' may not audit their own work: '%.64s' %s",
						 a->id, a->auditor, a->auditor, how);
			free(how);
		}
	}
	free(copy);
	return r < 0 ? r : 0;
}

int isms_audit_check(struct isms_store *s, const struct isms_audit_plan *plan)
{
	struct isms_audit_plan named = *plan;
	const struct isms_audit_plan *a = &named;
	char why[128];
	int r = 0;

	if (!named.id)
		named.id = "(new)";
	if ((a->controls && !isms_nc_keys_valid(a->controls, why, sizeof(why))) ||
	    (a->assets && !isms_nc_keys_valid(a->assets, why, sizeof(why))))
		return store_seterr(s, -EINVAL, "audit %s: %s", a->id, why);
	if (a->controls)
		r = keys_exist(s, a, "control", "SELECT 1 FROM control WHERE id = ?1", a->controls);
	if (r >= 0 && a->assets)
		r = keys_exist(s, a, "asset", "SELECT 1 FROM asset WHERE name = ?1", a->assets);
	if (r < 0 || !a->auditor)
		return r;
	if (a->auditee && strcmp(a->auditor, a->auditee) == 0)
		return store_seterr(s, -EPERM,
				    "audit %s: auditor '%.64s' may not audit their own area: '%.64s' is the auditee",
				    a->id, a->auditor, a->auditee);
	if (a->assets)
		r = apply_rules(s, a, true);
	if (r >= 0 && a->controls)
		r = apply_rules(s, a, false);
	return r;
}

int isms_audit_check_stored(struct isms_store *s, const char *id)
{
	struct isms_audit_plan a = {.id = id};
	sqlite3_stmt *st = NULL;
	char *v[5] = {NULL};
	int r;

	r = store_prepare(s,
			  "SELECT t.status = 'cancelled', pa.name, pe.name, t.controls, t.assets"
			  " FROM audit t LEFT JOIN person pa ON pa.pk = t.auditor"
			  " LEFT JOIN person pe ON pe.pk = t.auditee WHERE t.id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, id);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "audit '%.64s' not found (see 'ismsctl audit list')", id);
	for (int i = 1; r == 1 && i < 5; i++) {
		const char *t = (const char *)sqlite3_column_text(st, i);

		if (t && !(v[i] = strdup(t)))
			r = -ENOMEM;
	}
	/* A cancelled audit is not held: cancelling one that lost its independence must work. */
	if (r == 1 && sqlite3_column_int(st, 0) == 0) {
		a.auditor = v[1];
		a.auditee = v[2];
		a.controls = v[3];
		a.assets = v[4];
		r = isms_audit_check(s, &a);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < 5; i++)
		free(v[i]);
	return r < 0 ? r : 0;
}
