/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_REPORT_INTERNAL_H
#define ISMS_REPORT_INTERNAL_H

/* What the report's files share: the figures' parts (report.c, report_evidence.c, report_period.c). */

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/control_test.h"
#include "store_internal.h"

/* The period's bounds as the store's texts compare. */
struct report_bounds {
	const struct isms_ctest_period *p;
	char since[32], until[32];   /* canonical UTC, isms_date_format() */
	char ev_since[20], ev_until[20]; /* evidence ts bounds, cut to the second */
	char day_since[11], day_until[11]; /* the UTC days of the bounds, for date fields */
	int64_t now;                       /* when the report is made */
};

/* A risk of the register with its ranks on the matrix, now and in the previous period. */
struct risk_row {
	char *id, *title, *owner, *treatment, *prev_level, *prev_residual;
	int l, i, rl, ri;  /* rl, ri: 0 when not rated after treatment */
	int level, residual, effective; /* ranks; effective: residual if rated, else level */
	int prev_rank;     /* in the previous period, 0 when not there */
	int accepted;      /* accepted_by set */
};

/* @v, or JSON null for NULL. */
struct json_object *report_jstr(const char *v);

/* @sql prepared with ?1 = @a and ?2 = @b (text; NULL binds NULL).  0 or -errno. */
int report_prepare(struct isms_store *s, const char *sql, const char *a, const char *b,
		   sqlite3_stmt **ret);

/* Column @i of @st as a JSON string or null. */
struct json_object *report_jcol(sqlite3_stmt *st, int i);

/* Evidence coverage per host, collector health, and logins (report_evidence.c). */
int report_hosts(struct isms_store *s, const struct report_bounds *b, struct json_object *fig);
int report_collectors(struct isms_store *s, struct json_object *fig);
int report_access(struct isms_store *s, const struct report_bounds *b, struct json_object *fig);

/* The fleet (report_fleet.c): fig["fleet"], null when no node is registered. */
int report_fleet(struct isms_store *s, const struct report_bounds *b, struct json_object *fig);

/* What is overdue at @now, and the decisions management is asked to take (report_decisions.c). */
struct isms_risk_matrix;
int report_decisions(struct isms_store *s, const struct isms_risk_matrix *m,
		     const struct risk_row *v, size_t n, int64_t now, struct json_object *fig);

/* The latest earlier period reported (report_period.c): its label, or NULL, and its figures. */
int report_previous(struct isms_store *s, const struct report_bounds *b, char **ret_label,
		    struct json_object **ret_figures);

#endif
