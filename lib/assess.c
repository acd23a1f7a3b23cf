/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Assessment: the register's control tests over the store's evidence, a page
 * at a time, one evaluator per host of a test's scope, and each result into
 * the chain and the table of results per period in one transaction.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "isms/assess.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/evidence_query.h"
#include "assess_internal.h"
#include "isms/strutil.h"
#include "store_internal.h"

#define PAGE        1000
#define MEMBERS_MAX 4096
#define HOSTS_MAX   2048 /* bytes of the hosts list kept */
#define PAST_END    1    /* row_cb: the rest lies after the window */

struct member {
	char *name;
	struct isms_ctest_eval *ev;
	bool registered; /* a node of the registry, expected to report */
};

/* audisp-isms's sources for rows whose node= it could not believe (FLEET-SPEC, audisp-isms(8)) */
static const char *const apart_sources[] = {"audisp-isms-unregistered", "audisp-isms-quarantine"};

struct run {
	struct isms_store *s;
	const struct isms_ctest_rule *rule;
	const char *test, *scope, *target;
	const struct isms_ctest_period *period;
	const struct isms_tz *tz;
	struct member *m;
	size_t n;
	bool open_members; /* nodes: a node first seen in the rows joins the scope */
	int64_t after, last; /* the cursor, and the last id of the window */
	bool apart_ok[2]; /* a where= names the source of apart_sources[i] */
	int frecorded;
	int fi[8]; /* field indexes: id, ts, kind, source, node, asset, subject, outcome */
	int fcontrol, fdetails;
	/* scope all: the nodes (or assets) of the rows relied on */
	char *seen_hosts[64];
	size_t nseen;
};

static void host_seen(struct run *rn, const struct isms_ctest_row *row)
{
	const char *h = row->node ? row->node : row->asset;

	if (!h || rn->nseen >= sizeof(rn->seen_hosts) / sizeof(rn->seen_hosts[0]))
		return;
	for (size_t i = 0; i < rn->nseen; i++)
		if (strcmp(rn->seen_hosts[i], h) == 0)
			return;
	rn->seen_hosts[rn->nseen] = strdup(h);
	if (rn->seen_hosts[rn->nseen])
		rn->nseen++;
}

static int add_member(struct run *rn, const char *name, struct member **ret)
{
	struct member *m;
	int r;

	for (size_t i = 0; i < rn->n; i++)
		if (strcmp(rn->m[i].name, name) == 0) {
			*ret = &rn->m[i];
			return 0;
		}
	if (rn->n >= MEMBERS_MAX)
		return store_seterr(rn->s, -E2BIG, "test '%s': more than %d hosts", rn->test,
				    MEMBERS_MAX);
	m = realloc(rn->m, (rn->n + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	rn->m = m;
	m = &rn->m[rn->n];
	m->ev = NULL;
	m->registered = false;
	m->name = strdup(name);
	if (!m->name)
		return -ENOMEM;
	r = isms_ctest_eval_new(rn->rule, rn->test, rn->period, rn->tz, &m->ev);
	if (r < 0) {
		free(m->name);
		return store_seterr(rn->s, r, "test '%s': cannot evaluate over period '%s'", rn->test,
				    rn->period->label);
	}
	rn->n++;
	*ret = m;
	return 0;
}

static int members_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct run *rn = ud;
	struct member *m;
	int i = isms_entity_field_index(e, strcmp(e->name, "asset") == 0 ? "name" : "node");

	if (!v[i] || (rn->target && strcmp(rn->target, v[i]) != 0))
		return 0;
	return add_member(rn, v[i], &m);
}

/*
 * The registry's nodes other than the central itself (whose own rows may
 * carry no node=): each is expected to report.  A store without the node
 * table (a DPMS store) has none.
 */
static int registered_members(struct run *rn)
{
	sqlite3_stmt *st = NULL;
	struct member *m;
	int r;

	if (!store_entity(rn->s, "node"))
		return 0;
	r = store_prepare(rn->s, "SELECT name FROM node WHERE local = 0 ORDER BY name", &st);
	while (r >= 0 && (r = store_step_row(rn->s, st)) == 1) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (rn->target && strcmp(rn->target, name) != 0)
			continue;
		r = add_member(rn, name, &m);
		if (r >= 0)
			m->registered = true;
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

/* The hosts of the scope known before any row is read. */
static int load_members(struct run *rn)
{
	struct member *m;
	int r;

	if (strcmp(rn->scope, "all") == 0 || rn->rule->kind == ISMS_CTEST_ATTEST)
		return add_member(rn, "", &m);
	if (strcmp(rn->scope, "assets") == 0) {
		const struct isms_kv f = {"type", "host"};

		return isms_record_list(rn->s, store_entity(rn->s, "asset"), &f, 1, members_cb, rn);
	}
	/* nodes: the registered ones, every node a collector started on, any seen in the rows */
	rn->open_members = !rn->target;
	r = registered_members(rn);
	if (r < 0 || rn->target) {
		if (r >= 0 && rn->target)
			r = add_member(rn, rn->target, &m);
		return r;
	}
	{
		const struct isms_kv f = {"kind", "collector.start"};
		const struct isms_evidence_query q = {.filter = &f, .nfilter = 1};
		int64_t n = isms_evidence_list(rn->s, &q, members_cb, rn);

		return n < 0 ? (int)n : 0;
	}
}

static int row_cb(const struct isms_entity *e, const char *const *v, void *ud)
{
	struct run *rn = ud;
	struct isms_ctest_row row = {0};
	struct member *m = NULL;
	const char *host;
	int r;

	(void)e;
	if (isms_parse_int64(v[rn->fi[0]], &row.id) < 0)
		return -EBADMSG;
	if (row.id > rn->last)
		return PAST_END;
	rn->after = row.id;
	if (!v[rn->fi[1]] || isms_date_parse(v[rn->fi[1]], &row.ts, NULL) < 0)
		return 0; /* a time that does not parse is no time of the period */
	row.kind = v[rn->fi[2]];
	/* Results of assessments are not evidence of the controls they assess. */
	if (row.kind && strncmp(row.kind, "assessment.", 11) == 0 &&
	    strncmp(rn->rule->pattern, "assessment.", 11) != 0)
		return 0;
	row.source = v[rn->fi[3]];
	for (size_t i = 0; row.source && i < 2; i++)
		if (strcmp(row.source, apart_sources[i]) == 0 && !rn->apart_ok[i])
			return 0;
	if (v[rn->frecorded] && isms_date_parse(v[rn->frecorded], &row.recorded, NULL) < 0)
		row.recorded = 0;
	row.node = v[rn->fi[4]];
	row.asset = v[rn->fi[5]];
	row.subject = v[rn->fi[6]];
	row.outcome = v[rn->fi[7]];
	row.control = v[rn->fcontrol];
	row.details = v[rn->fdetails];
	if (strcmp(rn->scope, "all") == 0 || rn->rule->kind == ISMS_CTEST_ATTEST) {
		m = &rn->m[0];
	} else {
		host = strcmp(rn->scope, "assets") == 0 ? row.asset : row.node;
		if (!host)
			return 0;
		for (size_t i = 0; i < rn->n && !m; i++)
			if (strcmp(rn->m[i].name, host) == 0)
				m = &rn->m[i];
		if (!m && rn->open_members) {
			r = add_member(rn, host, &m);
			if (r < 0)
				return r;
		}
		if (!m)
			return 0;
	}
	{
		int64_t before = isms_ctest_eval_seen(m->ev);

		r = isms_ctest_eval_row(m->ev, &row, isms_assess_fact, rn->s);
		if (r >= 0 && !m->name[0] && isms_ctest_eval_seen(m->ev) > before)
			host_seen(rn, &row);
	}
	return r < 0 ? r : 0;
}

/*
 * The ids of the rows in the window [@since, @until) (NULL: open), from the
 * time index alone (it holds ts and id): *ret_lo 0 when there is none.
 */
static int window_ids(struct isms_store *s, const char *since, const char *until, int64_t *ret_lo,
		      int64_t *ret_hi)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s,
			      since ? "SELECT min(pk), max(pk) FROM evidence INDEXED BY evidence_by_ts"
				      " WHERE ts >= ?1 AND ts < ?2" :
				      "SELECT min(pk), max(pk) FROM evidence INDEXED BY evidence_by_ts"
				      " WHERE ts < ?2",
			      &st);

	if (r >= 0 && since)
		r = store_bind_text(s, st, 1, since);
	if (r >= 0)
		r = store_bind_text(s, st, 2, until);
	if (r >= 0)
		r = store_step_row(s, st);
	*ret_lo = *ret_hi = 0;
	if (r == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*ret_lo = sqlite3_column_int64(st, 0);
		*ret_hi = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

static int read_rows(struct run *rn)
{
	const struct isms_entity *e = store_entity(rn->s, "evidence");
	static const char *const names[] = {"id", "ts", "kind", "source", "node", "asset",
					    "subject", "outcome"};
	char since[32], until[32], t[ISMS_DATE_MAX];
	struct isms_kv f[2];
	struct isms_evidence_query q = {.limit = PAGE, .filter = f};
	int64_t a, b, n, lo, hi;
	int r;

	for (size_t i = 0; i < 8; i++)
		rn->fi[i] = isms_entity_field_index(e, names[i]);
	rn->fcontrol = isms_entity_field_index(e, "control");
	rn->fdetails = isms_entity_field_index(e, "details");
	rn->frecorded = isms_entity_field_index(e, "recorded");
	for (size_t i = 0; i < rn->rule->nwhere; i++) {
		const struct isms_ctest_cond *c = &rn->rule->where[i];

		for (size_t k = 0; k < 2; k++)
			if (c->fact == ISMS_CTEST_FACT_NONE && c->field == ISMS_CTEST_F_SOURCE &&
			    !c->negate && isms_ctest_kind_match(c->value, c->prefix, apart_sources[k]))
				rn->apart_ok[k] = true;
	}
	/* the evaluators' window: the period, or for attest all before its end */
	a = rn->rule->kind == ISMS_CTEST_ATTEST ? INT64_MIN : rn->period->start;
	b = rn->period->end;
	if (a != INT64_MIN) {
		isms_date_format(a, t, sizeof(t));
		if (isms_evidence_bound(t, since, sizeof(since)) < 0)
			return -EINVAL;
	}
	isms_date_format(b, t, sizeof(t));
	if (isms_evidence_bound(t, until, sizeof(until)) < 0)
		return -EINVAL;
	/*
	 * Paged by id between the first and the last row of the window, not
	 * through the time window itself: a page of a time window costs the
	 * whole window (its rows are sorted by id to take the next page), so
	 * reading a month of a million rows a page at a time was quadratic
	 * (118 s).  Rows of other times in between are skipped by the
	 * evaluator; rows that arrived late (a journal drained, a log replayed)
	 * are within the range by construction.
	 */
	r = window_ids(rn->s, a != INT64_MIN ? since : NULL, until, &lo, &hi);
	if (r < 0 || lo == 0)
		return r;
	/* One exact kind is read through the kind index; count also needs its basis. */
	if (!rn->rule->prefix && rn->rule->kind != ISMS_CTEST_COUNT)
		f[q.nfilter++] = (struct isms_kv){"kind", rn->rule->pattern};
	if (rn->target && strcmp(rn->scope, "all") != 0 && rn->rule->kind != ISMS_CTEST_ATTEST)
		f[q.nfilter++] = (struct isms_kv){strcmp(rn->scope, "assets") == 0 ? "asset" : "node",
						  rn->target};
	rn->after = lo - 1;
	rn->last = hi;
	do {
		q.after = rn->after;
		n = isms_evidence_list(rn->s, &q, row_cb, rn);
		if (n < 0)
			return (int)n;
	} while (n == PAGE);
	/* PAST_END: row_cb stopped at the window's last row */
	return 0;
}

/* Every host's result into one: a failing host fails the test, one without evidence leaves it short. */
static int combine(struct run *rn, struct isms_assess_item *it, char *hosts, size_t len,
		   const struct isms_assess_opts *o)
{
	struct isms_ctest_result *all = &it->res, one;
	bool why = false;
	size_t off = 0;
	bool fail = false, short_ = rn->n == 0;

	memset(all, 0, sizeof(*all));
	hosts[0] = '\0';
	it->members = strcmp(rn->scope, "all") == 0 ? 0 : (int64_t)rn->n;
	for (size_t i = 0; i < rn->n; i++) {
		isms_ctest_eval_result(rn->m[i].ev, &one);
		/* a registered node is expected to report: its silence is a gap, not too little evidence */
		if (rn->m[i].registered && rn->rule->kind == ISMS_CTEST_HEARTBEAT && !one.matched) {
			one.outcome = ISMS_CTEST_FAIL;
			one.violations = 1;
			one.ngaps = 1;
			one.gaps[0].from = rn->period->start;
			one.gaps[0].to = rn->period->end;
			one.value = rn->period->end - rn->period->start;
			snprintf(one.reason, sizeof(one.reason),
				 "registered node never heard from in the period (no '%s%s')",
				 rn->rule->pattern, rn->rule->prefix ? "*" : "");
		}
		if (o->host_cb && rn->m[i].name[0]) {
			const struct isms_assess_host h = {.test = rn->test, .host = rn->m[i].name,
							   .registered = rn->m[i].registered,
							   .res = &one};
			int r = o->host_cb(&h, o->host_ud);

			if (r < 0)
				return r;
		}
		all->seen += one.seen;
		all->matched += one.matched;
		all->violations += one.violations;
		all->unknown += one.unknown;
		if (one.first_id && (!all->first_id || one.first_id < all->first_id))
			all->first_id = one.first_id;
		if (one.last_id > all->last_id)
			all->last_id = one.last_id;
		if (one.value > all->value)
			all->value = one.value;
		if (one.seen && rn->m[i].name[0]) {
			int k = snprintf(hosts + off, len - off, "%s%s", off ? "," : "", rn->m[i].name);

			it->covered++;
			if (k > 0 && (size_t)k < len - off)
				off += (size_t)k;
		}
		if (one.outcome == ISMS_CTEST_FAIL && !fail) {
			fail = true;
			why = false;
		}
		if (one.outcome == ISMS_CTEST_INSUFFICIENT)
			short_ = true;
		if (!why && (one.outcome == ISMS_CTEST_FAIL || (!fail && one.outcome != ISMS_CTEST_PASS))) {
			memcpy(all->gaps, one.gaps, sizeof(one.gaps));
			all->ngaps = one.ngaps;
			memcpy(all->violation_ids, one.violation_ids, sizeof(one.violation_ids));
			all->nviolation_ids = one.nviolation_ids;
			if (rn->m[i].name[0])
				snprintf(all->reason, sizeof(all->reason), "%.64s: %.180s",
					 rn->m[i].name, one.reason);
			else
				snprintf(all->reason, sizeof(all->reason), "%s", one.reason);
			why = true;
		}
		if (i == 0 && !why)
			snprintf(all->reason, sizeof(all->reason), "%s", one.reason);
	}
	/* scope all: the hosts whose rows it relied on */
	for (size_t i = 0; i < rn->nseen; i++) {
		int k = snprintf(hosts + off, len - off, "%s%s", off ? "," : "", rn->seen_hosts[i]);

		it->covered++;
		if (k > 0 && (size_t)k < len - off)
			off += (size_t)k;
	}
	all->outcome = fail ? ISMS_CTEST_FAIL : short_ ? ISMS_CTEST_INSUFFICIENT : ISMS_CTEST_PASS;
	if (rn->n == 0)
		snprintf(all->reason, sizeof(all->reason), "no host in the scope '%s'%s", rn->scope,
			 strcmp(rn->scope, "nodes") == 0 ?
				 ": no collector started and none sent evidence in the period" :
				 ": no asset of type host");
	else if (!fail && !short_ && rn->n > 1)
		snprintf(all->reason, sizeof(all->reason), "all %zu hosts pass", rn->n);
	if (all->outcome == ISMS_CTEST_PASS && all->seen == 0)
		all->outcome = ISMS_CTEST_INSUFFICIENT;
	it->hosts = hosts;
	return 0;
}

static void release(struct run *rn)
{
	for (size_t i = 0; i < rn->n; i++) {
		free(rn->m[i].name);
		isms_ctest_eval_free(rn->m[i].ev);
	}
	free(rn->m);
	rn->m = NULL;
	rn->n = 0;
	for (size_t i = 0; i < rn->nseen; i++)
		free(rn->seen_hosts[i]);
	rn->nseen = 0;
}


/* One test of the register (its fields as text, aligned to the test record type). */
static int run_one(struct isms_store *s, const struct isms_assess_opts *o,
		   const struct isms_entity *e, char **v, isms_assess_cb cb, void *ud)
{
	struct isms_ctest_rule rule;
	struct isms_assess_item it = {0};
	enum isms_ctest_freq freq = ISMS_CTEST_MONTHLY;
	char err[256], hosts[HOSTS_MAX];
	struct run rn = {.s = s, .rule = &rule, .tz = o->tz};
	int r;

#define F(name) v[isms_entity_field_index(e, name)]
	it.test = rn.test = F("name");
	it.control = F("control");
	it.expected = F("expect") ? F("expect") : "pass";
	rn.scope = F("scope") ? F("scope") : "all";
	rn.target = o->target ? o->target : F("target");
	if (isms_parse_int64(F("version"), &it.version) < 0)
		it.version = 1;
	if (isms_ctest_rule_parse(F("rule"), &rule, err, sizeof(err)) < 0)
		return store_seterr(s, -EINVAL, "test '%s': %s", it.test, err);
	if (F("frequency") && isms_ctest_freq_parse(F("frequency"), &freq) < 0)
		freq = ISMS_CTEST_MONTHLY;
#undef F
	if (o->period) {
		if (isms_ctest_period_parse(o->period, o->tz, &it.period) < 0)
			return store_seterr(s, -EINVAL,
					    "'%.64s' is not a period (YYYY, YYYY-Qn, YYYY-MM, YYYY-Www,"
					    " YYYY-MM-DD or FROM..TO)", o->period);
	} else {
		isms_ctest_period_of(freq, o->tz, o->now, &it.period);
		/* the second before the current period began is in the one before */
		if (o->previous)
			isms_ctest_period_of(freq, o->tz, it.period.start - 1, &it.period);
	}
	if (it.period.start >= o->now)
		return store_seterr(s, -EINVAL, "period '%s' has not begun", it.period.label);
	/* a period still running is assessed up to now (this second included), and again later */
	if (it.period.end > o->now + 1)
		it.period.end = o->now + 1;
	if (!o->again) {
		r = assess_done_before(s, it.test, it.version, &it.period);
		if (r < 0)
			return r;
		if (r == 1) {
			it.skipped = true;
			return cb ? cb(&it, ud) : 0;
		}
	}
	rn.period = &it.period;
	r = load_members(&rn);
	/* nodes first seen in the rows join the scope: read even with none known */
	if (r >= 0 && (rn.n > 0 || rn.open_members))
		r = read_rows(&rn);
	if (r >= 0)
		r = combine(&rn, &it, hosts, sizeof(hosts), o);
	if (r >= 0) {
		if (!o->dry_run)
			r = assess_record(s, &it, o->now, &it.evidence);
	}
	if (r >= 0 && cb)
		r = cb(&it, ud);
	release(&rn);
	return r;
}

struct tests {
	char ***v;
	size_t n;
};

static int tests_cb(const struct isms_entity *e, const char *const *values, void *ud)
{
	struct tests *t = ud;
	char ***nv = realloc(t->v, (t->n + 1) * sizeof(*nv)), **row;

	if (!nv)
		return -ENOMEM;
	t->v = nv;
	row = calloc(e->nfields, sizeof(*row));
	if (!row)
		return -ENOMEM;
	t->v[t->n++] = row;
	for (size_t i = 0; i < e->nfields; i++)
		if (values[i] && !(row[i] = strdup(values[i])))
			return -ENOMEM;
	return 0;
}

int isms_assess_run(struct isms_store *s, const struct isms_assess_opts *o, isms_assess_cb cb,
		    void *userdata)
{
	const struct isms_entity *e = store_entity(s, "test");
	struct isms_kv f[2];
	size_t nf = 0;
	struct tests t = {0};
	int r, done = 0;

	if (!e || !o->tz)
		return -EINVAL;
	if (o->control)
		f[nf++] = (struct isms_kv){"control", o->control};
	if (o->test)
		f[nf++] = (struct isms_kv){"name", o->test};
	/* The tests are few: read them all before any evidence, then run each. */
	r = isms_record_list(s, e, f, nf, tests_cb, &t);
	if (r >= 0 && t.n == 0)
		r = store_seterr(s, -ENOENT, "no test%s%s%s%s (see 'ismsctl test list')",
				 o->test ? " named '" : "", o->test ? o->test : "",
				 o->control ? " of control '" : "", o->control ? o->control : "");
	for (size_t i = 0; r >= 0 && i < t.n; i++) {
		r = run_one(s, o, e, t.v[i], cb, userdata);
		done++;
	}
	for (size_t i = 0; i < t.n; i++) {
		for (size_t k = 0; k < e->nfields; k++)
			free(t.v[i][k]);
		free(t.v[i]);
	}
	free(t.v);
	return r < 0 ? r : done;
}
