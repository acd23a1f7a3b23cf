/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening a nonconformity: the record, the risks' reassessments, the evidence row. */
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
#include "nonconformity_internal.h"
#include "store_internal.h"

#define KEYS_MAX 64

bool isms_nc_keys_valid(const char *in, char *why, size_t len)
{
	const char *p = in;
	size_t n = 0;

	for (;;) {
		size_t k = strcspn(p, ",");

		if (k == 0 || p[0] == ' ' || p[k - 1] == ' ') {
			snprintf(why, len, "'%.64s' is not a comma-separated list of keys (e.g. R-1,R-4)",
				 in);
			return false;
		}
		if (++n > KEYS_MAX) {
			snprintf(why, len, "more than %d keys in one list", KEYS_MAX);
			return false;
		}
		if (!p[k])
			return true;
		p += k + 1;
	}
}

int isms_nc_keys_check(const char *in, char *err, size_t errlen)
{
	char why[128];

	if (isms_nc_keys_valid(in, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

/* Each key of the list @keys names a record of @entity. */
static int keys_exist(struct isms_store *s, const char *entity, const char *keys)
{
	const struct isms_entity *e = isms_entity_lookup(entity);
	char *copy, *save = NULL;
	int r = 0;

	copy = strdup(keys);
	if (!copy)
		return -ENOMEM;
	for (char *k = strtok_r(copy, ",", &save); k && r >= 0; k = strtok_r(NULL, ",", &save)) {
		r = isms_record_get(s, e, k, NULL, NULL);
		if (r == -ENOENT)
			store_seterr(s, r, "nonconformity: no %s '%.64s'", entity, k);
	}
	free(copy);
	return r < 0 ? r : 0;
}

static int find_open(struct isms_store *s, const char *source, const char *origin, char **ret)
{
	return store_query_text(s,
				"SELECT id FROM nonconformity WHERE source = ?1 AND origin = ?2"
				" AND status <> 'closed' ORDER BY pk LIMIT 1",
				source, origin, NULL, ret);
}

static void day_of(int64_t t, int plus_days, char buf[11])
{
	time_t tt = (time_t)(t + (int64_t)plus_days * 86400);

	isms_date_day(tt, buf);
}

/* The owner of risk @key, or NULL when it has none (*ret malloc'd). */
static int risk_owner(struct isms_store *s, const char *key, char **ret)
{
	int r = store_query_text(s,
				 "SELECT p.name FROM risk r JOIN person p ON p.pk = r.owner WHERE r.id = ?1",
				 key, NULL, NULL, ret);

	return r < 0 ? r : 0;
}

/* Midnight UTC of the date "YYYY-MM-DD" @d plus @days, as a date again. */
static void date_plus(const char *d, int days, char buf[11])
{
	int64_t t = isms_days_from_civil(strtoll(d, NULL, 10), (unsigned)strtoul(d + 5, NULL, 10),
					 (unsigned)strtoul(d + 8, NULL, 10)) * 86400;

	day_of(t, days, buf);
}

/* Is a reassessment of risk @risk after @id already on the due list? */
static int reassessment_open(struct isms_store *s, const char *risk, const char *subject)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "SELECT 1 FROM review v JOIN risk k ON k.pk = v.risk"
			  " WHERE k.id = ?1 AND v.subject = ?2 AND v.done IS NULL",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, risk);
	if (r >= 0)
		r = store_bind_text(s, st, 2, subject);
	if (r >= 0)
		r = store_step_row(s, st);
	sqlite3_finalize(st);
	return r;
}

/* One review of kind risk per linked risk that has none open for @id yet. */
static int reassess_risks(struct isms_store *s, const char *id, const char *risks,
			  const char *opened)
{
	const struct isms_entity *review = isms_entity_lookup("review");
	char due[11], subject[128], *copy, *save = NULL;
	int r = 0;

	date_plus(opened, ISMS_NC_REASSESS_DAYS, due);
	snprintf(subject, sizeof(subject), "reassessment after %s", id);
	copy = strdup(risks);
	if (!copy)
		return -ENOMEM;
	for (char *k = strtok_r(copy, ",", &save); k && r >= 0; k = strtok_r(NULL, ",", &save)) {
		char *owner = NULL;
		struct isms_kv kv[5] = {
			{"kind", "risk"}, {"subject", subject}, {"risk", k}, {"due", due},
		};

		r = reassessment_open(s, k, subject);
		if (r != 0)
			continue;
		r = risk_owner(s, k, &owner);
		if (r >= 0) {
			kv[4] = (struct isms_kv){"reviewer", owner};
			r = isms_record_add(s, review, kv, owner ? 5 : 4, NULL);
		}
		free(owner);
	}
	free(copy);
	return r < 0 ? r : 0;
}

void nc_row_release(struct nc_row *n)
{
	char **f[] = {&n->id, &n->title, &n->source, &n->origin, &n->severity, &n->controls,
		      &n->risks, &n->opened, &n->status, &n->effectiveness_test, &n->responsible};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

static int nc_row_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct nc_row *n = ud;
	static const char *const names[] = {"id", "title", "source", "origin", "severity",
					    "controls", "risks", "opened", "status",
					    "effectiveness_test", "responsible"};
	char **f[] = {&n->id, &n->title, &n->source, &n->origin, &n->severity, &n->controls,
		      &n->risks, &n->opened, &n->status, &n->effectiveness_test, &n->responsible};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *x = v[isms_entity_field_index(e, names[i])];

		if (x && !(*f[i] = strdup(x)))
			return -ENOMEM;
	}
	return 0;
}

int nc_row_load(struct isms_store *s, const char *key, struct nc_row *ret)
{
	int r;

	*ret = (struct nc_row){0};
	r = isms_record_get(s, &isms_entity_nc, key, nc_row_cb, ret);
	if (r == -ENOENT)
		store_seterr(s, r, "nonconformity '%.64s' not found (see 'ismsctl nc list')", key);
	if (r < 0)
		nc_row_release(ret);
	return r;
}

static char *details_json(const struct nc_row *n)
{
	struct json_object *o = json_object_new_object();
	char *out;

	if (!o)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(n->id));
	json_object_object_add(o, "title", json_object_new_string(n->title));
	json_object_object_add(o, "source", json_object_new_string(n->source));
	if (n->origin)
		json_object_object_add(o, "origin", json_object_new_string(n->origin));
	if (n->controls)
		json_object_object_add(o, "controls", json_object_new_string(n->controls));
	if (n->risks)
		json_object_object_add(o, "risks", json_object_new_string(n->risks));
	if (n->effectiveness_test)
		json_object_object_add(o, "effectiveness_test",
				       json_object_new_string(n->effectiveness_test));
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static int record_opened(struct isms_store *s, const struct nc_row *n)
{
	struct isms_evidence ev = {0};
	char at[ISMS_DATE_MAX], first[32] = "";
	char *details = details_json(n);
	int r;

	if (!details)
		return -ENOMEM;
	if (n->controls)
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(n->controls, ","), n->controls);
	isms_date_format((int64_t)time(NULL), at, sizeof(at));
	ev.ts = at;
	ev.source = "ismsctl";
	ev.kind = "nonconformity.opened";
	ev.control = first[0] ? first : NULL;
	ev.subject = n->id;
	ev.outcome = n->severity;
	ev.details = details;
	r = isms_evidence_append(s, &ev, NULL);
	free(details);
	return r;
}

/* What the generic layer may not change: the end of the cycle is earned. */
static int refuse_change(struct isms_store *s, const char *key, const struct isms_kv *kv,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = kv[i].name, *v = kv[i].value;

		if ((strcmp(f, "status") == 0 && v && strcmp(v, "closed") == 0) ||
		    strcmp(f, "closed") == 0 || strcmp(f, "effectiveness") == 0)
			return store_seterr(s, -EPERM,
					    "nonconformity '%.64s': '%s' is set by its effectiveness"
					    " check; close it with 'ismsctl nc close %.64s'",
					    key, f, key);
	}
	return 0;
}

/*
 * The record type's hook: whichever way a nonconformity is added (the
 * library, 'nc add', import), its links exist, its risks go on the due
 * list and the chain records it; a change may add risks, never close it.
 */
int nc_written(struct isms_store *s, const struct isms_entity *e, const char *key,
	       const struct isms_kv *kv, size_t n, bool added)
{
	struct nc_row row;
	int r;

	(void)e;
	if (!added && !s->importing) {
		r = refuse_change(s, key, kv, n);
		if (r < 0)
			return r;
	}
	r = nc_row_load(s, key, &row);
	if (r < 0)
		return r;
	if (added && strcmp(row.status, "closed") == 0 && !s->importing)
		r = refuse_change(s, key, &(struct isms_kv){"status", "closed"}, 1);
	if (r >= 0 && row.controls)
		r = keys_exist(s, "control", row.controls);
	if (r >= 0 && row.risks)
		r = keys_exist(s, "risk", row.risks);
	if (r >= 0 && row.effectiveness_test)
		r = keys_exist(s, "test", row.effectiveness_test);
	if (r >= 0 && row.risks && strcmp(row.status, "closed") != 0 && !s->importing)
		r = reassess_risks(s, row.id, row.risks, row.opened);
	if (r >= 0 && added && !s->importing)
		r = record_opened(s, &row);
	nc_row_release(&row);
	return r;
}

int isms_nc_open(struct isms_store *s, const struct isms_nc_new *n, char **ret_id)
{
	const char *source = n->source ? n->source : "manual";
	const char *severity = n->severity ? n->severity : "minor";
	char opened[11], *id = NULL;
	struct isms_kv kv[16];
	size_t nkv = 0;
	int r;

	char why[128];

	if (!n->title)
		return store_seterr(s, -EINVAL, "nonconformity: a title is required");
	if ((n->controls && !isms_nc_keys_valid(n->controls, why, sizeof(why))) ||
	    (n->risks && !isms_nc_keys_valid(n->risks, why, sizeof(why))))
		return store_seterr(s, -EINVAL, "nonconformity: %s", why);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	if (strcmp(source, "manual") != 0 && n->origin) {
		r = find_open(s, source, n->origin, &id);
		if (r != 0)
			goto out; /* 1: already open, returned as 0 below */
	}
	day_of(n->now, 0, opened);
#define KV(name, val)                                                                       \
	do {                                                                                \
		if (val)                                                                    \
			kv[nkv++] = (struct isms_kv){name, val};                            \
	} while (0)
	KV("title", n->title);
	KV("source", source);
	KV("origin", n->origin);
	KV("severity", severity);
	KV("description", n->description);
	KV("controls", n->controls);
	KV("risks", n->risks);
	KV("responsible", n->responsible);
	KV("due", n->due);
	kv[nkv++] = (struct isms_kv){"opened", opened};
	KV("effectiveness_test", n->effectiveness_test);
#undef KV
	/* the record type's hook does the rest (nc_written) */
	r = isms_record_add(s, &isms_entity_nc, kv, nkv, &id);
	if (r >= 0)
		r = 2;
out:
	if (r < 0) {
		isms_store_rollback(s);
		free(id);
		return r;
	}
	{
		int c = isms_store_commit(s);

		if (c < 0) {
			free(id);
			return c;
		}
	}
	if (ret_id)
		*ret_id = id;
	else
		free(id);
	return r == 2 ? 1 : 0;
}
