/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A risk's impact per protection objective (BSI 200-3): the impact on
 * confidentiality, integrity and availability, the risk's impact being the
 * highest of those given, each held against the protection requirement of
 * every asset the risk is on.  A rating below what a requirement demands is
 * refused unless it is justified: a negligible impact on a 'very high'
 * confidentiality asset is a finding, not a silent entry.  Part of the
 * risk record type's written() hook, on every add, change and import.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/risk.h"
#include "isms/strutil.h"
#include "crud_internal.h"
#include "risk_impact_internal.h"
#include "store_internal.h"

#define NOBJ 3

static const char *const objectives[NOBJ] = {"confidentiality", "integrity", "availability"};
static const char *const impact_cols[NOBJ] = {"impact_confidentiality", "impact_integrity",
					      "impact_availability"};

int isms_risk_impact_minimum(struct isms_store *s, const struct isms_risk_matrix *m,
			     const char *requirement, int *ret_min)
{
	char key[64], *v = NULL;
	int64_t n;
	int r, min;

	if (strcmp(requirement, "high") == 0)
		min = m->nimpact - 1;
	else if (strcmp(requirement, "very_high") == 0)
		min = m->nimpact;
	else
		min = 0;
	if (min > 0) {
		snprintf(key, sizeof(key), "protection.%s", requirement);
		r = isms_setting_get(s, key, &v);
		if (r == 0 && isms_parse_int64(v, &n) == 0)
			min = (int)(n < 1 ? 1 : n > m->nimpact ? m->nimpact : n);
		free(v);
		if (r < 0 && r != -ENOENT)
			return r;
		if (min < 1)
			min = 1;
	}
	*ret_min = min;
	return 0;
}

static bool kv_given(const struct isms_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, name) == 0)
			return true;
	return false;
}

struct rating {
	int64_t pk;
	int impact;
	int obj[NOBJ]; /* 0: not given */
	bool justified;
};

static int load(struct isms_store *s, const char *key, struct rating *ret)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "SELECT pk, impact, coalesce(impact_confidentiality, 0),"
			  " coalesce(impact_integrity, 0), coalesce(impact_availability, 0),"
			  " coalesce(length(trim(impact_justification)), 0) > 0"
			  " FROM risk WHERE id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "risk '%.64s' not found", key);
	if (r > 0) {
		ret->pk = sqlite3_column_int64(st, 0);
		ret->impact = sqlite3_column_int(st, 1);
		for (int i = 0; i < NOBJ; i++)
			ret->obj[i] = sqlite3_column_int(st, 2 + i);
		ret->justified = sqlite3_column_int(st, 5) != 0;
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

/*
 * The impact is the highest of the objectives' when any is given: an add
 * took it already (crud's max_of); a change of one objective moves it.
 */
static int sync_impact(struct isms_store *s, const struct isms_risk_matrix *m, const char *key,
		       const struct isms_kv *kv, size_t n, struct rating *rt)
{
	const struct isms_entity *e = store_entity(s, "risk");
	sqlite3_stmt *st = NULL;
	char **before = NULL;
	int max = 0, r = 0;

	for (int i = 0; i < NOBJ; i++)
		if (rt->obj[i] > max)
			max = rt->obj[i];
	if (!max || max == rt->impact)
		return 0;
	if (kv_given(kv, n, "impact"))
		return store_seterr(s, -EINVAL,
				    "risk '%.64s': impact %d (%s) is not the highest of its impacts on"
				    " confidentiality, integrity and availability (%d, %s): give"
				    " those, or clear them to rate the impact as a whole",
				    key, rt->impact, m->impact[rt->impact - 1], max,
				    m->impact[max - 1]);
	/* The change's history row is written already: a second one records the move. */
	if (history_journaled(s, e))
		r = history_load(s, e, key, &before);
	if (r >= 0)
		r = store_prepare(s, "UPDATE risk SET impact = ?1 WHERE pk = ?2", &st);
	if (r >= 0 && (sqlite3_bind_int(st, 1, max) != SQLITE_OK ||
		       sqlite3_bind_int64(st, 2, rt->pk) != SQLITE_OK))
		r = store_seterr(s, -ENOMEM, "%s", "cannot bind the impact");
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r >= 0)
		r = history_changed(s, e, key, before);
	history_values_free(e, before);
	rt->impact = max;
	return r;
}

/* Every asset of the risk, objective by objective, against the minimum its requirement demands. */
static int check_requirements(struct isms_store *s, const struct isms_risk_matrix *m,
			      const char *key, const struct rating *rt)
{
	sqlite3_stmt *st = NULL;
	bool any_obj = rt->obj[0] || rt->obj[1] || rt->obj[2];
	int r;

	if (rt->justified)
		return 0;
	r = store_prepare(s,
			  "SELECT a.name, a.confidentiality, a.integrity, a.availability"
			  " FROM risk_asset l JOIN asset a ON a.pk = l.asset WHERE l.risk = ?1"
			  " ORDER BY a.pk",
			  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, rt->pk) != SQLITE_OK)
		r = store_seterr(s, -ENOMEM, "%s", "cannot bind the risk");
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		for (int i = 0; i < NOBJ && r >= 0; i++) {
			const char *req = (const char *)sqlite3_column_text(st, 1 + i);
			/* Rated per objective, only those rated are affected; else the
			 * impact as a whole stands for each. */
			int have = any_obj ? rt->obj[i] : rt->impact, min;

			if (!req || (any_obj && !have))
				continue;
			r = isms_risk_impact_minimum(s, m, req, &min);
			if (r < 0 || have >= min)
				continue;
			r = store_seterr(s, -EINVAL,
					 "risk '%.64s': impact on %s %d (%s) is below what asset"
					 " '%.64s' requires: its %s requirement is %s, which needs at"
					 " least %d (%s); rate it higher or give --impact-justification",
					 key, objectives[i], have, m->impact[have - 1],
					 (const char *)sqlite3_column_text(st, 0), objectives[i], req,
					 min, m->impact[min - 1]);
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int risk_impact_asset_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			      const struct isms_kv *kv, size_t n, bool added)
{
	struct isms_risk_matrix m;
	sqlite3_stmt *st = NULL;
	bool touched = false;
	int r;

	(void)e;
	for (size_t i = 0; i < NOBJ; i++)
		touched = touched || kv_given(kv, n, objectives[i]);
	/* A new asset has no risks yet. */
	if (added || !touched)
		return 0;
	r = isms_risk_matrix_load(s, &m);
	if (r >= 0)
		r = store_prepare(s,
				  "SELECT k.id FROM risk k JOIN risk_asset l ON l.risk = k.pk"
				  " JOIN asset a ON a.pk = l.asset WHERE a.name = ?1 ORDER BY k.pk",
				  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *risk = (const char *)sqlite3_column_text(st, 0);
		struct rating rt = {0};

		r = load(s, risk, &rt);
		if (r >= 0)
			r = check_requirements(s, &m, risk, &rt);
		if (r == -EINVAL)
			store_seterr(s, r, "asset '%.64s': requirement not raised: %s", key,
				     isms_store_errmsg(s));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int risk_impact_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	static const char *const watched[] = {"impact", "asset", "impact_justification"};
	struct isms_risk_matrix m;
	struct rating rt = {0};
	bool touched = added;
	int r;

	(void)e;
	/* Added without assets or objectives, a risk has nothing to be held to (a fast import). */
	if (added)
		touched = kv_given(kv, n, "asset");
	for (size_t i = 0; i < NOBJ && !touched; i++)
		touched = kv_given(kv, n, impact_cols[i]) || (!added && kv_given(kv, n, watched[i]));
	if (!touched)
		return 0;
	r = isms_risk_matrix_load(s, &m);
	if (r >= 0)
		r = load(s, key, &rt);
	if (r >= 0)
		r = sync_impact(s, &m, key, kv, n, &rt);
	if (r >= 0)
		r = check_requirements(s, &m, key, &rt);
	return r;
}
