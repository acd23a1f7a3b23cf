/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Risk matrices: the pure scoring and their storage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/entity.h"
#include "isms/json.h"
#include "isms/risk.h"
#include "risk_define_internal.h"
#include "store_internal.h"
#include "isms/strutil.h"

void isms_risk_matrix_default(struct isms_risk_matrix *m)
{
	static const char *const lik[] = {"rare", "medium", "frequent", "very_frequent"};
	static const char *const imp[] = {"negligible", "limited", "considerable", "existential"};
	static const char *const lev[] = {"low", "medium", "high", "very_high"};
	/* BSI 200-3: [frequency][impact] */
	static const int cells[4][4] = {
		{1, 1, 2, 2},
		{1, 1, 2, 3},
		{1, 2, 3, 4},
		{1, 3, 4, 4},
	};

	memset(m, 0, sizeof(*m));
	m->nlikelihood = m->nimpact = m->nlevels = 4;
	m->acceptance = ISMS_LEVEL_LOW;
	for (int i = 0; i < 4; i++) {
		snprintf(m->likelihood[i], ISMS_LABEL_MAX, "%s", lik[i]);
		snprintf(m->impact[i], ISMS_LABEL_MAX, "%s", imp[i]);
		snprintf(m->level[i], ISMS_LABEL_MAX, "%s", lev[i]);
		for (int j = 0; j < 4; j++)
			m->cell[i][j] = cells[i][j];
	}
}

int isms_risk_level(const struct isms_risk_matrix *m, int likelihood, int impact)
{
	if (likelihood < 1 || likelihood > m->nlikelihood || impact < 1 || impact > m->nimpact)
		return -EINVAL;
	return m->cell[likelihood - 1][impact - 1];
}

static bool labels_ok(char labels[][ISMS_LABEL_MAX], int n, const char *what, char *err,
		      size_t errlen)
{
	for (int i = 0; i < n; i++) {
		if (!labels[i][0] || !isms_text_ok(labels[i])) {
			snprintf(err, errlen, "%s label %d is empty or not printable", what, i + 1);
			return false;
		}
		for (int j = 0; j < i; j++) {
			if (strcmp(labels[i], labels[j]) == 0) {
				snprintf(err, errlen, "%s label '%s' is used twice", what,
					 labels[i]);
				return false;
			}
		}
	}
	return true;
}

int isms_risk_matrix_check(const struct isms_risk_matrix *m, char *err, size_t errlen)
{
	struct isms_risk_matrix c = *m; /* labels_ok wants non-const rows */

	if (m->nlikelihood < 2 || m->nlikelihood > ISMS_MATRIX_MAX || m->nimpact < 2 ||
	    m->nimpact > ISMS_MATRIX_MAX || m->nlevels < 2 || m->nlevels > ISMS_MATRIX_MAX) {
		snprintf(err, errlen, "axes and levels must have 2 to %d entries", ISMS_MATRIX_MAX);
		return -EINVAL;
	}
	if (!labels_ok(c.likelihood, m->nlikelihood, "likelihood", err, errlen) ||
	    !labels_ok(c.impact, m->nimpact, "impact", err, errlen) ||
	    !labels_ok(c.level, m->nlevels, "level", err, errlen))
		return -EINVAL;
	if (m->acceptance < 1 || m->acceptance > m->nlevels) {
		snprintf(err, errlen, "acceptance must be one of the %d levels", m->nlevels);
		return -EINVAL;
	}
	for (int l = 0; l < m->nlikelihood; l++) {
		for (int i = 0; i < m->nimpact; i++) {
			int v = m->cell[l][i];

			if (v < 1 || v > m->nlevels) {
				snprintf(err, errlen, "cell [%d][%d] is %d, not a level (1-%d)",
					 l + 1, i + 1, v, m->nlevels);
				return -EINVAL;
			}
			/* More likely or worse must never score lower. */
			if ((l > 0 && v < m->cell[l - 1][i]) || (i > 0 && v < m->cell[l][i - 1])) {
				snprintf(err, errlen,
					 "cell [%d][%d] is lower than a cell of lesser likelihood or impact",
					 l + 1, i + 1);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int find_label(char labels[][ISMS_LABEL_MAX], int n, const char *in)
{
	int64_t v;

	if (isms_parse_int64(in, &v) == 0)
		return v >= 1 && v <= n ? (int)v : -EINVAL;
	for (int i = 0; i < n; i++)
		if (isms_streq_dash(in, labels[i]))
			return i + 1;
	return -EINVAL;
}

int isms_risk_axis_value(const struct isms_risk_matrix *m, const char *axis, const char *in)
{
	struct isms_risk_matrix *c = (struct isms_risk_matrix *)m; /* find_label only reads */

	if (strcmp(axis, "likelihood") == 0)
		return find_label(c->likelihood, m->nlikelihood, in);
	if (strcmp(axis, "impact") == 0)
		return find_label(c->impact, m->nimpact, in);
	return -EINVAL;
}

int isms_risk_level_value(const struct isms_risk_matrix *m, const char *in)
{
	struct isms_risk_matrix *c = (struct isms_risk_matrix *)m;

	return find_label(c->level, m->nlevels, in);
}

static int labels_from_json(struct json_object *root, const char *name,
			    char labels[][ISMS_LABEL_MAX], int *ret_n, char *err, size_t errlen)
{
	struct json_object *arr;
	size_t n;

	if (!json_object_object_get_ex(root, name, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "$.%s: missing or not an array of labels", name);
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	if (n < 2 || n > ISMS_MATRIX_MAX) {
		snprintf(err, errlen, "$.%s: must have 2 to %d labels", name, ISMS_MATRIX_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *s = json_object_get_string(v);

		if (!json_object_is_type(v, json_type_string) || strlen(s) >= ISMS_LABEL_MAX) {
			snprintf(err, errlen, "$.%s[%zu]: must be a string shorter than %d bytes",
				 name, i, ISMS_LABEL_MAX);
			return -EINVAL;
		}
		snprintf(labels[i], ISMS_LABEL_MAX, "%s", s);
	}
	*ret_n = (int)n;
	return 0;
}

int isms_risk_matrix_from_json(const char *json, struct isms_risk_matrix *ret, char *err,
			       size_t errlen)
{
	struct isms_risk_matrix m;
	struct json_object *root = NULL, *cells, *acc;
	struct isms_json_error jerr;
	int r;

	memset(&m, 0, sizeof(m));
	r = isms_json_parse(json, strlen(json), NULL, &root, &jerr);
	if (r == -EINVAL || r == -EFBIG) {
		snprintf(err, errlen, "%s: not valid JSON: %s (line %u, column %u)", jerr.path,
			 jerr.msg, jerr.line, jerr.column);
		r = -EINVAL;
		goto out;
	}
	if (r < 0)
		goto out;
	r = -EINVAL;
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "$: not a JSON object");
		goto out;
	}
	if (labels_from_json(root, "likelihood", m.likelihood, &m.nlikelihood, err, errlen) < 0 ||
	    labels_from_json(root, "impact", m.impact, &m.nimpact, err, errlen) < 0 ||
	    labels_from_json(root, "levels", m.level, &m.nlevels, err, errlen) < 0)
		goto out;
	if (!json_object_object_get_ex(root, "cells", &cells) ||
	    !json_object_is_type(cells, json_type_array) ||
	    json_object_array_length(cells) != (size_t)m.nlikelihood) {
		snprintf(err, errlen, "$.cells: must be an array of %d rows (one per likelihood)",
			 m.nlikelihood);
		goto out;
	}
	for (int l = 0; l < m.nlikelihood; l++) {
		struct json_object *row = json_object_array_get_idx(cells, (size_t)l);

		if (!json_object_is_type(row, json_type_array) ||
		    json_object_array_length(row) != (size_t)m.nimpact) {
			snprintf(err, errlen, "$.cells[%d]: must be an array of %d levels", l,
				 m.nimpact);
			goto out;
		}
		for (int i = 0; i < m.nimpact; i++) {
			struct json_object *v = json_object_array_get_idx(row, (size_t)i);
			int lv;

			if (json_object_is_type(v, json_type_int))
				lv = json_object_get_int(v);
			else if (json_object_is_type(v, json_type_string))
				lv = isms_risk_level_value(&m, json_object_get_string(v));
			else
				lv = -1;
			if (lv < 1 || lv > m.nlevels) {
				snprintf(err, errlen, "$.cells[%d][%d]: not a level", l, i);
				goto out;
			}
			m.cell[l][i] = lv;
		}
	}
	m.acceptance = 1;
	if (json_object_object_get_ex(root, "acceptance", &acc)) {
		/* Only a name or a number can be a level; json-c has no text for null. */
		if (json_object_is_type(acc, json_type_string) ||
		    json_object_is_type(acc, json_type_int))
			m.acceptance = isms_risk_level_value(&m, json_object_get_string(acc));
		else
			m.acceptance = -EINVAL;
		if (m.acceptance < 0) {
			snprintf(err, errlen, "$.acceptance: not one of the levels");
			goto out;
		}
	}
	r = isms_risk_matrix_check(&m, err, errlen);
	if (r == 0)
		*ret = m;
out:
	json_object_put(root);
	return r;
}

int isms_risk_matrix_load(struct isms_store *s, struct isms_risk_matrix *ret)
{
	struct isms_risk_matrix m;
	sqlite3_stmt *st = NULL;
	char *acc = NULL;
	char err[256];
	int r;

	memset(&m, 0, sizeof(m));
	r = store_prepare(s, "SELECT axis, value, label FROM risk_axis ORDER BY axis, value", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *axis = (const char *)sqlite3_column_text(st, 0);
		int v = sqlite3_column_int(st, 1);
		const char *label = (const char *)sqlite3_column_text(st, 2);

		if (v < 1 || v > ISMS_MATRIX_MAX)
			continue; /* caught by the check below */
		if (strcmp(axis, "likelihood") == 0) {
			snprintf(m.likelihood[v - 1], ISMS_LABEL_MAX, "%s", label);
			m.nlikelihood = v > m.nlikelihood ? v : m.nlikelihood;
		} else {
			snprintf(m.impact[v - 1], ISMS_LABEL_MAX, "%s", label);
			m.nimpact = v > m.nimpact ? v : m.nimpact;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r < 0)
		return r;
	r = store_prepare(s, "SELECT rank, name FROM risk_level ORDER BY rank", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int v = sqlite3_column_int(st, 0);

		if (v < 1 || v > ISMS_MATRIX_MAX)
			continue;
		snprintf(m.level[v - 1], ISMS_LABEL_MAX, "%s", (const char *)sqlite3_column_text(st, 1));
		m.nlevels = v > m.nlevels ? v : m.nlevels;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r < 0)
		return r;
	r = store_prepare(s, "SELECT likelihood, impact, level FROM risk_cell", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int l = sqlite3_column_int(st, 0), i = sqlite3_column_int(st, 1);

		if (l >= 1 && l <= ISMS_MATRIX_MAX && i >= 1 && i <= ISMS_MATRIX_MAX)
			m.cell[l - 1][i - 1] = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	r = isms_setting_get(s, "acceptance", &acc);
	if (r < 0)
		return r;
	m.acceptance = atoi(acc);
	free(acc);
	r = isms_risk_matrix_check(&m, err, sizeof(err));
	if (r < 0)
		return store_seterr(s, -ENOTRECOVERABLE, "the stored risk matrix is inconsistent: %s",
				    err);
	*ret = m;
	return 0;
}

static int exec_bound(struct isms_store *s, const char *sql, const char *a, int b, int c)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	if (r >= 0 && a)
		r = store_bind_text(s, st, 1, a);
	if (r >= 0 && sqlite3_bind_int(st, 2, b) != SQLITE_OK)
		r = -EIO;
	/* Only the cell insert has a ?3; binding it elsewhere is SQLITE_RANGE. */
	if (r >= 0 && sqlite3_bind_parameter_count(st) >= 3 &&
	    sqlite3_bind_int(st, 3, c) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

int isms_risk_matrix_save(struct isms_store *s, const struct isms_risk_matrix *m)
{
	struct isms_risk_matrix old;
	struct risk_defs_kept kept = {0};
	sqlite3_stmt *st = NULL;
	char err[256], num[16];
	int r;

	r = isms_risk_matrix_check(m, err, sizeof(err));
	if (r < 0)
		return store_seterr(s, r, "%s", err);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = store_prepare(s,
			  "SELECT id FROM risk WHERE likelihood > ?1 OR impact > ?2"
			  " OR residual_likelihood > ?1 OR residual_impact > ?2 LIMIT 1",
			  &st);
	if (r >= 0 && (sqlite3_bind_int(st, 1, m->nlikelihood) != SQLITE_OK ||
		       sqlite3_bind_int(st, 2, m->nimpact) != SQLITE_OK))
		r = -EIO;
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		r = store_seterr(s, -ENOTEMPTY,
				 "risk '%s' is rated beyond the new matrix; re-rate it first",
				 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (r >= 0)
		r = isms_risk_matrix_load(s, &old);
	if (r >= 0)
		r = risk_definitions_keep(s, &old, &kept);
	if (r < 0)
		goto fail;
	r = store_exec(s, "DELETE FROM risk_cell; DELETE FROM risk_level; DELETE FROM risk_axis");
	if (r < 0) {
		isms_risk_definitions_release(&kept.defs);
		goto fail;
	}
	for (int i = 0; i < m->nlevels && r >= 0; i++)
		r = exec_bound(s, "INSERT INTO risk_level (rank, name) VALUES (?2, ?1)", m->level[i],
			       i + 1, 0);
	for (int i = 0; i < m->nlikelihood && r >= 0; i++)
		r = exec_bound(s,
			       "INSERT INTO risk_axis (axis, value, label) VALUES ('likelihood', ?2, ?1)",
			       m->likelihood[i], i + 1, 0);
	for (int i = 0; i < m->nimpact && r >= 0; i++)
		r = exec_bound(s, "INSERT INTO risk_axis (axis, value, label) VALUES ('impact', ?2, ?1)",
			       m->impact[i], i + 1, 0);
	for (int l = 0; l < m->nlikelihood && r >= 0; l++)
		for (int i = 0; i < m->nimpact && r >= 0; i++)
			r = exec_bound(s, "INSERT INTO risk_cell VALUES (?2, ?3, ?1)",
				       (snprintf(num, sizeof(num), "%d", m->cell[l][i]), num),
				       l + 1, i + 1);
	if (r >= 0)
		r = risk_definitions_restore(s, m, &kept);
	else
		isms_risk_definitions_release(&kept.defs);
	if (r < 0)
		goto fail;
	snprintf(num, sizeof(num), "%d", m->acceptance);
	r = isms_setting_set(s, "acceptance", num);
	if (r < 0)
		goto fail;
	return isms_store_commit(s);
fail:
	isms_store_rollback(s);
	return r;
}

const char *const isms_setting_keys[] = {"organisation", "budget", "acceptance",
					 "protection.high", "protection.very_high",
					 "package.catalogues", NULL};

/* "a, b" -> "a,b", each the name of an imported catalog (not a profile or mapping). */
static int apply_package_catalogues(struct isms_store *s, const char *value)
{
	char *canon = malloc(strlen(value) + 1), *name, *save = NULL, *copy = strdup(value);
	size_t len = 0;
	int r = 0;

	if (!canon || !copy) {
		r = -ENOMEM;
		goto out;
	}
	for (name = strtok_r(copy, ",", &save); name && r >= 0; name = strtok_r(NULL, ",", &save)) {
		int64_t found = 0;

		while (*name == ' ')
			name++;
		for (size_t n = strlen(name); n && name[n - 1] == ' ';)
			name[--n] = '\0';
		r = store_query_int(s, "SELECT count(*) FROM catalogue WHERE name = ?1 AND kind = 'catalog'",
				    name, NULL, NULL, &found);
		if (r >= 0 && found == 0)
			r = store_seterr(s, -ENOENT, "package.catalogues: no imported catalog '%.64s'"
						     " ('ismsctl catalogue list')", name);
		if (r >= 0)
			len += (size_t)sprintf(canon + len, "%s%s", len ? "," : "", name);
	}
	if (r >= 0 && !len)
		r = store_seterr(s, -EINVAL, "package.catalogues: name at least one catalogue");
	if (r >= 0)
		r = isms_setting_set(s, "package.catalogues", canon);
out:
	free(copy);
	free(canon);
	return r < 0 ? r : 0;
}

int isms_setting_apply(struct isms_store *s, const char *key, const char *value)
{
	char buf[32];

	if (strcmp(key, "organisation") == 0) {
		if (!value[0] || strlen(value) > ISMS_VALUE_MAX || !isms_text_ok(value))
			return store_seterr(s, -EINVAL, "organisation: must be printable text");
		return isms_setting_set(s, key, value);
	}
	if (strcmp(key, "budget") == 0) {
		int64_t cents;

		if (isms_parse_cents(value, &cents) < 0)
			return store_seterr(s, -EINVAL,
					    "budget: '%.64s' is not an amount (e.g. 50000 or 1200.50)",
					    value);
		snprintf(buf, sizeof(buf), "%" PRId64, cents);
		return isms_setting_set(s, key, buf);
	}
	if (strcmp(key, "acceptance") == 0) {
		struct isms_risk_matrix m;
		int r = isms_risk_matrix_load(s, &m);
		int lv;

		if (r < 0)
			return r;
		lv = isms_risk_level_value(&m, value);
		if (lv < 0)
			return store_seterr(s, -EINVAL,
					    "acceptance: '%.64s' is not a level of the risk matrix",
					    value);
		snprintf(buf, sizeof(buf), "%d", lv);
		return isms_setting_set(s, key, buf);
	}
	/* The lowest impact a risk on an asset of that requirement may have unjustified. */
	if (strcmp(key, "protection.high") == 0 || strcmp(key, "protection.very_high") == 0) {
		struct isms_risk_matrix m;
		int r = isms_risk_matrix_load(s, &m);
		int v;

		if (r < 0)
			return r;
		v = isms_risk_axis_value(&m, "impact", value);
		if (v < 0)
			return store_seterr(s, -EINVAL,
					    "%s: '%.64s' is not on the impact axis of the risk matrix"
					    " (1-%d or a label)",
					    key, value, m.nimpact);
		snprintf(buf, sizeof(buf), "%d", v);
		return isms_setting_set(s, key, buf);
	}
	/* the catalogues the requirement packages draw from */
	if (strcmp(key, "package.catalogues") == 0)
		return apply_package_catalogues(s, value);
	return store_seterr(s, -EINVAL,
			    "unknown setting '%.64s' (known: organisation, budget, acceptance,"
			    " protection.high, protection.very_high, package.catalogues)",
			    key);
}

int isms_risk_matrix_counts(struct isms_store *s, bool residual,
			    int ret_counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX])
{
	sqlite3_stmt *st = NULL;
	int r;

	memset(ret_counts, 0, sizeof(int) * ISMS_MATRIX_MAX * ISMS_MATRIX_MAX);
	/* Residual: where treatment left each risk; untreated ones stay put. */
	r = store_prepare(s,
			  residual ? "SELECT coalesce(residual_likelihood, likelihood),"
				     " coalesce(residual_impact, impact), count(*) FROM risk GROUP BY 1, 2" :
				     "SELECT likelihood, impact, count(*) FROM risk GROUP BY 1, 2",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int l = sqlite3_column_int(st, 0), i = sqlite3_column_int(st, 1);

		if (l >= 1 && l <= ISMS_MATRIX_MAX && i >= 1 && i <= ISMS_MATRIX_MAX)
			ret_counts[l - 1][i - 1] = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

struct unacceptable {
	int il, ii, irl, iri, iacc;
	bool residual;
	int (*counts)[ISMS_MATRIX_MAX];
};

static int scale_value(const char *v)
{
	return v ? atoi(v) : 0;
}

static int unacceptable_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct unacceptable *x = userdata;
	int l = scale_value(values[x->il]), i = scale_value(values[x->ii]);

	(void)e;
	if (x->residual && values[x->irl])
		l = scale_value(values[x->irl]);
	if (x->residual && values[x->iri])
		i = scale_value(values[x->iri]);
	if (l < 1 || l > ISMS_MATRIX_MAX || i < 1 || i > ISMS_MATRIX_MAX)
		return 0;
	if (!values[x->iacc] || strcmp(values[x->iacc], "yes") != 0)
		x->counts[l - 1][i - 1]++;
	return 0;
}

int isms_risk_matrix_unacceptable(struct isms_store *s, bool residual,
				  int ret_counts[ISMS_MATRIX_MAX][ISMS_MATRIX_MAX])
{
	const struct isms_entity *e = store_entity(s, "risk");
	struct unacceptable x = {.residual = residual, .counts = ret_counts};

	memset(ret_counts, 0, sizeof(int) * ISMS_MATRIX_MAX * ISMS_MATRIX_MAX);
	if (!e)
		return -ENOENT;
	/* Through the register, so that 'acceptable' is the one risk list shows. */
	x.il = isms_entity_field_index(e, "likelihood");
	x.ii = isms_entity_field_index(e, "impact");
	x.irl = isms_entity_field_index(e, "residual_likelihood");
	x.iri = isms_entity_field_index(e, "residual_impact");
	x.iacc = isms_entity_field_index(e, "acceptable");
	if (x.il < 0 || x.ii < 0 || x.irl < 0 || x.iri < 0 || x.iacc < 0)
		return -EINVAL;
	return isms_record_list(s, e, NULL, 0, unacceptable_cb, &x);
}

struct json_object *isms_risk_matrix_to_json(const struct isms_risk_matrix *m)
{
	struct json_object *o = json_object_new_object(), *a;

	a = json_object_new_array();
	for (int i = 0; i < m->nlikelihood; i++)
		json_object_array_add(a, json_object_new_string(m->likelihood[i]));
	json_object_object_add(o, "likelihood", a);
	a = json_object_new_array();
	for (int i = 0; i < m->nimpact; i++)
		json_object_array_add(a, json_object_new_string(m->impact[i]));
	json_object_object_add(o, "impact", a);
	a = json_object_new_array();
	for (int i = 0; i < m->nlevels; i++)
		json_object_array_add(a, json_object_new_string(m->level[i]));
	json_object_object_add(o, "levels", a);
	a = json_object_new_array();
	for (int l = 0; l < m->nlikelihood; l++) {
		struct json_object *row = json_object_new_array();

		for (int i = 0; i < m->nimpact; i++)
			json_object_array_add(row, json_object_new_int(m->cell[l][i]));
		json_object_array_add(a, row);
	}
	json_object_object_add(o, "cells", a);
	json_object_object_add(o, "acceptance",
			       json_object_new_string(m->level[m->acceptance - 1]));
	return o;
}
