/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The board report's evidence figures: coverage per host, collector health, logins denied and break-glass. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/date.h"
#include "isms/evidence_query.h"
#include "isms/fleet.h"
#include "isms/ingest.h"
#include "isms/report.h"
#include "report_internal.h"

#define LIST_MAX 50 /* break-glass uses listed */

/* The host of a row: its node, else its asset (collector rows name no node). */
#define HOST_SQL "coalesce(node, asset)"

static struct json_object *host_find(struct json_object *hosts, const char *name)
{
	size_t n = json_object_array_length(hosts);

	for (size_t k = 0; k < n; k++) {
		struct json_object *h = json_object_array_get_idx(hosts, k), *v;

		if (json_object_object_get_ex(h, "host", &v) &&
		    strcmp(json_object_get_string(v), name) == 0)
			return h;
	}
	return NULL;
}

static void add_to(struct json_object *h, const char *name, int64_t v)
{
	struct json_object *x;

	if (json_object_object_get_ex(h, name, &x))
		json_object_set_int64(x, json_object_get_int64(x) + v);
}

/* The heartbeat counters summed per host; "losses" is the sum of the last three. */
static const char *const counters[] = {"received", "stored", "lost", "lost_rows", "kernel_lost"};
#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))

/* A host's entry with no rows and no heartbeats yet. */
static struct json_object *host_new(struct json_object *name)
{
	struct json_object *h = json_object_new_object();

	json_object_object_add(h, "host", name);
	json_object_object_add(h, "rows", json_object_new_int64(0));
	json_object_object_add(h, "first", NULL);
	json_object_object_add(h, "last", NULL);
	json_object_object_add(h, "heartbeats", json_object_new_int64(0));
	json_object_object_add(h, "degraded", json_object_new_int64(0));
	json_object_object_add(h, "last_heartbeat", NULL);
	for (size_t k = 0; k < NCOUNTERS; k++)
		json_object_object_add(h, counters[k], json_object_new_int64(0));
	json_object_object_add(h, "losses", json_object_new_int64(0));
	json_object_object_add(h, "longest_gap_s", NULL);
	json_object_object_add(h, "silent_s", NULL);
	return h;
}

struct alive_ctx {
	struct json_object *hosts;
};

/* Seconds of the time member @key of @h, or -1. */
static int64_t secs_of(struct json_object *h, const char *key)
{
	struct json_object *v;
	int64_t t;

	if (!json_object_object_get_ex(h, key, &v) || !json_object_is_type(v, json_type_string) ||
	    isms_date_parse(json_object_get_string(v), &t, NULL) < 0)
		return -1;
	return t;
}

static const char *field(const struct isms_entity *e, const char *const *v, const char *name)
{
	int i = isms_entity_field_index(e, name);

	return i < 0 ? NULL : v[i];
}

/* Each collector.alive row: its host's heartbeats, those degraded, and what it says was lost. */
static int alive_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct alive_ctx *x = ud;
	const char *host = field(e, v, "node");
	const char *ts = field(e, v, "ts"), *outcome = field(e, v, "outcome");
	const char *det = field(e, v, "details");
	struct json_object *d = det ? json_tokener_parse(det) : NULL, *h, *iv;
	char name[128];
	const char *src = field(e, v, "source");

	/* a heartbeat that cannot be believed, or of a node not registered, is no collector's */
	if (src && (strcmp(src, ISMS_FLEET_SOURCE_QUARANTINE) == 0 ||
		    strcmp(src, ISMS_FLEET_SOURCE_APART) == 0)) {
		json_object_put(d);
		return 0;
	}
	if (!host)
		host = field(e, v, "asset");
	/* neither: the host in the collector's instance name ("host:pid:start") */
	if (!host && d && json_object_object_get_ex(d, "instance", &iv)) {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(json_object_get_string(iv), ":"),
			 json_object_get_string(iv));
		host = name;
	}
	if (!host)
		host = "(unnamed)";
	h = host_find(x->hosts, host);
	if (!h) {
		h = host_new(json_object_new_string(host));
		json_object_array_add(x->hosts, h);
	}
	add_to(h, "heartbeats", 1);
	if (outcome && strcmp(outcome, "alive") != 0)
		add_to(h, "degraded", 1);
	if (ts) {
		int64_t prev = secs_of(h, "last_heartbeat"), t;
		struct json_object *g;

		/* a collector's rows come in the order it wrote them */
		if (prev >= 0 && isms_date_parse(ts, &t, NULL) == 0 && t >= prev &&
		    (!json_object_object_get_ex(h, "longest_gap_s", &g) || !g ||
		     json_object_get_int64(g) < t - prev))
			json_object_object_add(h, "longest_gap_s", json_object_new_int64(t - prev));
		json_object_object_add(h, "last_heartbeat", json_object_new_string(ts));
	}
	for (size_t k = 0; d && k < NCOUNTERS; k++) {
		struct json_object *c;

		if (json_object_object_get_ex(d, counters[k], &c) &&
		    json_object_is_type(c, json_type_int)) {
			add_to(h, counters[k], json_object_get_int64(c));
			if (k >= 2)
				add_to(h, "losses", json_object_get_int64(c));
		}
	}
	json_object_put(d);
	return 0;
}

int report_hosts(struct isms_store *s, const struct report_bounds *b, struct json_object *fig)
{
	static const char sql[] =
		"SELECT " HOST_SQL ", count(*), min(ts), max(ts) FROM evidence"
		" WHERE ts >= ?1 AND ts < ?2 AND " HOST_SQL " IS NOT NULL"
		" GROUP BY 1 ORDER BY 1";
	const struct isms_kv f = {"kind", "collector.alive"};
	const struct isms_evidence_query q = {.since = b->ev_since, .until = b->ev_until,
					      .filter = &f, .nfilter = 1};
	struct alive_ctx x = {0};
	int64_t end = b->p->end < b->now ? b->p->end : b->now;
	struct json_object *hosts = json_object_new_array();
	sqlite3_stmt *st = NULL;
	int64_t n;
	int r;

	json_object_object_add(fig, "hosts", hosts);
	x.hosts = hosts;
	r = report_prepare(s, sql, b->ev_since, b->ev_until, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *h = host_new(report_jcol(st, 0));

		add_to(h, "rows", sqlite3_column_int64(st, 1));
		json_object_object_add(h, "first", report_jcol(st, 2));
		json_object_object_add(h, "last", report_jcol(st, 3));
		json_object_array_add(hosts, h);
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	/* through the kind's tags and the time index: heartbeats only, never the whole chain */
	n = isms_evidence_list(s, &q, alive_cb, &x);
	if (n < 0)
		return (int)n;
	/* silent since the last heartbeat, to the period's end or now if sooner: a dead collector */
	for (size_t k = 0; k < json_object_array_length(hosts); k++) {
		struct json_object *h = json_object_array_get_idx(hosts, k);
		int64_t last = secs_of(h, "last_heartbeat");

		if (last >= 0)
			json_object_object_add(h, "silent_s",
					       json_object_new_int64(end > last ? end - last : 0));
	}
	return 0;
}

int report_collectors(struct isms_store *s, struct json_object *fig)
{
	struct json_object *a = json_object_new_array(), *cur = NULL;
	sqlite3_stmt *st = NULL;
	char last[128] = "";
	int r;

	json_object_object_add(fig, "collectors", a);
	/* the counters since the store began, as the collectors keep them with their rows */
	r = store_prepare(s, "SELECT source, name, value FROM ingest_counter ORDER BY source, name",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *src = (const char *)sqlite3_column_text(st, 0);

		if (!cur || strcmp(src, last) != 0) {
			cur = json_object_new_object();
			json_object_object_add(cur, "source", json_object_new_string(src));
			/* every counter, 0 until the collector counted one */
			for (int k = 0; k < ISMS_CTR_MAX; k++)
				json_object_object_add(cur, isms_counter_name((enum isms_counter)k),
						       json_object_new_int64(0));
			json_object_array_add(a, cur);
			snprintf(last, sizeof(last), "%s", src);
		}
		json_object_object_add(cur, (const char *)sqlite3_column_text(st, 1),
				       json_object_new_int64(sqlite3_column_int64(st, 2)));
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

struct bg_ctx {
	struct json_object *list;
};

static int bg_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct bg_ctx *x = ud;
	struct json_object *o;

	if (json_object_array_length(x->list) >= LIST_MAX)
		return 0;
	o = json_object_new_object();
	json_object_object_add(o, "ts", report_jstr(field(e, v, "ts")));
	json_object_object_add(o, "host", report_jstr(field(e, v, "node") ? field(e, v, "node") :
							       field(e, v, "asset")));
	json_object_object_add(o, "subject", report_jstr(field(e, v, "subject")));
	json_object_object_add(o, "evidence", report_jstr(field(e, v, "id")));
	json_object_array_add(x->list, o);
	return 0;
}

int report_access(struct isms_store *s, const struct report_bounds *b, struct json_object *fig)
{
	static const char sql[] =
		"SELECT kind, " HOST_SQL ", count(*) FROM evidence"
		" WHERE ts >= ?1 AND ts < ?2 AND kind IN ('access.allow', 'access.deny',"
		" 'access.break-glass') GROUP BY 1, 2 ORDER BY 2, 1";
	const struct isms_kv f = {"kind", "access.break-glass"};
	const struct isms_evidence_query q = {.since = b->ev_since, .until = b->ev_until,
					      .filter = &f, .nfilter = 1};
	struct json_object *o = json_object_new_object(), *by = json_object_new_array();
	struct bg_ctx x = {.list = json_object_new_array()};
	int64_t allowed = 0, denied = 0, bg = 0, n;
	sqlite3_stmt *st = NULL;
	int r;

	json_object_object_add(fig, "access", o);
	json_object_object_add(o, "by_host", by);
	json_object_object_add(o, "break_glass_uses", x.list);
	r = report_prepare(s, sql, b->ev_since, b->ev_until, &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *host = (const char *)sqlite3_column_text(st, 1);
		int64_t c = sqlite3_column_int64(st, 2);
		const char *what = strcmp(kind, "access.allow") == 0 ? "allowed" :
				   strcmp(kind, "access.deny") == 0  ? "denied" : "break_glass";
		struct json_object *h = host_find(by, host ? host : "(unnamed)");

		if (!h) {
			h = json_object_new_object();
			json_object_object_add(h, "host",
					       json_object_new_string(host ? host : "(unnamed)"));
			json_object_object_add(h, "allowed", json_object_new_int64(0));
			json_object_object_add(h, "denied", json_object_new_int64(0));
			json_object_object_add(h, "break_glass", json_object_new_int64(0));
			json_object_array_add(by, h);
		}
		add_to(h, what, c);
		allowed += what[0] == 'a' ? c : 0;
		denied += what[0] == 'd' ? c : 0;
		bg += what[0] == 'b' ? c : 0;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	json_object_object_add(o, "allowed", json_object_new_int64(allowed));
	json_object_object_add(o, "denied", json_object_new_int64(denied));
	json_object_object_add(o, "break_glass", json_object_new_int64(bg));
	n = isms_evidence_list(s, &q, bg_cb, &x);
	return n < 0 ? (int)n : 0;
}
