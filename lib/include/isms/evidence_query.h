/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_QUERY_H
#define ISMS_EVIDENCE_QUERY_H

#include <stdint.h>

#include "isms/entity.h"
#include "isms/store.h"

/*
 * Reading the evidence of a store of any kind, a page at a time, in chain
 * order, without holding more than one row: for 'evidence list' on stores
 * of millions of rows.  Paging is by key (only rows after the last one
 * seen), never by offset, so that every page costs the same however deep
 * it is and a row appended meanwhile is neither skipped nor seen twice.
 */
struct isms_evidence_query {
	/* ts at or after @since, and before @until (whole seconds, UTC,
	 * "YYYY-MM-DDTHH:MM:SS" as isms_evidence_bound() makes them); NULL: open. */
	const char *since, *until;
	int64_t after; /* only rows with an id above this (the keyset cursor); 0: from the first */
	int64_t limit; /* at most this many rows; 0: all */
	/* field = value for each: any field of the store's evidence record type
	 * (kind, control, asset, node, subject, source, outcome, event_key...) */
	const struct isms_kv *filter;
	size_t nfilter;
};

/*
 * Call @cb for each row matching @q, in chain order, with the values of the
 * store's "evidence" record type (as isms_record_list() does).  Returns the
 * number of rows (>= 0), the first non-zero return of @cb, or -errno:
 * -EINVAL for a filter on a field that does not exist.
 */
int64_t isms_evidence_list(struct isms_store *s, const struct isms_evidence_query *q,
			   isms_record_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2, 3)));

/*
 * @text as a bound for isms_evidence_query: a date YYYY-MM-DD (midnight UTC)
 * or a time that isms_date_parse() accepts, in UTC, cut to the second, into
 * @buf of at least 20 bytes.  0 or -EINVAL.
 */
int isms_evidence_bound(const char *text, char *buf, size_t len)
	__attribute__((warn_unused_result, nonnull));

#endif
