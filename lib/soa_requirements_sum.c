/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the Grundschutz++ requirements behind an Annex A control add up to
 * (isms/soa.h): the worst status of a requirement's checks, the counts
 * per control, the SoA's one-line summary and its JSON.  Pure.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/soa.h"

/* The worse, the higher; unknown text counts as not checked. */
static int rank(const char *status)
{
	static const char *const order[] = {"not_applicable", "yes", "partly", "no"};

	for (int i = 0; status && i < 4; i++)
		if (strcmp(status, order[i]) == 0)
			return i + 1;
	return 0;
}

const char *isms_soa_worst(const char *const *status, size_t n)
{
	const char *worst = NULL;

	for (size_t i = 0; i < n; i++)
		if (rank(status[i]) > rank(worst))
			worst = status[i];
	return worst;
}

void isms_soa_count(const struct isms_soa_requirements *r, const char *control,
		    struct isms_soa_counts *ret)
{
	struct isms_soa_counts c = {0};

	for (size_t i = 0; i < r->n; i++) {
		const char *st = r->v[i].status;

		if (strcmp(r->v[i].control, control) != 0)
			continue;
		c.requirements++;
		switch (rank(st)) {
		case 0:
			c.open++;
			continue;
		case 1:
			c.not_applicable++;
			break;
		case 2:
			c.yes++;
			break;
		case 3:
			c.partly++;
			break;
		default:
			c.no++;
			break;
		}
		if (rank(st) > rank(c.worst))
			c.worst = st;
	}
	*ret = c;
}

void isms_soa_summary(const struct isms_soa_counts *c, char *buf, size_t len)
{
	int l;

	if (!len)
		return;
	buf[0] = '\0';
	if (!c->requirements)
		return;
	l = snprintf(buf, len, "%zu requirement%s: %zu yes, %zu partly, %zu no, %zu open",
		     c->requirements, c->requirements == 1 ? "" : "s", c->yes, c->partly, c->no,
		     c->open);
	if (c->not_applicable && l >= 0 && (size_t)l < len)
		snprintf(buf + l, len - (size_t)l, ", %zu not applicable", c->not_applicable);
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* json-c's adders take a NULL value as null: only a failed allocation of a string is lost. */
static void add(struct json_object *o, const char *key, const char *v, bool *oom)
{
	struct json_object *j = str_or_null(v);

	if ((v && !j) || json_object_object_add(o, key, j) < 0)
		*oom = true;
}

static struct json_object *check_json(const struct isms_soa_check *k, bool *oom)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		*oom = true;
		return NULL;
	}
	add(o, "id", k->id, oom);
	add(o, "asset", k->asset, oom);
	add(o, "status", k->status, oom);
	add(o, "owner", k->owner, oom);
	add(o, "measure", k->measure, oom);
	add(o, "checked_at", k->checked_at, oom);
	return o;
}

static struct json_object *req_json(const struct isms_soa_requirement *q, bool *oom)
{
	struct json_object *o = json_object_new_object(), *checks = json_object_new_array();

	if (!o || !checks) {
		json_object_put(o);
		json_object_put(checks);
		*oom = true;
		return NULL;
	}
	add(o, "id", q->id, oom);
	add(o, "title", q->title, oom);
	add(o, "catalogue", q->catalogue, oom);
	add(o, "mapping", q->mapping, oom);
	add(o, "relationship", q->relationship, oom);
	add(o, "status", q->status, oom);
	for (size_t k = 0; k < q->nchecks; k++) {
		struct json_object *c = check_json(&q->checks[k], oom);

		if (c && json_object_array_add(checks, c) < 0) {
			json_object_put(c);
			*oom = true;
		}
	}
	json_object_object_add(o, "checks", checks);
	return o;
}

static void add_count(struct json_object *o, const char *key, size_t n, bool *oom)
{
	struct json_object *j = json_object_new_int64((int64_t)n);

	if (!j || json_object_object_add(o, key, j) < 0)
		*oom = true;
}

struct json_object *isms_soa_requirements_json(const struct isms_soa_requirements *r,
					       const char *control, bool *ret_oom)
{
	struct isms_soa_counts c;
	struct json_object *o, *counts, *reqs;
	char sum[160];
	bool oom = false;

	*ret_oom = false;
	isms_soa_count(r, control, &c);
	if (!c.requirements)
		return NULL;
	o = json_object_new_object();
	counts = json_object_new_object();
	reqs = json_object_new_array();
	if (!o || !counts || !reqs) {
		oom = true;
		goto fail;
	}
	isms_soa_summary(&c, sum, sizeof(sum));
	add(o, "summary", sum, &oom);
	add_count(counts, "requirements", c.requirements, &oom);
	add_count(counts, "yes", c.yes, &oom);
	add_count(counts, "partly", c.partly, &oom);
	add_count(counts, "no", c.no, &oom);
	add_count(counts, "not_applicable", c.not_applicable, &oom);
	add_count(counts, "open", c.open, &oom);
	json_object_object_add(o, "counts", counts);
	counts = NULL;
	add(o, "worst", c.worst, &oom);
	for (size_t i = 0; i < r->n; i++) {
		struct json_object *q;

		if (strcmp(r->v[i].control, control) != 0)
			continue;
		q = req_json(&r->v[i], &oom);
		if (q && json_object_array_add(reqs, q) < 0) {
			json_object_put(q);
			oom = true;
		}
	}
	json_object_object_add(o, "requirements", reqs);
	reqs = NULL;
	if (!oom)
		return o;
fail:
	json_object_put(o);
	json_object_put(counts);
	json_object_put(reqs);
	*ret_oom = true;
	return NULL;
}
