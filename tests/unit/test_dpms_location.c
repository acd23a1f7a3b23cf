/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the DPMS store is when none is named (dpms/location.c): the new place, or the old one. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dpms.h"
#include "testutil.h"

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	close(fd);
}

static void t_pick(void **state)
{
	char *dir = tu_tmpdir();
	char *sub = tu_path(dir, "isms-dpms");
	char *now = tu_path(sub, "dpms.db"), *old = tu_path(dir, "dpms.db");
	bool legacy = true;

	/* Neither: the new place, where init creates it. */
	assert_string_equal(dpms_pick_store(now, old, &legacy), now);
	assert_false(legacy);
	/* Only the old one: it keeps opening, and the caller can say so. */
	touch(old);
	assert_string_equal(dpms_pick_store(now, old, &legacy), old);
	assert_true(legacy);
	assert_string_equal(dpms_pick_store(now, old, NULL), old);
	/* Both: the new one, never two stores in turn. */
	assert_int_equal(mkdir(sub, 0700), 0);
	touch(now);
	assert_string_equal(dpms_pick_store(now, old, &legacy), now);
	assert_false(legacy);
	/* The built-in choice is the same one between the built-in places. */
	assert_string_equal(dpms_default_store(NULL),
			    dpms_pick_store(DPMS_DEFAULT_STORE, DPMS_LEGACY_STORE, NULL));
	tu_rm_rf(dir);
	free(dir);
	free(sub);
	free(now);
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
