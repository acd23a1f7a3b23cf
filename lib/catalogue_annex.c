/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Annex A as one imported catalogue among the others (isms/catalogue.h):
 * the register's catalogue file written as an OSCAL catalog and imported
 * as ISO27001-AnnexA from the file name the BSI's ISO -> Grundschutz++
 * mapping names, so that the mapping links both sides' controls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/catalogue_import.h"
#include "isms/json.h"
#include "isms/sha256.h"
#include "isms/strutil.h"
#include "isms/uuid.h"
#include "store_internal.h"

#define ANNEX_MAX (4u << 20)

/* ISO/IEC 27001:2022 Annex A's clauses, its themes. */
static const char *const clause_title[] = {
	[5] = "Organizational controls",
	[6] = "People controls",
	[7] = "Physical controls",
	[8] = "Technological controls",
};

static const char *member_str(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *str(const char *s)
{
	return json_object_new_string(s);
}

/* The group of clause @n, made on first use, in @groups (index 5 to 8). */
static struct json_object *clause(struct json_object *cat, struct json_object **groups, int n)
{
	struct json_object *arr, *g;
	char id[4];

	if (groups[n])
		return groups[n];
	if (!json_object_object_get_ex(cat, "groups", &arr)) {
		arr = json_object_new_array();
		if (!arr || json_object_object_add(cat, "groups", arr) < 0) {
			json_object_put(arr);
			return NULL;
		}
	}
	g = json_object_new_object();
	if (!g || json_object_array_add(arr, g) < 0) {
		json_object_put(g);
		return NULL;
	}
	snprintf(id, sizeof(id), "%d", n);
	json_object_object_add(g, "id", str(id));
	json_object_object_add(g, "title", str(clause_title[n]));
	json_object_object_add(g, "controls", json_object_new_array());
	groups[n] = g;
	return g;
}

/* The OSCAL catalog of the controls in @arr, as text into *ret (malloc'd). */
static int to_oscal(struct isms_store *s, const char *path, const char *title,
		    struct json_object *arr, char **ret)
{
	struct json_object *root = json_object_new_object(), *cat = json_object_new_object();
	struct json_object *md = json_object_new_object(), *groups[9] = {NULL};
	char uuid[ISMS_UUID_STR];
	const char *text;
	int r;

	if (!root || !cat || !md) {
		json_object_put(root);
		json_object_put(cat);
		json_object_put(md);
		return -ENOMEM;
	}
	json_object_object_add(root, "catalog", cat);
	json_object_object_add(cat, "metadata", md);
	/* One uuid for isms's Annex A, whatever the store: it is the same catalogue. */
	r = isms_uuid_v5(isms_uuid_ns, "catalogue/" ISMS_ANNEX_A_NAME, uuid);
	if (r < 0)
		goto out;
	json_object_object_add(cat, "uuid", str(uuid));
	json_object_object_add(md, "title", str(title));
	json_object_object_add(md, "last-modified", str("2022-10-25T00:00:00Z"));
	json_object_object_add(md, "version", str("2022"));
	json_object_object_add(md, "oscal-version", str("1.1.3"));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *c, *props, *label, *ctls, *g;
		const char *id = member_str(o, "id"), *t = member_str(o, "title");
		char lab[32];
		int n = id ? atoi(id) : 0;

		if (!id || !t || n < 5 || n > 8 || strlen(id) > 16 || !isms_text_ok(id) ||
		    !isms_text_ok(t)) {
			r = store_seterr(s, -EINVAL,
					 "catalogue '%s': entry %zu needs an id of clause 5 to 8 and a"
					 " title",
					 path, i);
			goto out;
		}
		c = json_object_new_object();
		props = json_object_new_array();
		label = json_object_new_object();
		ctls = NULL;
		g = clause(cat, groups, n);
		if (!c || !props || !label || !g ||
		    !json_object_object_get_ex(g, "controls", &ctls) || !ctls) {
			json_object_put(c);
			json_object_put(props);
			json_object_put(label);
			r = -ENOMEM;
			goto out;
		}
		snprintf(lab, sizeof(lab), "A.%s", id);
		json_object_object_add(label, "name", str("label"));
		json_object_object_add(label, "value", str(lab));
		json_object_array_add(props, label);
		json_object_object_add(c, "id", str(id));
		json_object_object_add(c, "title", str(t));
		json_object_object_add(c, "props", props);
		json_object_array_add(ctls, c);
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	*ret = text ? strdup(text) : NULL;
	r = *ret ? 0 : -ENOMEM;
out:
	json_object_put(root);
	return r;
}

int isms_catalogue_load_annex_a(struct isms_store *s, const char *path, int64_t now,
				char **ret_err)
{
	static const struct isms_json_limits limits = {.max_bytes = ANNEX_MAX};
	struct json_object *root = NULL, *arr = NULL;
	struct isms_json_error jerr;
	char *buf = NULL, *doc = NULL, *old = NULL, sha[ISMS_SHA256_HEX], uuid[ISMS_UUID_STR];
	const char *title;
	size_t len = 0;
	int r;

	r = isms_read_file(path, ANNEX_MAX, &buf, &len);
	if (r < 0) {
		r = store_seterr(s, r, "cannot read catalogue '%s': %s", path, strerror(-r));
		goto out;
	}
	r = isms_json_parse(buf, len, &limits, &root, &jerr);
	if (r == -EINVAL)
		r = store_seterr(s, r, "catalogue '%s' is not valid JSON at line %u, column %u: %s",
				 path, jerr.line, jerr.column, jerr.msg);
	if (r < 0)
		goto out;
	if (!root || !json_object_object_get_ex(root, "controls", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		r = store_seterr(s, -EINVAL, "catalogue '%s' is not JSON with an array 'controls'",
				 path);
		goto out;
	}
	title = member_str(root, "catalogue");
	r = to_oscal(s, path, title && isms_text_ok(title) ? title : "ISO/IEC 27001:2022 Annex A",
		     arr, &doc);
	if (r >= 0)
		r = isms_sha256_hex(doc, strlen(doc), sha);
	if (r >= 0)
		r = isms_uuid_v5(isms_uuid_ns, "catalogue/" ISMS_ANNEX_A_NAME, uuid);
	/* Unchanged since the last init: nothing to write. */
	if (r >= 0)
		r = store_query_text(s, "SELECT sha256 FROM catalogue WHERE name = ?1",
				     ISMS_ANNEX_A_NAME, NULL, NULL, &old);
	if (r == 1 && strcmp(old, sha) == 0) {
		r = (int)json_object_array_length(arr);
		goto out;
	}
	free(old);
	old = NULL;
	/* A catalogue of that name imported by hand is the user's: not replaced. */
	if (r == 1)
		r = store_query_text(s, "SELECT uuid FROM catalogue WHERE name = ?1",
				     ISMS_ANNEX_A_NAME, NULL, NULL, &old);
	if (r == 1 && strcmp(old, uuid) != 0)
		r = store_seterr(s, -EEXIST,
				 "catalogue '" ISMS_ANNEX_A_NAME "' was imported from elsewhere:"
				 " not replaced by Annex A");
	if (r >= 0) {
		const struct isms_catalogue_doc d = {ISMS_ANNEX_A_NAME, ISMS_ANNEX_A_FILE, doc,
						     strlen(doc), false};

		r = isms_catalogue_import_all(s, &d, 1, true, now, NULL);
	}
	if (r >= 0)
		r = (int)json_object_array_length(arr);
out:
	if (r < 0 && ret_err)
		*ret_err = strdup(isms_store_errmsg(s));
	json_object_put(root);
	free(old);
	free(doc);
	free(buf);
	return r;
}
