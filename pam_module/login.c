/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who is logging in, from where, and every group of theirs: what PAM and NSS say (login.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "isms/strutil.h"
#include "login.h"

/* A name fit for the store and a log line: the same test for both names. */
static bool name_ok(const char *name)
{
	return strlen(name) <= USER_MAX && isms_text_ok(name) && !strchr(name, '\n') &&
	       !strchr(name, '\t');
}

void pam_isms_login_release(struct login *l)
{
	isms_identity_release(&l->id);
}

static int get_str_item(pam_handle_t *pamh, int item, const char **ret)
{
	const void *v = NULL;
	int r = pam_get_item(pamh, item, &v);

	*ret = r == PAM_SUCCESS ? v : NULL;
	return r;
}

int pam_isms_gather(pam_handle_t *pamh, struct login *l)
{
	int r;

	memset(l, 0, sizeof(*l));
	r = pam_get_user(pamh, &l->user, NULL);
	if (r != PAM_SUCCESS || !l->user || !l->user[0])
		return PAM_USER_UNKNOWN;
	l->name = l->user;
	isms_printable(l->user, l->user_log, sizeof(l->user_log), false);
	isms_printable(l->user, l->typed_log, sizeof(l->typed_log), false);
	get_str_item(pamh, PAM_SERVICE, &l->service);
	get_str_item(pamh, PAM_RHOST, &l->rhost);
	get_str_item(pamh, PAM_TTY, &l->tty);
	/* A hostile name (too long, control characters, not UTF-8) is refused
	 * before it reaches NSS, the store or a log line unescaped. */
	if (!name_ok(l->user))
		return PAM_USER_UNKNOWN;
	/* Every group or none: a group left out (too big for a buffer, one
	 * past a cap) could be the one a deny rule names.  An unknown user
	 * is no error; an NSS that cannot answer is, for on_error. */
	r = isms_identity_by_name(l->user, &l->id);
	if (r == 0 && !name_ok(l->id.name)) {
		/* NSS answered with a name the store would refuse. */
		isms_identity_release(&l->id);
		l->id_err = -EINVAL;
	} else if (r == 0) {
		l->known = true;
		l->name = l->id.name;
		l->renamed = strcmp(l->id.name, l->user) != 0;
		isms_printable(l->name, l->user_log, sizeof(l->user_log), false);
	} else if (r != -ENOENT) {
		l->id_err = r;
	}
	return PAM_SUCCESS;
}
