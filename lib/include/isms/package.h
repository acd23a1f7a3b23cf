/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_PACKAGE_H
#define ISMS_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/target_object.h"

/*
 * The requirement package of a target object (Grundschutz++ STM): the
 * Kernel's requirements whose target object categories name the object's
 * type or one of its ancestors ("Hostsysteme" receives what applies to
 * "IT-Systeme"), at security level normal-SdT always and at "erhöht" where
 * the object's protection requirement is high or very high.  Requirements
 * that name no category belong to the information domain as a whole: in the
 * scope's package, not an object's.  Pure.
 */

#define ISMS_SEC_NORMAL "normal-SdT"
#define ISMS_SEC_RAISED "erhöht"

struct isms_package_req {
	const char *id;
	const char *sec_level;  /* ISMS_SEC_NORMAL, ISMS_SEC_RAISED, or NULL */
	const char *categories; /* comma-separated type names, or NULL/"" for none */
};

enum isms_package_why {
	ISMS_PKG_NO = 0,       /* not in the package */
	ISMS_PKG_TYPE,         /* the category names the object's type */
	ISMS_PKG_ANCESTOR,     /* ... or a type above it */
	ISMS_PKG_DOMAIN,       /* no category: the whole information domain */
};

/*
 * Select from @reqs (@n) for an object of type @type (an index in @toc, or
 * -1 for the information domain itself) whose highest protection
 * requirement is @protection (0 normal, 1 high, 2 very high).  @why[i]
 * says whether and why reqs[i] is in; an unknown category name matches
 * nothing.  Returns how many are in.
 */
size_t isms_package_select(const struct isms_toc *toc, int type, int protection,
			   const struct isms_package_req *reqs, size_t n, enum isms_package_why *why)
	__attribute__((nonnull(1, 6)));

/* Whether a requirement at @sec_level applies at @protection: erhöht from high on, any other always. */
bool isms_package_level_applies(const char *sec_level, int protection);

#endif
