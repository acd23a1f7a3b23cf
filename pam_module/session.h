/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PAM_ISMS_SESSION_H
#define PAM_ISMS_SESSION_H

#include <stdbool.h>

#include <security/pam_modules.h>

/* Keep in the handle whom account decided for, on which asset, in which mode, for the session. */
void pam_isms_keep_decided(pam_handle_t *pamh, const char *user, const char *asset, bool enforce);

#endif
