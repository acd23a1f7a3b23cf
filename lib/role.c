/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who holds a role, and who may approve: the rules every approval shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/role.h"
#include "role_sql.h"
#include "store_internal.h"

static const struct {
	const char *role, *title;
} titles[] = {
	{"management", "management"},
	{"security_officer", "security officer"},
	{"dpo", "data protection officer"},
	{"risk_owner", "risk owner"},
	{"asset_owner", "asset owner"},
	{"admin", "administrator"},
	{"auditor", "auditor"},
	{"user", "user"},
};

bool isms_role_known(const char *role)
{
	const struct isms_field *f = isms_entity_field(isms_entity_lookup("person"), "role");

	for (const char *const *c = f->choices; *c; c++)
		if (strcmp(*c, role) == 0)
			return true;
	return false;
}

bool isms_role_holds(const char *roles, const char *role)
{
	size_t n = strlen(role);

	for (const char *p = roles; p && *p;) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, role, n) == 0)
			return true;
		p += k;
		if (*p)
			p++;
	}
	return false;
}

const char *isms_role_title(const char *role)
{
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i].role, role) == 0)
			return titles[i].title;
	return role;
}

int isms_role_check(struct isms_store *s, const char *person, const char *role, const char *day,
		    char *why, size_t whylen)
{
	sqlite3_stmt *st = NULL;
	int r;

	why[0] = '\0';
	r = store_prepare(s,
			  "SELECT p.role, p.active_until, " ROLE_SQL_ACTIVE("p", "?2")
			  " FROM person p WHERE p.name = ?1",
			  &st);
	if (r >= 0)
		r = store_bind_text(s, st, 1, person);
	if (r >= 0)
		r = store_bind_text(s, st, 2, day);
	if (r >= 0)
		r = store_step_row(s, st);
	if (r == 0) {
		snprintf(why, whylen, "no person '%.64s' in the register (see 'ismsctl person list')",
			 person);
		r = -ENOENT;
	} else if (r == 1) {
		const char *roles = (const char *)sqlite3_column_text(st, 0);
		const char *until = (const char *)sqlite3_column_text(st, 1);
		bool active = sqlite3_column_int(st, 2) != 0;
		bool holds = !role || isms_role_holds(roles, role);

		r = 0;
		if (!active || !holds) {
			char what[128] = "";

			if (role)
				snprintf(what, sizeof(what), " with the role %s", role);
			if (!active)
				snprintf(why, whylen, "not an active person%s (left %s)", what, until);
			else
				snprintf(why, whylen, "not an active person%s (roles: %s)", what,
					 roles ? roles : "none");
			r = -EPERM;
		}
	}
	sqlite3_finalize(st);
	return r;
}

int isms_role_approver_check(struct isms_store *s, const char *what, const char *verb,
			     const char *by, const char *proposer, const char *role,
			     const char *day)
{
	char why[256];
	int r;

	if (proposer && strcmp(proposer, by) == 0)
		return store_seterr(s, -EPERM,
				    "%s: '%.64s' cannot %s: the proposer does not approve their own"
				    " proposal (segregation of duties, ISO 27001 5.3)",
				    what, by, verb);
	r = isms_role_check(s, by, role, day, why, sizeof(why));
	if (r == -EPERM || r == -ENOENT)
		return store_seterr(s, r, "%s: '%.64s' cannot %s: %s", what, by, verb, why);
	return r;
}
