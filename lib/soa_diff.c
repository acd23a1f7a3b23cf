/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What changed in the register since an SoA snapshot was frozen: a draft
 * approved must say what the register says at its approval, else
 * management approves an SoA that no longer exists.  Pure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "soa_internal.h"

static const char *member(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The measures of @o, sorted and joined by ',' into @out: the order of keys is no change. */
static void measures_text(struct json_object *o, char *out, size_t len)
{
	struct json_object *m;
	const char *keys[256];
	size_t n = 0, off = 0;

	out[0] = '\0';
	if (!json_object_object_get_ex(o, "measures", &m) ||
	    !json_object_is_type(m, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(m) && n < 256; i++) {
		const char *k = json_object_get_string(json_object_array_get_idx(m, i));

		if (k)
			keys[n++] = k;
	}
	if (n > 1)
		qsort(keys, n, sizeof(keys[0]), cmp_str);
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : "", keys[i]);
}

/* An empty text and none say the same: a justification cleared is no justification. */
static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct json_object *controls_of(const char *text)
{
	struct json_object *doc = text ? json_tokener_parse(text) : NULL, *arr;

	if (doc && json_object_object_get_ex(doc, "controls", &arr) &&
	    json_object_is_type(arr, json_type_array))
		return doc;
	json_object_put(doc);
	return NULL;
}

static struct json_object *find(struct json_object *arr, const char *id)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		const char *v = member(o, "id");

		if (v && strcmp(v, id) == 0)
			return o;
	}
	return NULL;
}

/* The first difference between the entries @a (then) and @b (now) of control @id, or 0. */
static int entry_diff(const char *id, struct json_object *a, struct json_object *b, char *what,
		      size_t len)
{
	static const char *const fields[] = {"applicable", "status", "justification"};
	char ma[1024], mb[1024];

	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		const char *va = member(a, fields[k]), *vb = member(b, fields[k]);

		if (same(va, vb))
			continue;
		snprintf(what, len, "%.32s %s '%.40s' -> '%.40s'", id, fields[k], va ? va : "",
			 vb ? vb : "");
		return 1;
	}
	measures_text(a, ma, sizeof(ma));
	measures_text(b, mb, sizeof(mb));
	if (strcmp(ma, mb) == 0)
		return 0;
	snprintf(what, len, "%.32s measures '%.60s' -> '%.60s'", id, ma, mb);
	return 1;
}

int soa_snapshot_diff(const char *then, const char *now, char *what, size_t len)
{
	struct json_object *da, *db, *a, *b;
	int r = 0;

	what[0] = '\0';
	if (then && now && strcmp(then, now) == 0)
		return 0;
	da = controls_of(then);
	db = controls_of(now);
	if (!da || !db) {
		json_object_put(da);
		json_object_put(db);
		return -EINVAL;
	}
	json_object_object_get_ex(da, "controls", &a);
	json_object_object_get_ex(db, "controls", &b);
	for (size_t i = 0; r == 0 && i < json_object_array_length(b); i++) {
		struct json_object *ob = json_object_array_get_idx(b, i), *oa;
		const char *id = member(ob, "id");

		if (!id)
			continue;
		oa = find(a, id);
		if (!oa) {
			snprintf(what, len, "%.32s added", id);
			r = 1;
		} else {
			r = entry_diff(id, oa, ob, what, len);
		}
	}
	for (size_t i = 0; r == 0 && i < json_object_array_length(a); i++) {
		const char *id = member(json_object_array_get_idx(a, i), "id");

		if (id && !find(b, id)) {
			snprintf(what, len, "%.32s removed", id);
			r = 1;
		}
	}
	json_object_put(da);
	json_object_put(db);
	return r;
}
