/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control tests, the pure core: rule text, periods in a zone with DST, and
 * each kind of rule over evidence that passes, fails and is missing.  The
 * zone is a POSIX rule (Central Europe), so no zoneinfo file is needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "isms/control_test.h"

#define CET "CET-1CEST,M3.5.0,M10.5.0/3"

static struct isms_tz *zone(void)
{
	struct isms_tz *tz = NULL;

	assert_int_equal(isms_tz_from_posix(CET, &tz), 0);
	return tz;
}

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi};

	return (int64_t)timegm(&tm);
}

static struct isms_ctest_rule rule(const char *text)
{
	struct isms_ctest_rule r;
	char err[256];
	int rc = isms_ctest_rule_parse(text, &r, err, sizeof(err));

	if (rc < 0)
		fail_msg("'%s': %s", text, err);
	return r;
}

static struct isms_ctest_period period(const struct isms_tz *tz, const char *text)
{
	struct isms_ctest_period p;

	assert_int_equal(isms_ctest_period_parse(text, tz, &p), 0);
	return p;
}

/* Rows from an array, and facts from a table of (subject, fact value). */
struct rows_it {
	const struct isms_ctest_row *v;
	size_t n, i;
};

static int next_row(struct isms_ctest_row *row, void *ud)
{
	struct rows_it *it = ud;

	if (it->i >= it->n)
		return 0;
	*row = it->v[it->i++];
	return 1;
}

/* reviewed(): alice yes, bob no, carol unknown; role(admin): only root's person "ops" */
static int facts(const struct isms_ctest_cond *c, const struct isms_ctest_row *row, void *ud)
{
	const char *s = row->subject ? row->subject : "";

	(void)ud;
	if (c->fact == ISMS_CTEST_FACT_REVIEWED) {
		assert_int_equal(c->seconds, 90 * 86400);
		if (strcmp(s, "carol") == 0)
			return -ENODATA;
		return strcmp(s, "alice") == 0;
	}
	if (c->fact == ISMS_CTEST_FACT_MEMBER)
		return strcmp(c->value, "sudo-admins") == 0 && strcmp(s, "ops") == 0;
	return -ENODATA;
}

static struct isms_ctest_result eval(const char *text, const char *ptext,
				     const struct isms_ctest_row *rows, size_t n)
{
	struct isms_tz *tz = zone();
	struct isms_ctest_rule r = rule(text);
	struct isms_ctest_period p = period(tz, ptext);
	struct rows_it it = {rows, n, 0};
	struct isms_ctest_result res;

	assert_int_equal(isms_ctest_evaluate(&r, "t1", &p, tz, next_row, &it, facts, NULL, &res), 0);
	isms_tz_free(tz);
	return res;
}

#define ROW(i, t, k) {.id = (i), .ts = (t), .kind = (k), .source = "pam_isms"}
#define ROWS(i, t, k, subj) {.id = (i), .ts = (t), .kind = (k), .subject = (subj)}

static void test_parse(void **state)
{
	struct isms_ctest_rule r;
	char err[256];
	static const char *const bad[] = {
		"", "nothing kind=x", "heartbeat kind=x", "heartbeat kind=x max_gap=0h",
		"heartbeat kind=x max_gap=5y", "count kind=x", "count kind=x max=-1",
		"count kind=x max=1 min=2", "every kind=x", "every kind=x require=nosuch(1)",
		"every kind=x require=reviewed()", "every kind=x require=reviewed(ninety)",
		"every kind=x require=active(x)", "every kind=x require=colour=red",
		"attest", "count kind=x max=1 per=month", "heartbeat kind=x max_gap=1h require=active()",
		"count kind=a*b max=1", "every kind=x require=subject", "count kind=x max=1 junk",
		"every kind=x require=node=1 require=node=2 require=node=3 require=node=4"
		" require=node=5 require=node=6 require=node=7 require=node=8 require=node=9",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (isms_ctest_rule_parse(bad[i], &r, err, sizeof(err)) >= 0)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
	r = rule("heartbeat kind=collector.* max_gap=24h where=source=audisp-isms # the trail");
	assert_int_equal(r.kind, ISMS_CTEST_HEARTBEAT);
	assert_string_equal(r.pattern, "collector.");
	assert_true(r.prefix);
	assert_int_equal(r.max_gap, 86400);
	assert_int_equal(r.nwhere, 1);
	assert_int_equal(r.where[0].field, ISMS_CTEST_F_SOURCE);
	assert_string_equal(r.where[0].value, "audisp-isms");

	r = rule("count kind=access.deny max=3 per=day");
	assert_string_equal(r.basis, "access.");
	assert_true(r.basis_prefix);
	assert_int_equal(r.max, 3);
	assert_int_equal(r.min, -1);
	assert_int_equal(r.per, ISMS_CTEST_PER_DAY);

	r = rule("every kind=access.allow where=details.service=sshd require=subject!=root"
		 " require=!member(wheel) require=reviewed(90d)");
	assert_int_equal(r.nwhere, 1);
	assert_int_equal(r.where[0].field, ISMS_CTEST_F_DETAIL);
	assert_string_equal(r.where[0].detail, "service");
	assert_int_equal(r.nrequire, 3);
	assert_true(r.require[0].negate);
	assert_int_equal(r.require[1].fact, ISMS_CTEST_FACT_MEMBER);
	assert_true(r.require[1].negate);
	assert_string_equal(r.require[1].value, "wheel");
	assert_int_equal(r.require[2].seconds, 90 * 86400);

	r = rule("attest valid=365d");
	assert_string_equal(r.pattern, "test.attestation");
	assert_int_equal(r.valid, 365 * 86400);
	assert_int_equal(isms_ctest_rule_parse("count kind=x max=1 \x01", &r, NULL, 0), -EINVAL);
}

static void test_periods(void **state)
{
	struct isms_tz *tz = zone();
	struct isms_ctest_period p;
	static const char *const bad[] = {"", "26", "2026-13", "2026-Q5", "2026-W54", "2025-W53",
					  "2026-02-30", "2026-11-01..2026-11-01", "abcd",
					  "2026-12..2026-11", "2026-11-01..", "1899"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (isms_ctest_period_parse(bad[i], tz, &p) == 0)
			fail_msg("period '%s' was accepted", bad[i]);
	p = period(tz, "2026-11");
	assert_int_equal(p.start, utc(2026, 10, 31, 23, 0));
	assert_int_equal(p.end, utc(2026, 11, 30, 23, 0));
	/* the day the clocks go forward has 23 hours, the day they go back 25 */
	p = period(tz, "2026-03-29");
	assert_int_equal(p.end - p.start, 23 * 3600);
	p = period(tz, "2026-10-25");
	assert_int_equal(p.end - p.start, 25 * 3600);
	/* March: 31 days less the hour the clocks skip */
	p = period(tz, "2026-03");
	assert_int_equal(p.end - p.start, 31 * 86400 - 3600);
	p = period(tz, "2026-Q4");
	assert_int_equal(p.start, utc(2026, 9, 30, 22, 0));
	assert_int_equal(p.end, utc(2026, 12, 31, 23, 0));
	p = period(tz, "2026-W01"); /* ISO week 1 of 2026 starts on Monday 2025-12-29 */
	assert_int_equal(p.start, utc(2025, 12, 28, 23, 0));
	p = period(tz, "2026-W53");
	assert_int_equal(p.start, utc(2026, 12, 27, 23, 0));
	p = period(tz, "2026-11-01T00:00:00Z..2026-11-02T06:00:00+01:00");
	assert_int_equal(p.end - p.start, 29 * 3600);
	/* a skipped local time is the instant the clocks jumped */
	assert_int_equal(isms_ctest_local(tz, 2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 0));
	/* a repeated one the first of the two */
	assert_int_equal(isms_ctest_local(tz, 2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30));

	isms_ctest_period_of(ISMS_CTEST_MONTHLY, tz, utc(2026, 11, 30, 23, 30), &p);
	assert_string_equal(p.label, "2026-12"); /* already December in Berlin */
	isms_ctest_period_of(ISMS_CTEST_WEEKLY, tz, utc(2027, 1, 1, 12, 0), &p);
	assert_string_equal(p.label, "2026-W53");
	isms_ctest_period_of(ISMS_CTEST_QUARTERLY, tz, utc(2026, 12, 2, 12, 0), &p);
	assert_string_equal(p.label, "2026-Q4");
	isms_ctest_period_of(ISMS_CTEST_DAILY, tz, utc(2026, 3, 29, 22, 30), &p);
	assert_string_equal(p.label, "2026-03-30");
	isms_tz_free(tz);
}

static void test_heartbeat(void **state)
{
	const char *hb = "heartbeat kind=collector.* max_gap=6h";
	int64_t d = utc(2026, 11, 9, 23, 0); /* 2026-11-10 00:00 local */
	struct isms_ctest_row ok[] = {
		ROW(7, d + 3600, "collector.start"), ROW(3, d + 6 * 3600, "collector.tick"),
		ROW(9, d + 11 * 3600, "access.allow"), ROW(5, d + 12 * 3600, "collector.tick"),
		ROW(4, d + 18 * 3600, "collector.tick"), ROW(8, d + 23 * 3600, "collector.tick"),
	};
	struct isms_ctest_result res;

	(void)state;
	res = eval(hb, "2026-11-10", ok, 6);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.matched, 5);
	assert_int_equal(res.first_id, 3);
	assert_int_equal(res.last_id, 8);
	assert_int_equal(res.value, 6 * 3600);
	/* silent from 06:00 to 18:00 */
	ok[3].kind = "access.deny";
	res = eval(hb, "2026-11-10", ok, 6);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violations, 1);
	assert_int_equal(res.gaps[0].from, d + 6 * 3600);
	assert_int_equal(res.gaps[0].to, d + 18 * 3600);
	assert_int_equal(res.value, 12 * 3600);
	/* a start late in the period is a gap from its beginning */
	res = eval(hb, "2026-11-10", ok + 4, 2);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.gaps[0].from, d);
	/* nothing at all: insufficient evidence, never a pass */
	res = eval(hb, "2026-11-10", ok + 2, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	assert_int_equal(res.first_id, 0);
	/* rows outside the period are not relied on */
	res = eval(hb, "2026-11-11", ok, 6);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
}

static void test_heartbeat_dst(void **state)
{
	/* 2026-10-25 has 25 hours; the gaps are counted in elapsed time */
	int64_t d = utc(2026, 10, 24, 22, 0);
	struct isms_ctest_row rows[] = {
		ROW(1, d, "collector.tick"), ROW(2, d + 6 * 3600, "collector.tick"),
		ROW(3, d + 13 * 3600, "collector.tick"), ROW(4, d + 19 * 3600, "collector.tick"),
		ROW(5, d + 25 * 3600 - 60, "collector.tick"),
	};
	struct isms_ctest_result res;

	(void)state;
	res = eval("heartbeat kind=collector.tick max_gap=6h", "2026-10-25", rows, 5);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violations, 1);
	assert_int_equal(res.value, 7 * 3600);
	res = eval("heartbeat kind=collector.tick max_gap=7h", "2026-10-25", rows, 5);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	/* the row 60 s before the end belongs to the period, one at its end does not */
	rows[4].ts = d + 25 * 3600;
	res = eval("heartbeat kind=collector.tick max_gap=7h", "2026-10-25", rows, 5);
	assert_int_equal(res.matched, 4);
}

static void test_count(void **state)
{
	int64_t d = utc(2026, 11, 9, 23, 0);
	struct isms_ctest_row rows[] = {
		ROW(1, d + 60, "access.allow"), ROW(2, d + 120, "access.deny"),
		ROW(3, d + 180, "access.deny"), ROW(4, d + 86400 + 60, "access.deny"),
	};
	struct isms_ctest_result res;

	(void)state;
	res = eval("count kind=access.deny max=3", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.matched, 3);
	assert_int_equal(res.seen, 4);
	assert_int_equal(res.first_id, 1);
	assert_int_equal(res.last_id, 4);
	res = eval("count kind=access.deny max=2", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.value, 3);
	/* two on the 10th, one on the 11th */
	res = eval("count kind=access.deny max=1 per=day", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violations, 1);
	assert_int_equal(res.gaps[0].from, d);
	assert_int_equal(res.gaps[0].to, d + 86400);
	res = eval("count kind=access.deny max=2 per=day", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	/* no denials is a pass only when the collector was seen deciding */
	res = eval("count kind=access.deny max=0", "2026-11", rows, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	res = eval("count kind=access.deny max=0", "2026-11", NULL, 0);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	res = eval("count kind=access.deny max=0 basis=collector.start", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	/* where= selects the basis too: no row of that collector, no pass */
	res = eval("count kind=access.deny max=5 where=source=audisp-isms", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	res = eval("count kind=access.deny max=5 where=source=pam_isms", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	/* at least one a day: the other days of November had none */
	res = eval("count kind=access.* min=1 per=day", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violations, 28);
	assert_int_equal(res.value, 0);
	res = eval("count kind=access.* min=1 per=day", "2026-11-10..2026-11-12", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
}

static void test_count_dst(void **state)
{
	/* Local days across the change to summer time: 23:30 on the 28th and
	 * 00:30 on the 29th are one hour apart and on two days. */
	struct isms_ctest_row rows[] = {
		ROW(1, utc(2026, 3, 28, 22, 30), "access.deny"),
		ROW(2, utc(2026, 3, 28, 23, 30), "access.deny"),
		/* 23:30 CEST on the 29th: the last minutes of that 23-hour day */
		ROW(3, utc(2026, 3, 29, 21, 30), "access.deny"),
		ROW(4, utc(2026, 3, 29, 22, 30), "access.deny"),
	};
	struct isms_ctest_result res;

	(void)state;
	res = eval("count kind=access.deny max=2 per=day", "2026-W13", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.value, 2);
	res = eval("count kind=access.deny max=1 per=day", "2026-03-23..2026-04-01", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violations, 1);
	/* the bucket is the 29th, 23 hours long */
	assert_int_equal(res.gaps[0].from, utc(2026, 3, 28, 23, 0));
	assert_int_equal(res.gaps[0].to, utc(2026, 3, 29, 22, 0));
	/* weeks from Monday: rows 1-3 in W13, row 4 in W14 */
	res = eval("count kind=access.deny max=3 per=week", "2026-03", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	res = eval("count kind=access.deny max=2 per=week", "2026-03", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
}

static void test_every(void **state)
{
	int64_t d = utc(2026, 11, 9, 23, 0);
	struct isms_ctest_row rows[] = {
		ROWS(1, d + 60, "access.allow", "alice"), ROWS(2, d + 120, "access.allow", "bob"),
		ROWS(3, d + 180, "access.deny", "bob"), ROWS(4, d + 240, "access.allow", "carol"),
		ROWS(5, d + 300, "access.allow", "root"),
	};
	struct isms_ctest_result res;

	(void)state;
	res = eval("every kind=access.allow require=reviewed(90d)", "2026-11", rows, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.first_id, 1);
	res = eval("every kind=access.allow require=reviewed(90d)", "2026-11", rows, 3);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violations, 1);
	assert_int_equal(res.violation_ids[0], 2);
	/* carol's review cannot be known: not a pass */
	res = eval("every kind=access.allow require=reviewed(90d)", "2026-11", rows + 3, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	assert_int_equal(res.unknown, 1);
	/* a failing row decides over an unknown one */
	res = eval("every kind=access.allow require=reviewed(90d)", "2026-11", rows + 1, 3);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	res = eval("every kind=access.allow require=subject!=root", "2026-11", rows, 5);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violation_ids[0], 5);
	res = eval("every kind=access.allow require=subject!=root", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.matched, 3);
	res = eval("every kind=access.allow require=subject!=root", "2026-12", rows, 5);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
}

static void test_every_details(void **state)
{
	int64_t d = utc(2026, 11, 9, 23, 0);
	struct isms_ctest_row rows[] = {
		{.id = 1, .ts = d, .kind = "access.allow", .subject = "root",
		 .details = "{\"service\":\"su\"}"},
		{.id = 2, .ts = d, .kind = "access.allow", .subject = "root",
		 .details = "{\"service\":\"sshd\"}"},
		{.id = 3, .ts = d, .kind = "priv.command.success", .subject = "ops"},
		{.id = 4, .ts = d, .kind = "priv.command.failure", .subject = "eve"},
	};
	struct isms_ctest_result res;
	const char *noroot = "every kind=access.allow where=details.service=sshd require=subject!=root";

	(void)state;
	/* root through su is not what the rule is about; over sshd it fails */
	res = eval(noroot, "2026-11", rows, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	res = eval(noroot, "2026-11", rows, 2);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violation_ids[0], 2);
	res = eval("every kind=priv.command.* require=member(sudo-admins)", "2026-11", rows + 2, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	res = eval("every kind=priv.command.* require=member(sudo-admins)", "2026-11", rows + 2, 2);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.violation_ids[0], 4);
}

static void test_attest(void **state)
{
	int64_t d = utc(2026, 1, 10, 12, 0);
	struct isms_ctest_row rows[] = {
		{.id = 1, .ts = d, .kind = "test.attestation", .outcome = "effective",
		 .details = "{\"test\":\"t1\"}"},
		{.id = 2, .ts = d + 86400, .kind = "test.attestation", .outcome = "effective",
		 .details = "{\"test\":\"other\"}"},
		{.id = 3, .ts = utc(2026, 11, 5, 12, 0), .kind = "test.attestation",
		 .outcome = "ineffective", .details = "{\"test\":\"t1\"}"},
	};
	struct isms_ctest_result res;

	(void)state;
	res = eval("attest valid=365d", "2026-11", rows, 2);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.first_id, 1);
	assert_int_equal(res.last_id, 1);
	res = eval("attest valid=180d", "2026-11", rows, 2);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_contains(res.reason, "expired");
	res = eval("attest valid=365d", "2026-11", rows + 1, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	res = eval("attest valid=365d", "2026-11", rows, 3);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.last_id, 3);
	/* an attestation after the period does not vouch for it */
	res = eval("attest valid=365d", "2025", rows, 3);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
}

/* skew: the largest ts - recorded estimates a sender's clock; delays only lower it */
static void test_skew(void **state)
{
	int64_t d = utc(2026, 11, 10, 12, 0);
	struct isms_ctest_row rows[] = {
		/* on time, then a backlog delivered an hour late: no skew */
		{.id = 1, .ts = d, .recorded = d + 1, .kind = "login.allow"},
		{.id = 2, .ts = d + 60, .recorded = d + 3660, .kind = "login.allow"},
		/* a row without its recording time says nothing */
		{.id = 3, .ts = d + 70, .kind = "login.allow"},
		/* a clock 30 s ahead */
		{.id = 4, .ts = d + 130, .recorded = d + 100, .kind = "login.allow"},
	};
	struct isms_ctest_rule r;
	struct isms_ctest_result res;
	char err[256];

	(void)state;
	r = rule("skew max=5s");
	assert_int_equal(r.kind, ISMS_CTEST_SKEW);
	assert_int_equal(r.max_skew, 5);
	assert_true(r.prefix);
	assert_int_equal(rule("skew max=2m kind=login.*").max_skew, 120);
	assert_int_equal(isms_ctest_rule_parse("skew", &r, err, sizeof(err)), -EINVAL);
	assert_contains(err, "skew needs max=");
	assert_int_equal(isms_ctest_rule_parse("skew max=0s", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(isms_ctest_rule_parse("skew max=2d", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(isms_ctest_rule_parse("skew max=5s max_gap=1h", &r, err, sizeof(err)),
			 -EINVAL);
	res = eval("skew max=5s", "2026-11", rows, 3);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	assert_int_equal(res.value, -1);
	assert_int_equal(res.seen, 2);
	res = eval("skew max=5s", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_int_equal(res.value, 30);
	assert_contains(res.reason, "ahead by 30 s");
	assert_int_equal(res.nviolation_ids, 1);
	assert_int_equal(res.violation_ids[0], 4);
	res = eval("skew max=1m", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_PASS);
	/* every row late by more than allowed: the clock is behind (or the link was) */
	res = eval("skew max=5s", "2026-11", rows + 1, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_FAIL);
	assert_contains(res.reason, "behind by at least 3600 s");
	res = eval("skew max=5s", "2026-11", rows + 2, 1);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
	res = eval("skew max=5s kind=access.*", "2026-11", rows, 4);
	assert_int_equal(res.outcome, ISMS_CTEST_INSUFFICIENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_heartbeat_dst),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_count_dst),
		cmocka_unit_test(test_every),
		cmocka_unit_test(test_every_details),
		cmocka_unit_test(test_attest),
		cmocka_unit_test(test_skew),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
