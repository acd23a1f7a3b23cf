/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The timeline of a security incident: its events, and its own timestamps in order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/incident.h"
#include "register_internal.h"
#include "store_internal.h"

/* The longest description of an event: a line or a paragraph, not a report. */
#define WHAT_MAX 4096

static const struct isms_field at_field = {.name = "at", .type = ISMS_FT_DATETIME};

/* The pk of the one row of @sql (?1 = @key): 1, 0 when there is none, or -errno. */
static int pk_of(struct isms_store *s, const char *sql, const char *key, int64_t *ret)
{
	return store_query_int(s, sql, key, NULL, NULL, ret);
}

/* The pk of incident @key: 0, or -ENOENT with the store's message, or -errno. */
static int incident_pk(struct isms_store *s, const char *key, int64_t *ret)
{
	int r = pk_of(s, "SELECT pk FROM incident WHERE id = ?1", key, ret);

	if (r == 0)
		return store_seterr(s, -ENOENT,
				    "incident '%.64s' not found (see 'ismsctl incident list')", key);
	return r < 0 ? r : 0;
}

static char *details_json(const struct isms_incident_event_new *ev, const char *at)
{
	struct json_object *o = json_object_new_object();
	char *out = NULL;

	if (!o)
		return NULL;
	json_object_object_add(o, "incident", json_object_new_string(ev->incident));
	json_object_object_add(o, "at", json_object_new_string(at));
	json_object_object_add(o, "what", json_object_new_string(ev->what));
	if (ev->by)
		json_object_object_add(o, "by", json_object_new_string(ev->by));
	if (ev->evidence)
		json_object_object_add(o, "evidence", json_object_new_string(ev->evidence));
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static int record_event(struct isms_store *s, const struct isms_incident_event_new *ev,
			const char *at)
{
	struct isms_evidence row = {0};
	char *details = details_json(ev, at);
	int r;

	if (!details)
		return -ENOMEM;
	row.source = "ismsctl";
	row.kind = "incident.event";
	row.control = "5.26";
	row.subject = ev->incident;
	row.details = details;
	r = isms_evidence_append(s, &row, NULL);
	free(details);
	return r;
}

int incident_event_insert(struct isms_store *s, int64_t inc, const char *at, const char *what,
			  int64_t by, int64_t evidence, int64_t *ret_id)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "INSERT INTO incident_event (incident, at, what, \"by\", evidence)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)",
			  &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, inc);
	r = store_bind_text(s, st, 2, at);
	if (r >= 0)
		r = store_bind_text(s, st, 3, what);
	if (r >= 0 && by > 0)
		sqlite3_bind_int64(st, 4, by);
	if (r >= 0 && evidence > 0)
		sqlite3_bind_int64(st, 5, evidence);
	if (r >= 0)
		r = store_step_done(s, st);
	if (r >= 0 && ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return r;
}

/* What an event refers to exists: the incident, the person, the evidence row. */
static int resolve(struct isms_store *s, const struct isms_incident_event_new *ev, int64_t *inc,
		   int64_t *by, int64_t *evidence)
{
	char what[96], err[256];
	int r;

	r = incident_pk(s, ev->incident, inc);
	if (r >= 0 && ev->by) {
		r = pk_of(s, "SELECT pk FROM person WHERE name = ?1", ev->by, by);
		if (r == 0)
			return store_seterr(s, -ENOENT,
					    "incident '%.64s': no person '%.64s'"
					    " (see 'ismsctl person list')",
					    ev->incident, ev->by);
	}
	if (r >= 0 && ev->evidence) {
		snprintf(what, sizeof(what), "incident '%.64s'", ev->incident);
		if (register_check_rows(ev->evidence, err, sizeof(err)) < 0 ||
		    strchr(ev->evidence, ','))
			return store_seterr(s, -EINVAL,
					    "%s: evidence '%.32s' is not one evidence row number",
					    what, ev->evidence);
		r = register_rows_exist(s, what, ev->evidence);
		*evidence = strtoll(ev->evidence, NULL, 10);
	}
	return r < 0 ? r : 0;
}

int isms_incident_event_add(struct isms_store *s, const struct isms_incident_event_new *ev,
			    int64_t *ret_id)
{
	char *at = NULL, err[256], now[ISMS_DATE_MAX];
	int64_t inc = 0, by = 0, evidence = 0, id = 0;
	int r;

	if (!ev->incident || !ev->what || !ev->what[0])
		return store_seterr(s, -EINVAL,
				    "incident event: what happened is required (--what)");
	if (strlen(ev->what) > WHAT_MAX)
		return store_seterr(s, -EINVAL, "incident event: --what is longer than %d bytes",
				    WHAT_MAX);
	if (!ev->at) {
		isms_date_format(ev->now, now, sizeof(now));
		r = isms_field_parse(&at_field, now, &at, err, sizeof(err));
	} else {
		r = isms_field_parse(&at_field, ev->at, &at, err, sizeof(err));
	}
	if (r < 0)
		return store_seterr(s, -EINVAL, "incident event: %s", err);
	r = isms_store_begin(s);
	if (r < 0)
		goto out;
	r = resolve(s, ev, &inc, &by, &evidence);
	if (r >= 0)
		r = incident_event_insert(s, inc, at, ev->what, by, evidence, &id);
	if (r >= 0)
		r = record_event(s, ev, at);
	if (r >= 0)
		r = isms_store_commit(s);
	else
		isms_store_rollback(s);
	if (r >= 0 && ret_id)
		*ret_id = id;
out:
	free(at);
	return r < 0 ? r : 0;
}

/*
 * The incident's own moments and its events in one ordered list; 'o' puts
 * its own before events at the same second, and events in the order added.
 */
#define OWN(col, name, o)                                                                   \
	"SELECT " col ", '" name "', NULL, NULL, 1, " o " FROM incident WHERE pk = ?1"
static const char timeline_sql[] =
	"SELECT at, what, \"by\", evidence, own FROM ("
	"SELECT detected_at AS at, 'detected' AS what, NULL AS \"by\", NULL AS evidence,"
	" 1 AS own, 0 AS o FROM incident WHERE pk = ?1 UNION ALL "
	OWN("reported_at", "reported", "1") " UNION ALL "
	OWN("contained_at", "contained", "2") " UNION ALL "
	OWN("resolved_at", "resolved", "3") " UNION ALL "
	OWN("closed_at", "closed", "4") " UNION ALL "
	"SELECT e.at, e.what, (SELECT p.name FROM person p WHERE p.pk = e.\"by\"), e.evidence, 0,"
	" 5 + e.pk FROM incident_event e WHERE e.incident = ?1"
	") WHERE at IS NOT NULL ORDER BY at, o";

int isms_incident_timeline(struct isms_store *s, const char *key,
			   struct isms_incident_timeline *ret)
{
	sqlite3_stmt *st = NULL;
	int64_t inc = 0;
	int r;

	*ret = (struct isms_incident_timeline){0};
	r = incident_pk(s, key, &inc);
	if (r < 0)
		return r;
	r = store_prepare(s, timeline_sql, &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, inc);
	while ((r = store_step_row(s, st)) == 1) {
		struct isms_incident_entry *nv = realloc(ret->v, (ret->n + 1) * sizeof(*nv)), *it;
		bool oom = false;

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		ret->v = nv;
		it = &nv[ret->n++];
		*it = (struct isms_incident_entry){.evidence = sqlite3_column_int64(st, 3),
						   .own = sqlite3_column_int(st, 4) != 0};
		it->at = register_col_dup(st, 0, &oom);
		it->what = register_col_dup(st, 1, &oom);
		it->by = register_col_dup(st, 2, &oom);
		if (oom) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

void isms_incident_timeline_release(struct isms_incident_timeline *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].at);
		free(t->v[i].what);
		free(t->v[i].by);
	}
	free(t->v);
	*t = (struct isms_incident_timeline){0};
}
