/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_OVERDUE_H
#define ISMS_OVERDUE_H

#include <stddef.h>

#include "isms/store.h"

/*
 * Everything past its date, from every register that has dates to keep:
 * reviews not done, measures not implemented, documents past their next
 * review, risk acceptances that expired (ISO 27001 6.1.3: they return to
 * review), nonconformities not closed (10.2), audits planned and not
 * held (9.2), context issues and requirements past their review (4.1,
 * 4.2), objectives past due (6.2), trainings expired and not retaken
 * (7.2), risks a live indicator raised and not reassessed since (8.2);
 * and decisions missing, due today: a security officer or DPO without a
 * current appointment (5.3), a document whose new version is not
 * approved (5.2; due since the last approval), a risk to be mitigated,
 * transferred or avoided whose treatment plan its owner has not approved
 * (6.1.3 f).
 * One list, so that the
 * command, the report to the board and the management review's inputs
 * count the same things.
 */

struct isms_overdue_item {
	const char *what;        /* "review", "measure", "nonconformity"... (static) */
	char *id;                /* the record's key */
	char *subject;           /* its subject or title */
	char *since;             /* YYYY-MM-DD: the date it passed */
	char *responsible;       /* reviewer, owner or responsible; NULL: nobody */
	size_t seq;              /* found in this order: register, then record */
};

struct isms_overdue {
	struct isms_overdue_item *v;
	size_t n;
};

/*
 * The items of @schema's registers whose date is before @today
 * (YYYY-MM-DD), oldest first (then in the order of the registers
 * above, and of their records).  0 or a negative
 * errno; @ret is released by isms_overdue_release() either way.
 */
int isms_overdue_list(struct isms_store *s, const struct isms_schema *schema, const char *today,
		      struct isms_overdue *ret) __attribute__((warn_unused_result, nonnull));

void isms_overdue_release(struct isms_overdue *o);

#endif
