/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_ROLE_SQL_H
#define ISMS_ROLE_SQL_H

/*
 * The SQL of who holds a role, for every query that asks (role.c, the
 * register's filters, competence, control tests, overdue): person.role is
 * a comma-separated set of roles from schema version 15 on, so "holds"
 * is membership, never equality.  Arguments are SQL expressions.
 */

/* @set (a column of comma-separated roles) contains @role. */
#define ROLE_SQL_HOLDS(set, role) "(instr(',' || " set " || ',', ',' || " role " || ',') > 0)"

/* The person row @p is active on @day: not past its leaver date. */
#define ROLE_SQL_ACTIVE(p, day) "(" p ".active_until IS NULL OR " p ".active_until >= " day ")"

/* The appointment row @a is current on @day: begun, and not ended. */
#define ROLE_SQL_APPOINTMENT_CURRENT(a, day)                                                 \
	"(" a ".since <= " day " AND (" a ".until IS NULL OR " a ".until >= " day "))"

#endif
