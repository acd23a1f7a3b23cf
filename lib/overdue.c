/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What is overdue, across the registers. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/overdue.h"

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
