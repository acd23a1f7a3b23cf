/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Import of one record type from CSV, the columns of its CSV export: the
 * rows become the entries of an import document and go through the JSON
 * import, so that the checks, hooks, --update and the one transaction are
 * the same.  An empty cell is no value; the writer's formula guard is
 * taken off again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/csv.h"
#include "isms/entity.h"
#include "isms/suggest.h"
#include "store_internal.h"

/* Every column a field of @e, none twice: a misspelt column must not drop its data. */
static int check_header(struct isms_store *s, const struct isms_entity *e,
			const struct isms_csv *csv)
{
	for (size_t i = 0; i < csv->ncols; i++) {
		const char *name = csv->header[i];

		if (!isms_entity_field(e, name)) {
			struct isms_suggest sg;
			const char *best;

			isms_suggest_init(&sg, name);
			for (size_t j = 0; j < e->nfields; j++)
				isms_suggest_add(&sg, e->fields[j].name);
			best = isms_suggest_best(&sg);
			return store_seterr(s, -EINVAL, "column %zu: '%.64s' is not a field of %s%s%s%s",
					    i + 1, name, e->name, best ? "; did you mean '" : "",
					    best ? best : "", best ? "'?" : "");
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(csv->header[j], name) == 0)
				return store_seterr(s, -EINVAL, "column %zu: '%.64s' twice", i + 1,
						    name);
	}
	return 0;
}

/* "asset[3]: ..." of the JSON import is "line 5: ..." of the CSV (the header is line 1). */
static void name_line(const struct isms_entity *e, char **msg)
{
	size_t n = strlen(e->name);
	char *end, *out;
	unsigned long j;

	if (strncmp(*msg, e->name, n) != 0 || (*msg)[n] != '[')
		return;
	j = strtoul(*msg + n + 1, &end, 10);
	if (end[0] != ']' || end[1] != ':')
		return;
	if (asprintf(&out, "line %lu:%s", j + 2, end + 2) < 0)
		return;
	free(*msg);
	*msg = out;
}

int isms_import_csv(struct isms_store *s, const char *entity, const char *buf, size_t len,
		    unsigned flags, void (*progress)(size_t done, size_t total, void *userdata),
		    void *userdata, struct isms_import_counts *ret_counts, char **ret_err)
{
	const struct isms_entity *e = store_entity(s, entity);
	struct json_object *doc = NULL, *arr;
	struct isms_csv *csv = NULL;
	const char *text;
	char err[256];
	int r;

	if (ret_counts)
		memset(ret_counts, 0, sizeof(*ret_counts));
	if (ret_err)
		*ret_err = NULL;
	if (!e || (e->flags & ISMS_EF_READONLY)) {
		r = store_seterr(s, -EINVAL, "'%.64s' is not a record type that can be imported",
				 entity);
		goto fail_msg;
	}
	r = isms_csv_parse(buf, len, &csv, err, sizeof(err));
	if (r < 0) {
		store_seterr(s, r, "%s", err);
		goto fail_msg;
	}
	r = check_header(s, e, csv);
	if (r < 0)
		goto fail_msg;
	doc = json_object_new_object();
	arr = json_object_new_array();
	if (!doc || !arr) {
		json_object_put(arr);
		r = -ENOMEM;
		goto out;
	}
	json_object_object_add(doc, e->name, arr);
	for (size_t i = 0; i < csv->nrows; i++) {
		struct json_object *o = json_object_new_object();

		if (!o || json_object_array_add(arr, o) < 0) {
			json_object_put(o);
			r = -ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < csv->ncols; j++) {
			const char *v = isms_csv_cell(csv, i, j);

			if (*v)
				json_object_object_add(o, csv->header[j],
						       json_object_new_string(isms_csv_unguard(v)));
		}
	}
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		r = -ENOMEM;
		goto out;
	}
	/* Entries are named by row: the JSON import's "asset[3]: " is CSV row 4 + header. */
	r = isms_import_json_ext(s, text, strlen(text), flags, progress, userdata, ret_counts,
				 ret_err);
	if (r < 0 && ret_err && *ret_err)
		name_line(e, ret_err);
	goto out;
fail_msg:
	if (ret_err)
		*ret_err = strdup(isms_store_errmsg(s));
out:
	json_object_put(doc);
	isms_csv_free(csv);
	return r;
}
