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
	const char *subject; /* may be NULL */
	const char *outcome; /* may be NULL */
	char event_key[384];
	char ts[64];
	const char *link_key; /* ROUTE_LINK: pam_isms's evidence key */
};

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
