/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the registers of context, objectives, training and incidents share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/nonconformity.h"
#include "register_internal.h"
#include "store_internal.h"

int register_check_rows(const char *in, char *err, size_t errlen)
{
	int r = isms_nc_keys_check(in, err, errlen);

	if (r < 0)
		return r;
	for (const char *p = in; *p; p++) {
		/* a row number is 1 or more: no sign, no leading zero */
		bool start = p == in || p[-1] == ',';

		if (*p == ',')
			continue;
		if (*p < '0' || *p > '9' || (start && *p == '0')) {
			snprintf(err, errlen,
				 "'%.64s' is not a comma-separated list of evidence row numbers"
				 " (e.g. 12,40)", in);
			return -EINVAL;
		}
	}
	return 0;
}

/* Calls @one for each element of the comma-separated @list, until one fails. */
static int each_key(struct isms_store *s, const char *list,
		    int (*one)(struct isms_store *s, const char *k, const void *arg),
		    const void *arg)
{
	char *copy, *save = NULL;
	int r = 0;

	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (char *k = strtok_r(copy, ",", &save); k && r >= 0; k = strtok_r(NULL, ",", &save))
		r = one(s, k, arg);
	free(copy);
	return r < 0 ? r : 0;
}

struct key_arg {
	const char *what;
	const struct isms_entity *e;
};

static int key_exists(struct isms_store *s, const char *k, const void *arg)
{
	const struct key_arg *a = arg;
	int r = isms_record_get(s, a->e, k, NULL, NULL);

	if (r == -ENOENT)
		store_seterr(s, r, "%s: no %s '%.64s' (see 'ismsctl %s list')", a->what, a->e->name,
			     k, a->e->name);
	return r;
}

int register_keys_exist(struct isms_store *s, const char *what, const char *entity,
			const char *keys)
{
	struct key_arg a = {.what = what, .e = store_entity(s, entity)};

	if (!a.e)
		return -EINVAL;
	return each_key(s, keys, key_exists, &a);
}

static int row_exists(struct isms_store *s, const char *k, const void *arg)
{
	int64_t n = 0;
	int r = store_query_int(s, "SELECT count(*) FROM evidence WHERE pk = CAST(?1 AS INTEGER)", k,
				NULL, NULL, &n);

	if (r >= 0 && n == 0)
		r = store_seterr(s, -ENOENT,
				 "%s: no evidence row %.32s (see 'ismsctl evidence list')",
				 (const char *)arg, k);
	return r;
}

int register_rows_exist(struct isms_store *s, const char *what, const char *rows)
{
	return each_key(s, rows, row_exists, what);
}

int register_row(struct isms_store *s, const char *sql, const char *key, char **ret, size_t n)
{
	sqlite3_stmt *st = NULL;
	int r;

	for (size_t i = 0; i < n; i++)
		ret[i] = NULL;
	r = store_prepare(s, sql, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = -ENOENT;
	for (size_t i = 0; r > 0 && i < n; i++) {
		const unsigned char *v = sqlite3_column_text(st, (int)i);

		if (v && !(ret[i] = strdup((const char *)v)))
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	if (r < 0)
		register_row_release(ret, n);
	return r < 0 ? r : 0;
}

void register_row_release(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

char *register_col_dup(sqlite3_stmt *st, int i, bool *oom)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	char *d;

	if (!v)
		return NULL;
	d = strdup((const char *)v);
	if (!d)
		*oom = true;
	return d;
}

/* Member @name of @o as text: NULL when absent or null; -EINVAL when not a string. */
int register_member_text(struct isms_store *s, struct json_object *o, const char *name,
		       const char **ret)
{
	struct json_object *v;

	*ret = NULL;
	if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return store_seterr(s, -EINVAL, "'%s' must be a string", name);
	*ret = json_object_get_string(v);
	return 0;
}

int register_rows_json(struct isms_store *s, const char *sql, const char *const *names, size_t n,
		       struct json_object **ret)
{
	struct json_object *arr = json_object_new_array();
	sqlite3_stmt *st = NULL;
	int r;

	if (!arr)
		return -ENOMEM;
	r = store_prepare(s, sql, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *o = json_object_new_object();

		if (!o) {
			r = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			int type = sqlite3_column_type(st, (int)i);
			struct json_object *v = NULL;

			if (type == SQLITE_INTEGER)
				v = json_object_new_int64(sqlite3_column_int64(st, (int)i));
			else if (type != SQLITE_NULL)
				v = json_object_new_string((const char *)sqlite3_column_text(st, (int)i));
			json_object_object_add(o, names[i], v);
		}
		json_object_array_add(arr, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_object_put(arr);
		return r;
	}
	*ret = arr;
	return 0;
}
