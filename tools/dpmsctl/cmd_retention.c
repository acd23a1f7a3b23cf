/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl retention: files kept longer than their activity allows. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpmsctl.h"
#include "dpms.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/evidence.h"

struct ret_ctx {
	struct out_table *t;
	const char *problems;
	size_t nproblems;
};

static int retention_cb(const struct dpms_retention_hit *h, void *ud)
{
	struct ret_ctx *x = ud;
	char size[32], age[32], mtime[32];
	const char *row[5] = {h->activity, h->path, size, age, mtime};
	time_t m = (time_t)h->mtime;

	snprintf(size, sizeof(size), "%" PRId64, h->size);
	snprintf(age, sizeof(age), "%" PRId64, h->age_days);
	isms_date_day(m, mtime);
	return out_table_add(x->t, row);
}

static void retention_problem(const char *msg, void *ud)
{
	struct ret_ctx *x = ud;

	x->nproblems++;
	fprintf(stderr, "dpmsctl: %s\n", msg);
}

int cmd_retention(struct cli *c, int argc, char **argv)
{
	const char *activity = NULL;
	bool del = false;
	struct out_table t;
	struct ret_ctx x = {.t = &t};
	size_t deleted = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl retention check [--activity ID] [--delete]\n\n"
	     "Walk the registered locations of each activity that has retention_days and\n"
	     "list the files older than that (by modification time).  It deletes nothing\n"
	     "unless --delete is given; then each deletion is recorded (dpmsctl deletion list)\n"
	     "and kept as evidence.  Symlinks are never followed and the walk never leaves\n"
	     "a location's file system.  Only this host's locations are walked (host empty\n"
	     "or this host's name).  A location that is missing is reported (exit 1).\n");
	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return cli_usage("retention", "'retention' takes check");
	code = cli_opts("retention", argc, argv, 2,
			(const struct cli_opt[]){CLI_OPT("--activity", &activity),
						 CLI_FLAG("--delete", &del),
						 CLI_OPT_END});
	if (code)
		return code;
	code = -cli_open(c, del, false);
	if (code)
		return code;
	r = out_table_init(&t, 5);
	if (r >= 0) {
		out_table_set_col(&t, 0, "activity", OT_TEXT);
		out_table_set_col(&t, 1, "path", OT_TEXT);
		out_table_set_col(&t, 2, "bytes", OT_INT);
		out_table_set_col(&t, 3, "age_days", OT_INT);
		out_table_set_col(&t, 4, "modified", OT_TEXT);
		r = dpms_retention_check(c->store, activity, del, (int64_t)time(NULL), retention_cb,
					 retention_problem, &x, &deleted);
	}
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	if (r < 0)
		return cli_store_fail(c, r);
	if (del && !c->quiet)
		fprintf(stderr, "dpmsctl: %zu file%s deleted and recorded\n", deleted,
			deleted == 1 ? "" : "s");
	return x.nproblems ? EXIT_FAIL : EXIT_OK;
}
