/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ROLE_H
#define ISMS_ROLE_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/store.h"

/*
 * Roles that decide (ISO 27001 5.2, 5.3): who holds a role, and whether a
 * person may give an approval.  The one place that answers it: scope and
 * document approvals, the SoA, risk acceptances, treatment plans,
 * management reviews and appointments all ask here.
 */

/* Whether @role is one of the roles a person may hold (person.role's choices). */
bool isms_role_known(const char *role) __attribute__((nonnull));

/* Whether the comma-separated set @roles (NULL: none) contains @role. */
bool isms_role_holds(const char *roles, const char *role) __attribute__((nonnull(2)));

/* "security officer" for "security_officer"; @role itself when unknown.  Static. */
const char *isms_role_title(const char *role) __attribute__((nonnull));

/*
 * Whether @person (a person's key) is in the register, active on @day
 * (YYYY-MM-DD) and holds @role (NULL: any).  0 if so; -ENOENT (no such
 * person) or -EPERM (left, or without the role) with the reason in @why
 * ("not an active person with the role management (left 2026-06-30)");
 * another negative errno on a store error (the store's message set).
 */
int isms_role_check(struct isms_store *s, const char *person, const char *role, const char *day,
		    char *why, size_t whylen) __attribute__((warn_unused_result, nonnull(1, 2, 4, 5)));

/*
 * Whether @by may @verb ("approve", "accept") @what ("scope
 * 'it-operations'"), proposed by @proposer (NULL: nobody), on @day: not
 * the proposer (segregation of duties, ISO 27001 5.3) and an active person
 * with @role.  0, or -EPERM / -ENOENT with the store's message
 * "WHAT: 'BY' cannot VERB: REASON".
 */
int isms_role_approver_check(struct isms_store *s, const char *what, const char *verb,
			     const char *by, const char *proposer, const char *role,
			     const char *day)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 4, 6, 7)));

#endif
