/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The board report's fleet: with nodes registered, how many reported in the
 * period, which were silent beyond their heartbeat and whose clock was off
 * beyond the skew test's bound (the tests' own per-node verdicts, not a
 * second reading of the rules), the rows quarantined and the impersonation
 * attempts of the period (the collector's own fleet.impersonation rows, not
 * one added by hand), and the names seen that nobody registered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/assess.h"
#include "isms/fleet.h"
#include "isms/tz.h"
#include "report_internal.h"

#define NODE_ROWS                                                                              \
	" FROM evidence_tag g CROSS JOIN evidence e WHERE g.field = 4 AND g.value = ?1"        \
	" AND e.pk >= (g.block << 6) AND e.pk < ((g.block + 1) << 6) AND e.node = ?1"

/* a node's attributed rows of the period, from the period's first row on */
static const char sql_rows[] = "SELECT count(*), max(e.recorded)" NODE_ROWS
			       " AND e.source = 'audisp-isms' AND g.block >= (?4 >> 6)"
			       " AND e.pk >= ?4 AND e.ts >= ?2 AND e.ts < ?3";
static const char sql_nodes[] =
	"SELECT n.name, a.name FROM node n LEFT JOIN asset a ON a.pk = n.asset"
	" WHERE n.local = 0 ORDER BY n.name";
static const char sql_first[] =
	"SELECT min(pk) FROM evidence INDEXED BY evidence_by_ts WHERE ts >= ?1 AND ts < ?2";
static const char sql_quarantined[] =
	"SELECT count(*) FROM evidence INDEXED BY evidence_by_ts WHERE ts >= ?1 AND ts < ?2"
	" AND source = 'audisp-isms-quarantine'";
static const char sql_impersonations[] =
	"SELECT count(*) FROM evidence_tag g CROSS JOIN evidence e WHERE g.field = 1"
	" AND g.value = 'fleet.impersonation' AND e.pk >= (g.block << 6)"
	" AND e.pk < ((g.block + 1) << 6) AND e.kind = 'fleet.impersonation'"
	" AND e.source = 'audisp-isms' AND e.ts >= ?1 AND e.ts < ?2";
static const char sql_unregistered[] =
	"SELECT DISTINCT node FROM evidence INDEXED BY evidence_by_ts WHERE ts >= ?1 AND ts < ?2"
	" AND source = 'audisp-isms-unregistered' AND node IS NOT NULL ORDER BY node";

struct verdicts {
	struct json_object *nodes; /* array of node objects, by name */
	const char *member;        /* "heartbeat" or "skew" */
};

static struct json_object *node_of(struct json_object *nodes, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		struct json_object *n = json_object_array_get_idx(nodes, i), *v;

		if (json_object_object_get_ex(n, "node", &v) &&
		    strcmp(json_object_get_string(v), name) == 0)
			return n;
	}
	return NULL;
}

static int verdict_cb(const struct isms_assess_host *h, void *ud)
{
	struct verdicts *vd = ud;
	struct json_object *n = node_of(vd->nodes, h->host);

	if (!n)
		return 0; /* a node seen in the rows but not registered: the list of those says it */
	json_object_object_add(n, vd->member,
			       json_object_new_string(isms_ctest_outcome_name(h->res->outcome)));
	if (strcmp(vd->member, "skew") == 0 && h->res->seen)
		json_object_object_add(n, "skew_s", json_object_new_int64(h->res->value));
	return 0;
}

/* The verdicts of test @test per node over the period; a removed test gives none. */
static int verdicts(struct isms_store *s, const struct report_bounds *b, const char *test,
		    const char *member, struct json_object *nodes)
{
	struct verdicts vd = {nodes, member};
	struct isms_tz *utc = NULL;
	char period[80];
	int r;

	if (b->p->start >= b->now)
		return 0;
	snprintf(period, sizeof(period), "%s..%s", b->since, b->until);
	r = isms_tz_from_posix("UTC0", &utc);
	if (r < 0)
		return r;
	{
		const struct isms_assess_opts o = {.period = period, .test = test, .again = true,
						   .dry_run = true, .now = b->now, .tz = utc,
						   .host_cb = verdict_cb, .host_ud = &vd};

		r = isms_assess_run(s, &o, NULL, NULL);
	}
	isms_tz_free(utc);
	return r == -ENOENT ? 0 : r < 0 ? r : 0;
}

static int count2(struct isms_store *s, const char *sql, const struct report_bounds *b,
		  int64_t *ret)
{
	sqlite3_stmt *st = NULL;
	int r = report_prepare(s, sql, b->ev_since, b->ev_until, &st);

	if (r >= 0)
		r = store_step_row(s, st);
	*ret = r == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static int node_rows(struct isms_store *s, const struct report_bounds *b, int64_t first,
		     struct json_object *n, const char *name)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql_rows, &st);

	if (r >= 0)
		r = store_bind_text(s, st, 1, name);
	if (r >= 0)
		r = store_bind_text(s, st, 2, b->ev_since);
	if (r >= 0)
		r = store_bind_text(s, st, 3, b->ev_until);
	if (r >= 0 && (r = sqlite3_bind_int64(st, 4, first)) != SQLITE_OK)
		r = store_errno(r);
	if (r >= 0)
		r = store_step_row(s, st);
	json_object_object_add(n, "rows",
			       json_object_new_int64(r == 1 ? sqlite3_column_int64(st, 0) : 0));
	json_object_object_add(n, "last", r == 1 ? report_jcol(st, 1) : NULL);
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int report_fleet(struct isms_store *s, const struct report_bounds *b, struct json_object *fig)
{
	struct json_object *fl = NULL, *nodes = json_object_new_array(), *unreg = NULL;
	sqlite3_stmt *st = NULL;
	int64_t first = 0, q = 0, imp = 0, reporting = 0, silent = 0, skewed = 0;
	int r;

	if (!nodes)
		return -ENOMEM;
	if (!store_entity(s, "node")) {
		r = 0;
		goto out;
	}
	r = report_prepare(s, sql_first, b->ev_since, b->ev_until, &st);
	if (r >= 0 && (r = store_step_row(s, st)) == 1) {
		first = sqlite3_column_int64(st, 0);
		r = 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r >= 0)
		r = store_prepare(s, sql_nodes, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *n = json_object_new_object();
		const char *name = (const char *)sqlite3_column_text(st, 0);

		json_object_object_add(n, "node", report_jcol(st, 0));
		json_object_object_add(n, "asset", report_jcol(st, 1));
		json_object_array_add(nodes, n);
		r = first ? node_rows(s, b, first, n, name) : 0;
		if (!first) {
			json_object_object_add(n, "rows", json_object_new_int64(0));
			json_object_object_add(n, "last", NULL);
		}
		json_object_object_add(n, "heartbeat", NULL);
		json_object_object_add(n, "skew", NULL);
		json_object_object_add(n, "skew_s", NULL);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* no fleet registered: no section */
	if (r < 0 || json_object_array_length(nodes) == 0)
		goto out;
	r = verdicts(s, b, ISMS_FLEET_HEARTBEAT_TEST, "heartbeat", nodes);
	if (r >= 0)
		r = verdicts(s, b, ISMS_FLEET_SKEW_TEST, "skew", nodes);
	if (r >= 0)
		r = count2(s, sql_quarantined, b, &q);
	if (r >= 0)
		r = count2(s, sql_impersonations, b, &imp);
	unreg = json_object_new_array();
	if (r >= 0)
		r = report_prepare(s, sql_unregistered, b->ev_since, b->ev_until, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		json_object_array_add(unreg, report_jcol(st, 0));
		r = 0;
	}
	sqlite3_finalize(st);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		struct json_object *n = json_object_array_get_idx(nodes, i), *v;

		if (json_object_object_get_ex(n, "rows", &v) && json_object_get_int64(v) > 0)
			reporting++;
		if (json_object_object_get_ex(n, "heartbeat", &v) && v &&
		    strcmp(json_object_get_string(v), "fail") == 0)
			silent++;
		if (json_object_object_get_ex(n, "skew", &v) && v &&
		    strcmp(json_object_get_string(v), "fail") == 0)
			skewed++;
	}
	fl = json_object_new_object();
	json_object_object_add(fl, "registered", json_object_new_int64((int64_t)json_object_array_length(nodes)));
	json_object_object_add(fl, "reporting", json_object_new_int64(reporting));
	json_object_object_add(fl, "silent", json_object_new_int64(silent));
	json_object_object_add(fl, "skewed", json_object_new_int64(skewed));
	json_object_object_add(fl, "quarantined_rows", json_object_new_int64(q));
	json_object_object_add(fl, "impersonation_attempts", json_object_new_int64(imp));
	json_object_object_add(fl, "unregistered", unreg);
	unreg = NULL;
	json_object_object_add(fl, "nodes", nodes);
	nodes = NULL;
	r = 0;
out:
	json_object_put(nodes);
	json_object_put(unreg);
	if (r >= 0)
		json_object_object_add(fig, "fleet", fl);
	else
		json_object_put(fl);
	return r < 0 ? r : 0;
}
