/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Import of registers from JSON: every record through the same checks as add. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "appointment_internal.h"
#include "isms/entity.h"
#include "isms/incident.h"
#include "isms/json.h"
#include "isms/risk.h"
#include "isms/soa.h"
#include "store_internal.h"
#include "isms/strutil.h"
#include "crud_internal.h"
#include "register_internal.h"

/* --- import ------------------------------------------------------------- */

static int json_value_text(struct json_object *v, char **ret)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		*ret = NULL;
		return 0;
	case json_type_boolean:
		*ret = strdup(json_object_get_boolean(v) ? "yes" : "no");
		break;
	case json_type_string:
		*ret = strdup(json_object_get_string(v));
		break;
	case json_type_int:
	case json_type_double:
		*ret = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	default:
		return -EINVAL;
	}
	return *ret ? 0 : -ENOMEM;
}

/* ["a", "b"] -> "a,b": the text a REFS field parses. */
static int json_keys_text(struct json_object *arr, char **ret)
{
	size_t n = json_object_array_length(arr), len = 1, off = 0;
	char *out;

	for (size_t i = 0; i < n; i++) {
		struct json_object *k = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(k, json_type_string))
			return -EINVAL;
		len += (size_t)json_object_get_string_len(k) + 1;
	}
	out = malloc(len);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *k = json_object_array_get_idx(arr, i);
		size_t klen = (size_t)json_object_get_string_len(k);

		if (i)
			out[off++] = ',';
		memcpy(out + off, json_object_get_string(k), klen);
		off += klen;
	}
	out[off] = '\0';
	*ret = out;
	return 0;
}

/* A set of records of the same type (an asset's dependencies): it may name one further on. */
static bool self_ref(const struct isms_entity *e, const struct isms_field *f)
{
	return f && f->type == ISMS_FT_REFS && strcmp(f->ref, e->name) == 0;
}

static bool has_self_ref(const struct isms_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (self_ref(e, &e->fields[i]))
			return true;
	return false;
}

struct current {
	size_t n;
	char **v;
};

static int current_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct current *c = userdata;

	c->v = calloc(e->nfields, sizeof(*c->v));
	if (!c->v)
		return -ENOMEM;
	c->n = e->nfields;
	for (size_t i = 0; i < e->nfields; i++)
		if (values[i] && !(c->v[i] = strdup(values[i])))
			return -ENOMEM;
	return 0;
}

static void current_release(struct current *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
}

/* The text of @v as the store would show it: "" and NULL are one. */
static bool same_value(const char *shown, const char *given)
{
	return strcmp(shown ? shown : "", given ? given : "") == 0;
}

/*
 * --update of the record @key that exists: the members of @kv (the key
 * left out) whose value differs from the stored one, written as a change;
 * nothing when none differs, so that hooks refusing a change to a settled
 * record (an approved review) see none.  1 when changed, 0 when not.
 */
static int update_changed(struct isms_store *s, const struct isms_entity *e, const char *key,
			  const struct isms_kv *kv, size_t n)
{
	struct current cur = {0};
	struct isms_kv diff[64];
	size_t m = 0;
	int r;

	r = isms_record_get(s, e, key, current_cb, &cur);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		int f = isms_entity_field_index(e, kv[i].name);

		if (strcmp(kv[i].name, crud_key_field(e)->name) == 0)
			continue;
		/* A field unknown to the type goes through, for the change to name it. */
		if (f < 0 || !same_value(cur.v[f], kv[i].value))
			diff[m++] = kv[i];
	}
	if (r >= 0 && m)
		r = crud_update(s, e, key, diff, m);
	current_release(&cur);
	return r < 0 ? r : m > 0;
}

static void count(struct isms_store *s, int what)
{
	struct isms_import_counts *c = s->import_counts;

	if (!c)
		return;
	if (what == 0)
		c->added++;
	else if (what == 1)
		c->changed++;
	else
		c->unchanged++;
}

/*
 * @links: the second pass over a record type's entries, once all of them
 * are in, writing only the sets that name records of the same type; the
 * first pass writes everything else.
 */
static int import_one(struct isms_store *s, const struct isms_entity *e, struct json_object *obj,
		      bool links)
{
	struct isms_kv kv[64];
	char *texts[64] = {0};
	const char *key = NULL;
	size_t n = 0;
	int r = 0;

	if (!json_object_is_type(obj, json_type_object))
		return store_seterr(s, -EINVAL, "entry is not an object");
	json_object_object_foreach(obj, name, val)
	{
		const struct isms_field *f = isms_entity_field(e, name);

		/* Derived values (an export's level, overdue...) are not data, and a
		 * catalogue's fixed text comes from the catalogue: skip both, so an
		 * export imports as it is. */
		if (f && ((f->flags & ISMS_FF_COMPUTED) ||
			  ((e->flags & ISMS_EF_CATALOGUE) && (f->flags & ISMS_FF_FIXED))))
			continue;
		if (self_ref(e, f) != links && strcmp(name, crud_key_field(e)->name) != 0)
			continue;
		if (n >= sizeof(kv) / sizeof(kv[0])) {
			r = store_seterr(s, -E2BIG, "too many members");
			goto out;
		}
		/* A set is an array of keys; an older export's single key is a set of one. */
		if (f && f->type == ISMS_FT_REFS && json_object_is_type(val, json_type_array))
			r = json_keys_text(val, &texts[n]);
		else
			r = json_value_text(val, &texts[n]);
		if (r < 0) {
			r = store_seterr(s, -EINVAL, "%s: must be a string, number, boolean or null",
					 name);
			goto out;
		}
		kv[n].name = name;
		kv[n].value = texts[n];
		if (strcmp(name, crud_key_field(e)->name) == 0)
			key = texts[n];
		n++;
	}
	/* Built-in rows (control tests) are in every store init made: an export
	 * of one store imports into another by changing them. */
	if (links && (!key || n < 2)) {
		r = 0; /* no set of this kind: nothing to link */
	} else if (key && s->import_update && isms_record_get(s, e, key, NULL, NULL) == 0) {
		r = update_changed(s, e, key, kv, n);
		/* the second pass changes what the first counted */
		if (r >= 0 && !links)
			count(s, r == 1 ? 1 : 2);
	} else if (key && (links || (e->flags & ISMS_EF_CATALOGUE) ||
		    ((e->flags & ISMS_EF_UPSERT) && isms_record_get(s, e, key, NULL, NULL) == 0))) {
		struct isms_kv rest[64];
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (strcmp(kv[i].name, crud_key_field(e)->name) != 0)
				rest[m++] = kv[i];
		r = crud_update(s, e, key, rest, m);
		if (r >= 0 && !links)
			count(s, 1);
	} else {
		r = crud_insert(s, e, kv, n, NULL);
		if (r >= 0)
			count(s, 0);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	return r;
}

/* {"likelihood": {"rare": "..."}, "impact": {...}, "level": {...}}, as export writes it */
static int import_definitions(struct isms_store *s, struct json_object *obj)
{
	int r = 0;

	if (!json_object_is_type(obj, json_type_object))
		return store_seterr(s, -EINVAL, "must be an object");
	json_object_object_foreach(obj, what, defs)
	{
		if (!json_object_is_type(defs, json_type_object))
			return store_seterr(s, -EINVAL, "%s: must be an object", what);
		json_object_object_foreach(defs, name, text)
		{
			if (!json_object_is_type(text, json_type_string) &&
			    !json_object_is_type(text, json_type_null))
				return store_seterr(s, -EINVAL, "%s: %s: must be a string or null",
						    what, name);
			r = isms_risk_matrix_define(s, what, name, json_object_get_string(text));
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int import_settings(struct isms_store *s, struct json_object *obj)
{
	int r = 0;

	if (!json_object_is_type(obj, json_type_object))
		return store_seterr(s, -EINVAL, "settings: must be an object");
	json_object_object_foreach(obj, name, val)
	{
		char *text = NULL;

		r = json_value_text(val, &text);
		if (r < 0 || !text) {
			free(text);
			return store_seterr(s, -EINVAL, "settings: %s: must be a string or number",
					    name);
		}
		r = isms_setting_apply(s, name, text);
		free(text);
		if (r < 0)
			return store_seterr(s, r, "settings: %s", isms_store_errmsg(s));
	}
	return 0;
}

int isms_import_json(struct isms_store *s, const char *json, size_t len, char **ret_err)
{
	return isms_import_json_progress(s, json, len, NULL, NULL, ret_err);
}

int isms_import_json_progress(struct isms_store *s, const char *json, size_t len,
			      void (*progress)(size_t done, size_t total, void *userdata),
			      void *userdata, char **ret_err)
{
	return isms_import_json_ext(s, json, len, 0, progress, userdata, NULL, ret_err);
}

int isms_import_json_ext(struct isms_store *s, const char *json, size_t len, unsigned flags,
			 void (*progress)(size_t done, size_t total, void *userdata),
			 void *userdata, struct isms_import_counts *ret_counts, char **ret_err)
{
	static const struct isms_json_limits limits = {.max_bytes = IMPORT_MAX, .max_depth = 32};
	struct isms_json_error jerr;
	struct json_object *root = NULL, *section;
	char where[128] = "";
	size_t done = 0, total = 0;
	int r;

	if (ret_counts)
		memset(ret_counts, 0, sizeof(*ret_counts));
	if (len > IMPORT_MAX) {
		r = store_seterr(s, -EFBIG, "import larger than %u bytes", IMPORT_MAX);
		goto out;
	}
	/* Strict JSON: json-c's own reader takes comments and keeps the last
	 * of two equal names, silently changing what is imported. */
	r = isms_json_parse(json, len, &limits, &root, &jerr);
	if (r == -EINVAL) {
		r = store_seterr(s, r, "not valid JSON at byte %zu (line %u, column %u, at %s): %s",
				 jerr.offset, jerr.line, jerr.column, jerr.path, jerr.msg);
		goto out;
	}
	if (r < 0)
		goto out;
	if (!json_object_is_type(root, json_type_object)) {
		r = store_seterr(s, -EINVAL, "the document must be a JSON object");
		goto out;
	}
	/* Reject members we do not know instead of silently dropping data. */
	json_object_object_foreach(root, name, val)
	{
		const struct isms_entity *e = store_entity(s, name);

		(void)val;
		if (strcmp(name, "settings") == 0 || strcmp(name, "matrix") == 0 ||
		    (s->schema == &isms_schema_main && (strcmp(name, ISMS_INCIDENT_EVENTS) == 0 ||
							strcmp(name, ISMS_SOA_VERSIONS) == 0 ||
							strcmp(name, "matrix_definitions") == 0)) ||
		    name[0] == '_' || (e && !(e->flags & ISMS_EF_READONLY)))
			continue;
		r = store_seterr(s, -EINVAL, "unknown section '%.64s'", name);
		goto out;
	}
	if (progress) {
		for (size_t i = 0; s->schema->entities[i]; i++) {
			const struct isms_entity *e = s->schema->entities[i];

			if (!(e->flags & ISMS_EF_READONLY) &&
			    (json_object_object_get_ex(root, e->name, &section) ||
			     json_object_object_get_ex(root, e->plural, &section)) &&
			    json_object_is_type(section, json_type_array))
				total += json_object_array_length(section);
		}
	}
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	if (json_object_object_get_ex(root, "matrix", &section)) {
		struct isms_risk_matrix m;
		char err[256];

		snprintf(where, sizeof(where), "matrix: ");
		r = isms_risk_matrix_from_json(json_object_to_json_string(section), &m, err,
					       sizeof(err));
		if (r < 0)
			store_seterr(s, r, "%s", err);
		else
			r = isms_risk_matrix_save(s, &m);
		if (r < 0)
			goto fail;
	}
	if (json_object_object_get_ex(root, "matrix_definitions", &section)) {
		snprintf(where, sizeof(where), "matrix_definitions: ");
		r = import_definitions(s, section);
		if (r < 0)
			goto fail;
	}
	if (json_object_object_get_ex(root, "settings", &section)) {
		where[0] = '\0';
		r = import_settings(s, section);
		if (r < 0)
			goto fail;
	}
	/* A register restored brings its consequences along: hooks check, not act. */
	s->importing = true;
	s->import_update = flags & ISMS_IMPORT_UPDATE;
	if (ret_counts) {
		memset(ret_counts, 0, sizeof(*ret_counts));
		s->import_counts = ret_counts;
	}
	for (size_t i = 0; s->schema->entities[i]; i++) {
		const struct isms_entity *e = s->schema->entities[i];

		if (e->flags & ISMS_EF_READONLY)
			continue;
		if (!json_object_object_get_ex(root, e->name, &section) &&
		    !json_object_object_get_ex(root, e->plural, &section))
			continue;
		if (!json_object_is_type(section, json_type_array)) {
			snprintf(where, sizeof(where), "%s: ", e->name);
			r = store_seterr(s, -EINVAL, "must be an array");
			goto fail;
		}
		for (size_t j = 0; j < json_object_array_length(section); j++) {
			snprintf(where, sizeof(where), "%s[%zu]: ", e->name, j);
			r = import_one(s, e, json_object_array_get_idx(section, j), false);
			if (r < 0)
				goto fail;
			if (progress)
				progress(++done, total, userdata);
		}
		for (size_t j = 0; has_self_ref(e) && j < json_object_array_length(section); j++) {
			snprintf(where, sizeof(where), "%s[%zu]: ", e->name, j);
			r = import_one(s, e, json_object_array_get_idx(section, j), true);
			if (r < 0)
				goto fail;
		}
	}
	/* The timelines after the incidents and people they name. */
	if (s->schema == &isms_schema_main &&
	    json_object_object_get_ex(root, ISMS_INCIDENT_EVENTS, &section)) {
		r = register_import_events(s, section, where, sizeof(where));
		if (r < 0)
			goto fail;
	}
	/* The SoA versions after the people who proposed and approved them. */
	if (s->schema == &isms_schema_main &&
	    json_object_object_get_ex(root, ISMS_SOA_VERSIONS, &section)) {
		r = soa_import_versions(s, section, where, sizeof(where));
		if (r < 0)
			goto fail;
	}
	/* With every record present: one security officer and one DPO at a time. */
	if (s->schema == &isms_schema_main) {
		where[0] = '\0';
		r = appointment_check_all(s);
		if (r < 0)
			goto fail;
	}
	s->importing = false;
	s->import_update = false;
	s->import_counts = NULL;
	r = isms_store_commit(s);
	goto out;
fail:
	s->importing = false;
	s->import_update = false;
	s->import_counts = NULL;
	if (ret_counts)
		memset(ret_counts, 0, sizeof(*ret_counts));
	isms_store_rollback(s);
out:
	if (r < 0 && ret_err) {
		if (asprintf(ret_err, "%s%s", where, isms_store_errmsg(s)) < 0)
			*ret_err = NULL;
	}
	json_object_put(root);
	return r;
}
