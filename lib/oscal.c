/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OSCAL reader's entry: which model, its uuid and metadata, its back-matter. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/json.h"
#include "isms/oscal.h"
#include "oscal_internal.h"

static const struct model {
	const char *name;
	enum isms_oscal_model model;
	int (*read)(struct oscal_ctx *c, struct json_object *o);
} models[] = {
	{"catalog", ISMS_OSCAL_CATALOG, oscal_catalog_read},
	{"profile", ISMS_OSCAL_PROFILE, oscal_profile_read},
	{"mapping-collection", ISMS_OSCAL_MAPPING, oscal_mapping_read},
};

/* 8-4-4-4-12 hex digits; the version bits are not checked, real files get them wrong. */
static bool uuid_ok(const char *s)
{
	static const char form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (strlen(s) != sizeof(form) - 1)
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int read_metadata(struct oscal_ctx *c, struct json_object *o, const char *model)
{
	struct isms_oscal_doc *d = c->doc;
	struct json_object *md = NULL;
	size_t saved;
	int r;

	r = oscal_str(c, o, "uuid", OSCAL_ID, true, model, &d->uuid);
	if (r < 0)
		return r;
	if (!uuid_ok(d->uuid))
		return oscal_fail(c, "'uuid' is not a UUID");
	r = oscal_object(c, o, "metadata", true, model, &md);
	if (r < 0)
		return r;
	saved = oscal_push_name(c, "metadata");
	r = oscal_str(c, md, "title", OSCAL_TEXT, true, "metadata", &d->title);
	if (r == 0)
		r = oscal_str(c, md, "version", OSCAL_TEXT, false, NULL, &d->version);
	if (r == 0)
		r = oscal_str(c, md, "oscal-version", OSCAL_ID, false, NULL, &d->oscal_version);
	/* A new major version may change what a member means: do not guess. */
	if (r == 0 && d->oscal_version && strncmp(d->oscal_version, "1.", 2) != 0)
		r = oscal_fail(c, "oscal-version '%s' is not 1.x", d->oscal_version);
	oscal_pop(c, saved);
	return r;
}

static int read_resource(struct oscal_ctx *c, struct json_object *v, struct isms_oscal_resource *res)
{
	struct json_object *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_need_object(c, v);
	if (r == 0)
		r = oscal_str(c, v, "uuid", OSCAL_ID, true, "resource", &res->uuid);
	if (r == 0)
		r = oscal_str(c, v, "title", OSCAL_TEXT, false, NULL, &res->title);
	if (r == 0)
		r = oscal_array(c, v, "rlinks", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	res->hrefs = calloc(n, sizeof(*res->hrefs));
	if (!res->hrefs)
		return -ENOMEM;
	saved = oscal_push_name(c, "rlinks");
	for (size_t i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(arr, i);
		const size_t at = oscal_push_index(c, i);

		r = oscal_need_object(c, l);
		if (r == 0) {
			res->n_hrefs++;
			r = oscal_str(c, l, "href", OSCAL_URI, true, "rlink", &res->hrefs[i]);
		}
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static int read_back_matter(struct oscal_ctx *c, struct json_object *o)
{
	struct isms_oscal_doc *d = c->doc;
	struct json_object *bm = NULL, *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_object(c, o, "back-matter", false, NULL, &bm);
	if (r < 0 || !bm)
		return r;
	saved = oscal_push_name(c, "back-matter");
	r = oscal_array(c, bm, "resources", false, NULL, &arr);
	if (r < 0 || !arr)
		goto out;
	n = json_object_array_length(arr);
	d->resources = calloc(n, sizeof(*d->resources));
	if (!d->resources) {
		r = -ENOMEM;
		goto out;
	}
	oscal_push_name(c, "resources");
	for (size_t i = 0; i < n; i++) {
		const size_t at = oscal_push_index(c, i);

		d->n_resources++;
		r = read_resource(c, json_object_array_get_idx(arr, i), &d->resources[i]);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
out:
	oscal_pop(c, saved);
	return r;
}

/* The one model member of @root, or NULL with the message: none, or two (read as which?). */
static const struct model *find_model(struct oscal_ctx *c, struct json_object *root,
				      struct json_object **ret_obj)
{
	const struct model *found = NULL;
	struct json_object *v;

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		if (!json_object_object_get_ex(root, models[i].name, &v))
			continue;
		if (found) {
			oscal_fail(c, "both '%s' and '%s' at the top level: one model a document",
				   found->name, models[i].name);
			return NULL;
		}
		found = &models[i];
		*ret_obj = v;
	}
	if (!found)
		oscal_fail(c, "not an OSCAL catalog, profile or mapping-collection "
			      "(no 'catalog', 'profile' or 'mapping-collection' at the top level)");
	return found;
}

int isms_oscal_parse(const char *json, size_t len, struct isms_oscal_doc **ret_doc, char *err,
		     size_t errlen)
{
	/* Each level of groups, controls or parts is an array and an object. */
	static const struct isms_json_limits limits = {
		.max_bytes = ISMS_OSCAL_BYTES_MAX,
		.max_depth = 2 * ISMS_OSCAL_DEPTH_MAX + 16,
	};
	struct oscal_ctx c = {.err = err, .errlen = errlen};
	struct json_object *root = NULL, *obj = NULL;
	const struct model *m = NULL;
	struct isms_json_error jerr;
	char jtext[320];
	int r;

	if (err && errlen)
		err[0] = '\0';
	r = isms_json_parse(json, len, &limits, &root, &jerr);
	if (r == -EFBIG) {
		oscal_fail(&c, "longer than %u bytes", ISMS_OSCAL_BYTES_MAX);
		goto out;
	}
	if (r == -EINVAL) {
		isms_json_error_text(&jerr, jtext, sizeof(jtext));
		r = oscal_fail(&c, "not valid JSON: %s", jtext);
		goto out;
	}
	if (r < 0)
		goto out;
	if (!json_object_is_type(root, json_type_object)) {
		r = oscal_fail(&c, "not an OSCAL document: the top level is not an object");
		goto out;
	}
	m = find_model(&c, root, &obj);
	if (!m) {
		r = -EINVAL;
		goto out;
	}
	c.doc = calloc(1, sizeof(*c.doc));
	if (!c.doc) {
		r = -ENOMEM;
		goto out;
	}
	c.doc->model = m->model;
	oscal_push_name(&c, m->name);
	r = oscal_need_object(&c, obj);
	if (r == 0)
		r = read_metadata(&c, obj, m->name);
	if (r == 0)
		r = m->read(&c, obj);
	if (r == 0)
		r = read_back_matter(&c, obj);
	if (r < 0)
		goto out;
	*ret_doc = c.doc;
	c.doc = NULL;
out:
	if (r == -ENOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "out of memory");
	oscal_idset_release(&c.group_ids);
	oscal_idset_release(&c.control_ids);
	oscal_idset_release(&c.param_ids);
	isms_oscal_doc_free(c.doc);
	json_object_put(root);
	return r;
}

void isms_oscal_doc_free(struct isms_oscal_doc *doc)
{
	if (!doc)
		return;
	free(doc->uuid);
	free(doc->title);
	free(doc->version);
	free(doc->oscal_version);
	oscal_catalog_free(doc);
	oscal_profile_free(doc);
	oscal_mapping_free(doc);
	for (size_t i = 0; i < doc->n_resources; i++) {
		free(doc->resources[i].uuid);
		free(doc->resources[i].title);
		oscal_strv_free(doc->resources[i].hrefs, doc->resources[i].n_hrefs);
	}
	free(doc->resources);
	free(doc);
}
