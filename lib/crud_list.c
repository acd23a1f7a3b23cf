/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The generic record layer: list, get and count records of any register. */
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
#include "role_sql.h"

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
	if (crud_has_scale(e)) {
		r = isms_risk_matrix_load(s, &m);
		if (r < 0)
			return r;
	}
	crud_build_select(s, &b, e);
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
		plain.flags &= ~(unsigned)(ISMS_FF_COMPUTED | ISMS_FF_LIST);
		/* A set matches when the key is one of it. */
		if (f->type == ISMS_FT_REFS) {
			const struct isms_entity *re = store_entity(s, f->ref);

			r = crud_convert(s, &(struct isms_field){.name = f->name}, NULL,
					 filter[i].value, &vals[nvals]);
			if (r < 0)
				goto out;
			nvals++;
			crud_sql_add(&b,
				     "%sEXISTS (SELECT 1 FROM \"%s\" l JOIN \"%s\" r"
				     " ON r.pk = l.\"%s\" WHERE l.\"%s\" = _pk AND r.\"%s\" = ?%zu)",
				     i ? " AND " : " WHERE ", f->link, re->table, f->link_other,
				     f->link_own, crud_key_field(re)->name, i + 1);
			continue;
		}
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
			r = crud_convert(s, &plain, crud_has_scale(e) ? &m : NULL, filter[i].value,
				    &vals[nvals]);
			if (r < 0)
				goto out;
		}
		nvals++;
		/* A set (a person's roles) matches when the value is one of its members. */
		if (f->type == ISMS_FT_ENUM && (f->flags & ISMS_FF_LIST))
			crud_sql_add(&b, "%s" ROLE_SQL_HOLDS("\"%s\"", "?%zu"), i ? " AND " : " WHERE ",
				     f->name, i + 1);
		else
			crud_sql_add(&b, "%s\"%s\" = ?%zu", i ? " AND " : " WHERE ", f->name, i + 1);
	}
	crud_sql_add(&b, " ORDER BY _pk");
	if (b.overflow) {
		r = -E2BIG;
		goto out;
	}
	r = store_prepare(s, b.s, &st);
	for (size_t i = 0; i < nvals && r >= 0; i++)
		r = crud_bind_value(s, st, (int)i + 1, &vals[i]);
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
		crud_bound_release(&vals[i]);
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
	struct isms_kv f = {crud_key_field(e)->name, key};
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

	crud_sql_add(&b, "SELECT count(*) FROM \"%s\"", e->table);
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
