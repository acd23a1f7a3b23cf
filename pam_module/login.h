/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PAM_ISMS_LOGIN_H
#define PAM_ISMS_LOGIN_H

#include <stdbool.h>

#include <security/pam_modules.h>

#include "isms/identity.h"

#define USER_MAX 256

/*
 * @user is PAM_USER as given (typed at a prompt, sent by a client); @name is
 * who that is to NSS, pw_name, the account sshd and login then run as.  A
 * source that matches names case-insensitively (sssd with
 * case_sensitive=false, some LDAP setups) finds "alice" for "ALICE": the
 * policy, the facts and the evidence must see "alice", or a deny rule on
 * "alice" is passed by typing "ALICE".  For a user NSS does not know, @name
 * is @user.
 */
struct login {
	const char *user, *service, *rhost, *tty;
	const char *name;        /* the canonical name: id.name, or user */
	struct isms_identity id; /* the user and every group, when known */
	int id_err;              /* 0, or why NSS could not say (not -ENOENT) */
	bool known;              /* the user exists in NSS */
	bool renamed;            /* NSS spells the name otherwise than @user */
	char user_log[USER_MAX + 1];  /* @name, printable */
	char typed_log[USER_MAX + 1]; /* @user, printable */
};

/*
 * PAM_USER, PAM_SERVICE, PAM_RHOST, PAM_TTY and the user's identity into
 * @l.  PAM_USER_UNKNOWN when there is no name fit to decide on or record
 * (missing, too long, not printable); an NSS that cannot answer is no
 * failure here but @l->id_err, for on_error.
 */
int pam_isms_gather(pam_handle_t *pamh, struct login *l);
void pam_isms_login_release(struct login *l);

#endif
