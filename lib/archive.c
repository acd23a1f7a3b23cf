/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Archives: the oldest rows of the chain moved out of the store into a file
 * (archive_file.c), the store keeping the link (the archive boundary: the
 * last archived row and its hash, where its first remaining row's prev
 * points).  The file is complete, synced and in place before any row
 * leaves; the rows then leave in one transaction that also records the
 * archive in the chain.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "archive_internal.h"
#include "isms/date.h"
#include "isms/sha256.h"
#include "isms/strutil.h"

struct period {
	char *pattern;
	int64_t days;
};

struct periods {
	struct period *v;
	size_t n;
};

static int add_period(const char *pattern, int64_t days, void *ud)
{
	struct periods *ps = ud;
	struct period *v = realloc(ps->v, (ps->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	ps->v = v;
	v[ps->n].pattern = strdup(pattern);
	v[ps->n].days = days;
	if (!v[ps->n].pattern)
		return -ENOMEM;
	ps->n++;
	return 0;
}

/* The period of @kind: the longest matching pattern's (the most specific), -1 for none. */
static int64_t period_of(const struct periods *ps, const char *kind)
{
	size_t best = 0;
	int64_t days = -1;

	for (size_t i = 0; i < ps->n; i++) {
		size_t n = strlen(ps->v[i].pattern);

		if (n >= best && fnmatch(ps->v[i].pattern, kind, 0) == 0) {
			best = n;
			days = ps->v[i].days;
		}
	}
	return days;
}

static void periods_release(struct periods *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].pattern);
	free(ps->v);
}

/*
 * The last row of the leading run old enough to leave, into *@ret_last
 * (@after when none), with its hash.
 */
static int archivable(struct isms_store *s, int64_t after, int64_t before,
		      const struct periods *ps, int64_t *ret_last, char hash[ISMS_HASH_HEX])
{
	sqlite3_stmt *st = NULL;
	int64_t now = (int64_t)time(NULL), last = after;
	int r = store_prepare(s, "SELECT pk, ts, kind, hash FROM evidence WHERE pk > ?1 ORDER BY pk",
			      &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, after) != SQLITE_OK)
		r = -EIO;
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		const char *ts = (const char *)sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		int64_t t, cutoff = before;

		if (!ts || !kind || isms_date_parse(ts, &t, NULL) < 0)
			break;
		if (before < 0) {
			int64_t days = period_of(ps, kind);

			if (days < 0)
				break;
			cutoff = now - days * 86400;
		}
		if (t >= cutoff)
			break;
		last = sqlite3_column_int64(st, 0);
		snprintf(hash, ISMS_HASH_HEX, "%s", (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	*ret_last = last;
	return 0;
}

/* Write rows (@h->first-1, @h->last] into @tmp, walking them as verify does. */
static int write_rows(struct isms_store *s, const char *tmp, const struct isms_archive_info *h)
{
	struct archive_writer a;
	struct evidence_walk w;
	struct evidence_reader rd;
	struct evidence_row row;
	int r = archive_write_open(&a, tmp, h);

	if (r < 0)
		return store_seterr(s, r, "cannot create '%s': %s", tmp, strerror(-r));
	evidence_walk_init(&w, h->first - 1, h->prev);
	/* Format-3 rows go out with their details from their batch, as text. */
	r = evidence_reader_open(&rd, s, NULL, h->first - 1, h->last);
	while (r >= 0 && (r = evidence_reader_next(&rd, &row)) == 1) {
		r = evidence_walk_row(&w, row.id, row.v, row.len, row.prev, row.prevlen, row.hash,
				      row.hashlen, &row.x);
		if (r == -EBADMSG)
			r = store_seterr(s, r, "nothing archived: %s", w.reason);
		if (r >= 0)
			r = archive_write_row(&a, row.id, row.v, row.len, row.prev, row.hash, &row.x);
	}
	if (r == -EBADMSG && rd.reason[0])
		r = store_seterr(s, r, "nothing archived: %s", rd.reason);
	evidence_reader_close(&rd);
	if (r >= 0 && w.rows != h->rows)
		r = store_seterr(s, -EBADMSG, "nothing archived: rows changed while archiving");
	if (archive_write_close(&a, r >= 0) < 0 && r >= 0)
		r = store_seterr(s, -EIO, "cannot write '%s'", tmp);
	if (r < 0)
		unlink(tmp);
	return r;
}

static int file_sha256(const char *path, char out[ISMS_HASH_HEX])
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0 || !ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		r = fd < 0 ? -errno : -EIO;
	while (r >= 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 || EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			r = -EIO;
	}
	if (r >= 0 && (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32))
		r = -EIO;
	if (r >= 0)
		isms_sha256_hex_digest(md, out);
	else
		out[0] = '\0';
	EVP_MD_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	return r;
}

static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, r = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

/* The boundary moves, the rows go, the chain records it: one transaction. */
static int prune(struct isms_store *s, const struct isms_archive_result *res, const char *path)
{
	const struct isms_archive_info *h = &res->info;
	char details[1024], bhash[ISMS_HASH_HEX], *abs = realpath(path, NULL);
	struct isms_evidence ev = {.source = s->schema->tool, .kind = "evidence.archived",
				   .control = "8.15", .outcome = "archived"};
	sqlite3_stmt *st = NULL;
	int64_t bpk;
	int r = isms_store_begin(s);

	if (r < 0)
		goto out;
	r = evidence_read_boundary(s, &bpk, bhash, NULL);
	if (r >= 0 && (bpk != h->first - 1 || strcmp(bhash, h->prev) != 0))
		r = store_seterr(s, -EAGAIN, "another archive run moved the boundary; nothing removed");
	if (r >= 0)
		r = store_prepare(s,
				  "UPDATE evidence_archive SET last_pk = ?1, last_hash = ?2,"
				  " store_id = CASE store_id WHEN '' THEN ?3 ELSE store_id END,"
				  " archives = archives + 1 WHERE one = 1",
				  &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, h->last) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_bind_text(s, st, 2, h->last_hash);
	if (r >= 0)
		r = store_bind_text(s, st, 3, strchr(h->store, ':') + 1);
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	st = NULL;
	if (r >= 0)
		r = store_prepare(s, "DELETE FROM evidence WHERE pk <= ?1", &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, h->last) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	/* The details batches whose rows all went; one that straddles the
	 * boundary stays for the rows after it. */
	if (st) {
		sqlite3_finalize(st);
		st = NULL;
	}
	if (r >= 0)
		r = store_prepare(s, "DELETE FROM evidence_raw WHERE pk + n - 1 <= ?1", &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, h->last) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	st = NULL;
	/* The tags of the blocks that are gone entirely (a block's tags only
	 * guide a read, so a block cut in two keeps them). */
	if (r >= 0)
		r = store_prepare(s, "DELETE FROM evidence_tag WHERE block < ((?1 + 1) >> 6)", &st);
	if (r >= 0 && sqlite3_bind_int64(st, 1, h->last) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_done(s, st);
	sqlite3_finalize(st);
	if (r >= 0) {
		snprintf(details, sizeof(details),
			 "{\"first\":%" PRId64 ",\"last\":%" PRId64 ",\"rows\":%" PRId64
			 ",\"prev\":\"%s\",\"last_hash\":\"%s\",\"sha256\":\"%s\",\"format\":%d}",
			 h->first, h->last, h->rows, h->prev, h->last_hash, res->sha256, h->format);
		ev.details = details;
		/* The file's name is the operator's, not evidence: kept as the asset when printable. */
		ev.asset = abs && isms_text_ok(abs) && strlen(abs) < 256 ? abs : NULL;
		r = isms_evidence_append(s, &ev, NULL);
	}
	if (r < 0) {
		isms_store_rollback(s);
		goto out;
	}
	r = isms_store_commit(s);
out:
	free(abs);
	return r;
}

int isms_archive_create(struct isms_store *s, int64_t before, const char *path,
			struct isms_archive_result *ret)
{
	struct isms_archive_result res = {0};
	struct isms_archive_info *h = &res.info, have;
	struct isms_verify_result vr;
	struct periods ps = {0};
	char tmp[4096], reason[256];
	int64_t bpk, last;
	int r;

	r = store_check_writable(s);
	if (r < 0)
		return r;
	r = isms_evidence_verify(s, &vr);
	if (r == -EBADMSG)
		return store_seterr(s, r, "the evidence chain does not verify, nothing archived: %s",
				    vr.reason);
	if (r < 0)
		return r;
	if (before < 0 && (r = isms_retention_list(s, add_period, &ps)) < 0)
		goto out;
	r = evidence_read_boundary(s, &bpk, h->prev, NULL);
	if (r >= 0)
		r = archivable(s, bpk, before, &ps, &last, h->last_hash);
	if (r < 0)
		goto out;
	h->format = ISMS_ARCHIVE_FORMAT;
	h->first = bpk + 1;
	h->last = last;
	h->rows = last - bpk;
	if (h->rows == 0) {
		*ret = res;
		goto out;
	}
	r = evidence_store_id(s, h->store, sizeof(h->store));
	if (r < 0)
		goto out;
	isms_date_format(time(NULL), h->created, sizeof(h->created));
	/* A file already there: the archive of a run that did not finish, or another. */
	r = isms_archive_check(path, &have, 0, NULL, reason, sizeof(reason));
	if (r == 0 && strcmp(have.store, h->store) == 0 && have.first == h->first &&
	    have.last == h->last && strcmp(have.last_hash, h->last_hash) == 0) {
		res.completed = true;
		memcpy(h->created, have.created, sizeof(h->created));
	} else if (r != -ENOENT) {
		r = store_seterr(s, -EEXIST,
				 "'%s' exists and is not the archive of rows %" PRId64 " to %" PRId64
				 ": nothing archived",
				 path, h->first, h->last);
		goto out;
	} else {
		if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
			r = store_seterr(s, -ENAMETOOLONG, "archive path too long");
			goto out;
		}
		unlink(tmp); /* a temporary file of a run that died while writing */
		r = write_rows(s, tmp, h);
		if (r < 0)
			goto out;
		/* Read back before anything leaves the store. */
		r = isms_archive_check(tmp, &have, 0, NULL, reason, sizeof(reason));
		if (r < 0) {
			unlink(tmp);
			r = store_seterr(s, r == -EBADMSG ? -EIO : r,
					 "the archive written does not read back: %s", reason);
			goto out;
		}
		if (rename(tmp, path) < 0) {
			r = -errno;
			unlink(tmp);
			store_seterr(s, r, "cannot rename '%s' to '%s': %s", tmp, path, strerror(-r));
			goto out;
		}
		r = sync_dir(path);
		if (r < 0) {
			store_seterr(s, r, "cannot sync the directory of '%s': %s", path, strerror(-r));
			goto out;
		}
	}
	r = file_sha256(path, res.sha256);
	if (r < 0)
		goto out;
	r = prune(s, &res, path);
	if (r >= 0)
		*ret = res;
out:
	periods_release(&ps);
	return r;
}
