/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out of memory where the store's text is copied: every strdup() of libisms
 * made to fail in turn (-Wl,--wrap=strdup; memory cannot be exhausted here
 * for real, one call at a time).  Each run either fails with -ENOMEM or
 * does the whole work: never a shorter answer or a record without a field
 * that then reads as "any".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/store.h"
#include "testutil.h"

char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s);

static long fail_at, calls;

/* The @fail_at'th strdup() from now fails (0: none). */
static void fail_strdup_at(long n)
{
	fail_at = n;
	calls = 0;
}

char *__wrap_strdup(const char *s)
{
	if (fail_at && ++calls == fail_at) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

/*
 * An indicator on web1's failed logins, and two failed logins on web2: a
 * scan raises nothing.  Found with this test: an indicator whose asset was
 * lost to memory (dup_col gave NULL, no error) counted every asset's
 * failures and raised web1's risk.
 */
static void t_indicator_scan(void **state)
{
	struct tu_fixture *fx = *state;
	struct isms_evidence ev = {.source = "test", .kind = "auth.failure", .asset = "web2",
				   .outcome = "failure"};
	long k;

	tu_add(fx->s, "person", TU_KV({"name", "alice"}, {"role", "security_officer"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web1"}, {"type", "host"}, {"owner", "alice"}));
	tu_add(fx->s, "asset", TU_KV({"name", "web2"}, {"type", "host"}, {"owner", "alice"}));
	tu_add(fx->s, "risk", TU_KV({"title", "guessing"}, {"asset", "web1"}, {"likelihood", "1"},
				    {"impact", "3"}, {"owner", "alice"}));
	tu_add(fx->s, "indicator",
	       TU_KV({"name", "failed-logins"}, {"title", "failed logins on web1"},
		     {"kind", "auth.failure"}, {"asset", "web1"}, {"window_minutes", "60"},
		     {"threshold", "2"}, {"risk", "R-1"}));
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	assert_int_equal(isms_evidence_append(fx->s, &ev, NULL), 0);
	for (k = 1;; k++) {
		long made;
		int r;

		assert_int_equal(isms_setting_set(fx->s, "indicator_watermark", "0"), 0);
		fail_strdup_at(k);
		r = isms_indicators_scan(fx->s, NULL);
		made = calls;
		fail_strdup_at(0);
		if (r != -ENOMEM && r != 0)
			fail_msg("strdup %ld failing: scan returned %d (%s)", k, r, strerror(-r));
		assert_field(fx->s, "risk", "R-1", "likelihood", "1");
		if (r == 0 && made < k)
			break; /* no strdup was left to fail */
	}
	printf("# %ld strdup calls failed in turn\n", k - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_indicator_scan, tu_setup_store, tu_teardown_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
