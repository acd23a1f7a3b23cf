/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SOA_H
#define ISMS_SOA_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * One implementation, two frameworks: the Grundschutz++ requirements an
 * imported mapping (kind mapping, e.g. the BSI's Annex A -> Grundschutz++
 * collection) puts behind an Annex A control, each with its requirement
 * checks (the register implementation: per asset, or for the information
 * domain).  For the live SoA only: a version's snapshot does not carry it.
 */
struct isms_soa_check {
	const char *id;          /* RC-n */
	const char *asset;       /* NULL: the information domain as a whole */
	const char *status;      /* yes, partly, no, not_applicable */
	const char *owner, *measure, *checked_at; /* owner, measure may be NULL */
};

struct isms_soa_requirement {
	const char *control;         /* the Annex A control, "5.1" */
	const char *id;              /* the requirement, "GC.6.1.3" */
	const char *title, *catalogue; /* NULL when no imported catalogue holds it */
	const char *mapping;         /* the name of the mapping it comes through */
	const char *relationship;    /* as the mapping says: subset-of, equivalent-to... */
	struct isms_soa_check *checks; /* the information domain first, then by asset name */
	size_t nchecks;
	const char *status;          /* the worst of its checks (isms_soa_worst()), NULL: open */
};

struct isms_soa_requirements {
	size_t nmappings;            /* the mappings imported: 0, the SoA has no such column */
	size_t n;
	struct isms_soa_requirement *v; /* in the mappings' order; a (control, id) once */
};

/*
 * The requirements behind control @control, or behind every control
 * (@control NULL), into *ret (isms_soa_requirements_release() it).  No
 * mapping imported is not an error: 0 with nmappings 0.  0 or -errno.
 */
int isms_soa_requirements_load(struct isms_store *s, const char *control,
			       struct isms_soa_requirements *ret)
	__attribute__((warn_unused_result, nonnull(1, 3)));
void isms_soa_requirements_release(struct isms_soa_requirements *r);

/* How the requirements behind one control stand (pure). */
struct isms_soa_counts {
	size_t requirements, yes, partly, no, not_applicable, open; /* open: never checked */
	const char *worst; /* the worst status checked (no, partly, yes, not_applicable), or NULL */
};

/*
 * The worst of @n statuses: no before partly before yes before
 * not_applicable (a requirement not applicable to one asset and met for
 * another is met); NULL when @n is 0 or none is known.  Pure.
 */
const char *isms_soa_worst(const char *const *status, size_t n);

/* The counts of the requirements behind @control in @r (each by its worst status).  Pure. */
void isms_soa_count(const struct isms_soa_requirements *r, const char *control,
		    struct isms_soa_counts *ret) __attribute__((nonnull));

/*
 * "4 requirements: 1 yes, 1 partly, 0 no, 2 open" (", 1 not applicable"
 * after when there are such), or "" when there is none.  Pure.
 */
void isms_soa_summary(const struct isms_soa_counts *c, char *buf, size_t len)
	__attribute__((nonnull));

/*
 * What stands behind @control as JSON: NULL when no requirement, else
 * {"summary", "counts": {"requirements", "yes", "partly", "no",
 * "not_applicable", "open"}, "worst", "requirements": [{"id", "title",
 * "catalogue", "mapping", "relationship", "status", "checks": [{"id",
 * "asset", "status", "owner", "measure", "checked_at"}]}]}.  Pure; NULL
 * also when out of memory (*ret_oom set).
 */
struct json_object *isms_soa_requirements_json(const struct isms_soa_requirements *r,
					       const char *control, bool *ret_oom)
	__attribute__((nonnull));

#endif
