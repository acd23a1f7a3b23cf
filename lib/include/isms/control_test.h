/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CONTROL_TEST_H
#define ISMS_CONTROL_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/tz.h"

/*
 * Control tests (ISO/IEC 27001:2022 9.1): a rule over the evidence of a
 * period that says whether a control operated.  The pure core: a rule's text
 * parsed into a struct, periods turned into instants in a time zone, and the
 * evaluation of a rule over rows pushed to it one at a time, with the facts
 * a row needs asked of a callback.  No I/O; the store side is assess.c.
 *
 * Rule text, one line of space-separated words (a '#' starts a comment):
 *
 *   heartbeat kind=K max_gap=DUR [where=C]...
 *       rows of kind K at least every DUR over the period (gaps reported)
 *   count kind=K (max=N | min=N | max=N min=N) [per=hour|day|week]
 *         [basis=K2] [where=C]...
 *       the rows of kind K in the period (or in each local hour, day or
 *       week of it) number at most / at least N; rows of kind K2 (default:
 *       K's first word and '*', "access.*" for "access.deny") show that the
 *       collector was on: without one the result is insufficient evidence;
 *       where= conditions select the basis rows too
 *   every kind=K require=C [require=C]... [where=C]...
 *       every row of kind K satisfies each C at its own time
 *   attest valid=DUR [kind=K]
 *       a manual attestation (default kind test.attestation, for this test)
 *       no older than DUR at the end of the period, and not "ineffective"
 *   skew max=SDUR [kind=K] [where=C]...
 *       the clock of the rows' sender agrees with the store's within SDUR
 *       (s, m or h): the skew is estimated as the largest (ts - recorded)
 *       of the rows of kind K (default '*'), positive when the sender is
 *       ahead.  A row is recorded after its time plus its delivery delay,
 *       never before, so the largest difference is the least delayed row
 *       and a bound from below on the skew: a backlog delivered late makes
 *       no skew, a clock ahead or behind by more than SDUR fails
 *
 * K: an evidence kind, or a prefix of one ending in '*' ("access.*", "*").
 * DUR: a whole number and m, h, d or w (minutes, hours, days, weeks).
 * C, a condition on a row:
 *   FIELD=VALUE, FIELD!=VALUE   FIELD: kind, source, node, asset, subject,
 *       outcome, control, or details.NAME (a top-level member of the row's
 *       details); VALUE ending in '*' matches a prefix; an absent field is ""
 *   reviewed(DUR)     the subject's last passed access review on the row's
 *                     asset was done no more than DUR before the row
 *   active()          the subject is a person in the register, active then
 *   role(ROLE)        the subject's person has ROLE in the register
 *   acknowledged(DOC) the subject acknowledged document DOC
 *   member(GROUP)     the subject is a member of GROUP
 *   !NAME(ARG)        the negation of a fact
 */

#define ISMS_CTEST_RULE_MAX   512 /* bytes of rule text */
#define ISMS_CTEST_CONDS_MAX  8   /* where= and require= each */
#define ISMS_CTEST_VALUE_MAX  128
#define ISMS_CTEST_GAPS_MAX   8   /* gaps and violations kept in a result */

enum isms_ctest_kind {
	ISMS_CTEST_HEARTBEAT = 1,
	ISMS_CTEST_COUNT,
	ISMS_CTEST_EVERY,
	ISMS_CTEST_ATTEST,
	ISMS_CTEST_SKEW,
};

enum isms_ctest_field {
	ISMS_CTEST_F_KIND,
	ISMS_CTEST_F_SOURCE,
	ISMS_CTEST_F_NODE,
	ISMS_CTEST_F_ASSET,
	ISMS_CTEST_F_SUBJECT,
	ISMS_CTEST_F_OUTCOME,
	ISMS_CTEST_F_CONTROL,
	ISMS_CTEST_F_DETAIL,
};

/* Facts looked up at a row's time by the caller (ISMS_CTEST_FACT_NONE: a field comparison). */
enum isms_ctest_fact {
	ISMS_CTEST_FACT_NONE,
	ISMS_CTEST_FACT_REVIEWED,
	ISMS_CTEST_FACT_ACTIVE,
	ISMS_CTEST_FACT_ROLE,
	ISMS_CTEST_FACT_ACKNOWLEDGED,
	ISMS_CTEST_FACT_MEMBER,
};

struct isms_ctest_cond {
	enum isms_ctest_fact fact;
	enum isms_ctest_field field;     /* FACT_NONE */
	bool negate;                     /* != or !fact() */
	bool prefix;                     /* value ended in '*' (not kept in @value) */
	char detail[32];                 /* F_DETAIL: the member's name */
	char value[ISMS_CTEST_VALUE_MAX]; /* compared value, or the fact's argument */
	int64_t seconds;                 /* FACT_REVIEWED */
};

enum isms_ctest_per {
	ISMS_CTEST_PER_PERIOD,
	ISMS_CTEST_PER_HOUR,
	ISMS_CTEST_PER_DAY,  /* local days: 23 or 25 hours across a DST change */
	ISMS_CTEST_PER_WEEK, /* local weeks from Monday */
};

struct isms_ctest_rule {
	enum isms_ctest_kind kind;
	char pattern[ISMS_CTEST_VALUE_MAX]; /* evidence kind (prefix when @prefix) */
	bool prefix;
	char basis[ISMS_CTEST_VALUE_MAX];   /* count: the collector-was-on kind */
	bool basis_prefix;
	struct isms_ctest_cond where[ISMS_CTEST_CONDS_MAX];
	size_t nwhere;
	struct isms_ctest_cond require[ISMS_CTEST_CONDS_MAX];
	size_t nrequire;
	int64_t max_gap;  /* heartbeat, seconds */
	int64_t min, max; /* count; -1 when not given */
	enum isms_ctest_per per;
	int64_t valid;    /* attest, seconds */
	int64_t max_skew; /* skew, seconds */
};

/*
 * Parse rule text @text into *ret.  0, or -EINVAL with a message naming the
 * word at fault in @err (of @errlen bytes, may be NULL); -E2BIG for text
 * longer than ISMS_CTEST_RULE_MAX or more conditions than allowed.  Pure.
 */
int isms_ctest_rule_parse(const char *text, struct isms_ctest_rule *ret, char *err, size_t errlen)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Whether evidence kind @kind matches pattern @pattern (@prefix: a '*' was cut from it). */
bool isms_ctest_kind_match(const char *pattern, bool prefix, const char *kind);

/* --- periods ------------------------------------------------------------- */

/*
 * A period: the instants [start, end) and its label.  Periods are local
 * calendar periods in a zone: a day of 23 or 25 hours across a DST change
 * is one day.
 */
struct isms_ctest_period {
	int64_t start, end; /* Unix seconds */
	char label[64];     /* "2026-11", "2026-Q4", "2026-W48", "2026-03-29", "2026" */
};

/*
 * Parse @text in @tz: YYYY (a year), YYYY-Qn, YYYY-MM, YYYY-Www (ISO week),
 * YYYY-MM-DD (a day), or FROM..TO (two dates, TO excluded; or two times
 * with zones, as isms_date_parse() reads them).  0 or -EINVAL.  Pure.
 */
int isms_ctest_period_parse(const char *text, const struct isms_tz *tz,
			    struct isms_ctest_period *ret) __attribute__((warn_unused_result, nonnull));

enum isms_ctest_freq {
	ISMS_CTEST_DAILY,
	ISMS_CTEST_WEEKLY,
	ISMS_CTEST_MONTHLY,
	ISMS_CTEST_QUARTERLY,
	ISMS_CTEST_YEARLY,
};

/* "daily", ... into *ret: 0 or -EINVAL. */
int isms_ctest_freq_parse(const char *text, enum isms_ctest_freq *ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * The period of frequency @f in @tz that holds @t (the day, ISO week, month,
 * quarter or year); *ret->end may lie after @t.  Pure.
 */
void isms_ctest_period_of(enum isms_ctest_freq f, const struct isms_tz *tz, int64_t t,
			  struct isms_ctest_period *ret) __attribute__((nonnull));

/*
 * The instant of local time @y-@m-@d @h:@mi:00 in @tz.  A local time that
 * a DST change skips gives the instant the clocks jumped at; one it repeats
 * gives the first.  Pure.
 */
int64_t isms_ctest_local(const struct isms_tz *tz, int y, int m, int d, int h, int mi)
	__attribute__((nonnull));

/* --- evaluation ----------------------------------------------------------- */

/* One evidence row as the evaluator sees it: fields may be NULL. */
struct isms_ctest_row {
	int64_t id;
	int64_t ts; /* Unix seconds */
	int64_t recorded; /* when the store recorded it (Unix seconds); 0: not known */
	const char *kind, *source, *node, *asset, *subject, *outcome, *control;
	const char *details; /* JSON text */
};

/*
 * A fact about @row: 1 (holds), 0 (does not), -ENODATA (cannot be known:
 * the row counts as unknown, never as satisfying), or another -errno that
 * stops the evaluation.
 */
typedef int (*isms_ctest_fact_cb)(const struct isms_ctest_cond *c, const struct isms_ctest_row *row,
				  void *userdata);

enum isms_ctest_outcome {
	ISMS_CTEST_INSUFFICIENT = 0, /* never a pass without evidence */
	ISMS_CTEST_PASS,
	ISMS_CTEST_FAIL,
};

/* "pass", "fail", "insufficient" */
const char *isms_ctest_outcome_name(enum isms_ctest_outcome o);

struct isms_ctest_span {
	int64_t from, to;
};

struct isms_ctest_result {
	enum isms_ctest_outcome outcome;
	int64_t seen;      /* rows of the period handed to the evaluator that it relied on */
	int64_t matched;   /* rows of the rule's kind (and where=) */
	int64_t violations; /* every: rows failing a requirement; heartbeat: gaps; count: buckets */
	int64_t unknown;   /* every: rows whose facts could not be known */
	int64_t value;     /* heartbeat: the longest gap (s); count: the largest (max=) or
			    * smallest (min=) bucket; attest: age of the attestation (s);
			    * skew: the estimated skew (s, positive: the sender ahead) */
	int64_t first_id, last_id; /* lowest and highest row id relied on; 0: none */
	struct isms_ctest_span gaps[ISMS_CTEST_GAPS_MAX]; /* heartbeat gaps, count buckets */
	size_t ngaps;
	int64_t violation_ids[ISMS_CTEST_GAPS_MAX]; /* every: the first rows failing */
	size_t nviolation_ids;
	char reason[256];  /* for people */
};

struct isms_ctest_eval; /* opaque */

/*
 * Start evaluating @rule over @period in @tz (local hours, days and weeks for
 * per=), for test @name (attestations are matched to it).  0 and *ret;
 * -EINVAL (an empty or inverted period), -E2BIG (more than a million
 * buckets), -ENOMEM.
 */
int isms_ctest_eval_new(const struct isms_ctest_rule *rule, const char *name,
			const struct isms_ctest_period *period, const struct isms_tz *tz,
			struct isms_ctest_eval **ret) __attribute__((warn_unused_result, nonnull));

/*
 * The time window of rows the evaluator needs: the period itself, or for
 * attest the validity before the period's end.  Rows outside it are ignored.
 */
void isms_ctest_eval_window(const struct isms_ctest_eval *ev, int64_t *ret_since,
			    int64_t *ret_until) __attribute__((nonnull));

/*
 * Push one row, in any order.  0, or the error of @fact.  @fact may be NULL
 * when the rule names no facts (every fact is then unknown).
 */
int isms_ctest_eval_row(struct isms_ctest_eval *ev, const struct isms_ctest_row *row,
			isms_ctest_fact_cb fact, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* Rows relied on so far: after a push, whether that row was one. */
int64_t isms_ctest_eval_seen(const struct isms_ctest_eval *ev) __attribute__((nonnull));

/* The result so far into *ret.  Pure; may be called more than once. */
void isms_ctest_eval_result(const struct isms_ctest_eval *ev, struct isms_ctest_result *ret)
	__attribute__((nonnull));

/* Accepts NULL; returns NULL. */
struct isms_ctest_eval *isms_ctest_eval_free(struct isms_ctest_eval *ev);

/*
 * The whole evaluation with rows from an iterator: @next returns 1 with
 * *row filled, 0 at the end, or -errno.  0 or -errno.
 */
typedef int (*isms_ctest_next_cb)(struct isms_ctest_row *row, void *userdata);
int isms_ctest_evaluate(const struct isms_ctest_rule *rule, const char *name,
			const struct isms_ctest_period *period, const struct isms_tz *tz,
			isms_ctest_next_cb next, void *next_ud, isms_ctest_fact_cb fact,
			void *fact_ud, struct isms_ctest_result *ret)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 4, 5, 9)));

#endif
