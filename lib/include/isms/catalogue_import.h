/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CATALOGUE_IMPORT_H
#define ISMS_CATALOGUE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"

/*
 * OSCAL catalogues, profiles and mapping-collections (the BSI's
 * Grundschutz++) in the store under a short name the user gives
 * ("gspp-kernel").  Reference text beside the Annex A register: importing
 * one decides nothing about a control.
 */

#define ISMS_CATALOGUE_NAME_MAX 64u

struct isms_catalogue_counts {
	size_t groups, controls, imports, maps;
};

/*
 * Read the @len bytes at @buf with isms_oscal_parse() and store the document
 * as @name, read from @file (may be NULL; its last path component is kept,
 * for profiles that import it by file name) (letters, digits, '.', '_', '-'; at most ISMS_CATALOGUE_NAME_MAX
 * bytes) in one transaction with one evidence row of kind
 * catalogue.imported (name, kind, uuid, sha256, counts).  A name already
 * imported is refused unless @replace, which replaces it in the same
 * transaction.  Returns 0 and *ret_counts (optional); -EINVAL (a bad name,
 * a document isms_oscal_parse() refuses: the place is in
 * isms_store_errmsg()), -EFBIG, -EEXIST (imported already), -EROFS, -EIO,
 * -ENOMEM.  On failure the store is as it was.
 */
int isms_catalogue_import(struct isms_store *s, const char *name, const char *file,
			  const char *buf, size_t len, bool replace, int64_t now,
			  struct isms_catalogue_counts *ret_counts)
	__attribute__((warn_unused_result, nonnull(1, 2, 4)));

/* One document of isms_catalogue_import_all(). */
struct isms_catalogue_doc {
	const char *name, *file, *buf; /* as for isms_catalogue_import() */
	size_t len;
	bool evidence; /* its catalogue.imported row (not for what isms ships itself) */
};

/*
 * isms_catalogue_import() of @n documents in one transaction, all or
 * nothing (a profile with the catalogues it imports): every document is
 * read before the store is touched, and the message of a refusal names
 * the file.  *ret_counts (optional) holds @n counts.
 */
int isms_catalogue_import_all(struct isms_store *s, const struct isms_catalogue_doc *docs,
			      size_t n, bool replace, int64_t now,
			      struct isms_catalogue_counts *ret_counts)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The files profile @buf imports, each import's href resolved through the
 * back matter ("#UUID" to the resource's first rlink), in order, into *ret
 * (free with isms_catalogue_files_free()); none for a catalog or mapping.
 * Pure.  0, -EINVAL (not OSCAL), -EFBIG or -ENOMEM.
 */
int isms_catalogue_profile_files(const char *buf, size_t len, char ***ret, size_t *ret_n)
	__attribute__((warn_unused_result, nonnull));
void isms_catalogue_files_free(char **v, size_t n);

/*
 * The name of the catalog imported from a file named @file (its last
 * component is compared) into *ret_name (malloc'd): 1, 0 when there is
 * none, or -errno.
 */
int isms_catalogue_by_file(struct isms_store *s, const char *file, char **ret_name)
	__attribute__((warn_unused_result, nonnull));

struct isms_catalogue_info {
	const char *name, *kind, *uuid, *title, *version, *oscal_version, *file, *sha256;
	const char *imported_at, *imported_by;
	/*
	 * For a profile, controls is the number it selects from the catalogues
	 * in the store and missing the number of its imports that name none.
	 */
	int64_t groups, controls, imports, maps, missing;
};

/* Each imported document, by name, to @cb (a negative return stops and is returned). */
int isms_catalogue_list(struct isms_store *s,
			int (*cb)(const struct isms_catalogue_info *c, void *userdata),
			void *userdata) __attribute__((warn_unused_result, nonnull(1, 2)));

/* The document @name: 0 and @cb called once, -ENOENT (message kept) or -errno. */
int isms_catalogue_get(struct isms_store *s, const char *name,
		       int (*cb)(const struct isms_catalogue_info *c, void *userdata),
		       void *userdata) __attribute__((warn_unused_result, nonnull(1, 2, 3)));

struct isms_catalogue_control {
	const char *id, *title, *class, *group, *group_title, *parent;
	const char *statement, *guidance, *sec_level, *effort_level, *modal_verb;
	const char *target_object_categories;
	const char *props, *params; /* JSON arrays */
};

/*
 * The controls of catalogue @name in document order, or only control @id
 * (may be NULL), to @cb.  -ENOENT (message kept) when there is no such
 * catalogue or control.
 */
int isms_catalogue_controls(struct isms_store *s, const char *name, const char *id,
			    int (*cb)(const struct isms_catalogue_control *c, void *userdata),
			    void *userdata) __attribute__((warn_unused_result, nonnull(1, 2, 4)));

/*
 * The entries of mapping @name in document order, one per source and target
 * pair, to @cb: -ENOENT, -EINVAL (not a mapping), with the message kept.
 */
int isms_catalogue_maps(struct isms_store *s, const char *name,
			int (*cb)(const char *source, const char *relationship, const char *target,
				  void *userdata),
			void *userdata) __attribute__((warn_unused_result, nonnull(1, 2, 3)));

/* One entry of a mapping, each side with the catalogue it names (NULL if none is imported). */
struct isms_catalogue_link {
	const char *mapping, *relationship;
	const char *source_catalogue, *source_id, *source_title; /* title NULL: no such control */
	const char *target_catalogue, *target_id, *target_title;
};

/*
 * The entries of mapping @mapping (NULL: of every mapping) in document
 * order, one per source and target pair, only those naming control @id as
 * source or target when @id is not NULL (only on the side of catalogue
 * @catalogue, when that is not NULL), to @cb.  A side's catalogue is the
 * catalog imported from the file its href names (ISO27001-AnnexA, which
 * init stores, for the BSI's ISO27001-AnnexA-catalog.json), or by uuid.
 * -ENOENT, -EINVAL (@mapping is not a mapping), message kept, or -errno.
 */
int isms_catalogue_links(struct isms_store *s, const char *mapping, const char *id,
			 const char *catalogue,
			 int (*cb)(const struct isms_catalogue_link *l, void *userdata),
			 void *userdata) __attribute__((warn_unused_result, nonnull(1, 5)));

/*
 * The controls profile @name selects from the catalogues imported so far,
 * import by import, to @cb with the catalogue's name: an import names a
 * catalogue by its file name (the last component of its href, through the
 * back matter) or its uuid; include-all, with-ids and matching (globs),
 * with-child-controls following nested controls; exclude-controls (with-ids
 * and matching) taken out.  @unresolved (may be NULL) is called with the
 * href of each import that names no imported catalogue.  0, -ENOENT or
 * -EINVAL (not a profile), with the message kept, or -errno.
 */
int isms_catalogue_resolve(struct isms_store *s, const char *name,
			   int (*cb)(const char *catalogue, const char *id, const char *title,
				     void *userdata),
			   int (*unresolved)(const char *href, void *userdata), void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2, 3)));

#endif
