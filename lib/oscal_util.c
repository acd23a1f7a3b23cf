/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OSCAL reader's helpers: the path in messages, checked members, growing arrays, id sets. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/strutil.h"
#include "oscal_internal.h"

static size_t push(struct oscal_ctx *c, const char *seg)
{
	size_t saved = c->plen, n = strlen(seg);

	/* A path too long to show whole keeps its start and says it was cut. */
	if (c->plen + n >= sizeof(c->path)) {
		c->cut = true;
		return saved;
	}
	memcpy(c->path + c->plen, seg, n + 1);
	c->plen += n;
	return saved;
}

size_t oscal_push_name(struct oscal_ctx *c, const char *name)
{
	char seg[ISMS_OSCAL_ID_MAX + 2];

	snprintf(seg, sizeof(seg), "%s%s", c->plen ? "." : "", name);
	return push(c, seg);
}

size_t oscal_push_index(struct oscal_ctx *c, size_t i)
{
	char seg[32];

	snprintf(seg, sizeof(seg), "[%zu]", i);
	return push(c, seg);
}

void oscal_pop(struct oscal_ctx *c, size_t saved)
{
	c->plen = saved;
	c->path[saved] = '\0';
}

int oscal_fail(struct oscal_ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->err || !c->errlen || c->err[0])
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->plen)
		snprintf(c->err, c->errlen, "%s%s: %s", c->path, c->cut ? "..." : "", msg);
	else
		snprintf(c->err, c->errlen, "%s", msg);
	return -EINVAL;
}

int oscal_enter(struct oscal_ctx *c)
{
	if (c->depth >= ISMS_OSCAL_DEPTH_MAX)
		return oscal_fail(c, "nested deeper than %u levels", ISMS_OSCAL_DEPTH_MAX);
	c->depth++;
	return 0;
}

static size_t kind_max(enum oscal_kind kind)
{
	switch (kind) {
	case OSCAL_ID:
		return ISMS_OSCAL_ID_MAX;
	case OSCAL_URI:
		return ISMS_OSCAL_URI_MAX;
	case OSCAL_TEXT:
		return ISMS_OSCAL_TEXT_MAX;
	case OSCAL_PROSE:
		break;
	}
	return ISMS_OSCAL_PROSE_MAX;
}

int oscal_check(struct oscal_ctx *c, const char *s, size_t len, enum oscal_kind kind,
		const char *name)
{
	const char *q = name ? "'" : "";
	const char *n = name ? name : "value";

	/* json-c keeps U+0000 inside a value; a C string would end there. */
	if (strlen(s) != len)
		return oscal_fail(c, "%s%s%s holds U+0000", q, n, q);
	if (len > kind_max(kind))
		return oscal_fail(c, "%s%s%s is longer than %zu bytes", q, n, q, kind_max(kind));
	if (kind == OSCAL_ID || kind == OSCAL_URI) {
		if (len == 0)
			return oscal_fail(c, "%s%s%s is empty", q, n, q);
		/* Ids are matched and typed on a command line: no blank, no control. */
		for (size_t i = 0; i < len; i++) {
			const unsigned char ch = (unsigned char)s[i];

			if (ch <= 0x20 || ch == 0x7f)
				return oscal_fail(c, "%s%s%s holds white space or a control character",
						  q, n, q);
		}
	}
	if (!isms_text_ok(s))
		return oscal_fail(c, "%s%s%s holds a control character", q, n, q);
	return 0;
}

static int take(struct oscal_ctx *c, struct json_object *v, enum oscal_kind kind,
		const char *name, char **ret)
{
	const char *q = name ? "'" : "";
	const char *s;
	char *copy;
	int r;

	if (!json_object_is_type(v, json_type_string))
		return oscal_fail(c, "%s%s%s is not a string", q, name ? name : "value", q);
	s = json_object_get_string(v);
	r = oscal_check(c, s, (size_t)json_object_get_string_len(v), kind, name);
	if (r < 0)
		return r;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	*ret = copy;
	return 0;
}

int oscal_str(struct oscal_ctx *c, struct json_object *o, const char *name, enum oscal_kind kind,
	      bool required, const char *what, char **ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v)) {
		if (required)
			return oscal_fail(c, "%s without '%s'", what, name);
		*ret = NULL;
		return 0;
	}
	return take(c, v, kind, name, ret);
}

int oscal_str_value(struct oscal_ctx *c, struct json_object *v, enum oscal_kind kind, char **ret)
{
	return take(c, v, kind, NULL, ret);
}

int oscal_need_object(struct oscal_ctx *c, struct json_object *v)
{
	if (!json_object_is_type(v, json_type_object))
		return oscal_fail(c, "not an object");
	return 0;
}

int oscal_array(struct oscal_ctx *c, struct json_object *o, const char *name, bool required,
		const char *what, struct json_object **ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v)) {
		if (required)
			return oscal_fail(c, "%s without '%s'", what, name);
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return oscal_fail(c, "'%s' is not an array", name);
	if (json_object_array_length(v) == 0 && required)
		return oscal_fail(c, "%s with an empty '%s'", what, name);
	*ret = json_object_array_length(v) ? v : NULL;
	return 0;
}

int oscal_object(struct oscal_ctx *c, struct json_object *o, const char *name, bool required,
		 const char *what, struct json_object **ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v)) {
		if (required)
			return oscal_fail(c, "%s without '%s'", what, name);
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_object))
		return oscal_fail(c, "'%s' is not an object", name);
	*ret = v;
	return 0;
}

void oscal_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int oscal_strv(struct oscal_ctx *c, struct json_object *o, const char *name, enum oscal_kind kind,
	       char ***ret, size_t *ret_n)
{
	struct json_object *arr = NULL;
	char **v = NULL;
	size_t n = 0, len, saved;
	int r;

	r = oscal_array(c, o, name, false, NULL, &arr);
	if (r < 0 || !arr)
		return r;
	len = json_object_array_length(arr);
	v = calloc(len, sizeof(*v));
	if (!v)
		return -ENOMEM;
	saved = oscal_push_name(c, name);
	for (; n < len; n++) {
		const size_t at = oscal_push_index(c, n);

		r = oscal_str_value(c, json_object_array_get_idx(arr, n), kind, &v[n]);
		oscal_pop(c, at);
		if (r < 0)
			goto out;
	}
	*ret = v;
	*ret_n = n;
	v = NULL;
	r = 0;
out:
	oscal_pop(c, saved);
	if (v)
		oscal_strv_free(v, n);
	return r;
}

int oscal_grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t want;
	void *p;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : 16;
	if (want > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*arr, want * size);
	if (!p)
		return -ENOMEM;
	/* Zeroed, so a half-built element frees cleanly. */
	memset((char *)p + *cap * size, 0, (want - *cap) * size);
	*arr = p;
	*cap = want;
	return 0;
}

/* FNV-1a: ids are short, and a set holds at most ISMS_OSCAL_ITEMS_MAX-ish of them. */
static size_t hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return (size_t)h;
}

static void place(const char **slot, size_t cap, const char *id)
{
	size_t i = hash(id) & (cap - 1);

	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = id;
}

int oscal_idset_add(struct oscal_idset *set, const char *id)
{
	if (set->cap) {
		for (size_t i = hash(id) & (set->cap - 1); set->slot[i]; i = (i + 1) & (set->cap - 1))
			if (strcmp(set->slot[i], id) == 0)
				return -EEXIST;
	}
	/* At most half full, so a probe ends soon. */
	if ((set->n + 1) * 2 > set->cap) {
		const size_t cap = set->cap ? set->cap * 2 : 64;
		const char **slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return -ENOMEM;
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i])
				place(slot, cap, set->slot[i]);
		free(set->slot);
		set->slot = slot;
		set->cap = cap;
	}
	place(set->slot, set->cap, id);
	set->n++;
	return 0;
}

void oscal_idset_release(struct oscal_idset *set)
{
	free(set->slot);
	set->slot = NULL;
	set->cap = set->n = 0;
}
