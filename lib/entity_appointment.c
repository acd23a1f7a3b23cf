/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Appointments of the security officer and the data protection officer
 * (ISO 27001 5.3; GDPR Art. 37): who, by whom, since when, until when, as
 * deputy or not.  Management appoints, never the appointee; the appointee
 * holds the role (a deputy need not: a deputy stands in and holds it only
 * while standing in); at most one non-deputy appointment per role at a
 * time, so there is one security officer and one DPO.  A second person
 * may be given the role in the register, but not appointed beside the
 * first; 'ismsctl overdue' lists a holder without a current appointment.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "appointment_internal.h"
#include "isms/entity.h"
#include "isms/role.h"
#include "register_internal.h"
#include "role_sql.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const appointed_roles[] = {"security_officer", "dpo", NULL};

static const struct isms_field ap_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. AP-1 (generated if absent)"},
	{.name = "person", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_REQUIRED,
	 .help = "who is appointed (holds the role, unless a deputy)"},
	{.name = "role", .type = ISMS_FT_ENUM, .choices = appointed_roles,
	 .flags = ISMS_FF_REQUIRED, .help = "the role appointed to"},
	{.name = "appointed_by", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_REQUIRED,
	 .help = "active member of management who appointed them, not the appointee"},
	{.name = "since", .type = ISMS_FT_DATE, .flags = ISMS_FF_REQUIRED,
	 .help = "first day of the appointment"},
	{.name = "until", .type = ISMS_FT_DATE, .help = "last day of the appointment (empty: open)"},
	{.name = "deputy", .type = ISMS_FT_BOOL, .dflt = "no",
	 .help = "a deputy, beside the one appointed"},
	{.name = "document", .help = "the letter of appointment (a document's name, or where kept)"},
	{.name = "notes", .flags = ISMS_FF_HIDDEN, .help = "tasks, reporting line, resources"},
	{.name = "current", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN " ROLE_SQL_APPOINTMENT_CURRENT("t", "date('now')")
		" THEN 1 ELSE 0 END",
	 .help = "begun, and not ended"},
};

/*
 * Another non-deputy appointment to the role of @key whose time overlaps
 * it (both open-ended on the right when until is empty).
 */
#define OVERLAP_SQL                                                                          \
	"SELECT o.id, p.name, o.since FROM appointment a JOIN appointment o"                    \
	" ON o.role = a.role AND o.pk <> a.pk AND o.deputy = 0"                                 \
	" JOIN person p ON p.pk = o.person"                                                     \
	" WHERE a.id = ?1 AND a.deputy = 0"                                                     \
	" AND o.since <= coalesce(a.until, '9999-12-31')"                                       \
	" AND a.since <= coalesce(o.until, '9999-12-31') ORDER BY o.pk LIMIT 1"

static int check_overlap(struct isms_store *s, const char *key, const char *role)
{
	char *o[3];
	int r = register_row(s, OVERLAP_SQL, key, o, 3);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = store_seterr(s, -EPERM,
			 "appointment '%.64s': '%s' is appointed %s already (%s, since %s): at most"
			 " one %s at a time, unless deputies are declared (end %s with --until, or"
			 " appoint with --deputy yes)",
			 key, o[1], isms_role_title(role), o[0], o[2], isms_role_title(role), o[0]);
	register_row_release(o, 3);
	return r;
}

static int ap_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		      const struct isms_kv *kv, size_t n, bool added)
{
	char *v[6], what[96], why[256];
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s,
			 "SELECT p.name, a.role, m.name, a.since, a.until, a.deputy"
			 " FROM appointment a JOIN person p ON p.pk = a.person"
			 " LEFT JOIN person m ON m.pk = a.appointed_by WHERE a.id = ?1",
			 key, v, 6);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "appointment '%.64s'", key);
	if (v[4] && strcmp(v[4], v[3]) < 0) {
		r = store_seterr(s, -EINVAL, "%s: it ends (%s) before it begins (%s)", what, v[4],
				 v[3]);
		goto out;
	}
	if (v[2] && strcmp(v[0], v[2]) == 0) {
		r = store_seterr(s, -EPERM,
				 "%s: '%.64s' cannot appoint themselves: management appoints"
				 " (ISO 27001 5.3)",
				 what, v[2]);
		goto out;
	}
	r = v[2] ? isms_role_check(s, v[2], "management", v[3], why, sizeof(why)) : 0;
	if (r == -EPERM || r == -ENOENT) {
		r = store_seterr(s, r, "%s: '%.64s' cannot appoint: %s", what, v[2], why);
		goto out;
	}
	if (r < 0)
		goto out;
	/* a deputy stands in: it may be appointed before it holds the role */
	r = isms_role_check(s, v[0], strcmp(v[5], "0") == 0 ? v[1] : NULL, v[3], why,
			    sizeof(why));
	if (r == -EPERM || r == -ENOENT) {
		r = store_seterr(s, r, "%s: '%.64s' cannot be appointed %s: %s", what, v[0],
				 isms_role_title(v[1]), why);
		goto out;
	}
	/* During an import the others may come later: appointment_check_all() at its end. */
	if (r >= 0 && !s->importing)
		r = check_overlap(s, key, v[1]);
out:
	register_row_release(v, 6);
	return r;
}

int appointment_check_all(struct isms_store *s)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = store_prepare(s, "SELECT id, role FROM appointment WHERE deputy = 0 ORDER BY pk", &st);
	while (r >= 0 && (r = store_step_row(s, st)) == 1)
		r = check_overlap(s, (const char *)sqlite3_column_text(st, 0),
				  (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return r;
}

const struct isms_entity isms_entity_appointment = {
	.name = "appointment",
	.plural = "appointments",
	.table = "appointment",
	.auto_prefix = "AP-",
	.fields = ap_fields,
	.nfields = N(ap_fields),
	.help = "appointments of the security officer and the DPO (ISO 27001 5.3)",
	.written = ap_written,
};
