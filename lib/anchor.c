/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Anchors: the chain's head written down outside the store.  Whoever can
 * rewrite the store can rewrite the whole chain consistently (the plain hash
 * needs no secret); an anchor kept elsewhere (the kernel audit trail,
 * syslog, paper) is what the rewritten chain no longer matches.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive_internal.h"
#include "isms/date.h"
#include "isms/strutil.h"

#define MARK "isms-anchor v1 "
#define ANCHOR_KIND_MAX 16

/* The longest line the reader accepts fits the buffer the writer is given. */
_Static_assert(sizeof(MARK) - 1 + sizeof("store=") - 1 + ANCHOR_KIND_MAX + 1 + 16 +
			       sizeof(" row=") - 1 + 19 + sizeof(" hash=") - 1 + 64 +
			       sizeof(" time=") - 1 + sizeof(((struct isms_anchor *)0)->time) - 1 <
		       ISMS_ANCHOR_MAX,
	       "ISMS_ANCHOR_MAX holds every anchor line");

/* The hash of row @row, copied whole into @hash; 1, 0 when there is no such row, -errno. */
static int row_hash(struct isms_store *s, int64_t row, char hash[ISMS_HASH_HEX])
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT hash FROM evidence WHERE pk = ?1", &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, row) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1) {
		const char *h = (const char *)sqlite3_column_text(st, 0);

		if (h && sqlite3_column_bytes(st, 0) == ISMS_HASH_HEX - 1)
			memcpy(hash, h, ISMS_HASH_HEX);
		else
			hash[0] = '\0'; /* not a hash: matches nothing */
	}
	sqlite3_finalize(st);
	return r;
}

int evidence_store_id(struct isms_store *s, char *buf, size_t len)
{
	char h[ISMS_HASH_HEX], bh[ISMS_HASH_HEX], kept[17];
	int64_t bpk;
	int r = row_hash(s, 1, h);

	if (r < 0)
		return r;
	if (r == 0 || !h[0]) {
		/* Row 1 archived: the id the boundary kept from it. */
		r = evidence_read_boundary(s, &bpk, bh, kept);
		if (r < 0)
			return r;
		if (bpk > 0 && kept[0])
			memcpy(h, kept, sizeof(kept));
		else
			memcpy(h, EVIDENCE_GENESIS, sizeof(h));
	}
	snprintf(buf, len, "%s:%.16s", s->schema->name, h);
	return 0;
}

#define store_id evidence_store_id

int isms_anchor_take(struct isms_store *s, struct isms_anchor *ret)
{
	struct isms_anchor a = {0};
	int r = evidence_read_head(s, &a.row, a.hash);

	if (r < 0)
		return r;
	if (!a.hash[0])
		return store_seterr(s, -ENOTRECOVERABLE, "the evidence head record is damaged");
	/* The head must name a row that has its hash: never anchor a broken head. */
	if (a.row > 0) {
		char h[ISMS_HASH_HEX];

		r = row_hash(s, a.row, h);
		if (r == 0) {
			/* Every row archived: the head is the boundary's row. */
			int64_t bpk;

			r = evidence_read_boundary(s, &bpk, h, NULL);
			if (r >= 0)
				r = bpk == a.row;
		}
		if (r < 0)
			return r;
		if (r == 0 || strcmp(h, a.hash) != 0)
			return store_seterr(s, -ENOTRECOVERABLE,
					    "the evidence head names row %" PRId64
					    " but that row does not have its hash",
					    a.row);
	}
	r = store_id(s, a.store, sizeof(a.store));
	if (r < 0)
		return r;
	isms_date_format(time(NULL), a.time, sizeof(a.time));
	*ret = a;
	return 0;
}

void isms_anchor_format(const struct isms_anchor *a, char *buf, size_t len)
{
	snprintf(buf, len, MARK "store=%s row=%" PRId64 " hash=%s time=%s", a->store, a->row,
		 a->hash, a->time);
}

/* "name=" at @p, then the value up to a space, quote or end: its length into *ret_n. */
static const char *field(const char *p, const char *name, size_t max, size_t *ret_n)
{
	size_t k = strlen(name), n;

	if (strncmp(p, name, k) != 0)
		return NULL;
	p += k;
	n = strcspn(p, " '\"\t\n\r");
	if (n == 0 || n >= max)
		return NULL;
	*ret_n = n;
	return p;
}

static bool hex_only(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

int isms_anchor_parse(const char *line, struct isms_anchor *ret)
{
	struct isms_anchor a = {0};
	const char *p = strstr(line, MARK), *v, *colon;
	char num[24];
	size_t n;
	int64_t t;

	if (!p)
		return -ENOENT;
	p += strlen(MARK);
	/* store=KIND:ID */
	v = field(p, "store=", sizeof(a.store), &n);
	if (!v || v[n] != ' ' || !(colon = memchr(v, ':', n)) || colon == v ||
	    (size_t)(v + n - colon - 1) != 16 || !hex_only(colon + 1, 16))
		return -EINVAL;
	/* Kinds are short words ("isms", "dpms"): a longer one is no anchor of ours,
	 * and bounds the line isms_anchor_format() writes. */
	if (colon - v > ANCHOR_KIND_MAX)
		return -EINVAL;
	for (const char *q = v; q < colon; q++)
		if (!(*q >= 'a' && *q <= 'z'))
			return -EINVAL;
	memcpy(a.store, v, n);
	p = v + n + 1;
	/* row=N */
	v = field(p, "row=", sizeof(num), &n);
	/* Written as %PRId64: no sign, no leading zeros. */
	if (!v || v[n] != ' ' || v[0] == '-' || v[0] == '+' || (v[0] == '0' && n > 1))
		return -EINVAL;
	memcpy(num, v, n);
	num[n] = '\0';
	if (isms_parse_int64(num, &a.row) < 0 || a.row < 0)
		return -EINVAL;
	p = v + n + 1;
	/* hash=HEX64 */
	v = field(p, "hash=", sizeof(a.hash), &n);
	if (!v || n != 64 || v[n] != ' ' || !hex_only(v, 64))
		return -EINVAL;
	memcpy(a.hash, v, 64);
	p = v + n + 1;
	/* time=ISO */
	v = field(p, "time=", sizeof(a.time), &n);
	if (!v)
		return -EINVAL;
	memcpy(a.time, v, n);
	if (isms_date_parse(a.time, &t, NULL) < 0)
		return -EINVAL;
	*ret = a;
	return 0;
}

int isms_anchor_check(struct isms_store *s, const struct isms_anchor *a, char *reason, size_t len)
{
	size_t kind = strcspn(a->store, ":");
	char h[ISMS_HASH_HEX], id[40];
	int r;

	if (strlen(s->schema->name) != kind || strncmp(a->store, s->schema->name, kind) != 0) {
		snprintf(reason, len, "the anchor is for a %.*s store, this is a %s store",
			 (int)kind, a->store, s->schema->name);
		return -EBADMSG;
	}
	if (a->row == 0) {
		if (strcmp(a->hash, EVIDENCE_GENESIS) != 0) {
			snprintf(reason, len, "the anchor of row 0 has a hash other than the genesis");
			return -EBADMSG;
		}
		return 0;
	}
	r = row_hash(s, a->row, h);
	if (r < 0)
		return r;
	if (r == 0) {
		char bh[ISMS_HASH_HEX];
		int64_t bpk;

		r = evidence_read_boundary(s, &bpk, bh, NULL);
		if (r < 0)
			return r;
		if (a->row == bpk && strcmp(bh, a->hash) != 0) {
			snprintf(reason, len,
				 "row %" PRId64 " (archived) does not have the hash anchored %s:"
				 " the chain was rewritten", a->row, a->time);
			return -EBADMSG;
		}
		if (a->row <= bpk) {
			snprintf(reason, len,
				 "row %" PRId64 " of the anchor taken %s is archived: give its archive"
				 " (--archive)", a->row, a->time);
			return 1;
		}
		snprintf(reason, len,
			 "row %" PRId64 " of the anchor taken %s is missing: the chain was cut", a->row,
			 a->time);
		return -EBADMSG;
	}
	if (strcmp(h, a->hash) != 0) {
		snprintf(reason, len,
			 "row %" PRId64 " does not have the hash anchored %s: the chain was rewritten",
			 a->row, a->time);
		return -EBADMSG;
	}
	r = store_id(s, id, sizeof(id));
	if (r < 0)
		return r;
	if (strcmp(id, a->store) != 0) {
		snprintf(reason, len,
			 "the anchor names store %s, this store is %s: another store, or row 1 was"
			 " rewritten",
			 a->store, id);
		return -EBADMSG;
	}
	return 0;
}
