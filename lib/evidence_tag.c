/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Block tags of evidence rows: one entry per value per block, for lists by value. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_tag_internal.h"
#include "store_internal.h"

#define SEEN_MAX 64

struct evidence_tags {
	sqlite3_stmt *ins;
	int64_t block; /* whose tags @seen holds; -1: none */
	size_t n, used;
	struct {
		uint32_t hash;
		uint8_t field;
		uint16_t len;
		uint16_t off;
	} seen[SEEN_MAX];
	char arena[4096];
};

static const char *const tag_names[] = {
	[ISMS_TAG_KIND] = "kind",	  [ISMS_TAG_CONTROL] = "control", [ISMS_TAG_ASSET] = "asset",
	[ISMS_TAG_NODE] = "node",	  [ISMS_TAG_SUBJECT] = "subject",
};

_Static_assert(ISMS_EVIDENCE_TAG_SHIFT == 6, "ISMS_EVIDENCE_TAG_FILL computes pk >> 6");

int evidence_tag_field(const char *name)
{
	for (int f = ISMS_TAG_KIND; f <= ISMS_TAG_SUBJECT; f++)
		if (strcmp(name, tag_names[f]) == 0)
			return f;
	return 0;
}

static int prepare(struct isms_store *s, sqlite3_stmt **st)
{
	return store_prepare(s,
			     "INSERT INTO evidence_tag (field, value, block) VALUES (?1, ?2, ?3)"
			     " ON CONFLICT DO NOTHING",
			     st);
}

int evidence_tags_new(struct isms_store *s, struct evidence_tags **ret)
{
	struct evidence_tags *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->block = -1;
	r = prepare(s, &t->ins);
	if (r < 0) {
		free(t);
		return r;
	}
	*ret = t;
	return 0;
}

struct evidence_tags *evidence_tags_free(struct evidence_tags *t)
{
	if (t) {
		sqlite3_finalize(t->ins);
		free(t);
	}
	return NULL;
}

void evidence_tags_forget(struct evidence_tags *t)
{
	if (t) {
		t->block = -1;
		t->n = t->used = 0;
	}
}

static int put(struct isms_store *s, sqlite3_stmt *st, int field, const char *value, int64_t block)
{
	int r;

	sqlite3_reset(st);
	if (sqlite3_bind_int(st, 1, field) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, block) != SQLITE_OK)
		return -EIO;
	r = store_step_done(s, st);
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	return r;
}

/* Whether @t has written @field = @value for its block already; else notes it (if room). */
static bool seen(struct evidence_tags *t, int field, const char *value)
{
	size_t len = strlen(value);
	uint32_t h = 2166136261u ^ (uint32_t)field;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)value[i]) * 16777619u;
	/* A hash is only a shortcut: the text itself decides. */
	for (size_t i = 0; i < t->n; i++)
		if (t->seen[i].hash == h && t->seen[i].field == field && t->seen[i].len == len &&
		    memcmp(t->arena + t->seen[i].off, value, len) == 0)
			return true;
	if (t->n < SEEN_MAX && len <= sizeof(t->arena) - t->used) {
		t->seen[t->n].hash = h;
		t->seen[t->n].field = (uint8_t)field;
		t->seen[t->n].len = (uint16_t)len;
		t->seen[t->n].off = (uint16_t)t->used;
		memcpy(t->arena + t->used, value, len);
		t->used += len;
		t->n++;
	}
	return false;
}

int evidence_tags_add(struct isms_store *s, struct evidence_tags *t, int64_t pk,
		      const struct isms_evidence *ev)
{
	const char *v[] = {
		[ISMS_TAG_KIND] = ev->kind,   [ISMS_TAG_CONTROL] = ev->control,
		[ISMS_TAG_ASSET] = ev->asset, [ISMS_TAG_NODE] = ev->node,
		[ISMS_TAG_SUBJECT] = ev->subject,
	};
	int64_t block = pk >> ISMS_EVIDENCE_TAG_SHIFT;
	sqlite3_stmt *st = t ? t->ins : NULL;
	int r = 0;

	if (!t && (r = prepare(s, &st)) < 0)
		return r;
	if (t && t->block != block) {
		evidence_tags_forget(t);
		t->block = block;
	}
	for (int f = ISMS_TAG_KIND; f <= ISMS_TAG_SUBJECT && r >= 0; f++) {
		/* What @t did not keep (a full cache) is written again: the
		 * insert ignores a tag that is there, so the cache only saves work. */
		if (v[f] && !(t && seen(t, f, v[f])))
			r = put(s, st, f, v[f], block);
	}
	if (!t)
		sqlite3_finalize(st);
	else if (r < 0)
		evidence_tags_forget(t);
	return r;
}
