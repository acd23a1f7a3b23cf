/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PAM_ISMS_ARGS_H
#define PAM_ISMS_ARGS_H

#include <stdbool.h>

#include <security/pam_modules.h>

#define PAM_ISMS_POLICY ISMS_SYSCONFDIR "/policy.json" /* config.h */
#define PAM_ISMS_SPOOL  ISMS_STATEDIR "/spool" /* config.h */
/* How old a facts snapshot may be, by default: isms-snapshot.timer rewrites it hourly. */
#define PAM_ISMS_MAX_AGE 86400

#define PAM_ISMS_DEPRECATED_SPOOL   1u
#define PAM_ISMS_DEPRECATED_BUSY_MS 2u

struct pam_isms_args {
	const char *policy;
	const char *store;    /* only where the snapshot and journal are by default */
	const char *snapshot; /* the facts snapshot: snapshot=, else STORE.facts */
	const char *journal;  /* the decision journal: journal=, else STORE.journal */
	const char *compiled; /* the compiled policy: compiled=, else STORE.policy */
	long max_age;         /* seconds a snapshot stays usable */
	const char *spool;    /* deprecated: accepted, ignored, warned about */
	const char *zoneinfo; /* NULL: the system's */
	int mode;             /* -1: the policy's; else enum isms_policy_mode */
	int on_error;         /* -1: the policy's, deny without one; else enum isms_on_error */
	int busy_ms;          /* deprecated too */
	unsigned deprecated;  /* PAM_ISMS_DEPRECATED_*: which of them were given */
	bool debug;
	bool quiet;
	bool noaudit;
	char bad[128];        /* the first argument that did not parse, for the log */
	char snapshot_buf[4096], journal_buf[4096], compiled_buf[4096];
};

/*
 * Defaults, then argv through a keyword table.  Returns 0, or -EINVAL with
 * @a->bad naming the argument; the caller logs it and applies on_error.
 */
int pam_isms_parse_args(struct pam_isms_args *a, int argc, const char **argv, const char *store_default);

/* Log, once per PAM transaction, that spool= or busy_ms= was given: they do nothing any more. */
void pam_isms_warn_deprecated(pam_handle_t *pamh, const struct pam_isms_args *a);

#endif
