/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The whole-file check of a store (SQLite's quick_check or integrity_check),
 * for 'check' and the timer that runs it: opening a store never reads every
 * page, so damage that no command touches is found here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

struct progress {
	int (*cb)(void *userdata);
	void *userdata;
};

static int on_progress(void *p)
{
	const struct progress *pr = p;

	/* Non-zero interrupts the check: the caller asked to stop. */
	return pr->cb(pr->userdata) != 0;
}

/* One table's quick_check: "ok" or the first problem, kept on @s. */
static int check_table(struct isms_store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	int r;

	/* PRAGMA takes no parameters: the name, from the schema itself, quoted. */
	sql = sqlite3_mprintf("PRAGMA quick_check(\"%w\")", name);
	if (!sql)
		return -ENOMEM;
	r = store_prepare(s, sql, &st);
	sqlite3_free(sql);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		r = 0;
		if (!msg || strcmp(msg, "ok") != 0)
			r = store_seterr(s, -ENOTRECOVERABLE, "store '%s' is corrupt: %s", s->path,
					 msg ? msg : "?");
	} else if (r == 0) {
		r = -EIO;
	}
	sqlite3_finalize(st);
	return r;
}

int isms_store_check_besides_evidence(struct isms_store *s)
{
	sqlite3_stmt *st = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = store_prepare(s, "SELECT name FROM sqlite_schema WHERE type = 'table'"
				 " AND name NOT IN ('evidence', 'evidence_raw') ORDER BY name", &st);

	/* The names first: a pragma run while the schema is being read would
	 * reset the statement reading it. */
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (n == cap) {
			char **v = realloc(names, (cap ? cap * 2 : 32) * sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				break;
			}
			names = v;
			cap = cap ? cap * 2 : 32;
		}
		if (!(names[n] = strdup(name ? name : ""))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = check_table(s, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r < 0 ? r : 0;
}

int isms_store_check_full(struct isms_store *s, bool integrity, unsigned max_problems,
			  int (*problem)(const char *msg, void *userdata),
			  int (*progress)(void *userdata), void *userdata, unsigned *ret_problems)
{
	struct progress pr = {progress, userdata};
	sqlite3_stmt *st = NULL;
	char sql[64];
	unsigned n = 0;
	int r;

	if (max_problems == 0)
		max_problems = 1;
	/* max_problems is our own integer: PRAGMA takes no parameters. */
	snprintf(sql, sizeof(sql), "PRAGMA %s(%u)", integrity ? "integrity_check" : "quick_check",
		 max_problems);
	r = store_prepare(s, sql, &st);
	if (r >= 0 && progress)
		sqlite3_progress_handler(s->db, 100000, on_progress, &pr);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		if (msg && strcmp(msg, "ok") == 0)
			continue;
		n++;
		if (problem) {
			r = problem(msg ? msg : "?", userdata);
			if (r < 0)
				break;
		}
	}
	/* Damage that stops SQLite reading at all is a problem of its own. */
	if (r == -ENOTRECOVERABLE) {
		char msg[sizeof(s->errmsg)];

		snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(s->db));
		n++;
		if (problem && problem(msg, userdata) < 0)
			r = -ENOMEM;
		else
			r = 0;
	}
	if (r == 0 && n > 0)
		r = store_seterr(s, -ENOTRECOVERABLE, "store '%s' is corrupt: %u problem%s found",
				 s->path, n, n == 1 ? "" : "s");
	if (progress)
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
	sqlite3_finalize(st);
	if (ret_problems)
		*ret_problems = n;
	return r;
}
