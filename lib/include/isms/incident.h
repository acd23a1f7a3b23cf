/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_INCIDENT_H
#define ISMS_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"

/*
 * The timeline of a security incident (ISO 27001 5.26, 5.28): what was
 * done or found, when and by whom, each step with the evidence that shows
 * it.  The incident itself is a record type (isms_entity_incident).
 */

struct isms_incident_event_new {
	const char *incident; /* its key, INC-n */
	const char *what;     /* what happened or was done */
	const char *at;       /* ISO 8601 with Z or an offset; NULL: @now */
	const char *by;       /* a person's name, or NULL */
	const char *evidence; /* an evidence row number, or NULL */
	int64_t now;          /* seconds since the epoch, for a missing @at */
};

/*
 * Add an event to an incident's timeline, and a row 'incident.event' to the
 * evidence chain, in one transaction.  0 and *ret_id (optional, the event's
 * number); -ENOENT for an unknown incident, person or evidence row, -EINVAL
 * for a missing @what or a bad @at, each with the store's message set.
 */
int isms_incident_event_add(struct isms_store *s, const struct isms_incident_event_new *ev,
			    int64_t *ret_id) __attribute__((warn_unused_result, nonnull(1, 2)));

struct isms_incident_entry {
	char *at;       /* UTC, YYYY-MM-DDTHH:MM:SSZ */
	char *what;     /* the event, or "detected", "reported", "contained"... */
	char *by;       /* NULL: not recorded */
	int64_t evidence; /* 0: none */
	bool own;       /* one of the incident's own timestamps, not an event */
};

struct isms_incident_timeline {
	struct isms_incident_entry *v;
	size_t n;
};

/*
 * The incident @key's own timestamps and its events, oldest first (at the
 * same moment: its own before events, events in the order added).  0,
 * -ENOENT with the store's message set, or -errno; @ret is released by
 * isms_incident_timeline_release() either way.
 */
int isms_incident_timeline(struct isms_store *s, const char *key,
			   struct isms_incident_timeline *ret)
	__attribute__((warn_unused_result, nonnull));
void isms_incident_timeline_release(struct isms_incident_timeline *t);

/* The export's and import's section of the events of every incident. */
#define ISMS_INCIDENT_EVENTS "incident_event"

struct json_object;

/*
 * Every incident's events, in the order added, as a JSON array of
 * {"incident", "at", "what", "by", "evidence"} for the export (import reads
 * it back after the incidents).  0 and *ret (json_object_put() it), or -errno.
 */
int isms_incident_events_export(struct isms_store *s, struct json_object **ret)
	__attribute__((warn_unused_result, nonnull));

#endif
