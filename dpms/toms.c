/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TOMs of an activity point into the ISMS store (isms_measures,
 * isms_controls): checked there, read-only, when it can be read.  An
 * unknown measure or control is refused on entry; a known measure not yet
 * implemented, or a control without an implemented measure, is shown as
 * unverified: the record of processing must not claim more than the ISMS
 * has done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpms.h"
#include "dpms_hooks.h"
#include "isms/sql.h"

static const char *const state_names[] = {"implemented", "unverified", "unknown", "unchecked"};

const char *dpms_tom_state_name(enum dpms_tom_state st)
{
	return st <= DPMS_TOM_UNCHECKED ? state_names[st] : "?";
}

/* One reference looked up in the open ISMS store @is. */
static int lookup(struct isms_store *is, bool measure, const char *id,
		  enum dpms_tom_state *ret, char *detail, size_t dlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = isms_sql_prepare(is,
			     measure ? "SELECT status FROM measure WHERE id = ?1" :
				       "SELECT (SELECT count(*) FROM measure_control l"
				       " JOIN measure m ON m.pk = l.measure WHERE l.control = c.pk"
				       " AND m.status IN ('implemented', 'verified')) FROM control c"
				       " WHERE c.id = ?1",
			     &st);
	if (r < 0)
		return r;
	r = isms_sql_bind_text(is, st, 1, id);
	if (r >= 0)
		r = isms_sql_step_row(is, st);
	if (r == 0) {
		*ret = DPMS_TOM_UNKNOWN;
		snprintf(detail, dlen, "no such %s in the ISMS store", measure ? "measure" : "control");
	} else if (r > 0 && measure) {
		const char *status = (const char *)sqlite3_column_text(st, 0);

		*ret = status && (strcmp(status, "implemented") == 0 || strcmp(status, "verified") == 0) ?
			       DPMS_TOM_IMPLEMENTED :
			       DPMS_TOM_UNVERIFIED;
		snprintf(detail, dlen, "measure %s", status ? status : "without status");
	} else if (r > 0) {
		int64_t n = sqlite3_column_int64(st, 0);

		*ret = n ? DPMS_TOM_IMPLEMENTED : DPMS_TOM_UNVERIFIED;
		snprintf(detail, dlen, n ? "%lld implemented measure%s" : "no implemented measure",
			 (long long)n, n == 1 ? "" : "s");
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* Each comma-separated id of @list, trimmed. */
static int each_ref(struct isms_store *is, const char *unreadable, const char *activity,
		    bool measure, const char *list, dpms_tom_cb cb, void *ud)
{
	char *copy, *save = NULL;
	int r = 0;

	if (!list || !*list)
		return 0;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ",", &save); r >= 0 && tok; tok = strtok_r(NULL, ",", &save)) {
		struct dpms_tom_ref ref = {.activity = activity, .kind = measure ? "measure" : "control"};
		char detail[256];
		size_t len;

		tok += strspn(tok, " \t");
		len = strlen(tok);
		while (len && strchr(" \t", tok[len - 1]))
			tok[--len] = '\0';
		if (!*tok)
			continue;
		ref.id = tok;
		ref.detail = detail;
		if (!is) {
			ref.state = DPMS_TOM_UNCHECKED;
			snprintf(detail, sizeof(detail), "%s", unreadable);
		} else {
			r = lookup(is, measure, tok, &ref.state, detail, sizeof(detail));
			if (r < 0)
				break;
		}
		r = cb(&ref, ud);
	}
	free(copy);
	return r;
}

/* The ISMS store to check against: @path, else the DPMS setting; NULL when neither. */
static char *isms_path_of(struct isms_store *s, const char *path)
{
	char *v = NULL;

	if (path)
		return strdup(path);
	if (isms_setting_get(s, DPMS_SETTING_ISMS_STORE, &v) < 0 || !v || !*v) {
		free(v);
		return NULL;
	}
	return v;
}

struct check_ctx {
	struct isms_store *is;
	const char *unreadable;
	const char *activity;
	dpms_tom_cb cb;
	void *ud;
};

static int activity_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct check_ctx *c = ud;
	const char *id = v[isms_entity_field_index(e, "id")];
	int r;

	r = each_ref(c->is, c->unreadable, id, true, v[isms_entity_field_index(e, "isms_measures")],
		     c->cb, c->ud);
	if (r >= 0)
		r = each_ref(c->is, c->unreadable, id, false,
			     v[isms_entity_field_index(e, "isms_controls")], c->cb, c->ud);
	return r;
}

int dpms_toms_check(struct isms_store *s, const char *isms_path, const char *activity,
		    dpms_tom_cb cb, void *ud)
{
	const struct isms_entity *ae = isms_schema_entity(&dpms_schema, "activity");
	struct isms_kv f = {"id", activity};
	char *path = isms_path_of(s, isms_path), *err = NULL, why[512];
	struct check_ctx c = {.cb = cb, .ud = ud, .activity = activity, .unreadable = why};
	int r;

	if (!path) {
		snprintf(why, sizeof(why), "no ISMS store configured (dpmsctl toms store PATH)");
	} else if ((r = isms_store_open(path, ISMS_STORE_READONLY, 2000, &c.is, &err)) < 0) {
		/* Not fatal: the DPO may not be allowed to read the ISMS store. */
		snprintf(why, sizeof(why), "ISMS store '%s' not readable: %s", path,
			 err ? err : strerror(-r));
		c.is = NULL;
	}
	free(err);
	r = isms_record_list(s, ae, activity ? &f : NULL, activity ? 1 : 0, activity_cb, &c);
	if (r >= 0 && activity) {
		/* An unknown activity is an error, not an empty list. */
		r = isms_record_get(s, ae, activity, NULL, NULL);
	}
	if (c.is)
		isms_store_free(c.is);
	free(path);
	return r < 0 ? r : 0;
}

struct refuse_ctx {
	struct isms_store *s;
	char msg[600];
	bool unknown;
};

static int refuse_cb(const struct dpms_tom_ref *ref, void *ud)
{
	struct refuse_ctx *c = ud;

	if (ref->state == DPMS_TOM_UNKNOWN && !c->unknown) {
		c->unknown = true;
		snprintf(c->msg, sizeof(c->msg),
			 "activity '%s': ISMS %s '%s' does not exist in the ISMS store (see"
			 " 'ismsctl %s list'); a TOM may only name what the ISMS has",
			 ref->activity, ref->kind, ref->id, ref->kind);
	}
	return 0;
}

int dpms_activity_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			  const struct isms_kv *kv, size_t n, bool added)
{
	struct refuse_ctx c = {.s = s};
	bool refs = added;
	int r;

	(void)e;
	for (size_t i = 0; i < n; i++) {
		int pn;
		char pu;

		refs |= strcmp(kv[i].name, "isms_measures") == 0 ||
			strcmp(kv[i].name, "isms_controls") == 0;
		/* The retention check must be able to read the rule it is given. */
		if (strcmp(kv[i].name, "retention_period") == 0 && kv[i].value && *kv[i].value &&
		    dpms_retention_period_parse(kv[i].value, &pn, &pu) < 0)
			return isms_sql_seterr(s, -EINVAL,
					       "activity '%s': retention_period '%s': give a number and"
					       " days, months or years, e.g. '10 years'",
					       key, kv[i].value);
	}
	if (!refs)
		return 0;
	r = dpms_toms_check(s, NULL, key, refuse_cb, &c);
	if (r < 0)
		return r;
	return c.unknown ? isms_sql_seterr(s, -EINVAL, "%s", c.msg) : 0;
}
