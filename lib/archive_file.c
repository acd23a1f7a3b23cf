/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The archive file: a gzip stream (zlib: its CRC-32 catches damage to the
 * compressed bytes) holding a header of "name value" lines, a blank line,
 * then one line per row, each field as the chain hashes it ("N:bytes;",
 * "-;" for NULL): the id, the eleven fields, prev and hash, the row format
 * (NULL for 1), salt and the two digests of personal fields; then "end".
 * The bytes of every field are kept exactly, so the rows hash again as
 * they did in the store.  Nothing in the header is trusted: each value is
 * checked against the rows.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "archive_internal.h"
#include "isms/strutil.h"

#define MAGIC "isms-evidence-archive"
#define FIELD_MAX (64u << 20) /* a field larger than this is not one the store took */

/* --- writing ------------------------------------------------------------------ */

static int put(struct archive_writer *a, const void *p, size_t n)
{
	if (n && gzwrite(a->gz, p, (unsigned)n) != (int)n)
		return -EIO;
	return 0;
}

static int put_field(struct archive_writer *a, const char *v, size_t n)
{
	char num[24];
	int k;

	if (!v)
		return put(a, "-;", 2);
	k = snprintf(num, sizeof(num), "%zu:", n);
	if (put(a, num, (size_t)k) < 0 || put(a, v, n) < 0)
		return -EIO;
	return put(a, ";", 1);
}

int archive_write_open(struct archive_writer *a, const char *tmp,
		       const struct isms_archive_info *h)
{
	char hdr[1024];
	int n;

	memset(a, 0, sizeof(*a));
	a->fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (a->fd < 0)
		return -errno;
	a->gz = gzdopen(dup(a->fd), "wb6");
	if (!a->gz) {
		close(a->fd);
		unlink(tmp);
		return -ENOMEM;
	}
	n = snprintf(hdr, sizeof(hdr),
		     MAGIC " %d\nstore %s\nfirst %" PRId64 "\nlast %" PRId64 "\nrows %" PRId64
		     "\nprev %s\nlast_hash %s\ncreated %s\n\n",
		     h->format, h->store, h->first, h->last, h->rows, h->prev, h->last_hash,
		     h->created);
	return put(a, hdr, (size_t)n);
}

int archive_write_row(struct archive_writer *a, int64_t id, const char *const v[EV_NFIELDS],
		      const size_t len[EV_NFIELDS], const char *prev, const char *hash,
		      const struct evidence_ext *x)
{
	char fmt[24];
	int fk = snprintf(fmt, sizeof(fmt), "%" PRId64, x->fmt);
	char num[24];
	int k = snprintf(num, sizeof(num), "%" PRId64, id), r;

	r = put_field(a, num, (size_t)k);
	for (int i = 0; r >= 0 && i < EV_NFIELDS; i++)
		r = put_field(a, v[i], len[i]);
	if (r >= 0)
		r = put_field(a, prev, prev ? strlen(prev) : 0);
	if (r >= 0)
		r = put_field(a, hash, hash ? strlen(hash) : 0);
	if (r >= 0)
		r = put_field(a, x->fmt ? fmt : NULL, (size_t)fk);
	if (r >= 0)
		r = put_field(a, x->salt, x->saltlen);
	if (r >= 0)
		r = put_field(a, x->subject_d, x->sdlen);
	if (r >= 0)
		r = put_field(a, x->details_d, x->ddlen);
	if (r >= 0)
		r = put(a, "\n", 1);
	return r;
}

int archive_write_close(struct archive_writer *a, bool keep)
{
	int r = keep ? put(a, "end\n", 4) : 0;

	if (gzclose(a->gz) != Z_OK && r >= 0)
		r = -EIO;
	if (r >= 0 && fsync(a->fd) < 0)
		r = -errno;
	if (close(a->fd) < 0 && r >= 0)
		r = -errno;
	return r;
}

/* --- reading ------------------------------------------------------------------ */

struct reader {
	gzFile gz;
	unsigned char buf[65536];
	size_t pos, n;
	bool eof, damaged;
	char *field; /* the last field read */
	size_t fcap;
};

static int rd_fill(struct reader *rd)
{
	int n;

	if (rd->pos < rd->n)
		return 1;
	if (rd->eof)
		return 0;
	n = gzread(rd->gz, rd->buf, sizeof(rd->buf));
	if (n < 0) {
		rd->damaged = true;
		return -EBADMSG;
	}
	if (n == 0) {
		rd->eof = true;
		return 0;
	}
	rd->pos = 0;
	rd->n = (size_t)n;
	return 1;
}

static int rd_byte(struct reader *rd)
{
	int r = rd_fill(rd);

	return r <= 0 ? (r < 0 ? r : -ENODATA) : rd->buf[rd->pos++];
}

/* A header line "name value" into @buf; -EBADMSG when not that name. */
static int rd_line(struct reader *rd, const char *name, char *buf, size_t len)
{
	size_t k = 0, nl = strlen(name);
	char line[512];
	int c;

	while ((c = rd_byte(rd)) >= 0 && c != '\n') {
		if (k + 1 >= sizeof(line))
			return -EBADMSG;
		line[k++] = (char)c;
	}
	if (c < 0)
		return -EBADMSG;
	line[k] = '\0';
	if (strncmp(line, name, nl) != 0 || line[nl] != ' ' || strlen(line + nl + 1) >= len)
		return -EBADMSG;
	snprintf(buf, len, "%s", line + nl + 1);
	return 0;
}

/* One field: 1 with rd->field and *@ret_len (NULL field: *ret_null), -EBADMSG. */
static int rd_field(struct reader *rd, size_t *ret_len, bool *ret_null)
{
	size_t n = 0, got = 0;
	int c = rd_byte(rd), digits = 0;

	if (c == '-') {
		*ret_null = true;
		*ret_len = 0;
		return rd_byte(rd) == ';' ? 1 : -EBADMSG;
	}
	*ret_null = false;
	while (c >= '0' && c <= '9' && digits < 10) {
		n = n * 10 + (size_t)(c - '0');
		digits++;
		c = rd_byte(rd);
	}
	if (!digits || c != ':' || n > FIELD_MAX)
		return -EBADMSG;
	if (n + 1 > rd->fcap) {
		char *f = realloc(rd->field, n + 1);

		if (!f)
			return -ENOMEM;
		rd->field = f;
		rd->fcap = n + 1;
	}
	while (got < n) {
		size_t k;
		int r = rd_fill(rd);

		if (r <= 0)
			return -EBADMSG;
		k = rd->n - rd->pos < n - got ? rd->n - rd->pos : n - got;
		memcpy(rd->field + got, rd->buf + rd->pos, k);
		rd->pos += k;
		got += k;
	}
	rd->field[n] = '\0';
	*ret_len = n;
	return rd_byte(rd) == ';' ? 1 : -EBADMSG;
}

static bool hex64(const char *h)
{
	if (strlen(h) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

static int num(const char *t, int64_t *ret)
{
	return isms_parse_int64(t, ret) < 0 || *ret < 0 ? -EBADMSG : 0;
}

static int rd_header(struct reader *rd, struct isms_archive_info *h, char *reason, size_t len)
{
	char v[256], *colon;
	int64_t fmt;

	if (rd_line(rd, MAGIC, v, sizeof(v)) < 0 || num(v, &fmt) < 0) {
		snprintf(reason, len, "not an evidence archive (no '" MAGIC "' header)");
		return -EBADMSG;
	}
	if (fmt != ISMS_ARCHIVE_FORMAT) {
		snprintf(reason, len, "archive format %" PRId64 " is not known to this build", fmt);
		return -EBADMSG;
	}
	h->format = (int)fmt;
	if (rd_line(rd, "store", h->store, sizeof(h->store)) < 0 ||
	    !(colon = strchr(h->store, ':')) || strlen(colon + 1) != 16 ||
	    rd_line(rd, "first", v, sizeof(v)) < 0 || num(v, &h->first) < 0 || h->first < 1 ||
	    rd_line(rd, "last", v, sizeof(v)) < 0 || num(v, &h->last) < 0 ||
	    rd_line(rd, "rows", v, sizeof(v)) < 0 || num(v, &h->rows) < 0 ||
	    h->rows != h->last - h->first + 1 || h->rows < 1 ||
	    rd_line(rd, "prev", h->prev, sizeof(h->prev)) < 0 || !hex64(h->prev) ||
	    rd_line(rd, "last_hash", h->last_hash, sizeof(h->last_hash)) < 0 ||
	    !hex64(h->last_hash) || rd_line(rd, "created", h->created, sizeof(h->created)) < 0 ||
	    rd_byte(rd) != '\n') {
		snprintf(reason, len, "the archive's header is damaged");
		return -EBADMSG;
	}
	return 0;
}

/* The rows, walked as verify walks the store's. */
static int rd_rows(struct reader *rd, const struct isms_archive_info *h, int64_t want_row,
		   char want_hash[ISMS_HASH_HEX], char *reason, size_t len)
{
	struct evidence_walk w;
	char *v[EV_NFIELDS] = {NULL}, prev[ISMS_HASH_HEX], hash[ISMS_HASH_HEX], row1[17] = "";
	char *xv[4] = {NULL};
	size_t xlen[4];
	size_t flen[EV_NFIELDS];
	int r = 0;

	evidence_walk_init(&w, h->first - 1, h->prev);
	for (;;) {
		size_t n, plen, hlen;
		bool null;
		int64_t id;
		int c = rd_byte(rd);

		if (c == 'e') {
			if (rd_byte(rd) == 'n' && rd_byte(rd) == 'd' && rd_byte(rd) == '\n' &&
			    rd_byte(rd) == -ENODATA)
				break;
			r = -EBADMSG;
			goto bad;
		}
		if (c < 0) {
			r = -EBADMSG;
			goto bad;
		}
		rd->pos--; /* the first byte of the id field */
		r = rd_field(rd, &n, &null);
		if (r < 0 || null || num(rd->field, &id) < 0) {
			r = r == -ENOMEM ? r : -EBADMSG;
			goto bad;
		}
		for (int i = 0; i < EV_NFIELDS; i++) {
			r = rd_field(rd, &flen[i], &null);
			if (r < 0)
				goto bad;
			free(v[i]);
			v[i] = null ? NULL : malloc(flen[i] + 1);
			if (!null && !v[i]) {
				r = -ENOMEM;
				goto out;
			}
			if (v[i])
				memcpy(v[i], rd->field, flen[i] + 1);
		}
		r = rd_field(rd, &plen, &null);
		/* Empty in row format 3, whose row keeps no prev. */
		if (r < 0 || null || (plen != 64 && plen != 0))
			goto bad_r;
		memcpy(prev, rd->field, plen + 1);
		r = rd_field(rd, &hlen, &null);
		if (r < 0 || null || hlen != 64)
			goto bad_r;
		memcpy(hash, rd->field, ISMS_HASH_HEX);
		for (int i = 0; i < 4; i++) {
			r = rd_field(rd, &xlen[i], &null);
			if (r < 0)
				goto bad_r;
			free(xv[i]);
			/* A copy of all its bytes: a field may hold a NUL, and is compared by length. */
			xv[i] = null ? NULL : malloc(xlen[i] + 1);
			if (!null && !xv[i]) {
				r = -ENOMEM;
				goto out;
			}
			if (xv[i])
				memcpy(xv[i], rd->field, xlen[i] + 1);
		}
		if (rd_byte(rd) != '\n')
			goto bad_r;
		{
			struct evidence_ext x = {.salt = xv[1], .saltlen = xlen[1],
						 .subject_d = xv[2], .sdlen = xlen[2],
						 .details_d = xv[3], .ddlen = xlen[3]};

			if (xv[0] && (num(xv[0], &x.fmt) < 0 || x.fmt == 0))
				x.fmt = -1;
			if (!xv[0] && (xv[1] || xv[2] || xv[3]))
				x.fmt = -1;
			r = evidence_walk_row(&w, id, (const char *const *)v, flen, prev, plen, hash,
					      hlen, &x);
		}
		if (r == -EBADMSG) {
			snprintf(reason, len, "%s", w.reason);
			goto out;
		}
		if (r < 0)
			goto out;
		if (id == 1)
			snprintf(row1, sizeof(row1), "%.16s", hash);
		if (want_row == id)
			memcpy(want_hash, hash, ISMS_HASH_HEX);
	}
	if (w.rows != h->rows || w.expect_id - 1 != h->last ||
	    memcmp(w.expect_prev, h->last_hash, 64) != 0) {
		snprintf(reason, len,
			 "the archive holds %" PRId64 " rows up to row %" PRId64
			 " but says %" PRId64 " up to row %" PRId64 ": rows were removed or added",
			 w.rows, w.expect_id - 1, h->rows, h->last);
		r = -EBADMSG;
		goto out;
	}
	if (row1[0] && strcmp(strchr(h->store, ':') + 1, row1) != 0) {
		snprintf(reason, len, "the archive says it is of store %s but its row 1 is of store %s",
			 h->store, row1);
		r = -EBADMSG;
		goto out;
	}
	r = 0;
	goto out;
bad_r:
	r = r == -ENOMEM ? r : -EBADMSG;
bad:
	if (r == -ENOMEM)
		goto out;
	if (rd->damaged)
		snprintf(reason, len, "the archive's compressed data is damaged (%s)",
			 gzerror(rd->gz, NULL));
	else
		snprintf(reason, len,
			 "the archive is cut or damaged after row %" PRId64 " (a row is not well formed)",
			 w.expect_id - 1);
	r = -EBADMSG;
out:
	for (int i = 0; i < EV_NFIELDS; i++)
		free(v[i]);
	for (int i = 0; i < 4; i++)
		free(xv[i]);
	return r;
}

int isms_archive_check(const char *path, struct isms_archive_info *ret, int64_t want_row,
		       char want_hash[ISMS_HASH_HEX], char *reason, size_t len)
{
	struct isms_archive_info h = {0};
	struct reader *rd = calloc(1, sizeof(*rd));
	unsigned char magic[2];
	int fd, r;

	reason[0] = '\0';
	if (!rd)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		free(rd);
		return r;
	}
	/* gzip only: zlib reads other files through unchanged */
	if (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		close(fd);
		free(rd);
		snprintf(reason, len, "not an evidence archive (not a gzip file)");
		return -EBADMSG;
	}
	rd->gz = gzdopen(fd, "rb");
	if (!rd->gz) {
		close(fd);
		free(rd);
		return -ENOMEM;
	}
	r = rd_header(rd, &h, reason, len);
	if (r < 0 && rd->damaged)
		snprintf(reason, len, "the archive's compressed data is damaged (%s)",
			 gzerror(rd->gz, NULL));
	if (r >= 0)
		r = rd_rows(rd, &h, want_row, want_hash, reason, len);
	gzclose(rd->gz);
	free(rd->field);
	free(rd);
	if (r >= 0)
		*ret = h;
	return r;
}
