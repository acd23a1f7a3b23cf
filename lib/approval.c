/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Approvals of the register: who may approve a scope, a policy document
 * and a risk's treatment plan, and when.  Checks only, so they run the
 * same during an import (a register restored is held to the same rules).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "approval_internal.h"
#include "crud_internal.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/role.h"
#include "register_internal.h"
#include "store_internal.h"

/* Whether one of the fields @a, @b, @c (NULL: none) is among those written. */
static bool given(const struct isms_kv *kv, size_t n, bool added, const char *a, const char *b,
		  const char *c)
{
	const char *const names[] = {a, b, c};
	bool found = added;

	for (size_t i = 0; i < 3 && !found; i++)
		if (names[i])
			crud_kv_find(kv, n, names[i], &found);
	return found;
}

static void today_utc(char today[11])
{
	isms_date_day(time(NULL), today);
}

/*
 * The approval of @what: @by on @at, proposed by @proposer, checked when
 * one of them was written.  Management approves, never the proposer.
 */
static int approved_by_management(struct isms_store *s, const char *what, const char *by,
				  const char *at, const char *proposer, bool written,
				  bool date_written)
{
	char today[11];

	today_utc(today);
	if (!by) {
		if (at && date_written)
			return store_seterr(s, -EINVAL,
					    "%s: an approval needs who gave it (approved_by)", what);
		return 0;
	}
	if (!at)
		return store_seterr(s, -EINVAL, "%s: an approval needs its date (approved_at)",
				    what);
	if (date_written && strcmp(at, today) > 0)
		return store_seterr(s, -EINVAL,
				    "%s: approved_at %s is in the future: an approval is recorded when"
				    " it is given",
				    what, at);
	if (!written)
		return 0;
	return isms_role_approver_check(s, what, "approve", by, proposer, "management", at);
}

/* Who approved the record @key of @e, when, and who proposed it: the columns the rules read. */
static const char *approval_sql(const struct isms_entity *e)
{
	if (strcmp(e->table, "scope") == 0)
		return "SELECT (SELECT p.name FROM person p WHERE p.pk = t.approved_by), t.approved_at,"
		       " (SELECT p.name FROM person p WHERE p.pk = t.proposed_by)"
		       " FROM scope t WHERE t.name = ?1";
	return "SELECT (SELECT p.name FROM person p WHERE p.pk = t.approved_by), t.approved_at,"
	       " (SELECT p.name FROM person p WHERE p.pk = t.proposed_by)"
	       " FROM document t WHERE t.name = ?1";
}

static int record_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			  const struct isms_kv *kv, size_t n, bool added)
{
	char *v[3], what[96];
	int r;

	snprintf(what, sizeof(what), "%s '%.64s'", e->name, key);
	r = register_row(s, approval_sql(e), key, v, 3);
	if (r < 0)
		return r;
	r = approved_by_management(s, what, v[0], v[1], v[2],
				   given(kv, n, added, "approved_by", "approved_at", "proposed_by"),
				   given(kv, n, added, "approved_at", "approved_by", NULL));
	register_row_release(v, 3);
	return r;
}

int approval_scope_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			   const struct isms_kv *kv, size_t n, bool added)
{
	return record_written(s, e, key, kv, n, added);
}

int approval_document_written(struct isms_store *s, const struct isms_entity *e,
			      const char *key, const struct isms_kv *kv, size_t n, bool added)
{
	/* An import restores which version was approved; by hand, the approval says it. */
	if (!s->importing)
		for (size_t i = 0; i < n; i++)
			if (strcmp(kv[i].name, "approved_version") == 0)
				return store_seterr(s, -EPERM,
						    "%s '%.64s': approved_version is the version current"
						    " when it is approved (--approved-by, --approved-at),"
						    " not set by hand",
						    e->name, key);
	return record_written(s, e, key, kv, n, added);
}

int approval_document_derive(struct isms_store *s, const struct isms_entity *e, const char *key,
			     const struct isms_kv *kv, size_t n, bool added, const char **ret_name,
			     char **ret_value)
{
	const char *by = NULL, *version = NULL;
	char *stored = NULL;
	bool by_given = false, at_given = false, version_given = false;
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(kv[i].name, "approved_by") == 0) {
			by_given = true;
			by = kv[i].value;
		} else if (strcmp(kv[i].name, "approved_at") == 0) {
			at_given = kv[i].value != NULL;
		} else if (strcmp(kv[i].name, "version") == 0) {
			version_given = true;
			version = kv[i].value;
		}
	}
	*ret_name = "approved_version";
	*ret_value = NULL;
	/* Approval withdrawn: no version is approved. */
	if (by_given && !by)
		return 1;
	if (!by && !at_given)
		return 0;
	if (!version_given && !added) {
		r = register_row(s, "SELECT version FROM document WHERE name = ?1", key, &stored, 1);
		version = stored;
	}
	if (r >= 0 && version && !(*ret_value = strdup(version)))
		r = -ENOMEM;
	register_row_release(&stored, 1);
	return r < 0 ? r : 1;
}

int approval_treatment_check(struct isms_store *s, const struct isms_entity *e, const char *key,
			     const struct isms_kv *kv, size_t n, bool added, const char *today)
{
	char *v[3], why[256];
	const char *by, *at, *owner;
	int r;

	(void)e;
	r = register_row(s,
			 "SELECT (SELECT p.name FROM person p WHERE p.pk = t.treatment_approved_by),"
			 " t.treatment_approved_at, (SELECT p.name FROM person p WHERE p.pk = t.owner)"
			 " FROM risk t WHERE t.id = ?1",
			 key, v, 3);
	if (r < 0)
		return r;
	by = v[0];
	at = v[1];
	owner = v[2];
	if (!by) {
		if (at && given(kv, n, added, "treatment_approved_at", NULL, NULL))
			r = store_seterr(s, -EINVAL,
					 "risk '%.64s': a treatment plan's approval needs who gave it"
					 " (treatment_approved_by)",
					 key);
		goto out;
	}
	if (!at) {
		r = store_seterr(s, -EINVAL,
				 "risk '%.64s': a treatment plan's approval needs its date"
				 " (treatment_approved_at)",
				 key);
		goto out;
	}
	if (given(kv, n, added, "treatment_approved_at", "treatment_approved_by", NULL) &&
	    strcmp(at, today) > 0) {
		r = store_seterr(s, -EINVAL,
				 "risk '%.64s': treatment_approved_at %s is in the future: an approval"
				 " is recorded when it is given",
				 key, at);
		goto out;
	}
	if (!given(kv, n, added, "treatment_approved_by", "treatment_approved_at", "owner"))
		goto out;
	/* ISO 27001 6.1.3 f: the risk owners approve the treatment plan. */
	if (!owner || strcmp(owner, by) != 0) {
		r = store_seterr(s, -EPERM,
				 "risk '%.64s': '%.64s' cannot approve its treatment plan: only the"
				 " risk's owner (%s) approves it (ISO 27001 6.1.3 f)",
				 key, by, owner ? owner : "none: set --owner first");
		goto out;
	}
	r = isms_role_check(s, by, NULL, at, why, sizeof(why));
	if (r == -EPERM || r == -ENOENT)
		r = store_seterr(s, r, "risk '%.64s': '%.64s' cannot approve its treatment plan: %s",
				 key, by, why);
out:
	register_row_release(v, 3);
	return r < 0 ? r : 0;
}
