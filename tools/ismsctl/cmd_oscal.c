/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl oscal export: the store's results as OSCAL 1.1.3 documents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ismsctl.h"
#include "isms/oscal_export.h"
#include "isms/report.h"

int cmd_oscal(struct cli *c, int argc, char **argv)
{
	const char *model = NULL, *period = NULL, *out = NULL, *zone = NULL, *catalogue = NULL;
	struct isms_ctest_period p;
	int64_t now = (int64_t)time(NULL);
	char *doc = NULL;
	size_t len;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl oscal export assessment-results [--period P] [--tz ZONE]\n"
	     "                                              [-o FILE]\n"
	     "       ismsctl oscal export ssp|poam [-o FILE]\n"
	     "       ismsctl oscal export catalog --catalogue NAME [-o FILE]\n\n"
	     "The store's results as an OSCAL 1.1.3 JSON document (NIST's Open Security\n"
	     "Controls Assessment Language), for GRC and audit tools:\n"
	     "  assessment-results  one result for period P: the control test results of\n"
	     "                      the periods inside it as findings (satisfied or not),\n"
	     "                      the evidence rows tied to a control in it as\n"
	     "                      observations with their collection time, row and\n"
	     "                      chain hash.\n"
	     "  ssp                 the system security plan: the scope as the system, its\n"
	     "                      hosts, services and applications as components, the\n"
	     "                      people in the ISMS roles as parties, each control the\n"
	     "                      SoA decided with its status, measures and role.\n"
	     "  poam                the plan of action and milestones: each measure not\n"
	     "                      implemented and each nonconformity not closed as an\n"
	     "                      item, the risks they treat with those measures as\n"
	     "                      remediations and their due dates as milestones.\n"
	     "  catalog             the catalogue NAME imported with 'ismsctl catalogue\n"
	     "                      import' (or ISO27001-AnnexA, which init stores) with\n"
	     "                      its own uuid: its groups, controls, params, props,\n"
	     "                      statements and guidance as the store keeps them.\n"
	     "P as for 'ismsctl assess' (default: the current month in ZONE).  UUIDs are\n"
	     "derived from the store's id, so an export made again names the same things\n"
	     "the same way.  -o writes FILE atomically instead of stdout.\n");
	if (argc < 3 || strcmp(argv[1], "export") != 0)
		return cli_usage("oscal", "oscal takes 'export MODEL'");
	model = argv[2];
	if (strcmp(model, "plan-of-action-and-milestones") == 0)
		model = "poam";
	if (strcmp(model, "system-security-plan") == 0)
		model = "ssp";
	if (strcmp(model, "assessment-results") != 0 && strcmp(model, "poam") != 0 &&
	    strcmp(model, "ssp") != 0 && strcmp(model, "catalog") != 0)
		return cli_usage("oscal",
				 "unknown OSCAL model '%s' (ssp, assessment-results, poam, catalog)",
				 model);
	for (int i = 3; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--period")))
			period = v;
		else if ((v = cli_opt_value(argc, argv, &i, "-o")) ||
			 (v = cli_opt_value(argc, argv, &i, "--output")))
			out = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--tz")))
			zone = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--catalogue")))
			catalogue = v;
		else
			return cli_usage("oscal", "unknown argument '%s'", argv[i]);
	}
	if (strcmp(model, "catalog") == 0 && !catalogue)
		return cli_usage("oscal", "catalog needs --catalogue NAME (see 'ismsctl catalogue list')");
	if (strcmp(model, "catalog") != 0 && catalogue)
		return cli_usage("oscal", "--catalogue is for the catalog model only");
	code = cli_period("oscal", period, zone, now, &p);
	if (code)
		return code;
	code = -cli_open(c, false, false);
	if (code)
		return code;
	if (strcmp(model, "catalog") == 0 && (period || zone))
		return cli_usage("oscal", "a catalog is what was imported: it takes no --period");
	if (strcmp(model, "assessment-results") != 0 && period)
		return cli_usage("oscal", "%s is the register as it stands: it takes no --period",
				 model);
	r = strcmp(model, "catalog") == 0 ? isms_oscal_catalog(c->store, catalogue, now, &doc) :
	    strcmp(model, "poam") == 0    ? isms_oscal_poam(c->store, now, &doc) :
	    strcmp(model, "ssp") == 0  ? isms_oscal_ssp(c->store, now, &doc) :
					 isms_oscal_assessment_results(c->store, &p, now, &doc);
	if (r < 0)
		return cli_store_fail(c, r);
	len = strlen(doc);
	if (out) {
		r = isms_report_write_file(out, doc, len);
	} else if (fwrite(doc, 1, len, stdout) != len || fputc('\n', stdout) == EOF ||
		   fflush(stdout) != 0) {
		r = -EIO;
	}
	free(doc);
	if (r < 0)
		return cli_fail(r, "cannot write the %s: %s", model, strerror(-r));
	if (!c->quiet && out)
		fprintf(stderr, "%s: OSCAL %s%s%s written to %s\n", cli_prog, model,
			period || strcmp(model, "assessment-results") == 0 || catalogue ? " of " :
											   "",
			strcmp(model, "assessment-results") == 0 ? p.label :
			catalogue				 ? catalogue :
								   "",
			out);
	return EXIT_OK;
}
