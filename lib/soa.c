/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Versions of the SoA: proposed as a frozen snapshot, approved by management. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/role.h"
#include "isms/sha256.h"
#include "isms/soa.h"
#include "soa_internal.h"
#include "store_internal.h"

#define COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

static int append_evidence(struct isms_store *s, const char *at, const char *kind,
			   const char *id, const char *outcome, struct json_object *details)
{
	struct isms_evidence ev = {0};
	const char *text = json_object_to_json_string_ext(details, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!text)
		return -ENOMEM;
	ev.ts = at;
	ev.source = "ismsctl";
	ev.kind = kind;
	ev.subject = id;
	ev.outcome = outcome;
	ev.details = text;
	return isms_evidence_append(s, &ev, NULL);
}

/* @by in the register and active on @today, for @what ("soa propose"). */
static int person_check(struct isms_store *s, const char *what, const char *by, const char *today)
{
	char why[256];
	int r = isms_role_check(s, by, NULL, today, why, sizeof(why));

	if (r == -EPERM || r == -ENOENT)
		r = store_seterr(s, r, "%s: '%.64s': %s", what, by, why);
	return r;
}

/* {"controls": [...]} from the register, in catalogue order (malloc'd text). */
static int snapshot_build(struct isms_store *s, char **ret)
{
	struct json_object *doc = json_object_new_object(), *arr = json_object_new_array();
	sqlite3_stmt *st = NULL;
	int r = doc && arr ? 0 : -ENOMEM;

	if (r >= 0)
		r = store_prepare(s,
				  "SELECT c.id, c.applicable, c.justification, c.status,"
				  " (SELECT json_group_array(id) FROM (SELECT m.id FROM measure_control l"
				  "   JOIN measure m ON m.pk = l.measure WHERE l.control = c.pk"
				  "   ORDER BY m.pk))"
				  " FROM control c ORDER BY c.pk",
				  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct json_object *o = json_object_new_object();
		const char *just = COL(st, 2);
		struct json_object *m = json_tokener_parse(COL(st, 4));

		if (!o || !m || json_object_array_add(arr, o) != 0) {
			json_object_put(o);
			json_object_put(m);
			r = -ENOMEM;
			break;
		}
		json_object_object_add(o, "id",
				       json_object_new_string(COL(st, 0)));
		json_object_object_add(o, "applicable",
				       json_object_new_string(COL(st, 1)));
		json_object_object_add(o, "justification", just ? json_object_new_string(just) : NULL);
		json_object_object_add(o, "status",
				       json_object_new_string(COL(st, 3)));
		json_object_object_add(o, "measures", m);
	}
	sqlite3_finalize(st);
	if (r >= 0) {
		json_object_object_add(doc, "controls", arr);
		arr = NULL;
		*ret = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE));
		if (!*ret)
			r = -ENOMEM;
	}
	json_object_put(arr);
	json_object_put(doc);
	return r;
}

static int exec_text(struct isms_store *s, const char *sql, const char *const *v, int nv)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	for (int i = 0; r >= 0 && i < nv; i++)
		r = store_bind_text(s, st, i + 1, v[i]);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

static void day_of(int64_t now, char at[ISMS_DATE_MAX], char today[11])
{
	isms_date_format(now, at, ISMS_DATE_MAX);
	snprintf(today, 11, "%.10s", at);
}

int isms_soa_propose(struct isms_store *s, const char *title, const char *by, int64_t now,
		     char **ret_id)
{
	struct json_object *d = NULL;
	sqlite3_stmt *st = NULL;
	char at[ISMS_DATE_MAX], today[11], sha[65], id[32], *snap = NULL;
	int r;

	day_of(now, at, today);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = person_check(s, "soa propose", by, today);
	if (r >= 0)
		r = store_prepare(s,
				  "SELECT coalesce(max(CAST(substr(id, 5) AS INTEGER)), 0) + 1"
				  " FROM soa_version",
				  &st);
	if (r >= 0 && (r = store_step_row(s, st)) == 1) {
		snprintf(id, sizeof(id), "SOA-%lld", (long long)sqlite3_column_int64(st, 0));
		r = 0;
	} else if (r == 0) {
		r = -EIO;
	}
	sqlite3_finalize(st);
	if (r >= 0)
		r = snapshot_build(s, &snap);
	if (r >= 0)
		r = isms_sha256_hex(snap, strlen(snap), sha);
	if (r >= 0) {
		const char *v[] = {id, title, by, at, snap, sha};

		r = exec_text(s,
			      "INSERT INTO soa_version (id, title, status, proposed_by, proposed_at,"
			      " snapshot, sha256) VALUES (?1, ?2, 'draft',"
			      " (SELECT pk FROM person WHERE name = ?3), ?4, ?5, ?6)",
			      v, 6);
	}
	if (r >= 0) {
		d = json_object_new_object();
		if (!d)
			r = -ENOMEM;
	}
	if (r >= 0) {
		json_object_object_add(d, "id", json_object_new_string(id));
		json_object_object_add(d, "title", title ? json_object_new_string(title) : NULL);
		json_object_object_add(d, "proposed_by", json_object_new_string(by));
		json_object_object_add(d, "sha256", json_object_new_string(sha));
		r = append_evidence(s, at, "soa.proposed", id, "proposed", d);
	}
	json_object_put(d);
	free(snap);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	r = isms_store_commit(s);
	if (r >= 0 && ret_id && !(*ret_id = strdup(id)))
		r = -ENOMEM;
	return r;
}

/* The undecided controls of @snap: 0, or -EINVAL naming the first few. */
static int snapshot_decided(struct isms_store *s, const char *id, const char *snap)
{
	struct json_object *doc = json_tokener_parse(snap), *arr, *o, *v;
	char names[256] = "";
	size_t count = 0, n;
	int r = 0;

	if (!doc || !json_object_object_get_ex(doc, "controls", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(doc);
		return store_seterr(s, -EINVAL, "soa version '%.64s': snapshot is not readable", id);
	}
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		o = json_object_array_get_idx(arr, i);
		if (!json_object_object_get_ex(o, "applicable", &v) ||
		    strcmp(json_object_get_string(v), "undecided") != 0)
			continue;
		if (count < ISMS_SOA_NAMES_MAX && json_object_object_get_ex(o, "id", &v)) {
			size_t len = strlen(names);

			snprintf(names + len, sizeof(names) - len, "%s%.32s", count ? ", " : "",
				 json_object_get_string(v));
		}
		count++;
	}
	if (count)
		r = store_seterr(s, -EINVAL,
				 "soa version '%.64s' cannot be approved: %zu control%s undecided (%s%s);"
				 " decide with 'ismsctl control set ID --applicable yes|no' and propose"
				 " again",
				 id, count, count == 1 ? " is" : "s are", names,
				 count > ISMS_SOA_NAMES_MAX ? ", ..." : "");
	json_object_put(doc);
	return r;
}

/* The draft @id still says what the register says: 0, or -EINVAL naming the first change. */
static int snapshot_current(struct isms_store *s, const char *id, const char *snap,
			    const char *proposed_at)
{
	char *now = NULL, what[256];
	int r = snapshot_build(s, &now);

	if (r >= 0)
		r = soa_snapshot_diff(snap, now, what, sizeof(what));
	if (r == -EINVAL)
		r = store_seterr(s, r, "soa version '%.64s': snapshot is not readable", id);
	else if (r == 1)
		r = store_seterr(s, -EINVAL,
				 "soa draft '%.64s' was proposed on %.10s and the register changed"
				 " since (%s): propose again",
				 id, proposed_at, what);
	free(now);
	return r;
}

int isms_soa_approve(struct isms_store *s, const char *id, const char *by, int64_t now)
{
	struct json_object *d = NULL;
	sqlite3_stmt *st = NULL;
	char at[ISMS_DATE_MAX], today[11], sha[65], *status = NULL;
	char *proposer = NULL, *snap = NULL, *stored = NULL, *proposed_at = NULL;
	int r;

	day_of(now, at, today);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = store_prepare(s,
			  "SELECT v.status, p.name, v.snapshot, v.sha256, v.proposed_at"
			  " FROM soa_version v"
			  " LEFT JOIN person p ON p.pk = v.proposed_by WHERE v.id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, id);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "no soa version '%.64s' (see 'ismsctl soa versions')", id);
	if (r == 1) {
		const char *c[5];

		for (int i = 0; i < 5; i++)
			c[i] = COL(st, i);
		status = strdup(c[0]);
		proposer = c[1] ? strdup(c[1]) : NULL;
		snap = c[2] ? strdup(c[2]) : NULL;
		stored = c[3] ? strdup(c[3]) : NULL;
		proposed_at = strdup(c[4] ? c[4] : "?");
		r = status && snap && stored && proposed_at ? 0 : -ENOMEM;
	}
	sqlite3_finalize(st);
	if (r >= 0 && strcmp(status, "draft") != 0)
		r = store_seterr(s, -EPERM, "soa version '%.64s' is %s: only a draft can be approved",
				 id, status);
	if (r >= 0) {
		char what[96];

		snprintf(what, sizeof(what), "soa version '%.64s'", id);
		r = isms_role_approver_check(s, what, "approve", by, proposer, "management", today);
	}
	if (r >= 0)
		r = isms_sha256_hex(snap, strlen(snap), sha);
	if (r >= 0 && strcmp(sha, stored) != 0)
		r = store_seterr(s, -EINVAL,
				 "soa version '%.64s': snapshot does not match its SHA-256, refusing", id);
	if (r >= 0)
		r = snapshot_decided(s, id, snap);
	if (r >= 0)
		r = snapshot_current(s, id, snap, proposed_at);
	if (r >= 0) {
		const char *v[] = {id};

		r = exec_text(s,
			      "UPDATE soa_version SET status = 'superseded'"
			      " WHERE status = 'approved' AND id <> ?1",
			      v, 1);
	}
	if (r >= 0) {
		const char *v[] = {by, at, id};

		r = exec_text(s,
			      "UPDATE soa_version SET status = 'approved',"
			      " approved_by = (SELECT pk FROM person WHERE name = ?1), approved_at = ?2"
			      " WHERE id = ?3 AND status = 'draft'",
			      v, 3);
	}
	if (r >= 0) {
		d = json_object_new_object();
		if (!d)
			r = -ENOMEM;
	}
	if (r >= 0) {
		json_object_object_add(d, "id", json_object_new_string(id));
		json_object_object_add(d, "proposed_by",
				       proposer ? json_object_new_string(proposer) : NULL);
		json_object_object_add(d, "approved_by", json_object_new_string(by));
		json_object_object_add(d, "sha256", json_object_new_string(sha));
		r = append_evidence(s, at, "soa.approved", id, "approved", d);
	}
	json_object_put(d);
	free(status);
	free(proposer);
	free(snap);
	free(stored);
	free(proposed_at);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

int isms_soa_versions(struct isms_store *s,
		      int (*cb)(const struct isms_soa_version *v, void *userdata), void *userdata)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "SELECT v.id, v.title, v.status, p.name, v.proposed_at, a.name,"
			  " v.approved_at, v.sha256, v.snapshot FROM soa_version v"
			  " LEFT JOIN person p ON p.pk = v.proposed_by"
			  " LEFT JOIN person a ON a.pk = v.approved_by ORDER BY v.pk",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *c[9];

		for (int i = 0; i < 9; i++)
			c[i] = COL(st, i);
		{
			const struct isms_soa_version v = {c[0], c[1], c[2], c[3], c[4],
							   c[5], c[6], c[7], c[8]};

			r = cb(&v, userdata);
		}
		if (r != 0)
			break;
	}
	sqlite3_finalize(st);
	return r;
}
