/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the harnesses. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

void fuzz_scratch_dir(char *buf, size_t len, const char *name)
{
	const char *base = getenv("TMPDIR");
	struct stat st;

	if (!base || !*base)
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
				       access("/dev/shm", W_OK | X_OK) == 0
			       ? "/dev/shm"
			       : "/tmp";
	CHECK((size_t)snprintf(buf, len, "%s/isms-fuzz-%s.XXXXXX", base, name) < len);
	CHECK(mkdtemp(buf) != NULL);
}
