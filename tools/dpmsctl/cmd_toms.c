/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl toms: the activities' TOMs checked against the ISMS store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpmsctl.h"
#include "dpms.h"
#include "isms/entity.h"

struct tom_table {
	struct out_table t;
	size_t n, unverified;
};

static int tom_cb(const struct dpms_tom_ref *ref, void *ud)
{
	struct tom_table *tt = ud;
	const char *row[5] = {ref->activity, ref->kind, ref->id, dpms_tom_state_name(ref->state),
			      ref->detail};

	tt->n++;
	tt->unverified += ref->state != DPMS_TOM_IMPLEMENTED;
	return out_table_add(&tt->t, row);
}

static int toms_check(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"activity", "kind", "id", "state", "detail"};
	const char *activity = NULL, *isms = NULL;
	struct tom_table tt = {0};
	int r, code;

	code = cli_opts("toms check", argc, argv, 2,
			(const struct cli_opt[]){CLI_OPT("--activity", &activity),
						 CLI_OPT("--isms-store", &isms), CLI_OPT_END});
	if (code)
		return code;
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&tt.t, 5);
	for (size_t k = 0; r >= 0 && k < 5; k++)
		r = out_table_set_col(&tt.t, k, cols[k], OT_TEXT);
	if (r >= 0)
		r = dpms_toms_check(c->store, isms, activity, tom_cb, &tt);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &tt.t);
	out_table_release(&tt.t);
	if (r == -ENOENT && activity)
		return cli_fail(r, "activity '%s' not found (see 'dpmsctl activity list')", activity);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet && c->fmt == OUT_TABLE && tt.unverified)
		fprintf(stderr, "dpmsctl: %zu of %zu reference%s not verified as implemented\n",
			tt.unverified, tt.n, tt.n == 1 ? "" : "s");
	return EXIT_OK;
}

static int toms_store(struct cli *c, int argc, char **argv)
{
	const char *path = argc >= 3 ? argv[2] : NULL;
	char *cur = NULL;
	int r, code;

	if (argc > 3)
		return cli_usage("toms store", "takes one PATH, or --none");
	code = -cli_open(c, path != NULL, false);
	if (code)
		return code;
	if (!path) {
		r = isms_setting_get(c->store, DPMS_SETTING_ISMS_STORE, &cur);
		if (r == -ENOENT || (r >= 0 && !*cur))
			printf("no ISMS store configured: TOM references are not checked\n");
		else if (r >= 0)
			printf("%s\n", cur);
		free(cur);
		return r < 0 && r != -ENOENT ? cli_store_fail(c, r) : EXIT_OK;
	}
	if (strcmp(path, "--none") == 0)
		path = "";
	else if (path[0] != '/')
		return cli_usage("toms store", "PATH must be absolute: '%s'", path);
	r = isms_setting_set(c->store, DPMS_SETTING_ISMS_STORE, path);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		printf(*path ? "TOM references are checked against the ISMS store '%s'\n" :
			       "TOM references are no longer checked%s\n",
		       path);
	return EXIT_OK;
}

int cmd_toms(struct cli *c, int argc, char **argv)
{
	HELP(argc, argv,
	     "Usage: dpmsctl toms check [--activity ID] [--isms-store PATH]\n"
	     "       dpmsctl toms store [PATH | --none]\n\n"
	     "check: each ISMS measure (isms_measures) and Annex A control (isms_controls)\n"
	     "an activity names for its TOMs (Art. 32), looked up read-only in the ISMS\n"
	     "store: implemented (the measure implemented or verified; the control with\n"
	     "such a measure), unverified (known, not implemented), unknown, or unchecked\n"
	     "when no ISMS store is configured or it cannot be read.\n"
	     "store: name the ISMS store (absolute path) that the references are checked\n"
	     "against, on every add and set too: an unknown measure or control is then\n"
	     "refused while the store can be read, and accepted unchecked while it cannot.\n");
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return toms_check(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "store") == 0)
		return toms_store(c, argc, argv);
	return cli_usage("toms", "'toms' takes check or store");
}
