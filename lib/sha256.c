/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 to hex, once for the whole library: every stored digest is written alike. */
#include <errno.h>

#include <openssl/evp.h>

#include "isms/sha256.h"

void isms_sha256_hex_digest(const unsigned char md[32], char out[ISMS_SHA256_HEX])
{
	static const char hexd[] = "0123456789abcdef";

	for (unsigned int i = 0; i < 32; i++) {
		out[2 * i] = hexd[md[i] >> 4];
		out[2 * i + 1] = hexd[md[i] & 15];
	}
	out[64] = '\0';
}

int isms_sha256_hex(const void *buf, size_t len, char out[ISMS_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	/* EVP_Digest() reads nothing when @len is 0, but wants a pointer. */
	if (EVP_Digest(buf ? buf : "", len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -EIO;
	isms_sha256_hex_digest(md, out);
	return 0;
}
