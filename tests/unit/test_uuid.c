/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name-based UUIDs: RFC 9562's own example, and the version and variant bits. */
#include <string.h>

#include "isms/uuid.h"
#include "testutil.h"

static void t_rfc_vector(void **state)
{
	/* RFC 9562 A.4: the DNS namespace and "www.example.com" */
	static const unsigned char dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
					      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	char out[ISMS_UUID_STR];

	(void)state;
	assert_int_equal(isms_uuid_v5(dns, "www.example.com", out), 0);
	assert_string_equal(out, "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

static void t_stable_and_distinct(void **state)
{
	char a[ISMS_UUID_STR], b[ISMS_UUID_STR], c[ISMS_UUID_STR];

	(void)state;
	assert_int_equal(isms_uuid_v5(isms_uuid_ns, "isms:0123/finding/t/2026-11", a), 0);
	assert_int_equal(isms_uuid_v5(isms_uuid_ns, "isms:0123/finding/t/2026-11", b), 0);
	assert_int_equal(isms_uuid_v5(isms_uuid_ns, "isms:0123/finding/t/2026-12", c), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '5');
	assert_non_null(strchr("89ab", a[19]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_rfc_vector),
		cmocka_unit_test(t_stable_and_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
