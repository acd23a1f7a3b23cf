/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Competence: who holds which role, and which of their trainings are valid (ISO 27001 7.2). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isms/competence.h"
#include "isms/entity.h"
#include "isms/role.h"
#include "register_internal.h"
#include "role_sql.h"
#include "store_internal.h"

#define VALID(t)                                                                            \
	t ".completed IS NOT NULL AND " t ".completed <= ?1 AND (" t ".valid_until IS NULL OR " \
	t ".valid_until >= ?1)"

static const char competence_sql[] =
	"SELECT p.name, p.role,"
	" (SELECT group_concat(v.label, '; ') FROM (SELECT t.id || ' ' || t.topic ||"
	"   CASE WHEN t.valid_until IS NULL THEN '' ELSE ' (until ' || t.valid_until || ')' END"
	"   AS label FROM training t WHERE t.person = p.pk AND " VALID("t") " ORDER BY t.pk) v),"
	" EXISTS (SELECT 1 FROM training t WHERE t.person = p.pk"
	" AND " ROLE_SQL_HOLDS("p.role", "t.role") " AND " VALID("t") ")"
	" FROM person p WHERE " ROLE_SQL_ACTIVE("p", "?1")
	" AND (?2 IS NULL OR " ROLE_SQL_HOLDS("p.role", "?2") ") ORDER BY p.pk";

int isms_competence_list(struct isms_store *s, const char *role, const char *today,
			 struct isms_competence *ret)
{
	sqlite3_stmt *st = NULL;
	int r;

	*ret = (struct isms_competence){0};
	if (role && !isms_role_known(role))
		return store_seterr(s, -EINVAL, "competence: '%.64s' is not a role (one of %s)", role,
				    isms_field_choices_str(isms_entity_field(
					    isms_entity_lookup("person"), "role")));
	r = store_prepare(s, competence_sql, &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, today);
	if (r >= 0 && role)
		r = store_bind_text(s, st, 2, role);
	while (r >= 0 && (r = store_step_row(s, st)) == 1) {
		struct isms_competence_row *nv = realloc(ret->v, (ret->n + 1) * sizeof(*nv)), *it;
		bool oom = false;

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		ret->v = nv;
		it = &nv[ret->n++];
		*it = (struct isms_competence_row){.covered = sqlite3_column_int(st, 3) != 0};
		it->person = register_col_dup(st, 0, &oom);
		it->role = register_col_dup(st, 1, &oom);
		it->trainings = register_col_dup(st, 2, &oom);
		if (oom)
			r = -ENOMEM;
	}
	sqlite3_finalize(st);
	return r < 0 ? r : 0;
}

void isms_competence_release(struct isms_competence *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].person);
		free(c->v[i].role);
		free(c->v[i].trainings);
	}
	free(c->v);
	*c = (struct isms_competence){0};
}
