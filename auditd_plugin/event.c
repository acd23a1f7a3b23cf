/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <string.h>

#include "event.h"

void aev_reset(struct aev *e)
{
	/* The arena is reused as is; only the bookkeeping is cleared. */
	memset(e, 0, offsetof(struct aev, arena));
	e->used = 0;
}

const char *aev_strdup(struct aev *e, const char *s, size_t len)
{
	char *p;

	if (!s)
		return NULL;
	if (len == (size_t)-1)
		len = strlen(s);
	if (e->used + len + 1 > sizeof(e->arena))
		return NULL;
	p = e->arena + e->used;
	memcpy(p, s, len);
	p[len] = '\0';
	e->used += len + 1;
	return p;
}
