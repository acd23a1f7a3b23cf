/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Incident timelines in the export and back: the events are register
 * content, not only chain rows, so a register moved to a new store keeps
 * them.  An import records no new chain rows (a register restored is not
 * something that happened), and cannot check the evidence rows cited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/entity.h"
#include "isms/incident.h"
#include "register_internal.h"
#include "store_internal.h"

static const struct isms_field at_field = {.name = "at", .type = ISMS_FT_DATETIME};

static const char export_sql[] =
	"SELECT i.id, e.at, e.what, (SELECT p.name FROM person p WHERE p.pk = e.\"by\"),"
	" e.evidence FROM incident_event e JOIN incident i ON i.pk = e.incident ORDER BY e.pk";

int isms_incident_events_export(struct isms_store *s, struct json_object **ret)
{
	static const char *const names[] = {"incident", "at", "what", "by", "evidence"};

	return register_rows_json(s, export_sql, names, 5, ret);
}

static int import_one(struct isms_store *s, struct json_object *o)
{
	static const char *const known[] = {"incident", "at", "what", "by", "evidence"};
	const char *inc = NULL, *at = NULL, *what = NULL, *by = NULL;
	struct json_object *ev = NULL;
	int64_t ipk = 0, bpk = 0;
	char *canon = NULL, err[256];
	int r;

	if (!json_object_is_type(o, json_type_object))
		return store_seterr(s, -EINVAL, "must be an object");
	json_object_object_foreach(o, name, val)
	{
		bool ok = false;

		(void)val;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok = ok || strcmp(name, known[i]) == 0;
		if (!ok)
			return store_seterr(s, -EINVAL, "unknown member '%.64s'", name);
	}
	r = register_member_text(s, o, "incident", &inc);
	if (r >= 0)
		r = register_member_text(s, o, "at", &at);
	if (r >= 0)
		r = register_member_text(s, o, "what", &what);
	if (r >= 0)
		r = register_member_text(s, o, "by", &by);
	if (r < 0)
		return r;
	if (!inc || !at || !what || !what[0])
		return store_seterr(s, -EINVAL, "an event needs 'incident', 'at' and 'what'");
	if (json_object_object_get_ex(o, "evidence", &ev) && !json_object_is_type(ev, json_type_null) &&
	    (!json_object_is_type(ev, json_type_int) || json_object_get_int64(ev) < 1))
		return store_seterr(s, -EINVAL, "'evidence' must be an evidence row number");
	if (isms_field_parse(&at_field, at, &canon, err, sizeof(err)) < 0)
		return store_seterr(s, -EINVAL, "%s", err);
	r = store_query_int(s, "SELECT pk FROM incident WHERE id = ?1", inc, NULL, NULL, &ipk);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "no incident '%.64s'", inc);
	if (r >= 0 && by) {
		r = store_query_int(s, "SELECT pk FROM person WHERE name = ?1", by, NULL, NULL, &bpk);
		if (r == 0)
			r = store_seterr(s, -ENOENT, "no person '%.64s'", by);
	}
	/* --update: the timeline of an export imported again is there already. */
	if (r >= 0 && s->import_update) {
		int64_t found = 0;

		r = store_query_int(s, "SELECT count(*) FROM incident_event WHERE incident ="
				       " (SELECT pk FROM incident WHERE id = ?1) AND at = ?2 AND what = ?3",
				    inc, canon, what, &found);
		if (r >= 0 && found > 0) {
			free(canon);
			return 0;
		}
	}
	if (r >= 0)
		r = incident_event_insert(s, ipk, canon, what, bpk,
					  ev && json_object_is_type(ev, json_type_int) ?
						  json_object_get_int64(ev) :
						  0,
					  NULL);
	free(canon);
	return r < 0 ? r : 0;
}

int register_import_events(struct isms_store *s, struct json_object *arr, char *where,
			   size_t wlen)
{
	int r = 0;

	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(where, wlen, "%s: ", ISMS_INCIDENT_EVENTS);
		return store_seterr(s, -EINVAL, "must be an array");
	}
	for (size_t j = 0; r >= 0 && j < json_object_array_length(arr); j++) {
		snprintf(where, wlen, "%s[%zu]: ", ISMS_INCIDENT_EVENTS, j);
		r = import_one(s, json_object_array_get_idx(arr, j));
	}
	return r;
}
