/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DPMS_H
#define DPMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "isms/store.h"

/*
 * libdpms: the data protection management system.  Its own store
 * (dpms.db, its own application id and migrations), on libisms's store
 * plumbing, for the data protection officer: records of processing (GDPR
 * Art. 30), DPIA, data subject requests, breaches, retention, and the review
 * of who touched personal data, fed by audisp-isms.
 */

#define DPMS_APPLICATION_ID 0x44504d53 /* 'DPMS' */
#define DPMS_SCHEMA_VERSION 7

extern const struct isms_schema dpms_schema;

/*
 * The DPMS store when none is named: DPMS_DEFAULT_STORE (its own directory,
 * for the DPO's group), or DPMS_LEGACY_STORE where stores were kept before,
 * when only that one exists (then *ret_legacy is set, when given, so that
 * the caller can say how to move it).  Never NULL.
 */
const char *dpms_default_store(bool *ret_legacy);
/* The same choice between @path and @legacy_path. */
const char *dpms_pick_store(const char *path, const char *legacy_path, bool *ret_legacy);

/*
 * The Art. 12(3) deadline: @months after @received (YYYY-MM-DD), on the same
 * day of the month or, where that month is shorter, its last day; moved to
 * the Monday when it falls on a weekend (Regulation 1182/71 Art. 3).
 * Public holidays are not known here and not moved for: the deadline is
 * never later than the law's.  Pure.  Writes YYYY-MM-DD into @out (11 bytes);
 * -EINVAL for a bad date.
 */
int dpms_deadline(const char *received, int months, char out[11]);

/* Art. 33(1): 72 hours after @aware (epoch seconds). Pure. */
int64_t dpms_breach_deadline(int64_t aware);

/* The nine WP248 criteria, in order, and their names in the store. */
#define DPMS_WP248_CRITERIA 9
extern const char *const dpms_wp248_names[DPMS_WP248_CRITERIA];
extern const char *const dpms_wp248_titles[DPMS_WP248_CRITERIA];
/* Two or more criteria: a DPIA is likely required (WP248 rev.01). Pure. */
bool dpms_dpia_likely(const bool criteria[DPMS_WP248_CRITERIA]);

/* --- access review --------------------------------------------------------- */

/* Who may touch an activity's data, and when: from the activity's fields. */
struct dpms_access_rule {
	const char *users;  /* comma-separated, may be NULL */
	const char *groups; /* comma-separated, may be NULL */
	const char *days;   /* "mon-fri", may be NULL (any day) */
	const char *hours;  /* "07:00-19:00", may be NULL (any time) */
	const char *tz;     /* zone name for days/hours, may be NULL (UTC) */
};

enum dpms_verdict { DPMS_OK = 0, DPMS_UNAUTHORISED = 1, DPMS_OUTSIDE_HOURS = 2 };

/*
 * Judge one access: @user with @groups (NULL-terminated) at @when.
 * @zoneinfo: time zone database dir (NULL: the system's).  Returns the
 * verdict (unauthorised wins over outside hours) or -EINVAL with @err for a
 * rule that cannot be read (bad hours, unknown zone).
 */
int dpms_access_judge(const struct dpms_access_rule *rule, const char *user,
		      const char *const *groups, int64_t when, const char *zoneinfo, char *err,
		      size_t errlen);

/*
 * Walk the access evidence written since the last review (a watermark) and
 * open a finding for each access outside an activity's authorised people or
 * hours.  Groups are resolved through NSS at review time.  Returns 0 and the
 * number of new findings, or -errno.  Idempotent: an access yields at most
 * one finding.
 */
int dpms_review_run(struct isms_store *s, const char *zoneinfo, size_t *ret_new,
		    size_t *ret_seen);

/*
 * Open a breach from @finding: aware at @aware_at (an ISMS datetime) or,
 * when NULL, at the time of the evidence row that revealed it; the decision
 * recorded as @by at @now.  The finding becomes unjustified and linked.
 * Refused: a failed attempt (-EINVAL, Art. 4(12)), a finding that already
 * opened one (-EEXIST), an unknown one (-ENOENT); the message is the
 * store's.  One transaction.  *ret_breach: the new breach's id (malloc'd).
 */
int dpms_breach_from_finding(struct isms_store *s, const char *finding, const char *aware_at,
			     const char *by, int64_t now, char **ret_breach);

/* --- TOMs and the ISMS ------------------------------------------------------------- */

/* The DPMS setting naming the ISMS store that TOM references are checked against. */
#define DPMS_SETTING_ISMS_STORE "isms_store"

enum dpms_tom_state {
	DPMS_TOM_IMPLEMENTED = 0, /* measure implemented or verified; control with one such */
	DPMS_TOM_UNVERIFIED = 1,  /* known, not (yet) implemented */
	DPMS_TOM_UNKNOWN = 2,     /* not in the ISMS store */
	DPMS_TOM_UNCHECKED = 3,   /* no ISMS store configured, or not readable */
};

struct dpms_tom_ref {
	const char *activity;
	const char *kind; /* measure or control */
	const char *id;
	enum dpms_tom_state state;
	const char *detail; /* the measure's status, or why unchecked */
};

typedef int (*dpms_tom_cb)(const struct dpms_tom_ref *ref, void *ud);

const char *dpms_tom_state_name(enum dpms_tom_state st);

/*
 * Each isms_measures and isms_controls reference of @activity (NULL: all),
 * looked up read-only in the ISMS store at @isms_path (NULL: the DPMS setting
 * DPMS_SETTING_ISMS_STORE).  When there is none, or it cannot be read, every
 * reference is DPMS_TOM_UNCHECKED with the reason: not an error.  -ENOENT
 * for an unknown @activity.
 */
int dpms_toms_check(struct isms_store *s, const char *isms_path, const char *activity,
		    dpms_tom_cb cb, void *ud);

/* --- what is due ------------------------------------------------------------------ */

/* One thing the DPO has to act on.  Strings valid during the callback only. */
struct dpms_due_item {
	const char *kind;     /* request, breach, dpia-review, dpia-missing, contract-missing,
			       * contract-review */
	const char *id;       /* the request, breach, DPIA, or screening */
	const char *activity; /* may be NULL */
	const char *what;     /* request type, breach title, or what is wrong */
	const char *due;      /* date or UTC time, may be NULL */
	bool overdue;
};

typedef int (*dpms_due_cb)(const struct dpms_due_item *it, void *ud);

/*
 * Open requests (Art. 12(3)), open breaches (Art. 33), the latest DPIA of an
 * activity in use past its review date before @today (YYYY-MM-DD,
 * Art. 35(11)), and activities whose screening asks for a DPIA (decided
 * required, or undecided with two or more WP248 criteria) with none
 * (Art. 35(1); overdue when the activity is active), and processors without
 * an Art. 28(3) contract or past its review date.  Retired activities are
 * left out.  A negative return of @cb stops and is returned.
 */
int dpms_due_list(struct isms_store *s, const char *today, dpms_due_cb cb, void *ud);

/* --- records of processing -------------------------------------------------- */

enum dpms_format { DPMS_FMT_JSON, DPMS_FMT_CSV, DPMS_FMT_MARKDOWN };

/*
 * Export the register for a supervisory authority: every Art. 30(1) field
 * (30(2) for processor activities), with the controller and DPO; the
 * Markdown document marks each field left empty.  @activity NULL: all.
 * *ret_missing counts empty required fields.
 */
int dpms_ropa_export(struct isms_store *s, enum dpms_format fmt, const char *activity, FILE *out,
		     size_t *ret_missing);

/*
 * Add isms's own record of processing (its evidence of logins, source
 * addresses and file accesses: purposes, categories, retention, TOMs) and
 * its WP248 screening (systematic monitoring of employees: two criteria, a
 * DPIA required).  -EEXIST when it is there already.  One transaction;
 * *ret_id: the activity's id (malloc'd).
 */
int dpms_isms_record_add(struct isms_store *s, char **ret_id);

/* auditd rules (-w PATH -p rwa -k dpms:ACTIVITY) for every registered location. */
int dpms_audit_rules(struct isms_store *s, FILE *out, size_t *ret_rules);

/* --- retention ----------------------------------------------------------------- */

/*
 * A retention rule: the duty to keep a file ends @n @unit ('d', 'm', 'y')
 * after its event: the file's last modification, the end of the calendar
 * year it was last modified in (HGB 257, AO 147: "10 years after the end of
 * the calendar year"), or an event of the activity on a date (the end of a
 * contract).  @days: the older rule, modification plus days (0: none).
 * Both given: the later end.  Times are UTC.
 */
enum dpms_retention_event { DPMS_RET_MODIFIED = 0, DPMS_RET_YEAR_END = 1, DPMS_RET_EVENT = 2 };

struct dpms_retention_rule {
	enum dpms_retention_event event;
	int n;     /* 0: no event rule */
	char unit; /* d, m, y */
	bool has_event_date;
	int64_t event_date;
	int64_t days;
};

/* "modified", "year_end", "event". Pure. */
int dpms_retention_event_parse(const char *s, enum dpms_retention_event *ret);
/* "10 years", "6 months", "30 days" (1 to 36500). Pure. -EINVAL otherwise. */
int dpms_retention_period_parse(const char *s, int *ret_n, char *ret_unit);
/*
 * When the duty to keep a file modified at @mtime ends: it may be deleted
 * from *ret on.  -ENODATA when it cannot be said (no rule, or the event has
 * no date yet): then the file is kept.  Pure.
 */
int dpms_retention_expiry(const struct dpms_retention_rule *rule, int64_t mtime, int64_t *ret);

struct dpms_retention_hit {
	const char *activity;
	const char *path;
	int64_t size;
	int64_t mtime;
	int64_t age_days;
};

typedef int (*dpms_retention_cb)(const struct dpms_retention_hit *hit, void *ud);

/*
 * Files in the activities' registered locations whose duty to keep has
 * ended (retention_days, or retention_event plus retention_period; see
 * dpms_retention_expiry), except those under an active legal hold (a hold
 * without a path holds the whole activity).  Deletes them only with @delete, recording each deletion
 * (deletion record and evidence).  Never follows symlinks, never leaves the
 * location's file system.  A location that is missing or unreadable is
 * reported through @problem, not fatal.
 */
int dpms_retention_check(struct isms_store *s, const char *activity, bool delete, int64_t now,
			 dpms_retention_cb cb, void (*problem)(const char *msg, void *ud), void *ud,
			 size_t *ret_deleted);

/*
 * Open a nonconformity in the ISMS store @isms (source "breach", origin the
 * breach's key, control 5.34, major for a high risk) and a security
 * incident linked to it and to the breach, for each breach of the DPMS
 * store @dpms that never had one, all or nothing.  0 and the
 * counts, or a negative errno (the message in @isms's or @dpms's store).
 */
struct dpms_breach_ncs {
	size_t breaches; /* breaches in the DPMS store */
	size_t opened;   /* nonconformities opened now */
};
int dpms_breaches_to_isms(struct isms_store *isms, struct isms_store *dpms,
			  struct dpms_breach_ncs *ret) __attribute__((warn_unused_result, nonnull));

#endif
