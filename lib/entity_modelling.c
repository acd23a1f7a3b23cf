/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a person decides about the modelling (BSI 200-2, Grundschutz++):
 * an override of an inherited protection requirement (the cumulative
 * effect raises it, the distribution effect lowers it, and either is
 * justified), the tailoring of a requirement package (a requirement added,
 * or excluded with a justification and the risk analysis behind it), a
 * parameter filled in, and the requirement check of one requirement for
 * one asset or for the information domain (asset empty).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "modelling_internal.h"
#include "register_internal.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const objectives[] = {"confidentiality", "integrity", "availability", NULL};
static const char *const levels[] = {"normal", "high", "very_high", NULL};
static const char *const effects[] = {"cumulative", "distribution", NULL};
static const char *const actions[] = {"add", "exclude", NULL};
static const char *const statuses[] = {"yes", "partly", "no", "not_applicable", NULL};

int model_requirement_find(struct isms_store *s, const char *id, char **ret_catalogue)
{
	char *cat = NULL;
	int r;

	r = store_query_text(s, "SELECT c.name FROM catalogue_control k"
				" JOIN catalogue c ON c.pk = k.catalogue"
				" WHERE k.id = ?1 AND c.kind = 'catalog' ORDER BY c.pk LIMIT 1",
			     id, NULL, NULL, &cat);
	if (r == 0)
		store_seterr(s, 0, "no requirement '%.64s' in the imported catalogues"
				   " ('ismsctl catalogue list')", id);
	if (ret_catalogue)
		*ret_catalogue = cat;
	else
		free(cat);
	return r;
}

static int requirement_exists(struct isms_store *s, const char *what, const char *id)
{
	int r = model_requirement_find(s, id, NULL);

	if (r == 0)
		r = store_seterr(s, -ENOENT, "%s: no requirement '%.64s' in the imported catalogues"
					     " ('ismsctl catalogue list')", what, id);
	return r < 0 ? r : 0;
}

/*
 * A decision about a requirement (a tailoring, a check): the requirement
 * exists, and when the decision is @when (an exclusion, not applicable) it
 * gives what that needs (the risk analysis, the reason).  @sql reads the
 * requirement, the decision and that column of the record @key.
 */
static int decision_written(struct isms_store *s, const char *key, const char *sql,
			    const char *kind, const char *when, const char *needs)
{
	char *v[3] = {0}, what[96];
	int r;

	r = register_row(s, sql, key, v, 3);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "%s '%.64s'", kind, key);
	r = requirement_exists(s, what, v[0]);
	if (r >= 0 && strcmp(v[1], when) == 0 && !v[2])
		r = store_seterr(s, -EINVAL, "%s: %s", what, needs);
	register_row_release(v, 3);
	return r;
}

/* ---- protection_override ---------------------------------------------------------------- */

static const struct isms_field override_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. PO-1 (generated if absent)"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset", .flags = ISMS_FF_REQUIRED,
	 .help = "the asset whose inherited requirement it replaces"},
	{.name = "objective", .type = ISMS_FT_ENUM, .choices = objectives, .flags = ISMS_FF_REQUIRED,
	 .help = "confidentiality, integrity or availability"},
	{.name = "level", .type = ISMS_FT_ENUM, .choices = levels, .flags = ISMS_FF_REQUIRED,
	 .help = "the requirement that holds instead"},
	{.name = "effect", .type = ISMS_FT_ENUM, .choices = effects, .flags = ISMS_FF_REQUIRED,
	 .help = "cumulative (raises it) or distribution (lowers it)"},
	{.name = "justification", .flags = ISMS_FF_REQUIRED,
	 .help = "why the maximum principle does not hold here"},
	{.name = "decided_by", .type = ISMS_FT_REF, .ref = "person", .help = "who decided it"},
	{.name = "decided_at", .type = ISMS_FT_DATE, .dflt = ISMS_DFLT_TODAY, .help = "when"},
};

/*
 * The effect says which way the override goes from what the maximum
 * principle gives: one that goes the other way, or nowhere, is a mistake.
 */
static int override_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			    const struct isms_kv *kv, size_t n, bool added)
{
	char *v[4] = {0};
	struct model_graph *g = NULL;
	int r, o = -1, want, inherited = 0;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s, "SELECT a.name, p.objective, p.level, p.effect FROM protection_override p"
			    " JOIN asset a ON a.pk = p.asset WHERE p.id = ?1", key, v, 4);
	if (r < 0)
		return r;
	r = model_graph_read(s, &g);
	for (int i = 0; r >= 0 && objectives[i]; i++)
		if (strcmp(objectives[i], v[1]) == 0)
			o = i;
	for (size_t i = 0; r >= 0 && o >= 0 && i < g->n; i++)
		if (strcmp(g->asset[i].name, v[0]) == 0)
			inherited = g->result[i].inherited[o];
	want = isms_model_level(v[2]);
	if (r >= 0 && o >= 0 && strcmp(v[3], "cumulative") == 0 && want <= inherited)
		r = store_seterr(s, -EINVAL, "override '%.64s': the cumulative effect raises a"
					     " requirement, but %s of '%.64s' is %s by the maximum"
					     " principle already", key, v[1], v[0],
				 isms_model_level_name(inherited));
	else if (r >= 0 && o >= 0 && strcmp(v[3], "distribution") == 0 && want >= inherited)
		r = store_seterr(s, -EINVAL, "override '%.64s': the distribution effect lowers a"
					     " requirement, but %s of '%.64s' is %s by the maximum"
					     " principle", key, v[1], v[0],
				 isms_model_level_name(inherited));
	model_graph_free(g);
	register_row_release(v, 4);
	return r < 0 ? r : 0;
}

const struct isms_entity isms_entity_override = {
	.name = "override",
	.plural = "overrides",
	.table = "protection_override",
	.auto_prefix = "PO-",
	.fields = override_fields,
	.nfields = N(override_fields),
	.help = "justified overrides of inherited protection requirements (BSI 200-2)",
	.written = override_written,
};

/* ---- tailoring ------------------------------------------------------------------------- */

static const struct isms_field tailoring_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. TL-1 (generated if absent)"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset",
	 .help = "the asset whose package it changes (empty: the information domain's)"},
	{.name = "requirement", .flags = ISMS_FF_REQUIRED,
	 .help = "the requirement's id in an imported catalogue (e.g. KONF.4.1)"},
	{.name = "action", .type = ISMS_FT_ENUM, .choices = actions, .flags = ISMS_FF_REQUIRED,
	 .help = "add it to the package, or exclude it"},
	{.name = "justification", .flags = ISMS_FF_REQUIRED, .help = "why"},
	{.name = "risk", .type = ISMS_FT_REF, .ref = "risk",
	 .help = "the risk analysis behind an exclusion (required to exclude)"},
	{.name = "decided_by", .type = ISMS_FT_REF, .ref = "person", .help = "who decided it"},
	{.name = "decided_at", .type = ISMS_FT_DATE, .dflt = ISMS_DFLT_TODAY, .help = "when"},
};

static int tailoring_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			     const struct isms_kv *kv, size_t n, bool added)
{
	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	return decision_written(s, key,
				"SELECT requirement, action, risk FROM tailoring WHERE id = ?1",
				"tailoring", "exclude",
				"excluding a requirement needs the risk analysis behind it (--risk R-N)");
}

const struct isms_entity isms_entity_tailoring = {
	.name = "tailoring",
	.plural = "tailorings",
	.table = "tailoring",
	.auto_prefix = "TL-",
	.fields = tailoring_fields,
	.nfields = N(tailoring_fields),
	.help = "requirements added to or excluded from a package (Grundschutz++)",
	.written = tailoring_written,
};

/* ---- parameter ------------------------------------------------------------------------- */

static const struct isms_field parameter_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. PA-1 (generated if absent)"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset",
	 .help = "the asset it holds for (empty: every asset)"},
	{.name = "param", .flags = ISMS_FF_REQUIRED,
	 .help = "the parameter's id in a requirement (e.g. asst.1.2-prm1)"},
	{.name = "value", .flags = ISMS_FF_REQUIRED, .help = "what it is set to (e.g. quarterly)"},
};

static int parameter_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			     const struct isms_kv *kv, size_t n, bool added)
{
	char *param = NULL;
	int64_t found = 0;
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s, "SELECT param FROM parameter WHERE id = ?1", key, &param, 1);
	if (r < 0)
		return r;
	r = store_query_int(s, "SELECT count(*) FROM catalogue_control k"
			       " JOIN catalogue c ON c.pk = k.catalogue AND c.kind = 'catalog',"
			       " json_each(k.params) j WHERE json_extract(j.value, '$.id') = ?1",
			    param, NULL, NULL, &found);
	if (r >= 0 && found == 0)
		r = store_seterr(s, -ENOENT, "parameter '%.64s': no requirement of the imported"
					     " catalogues has a parameter '%.64s'", key, param);
	free(param);
	return r < 0 ? r : 0;
}

const struct isms_entity isms_entity_parameter = {
	.name = "parameter",
	.plural = "parameters",
	.table = "parameter",
	.auto_prefix = "PA-",
	.fields = parameter_fields,
	.nfields = N(parameter_fields),
	.help = "parameters of requirements filled in (Grundschutz++)",
	.written = parameter_written,
};

/* ---- implementation: the requirement check ------------------------------------------- */

static const struct isms_field impl_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. RC-1 (generated if absent)"},
	{.name = "asset", .type = ISMS_FT_REF, .ref = "asset",
	 .help = "the asset checked (empty: the information domain)"},
	{.name = "requirement", .flags = ISMS_FF_REQUIRED,
	 .help = "the requirement's id in an imported catalogue (e.g. KONF.4.1)"},
	{.name = "status", .type = ISMS_FT_ENUM, .choices = statuses, .flags = ISMS_FF_REQUIRED,
	 .help = "yes, partly, no or not_applicable"},
	{.name = "owner", .type = ISMS_FT_REF, .ref = "person", .help = "who answers for it"},
	{.name = "measure", .type = ISMS_FT_REF, .ref = "measure", .help = "the measure that implements it"},
	{.name = "checked_at", .type = ISMS_FT_DATE, .dflt = ISMS_DFLT_TODAY,
	 .help = "when it was checked"},
	{.name = "notes", .flags = ISMS_FF_HIDDEN,
	 .help = "how it is implemented, or why it is not applicable (required then)"},
};

static int impl_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	return decision_written(s, key,
				"SELECT requirement, status, notes FROM implementation WHERE id = ?1",
				"requirement check", "not_applicable",
				"a requirement not applicable needs the reason (--notes TEXT)");
}

const struct isms_entity isms_entity_implementation = {
	.name = "implementation",
	.plural = "implementations",
	.table = "implementation",
	.auto_prefix = "RC-",
	.fields = impl_fields,
	.nfields = N(impl_fields),
	.help = "the requirement check: each requirement's status per asset (Grundschutz++)",
	.written = impl_written,
};
