/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OSCAL reader: the BSI's Grundschutz++ files as published (from
 * ../shared/catalogues beside the source tree, or $ISMS_SHARED_DIR; the
 * tests skip when they are absent), small documents written here, and
 * hostile or malformed ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/catalogue.h"
#include "isms/oscal.h"
#include "testutil.h"

#define BSI_DIR "catalogues/bsi-grundschutz-plusplus/"

/* A file of the BSI's, or NULL (the test then skips). */
static char *bsi_file(const char *name, size_t *ret_len)
{
	const char *shared = getenv("ISMS_SHARED_DIR");
	const char *root = getenv("ISMS_SOURCE_ROOT");
	char path[4096], *buf = NULL;

	if (shared && *shared)
		snprintf(path, sizeof(path), "%s/" BSI_DIR "%s", shared, name);
	else
		snprintf(path, sizeof(path), "%s/../shared/" BSI_DIR "%s", root ? root : ".", name);
	if (isms_read_file(path, ISMS_OSCAL_BYTES_MAX, &buf, ret_len) < 0)
		return NULL;
	return buf;
}

static struct isms_oscal_doc *parse_bsi(const char *name)
{
	struct isms_oscal_doc *doc = NULL;
	char err[512];
	size_t len;
	char *buf = bsi_file(name, &len);
	int r;

	if (!buf) {
		print_message("SKIP: %s is not there\n", name);
		return NULL;
	}
	r = isms_oscal_parse(buf, len, &doc, err, sizeof(err));
	free(buf);
	if (r < 0)
		fail_msg("%s: %s (%d)", name, err, r);
	return doc;
}

/* JSON written with single quotes, each becoming a double quote (malloc'd). */
static char *dq(const char *sq)
{
	char *s = strdup(sq);

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static struct isms_oscal_doc *parse_ok(const char *sq)
{
	struct isms_oscal_doc *doc = NULL;
	char err[512], *json = dq(sq);
	int r = isms_oscal_parse(json, strlen(json), &doc, err, sizeof(err));

	if (r < 0)
		fail_msg("refused: %s (%d) in %s", err, r, json);
	free(json);
	return doc;
}

/* Refused with -EINVAL and a message holding @want. */
static void refused_len(const char *json, size_t len, const char *want)
{
	struct isms_oscal_doc *doc = (struct isms_oscal_doc *)&doc;
	char err[512];
	int r;

	r = isms_oscal_parse(json, len, &doc, err, sizeof(err));
	if (r != -EINVAL)
		fail_msg("not refused (%d): %.200s", r, json);
	/* Left untouched on failure. */
	assert_ptr_equal(doc, (struct isms_oscal_doc *)&doc);
	assert_contains(err, want);
}

static void refused(const char *sq, const char *want)
{
	char *json = dq(sq);

	refused_len(json, strlen(json), want);
	free(json);
}

static const char *prop(const struct isms_oscal_control *c, const char *name,
			enum isms_oscal_origin origin)
{
	for (size_t i = 0; i < c->n_props; i++)
		if (strcmp(c->props[i].name, name) == 0 && c->props[i].origin == origin)
			return c->props[i].value;
	return NULL;
}

#define UUID  "'uuid':'58d876a3-04d3-474e-a02f-be949c2a0a61'"
#define META  "'metadata':{'title':'T','version':'1','oscal-version':'1.1.3'}"
#define CAT(body) "{'catalog':{" UUID "," META "," body "}}"

static void t_kernel(void **state)
{
	struct isms_oscal_doc *doc = parse_bsi("BSI-Stand-der-Technik-Kernel-catalog.json");
	size_t top = 0, normal = 0, raised = 0, toc = 0, toc_on_control = 0, stm = 0, gdn = 0;
	size_t must = 0, params = 0, nested = 0;

	(void)state;
	if (!doc)
		skip();
	assert_int_equal(doc->model, ISMS_OSCAL_CATALOG);
	assert_string_equal(doc->title, "BSI Stand der Technik Kernel");
	assert_string_equal(doc->oscal_version, "1.1.3");
	assert_non_null(doc->version);
	assert_int_equal(doc->n_controls, 901);
	assert_int_equal(doc->n_groups, 117);
	for (size_t i = 0; i < doc->n_groups; i++) {
		assert_true(doc->groups[i].parent < (ssize_t)i);
		top += doc->groups[i].parent == -1;
	}
	assert_int_equal(top, 14);
	assert_string_equal(doc->groups[0].id, "ASST");
	for (size_t i = 0; i < doc->n_controls; i++) {
		const struct isms_oscal_control *c = &doc->controls[i];
		const char *sec = prop(c, "sec_level", ISMS_OSCAL_ON_CONTROL);

		assert_true(c->group >= 0 && (size_t)c->group < doc->n_groups);
		/* Nested controls follow their parent, in its group: ASST.1.1.1 in ASST.1.1. */
		if (c->parent >= 0) {
			const struct isms_oscal_control *p = &doc->controls[c->parent];

			assert_true(c->parent < (ssize_t)i);
			assert_int_equal(c->group, p->group);
			assert_memory_equal(c->id, p->id, strlen(p->id));
			assert_int_equal(c->id[strlen(p->id)], '.');
			nested++;
		}
		assert_non_null(sec);
		normal += strcmp(sec, "normal-SdT") == 0;
		raised += strcmp(sec, "erhöht") == 0;
		assert_non_null(prop(c, "effort_level", ISMS_OSCAL_ON_CONTROL));
		/* The statement's props are kept apart from the control's. */
		assert_null(prop(c, "sec_level", ISMS_OSCAL_ON_STATEMENT));
		assert_null(prop(c, "modal_verb", ISMS_OSCAL_ON_CONTROL));
		toc += prop(c, "target_object_categories", ISMS_OSCAL_ON_STATEMENT) != NULL;
		toc_on_control += prop(c, "target_object_categories", ISMS_OSCAL_ON_CONTROL) != NULL;
		must += prop(c, "modal_verb", ISMS_OSCAL_ON_STATEMENT) &&
			strcmp(prop(c, "modal_verb", ISMS_OSCAL_ON_STATEMENT), "MUSS") == 0;
		stm += c->statement != NULL;
		gdn += c->guidance != NULL;
		params += c->n_params;
	}
	assert_int_equal(normal, 674);
	assert_int_equal(raised, 227);
	assert_int_equal(toc, 636);
	assert_int_equal(toc_on_control, 0);
	assert_true(must > 0);
	assert_int_equal(stm, 901);
	assert_int_equal(gdn, 899);
	assert_int_equal(params, 207);
	assert_int_equal(nested, 305);
	assert_string_equal(doc->controls[1].id, "ASST.1.1.1");
	assert_int_equal(doc->controls[1].parent, 0);
	/* The first control, as published. */
	assert_string_equal(doc->controls[0].id, "ASST.1.1");
	assert_string_equal(doc->controls[0].title, "Verfahren und Regelungen");
	assert_string_equal(doc->controls[0].class, "BSI-Stand-der-Technik-Kernel");
	assert_string_equal(doc->groups[doc->controls[0].group].id, "ASST.1");
	assert_string_equal(doc->controls[0].statement,
			    "Informationen und Assets MUSS Verfahren und Regelungen zum Management "
			    "von Informationen und damit verbundener Assets verankern.");
	assert_string_equal(prop(&doc->controls[0], "action_word", ISMS_OSCAL_ON_STATEMENT),
			    "verankern");
	for (size_t i = 0; i < doc->controls[0].n_props; i++)
		if (strcmp(doc->controls[0].props[i].name, "sec_level") == 0)
			assert_non_null(doc->controls[0].props[i].ns);
	isms_oscal_doc_free(doc);
}

static void t_methodik(void **state)
{
	struct isms_oscal_doc *doc = parse_bsi("BSI-Methodik-Grundschutz++-catalog.json");
	size_t top = 0, nested = 0;

	(void)state;
	if (!doc)
		skip();
	assert_int_equal(doc->model, ISMS_OSCAL_CATALOG);
	assert_int_equal(doc->n_controls, 95);
	for (size_t i = 0; i < doc->n_groups; i++)
		top += doc->groups[i].parent == -1;
	for (size_t i = 0; i < doc->n_controls; i++)
		nested += doc->controls[i].parent >= 0;
	assert_int_equal(nested, 43);
	assert_int_equal(top, 5); /* GC, STM, UMS, VRB, PERF */
	isms_oscal_doc_free(doc);

	doc = parse_bsi("BSI-Anforderungen-zum-Risikomanagement-catalog.json");
	assert_non_null(doc);
	assert_int_equal(doc->n_controls, 10);
	isms_oscal_doc_free(doc);
}

static void t_profile(void **state)
{
	struct isms_oscal_doc *doc = parse_bsi("Grundschutz++-profile.json");
	const struct isms_oscal_import *imp;
	size_t all = 0;

	(void)state;
	if (!doc)
		skip();
	assert_int_equal(doc->model, ISMS_OSCAL_PROFILE);
	assert_string_equal(doc->title, "Anwenderkatalog Grundschutz++");
	/* Methodik and Kernel whole, and four controls of the risk catalogue. */
	assert_int_equal(doc->n_imports, 3);
	for (size_t i = 0; i < doc->n_imports; i++)
		all += doc->imports[i].include_all;
	assert_int_equal(all, 2);
	imp = &doc->imports[1];
	assert_false(imp->include_all);
	assert_int_equal(imp->n_include, 1);
	assert_int_equal(imp->include[0].n_ids, 4);
	assert_string_equal(imp->include[0].ids[0], "RISK.1.1");
	assert_false(imp->include[0].with_child_controls);
	assert_int_equal(imp->n_exclude, 0);
	/* Each "#UUID" href names a back-matter resource, which names the file. */
	for (size_t i = 0; i < doc->n_imports; i++) {
		const char *href = doc->imports[i].href;
		bool found = false;

		assert_true(href[0] == '#');
		for (size_t j = 0; j < doc->n_resources; j++)
			if (strcmp(doc->resources[j].uuid, href + 1) == 0) {
				found = true;
				assert_true(doc->resources[j].n_hrefs >= 1);
			}
		assert_true(found);
	}
	assert_int_equal(doc->n_set_params, 2);
	assert_string_equal(doc->set_params[0].param_id, "gc.1.1-prm1");
	assert_int_equal(doc->set_params[0].n_values, 1);
	isms_oscal_doc_free(doc);
}

static void t_mapping(void **state)
{
	struct isms_oscal_doc *doc = parse_bsi("ISO27001-AnnexA-to-GS++-mapping_collection.json");
	size_t maps = 0, targets = 0, subset = 0, equiv = 0, inter = 0, distinct = 0;
	const char *seen[200];

	(void)state;
	if (!doc)
		skip();
	assert_int_equal(doc->model, ISMS_OSCAL_MAPPING);
	assert_int_equal(doc->n_mappings, 2);
	assert_string_equal(doc->mappings[0].source_type, "catalog");
	assert_string_equal(doc->mappings[0].source_href, "ISO27001-AnnexA-catalog.json");
	assert_string_equal(doc->mappings[0].target_href, "BSI-Methodik-Grundschutz++-catalog.json");
	assert_string_equal(doc->mappings[1].target_href,
			    "BSI-Stand-der-Technik-Kernel-catalog.json");
	for (size_t i = 0; i < doc->n_mappings; i++)
		for (size_t j = 0; j < doc->mappings[i].n_maps; j++) {
			const struct isms_oscal_map *m = &doc->mappings[i].maps[j];
			bool dup = false;

			maps++;
			targets += m->n_targets;
			subset += strcmp(m->relationship, "subset-of") == 0;
			equiv += strcmp(m->relationship, "equivalent-to") == 0;
			inter += strcmp(m->relationship, "intersects-with") == 0;
			assert_int_equal(m->n_sources, 1);
			assert_string_equal(m->sources[0].type, "control");
			for (size_t k = 0; k < distinct; k++)
				dup |= strcmp(seen[k], m->sources[0].id_ref) == 0;
			if (!dup) {
				assert_true(distinct < 200);
				seen[distinct++] = m->sources[0].id_ref;
			}
		}
	/* Every Annex A control, some in both mappings. */
	assert_int_equal(distinct, 93);
	assert_int_equal(maps, 96);
	assert_int_equal(targets, 365);
	assert_int_equal(subset, 75);
	assert_int_equal(equiv, 16);
	assert_int_equal(inter, 5);
	assert_string_equal(doc->mappings[0].maps[0].sources[0].id_ref, "5.1");
	assert_string_equal(doc->mappings[0].maps[0].targets[0].id_ref, "GC.6.1.3");
	isms_oscal_doc_free(doc);
}

/* A file cut anywhere is refused, never read in part. */
static void t_bsi_truncated(void **state)
{
	struct isms_oscal_doc *doc = NULL;
	size_t len;
	char *buf = bsi_file("Grundschutz++-profile.json", &len), err[512];

	(void)state;
	if (!buf)
		skip();
	for (size_t cut = 0; cut < len; cut += 7) {
		assert_int_equal(isms_oscal_parse(buf, cut, &doc, err, sizeof(err)), -EINVAL);
		assert_true(err[0]);
	}
	free(buf);
}

static void t_catalog_small(void **state)
{
	struct isms_oscal_doc *doc = parse_ok(CAT(
		"'controls':[{'id':'top-1','title':'Top'}],"
		"'groups':[{'id':'g1','title':'G1','class':'family','groups':["
		"  {'title':'no id','controls':[{'id':'ac-1','title':'Policy','class':'SP800-53',"
		"    'props':[{'name':'label','value':'AC-1'}],"
		"    'params':[{'id':'ac-1_prm_1','label':'roles'},"
		"              {'id':'ac-1_prm_2','select':{'how-many':'one-or-more','choice':['a','b']}},"
		"              {'id':'ac-1_prm_3','values':['monthly']}],"
		"    'parts':[{'name':'statement','props':[{'name':'modal_verb','value':'MUSS','ns':'https://x/y.csv'}],"
		"      'prose':'The organization:','parts':["
		"        {'name':'item','props':[{'name':'label','value':'a.'}],'prose':'Develops;',"
		"         'parts':[{'name':'item','props':[{'name':'label','value':'1.'}],'prose':'a policy'}]},"
		"        {'name':'item','prose':'Reviews.'}]},"
		"      {'name':'guidance','prose':'Why.'},"
		"      {'name':'assessment-objective','prose':'ignored'}],"
		"    'controls':[{'id':'ac-1.1','title':'Enhancement','unknown-member':[1,2]}]}]}]}]"));
	const struct isms_oscal_control *c;

	(void)state;
	assert_int_equal(doc->n_groups, 2);
	assert_string_equal(doc->groups[0].class, "family");
	assert_int_equal(doc->groups[1].parent, 0);
	assert_null(doc->groups[1].id);
	assert_int_equal(doc->n_controls, 3);
	assert_int_equal(doc->controls[0].group, -1);
	c = &doc->controls[1];
	assert_string_equal(c->id, "ac-1");
	assert_int_equal(c->group, 1);
	assert_int_equal(c->parent, -1);
	assert_string_equal(c->statement, "The organization:\na. Develops;\n1. a policy\nReviews.");
	assert_string_equal(c->guidance, "Why.");
	assert_int_equal(c->n_props, 2);
	assert_string_equal(prop(c, "label", ISMS_OSCAL_ON_CONTROL), "AC-1");
	assert_string_equal(prop(c, "modal_verb", ISMS_OSCAL_ON_STATEMENT), "MUSS");
	assert_string_equal(c->props[1].ns, "https://x/y.csv");
	assert_null(c->props[0].ns);
	assert_int_equal(c->n_params, 3);
	assert_string_equal(c->params[0].label, "roles");
	assert_int_equal(c->params[0].n_values + c->params[0].n_choices, 0);
	assert_true(c->params[1].one_or_more);
	assert_int_equal(c->params[1].n_choices, 2);
	assert_string_equal(c->params[1].choices[1], "b");
	assert_int_equal(c->params[2].n_values, 1);
	assert_string_equal(c->params[2].values[0], "monthly");
	assert_false(c->params[2].one_or_more);
	assert_string_equal(doc->controls[2].id, "ac-1.1");
	assert_int_equal(doc->controls[2].parent, 1);
	assert_int_equal(doc->controls[2].group, 1);
	assert_null(doc->controls[2].statement);
	isms_oscal_doc_free(doc);
}

/* What the standard allows, and real files do. */
static void t_tolerated(void **state)
{
	struct isms_oscal_doc *doc;

	(void)state;
	/* No version, no groups or controls; $schema and unknown members beside the model. */
	doc = parse_ok("{'$schema':'x','catalog':{'uuid':'58D876A3-04D3-474E-A02F-BE949C2A0A61',"
		       "'metadata':{'title':'T','remarks':'r'},'groups':[]},'x-extra':1}");
	assert_null(doc->version);
	assert_null(doc->oscal_version);
	assert_int_equal(doc->n_controls, 0);
	isms_oscal_doc_free(doc);
	/* OSCAL 1.2: a lone mapping object; provenance with what the schema does not allow. */
	doc = parse_ok("{'mapping-collection':{" UUID ",'metadata':{'title':'M','oscal-version':'1.2.0'},"
		       "'provenance':{'method':'human','qa-reviewed':'2026-05-27'},"
		       "'mappings':{'source-resource':{'type':'catalog','href':'a.json'},"
		       "'target-resource':{'type':'profile','href':'b.json'},"
		       "'maps':[{'relationship':'equivalent-to','sources':[{'type':'control','id-ref':'5.1'}],"
		       "'targets':[{'type':'statement','id-ref':'x_smt'},{'type':'control','id-ref':'y'}]}]}}}");
	assert_int_equal(doc->n_mappings, 1);
	assert_null(doc->mappings[0].uuid);
	assert_int_equal(doc->mappings[0].maps[0].n_targets, 2);
	assert_string_equal(doc->mappings[0].maps[0].targets[0].type, "statement");
	isms_oscal_doc_free(doc);
	/* A profile selecting by pattern, excluding some, with child controls. */
	doc = parse_ok("{'profile':{" UUID "," META ",'imports':[{'href':'cat.json',"
		       "'include-controls':[{'with-child-controls':'yes','matching':[{'pattern':'ac-*'}]}],"
		       "'exclude-controls':[{'with-ids':['ac-2']}]}]}}");
	assert_int_equal(doc->n_imports, 1);
	assert_true(doc->imports[0].include[0].with_child_controls);
	assert_string_equal(doc->imports[0].include[0].patterns[0], "ac-*");
	assert_string_equal(doc->imports[0].exclude[0].ids[0], "ac-2");
	assert_int_equal(doc->n_set_params, 0);
	isms_oscal_doc_free(doc);
	/* Two statement parts (OSCAL allows it): both kept, one after the other. */
	doc = parse_ok(CAT("'controls':[{'id':'a','title':'A','parts':[{'name':'statement','prose':'one'},"
			   "{'name':'guidance','prose':''},{'name':'statement','prose':'two'}]}]"));
	assert_string_equal(doc->controls[0].statement, "one\ntwo");
	assert_null(doc->controls[0].guidance);
	isms_oscal_doc_free(doc);
}

static void t_models(void **state)
{
	(void)state;
	refused("{}", "not an OSCAL catalog, profile or mapping-collection");
	refused("{'system-security-plan':{}}", "not an OSCAL catalog");
	refused("[]", "top level is not an object");
	refused("null", "top level is not an object");
	refused("{'catalog':{" UUID "," META "},'profile':{" UUID "," META ",'imports':[]}}",
		"both 'catalog' and 'profile'");
	refused("{'catalog':[]}", "catalog: not an object");
	refused("{'catalog':{" META "}}", "catalog: catalog without 'uuid'");
	refused("{'catalog':{'uuid':'not-a-uuid'," META "}}", "'uuid' is not a UUID");
	refused("{'catalog':{" UUID "}}", "catalog without 'metadata'");
	refused("{'catalog':{" UUID ",'metadata':{}}}", "catalog.metadata: metadata without 'title'");
	refused("{'catalog':{" UUID ",'metadata':{'title':'T','oscal-version':'2.0.0'}}}",
		"oscal-version '2.0.0' is not 1.x");
	refused("{'profile':{" UUID "," META "}}", "profile without 'imports'");
	refused("{'profile':{" UUID "," META ",'imports':[{'href':'x'}]}}",
		"profile.imports[0]: import without 'include-all' or 'include-controls'");
	refused("{'profile':{" UUID "," META ",'imports':[{'href':'x','include-all':{},"
		"'include-controls':[{'with-ids':['a']}]}]}}", "both 'include-all' and");
	refused("{'mapping-collection':{" UUID "," META "}}", "without 'mappings'");
	refused("{'mapping-collection':{" UUID "," META ",'mappings':[{'source-resource':"
		"{'type':'catalog','href':'a'},'target-resource':{'type':'catalog','href':'b'},"
		"'maps':[{'relationship':'subset-of','sources':[{'type':'control'}],'targets':[]}]}]}}",
		"mapping-collection.mappings[0].maps[0].sources[0]: mapping item without 'id-ref'");
	refused("{'mapping-collection':{" UUID "," META ",'mappings':[{'source-resource':"
		"{'type':'catalog','href':'a'},'target-resource':{'type':'catalog','href':'b'},"
		"'maps':[{'relationship':'subset-of','sources':[{'type':'control','id-ref':'1'}],"
		"'targets':[]}]}]}}", "maps[0]: map entry with an empty 'targets'");
}

static void t_wrong_types(void **state)
{
	(void)state;
	refused(CAT("'groups':[{'id':'g','title':'G','controls':[{'id':'a','title':'A'},{'title':'B'}]}]"),
		"catalog.groups[0].controls[1]: control without 'id'");
	refused(CAT("'controls':[{'id':7,'title':'A'}]"), "catalog.controls[0]: 'id' is not a string");
	refused(CAT("'controls':[{'id':'a','title':['A']}]"), "'title' is not a string");
	refused(CAT("'controls':[{'id':'a'}]"), "control without 'title'");
	refused(CAT("'controls':{'id':'a','title':'A'}"), "catalog: 'controls' is not an array");
	refused(CAT("'controls':['a']"), "catalog.controls[0]: not an object");
	refused(CAT("'groups':[{'id':'g'}]"), "catalog.groups[0]: group without 'title'");
	refused(CAT("'controls':[{'id':'a','title':'A','props':{}}]"), "'props' is not an array");
	refused(CAT("'controls':[{'id':'a','title':'A','props':[{'name':'x'}]}]"),
		"catalog.controls[0].props[0]: property without 'value'");
	refused(CAT("'controls':[{'id':'a','title':'A','props':[{'name':'x','value':1}]}]"),
		"'value' is not a string");
	refused(CAT("'controls':[{'id':'a','title':'A','parts':[{'prose':'p'}]}]"),
		"catalog.controls[0].parts[0]: part without 'name'");
	refused(CAT("'controls':[{'id':'a','title':'A','parts':[{'name':'statement','prose':true}]}]"),
		"'prose' is not a string");
	refused(CAT("'controls':[{'id':'a','title':'A','parts':[{'name':'statement',"
		    "'parts':[{'name':'item','props':[{'name':'label','value':3}]}]}]}]"),
		"catalog.controls[0].parts[0].parts[0]: 'value' is not a string");
	refused(CAT("'controls':[{'id':'a','title':'A','params':[{'label':'x'}]}]"),
		"catalog.controls[0].params[0]: parameter without 'id'");
	refused(CAT("'controls':[{'id':'a','title':'A','params':[{'id':'p','values':'v'}]}]"),
		"'values' is not an array");
	refused(CAT("'controls':[{'id':'a','title':'A','params':[{'id':'p','values':[1]}]}]"),
		"catalog.controls[0].params[0].values[0]: value is not a string");
	refused(CAT("'controls':[{'id':'a','title':'A','params':[{'id':'p','select':[]}]}]"),
		"'select' is not an object");
	refused("{'catalog':{" UUID ",'metadata':{'title':{}}}}", "'title' is not a string");
	refused("{'catalog':{" UUID ",'metadata':[]}}", "'metadata' is not an object");
	refused("{'profile':{" UUID "," META ",'imports':[{'href':'x','include-all':true}]}}",
		"'include-all' is not an object");
	refused("{'profile':{" UUID "," META ",'imports':[{'href':'x','include-controls':"
		"[{'with-ids':[null]}]}]}}", "include-controls[0].with-ids[0]: value is not a string");
	refused("{'mapping-collection':{" UUID "," META ",'mappings':'m'}}",
		"'mappings' is neither an object nor an array");
	refused("{'catalog':{" UUID "," META ",'back-matter':{'resources':[{'title':'x'}]}}}",
		"catalog.back-matter.resources[0]: resource without 'uuid'");
}

static void t_duplicates(void **state)
{
	(void)state;
	refused(CAT("'controls':[{'id':'a','title':'A'}],'groups':[{'title':'G','controls':"
		    "[{'id':'b','title':'B','controls':[{'id':'a','title':'again'}]}]}]"),
		"catalog.groups[0].controls[0].controls[0]: control id 'a' given twice");
	refused(CAT("'groups':[{'id':'g','title':'G'},{'id':'g','title':'G'}]"),
		"catalog.groups[1]: group id 'g' given twice");
	refused(CAT("'controls':[{'id':'a','title':'A','params':[{'id':'p'}]},"
		    "{'id':'b','title':'B','params':[{'id':'p'}]}]"),
		"catalog.controls[1].params[0]: parameter id 'p' given twice");
	/* The JSON reader's own: a member given twice, compared after unescaping. */
	refused(CAT("'controls':[{'id':'a','\\u0069d':'b','title':'A'}]"), "given twice");
}

static void t_bad_strings(void **state)
{
	char id[ISMS_OSCAL_ID_MAX + 2], *json;
	size_t len;

	(void)state;
	refused(CAT("'controls':[{'id':'a\\u0001','title':'A'}]"),
		"'id' holds white space or a control character");
	refused(CAT("'controls':[{'id':'a b','title':'A'}]"), "'id' holds white space");
	refused(CAT("'controls':[{'id':'','title':'A'}]"), "'id' is empty");
	refused(CAT("'controls':[{'id':'a\\u0000b','title':'A'}]"), "'id' holds U+0000");
	refused(CAT("'controls':[{'id':'a','title':'A\\u001b[2J'}]"),
		"'title' holds a control character");
	refused(CAT("'controls':[{'id':'a','title':'A\\u009b'}]"), "'title' holds a control");
	refused(CAT("'controls':[{'id':'a','title':'A','parts':[{'name':'statement',"
		    "'prose':'x\\u0007'}]}]"), "'prose' holds a control character");
	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	len = strlen(CAT("'controls':[{'id':'','title':'A'}]")) + sizeof(id);
	json = malloc(len);
	assert_non_null(json);
	snprintf(json, len, CAT("'controls':[{'id':'%s','title':'A'}]"), id);
	refused(json, "'id' is longer than 128 bytes");
	/* 128 bytes is still an id. */
	id[ISMS_OSCAL_ID_MAX] = '\0';
	snprintf(json, len, CAT("'controls':[{'id':'%s','title':'A'}]"), id);
	isms_oscal_doc_free(parse_ok(json));
	free(json);
	/* Not JSON as RFC 8259 has it. */
	refused(CAT("'controls':[] /* c */"), "not valid JSON");
	refused("{'catalog':{" UUID "," META ",}}", "not valid JSON: line 1");
	refused_len("{\"catalog\"\0:{}}", 15, "not valid JSON");
}

static void t_prose_cap(void **state)
{
	const char *head = "{\"catalog\":{\"uuid\":\"58d876a3-04d3-474e-a02f-be949c2a0a61\","
			   "\"metadata\":{\"title\":\"T\"},\"controls\":[{\"id\":\"a\",\"title\":\"A\","
			   "\"parts\":[{\"name\":\"statement\",\"prose\":\"";
	const size_t half = ISMS_OSCAL_PROSE_MAX / 2 + 1;
	size_t len = strlen(head) + 2 * half + 100, n;
	char *json = malloc(len);

	(void)state;
	assert_non_null(json);
	/* One prose too long. */
	n = (size_t)snprintf(json, len, "%s", head);
	memset(json + n, 'x', 2 * half);
	n += 2 * half;
	n += (size_t)snprintf(json + n, len - n, "\"}]}]}}");
	refused_len(json, n, "'prose' is longer than 65536 bytes");
	/* Two that are not, joined: too long as well. */
	n = (size_t)snprintf(json, len, "%s", head);
	memset(json + n, 'x', half);
	n += half;
	n += (size_t)snprintf(json + n, len - n, "\",\"parts\":[{\"name\":\"item\",\"prose\":\"");
	memset(json + n, 'y', half);
	n += half;
	n += (size_t)snprintf(json + n, len - n, "\"}]}]}]}}");
	refused_len(json, n, "catalog.controls[0].parts[0].parts[0]: prose longer than 65536 bytes");
	free(json);
}

/* Groups @levels deep, each a group of the next, around one control. */
static char *nested_groups(unsigned levels)
{
	const char *head = "{\"catalog\":{\"uuid\":\"58d876a3-04d3-474e-a02f-be949c2a0a61\","
			   "\"metadata\":{\"title\":\"T\"},";
	const char *open = "\"groups\":[{\"title\":\"g\",";
	const char *ctl = "\"controls\":[{\"id\":\"a\",\"title\":\"A\"}]";
	size_t len = strlen(head) + levels * (strlen(open) + 2) + strlen(ctl) + 8, n;
	char *json = malloc(len);

	assert_non_null(json);
	n = (size_t)snprintf(json, len, "%s", head);
	for (unsigned i = 0; i < levels; i++)
		n += (size_t)snprintf(json + n, len - n, "%s", open);
	n += (size_t)snprintf(json + n, len - n, "%s", ctl);
	for (unsigned i = 0; i < levels; i++)
		n += (size_t)snprintf(json + n, len - n, "}]");
	snprintf(json + n, len - n, "}}");
	return json;
}

static void t_nesting(void **state)
{
	struct isms_oscal_doc *doc = NULL;
	char err[512], *json;

	(void)state;
	/* 31 groups and the control: the deepest allowed. */
	json = nested_groups(ISMS_OSCAL_DEPTH_MAX - 1);
	assert_int_equal(isms_oscal_parse(json, strlen(json), &doc, err, sizeof(err)), 0);
	assert_int_equal(doc->n_groups, ISMS_OSCAL_DEPTH_MAX - 1);
	assert_int_equal(doc->controls[0].group, ISMS_OSCAL_DEPTH_MAX - 2);
	isms_oscal_doc_free(doc);
	free(json);
	json = nested_groups(ISMS_OSCAL_DEPTH_MAX);
	refused_len(json, strlen(json), "controls[0]: nested deeper than 32 levels");
	free(json);
	/* Far deeper: the JSON reader stops it before any of it is built. */
	json = nested_groups(5000);
	refused_len(json, strlen(json), "not valid JSON");
	free(json);
}

static void t_too_many(void **state)
{
	const char *head = "{\"catalog\":{\"uuid\":\"58d876a3-04d3-474e-a02f-be949c2a0a61\","
			   "\"metadata\":{\"title\":\"T\"},\"controls\":[";
	const size_t n_ctl = ISMS_OSCAL_ITEMS_MAX + 1;
	size_t len = strlen(head) + n_ctl * 40 + 8, n;
	char *json = malloc(len);

	(void)state;
	assert_non_null(json);
	n = (size_t)snprintf(json, len, "%s", head);
	for (size_t i = 0; i < n_ctl; i++)
		n += (size_t)snprintf(json + n, len - n, "%s{\"id\":\"c%zu\",\"title\":\"\"}",
				      i ? "," : "", i);
	snprintf(json + n, len - n, "]}}");
	refused_len(json, strlen(json), "catalog.controls[100000]: more than 100000 controls");
	free(json);
}

/* Every prefix of a small document is refused; the whole is read. */
static void t_truncated(void **state)
{
	struct isms_oscal_doc *doc = NULL;
	char err[512], *json = dq(CAT("'groups':[{'id':'g','title':'G','controls':[{'id':'a',"
				      "'title':'A','parts':[{'name':'statement','prose':'p'}]}]}]"));
	const size_t len = strlen(json);

	(void)state;
	for (size_t cut = 0; cut < len; cut++)
		refused_len(json, cut, "");
	assert_int_equal(isms_oscal_parse(json, len, &doc, err, sizeof(err)), 0);
	isms_oscal_doc_free(doc);
	free(json);
}

/* Longer than the cap: refused before it is read. */
static void t_too_big(void **state)
{
	struct isms_oscal_doc *doc = NULL;
	const size_t len = ISMS_OSCAL_BYTES_MAX + 1;
	char *json = malloc(len), err[128];

	(void)state;
	assert_non_null(json);
	memset(json, ' ', len);
	assert_int_equal(isms_oscal_parse(json, len, &doc, err, sizeof(err)), -EFBIG);
	assert_null(doc);
	assert_string_equal(err, "longer than 16777216 bytes");
	free(json);
}

/* The message buffer may be short or absent. */
static void t_err_buffer(void **state)
{
	struct isms_oscal_doc *doc = NULL;
	char *json = dq(CAT("'controls':[{'title':'A'}]"));
	char small[8];

	(void)state;
	memset(small, 'z', sizeof(small));
	assert_int_equal(isms_oscal_parse(json, strlen(json), &doc, small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "catalog");
	assert_int_equal(isms_oscal_parse(json, strlen(json), &doc, NULL, 0), -EINVAL);
	assert_null(doc);
	free(json);
	isms_oscal_doc_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_kernel),
		cmocka_unit_test(t_methodik),
		cmocka_unit_test(t_profile),
		cmocka_unit_test(t_mapping),
		cmocka_unit_test(t_bsi_truncated),
		cmocka_unit_test(t_catalog_small),
		cmocka_unit_test(t_tolerated),
		cmocka_unit_test(t_models),
		cmocka_unit_test(t_wrong_types),
		cmocka_unit_test(t_duplicates),
		cmocka_unit_test(t_bad_strings),
		cmocka_unit_test(t_prose_cap),
		cmocka_unit_test(t_nesting),
		cmocka_unit_test(t_too_many),
		cmocka_unit_test(t_truncated),
		cmocka_unit_test(t_too_big),
		cmocka_unit_test(t_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
