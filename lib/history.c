/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The history of the register: one evidence row per add, change, remove or import. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "crud_internal.h"
#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/history.h"
#include "isms/sha256.h"
#include "store_internal.h"

_Static_assert(sizeof(((struct isms_store *)0)->actor) == ISMS_ACTOR_MAX, "actor buffer");

bool history_journaled(const struct isms_store *s, const struct isms_entity *e)
{
	/* The evidence is the journal itself; read-only types are written by
	 * their own modules (assessments), each with its evidence.  The DPMS
	 * register is not journaled yet: its tool has no history to show. */
	return s->schema == &isms_schema_main && !(e->flags & ISMS_EF_READONLY) &&
	       strncmp(e->table, "evidence", 8) != 0;
}

void history_values_free(const struct isms_entity *e, char **vals)
{
	if (!vals)
		return;
	for (size_t i = 0; i < e->nfields; i++)
		free(vals[i]);
	free(vals);
}

int history_load(struct isms_store *s, const struct isms_entity *e, const char *key,
		 char ***ret_vals)
{
	sqlite3_stmt *st = NULL;
	struct sqlbuf b = {0};
	char **vals = NULL;
	size_t ncol = 0;
	int r;

	crud_sql_add(&b, "SELECT ");
	for (size_t i = 0; i < e->nfields; i++) {
		if (e->fields[i].flags & ISMS_FF_COMPUTED)
			continue;
		if (ncol++)
			crud_sql_add(&b, ", ");
		crud_field_expr(s, &b, &e->fields[i]);
	}
	crud_sql_add(&b, " FROM \"%s\" t WHERE t.\"%s\" = ?1", e->table, crud_key_field(e)->name);
	if (b.overflow)
		return -E2BIG;
	vals = calloc(e->nfields, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	r = store_prepare(s, b.s, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0)
		r = store_seterr(s, -ENOENT, "%s '%.64s' not found", e->name, key);
	if (r < 0)
		goto out;
	for (size_t i = 0, c = 0; i < e->nfields; i++) {
		const unsigned char *t;

		if (e->fields[i].flags & ISMS_FF_COMPUTED)
			continue;
		t = sqlite3_column_text(st, (int)c++);
		if (t && !(vals[i] = strdup((const char *)t))) {
			r = -ENOMEM;
			goto out;
		}
	}
	*ret_vals = vals;
	vals = NULL;
	r = 0;
out:
	sqlite3_finalize(st);
	history_values_free(e, vals);
	return r;
}

/* A document (a review's frozen inputs, up to 1 MiB) is recorded by its digest: the row stays small. */
static struct json_object *value_json(const struct isms_field *f, const char *v)
{
	char hex[7 + ISMS_SHA256_HEX] = "sha256:";

	if (!v)
		return NULL;
	if (!(f->flags & ISMS_FF_LONG))
		return json_object_new_string(v);
	if (isms_sha256_hex(v, strlen(v), hex + 7) < 0)
		return json_object_new_string("sha256:?");
	return json_object_new_string(hex);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Now, to the microsecond: two writes in one second keep their order for 'show --at'. */
static void now_ts(char *buf, size_t len)
{
	struct timespec ts;
	char sec[ISMS_DATE_MAX];

	clock_gettime(CLOCK_REALTIME, &ts);
	isms_date_format((int64_t)ts.tv_sec, sec, sizeof(sec));
	snprintf(buf, len, "%.19s.%06ldZ", sec, ts.tv_nsec / 1000);
}

int history_write(struct isms_store *s, const struct isms_entity *e, const char *key,
		  const char *action, char *const *before, char *const *after)
{
	struct json_object *o = NULL, *jb = NULL, *ja = NULL;
	struct isms_evidence ev = {0};
	char kind[128], ts[ISMS_DATE_MAX + 8];
	size_t changed = 0;
	int r = 0;

	if (!history_journaled(s, e) || s->history_off)
		return 0;
	if (!s->actor[0])
		isms_actor_get(s->actor);
	o = json_object_new_object();
	jb = before ? json_object_new_object() : NULL;
	ja = after ? json_object_new_object() : NULL;
	if (!o || (before && !jb) || (after && !ja)) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct isms_field *f = &e->fields[i];

		if (f->flags & ISMS_FF_COMPUTED)
			continue;
		if (before && after && same(before[i], after[i]))
			continue;
		if (jb)
			json_object_object_add(jb, f->name, value_json(f, before[i]));
		if (ja)
			json_object_object_add(ja, f->name, value_json(f, after[i]));
		changed++;
	}
	if (before && after && changed == 0)
		goto out;
	json_object_object_add(o, "actor", json_object_new_string(s->actor));
	json_object_object_add(o, "before", jb);
	json_object_object_add(o, "after", ja);
	jb = ja = NULL;
	snprintf(kind, sizeof(kind), "register.%s.%s", e->name, s->importing ? "import" : action);
	now_ts(ts, sizeof(ts));
	ev.ts = ts;
	ev.source = s->schema->tool;
	ev.kind = kind;
	ev.subject = key;
	ev.details = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!ev.details) {
		r = -ENOMEM;
		goto out;
	}
	r = isms_evidence_append(s, &ev, NULL);
out:
	json_object_put(jb);
	json_object_put(ja);
	json_object_put(o);
	return r;
}

int history_changed(struct isms_store *s, const struct isms_entity *e, const char *key,
		    char **before)
{
	char **after = NULL;
	int r;

	if (!before || !history_journaled(s, e))
		return 0;
	r = history_load(s, e, key, &after);
	if (r >= 0)
		r = history_write(s, e, key, "change", before, after);
	history_values_free(e, after);
	return r;
}
