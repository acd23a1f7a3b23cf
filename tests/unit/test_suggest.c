/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Did you mean": the edit distance and when a candidate is near enough to offer. */
#include <stdio.h>
#include <string.h>

#include "isms/suggest.h"
#include "testutil.h"

static const char *best(const char *word, const char *const *cands)
{
	static struct isms_suggest sg;

	isms_suggest_init(&sg, word);
	isms_suggest_add_all(&sg, cands);
	return isms_suggest_best(&sg);
}

static void t_distance(void **state)
{
	char longer[ISMS_SUGGEST_LEN_MAX + 2];

	(void)state;
	assert_int_equal(isms_edit_distance("risk", "risk"), 0);
	assert_int_equal(isms_edit_distance("rsik", "risk"), 1);   /* a swap is one edit */
	assert_int_equal(isms_edit_distance("titel", "title"), 1);
	assert_int_equal(isms_edit_distance("rik", "risk"), 1);    /* one left out */
	assert_int_equal(isms_edit_distance("riskk", "risk"), 1);  /* one too many */
	assert_int_equal(isms_edit_distance("rosk", "risk"), 1);   /* one wrong */
	assert_int_equal(isms_edit_distance("", "risk"), 4);
	assert_int_equal(isms_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(isms_edit_distance("FULL-NAME", "full_name"), 0);
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_true(isms_edit_distance(longer, "a") == (size_t)-1);
}

static void t_best(void **state)
{
	static const char *const commands[] = {"init", "risk", "soa", "assess", "asset",
					       "report", "evidence", NULL};
	static const char *const types[] = {"host", "service", "information", "application",
					    "site", "person", "network", "room", NULL};

	(void)state;
	assert_string_equal(best("rsik", commands), "risk");
	assert_string_equal(best("evidnce", commands), "evidence");
	assert_string_equal(best("asest", commands), "asset");
	assert_string_equal(best("hots", types), "host");
	assert_string_equal(best("netwrok", types), "network");
	assert_string_equal(best("Host", types), "host");
	/* Nothing near enough: no guess. */
	assert_null(best("frobnicate", commands));
	assert_null(best("toaster", types));
	assert_null(best("x", commands));
	assert_null(best("", commands));
	assert_null(best("boss", (const char *const[]){"management", "security_officer", "dpo",
						       "risk_owner", "admin", "user", NULL}));
	/* Ties go to the first candidate added. */
	assert_string_equal(best("sit", (const char *const[]){"site", "sir", NULL}), "site");
	assert_null(best("a", (const char *const[]){NULL}));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_distance),
		cmocka_unit_test(t_best),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
