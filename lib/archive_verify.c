/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Archives and the store as one chain: each archive alone, then their joints. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_internal.h"

struct one {
	const char *path;
	struct isms_archive_info h;
};

static int by_first(const void *a, const void *b)
{
	const struct one *x = a, *y = b;

	return x->h.first < y->h.first ? -1 : x->h.first > y->h.first;
}

/* The hash of row @pk in the store: 1, 0 when not there, -errno. */
static int store_row_hash(struct isms_store *s, int64_t pk, char hash[ISMS_HASH_HEX])
{
	sqlite3_stmt *st = NULL;
	int r = store_prepare(s, "SELECT hash FROM evidence WHERE pk = ?1", &st);

	if (r >= 0 && sqlite3_bind_int64(st, 1, pk) != SQLITE_OK)
		r = -EIO;
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 1)
		snprintf(hash, ISMS_HASH_HEX, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r;
}

/* Where the last archive meets the store's boundary and first rows. */
static int junction(struct isms_store *s, const struct one *a, struct isms_archive_set *ret,
		    char *reason, size_t len)
{
	char bhash[ISMS_HASH_HEX], id[40], h[ISMS_HASH_HEX];
	int64_t bpk;
	int r = evidence_read_boundary(s, &bpk, bhash, NULL);

	if (r >= 0)
		r = evidence_store_id(s, id, sizeof(id));
	if (r < 0)
		return r;
	if (strcmp(id, a->h.store) != 0) {
		snprintf(reason, len, "archive '%.100s' is of store %s, this store is %s (another store)",
			 a->path, a->h.store, id);
		return -EBADMSG;
	}
	if (a->h.last == bpk) {
		if (strcmp(a->h.last_hash, bhash) != 0) {
			snprintf(reason, len,
				 "archive '%.100s' ends at row %" PRId64 " with another hash than the"
				 " store's archive boundary: it is not this chain's archive",
				 a->path, bpk);
			return -EBADMSG;
		}
		return 0;
	}
	if (a->h.last < bpk) {
		snprintf(reason, len,
			 "rows %" PRId64 " to %" PRId64 " are archived but in no archive given"
			 " (the last one given, '%.100s', ends at row %" PRId64 ")",
			 a->h.last + 1, bpk, a->path, a->h.last);
		return -EBADMSG;
	}
	/* Past the boundary: a run that wrote its file and died before pruning. */
	if (a->h.first > bpk + 1) {
		snprintf(reason, len,
			 "archive '%.100s' starts at row %" PRId64 " but the store's archived rows end"
			 " at row %" PRId64 ": rows in between are in no archive given",
			 a->path, a->h.first, bpk);
		return -EBADMSG;
	}
	r = store_row_hash(s, a->h.last, h);
	if (r < 0)
		return r;
	if (r == 0 || strcmp(h, a->h.last_hash) != 0) {
		snprintf(reason, len,
			 "archive '%.100s' holds rows up to %" PRId64 " that do not match the store's",
			 a->path, a->h.last);
		return -EBADMSG;
	}
	ret->unfinished = a->h.last;
	return 0;
}

int isms_archive_verify_set(struct isms_store *s, const char *const *paths, size_t n,
			    struct isms_archive_set *ret, char *reason, size_t len)
{
	struct one *v = calloc(n ? n : 1, sizeof(*v));
	char why[256];
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	reason[0] = '\0';
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].path = paths[i];
		r = isms_archive_check(paths[i], &v[i].h, 0, NULL, why, sizeof(why));
		if (r == -EBADMSG) {
			snprintf(reason, len, "archive '%.100s': %s", paths[i], why);
			goto out;
		}
		if (r < 0) {
			snprintf(reason, len, "cannot read archive '%.100s': %s", paths[i], strerror(-r));
			goto out;
		}
		ret->rows += v[i].h.rows;
	}
	qsort(v, n, sizeof(*v), by_first);
	for (size_t i = 0; i < n; i++) {
		const struct one *a = &v[i], *p = i ? &v[i - 1] : NULL;

		r = -EBADMSG;
		if (p && strcmp(a->h.store, p->h.store) != 0) {
			snprintf(reason, len, "archives '%.80s' and '%.80s' are of different stores (%s, %s)",
				 p->path, a->path, p->h.store, a->h.store);
			goto out;
		}
		if (p && a->h.first <= p->h.last) {
			snprintf(reason, len, "archives '%.80s' and '%.80s' overlap (rows %" PRId64 " to %" PRId64 ")",
				 p->path, a->path, a->h.first, p->h.last);
			goto out;
		}
		if (p && a->h.first > p->h.last + 1) {
			snprintf(reason, len,
				 "rows %" PRId64 " to %" PRId64 " are in no archive given (between '%.80s' and '%.80s')",
				 p->h.last + 1, a->h.first - 1, p->path, a->path);
			goto out;
		}
		if (p && strcmp(a->h.prev, p->h.last_hash) != 0) {
			snprintf(reason, len,
				 "archive '%.80s' does not chain to '%.80s' before it: one of them was"
				 " replaced or is of another chain",
				 a->path, p->path);
			goto out;
		}
		if (!p && a->h.first == 1 && strcmp(a->h.prev, EVIDENCE_GENESIS) != 0) {
			snprintf(reason, len, "archive '%.100s' starts at row 1 but not at the genesis", a->path);
			goto out;
		}
		r = 0;
	}
	if (n) {
		ret->first = v[0].h.first;
		ret->last = v[n - 1].h.last;
		if (ret->first > 1)
			snprintf(ret->note, sizeof(ret->note),
				 "rows 1 to %" PRId64 " are in no archive given: not checked", ret->first - 1);
	}
	if (s && n)
		r = junction(s, &v[n - 1], ret, reason, len);
out:
	free(v);
	return r;
}
