/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What opens a nonconformity by itself (ISO 27001 10.2 a): a review closed
 * with findings, an indicator crossing its threshold, a break-glass login,
 * a failing control test, a chain that fails verification.  Each goes
 * through isms_nc_open(), once per origin while it is open.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isms/date.h"
#include "isms/evidence_query.h"
#include "isms/nonconformity.h"
#include "nc_sources_internal.h"
#include "store_internal.h"

#define TEXT(st, i) ((const char *)sqlite3_column_text((st), (i)))

static int64_t when(const char *ts)
{
	int64_t t;

	return ts && isms_date_parse(ts, &t, NULL) == 0 ? t : (int64_t)time(NULL);
}

/* @control when the catalogue has it, else NULL: a link to nothing must not stop a collector. */
static const char *known_control(struct isms_store *s, const char *control)
{
	const struct isms_entity *e = store_entity(s, "control");

	if (!control || !control[0] || !e || isms_record_get(s, e, control, NULL, NULL) != 0)
		return NULL;
	return control;
}

/* The control a review of @kind speaks for when no measure names one. */
static const char *review_control(const char *kind)
{
	if (strcmp(kind, "access") == 0)
		return "5.18";
	if (strcmp(kind, "policy") == 0)
		return "5.1";
	return NULL;
}

int nc_review_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		      const struct isms_kv *kv, size_t n, bool added)
{
	sqlite3_stmt *st = NULL;
	int r;

	(void)e, (void)kv, (void)n, (void)added;
	if (s->importing)
		return 0;
	r = store_prepare(s,
			  "SELECT v.kind, v.subject, v.done, v.notes,"
			  /* the risk reviewed, or every risk the measure reviewed treats */
			  " coalesce((SELECT k.id FROM risk k WHERE k.pk = v.risk),"
			  "  (SELECT group_concat(id, ',') FROM (SELECT k.id FROM measure_risk l"
			  "   JOIN risk k ON k.pk = l.risk WHERE l.measure = v.measure ORDER BY k.pk))),"
			  " (SELECT group_concat(id, ',') FROM (SELECT c.id FROM measure_control l"
			  "  JOIN control c ON c.pk = l.control WHERE l.measure = v.measure"
			  "  ORDER BY c.pk)),"
			  " p.name"
			  " FROM review v LEFT JOIN person p ON p.pk = v.reviewer"
			  " WHERE v.id = ?1 AND v.done IS NOT NULL AND v.result IN ('findings', 'failed')",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, key);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		char title[256], day[ISMS_DATE_MAX];
		const char *kind = TEXT(st, 0);
		struct isms_nc_new nc = {
			.title = title, .source = "review", .origin = key,
			.description = TEXT(st, 3), .risks = TEXT(st, 4),
			.controls = TEXT(st, 5) ? TEXT(st, 5) : known_control(s, review_control(kind)),
			.responsible = TEXT(st, 6),
		};

		snprintf(title, sizeof(title), "review %s (%s) closed with findings: %.160s", key,
			 kind, TEXT(st, 1));
		snprintf(day, sizeof(day), "%sT12:00:00Z", TEXT(st, 2));
		nc.now = when(day);
		r = isms_nc_open(s, &nc, NULL);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int nc_from_indicator(struct isms_store *s, const char *indicator, const char *control,
		      const char *risk, const char *asset, const char *reason, const char *ts)
{
	char title[256];
	struct isms_nc_new nc = {
		.title = title, .source = "indicator", .origin = indicator,
		.description = reason, .controls = known_control(s, control), .risks = risk,
		.now = when(ts),
	};
	int r;

	snprintf(title, sizeof(title), "indicator %.64s crossed its threshold%s%.64s", indicator,
		 asset && asset[0] ? " on " : "", asset ? asset : "");
	r = isms_nc_open(s, &nc, NULL);
	return r < 0 ? r : 0;
}

/* The risks on asset @asset, comma-separated (NULL: none; malloc'd). */
static int asset_risks(struct isms_store *s, const char *asset, char **ret)
{
	int r;

	*ret = NULL;
	if (!asset || !asset[0])
		return 0;
	r = store_query_text(s,
			     "SELECT group_concat(id, ',') FROM (SELECT k.id FROM risk k"
			     " JOIN risk_asset l ON l.risk = k.pk JOIN asset a ON a.pk = l.asset"
			     " WHERE a.name = ?1 ORDER BY k.pk LIMIT 64)",
			     asset, NULL, NULL, ret);
	return r < 0 ? r : 0;
}

int nc_from_break_glass(struct isms_store *s, int64_t pk, const char *ts, const char *asset,
			const char *subject, const char *control)
{
	char title[256], origin[32], desc[256];
	struct isms_nc_new nc = {
		.title = title, .source = "break_glass", .origin = origin, .description = desc,
		.controls = known_control(s, control && control[0] ? control : "5.15"),
		.now = when(ts),
	};
	char *risks = NULL;
	int r;

	snprintf(origin, sizeof(origin), "evidence:%" PRId64, pk);
	snprintf(title, sizeof(title), "break-glass login%s%.64s%s%.64s: review why and revoke",
		 subject && subject[0] ? " by " : "", subject ? subject : "",
		 asset && asset[0] ? " on " : "", asset ? asset : "");
	snprintf(desc, sizeof(desc),
		 "a break-glass rule admitted a login at %.32s (evidence row %" PRId64 "): the"
		 " emergency access is reviewed and its credentials rotated",
		 ts ? ts : "?", pk);
	r = asset_risks(s, asset, &risks);
	nc.risks = risks;
	if (r >= 0)
		r = isms_nc_open(s, &nc, NULL);
	free(risks);
	return r < 0 ? r : 0;
}

/* The risks treated by measures implementing @control (malloc'd; NULL: none). */
static int control_risks(struct isms_store *s, const char *control, char **ret)
{
	int r = store_query_text(s,
				 "SELECT group_concat(id, ',') FROM (SELECT DISTINCT k.id FROM measure m"
				 " JOIN measure_control mc ON mc.measure = m.pk"
				 " JOIN control c ON c.pk = mc.control"
				 " JOIN measure_risk mr ON mr.measure = m.pk JOIN risk k ON k.pk = mr.risk"
				 " WHERE c.id = ?1 AND m.status <> 'cancelled' ORDER BY k.pk LIMIT 64)",
				 control, NULL, NULL, ret);

	return r < 0 ? r : 0;
}

/* An open nonconformity raised by test @test, whatever period (NULL: none; malloc'd). */
static int open_for_test(struct isms_store *s, const char *test, char **ret)
{
	return store_query_text(s,
				"SELECT id FROM nonconformity WHERE source = 'test'"
				" AND effectiveness_test = ?1 AND status <> 'closed' ORDER BY pk LIMIT 1",
				test, NULL, NULL, ret);
}

/* The control's owner and whether it is claimed implemented. */
static int control_facts(struct isms_store *s, const char *control, char **owner, bool *claimed)
{
	sqlite3_stmt *st = NULL;
	int r;

	*owner = NULL;
	*claimed = false;
	r = store_prepare(s,
			  "SELECT p.name, c.status FROM control c LEFT JOIN person p ON p.pk = c.owner"
			  " WHERE c.id = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, control);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		*claimed = strcmp(TEXT(st, 1), "implemented") == 0;
		if (TEXT(st, 0) && !(*owner = strdup(TEXT(st, 0))))
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

int nc_from_test(struct isms_store *s, const char *test, const char *control, const char *period,
		 const char *reason, int64_t now, char **ret_id, bool *ret_opened)
{
	char title[256], origin[160], desc[512], due[11];
	char *risks = NULL, *owner = NULL;
	bool claimed;
	time_t tt = (time_t)(now + (int64_t)ISMS_NC_ACTION_DAYS * 86400);
	int r;

	*ret_opened = false;
	/* One open nonconformity per test: a test failing again adds nothing new. */
	r = open_for_test(s, test, ret_id);
	if (r != 0)
		return r < 0 ? r : 0;
	isms_date_day(tt, due);
	r = control_risks(s, control, &risks);
	if (r >= 0)
		r = control_facts(s, control, &owner, &claimed);
	if (r >= 0) {
		/* A control claimed in operation that fails its test is a major finding. */
		struct isms_nc_new nc = {
			.title = title, .source = "test", .origin = origin, .description = desc,
			.severity = claimed ? "major" : "minor", .controls = control, .risks = risks,
			.responsible = owner, .due = due, .effectiveness_test = test, .now = now,
		};

		snprintf(title, sizeof(title), "control test %.64s failed over %.64s", test, period);
		snprintf(origin, sizeof(origin), "%.64s@%.64s", test, period);
		snprintf(desc, sizeof(desc), "control %.16s: %.400s", control, reason ? reason : "");
		r = isms_nc_open(s, &nc, ret_id);
		if (r == 1)
			*ret_opened = true;
	}
	free(risks);
	free(owner);
	return r < 0 ? r : 0;
}

struct bg_row {
	int64_t pk;
	char *ts, *asset, *subject, *control;
};

struct bg_rows {
	struct bg_row *v;
	size_t n;
};

static int bg_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct bg_rows *b = ud;
	struct bg_row *nv = realloc(b->v, (b->n + 1) * sizeof(*nv)), *x;
	static const char *const names[] = {"ts", "asset", "subject", "control"};

	if (!nv)
		return -ENOMEM;
	b->v = nv;
	x = &nv[b->n++];
	*x = (struct bg_row){.pk = strtoll(v[0], NULL, 10)};
	for (size_t i = 0; i < 4; i++) {
		int k = isms_entity_field_index(e, names[i]);
		char **f[] = {&x->ts, &x->asset, &x->subject, &x->control};

		if (k >= 0 && v[k] && !(*f[i] = strdup(v[k])))
			return -ENOMEM;
	}
	return 0;
}

int nc_scan_break_glass(struct isms_store *s, int64_t after)
{
	const struct isms_kv f[] = {{"kind", "access.break-glass"}};
	struct isms_evidence_query q = {.after = after, .filter = f, .nfilter = 1};
	struct bg_rows b = {0};
	int64_t r;

	/* Only a store with the register has nonconformities (not dpms's). */
	if (!store_entity(s, "nonconformity"))
		return 0;
	/* Read first, then write: the rows are few and the query holds a statement. */
	r = isms_evidence_list(s, &q, bg_cb, &b);
	for (size_t i = 0; r >= 0 && i < b.n; i++)
		r = nc_from_break_glass(s, b.v[i].pk, b.v[i].ts, b.v[i].asset, b.v[i].subject,
					b.v[i].control);
	for (size_t i = 0; i < b.n; i++) {
		free(b.v[i].ts);
		free(b.v[i].asset);
		free(b.v[i].subject);
		free(b.v[i].control);
	}
	free(b.v);
	return r < 0 ? (int)r : 0;
}

int isms_nc_from_verify(struct isms_store *s, int64_t first_bad, const char *reason, int64_t now,
			char **ret_id)
{
	char origin[48], desc[600];
	struct isms_nc_new nc = {
		.title = "the evidence chain failed verification", .source = "verify",
		.origin = origin, .severity = "major", .description = desc, .now = now,
	};

	*ret_id = NULL;
	if (!store_entity(s, "nonconformity"))
		return 0;
	nc.controls = known_control(s, "8.15");
	if (first_bad)
		snprintf(origin, sizeof(origin), "row %" PRId64, first_bad);
	else
		snprintf(origin, sizeof(origin), "chain");
	snprintf(desc, sizeof(desc), "verify: %.500s%s", reason ? reason : "",
		 first_bad ? " (see the first bad row)" : "");
	return isms_nc_open(s, &nc, ret_id);
}
