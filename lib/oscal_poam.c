/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OSCAL plan of action and milestones (isms/oscal_export.h): what is still
 * to be done.  Each measure not yet implemented and each nonconformity not
 * closed is a POA&M item; the risks they treat are OSCAL risks whose
 * remediations are those measures, each with its due date as a milestone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/entity.h"
#include "isms/oscal_export.h"
#include "oscal_export_internal.h"
#include "store_internal.h"

struct poam {
	struct oscal_ctx *x;
	struct json_object *items;
	struct json_object *remediations; /* risk key -> array of responses */
};

static const char *val(const struct isms_entity *e, const char *const *values, const char *name)
{
	const struct isms_field *f = isms_entity_field(e, name);

	return f ? values[f - e->fields] : NULL;
}

/* Each key of the comma-separated @list as {"risk-uuid"} into *ret (NULL if none). */
static int related_risks(struct poam *p, const char *list, bool remember,
			 struct json_object **ret)
{
	struct json_object *arr = NULL;
	char key[128];
	int r = 0;

	*ret = NULL;
	for (const char *q = list; q && *q && r >= 0;) {
		size_t l = strcspn(q, ",");
		char uuid[ISMS_UUID_STR];
		struct json_object *o;

		snprintf(key, sizeof(key), "%.*s", (int)(l < sizeof(key) ? l : sizeof(key) - 1), q);
		q += l + (q[l] == ',');
		if (!key[0])
			continue;
		r = oscal_uuid(p->x, "risk", key, uuid);
		if (!arr && !(arr = json_object_new_array()))
			r = -ENOMEM;
		o = r >= 0 ? json_object_new_object() : NULL;
		if (r >= 0 && !o)
			r = -ENOMEM;
		if (r < 0)
			break;
		json_object_object_add(o, "risk-uuid", json_object_new_string(uuid));
		json_object_array_add(arr, o);
		if (remember && !json_object_object_get_ex(p->remediations, key, NULL))
			json_object_object_add(p->remediations, key, json_object_new_array());
	}
	if (r < 0) {
		json_object_put(arr);
		return r;
	}
	*ret = arr;
	return 0;
}

static struct json_object *item(struct poam *p, const char *what, const char *id,
				const char *title, const char *desc)
{
	struct json_object *o = json_object_new_object();
	char uuid[ISMS_UUID_STR], key[160];

	snprintf(key, sizeof(key), "%s/%s", what, id);
	if (!o || oscal_uuid(p->x, "poam-item", key, uuid) < 0) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "title", json_object_new_string(title));
	json_object_object_add(o, "description", json_object_new_string(desc));
	return o;
}

static void add_props(struct json_object *o, const char *const *pairs)
{
	struct json_object *props = json_object_new_array();

	for (size_t i = 0; pairs[i]; i += 2)
		if (pairs[i + 1] && pairs[i + 1][0])
			json_object_array_add(props, oscal_prop(pairs[i], pairs[i + 1]));
	json_object_object_add(o, "props", props);
}

/* @o into the plan, related to the risks of @risks (comma-separated); takes @o. */
static int add_item(struct poam *p, struct json_object *o, const char *risks)
{
	struct json_object *rel = NULL;
	int r = related_risks(p, risks, true, &rel);

	if (r < 0) {
		json_object_put(o);
		return r;
	}
	if (rel)
		json_object_object_add(o, "related-risks", rel);
	json_object_array_add(p->items, o);
	return 0;
}

static int measure_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct poam *p = userdata;
	const char *id = val(e, v, "id"), *status = val(e, v, "status"), *due = val(e, v, "due");
	struct json_object *o;
	char desc[1024];
	int r;

	if (!status || strcmp(status, "implemented") == 0 || strcmp(status, "verified") == 0 ||
	    strcmp(status, "cancelled") == 0)
		return 0;
	snprintf(desc, sizeof(desc), "Measure %s, %s%s%s%s%s, treating %s and implementing %s.", id,
		 status, val(e, v, "owner") ? ", owner " : "",
		 val(e, v, "owner") ? val(e, v, "owner") : "", due ? ", due " : "", due ? due : "",
		 val(e, v, "risk") ? val(e, v, "risk") : "no risk",
		 val(e, v, "control") ? val(e, v, "control") : "no control");
	o = item(p, "measure", id, val(e, v, "title"), desc);
	if (!o)
		return -ENOMEM;
	add_props(o, (const char *const[]){"measure", id, "status", status, "owner",
					   val(e, v, "owner"), "due", due, "controls",
					   val(e, v, "control"), NULL, NULL});
	r = add_item(p, o, val(e, v, "risk"));
	if (r < 0)
		return r;
	/* the measure is a remediation of each of its risks, its due date the milestone */
	for (const char *q = val(e, v, "risk"); q && *q;) {
		size_t l = strcspn(q, ",");
		char key[128], uuid[ISMS_UUID_STR], tuuid[ISMS_UUID_STR], date[40], rk[300];
		struct json_object *arr, *resp;

		snprintf(key, sizeof(key), "%.*s", (int)(l < sizeof(key) ? l : sizeof(key) - 1), q);
		q += l + (q[l] == ',');
		if (!json_object_object_get_ex(p->remediations, key, &arr))
			continue;
		/* one response per (risk, measure): a UUID names one thing in a document */
		snprintf(rk, sizeof(rk), "%s/%s", key, id);
		resp = json_object_new_object();
		if (!resp || oscal_uuid(p->x, "response", rk, uuid) < 0 ||
		    oscal_uuid(p->x, "milestone", rk, tuuid) < 0) {
			json_object_put(resp);
			return -ENOMEM;
		}
		json_object_object_add(resp, "uuid", json_object_new_string(uuid));
		json_object_object_add(resp, "lifecycle", json_object_new_string("planned"));
		json_object_object_add(resp, "title", json_object_new_string(val(e, v, "title")));
		json_object_object_add(resp, "description", json_object_new_string(desc));
		if (due) {
			struct json_object *tasks = json_object_new_array(), *t = json_object_new_object();
			struct json_object *timing = json_object_new_object(), *on = json_object_new_object();

			snprintf(date, sizeof(date), "%sT00:00:00Z", due);
			json_object_object_add(on, "date", json_object_new_string(date));
			json_object_object_add(timing, "on-date", on);
			json_object_object_add(t, "uuid", json_object_new_string(tuuid));
			json_object_object_add(t, "type", json_object_new_string("milestone"));
			json_object_object_add(t, "title", json_object_new_string("due"));
			json_object_object_add(t, "timing", timing);
			json_object_array_add(tasks, t);
			json_object_object_add(resp, "tasks", tasks);
		}
		json_object_array_add(arr, resp);
	}
	return 0;
}

static int nc_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct poam *p = userdata;
	const char *id = val(e, v, "id"), *status = val(e, v, "status"), *due = val(e, v, "due");
	struct json_object *o;
	char desc[1024];

	if (!status || strcmp(status, "closed") == 0)
		return 0;
	snprintf(desc, sizeof(desc), "Nonconformity %s (ISO/IEC 27001:2022 10.2), %s, %s, opened %s%s%s.",
		 id, val(e, v, "severity"), status, val(e, v, "opened"), due ? ", due " : "",
		 due ? due : "");
	o = item(p, "nonconformity", id, val(e, v, "title"), desc);
	if (!o)
		return -ENOMEM;
	add_props(o, (const char *const[]){"nonconformity", id, "severity", val(e, v, "severity"),
					   "status", status, "responsible",
					   val(e, v, "responsible"), "due", due, "controls",
					   val(e, v, "controls"), NULL, NULL});
	return add_item(p, o, val(e, v, "risks"));
}

struct risk_out {
	struct poam *p;
	struct json_object *risk;
};

static int risk_cb(const struct isms_entity *e, const char *const *v, void *userdata)
{
	struct risk_out *ro = userdata;
	const char *id = val(e, v, "id");
	struct json_object *o = json_object_new_object(), *rem = NULL;
	char uuid[ISMS_UUID_STR], stmt[1024];

	if (!o || oscal_uuid(ro->p->x, "risk", id, uuid) < 0) {
		json_object_put(o);
		return -ENOMEM;
	}
	snprintf(stmt, sizeof(stmt),
		 "Likelihood %s, impact %s: level %s; with the measures implemented now: %s;"
		 " acceptable now: %s; treatment: %s.",
		 val(e, v, "likelihood"), val(e, v, "impact"), val(e, v, "level"),
		 val(e, v, "current_level") ? val(e, v, "current_level") : "not assessed",
		 val(e, v, "acceptable") ? val(e, v, "acceptable") : "no",
		 val(e, v, "treatment") ? val(e, v, "treatment") : "none");
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "title", json_object_new_string(val(e, v, "title")));
	{
		const char *vuln = val(e, v, "vulnerability");

		json_object_object_add(o, "description",
				       json_object_new_string(vuln && vuln[0] ? vuln :
									  val(e, v, "title")));
	}
	json_object_object_add(o, "statement", json_object_new_string(stmt));
	json_object_object_get_ex(ro->p->remediations, id, &rem);
	json_object_object_add(o, "status",
			       json_object_new_string(rem && json_object_array_length(rem) ?
							      "remediating" :
							      "open"));
	add_props(o, (const char *const[]){"risk", id, "owner", val(e, v, "owner"), "assets",
					   val(e, v, "asset"), NULL, NULL});
	if (rem && json_object_array_length(rem))
		json_object_object_add(o, "remediations", json_object_get(rem));
	ro->risk = o;
	return 0;
}

int isms_oscal_poam(struct isms_store *s, int64_t now, char **ret)
{
	struct oscal_ctx x;
	struct poam p = {.x = &x};
	const struct isms_entity *em = store_entity(s, "measure"), *enc = store_entity(s, "nonconformity");
	const struct isms_entity *er = store_entity(s, "risk");
	struct json_object *doc = NULL, *meta = NULL, *risks = NULL;
	char uuid[ISMS_UUID_STR];
	int r;

	*ret = NULL;
	if (!em || !enc || !er)
		return -EINVAL;
	r = oscal_ctx_init(s, &x);
	if (r < 0)
		return r;
	p.items = json_object_new_array();
	p.remediations = json_object_new_object();
	doc = json_object_new_object();
	risks = json_object_new_array();
	if (!p.items || !p.remediations || !doc || !risks) {
		r = -ENOMEM;
		goto out;
	}
	r = isms_store_snapshot(s);
	if (r == -EINVAL)
		r = 0;
	if (r >= 0)
		r = isms_record_list(s, enc, NULL, 0, nc_cb, &p);
	if (r >= 0)
		r = isms_record_list(s, em, NULL, 0, measure_cb, &p);
	if (r >= 0) {
		json_object_object_foreach(p.remediations, key, v)
		{
			struct risk_out ro = {.p = &p};

			(void)v;
			r = isms_record_get(s, er, key, risk_cb, &ro);
			if (r == -ENOENT)
				r = 0; /* a nonconformity's free-text list may name none */
			if (r < 0)
				break;
			if (ro.risk)
				json_object_array_add(risks, ro.risk);
		}
	}
	if (r >= 0 && json_object_array_length(p.items) == 0)
		r = store_seterr(s, -ENODATA,
				 "nothing is open (no measure to implement, no nonconformity to"
				 " close): an OSCAL plan of action has at least one item");
	if (r >= 0)
		r = oscal_uuid(&x, "plan-of-action-and-milestones", "register", uuid);
	if (r >= 0)
		r = oscal_metadata(&x, "Plan of action and milestones", "register", now, &meta);
	if (r < 0)
		goto out;
	json_object_object_add(doc, "uuid", json_object_new_string(uuid));
	json_object_object_add(doc, "metadata", meta);
	if (json_object_array_length(risks))
		json_object_object_add(doc, "risks", json_object_get(risks));
	json_object_object_add(doc, "poam-items", json_object_get(p.items));
	r = oscal_finish("plan-of-action-and-milestones", doc, ret);
	doc = NULL;
out:
	json_object_put(doc);
	json_object_put(risks);
	json_object_put(p.items);
	json_object_put(p.remediations);
	return r;
}
