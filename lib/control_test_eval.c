/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control tests: a rule evaluated over the rows of a period, pushed one at a
 * time in any order (chain order is not time order: journals are drained
 * late, collectors batch).  Memory is bounded by the period's buckets, never
 * by its rows.  Pure: facts come from the caller's callback.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "control_test_internal.h"
#include "isms/control_test.h"
#include "isms/date.h"
#include "isms/json.h"

#define BUCKETS_MAX 1000000


const char *isms_ctest_outcome_name(enum isms_ctest_outcome o)
{
	return o == ISMS_CTEST_PASS ? "pass" : o == ISMS_CTEST_FAIL ? "fail" : "insufficient";
}

static int count_bounds(struct isms_ctest_eval *ev, const struct isms_tz *tz)
{
	const struct isms_ctest_period *p = &ev->period;
	int64_t day, t;
	size_t cap = 2, n = 0;

	switch (ev->rule.per) {
	case ISMS_CTEST_PER_PERIOD:
		break;
	case ISMS_CTEST_PER_HOUR:
		cap = (size_t)((p->end - p->start + 3599) / 3600) + 1;
		break;
	case ISMS_CTEST_PER_DAY:
	case ISMS_CTEST_PER_WEEK:
		cap = (size_t)((p->end - p->start) / 82800) + 3;
		break;
	}
	if (cap > BUCKETS_MAX)
		return -E2BIG;
	ev->bounds = calloc(cap + 1, sizeof(*ev->bounds));
	if (!ev->bounds)
		return -ENOMEM;
	ev->bounds[n++] = p->start;
	day = ctest_local_day(tz, p->start);
	if (ev->rule.per == ISMS_CTEST_PER_WEEK)
		day -= ((day + 3) % 7 + 7) % 7; /* back to Monday */
	for (int64_t k = 1;; k++) {
		if (ev->rule.per == ISMS_CTEST_PER_PERIOD)
			break;
		if (ev->rule.per == ISMS_CTEST_PER_HOUR)
			t = p->start + k * 3600;
		else
			t = ctest_local_from_days(tz, day + k * (ev->rule.per == ISMS_CTEST_PER_WEEK ? 7 : 1), 0);
		if (t >= p->end || n >= cap)
			break;
		if (t > ev->bounds[n - 1])
			ev->bounds[n++] = t;
	}
	ev->bounds[n] = p->end;
	ev->nb = n;
	ev->count = calloc(n, sizeof(*ev->count));
	return ev->count ? 0 : -ENOMEM;
}

int isms_ctest_eval_new(const struct isms_ctest_rule *rule, const char *name,
			const struct isms_ctest_period *period, const struct isms_tz *tz,
			struct isms_ctest_eval **ret)
{
	struct isms_ctest_eval *ev;
	int r = 0;

	if (period->end <= period->start)
		return -EINVAL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->rule = *rule;
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	ev->period = *period;
	ev->since = period->start;
	ev->until = period->end;
	if (rule->kind == ISMS_CTEST_ATTEST) {
		/* an attestation made before the period still vouches for it */
		ev->since = INT64_MIN;
	} else if (rule->kind == ISMS_CTEST_COUNT) {
		r = count_bounds(ev, tz);
	} else if (rule->kind == ISMS_CTEST_HEARTBEAT) {
		int64_t w = rule->max_gap;

		ev->nb = (size_t)((period->end - period->start + w - 1) / w);
		if (ev->nb > BUCKETS_MAX) {
			r = -E2BIG;
		} else {
			ev->bmin = malloc(ev->nb * sizeof(*ev->bmin));
			ev->bmax = malloc(ev->nb * sizeof(*ev->bmax));
			if (!ev->bmin || !ev->bmax)
				r = -ENOMEM;
			for (size_t i = 0; r == 0 && i < ev->nb; i++) {
				ev->bmin[i] = INT64_MAX;
				ev->bmax[i] = INT64_MIN;
			}
		}
	}
	if (r < 0) {
		isms_ctest_eval_free(ev);
		return r;
	}
	*ret = ev;
	return 0;
}

void isms_ctest_eval_window(const struct isms_ctest_eval *ev, int64_t *ret_since,
			    int64_t *ret_until)
{
	*ret_since = ev->since;
	*ret_until = ev->until;
}

struct isms_ctest_eval *isms_ctest_eval_free(struct isms_ctest_eval *ev)
{
	if (ev) {
		free(ev->bounds);
		free(ev->count);
		free(ev->bmin);
		free(ev->bmax);
		free(ev);
	}
	return NULL;
}

/* A row's details, parsed once for all the conditions that read them. */
struct row_ctx {
	const struct isms_ctest_row *row;
	struct json_object *details;
	bool parsed;
};

static const char *field_value(struct row_ctx *rc, const struct isms_ctest_cond *c)
{
	const struct isms_ctest_row *row = rc->row;
	struct json_object *v;

	switch (c->field) {
	case ISMS_CTEST_F_KIND: return row->kind;
	case ISMS_CTEST_F_SOURCE: return row->source;
	case ISMS_CTEST_F_NODE: return row->node;
	case ISMS_CTEST_F_ASSET: return row->asset;
	case ISMS_CTEST_F_SUBJECT: return row->subject;
	case ISMS_CTEST_F_OUTCOME: return row->outcome;
	case ISMS_CTEST_F_CONTROL: return row->control;
	case ISMS_CTEST_F_DETAIL:
		if (!rc->parsed) {
			rc->parsed = true;
			if (row->details &&
			    isms_json_parse(row->details, strlen(row->details), NULL, &rc->details,
					    NULL) < 0)
				rc->details = NULL;
		}
		if (!rc->details || !json_object_is_type(rc->details, json_type_object) ||
		    !json_object_object_get_ex(rc->details, c->detail, &v) || !v)
			return NULL;
		return json_object_get_string(v);
	}
	return NULL;
}

/* 1 holds, 0 does not, -ENODATA unknown, other -errno. */
static int cond_holds(struct row_ctx *rc, const struct isms_ctest_cond *c, isms_ctest_fact_cb fact,
		      void *ud)
{
	int r;

	if (c->fact == ISMS_CTEST_FACT_NONE) {
		const char *v = field_value(rc, c);

		if (!v)
			v = "";
		r = c->prefix ? strncmp(v, c->value, strlen(c->value)) == 0 :
				strcmp(v, c->value) == 0;
	} else {
		if (!fact)
			return -ENODATA;
		r = fact(c, rc->row, ud);
		if (r < 0)
			return r;
		r = r > 0;
	}
	return c->negate ? !r : r;
}

/* All of @conds: 1, 0 (one does not hold), -ENODATA (none fails, one unknown), -errno. */
static int all_hold(struct row_ctx *rc, const struct isms_ctest_cond *conds, size_t n,
		    isms_ctest_fact_cb fact, void *ud)
{
	bool unknown = false;

	for (size_t i = 0; i < n; i++) {
		int r = cond_holds(rc, &conds[i], fact, ud);

		if (r == -ENODATA)
			unknown = true;
		else if (r < 0)
			return r;
		else if (r == 0)
			return 0;
	}
	return unknown ? -ENODATA : 1;
}

static void relied_on(struct isms_ctest_eval *ev, const struct isms_ctest_row *row)
{
	struct isms_ctest_result *res = &ev->res;

	res->seen++;
	if (!res->first_id || row->id < res->first_id)
		res->first_id = row->id;
	if (row->id > res->last_id)
		res->last_id = row->id;
}

static size_t bucket_of(const struct isms_ctest_eval *ev, int64_t ts)
{
	size_t lo = 0, hi = ev->nb;

	/* the last bound at or before ts */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ev->bounds[mid] <= ts)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int isms_ctest_eval_row(struct isms_ctest_eval *ev, const struct isms_ctest_row *row,
			isms_ctest_fact_cb fact, void *userdata)
{
	const struct isms_ctest_rule *ru = &ev->rule;
	struct row_ctx rc = {.row = row};
	bool kind_ok, basis_ok;
	int r = 0;

	if ((ev->since != INT64_MIN && row->ts < ev->since) || row->ts >= ev->until)
		return 0;
	kind_ok = isms_ctest_kind_match(ru->pattern, ru->prefix, row->kind);
	basis_ok = ru->kind == ISMS_CTEST_COUNT &&
		   isms_ctest_kind_match(ru->basis, ru->basis_prefix, row->kind);
	if (!kind_ok && !basis_ok)
		return 0;
	/* where= selects the rows the rule is about: counted ones and the basis alike */
	r = all_hold(&rc, ru->where, ru->nwhere, fact, userdata);
	if (r < 0 && r != -ENODATA)
		goto out;
	if (r == 1 && basis_ok) {
		/* the collector was on: relied on even when not counted */
		ev->basis++;
		relied_on(ev, row);
	}
	if (!kind_ok) {
		r = 0;
		goto out;
	}
	if (r == -ENODATA && ru->kind == ISMS_CTEST_EVERY) {
		ev->res.unknown++;
		relied_on(ev, row);
		r = 0;
		goto out;
	}
	if (r != 1) {
		r = 0;
		goto out;
	}
	r = 0;
	ev->res.matched++;
	switch (ru->kind) {
	case ISMS_CTEST_HEARTBEAT: {
		size_t b = (size_t)((row->ts - ev->period.start) / ru->max_gap);

		relied_on(ev, row);
		if (row->ts < ev->bmin[b])
			ev->bmin[b] = row->ts;
		if (row->ts > ev->bmax[b])
			ev->bmax[b] = row->ts;
		break;
	}
	case ISMS_CTEST_COUNT:
		if (!isms_ctest_kind_match(ru->basis, ru->basis_prefix, row->kind))
			relied_on(ev, row);
		ev->count[bucket_of(ev, row->ts)]++;
		break;
	case ISMS_CTEST_EVERY:
		relied_on(ev, row);
		r = all_hold(&rc, ru->require, ru->nrequire, fact, userdata);
		if (r == -ENODATA) {
			ev->res.unknown++;
		} else if (r == 0) {
			if (ev->res.nviolation_ids < ISMS_CTEST_GAPS_MAX)
				ev->res.violation_ids[ev->res.nviolation_ids++] = row->id;
			ev->res.violations++;
		}
		r = r < 0 && r != -ENODATA ? r : 0;
		break;
	case ISMS_CTEST_SKEW: {
		int64_t d;

		/* a row without its recording time says nothing of the clock */
		if (!row->recorded)
			break;
		relied_on(ev, row);
		d = row->ts - row->recorded;
		if (!ev->skew_rows || d > ev->skew_max)
			ev->skew_max = d;
		ev->skew_rows++;
		/* ahead by more than allowed: no delay explains it */
		if (d > ru->max_skew) {
			if (ev->res.nviolation_ids < ISMS_CTEST_GAPS_MAX)
				ev->res.violation_ids[ev->res.nviolation_ids++] = row->id;
		}
		break;
	}
	case ISMS_CTEST_ATTEST: {
		struct isms_ctest_cond test = {.field = ISMS_CTEST_F_DETAIL, .detail = "test"};

		/* an attestation is for one test, named in its details */
		snprintf(test.value, sizeof(test.value), "%s", ev->name);
		if (cond_holds(&rc, &test, NULL, NULL) != 1)
			break;
		relied_on(ev, row);
		if (row->ts > ev->att_ts || (row->ts == ev->att_ts && row->id > ev->att_id) ||
		    !ev->att_id) {
			ev->att_ts = row->ts;
			ev->att_id = row->id;
			ev->att_ineffective = row->outcome && strcmp(row->outcome, "ineffective") == 0;
		}
		break;
	}
	}
out:
	json_object_put(rc.details);
	return r;
}

int64_t isms_ctest_eval_seen(const struct isms_ctest_eval *ev)
{
	return ev->res.seen;
}

void isms_ctest_eval_result(const struct isms_ctest_eval *ev, struct isms_ctest_result *ret)
{
	struct isms_ctest_result res = ev->res;

	res.outcome = ISMS_CTEST_INSUFFICIENT;
	res.ngaps = 0;
	if (ev->rule.kind != ISMS_CTEST_EVERY)
		res.violations = 0;
	if (ev->rule.kind != ISMS_CTEST_EVERY && ev->rule.kind != ISMS_CTEST_SKEW)
		res.nviolation_ids = 0;
	res.value = 0;
	switch (ev->rule.kind) {
	case ISMS_CTEST_HEARTBEAT: ctest_result_heartbeat(ev, &res); break;
	case ISMS_CTEST_COUNT: ctest_result_count(ev, &res); break;
	case ISMS_CTEST_EVERY: ctest_result_every(ev, &res); break;
	case ISMS_CTEST_ATTEST: ctest_result_attest(ev, &res); break;
	case ISMS_CTEST_SKEW: ctest_result_skew(ev, &res); break;
	}
	/* never a pass without evidence */
	if (res.outcome == ISMS_CTEST_PASS && res.seen == 0)
		res.outcome = ISMS_CTEST_INSUFFICIENT;
	*ret = res;
}

int isms_ctest_evaluate(const struct isms_ctest_rule *rule, const char *name,
			const struct isms_ctest_period *period, const struct isms_tz *tz,
			isms_ctest_next_cb next, void *next_ud, isms_ctest_fact_cb fact,
			void *fact_ud, struct isms_ctest_result *ret)
{
	struct isms_ctest_eval *ev = NULL;
	struct isms_ctest_row row;
	int r = isms_ctest_eval_new(rule, name, period, tz, &ev);

	while (r >= 0) {
		memset(&row, 0, sizeof(row));
		r = next(&row, next_ud);
		if (r <= 0)
			break;
		r = isms_ctest_eval_row(ev, &row, fact, fact_ud);
	}
	if (r >= 0)
		isms_ctest_eval_result(ev, ret);
	isms_ctest_eval_free(ev);
	return r < 0 ? r : 0;
}
