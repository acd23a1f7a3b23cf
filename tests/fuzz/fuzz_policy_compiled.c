/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled policy decoder (lib/policy_compiled.c), as pam_isms runs it
 * at every login.  The input is a compiled file; its checksum is set right
 * and the text it carries is passed as the policy file's, so that the
 * fuzzer reaches the rules rather than stopping at the checks in front of
 * them.  A policy decoded must decide without reading outside itself (ASan
 * says so), and must compile again to exactly the input: nothing the
 * decoder accepts is dropped or changed on the way in.
 */
#include <string.h>

#include "crc32c.h"
#include "fuzz.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"

#define FUZZ_MAX (1u << 20)

static void decide(const struct isms_policy *p)
{
	static const char *const groups[] = {"ops", NULL};
	static const struct isms_ack_fact acks[] = {{"aup", ISMS_FACT_YES}};
	static const char *const rhosts[] = {"", "10.1.2.3", "fd00::1", "h.example.com"};
	struct isms_facts f = {.store_ok = true, .person_known = ISMS_FACT_YES,
			       .person_active = ISMS_FACT_YES, .asset_locked = ISMS_FACT_NO,
			       .last_review_days = 10, .acks = acks, .nacks = 1};
	struct isms_decision d;

	for (size_t i = 0; i < sizeof(rhosts) / sizeof(rhosts[0]); i++) {
		struct isms_request rq = {.user = "alice", .service = "sshd", .rhost = rhosts[i],
					  .tty = "pts/0", .groups = groups, .now = 1767607200};

		isms_policy_evaluate(p, &rq, &f, &d, NULL, 0, NULL);
		CHECK(d.nreasons <= ISMS_DECISION_REASONS);
		CHECK(d.rule_index < (int)isms_policy_nrules(p));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_policy *p = NULL;
	unsigned char *b, *again = NULL;
	size_t jlen = 0, alen = 0;
	uint32_t crc;

	if (size < 20 || size > FUZZ_MAX)
		return 0;
	b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	crc = isms_crc32c(0, b + 16, size - 16);
	for (int i = 0; i < 4; i++)
		b[12 + i] = (unsigned char)(crc >> (8 * i));
	for (int i = 0; i < 4; i++)
		jlen |= (size_t)b[16 + i] << (8 * i);
	if (jlen > size - 20)
		jlen = size - 20;
	if (isms_policy_decode(b, size, (const char *)b + 20, jlen, "/usr/share/zoneinfo", &p) == 0) {
		decide(p);
		CHECK(isms_policy_compile(p, (const char *)b + 20, jlen, &again, &alen) == 0);
		CHECK(alen == size && memcmp(again, b, size) == 0);
		free(again);
		isms_policy_free(p);
	}
	free(b);
	return 0;
}
