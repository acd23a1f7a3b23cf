/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OSCAL assessment results (isms/oscal_export.h): what the control tests
 * found in a period and the evidence they found it in.  The assessment plan
 * an OSCAL result imports is the store's set of control tests; it is named
 * in the back matter rather than written as a document of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/oscal_export.h"
#include "isms/uuid.h"
#include "archive_internal.h"
#include "oscal_export_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

int oscal_uuid(const struct oscal_ctx *x, const char *what, const char *key, char out[ISMS_UUID_STR])
{
	char name[512];

	snprintf(name, sizeof(name), "%s/%s/%s", x->store_id, what, key);
	return isms_uuid_v5(isms_uuid_ns, name, out);
}

int oscal_ctx_init(struct isms_store *s, struct oscal_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->s = s;
	return evidence_store_id(s, x->store_id, sizeof(x->store_id));
}

void oscal_control_id(const char *control, char *buf, size_t len)
{
	snprintf(buf, len, "A.%s", control);
}

struct json_object *oscal_prop(const char *name, const char *value)
{
	struct json_object *o = json_object_new_object();

	if (o) {
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "ns", json_object_new_string(ISMS_OSCAL_NS));
		json_object_object_add(o, "value", json_object_new_string(value));
	}
	return o;
}

int oscal_metadata(struct oscal_ctx *x, const char *title, const char *version, int64_t now,
		   struct json_object **ret)
{
	struct json_object *m = json_object_new_object(), *parties, *party;
	char ts[ISMS_DATE_MAX], uuid[ISMS_UUID_STR], *org = NULL;
	int r;

	if (!m)
		return -ENOMEM;
	isms_date_format(now, ts, sizeof(ts));
	json_object_object_add(m, "title", json_object_new_string(title));
	json_object_object_add(m, "last-modified", json_object_new_string(ts));
	json_object_object_add(m, "version", json_object_new_string(version));
	json_object_object_add(m, "oscal-version", json_object_new_string(ISMS_OSCAL_VERSION));
	r = isms_setting_get(x->s, "organisation", &org);
	if (r == -ENOENT)
		r = 0; /* no organisation named yet: no party for it */
	if (r >= 0)
		r = oscal_uuid(x, "party", "organisation", uuid);
	if (r >= 0 && org && org[0]) {
		parties = json_object_new_array();
		party = json_object_new_object();
		if (!parties || !party) {
			json_object_put(parties);
			json_object_put(party);
			r = -ENOMEM;
		} else {
			json_object_object_add(party, "uuid", json_object_new_string(uuid));
			json_object_object_add(party, "type", json_object_new_string("organization"));
			json_object_object_add(party, "name", json_object_new_string(org));
			json_object_array_add(parties, party);
			json_object_object_add(m, "parties", parties);
		}
	}
	free(org);
	if (r < 0) {
		json_object_put(m);
		return r;
	}
	*ret = m;
	return 0;
}

void oscal_back_matter(struct json_object *doc, const char *uuid, const char *title,
		       const char *description)
{
	struct json_object *bm = json_object_new_object(), *res = json_object_new_array();
	struct json_object *rsrc = json_object_new_object();

	json_object_object_add(rsrc, "uuid", json_object_new_string(uuid));
	json_object_object_add(rsrc, "title", json_object_new_string(title));
	json_object_object_add(rsrc, "description", json_object_new_string(description));
	json_object_array_add(res, rsrc);
	json_object_object_add(bm, "resources", res);
	json_object_object_add(doc, "back-matter", bm);
}

int oscal_finish(const char *model, struct json_object *doc, char **ret)
{
	struct json_object *root = json_object_new_object();
	const char *text;

	if (!root) {
		json_object_put(doc);
		return -ENOMEM;
	}
	json_object_object_add(root, model, doc);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	*ret = text ? strdup(text) : NULL;
	json_object_put(root);
	return *ret ? 0 : -ENOMEM;
}

/* --- assessment results ------------------------------------------------------ */

struct ar {
	struct oscal_ctx *x;
	struct json_object *observations, *findings, *controls;
	char since[ISMS_DATE_MAX], until[ISMS_DATE_MAX];
};

static const char obs_sql[] =
	"SELECT pk, ts, source, kind, node, control, asset, outcome, hash FROM evidence"
	" WHERE ts >= ?1 AND ts < ?2 AND control IS NOT NULL ORDER BY pk";

static int add_observations(struct ar *a)
{
	sqlite3_stmt *st = NULL;
	int64_t count = 0;
	int r;

	r = store_query_int(a->x->s,
			    "SELECT count(*) FROM evidence WHERE ts >= ?1 AND ts < ?2"
			    " AND control IS NOT NULL",
			    a->since, a->until, NULL, &count);
	if (r >= 0 && count > ISMS_OSCAL_OBSERVATIONS_MAX)
		return store_seterr(a->x->s, -E2BIG,
				    "the period holds %lld evidence rows tied to controls, more than"
				    " the %d one document carries: export a shorter period",
				    (long long)count, ISMS_OSCAL_OBSERVATIONS_MAX);
	if (r >= 0)
		r = store_prepare(a->x->s, obs_sql, &st);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 1, a->since);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 2, a->until);
	while (r >= 0 && (r = store_step_row(a->x->s, st)) == 1) {
		struct json_object *o = json_object_new_object(), *props = json_object_new_array();
		struct json_object *methods = json_object_new_array(), *rel = json_object_new_array();
		struct json_object *ev = json_object_new_object();
		char uuid[ISMS_UUID_STR], row[24], desc[512], ctl[64];

		r = -ENOMEM;
		if (!o || !props || !methods || !rel || !ev) {
			json_object_put(o);
			json_object_put(props);
			json_object_put(methods);
			json_object_put(rel);
			json_object_put(ev);
			break;
		}
		snprintf(row, sizeof(row), "%lld", (long long)sqlite3_column_int64(st, 0));
		r = oscal_uuid(a->x, "observation", row, uuid);
		snprintf(desc, sizeof(desc), "Evidence row %s: %s from %s%s%s%s%s%s%s.", row, COL(st, 3),
			 COL(st, 2), COL(st, 4) ? " on " : "", COL(st, 4) ? COL(st, 4) : "",
			 COL(st, 6) ? ", asset " : "", COL(st, 6) ? COL(st, 6) : "",
			 COL(st, 7) ? ", outcome " : "", COL(st, 7) ? COL(st, 7) : "");
		oscal_control_id(COL(st, 5), ctl, sizeof(ctl));
		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "title", json_object_new_string(COL(st, 3)));
		json_object_object_add(o, "description", json_object_new_string(desc));
		json_object_array_add(props, oscal_prop("evidence-row", row));
		json_object_array_add(props, oscal_prop("chain-hash", COL(st, 8)));
		json_object_array_add(props, oscal_prop("control", ctl));
		json_object_object_add(o, "props", props);
		json_object_array_add(methods, json_object_new_string("TEST"));
		json_object_object_add(o, "methods", methods);
		json_object_object_add(o, "collected", json_object_new_string(COL(st, 1)));
		json_object_object_add(ev, "description",
				       json_object_new_string("the row of the store's evidence chain"
							      " named by evidence-row, whose hash is"
							      " chain-hash (ismsctl verify)"));
		json_object_array_add(rel, ev);
		json_object_object_add(o, "relevant-evidence", rel);
		json_object_array_add(a->observations, o);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* The observations of @control collected in [@since, @until). */
static int related(struct ar *a, const char *control, const char *since, const char *until,
		   struct json_object **ret)
{
	struct json_object *arr = json_object_new_array();
	sqlite3_stmt *st = NULL;
	int r;

	if (!arr)
		return -ENOMEM;
	r = store_prepare(a->x->s,
			  "SELECT pk FROM evidence WHERE ts >= ?1 AND ts < ?2 AND ts >= ?3"
			  " AND ts < ?4 AND control = ?5 ORDER BY pk",
			  &st);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 1, a->since);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 2, a->until);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 3, since);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 4, until);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 5, control);
	while (r >= 0 && (r = store_step_row(a->x->s, st)) == 1) {
		struct json_object *o = json_object_new_object();
		char uuid[ISMS_UUID_STR], row[24];

		if (!o) {
			r = -ENOMEM;
			break;
		}
		snprintf(row, sizeof(row), "%lld", (long long)sqlite3_column_int64(st, 0));
		r = oscal_uuid(a->x, "observation", row, uuid);
		json_object_object_add(o, "observation-uuid", json_object_new_string(uuid));
		json_object_array_add(arr, o);
	}
	sqlite3_finalize(st);
	if (r < 0) {
		json_object_put(arr);
		return r;
	}
	if (json_object_array_length(arr) == 0) {
		json_object_put(arr);
		arr = NULL;
	}
	*ret = arr;
	return 0;
}

static const char finding_sql[] =
	"SELECT a.test, a.period, a.control, a.since, a.until, a.result, a.expected, a.reason,"
	" a.rows, a.assessed_at FROM assessment a"
	" WHERE a.since >= ?1 AND a.until <= ?2"
	" AND a.pk = (SELECT max(b.pk) FROM assessment b WHERE b.test = a.test"
	"  AND b.period = a.period)"
	" ORDER BY a.control, a.test, a.since";

static int add_findings(struct ar *a)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(a->x->s, finding_sql, &st);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 1, a->since);
	if (r >= 0)
		r = store_bind_text(a->x->s, st, 2, a->until);
	while (r >= 0 && (r = store_step_row(a->x->s, st)) == 1) {
		struct json_object *f = json_object_new_object(), *target = json_object_new_object();
		struct json_object *status = json_object_new_object(), *props = json_object_new_array();
		struct json_object *rel = NULL;
		char uuid[ISMS_UUID_STR], key[256], title[512], ctl[64], rows[24];
		const char *result = COL(st, 5), *expected = COL(st, 6);
		bool satisfied = strcmp(result, expected) == 0;

		if (!f || !target || !status || !props) {
			json_object_put(f);
			json_object_put(target);
			json_object_put(status);
			json_object_put(props);
			r = -ENOMEM;
			break;
		}
		snprintf(key, sizeof(key), "%s/%s", COL(st, 0), COL(st, 1));
		r = oscal_uuid(a->x, "finding", key, uuid);
		oscal_control_id(COL(st, 2), ctl, sizeof(ctl));
		snprintf(title, sizeof(title), "Control test %s, %s: %s (expected %s)", COL(st, 0),
			 COL(st, 1), result, expected);
		snprintf(rows, sizeof(rows), "%lld", (long long)sqlite3_column_int64(st, 8));
		json_object_object_add(f, "uuid", json_object_new_string(uuid));
		json_object_object_add(f, "title", json_object_new_string(title));
		json_object_object_add(f, "description",
				       json_object_new_string(COL(st, 7) && COL(st, 7)[0] ?
								      COL(st, 7) :
								      title));
		json_object_array_add(props, oscal_prop("control-test", COL(st, 0)));
		json_object_array_add(props, oscal_prop("period", COL(st, 1)));
		json_object_array_add(props, oscal_prop("result", result));
		json_object_array_add(props, oscal_prop("evidence-rows", rows));
		json_object_array_add(props, oscal_prop("assessed-at", COL(st, 9)));
		json_object_object_add(f, "props", props);
		json_object_object_add(target, "type", json_object_new_string("objective-id"));
		json_object_object_add(target, "target-id", json_object_new_string(ctl));
		json_object_object_add(status, "state", json_object_new_string(satisfied ?
										      "satisfied" :
										      "not-satisfied"));
		json_object_object_add(status, "reason",
				       json_object_new_string(satisfied ? "pass" :
							      strcmp(result, "fail") == 0 ? "fail" :
											    "other"));
		json_object_object_add(target, "status", status);
		json_object_object_add(f, "target", target);
		if (r >= 0)
			r = related(a, COL(st, 2), COL(st, 3), COL(st, 4), &rel);
		if (rel)
			json_object_object_add(f, "related-observations", rel);
		json_object_array_add(a->findings, f);
		if (r >= 0 && !json_object_object_get_ex(a->controls, ctl, NULL))
			json_object_object_add(a->controls, ctl, NULL);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* The controls reviewed: those the findings are about, or all when there are none. */
static struct json_object *reviewed(struct ar *a)
{
	struct json_object *rc = json_object_new_object(), *sels = json_object_new_array();
	struct json_object *sel = json_object_new_object();

	if (!rc || !sels || !sel) {
		json_object_put(rc);
		json_object_put(sels);
		json_object_put(sel);
		return NULL;
	}
	if (json_object_object_length(a->controls) == 0) {
		json_object_object_add(sel, "include-all", json_object_new_object());
	} else {
		struct json_object *inc = json_object_new_array();

		json_object_object_foreach(a->controls, id, v)
		{
			struct json_object *c = json_object_new_object();

			(void)v;
			json_object_object_add(c, "control-id", json_object_new_string(id));
			json_object_array_add(inc, c);
		}
		json_object_object_add(sel, "include-controls", inc);
	}
	json_object_array_add(sels, sel);
	json_object_object_add(rc, "control-selections", sels);
	return rc;
}

int isms_oscal_assessment_results(struct isms_store *s, const struct isms_ctest_period *p,
				  int64_t now, char **ret)
{
	struct oscal_ctx x;
	struct ar a = {.x = &x};
	struct json_object *doc = NULL, *meta = NULL, *result = NULL, *results;
	char uuid[ISMS_UUID_STR], plan[ISMS_UUID_STR], title[256], href[64];
	int r;

	*ret = NULL;
	r = oscal_ctx_init(s, &x);
	if (r < 0)
		return r;
	isms_date_format(p->start, a.since, sizeof(a.since));
	isms_date_format(p->end, a.until, sizeof(a.until));
	a.observations = json_object_new_array();
	a.findings = json_object_new_array();
	a.controls = json_object_new_object();
	doc = json_object_new_object();
	result = json_object_new_object();
	if (!a.observations || !a.findings || !a.controls || !doc || !result) {
		r = -ENOMEM;
		goto out;
	}
	r = isms_store_snapshot(s);
	if (r == -EINVAL)
		r = 0; /* a store opened for writing reads one state anyway */
	if (r >= 0)
		r = add_observations(&a);
	if (r >= 0)
		r = add_findings(&a);
	if (r >= 0)
		r = oscal_uuid(&x, "assessment-results", p->label, uuid);
	if (r >= 0)
		r = oscal_uuid(&x, "assessment-plan", "control-tests", plan);
	snprintf(title, sizeof(title), "Assessment results for %s", p->label);
	if (r >= 0)
		r = oscal_metadata(&x, title, p->label, now, &meta);
	if (r < 0)
		goto out;
	json_object_object_add(doc, "uuid", json_object_new_string(uuid));
	json_object_object_add(doc, "metadata", meta);
	snprintf(href, sizeof(href), "#%s", plan);
	{
		struct json_object *ap = json_object_new_object();

		json_object_object_add(ap, "href", json_object_new_string(href));
		json_object_object_add(doc, "import-ap", ap);
	}
	r = oscal_uuid(&x, "result", p->label, uuid);
	if (r < 0)
		goto out;
	json_object_object_add(result, "uuid", json_object_new_string(uuid));
	json_object_object_add(result, "title", json_object_new_string(title));
	json_object_object_add(result, "description",
			       json_object_new_string("The results of isms's control tests (ISO/IEC"
						      " 27001:2022 9.1) for the periods inside this"
						      " one, and the evidence rows they were"
						      " drawn from."));
	json_object_object_add(result, "start", json_object_new_string(a.since));
	json_object_object_add(result, "end", json_object_new_string(a.until));
	json_object_object_add(result, "reviewed-controls", reviewed(&a));
	if (json_object_array_length(a.observations))
		json_object_object_add(result, "observations", json_object_get(a.observations));
	if (json_object_array_length(a.findings))
		json_object_object_add(result, "findings", json_object_get(a.findings));
	results = json_object_new_array();
	json_object_array_add(results, result);
	result = NULL;
	json_object_object_add(doc, "results", results);
	oscal_back_matter(doc, plan, "The control tests of the store",
			  "The assessment plan: the control tests defined in the isms store"
			  " ('ismsctl test list'), each a rule over the hosts' evidence for a"
			  " control and period.");
	r = oscal_finish("assessment-results", doc, ret);
	doc = NULL;
out:
	json_object_put(doc);
	json_object_put(result);
	json_object_put(a.observations);
	json_object_put(a.findings);
	json_object_put(a.controls);
	return r;
}
