/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl report: the report to the board of a period, made, kept and rendered. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "render.h"
#include "isms/control_test.h"
#include "isms/report.h"
#include "isms/tz.h"

/* The figures rendered in @format into a buffer (*ret malloc'd). */
static int render(const char *format, struct json_object *fig, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!f)
		return -errno;
	if (strcmp(format, "html") == 0)
		r = render_html(f, fig);
	else if (strcmp(format, "md") == 0)
		r = render_md(f, fig);
	else
		r = fputs(isms_report_text(fig), f) < 0 || fputc('\n', f) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && r >= 0)
		r = -EIO;
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	const char *period = NULL, *format = NULL, *out = NULL, *zone = NULL;
	struct json_object *fig = NULL;
	struct isms_ctest_period p;
	bool dry_run = false;
	char sha[65] = "", *doc = NULL;
	size_t len = 0;
	int64_t now = (int64_t)time(NULL);
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl report [--period P] [--format html|md|json] [-o FILE]\n"
	     "                      [--tz ZONE] [--dry-run]\n\n"
	     "The report to the board of a period: the inherent and residual risk heat\n"
	     "maps, top risks and their trend since the last report, control\n"
	     "effectiveness by theme (claimed against observed), evidence coverage per\n"
	     "host and collector health, denied logins and break-glass uses,\n"
	     "nonconformities, audits, the budget, and the decisions management is\n"
	     "asked to take.  Making it keeps the period's risk levels and figures\n"
	     "(replacing an earlier report of the same period) and records an evidence\n"
	     "row of kind report.made with the figures' SHA-256; trends compare with\n"
	     "the latest earlier period reported.  --dry-run keeps nothing.\n"
	     "P as for 'ismsctl assess' (default: the current month in ZONE).\n"
	     "html: one self-contained file for A4; md: for email; json: the figures\n"
	     "(also with --json).  -o writes FILE atomically instead of stdout.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--period")))
			period = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--format")))
			format = v;
		else if ((v = cli_opt_value(argc, argv, &i, "-o")) ||
			 (v = cli_opt_value(argc, argv, &i, "--output")))
			out = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--tz")))
			zone = v;
		else if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = true;
		else
			return cli_usage("report", "unknown argument '%s'", argv[i]);
	}
	if (!format)
		format = c->fmt == OUT_JSON ? "json" : "md";
	if (strcmp(format, "html") != 0 && strcmp(format, "md") != 0 && strcmp(format, "json") != 0)
		return cli_usage("report", "--format takes html, md or json, not '%s'", format);
	code = cli_period("report", period, zone, now, &p);
	if (code)
		return code;
	code = -cli_open(c, !dry_run, false);
	if (code)
		return code;
	r = dry_run ? isms_report_figures(c->store, &p, now, &fig) :
		      isms_report_make(c->store, &p, now, &fig, sha);
	if (r < 0)
		return cli_store_fail(c, r);
	r = render(format, fig, &doc, &len);
	json_object_put(fig);
	if (r < 0)
		return cli_fail(r, "cannot render the report: %s", strerror(-r));
	if (out) {
		r = isms_report_write_file(out, doc, len);
		if (r < 0) {
			free(doc);
			return cli_fail(r, "cannot write '%s': %s", out, strerror(-r));
		}
	} else if (fwrite(doc, 1, len, stdout) != len || fflush(stdout) != 0) {
		free(doc);
		return cli_fail(-EIO, "cannot write the report: %s", strerror(errno));
	}
	free(doc);
	if (!c->quiet && (out || !dry_run))
		fprintf(stderr, "%s: report of %s%s%s%s%s\n", cli_prog, p.label,
			dry_run ? " (dry run, nothing kept)" : ", kept with sha256 ", sha,
			out ? " written to " : "", out ? out : "");
	return EXIT_OK;
}
