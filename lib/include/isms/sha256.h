/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SHA256_H
#define ISMS_SHA256_H

#include <stddef.h>

/* SHA-256 in lower-case hex, with the NUL (the same size as ISMS_HASH_HEX). */
#define ISMS_SHA256_HEX 65

/*
 * SHA-256 of the @len bytes at @buf, as 64 lower-case hex digits and a NUL
 * in @out: the one way the library writes a digest that is stored, shown
 * or compared (SoA snapshots, review inputs, reports, history values).
 * 0, or -EIO when libcrypto fails (@out then holds an empty string).
 */
int isms_sha256_hex(const void *buf, size_t len, char out[ISMS_SHA256_HEX])
	__attribute__((warn_unused_result, nonnull(3)));

/*
 * The hex of a 32-byte digest already computed (by a caller that digests a
 * stream, or keeps its own context for speed) into @out.  Pure.
 */
void isms_sha256_hex_digest(const unsigned char md[32], char out[ISMS_SHA256_HEX])
	__attribute__((nonnull));

#endif
