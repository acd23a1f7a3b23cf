/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_NONCONFORMITY_H
#define ISMS_NONCONFORMITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"

/*
 * Nonconformities and corrective actions (ISO 27001 10.2, Grundschutz++
 * VRB.2).  Whatever raises one (a failing control test, an indicator
 * crossing, a break-glass use, a failed verify, a review with findings, a
 * breach, an audit finding) opens it through isms_nc_open(), so that each
 * puts the risks it touches up for reassessment in the same way: the
 * cycle runs again.
 */

/* Days from opening to the reassessment of each linked risk. */
#define ISMS_NC_REASSESS_DAYS 30

struct isms_nc_new {
	const char *title;              /* required */
	const char *source;             /* a source of the record type; NULL: manual */
	const char *origin;             /* key of the record that raised it; NULL: none */
	const char *severity;           /* minor | major; NULL: minor */
	const char *description;        /* NULL: none */
	const char *controls;           /* comma-separated control ids, each must exist */
	const char *risks;              /* comma-separated risk ids, each must exist */
	const char *responsible;        /* a person's name; NULL: none */
	const char *due;                /* YYYY-MM-DD; NULL: none */
	const char *effectiveness_test; /* a test's name; NULL: none */
	int64_t now;                    /* Unix seconds: the opening date */
};

/*
 * Open a nonconformity in one transaction: the record, one review of kind
 * "risk" per linked risk due ISMS_NC_REASSESS_DAYS after @n->now (reviewer
 * the risk's owner), and an evidence row of kind "nonconformity.opened".
 * With a source other than manual and an @n->origin, an open one with the
 * same source and origin is not opened twice: its id is returned with 0.
 * Returns 1 when opened, 0 when it was already open (*ret_id, optional,
 * malloc'd either way), -EINVAL (bad value, message kept), -ENOENT (a
 * control, risk, person or test that does not exist), errors of the store.
 */
int isms_nc_open(struct isms_store *s, const struct isms_nc_new *n, char **ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Is @in a list of keys "a,b,c" (no empty key, no space around one)?  Else why. */
bool isms_nc_keys_valid(const char *in, char *why, size_t len) __attribute__((nonnull));

#endif
