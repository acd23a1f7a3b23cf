/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strict JSON reader (lib/json.c), which every JSON input goes through:
 * it must never read past its input or loop, must say where it stopped, and
 * what it accepts must survive a round trip through json-c's writer.
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "isms/json.h"

#define FUZZ_MAX (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct isms_json_limits lim = {.max_bytes = FUZZ_MAX, .max_depth = 64};
	struct isms_json_error err, err2;
	struct json_object *o = NULL, *o2 = NULL;
	char text[512];
	const char *out;
	size_t outlen;
	int r, c;

	if (size > FUZZ_MAX)
		return 0;
	memset(&err, 0, sizeof(err));
	r = isms_json_parse((const char *)data, size, &lim, &o, &err);
	c = isms_json_check((const char *)data, size, &lim, &err2);
	/* The check and the parse agree on every input. */
	CHECK((r == 0) == (c == 0));
	if (r < 0) {
		CHECK(r == -EINVAL || r == -EFBIG || r == -ENOMEM);
		CHECK(err.kind != ISMS_JSON_E_NONE);
		CHECK(err.offset <= size);
		CHECK(memchr(err.path, '\0', sizeof(err.path)));
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)));
		isms_json_error_text(&err, text, sizeof(text));
		CHECK(memchr(text, '\0', sizeof(text)));
		return 0;
	}
	if (!o) /* the literal null */
		return 0;
	/* What was accepted, written back by json-c, is accepted again and equal. */
	out = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &outlen);
	CHECK(out);
	r = isms_json_parse(out, outlen, NULL, &o2, &err2);
	CHECK(r == 0);
	CHECK(json_object_equal(o, o2));
	json_object_put(o2);
	json_object_put(o);
	return 0;
}
