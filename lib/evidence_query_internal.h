/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_EVIDENCE_QUERY_INTERNAL_H
#define ISMS_EVIDENCE_QUERY_INTERNAL_H

#include <stddef.h>

#include "isms/entity.h"
#include "isms/evidence_query.h"

/*
 * The statement isms_evidence_list() runs for @q over record type @e, into
 * @sql of @cap bytes: for tests that ask SQLite how it plans it.  -EINVAL
 * with @err for an unknown field, -E2BIG.
 */
int evidence_query_sql(const struct isms_entity *e, const struct isms_evidence_query *q,
		       char *sql, size_t cap, char *err, size_t errlen);

#endif
