/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the shipped catalogues (Annex A, BSI elementary threats) into the store. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/json.h"
#include "store_internal.h"
#include "isms/strutil.h"

#define CATALOGUE_MAX (4u << 20)

static int load_doc(const char *path, const char *member, struct json_object **ret_root,
		    struct json_object **ret_arr, char **ret_err)
{
	static const struct isms_json_limits limits = {.max_bytes = CATALOGUE_MAX};
	struct json_object *root = NULL, *arr;
	struct isms_json_error jerr;
	char *buf = NULL;
	size_t len = 0;
	int r;

	r = isms_read_file(path, CATALOGUE_MAX, &buf, &len);
	if (r < 0) {
		if (ret_err && asprintf(ret_err, "cannot read catalogue '%s': %s", path,
					strerror(-r)) < 0)
			*ret_err = NULL;
		return r;
	}
	r = isms_json_parse(buf, len, &limits, &root, &jerr);
	free(buf);
	if (r == -EINVAL) {
		if (ret_err && asprintf(ret_err, "catalogue '%s' is not valid JSON at line %u, column %u (%s): %s",
					path, jerr.line, jerr.column, jerr.path, jerr.msg) < 0)
			*ret_err = NULL;
		return r;
	}
	if (r < 0)
		return r;
	if (!root || !json_object_object_get_ex(root, member, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		if (ret_err && asprintf(ret_err, "catalogue '%s' is not JSON with an array '%s'",
					path, member) < 0)
			*ret_err = NULL;
		return -EINVAL;
	}
	*ret_root = root;
	*ret_arr = arr;
	return 0;
}

static const char *member_str(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int load(struct isms_store *s, const char *path, bool controls, char **ret_err)
{
	const struct isms_entity *ce = isms_entity_lookup("control");
	const struct isms_field *theme = isms_entity_field(ce, "theme");
	struct json_object *root = NULL, *arr;
	sqlite3_stmt *st = NULL;
	size_t n;
	int r;

	r = load_doc(path, controls ? "controls" : "threats", &root, &arr, ret_err);
	if (r < 0)
		return r;
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	r = store_prepare(s,
			  controls ? "INSERT INTO control (id, title, theme) VALUES (?1, ?2, ?3)"
				     " ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
				     " theme = excluded.theme" :
				     "INSERT INTO threat (id, title, source) VALUES (?1, ?2, 'bsi')"
				     " ON CONFLICT(id) DO UPDATE SET title = excluded.title",
			  &st);
	if (r < 0)
		goto fail;
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *id = member_str(o, "id"), *title = member_str(o, "title");
		const char *th = controls ? member_str(o, "theme") : "";
		char *canon = NULL, err[128];

		if (!id || !title || !th || !id[0] || !title[0] || !isms_text_ok(id) ||
		    !isms_text_ok(title) ||
		    (controls && isms_field_parse(theme, th, &canon, err, sizeof(err)) < 0)) {
			r = store_seterr(s, -EINVAL,
					 "catalogue '%s': entry %zu needs string members id, title%s",
					 path, i, controls ? " and a valid theme" : "");
			goto fail;
		}
		sqlite3_reset(st);
		r = store_bind_text(s, st, 1, id);
		if (r >= 0)
			r = store_bind_text(s, st, 2, title);
		if (r >= 0 && controls)
			r = store_bind_text(s, st, 3, canon);
		free(canon);
		if (r >= 0)
			r = store_step_done(s, st);
		if (r < 0)
			goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	r = isms_store_commit(s);
	if (r == 0)
		r = (int)n;
	goto out;
fail:
	sqlite3_finalize(st);
	st = NULL;
	isms_store_rollback(s);
	if (ret_err)
		*ret_err = strdup(isms_store_errmsg(s));
out:
	json_object_put(root);
	return r;
}

int isms_catalogue_load_controls(struct isms_store *s, const char *path, char **ret_err)
{
	return load(s, path, true, ret_err);
}

int isms_catalogue_load_threats(struct isms_store *s, const char *path, char **ret_err)
{
	return load(s, path, false, ret_err);
}
