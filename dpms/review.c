/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DPO's access review: accesses to personal data outside who and when. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "dpms.h"
#include "isms/json.h"
#include "isms/entity.h"
#include "isms/identity.h"
#include "isms/sql.h"
#include "isms/strutil.h"
#include "isms/tz.h"
#include "isms/window.h"

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ')) {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

/* "mon-fri,sat" -> days of @w; -EINVAL if unreadable. */
static int parse_days(struct isms_window *w, const char *s)
{
	w->days = 0;
	for (const char *p = s; *p;) {
		const char *end = strchr(p, ',');

		if (isms_window_add_days(&w->days, p, end ? (size_t)(end - p) : strlen(p)) < 0)
			return -EINVAL;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

int dpms_access_judge(const struct dpms_access_rule *rule, const char *user,
		      const char *const *groups, int64_t when, const char *zoneinfo, char *err,
		      size_t errlen)
{
	bool authorised = user && in_list(rule->users, user);
	struct isms_tz *tz = NULL;
	struct isms_window w = ISMS_WINDOW_ALWAYS;
	int wday, minute, r;
	bool in;

	/* An empty field ('set --access-days ""') means no restriction, as an absent one;
	 * read as a rule it would have allowed no day at all. */
	const char *days = rule->days && *rule->days ? rule->days : NULL;
	const char *hours = rule->hours && *rule->hours ? rule->hours : NULL;
	const char *zone = rule->tz && *rule->tz ? rule->tz : "UTC";

	for (size_t i = 0; !authorised && groups && groups[i]; i++)
		authorised = in_list(rule->groups, groups[i]);
	if (!authorised)
		return DPMS_UNAUTHORISED;
	if (!days && !hours)
		return DPMS_OK;
	if (days && parse_days(&w, days) < 0) {
		snprintf(err, errlen, "access_days '%s' is not like mon-fri,sat", days);
		return -EINVAL;
	}
	if (hours && isms_window_parse_hours(&w, hours) < 0) {
		snprintf(err, errlen, "access_hours '%s' is not like 07:00-19:00", hours);
		return -EINVAL;
	}
	r = isms_tz_load(zoneinfo, zone, &tz);
	if (r < 0) {
		snprintf(err, errlen, "access_tz '%s' is not a known time zone", zone);
		return -EINVAL;
	}
	in = isms_window_has(&w, tz, when, &wday, &minute);
	isms_tz_free(tz);
	return in ? DPMS_OK : DPMS_OUTSIDE_HOURS;
}

struct activity_rule {
	char *id;
	char *users, *groups, *days, *hours, *tz;
	bool found;
};

static void rule_free(struct activity_rule *a)
{
	free(a->id);
	free(a->users);
	free(a->groups);
	free(a->days);
	free(a->hours);
	free(a->tz);
	memset(a, 0, sizeof(*a));
}

static char *dupv(const char *v)
{
	return v ? strdup(v) : NULL;
}

static int rule_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct activity_rule *a = ud;

	a->found = true;
	a->users = dupv(v[isms_entity_field_index(e, "authorised_users")]);
	a->groups = dupv(v[isms_entity_field_index(e, "authorised_groups")]);
	a->days = dupv(v[isms_entity_field_index(e, "access_days")]);
	a->hours = dupv(v[isms_entity_field_index(e, "access_hours")]);
	a->tz = dupv(v[isms_entity_field_index(e, "access_tz")]);
	return 0;
}

/*
 * The user and its groups through NSS (lib/identity.c, as pam_isms), by name
 * or by a numeric audit uid.  When they cannot all be resolved *id stays
 * empty: the access is judged by the logged name alone, so an authorisation
 * through a group is not taken on trust and the access becomes a finding.
 */
static const char *const no_groups[] = {NULL};

static void user_identity(const char *user, struct isms_identity *id)
{
	char *end;
	unsigned long uid;
	int r = isms_identity_by_name(user, id);

	if (r != -ENOENT)
		return;
	uid = strtoul(user, &end, 10);
	if (*user && !*end && uid <= (uid_t)-1)
		(void)!isms_identity_by_uid((uid_t)uid, id);
}

static const char *json_str(struct json_object *o, const char *path0, int idx)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, path0, &v))
		return NULL;
	if (idx >= 0) {
		if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) <= (size_t)idx)
			return NULL;
		v = json_object_array_get_idx(v, (size_t)idx);
	}
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/*
 * The details of a stored row, read back with the one strict reader (the
 * exact stored bytes: a NUL inside them is an error, not an end).  NULL when
 * there are none or they are not strict JSON: the row is then reviewed
 * without them, as one without a path.
 */
static struct json_object *parse_details(sqlite3_stmt *st, int col)
{
	const char *text = (const char *)sqlite3_column_text(st, col);
	struct json_object *o = NULL;

	if (!text || isms_json_parse(text, (size_t)sqlite3_column_bytes(st, col), NULL, &o,
				     NULL) < 0)
		return NULL;
	return o;
}

static int add_finding(struct isms_store *s, const char *activity, int64_t evid, const char *user,
		       const char *path, const char *access, const char *at, const char *why)
{
	const struct isms_entity *e = isms_schema_entity(&dpms_schema, "finding");
	char evs[32];
	struct isms_kv kv[7] = {
		{"activity", activity}, {"evidence", evs}, {"user", user}, {"path", path},
		{"access", access},     {"at", at},        {"why", why},
	};
	int r;

	snprintf(evs, sizeof(evs), "%" PRId64, evid);
	r = isms_record_add(s, e, kv, 7, NULL);
	return r == -EEXIST ? 0 : r; /* already found by an earlier review */
}

int dpms_review_run(struct isms_store *s, const char *zoneinfo, size_t *ret_new, size_t *ret_seen)
{
	const struct isms_entity *ae = isms_schema_entity(&dpms_schema, "activity");
	struct activity_rule cache = {0};
	sqlite3_stmt *st = NULL;
	char *wm = NULL, num[32];
	int64_t watermark, top;
	size_t found = 0, seen = 0;
	int r;

	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_setting_get(s, "review_watermark", &wm);
	if (r < 0)
		goto fail;
	watermark = top = strtoll(wm, NULL, 10);
	free(wm);
	r = isms_sql_prepare(s,
			  "SELECT pk, ts, asset, subject, kind, evidence_details(pk, fmt, details), outcome"
			  " FROM evidence"
			  " WHERE pk > ?1 AND kind LIKE 'personal-data.%' ORDER BY pk",
			  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, watermark) != SQLITE_OK)
		r = -EIO;
	while (r >= 0 && (r = isms_sql_step_row(s, st)) == 1) {
		int64_t pk = sqlite3_column_int64(st, 0), when;
		char *ts = dupv((const char *)sqlite3_column_text(st, 1));
		char *activity = dupv((const char *)sqlite3_column_text(st, 2));
		char *user = dupv((const char *)sqlite3_column_text(st, 3));
		char *kind = dupv((const char *)sqlite3_column_text(st, 4));
		struct json_object *det = parse_details(st, 5);
		struct isms_identity id = {0};
		const char *name;
		char err[256];
		const char *path = json_str(det, "paths", 0);
		const char *access = kind && strchr(kind, '.') ? strchr(kind, '.') + 1 : kind;
		int verdict;

		top = pk;
		seen++;
		name = user;
		/* The activity first, whatever else is wrong with the row: the finding
		 * must name it when it exists, and must not name one that does not. */
		if (!activity) {
			rule_free(&cache);
		} else if (!cache.id || strcmp(cache.id, activity) != 0) {
			rule_free(&cache);
			cache.id = strdup(activity);
			r = cache.id ? isms_record_get(s, ae, activity, rule_cb, &cache) : -ENOMEM;
			if (r == -ENOENT)
				r = 0;
		}
		if (r < 0) {
			verdict = r;
		} else if (!activity || !ts || isms_parse_datetime(ts, &when) < 0) {
			/* Not attributable to an activity or a time: the DPO must see it. */
			verdict = DPMS_UNAUTHORISED;
		} else {
			user_identity(user ? user : "", &id);
			if (id.name)
				name = id.name;
			if (!cache.found) {
				verdict = DPMS_UNAUTHORISED; /* an activity nobody registered */
			} else {
				struct dpms_access_rule rule = {cache.users, cache.groups, cache.days,
								cache.hours, cache.tz};

				verdict = dpms_access_judge(&rule, name,
							    id.groups ? (const char *const *)id.groups
								      : no_groups, when,
							    zoneinfo, err, sizeof(err));
				if (verdict == -EINVAL)
					r = isms_sql_seterr(s, -EINVAL, "activity '%s': %s", activity, err);
			}
		}
		if (r >= 0 && verdict > 0) {
			const char *outcome = (const char *)sqlite3_column_text(st, 6);
			/* Art. 4(12): an access the system refused touched no data, so it
			 * is no breach; the DPO still sees who tried. */
			bool failed = outcome && strcmp(outcome, "failure") == 0;

			r = add_finding(s, cache.found ? activity : NULL, pk,
					name, path, access, ts,
					failed ? "attempt" :
					verdict == DPMS_UNAUTHORISED ? "unauthorised" : "outside_hours");
			if (r >= 0)
				found++;
		}
		isms_identity_release(&id);
		free(ts);
		free(activity);
		free(user);
		free(kind);
		json_object_put(det);
	}
	sqlite3_finalize(st);
	st = NULL;
	rule_free(&cache);
	if (r < 0)
		goto fail;
	snprintf(num, sizeof(num), "%" PRId64, top);
	r = isms_setting_set(s, "review_watermark", num);
	if (r < 0)
		goto fail;
	r = isms_store_commit(s);
	if (r == 0) {
		if (ret_new)
			*ret_new = found;
		if (ret_seen)
			*ret_seen = seen;
	}
	return r;
fail:
	sqlite3_finalize(st);
	rule_free(&cache);
	isms_store_rollback(s);
	return r;
}
