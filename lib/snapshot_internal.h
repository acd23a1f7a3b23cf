/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The snapshot's layout (isms/snapshot.h), shared by its reader and writer. */
#ifndef ISMS_SNAPSHOT_INTERNAL_H
#define ISMS_SNAPSHOT_INTERNAL_H

#include <stddef.h>

#define ISMS_SNAP_MAGIC  "ISMSFCT\0"
#define ISMS_SNAP_HEADER 72
#define ISMS_SNAP_ASSET  12
#define ISMS_SNAP_USER   32
#define ISMS_SNAP_ACK    8
#define ISMS_SNAP_REVIEW 16
#define ISMS_SNAP_NULL   0xffffffffu

/* SQLite's BINARY order: memcmp, then the shorter first. */
int isms_snap_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

#endif
