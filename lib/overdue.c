/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What is overdue, across the registers. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/history.h"
#include "isms/overdue.h"
#include "role_sql.h"
#include "store_internal.h"

/* Per register: the date that passes, and what says it is still open. */
static const struct check {
	const char *entity, *date, *what;
	const char *open_field; /* NULL: the date alone; else open while this field... */
	const char *open_value; /* ...is empty (NULL) or equals this value */
	const char *const *done; /* NULL, or: open while open_field is none of these */
} checks[] = {
	{"review", "due", "review", "done", NULL, NULL},
	{"measure", "due", "measure", "overdue", "yes", NULL},
	{"document", "next_review", "document review", NULL, NULL, NULL},
	{"risk", "accepted_until", "risk acceptance expired", NULL, NULL, NULL},
	{"nonconformity", "due", "nonconformity", "overdue", "yes", NULL},
	{"audit", "planned", "audit", "status", "planned", NULL},
	{"issue", "next_review", "context issue review", "status", NULL,
	 (const char *const[]){"closed", NULL}},
	{"requirement", "next_review", "requirement review", "status", NULL,
	 (const char *const[]){"closed", NULL}},
	{"objective", "due", "objective", "status", NULL,
	 (const char *const[]){"achieved", "missed", NULL}},
	{"training", "valid_until", "training expired", "renewed", "no", NULL},
};

static bool among(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (v && strcmp(v, *list) == 0)
			return true;
	return false;
}

struct ctx {
	const struct check *k;
	const char *today;
	struct isms_overdue *o;
};

static const char *field(const struct isms_entity *e, const char *const *values, const char *name)
{
	int i = isms_entity_field_index(e, name);

	return i < 0 ? NULL : values[i];
}

static const char *first_field(const struct isms_entity *e, const char *const *values,
			       const char *const *names)
{
	for (; *names; names++)
		if (isms_entity_field_index(e, *names) >= 0)
			return field(e, values, *names);
	return NULL;
}

static char *dup_or_null(const char *v, bool *oom)
{
	char *d;

	if (!v)
		return NULL;
	d = strdup(v);
	if (!d)
		*oom = true;
	return d;
}

static int row_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	static const char *const subject_f[] = {"subject", "title", "topic", NULL};
	static const char *const resp_f[] = {"reviewer", "responsible", "owner", "auditor",
					     "approved_by", "person", NULL};
	struct ctx *x = userdata;
	const char *d = field(e, values, x->k->date);
	struct isms_overdue_item *it, *nv;
	bool oom = false;

	if (!d || strcmp(d, x->today) >= 0)
		return 0;
	if (x->k->open_field) {
		const char *v = field(e, values, x->k->open_field);

		if (x->k->done ? among(v, x->k->done)
			       : x->k->open_value ? !v || strcmp(v, x->k->open_value) != 0 : v != NULL)
			return 0;
	}
	nv = realloc(x->o->v, (x->o->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	x->o->v = nv;
	it = &nv[x->o->n++];
	*it = (struct isms_overdue_item){.what = x->k->what, .seq = x->o->n - 1};
	it->id = dup_or_null(values[0], &oom);
	it->subject = dup_or_null(first_field(e, values, subject_f), &oom);
	it->since = dup_or_null(d, &oom);
	it->responsible = dup_or_null(first_field(e, values, resp_f), &oom);
	return oom ? -ENOMEM : 0;
}

/*
 * A live indicator that raised a risk's likelihood (risk_change) calls for
 * its reassessment (ISO 27001 8.2): the risk is due from that day until
 * its likelihood or impact is changed by hand after it (a history row of
 * the register later in the chain than the change's evidence), or a risk
 * review of it is done on that day or later.  Only its latest raise counts.
 */
#define RAISED_SQL                                                                           \
	"SELECT r.id, r.title, c.indicator, substr(c.at, 1, 10),"                                \
	" (SELECT p.name FROM person p WHERE p.pk = r.owner), c.evidence, c.at"                  \
	" FROM risk_change c JOIN risk r ON r.pk = c.risk"                                      \
	" WHERE c.to_likelihood > c.from_likelihood AND substr(c.at, 1, 10) <= ?1"              \
	" AND c.pk = (SELECT max(x.pk) FROM risk_change x WHERE x.risk = c.risk"                \
	"  AND x.to_likelihood > x.from_likelihood)"                                            \
	" AND NOT EXISTS (SELECT 1 FROM review v WHERE v.kind = 'risk' AND v.risk = r.pk"       \
	"  AND v.done >= substr(c.at, 1, 10))"                                                  \
	" ORDER BY c.pk"

/* The fields whose change by hand is a reassessment: the rating. */
static const char *const rating_fields[] = {"likelihood", "impact", "impact_confidentiality",
					    "impact_integrity", "impact_availability", NULL};

struct raised {
	int64_t evidence; /* the change's evidence row; 0: none, go by @at */
	char *at;
	bool rerated;
};

static int rerated_cb(const struct isms_history_entry *h, void *userdata)
{
	struct raised *x = userdata;

	if (strcmp(h->action, "change") != 0)
		return 0;
	if (x->evidence > 0 ? h->id <= x->evidence : strcmp(h->ts, x->at) <= 0)
		return 0;
	for (size_t i = 0; i < h->nfields; i++)
		if (among(h->field[i], rating_fields))
			return (int)(x->rerated = true);
	return 0;
}

static int raised_risks(struct isms_store *s, const char *today, struct isms_overdue *o)
{
	sqlite3_stmt *st = NULL;
	struct raised *rs = NULL;
	size_t first = o->n, n = 0;
	int r;

	r = store_prepare(s, RAISED_SQL, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, today);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *title = (const char *)sqlite3_column_text(st, 1);
		const char *ind = (const char *)sqlite3_column_text(st, 2);
		const char *day = (const char *)sqlite3_column_text(st, 3);
		struct isms_overdue_item *it, *nv;
		struct raised *nr;
		bool oom = false;

		nv = realloc(o->v, (o->n + 1) * sizeof(*nv));
		nr = nv ? realloc(rs, (n + 1) * sizeof(*nr)) : NULL;
		if (nv)
			o->v = nv;
		if (nr)
			rs = nr;
		if (!nv || !nr) {
			r = -ENOMEM;
			break;
		}
		it = &nv[o->n++];
		*it = (struct isms_overdue_item){.what = "risk raised by indicator", .seq = o->n - 1};
		rs[n] = (struct raised){.evidence = sqlite3_column_int64(st, 5)};
		rs[n++].at = dup_or_null((const char *)sqlite3_column_text(st, 6), &oom);
		if (asprintf(&it->subject, "%s: raised by indicator %s on %s: reassess",
			     title ? title : "", ind ? ind : "?", day ? day : "?") < 0) {
			it->subject = NULL;
			oom = true;
		}
		it->id = dup_or_null((const char *)sqlite3_column_text(st, 0), &oom);
		it->since = dup_or_null(day, &oom);
		it->responsible = dup_or_null((const char *)sqlite3_column_text(st, 4), &oom);
		if (oom || !it->id || !rs[n - 1].at) {
			r = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	/* Those re-rated by hand since are reassessed: off the list. */
	for (size_t i = 0, k = first; r >= 0 && i < n; i++) {
		int64_t h = isms_history_list(s, "risk", o->v[k].id, rerated_cb, &rs[i]);

		if (h < 0) {
			r = (int)h;
		} else if (rs[i].rerated) {
			struct isms_overdue_item *it = &o->v[k];

			free(it->id);
			free(it->subject);
			free(it->since);
			free(it->responsible);
			memmove(it, it + 1, (o->n - k - 1) * sizeof(*it));
			o->n--;
		} else {
			k++;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(rs[i].at);
	free(rs);
	return r < 0 ? r : 0;
}

/*
 * Decisions missing rather than dates passed, each row (id, subject,
 * since, responsible) an item: a security officer or DPO without a current
 * appointment (ISO 27001 5.3), a policy document whose current version is
 * not the one approved (5.2), a risk to be treated whose plan its owner
 * has not approved (6.1.3 f).  ?1 is today.
 */
static const struct missing {
	const char *what, *sql;
} missing[] = {
	{"appointment",
	 "SELECT p.name, r.title || ' ' || coalesce(p.full_name, p.name) || ': no appointment',"
	 " ?1, NULL FROM person p JOIN (SELECT 'security_officer' AS role, 'security officer'"
	 " AS title, 1 AS n UNION ALL SELECT 'dpo', 'data protection officer', 2) r"
	 " ON " ROLE_SQL_HOLDS("p.role", "r.role") " WHERE " ROLE_SQL_ACTIVE("p", "?1")
	 " AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.person = p.pk AND a.role = r.role"
	 " AND " ROLE_SQL_APPOINTMENT_CURRENT("a", "?1") ") ORDER BY r.n, p.pk"},
	{"document approval",
	 "SELECT d.name, d.title || ': version ' || d.version || ', approved '"
	 " || coalesce(d.approved_version, '?') || ': new version not approved',"
	 " d.approved_at, (SELECT p.name FROM person p WHERE p.pk = d.approved_by)"
	 " FROM document d WHERE d.approved_by IS NOT NULL AND d.approved_version IS NOT d.version"
	 " AND d.approved_at <= ?1 ORDER BY d.pk"},
	{"risk treatment plan",
	 "SELECT r.id, r.title || ': ' || r.treatment || ': treatment plan not approved', ?1,"
	 " (SELECT p.name FROM person p WHERE p.pk = r.owner) FROM risk r"
	 " WHERE r.treatment IN ('mitigate', 'transfer', 'avoid')"
	 " AND r.treatment_approved_by IS NULL ORDER BY r.pk"},
};

static int missing_items(struct isms_store *s, const char *today, struct isms_overdue *o)
{
	int r = 0;

	for (size_t k = 0; r >= 0 && k < sizeof(missing) / sizeof(missing[0]); k++) {
		sqlite3_stmt *st = NULL;

		r = store_prepare(s, missing[k].sql, &st);
		if (r >= 0)
			r = store_bind_text(s, st, 1, today);
		while (r >= 0 && (r = store_step_row(s, st)) == 1) {
			struct isms_overdue_item *it, *nv = realloc(o->v, (o->n + 1) * sizeof(*nv));
			bool oom = false;

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			o->v = nv;
			it = &nv[o->n++];
			*it = (struct isms_overdue_item){.what = missing[k].what, .seq = o->n - 1};
			it->id = dup_or_null((const char *)sqlite3_column_text(st, 0), &oom);
			it->subject = dup_or_null((const char *)sqlite3_column_text(st, 1), &oom);
			it->since = dup_or_null((const char *)sqlite3_column_text(st, 2), &oom);
			it->responsible = dup_or_null((const char *)sqlite3_column_text(st, 3), &oom);
			if (oom || !it->id || !it->since) {
				r = -ENOMEM;
				break;
			}
		}
		sqlite3_finalize(st);
	}
	return r < 0 ? r : 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct isms_overdue_item *x = a, *y = b;
	int c = strcmp(x->since, y->since);

	if (!c)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

int isms_overdue_list(struct isms_store *s, const struct isms_schema *schema, const char *today,
		      struct isms_overdue *ret)
{
	int r = 0;

	*ret = (struct isms_overdue){0};
	for (size_t k = 0; r >= 0 && k < sizeof(checks) / sizeof(checks[0]); k++) {
		struct ctx x = {.k = &checks[k], .today = today, .o = ret};
		const struct isms_entity *e = isms_schema_entity(schema, checks[k].entity);

		/* A schema without the register (dpms's) has nothing of it overdue. */
		if (!e)
			continue;
		r = isms_record_list(s, e, NULL, 0, row_cb, &x);
	}
	/* Only the ISMS register has risks and live indicators. */
	if (r >= 0 && isms_schema_entity(schema, "risk"))
		r = raised_risks(s, today, ret);
	if (r >= 0 && isms_schema_entity(schema, "appointment"))
		r = missing_items(s, today, ret);
	if (r >= 0 && ret->n > 1)
		qsort(ret->v, ret->n, sizeof(ret->v[0]), cmp_item);
	return r < 0 ? r : 0;
}

void isms_overdue_release(struct isms_overdue *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].id);
		free(o->v[i].subject);
		free(o->v[i].since);
		free(o->v[i].responsible);
	}
	free(o->v);
	*o = (struct isms_overdue){0};
}
