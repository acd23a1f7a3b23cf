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

#define SQL_MAX 8192
#define IMPORT_MAX (64u << 20)

struct sqlbuf {
	char s[SQL_MAX];
	size_t len;
	bool overflow;
};

static void sql_add(struct sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql_add(struct sqlbuf *b, const char *fmt, ...)
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

static const struct isms_field *key_field(const struct isms_entity *e)
{
	return &e->fields[0];
}

/* The select list of one field, over alias t. */
static void field_expr(const struct isms_store *s, struct sqlbuf *b, const struct isms_field *f)
{
	if (f->flags & ISMS_FF_COMPUTED) {
		if (f->type == ISMS_FT_BOOL)
			sql_add(b, "CASE (%s) WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END", f->sql);
		else
			sql_add(b, "(%s)", f->sql);
		return;
	}
	switch (f->type) {
	case ISMS_FT_REF: {
		const struct isms_entity *r = store_entity(s, f->ref);

		sql_add(b, "(SELECT r.\"%s\" FROM \"%s\" r WHERE r.pk = t.\"%s\")",
			key_field(r)->name, r->table, f->name);
		break;
	}
	case ISMS_FT_MONEY:
		sql_add(b,
			"CASE WHEN t.\"%s\" IS NULL THEN NULL ELSE printf('%%d.%%02d', t.\"%s\" / 100, t.\"%s\" %% 100) END",
			f->name, f->name, f->name);
		break;
	case ISMS_FT_BOOL:
		sql_add(b, "CASE t.\"%s\" WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END", f->name);
		break;
	default:
		sql_add(b, "t.\"%s\"", f->name);
		break;
	}
}

static void build_select(const struct isms_store *s, struct sqlbuf *b, const struct isms_entity *e)
{
	sql_add(b, "SELECT * FROM (SELECT t.pk AS _pk");
	for (size_t i = 0; i < e->nfields; i++) {
		sql_add(b, ", ");
		field_expr(s, b, &e->fields[i]);
		sql_add(b, " AS \"%s\"", e->fields[i].name);
	}
	sql_add(b, " FROM \"%s\" t)", e->table);
}

static int resolve_ref(struct isms_store *s, const struct isms_field *f, const char *key,
		       int64_t *ret_pk)
{
	const struct isms_entity *r = store_entity(s, f->ref);
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int rv;

	sql_add(&b, "SELECT pk FROM \"%s\" WHERE \"%s\" = ?1", r->table, key_field(r)->name);
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

/* A value ready to bind: text, integer or NULL. */
struct bound {
	bool null;
	bool is_int;
	int64_t i;
	char *text;
};

static void bound_release(struct bound *v)
{
	free(v->text);
	memset(v, 0, sizeof(*v));
}

/*
 * Check @in for @f and turn it into what the column stores.  @m is the
 * loaded risk matrix (for SCALE fields), or NULL if the entity has none.
 */
static int convert(struct isms_store *s, const struct isms_field *f,
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

static int bind_value(struct isms_store *s, sqlite3_stmt *st, int idx, const struct bound *v)
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

static bool has_scale(const struct isms_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].type == ISMS_FT_SCALE)
			return true;
	return false;
}

static int check_names(struct isms_store *s, const struct isms_entity *e,
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

static const char *kv_find(const struct isms_kv *kv, size_t n, const char *name, bool *found)
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

static int record_exists(struct isms_store *s, const struct isms_entity *e, const char *key)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r;

	sql_add(&b, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?1", e->table, key_field(e)->name);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	sqlite3_finalize(st);
	return r;
}

/* The number of @key when it has the form PREFIX<digits> of @e's generated keys. */
static bool key_number(const struct isms_entity *e, const char *key, int64_t *ret)
{
	size_t plen = strlen(e->auto_prefix);
	const char *d = key + plen;

	if (strncmp(key, e->auto_prefix, plen) != 0 || !*d || strspn(d, "0123456789") != strlen(d))
		return false;
	return isms_parse_int64(d, ret) == 0;
}

static bool autokey_cached(const struct isms_store *s, const struct isms_entity *e)
{
	return s->txdepth > 0 && s->autokey.e == e && s->autokey.txgen == s->txgen;
}

static int next_key(struct isms_store *s, const struct isms_entity *e, char **ret)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	size_t plen = strlen(e->auto_prefix);
	int64_t next = 1;
	int r;

	/*
	 * Within one transaction the highest key is read once: the scan below
	 * reads every key of the table, and an import of n records with
	 * generated keys made it n times (quadratic: minutes for 40k risks).
	 * Nobody else writes while we hold the transaction; insert() keeps the
	 * cache up with keys given explicitly.
	 */
	if (autokey_cached(s, e)) {
		next = s->autokey.next;
		goto have;
	}

	/* Only keys of the exact form PREFIX<digits> count. */
	sql_add(&b,
		"SELECT max(CAST(substr(\"%s\", %zu) AS INTEGER)) FROM \"%s\""
		" WHERE substr(\"%s\", 1, %zu) = ?1 AND substr(\"%s\", %zu) GLOB '[0-9]*'"
		" AND NOT substr(\"%s\", %zu) GLOB '*[^0-9]*'",
		key_field(e)->name, plen + 1, e->table, key_field(e)->name, plen,
		key_field(e)->name, plen + 1, key_field(e)->name, plen + 1);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, e->auto_prefix);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r < 0)
		goto out;
	if (r == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL)
		next = sqlite3_column_int64(st, 0) + 1;
	/* Never hand out an id again after its record was removed: R-3 in an
	 * old report must not come to mean another risk. */
	{
		char name[64], *hw = NULL;

		snprintf(name, sizeof(name), "next_id.%s", e->table);
		r = isms_setting_get(s, name, &hw);
		if (r == 0 && strtoll(hw, NULL, 10) > next)
			next = strtoll(hw, NULL, 10);
		free(hw);
		if (r < 0 && r != -ENOENT)
			goto out;
	}
have:
	{
		char name[64], num[32];

		snprintf(name, sizeof(name), "next_id.%s", e->table);
		snprintf(num, sizeof(num), "%" PRId64, next + 1);
		r = isms_setting_set(s, name, num);
		if (r < 0)
			goto out;
	}
	if (s->txdepth > 0) {
		s->autokey.e = e;
		s->autokey.txgen = s->txgen;
		s->autokey.next = next + 1;
	}
	r = asprintf(ret, "%s%" PRId64, e->auto_prefix, next) < 0 ? -ENOMEM : 0;
out:
	sqlite3_finalize(st);
	return r;
}

static int insert(struct isms_store *s, const struct isms_entity *e, const struct isms_kv *kv,
		  size_t n, char **ret_key)
{
	struct isms_risk_matrix m;
	struct bound vals[64];
	size_t nvals = 0;
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	char *key = NULL;
	bool found;
	int r;

	if (e->nfields > sizeof(vals) / sizeof(vals[0]))
		return -E2BIG;
	r = check_names(s, e, kv, n);
	if (r < 0)
		return r;
	if (has_scale(e)) {
		r = isms_risk_matrix_load(s, &m);
		if (r < 0)
			return r;
	}

	/* The key first, so every later message can name the record. */
	{
		const char *k = kv_find(kv, n, key_field(e)->name, &found);

		if (k)
			key = strdup(k);
		else if (e->auto_prefix)
			r = next_key(s, e, &key);
		else
			return store_seterr(s, -EINVAL, "%s: field '%s' is required", e->name,
					    key_field(e)->name);
		if (r < 0)
			return r;
		if (!key)
			return -ENOMEM;
	}

	sql_add(&b, "INSERT INTO \"%s\" (", e->table);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct isms_field *f = &e->fields[i];
		const char *v;

		if (f->flags & ISMS_FF_COMPUTED)
			continue;
		v = i == 0 ? key : kv_find(kv, n, f->name, &found);
		/* Absent and null alike take the default: the column is NOT NULL. */
		if (!v)
			v = f->dflt;
		if (!v && (f->flags & ISMS_FF_REQUIRED)) {
			r = store_seterr(s, -EINVAL, "%s '%.64s': field '%s' is required", e->name,
					 key, f->name);
			goto out;
		}
		r = convert(s, f, has_scale(e) ? &m : NULL, v, &vals[nvals]);
		if (r < 0) {
			if (r == -EINVAL || r == -ENOENT)
				store_seterr(s, r, "%s '%.64s': %s", e->name, key,
					     isms_store_errmsg(s));
			goto out;
		}
		sql_add(&b, "%s\"%s\"", nvals ? ", " : "", f->name);
		nvals++;
	}
	sql_add(&b, ") VALUES (");
	for (size_t i = 0; i < nvals; i++)
		sql_add(&b, "%s?%zu", i ? ", " : "", i + 1);
	sql_add(&b, ")");
	if (b.overflow) {
		r = -E2BIG;
		goto out;
	}

	r = record_exists(s, e, key);
	if (r < 0)
		goto out;
	if (r == 1) {
		r = store_seterr(s, -EEXIST, "%s '%.64s' already exists (change it with '%s %s set')",
				 e->name, key, s->schema->tool, e->name);
		goto out;
	}
	r = store_prepare(s, b.s, &st);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < nvals && r >= 0; i++)
		r = bind_value(s, st, (int)i + 1, &vals[i]);
	if (r < 0)
		goto out;
	r = store_step_done(s, st);
	if (r == -EEXIST)
		store_seterr(s, r, "%s '%.64s' conflicts with an existing record: %s", e->name, key,
			     sqlite3_errmsg(s->db));
	if (r < 0)
		goto out;
	/* A key given that looks generated moves the next generated one past it. */
	if (e->auto_prefix && autokey_cached(s, e)) {
		int64_t num;

		if (key_number(e, key, &num) && num < INT64_MAX && num >= s->autokey.next)
			s->autokey.next = num + 1;
	}
	if (ret_key) {
		*ret_key = key;
		key = NULL;
	}
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nvals; i++)
		bound_release(&vals[i]);
	free(key);
	return r;
}

int isms_record_add(struct isms_store *s, const struct isms_entity *e, const struct isms_kv *kv,
		    size_t n, char **ret_key)
{
	int r;

	if (e->flags & ISMS_EF_READONLY)
		return store_seterr(s, -EPERM, "%s cannot be added this way", e->name);
	/* Catalogue rows come from init; one added by hand could be neither
	 * removed nor exported and imported again. */
	if (e->flags & ISMS_EF_CATALOGUE)
		return store_seterr(s, -EPERM,
				    "%s come from the catalogue and cannot be added; change one with 'ismsctl %s set'",
				    e->plural, e->name);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = insert(s, e, kv, n, ret_key);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

static int update(struct isms_store *s, const struct isms_entity *e, const char *key,
		  const struct isms_kv *kv, size_t n)
{
	struct isms_risk_matrix m;
	struct bound vals[64];
	size_t nvals = 0;
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r;

	if (n == 0)
		return store_seterr(s, -EINVAL, "nothing to change for %s '%.64s'", e->name, key);
	if (n >= sizeof(vals) / sizeof(vals[0]))
		return -E2BIG;
	r = check_names(s, e, kv, n);
	if (r < 0)
		return r;
	r = record_exists(s, e, key);
	if (r < 0)
		return r;
	if (r == 0)
		return store_seterr(s, -ENOENT, "%s '%.64s' not found (see '%s %s list')",
				    e->name, key, s->schema->tool, e->name);
	if (has_scale(e)) {
		r = isms_risk_matrix_load(s, &m);
		if (r < 0)
			return r;
	}
	sql_add(&b, "UPDATE \"%s\" SET ", e->table);
	for (size_t i = 0; i < n; i++) {
		const struct isms_field *f = isms_entity_field(e, kv[i].name);

		if (f->flags & (ISMS_FF_FIXED | ISMS_FF_KEY)) {
			r = store_seterr(s, -EINVAL, "%s '%.64s': field '%s' cannot be changed",
					 e->name, key, f->name);
			goto out;
		}
		/* A field with a default is NOT NULL in the schema, like a required one. */
		if (!kv[i].value && ((f->flags & ISMS_FF_REQUIRED) || f->dflt)) {
			r = store_seterr(s, -EINVAL, "%s '%.64s': field '%s' is required and cannot be cleared",
					 e->name, key, f->name);
			goto out;
		}
		r = convert(s, f, has_scale(e) ? &m : NULL, kv[i].value, &vals[nvals]);
		if (r < 0) {
			if (r == -EINVAL || r == -ENOENT)
				store_seterr(s, r, "%s '%.64s': %s", e->name, key,
					     isms_store_errmsg(s));
			goto out;
		}
		sql_add(&b, "%s\"%s\" = ?%zu", nvals ? ", " : "", f->name, nvals + 1);
		nvals++;
	}
	sql_add(&b, " WHERE \"%s\" = ?%zu", key_field(e)->name, nvals + 1);
	if (b.overflow) {
		r = -E2BIG;
		goto out;
	}
	r = store_prepare(s, b.s, &st);
	for (size_t i = 0; i < nvals && r >= 0; i++)
		r = bind_value(s, st, (int)i + 1, &vals[i]);
	if (r >= 0)
		r = store_bind_text(s, st, (int)nvals + 1, key);
	if (r >= 0)
		r = store_step_done(s, st);
	if (r == -EEXIST)
		store_seterr(s, r, "%s '%.64s': change conflicts with an existing record: %s",
			     e->name, key, sqlite3_errmsg(s->db));
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nvals; i++)
		bound_release(&vals[i]);
	return r;
}

int isms_record_change(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n)
{
	int r;

	if (e->flags & ISMS_EF_READONLY)
		return store_seterr(s, -EPERM, "%s cannot be changed", e->name);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = update(s, e, key, kv, n);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

int isms_record_remove(struct isms_store *s, const struct isms_entity *e, const char *key)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r;

	if (e->flags & (ISMS_EF_READONLY | ISMS_EF_CATALOGUE))
		return store_seterr(s, -EPERM, "%s cannot be removed%s", e->name,
				    e->flags & ISMS_EF_CATALOGUE ?
					    "; mark it not applicable instead" : "");
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = record_exists(s, e, key);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "%s '%.64s' not found", e->name, key);
	if (r < 0)
		goto fail;
	sql_add(&b, "DELETE FROM \"%s\" WHERE \"%s\" = ?1", e->table, key_field(e)->name);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r == -ENOTEMPTY)
		store_seterr(s, r, "%s '%.64s' is still referred to by other records; change those first",
			     e->name, key);
	if (r < 0)
		goto fail;
	return isms_store_commit(s);
fail:
	isms_store_rollback(s);
	return r;
}

static int run_select(struct isms_store *s, const struct isms_entity *e,
		      const struct isms_kv *filter, size_t nfilter, isms_record_cb cb,
		      void *userdata, bool by_key)
{
	const char *values[64];
	struct bound vals[16];
	size_t nvals = 0;
	struct isms_risk_matrix m;
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r = 0;

	if (e->nfields > sizeof(values) / sizeof(values[0]) ||
	    nfilter > sizeof(vals) / sizeof(vals[0]))
		return -E2BIG;
	if (has_scale(e)) {
		r = isms_risk_matrix_load(s, &m);
		if (r < 0)
			return r;
	}
	build_select(s, &b, e);
	for (size_t i = 0; i < nfilter; i++) {
		const struct isms_field *f = isms_entity_field(e, filter[i].name);
		struct isms_field plain;

		if (!f) {
			r = store_seterr(s, -EINVAL, "%s has no field '%.64s'", e->name,
					 filter[i].name);
			goto out;
		}
		/* Filters compare what is shown: a computed or referenced value is
		 * matched as text, the rest is checked like input first. */
		plain = *f;
		plain.flags &= ~(unsigned)ISMS_FF_COMPUTED;
		if (f->type == ISMS_FT_REF || ((f->flags & ISMS_FF_COMPUTED) &&
					       f->type != ISMS_FT_BOOL && f->type != ISMS_FT_INT))
			plain.type = ISMS_FT_TEXT;
		if (plain.type == ISMS_FT_MONEY || plain.type == ISMS_FT_BOOL) {
			char err[256], *canon = NULL;

			r = isms_field_parse(&plain, filter[i].value, &canon, err, sizeof(err));
			if (r < 0) {
				r = store_seterr(s, r, "%s", err);
				goto out;
			}
			vals[nvals] = (struct bound){.text = canon};
		} else {
			r = convert(s, &plain, has_scale(e) ? &m : NULL, filter[i].value,
				    &vals[nvals]);
			if (r < 0)
				goto out;
		}
		nvals++;
		sql_add(&b, "%s\"%s\" = ?%zu", i ? " AND " : " WHERE ", f->name, i + 1);
	}
	sql_add(&b, " ORDER BY _pk");
	if (b.overflow) {
		r = -E2BIG;
		goto out;
	}
	r = store_prepare(s, b.s, &st);
	for (size_t i = 0; i < nvals && r >= 0; i++)
		r = bind_value(s, st, (int)i + 1, &vals[i]);
	if (r < 0)
		goto out;
	for (;;) {
		r = store_step_row(s, st);
		if (r <= 0)
			break;
		for (size_t i = 0; i < e->nfields; i++)
			values[i] = (const char *)sqlite3_column_text(st, (int)i + 1);
		r = cb(e, values, userdata);
		if (r != 0)
			break;
		if (by_key) {
			r = 1;
			break;
		}
	}
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nvals; i++)
		bound_release(&vals[i]);
	return r;
}

int isms_record_list(struct isms_store *s, const struct isms_entity *e,
		     const struct isms_kv *filter, size_t nfilter, isms_record_cb cb,
		     void *userdata)
{
	return run_select(s, e, filter, nfilter, cb, userdata, false);
}

static int found_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	return 0;
}

int isms_record_get(struct isms_store *s, const struct isms_entity *e, const char *key,
		    isms_record_cb cb, void *userdata)
{
	struct isms_kv f = {key_field(e)->name, key};
	int r;

	r = run_select(s, e, &f, 1, cb ? cb : found_cb, userdata, true);
	if (r == 0 || r == -EINVAL)
		return store_seterr(s, -ENOENT, "%s '%.64s' not found (see '%s %s list')",
				    e->name, key, s->schema->tool, e->name);
	return r == 1 ? 0 : r;
}

int isms_record_count(struct isms_store *s, const struct isms_entity *e, int64_t *ret_count)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r;

	sql_add(&b, "SELECT count(*) FROM \"%s\"", e->table);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		*ret_count = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

/* --- import ------------------------------------------------------------- */

static int json_value_text(struct json_object *v, char **ret)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		*ret = NULL;
		return 0;
	case json_type_boolean:
		*ret = strdup(json_object_get_boolean(v) ? "yes" : "no");
		break;
	case json_type_string:
		*ret = strdup(json_object_get_string(v));
		break;
	case json_type_int:
	case json_type_double:
		*ret = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	default:
		return -EINVAL;
	}
	return *ret ? 0 : -ENOMEM;
}

static int import_one(struct isms_store *s, const struct isms_entity *e, struct json_object *obj)
{
	struct isms_kv kv[64];
	char *texts[64] = {0};
	const char *key = NULL;
	size_t n = 0;
	int r = 0;

	if (!json_object_is_type(obj, json_type_object))
		return store_seterr(s, -EINVAL, "entry is not an object");
	json_object_object_foreach(obj, name, val)
	{
		const struct isms_field *f = isms_entity_field(e, name);

		/* Derived values (an export's level, overdue...) are not data, and a
		 * catalogue's fixed text comes from the catalogue: skip both, so an
		 * export imports as it is. */
		if (f && ((f->flags & ISMS_FF_COMPUTED) ||
			  ((e->flags & ISMS_EF_CATALOGUE) && (f->flags & ISMS_FF_FIXED))))
			continue;
		if (n >= sizeof(kv) / sizeof(kv[0])) {
			r = store_seterr(s, -E2BIG, "too many members");
			goto out;
		}
		r = json_value_text(val, &texts[n]);
		if (r < 0) {
			r = store_seterr(s, -EINVAL, "%s: must be a string, number, boolean or null",
					 name);
			goto out;
		}
		kv[n].name = name;
		kv[n].value = texts[n];
		if (strcmp(name, key_field(e)->name) == 0)
			key = texts[n];
		n++;
	}
	if ((e->flags & ISMS_EF_CATALOGUE) && key) {
		struct isms_kv rest[64];
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (strcmp(kv[i].name, key_field(e)->name) != 0)
				rest[m++] = kv[i];
		r = update(s, e, key, rest, m);
	} else {
		r = insert(s, e, kv, n, NULL);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	return r;
}

static int import_settings(struct isms_store *s, struct json_object *obj)
{
	int r = 0;

	if (!json_object_is_type(obj, json_type_object))
		return store_seterr(s, -EINVAL, "settings: must be an object");
	json_object_object_foreach(obj, name, val)
	{
		char *text = NULL;

		r = json_value_text(val, &text);
		if (r < 0 || !text) {
			free(text);
			return store_seterr(s, -EINVAL, "settings: %s: must be a string or number",
					    name);
		}
		r = isms_setting_apply(s, name, text);
		free(text);
		if (r < 0)
			return store_seterr(s, r, "settings: %s", isms_store_errmsg(s));
	}
	return 0;
}

int isms_import_json(struct isms_store *s, const char *json, size_t len, char **ret_err)
{
	return isms_import_json_progress(s, json, len, NULL, NULL, ret_err);
}

int isms_import_json_progress(struct isms_store *s, const char *json, size_t len,
			      void (*progress)(size_t done, size_t total, void *userdata),
			      void *userdata, char **ret_err)
{
	static const struct isms_json_limits limits = {.max_bytes = IMPORT_MAX, .max_depth = 32};
	struct isms_json_error jerr;
	struct json_object *root = NULL, *section;
	char where[128] = "";
	size_t done = 0, total = 0;
	int r;

	if (len > IMPORT_MAX) {
		r = store_seterr(s, -EFBIG, "import larger than %u bytes", IMPORT_MAX);
		goto out;
	}
	/* Strict JSON: json-c's own reader takes comments and keeps the last
	 * of two equal names, silently changing what is imported. */
	r = isms_json_parse(json, len, &limits, &root, &jerr);
	if (r == -EINVAL) {
		r = store_seterr(s, r, "not valid JSON at byte %zu (line %u, column %u, at %s): %s",
				 jerr.offset, jerr.line, jerr.column, jerr.path, jerr.msg);
		goto out;
	}
	if (r < 0)
		goto out;
	if (!json_object_is_type(root, json_type_object)) {
		r = store_seterr(s, -EINVAL, "the document must be a JSON object");
		goto out;
	}
	/* Reject members we do not know instead of silently dropping data. */
	json_object_object_foreach(root, name, val)
	{
		const struct isms_entity *e = store_entity(s, name);

		(void)val;
		if (strcmp(name, "settings") == 0 || strcmp(name, "matrix") == 0 ||
		    name[0] == '_' || (e && !(e->flags & ISMS_EF_READONLY)))
			continue;
		r = store_seterr(s, -EINVAL, "unknown section '%.64s'", name);
		goto out;
	}
	if (progress) {
		for (size_t i = 0; s->schema->entities[i]; i++) {
			const struct isms_entity *e = s->schema->entities[i];

			if (!(e->flags & ISMS_EF_READONLY) &&
			    (json_object_object_get_ex(root, e->name, &section) ||
			     json_object_object_get_ex(root, e->plural, &section)) &&
			    json_object_is_type(section, json_type_array))
				total += json_object_array_length(section);
		}
	}
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	if (json_object_object_get_ex(root, "matrix", &section)) {
		struct isms_risk_matrix m;
		char err[256];

		snprintf(where, sizeof(where), "matrix: ");
		r = isms_risk_matrix_from_json(json_object_to_json_string(section), &m, err,
					       sizeof(err));
		if (r < 0)
			store_seterr(s, r, "%s", err);
		else
			r = isms_risk_matrix_save(s, &m);
		if (r < 0)
			goto fail;
	}
	if (json_object_object_get_ex(root, "settings", &section)) {
		where[0] = '\0';
		r = import_settings(s, section);
		if (r < 0)
			goto fail;
	}
	for (size_t i = 0; s->schema->entities[i]; i++) {
		const struct isms_entity *e = s->schema->entities[i];

		if (e->flags & ISMS_EF_READONLY)
			continue;
		if (!json_object_object_get_ex(root, e->name, &section) &&
		    !json_object_object_get_ex(root, e->plural, &section))
			continue;
		if (!json_object_is_type(section, json_type_array)) {
			snprintf(where, sizeof(where), "%s: ", e->name);
			r = store_seterr(s, -EINVAL, "must be an array");
			goto fail;
		}
		for (size_t j = 0; j < json_object_array_length(section); j++) {
			snprintf(where, sizeof(where), "%s[%zu]: ", e->name, j);
			r = import_one(s, e, json_object_array_get_idx(section, j));
			if (r < 0)
				goto fail;
			if (progress)
				progress(++done, total, userdata);
		}
	}
	r = isms_store_commit(s);
	goto out;
fail:
	isms_store_rollback(s);
out:
	if (r < 0 && ret_err) {
		if (asprintf(ret_err, "%s%s", where, isms_store_errmsg(s)) < 0)
			*ret_err = NULL;
	}
	json_object_put(root);
	return r;
}
