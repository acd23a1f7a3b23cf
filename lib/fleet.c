/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fleet's status from the evidence: per node one query per fact,
 * through the block tags of node and kind (evidence_tag, migration 8) and
 * the time index, so that a node's facts cost its own rows, not the fleet's;
 * the impersonations once for the whole call, through the kind's tag (the
 * claimed name is only in the rows' details, which SQL cannot read).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/assess.h"
#include "isms/date.h"
#include "isms/evidence_query.h"
#include "isms/evidence_schema.h"
#include "isms/fleet.h"
#include "isms/json.h"
#include "register_internal.h"
#include "store_internal.h"

/* The rows of node ?1 a block of its tag at a time, newest first when ordered so. */
#define NODE_ROWS                                                                              \
	" FROM evidence_tag g CROSS JOIN evidence e WHERE g.field = 4 AND g.value = ?1"        \
	" AND e.pk >= (g.block << 6) AND e.pk < ((g.block + 1) << 6) AND e.node = ?1"
#define NEWEST " ORDER BY g.block DESC, e.pk DESC"

static const char sql_latest[] = "SELECT e.recorded, e.ts" NODE_ROWS " AND e.source = ?2" NEWEST
				 " LIMIT 1";
static const char sql_count[] = "SELECT count(*)" NODE_ROWS " AND e.source = ?2";
static const char sql_recent[] = "SELECT count(*)" NODE_ROWS " AND e.source = ?2"
				 " AND g.block >= (?3 >> 6) AND e.pk >= ?3 AND e.ts >= ?4";
static const char sql_skew[] = "SELECT e.ts, e.recorded" NODE_ROWS " AND e.source = ?2" NEWEST
			       " LIMIT ?3";
/* fleet.connect rows are few: read through the kind's tag, newest first */
static const char sql_conn[] =
	"SELECT e.pk, e.recorded FROM evidence_tag g CROSS JOIN evidence e"
	" WHERE g.field = 1 AND g.value = ?2 AND e.pk >= (g.block << 6)"
	" AND e.pk < ((g.block + 1) << 6) AND e.kind = ?2 AND e.node = ?1" NEWEST " LIMIT 1";
static const char sql_window[] =
	"SELECT min(pk) FROM evidence INDEXED BY evidence_by_ts WHERE ts >= ?1";
static const char sql_nodes[] =
	"SELECT n.name, a.name, n.local FROM node n LEFT JOIN asset a ON a.pk = n.asset"
	" WHERE ?1 IS NULL OR n.name = ?1 ORDER BY n.name";
static const char sql_unregistered[] =
	"SELECT DISTINCT g.value FROM evidence_tag g WHERE g.field = 4 AND (?1 IS NULL OR"
	" g.value = ?1) AND NOT EXISTS (SELECT 1 FROM node n WHERE n.name = g.value)"
	" ORDER BY g.value";

/* The names fleet.impersonation rows claim, one per row, sorted once read. */
struct claims {
	char **v;
	size_t n, cap;
	const char *only; /* keep only this name; NULL: all */
};

struct status {
	struct isms_fleet_node n;
	struct claims claims;
	char *own[8]; /* what n's strings point to */
	size_t nown;
	int64_t lo;            /* the first row of the 24 h, 0: none */
	char since[32];        /* their ts bound */
	char hb[16], hb_reason[256];
};

static const char *keep(struct status *st, char *v)
{
	if (v && st->nown < sizeof(st->own) / sizeof(st->own[0]))
		st->own[st->nown++] = v;
	else if (v) {
		free(v);
		v = NULL;
	}
	return v;
}

static void status_release(struct status *st)
{
	for (size_t i = 0; i < st->nown; i++)
		free(st->own[i]);
	st->nown = 0;
	memset(&st->n, 0, sizeof(st->n));
}

static char *col_dup(sqlite3_stmt *q, int i, int *r)
{
	bool oom = false;
	char *d = register_col_dup(q, i, &oom);

	if (oom)
		*r = -ENOMEM;
	return d;
}

static int prep(struct isms_store *s, const char *sql, const char *name, const char *source,
		sqlite3_stmt **ret)
{
	int r = store_prepare(s, sql, ret);

	if (r >= 0)
		r = store_bind_text(s, *ret, 1, name);
	if (r >= 0 && source)
		r = store_bind_text(s, *ret, 2, source);
	return r;
}

static int latest(struct isms_store *s, struct status *st, const char *source)
{
	sqlite3_stmt *q = NULL;
	int r = prep(s, sql_latest, st->n.name, source, &q);

	if (r >= 0 && (r = store_step_row(s, q)) == 1) {
		r = 0;
		st->n.last_recorded = keep(st, col_dup(q, 0, &r));
		st->n.last_ts = keep(st, col_dup(q, 1, &r));
	}
	sqlite3_finalize(q);
	return r < 0 ? r : 0;
}

static int count(struct isms_store *s, const char *sql, const char *name, const char *source,
		 const struct status *st, int64_t *ret)
{
	sqlite3_stmt *q = NULL;
	int r = prep(s, sql, name, source, &q);

	if (r >= 0 && st && (r = sqlite3_bind_int64(q, 3, st->lo)) != SQLITE_OK)
		r = store_errno(r);
	if (r >= 0 && st)
		r = store_bind_text(s, q, 4, st->since);
	if (r >= 0)
		r = store_step_row(s, q);
	*ret = r == 1 ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return r < 0 ? r : 0;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void isms_fleet_skew(int64_t *v, size_t n, int64_t *ret_median, int64_t *ret_max)
{
	*ret_median = *ret_max = 0;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp64);
	*ret_median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*ret_max = v[n - 1];
}

static int skew(struct isms_store *s, struct status *st)
{
	int64_t *v = malloc(ISMS_FLEET_SKEW_ROWS * sizeof(*v));
	sqlite3_stmt *q = NULL;
	size_t n = 0;
	int r;

	if (!v)
		return -ENOMEM;
	r = prep(s, sql_skew, st->n.name, ISMS_FLEET_SOURCE, &q);
	if (r >= 0 && (r = sqlite3_bind_int64(q, 3, ISMS_FLEET_SKEW_ROWS)) != SQLITE_OK)
		r = store_errno(r);
	while (r >= 0 && n < ISMS_FLEET_SKEW_ROWS && (r = store_step_row(s, q)) == 1) {
		int64_t ts, rec;

		if (isms_date_parse((const char *)sqlite3_column_text(q, 0), &ts, NULL) < 0 ||
		    isms_date_parse((const char *)sqlite3_column_text(q, 1), &rec, NULL) < 0)
			continue;
		v[n++] = ts - rec;
	}
	sqlite3_finalize(q);
	st->n.skew_rows = (int64_t)n;
	isms_fleet_skew(v, n, &st->n.skew_median, &st->n.skew_max);
	free(v);
	return r < 0 ? r : 0;
}

static int conn(struct isms_store *s, struct status *st)
{
	static const char *const kinds[] = {"fleet.connect", "fleet.disconnect"};
	int64_t best = 0;
	int r = 0;

	for (size_t k = 0; r >= 0 && k < 2; k++) {
		sqlite3_stmt *q = NULL;

		r = prep(s, sql_conn, st->n.name, kinds[k], &q);
		if (r >= 0 && (r = store_step_row(s, q)) == 1) {
			r = 0;
			if (sqlite3_column_int64(q, 0) > best) {
				best = sqlite3_column_int64(q, 0);
				st->n.conn_kind = kinds[k];
				st->n.conn_at = keep(st, col_dup(q, 1, &r));
			}
		}
		sqlite3_finalize(q);
	}
	return r < 0 ? r : 0;
}

static int claim_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct claims *c = ud;
	int i = isms_entity_field_index(e, "details");
	const char *det = i >= 0 ? v[i] : NULL;
	struct json_object *d = NULL, *name;
	int r = 0;

	/* a row whose details are not the plugin's names nobody: skipped, not fatal */
	if (!det || isms_json_parse(det, strlen(det), NULL, &d, NULL) < 0 || !d)
		return 0;
	if (json_object_object_get_ex(d, "claimed", &name) &&
	    json_object_is_type(name, json_type_string) &&
	    (!c->only || strcmp(json_object_get_string(name), c->only) == 0)) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			char **nv = realloc(c->v, cap * sizeof(*nv));

			if (!nv)
				r = -ENOMEM;
			else {
				c->v = nv;
				c->cap = cap;
			}
		}
		if (r == 0 && !(c->v[c->n] = strdup(json_object_get_string(name))))
			r = -ENOMEM;
		if (r == 0)
			c->n++;
	}
	json_object_put(d);
	return r;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every fleet.impersonation row the collector wrote (source audisp-isms): its claimed name. */
static int claims_read(struct isms_store *s, struct claims *c)
{
	const struct isms_kv f[] = {{"kind", ISMS_FLEET_IMPERSONATION},
				    {"source", ISMS_FLEET_SOURCE}};
	const struct isms_evidence_query q = {.filter = f, .nfilter = 2};
	int64_t n = isms_evidence_list(s, &q, claim_cb, c);

	if (n < 0)
		return (int)n;
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), strp_cmp);
	return 0;
}

static int64_t claims_of(const struct claims *c, const char *name)
{
	size_t lo = 0, hi = c->n, first;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->v[mid], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < c->n && strcmp(c->v[lo], name) == 0)
		lo++;
	return (int64_t)(lo - first);
}

static void claims_release(struct claims *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int hb_cb(const struct isms_assess_host *h, void *ud)
{
	struct status *st = ud;

	if (strcmp(h->host, st->n.name) != 0)
		return 0;
	snprintf(st->hb, sizeof(st->hb), "%s", isms_ctest_outcome_name(h->res->outcome));
	snprintf(st->hb_reason, sizeof(st->hb_reason), "%s", h->res->reason);
	return 0;
}

static int heartbeat(struct isms_store *s, struct status *st, int64_t now,
		     const struct isms_tz *tz)
{
	const struct isms_assess_opts o = {.test = ISMS_FLEET_HEARTBEAT_TEST, .again = true,
					   .dry_run = true, .now = now, .tz = tz,
					   .target = st->n.name, .host_cb = hb_cb, .host_ud = st};
	int r;

	st->hb[0] = st->hb_reason[0] = '\0';
	r = isms_assess_run(s, &o, NULL, NULL);
	if (r == -ENOENT)
		return 0; /* the test was removed: no verdict */
	if (r < 0)
		return r;
	if (st->hb[0]) {
		st->n.heartbeat = st->hb;
		st->n.heartbeat_reason = st->hb_reason;
	}
	return 0;
}

static int one(struct isms_store *s, struct status *st, int64_t now, const struct isms_tz *tz)
{
	int r;

	if (st->n.registered) {
		r = latest(s, st, ISMS_FLEET_SOURCE);
		if (r >= 0 && st->lo)
			r = count(s, sql_recent, st->n.name, ISMS_FLEET_SOURCE, st, &st->n.rows_24h);
		if (r >= 0)
			r = skew(s, st);
		if (r >= 0)
			r = conn(s, st);
		if (r >= 0)
			r = heartbeat(s, st, now, tz);
	} else {
		r = latest(s, st, ISMS_FLEET_SOURCE_APART);
	}
	st->n.impersonations = claims_of(&st->claims, st->n.name);
	if (r >= 0)
		r = count(s, sql_count, st->n.name, ISMS_FLEET_SOURCE_APART, NULL, &st->n.apart);
	return r;
}

int isms_fleet_status(struct isms_store *s, const char *name, int64_t now,
		      const struct isms_tz *tz, isms_fleet_cb cb, void *userdata)
{
	struct status st = {0};
	sqlite3_stmt *q = NULL;
	char t[ISMS_DATE_MAX];
	int64_t found = 0;
	int r;

	if (!store_entity(s, "node"))
		return -EINVAL;
	isms_date_format(now - 86400, t, sizeof(t));
	if (isms_evidence_bound(t, st.since, sizeof(st.since)) < 0)
		return -EINVAL;
	r = store_prepare(s, sql_window, &q);
	if (r >= 0)
		r = store_bind_text(s, q, 1, st.since);
	if (r >= 0 && (r = store_step_row(s, q)) == 1) {
		st.lo = sqlite3_column_int64(q, 0);
		r = 0;
	}
	sqlite3_finalize(q);
	q = NULL;
	st.claims.only = name;
	if (r == 0)
		r = claims_read(s, &st.claims);
	/* the registered nodes, then the names seen only apart */
	for (int pass = 0; r == 0 && pass < 2; pass++) {
		r = store_prepare(s, pass ? sql_unregistered : sql_nodes, &q);
		if (r >= 0)
			r = store_bind_text(s, q, 1, name);
		while (r >= 0 && (r = store_step_row(s, q)) == 1) {
			r = 0;
			st.n.name = keep(&st, col_dup(q, 0, &r));
			if (!st.n.name)
				continue;
			st.n.registered = !pass;
			if (!pass) {
				st.n.asset = keep(&st, col_dup(q, 1, &r));
				st.n.local = sqlite3_column_int(q, 2) != 0;
			}
			if (r >= 0)
				r = one(s, &st, now, tz);
			/* a name in the tags whose rows are all attributed is not apart */
			if (r >= 0 && (st.n.registered || st.n.apart)) {
				found++;
				r = cb(&st.n, userdata);
			}
			status_release(&st);
			if (r != 0)
				break;
		}
		sqlite3_finalize(q);
		q = NULL;
	}
	status_release(&st);
	claims_release(&st.claims);
	if (r == 0 && name && !found)
		return store_seterr(s, -ENOENT, "node '%.64s' is not registered and was not seen"
						" (see 'ismsctl node list')", name);
	return r;
}
