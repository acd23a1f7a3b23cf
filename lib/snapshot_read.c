/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the facts snapshot (format in isms/snapshot.h).  Everything is
 * checked once, when the file is read: offsets, counts, order, checksum.
 * Lookups then index only what was checked.  No SQLite here: this is the
 * login path.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "isms/catalogue.h"
#include "isms/date.h"
#include "isms/facts.h"
#include "isms/snapshot.h"
#include "isms/strutil.h"
#include "isms/trust.h"
#include "snapshot_internal.h"

struct str {
	const unsigned char *p;
	uint32_t len;
};

struct isms_snapshot {
	unsigned char *buf;
	size_t len;
	struct isms_snapshot_info info;
	const unsigned char *assets, *users, *acks, *reviews, *strings;
	uint32_t nacks, nreviews, nstrings;
};

void isms_facts_unknown(struct isms_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->store_ok = false;
	f->person_known = f->person_active = f->asset_locked = ISMS_FACT_UNKNOWN;
	f->last_review_days = -1;
}

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t u64(const unsigned char *p)
{
	return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
}

int isms_snap_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* A str at @p, checked against the string table; false if out of bounds. */
static bool get_str(const struct isms_snapshot *sn, const unsigned char *p, struct str *ret)
{
	uint32_t off = u32(p), len = u32(p + 4);

	if (off > sn->nstrings || len > sn->nstrings - off)
		return false;
	ret->p = sn->strings + off;
	ret->len = len;
	return true;
}

static int bad(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "snapshot %s", what);
	return -EBADMSG;
}

/* Entries of @size bytes at @base, each starting with a str, strictly ascending. */
static bool sorted(const struct isms_snapshot *sn, const unsigned char *base, uint32_t n,
		   size_t size)
{
	struct str prev = {0}, cur;

	for (uint32_t i = 0; i < n; i++) {
		if (!get_str(sn, base + (size_t)i * size, &cur))
			return false;
		if (i && isms_snap_cmp(prev.p, prev.len, cur.p, cur.len) >= 0)
			return false;
		prev = cur;
	}
	return true;
}

static int check(struct isms_snapshot *sn, char *err, size_t errlen)
{
	const unsigned char *h = sn->buf;
	uint64_t need;
	uint32_t crc;

	if (sn->len < ISMS_SNAP_HEADER || memcmp(h, ISMS_SNAP_MAGIC, 8) != 0)
		return bad(err, errlen, "is truncated or not a facts snapshot");
	if (u32(h + 8) != ISMS_SNAPSHOT_VERSION) {
		if (err && errlen)
			snprintf(err, errlen, "snapshot format version %u, this build reads %u",
				 u32(h + 8), ISMS_SNAPSHOT_VERSION);
		return -EPROTO;
	}
	if (u32(h + 12) != ISMS_SNAP_HEADER)
		return bad(err, errlen, "header has the wrong size");
	sn->info.generation = u64(h + 16);
	sn->info.created = (int64_t)u64(h + 24);
	memcpy(sn->info.store_id, h + 32, 16);
	sn->info.users = u32(h + 48);
	sn->info.assets = u32(h + 52);
	sn->nacks = u32(h + 56);
	sn->nreviews = u32(h + 60);
	sn->nstrings = u32(h + 64);
	sn->info.bytes = sn->len;
	/* 64-bit sums of 32-bit counts cannot overflow. */
	need = (uint64_t)ISMS_SNAP_HEADER + (uint64_t)sn->info.assets * ISMS_SNAP_ASSET +
	       (uint64_t)sn->info.users * ISMS_SNAP_USER + (uint64_t)sn->nacks * ISMS_SNAP_ACK +
	       (uint64_t)sn->nreviews * ISMS_SNAP_REVIEW + sn->nstrings;
	if (need != sn->len)
		return bad(err, errlen, "sizes do not add up to the file's");
	crc = isms_crc32c(0, h, 68);
	crc = isms_crc32c(crc, h + ISMS_SNAP_HEADER, sn->len - ISMS_SNAP_HEADER);
	if (crc != u32(h + 68))
		return bad(err, errlen, "checksum does not match");
	sn->assets = h + ISMS_SNAP_HEADER;
	sn->users = sn->assets + (size_t)sn->info.assets * ISMS_SNAP_ASSET;
	sn->acks = sn->users + (size_t)sn->info.users * ISMS_SNAP_USER;
	sn->reviews = sn->acks + (size_t)sn->nacks * ISMS_SNAP_ACK;
	sn->strings = sn->reviews + (size_t)sn->nreviews * ISMS_SNAP_REVIEW;

	if (!sorted(sn, sn->assets, sn->info.assets, ISMS_SNAP_ASSET) ||
	    !sorted(sn, sn->users, sn->info.users, ISMS_SNAP_USER))
		return bad(err, errlen, "names are out of bounds or out of order");
	for (uint32_t i = 0; i < sn->info.users; i++) {
		const unsigned char *u = sn->users + (size_t)i * ISMS_SNAP_USER;
		uint32_t a0 = u32(u + 16), na = u32(u + 20), r0 = u32(u + 24), nr = u32(u + 28);
		struct str until;

		if (u32(u + 8) != ISMS_SNAP_NULL && !get_str(sn, u + 8, &until))
			return bad(err, errlen, "active_until is out of bounds");
		if (a0 > sn->nacks || na > sn->nacks - a0 || r0 > sn->nreviews ||
		    nr > sn->nreviews - r0)
			return bad(err, errlen, "a user's records are out of bounds");
		if (!sorted(sn, sn->acks + (size_t)a0 * ISMS_SNAP_ACK, na, ISMS_SNAP_ACK) ||
		    !sorted(sn, sn->reviews + (size_t)r0 * ISMS_SNAP_REVIEW, nr, ISMS_SNAP_REVIEW))
			return bad(err, errlen, "a user's records are out of bounds or order");
	}
	return 0;
}

static int take(unsigned char *buf, size_t len, struct isms_snapshot **ret, char *err,
		size_t errlen)
{
	struct isms_snapshot *sn = calloc(1, sizeof(*sn));
	int r;

	if (!sn) {
		free(buf);
		return -ENOMEM;
	}
	sn->buf = buf;
	sn->len = len;
	r = check(sn, err, errlen);
	if (r < 0) {
		isms_snapshot_free(sn);
		return r;
	}
	*ret = sn;
	return 0;
}

int isms_snapshot_parse(const void *buf, size_t len, struct isms_snapshot **ret, char *err,
			size_t errlen)
{
	unsigned char *copy;

	if (len > ISMS_SNAPSHOT_MAX_BYTES)
		return -EFBIG;
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, buf, len);
	return take(copy, len, ret, err, errlen);
}

int isms_snapshot_read(const char *path, uid_t uid, struct isms_snapshot **ret, char *err,
		       size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int r = isms_trust_read(path, uid, ISMS_SNAPSHOT_MAX_BYTES, &buf, &len, err, errlen);

	if (r < 0)
		return r;
	return take((unsigned char *)buf, len, ret, err, errlen);
}

struct isms_snapshot *isms_snapshot_free(struct isms_snapshot *sn)
{
	if (sn) {
		free(sn->buf);
		free(sn);
	}
	return NULL;
}

void isms_snapshot_info(const struct isms_snapshot *sn, struct isms_snapshot_info *ret)
{
	*ret = sn->info;
}

int isms_snapshot_fresh(const struct isms_snapshot *sn, time_t now, long max_age)
{
	if (sn->info.created > (int64_t)now + 300 || (int64_t)now - sn->info.created > max_age)
		return -ESTALE;
	return 0;
}

/* The entry of @n of @size bytes at @base whose name is @key, or NULL. */
static const unsigned char *find(const struct isms_snapshot *sn, const unsigned char *base,
				 uint32_t n, size_t size, const char *key)
{
	size_t klen = strlen(key), lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const unsigned char *e = base + mid * size;
		struct str name;
		int c;

		if (!get_str(sn, e, &name)) /* checked when read: cannot happen */
			return NULL;
		c = isms_snap_cmp((const unsigned char *)key, klen, name.p, name.len);
		if (c == 0)
			return e;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int isms_snapshot_facts(const struct isms_snapshot *sn, const struct isms_policy *p,
			const char *user, time_t now, struct isms_facts *f,
			struct isms_ack_fact *acks, size_t nacks)
{
	const char *const *docs = isms_policy_documents(p);
	const unsigned char *u, *a;
	char today[32];
	size_t n;

	isms_facts_unknown(f);
	for (n = 0; docs[n]; n++)
		if (n >= nacks)
			return -E2BIG;
	isms_date_format(now, today, sizeof(today));
	today[10] = '\0';

	u = find(sn, sn->users, sn->info.users, ISMS_SNAP_USER, user);
	f->person_known = u ? ISMS_FACT_YES : ISMS_FACT_NO;
	f->person_active = ISMS_FACT_NO;
	if (u) {
		struct str until;

		/* active_until >= today, compared as text, as the store does. */
		if (u32(u + 8) == ISMS_SNAP_NULL || !get_str(sn, u + 8, &until) ||
		    isms_snap_cmp(until.p, until.len, (const unsigned char *)today, 10) >= 0)
			f->person_active = ISMS_FACT_YES;
	}

	a = find(sn, sn->assets, sn->info.assets, ISMS_SNAP_ASSET, isms_policy_asset(p));
	if (a)
		f->asset_locked = u32(a + 8) ? ISMS_FACT_YES : ISMS_FACT_NO;

	for (size_t i = 0; i < n; i++) {
		acks[i].document = docs[i];
		acks[i].acknowledged =
			u && find(sn, sn->acks + (size_t)u32(u + 16) * ISMS_SNAP_ACK, u32(u + 20),
				  ISMS_SNAP_ACK, docs[i]) ?
				ISMS_FACT_YES :
				ISMS_FACT_NO;
	}
	f->acks = acks;
	f->nacks = n;

	if (u && isms_policy_needs_review(p)) {
		const unsigned char *rv =
			find(sn, sn->reviews + (size_t)u32(u + 24) * ISMS_SNAP_REVIEW, u32(u + 28),
			     ISMS_SNAP_REVIEW, isms_policy_asset(p));

		if (rv && (int64_t)u64(rv + 8) != INT64_MIN) {
			/* CAST(julianday(today) - julianday(done) AS INTEGER): toward zero. */
			int64_t today_ms = ((int64_t)now - ((int64_t)now % 86400)) * 1000;
			int64_t done = (int64_t)u64(rv + 8), days;

			if ((done > 0 && today_ms < INT64_MIN + done) ||
			    (done < 0 && today_ms > INT64_MAX + done))
				days = -1;
			else
				days = (today_ms - done) / 86400000;
			f->last_review_days = days < 0 ? -1 : days;
		}
	}
	f->store_ok = true;
	return 0;
}

int isms_snapshot_path(const char *store, const char *suffix, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s", store, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
