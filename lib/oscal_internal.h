/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OSCAL reader's shared state: where it is, its first error, its id sets. */
#ifndef ISMS_OSCAL_INTERNAL_H
#define ISMS_OSCAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/oscal.h"

struct json_object;

/* A set of borrowed strings (the doc owns them), to refuse an id given twice. */
struct oscal_idset {
	const char **slot;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

struct oscal_ctx {
	struct isms_oscal_doc *doc;
	char *err;
	size_t errlen;
	char path[1024]; /* "catalog.groups[3].controls[7]" */
	size_t plen;
	bool cut;        /* a segment did not fit: the path shows "..." */
	unsigned depth;  /* groups, controls and parts entered */
	size_t cap_groups, cap_controls;
	struct oscal_idset group_ids, control_ids, param_ids;
};

/* What a string member holds: its cap and what it may contain. */
enum oscal_kind {
	OSCAL_ID,    /* ISMS_OSCAL_ID_MAX, non-empty, no white space or control character */
	OSCAL_URI,   /* ISMS_OSCAL_URI_MAX, likewise */
	OSCAL_TEXT,  /* ISMS_OSCAL_TEXT_MAX, isms_text_ok() */
	OSCAL_PROSE, /* ISMS_OSCAL_PROSE_MAX, isms_text_ok() */
};

/* Append ".name" or "[i]" to the path; returns the length to give oscal_pop(). */
size_t oscal_push_name(struct oscal_ctx *c, const char *name);
size_t oscal_push_index(struct oscal_ctx *c, size_t i);
void oscal_pop(struct oscal_ctx *c, size_t saved);

/* "PATH: MSG" into the caller's buffer (the first error only); returns -EINVAL. */
int oscal_fail(struct oscal_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One more level of groups, controls or parts; -EINVAL beyond ISMS_OSCAL_DEPTH_MAX. */
int oscal_enter(struct oscal_ctx *c);
static inline void oscal_leave(struct oscal_ctx *c)
{
	c->depth--;
}

/*
 * Member @name of object @o as a checked copy in *ret (malloc'd): 0, with
 * *ret NULL when absent and not @required; -EINVAL naming @what ("control
 * without 'id'") or the fault; -ENOMEM.
 */
int oscal_str(struct oscal_ctx *c, struct json_object *o, const char *name, enum oscal_kind kind,
	      bool required, const char *what, char **ret);
/* A string value @v (an array's element) checked the same way. */
int oscal_str_value(struct oscal_ctx *c, struct json_object *v, enum oscal_kind kind, char **ret);
/* Whether @s would pass as @kind (a joined text, before it is kept). */
int oscal_check(struct oscal_ctx *c, const char *s, size_t len, enum oscal_kind kind,
		const char *name);

/*
 * Member @name of @o as an array in *ret (borrowed): 0 with *ret NULL when
 * absent, or an empty array; -EINVAL when it is there but not an array (or,
 * with @required, absent).
 */
int oscal_array(struct oscal_ctx *c, struct json_object *o, const char *name, bool required,
		const char *what, struct json_object **ret);
/* Member @name as an object (borrowed), the same way. */
int oscal_object(struct oscal_ctx *c, struct json_object *o, const char *name, bool required,
		 const char *what, struct json_object **ret);
/* -EINVAL "not an object" unless @v is one. */
int oscal_need_object(struct oscal_ctx *c, struct json_object *v);

/*
 * Member @name of @o, an array of checked strings, into *ret (malloc'd,
 * each malloc'd) and *ret_n: absent or empty leaves both 0/NULL.
 */
int oscal_strv(struct oscal_ctx *c, struct json_object *o, const char *name, enum oscal_kind kind,
	       char ***ret, size_t *ret_n);
void oscal_strv_free(char **v, size_t n);

/* Room for one more element of @size in *arr of *cap, *n in use: 0 or -ENOMEM. */
int oscal_grow(void **arr, size_t *cap, size_t n, size_t size);

/*
 * Add @id to @set: 0, -EEXIST when it is there, -ENOMEM.  The set borrows
 * @id, which must outlive it.
 */
int oscal_idset_add(struct oscal_idset *set, const char *id);
void oscal_idset_release(struct oscal_idset *set);

/* The models, each filling c->doc from the model's object. */
int oscal_catalog_read(struct oscal_ctx *c, struct json_object *cat);
int oscal_profile_read(struct oscal_ctx *c, struct json_object *prof);
int oscal_mapping_read(struct oscal_ctx *c, struct json_object *coll);

/* The frees of the models' parts, for isms_oscal_doc_free(). */
void oscal_catalog_free(struct isms_oscal_doc *doc);
void oscal_profile_free(struct isms_oscal_doc *doc);
void oscal_mapping_free(struct isms_oscal_doc *doc);

#endif
