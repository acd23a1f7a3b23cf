/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The generic record layer: add, change and remove records of any register. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/entity.h"
#include "isms/json.h"
#include "isms/risk.h"
#include "store_internal.h"
#include "isms/strutil.h"
#include "crud_internal.h"

static int record_exists(struct isms_store *s, const struct isms_entity *e, const char *key)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int r;

	crud_sql_add(&b, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?1", e->table, crud_key_field(e)->name);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	sqlite3_finalize(st);
	return r;
}

/* Write the links of every REFS field given (@vals aligned to @kv), for record @key. */
static int write_links(struct isms_store *s, const struct isms_entity *e, const char *key,
		       const struct isms_kv *kv, size_t n, const struct bound *vals)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	int64_t pk = 0;
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct isms_field *f = isms_entity_field(e, kv[i].name);

		if (f->type != ISMS_FT_REFS)
			continue;
		if (!st) {
			crud_sql_add(&b, "SELECT pk FROM \"%s\" WHERE \"%s\" = ?1", e->table,
				     crud_key_field(e)->name);
			r = store_prepare(s, b.s, &st);
			if (r >= 0)
				r = store_bind_text(s, st, 1, key);
			if (r >= 0)
				r = store_step_row(s, st);
			if (r == 0)
				r = -ENOENT;
			if (r < 0)
				break;
			pk = sqlite3_column_int64(st, 0);
		}
		r = crud_links_write(s, f, pk, vals[i].null ? NULL : vals[i].text);
		if (r == -EINVAL || r == -ENOENT)
			store_seterr(s, r, "%s '%.64s': %s", e->name, key, isms_store_errmsg(s));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
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
	 * Nobody else writes while we hold the transaction; crud_insert() keeps
	 * the cache up with keys given explicitly.
	 */
	if (autokey_cached(s, e)) {
		next = s->autokey.next;
		goto have;
	}

	/* Only keys of the exact form PREFIX<digits> count. */
	crud_sql_add(&b,
		"SELECT max(CAST(substr(\"%s\", %zu) AS INTEGER)) FROM \"%s\""
		" WHERE substr(\"%s\", 1, %zu) = ?1 AND substr(\"%s\", %zu) GLOB '[0-9]*'"
		" AND NOT substr(\"%s\", %zu) GLOB '*[^0-9]*'",
		crud_key_field(e)->name, plen + 1, e->table, crud_key_field(e)->name, plen,
		crud_key_field(e)->name, plen + 1, crud_key_field(e)->name, plen + 1);
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

/* The highest value of @f's ->max_of fields given in @kv, as a number ("" if none). */
static int highest_of(struct isms_store *s, const struct isms_entity *e, const struct isms_field *f,
		      const struct isms_risk_matrix *m, const struct isms_kv *kv, size_t n,
		      char *buf, size_t len)
{
	int64_t max = 0;

	for (size_t i = 0; f->max_of[i]; i++) {
		const struct isms_field *o = isms_entity_field(e, f->max_of[i]);
		bool found;
		const char *v = crud_kv_find(kv, n, f->max_of[i], &found);
		struct bound b;
		int r;

		if (!v || !o)
			continue;
		r = crud_convert(s, o, m, v, &b);
		if (r < 0)
			return r;
		if (b.is_int && b.i > max)
			max = b.i;
		crud_bound_release(&b);
	}
	buf[0] = '\0';
	if (max > 0)
		snprintf(buf, len, "%" PRId64, max);
	return 0;
}

/*
 * @kv with the field e->derive() implies appended (copied into @all, its
 * value in *ret_value to free); *ret_n the count.  The written() hook still
 * sees the fields as given.
 */
static int derive_kv(struct isms_store *s, const struct isms_entity *e, const char *key,
		     const struct isms_kv *kv, size_t n, bool added, struct isms_kv *all,
		     size_t max, size_t *ret_n, char **ret_value)
{
	const char *name = NULL;
	bool found;
	int r = 0;

	*ret_value = NULL;
	if (n > max)
		return -E2BIG;
	memcpy(all, kv, n * sizeof(*kv));
	*ret_n = n;
	if (e->derive)
		r = e->derive(s, e, key, kv, n, added, &name, ret_value);
	if (r <= 0)
		return r;
	/* given as well (an import restoring it): as given */
	crud_kv_find(kv, n, name, &found);
	if (found)
		return 0;
	if (n >= max)
		return -E2BIG;
	all[n] = (struct isms_kv){name, *ret_value};
	*ret_n = n + 1;
	return 0;
}

int crud_insert(struct isms_store *s, const struct isms_entity *e, const struct isms_kv *given,
		size_t ngiven, char **ret_key)
{
	struct isms_kv kv[64];
	size_t n = 0;
	char *derived = NULL;
	struct isms_risk_matrix m;
	struct bound vals[64], links[64] = {0};
	size_t nvals = 0;
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	char *key = NULL, today[11], maxbuf[24];
	bool found;
	int r;

	if (e->nfields > sizeof(vals) / sizeof(vals[0]) || ngiven > sizeof(links) / sizeof(links[0]))
		return -E2BIG;
	r = crud_check_names(s, e, given, ngiven);
	if (r < 0)
		return r;
	if (crud_has_scale(e)) {
		r = isms_risk_matrix_load(s, &m);
		if (r < 0)
			return r;
	}

	/* The key first, so every later message can name the record. */
	{
		const char *k = crud_kv_find(given, ngiven, crud_key_field(e)->name, &found);

		if (k)
			key = strdup(k);
		else if (e->auto_prefix)
			r = next_key(s, e, &key);
		else
			return store_seterr(s, -EINVAL, "%s: field '%s' is required", e->name,
					    crud_key_field(e)->name);
		if (r < 0)
			return r;
		if (!key)
			return -ENOMEM;
	}
	r = derive_kv(s, e, key, given, ngiven, true, kv, sizeof(kv) / sizeof(kv[0]), &n,
		      &derived);
	if (r < 0)
		goto out;

	crud_sql_add(&b, "INSERT INTO \"%s\" (", e->table);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct isms_field *f = &e->fields[i];
		const char *v;

		if (f->flags & ISMS_FF_COMPUTED)
			continue;
		v = i == 0 ? key : crud_kv_find(kv, n, f->name, &found);
		/* A set lives in its link table, written once the row is there. */
		if (f->type == ISMS_FT_REFS) {
			for (size_t j = 0; j < n && v; j++) {
				if (strcmp(kv[j].name, f->name) != 0)
					continue;
				r = crud_convert(s, f, NULL, v, &links[j]);
				if (r < 0) {
					if (r == -EINVAL || r == -ENOENT)
						store_seterr(s, r, "%s '%.64s': %s", e->name, key,
							     isms_store_errmsg(s));
					goto out;
				}
			}
			continue;
		}
		/* Absent: the highest of the fields it sums up, when any is given. */
		if (!v && f->max_of) {
			r = highest_of(s, e, f, &m, kv, n, maxbuf, sizeof(maxbuf));
			if (r < 0) {
				if (r == -EINVAL)
					store_seterr(s, r, "%s '%.64s': %s", e->name, key,
						     isms_store_errmsg(s));
				goto out;
			}
			if (maxbuf[0])
				v = maxbuf;
		}
		/* Absent and null alike take the default: the column is NOT NULL. */
		if (!v)
			v = f->dflt;
		if (v && f->type == ISMS_FT_DATE && strcmp(v, ISMS_DFLT_TODAY) == 0) {
			isms_date_day(time(NULL), today);
			v = today;
		}
		if (!v && (f->flags & ISMS_FF_REQUIRED)) {
			r = store_seterr(s, -EINVAL, "%s '%.64s': field '%s' is required", e->name,
					 key, f->name);
			goto out;
		}
		r = crud_convert(s, f, crud_has_scale(e) ? &m : NULL, v, &vals[nvals]);
		if (r < 0) {
			if (r == -EINVAL || r == -ENOENT)
				store_seterr(s, r, "%s '%.64s': %s", e->name, key,
					     isms_store_errmsg(s));
			goto out;
		}
		crud_sql_add(&b, "%s\"%s\"", nvals ? ", " : "", f->name);
		nvals++;
	}
	crud_sql_add(&b, ") VALUES (");
	for (size_t i = 0; i < nvals; i++)
		crud_sql_add(&b, "%s?%zu", i ? ", " : "", i + 1);
	crud_sql_add(&b, ")");
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
		r = crud_bind_value(s, st, (int)i + 1, &vals[i]);
	if (r < 0)
		goto out;
	r = store_step_done(s, st);
	if (r == -EEXIST)
		store_seterr(s, r, "%s '%.64s' conflicts with an existing record: %s", e->name, key,
			     sqlite3_errmsg(s->db));
	if (r < 0)
		goto out;
	r = write_links(s, e, key, kv, n, links);
	if (r < 0)
		goto out;
	/* A key given that looks generated moves the next generated one past it. */
	if (e->auto_prefix && autokey_cached(s, e)) {
		int64_t num;

		if (key_number(e, key, &num) && num < INT64_MAX && num >= s->autokey.next)
			s->autokey.next = num + 1;
	}
	/* The history row before the hook's consequences, which may be journaled too. */
	if (history_journaled(s, e)) {
		char **after = NULL;

		r = history_load(s, e, key, &after);
		if (r >= 0)
			r = history_write(s, e, key, "add", NULL, after);
		history_values_free(e, after);
		if (r < 0)
			goto out;
	}
	if (e->written) {
		r = e->written(s, e, key, given, ngiven, true);
		if (r < 0)
			goto out;
	}
	if (ret_key) {
		*ret_key = key;
		key = NULL;
	}
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nvals; i++)
		crud_bound_release(&vals[i]);
	for (size_t i = 0; i < n && i < sizeof(links) / sizeof(links[0]); i++)
		crud_bound_release(&links[i]);
	free(key);
	free(derived);
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
	r = crud_insert(s, e, kv, n, ret_key);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

int crud_update(struct isms_store *s, const struct isms_entity *e, const char *key,
		const struct isms_kv *given, size_t ngiven)
{
	struct isms_kv kv[64];
	size_t n = ngiven;
	char *derived = NULL;
	struct isms_risk_matrix m;
	struct bound vals[64], links[64] = {0};
	size_t nvals = 0, ncols = 0;
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	char **before = NULL, **after = NULL;
	int r;

	if (n == 0)
		return store_seterr(s, -EINVAL, "nothing to change for %s '%.64s'", e->name, key);
	if (n >= sizeof(vals) / sizeof(vals[0]))
		return -E2BIG;
	r = crud_check_names(s, e, given, ngiven);
	if (r < 0)
		return r;
	r = record_exists(s, e, key);
	if (r < 0)
		return r;
	if (r == 0)
		return store_seterr(s, -ENOENT, "%s '%.64s' not found (see '%s %s list')",
				    e->name, key, s->schema->tool, e->name);
	r = derive_kv(s, e, key, given, ngiven, false, kv, sizeof(vals) / sizeof(vals[0]) - 1, &n,
		      &derived);
	if (r >= 0 && crud_has_scale(e))
		r = isms_risk_matrix_load(s, &m);
	/* What it said before, once: the history row names what changed. */
	if (r >= 0 && history_journaled(s, e))
		r = history_load(s, e, key, &before);
	if (r < 0)
		goto out;
	crud_sql_add(&b, "UPDATE \"%s\" SET ", e->table);
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
		/* A set is replaced in its link table, not in a column. */
		r = crud_convert(s, f, crud_has_scale(e) ? &m : NULL, kv[i].value,
				 f->type == ISMS_FT_REFS ? &links[i] : &vals[nvals]);
		if (r < 0) {
			if (r == -EINVAL || r == -ENOENT)
				store_seterr(s, r, "%s '%.64s': %s", e->name, key,
					     isms_store_errmsg(s));
			goto out;
		}
		if (f->type == ISMS_FT_REFS)
			continue;
		crud_sql_add(&b, "%s\"%s\" = ?%zu", nvals ? ", " : "", f->name, nvals + 1);
		nvals++;
	}
	ncols = nvals;
	crud_sql_add(&b, " WHERE \"%s\" = ?%zu", crud_key_field(e)->name, nvals + 1);
	if (b.overflow) {
		r = -E2BIG;
		goto out;
	}
	r = 0;
	if (ncols) {
		r = store_prepare(s, b.s, &st);
		for (size_t i = 0; i < nvals && r >= 0; i++)
			r = crud_bind_value(s, st, (int)i + 1, &vals[i]);
		if (r >= 0)
			r = store_bind_text(s, st, (int)nvals + 1, key);
		if (r >= 0)
			r = store_step_done(s, st);
		if (r == -EEXIST)
			store_seterr(s, r, "%s '%.64s': change conflicts with an existing record: %s",
				     e->name, key, sqlite3_errmsg(s->db));
	}
	if (r >= 0)
		r = write_links(s, e, key, kv, n, links);
	if (r >= 0 && history_journaled(s, e)) {
		r = history_load(s, e, key, &after);
		if (r >= 0)
			r = history_write(s, e, key, "change", before, after);
	}
	if (r >= 0 && e->written)
		r = e->written(s, e, key, given, ngiven, false);
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < nvals; i++)
		crud_bound_release(&vals[i]);
	for (size_t i = 0; i < n; i++)
		crud_bound_release(&links[i]);
	history_values_free(e, before);
	history_values_free(e, after);
	free(derived);
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
	r = crud_update(s, e, key, kv, n);
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
	char **before = NULL;
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
	if (r >= 0 && e->removing)
		r = e->removing(s, e, key);
	if (r >= 0 && history_journaled(s, e))
		r = history_load(s, e, key, &before);
	if (r < 0)
		goto fail;
	crud_sql_add(&b, "DELETE FROM \"%s\" WHERE \"%s\" = ?1", e->table, crud_key_field(e)->name);
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r == -ENOTEMPTY)
		store_seterr(s, r, "%s '%.64s' is still referred to by other records; change those first",
			     e->name, key);
	if (r >= 0 && before)
		r = history_write(s, e, key, "remove", before, NULL);
	if (r < 0)
		goto fail;
	history_values_free(e, before);
	return isms_store_commit(s);
fail:
	history_values_free(e, before);
	isms_store_rollback(s);
	return r;
}
