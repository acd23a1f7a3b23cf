/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SoA versions in the export and back.  An approved SoA is register content
 * an auditor asks for ("who approved it, when, and what did it say?"), so a
 * register moved to a new store keeps every version with its snapshot.  The
 * import rechecks each snapshot against its SHA-256 (a version edited in
 * the file is refused, not restored as approved) and records one
 * soa.imported row per version, so the new chain says where they came from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/history.h"
#include "isms/sha256.h"
#include "isms/soa.h"
#include "register_internal.h"
#include "store_internal.h"

static const char *const names[] = {"id",          "title",       "status",
				    "proposed_by", "proposed_at", "approved_by",
				    "approved_at", "sha256",      "notes",
				    "snapshot"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

static const char export_sql[] =
	"SELECT v.id, v.title, v.status, (SELECT p.name FROM person p WHERE p.pk = v.proposed_by),"
	" v.proposed_at, (SELECT p.name FROM person p WHERE p.pk = v.approved_by), v.approved_at,"
	" v.sha256, v.notes, v.snapshot FROM soa_version v ORDER BY v.pk";

int isms_soa_versions_export(struct isms_store *s, struct json_object **ret)
{
	return register_rows_json(s, export_sql, names, N_NAMES, ret);
}

static int person_pk(struct isms_store *s, const char *name, int64_t *pk)
{
	int r;

	*pk = 0;
	if (!name)
		return 0;
	r = store_query_int(s, "SELECT pk FROM person WHERE name = ?1", name, NULL, NULL, pk);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "no person '%.64s'", name);
	return r < 0 ? r : 0;
}

static int datetime_canon(struct isms_store *s, const char *name, const char *v, char **ret)
{
	static const struct isms_field f = {.name = "at", .type = ISMS_FT_DATETIME};
	char err[256];

	*ret = NULL;
	if (!v)
		return 0;
	if (isms_field_parse(&f, v, ret, err, sizeof(err)) < 0)
		return store_seterr(s, -EINVAL, "'%s': %s", name, err);
	return 0;
}

static int import_one(struct isms_store *s, struct json_object *o)
{
	const char *v[N_NAMES] = {0};
	char sha[ISMS_SHA256_HEX], *proposed_at = NULL, *approved_at = NULL;
	int64_t ppk = 0, apk = 0;
	sqlite3_stmt *st = NULL;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return store_seterr(s, -EINVAL, "must be an object");
	json_object_object_foreach(o, name, val)
	{
		bool ok = false;

		(void)val;
		for (size_t i = 0; i < N_NAMES; i++)
			ok = ok || strcmp(name, names[i]) == 0;
		if (!ok)
			return store_seterr(s, -EINVAL, "unknown member '%.64s'", name);
	}
	for (size_t i = 0; i < N_NAMES; i++) {
		r = register_member_text(s, o, names[i], &v[i]);
		if (r < 0)
			return r;
	}
	/* v: 0 id, 1 title, 2 status, 3 proposed_by, 4 proposed_at, 5 approved_by,
	 * 6 approved_at, 7 sha256, 8 notes, 9 snapshot */
	if (!v[0] || strncmp(v[0], "SOA-", 4) != 0 || !v[0][4] ||
	    strspn(v[0] + 4, "0123456789") != strlen(v[0] + 4))
		return store_seterr(s, -EINVAL, "'id' must be SOA-n");
	if (!v[2] || (strcmp(v[2], "draft") != 0 && strcmp(v[2], "approved") != 0 &&
		      strcmp(v[2], "superseded") != 0))
		return store_seterr(s, -EINVAL, "%s: 'status' must be draft, approved or superseded",
				    v[0]);
	if (!v[3] || !v[4] || !v[7] || !v[9])
		return store_seterr(s, -EINVAL,
				    "%s: a version needs 'proposed_by', 'proposed_at', 'sha256' and"
				    " 'snapshot'",
				    v[0]);
	if ((strcmp(v[2], "draft") == 0) != (!v[5] && !v[6]) || (!v[5]) != (!v[6]))
		return store_seterr(s, -EINVAL,
				    "%s: an approved or superseded version has 'approved_by' and"
				    " 'approved_at', a draft neither",
				    v[0]);
	r = isms_sha256_hex(v[9], strlen(v[9]), sha);
	if (r < 0)
		return r;
	if (strcmp(sha, v[7]) != 0)
		return store_seterr(s, -EINVAL,
				    "%s: the snapshot's SHA-256 is %s, not the %.64s it was approved"
				    " with: the version was changed",
				    v[0], sha, v[7]);
	/* --update: a version there already is kept when it is this one; versions
	 * are approved snapshots, and an import never changes one. */
	if (s->import_update) {
		int64_t same = 0, there = 0;

		r = store_query_int(s, "SELECT count(*) FROM soa_version WHERE id = ?1", v[0], NULL,
				    NULL, &there);
		if (r >= 0 && there > 0)
			r = store_query_int(s, "SELECT count(*) FROM soa_version WHERE id = ?1"
					       " AND sha256 = ?2 AND status = ?3",
					    v[0], v[7], v[2], &same);
		if (r < 0)
			return r;
		if (there > 0 && same > 0)
			return 0;
		if (there > 0)
			return store_seterr(s, -EEXIST, "%s: differs from the version of that id in"
							" the store (status or snapshot); SoA versions"
							" are not changed by import",
					    v[0]);
	}
	r = person_pk(s, v[3], &ppk);
	if (r >= 0)
		r = person_pk(s, v[5], &apk);
	if (r >= 0)
		r = datetime_canon(s, "proposed_at", v[4], &proposed_at);
	if (r >= 0)
		r = datetime_canon(s, "approved_at", v[6], &approved_at);
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO soa_version (id, title, status, proposed_by, proposed_at,"
				  " approved_by, approved_at, sha256, notes, snapshot)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
				  &st);
	for (int i = 0; r >= 0 && i < (int)N_NAMES; i++) {
		const char *t = i == 4 ? proposed_at : i == 6 ? approved_at : v[i];

		if (i == 3)
			sqlite3_bind_int64(st, 4, ppk);
		else if (i == 5 && apk > 0)
			sqlite3_bind_int64(st, 6, apk);
		else if (i != 5 && t)
			r = store_bind_text(s, st, i + 1, t);
	}
	if (r >= 0) {
		r = store_step_done(s, st);
		if (r == -EEXIST || sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			r = store_seterr(s, -EEXIST, "%s: already in the store", v[0]);
	}
	sqlite3_finalize(st);
	free(proposed_at);
	free(approved_at);
	if (r >= 0) {
		struct json_object *d = json_object_new_object();
		struct isms_evidence ev = {0};
		char ts[ISMS_DATE_MAX];

		if (!d)
			return -ENOMEM;
		if (!s->actor[0])
			isms_actor_get(s->actor);
		json_object_object_add(d, "actor", json_object_new_string(s->actor));
		json_object_object_add(d, "status", json_object_new_string(v[2]));
		json_object_object_add(d, "sha256", json_object_new_string(sha));
		isms_date_format((int64_t)time(NULL), ts, sizeof(ts));
		ev.ts = ts;
		ev.source = "ismsctl";
		ev.kind = "soa.imported";
		ev.subject = v[0];
		ev.outcome = "imported";
		ev.details = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN |
								       JSON_C_TO_STRING_NOSLASHESCAPE);
		r = ev.details ? isms_evidence_append(s, &ev, NULL) : -ENOMEM;
		json_object_put(d);
	}
	return r < 0 ? r : 0;
}

int soa_import_versions(struct isms_store *s, struct json_object *arr, char *where, size_t wlen)
{
	int64_t approved = 0;
	int r = 0;

	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(where, wlen, "%s: ", ISMS_SOA_VERSIONS);
		return store_seterr(s, -EINVAL, "must be an array");
	}
	for (size_t j = 0; r >= 0 && j < json_object_array_length(arr); j++) {
		snprintf(where, wlen, "%s[%zu]: ", ISMS_SOA_VERSIONS, j);
		r = import_one(s, json_object_array_get_idx(arr, j));
	}
	if (r >= 0)
		r = store_query_int(s, "SELECT count(*) FROM soa_version WHERE status = 'approved'",
				    NULL, NULL, NULL, &approved);
	if (r >= 0 && approved > 1) {
		snprintf(where, wlen, "%s: ", ISMS_SOA_VERSIONS);
		r = store_seterr(s, -EINVAL,
				 "%lld versions are 'approved': one is, the others superseded",
				 (long long)approved);
	}
	return r < 0 ? r : 0;
}
