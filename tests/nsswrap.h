/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TEST_NSSWRAP_H
#define ISMS_TEST_NSSWRAP_H

/*
 * Run this test program again, as a child, under nss_wrapper with @passwd and
 * @group (file contents) as the only users and groups, so that tests create
 * no real ones.  In the child it returns 0; the parent waits, removes the
 * files whatever the child did, and exits with the child's status.  Exits 77
 * (SKIP) when nss_wrapper is not in effect in the child.  @sentinel is a user
 * in @passwd that the real system does not have.
 */
int tu_nss_wrap(char **argv, const char *passwd, const char *group, const char *sentinel);

#endif
