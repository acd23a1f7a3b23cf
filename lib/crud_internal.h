/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CRUD_INTERNAL_H
#define ISMS_CRUD_INTERNAL_H

/*
 * The generic record layer's pieces, shared by its files: crud_sql.c (SQL
 * text from the entity tables, values checked and bound), crud.c (add,
 * change, remove), crud_list.c (list, get, count), import.c.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "isms/entity.h"
#include "isms/risk.h"

#define SQL_MAX 8192
#define IMPORT_MAX (64u << 20)

struct sqlbuf {
	char s[SQL_MAX];
	size_t len;
	bool overflow;
};

struct bound {
	bool null;
	bool is_int;
	int64_t i;
	char *text;
};

void crud_sql_add(struct sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const struct isms_field *crud_key_field(const struct isms_entity *e);
void crud_field_expr(const struct isms_store *s, struct sqlbuf *b, const struct isms_field *f);
void crud_build_select(const struct isms_store *s, struct sqlbuf *b, const struct isms_entity *e);
int crud_convert(struct isms_store *s, const struct isms_field *f,
		 const struct isms_risk_matrix *m, const char *in, struct bound *ret);
int crud_bind_value(struct isms_store *s, sqlite3_stmt *st, int idx, const struct bound *v);
void crud_bound_release(struct bound *v);
bool crud_has_scale(const struct isms_entity *e);
/*
 * Make the links of REFS field @f of record @own_pk the keys of @keys (the
 * canonical value, NULL or "" for none); every key must exist (-ENOENT).
 */
int crud_links_write(struct isms_store *s, const struct isms_field *f, int64_t own_pk,
		     const char *keys);
int crud_check_names(struct isms_store *s, const struct isms_entity *e,
		     const struct isms_kv *kv, size_t n);
const char *crud_kv_find(const struct isms_kv *kv, size_t n, const char *name, bool *found);
int crud_insert(struct isms_store *s, const struct isms_entity *e, const struct isms_kv *kv,
		size_t n, char **ret_key);
int crud_update(struct isms_store *s, const struct isms_entity *e, const char *key,
		const struct isms_kv *kv, size_t n);

/*
 * The history of the register (history.c).  history_load() reads the
 * stored fields of @key as text (ret_vals[i] for e->fields[i], NULL for
 * empty and computed ones; free with history_values_free()); 0 or -errno.
 * history_write() appends the row of @action ("add", "change", "remove";
 * "import" while importing) from @before and @after (NULL: the record did
 * not exist); a change of nothing writes nothing.  Both do nothing for
 * record types that are not journaled (history_journaled()).
 */
bool history_journaled(const struct isms_store *s, const struct isms_entity *e);
int history_load(struct isms_store *s, const struct isms_entity *e, const char *key,
		 char ***ret_vals);
void history_values_free(const struct isms_entity *e, char **vals);
int history_write(struct isms_store *s, const struct isms_entity *e, const char *key,
		  const char *action, char *const *before, char *const *after);
/*
 * For the library's own writes past the generic layer (a nonconformity
 * closed, a management review approved): @before from history_load()
 * before the write, the change row after it.  0 when not journaled.
 */
int history_changed(struct isms_store *s, const struct isms_entity *e, const char *key,
		    char **before);

#endif
