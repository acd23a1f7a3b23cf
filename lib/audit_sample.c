/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The auditor's sample: a reproducible random draw from a control's evidence, as a work paper. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "isms/audit.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/evidence_query.h"
#include "isms/sha256.h"
#include "store_internal.h"

/* The copied columns of a row, in the order of struct isms_audit_sample_row's strings. */
static const char *const names[] = {"ts",	"node",	   "source", "kind", "asset",
				    "subject", "outcome", "hash",   "rule", "reason"};
#define NNAMES (sizeof(names) / sizeof(names[0]))

struct scan {
	int fid, fi[NNAMES];
	struct isms_audit_rng g;
	int64_t n, seen;
	struct isms_audit_sample_row *slots;
	EVP_MD_CTX *md;
};

static char **row_str(struct isms_audit_sample_row *r, size_t i)
{
	char **v[NNAMES] = {&r->ts,	 &r->node,    &r->source, &r->kind, &r->asset,
			    &r->subject, &r->outcome, &r->hash,	  &r->rule, &r->reason};

	return v[i];
}

static void row_release(struct isms_audit_sample_row *r)
{
	for (size_t i = 0; i < NNAMES; i++)
		free(*row_str(r, i));
	free(r->review);
	free(r->acks);
	memset(r, 0, sizeof(*r));
}

/*
 * The records the ISMS keeps about itself: sampling them would change the
 * population.  audit.sample exactly: audit.loss, audit.daemon... are
 * audisp-isms's evidence of the audit trail (8.15), part of the population.
 */
static bool own_record(const char *kind)
{
	static const char *const own[] = {"assessment.", "nonconformity."};

	if (!kind)
		return false;
	if (strcmp(kind, "audit.sample") == 0)
		return true;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strncmp(kind, own[i], strlen(own[i])) == 0)
			return true;
	return false;
}

static int take(struct scan *x, struct isms_audit_sample_row *slot, int64_t id,
		const char *const *values)
{
	row_release(slot);
	slot->id = id;
	for (size_t i = 0; i < NNAMES; i++) {
		const char *v = x->fi[i] >= 0 ? values[x->fi[i]] : NULL;

		if (v && !(*row_str(slot, i) = strdup(v)))
			return -ENOMEM;
	}
	return 0;
}

static int scan_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct scan *x = userdata;
	const char *hash = values[x->fi[7]] ? values[x->fi[7]] : "";
	char line[160];
	int64_t id;
	int k;

	(void)e;
	if (own_record(values[x->fi[3]]))
		return 0;
	id = strtoll(values[x->fid], NULL, 10);
	k = snprintf(line, sizeof(line), "%" PRId64 " %s\n", id, hash);
	if (k < 0 || (size_t)k >= sizeof(line) || EVP_DigestUpdate(x->md, line, (size_t)k) != 1)
		return -EIO;
	/* Algorithm R: row i (from 0) replaces a random slot with probability n/(i+1). */
	if (x->seen < x->n) {
		k = take(x, &x->slots[x->seen], id, values);
	} else {
		uint64_t j = isms_audit_rng_below(&x->g, (uint64_t)x->seen + 1);

		k = j < (uint64_t)x->n ? take(x, &x->slots[j], id, values) : 0;
	}
	x->seen++;
	return k;
}

/* One text of the first row of @sql with text parameters ?1..?3: 0 with *ret (NULL: none), -errno. */
static int query_text(struct isms_store *s, const char *sql, const char *a, const char *b,
		      const char *c, char **ret)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql, &st);

	*ret = NULL;
	if (r >= 0)
		r = store_bind_text(s, st, 1, a);
	if (r >= 0)
		r = store_bind_text(s, st, 2, b);
	if (r >= 0 && c)
		r = store_bind_text(s, st, 3, c);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1 && sqlite3_column_text(st, 0)) {
		*ret = strdup((const char *)sqlite3_column_text(st, 0));
		if (!*ret)
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* A person is the subject if their login is it, or they have no login and their name is. */
#define PERSON_IS "(p.login = ?1 OR (p.login IS NULL AND p.name = ?1))"

/*
 * What stood behind a login decision on its day (UTC), as isms_assess_fact()
 * reads it: the subject's latest access review of the asset done by then,
 * and the documents they had acknowledged by then.
 */
static int behind(struct isms_store *s, struct isms_audit_sample_row *r)
{
	char day[11];
	int rc;

	if (!r->kind || strncmp(r->kind, "access.", 7) != 0 || !r->subject || !r->ts ||
	    strlen(r->ts) < 10)
		return 0;
	snprintf(day, sizeof(day), "%.10s", r->ts);
	rc = 0;
	if (r->asset)
		rc = query_text(s,
				"SELECT r.id || ' ' || r.done || ' ' || coalesce(r.result, 'ok')"
				" || ' (' || CAST(julianday(?3) - julianday(r.done) AS INTEGER)"
				" || CASE WHEN julianday(?3) - julianday(r.done) = 1 THEN ' day'"
				" ELSE ' days' END || ' before)'"
				" FROM review r JOIN person p ON p.pk = r.person"
				" JOIN asset a ON a.pk = r.asset"
				" WHERE r.kind = 'access' AND r.done IS NOT NULL AND r.done <= ?3"
				" AND " PERSON_IS " AND a.name = ?2 ORDER BY r.done DESC, r.pk DESC"
				" LIMIT 1",
				r->subject, r->asset, day, &r->review);
	if (rc >= 0)
		rc = query_text(s,
				"SELECT group_concat(x, ', ') FROM (SELECT d.name || ' ' || k.version"
				" || ' (' || max(k.at) || ')' AS x FROM acknowledgement k"
				" JOIN person p ON p.pk = k.person JOIN document d ON d.pk = k.document"
				" WHERE " PERSON_IS " AND k.at <= ?2 GROUP BY d.name, k.version"
				" ORDER BY d.name, k.version)",
				r->subject, day, NULL, &r->acks);
	return rc;
}

static int cmp_row(const void *a, const void *b)
{
	const struct isms_audit_sample_row *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int record(struct isms_store *s, const struct isms_audit_sample_opts *o,
		  struct isms_audit_sample *smp)
{
	struct isms_evidence ev = {.source = "ismsctl", .kind = "audit.sample"};
	struct json_object *d = json_object_new_object(), *ids = json_object_new_array();
	char at[ISMS_DATE_MAX], since[ISMS_DATE_MAX], until[ISMS_DATE_MAX];
	char *details = NULL;
	int r;

	if (!d || !ids) {
		json_object_put(d);
		json_object_put(ids);
		return -ENOMEM;
	}
	isms_date_format(o->now, at, sizeof(at));
	isms_date_format(o->period->start, since, sizeof(since));
	isms_date_format(o->period->end, until, sizeof(until));
	for (size_t i = 0; i < smp->nrows; i++)
		json_object_array_add(ids, json_object_new_int64(smp->rows[i].id));
	if (o->audit)
		json_object_object_add(d, "audit", json_object_new_string(o->audit));
	json_object_object_add(d, "control", json_object_new_string(o->control));
	json_object_object_add(d, "period", json_object_new_string(o->period->label));
	json_object_object_add(d, "since", json_object_new_string(since));
	json_object_object_add(d, "until", json_object_new_string(until));
	json_object_object_add(d, "n", json_object_new_int64(o->n));
	json_object_object_add(d, "seed", json_object_new_int64((int64_t)o->seed));
	json_object_object_add(d, "population", json_object_new_int64(smp->population));
	json_object_object_add(d, "population_sha256", json_object_new_string(smp->sha256));
	json_object_object_add(d, "all", json_object_new_boolean(smp->all));
	json_object_object_add(d, "sampled", ids);
	details = strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(d);
	if (!details)
		return -ENOMEM;
	ev.ts = at;
	ev.control = o->control;
	ev.subject = o->audit;
	ev.outcome = smp->all ? "all" : "sample";
	ev.details = details;
	r = isms_evidence_append(s, &ev, &smp->evidence);
	free(details);
	return r;
}

static int scan_population(struct isms_store *s, const struct isms_audit_sample_opts *o,
			   struct scan *x)
{
	const struct isms_entity *e = store_entity(s, "evidence");
	char since[32], until[32], t[ISMS_DATE_MAX];
	struct isms_kv f[1] = {{"control", o->control}};
	struct isms_evidence_query q = {.since = since, .until = until, .filter = f, .nfilter = 1};
	int64_t n;

	x->fid = isms_entity_field_index(e, "id");
	for (size_t i = 0; i < NNAMES; i++)
		x->fi[i] = isms_entity_field_index(e, names[i]);
	if (x->fid < 0 || x->fi[3] < 0 || x->fi[7] < 0)
		return store_seterr(s, -EINVAL, "this store's evidence has no id, kind or hash");
	isms_date_format(o->period->start, t, sizeof(t));
	if (isms_evidence_bound(t, since, sizeof(since)) < 0)
		return -EINVAL;
	isms_date_format(o->period->end, t, sizeof(t));
	if (isms_evidence_bound(t, until, sizeof(until)) < 0)
		return -EINVAL;
	/*
	 * One statement in chain order: one snapshot of the chain, so the
	 * population hashed is the one sampled.  Not under the write lock: a
	 * month of a busy host is read for seconds, and the collectors' writes
	 * would wait for it past their busy timeout.
	 */
	n = isms_evidence_list(s, &q, scan_cb, x);
	return n < 0 ? (int)n : 0;
}

int isms_audit_sample_draw(struct isms_store *s, const struct isms_audit_sample_opts *o,
			   struct isms_audit_sample *ret)
{
	struct isms_audit_sample smp = {0};
	struct scan x = {.n = o->n};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int r;

	if (o->n < 1 || o->n > ISMS_AUDIT_SAMPLE_MAX)
		return store_seterr(s, -EINVAL, "a sample is of 1 to %d rows, not %" PRId64,
				    ISMS_AUDIT_SAMPLE_MAX, o->n);
	if (o->seed > ISMS_AUDIT_SEED_MAX)
		return store_seterr(s, -EINVAL, "a seed is a number from 0 to %" PRIu64,
				    (uint64_t)ISMS_AUDIT_SEED_MAX);
	isms_audit_rng_seed(&x.g, o->seed);
	x.slots = calloc((size_t)o->n, sizeof(*x.slots));
	x.md = EVP_MD_CTX_new();
	if (!x.slots || !x.md || EVP_DigestInit_ex(x.md, EVP_sha256(), NULL) != 1) {
		r = -ENOMEM;
		goto fail;
	}
	r = isms_record_get(s, isms_entity_lookup("control"), o->control, NULL, NULL);
	if (r >= 0 && o->audit)
		r = isms_record_get(s, isms_entity_lookup("audit"), o->audit, NULL, NULL);
	if (r >= 0)
		r = scan_population(s, o, &x);
	if (r >= 0 && x.seen == 0)
		r = store_seterr(s, -ENODATA,
				 "no evidence of control '%.32s' in period %s: nothing to sample",
				 o->control, o->period->label);
	if (r >= 0 && (EVP_DigestFinal_ex(x.md, md, &mdlen) != 1 || mdlen != 32))
		r = -EIO;
	if (r < 0)
		goto fail;
	isms_sha256_hex_digest(md, smp.sha256);
	smp.population = x.seen;
	smp.all = o->n >= x.seen;
	smp.nrows = (size_t)(smp.all ? x.seen : o->n);
	smp.rows = x.slots;
	x.slots = NULL;
	if (smp.nrows > 1)
		qsort(smp.rows, smp.nrows, sizeof(*smp.rows), cmp_row);
	for (size_t i = 0; r >= 0 && i < smp.nrows; i++)
		r = behind(s, &smp.rows[i]);
	/* the one write: a row of the chain, whole or not at all */
	if (r >= 0)
		r = record(s, o, &smp);
	if (r < 0)
		goto fail;
	EVP_MD_CTX_free(x.md);
	*ret = smp;
	return 0;
fail:
	if (x.slots) {
		for (int64_t i = 0; i < o->n; i++)
			row_release(&x.slots[i]);
		free(x.slots);
	}
	smp.nrows = smp.rows ? (size_t)o->n : 0;
	isms_audit_sample_release(&smp);
	EVP_MD_CTX_free(x.md);
	return r;
}

void isms_audit_sample_release(struct isms_audit_sample *smp)
{
	if (!smp)
		return;
	for (size_t i = 0; smp->rows && i < smp->nrows; i++)
		row_release(&smp->rows[i]);
	free(smp->rows);
	memset(smp, 0, sizeof(*smp));
}
