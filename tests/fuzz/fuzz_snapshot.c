/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts snapshot reader (lib/snapshot_read.c), as pam_isms runs it on
 * every login, and the journal record decoder the drain runs on what logins
 * left.  A snapshot accepted must answer lookups for any name without
 * reading outside itself (ASan says so) and with facts in range; a journal
 * record decoded must lie within the input.
 */
#include <string.h>

#include "fuzz.h"
#include "isms/facts.h"
#include "isms/journal.h"
#include "isms/policy.h"
#include "isms/snapshot.h"

#define FUZZ_MAX (1u << 20)

static struct isms_policy *pol;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char j[] =
		"{\"version\":1,\"asset\":\"a0\",\"rules\":[{\"id\":\"r\",\"users\":\"*\","
		"\"allow\":true,\"require\":{\"acknowledged\":[\"d0\",\"d1\"],"
		"\"reviewed_within_days\":90,\"active\":true}}]}";
	struct isms_policy_problems pr;

	(void)argc;
	(void)argv;
	CHECK(isms_policy_parse(j, strlen(j), NULL, &pol, &pr) == 0);
	return 0;
}

static void lookups(const struct isms_snapshot *sn)
{
	static const char *const users[] = {"", "u00", "l03", "alice", "zzzz", "\xff"};
	struct isms_ack_fact acks[4];
	struct isms_facts f;

	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		CHECK(isms_snapshot_facts(sn, pol, users[i], 1768478400, &f, acks, 4) == 0);
		CHECK(f.store_ok && f.nacks == 2);
		CHECK(f.person_known == ISMS_FACT_YES || f.person_known == ISMS_FACT_NO);
		CHECK(f.last_review_days >= -1);
		CHECK(f.person_known == ISMS_FACT_YES || f.last_review_days == -1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_snapshot *sn = NULL;
	struct isms_evidence ev;
	char err[256], store[4096];
	size_t pos = 0;

	if (!pol && LLVMFuzzerInitialize(NULL, NULL) != 0)
		return 0;
	if (size > FUZZ_MAX)
		return 0;
	if (isms_snapshot_parse(data, size, &sn, err, sizeof(err)) == 0) {
		struct isms_snapshot_info in;

		isms_snapshot_info(sn, &in);
		CHECK(in.bytes == size);
		lookups(sn);
		isms_snapshot_free(sn);
	}
	/* The same bytes as a journal: records back to back, as the drain reads them. */
	while (pos < size) {
		long n = isms_journal_decode(data + pos, size - pos, &ev, store, sizeof(store));

		if (n <= 0)
			break;
		CHECK((size_t)n <= size - pos);
		CHECK(ev.source == NULL || strlen(ev.source) < (size_t)n);
		pos += (size_t)n;
	}
	return 0;
}
