/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 'competence': who holds which role, with which valid trainings (ISO 27001 7.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ismsctl.h"
#include "isms/competence.h"
#include "report.h"

int cmd_competence(struct cli *c, int argc, char **argv)
{
	struct isms_competence cp = {0};
	struct out_table t;
	static const char *const cols[] = {"person", "role", "valid_trainings", "role_trained"};
	static const enum out_type types[] = {OT_TEXT, OT_TEXT, OT_TEXT, OT_BOOL};
	const char *role = NULL;
	char today[11];
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl competence [--role ROLE]\n\n"
	     "Each active person (holding ROLE only, with --role), their roles and\n"
	     "the trainings valid today (completed, not past valid_until).\n"
	     "role_trained is 'no' when none of them is for one of the person's roles\n"
	     "(a training's 'role' field): a competence gap to close (ISO 27001 7.2).\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--role")))
			role = v;
		else
			return cli_usage("competence", "unknown argument '%s'", argv[i]);
	}
	report_today(today);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, 4);
	for (size_t i = 0; r >= 0 && i < 4; i++)
		r = out_table_set_col(&t, i, cols[i], types[i]);
	if (r >= 0)
		r = isms_competence_list(c->store, role, today, &cp);
	for (size_t i = 0; r >= 0 && i < cp.n; i++) {
		const char *row[4] = {cp.v[i].person, cp.v[i].role, cp.v[i].trainings,
				      cp.v[i].covered ? "yes" : "no"};

		r = out_table_add(&t, row);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	isms_competence_release(&cp);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
