/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the DPMS store is when none is named: its own directory, or where it used to be. */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "config.h"
#include "dpms.h"

const char *dpms_pick_store(const char *path, const char *legacy_path, bool *ret_legacy)
{
	struct stat st;
	bool legacy;

	/* The old place only while the new one is missing and the old one is
	 * there: a store keeps opening after an upgrade, and never two at once.
	 * A new place that cannot be looked at (EACCES) is still the place. */
	legacy = stat(path, &st) < 0 && errno == ENOENT && lstat(legacy_path, &st) == 0;
	if (ret_legacy)
		*ret_legacy = legacy;
	return legacy ? legacy_path : path;
}

const char *dpms_default_store(bool *ret_legacy)
{
	return dpms_pick_store(DPMS_DEFAULT_STORE, DPMS_LEGACY_STORE, ret_legacy);
}
