/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An audit's independence: its auditor against the owners of what it audits (ISO 27001 9.2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/audit.h"
#include "isms/nonconformity.h"
#include "store_internal.h"

/*
 * The two text columns of the first row of @sql with text parameters ?1 and
 * ?2: 1 with *ret_a and *ret_b malloc'd (NULL for a NULL column), 0 when
 * there is no row, or -errno.
 */
static int query_texts(struct isms_store *s, const char *sql, const char *p1, const char *p2,
		       char **ret_a, char **ret_b)
{
	sqlite3_stmt *st = NULL;
	char *a = NULL, *b = NULL;
	int r;

	r = store_prepare(s, sql, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, p1);
	if (r >= 0)
		r = store_bind_text(s, st, 2, p2);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *ta = (const char *)sqlite3_column_text(st, 0);
		const char *tb = (const char *)sqlite3_column_text(st, 1);

		if ((ta && !(a = strdup(ta))) || (tb && !(b = strdup(tb)))) {
			free(a);
			free(b);
			r = -ENOMEM;
		}
	}
	sqlite3_finalize(st);
	if (r == 1) {
		*ret_a = a;
		*ret_b = b;
	}
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

/* One rule over each key of a list: its query names what the auditor owns, or nothing. */
struct rule {
	const char *sql;  /* ?1 the key, ?2 the auditor; columns: what is owned (and through what) */
	const char *what; /* "owns %s" with the first column, then "%s" with the second */
};

static const struct rule asset_rules[] = {
	{"SELECT a.name, NULL FROM asset a JOIN person p ON p.pk = a.owner"
	 " WHERE a.name = ?1 AND p.name = ?2",
	 "asset"},
	{"SELECT r.id, a.name FROM risk r JOIN asset a ON a.pk = r.asset"
	 " JOIN person p ON p.pk = r.owner WHERE a.name = ?1 AND p.name = ?2 ORDER BY r.pk LIMIT 1",
	 "risk"},
	{"SELECT m.id, '''' || r.id || ''' on asset ''' || a.name || '''' FROM measure m"
	 " JOIN risk r ON r.pk = m.risk JOIN asset a ON a.pk = r.asset"
	 " JOIN person p ON p.pk = m.owner WHERE a.name = ?1 AND p.name = ?2"
	 " AND m.status <> 'cancelled' ORDER BY m.pk LIMIT 1",
	 "measure"},
};

static const struct rule control_rules[] = {
	{"SELECT c.id, NULL FROM control c JOIN person p ON p.pk = c.owner"
	 " WHERE c.id = ?1 AND p.name = ?2",
	 "control"},
	{"SELECT m.id, c.id FROM measure m JOIN control c ON c.pk = m.control"
	 " JOIN person p ON p.pk = m.owner WHERE c.id = ?1 AND p.name = ?2"
	 " AND m.status <> 'cancelled' ORDER BY m.pk LIMIT 1",
	 "measure"},
};

static int refuse(struct isms_store *s, const struct isms_audit_plan *a, const char *what,
		  const char *key, const char *via, const char *key_asset)
{
	char how[400];

	if (!via)
		snprintf(how, sizeof(how), "'%.64s' owns %s '%.64s'", a->auditor, what, key);
	else if (strcmp(what, "risk") == 0)
		snprintf(how, sizeof(how), "'%.64s' owns risk '%.64s' on asset '%.64s'", a->auditor,
			 key, via);
	else if (key_asset)
		snprintf(how, sizeof(how), "'%.64s' owns measure '%.64s' treating risk %.96s",
			 a->auditor, key, via);
	else
		snprintf(how, sizeof(how), "'%.64s' owns measure '%.64s' implementing control '%.64s'",
			 a->auditor, key, via);
	return store_seterr(s, -EPERM, "audit %s: auditor '%.64s' may not audit their own work: %s",
			    a->id, a->auditor, how);
}

static int apply_rules(struct isms_store *s, const struct isms_audit_plan *a, const char *keys,
		       const struct rule *rules, size_t nrules, bool on_assets)
{
	char *copy, *save = NULL;
	int r = 0;

	copy = strdup(keys);
	if (!copy)
		return -ENOMEM;
	for (char *k = strtok_r(copy, ",", &save); k && r >= 0; k = strtok_r(NULL, ",", &save)) {
		for (size_t i = 0; i < nrules && r >= 0; i++) {
			char *key = NULL, *via = NULL;

			r = query_texts(s, rules[i].sql, k, a->auditor, &key, &via);
			if (r == 1)
				r = refuse(s, a, rules[i].what, key ? key : k, via,
					   on_assets ? k : NULL);
			free(key);
			free(via);
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
		r = apply_rules(s, a, a->assets, asset_rules,
				sizeof(asset_rules) / sizeof(asset_rules[0]), true);
	if (r >= 0 && a->controls)
		r = apply_rules(s, a, a->controls, control_rules,
				sizeof(control_rules) / sizeof(control_rules[0]), false);
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
