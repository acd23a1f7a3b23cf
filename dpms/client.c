/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The controllers a processor activity processes for (Art. 30(2)(a)): only on such an activity. */
#include <errno.h>
#include <string.h>

#include "dpms.h"
#include "dpms_hooks.h"
#include "isms/sql.h"

int dpms_client_written(struct isms_store *s, const struct isms_entity *e, const char *key,
			const struct isms_kv *kv, size_t n, bool added)
{
	sqlite3_stmt *st = NULL;
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = isms_sql_prepare(s,
			     "SELECT a.id, a.role FROM client c JOIN activity a ON a.pk = c.activity"
			     " WHERE c.id = ?1",
			     &st);
	if (r < 0)
		return r;
	r = isms_sql_bind_text(s, st, 1, key);
	if (r >= 0)
		r = isms_sql_step_row(s, st);
	if (r > 0) {
		const char *role = (const char *)sqlite3_column_text(st, 1);

		/* A controller's record names no one it works for: it would never be exported. */
		r = role && strcmp(role, "processor") == 0 ?
			    0 :
			    isms_sql_seterr(s, -EINVAL,
					    "client '%s': activity '%s' is done as %s; the controllers"
					    " processed for belong to a processor activity (Art. 30(2)(a))",
					    key, (const char *)sqlite3_column_text(st, 0),
					    role ? role : "?");
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}
