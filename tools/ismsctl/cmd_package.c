/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ismsctl package: the Grundschutz++ requirement package of an asset or of
 * the whole scope, with its tailoring and its check; the BSI's target
 * object types; and ismsctl asset protection, the protection requirements
 * inherited along the assets' dependencies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ismsctl.h"
#include "isms/modelling.h"

static const char *const why_names[] = {"added", "type", "ancestor type", "domain"};

static const char *const pkg_cols[] = {
	"asset", "id", "title", "sec_level", "why", "tailoring", "status", "observed", "controls",
	"params_open",
	/* --all, --json */
	"catalogue", "effort_level", "modal_verb", "categories", "params", "owner", "measure",
	"checked_at", "check_id", "observed_by", "tailoring_id", "justification", "risk"};
#define PKG_COLS  23
#define PKG_BRIEF 10

struct pkg_out {
	struct out_table t;
	struct isms_package_totals sum;
	bool observed_only;
};

static int pkg_row(const struct isms_package_entry *e, void *ud)
{
	struct pkg_out *o = ud;
	char open[24];
	const char *row[PKG_COLS] = {
		e->asset, e->id, e->title, e->sec_level, why_names[e->why], e->tailoring, e->status,
		e->observed, e->controls, open, e->catalogue, e->effort_level, e->modal_verb,
		e->categories, e->params, e->owner, e->measure, e->checked_at, e->check_id,
		e->observed_by, e->tailoring_id, e->justification, e->risk};

	if (o->observed_only && !e->observed)
		return 0;
	snprintf(open, sizeof(open), "%zu", e->params_open);
	return out_table_add(&o->t, row);
}

static void sum_add(struct isms_package_totals *a, const struct isms_package_totals *b)
{
	a->requirements += b->requirements;
	a->excluded += b->excluded;
	a->added += b->added;
	a->checked += b->checked;
	a->yes += b->yes;
	a->partly += b->partly;
	a->no += b->no;
	a->not_applicable += b->not_applicable;
	a->open += b->open;
	a->observed += b->observed;
	a->observed_fail += b->observed_fail;
}

static int package_list(struct cli *c, int argc, char **argv)
{
	const char *asset = NULL;
	bool domain = false;
	struct pkg_out o = {0};
	const struct cli_opt opts[] = {CLI_OPT("--asset", &asset), CLI_FLAG("--domain", &domain),
				       CLI_FLAG("--observed", &o.observed_only), CLI_OPT_END};
	size_t ncols = c->all || c->fmt != OUT_TABLE ? PKG_COLS : PKG_BRIEF;
	struct isms_model_names nm = {0};
	struct isms_package_totals t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl package list [--asset NAME | --domain] [--observed]\n\n"
	     "The Grundschutz++ requirement package: the requirements of the imported\n"
	     "catalogues (setting package.catalogues, default every catalogue with\n"
	     "security levels) whose target object categories name the asset's target\n"
	     "object type or a type above it, at security level normal-SdT always and\n"
	     "'erhöht' where the asset's effective protection requirement ('ismsctl asset\n"
	     "protection') is high or very high.  --domain: the requirements that name no\n"
	     "type, for the information domain as a whole (its protection requirement\n"
	     "is that of its most demanding asset).  Without either: the domain's package\n"
	     "and that of every asset with a target object type.\n\n"
	     "Each row says why it is there (type, ancestor type, domain, added), its\n"
	     "tailoring (add, exclude: 'ismsctl tailoring add'), its check ('ismsctl\n"
	     "implementation add': yes, partly, no, not_applicable), what the control\n"
	     "tests naming it observe (pass, fail, insufficient), the Annex A controls\n"
	     "it serves through the BSI's mapping, and how many of its parameters are\n"
	     "not filled in ('ismsctl parameter add').  --observed: only those a\n"
	     "control test observes.  A summary of the whole package follows (on\n"
	     "stderr with --json and --csv).\n");
	code = cli_opts("package list", argc, argv, 1, opts);
	if (code)
		return code;
	if (asset && domain)
		return cli_usage("package list", "--asset and --domain exclude each other");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&o.t, ncols);
	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(&o.t, k, pkg_cols[k],
				      k == 9 ? OT_INT : k == 8 ? OT_LIST : OT_TEXT);
	if (r >= 0 && !asset) {
		r = isms_package_list(c->store, NULL, pkg_row, &o, &t);
		sum_add(&o.sum, &t);
	}
	if (r >= 0 && !asset && !domain)
		r = isms_model_assets(c->store, &nm);
	for (size_t i = 0; r >= 0 && i < nm.n; i++) {
		r = isms_package_list(c->store, nm.v[i], pkg_row, &o, &t);
		sum_add(&o.sum, &t);
	}
	if (r >= 0 && asset) {
		r = isms_package_list(c->store, asset, pkg_row, &o, &t);
		sum_add(&o.sum, &t);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &o.t);
	/* for people after the table; beside JSON and CSV, which stay data only */
	if (r >= 0 && !c->quiet)
		out_note(c->fmt == OUT_TABLE ? stdout : stderr,
			"%zu requirements (%zu added, %zu excluded): %zu yes, %zu partly, %zu no,"
			" %zu not applicable, %zu not checked; %zu observed (by control tests or,"
			" for the method, from the register),"
			" %zu failing\n",
			o.sum.requirements, o.sum.added, o.sum.excluded, o.sum.yes, o.sum.partly,
			o.sum.no, o.sum.not_applicable, o.sum.open, o.sum.observed,
			o.sum.observed_fail);
	isms_model_names_release(&nm);
	out_table_release(&o.t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

static int package_types(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"name", "type", "category", "parent", "synonyms",
					   "uuid", "definition"};
	size_t ncols = c->all || c->fmt != OUT_TABLE ? 7 : 5;
	struct isms_toc *toc = NULL;
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl package types\n\n"
	     "The BSI's target object types (Zielobjekte) loaded by 'ismsctl init': name,\n"
	     "type, category, the parent type whose requirements a type receives too,\n"
	     "synonyms (--all adds the UUID and the definition).  An asset is modelled\n"
	     "as one: 'ismsctl asset set NAME --target-object Hostsysteme'.\n");
	if (argc != 1)
		return cli_usage("package types", "'types' takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_model_types(c->store, &toc);
	if (r < 0)
		return cli_store_fail(c, r);
	r = out_table_init(&t, ncols);
	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(&t, k, cols[k], OT_TEXT);
	for (size_t i = 0; r >= 0 && i < toc->n; i++) {
		const struct isms_toc_type *y = &toc->types[i];
		const char *row[7] = {y->name, y->type, y->category,
				      y->parent >= 0 ? toc->types[y->parent].name : NULL,
				      y->synonyms[0] ? y->synonyms : NULL, y->uuid, y->definition};

		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	isms_toc_free(toc);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

int cmd_package(struct cli *c, int argc, char **argv)
{
	HELP(argc < 3 ? argc : 2, argv,
	     "Usage: ismsctl package list [--asset NAME | --domain] [--observed]\n"
	     "       ismsctl package method\n"
	     "       ismsctl package types\n\n"
	     "The Grundschutz++ requirement packages of the assets modelled as target\n"
	     "objects, with their tailoring and their check, and the BSI's target object\n"
	     "types, and the method requirements the store answers from its records.\n"
	     "'ismsctl package SUBCOMMAND --help' describes each.  The records\n"
	     "behind them: tailoring, parameter, implementation (the check), override\n"
	     "(of an inherited protection requirement).\n");
	if (argc < 2)
		return cli_usage("package", "package takes 'list', 'method' or 'types'");
	if (strcmp(argv[1], "list") == 0)
		return package_list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "types") == 0)
		return package_types(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "method") == 0)
		return cmd_package_method(c, argc - 1, argv + 1);
	return cli_usage("package", "unknown subcommand '%s' (list, method, types)", argv[1]);
}

/* ---- ismsctl asset protection ---------------------------------------------------------- */

static const char *const prot_cols[] = {
	"asset", "type", "target_object", "confidentiality", "integrity", "availability",
	/* --all, --json */
	"own_confidentiality", "own_integrity", "own_availability", "inherited_confidentiality",
	"inherited_integrity", "inherited_availability", "from_confidentiality",
	"from_integrity", "from_availability", "override_confidentiality", "override_integrity",
	"override_availability"};
#define PROT_COLS  18
#define PROT_BRIEF 6

static int prot_row(const struct isms_model_protection *p, void *ud)
{
	const char *row[PROT_COLS] = {p->asset, p->type, p->target_object};
	char eff[3][48];

	for (int o = 0; o < ISMS_PROT_N; o++) {
		/* where it comes from, for people: "high (from crm)", "normal (override PO-1)" */
		if (p->override[o])
			snprintf(eff[o], sizeof(eff[o]), "%s (%s %s)",
				 isms_model_level_name(p->effective[o]), p->effect[o], p->override[o]);
		else if (p->from[o])
			snprintf(eff[o], sizeof(eff[o]), "%s (from %s)",
				 isms_model_level_name(p->effective[o]), p->from[o]);
		else
			snprintf(eff[o], sizeof(eff[o]), "%s", isms_model_level_name(p->effective[o]));
		row[3 + o] = eff[o];
		row[6 + o] = isms_model_level_name(p->own[o]);
		row[9 + o] = isms_model_level_name(p->inherited[o]);
		row[12 + o] = p->from[o];
		row[15 + o] = p->override[o];
	}
	return out_table_add(ud, row);
}

int cmd_asset_protection(struct cli *c, int argc, char **argv)
{
	const char *asset = NULL;
	size_t ncols = c->all || c->fmt != OUT_TABLE ? PROT_COLS : PROT_BRIEF;
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl asset protection [NAME]\n\n"
	     "The effective protection requirements of each asset (or of NAME) by the\n"
	     "maximum principle (BSI 200-2): an asset needs at least what every asset\n"
	     "that depends on it needs ('ismsctl asset set crm --depends-on web1' makes\n"
	     "web1 inherit crm's requirements, and web1's room inherit web1's).  An\n"
	     "override ('ismsctl override add --asset web1 --objective availability\n"
	     "--level normal --effect distribution --justification TEXT') replaces the\n"
	     "inherited value where the distribution effect lowers it or the cumulative\n"
	     "effect raises it.  Each value says where it comes from; --all and --json\n"
	     "give the asset's own, the inherited and the override apart.\n");
	if (argc > 2)
		return cli_usage("asset protection", "at most one asset NAME");
	if (argc == 2) {
		if (argv[1][0] == '-')
			return cli_usage("asset protection", "unknown option '%s'", argv[1]);
		asset = argv[1];
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, ncols);
	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(&t, k, prot_cols[k], OT_TEXT);
	if (r >= 0)
		r = isms_model_protection(c->store, asset, prot_row, &t);
	if (r >= 0)
		r = asset ? out_print_record(stdout, c->fmt, &t, 0) : out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
