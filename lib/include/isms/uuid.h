/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_UUID_H
#define ISMS_UUID_H

#define ISMS_UUID_STR 37 /* 36 characters and the NUL */

/*
 * A name-based UUID, version 5 (RFC 9562 5.5: SHA-1 over the namespace and
 * the name), in lower-case text.  The same name gives the same UUID, so an
 * export made twice names the same things the same way (OSCAL asks that a
 * subject keeps its UUID across revisions).  0 or -ENOMEM/-EIO.
 */
int isms_uuid_v5(const unsigned char ns[16], const char *name, char out[ISMS_UUID_STR])
	__attribute__((warn_unused_result, nonnull));

/* isms's own namespace for the names it makes UUIDs of. */
extern const unsigned char isms_uuid_ns[16];

#endif
