/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel command line's audit setting, as the collector records it at
 * start: audit=1 or not, the last one counting, nothing after "--".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "kernel_audit.h"

static void parse(const char *cmdline, struct kernel_audit *k)
{
	kernel_audit_parse(cmdline, strlen(cmdline), k);
}

static void test_settings(void **state)
{
	static const struct {
		const char *cmdline;
		int audit;
		const char *outcome;
	} cases[] = {
		{"console=ttyS0 quiet", -1, "absent"},
		{"", -1, "absent"},
		{"root=/dev/sda1 audit=1 quiet", 1, "audit=1"},
		{"audit=on", 1, "audit=1"},
		{"audit=0", 0, "audit=0"},
		{"audit=OFF", 0, "audit=0"},
		/* the kernel enables auditing on a value it does not know */
		{"audit=yes", 1, "audit=1"},
		/* the last one counts */
		{"audit=1 audit=0", 0, "audit=0"},
		{"audit=0 audit=1\n", 1, "audit=1"},
		/* not the setting: other names, init's words after -- */
		{"noaudit=1 xaudit=1 audit= audit_backlog_limit=8192", -1, "absent"},
		{"quiet -- audit=1", -1, "absent"},
		{"quiet --audit=1", -1, "absent"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kernel_audit k;

		parse(cases[i].cmdline, &k);
		if (k.audit != cases[i].audit || strcmp(kernel_audit_outcome(&k), cases[i].outcome))
			fail_msg("'%s': %d %s, wanted %d %s", cases[i].cmdline, k.audit,
				 kernel_audit_outcome(&k), cases[i].audit, cases[i].outcome);
	}
}

static void test_json(void **state)
{
	struct kernel_audit k;
	char buf[256], obj[300];
	struct json_object *o, *v;

	(void)state;
	parse("audit=1 audit_backlog_limit=8192", &k);
	kernel_audit_json(&k, buf, sizeof(buf));
	snprintf(obj, sizeof(obj), "{%s}", buf);
	o = json_tokener_parse(obj);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "boot_audited", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(o, "kernel_audit", &v));
	assert_string_equal(json_object_get_string(v), "1");
	assert_true(json_object_object_get_ex(o, "audit_backlog_limit", &v));
	assert_string_equal(json_object_get_string(v), "8192");
	json_object_put(o);
	/* a value that is not letters or digits stays out of the JSON */
	parse("audit=\"x\\\"y\"", &k);
	kernel_audit_json(&k, buf, sizeof(buf));
	snprintf(obj, sizeof(obj), "{%s}", buf);
	o = json_tokener_parse(obj);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "boot_audited", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(o);
	parse("quiet", &k);
	kernel_audit_json(&k, buf, sizeof(buf));
	assert_string_equal(buf, "\"kernel_audit\":\"absent\",\"boot_audited\":false");
	/* cut short: still terminated */
	assert_true(kernel_audit_json(&k, buf, 10) < 10);
	assert_int_equal(strlen(buf), 9);
}

static void test_read(void **state)
{
	struct kernel_audit k = {.audit = 7};

	(void)state;
	assert_int_equal(kernel_audit_read("/nonexistent/cmdline", &k), -2 /* -ENOENT */);
	assert_int_equal(k.audit, 7);
	/* this machine's, whatever it says */
	if (kernel_audit_read("/proc/cmdline", &k) == 0)
		assert_true(k.audit >= -1 && k.audit <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
