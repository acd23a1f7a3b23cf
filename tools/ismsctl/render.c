/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the report's renderers share: reading the figures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "render.h"

struct json_object *fig_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *fig_str(struct json_object *o, const char *key)
{
	struct json_object *v = fig_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int64_t fig_int(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *v = fig_get(o, key);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

int64_t fig_int2(struct json_object *o, const char *sect, const char *key, int64_t dflt)
{
	return fig_int(fig_get(o, sect), key, dflt);
}

size_t fig_len(struct json_object *array)
{
	return array && json_object_is_type(array, json_type_array) ?
		       json_object_array_length(array) : 0;
}

struct json_object *fig_at(struct json_object *array, size_t i)
{
	return json_object_array_get_idx(array, i);
}

void fig_money(char *buf, size_t len, int64_t cents)
{
	int64_t a = cents < 0 ? -cents : cents;

	snprintf(buf, len, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "", a / 100, a % 100);
}

const char *fig_level_label(struct json_object *fig, int64_t rank)
{
	struct json_object *levels = fig_get(fig_get(fig, "matrix"), "levels");

	if (rank < 1 || (size_t)rank > fig_len(levels))
		return "?";
	return json_object_get_string(fig_at(levels, (size_t)rank - 1));
}

#define TXT(head, key) {head, key, false, false}
#define NUM(head, key) {head, key, true, false}
#define DUR(head, key) {head, key, true, true}
#define TABLE(name, sect, member, empty, ...)                                                \
	static const struct fig_col name##_cols[] = {__VA_ARGS__};                           \
	const struct fig_table name = {sect, member, name##_cols,                            \
				       sizeof(name##_cols) / sizeof(name##_cols[0]), empty}

TABLE(fig_top_risks, "top_risks", NULL, "no risks in the register", TXT("risk", "id"),
      TXT("title", "title"), TXT("level", "level"), TXT("residual", "residual_level"),
      TXT("treatment", "treatment"), TXT("owner", "owner"),
      TXT("previous", "previous_level"), TXT("trend", "trend"));
TABLE(fig_flagged, "controls", "flagged", "none", TXT("control", "control"),
      TXT("title", "title"), TXT("theme", "theme"), TXT("claimed", "claimed"),
      TXT("observed", "observed"));
TABLE(fig_hosts, "hosts", NULL, "no evidence from any host in the period",
      TXT("host", "host"), NUM("rows", "rows"), TXT("first (UTC)", "first"),
      TXT("last (UTC)", "last"), NUM("heartbeats", "heartbeats"),
      NUM("degraded", "degraded"), DUR("longest gap", "longest_gap_s"),
      DUR("silent for", "silent_s"), NUM("lost", "losses"));
TABLE(fig_collectors, "collectors", NULL, NULL, TXT("collector", "source"),
      NUM("received", "received"), NUM("stored", "stored"), NUM("filtered", "filtered"),
      NUM("duplicates", "duplicates"), NUM("malformed", "malformed"));
TABLE(fig_fleet, "fleet", "nodes", "no node registered", TXT("node", "node"),
      TXT("asset", "asset"), NUM("rows", "rows"), TXT("last (UTC)", "last"),
      TXT("heartbeat", "heartbeat"), TXT("clock", "skew"), NUM("skew (s)", "skew_s"));
TABLE(fig_break_glass, "access", "break_glass_uses", NULL, TXT("when (UTC)", "ts"),
      TXT("who", "subject"), TXT("host", "host"), TXT("evidence", "evidence"));
TABLE(fig_ncs, "nonconformities", "list", NULL, TXT("id", "id"), TXT("title", "title"),
      TXT("severity", "severity"), TXT("status", "status"), TXT("opened", "opened"),
      TXT("closed", "closed"), TXT("due", "due"), TXT("responsible", "responsible"));
TABLE(fig_overdue, "overdue", NULL, "nothing", TXT("what", "what"), TXT("id", "id"),
      TXT("subject", "subject"), TXT("since", "since"),
      TXT("responsible", "responsible"));
TABLE(fig_audits, "audits", "list", NULL, TXT("audit", "id"), TXT("title", "title"),
      TXT("status", "status"), TXT("planned", "planned"), TXT("held", "held"),
      TXT("result", "result"), NUM("findings", "findings"));

struct json_object *fig_rows(struct json_object *fig, const struct fig_table *t)
{
	struct json_object *o = fig_get(fig, t->sect);

	return t->member ? fig_get(o, t->member) : o;
}

const char *fig_cell(struct json_object *row, const struct fig_col *c, char *buf, size_t len)
{
	struct json_object *v = fig_get(row, c->key);

	if (!v)
		return NULL;
	if (json_object_is_type(v, json_type_int) && c->dur) {
		int64_t sec = json_object_get_int64(v), m = sec / 60 % 60, h = sec / 3600 % 24;

		if (sec >= 86400)
			snprintf(buf, len, "%" PRId64 " d %" PRId64 " h", sec / 86400, h);
		else if (sec >= 3600)
			snprintf(buf, len, "%" PRId64 " h %02" PRId64 " min", h, m);
		else
			snprintf(buf, len, "%" PRId64 " min", m);
		return buf;
	}
	if (json_object_is_type(v, json_type_int)) {
		snprintf(buf, len, "%" PRId64, json_object_get_int64(v));
		return buf;
	}
	return json_object_get_string(v);
}
