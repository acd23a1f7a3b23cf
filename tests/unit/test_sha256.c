/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one SHA-256 hex helper: the digests every stored hash is compared by. */
#include <errno.h>
#include <string.h>

#include "isms/sha256.h"
#include "testutil.h"

/* FIPS 180-2, appendix B.1 and the empty message. */
static void t_sha256_vectors(void **state)
{
	char out[ISMS_SHA256_HEX];

	(void)state;
	assert_int_equal(isms_sha256_hex("abc", 3, out), 0);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(isms_sha256_hex("", 0, out), 0);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(isms_sha256_hex(NULL, 0, out), 0);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* The length given is the length hashed: a NUL inside counts, what follows does not. */
static void t_sha256_length(void **state)
{
	char a[ISMS_SHA256_HEX], b[ISMS_SHA256_HEX];

	(void)state;
	assert_int_equal(isms_sha256_hex("abcdef", 3, a), 0);
	assert_string_equal(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(isms_sha256_hex("abc\0", 4, b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(b), 64);
}

static void t_sha256_hex_digest(void **state)
{
	unsigned char md[32];
	char out[ISMS_SHA256_HEX];

	(void)state;
	for (unsigned int i = 0; i < 32; i++)
		md[i] = (unsigned char)(i * 8 + 7);
	memset(out, 'x', sizeof(out));
	isms_sha256_hex_digest(md, out);
	assert_string_equal(out, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sha256_vectors),
		cmocka_unit_test(t_sha256_length),
		cmocka_unit_test(t_sha256_hex_digest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
