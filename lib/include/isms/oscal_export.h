/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_OSCAL_EXPORT_H
#define ISMS_OSCAL_EXPORT_H

#include <stdint.h>

#include "isms/control_test.h"
#include "isms/store.h"

/*
 * OSCAL 1.1.3 documents out of the store, for the GRC tool, the auditor's
 * tool or the regulator that takes isms's results.  UUIDs are name-based on
 * the store's id (isms/uuid.h), so a document made again names the same
 * things the same way.  Annex A control n.m is OSCAL control "A.n.m" (an
 * OSCAL token cannot start with a digit).
 */

/* The most observations one assessment-results document carries. */
#define ISMS_OSCAL_OBSERVATIONS_MAX 100000

/*
 * The assessment results of @p: one result for the period whose findings
 * are the control test results of periods inside it (satisfied when a test
 * gave what it expects) and whose observations are the evidence rows tied
 * to a control in it, each with its collection time, row and chain hash,
 * related to the findings of their control.  @now stamps last-modified.
 * 0 and *ret (malloc'd JSON text), -E2BIG past ISMS_OSCAL_OBSERVATIONS_MAX
 * (the error names the count: export a shorter period), or -errno.
 */
int isms_oscal_assessment_results(struct isms_store *s, const struct isms_ctest_period *p,
				  int64_t now, char **ret) __attribute__((warn_unused_result, nonnull));

/*
 * The plan of action and milestones of the register as it stands: a POA&M
 * item for each measure not implemented (nor cancelled) and each
 * nonconformity not closed, and the risks they treat as OSCAL risks whose
 * remediations are their open measures, each measure's due date its
 * milestone.  0 and *ret (malloc'd JSON text), -ENODATA when nothing is
 * open (OSCAL wants at least one item), or -errno.
 */
int isms_oscal_poam(struct isms_store *s, int64_t now, char **ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * The system security plan of the register as it stands: the scope as the
 * system, its hosts, services and applications as components (with their
 * protection requirements and owners), its information assets as
 * information types, the people holding the ISMS roles as parties, and each
 * control the SoA decided as an implemented requirement with its status,
 * measures and responsible role.  0 and *ret (malloc'd JSON text),
 * -ENODATA while the SoA decides no control, or -errno.
 */
int isms_oscal_ssp(struct isms_store *s, int64_t now, char **ret)
	__attribute__((warn_unused_result, nonnull));

/*
 * The imported catalogue @name ('ismsctl catalogue import') as an OSCAL
 * catalog: its own uuid, title and version, @now as last-modified, its
 * groups nested as imported and its controls under their group or parent
 * control, each with its class, params, props (those given on the control,
 * then a statement part with those given on the statement) and its
 * statement and guidance as one prose each (nested items were joined into
 * it on import).  What the store does not keep (links, group props, part
 * props other than the statement's, back matter) is not written.  Ids are
 * written as imported (Annex A's "5.1" too, which the BSI's mapping names
 * but OSCAL's token pattern does not allow).  0 and *ret (malloc'd JSON
 * text); -ENOENT (no such catalogue) or -EINVAL (a profile or mapping),
 * with the message kept; or -errno.
 */
int isms_oscal_catalog(struct isms_store *s, const char *name, int64_t now, char **ret)
	__attribute__((warn_unused_result, nonnull));

#endif
