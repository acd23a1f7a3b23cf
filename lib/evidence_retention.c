/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Retention of evidence: a period per kind pattern, in the store. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/archive.h"
#include "isms/strutil.h"
#include "store_internal.h"

int isms_retention_parse(const char *text, int64_t *ret_days)
{
	char *end = NULL;
	long long n;
	int64_t unit;

	if (text[0] < '1' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno || !end || end[0] == '\0' || end[1] != '\0')
		return -EINVAL;
	switch (end[0]) {
	case 'd': unit = 1; break;
	case 'w': unit = 7; break;
	case 'm': unit = 30; break;
	case 'y': unit = 365; break;
	default: return -EINVAL;
	}
	if (n > 36500 / unit)
		return -EINVAL;
	*ret_days = n * unit;
	return 0;
}

static int check_pattern(struct isms_store *s, const char *pattern)
{
	if (!pattern[0] || strlen(pattern) > ISMS_RETENTION_PATTERN_MAX || !isms_text_ok(pattern))
		return store_seterr(s, -EINVAL, "retention: '%.64s' is not a kind pattern", pattern);
	return 0;
}

int isms_retention_set(struct isms_store *s, const char *pattern, int64_t days)
{
	sqlite3_stmt *st = NULL;
	int r = check_pattern(s, pattern);

	if (r < 0)
		return r;
	if (days <= 0)
		return store_seterr(s, -EINVAL, "retention: the period must be positive");
	r = store_check_writable(s);
	if (r >= 0)
		r = store_prepare(s,
				  "INSERT INTO evidence_retention (pattern, days) VALUES (?1, ?2)"
				  " ON CONFLICT(pattern) DO UPDATE SET days = excluded.days",
				  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, pattern);
	if (r >= 0 && sqlite3_bind_int64(st, 2, days) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	return r;
}

int isms_retention_remove(struct isms_store *s, const char *pattern)
{
	sqlite3_stmt *st = NULL;
	int r = store_check_writable(s);

	if (r >= 0)
		r = store_prepare(s, "DELETE FROM evidence_retention WHERE pattern = ?1", &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, pattern);
	if (r >= 0)
		r = store_step_done(s, st);
	if (r >= 0 && sqlite3_changes(s->db) == 0)
		r = store_seterr(s, -ENOENT, "no retention period for '%.64s'", pattern);
	sqlite3_finalize(st);
	return r;
}

int isms_retention_list(struct isms_store *s, isms_retention_cb cb, void *userdata)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT pattern, days FROM evidence_retention ORDER BY pattern",
			      &st);

	while (r >= 0 && (r = store_step_row(s, st)) == 1)
		r = cb((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
		       userdata);
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
