/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Breaches: the order of their moments (nobody notifies before being
 * aware), and a breach opened from a finding of the access review, aware
 * from the evidence that revealed it, with the DPO's decision recorded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpms.h"
#include "dpms_hooks.h"
#include "isms/date.h"
#include "isms/sql.h"
#include "isms/strutil.h"

/* The moments that can only follow awareness, and what they are under the GDPR. */
static const struct {
	const char *field;
	const char *what;
} after_aware[] = {
	{"notified_at", "the supervisory authority cannot be notified (Art. 33(1))"},
	{"controller_notified_at", "the controller cannot be notified (Art. 33(2))"},
	{"subjects_informed_at", "the data subjects cannot be informed (Art. 34(1))"},
};

#define NAFTER (sizeof(after_aware) / sizeof(after_aware[0]))

int dpms_breach_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	sqlite3_stmt *st = NULL;
	int64_t aware, t;
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	/* The whole row as written, whichever fields this write gave. */
	r = isms_sql_prepare(s,
			     "SELECT aware_at, notified_at, controller_notified_at, subjects_informed_at"
			     " FROM breach WHERE id = ?1",
			     &st);
	if (r < 0)
		return r;
	r = isms_sql_bind_text(s, st, 1, key);
	if (r >= 0)
		r = isms_sql_step_row(s, st);
	if (r <= 0)
		goto out; /* a row just written is there; if not, nothing to check */
	r = 0;
	if (isms_parse_datetime((const char *)sqlite3_column_text(st, 0), &aware) < 0)
		goto out; /* required and parsed on entry: an import's odd row is not ours to judge */
	for (size_t i = 0; i < NAFTER; i++) {
		const char *v = (const char *)sqlite3_column_text(st, (int)i + 1);

		if (v && isms_parse_datetime(v, &t) == 0 && t < aware) {
			r = isms_sql_seterr(s, -EINVAL,
					    "breach '%s': %s %s is before aware_at %s: %s before"
					    " anyone was aware of the breach",
					    key, after_aware[i].field, v,
					    (const char *)sqlite3_column_text(st, 0), after_aware[i].what);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return r;
}

struct finding_row {
	char *activity, *evidence, *user, *path, *at, *why, *breach, *evidence_ts;
};

static char *col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v ? strdup(v) : NULL;
}

static void finding_row_release(struct finding_row *f)
{
	free(f->activity);
	free(f->evidence);
	free(f->user);
	free(f->path);
	free(f->at);
	free(f->why);
	free(f->breach);
	free(f->evidence_ts);
	memset(f, 0, sizeof(*f));
}

static int finding_load(struct isms_store *s, const char *id, struct finding_row *f)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = isms_sql_prepare(s,
			     "SELECT a.id, f.evidence, f.user, f.path, f.at, f.why, b.id, e.ts"
			     " FROM finding f LEFT JOIN activity a ON a.pk = f.activity"
			     " LEFT JOIN breach b ON b.pk = f.breach"
			     " LEFT JOIN evidence e ON e.pk = f.evidence WHERE f.id = ?1",
			     &st);
	if (r < 0)
		return r;
	r = isms_sql_bind_text(s, st, 1, id);
	if (r >= 0)
		r = isms_sql_step_row(s, st);
	if (r == 0)
		r = isms_sql_seterr(s, -ENOENT, "finding '%s' not found (see 'dpmsctl finding list')",
				    id);
	if (r > 0) {
		f->activity = col(st, 0);
		f->evidence = col(st, 1);
		f->user = col(st, 2);
		f->path = col(st, 3);
		f->at = col(st, 4);
		f->why = col(st, 5);
		f->breach = col(st, 6);
		f->evidence_ts = col(st, 7);
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

int dpms_breach_from_finding(struct isms_store *s, const char *finding, const char *aware_at,
			     const char *by, int64_t now, char **ret_breach)
{
	const struct isms_entity *fe = isms_schema_entity(&dpms_schema, "finding");
	const struct isms_entity *be = isms_schema_entity(&dpms_schema, "breach");
	struct finding_row f = {0};
	char title[512], decided[32], *bid = NULL;
	const char *aware;
	int r;

	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = finding_load(s, finding, &f);
	if (r < 0)
		goto fail;
	if (f.why && strcmp(f.why, "attempt") == 0) {
		/* Art. 4(12): a breach leads to destruction, loss, alteration, disclosure
		 * of or access to personal data; a refused attempt led to none. */
		r = isms_sql_seterr(s, -EINVAL,
				    "finding '%s' is a failed attempt (the access was refused): no"
				    " personal data breach under GDPR Art. 4(12); assess it with"
				    " 'dpmsctl finding set %s --status justified|unjustified'",
				    finding, finding);
		goto fail;
	}
	if (f.breach) {
		/* One access, one entry in the Art. 33(5) register: never a second breach. */
		r = isms_sql_seterr(s, -EEXIST,
				    "finding '%s' already opened breach '%s' (see 'dpmsctl breach show %s')",
				    finding, f.breach, f.breach);
		goto fail;
	}
	/*
	 * The organisation held the evidence from the moment it was recorded: that
	 * is when it could be aware, not when the DPO got round to the review
	 * (EDPB Guidelines 9/2022, awareness).  The DPO may say otherwise.
	 */
	aware = aware_at ? aware_at : f.evidence_ts ? f.evidence_ts : f.at;
	if (!aware) {
		r = isms_sql_seterr(s, -EINVAL,
				    "finding '%s' has no evidence time to be aware from: give --aware-at",
				    finding);
		goto fail;
	}
	isms_date_format((time_t)now, decided, sizeof(decided));
	snprintf(title, sizeof(title), "%s access by '%s' to '%s' (finding %s)",
		 f.why && strcmp(f.why, "outside_hours") == 0 ? "Out-of-hours" : "Unauthorised",
		 f.user ? f.user : "?", f.path ? f.path : "?", finding);
	{
		/* The access is when the breach occurred. */
		struct isms_kv kv[] = {
			{"title", title},         {"activity", f.activity}, {"aware_at", aware},
			{"evidence", f.evidence}, {"description", title},   {"decided_by", by},
			{"decided_at", decided},  {"occurred_at", f.at},
		};

		r = isms_record_add(s, be, kv, f.at ? 8 : 7, &bid);
	}
	if (r >= 0) {
		struct isms_kv fk[] = {{"status", "unjustified"}, {"breach", bid}};

		r = isms_record_change(s, fe, finding, fk, 2);
	}
	if (r < 0)
		goto fail;
	r = isms_store_commit(s);
	if (r < 0)
		goto fail_committed;
	finding_row_release(&f);
	*ret_breach = bid;
	return 0;
fail:
	isms_store_rollback(s);
fail_committed:
	finding_row_release(&f);
	free(bid);
	return r;
}
