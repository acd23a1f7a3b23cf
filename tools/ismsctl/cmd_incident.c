/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 'incident event' and 'incident timeline': what happened in an incident, in order. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/incident.h"

int cmd_incident_event(struct cli *c, int argc, char **argv)
{
	struct isms_incident_event_new ev = {.now = (int64_t)time(NULL)};
	int64_t id = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl incident event INC --what TEXT [--at TIME] [--by PERSON]\n"
	     "                              [--evidence ID]\n\n"
	     "Add an event to the timeline of incident INC (ISO 27001 5.26, 5.28): what\n"
	     "happened or was done, when (ISO 8601 with Z or an offset; default now),\n"
	     "by whom, and the evidence row that shows it.  The event is also recorded\n"
	     "in the evidence chain (kind incident.event).\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--what")))
			ev.what = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--at")))
			ev.at = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--by")))
			ev.by = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--evidence")))
			ev.evidence = v;
		else if (argv[i][0] != '-' && !ev.incident)
			ev.incident = argv[i];
		else
			return cli_usage("incident event", "unknown argument '%s'", argv[i]);
	}
	if (!ev.incident)
		return cli_usage("incident event", "'incident event' needs the incident's id");
	if (!ev.what)
		return cli_usage("incident event", "'incident event' needs --what");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_incident_event_add(c->store, &ev, &id);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet && c->fmt == OUT_TABLE)
		printf("event %" PRId64 " added to incident '%s'\n", id, ev.incident);
	else if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "incident", json_object_new_string(ev.incident));
		json_object_object_add(o, "event", json_object_new_int64(id));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	return EXIT_OK;
}

int cmd_incident_timeline(struct cli *c, int argc, char **argv)
{
	struct isms_incident_timeline tl = {0};
	struct out_table t;
	static const char *const cols[] = {"at", "what", "by", "evidence", "kind"};
	static const enum out_type types[] = {OT_TEXT, OT_TEXT, OT_TEXT, OT_INT, OT_TEXT};
	const char *key = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl incident timeline INC\n\n"
	     "The timeline of incident INC, oldest first: its own moments (detected,\n"
	     "reported, contained, resolved, closed; kind 'incident') and the events\n"
	     "added with 'ismsctl incident event' (kind 'event').\n");
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-' && !key)
			key = argv[i];
		else
			return cli_usage("incident timeline", "unknown argument '%s'", argv[i]);
	}
	if (!key)
		return cli_usage("incident timeline", "'incident timeline' needs the incident's id");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, 5);
	for (size_t i = 0; r >= 0 && i < 5; i++)
		r = out_table_set_col(&t, i, cols[i], types[i]);
	if (r >= 0)
		r = isms_incident_timeline(c->store, key, &tl);
	for (size_t i = 0; r >= 0 && i < tl.n; i++) {
		char ev[24] = "";
		const char *row[5] = {tl.v[i].at, tl.v[i].what, tl.v[i].by, NULL,
				      tl.v[i].own ? "incident" : "event"};

		if (tl.v[i].evidence > 0) {
			snprintf(ev, sizeof(ev), "%" PRId64, tl.v[i].evidence);
			row[3] = ev;
		}
		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	isms_incident_timeline_release(&tl);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
