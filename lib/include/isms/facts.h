/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_FACTS_H
#define ISMS_FACTS_H

#include <time.h>

#include "isms/policy.h"
#include "isms/store.h"

/*
 * Read from the store what @p's rules need to know about @user at @now: is
 * the user a person in the register and active, has the user acknowledged the
 * current version of each document the policy names, how many days since the
 * last access review of the user on the policy's asset, and is that asset
 * locked down.  A few indexed reads.  @acks must hold one entry per document
 * of isms_policy_documents(); ret->acks points into it.
 * Returns 0, or a negative errno with the facts left unknown (store_ok false).
 */
int isms_facts_load(struct isms_store *s, const struct isms_policy *p, const char *user, time_t now,
		    struct isms_facts *ret, struct isms_ack_fact *acks, size_t nacks)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 5)));

/* Facts when there is no store: everything unknown. */
void isms_facts_unknown(struct isms_facts *ret) __attribute__((nonnull));

#endif
