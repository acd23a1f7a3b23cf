/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name-based UUIDs (isms/uuid.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "isms/uuid.h"

/* A random UUID, drawn once, that no other name space uses. */
const unsigned char isms_uuid_ns[16] = {0x5b, 0x1e, 0x8a, 0x43, 0x0c, 0x6d, 0x4f, 0x2a,
					0x9e, 0x71, 0x3d, 0xb4, 0x28, 0xf0, 0x96, 0x17};

int isms_uuid_v5(const unsigned char ns[16], const char *name, char out[ISMS_UUID_STR])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 && EVP_DigestUpdate(ctx, ns, 16) == 1 &&
	     EVP_DigestUpdate(ctx, name, strlen(name)) == 1 &&
	     EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -EIO;
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, ISMS_UUID_STR,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1],
		 md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12],
		 md[13], md[14], md[15]);
	return 0;
}
