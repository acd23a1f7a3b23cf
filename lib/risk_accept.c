/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may accept a risk, and when (ISO 27001 6.1.3 f, 8.3): the residual
 * risk is accepted by management, never by the owner who proposes the
 * treatment, on a day that has come, for a time that ends after it.  The
 * risk record type's written() hook, on every add, change and import.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "approval_internal.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/role.h"
#include "risk_accept_internal.h"
#include "store_internal.h"

struct acc {
	char *id, *owner, *by, *at, *until, *rby, *rat;
};

static void acc_release(struct acc *a)
{
	char **f[] = {&a->id, &a->owner, &a->by, &a->at, &a->until, &a->rby, &a->rat};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

static int acc_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	static const char *const names[] = {"id", "owner", "accepted_by", "accepted_at",
					    "accepted_until", "revoked_by", "revoked_at"};
	struct acc *a = ud;
	char **f[] = {&a->id, &a->owner, &a->by, &a->at, &a->until, &a->rby, &a->rat};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *x = v[isms_entity_field_index(e, names[i])];

		if (x && !(*f[i] = strdup(x)))
			return -ENOMEM;
	}
	return 0;
}

static bool given(const struct isms_kv *kv, size_t n, bool added, const char *a, const char *b)
{
	if (added)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].name, a) == 0 || (b && strcmp(kv[i].name, b) == 0))
			return true;
	return false;
}

int risk_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		 const struct isms_kv *kv, size_t n, bool added)
{
	struct acc a = {0};
	char today[11], what[96];
	time_t now = time(NULL);
	int r;

	isms_date_day(now, today);
	snprintf(what, sizeof(what), "risk '%.64s'", key);
	r = isms_record_get(s, e, key, acc_cb, &a);
	if (r < 0)
		goto out;
	if (a.by) {
		if (!a.at) {
			r = store_seterr(s, -EINVAL, "risk '%.64s': an acceptance needs its date"
				       " (accepted_at)", key);
			goto out;
		}
		if (given(kv, n, added, "accepted_at", "accepted_by") && strcmp(a.at, today) > 0) {
			r = store_seterr(s, -EINVAL,
					 "risk '%.64s': accepted_at %s is in the future: an acceptance"
					 " is recorded when it is given", key, a.at);
			goto out;
		}
		if (a.until && strcmp(a.until, a.at) <= 0) {
			r = store_seterr(s, -EINVAL,
					 "risk '%.64s': the acceptance expires (%s) before it was given"
					 " (%s)", key, a.until, a.at);
			goto out;
		}
		/* its owner proposes the treatment (ISO 27001 6.1.3 f) */
		if (given(kv, n, added, "accepted_by", "owner")) {
			r = isms_role_approver_check(s, what, "accept", a.by, a.owner, "management",
						     a.at);
			if (r < 0)
				goto out;
		}
	} else if (a.until || (a.at && given(kv, n, added, "accepted_at", NULL))) {
		r = store_seterr(s, -EINVAL, "risk '%.64s': an acceptance needs who gave it"
			       " (accepted_by)", key);
		goto out;
	}
	if (a.rat || a.rby) {
		if (!a.by || !a.rat || !a.rby) {
			r = store_seterr(s, -EINVAL,
					 "risk '%.64s': a revocation needs an acceptance, who revoked"
					 " it and when (revoked_by, revoked_at)", key);
			goto out;
		}
		if (strcmp(a.rat, a.at) < 0) {
			r = store_seterr(s, -EINVAL, "risk '%.64s': revoked (%s) before accepted (%s)",
					 key, a.rat, a.at);
			goto out;
		}
		if (given(kv, n, added, "revoked_by", NULL))
			r = isms_role_approver_check(s, what, "revoke its acceptance", a.rby, NULL,
						     "management", a.rat);
	}
	if (r >= 0)
		r = approval_treatment_check(s, e, key, kv, n, added, today);
out:
	acc_release(&a);
	return r < 0 ? r : 0;
}
