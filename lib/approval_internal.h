/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_APPROVAL_INTERNAL_H
#define ISMS_APPROVAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "isms/entity.h"

/*
 * Approvals of the register (approval.c): a scope and a policy document
 * are approved by an active member of management who did not propose them
 * (ISO 27001 5.1, 5.2, 5.3), on a day that has come; a document's approval
 * holds for the version approved.  The record types' written() hooks and
 * the document's derive() hook (its approved version).
 */
int approval_scope_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			   const struct isms_kv *kv, size_t n, bool added);
int approval_document_written(struct isms_store *s, const struct isms_entity *e,
			      const char *key, const struct isms_kv *kv, size_t n, bool added);
int approval_document_derive(struct isms_store *s, const struct isms_entity *e, const char *key,
			     const struct isms_kv *kv, size_t n, bool added, const char **ret_name,
			     char **ret_value);

/*
 * A risk's treatment plan approved by its owner (ISO 27001 6.1.3 f), active
 * on the day of the approval, which has come.  Part of the risk's
 * written() hook; @today YYYY-MM-DD.
 */
int approval_treatment_check(struct isms_store *s, const struct isms_entity *e, const char *key,
			     const struct isms_kv *kv, size_t n, bool added, const char *today);

#endif
