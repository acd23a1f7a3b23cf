/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PAM_ISMS_RECORD_H
#define PAM_ISMS_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_modules.h>

#include "args.h"
#include "isms/evidence.h"
#include "isms/policy.h"
#include "login.h"

/* This host's name for the evidence ("localhost" when it has none). */
void pam_isms_node_name(char *buf, size_t len);
/* A new evidence key: node, time, pid and 64 random bits. */
void pam_isms_make_key(char *key, size_t len, const char *node, const char *ts);
/* The details of a decision (@d optional) or a session, as JSON: malloc'd, NULL without memory. */
char *pam_isms_details_json(const struct login *l, const struct isms_decision *d,
			    const char *mode, const char *error);
/* @ev into the journal; on failure logged and counted as lost, never fatal. */
int pam_isms_record(pam_handle_t *pamh, const struct pam_isms_args *a, const struct isms_evidence *ev);
/* Evidence, audit record and log line for one account decision (@d NULL: an error). */
void pam_isms_conclude(pam_handle_t *pamh, const struct pam_isms_args *a, const struct login *l,
		       const char *asset, const struct isms_decision *d, const char *mode,
		       const char *outcome, bool effective_allow, const char *error);

#endif
