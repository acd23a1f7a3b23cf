/* SPDX-License-Identifier: GPL-2.0-or-later */
/* placeholder: replaced by the real tests */
#include "testutil.h"
static void t_placeholder(void **state) { (void)state; assert_true(1); }
int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(t_placeholder)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
