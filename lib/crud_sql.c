/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic record layer: SQL is composed only from the static entity
 * tables (identifiers we wrote), and every value is bound as a parameter.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/entity.h"
#include "isms/json.h"
#include "isms/risk.h"
#include "store_internal.h"
#include "isms/strutil.h"
#include "crud_internal.h"

void crud_sql_add(struct sqlbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, sizeof(b->s) - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->s) - b->len)
		b->overflow = true;
	else
		b->len += (size_t)n;
}

const struct isms_field *crud_key_field(const struct isms_entity *e)
{
	return &e->fields[0];
}

/* The select list of one field, over alias t. */
void crud_field_expr(const struct isms_store *s, struct sqlbuf *b, const struct isms_field *f)
{
	if (f->flags & ISMS_FF_COMPUTED) {
		if (f->type == ISMS_FT_BOOL)
			crud_sql_add(b, "CASE (%s) WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END", f->sql);
		else
			crud_sql_add(b, "(%s)", f->sql);
		return;
	}
	switch (f->type) {
	case ISMS_FT_REF: {
		const struct isms_entity *r = store_entity(s, f->ref);

		crud_sql_add(b, "(SELECT r.\"%s\" FROM \"%s\" r WHERE r.pk = t.\"%s\")",
			crud_key_field(r)->name, r->table, f->name);
		break;
	}
	case ISMS_FT_REFS: {
		const struct isms_entity *r = store_entity(s, f->ref);

		/* In the referenced register's order: a set reads the same however it was given. */
		crud_sql_add(b,
			"(SELECT group_concat(k, ',') FROM (SELECT r.\"%s\" AS k FROM \"%s\" l"
			" JOIN \"%s\" r ON r.pk = l.\"%s\" WHERE l.\"%s\" = t.pk ORDER BY r.pk))",
			crud_key_field(r)->name, f->link, r->table, f->link_other, f->link_own);
		break;
	}
	case ISMS_FT_MONEY:
		crud_sql_add(b,
			"CASE WHEN t.\"%s\" IS NULL THEN NULL ELSE printf('%%d.%%02d', t.\"%s\" / 100, t.\"%s\" %% 100) END",
			f->name, f->name, f->name);
		break;
	case ISMS_FT_BOOL:
		crud_sql_add(b, "CASE t.\"%s\" WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END", f->name);
		break;
	default:
		crud_sql_add(b, "t.\"%s\"", f->name);
		break;
	}
}

void crud_build_select(const struct isms_store *s, struct sqlbuf *b, const struct isms_entity *e)
{
	crud_sql_add(b, "SELECT * FROM (SELECT t.pk AS _pk");
	for (size_t i = 0; i < e->nfields; i++) {
		crud_sql_add(b, ", ");
		crud_field_expr(s, b, &e->fields[i]);
		crud_sql_add(b, " AS \"%s\"", e->fields[i].name);
	}
	crud_sql_add(b, " FROM \"%s\" t)", e->table);
}

static int resolve_ref(struct isms_store *s, const struct isms_field *f, const char *key,
		       int64_t *ret_pk)
{
	const struct isms_entity *r = store_entity(s, f->ref);
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int rv;

	crud_sql_add(&b, "SELECT pk FROM \"%s\" WHERE \"%s\" = ?1", r->table, crud_key_field(r)->name);
	rv = store_prepare(s, b.s, &st);
	if (rv < 0)
		goto out;
	rv = store_bind_text(s, st, 1, key);
	if (rv < 0)
		goto out;
	rv = store_step_row(s, st);
	if (rv < 0)
		goto out;
	if (rv == 0) {
		rv = store_seterr(s, -ENOENT, "%s: %s '%.64s' not found (see '%s %s list')",
				  f->name, r->name, key, s->schema->tool, r->name);
		goto out;
	}
	*ret_pk = sqlite3_column_int64(st, 0);
	rv = 0;
out:
	sqlite3_finalize(st);
	return rv;
}

static int bind_pk(struct isms_store *s, sqlite3_stmt *st, int idx, int64_t pk)
{
	const struct bound v = {.is_int = true, .i = pk};

	return crud_bind_value(s, st, idx, &v);
}

/*
 * Resolve every key of the REFS value @keys (canonical, from
 * isms_field_parse()); with @own_pk > 0 also link each to record @own_pk.
 */
static int refs_each(struct isms_store *s, const struct isms_field *f, const char *keys,
		     int64_t own_pk)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	char key[ISMS_VALUE_MAX + 1];
	int r = 0;

	if (own_pk > 0) {
		crud_sql_add(&b, "INSERT INTO \"%s\" (\"%s\", \"%s\") VALUES (?1, ?2)", f->link,
			     f->link_own, f->link_other);
		r = store_prepare(s, b.s, &st);
	}
	for (const char *p = keys; r >= 0 && *p;) {
		size_t len = strcspn(p, ",");
		int64_t pk;

		if (len > ISMS_VALUE_MAX)
			len = ISMS_VALUE_MAX;
		memcpy(key, p, len);
		key[len] = '\0';
		p += len;
		if (*p)
			p++;
		r = resolve_ref(s, f, key, &pk);
		if (r < 0 || !st)
			continue;
		sqlite3_reset(st);
		r = bind_pk(s, st, 1, own_pk);
		if (r >= 0)
			r = bind_pk(s, st, 2, pk);
		if (r >= 0)
			r = store_step_done(s, st);
	}
	sqlite3_finalize(st);
	return r;
}

int crud_links_write(struct isms_store *s, const struct isms_field *f, int64_t own_pk,
		     const char *keys)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r;

	crud_sql_add(&b, "DELETE FROM \"%s\" WHERE \"%s\" = ?1", f->link, f->link_own);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = bind_pk(s, st, 1, own_pk);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r >= 0 && keys)
		r = refs_each(s, f, keys, own_pk);
	return r < 0 ? r : 0;
}

/* A value ready to bind: text, integer or NULL. */

void crud_bound_release(struct bound *v)
{
	free(v->text);
	memset(v, 0, sizeof(*v));
}

/*
 * Check @in for @f and turn it into what the column stores.  @m is the
 * loaded risk matrix (for SCALE fields), or NULL if the entity has none.
 */
int crud_convert(struct isms_store *s, const struct isms_field *f,
		 const struct isms_risk_matrix *m, const char *in, struct bound *ret)
{
	char err[256];
	char *canon = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!in) {
		ret->null = true;
		return 0;
	}
	r = isms_field_parse(f, in, &canon, err, sizeof(err));
	if (r == -EINVAL)
		return store_seterr(s, r, "%s", err);
	if (r < 0)
		return r;
	switch (f->type) {
	case ISMS_FT_REF:
		ret->is_int = true;
		r = resolve_ref(s, f, canon, &ret->i);
		break;
	case ISMS_FT_REFS:
		/* Checked here, with the other values; written by crud_links_write(). */
		r = refs_each(s, f, canon, 0);
		ret->text = canon;
		canon = NULL;
		break;
	case ISMS_FT_SCALE: {
		int v = isms_risk_axis_value(m, f->axis, canon);

		if (v < 0) {
			int n = strcmp(f->axis, "likelihood") == 0 ? m->nlikelihood : m->nimpact;

			r = store_seterr(s, -EINVAL,
					 "%s: '%.64s' is not on the %s axis of the risk matrix (1-%d or a label; see 'ismsctl risk matrix')",
					 f->name, canon, f->axis, n);
			break;
		}
		ret->is_int = true;
		ret->i = v;
		break;
	}
	case ISMS_FT_MONEY:
		ret->is_int = true;
		r = isms_parse_cents(canon, &ret->i) < 0 ? -EINVAL : 0;
		break;
	case ISMS_FT_BOOL:
		ret->is_int = true;
		ret->i = strcmp(canon, "yes") == 0;
		break;
	case ISMS_FT_INT:
		ret->is_int = true;
		r = isms_parse_int64(canon, &ret->i);
		break;
	default:
		ret->text = canon;
		canon = NULL;
		break;
	}
	free(canon);
	return r;
}

int crud_bind_value(struct isms_store *s, sqlite3_stmt *st, int idx, const struct bound *v)
{
	int rc;

	if (v->null)
		rc = sqlite3_bind_null(st, idx);
	else if (v->is_int)
		rc = sqlite3_bind_int64(st, idx, v->i);
	else
		rc = sqlite3_bind_text(st, idx, v->text, -1, SQLITE_TRANSIENT);
	if (rc != SQLITE_OK)
		return store_seterr(s, store_errno(rc), "%s", sqlite3_errmsg(s->db));
	return 0;
}

bool crud_has_scale(const struct isms_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == ISMS_FT_SCALE)
			return true;
	return false;
}

int crud_check_names(struct isms_store *s, const struct isms_entity *e,
		     const struct isms_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct isms_field *f = isms_entity_field(e, kv[i].name);

		if (!f)
			return store_seterr(s, -EINVAL, "%s has no field '%.64s'", e->name,
					    kv[i].name);
		if (f->flags & ISMS_FF_COMPUTED)
			return store_seterr(s, -EINVAL, "%s: is computed and cannot be set",
					    f->name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(kv[j].name, kv[i].name) == 0)
				return store_seterr(s, -EINVAL, "%s: given twice", f->name);
	}
	return 0;
}

const char *crud_kv_find(const struct isms_kv *kv, size_t n, const char *name, bool *found)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(kv[i].name, name) == 0) {
			*found = true;
			return kv[i].value;
		}
	}
	*found = false;
	return NULL;
}
