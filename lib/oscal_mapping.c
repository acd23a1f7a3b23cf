/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An OSCAL 1.2 mapping-collection: which controls of one catalog relate to which of another. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "oscal_internal.h"

/* 'sources' or 'targets': at least one {type, id-ref} each, as the schema asks. */
static int read_refs(struct oscal_ctx *c, struct json_object *o, const char *name,
		     struct isms_oscal_ref **ret, size_t *ret_n)
{
	struct json_object *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_array(c, o, name, true, "map entry", &arr);
	if (r < 0)
		return r;
	n = json_object_array_length(arr);
	*ret = calloc(n, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	saved = oscal_push_name(c, name);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		struct isms_oscal_ref *ref = &(*ret)[i];
		const size_t at = oscal_push_index(c, i);

		++*ret_n;
		r = oscal_need_object(c, v);
		if (r == 0)
			r = oscal_str(c, v, "type", OSCAL_ID, true, "mapping item", &ref->type);
		if (r == 0)
			r = oscal_str(c, v, "id-ref", OSCAL_ID, true, "mapping item", &ref->id_ref);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static int read_map(struct oscal_ctx *c, struct json_object *v, struct isms_oscal_map *m)
{
	int r;

	r = oscal_need_object(c, v);
	if (r == 0)
		r = oscal_str(c, v, "uuid", OSCAL_ID, false, NULL, &m->uuid);
	if (r == 0)
		r = oscal_str(c, v, "relationship", OSCAL_ID, true, "map entry", &m->relationship);
	if (r == 0)
		r = read_refs(c, v, "sources", &m->sources, &m->n_sources);
	if (r == 0)
		r = read_refs(c, v, "targets", &m->targets, &m->n_targets);
	return r;
}

static int read_resource_ref(struct oscal_ctx *c, struct json_object *o, const char *name,
			     char **ret_type, char **ret_href)
{
	struct json_object *ref = NULL;
	size_t saved;
	int r;

	r = oscal_object(c, o, name, true, "mapping", &ref);
	if (r < 0)
		return r;
	saved = oscal_push_name(c, name);
	r = oscal_str(c, ref, "type", OSCAL_ID, true, "resource reference", ret_type);
	if (r == 0)
		r = oscal_str(c, ref, "href", OSCAL_URI, true, "resource reference", ret_href);
	oscal_pop(c, saved);
	return r;
}

static int read_mapping(struct oscal_ctx *c, struct json_object *v, struct isms_oscal_mapping *mp,
			size_t *total)
{
	struct json_object *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_need_object(c, v);
	if (r == 0)
		r = oscal_str(c, v, "uuid", OSCAL_ID, false, NULL, &mp->uuid);
	if (r == 0)
		r = read_resource_ref(c, v, "source-resource", &mp->source_type, &mp->source_href);
	if (r == 0)
		r = read_resource_ref(c, v, "target-resource", &mp->target_type, &mp->target_href);
	if (r == 0)
		r = oscal_array(c, v, "maps", true, "mapping", &arr);
	if (r < 0)
		return r;
	n = json_object_array_length(arr);
	if (n > ISMS_OSCAL_ITEMS_MAX - *total)
		return oscal_fail(c, "more than %u map entries", ISMS_OSCAL_ITEMS_MAX);
	*total += n;
	mp->maps = calloc(n, sizeof(*mp->maps));
	if (!mp->maps)
		return -ENOMEM;
	saved = oscal_push_name(c, "maps");
	for (size_t i = 0; i < n; i++) {
		const size_t at = oscal_push_index(c, i);

		mp->n_maps++;
		r = read_map(c, json_object_array_get_idx(arr, i), &mp->maps[i]);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

int oscal_mapping_read(struct oscal_ctx *c, struct json_object *coll)
{
	struct isms_oscal_doc *d = c->doc;
	struct json_object *v;
	size_t saved, n, total = 0;
	bool one;
	int r;

	if (!json_object_object_get_ex(coll, "mappings", &v))
		return oscal_fail(c, "mapping-collection without 'mappings'");
	/* OSCAL 1.2's JSON schema allows a lone mapping object as well as an array of them. */
	one = json_object_is_type(v, json_type_object);
	if (!one && !json_object_is_type(v, json_type_array))
		return oscal_fail(c, "'mappings' is neither an object nor an array");
	n = one ? 1 : json_object_array_length(v);
	if (n == 0)
		return oscal_fail(c, "mapping-collection with an empty 'mappings'");
	if (n > ISMS_OSCAL_ITEMS_MAX)
		return oscal_fail(c, "more than %u mappings", ISMS_OSCAL_ITEMS_MAX);
	d->mappings = calloc(n, sizeof(*d->mappings));
	if (!d->mappings)
		return -ENOMEM;
	saved = oscal_push_name(c, "mappings");
	r = 0;
	for (size_t i = 0; i < n; i++) {
		const size_t at = one ? c->plen : oscal_push_index(c, i);

		d->n_mappings++;
		r = read_mapping(c, one ? v : json_object_array_get_idx(v, i), &d->mappings[i],
				 &total);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static void free_refs(struct isms_oscal_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(refs[i].type);
		free(refs[i].id_ref);
	}
	free(refs);
}

void oscal_mapping_free(struct isms_oscal_doc *doc)
{
	for (size_t i = 0; i < doc->n_mappings; i++) {
		struct isms_oscal_mapping *mp = &doc->mappings[i];

		free(mp->uuid);
		free(mp->source_type);
		free(mp->source_href);
		free(mp->target_type);
		free(mp->target_href);
		for (size_t j = 0; j < mp->n_maps; j++) {
			free(mp->maps[j].uuid);
			free(mp->maps[j].relationship);
			free_refs(mp->maps[j].sources, mp->maps[j].n_sources);
			free_refs(mp->maps[j].targets, mp->maps[j].n_targets);
		}
		free(mp->maps);
	}
	free(doc->mappings);
}
