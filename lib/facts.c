/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The facts a login decision needs, read from the register. */
#include <errno.h>
#include <string.h>

#include "isms/date.h"
#include "isms/facts.h"
#include "store_internal.h"
#include "isms/strutil.h"

/* A person is the user if their login is the user, or they have no login and their name is. */
#define PERSON_IS_USER "(p.login = ?1 OR (p.login IS NULL AND p.name = ?1))"

int isms_facts_load(struct isms_store *s, const struct isms_policy *p, const char *user, time_t now,
		    struct isms_facts *f, struct isms_ack_fact *acks, size_t nacks)
{
	const char *const *docs = isms_policy_documents(p);
	char today[32];
	int64_t v;
	bool null;
	size_t n = 0;
	int r;

	isms_facts_unknown(f);
	isms_date_format(now, today, sizeof(today));
	today[10] = '\0';

	r = store_query_int(s,
			    "SELECT CASE WHEN p.active_until IS NULL OR p.active_until >= ?2 THEN 1 ELSE 0 END"
			    " FROM person p WHERE " PERSON_IS_USER " LIMIT 1",
			    user, today, NULL, &v);
	if (r < 0)
		return r;
	null = r == 0;
	f->person_known = null ? ISMS_FACT_NO : ISMS_FACT_YES;
	f->person_active = null ? ISMS_FACT_NO : v ? ISMS_FACT_YES : ISMS_FACT_NO;

	r = store_query_int(s, "SELECT locked_down FROM asset WHERE name = ?1",
			    isms_policy_asset(p), NULL, NULL, &v);
	if (r < 0)
		return r;
	null = r == 0;
	f->asset_locked = null ? ISMS_FACT_UNKNOWN : v ? ISMS_FACT_YES : ISMS_FACT_NO;

	for (; docs[n]; n++) {
		if (n >= nacks)
			return -E2BIG;
		r = store_query_int(s,
				    "SELECT count(*) FROM acknowledgement a"
				    " JOIN document d ON d.pk = a.document AND d.version = a.version"
				    " JOIN person p ON p.pk = a.person"
				    " WHERE " PERSON_IS_USER " AND d.name = ?2",
				    user, docs[n], NULL, &v);
		if (r < 0)
			return r;
		null = r == 0;
		acks[n].document = docs[n];
		acks[n].acknowledged = !null && v > 0 ? ISMS_FACT_YES : ISMS_FACT_NO;
	}
	f->acks = acks;
	f->nacks = n;

	if (isms_policy_needs_review(p)) {
		/* A review that found the access wrong does not vouch for it. */
		r = store_query_int(s,
				    "SELECT CAST(julianday(?3) - julianday(max(r.done)) AS INTEGER)"
				    " FROM review r JOIN person p ON p.pk = r.person"
				    " JOIN asset a ON a.pk = r.asset"
				    " WHERE r.kind = 'access' AND r.done IS NOT NULL"
				    " AND coalesce(r.result, 'ok') <> 'failed'"
				    " AND " PERSON_IS_USER " AND a.name = ?2",
				    user, isms_policy_asset(p), today, &v);
		if (r < 0)
			return r;
		null = r == 0;
		f->last_review_days = null || v < 0 ? -1 : v;
	}
	f->store_ok = true;
	return 0;
}
