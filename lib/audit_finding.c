/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An audit's findings: each a nonconformity of the audit, opened as every other one is. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/audit.h"
#include "isms/entity.h"
#include "isms/nonconformity.h"
#include "store_internal.h"

/*
 * The number of the audit's next finding: one above the highest of the
 * origins "IA-n#k" given so far.  Not a count: with a finding removed a
 * count would give the number of one still open, and isms_nc_open() would
 * return that one instead of opening the new one.
 */
static int next_number(struct isms_store *s, const char *audit, int64_t *ret)
{
	int64_t v = 0;
	int r = store_query_int(s,
				"SELECT max(CAST(substr(origin, length(?1) + 2) AS INTEGER))"
				" FROM nonconformity WHERE source = 'audit'"
				" AND substr(origin, 1, length(?1) + 1) = ?1 || '#'",
				audit, NULL, NULL, &v);

	if (r < 0)
		return r;
	*ret = (r == 1 ? v : 0) + 1;
	return 0;
}

int isms_audit_finding_open(struct isms_store *s, const struct isms_audit_finding *f,
			    char **ret_id)
{
	const struct isms_entity *ae = isms_entity_lookup("audit");
	struct isms_nc_new n = {
		.title = f->title,
		.source = "audit",
		.severity = f->severity,
		.description = f->description,
		.controls = f->controls,
		.risks = f->risks,
		.responsible = f->responsible,
		.due = f->due,
		.now = f->now,
	};
	char origin[96], *id = NULL;
	int64_t k = 0, cancelled = 0;
	int r;

	if (!f->audit || !f->title)
		return store_seterr(s, -EINVAL, "a finding needs its audit and a title");
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = isms_record_get(s, ae, f->audit, NULL, NULL);
	if (r >= 0)
		r = store_query_int(s, "SELECT status = 'cancelled' FROM audit WHERE id = ?1",
				    f->audit, NULL, NULL, &cancelled);
	if (r >= 0 && cancelled)
		r = store_seterr(s, -EINVAL, "audit %.64s was cancelled: it has no findings",
				 f->audit);
	if (r >= 0)
		r = next_number(s, f->audit, &k);
	if (r < 0)
		goto out;
	snprintf(origin, sizeof(origin), "%.64s#%" PRId64, f->audit, k);
	n.origin = origin;
	r = isms_nc_open(s, &n, &id);
	/* 0: one of that origin was open already, which next_number() rules out */
	if (r == 0)
		r = store_seterr(s, -EEXIST, "finding %s is open already as %s", origin, id);
	if (r > 0) {
		struct isms_kv kv[] = {{"audit", f->audit}};

		r = isms_record_change(s, isms_entity_lookup("nonconformity"), id, kv, 1);
	}
out:
	if (r < 0) {
		isms_store_rollback(s);
		free(id);
		return r;
	}
	r = isms_store_commit(s);
	if (r < 0) {
		free(id);
		return r;
	}
	if (ret_id)
		*ret_id = id;
	else
		free(id);
	return 0;
}
