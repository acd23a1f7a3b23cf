/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_SUGGEST_H
#define ISMS_SUGGEST_H

#include <stddef.h>

/*
 * "Did you mean": the candidate nearest to a word that was not found, for
 * the messages about an unknown command, field or value.  Pure.
 *
 * The distance is the optimal string alignment distance (Levenshtein with
 * the swap of two neighbours as one edit, so "rsik" is one from "risk"),
 * ASCII case and '-' against '_' not counted.  A candidate is offered only
 * when it is near enough to be a typo: at most 1 edit for a word of up to
 * 3 bytes, 2 up to 7, 3 beyond, and fewer edits than the word has bytes.
 * Among equally near candidates the first one added wins.
 */

#define ISMS_SUGGEST_LEN_MAX 64 /* longer words and candidates are never compared */

struct isms_suggest {
	const char *word;
	const char *best; /* the nearest candidate so far, or NULL */
	size_t dist;
};

/* Edits between @a and @b, or (size_t)-1 when either is longer than ISMS_SUGGEST_LEN_MAX. */
size_t isms_edit_distance(const char *a, const char *b) __attribute__((nonnull));

void isms_suggest_init(struct isms_suggest *s, const char *word) __attribute__((nonnull));
/* Consider @candidate (NULL is ignored). */
void isms_suggest_add(struct isms_suggest *s, const char *candidate) __attribute__((nonnull(1)));
/* Consider each of the NULL-terminated @candidates. */
void isms_suggest_add_all(struct isms_suggest *s, const char *const *candidates)
	__attribute__((nonnull(1)));
/* The candidate to offer, or NULL when none is near enough. */
const char *isms_suggest_best(const struct isms_suggest *s) __attribute__((nonnull));

#endif
