/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the history of a record, and the record as it was at a time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "crud_internal.h"
#include "isms/date.h"
#include "isms/evidence_query.h"
#include "isms/history.h"
#include "isms/json.h"
#include "store_internal.h"

#define HISTORY_FIELDS_MAX 64

struct list_ctx {
	struct isms_store *s;
	const char *type; /* NULL: every type */
	const char *key;
	isms_history_cb cb;
	void *userdata;
	int64_t n;
	int stop; /* the callback's non-zero return */
	int i_id, i_ts, i_kind, i_subject, i_details;
};

/* "register.<type>.<action>": the type and the action, or false. */
static bool split_kind(const char *kind, char *type, size_t tlen, const char **ret_action)
{
	const char *t, *dot;

	if (strncmp(kind, "register.", 9) != 0)
		return false;
	t = kind + 9;
	dot = strrchr(t, '.');
	if (!dot || dot == t || (size_t)(dot - t) >= tlen)
		return false;
	memcpy(type, t, (size_t)(dot - t));
	type[dot - t] = '\0';
	*ret_action = dot + 1;
	return strcmp(*ret_action, "add") == 0 || strcmp(*ret_action, "change") == 0 ||
	       strcmp(*ret_action, "remove") == 0 || strcmp(*ret_action, "import") == 0;
}

static const char *member_text(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool has_field(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int list_cb(const struct isms_entity *ee, const char *const *v, void *userdata)
{
	struct list_ctx *x = userdata;
	struct isms_history_entry h = {0};
	const char *field[HISTORY_FIELDS_MAX], *before[HISTORY_FIELDS_MAX], *after[HISTORY_FIELDS_MAX];
	struct json_object *root = NULL, *jb = NULL, *ja = NULL, *actor;
	char type[64];
	size_t n = 0;
	int r;

	(void)ee;
	if (!v[x->i_kind] || !v[x->i_subject] || strcmp(v[x->i_subject], x->key) != 0 ||
	    !split_kind(v[x->i_kind], type, sizeof(type), &h.action))
		return 0;
	if (x->type && strcmp(type, x->type) != 0)
		return 0;
	h.id = v[x->i_id] ? strtoll(v[x->i_id], NULL, 10) : 0;
	h.ts = v[x->i_ts];
	h.type = type;
	h.key = x->key;
	h.actor = "?";
	h.existed = strcmp(h.action, "add") != 0;
	h.exists = strcmp(h.action, "remove") != 0;
	/* Our own rows, strict JSON; a pseudonymised one has none and comes without fields. */
	if (v[x->i_details] && isms_json_parse(v[x->i_details], strlen(v[x->i_details]), NULL,
					       &root, NULL) == 0 &&
	    json_object_is_type(root, json_type_object)) {
		if (json_object_object_get_ex(root, "actor", &actor) &&
		    json_object_is_type(actor, json_type_string))
			h.actor = json_object_get_string(actor);
		json_object_object_get_ex(root, "before", &jb);
		json_object_object_get_ex(root, "after", &ja);
		if (!json_object_is_type(jb, json_type_object))
			jb = NULL;
		if (!json_object_is_type(ja, json_type_object))
			ja = NULL;
		/* An import adds or changes: which one, its before says. */
		h.existed = jb != NULL;
		h.exists = ja != NULL;
		for (int pass = 0; pass < 2; pass++) {
			struct json_object *o = pass ? ja : jb;

			if (!o)
				continue;
			json_object_object_foreach(o, name, val)
			{
				(void)val;
				if (n < HISTORY_FIELDS_MAX && !has_field(field, n, name)) {
					field[n] = name;
					before[n] = member_text(jb, name);
					after[n] = member_text(ja, name);
					n++;
				}
			}
		}
	}
	h.nfields = n;
	h.field = field;
	h.before = before;
	h.after = after;
	x->n++;
	r = x->cb(&h, x->userdata);
	json_object_put(root);
	if (r)
		x->stop = r;
	return r;
}

int64_t isms_history_list(struct isms_store *s, const char *type, const char *key,
			  isms_history_cb cb, void *userdata)
{
	const struct isms_entity *ev = store_entity(s, "evidence");
	struct isms_kv filter = {"subject", key};
	struct isms_evidence_query q = {.filter = &filter, .nfilter = 1};
	struct list_ctx x = {.s = s, .key = key, .cb = cb, .userdata = userdata};
	int64_t r;

	if (type) {
		const struct isms_entity *e = isms_schema_entity(s->schema, type);

		if (!e)
			return store_seterr(s, -EINVAL, "unknown record type '%.64s'", type);
		x.type = e->name;
	}
	if (!ev)
		return store_seterr(s, -EINVAL, "this store keeps no evidence");
	x.i_id = isms_entity_field_index(ev, "id");
	x.i_ts = isms_entity_field_index(ev, "ts");
	x.i_kind = isms_entity_field_index(ev, "kind");
	x.i_subject = isms_entity_field_index(ev, "subject");
	x.i_details = isms_entity_field_index(ev, "details");
	if (x.i_id < 0 || x.i_ts < 0 || x.i_kind < 0 || x.i_subject < 0 || x.i_details < 0)
		return -EINVAL;
	r = isms_evidence_list(s, &q, list_cb, &x);
	if (x.stop)
		return x.stop;
	return r < 0 ? r : x.n;
}

/* --- the record at a time ------------------------------------------------- */

struct hrow {
	int64_t sec;
	uint32_t nsec;
	char ts[40];
	bool existed, exists;
	size_t n;
	char **field, **before, **after;
};

struct at_ctx {
	struct hrow *rows;
	size_t n, cap;
};

static void hrow_release(struct hrow *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->field[i]);
		free(h->before[i]);
		free(h->after[i]);
	}
	free(h->field);
	free(h->before);
	free(h->after);
}

static int dup_or_null(const char *in, char **out)
{
	*out = NULL;
	if (!in)
		return 0;
	*out = strdup(in);
	return *out ? 0 : -ENOMEM;
}

static int at_cb(const struct isms_history_entry *h, void *userdata)
{
	struct at_ctx *x = userdata;
	struct hrow *row;
	int r = 0;

	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;
		struct hrow *p = realloc(x->rows, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		x->rows = p;
		x->cap = cap;
	}
	row = &x->rows[x->n];
	*row = (struct hrow){.existed = h->existed, .exists = h->exists};
	if (!h->ts || isms_date_parse(h->ts, &row->sec, &row->nsec) < 0)
		return 0; /* a row we cannot place in time cannot be replayed */
	snprintf(row->ts, sizeof(row->ts), "%s", h->ts);
	row->field = calloc(h->nfields + 1, sizeof(char *));
	row->before = calloc(h->nfields + 1, sizeof(char *));
	row->after = calloc(h->nfields + 1, sizeof(char *));
	if (!row->field || !row->before || !row->after) {
		hrow_release(row);
		return -ENOMEM;
	}
	x->n++;
	for (size_t i = 0; i < h->nfields && r >= 0; i++) {
		row->n = i + 1;
		r = dup_or_null(h->field[i], &row->field[i]);
		if (r >= 0)
			r = dup_or_null(h->before[i], &row->before[i]);
		if (r >= 0)
			r = dup_or_null(h->after[i], &row->after[i]);
	}
	return r;
}

static bool not_after(const struct hrow *h, int64_t sec, uint32_t nsec)
{
	return h->sec < sec || (h->sec == sec && h->nsec <= nsec);
}

/* Set the values of @h's fields (its after, or its before when @undo) in @vals. */
static int apply(const struct isms_entity *e, char **vals, const struct hrow *h, bool undo)
{
	for (size_t i = 0; i < h->n; i++) {
		int k = isms_entity_field_index(e, h->field[i]);
		char *v = NULL;

		if (k < 0 || (e->fields[k].flags & ISMS_FF_COMPUTED))
			continue; /* a field since dropped from the schema */
		if (dup_or_null(undo ? h->before[i] : h->after[i], &v) < 0)
			return -ENOMEM;
		free(vals[k]);
		vals[k] = v;
	}
	return 0;
}

static void clear(const struct isms_entity *e, char **vals)
{
	for (size_t i = 0; i < e->nfields; i++) {
		free(vals[i]);
		vals[i] = NULL;
	}
}

int isms_history_at(struct isms_store *s, const struct isms_entity *e, const char *key,
		    const char *at, isms_record_cb cb, void *userdata,
		    struct isms_history_at *ret)
{
	struct at_ctx x = {0};
	char **vals = NULL;
	int64_t sec, n;
	uint32_t nsec = 0;
	size_t base = SIZE_MAX;
	bool exists = false;
	int r;

	*ret = (struct isms_history_at){0};
	if (strlen(at) == 10 && isms_date_valid(at)) {
		char t[32];

		/* A day: the record as it stood at its end. */
		snprintf(t, sizeof(t), "%sT23:59:59Z", at);
		r = isms_date_parse(t, &sec, NULL);
		nsec = 999999999u;
	} else {
		r = isms_date_parse(at, &sec, &nsec);
	}
	if (r < 0)
		return store_seterr(s, -EINVAL,
				    "--at: '%.64s' is not a time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)",
				    at);
	n = isms_history_list(s, e->name, key, at_cb, &x);
	if (n < 0) {
		r = (int)n;
		goto out;
	}
	vals = calloc(e->nfields, sizeof(*vals));
	if (!vals) {
		r = -ENOMEM;
		goto out;
	}
	/* The last add up to @at is where a replay starts. */
	for (size_t i = 0; i < x.n; i++) {
		if (!not_after(&x.rows[i], sec, nsec))
			break;
		ret->rows++;
		if (!x.rows[i].existed)
			base = i;
	}
	if (base != SIZE_MAX) {
		for (size_t i = base; i < x.n && not_after(&x.rows[i], sec, nsec); i++) {
			if (!x.rows[i].existed)
				clear(e, vals);
			r = apply(e, vals, &x.rows[i], false);
			if (r < 0)
				goto out;
			exists = x.rows[i].exists;
		}
	} else if (x.n > 0 && !x.rows[0].existed) {
		/* Added after @at. */
		exists = false;
	} else {
		/* Added before the history began: back from what it says now. */
		char **cur = NULL;

		ret->from_current = true;
		if (x.n > 0) {
			snprintf(ret->first_ts, sizeof(ret->first_ts), "%s", x.rows[0].ts);
			ret->before_first = !not_after(&x.rows[0], sec, nsec);
		}
		r = history_load(s, e, key, &cur);
		if (r == 0) {
			history_values_free(e, vals);
			vals = cur;
			exists = true;
		} else if (r != -ENOENT) {
			goto out;
		}
		for (size_t i = x.n; i-- > 0 && !not_after(&x.rows[i], sec, nsec);) {
			if (!x.rows[i].exists)
				clear(e, vals);
			r = apply(e, vals, &x.rows[i], true);
			if (r < 0)
				goto out;
			exists = x.rows[i].existed;
		}
	}
	if (!exists) {
		r = store_seterr(s, -ENOENT, "%s '%.64s' did not exist at %.64s", e->name, key, at);
		goto out;
	}
	r = cb(e, (const char *const *)vals, userdata);
out:
	for (size_t i = 0; i < x.n; i++)
		hrow_release(&x.rows[i]);
	free(x.rows);
	history_values_free(e, vals);
	return r;
}
