/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target object types of Grundschutz++ (isms/target_object.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/csv.h"
#include "isms/target_object.h"

static const char *const columns[] = {"Zielobjekt", "Definition", "Typ",  "Kategorie",
				      "Synonyme",   "ChildOfUUID", "UUID"};
enum { C_NAME, C_DEF, C_TYPE, C_CAT, C_SYN, C_PARENT, C_UUID, C_N };

static bool uuid_ok(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

static int by_uuid(const struct isms_toc *toc, const char *uuid)
{
	for (size_t i = 0; i < toc->n; i++)
		if (strcasecmp(toc->types[i].uuid, uuid) == 0)
			return (int)i;
	return -1;
}

void isms_toc_free(struct isms_toc *toc)
{
	if (!toc)
		return;
	isms_csv_free(toc->csv);
	free(toc->types);
	free(toc);
}

int isms_toc_parse(const char *buf, size_t len, struct isms_toc **ret, char *err, size_t errlen)
{
	char dummy[1];
	struct isms_toc *toc = calloc(1, sizeof(*toc));
	int col[C_N], r;

	*ret = NULL;
	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!toc)
		return -ENOMEM;
	r = isms_csv_parse(buf, len, &toc->csv, err, errlen);
	if (r < 0)
		goto out;
	for (int c = 0; c < C_N; c++) {
		col[c] = isms_csv_column(toc->csv, columns[c]);
		if (col[c] < 0) {
			snprintf(err, errlen, "no column '%s'", columns[c]);
			r = -EINVAL;
			goto out;
		}
	}
	if (toc->csv->nrows > ISMS_TOC_MAX) {
		snprintf(err, errlen, "more than %d target object types", ISMS_TOC_MAX);
		r = -E2BIG;
		goto out;
	}
	toc->types = calloc(toc->csv->nrows ? toc->csv->nrows : 1, sizeof(*toc->types));
	if (!toc->types) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < toc->csv->nrows; i++) {
		struct isms_toc_type *t = &toc->types[i];

		t->name = isms_csv_cell(toc->csv, i, (size_t)col[C_NAME]);
		t->definition = isms_csv_cell(toc->csv, i, (size_t)col[C_DEF]);
		t->type = isms_csv_cell(toc->csv, i, (size_t)col[C_TYPE]);
		t->category = isms_csv_cell(toc->csv, i, (size_t)col[C_CAT]);
		t->synonyms = isms_csv_cell(toc->csv, i, (size_t)col[C_SYN]);
		t->uuid = isms_csv_cell(toc->csv, i, (size_t)col[C_UUID]);
		t->parent = -1;
		/* record i is on line i + 2 at the earliest: name the type, not a line */
		if (!t->name[0]) {
			snprintf(err, errlen, "record %zu: a type without a name", i + 1);
			r = -EINVAL;
			goto out;
		}
		if (!uuid_ok(t->uuid)) {
			snprintf(err, errlen, "'%.64s': UUID '%.64s' is not a UUID", t->name, t->uuid);
			r = -EINVAL;
			goto out;
		}
		toc->n = i;
		if (isms_toc_find(toc, t->name) >= 0 || by_uuid(toc, t->uuid) >= 0) {
			snprintf(err, errlen, "'%.64s': its name or UUID is given twice", t->name);
			r = -EINVAL;
			goto out;
		}
		toc->n = i + 1;
	}
	for (size_t i = 0; i < toc->n; i++) {
		const char *p = isms_csv_cell(toc->csv, i, (size_t)col[C_PARENT]);

		if (!p[0])
			continue;
		toc->types[i].parent = by_uuid(toc, p);
		if (toc->types[i].parent < 0) {
			snprintf(err, errlen, "'%.64s': its parent %.64s is not in the file",
				 toc->types[i].name, p);
			r = -EINVAL;
			goto out;
		}
	}
	for (size_t i = 0; i < toc->n; i++) {
		int k = toc->types[i].parent, depth = 0;

		for (; k >= 0; k = toc->types[k].parent)
			if (++depth > ISMS_TOC_DEPTH_MAX || k == (int)i) {
				snprintf(err, errlen, "'%.64s': its parents form a cycle or a chain"
						      " deeper than %d",
					 toc->types[i].name, ISMS_TOC_DEPTH_MAX);
				r = -EINVAL;
				goto out;
			}
	}
out:
	if (r < 0) {
		isms_toc_free(toc);
		return r;
	}
	*ret = toc;
	return 0;
}

/* Whether @name is one of the comma-separated @list (spaces around ignored). */
static bool in_synonyms(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t l;

		while (*p == ' ')
			p++;
		l = e ? (size_t)(e - p) : strlen(p);
		while (l && p[l - 1] == ' ')
			l--;
		if (l == n && strncmp(p, name, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

int isms_toc_find(const struct isms_toc *toc, const char *name)
{
	for (size_t i = 0; i < toc->n; i++)
		if (strcmp(toc->types[i].name, name) == 0)
			return (int)i;
	for (size_t i = 0; i < toc->n; i++)
		if (in_synonyms(toc->types[i].synonyms, name))
			return (int)i;
	return -1;
}

bool isms_toc_is_a(const struct isms_toc *toc, int i, int ancestor)
{
	for (int depth = 0; i >= 0 && (size_t)i < toc->n && depth <= ISMS_TOC_DEPTH_MAX; depth++) {
		if (i == ancestor)
			return true;
		i = toc->types[i].parent;
	}
	return false;
}
