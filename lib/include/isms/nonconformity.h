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
/* Days from opening to the due date of a corrective action opened by a failing test. */
#define ISMS_NC_ACTION_DAYS 30

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

/*
 * The effectiveness check that closes a nonconformity (10.2 d).  With an
 * effectiveness test, the test's latest result over a whole period that
 * began after the one that failed (or after the opening): pass closes it,
 * fail records it "ineffective" and keeps it open.  Without one, a person
 * other than the responsible attests what they checked.
 */
struct isms_nc_check {
	const char *verified_by; /* without an effectiveness test: who checked it */
	const char *note;        /* without an effectiveness test: what they checked */
	int64_t now;             /* Unix seconds: the closing date */
};

/*
 * Close nonconformity @id if its effectiveness check passes: status closed,
 * effectiveness effective, the date, and an evidence row of kind
 * "nonconformity.closed", in one transaction.  Returns 1 when closed, 0
 * when the check does not pass (*ret_reason, malloc'd, says why; a failing
 * test is recorded as "ineffective"), -ENOENT (no such nonconformity or
 * person), -EALREADY (closed), -EINVAL (a manual check without a
 * verifier or a note), -EPERM (the responsible verifying their own action).
 */
int isms_nc_close(struct isms_store *s, const char *id, const struct isms_nc_check *c,
		  char **ret_reason) __attribute__((warn_unused_result, nonnull(1, 2, 3, 4)));

/*
 * The evidence chain of @s failed verification (@first_bad: its first bad
 * row, 0 when the damage is not one row's; @reason: verify's): a major
 * nonconformity of 8.15, once per origin while open.  1 opened, 0 already
 * open or a store without the register (*ret_id NULL), or a negative errno.
 */
int isms_nc_from_verify(struct isms_store *s, int64_t first_bad, const char *reason, int64_t now,
			char **ret_id) __attribute__((warn_unused_result, nonnull(1, 5)));

/* Is @in a list of keys "a,b,c" (no empty key, no space around one)?  Else why. */
bool isms_nc_keys_valid(const char *in, char *why, size_t len) __attribute__((nonnull));

/* The same as a field's check (struct isms_field .check): 0 or -EINVAL with @err. */
int isms_nc_keys_check(const char *in, char *err, size_t errlen) __attribute__((nonnull));

#endif
