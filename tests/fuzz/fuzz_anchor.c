/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isms_anchor_parse() on any bytes: the line `verify --anchor` reads from a
 * file, stdin, syslog or the audit trail, so anything an attacker can get
 * into a log.  An anchor accepted has a store kind and a 16-digit id, a row
 * that is not negative, 64 hex digits of hash and a time that parses; written
 * out again it fits ISMS_ANCHOR_MAX and reads back the same.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "isms/date.h"
#include "isms/evidence.h"

#define FUZZ_MAX 4096

static bool hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isms_anchor a, b;
	char line[ISMS_ANCHOR_MAX + 64], *s;
	const char *colon;
	int64_t t;
	int r;

	if (size > FUZZ_MAX)
		return 0;
	s = fuzz_strndup(data, size);
	CHECK(s);
	r = isms_anchor_parse(s, &a);
	CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
	if (r == -ENOENT)
		CHECK(!strstr(s, "isms-anchor v1 "));
	if (r == 0) {
		CHECK(memchr(a.store, '\0', sizeof(a.store)));
		colon = strchr(a.store, ':');
		CHECK(colon && colon > a.store && strlen(colon + 1) == 16);
		CHECK(a.row >= 0);
		CHECK(hex64(a.hash));
		CHECK(memchr(a.time, '\0', sizeof(a.time)));
		CHECK(isms_date_parse(a.time, &t, NULL) == 0);
		isms_anchor_format(&a, line, sizeof(line));
		CHECK(strlen(line) < ISMS_ANCHOR_MAX);
		CHECK(isms_anchor_parse(line, &b) == 0);
		CHECK(strcmp(a.store, b.store) == 0 && a.row == b.row &&
		      memcmp(a.hash, b.hash, 64) == 0 && strcmp(a.time, b.time) == 0);
	}
	free(s);
	return 0;
}
