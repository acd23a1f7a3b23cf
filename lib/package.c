/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The requirement package of a target object (isms/package.h). */
#include <string.h>

#include "isms/package.h"

/* A level the catalogue may add later applies: a package is never shorter by a guess. */
bool isms_package_level_applies(const char *sec_level, int protection)
{
	return !sec_level || strcmp(sec_level, ISMS_SEC_RAISED) != 0 || protection >= 1;
}

/* The best reason one name of @categories gives an object of @type. */
static enum isms_package_why match(const struct isms_toc *toc, int type, const char *categories)
{
	enum isms_package_why best = ISMS_PKG_NO;
	char name[256];

	for (const char *p = categories; *p;) {
		const char *e = strchr(p, ',');
		size_t l;
		int t;

		while (*p == ' ')
			p++;
		l = e ? (size_t)(e - p) : strlen(p);
		while (l && p[l - 1] == ' ')
			l--;
		if (l && l < sizeof(name)) {
			memcpy(name, p, l);
			name[l] = '\0';
			t = isms_toc_find(toc, name);
			if (t >= 0 && t == type)
				return ISMS_PKG_TYPE;
			if (t >= 0 && isms_toc_is_a(toc, type, t))
				best = ISMS_PKG_ANCESTOR;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return best;
}

size_t isms_package_select(const struct isms_toc *toc, int type, int protection,
			   const struct isms_package_req *reqs, size_t n, enum isms_package_why *why)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const char *cat = reqs[i].categories;

		why[i] = ISMS_PKG_NO;
		if (!isms_package_level_applies(reqs[i].sec_level, protection))
			continue;
		if (!cat || !cat[0])
			why[i] = type < 0 ? ISMS_PKG_DOMAIN : ISMS_PKG_NO;
		else if (type >= 0)
			why[i] = match(toc, type, cat);
		count += why[i] != ISMS_PKG_NO;
	}
	return count;
}
