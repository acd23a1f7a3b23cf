/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The observed status of each control: the latest results of its tests, from the results kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/assess.h"
#include "store_internal.h"

#define LIST_MAX 4096

struct acc {
	char control[64];
	struct isms_assess_observed o;
	char assessed[32], hosts[LIST_MAX], results[LIST_MAX];
	size_t hlen, rlen;
	bool fail, insufficient;
};

/* Append each name of the comma-separated @list to @a's hosts not yet there. */
static void add_hosts(struct acc *a, const char *list)
{
	while (list && *list) {
		size_t n = strcspn(list, ",");
		bool have = false;

		for (const char *p = a->hosts; *p && !have;) {
			size_t m = strcspn(p, ",");

			have = m == n && strncmp(p, list, n) == 0;
			p += m + (p[m] == ',');
		}
		if (!have && a->hlen + n + 2 < sizeof(a->hosts)) {
			a->hlen += (size_t)snprintf(a->hosts + a->hlen, sizeof(a->hosts) - a->hlen,
						    "%s%.*s", a->hlen ? "," : "", (int)n, list);
			a->o.nhosts++;
		}
		list += n + (list[n] == ',');
	}
}

static int flush(struct acc *a, isms_assess_observed_cb cb, void *ud)
{
	if (!a->control[0])
		return 0;
	a->o.control = a->control;
	a->o.observed = a->fail ? "fail" : a->insufficient ? "insufficient" : "pass";
	a->o.assessed = a->assessed[0] ? a->assessed : NULL;
	a->o.hosts = a->hosts;
	a->o.results = a->results;
	return cb(&a->o, ud);
}

/* The latest result of each test, of any time or of those overlapping [@since, @until). */
static int observed(struct isms_store *s, const char *since, const char *until,
		    isms_assess_observed_cb cb, void *userdata)
{
	/* Each test of the register with its latest result, if any (the newest pk per test). */
	static const char sql_any[] =
		"SELECT c.id, t.name, a.result, t.expect, a.assessed_at, a.rows, a.hosts"
		" FROM control_test t JOIN control c ON c.pk = t.control"
		" LEFT JOIN assessment a ON a.pk ="
		"  (SELECT max(x.pk) FROM assessment x WHERE x.test = t.name)"
		" ORDER BY c.pk, t.name";
	static const char sql_in[] =
		"SELECT c.id, t.name, a.result, t.expect, a.assessed_at, a.rows, a.hosts"
		" FROM control_test t JOIN control c ON c.pk = t.control"
		" LEFT JOIN assessment a ON a.pk ="
		"  (SELECT max(x.pk) FROM assessment x WHERE x.test = t.name"
		"   AND x.since < ?2 AND x.until > ?1)"
		" ORDER BY c.pk, t.name";
	struct acc *a = calloc(1, sizeof(*a));
	sqlite3_stmt *st = NULL;
	int r;

	if (!a)
		return -ENOMEM;
	r = store_prepare(s, since ? sql_in : sql_any, &st);
	if (r >= 0 && since)
		r = store_bind_text(s, st, 1, since);
	if (r >= 0 && since)
		r = store_bind_text(s, st, 2, until);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *ctl = (const char *)sqlite3_column_text(st, 0);
		const char *test = (const char *)sqlite3_column_text(st, 1);
		const char *res = (const char *)sqlite3_column_text(st, 2);
		const char *expect = (const char *)sqlite3_column_text(st, 3);
		const char *at = (const char *)sqlite3_column_text(st, 4);

		if (strcmp(a->control, ctl) != 0) {
			r = flush(a, cb, userdata);
			if (r != 0)
				break;
			memset(a, 0, sizeof(*a));
			snprintf(a->control, sizeof(a->control), "%s", ctl);
		}
		a->o.tests++;
		if (a->rlen + 2 < sizeof(a->results))
			a->rlen += (size_t)snprintf(a->results + a->rlen, sizeof(a->results) - a->rlen,
						    "%s%s:%s", a->rlen ? "," : "", test,
						    res ? res : "never");
		if (a->rlen >= sizeof(a->results))
			a->rlen = sizeof(a->results) - 1;
		if (!res || strcmp(res, "insufficient") == 0) {
			a->insufficient = true;
		} else if (strcmp(res, expect ? expect : "pass") != 0) {
			a->fail = true;
		}
		if (res) {
			a->o.assessed_tests++;
			a->o.evidence += sqlite3_column_int64(st, 5);
			add_hosts(a, (const char *)sqlite3_column_text(st, 6));
			if (at && strcmp(at, a->assessed) > 0)
				snprintf(a->assessed, sizeof(a->assessed), "%s", at);
		}
	}
	if (r == 0)
		r = flush(a, cb, userdata);
	sqlite3_finalize(st);
	free(a);
	return r;
}

int isms_assess_observed(struct isms_store *s, isms_assess_observed_cb cb, void *userdata)
{
	return observed(s, NULL, NULL, cb, userdata);
}

int isms_assess_observed_in(struct isms_store *s, const char *since, const char *until,
			    isms_assess_observed_cb cb, void *userdata)
{
	return observed(s, since, until, cb, userdata);
}
