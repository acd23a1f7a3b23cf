/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_MREVIEW_H
#define ISMS_MREVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/store.h"
#include "isms/tz.h"

/*
 * The management review (ISO/IEC 27001:2022 9.3, Grundschutz++ PERF):
 * top management looks at what the ISMS did over a period and decides.
 * Its inputs (9.3.2 a-g) are assembled from the store, never typed: what
 * the store cannot know is said to be "not recorded".  A review is
 * recorded with its inputs frozen and their SHA-256 in the evidence chain;
 * its decisions (9.3.3) are added while it is a draft, and its approval by
 * a member of management turns each into a record with an owner and a
 * date (a measure, a nonconformity, or a review for a change), in one
 * transaction.  An approved review cannot be changed.
 */

/* Decisions per review; what a long meeting decides, and a cap on input. */
#define ISMS_MREVIEW_DECISIONS_MAX 64

struct isms_mreview_period {
	const char *period;           /* required: as isms_ctest_period_parse() reads it */
	const struct isms_tz *tz;     /* required: the zone of the period's local dates */
	const char *improvement;      /* g) opportunities for improvement; NULL: none given */
	int64_t now;                  /* Unix seconds: when the inputs are assembled */
};

/*
 * The inputs a)-g) for @p as one JSON document (malloc'd, in *ret_json):
 * a) the decisions of approved reviews and the status of the records they
 * became; b) the period's risk changes and documents approved; c) scope
 * approvals; d) nonconformities opened, closed, open and overdue; the
 * period's assessments by result with the failing tests; audits held and
 * their results; measures due in the period, implemented or not; e) not
 * recorded; f) risks by level and treatment, measures open; g) @p's text.
 * The same store and arguments give the same text.  Returns 0, -EINVAL
 * (a period that does not parse, message kept), -ENOMEM or errors of the
 * store.
 */
int isms_mreview_inputs(struct isms_store *s, const struct isms_mreview_period *p,
			char **ret_json) __attribute__((warn_unused_result, nonnull));

struct isms_mreview_new {
	struct isms_mreview_period in; /* the inputs' period, zone, g) and now */
	const char *chair;             /* required: a person's name */
	const char *held;              /* YYYY-MM-DD; NULL: the local date of in.now */
	const char *attendees;         /* NULL: none */
	const char *minutes;           /* NULL: none */
};

/*
 * Record a review in one transaction: the draft record with its inputs
 * assembled and frozen and their SHA-256, and an evidence row of kind
 * "management.review" (control 5.35, subject the chair, details the id,
 * the period and the SHA-256).  Returns 0 and the new key in *ret_id
 * (optional, malloc'd); -EINVAL, -ENOENT (no such chair), errors of the
 * store; nothing is written on failure.
 */
int isms_mreview_record(struct isms_store *s, const struct isms_mreview_new *n, char **ret_id)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* The decision kinds (9.3.3): what each becomes on approval. */
#define ISMS_MREVIEW_KINDS "measure, nonconformity, change"

struct isms_mreview_decision {
	const char *kind;  /* measure | nonconformity | change */
	const char *text;  /* required: what was decided */
	const char *owner; /* required: a person's name */
	const char *due;   /* required: YYYY-MM-DD */
};

/*
 * Add decision @d to the draft review @id; *ret_seq (optional) receives
 * its number in the review, from 1.  -ENOENT (no such review or owner),
 * -EPERM (the review is approved), -EINVAL (a bad kind, text or date),
 * -E2BIG (more than ISMS_MREVIEW_DECISIONS_MAX), errors of the store.
 */
int isms_mreview_decide(struct isms_store *s, const char *id, const struct isms_mreview_decision *d,
			int *ret_seq) __attribute__((warn_unused_result, nonnull(1, 2, 3)));

/*
 * Approve the draft review @id by person @by, whose role must be
 * management, at @now (Unix seconds), in one transaction: each decision
 * becomes its record (measure: title the text, owner, due, status
 * planned, management_review @id; nonconformity: isms_nc_open() with
 * source management_review and origin "@id#seq"; change: a review of kind
 * management, subject the text, reviewer the owner, due), its target the
 * new key; the review approved; an evidence row of kind
 * "management.review.approved" carrying the inputs' SHA-256 and the
 * decisions with their targets.  -EPERM (@by is not management, or the
 * review is approved already; the reason kept), -ENOENT (no such review or
 * person), -EINVAL (the review has no inputs), errors of the store.
 */
int isms_mreview_approve(struct isms_store *s, const char *id, const char *by, int64_t now)
	__attribute__((warn_unused_result, nonnull));

/* One decision as read back; fields may be NULL. */
struct isms_mreview_item {
	int seq;
	const char *kind, *text, *owner, *due, *target;
};

/*
 * Call @cb with each decision of review @id in order; a non-zero return
 * stops and is returned.  -ENOENT when there is no such review.
 */
int isms_mreview_decisions(struct isms_store *s, const char *id,
			   int (*cb)(const struct isms_mreview_item *it, void *userdata),
			   void *userdata) __attribute__((warn_unused_result, nonnull(1, 2, 3)));

#endif
