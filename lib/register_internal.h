/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_REGISTER_INTERNAL_H
#define ISMS_REGISTER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/entity.h"
#include "store_internal.h"

/*
 * What the registers of ISO 27001's clauses 4 to 7 and of incidents
 * (entity_context.c, entity_objective.c, entity_training.c,
 * entity_incident.c) share: lists of keys that must name records, and
 * reading a few columns of the row just written.
 */

/* A field check: @in is a comma-separated list of evidence row numbers (e.g. 12,40). */
int register_check_rows(const char *in, char *err, size_t errlen);

/*
 * Each key of the comma-separated @keys names a record of @entity; else
 * -ENOENT with the store's message naming @what ("requirement 'RQ-1'").
 */
int register_keys_exist(struct isms_store *s, const char *what, const char *entity,
			const char *keys);
/* Each number of the comma-separated @rows is a row of the evidence chain; else -ENOENT. */
int register_rows_exist(struct isms_store *s, const char *what, const char *rows);

/*
 * The @n text columns of the one row of @sql (?1 = @key) into ret[]
 * (malloc'd, NULL for NULL): 0, -ENOENT when there is no row, or -errno.
 */
int register_row(struct isms_store *s, const char *sql, const char *key, char **ret, size_t n);
void register_row_release(char **v, size_t n);

/*
 * Insert an event of the incident whose pk is @inc (@by, @evidence: 0 for
 * none); *ret_id (optional) receives its number.  0 or -errno.
 */
int incident_event_insert(struct isms_store *s, int64_t inc, const char *at, const char *what,
			  int64_t by, int64_t evidence, int64_t *ret_id);

struct json_object;
/*
 * During an import, after the incidents: the events of @arr (see
 * isms_incident_events_export()); on failure @where names the entry.
 */
int register_import_events(struct isms_store *s, struct json_object *arr, char *where,
			   size_t wlen);

/*
 * Member @name of the import entry @o as text: 0 with *ret NULL when absent
 * or null, -EINVAL when not a string (the error set on @s).
 */
int register_member_text(struct isms_store *s, struct json_object *o, const char *name,
			 const char **ret);

/*
 * During an import, after the people: the SoA versions of @arr (see
 * isms_soa_versions_export()), each snapshot checked against its SHA-256,
 * at most one approved, one soa.imported row each; on failure @where names
 * the entry.
 */
int soa_import_versions(struct isms_store *s, struct json_object *arr, char *where, size_t wlen);

/*
 * Each row of @sql as an object of its @n columns named @names, into the
 * array *ret (json_object_put() it): integers as numbers, NULL as null, the
 * rest as text.  For the import's own sections of the export.  0 or -errno.
 */
int register_rows_json(struct isms_store *s, const char *sql, const char *const *names, size_t n,
		       struct json_object **ret);

/* Column @i of the row at @st, malloc'd (NULL for NULL; *oom set when out of memory). */
char *register_col_dup(sqlite3_stmt *st, int i, bool *oom);

#endif
