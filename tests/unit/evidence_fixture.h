/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence chain tests' common fixture (test_evidence.c, test_evidence_raw.c). */
#ifndef ISMS_TEST_EVIDENCE_FIXTURE_H
#define ISMS_TEST_EVIDENCE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "isms/evidence_schema.h"
#include "isms/store.h"

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, tu_setup_store, tu_teardown_store)

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

#define DROP_TRIGGERS                                                                       \
	"DROP TRIGGER evidence_no_update; DROP TRIGGER evidence_no_delete;"
/* The triggers as the first migration creates them, to put back after tampering. */
#define CREATE_TRIGGERS                                                                     \
	ISMS_EVIDENCE_TRIGGER_NO_UPDATE_V3 ";"                             \
	ISMS_EVIDENCE_TRIGGER_NO_DELETE_ARCHIVED ";"

/* One text value straight from the store file (evidence_details() registered). */
void tu_ev_sql_text(const char *path, const char *sql, char *buf, size_t len);

/* Appends @n login rows (keys host1:1.., subjects user1..); fails the test on error. */
void tu_ev_append_n(struct isms_store *s, int n);

/* Verify passes over exactly @rows rows; fails the test otherwise. */
void tu_ev_verify_ok(struct isms_store *s, int64_t rows);

/* Verify fails with -EBADMSG at row @first_bad, its reason naming @reason. */
void tu_ev_expect_bad(struct isms_store *s, int64_t first_bad, const char *reason);

#endif
