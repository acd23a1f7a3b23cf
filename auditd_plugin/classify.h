/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_CLASSIFY_H
#define AUDISP_ISMS_CLASSIFY_H

#include <stddef.h>

#include "plugin_config.h"
#include "event.h"

enum route {
	ROUTE_DROP,  /* filtered by configuration */
	ROUTE_ISMS,  /* evidence in the ISMS store */
	ROUTE_DPMS,  /* a dpms: key: personal data, for the DPMS store */
	ROUTE_LINK,  /* pam_isms's own decision: already evidence under its key */
};

struct classified {
	enum route route;
	char kind[64];
	const char *control;
	const char *asset;   /* may be NULL */
	const char *subject; /* may be NULL: who acted (audisp-isms(8), SUBJECTS) */
	const char *actor;   /* may be NULL: the login user, else the process's user */
	const char *target;  /* may be NULL: the account the record is about */
	const char *outcome; /* may be NULL */
	const char *node;    /* the event's node=, NULL when local */
	const char *source;  /* NULL: "audisp-isms"; else -unregistered, -quarantine */
	char event_key[384];
	char ts[64];
	const char *link_key; /* ROUTE_LINK: pam_isms's evidence key */
	char activity[128];   /* ROUTE_DPMS: the processing activity of the dpms: key */
};

/*
 * What a syscall did to a file: "read", "write", "delete", "attr", "exec",
 * or "access" when it cannot tell.  @syscall is the call's name (a number
 * tells nothing: its meaning depends on the arch); @a1/@a2 the hex
 * arguments; @openat2_oflag the OPENAT2 record's octal oflag= or NULL.  Pure.
 */
const char *classify_access(const char *syscall, const char *a1, const char *a2,
			    const char *openat2_oflag);

/*
 * Decide what @e is evidence of.  Pure: no I/O, no allocation; @c is the
 * configuration.  The result's pointers point into @e or @c.
 */
void classify(const struct aev *e, const struct plugin_config *c, struct classified *ret);

/*
 * The details JSON for @e into @buf (always NUL-terminated, valid JSON even
 * when cut short, marked "truncated": true).  Returns the length.
 */
size_t classify_details(const struct aev *e, const struct classified *cl, char *buf, size_t len);

#endif
