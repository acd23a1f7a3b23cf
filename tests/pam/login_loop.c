/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login_loop: N account decisions through a real PAM stack (pam_start_confdir,
 * pam_acct_mgmt, pam_end), as a login makes them, for the concurrency test.
 * Links libpam only.
 *
 *   login_loop N USER RHOST CONFDIR SERVICE
 *
 * Prints "calls N success S" and exits 0 when every call returned
 * PAM_SUCCESS, 1 otherwise (the first failure is printed), 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include <security/pam_appl.h>

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)data;
	*resp = NULL;
	return PAM_CONV_ERR;
}

int main(int argc, char **argv)
{
	const struct pam_conv c = {conv, NULL};
	long n, ok = 0;

	if (argc != 6 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: login_loop N USER RHOST CONFDIR SERVICE\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		pam_handle_t *ph = NULL;
		int r = pam_start_confdir(argv[5], argv[2], &c, argv[4], &ph);

		if (r == PAM_SUCCESS)
			r = pam_set_item(ph, PAM_RHOST, argv[3]);
		if (r == PAM_SUCCESS)
			r = pam_acct_mgmt(ph, PAM_SILENT);
		pam_end(ph, r);
		if (r == PAM_SUCCESS)
			ok++;
		else if (ok == i)
			fprintf(stderr, "login_loop: call %ld: %s\n", i, pam_strerror(NULL, r));
	}
	printf("calls %ld success %ld\n", n, ok);
	return ok == n ? 0 : 1;
}
