/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The facts a control test's conditions ask of a row, from the register at the row's time. */
#include <errno.h>
#include <string.h>

#include "isms/assess.h"
#include "isms/date.h"
#include "isms/identity.h"
#include "role_sql.h"
#include "store_internal.h"

/* A person is the subject if their login is it, or they have no login and their name is. */
#define PERSON_IS "(p.login = ?1 OR (p.login IS NULL AND p.name = ?1))"

static int member_now(const char *user, const char *group)
{
	struct isms_identity id = {0};
	int r = isms_identity_by_name(user, &id);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return -ENODATA; /* NSS could not say: unknown, never "no" */
	r = 0;
	for (size_t i = 0; i < id.ngroups; i++)
		if (strcmp(id.groups[i], group) == 0)
			r = 1;
	isms_identity_release(&id);
	return r;
}

int isms_assess_fact(const struct isms_ctest_cond *c, const struct isms_ctest_row *row,
		     void *userdata)
{
	struct isms_store *s = userdata;
	char day[ISMS_DATE_MAX];
	int64_t v = 0;
	int r;

	if (!row->subject || !row->subject[0])
		return -ENODATA;
	isms_date_format(row->ts, day, sizeof(day));
	day[10] = '\0';
	switch (c->fact) {
	case ISMS_CTEST_FACT_REVIEWED:
		if (!row->asset)
			return -ENODATA;
		/* A review that found the access wrong does not vouch for it. */
		r = store_query_int(s,
				    "SELECT CAST(julianday(?3) - julianday(max(r.done)) AS INTEGER)"
				    " FROM review r JOIN person p ON p.pk = r.person"
				    " JOIN asset a ON a.pk = r.asset"
				    " WHERE r.kind = 'access' AND r.done IS NOT NULL AND r.done <= ?3"
				    " AND coalesce(r.result, 'ok') <> 'failed'"
				    " AND " PERSON_IS " AND a.name = ?2",
				    row->subject, row->asset, day, &v);
		return r < 0 ? r : r == 1 && v * 86400 <= c->seconds;
	case ISMS_CTEST_FACT_ACTIVE:
		r = store_query_int(s,
				    "SELECT " ROLE_SQL_ACTIVE("p", "?2") " FROM person p WHERE " PERSON_IS
				    " LIMIT 1",
				    row->subject, day, NULL, &v);
		return r < 0 ? r : r == 1 && v;
	case ISMS_CTEST_FACT_ROLE:
		r = store_query_int(s, "SELECT " ROLE_SQL_HOLDS("p.role", "?2") " FROM person p WHERE " PERSON_IS
				    " LIMIT 1",
				    row->subject, c->value, NULL, &v);
		return r < 0 ? r : r == 1 && v;
	case ISMS_CTEST_FACT_ACKNOWLEDGED:
		r = store_query_int(s,
				    "SELECT count(*) FROM acknowledgement k JOIN person p ON p.pk = k.person"
				    " JOIN document d ON d.pk = k.document"
				    " WHERE " PERSON_IS " AND d.name = ?2 AND k.at <= ?3",
				    row->subject, c->value, day, &v);
		return r < 0 ? r : r == 1 && v > 0;
	case ISMS_CTEST_FACT_MEMBER:
		return member_now(row->subject, c->value);
	case ISMS_CTEST_FACT_NONE:
		break;
	}
	return -ENODATA;
}
