/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An OSCAL catalog: its groups and controls, flattened with parent indexes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "oscal_internal.h"

/* A joined prose text, capped at ISMS_OSCAL_PROSE_MAX. */
struct prose {
	char *p;
	size_t len, cap;
};

static int prose_add(struct oscal_ctx *c, struct prose *b, const char *s, size_t n)
{
	if (b->len + n > ISMS_OSCAL_PROSE_MAX)
		return oscal_fail(c, "prose longer than %u bytes", ISMS_OSCAL_PROSE_MAX);
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* The property named 'label' among @o's props (a statement item's "a."), or NULL. */
static struct json_object *part_label(struct json_object *o)
{
	struct json_object *props, *p, *v;

	if (!json_object_object_get_ex(o, "props", &props) ||
	    !json_object_is_type(props, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(props); i++) {
		p = json_object_array_get_idx(props, i);
		if (json_object_is_type(p, json_type_object) &&
		    json_object_object_get_ex(p, "name", &v) && json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), "label") == 0)
			return p;
	}
	return NULL;
}

/*
 * Part @o's prose into @b, one line, after its label when @nested (a
 * statement's items read "a. ..."), then its own parts' prose, in order.
 */
static int join_part(struct oscal_ctx *c, struct json_object *o, bool nested, struct prose *b)
{
	struct json_object *parts = NULL;
	char *prose = NULL, *label = NULL;
	size_t saved;
	int r;

	r = oscal_str(c, o, "prose", OSCAL_PROSE, false, NULL, &prose);
	if (r < 0)
		goto out;
	if (nested && part_label(o)) {
		r = oscal_str(c, part_label(o), "value", OSCAL_TEXT, true, "label property", &label);
		if (r < 0)
			goto out;
	}
	if (label || prose) {
		if (b->len)
			r = prose_add(c, b, "\n", 1);
		if (r == 0 && label) {
			r = prose_add(c, b, label, strlen(label));
			if (r == 0 && prose)
				r = prose_add(c, b, " ", 1);
		}
		if (r == 0 && prose)
			r = prose_add(c, b, prose, strlen(prose));
		if (r < 0)
			goto out;
	}
	r = oscal_array(c, o, "parts", false, NULL, &parts);
	if (r < 0 || !parts)
		goto out;
	saved = oscal_push_name(c, "parts");
	for (size_t i = 0; i < json_object_array_length(parts); i++) {
		struct json_object *v = json_object_array_get_idx(parts, i);
		const size_t at = oscal_push_index(c, i);

		r = oscal_need_object(c, v);
		if (r == 0)
			r = oscal_enter(c);
		if (r == 0) {
			r = join_part(c, v, true, b);
			oscal_leave(c);
		}
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
out:
	free(label);
	free(prose);
	return r;
}

static int read_props(struct oscal_ctx *c, struct json_object *o, enum isms_oscal_origin origin,
		      struct isms_oscal_control *ctl, size_t *cap)
{
	struct json_object *arr = NULL;
	size_t saved;
	int r;

	r = oscal_array(c, o, "props", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	saved = oscal_push_name(c, "props");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const size_t at = oscal_push_index(c, i);
		struct isms_oscal_prop *p;

		r = oscal_need_object(c, v);
		if (r == 0)
			r = oscal_grow((void **)&ctl->props, cap, ctl->n_props, sizeof(*ctl->props));
		if (r < 0) {
			oscal_pop(c, at);
			break;
		}
		p = &ctl->props[ctl->n_props++];
		p->origin = origin;
		r = oscal_str(c, v, "name", OSCAL_ID, true, "property", &p->name);
		if (r == 0)
			r = oscal_str(c, v, "value", OSCAL_TEXT, true, "property", &p->value);
		if (r == 0)
			r = oscal_str(c, v, "ns", OSCAL_URI, false, NULL, &p->ns);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static int read_param(struct oscal_ctx *c, struct json_object *v, struct isms_oscal_param *p)
{
	struct json_object *sel = NULL;
	char *how = NULL;
	size_t saved;
	int r;

	r = oscal_need_object(c, v);
	if (r == 0)
		r = oscal_str(c, v, "id", OSCAL_ID, true, "parameter", &p->id);
	if (r < 0)
		return r;
	r = oscal_idset_add(&c->param_ids, p->id);
	if (r == -EEXIST)
		return oscal_fail(c, "parameter id '%s' given twice", p->id);
	if (r < 0)
		return r;
	r = oscal_str(c, v, "label", OSCAL_TEXT, false, NULL, &p->label);
	if (r == 0)
		r = oscal_strv(c, v, "values", OSCAL_TEXT, &p->values, &p->n_values);
	if (r == 0)
		r = oscal_object(c, v, "select", false, NULL, &sel);
	if (r < 0 || !sel)
		return r;
	saved = oscal_push_name(c, "select");
	r = oscal_str(c, sel, "how-many", OSCAL_ID, false, NULL, &how);
	if (r == 0) {
		p->one_or_more = how && strcmp(how, "one-or-more") == 0;
		r = oscal_strv(c, sel, "choice", OSCAL_TEXT, &p->choices, &p->n_choices);
	}
	oscal_pop(c, saved);
	free(how);
	return r;
}

static int read_params(struct oscal_ctx *c, struct json_object *o, struct isms_oscal_control *ctl)
{
	struct json_object *arr = NULL;
	size_t saved, n;
	int r;

	r = oscal_array(c, o, "params", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	n = json_object_array_length(arr);
	ctl->params = calloc(n, sizeof(*ctl->params));
	if (!ctl->params)
		return -ENOMEM;
	saved = oscal_push_name(c, "params");
	for (size_t i = 0; i < n; i++) {
		const size_t at = oscal_push_index(c, i);

		ctl->n_params++;
		r = read_param(c, json_object_array_get_idx(arr, i), &ctl->params[i]);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

/* A joined text into *ret, or NULL when there was none. */
static void keep_prose(struct prose *b, char **ret)
{
	if (b->len) {
		*ret = b->p;
		b->p = NULL;
	}
	free(b->p);
}

/*
 * The control's statement and guidance parts.  OSCAL allows two of a name;
 * the second's text goes on the lines after the first's, in one buffer, so
 * that many parts cost no more than one long one.
 */
static int read_parts(struct oscal_ctx *c, struct json_object *o, struct isms_oscal_control *ctl,
		      size_t *prop_cap)
{
	struct prose stm = {NULL, 0, 0}, gdn = {NULL, 0, 0};
	struct json_object *arr = NULL;
	char *name = NULL;
	size_t saved;
	int r;

	r = oscal_array(c, o, "parts", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	saved = oscal_push_name(c, "parts");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const size_t at = oscal_push_index(c, i);
		struct prose *into = NULL;

		r = oscal_need_object(c, v);
		if (r == 0)
			r = oscal_str(c, v, "name", OSCAL_ID, true, "part", &name);
		if (r == 0 && strcmp(name, "statement") == 0) {
			into = &stm;
			r = read_props(c, v, ISMS_OSCAL_ON_STATEMENT, ctl, prop_cap);
		} else if (r == 0 && strcmp(name, "guidance") == 0) {
			into = &gdn;
		}
		if (r == 0 && into)
			r = oscal_enter(c);
		if (r == 0 && into) {
			r = join_part(c, v, false, into);
			oscal_leave(c);
		}
		free(name);
		name = NULL;
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	keep_prose(&stm, &ctl->statement);
	keep_prose(&gdn, &ctl->guidance);
	return r;
}

static int read_controls(struct oscal_ctx *c, struct json_object *o, ssize_t group,
			 ssize_t parent);

static int read_control(struct oscal_ctx *c, struct json_object *v, ssize_t group,
			ssize_t parent)
{
	struct isms_oscal_doc *d = c->doc;
	struct isms_oscal_control *ctl;
	size_t idx, prop_cap = 0;
	int r;

	r = oscal_need_object(c, v);
	if (r < 0)
		return r;
	if (d->n_controls >= ISMS_OSCAL_ITEMS_MAX)
		return oscal_fail(c, "more than %u controls", ISMS_OSCAL_ITEMS_MAX);
	r = oscal_enter(c);
	if (r < 0)
		return r;
	r = oscal_grow((void **)&d->controls, &c->cap_controls, d->n_controls, sizeof(*d->controls));
	if (r < 0)
		goto out;
	idx = d->n_controls++;
	ctl = &d->controls[idx];
	ctl->group = group;
	ctl->parent = parent;
	r = oscal_str(c, v, "id", OSCAL_ID, true, "control", &ctl->id);
	if (r < 0)
		goto out;
	r = oscal_idset_add(&c->control_ids, ctl->id);
	if (r == -EEXIST) {
		r = oscal_fail(c, "control id '%s' given twice", ctl->id);
		goto out;
	}
	if (r == 0)
		r = oscal_str(c, v, "title", OSCAL_TEXT, true, "control", &ctl->title);
	if (r == 0)
		r = oscal_str(c, v, "class", OSCAL_ID, false, NULL, &ctl->class);
	if (r == 0)
		r = read_props(c, v, ISMS_OSCAL_ON_CONTROL, ctl, &prop_cap);
	if (r == 0)
		r = read_params(c, v, ctl);
	if (r == 0)
		r = read_parts(c, v, ctl, &prop_cap);
	/* Nested controls move d->controls: ctl is not used after this. */
	if (r == 0)
		r = read_controls(c, v, group, (ssize_t)idx);
out:
	oscal_leave(c);
	return r;
}

static int read_controls(struct oscal_ctx *c, struct json_object *o, ssize_t group, ssize_t parent)
{
	struct json_object *arr = NULL;
	size_t saved;
	int r;

	r = oscal_array(c, o, "controls", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	saved = oscal_push_name(c, "controls");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		const size_t at = oscal_push_index(c, i);

		r = read_control(c, json_object_array_get_idx(arr, i), group, parent);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

static int read_groups(struct oscal_ctx *c, struct json_object *o, ssize_t parent);

static int read_group(struct oscal_ctx *c, struct json_object *v, ssize_t parent)
{
	struct isms_oscal_doc *d = c->doc;
	struct isms_oscal_group *g;
	size_t idx;
	int r;

	r = oscal_need_object(c, v);
	if (r < 0)
		return r;
	if (d->n_groups >= ISMS_OSCAL_ITEMS_MAX)
		return oscal_fail(c, "more than %u groups", ISMS_OSCAL_ITEMS_MAX);
	r = oscal_enter(c);
	if (r < 0)
		return r;
	r = oscal_grow((void **)&d->groups, &c->cap_groups, d->n_groups, sizeof(*d->groups));
	if (r < 0)
		goto out;
	idx = d->n_groups++;
	g = &d->groups[idx];
	g->parent = parent;
	r = oscal_str(c, v, "id", OSCAL_ID, false, NULL, &g->id);
	if (r == 0 && g->id) {
		r = oscal_idset_add(&c->group_ids, g->id);
		if (r == -EEXIST)
			r = oscal_fail(c, "group id '%s' given twice", g->id);
	}
	if (r == 0)
		r = oscal_str(c, v, "title", OSCAL_TEXT, true, "group", &g->title);
	if (r == 0)
		r = oscal_str(c, v, "class", OSCAL_ID, false, NULL, &g->class);
	/* Subgroups move d->groups: g is not used after this. */
	if (r == 0)
		r = read_controls(c, v, (ssize_t)idx, -1);
	if (r == 0)
		r = read_groups(c, v, (ssize_t)idx);
out:
	oscal_leave(c);
	return r;
}

static int read_groups(struct oscal_ctx *c, struct json_object *o, ssize_t parent)
{
	struct json_object *arr = NULL;
	size_t saved;
	int r;

	r = oscal_array(c, o, "groups", false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	saved = oscal_push_name(c, "groups");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		const size_t at = oscal_push_index(c, i);

		r = read_group(c, json_object_array_get_idx(arr, i), parent);
		oscal_pop(c, at);
		if (r < 0)
			break;
	}
	oscal_pop(c, saved);
	return r;
}

int oscal_catalog_read(struct oscal_ctx *c, struct json_object *cat)
{
	int r = read_controls(c, cat, -1, -1);

	if (r == 0)
		r = read_groups(c, cat, -1);
	return r;
}

static void free_param(struct isms_oscal_param *p)
{
	free(p->id);
	free(p->label);
	oscal_strv_free(p->values, p->n_values);
	oscal_strv_free(p->choices, p->n_choices);
}

void oscal_catalog_free(struct isms_oscal_doc *doc)
{
	for (size_t i = 0; i < doc->n_groups; i++) {
		free(doc->groups[i].id);
		free(doc->groups[i].title);
		free(doc->groups[i].class);
	}
	free(doc->groups);
	for (size_t i = 0; i < doc->n_controls; i++) {
		struct isms_oscal_control *ctl = &doc->controls[i];

		free(ctl->id);
		free(ctl->title);
		free(ctl->class);
		free(ctl->statement);
		free(ctl->guidance);
		for (size_t j = 0; j < ctl->n_props; j++) {
			free(ctl->props[j].name);
			free(ctl->props[j].value);
			free(ctl->props[j].ns);
		}
		free(ctl->props);
		for (size_t j = 0; j < ctl->n_params; j++)
			free_param(&ctl->params[j]);
		free(ctl->params);
	}
	free(doc->controls);
}
