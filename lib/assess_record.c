/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Assessment results into the chain and the table of results per period; the built-in tests. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "assess_internal.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/json.h"
#include "isms/catalogue.h"
#include "isms/strutil.h"
#include "crud_internal.h"
#include "nc_sources_internal.h"
#include "store_internal.h"

static char *details_json(const struct isms_assess_item *it, const char *since, const char *until)
{
	const struct isms_ctest_result *res = &it->res;
	struct json_object *o = json_object_new_object(), *a;
	char t[ISMS_DATE_MAX], *out;

	if (!o)
		return NULL;
	json_object_object_add(o, "test", json_object_new_string(it->test));
	json_object_object_add(o, "version", json_object_new_int64(it->version));
	json_object_object_add(o, "period", json_object_new_string(it->period.label));
	json_object_object_add(o, "since", json_object_new_string(since));
	json_object_object_add(o, "until", json_object_new_string(until));
	json_object_object_add(o, "expected", json_object_new_string(it->expected));
	json_object_object_add(o, "rows", json_object_new_int64(res->seen));
	json_object_object_add(o, "matched", json_object_new_int64(res->matched));
	json_object_object_add(o, "violations", json_object_new_int64(res->violations));
	json_object_object_add(o, "unknown", json_object_new_int64(res->unknown));
	json_object_object_add(o, "value", json_object_new_int64(res->value));
	if (res->first_id) {
		json_object_object_add(o, "first_evidence", json_object_new_int64(res->first_id));
		json_object_object_add(o, "last_evidence", json_object_new_int64(res->last_id));
	}
	json_object_object_add(o, "members", json_object_new_int64(it->members));
	json_object_object_add(o, "covered", json_object_new_int64(it->covered));
	if (it->hosts && it->hosts[0])
		json_object_object_add(o, "hosts", json_object_new_string(it->hosts));
	if (res->ngaps) {
		a = json_object_new_array();
		for (size_t i = 0; i < res->ngaps; i++) {
			struct json_object *g = json_object_new_object();

			isms_date_format(res->gaps[i].from, t, sizeof(t));
			json_object_object_add(g, "from", json_object_new_string(t));
			isms_date_format(res->gaps[i].to, t, sizeof(t));
			json_object_object_add(g, "to", json_object_new_string(t));
			json_object_array_add(a, g);
		}
		json_object_object_add(o, "spans", a);
	}
	if (res->nviolation_ids) {
		a = json_object_new_array();
		for (size_t i = 0; i < res->nviolation_ids; i++)
			json_object_array_add(a, json_object_new_int64(res->violation_ids[i]));
		json_object_object_add(o, "failing_rows", a);
	}
	json_object_object_add(o, "reason", json_object_new_string(res->reason));
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static int bind_int(sqlite3_stmt *st, int idx, int64_t v, bool null_if_zero)
{
	int rc = null_if_zero && !v ? sqlite3_bind_null(st, idx) : sqlite3_bind_int64(st, idx, v);

	return rc == SQLITE_OK ? 0 : -EIO;
}

int assess_record(struct isms_store *s, struct isms_assess_item *it, int64_t now,
		  int64_t *ret_id)
{
	const struct isms_ctest_result *res = &it->res;
	const char *result = isms_ctest_outcome_name(res->outcome);
	char since[ISMS_DATE_MAX], until[ISMS_DATE_MAX], at[ISMS_DATE_MAX];
	struct isms_evidence ev = {0};
	sqlite3_stmt *st = NULL;
	char *details;
	int64_t id = 0;
	int r;

	isms_date_format(it->period.start, since, sizeof(since));
	isms_date_format(it->period.end, until, sizeof(until));
	isms_date_format(now, at, sizeof(at));
	details = details_json(it, since, until);
	if (!details)
		return -ENOMEM;
	ev.ts = at;
	ev.source = "ismsctl";
	ev.kind = "assessment.result";
	ev.control = it->control;
	ev.subject = it->test;
	ev.outcome = result;
	ev.details = details;
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	r = isms_evidence_append(s, &ev, &id);
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO assessment (test, version, control, period, since, until,"
				  " assessed_at, result, expected, rows, matched, violations, covered,"
				  " members, hosts, first_evidence, last_evidence, evidence, reason)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
				  " ?15, ?16, ?17, ?18, ?19)",
				  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, it->test);
	if (r >= 0)
		r = bind_int(st, 2, it->version, false);
	if (r >= 0)
		r = store_bind_text(s, st, 3, it->control);
	if (r >= 0)
		r = store_bind_text(s, st, 4, it->period.label);
	if (r >= 0)
		r = store_bind_text(s, st, 5, since);
	if (r >= 0)
		r = store_bind_text(s, st, 6, until);
	if (r >= 0)
		r = store_bind_text(s, st, 7, at);
	if (r >= 0)
		r = store_bind_text(s, st, 8, result);
	if (r >= 0)
		r = store_bind_text(s, st, 9, it->expected);
	if (r >= 0)
		r = bind_int(st, 10, res->seen, false);
	if (r >= 0)
		r = bind_int(st, 11, res->matched, false);
	if (r >= 0)
		r = bind_int(st, 12, res->violations, false);
	if (r >= 0)
		r = bind_int(st, 13, it->covered, false);
	if (r >= 0)
		r = bind_int(st, 14, it->members, false);
	if (r >= 0)
		r = store_bind_text(s, st, 15, it->hosts && it->hosts[0] ? it->hosts : NULL);
	if (r >= 0)
		r = bind_int(st, 16, res->first_id, true);
	if (r >= 0)
		r = bind_int(st, 17, res->last_id, true);
	if (r >= 0)
		r = bind_int(st, 18, id, false);
	if (r >= 0)
		r = store_bind_text(s, st, 19, res->reason);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	/* A test that fails what it expects to pass is a nonconformity: the cycle runs again. */
	if (r >= 0 && res->outcome == ISMS_CTEST_FAIL && strcmp(it->expected, "pass") == 0) {
		char *nc = NULL;

		r = nc_from_test(s, it->test, it->control, it->period.label, res->reason, now, &nc,
				 &it->nc_opened);
		if (r >= 0 && nc)
			snprintf(it->nonconformity, sizeof(it->nonconformity), "%s", nc);
		free(nc);
	}
	if (r < 0) {
		isms_store_rollback(s);
		goto out;
	}
	r = isms_store_commit(s);
	if (r >= 0 && ret_id)
		*ret_id = id;
out:
	free(details);
	return r;
}

int assess_done_before(struct isms_store *s, const char *test, int64_t version,
		       const struct isms_ctest_period *p)
{
	char until[ISMS_DATE_MAX];
	sqlite3_stmt *st = NULL;
	int r;

	isms_date_format(p->end, until, sizeof(until));
	r = store_prepare(s,
			  "SELECT 1 FROM assessment WHERE test = ?1 AND version = ?2 AND period = ?3"
			  " AND until >= ?4 LIMIT 1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, test);
	if (r >= 0)
		r = bind_int(st, 2, version, false);
	if (r >= 0)
		r = store_bind_text(s, st, 3, p->label);
	if (r >= 0)
		r = store_bind_text(s, st, 4, until);
	if (r >= 0)
		r = store_step_row(s, st);
	sqlite3_finalize(st);
	return r;
}

#define BUILTIN_MAX (1u << 20)
#define KV_MAX      16

struct existing {
	bool builtin;
	int64_t version;
};

static int existing_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct existing *x = ud;
	const char *b = v[isms_entity_field_index(e, "builtin")];
	const char *ver = v[isms_entity_field_index(e, "version")];

	x->builtin = b && strcmp(b, "yes") == 0;
	if (!ver || isms_parse_int64(ver, &x->version) < 0)
		x->version = 0;
	return 0;
}

/* One entry of the file: added, or changed when an older built-in one is there. */
static int load_one(struct isms_store *s, const struct isms_entity *e, struct json_object *t,
		    size_t idx, char **ret_err)
{
	struct isms_kv kv[KV_MAX];
	char nums[KV_MAX][24];
	struct existing x = {0};
	const char *name = NULL;
	int64_t version = 1;
	size_t n = 0;
	int r;

	if (!json_object_is_type(t, json_type_object))
		goto bad;
	json_object_object_foreach(t, key, val) {
		const struct isms_field *f = isms_entity_field(e, key);

		if (!f || (f->flags & ISMS_FF_COMPUTED) || strcmp(key, "builtin") == 0 ||
		    n >= KV_MAX - 1)
			goto bad;
		if (json_object_is_type(val, json_type_int)) {
			snprintf(nums[n], sizeof(nums[n]), "%" PRId64, json_object_get_int64(val));
			kv[n] = (struct isms_kv){key, nums[n]};
		} else if (json_object_is_type(val, json_type_string)) {
			kv[n] = (struct isms_kv){key, json_object_get_string(val)};
		} else {
			goto bad;
		}
		if (strcmp(key, "name") == 0)
			name = kv[n].value;
		if (strcmp(key, "version") == 0 && isms_parse_int64(kv[n].value, &version) < 0)
			goto bad;
		n++;
	}
	if (!name)
		goto bad;
	kv[n++] = (struct isms_kv){"builtin", "yes"};
	r = isms_record_get(s, e, name, existing_cb, &x);
	s->history_off = true;
	if (r == -ENOENT)
		r = crud_insert(s, e, kv, n, NULL);
	else if (r >= 0 && x.builtin && x.version < version) {
		/* the name is the key: every other field changes */
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (strcmp(kv[i].name, "name") != 0)
				kv[k++] = kv[i];
		r = crud_update(s, e, name, kv, k);
	} else if (r >= 0 && x.builtin) {
		/*
		 * The requirements a test evidences are not its rule: they follow
		 * the file without a new version, which would assess again.
		 */
		for (size_t i = 0; r >= 0 && i < n; i++)
			if (strcmp(kv[i].name, "requirements") == 0)
				r = crud_update(s, e, name, &kv[i], 1);
	}
	s->history_off = false;
	if (r < 0 && ret_err && asprintf(ret_err, "built-in test '%s': %s", name,
					 isms_store_errmsg(s)) < 0)
		*ret_err = NULL;
	return r;
bad:
	if (ret_err && asprintf(ret_err, "built-in test %zu is not an object of test fields", idx) < 0)
		*ret_err = NULL;
	return -EINVAL;
}

int isms_assess_load_builtin(struct isms_store *s, const char *path, char **ret_err)
{
	static const struct isms_json_limits limits = {.max_bytes = BUILTIN_MAX};
	const struct isms_entity *e = store_entity(s, "test");
	struct json_object *root = NULL, *arr;
	struct isms_json_error jerr;
	char *buf = NULL;
	size_t len = 0, n;
	int r;

	if (!e)
		return -EINVAL;
	r = isms_read_file(path, BUILTIN_MAX, &buf, &len);
	if (r < 0) {
		if (ret_err && asprintf(ret_err, "cannot read built-in tests '%s': %s", path,
					strerror(-r)) < 0)
			*ret_err = NULL;
		return r;
	}
	r = isms_json_parse(buf, len, &limits, &root, &jerr);
	free(buf);
	if (r < 0 || !root || !json_object_object_get_ex(root, "test", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		if (ret_err && asprintf(ret_err, "built-in tests '%s' are not JSON with an array 'test'",
					path) < 0)
			*ret_err = NULL;
		return r < 0 ? r : -EINVAL;
	}
	n = json_object_array_length(arr);
	r = isms_store_begin(s);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = load_one(s, e, json_object_array_get_idx(arr, i), i, ret_err);
	if (r >= 0)
		r = isms_store_commit(s);
	else
		isms_store_rollback(s);
	json_object_put(root);
	return r < 0 ? r : (int)n;
}
