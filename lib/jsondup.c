/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Duplicate member names in JSON objects.  json-c keeps the last of two
 * equal names without a word, so {"allow": false, ..., "allow": true} would
 * read as an allow.  This scans text that json-c has already accepted and
 * names the first duplicate with its path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsondup.h"

struct scan {
	const char *s, *end;
	char path[256];
	int depth;
	int found;
};

static void skip_ws(struct scan *sc)
{
	while (sc->s < sc->end && (*sc->s == ' ' || *sc->s == '\t' || *sc->s == '\n' ||
				   *sc->s == '\r'))
		sc->s++;
}

/* A string token: returns its raw (still escaped) text and length. */
static const char *string_tok(struct scan *sc, size_t *len)
{
	const char *start;

	if (sc->s >= sc->end || *sc->s != '"')
		return NULL;
	start = ++sc->s;
	while (sc->s < sc->end && *sc->s != '"') {
		if (*sc->s == '\\' && sc->s + 1 < sc->end)
			sc->s++;
		sc->s++;
	}
	*len = (size_t)(sc->s - start);
	if (sc->s < sc->end)
		sc->s++;
	return start;
}

static void value(struct scan *sc);

static void object(struct scan *sc)
{
	const char **names = NULL;
	size_t *lens = NULL, n = 0, cap = 0;
	size_t base = strlen(sc->path);

	sc->s++; /* { */
	for (;;) {
		const char *name;
		size_t len;

		skip_ws(sc);
		if (sc->s >= sc->end || *sc->s == '}')
			break;
		name = string_tok(sc, &len);
		if (!name)
			break;
		for (size_t i = 0; i < n && !sc->found; i++) {
			if (lens[i] == len && memcmp(names[i], name, len) == 0) {
				snprintf(sc->path + base, sizeof(sc->path) - base, ".%.*s", (int)len, name);
				sc->found = 1;
			}
		}
		if (sc->found)
			break;
		if (n == cap) {
			const char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*nn));
			size_t *nl = nn ? realloc(lens, cap * sizeof(*nl)) : NULL;

			if (!nn || !nl) {
				free(nn ? (void *)nn : (void *)names);
				free(lens);
				sc->found = -ENOMEM;
				return;
			}
			names = nn;
			lens = nl;
		}
		names[n] = name;
		lens[n++] = len;
		skip_ws(sc);
		if (sc->s < sc->end && *sc->s == ':')
			sc->s++;
		snprintf(sc->path + base, sizeof(sc->path) - base, ".%.*s", (int)len, name);
		value(sc);
		if (sc->found)
			break;
		sc->path[base] = '\0';
		skip_ws(sc);
		if (sc->s < sc->end && *sc->s == ',')
			sc->s++;
	}
	if (!sc->found && sc->s < sc->end)
		sc->s++; /* } */
	free(names);
	free(lens);
}

static void array(struct scan *sc)
{
	size_t base = strlen(sc->path);

	sc->s++; /* [ */
	for (size_t i = 0;; i++) {
		skip_ws(sc);
		if (sc->s >= sc->end || *sc->s == ']')
			break;
		snprintf(sc->path + base, sizeof(sc->path) - base, "[%zu]", i);
		value(sc);
		if (sc->found)
			return;
		sc->path[base] = '\0';
		skip_ws(sc);
		if (sc->s < sc->end && *sc->s == ',')
			sc->s++;
	}
	if (sc->s < sc->end)
		sc->s++; /* ] */
}

static void value(struct scan *sc)
{
	size_t len;

	skip_ws(sc);
	if (sc->s >= sc->end)
		return;
	if (++sc->depth > 64) { /* json-c's own limit is 32 */
		sc->depth--;
		return;
	}
	switch (*sc->s) {
	case '{':
		object(sc);
		break;
	case '[':
		array(sc);
		break;
	case '"':
		string_tok(sc, &len);
		break;
	default:
		while (sc->s < sc->end && !strchr(",]} \t\r\n", *sc->s))
			sc->s++;
		break;
	}
	sc->depth--;
}

int isms_json_duplicate(const char *json, size_t len, char *path, size_t pathlen)
{
	struct scan sc = {.s = json, .end = json + len};

	strcpy(sc.path, "$");
	value(&sc);
	if (sc.found < 0)
		return sc.found;
	if (sc.found && path)
		snprintf(path, pathlen, "%s", sc.path);
	return sc.found;
}
