/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pseudonymisation of old evidence: a format-2 or 3 row's subject becomes its
 * pseudonym and its details go, with its salt, so that the digests left in
 * the row can no longer be matched against guessed names.  The chain hash
 * covers the digests, not the text: the row still verifies, and every other
 * field stays as it was, under the hash.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evidence_internal.h"
#include "isms/archive.h"
#include "isms/date.h"
#include "isms/strutil.h"

/* A batch due: it still has its salt, and none of its rows is as recent as ?1. */
#define RAW_DUE                                                                                \
	" AND r.salt IS NOT NULL AND NOT EXISTS (SELECT 1 FROM evidence x"                     \
	" WHERE x.pk BETWEEN r.pk AND r.pk + r.n - 1"                                          \
	" AND NOT (CAST(strftime('%s', x.ts) AS INTEGER) < ?1))"

int isms_evidence_pseudonymise(struct isms_store *s, int64_t before, int64_t *ret_rows)
{
	struct isms_verify_result vr;
	struct isms_evidence ev = {.source = s->schema->tool, .kind = "evidence.pseudonymised",
				   .control = "5.34", .outcome = "pseudonymised"};
	sqlite3_stmt *st = NULL;
	char details[128], when[32];
	int64_t n = 0;
	int r = store_check_writable(s);

	if (r < 0)
		return r;
	r = isms_evidence_verify(s, &vr);
	if (r == -EBADMSG)
		return store_seterr(s, r, "the evidence chain does not verify, nothing pseudonymised: %s",
				    vr.reason);
	if (r < 0)
		return r;
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = store_prepare(s,
			  "UPDATE evidence SET psalt = NULL, details = NULL,"
			  " subject = CASE WHEN subject IS NULL THEN NULL"
			  " ELSE '~' || substr(subject_d, 1, 16) END"
			  " WHERE fmt = 2 AND psalt IS NOT NULL"
			  " AND CAST(strftime('%s', ts) AS INTEGER) < ?1",
			  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, before) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	if (r >= 0)
		n = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	st = NULL;
	/*
	 * Format 3: a whole batch at a time, once every row of it is older
	 * (its salt and stream serve them all): the rows' subjects first,
	 * while the batch still says it holds them, then the batch.
	 */
	for (int i = 0; r >= 0 && i < 2; i++) {
		r = store_prepare(s, i == 0 ?
				  "UPDATE evidence SET subject = CASE WHEN subject IS NULL THEN NULL"
				  " ELSE '~' || substr(subject_d, 1, 16) END"
				  " WHERE fmt = 3 AND pk IN (SELECT e.pk FROM evidence_raw r"
				  " JOIN evidence e ON e.pk BETWEEN r.pk AND r.pk + r.n - 1" RAW_DUE ")" :
				  "UPDATE evidence_raw SET salt = NULL, z = NULL"
				  " WHERE pk IN (SELECT r.pk FROM evidence_raw r WHERE 1" RAW_DUE ")",
				  &st);
		if (r >= 0 && sqlite3_bind_int64(st, 1, before) != SQLITE_OK)
			r = -EIO;
		if (r >= 0)
			r = store_step_done(s, st);
		if (r >= 0 && i == 0)
			n += sqlite3_changes(s->db);
		sqlite3_finalize(st);
		st = NULL;
	}
	/* The pseudonyms are found by subject as the names were (evidence_tag). */
	if (r >= 0 && n > 0)
		r = store_prepare(s,
				  "INSERT OR IGNORE INTO evidence_tag (field, value, block)"
				  " SELECT 5, subject, pk >> 6 FROM evidence"
				  " WHERE ((fmt = 2 AND psalt IS NULL) OR fmt = 3) AND subject GLOB '~*'"
				  " AND CAST(strftime('%s', ts) AS INTEGER) < ?1",
				  &st);
	if (st && sqlite3_bind_int64(st, 1, before) != SQLITE_OK)
		r = -EIO;
	if (st && r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r >= 0 && n > 0) {
		isms_date_format((time_t)before, when, sizeof(when));
		snprintf(details, sizeof(details), "{\"before\":\"%s\",\"rows\":%" PRId64 "}", when, n);
		ev.details = details;
		r = isms_evidence_append(s, &ev, NULL);
	}
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	r = isms_store_commit(s);
	if (r >= 0)
		*ret_rows = n;
	return r;
}
