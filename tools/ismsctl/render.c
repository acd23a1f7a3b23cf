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

#define TABLE(name, sect, member, empty, ...)                                                \
	static const struct fig_col name##_cols[] = {__VA_ARGS__};                           \
	const struct fig_table name = {sect, member, name##_cols,                            \
				       sizeof(name##_cols) / sizeof(name##_cols[0]), empty}

TABLE(fig_top_risks, "top_risks", NULL, "no risks in the register", {"risk", "id", false},
      {"title", "title", false}, {"level", "level", false}, {"residual", "residual_level", false},
      {"treatment", "treatment", false}, {"owner", "owner", false},
      {"previous", "previous_level", false}, {"trend", "trend", false});
TABLE(fig_flagged, "controls", "flagged", "none", {"control", "control", false},
      {"title", "title", false}, {"theme", "theme", false}, {"claimed", "claimed", false},
      {"observed", "observed", false});
TABLE(fig_hosts, "hosts", NULL, "no evidence from any host in the period",
      {"host", "host", false}, {"rows", "rows", true}, {"first", "first", false},
      {"last", "last", false}, {"heartbeats", "heartbeats", true},
      {"degraded", "degraded", true}, {"longest gap s", "longest_gap_s", true},
      {"silent s", "silent_s", true}, {"lost", "losses", true});
TABLE(fig_collectors, "collectors", NULL, NULL, {"collector", "source", false},
      {"received", "received", true}, {"stored", "stored", true}, {"filtered", "filtered", true},
      {"duplicates", "duplicates", true}, {"malformed", "malformed", true});
TABLE(fig_break_glass, "access", "break_glass_uses", NULL, {"when", "ts", false},
      {"who", "subject", false}, {"host", "host", false}, {"evidence", "evidence", false});
TABLE(fig_ncs, "nonconformities", "list", NULL, {"id", "id", false}, {"title", "title", false},
      {"severity", "severity", false}, {"status", "status", false}, {"opened", "opened", false},
      {"closed", "closed", false}, {"due", "due", false}, {"responsible", "responsible", false});
TABLE(fig_overdue, "overdue", NULL, "nothing", {"what", "what", false}, {"id", "id", false},
      {"subject", "subject", false}, {"since", "since", false},
      {"responsible", "responsible", false});
TABLE(fig_audits, "audits", "list", NULL, {"audit", "id", false}, {"title", "title", false},
      {"status", "status", false}, {"planned", "planned", false}, {"held", "held", false},
      {"result", "result", false}, {"findings", "findings", true});

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
	if (json_object_is_type(v, json_type_int)) {
		snprintf(buf, len, "%" PRId64, json_object_get_int64(v));
		return buf;
	}
	return json_object_get_string(v);
}
