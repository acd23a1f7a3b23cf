/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_TAG_INTERNAL_H
#define ISMS_EVIDENCE_TAG_INTERNAL_H

#include <stdint.h>

#include "isms/evidence.h"
#include "isms/evidence_schema.h"
#include "isms/store.h"

/*
 * The block tags of appended rows (ISMS_EVIDENCE_TAG_DDL), written in the
 * row's transaction.  A writer of many rows keeps the tags of the current
 * block it has written, so that a block costs one insert per value, not
 * one per row; what it keeps is forgotten at every begin and rollback (a
 * rolled-back tag is gone, and the cache must not say otherwise).
 */
struct evidence_tags;

int evidence_tags_new(struct isms_store *s, struct evidence_tags **ret);
struct evidence_tags *evidence_tags_free(struct evidence_tags *t);
void evidence_tags_forget(struct evidence_tags *t);

/* The tags of row @pk (@ev as stored), through @t; NULL @t: without a cache. */
int evidence_tags_add(struct isms_store *s, struct evidence_tags *t, int64_t pk,
		      const struct isms_evidence *ev);

/* The tag field of record field @name ("kind", ...), 0 if it has none. */
int evidence_tag_field(const char *name);

#endif
