/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the facts snapshot (format in isms/snapshot.h) from the store.
 *
 * The per-user queries are isms_facts_load()'s own WHERE clauses, run once
 * per name the register knows, so that a lookup in the snapshot answers what
 * the store would have: the person row LIMIT 1 picks, the current versions
 * acknowledged, the latest passed access review per asset.  Only what
 * depends on the day (active_until against today, days since a review) is
 * left to the reader, which compares the same text and the same instants.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "isms/snapshot.h"
#include "replace_file.h"
#include "snapshot_internal.h"
#include "store_internal.h"

#define PERSON_IS_USER "(p.login = ?1 OR (p.login IS NULL AND p.name = ?1))"

struct blob {
	unsigned char *p;
	size_t len, cap;
};

struct item {          /* an asset, a user, an ack or a review */
	uint32_t off, len; /* the name in the string table */
	int64_t value;     /* locked_down; review ms */
	uint32_t until_off, until_len;
	struct item *sub[2]; /* a user's acks and reviews */
	size_t nsub[2], capsub[2];
	const struct blob *strings;
};

struct build {
	struct blob strings;
	struct item *assets, *users;
	size_t nassets, nusers, capassets, capusers, nacks, nreviews;
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? 2 * *cap : 16;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int put(struct blob *b, const void *p, size_t len)
{
	if (len > UINT32_MAX - b->len)
		return -EFBIG;
	while (b->len + len > b->cap) {
		size_t ncap = b->cap ? 2 * b->cap : 4096;
		unsigned char *np = realloc(b->p, ncap);

		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = ncap;
	}
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	return 0;
}

static int put_u32(struct blob *b, uint32_t v)
{
	unsigned char x[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};

	return put(b, x, 4);
}

static int put_u64(struct blob *b, uint64_t v)
{
	int r = put_u32(b, (uint32_t)v);

	return r < 0 ? r : put_u32(b, (uint32_t)(v >> 32));
}

/* Column @col of @st into the string table. */
static int put_col(struct build *bd, sqlite3_stmt *st, int col, uint32_t *ret_off,
		   uint32_t *ret_len)
{
	const void *t = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	*ret_off = (uint32_t)bd->strings.len;
	*ret_len = (uint32_t)n;
	return put(&bd->strings, t ? t : "", t ? n : 0);
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return isms_snap_cmp(x->strings->p + x->off, x->len, y->strings->p + y->off, y->len);
}

/* qsort() wants a base even for no elements. */
static void sort_items(struct item *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_item);
}

static void build_release(struct build *bd)
{
	for (size_t i = 0; i < bd->nusers; i++) {
		free(bd->users[i].sub[0]);
		free(bd->users[i].sub[1]);
	}
	free(bd->users);
	free(bd->assets);
	free(bd->strings.p);
}

static int bind_step(struct isms_store *s, sqlite3_stmt *st, const char *key)
{
	sqlite3_reset(st);
	return store_bind_text(s, st, 1, key);
}

/* A user's acks (@which 0) or reviews (1) from the rows of @st. */
static int read_subs(struct isms_store *s, struct build *bd, struct item *u, sqlite3_stmt *st,
		     int which)
{
	int r;

	while ((r = store_step_row(s, st)) == 1) {
		struct item *it;

		r = grow((void **)&u->sub[which], &u->capsub[which], u->nsub[which], sizeof(*it));
		if (r < 0)
			return r;
		it = &u->sub[which][u->nsub[which]++];
		memset(it, 0, sizeof(*it));
		it->strings = &bd->strings;
		r = put_col(bd, st, 0, &it->off, &it->len);
		if (r < 0)
			return r;
		it->value = which && sqlite3_column_type(st, 1) != SQLITE_NULL ?
				    sqlite3_column_int64(st, 1) :
				    INT64_MIN;
		which ? bd->nreviews++ : bd->nacks++;
	}
	return r;
}

static int read_users(struct isms_store *s, struct build *bd)
{
	sqlite3_stmt *keys = NULL, *person = NULL, *acks = NULL, *revs = NULL;
	int r;

	r = store_prepare(s, "SELECT login FROM person WHERE login IS NOT NULL"
			     " UNION SELECT name FROM person WHERE login IS NULL", &keys);
	if (r >= 0)
		r = store_prepare(s, "SELECT p.active_until FROM person p WHERE " PERSON_IS_USER
				     " LIMIT 1", &person);
	if (r >= 0)
		r = store_prepare(s, "SELECT DISTINCT d.name FROM acknowledgement a"
				     " JOIN document d ON d.pk = a.document AND d.version = a.version"
				     " JOIN person p ON p.pk = a.person WHERE " PERSON_IS_USER, &acks);
	/* Unix milliseconds of julianday(max(done)), so the reader's
	 * subtraction is the store's julianday(today) - julianday(max(done)). */
	if (r >= 0)
		r = store_prepare(s, "SELECT a.name, CAST(round((julianday(max(r.done)) - 2440587.5)"
				     " * 86400000.0) AS INTEGER)"
				     " FROM review r JOIN person p ON p.pk = r.person"
				     " JOIN asset a ON a.pk = r.asset"
				     " WHERE r.kind = 'access' AND r.done IS NOT NULL"
				     " AND coalesce(r.result, 'ok') <> 'failed'"
				     " AND " PERSON_IS_USER " GROUP BY a.name", &revs);
	while (r >= 0 && (r = store_step_row(s, keys)) == 1) {
		const char *key = (const char *)sqlite3_column_text(keys, 0);
		struct item *u;

		r = grow((void **)&bd->users, &bd->capusers, bd->nusers, sizeof(*u));
		if (r < 0)
			break;
		u = &bd->users[bd->nusers++];
		memset(u, 0, sizeof(*u));
		u->strings = &bd->strings;
		u->until_off = ISMS_SNAP_NULL;
		r = put_col(bd, keys, 0, &u->off, &u->len);
		if (r >= 0)
			r = bind_step(s, person, key);
		if (r >= 0)
			r = store_step_row(s, person);
		if (r == 1 && sqlite3_column_type(person, 0) != SQLITE_NULL)
			r = put_col(bd, person, 0, &u->until_off, &u->until_len);
		if (r >= 0)
			r = bind_step(s, acks, key);
		if (r >= 0)
			r = read_subs(s, bd, u, acks, 0);
		if (r >= 0)
			r = bind_step(s, revs, key);
		if (r >= 0)
			r = read_subs(s, bd, u, revs, 1);
	}
	sqlite3_finalize(keys);
	sqlite3_finalize(person);
	sqlite3_finalize(acks);
	sqlite3_finalize(revs);
	return r;
}

static int read_assets(struct isms_store *s, struct build *bd)
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT name, locked_down FROM asset", &st);

	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct item *a;

		r = grow((void **)&bd->assets, &bd->capassets, bd->nassets, sizeof(*a));
		if (r < 0)
			break;
		a = &bd->assets[bd->nassets++];
		memset(a, 0, sizeof(*a));
		a->strings = &bd->strings;
		a->value = sqlite3_column_int64(st, 1) != 0;
		r = put_col(bd, st, 0, &a->off, &a->len);
	}
	sqlite3_finalize(st);
	return r;
}

static int put_str(struct blob *b, uint32_t off, uint32_t len)
{
	int r = put_u32(b, off);

	return r < 0 ? r : put_u32(b, len);
}

/* The file's bytes from @bd, sorted. */
static int serialise(struct build *bd, uint64_t gen, int64_t created, const uint8_t id[16],
		     struct blob *out)
{
	uint32_t ack0 = 0, rev0 = 0, crc;
	int r = 0;

	if (bd->nusers > UINT32_MAX / 2 || bd->nassets > UINT32_MAX / 2 ||
	    bd->nacks > UINT32_MAX / 2 || bd->nreviews > UINT32_MAX / 2)
		return -EFBIG;
	sort_items(bd->assets, bd->nassets);
	sort_items(bd->users, bd->nusers);
	r = put(out, ISMS_SNAP_MAGIC, 8);
	r = r < 0 ? r : put_u32(out, ISMS_SNAPSHOT_VERSION);
	r = r < 0 ? r : put_u32(out, ISMS_SNAP_HEADER);
	r = r < 0 ? r : put_u64(out, gen);
	r = r < 0 ? r : put_u64(out, (uint64_t)created);
	r = r < 0 ? r : put(out, id, 16);
	r = r < 0 ? r : put_u32(out, (uint32_t)bd->nusers);
	r = r < 0 ? r : put_u32(out, (uint32_t)bd->nassets);
	r = r < 0 ? r : put_u32(out, (uint32_t)bd->nacks);
	r = r < 0 ? r : put_u32(out, (uint32_t)bd->nreviews);
	r = r < 0 ? r : put_u32(out, (uint32_t)bd->strings.len);
	r = r < 0 ? r : put_u32(out, 0); /* the checksum, below */
	for (size_t i = 0; r >= 0 && i < bd->nassets; i++) {
		r = put_str(out, bd->assets[i].off, bd->assets[i].len);
		r = r < 0 ? r : put_u32(out, (uint32_t)bd->assets[i].value);
	}
	for (size_t i = 0; r >= 0 && i < bd->nusers; i++) {
		struct item *u = &bd->users[i];

		sort_items(u->sub[0], u->nsub[0]);
		sort_items(u->sub[1], u->nsub[1]);
		r = put_str(out, u->off, u->len);
		r = r < 0 ? r : put_str(out, u->until_off, u->until_len);
		r = r < 0 ? r : put_u32(out, ack0);
		r = r < 0 ? r : put_u32(out, (uint32_t)u->nsub[0]);
		r = r < 0 ? r : put_u32(out, rev0);
		r = r < 0 ? r : put_u32(out, (uint32_t)u->nsub[1]);
		ack0 += (uint32_t)u->nsub[0];
		rev0 += (uint32_t)u->nsub[1];
	}
	for (size_t i = 0; r >= 0 && i < bd->nusers; i++)
		for (size_t k = 0; r >= 0 && k < bd->users[i].nsub[0]; k++)
			r = put_str(out, bd->users[i].sub[0][k].off, bd->users[i].sub[0][k].len);
	for (size_t i = 0; r >= 0 && i < bd->nusers; i++)
		for (size_t k = 0; r >= 0 && k < bd->users[i].nsub[1]; k++) {
			r = put_str(out, bd->users[i].sub[1][k].off, bd->users[i].sub[1][k].len);
			r = r < 0 ? r : put_u64(out, (uint64_t)bd->users[i].sub[1][k].value);
		}
	r = r < 0 ? r : put(out, bd->strings.p, bd->strings.len);
	if (r < 0)
		return r;
	crc = isms_crc32c(0, out->p, 68);
	crc = isms_crc32c(crc, out->p + ISMS_SNAP_HEADER, out->len - ISMS_SNAP_HEADER);
	for (int i = 0; i < 4; i++)
		out->p[68 + i] = (unsigned char)(crc >> (8 * i));
	return 0;
}

/* A random id for the store, kept in its settings; zeros for a read-only store without one. */
static void store_id(struct isms_store *s, uint8_t id[16])
{
	char *hex = NULL, buf[33];
	uint8_t rnd[16];

	memset(id, 0, 16);
	if (isms_setting_get(s, "snapshot.store_id", &hex) < 0) {
		if (isms_store_readonly(s) || getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return;
		for (int i = 0; i < 16; i++)
			snprintf(buf + 2 * i, 3, "%02x", rnd[i]);
		if (isms_setting_set(s, "snapshot.store_id", buf) < 0)
			return;
		hex = strdup(buf);
	}
	for (int i = 0; hex && i < 16 && strlen(hex) == 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &id[i]);
	free(hex);
}

/* The generation of the file at @path, 0 if none can be read. */
static uint64_t old_generation(const char *path)
{
	unsigned char h[ISMS_SNAP_HEADER];
	uint64_t g = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return 0;
	if (read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && memcmp(h, ISMS_SNAP_MAGIC, 8) == 0)
		for (int i = 7; i >= 0; i--)
			g = g << 8 | h[16 + i];
	close(fd);
	return g;
}

int isms_snapshot_write(struct isms_store *s, const char *path, struct isms_snapshot_info *ret_info)
{
	struct build bd = {0};
	struct blob out = {0};
	struct stat st;
	uint8_t id[16];
	char lock[4096];
	bool tx = false;
	mode_t mode = 0600;
	uint64_t gen;
	int64_t created = (int64_t)time(NULL);
	int lfd = -1, r;

	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
		return -ENAMETOOLONG;
	if (stat(s->path, &st) == 0)
		mode = (st.st_mode & 0644) | 0600;
	store_id(s, id);
	/* Read and rename under one lock: the last file renamed is the last state read. */
	lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return -errno;
	if (flock(lfd, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	if (s->txdepth == 0) {
		r = store_exec(s, "BEGIN");
		if (r < 0)
			goto out;
		tx = true;
	}
	r = read_assets(s, &bd);
	if (r >= 0)
		r = read_users(s, &bd);
	if (tx)
		store_exec(s, r < 0 ? "ROLLBACK" : "COMMIT");
	if (r < 0)
		goto out;
	gen = old_generation(path) + 1;
	r = serialise(&bd, gen, created, id, &out);
	if (r < 0)
		goto out;
	r = isms_replace_file(path, out.p, out.len, mode);
	if (r < 0)
		goto out;
	if (ret_info) {
		memset(ret_info, 0, sizeof(*ret_info));
		ret_info->generation = gen;
		ret_info->created = created;
		memcpy(ret_info->store_id, id, 16);
		ret_info->users = (uint32_t)bd.nusers;
		ret_info->assets = (uint32_t)bd.nassets;
		ret_info->bytes = out.len;
	}
out:
	if (lfd >= 0)
		close(lfd); /* releases the lock */
	free(out.p);
	build_release(&bd);
	return r;
}

long isms_snapshot_store_changes(struct isms_store *s)
{
	return (long)sqlite3_total_changes64(s->db);
}
