/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fleet's pure parts: the skew's median and largest, and the enrolment
 * files with every value checked before it reaches one (a newline would be
 * a setting of its own).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "isms/fleet.h"

static void t_skew(void **state)
{
	int64_t v[] = {3, -2, 40, 0, 1}, w[] = {5, 1}, med, max;

	(void)state;
	isms_fleet_skew(v, 5, &med, &max);
	assert_int_equal(med, 1);
	assert_int_equal(max, 40);
	isms_fleet_skew(w, 2, &med, &max);
	assert_int_equal(med, 3);
	assert_int_equal(max, 5);
	isms_fleet_skew(NULL, 0, &med, &max);
	assert_int_equal(med, 0);
	assert_int_equal(max, 0);
}

static int enrol(const char *node, const char *central, unsigned port, bool krb5,
		 const char *principal, struct isms_fleet_file f[ISMS_FLEET_FILES], char *err)
{
	const struct isms_fleet_enrol e = {.node = node, .central = central, .port = port,
					   .transport = krb5 ? ISMS_FLEET_KRB5 : ISMS_FLEET_TCP,
					   .principal = principal};

	return isms_fleet_enrol_files(&e, f, err, 256);
}

static void t_enrol(void **state)
{
	struct isms_fleet_file f[ISMS_FLEET_FILES];
	char err[256];

	(void)state;
	assert_int_equal(enrol("web1", "10.0.0.1", 60, false, NULL, f, err), 0);
	assert_string_equal(f[0].name, "audisp-remote.conf");
	assert_contains(f[0].text, "\nremote_server = 10.0.0.1\nport = 60\n");
	assert_contains(f[0].text, "transport = TCP\n");
	assert_null(strstr(f[0].text, "krb5"));
	assert_contains(f[1].text, "active = yes\n");
	assert_contains(f[2].text, "name_format = user\nname = web1\n");
	assert_contains(f[3].text, "tcp_listen_port = 60\n");
	assert_contains(f[3].text, "tcp_max_per_addr = 1\n");
	assert_contains(f[3].text, "distribute_network = yes\n");
	assert_contains(f[4].text, "path = /usr/sbin/audisp-isms\n");
	isms_fleet_files_release(f);
	assert_int_equal(enrol("web2", "fd00::1", 1060, true, "host/web2.example@EX", f, err), 0);
	assert_contains(f[0].text, "transport = KRB5\n");
	assert_contains(f[0].text, "krb5_principal = auditd/fd00::1\nkrb5_client_name = host\n");
	assert_contains(f[3].text, "krb5_key_file = /etc/audit/audit.key\n");
	isms_fleet_files_release(f);
	/* hostile or wrong values never reach a file */
	assert_int_equal(enrol("web1", "10.0.0.1\ntcp_listen_port = 1", 60, false, NULL, f, err),
			 -EINVAL);
	assert_contains(err, "neither an IP address nor a host name");
	assert_int_equal(enrol("web1", "a b", 60, false, NULL, f, err), -EINVAL);
	assert_int_equal(enrol("web1", "-x.example", 60, false, NULL, f, err), -EINVAL);
	assert_int_equal(enrol("web1", "10.0.0.0/8", 60, false, NULL, f, err), -EINVAL);
	assert_int_equal(enrol("web1", "central.example", 0, false, NULL, f, err), -EINVAL);
	assert_int_equal(enrol("web1", "central.example", 65536, false, NULL, f, err), -EINVAL);
	assert_int_equal(enrol("we b1", "central.example", 60, false, NULL, f, err), -EINVAL);
	assert_int_equal(enrol("web1", "central.example", 60, true, NULL, f, err), -EINVAL);
	assert_contains(err, "no Kerberos principal");
	assert_int_equal(enrol("web1", "central.example", 60, true, "nohost@EX", f, err), -EINVAL);
	assert_int_equal(enrol("web1", "central.example", 60, true, "host/a\"b@EX", f, err),
			 -EINVAL);
	assert_int_equal(enrol("web1", "central.example", 60, false, NULL, f, err), 0);
	isms_fleet_files_release(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_skew),
		cmocka_unit_test(t_enrol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
