/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the report's renderers share: reading the figures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "render.h"

struct json_object *fig_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *fig_str(struct json_object *o, const char *key)
{
	struct json_object *v = fig_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int64_t fig_int(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *v = fig_get(o, key);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

int64_t fig_int2(struct json_object *o, const char *sect, const char *key, int64_t dflt)
{
	return fig_int(fig_get(o, sect), key, dflt);
}

size_t fig_len(struct json_object *array)
{
	return array && json_object_is_type(array, json_type_array) ?
		       json_object_array_length(array) : 0;
}

struct json_object *fig_at(struct json_object *array, size_t i)
{
	return json_object_array_get_idx(array, i);
}

void fig_money(char *buf, size_t len, int64_t cents)
{
	int64_t a = cents < 0 ? -cents : cents;

	snprintf(buf, len, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "", a / 100, a % 100);
}

const char *fig_level_label(struct json_object *fig, int64_t rank)
{
	struct json_object *levels = fig_get(fig_get(fig, "matrix"), "levels");

	if (rank < 1 || (size_t)rank > fig_len(levels))
		return "?";
	return json_object_get_string(fig_at(levels, (size_t)rank - 1));
}
