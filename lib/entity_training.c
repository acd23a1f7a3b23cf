/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Competence: trainings, qualifications and their validity (ISO 27001 7.2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms/entity.h"
#include "isms/role.h"
#include "register_internal.h"
#include "store_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY "date('now')"

static const char *const tr_kinds[] = {"training", "awareness", "certification", "briefing",
				       "other", NULL};

/* The role a training qualifies for is one of the roles people hold. */
static int check_role(const char *in, char *err, size_t errlen)
{
	const struct isms_field *f = isms_entity_field(isms_entity_lookup("person"), "role");

	if (isms_role_known(in))
		return 0;
	snprintf(err, errlen, "role: '%.64s' is not one of %s", in, isms_field_choices_str(f));
	return -EINVAL;
}

/* Whether it counts today: done, and not expired. */
#define VALID_NOW                                                                           \
	"t.completed IS NOT NULL AND t.completed <= " TODAY                                 \
	" AND (t.valid_until IS NULL OR t.valid_until >= " TODAY ")"

static const struct isms_field tr_fields[] = {
	{.name = "id", .flags = ISMS_FF_KEY | ISMS_FF_AUTO, .help = "e.g. TR-1 (generated if absent)"},
	{.name = "person", .type = ISMS_FT_REF, .ref = "person", .flags = ISMS_FF_REQUIRED,
	 .help = "who was trained"},
	{.name = "topic", .flags = ISMS_FF_REQUIRED, .help = "what the training was about"},
	{.name = "kind", .type = ISMS_FT_ENUM, .choices = tr_kinds, .dflt = "training",
	 .help = "training, awareness, certification, briefing, other"},
	{.name = "role", .check = check_role,
	 .help = "the role it qualifies for (one of a person's roles, e.g. security_officer)"},
	{.name = "completed", .type = ISMS_FT_DATE, .help = "date it was completed"},
	{.name = "valid_until", .type = ISMS_FT_DATE, .help = "last day it counts (empty: no expiry)"},
	{.name = "proof", .flags = ISMS_FF_HIDDEN, .help = "certificate, attendance list, where kept"},
	{.name = "valid", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED,
	 .sql = "CASE WHEN " VALID_NOW " THEN 1 ELSE 0 END",
	 .help = "completed, and not past valid_until"},
	/* an expired training retaken is no longer overdue */
	{.name = "renewed", .type = ISMS_FT_BOOL, .flags = ISMS_FF_COMPUTED | ISMS_FF_HIDDEN,
	 .sql = "EXISTS (SELECT 1 FROM training u WHERE u.person = t.person AND u.topic = t.topic"
		" AND u.pk <> t.pk AND u.completed IS NOT NULL AND u.completed >= t.completed"
		" AND (u.valid_until IS NULL OR u.valid_until > t.valid_until))",
	 .help = "the same person has taken the same topic again since"},
};

/* A training is valid from its completion: not until a day before it. */
static int tr_written(struct isms_store *s, const struct isms_entity *e, const char *key,
		      const struct isms_kv *kv, size_t n, bool added)
{
	char *v[2];
	int r;

	(void)e;
	(void)kv;
	(void)n;
	(void)added;
	r = register_row(s, "SELECT completed, valid_until FROM training WHERE id = ?1", key, v, 2);
	if (r < 0)
		return r;
	if (v[1] && !v[0])
		r = store_seterr(s, -EINVAL,
				 "training '%.64s': valid_until %s needs the date it was completed",
				 key, v[1]);
	else if (v[0] && v[1] && strcmp(v[1], v[0]) < 0)
		r = store_seterr(s, -EINVAL,
				 "training '%.64s': valid_until %s is before completed %s", key,
				 v[1], v[0]);
	register_row_release(v, 2);
	return r;
}

const struct isms_entity isms_entity_training = {
	.name = "training",
	.plural = "trainings",
	.table = "training",
	.auto_prefix = "TR-",
	.fields = tr_fields,
	.nfields = N(tr_fields),
	.help = "competence: trainings and their validity (ISO 27001 7.2)",
	.written = tr_written,
};
