/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An OSCAL profile: what it imports from where, and the parameters it sets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "oscal_internal.h"

static int read_selector(struct oscal_ctx *c, struct json_object *v, struct isms_oscal_selector *s)
{
	struct json_object *arr = NULL;
	char *child = NULL;
	size_t saved, n;
	int r;

	r = oscal_need_object(c, v);
	if (r == 0)
		r = oscal_str(c, v, "with-child-controls", OSCAL_ID, false, NULL, &child);
	if (r < 0)
		return r;
	s->with_child_controls = child && strcmp(child, "yes") == 0;
	free(child);
	r = oscal_strv(c, v, "with-ids", OSCAL_ID, &s->ids, &s->n_ids);
	if (r == 0)
		r = oscal_array(c, v, "matching", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	s->patterns = calloc(n, sizeof(*s->patterns));
	if (!s->patterns)
		return -ENOMEM;
	saved = oscal_push_name(c, "matching");
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(arr, i);
		const size_t at = oscal_push_index(c, i);

		r = oscal_need_object(c, m);
		if (r == 0) {
			s->n_patterns++;
			r = oscal_str(c, m, "pattern", OSCAL_ID, true, "match", &s->patterns[i]);
		}
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static int read_selectors(struct oscal_ctx *c, struct json_object *o, const char *name,
			  struct isms_oscal_selector **ret, size_t *ret_n)
{
	struct json_object *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_array(c, o, name, false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	*ret = calloc(n, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	saved = oscal_push_name(c, name);
	for (size_t i = 0; i < n; i++) {
		const size_t at = oscal_push_index(c, i);

		++*ret_n;
		r = read_selector(c, json_object_array_get_idx(arr, i), &(*ret)[i]);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static int read_import(struct oscal_ctx *c, struct json_object *v, struct isms_oscal_import *imp)
{
	struct json_object *all = NULL;
	int r;

	r = oscal_need_object(c, v);
	if (r == 0)
		r = oscal_str(c, v, "href", OSCAL_URI, true, "import", &imp->href);
	if (r == 0)
		r = oscal_object(c, v, "include-all", false, NULL, &all);
	if (r < 0)
		return r;
	imp->include_all = all != NULL;
	r = read_selectors(c, v, "include-controls", &imp->include, &imp->n_include);
	if (r == 0)
		r = read_selectors(c, v, "exclude-controls", &imp->exclude, &imp->n_exclude);
	if (r < 0)
		return r;
	/* The schema asks for exactly one; either way round the meaning is unclear. */
	if (imp->include_all && imp->n_include)
		return oscal_fail(c, "import with both 'include-all' and 'include-controls'");
	if (!imp->include_all && !imp->n_include)
		return oscal_fail(c, "import without 'include-all' or 'include-controls'");
	return 0;
}

static int read_set_params(struct oscal_ctx *c, struct json_object *prof)
{
	struct isms_oscal_doc *d = c->doc;
	struct json_object *mod = NULL, *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_object(c, prof, "modify", false, NULL, &mod);
	if (r < 0 || !mod)
		return r;
	saved = oscal_push_name(c, "modify");
	r = oscal_array(c, mod, "set-parameters", false, NULL, &arr);
	if (r < 0 || !arr)
		goto out;
	n = json_object_array_length(arr);
	d->set_params = calloc(n, sizeof(*d->set_params));
	if (!d->set_params) {
		r = -ENOMEM;
		goto out;
	}
	oscal_push_name(c, "set-parameters");
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		struct isms_oscal_set_param *sp = &d->set_params[i];
		const size_t at = oscal_push_index(c, i);

		d->n_set_params++;
		r = oscal_need_object(c, v);
		if (r == 0)
			r = oscal_str(c, v, "param-id", OSCAL_ID, true, "set-parameter",
				      &sp->param_id);
		if (r == 0)
			r = oscal_str(c, v, "label", OSCAL_TEXT, false, NULL, &sp->label);
		if (r == 0)
			r = oscal_strv(c, v, "values", OSCAL_TEXT, &sp->values, &sp->n_values);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
out:
	oscal_pop(c, saved);
	return r;
}

int oscal_profile_read(struct oscal_ctx *c, struct json_object *prof)
{
	struct isms_oscal_doc *d = c->doc;
	struct json_object *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_array(c, prof, "imports", true, "profile", &arr);
	if (r < 0)
		return r;
	n = json_object_array_length(arr);
	if (n > ISMS_OSCAL_ITEMS_MAX)
		return oscal_fail(c, "more than %u imports", ISMS_OSCAL_ITEMS_MAX);
	d->imports = calloc(n, sizeof(*d->imports));
	if (!d->imports)
		return -ENOMEM;
	saved = oscal_push_name(c, "imports");
	for (size_t i = 0; i < n; i++) {
		const size_t at = oscal_push_index(c, i);

		d->n_imports++;
		r = read_import(c, json_object_array_get_idx(arr, i), &d->imports[i]);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	if (r == 0)
		r = read_set_params(c, prof);
	return r;
}

static void free_selectors(struct isms_oscal_selector *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		oscal_strv_free(s[i].ids, s[i].n_ids);
		oscal_strv_free(s[i].patterns, s[i].n_patterns);
	}
	free(s);
}

void oscal_profile_free(struct isms_oscal_doc *doc)
{
	for (size_t i = 0; i < doc->n_imports; i++) {
		free(doc->imports[i].href);
		free_selectors(doc->imports[i].include, doc->imports[i].n_include);
		free_selectors(doc->imports[i].exclude, doc->imports[i].n_exclude);
	}
	free(doc->imports);
	for (size_t i = 0; i < doc->n_set_params; i++) {
		free(doc->set_params[i].param_id);
		free(doc->set_params[i].label);
		oscal_strv_free(doc->set_params[i].values, doc->set_params[i].n_values);
	}
	free(doc->set_params);
}
