/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ismsctl package method: the Grundschutz++ method requirements the store
 * answers from its own records (lib/method_check.c), with what was looked
 * at and what was found.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ismsctl.h"
#include "isms/modelling.h"

static const char *const cols[] = {"id", "title", "observed", "what", "by"};
#define NCOLS 5

struct method_out {
	struct out_table t;
	size_t pass, fail, insufficient;
};

static int method_row(const struct isms_method_result *m, void *ud)
{
	struct method_out *o = ud;
	const char *row[NCOLS] = {m->id, m->title, m->observed, m->what, m->by};

	switch (m->observed[0]) {
	case 'p':
		o->pass++;
		break;
	case 'f':
		o->fail++;
		break;
	default:
		o->insufficient++;
	}
	return out_table_add(&o->t, row);
}

int cmd_package_method(struct cli *c, int argc, char **argv)
{
	struct method_out o = {0};
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl package method\n\n"
	     "The requirements of the BSI's method catalogue (Grundschutz++ Methodik)\n"
	     "that the store answers from its own records: GC.6.1 from the scope's\n"
	     "approval, GC.9.1.1.1 from the security officer's appointment, UMS.1.1\n"
	     "from the requirement check of the packages, PERF.4.1 from the management\n"
	     "reviews, and so on.  Each row: the requirement, its title (from the\n"
	     "imported catalogue, empty without it), what is observed (pass; fail;\n"
	     "insufficient: the store holds nothing to judge by), what is looked at\n"
	     "and what was found.  'ismsctl package list --domain' shows the same\n"
	     "observation for the method catalogue imported.  A summary follows on\n"
	     "stderr.\n");
	if (argc != 1)
		return cli_usage("package method", "'method' takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&o.t, NCOLS);
	for (size_t k = 0; r >= 0 && k < NCOLS; k++)
		r = out_table_set_col(&o.t, k, cols[k], OT_TEXT);
	if (r >= 0)
		r = isms_method_list(c->store, method_row, &o);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &o.t);
	if (r >= 0 && !c->quiet)
		fprintf(stderr, "%zu method requirements: %zu pass, %zu fail, %zu insufficient\n",
			o.pass + o.fail + o.insufficient, o.pass, o.fail, o.insufficient);
	out_table_release(&o.t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}
