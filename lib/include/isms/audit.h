/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_AUDIT_H
#define ISMS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isms/control_test.h"
#include "isms/store.h"

/*
 * The internal audit programme (ISO 27001 9.2, Grundschutz++ PERF): the
 * independence of each audit's auditor, a reproducible random sample of
 * the evidence of a control as the auditor's work paper, and findings
 * opened as nonconformities of the audit.
 */

/* --- independence ----------------------------------------------------------------- */

/* An audit as planned: each field may be NULL. */
struct isms_audit_plan {
	const char *id;       /* for messages: "IA-1"; NULL: "(new)" */
	const char *auditor;  /* a person's name */
	const char *auditee;  /* a person's name */
	const char *controls; /* Annex A ids, comma-separated */
	const char *assets;   /* asset names, comma-separated */
};

/*
 * Whether @a's auditor is independent of what @a audits (9.2: "auditors
 * shall not audit their own work"): not the auditee, not the owner of one of
 * its assets or controls, nor of a risk on one of its assets, nor of a
 * measure implementing one of its controls or treating a risk on one of its
 * assets.  Each listed control and asset must exist.  Returns 0;
 * -EPERM with the reason in isms_store_errmsg() ("audit IA-1: auditor
 * 'alice' may not audit their own work: 'alice' owns asset 'web01'");
 * -ENOENT naming the control or asset that does not exist; -EINVAL for a
 * list that is not one; errors of the store.  Reads only.
 */
int isms_audit_check(struct isms_store *s, const struct isms_audit_plan *plan)
	__attribute__((warn_unused_result, nonnull));

/*
 * The same for the stored audit @id (as the record type's written hook
 * calls it in the write's transaction); a cancelled audit is not checked.
 * -ENOENT when there is no audit @id.
 */
int isms_audit_check_stored(struct isms_store *s, const char *id)
	__attribute__((warn_unused_result, nonnull));

/* --- the sample --------------------------------------------------------------------- */

/*
 * The generator of samples: xoshiro256** seeded through splitmix64 (Blackman
 * and Vigna), integers only, so the same seed gives the same numbers on every
 * machine.  Never rand(): its sequence differs between C libraries.
 */
struct isms_audit_rng {
	uint64_t s[4];
};

void isms_audit_rng_seed(struct isms_audit_rng *g, uint64_t seed) __attribute__((nonnull));
uint64_t isms_audit_rng_next(struct isms_audit_rng *g) __attribute__((nonnull));
/* Uniform in [0, @bound) without modulo bias; @bound > 0. */
uint64_t isms_audit_rng_below(struct isms_audit_rng *g, uint64_t bound) __attribute__((nonnull));

/* Seeds are below 2^53, so that every JSON reader holds one exactly. */
#define ISMS_AUDIT_SEED_MAX ((UINT64_C(1) << 53) - 1)
/* At most this many rows in one sample. */
#define ISMS_AUDIT_SAMPLE_MAX 10000

/* A seed from getrandom(): 0 or -errno. */
int isms_audit_seed_random(uint64_t *ret) __attribute__((warn_unused_result, nonnull));

struct isms_audit_sample_opts {
	const char *control;                     /* required: an Annex A id */
	const struct isms_ctest_period *period;  /* required */
	int64_t n;                               /* rows wanted, 1..ISMS_AUDIT_SAMPLE_MAX */
	uint64_t seed;                           /* 0..ISMS_AUDIT_SEED_MAX */
	const char *audit;                       /* the audit it is for, or NULL */
	int64_t now;                             /* Unix seconds: when it is recorded */
};

/* One sampled row and what stands behind it in the register; fields may be NULL. */
struct isms_audit_sample_row {
	int64_t id;
	char *ts, *node, *source, *kind, *asset, *subject, *outcome, *hash;
	char *rule;   /* the policy rule that decided (details.rule) */
	char *reason; /* its first reason, or the error (details.reasons[0], details.error) */
	char *review; /* the subject's latest access review of the asset by then: "V-3 2026-09-01 ok (55 days before)" */
	char *acks;   /* the subject's acknowledgements by then: "infosec-policy 2 (2026-01-05)", comma-separated */
};

struct isms_audit_sample {
	int64_t population;     /* rows of the population */
	char sha256[65];        /* over "<id> <hash>\n" of each row of it, in chain order */
	struct isms_audit_sample_row *rows; /* in chain order */
	size_t nrows;
	bool all;               /* n was not below the population: every row taken */
	int64_t evidence;       /* the evidence row of kind audit.sample recording it */
};

/*
 * Draw @o->n rows at random from the population: the evidence rows of
 * control @o->control with a time in @o->period, in chain order, but for
 * the rows the ISMS writes about itself (kinds audit.sample, assessment.*,
 * nonconformity.*), which would change the population each time it is
 * sampled.  The draw is Algorithm R (a reservoir) over the population with
 * the generator seeded by @o->seed: the same seed and population give the
 * same sample.  When n is not below the population every row is taken.
 * Records one evidence row of kind audit.sample (control, period, n, seed,
 * the population's size and SHA-256, the sampled ids); the population is
 * read in one statement (one snapshot), not under the write lock.
 * Returns 0 with *ret filled (release it with isms_audit_sample_release());
 * -ENODATA when the population is empty (nothing recorded); -EINVAL (n or
 * seed out of range); -ENOENT (no such control or audit); errors of the store.
 */
int isms_audit_sample_draw(struct isms_store *s, const struct isms_audit_sample_opts *o,
			   struct isms_audit_sample *ret) __attribute__((warn_unused_result, nonnull));
void isms_audit_sample_release(struct isms_audit_sample *smp);

/* --- findings ----------------------------------------------------------------------- */

struct isms_audit_finding {
	const char *audit;       /* required: IA-n */
	const char *title;       /* required */
	const char *severity;    /* minor | major; NULL: minor */
	const char *description; /* NULL: none */
	const char *controls;    /* NULL: none */
	const char *risks;       /* NULL: none */
	const char *responsible; /* NULL: none */
	const char *due;         /* NULL: none */
	int64_t now;             /* Unix seconds: the opening date */
};

/*
 * Open finding @f of its audit as a nonconformity (isms_nc_open(), source
 * "audit", origin "IA-n#k" for its k-th finding) with its audit set, in one
 * transaction.  Returns 0 with *ret_id (malloc'd, optional); -ENOENT (no
 * such audit, control, risk or person); -EINVAL (a cancelled audit, a bad
 * value); errors of the store.
 */
int isms_audit_finding_open(struct isms_store *s, const struct isms_audit_finding *f,
			    char **ret_id) __attribute__((warn_unused_result, nonnull(1, 2)));

#endif
