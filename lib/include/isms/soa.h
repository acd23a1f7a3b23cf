/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SOA_H
#define ISMS_SOA_H

#include <stdint.h>

#include "isms/store.h"

/*
 * Versions of the Statement of Applicability (ISO/IEC 27001:2022 6.1.3 d):
 * a proposal freezes every control's applicability, justification, status
 * and measures as JSON with its SHA-256 (a draft, key SOA-n); a member of
 * management other than the proposer approves it, which supersedes the
 * version approved before.  Each step appends an evidence row carrying
 * the hash (soa.proposed, soa.approved).  An approved version never
 * changes but for becoming superseded.
 */

/* How many undecided controls an approval refused names. */
#define ISMS_SOA_NAMES_MAX 5

struct isms_soa_version {
	const char *id;          /* SOA-n */
	const char *title;       /* may be NULL */
	const char *status;      /* draft | approved | superseded */
	const char *proposed_by; /* a person's name */
	const char *proposed_at; /* YYYY-MM-DDTHH:MM:SSZ */
	const char *approved_by; /* NULL while a draft */
	const char *approved_at;
	const char *sha256;      /* of snapshot */
	const char *snapshot;    /* {"controls": [{"id", "applicable", ...}]} */
};

/*
 * Freeze the controls of the register now (@now, Unix seconds) as a draft
 * proposed by person @by (active, in the register), in one transaction
 * with its evidence row.  *ret_id (optional) receives the malloc'd key.
 * -ENOENT (no such person), -EPERM (no longer active), errors of the store.
 */
int isms_soa_propose(struct isms_store *s, const char *title, const char *by, int64_t now,
		     char **ret_id) __attribute__((warn_unused_result, nonnull(1, 3)));

/*
 * Approve the draft @id by @by at @now, in one transaction with its
 * evidence row; the approved version before becomes superseded.  -EPERM
 * (@by is not an active member of management, is the proposer, or @id is
 * not a draft), -EINVAL (the snapshot has undecided controls, does not
 * match its hash, or no longer matches the register: a control's
 * applicability, justification, status or measures changed since the
 * proposal), -ENOENT (no such version or person); the reason kept in the
 * store's message.
 */
int isms_soa_approve(struct isms_store *s, const char *id, const char *by, int64_t now)
	__attribute__((warn_unused_result, nonnull));

/* Every version, oldest first; a non-zero return of @cb stops and is returned. */
int isms_soa_versions(struct isms_store *s,
		      int (*cb)(const struct isms_soa_version *v, void *userdata), void *userdata)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/* The export's and import's section of the SoA versions. */
#define ISMS_SOA_VERSIONS "soa_version"

struct json_object;

/*
 * Every SoA version, in the order proposed, as a JSON array of {"id",
 * "title", "status", "proposed_by", "proposed_at", "approved_by",
 * "approved_at", "sha256", "notes", "snapshot"} for the export (the import
 * reads it back after the people, rechecking each SHA-256).  0 and *ret
 * (json_object_put() it), or -errno.
 */
int isms_soa_versions_export(struct isms_store *s, struct json_object **ret)
	__attribute__((warn_unused_result, nonnull));

#endif
