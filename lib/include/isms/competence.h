/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_COMPETENCE_H
#define ISMS_COMPETENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/store.h"

/*
 * Competence (ISO 27001 7.2): for each active person, their role and the
 * trainings valid on a day, and whether one of them qualifies for that
 * role.  A training counts from its completion to its valid_until; one
 * without a role counts for the person, not for a role.
 */

struct isms_competence_row {
	char *person, *role;
	char *trainings; /* the valid ones, "TR-1 topic (until YYYY-MM-DD); ..."; NULL: none */
	bool covered;    /* a valid training names the person's role */
};

struct isms_competence {
	struct isms_competence_row *v;
	size_t n;
};

/*
 * The active people of @role (NULL: of every role) on @today (YYYY-MM-DD),
 * in the order they were added.  0, -EINVAL for a role people cannot have
 * (the store's message set), or -errno; @ret is released by
 * isms_competence_release() either way.
 */
int isms_competence_list(struct isms_store *s, const char *role, const char *today,
			 struct isms_competence *ret) __attribute__((warn_unused_result, nonnull(1, 3, 4)));
void isms_competence_release(struct isms_competence *c);

#endif
