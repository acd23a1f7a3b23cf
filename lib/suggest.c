/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Did you mean": the nearest candidate by edit distance (isms/suggest.h). */
#include <string.h>

#include "isms/suggest.h"

static char fold(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c == '-' ? '_' : c;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t isms_edit_distance(const char *a, const char *b)
{
	/* Three rows of the dynamic programme: the one before last for swaps. */
	size_t rows[3][ISMS_SUGGEST_LEN_MAX + 1];
	size_t la = strlen(a), lb = strlen(b);
	size_t *pp = rows[0], *p = rows[1], *cur = rows[2];

	if (la > ISMS_SUGGEST_LEN_MAX || lb > ISMS_SUGGEST_LEN_MAX)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;

			cur[j] = min3(p[j] + 1, cur[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb];
}

void isms_suggest_init(struct isms_suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = (size_t)-1;
}

void isms_suggest_add(struct isms_suggest *s, const char *candidate)
{
	size_t d;

	if (!candidate)
		return;
	d = isms_edit_distance(s->word, candidate);
	if (d < s->dist) {
		s->dist = d;
		s->best = candidate;
	}
}

void isms_suggest_add_all(struct isms_suggest *s, const char *const *candidates)
{
	for (size_t i = 0; candidates && candidates[i]; i++)
		isms_suggest_add(s, candidates[i]);
}

const char *isms_suggest_best(const struct isms_suggest *s)
{
	size_t len = strlen(s->word);
	size_t max = len <= 3 ? 1 : len <= 7 ? 2 : 3;

	if (!s->best || s->dist > max || s->dist >= len)
		return NULL;
	return s->best;
}
