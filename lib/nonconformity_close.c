/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Closing a nonconformity: only on an effectiveness check that passes (ISO 27001 10.2 d). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/nonconformity.h"
#include "crud_internal.h"
#include "nonconformity_internal.h"
#include "store_internal.h"

/* A later period: one that begins when the failing one ended, or after the opening. */
static int later_than(struct isms_store *s, const struct nc_row *n, char *buf, size_t len)
{
	size_t tl = strlen(n->effectiveness_test);
	sqlite3_stmt *st = NULL;
	int r = 0;

	snprintf(buf, len, "%sT00:00:00Z", n->opened);
	if (!n->origin || strncmp(n->origin, n->effectiveness_test, tl) != 0 ||
	    n->origin[tl] != '@')
		return 0;
	r = store_prepare(s,
			  "SELECT max(until) FROM assessment WHERE test = ?1 AND period = ?2", &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, n->effectiveness_test);
	if (r >= 0)
		r = store_bind_text(s, st, 2, n->origin + tl + 1);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL)
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

struct verdict {
	char result[32], period[64];
	int64_t evidence;
};

/*
 * The latest assessment of the test over a whole period (assessed once it
 * had ended) that began at @after or later; 0 with none.
 */
static int latest_result(struct isms_store *s, const char *test, const char *after,
			 struct verdict *v)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "SELECT result, period, evidence FROM assessment"
			  " WHERE test = ?1 AND since >= ?2 AND assessed_at >= until"
			  " ORDER BY pk DESC LIMIT 1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, test);
	if (r >= 0)
		r = store_bind_text(s, st, 2, after);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		snprintf(v->result, sizeof(v->result), "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(v->period, sizeof(v->period), "%s", (const char *)sqlite3_column_text(st, 1));
		v->evidence = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return r;
}

static int set_state(struct isms_store *s, const char *id, const char *status,
		     const char *effectiveness, const char *closed)
{
	sqlite3_stmt *st = NULL;
	char **before = NULL;
	int r;

	/* A decision on the record: in its history like any change. */
	r = history_load(s, &isms_entity_nc, id, &before);
	if (r >= 0)
		r = store_prepare(s,
			  "UPDATE nonconformity SET status = ?2, effectiveness = ?3, closed = ?4"
			  " WHERE id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, id);
	if (r >= 0)
		r = store_bind_text(s, st, 2, status);
	if (r >= 0)
		r = store_bind_text(s, st, 3, effectiveness);
	if (r >= 0)
		r = store_bind_text(s, st, 4, closed);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r >= 0)
		r = history_changed(s, &isms_entity_nc, id, before);
	history_values_free(&isms_entity_nc, before);
	return r;
}

static int record_closed(struct isms_store *s, const struct nc_row *n,
			 const struct isms_nc_check *c, const struct verdict *v, int64_t now)
{
	struct json_object *o = json_object_new_object();
	struct isms_evidence ev = {0};
	char at[ISMS_DATE_MAX], first[32] = "", *details;
	int r;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "id", json_object_new_string(n->id));
	if (v) {
		json_object_object_add(o, "test", json_object_new_string(n->effectiveness_test));
		json_object_object_add(o, "period", json_object_new_string(v->period));
		json_object_object_add(o, "result", json_object_new_string(v->result));
		json_object_object_add(o, "assessment_evidence", json_object_new_int64(v->evidence));
	} else {
		json_object_object_add(o, "verified_by", json_object_new_string(c->verified_by));
		json_object_object_add(o, "note", json_object_new_string(c->note));
	}
	details = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!details)
		return -ENOMEM;
	if (n->controls)
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(n->controls, ","), n->controls);
	isms_date_format(now, at, sizeof(at));
	ev.ts = at;
	ev.source = "ismsctl";
	ev.kind = "nonconformity.closed";
	ev.control = first[0] ? first : NULL;
	ev.subject = n->id;
	ev.outcome = "effective";
	ev.details = details;
	r = isms_evidence_append(s, &ev, NULL);
	free(details);
	return r;
}

static int manual_check(struct isms_store *s, const struct nc_row *n, const struct isms_nc_check *c)
{
	int r;

	if (!c->verified_by || !c->note || !c->note[0])
		return store_seterr(s, -EINVAL,
				    "nonconformity '%.64s' has no effectiveness test: say who checked"
				    " the corrective action (--verified-by) and what they checked (--note)",
				    n->id);
	r = isms_record_get(s, isms_entity_lookup("person"), c->verified_by, NULL, NULL);
	if (r == -ENOENT)
		return store_seterr(s, r, "no person '%.64s'", c->verified_by);
	if (r < 0)
		return r;
	if (n->responsible && strcmp(n->responsible, c->verified_by) == 0)
		return store_seterr(s, -EPERM,
				    "nonconformity '%.64s': '%.64s' is responsible for its corrective"
				    " action and cannot also verify it",
				    n->id, c->verified_by);
	return 0;
}

int isms_nc_close(struct isms_store *s, const char *id, const struct isms_nc_check *c,
		  char **ret_reason)
{
	struct nc_row n;
	struct verdict v;
	char after[ISMS_DATE_MAX + 16], today[11];
	time_t tt = (time_t)c->now;
	int r, closed = 0;

	*ret_reason = NULL;
	memset(&v, 0, sizeof(v));
	isms_date_day(tt, today);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = nc_row_load(s, id, &n);
	if (r < 0)
		goto fail;
	if (strcmp(n.status, "closed") == 0) {
		r = store_seterr(s, -EALREADY, "nonconformity '%.64s' is already closed", id);
		goto out;
	}
	if (!n.effectiveness_test) {
		r = manual_check(s, &n, c);
		if (r >= 0)
			r = set_state(s, id, "closed", "effective", today);
		if (r >= 0)
			r = record_closed(s, &n, c, NULL, c->now);
		closed = 1;
		goto out;
	}
	r = later_than(s, &n, after, sizeof(after));
	if (r >= 0)
		r = latest_result(s, n.effectiveness_test, after, &v);
	if (r < 0)
		goto out;
	if (r == 0) {
		r = asprintf(ret_reason,
			     "no assessment of test '%s' over a whole period beginning %s or later:"
			     " run 'ismsctl assess --test %s' once such a period has ended",
			     n.effectiveness_test, after, n.effectiveness_test) < 0 ? -ENOMEM : 0;
		goto out;
	}
	if (strcmp(v.result, "pass") == 0) {
		r = set_state(s, id, "closed", "effective", today);
		if (r >= 0)
			r = record_closed(s, &n, c, &v, c->now);
		closed = 1;
		goto out;
	}
	/* A corrective action that did not work is a fact worth keeping. */
	if (strcmp(v.result, "fail") == 0)
		r = set_state(s, id, n.status, "ineffective", NULL);
	if (r >= 0)
		r = asprintf(ret_reason, "test '%s' gave %s over %s: the corrective action is %s",
			     n.effectiveness_test, v.result, v.period,
			     strcmp(v.result, "fail") == 0 ? "not effective" : "not yet shown effective") < 0 ?
			    -ENOMEM : 0;
out:
	nc_row_release(&n);
	if (r < 0)
		goto fail;
	r = isms_store_commit(s);
	if (r < 0) {
		free(*ret_reason);
		*ret_reason = NULL;
		return r;
	}
	return closed;
fail:
	isms_store_rollback(s);
	free(*ret_reason);
	*ret_reason = NULL;
	return r;
}
