/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OSCAL reader (lib/oscal*.c) on any bytes: it must refuse with a
 * message or return a document whose every index points inside its arrays
 * and whose every kept string is what the header promises, and free it all.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "isms/oscal.h"
#include "isms/strutil.h"

#define FUZZ_MAX (64u << 10)

static void check_text(const char *s, size_t max)
{
	CHECK(s);
	CHECK(strlen(s) <= max);
	CHECK(isms_text_ok(s));
}

static void check_id(const char *s)
{
	check_text(s, ISMS_OSCAL_ID_MAX);
	CHECK(s[0]);
	for (const char *p = s; *p; p++)
		CHECK((unsigned char)*p > 0x20 && *p != 0x7f);
}

static void check_opt(const char *s, size_t max)
{
	if (s)
		check_text(s, max);
}

static void check_strv(char *const *v, size_t n, size_t max)
{
	CHECK(!n || v);
	for (size_t i = 0; i < n; i++)
		check_text(v[i], max);
}

static void check_catalog(const struct isms_oscal_doc *d)
{
	CHECK(d->n_controls <= ISMS_OSCAL_ITEMS_MAX && d->n_groups <= ISMS_OSCAL_ITEMS_MAX);
	for (size_t i = 0; i < d->n_groups; i++) {
		const struct isms_oscal_group *g = &d->groups[i];

		CHECK(g->parent >= -1 && g->parent < (ssize_t)i);
		if (g->id)
			check_id(g->id);
		check_text(g->title, ISMS_OSCAL_TEXT_MAX);
	}
	for (size_t i = 0; i < d->n_controls; i++) {
		const struct isms_oscal_control *c = &d->controls[i];

		CHECK(c->group >= -1 && c->group < (ssize_t)d->n_groups);
		CHECK(c->parent >= -1 && c->parent < (ssize_t)i);
		CHECK(c->parent == -1 || d->controls[c->parent].group == c->group);
		check_id(c->id);
		/* Ids are unique; neighbours differing is the check cheap enough per input. */
		if (i)
			CHECK(strcmp(c->id, d->controls[i - 1].id) != 0);
		check_text(c->title, ISMS_OSCAL_TEXT_MAX);
		check_opt(c->statement, ISMS_OSCAL_PROSE_MAX);
		check_opt(c->guidance, ISMS_OSCAL_PROSE_MAX);
		for (size_t j = 0; j < c->n_props; j++) {
			check_id(c->props[j].name);
			check_text(c->props[j].value, ISMS_OSCAL_TEXT_MAX);
			check_opt(c->props[j].ns, ISMS_OSCAL_URI_MAX);
			CHECK(c->props[j].origin == ISMS_OSCAL_ON_CONTROL ||
			      c->props[j].origin == ISMS_OSCAL_ON_STATEMENT);
		}
		for (size_t j = 0; j < c->n_params; j++) {
			check_id(c->params[j].id);
			check_opt(c->params[j].label, ISMS_OSCAL_TEXT_MAX);
			check_strv(c->params[j].values, c->params[j].n_values, ISMS_OSCAL_TEXT_MAX);
			check_strv(c->params[j].choices, c->params[j].n_choices, ISMS_OSCAL_TEXT_MAX);
		}
	}
}

static void check_profile(const struct isms_oscal_doc *d)
{
	for (size_t i = 0; i < d->n_imports; i++) {
		const struct isms_oscal_import *imp = &d->imports[i];

		check_text(imp->href, ISMS_OSCAL_URI_MAX);
		CHECK(imp->include_all != (imp->n_include > 0));
		for (size_t j = 0; j < imp->n_include; j++)
			check_strv(imp->include[j].ids, imp->include[j].n_ids, ISMS_OSCAL_ID_MAX);
		for (size_t j = 0; j < imp->n_exclude; j++)
			check_strv(imp->exclude[j].ids, imp->exclude[j].n_ids, ISMS_OSCAL_ID_MAX);
	}
	for (size_t i = 0; i < d->n_set_params; i++) {
		check_id(d->set_params[i].param_id);
		check_strv(d->set_params[i].values, d->set_params[i].n_values, ISMS_OSCAL_TEXT_MAX);
	}
}

static void check_mapping(const struct isms_oscal_doc *d)
{
	size_t total = 0;

	CHECK(d->n_mappings > 0);
	for (size_t i = 0; i < d->n_mappings; i++) {
		const struct isms_oscal_mapping *mp = &d->mappings[i];

		check_id(mp->source_type);
		check_text(mp->source_href, ISMS_OSCAL_URI_MAX);
		check_id(mp->target_type);
		check_text(mp->target_href, ISMS_OSCAL_URI_MAX);
		CHECK(mp->n_maps > 0);
		total += mp->n_maps;
		for (size_t j = 0; j < mp->n_maps; j++) {
			const struct isms_oscal_map *m = &mp->maps[j];

			check_id(m->relationship);
			CHECK(m->n_sources > 0 && m->n_targets > 0);
			for (size_t k = 0; k < m->n_sources; k++) {
				check_id(m->sources[k].type);
				check_id(m->sources[k].id_ref);
			}
			for (size_t k = 0; k < m->n_targets; k++) {
				check_id(m->targets[k].type);
				check_id(m->targets[k].id_ref);
			}
		}
	}
	CHECK(total <= ISMS_OSCAL_ITEMS_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_oscal_doc *doc = NULL;
	char err[256];
	int r;

	if (size > FUZZ_MAX)
		return 0;
	memset(err, 'z', sizeof(err));
	r = isms_oscal_parse((const char *)data, size, &doc, err, sizeof(err));
	CHECK(memchr(err, '\0', sizeof(err)));
	if (r < 0) {
		CHECK(r == -EINVAL || r == -EFBIG || r == -ENOMEM);
		CHECK(!doc);
		CHECK(err[0]);
		return 0;
	}
	CHECK(r == 0 && doc);
	CHECK(err[0] == '\0');
	check_id(doc->uuid);
	check_text(doc->title, ISMS_OSCAL_TEXT_MAX);
	check_opt(doc->version, ISMS_OSCAL_TEXT_MAX);
	switch (doc->model) {
	case ISMS_OSCAL_CATALOG:
		check_catalog(doc);
		CHECK(!doc->n_imports && !doc->n_mappings);
		break;
	case ISMS_OSCAL_PROFILE:
		CHECK(doc->n_imports > 0);
		check_profile(doc);
		CHECK(!doc->n_controls && !doc->n_mappings);
		break;
	case ISMS_OSCAL_MAPPING:
		check_mapping(doc);
		CHECK(!doc->n_controls && !doc->n_imports);
		break;
	default:
		CHECK(0);
	}
	for (size_t i = 0; i < doc->n_resources; i++) {
		check_id(doc->resources[i].uuid);
		check_strv(doc->resources[i].hrefs, doc->resources[i].n_hrefs, ISMS_OSCAL_URI_MAX);
	}
	isms_oscal_doc_free(doc);
	return 0;
}
