/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_REPORT_H
#define ISMS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "isms/control_test.h"
#include "isms/store.h"

/*
 * The report to the board (ISO 27001 9.1, 9.3; Grundschutz++ PERF): the
 * figures of a period as one JSON document, computed from the register,
 * the evidence of the period and the results kept per period.  Trends
 * compare with the latest earlier period this store made a report of
 * (tables period_risk and period_report), never with today's register.
 *
 * The document (format 1), each member always present:
 *   period {label, since, until}, organisation, made_at, previous (the
 *   earlier period compared with, or null), matrix (as
 *   isms_risk_matrix_to_json), heatmap {inherent, residual} (counts
 *   [likelihood-1][impact-1]), risks {total, above_acceptance},
 *   top_risks [...], controls {themes [...], flagged [...]}, assessments
 *   {...}, hosts [...], collectors [...], access {...}, nonconformities
 *   {...}, overdue [...] (isms_overdue_list() at the time it is made),
 *   audits {...}, budget {...} (cents), decisions [...], fleet (null when no
 *   node is registered, else {registered, reporting, silent, skewed,
 *   quarantined_rows, impersonation_attempts, unregistered [names], nodes
 *   [{node, asset, rows, last, heartbeat, skew, skew_s}]}: the registered
 *   nodes other than the central, with the per-node verdicts of the tests
 *   audit-trail-heartbeat and clock-skew-bounded over the period).
 * Names and titles are the register's text, unescaped: renderers escape.
 * Money is in cents, times canonical UTC, rates whole percents.
 */

#define ISMS_REPORT_FORMAT 1
#define ISMS_REPORT_TOP    10 /* top risks listed */

struct json_object;

/*
 * The figures of @period (isms_ctest_period_parse(); its label keys the
 * history) at @now (Unix seconds; "made_at", and what is overdue) into
 * *ret_figures (a new json-c object).  Reads only, and opens no
 * transaction: call it on a snapshot (isms_store_snapshot()) or in one, so
 * that its parts agree.  0 or -errno (-EINVAL: an empty period).
 */
int isms_report_figures(struct isms_store *s, const struct isms_ctest_period *period, int64_t now,
			struct json_object **ret_figures)
	__attribute__((warn_unused_result, nonnull));

/*
 * Make the report of @period: its figures (as isms_report_figures()), then,
 * in one transaction, the period's risks into period_risk and the figures
 * with their SHA-256 into period_report (replacing the rows an earlier
 * report of the same period left) and an evidence row of kind "report.made"
 * with the period and the SHA-256.  *ret_figures as above; @ret_sha256
 * (optional) gets the digest of the figures' text, as stored.
 */
int isms_report_make(struct isms_store *s, const struct isms_ctest_period *period, int64_t now,
		     struct json_object **ret_figures, char ret_sha256[65])
	__attribute__((warn_unused_result, nonnull(1, 2, 4)));

/* The figures' text, as stored and hashed (json-c, pretty, no slash escapes). */
const char *isms_report_text(struct json_object *figures) __attribute__((nonnull));

/*
 * Write @len bytes of @data to @path atomically (a reader sees the old
 * file or the new one), mode 0640: reports hold the register's risks.
 * 0 or -errno.
 */
int isms_report_write_file(const char *path, const void *data, size_t len)
	__attribute__((warn_unused_result, nonnull));

#endif
