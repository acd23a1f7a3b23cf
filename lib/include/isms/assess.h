/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ASSESS_H
#define ISMS_ASSESS_H

#include <stdbool.h>
#include <stdint.h>

#include "isms/control_test.h"
#include "isms/store.h"

/*
 * Assessment: the control tests of the register run over the store's
 * evidence (read a page at a time through isms_evidence_list(), never the
 * whole chain), each result recorded twice in one transaction: as an
 * evidence row of kind "assessment.result" in the chain, and as a row of
 * the assessment table that keeps results per period, so that trends come
 * from history and not from today's register.
 */

/* One host's result of a test (scope nodes or assets), before they are combined. */
struct isms_assess_host {
	const char *test, *host;
	bool registered; /* a node of the registry (not local) */
	const struct isms_ctest_result *res;
};
typedef int (*isms_assess_host_cb)(const struct isms_assess_host *h, void *userdata);

struct isms_assess_opts {
	const char *period;       /* a period (isms_ctest_period_parse()); NULL: each test's
				   * current period of its frequency, up to @now */
	bool previous;            /* without @period: each test's period before the current one,
				   * the last that has ended */
	const char *control;      /* only the tests of this control; NULL: all */
	const char *test;         /* only this test; NULL: all */
	bool again;               /* also tests already assessed for the whole period */
	bool dry_run;             /* evaluate, record nothing */
	int64_t now;              /* Unix seconds */
	const struct isms_tz *tz; /* the zone of local periods */
	const char *target;       /* only this host of a test's scope; NULL: the test's own */
	isms_assess_host_cb host_cb; /* optional: each host's own result */
	void *host_ud;
};

/* One test's result, as recorded. */
struct isms_assess_item {
	const char *test, *control, *expected;
	int64_t version;
	struct isms_ctest_period period; /* .end cut at @now for a period still running */
	struct isms_ctest_result res;    /* over every host of the scope together */
	int64_t members, covered;        /* hosts in the scope, and those with evidence */
	const char *hosts;               /* those with evidence, comma-separated */
	int64_t evidence;                /* the row recording it (0 with dry_run) */
	bool skipped;                    /* not due: already assessed for the whole period */
	/* A failing result's nonconformity (10.2): the one opened, or the one
	 * still open for the test; "" when it passed or with dry_run. */
	char nonconformity[32];
	bool nc_opened;
};

typedef int (*isms_assess_cb)(const struct isms_assess_item *it, void *userdata);

/*
 * Scope nodes: the hosts are every node of the registry that is not local
 * (a registered node that sent nothing fails a heartbeat: it was expected
 * to), every node a collector started on, and any seen in the rows.  Rows
 * kept apart or quarantined by audisp-isms (sources audisp-isms-unregistered
 * and audisp-isms-quarantine) are no host's evidence, whatever their node=
 * says: a test sees them only when a where= names that source.
 *
 * Run the tests of @o: for each, @cb (optional) with its result after it was
 * recorded.  Returns the number of tests run (>= 0), or -errno: -EINVAL
 * (a bad period, a stored rule that no longer parses), -ENOENT (no test of
 * that name or control), errors of the store; a test's result is recorded
 * whole or not at all.
 */
int isms_assess_run(struct isms_store *s, const struct isms_assess_opts *o, isms_assess_cb cb,
		    void *userdata) __attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The facts of a row that a rule's conditions ask for, from the register at
 * the row's time (isms_ctest_fact_cb; @userdata the store): reviewed() from
 * the access reviews done by then, active() from the person's active_until,
 * acknowledged() from acknowledgements dated by then; role() from the
 * person's role now and member() from NSS now (the register keeps no
 * history of either).
 */
int isms_assess_fact(const struct isms_ctest_cond *c, const struct isms_ctest_row *row,
		     void *userdata);

/*
 * Load the built-in tests of the JSON file @path ({"test": [{...}]}): each
 * one added when the register has no test of its name, and changed when it
 * has one still marked builtin whose version is lower.  Returns the number
 * of tests in the file, or -errno with *ret_err (malloc'd) naming the entry.
 */
int isms_assess_load_builtin(struct isms_store *s, const char *path, char **ret_err)
	__attribute__((warn_unused_result, nonnull(1, 2)));


/*
 * What the latest results of a control's tests observe, beside the status
 * the SoA claims.  @observed: "fail" when a test's latest result is not the
 * one it expects, else "insufficient" when one had too little evidence or a
 * test was never assessed, else "pass"; NULL when the control has no test.
 */
struct isms_assess_observed {
	const char *control;
	const char *observed;
	const char *assessed;  /* the latest assessment (UTC), or NULL */
	int64_t tests, assessed_tests;
	int64_t evidence;      /* rows the latest results relied on, together */
	const char *hosts;     /* hosts they covered, comma-separated, each once */
	int64_t nhosts;
	const char *results;   /* "test:result" of each, comma-separated */
};

typedef int (*isms_assess_observed_cb)(const struct isms_assess_observed *o, void *userdata);

/* @cb for each control that has a test, in the order of control ids.  0 or -errno. */
int isms_assess_observed(struct isms_store *s, isms_assess_observed_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The same from the latest result of each test over a period that overlaps
 * [@since, @until) (canonical UTC times, isms_date_format()): what the
 * control tests observed in that period, for the board report.
 */
int isms_assess_observed_in(struct isms_store *s, const char *since, const char *until,
			    isms_assess_observed_cb cb, void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2, 3, 4)));

#endif
