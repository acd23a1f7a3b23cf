/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the risk matrix's values mean for this organisation: a definition
 * for each likelihood, impact and level ('rare': less than once in ten
 * years; 'existential': the company's survival is at stake), so that a
 * rating can be checked against what it claims (ISO 27001 6.1.2 b).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/risk.h"
#include "isms/strutil.h"
#include "risk_define_internal.h"
#include "store_internal.h"

/* Matrix values and levels are few: the labels are small, so is this. */
static const char *const sql_of[] = {
	"UPDATE risk_axis SET definition = ?3 WHERE axis = 'likelihood' AND value = ?2",
	"UPDATE risk_axis SET definition = ?3 WHERE axis = 'impact' AND value = ?2",
	"UPDATE risk_level SET definition = ?3 WHERE rank = ?2",
};

static int what_index(const char *what)
{
	if (strcmp(what, "likelihood") == 0)
		return 0;
	if (strcmp(what, "impact") == 0)
		return 1;
	if (strcmp(what, "level") == 0)
		return 2;
	return -1;
}

static int set_def(struct isms_store *s, int w, int value, const char *text)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, sql_of[w], &st);

	if (r >= 0 && sqlite3_bind_int(st, 2, value) != SQLITE_OK)
		r = store_seterr(s, -ENOMEM, "%s", "cannot bind the value");
	if (r >= 0)
		r = store_bind_text(s, st, 3, text && text[0] ? text : NULL);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

int isms_risk_matrix_define(struct isms_store *s, const char *what, const char *name,
			    const char *text)
{
	struct isms_risk_matrix m;
	int w = what_index(what), v, r;

	if (w < 0)
		return store_seterr(s, -EINVAL,
				    "'%.32s' is not part of the matrix: define a likelihood, an impact"
				    " or a level",
				    what);
	if (text && (strlen(text) > ISMS_VALUE_MAX || !isms_text_ok(text)))
		return store_seterr(s, -EINVAL,
				    "the definition is longer than %d bytes or not printable text",
				    ISMS_VALUE_MAX);
	r = store_check_writable(s);
	if (r < 0)
		return r;
	r = isms_risk_matrix_load(s, &m);
	if (r < 0)
		return r;
	v = w == 2 ? isms_risk_level_value(&m, name) : isms_risk_axis_value(&m, what, name);
	if (v < 0)
		return store_seterr(s, -ENOENT,
				    "%s '%.64s' is not on the risk matrix (see 'ismsctl risk matrix')",
				    what, name);
	r = isms_store_begin(s);
	if (r < 0)
		return r;
	r = set_def(s, w, v, text);
	if (r < 0) {
		isms_store_rollback(s);
		return r;
	}
	return isms_store_commit(s);
}

void isms_risk_definitions_release(struct isms_risk_definitions *d)
{
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < ISMS_MATRIX_MAX; i++) {
			free(d->text[w][i]);
			d->text[w][i] = NULL;
		}
}

int isms_risk_definitions_load(struct isms_store *s, struct isms_risk_definitions *ret)
{
	struct isms_risk_definitions d = {0};
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s,
			  "SELECT CASE axis WHEN 'likelihood' THEN 0 ELSE 1 END, value, definition"
			  " FROM risk_axis WHERE definition IS NOT NULL"
			  " UNION ALL SELECT 2, rank, definition FROM risk_level"
			  " WHERE definition IS NOT NULL",
			  &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		int w = sqlite3_column_int(st, 0), v = sqlite3_column_int(st, 1);

		if (v < 1 || v > ISMS_MATRIX_MAX)
			continue;
		free(d.text[w][v - 1]);
		d.text[w][v - 1] = strdup((const char *)sqlite3_column_text(st, 2));
		if (!d.text[w][v - 1])
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	if (r < 0) {
		isms_risk_definitions_release(&d);
		return r;
	}
	*ret = d;
	return 0;
}

int risk_definitions_keep(struct isms_store *s, const struct isms_risk_matrix *old,
			  struct risk_defs_kept *ret)
{
	int r = isms_risk_definitions_load(s, &ret->defs);

	if (r >= 0)
		ret->old = *old;
	return r;
}

int risk_definitions_restore(struct isms_store *s, const struct isms_risk_matrix *m,
			     struct risk_defs_kept *k)
{
	char(*olds[3])[ISMS_LABEL_MAX] = {k->old.likelihood, k->old.impact, k->old.level};
	const struct isms_risk_matrix *nm = m;
	const char *news[3][ISMS_MATRIX_MAX];
	const int nold[3] = {k->old.nlikelihood, k->old.nimpact, k->old.nlevels};
	const int nnew[3] = {m->nlikelihood, m->nimpact, m->nlevels};
	int r = 0;

	for (int j = 0; j < ISMS_MATRIX_MAX; j++) {
		news[0][j] = nm->likelihood[j];
		news[1][j] = nm->impact[j];
		news[2][j] = nm->level[j];
	}
	/* A value keeps its definition when the new matrix has its label. */
	for (int w = 0; w < 3 && r >= 0; w++)
		for (int i = 0; i < nold[w] && r >= 0; i++)
			for (int j = 0; k->defs.text[w][i] && j < nnew[w] && r >= 0; j++)
				if (strcmp(olds[w][i], news[w][j]) == 0)
					r = set_def(s, w, j + 1, k->defs.text[w][i]);
	isms_risk_definitions_release(&k->defs);
	return r < 0 ? r : 0;
}
