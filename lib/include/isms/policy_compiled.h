/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_POLICY_COMPILED_H
#define ISMS_POLICY_COMPILED_H

#include <stddef.h>

#include "isms/policy.h"

/*
 * The access policy pre-parsed: what isms_policy_parse() built, in a flat
 * checksummed file, together with the exact JSON text it was parsed from.
 * Parsing the JSON was most of what pam_isms cost a login; decoding this is
 * a small fraction of it.  The JSON stays the policy: a compiled file is
 * used only when the text it carries is byte for byte the text the policy
 * file holds now (read, trust-checked, at every login as before), so a
 * policy edited and not compiled again is parsed as it always was, and a
 * compiled file that is missing, damaged, of another format version or not
 * trustworthy costs time, never a decision.
 *
 * Format (little-endian): "ISMSPOL\0", u32 format version, u32 CRC-32C of
 * everything after these 16 bytes, u32 length and the JSON text, then the
 * policy (asset, mode, on_error, rules with every field the evaluator
 * reads, the document names).  Every length and count is checked against
 * what is left, every enum and range against what the parser allows.
 */

#define ISMS_POLICY_COMPILED_VERSION 1
/* The JSON (at most ISMS_POLICY_MAX_BYTES) and its rules: a bound for readers. */
#define ISMS_POLICY_COMPILED_MAX (4u << 20)

/* The compiled form of @p, which was parsed from exactly @json (@len bytes): malloc'd *ret. */
int isms_policy_compile(const struct isms_policy *p, const char *json, size_t len,
			unsigned char **ret, size_t *ret_len)
	__attribute__((warn_unused_result, nonnull(1, 2, 4, 5)));

/*
 * The policy in @buf (@blen bytes), if it was compiled from exactly @json
 * (@jlen bytes).  Zones named by rules are loaded from @zoneinfo as the
 * parser would.  0; -ESTALE (another text or format version), -EBADMSG
 * (damaged or not a compiled policy), -ENOMEM, or a zone's error.
 */
int isms_policy_decode(const void *buf, size_t blen, const char *json, size_t jlen,
		       const char *zoneinfo, struct isms_policy **ret)
	__attribute__((warn_unused_result, nonnull(1, 3, 6)));

/*
 * isms_policy_load(@path, true, ...), with the parse skipped when
 * @compiled (NULL: never) is a trustworthy compiled form of the text just
 * read.  *ret_compiled (optional): 0 when the compiled file was used, else
 * why not (-ENOENT, -ESTALE, -EBADMSG, -EPERM...), for a debug line.
 */
int isms_policy_load_compiled(const char *path, const char *compiled, const char *zoneinfo,
			      struct isms_policy **ret, struct isms_policy_problems *problems,
			      int *ret_compiled)
	__attribute__((warn_unused_result, nonnull(1, 4)));

/*
 * Read and check the policy at @path as pam_isms does, then write its
 * compiled form to @compiled atomically (a new file renamed over it, mode
 * 0644, fsynced).  -EINVAL with @problems when the policy is rejected.
 */
int isms_policy_write_compiled(const char *path, const char *compiled, const char *zoneinfo,
			       struct isms_policy_problems *problems)
	__attribute__((warn_unused_result, nonnull(1, 2)));

#endif
