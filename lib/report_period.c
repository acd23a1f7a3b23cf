/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The periods remember: a report made keeps the period's risk levels and its
 * figures (period_risk, period_report) with an evidence row, so that the next
 * period's trends come from history, not from today's register.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/date.h"
#include "isms/evidence.h"
#include "isms/report.h"
#include "isms/sha256.h"
#include "replace_file.h"
#include "report_internal.h"

/* The level name of (l, i) as the register shows it (entity.c's LEVEL_OF). */
#define LEVEL_OF(l, i)                                                                      \
	"(SELECT lv.name FROM risk_cell c JOIN risk_level lv ON lv.rank = c.level"          \
	" WHERE c.likelihood = " l " AND c.impact = " i ")"

int report_previous(struct isms_store *s, const struct report_bounds *b, char **ret_label,
		    struct json_object **ret_figures)
{
	/* the latest period that began before this one, made last if twice */
	static const char sql[] = "SELECT period, figures FROM period_report"
				  " WHERE since < ?1 AND period <> ?2"
				  " ORDER BY since DESC, made_at DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	int r;

	*ret_label = NULL;
	*ret_figures = NULL;
	r = report_prepare(s, sql, b->since, b->p->label, &st);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		*ret_label = strdup((const char *)sqlite3_column_text(st, 0));
		/* figures of an older build that no longer parse: no trend, not an error */
		*ret_figures = json_tokener_parse((const char *)sqlite3_column_text(st, 1));
		r = *ret_label ? 0 : -ENOMEM;
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

const char *isms_report_text(struct json_object *figures)
{
	return json_object_to_json_string_ext(figures, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
}

static int run(struct isms_store *s, const char *sql, const char *a, const char *b,
	       const char *c, const char *d, const char *e, const char *f)
{
	const char *v[6] = {a, b, c, d, e, f};
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, sql, &st);
	for (int k = 0; r >= 0 && k < 6 && v[k]; k++)
		r = store_bind_text(s, st, k + 1, v[k]);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

static char *made_details(const struct report_bounds *b, const char *sha)
{
	struct json_object *o = json_object_new_object();
	char *out;

	if (!o)
		return NULL;
	json_object_object_add(o, "period", json_object_new_string(b->p->label));
	json_object_object_add(o, "since", json_object_new_string(b->since));
	json_object_object_add(o, "until", json_object_new_string(b->until));
	json_object_object_add(o, "sha256", json_object_new_string(sha));
	json_object_object_add(o, "format", json_object_new_int(ISMS_REPORT_FORMAT));
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

int isms_report_make(struct isms_store *s, const struct isms_ctest_period *period, int64_t now,
		     struct json_object **ret_figures, char ret_sha256[65])
{
	struct json_object *fig = NULL;
	struct isms_evidence ev = {0};
	struct report_bounds b = {.p = period};
	char sha[65], at[32], *details = NULL;
	const char *text;
	int r;

	r = isms_store_begin(s);
	if (r < 0)
		return r;
	/* the figures of the state the rows below are written from */
	r = isms_report_figures(s, period, now, &fig);
	if (r < 0)
		goto out;
	isms_date_format(period->start, b.since, sizeof(b.since));
	isms_date_format(period->end, b.until, sizeof(b.until));
	isms_date_format(now, at, sizeof(at));
	text = isms_report_text(fig);
	r = isms_sha256_hex(text, strlen(text), sha);
	if (r < 0)
		goto out;
	/* the same period made again replaces what it kept */
	r = run(s, "DELETE FROM period_risk WHERE period = ?1", period->label, NULL, NULL, NULL,
		NULL, NULL);
	if (r >= 0)
		r = run(s,
			"INSERT INTO period_risk (period, risk, title, likelihood, impact, level,"
			" residual_likelihood, residual_impact, residual_level, treatment,"
			" recorded_at) SELECT ?1, r.id, r.title, r.likelihood, r.impact, "
			LEVEL_OF("r.likelihood", "r.impact") ", r.residual_likelihood,"
			" r.residual_impact, " LEVEL_OF("r.residual_likelihood", "r.residual_impact")
			", r.treatment, ?2 FROM risk r ORDER BY r.pk",
			period->label, at, NULL, NULL, NULL, NULL);
	if (r >= 0)
		r = run(s,
			"INSERT OR REPLACE INTO period_report (period, since, until, made_at,"
			" figures, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			period->label, b.since, b.until, at, text, sha);
	if (r < 0)
		goto out;
	details = made_details(&b, sha);
	if (!details) {
		r = -ENOMEM;
		goto out;
	}
	ev.ts = at;
	ev.source = "ismsctl";
	ev.kind = "report.made";
	ev.subject = period->label;
	ev.outcome = "made";
	ev.details = details;
	r = isms_evidence_append(s, &ev, NULL);
out:
	free(details);
	if (r < 0) {
		isms_store_rollback(s);
		json_object_put(fig);
		return r;
	}
	r = isms_store_commit(s);
	if (r < 0) {
		json_object_put(fig);
		return r;
	}
	*ret_figures = fig;
	if (ret_sha256)
		memcpy(ret_sha256, sha, 65);
	return 0;
}

int isms_report_write_file(const char *path, const void *data, size_t len)
{
	return isms_replace_file(path, data, len, 0640);
}
