/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isms_identity_*: a user and every group, or an error; never a shorter
 * list.  Users and groups come from files under nss_wrapper (tests/nsswrap.c),
 * so nothing is added to the system: a group whose entry is over 64 KiB, a
 * user in 300 groups, a user whose gid has no group entry.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/identity.h"
#include "nsswrap.h"
#include "testutil.h"

#define MANY 300

static bool has(const struct isms_identity *id, const char *g)
{
	for (size_t i = 0; i < id->ngroups; i++)
		if (strcmp(id->groups[i], g) == 0)
			return true;
	return false;
}

static void t_plain(void **state)
{
	struct isms_identity id = {0};

	(void)state;
	assert_int_equal(isms_identity_by_name("isms-u1", &id), 0);
	assert_string_equal(id.name, "isms-u1");
	assert_int_equal(id.uid, 2001);
	assert_int_equal(id.gid, 3001);
	/* The primary group, and the one it is a member of, each once. */
	assert_int_equal(id.ngroups, 2);
	assert_true(has(&id, "isms-u1"));
	assert_true(has(&id, "isms-small"));
	assert_null(id.groups[id.ngroups]);
	isms_identity_release(&id);

	assert_int_equal(isms_identity_by_uid(2001, &id), 0);
	assert_string_equal(id.name, "isms-u1");
	isms_identity_release(&id);
	/* Released twice is fine: it is zeroed. */
	isms_identity_release(&id);
}

/* The regression: a 4 KiB buffer dropped this group silently. */
static void t_big_group(void **state)
{
	struct isms_identity id = {0};
	struct group *gr = getgrnam("isms-big");

	(void)state;
	assert_non_null(gr);
	assert_int_equal(isms_identity_by_name("isms-u1", &id), 0);
	assert_false(has(&id, "isms-big"));
	isms_identity_release(&id);
	assert_int_equal(isms_identity_by_name("isms-big-member", &id), 0);
	assert_true(has(&id, "isms-big"));
	isms_identity_release(&id);
}

/* The regression: groups past the 256th were dropped. */
static void t_many_groups(void **state)
{
	struct isms_identity id = {0};
	char name[32];

	(void)state;
	assert_int_equal(isms_identity_by_name("isms-many", &id), 0);
	assert_int_equal(id.ngroups, MANY + 1);
	for (int i = 1; i <= MANY; i++) {
		snprintf(name, sizeof(name), "isms-g%03d", i);
		assert_true(has(&id, name));
	}
	isms_identity_release(&id);
}

static void t_errors(void **state)
{
	struct isms_identity id = {.name = (char *)"untouched"};

	(void)state;
	assert_int_equal(isms_identity_by_name("isms-nobody-such", &id), -ENOENT);
	assert_int_equal(isms_identity_by_uid(4242, &id), -ENOENT);
	assert_int_equal(isms_identity_by_name("", &id), -ENOENT);
	/* A gid nobody can name: no rule could be matched against it. */
	assert_int_equal(isms_identity_by_name("isms-orphan", &id), -ENODATA);
	assert_string_equal(id.name, "untouched");
}

static char *passwd_text(void)
{
	char *s = NULL;

	assert_true(asprintf(&s,
			     "isms-u1:x:2001:3001::/nonexistent:/usr/sbin/nologin\n"
			     "isms-big-member:x:2002:3001::/nonexistent:/usr/sbin/nologin\n"
			     "isms-many:x:2003:3001::/nonexistent:/usr/sbin/nologin\n"
			     "isms-orphan:x:2004:3999::/nonexistent:/usr/sbin/nologin\n") > 0);
	return s;
}

/* isms-big has 10,000 members (about 150 KiB); isms-many is in isms-g001..g300. */
static char *group_text(void)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "isms-u1:x:3001:\nisms-small:x:3002:isms-u1\n"
						    "isms-big:x:3003:");
	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(s + len, cap - len, "isms-member-%05d,", i);
	len += (size_t)snprintf(s + len, cap - len, "isms-big-member\n");
	for (int i = 1; i <= MANY; i++)
		len += (size_t)snprintf(s + len, cap - len, "isms-g%03d:x:%d:isms-many\n", i,
					4000 + i);
	assert_true(len < cap - 1);
	return s;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_plain),
		cmocka_unit_test(t_big_group),
		cmocka_unit_test(t_many_groups),
		cmocka_unit_test(t_errors),
	};
	char *pw = passwd_text(), *gr = group_text();

	(void)argc;
	tu_nss_wrap(argv, pw, gr, "isms-u1");
	free(pw);
	free(gr);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
