/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TARGET_OBJECT_H
#define ISMS_TARGET_OBJECT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The BSI's target object types (Zielobjekte) of Grundschutz++, from its
 * target_object_categories.csv: a name, a definition, a type, a category
 * and the parent type (ChildOfUUID), so that an asset modelled as
 * "Hostsysteme" also receives the requirements for "IT-Systeme" (BSI 200-2
 * modelling; the Kernel's statements name the types they apply to).  Pure:
 * the CSV's text in, the tree out.
 */

#define ISMS_TOC_MAX 4096      /* types in one file */
#define ISMS_TOC_DEPTH_MAX 32  /* parents above a type */

struct isms_toc_type {
	const char *name;        /* Zielobjekt, e.g. "Hostsysteme" */
	const char *definition;
	const char *type;        /* Typ, e.g. "IT-Systeme" */
	const char *category;    /* Kategorie: Technisch, Organisatorisch, - */
	const char *synonyms;    /* Synonyme, may be empty */
	const char *uuid;
	int parent;              /* index in the tree, or -1 for a root */
};

struct isms_toc {
	size_t n;
	struct isms_toc_type *types;
	struct isms_csv *csv;    /* owns the strings */
};

/*
 * Read the CSV at @buf.  Refused (-EINVAL, message in @err): a missing
 * column, an empty or repeated name, a UUID that is not one or repeated, a
 * parent that is not in the file, a cycle or a chain deeper than
 * ISMS_TOC_DEPTH_MAX.  0 and *ret (isms_toc_free() it), or -errno.
 */
int isms_toc_parse(const char *buf, size_t len, struct isms_toc **ret, char *err, size_t errlen)
	__attribute__((warn_unused_result, nonnull(1, 3)));

/* The index of the type named @name (exact, or a synonym), or -1. */
int isms_toc_find(const struct isms_toc *toc, const char *name) __attribute__((nonnull));

/* Whether type @i is @ancestor or below it. */
bool isms_toc_is_a(const struct isms_toc *toc, int i, int ancestor) __attribute__((nonnull));

void isms_toc_free(struct isms_toc *toc);

#endif
