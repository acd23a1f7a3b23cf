/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_OSCAL_EXPORT_INTERNAL_H
#define ISMS_OSCAL_EXPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"
#include "isms/uuid.h"

#define ISMS_OSCAL_VERSION "1.1.3"
/* The namespace of the props isms adds (an OSCAL prop outside NIST's names has one). */
#define ISMS_OSCAL_NS "urn:isms:oscal"

struct json_object;

/* What every OSCAL export of one store shares. */
struct oscal_ctx {
	struct isms_store *s;
	char store_id[40]; /* "isms:0123456789abcdef": the name space of its UUIDs */
};

int oscal_ctx_init(struct isms_store *s, struct oscal_ctx *x);
/* The UUID of (@what, @key) in this store: the same every time. */
int oscal_uuid(const struct oscal_ctx *x, const char *what, const char *key,
	       char out[ISMS_UUID_STR]);
/* Annex A control n.m as the OSCAL token A.n.m. */
void oscal_control_id(const char *control, char *buf, size_t len);
/* A prop of isms's namespace. */
struct json_object *oscal_prop(const char *name, const char *value);
/* The metadata of a document: title, last-modified, version, oscal-version, the organisation. */
int oscal_metadata(struct oscal_ctx *x, const char *title, const char *version, int64_t now,
		   struct json_object **ret);
/* A back matter of one resource (what a document imports but isms does not write out). */
void oscal_back_matter(struct json_object *doc, const char *uuid, const char *title,
		       const char *description);
/* {"@model": @doc} as pretty text into *ret (malloc'd); takes @doc. */
int oscal_finish(const char *model, struct json_object *doc, char **ret);

#endif
