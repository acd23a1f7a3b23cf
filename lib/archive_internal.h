/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ARCHIVE_INTERNAL_H
#define ISMS_ARCHIVE_INTERNAL_H

#include <stdbool.h>

#include "evidence_internal.h"
#include "isms/archive.h"

/* Writing an archive file (archive_file.c): the header, the rows, "end". */
struct archive_writer {
	void *gz; /* gzFile */
	int fd;
};

/* Create @tmp (never overwriting) and write the header @h: 0 or -errno. */
int archive_write_open(struct archive_writer *a, const char *tmp,
		       const struct isms_archive_info *h);
int archive_write_row(struct archive_writer *a, int64_t id, const char *const v[EV_NFIELDS],
		      const size_t len[EV_NFIELDS], const char *prev, const char *hash,
		      const struct evidence_ext *x);
/* Finish (with the end mark when @keep), flush, fsync and close: 0 or -errno. */
int archive_write_close(struct archive_writer *a, bool keep);

/* The store's id as anchors name it ("isms:" + row 1's hash, 16 digits) into @buf. */
int evidence_store_id(struct isms_store *s, char *buf, size_t len);

#endif
