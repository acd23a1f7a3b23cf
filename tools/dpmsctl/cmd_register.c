/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl init, the Art. 30 export, the audit rules for personal data, DPIA screening. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpmsctl.h"
#include "dpms.h"
#include "isms/entity.h"
#include "isms/evidence.h"

static FILE *open_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	return fopen(path, "we");
}

int cmd_dpms_init(struct cli *c, int argc, char **argv)
{
	const char *group = NULL;
	int code;

	HELP(argc, argv,
	     "Usage: dpmsctl init [--group NAME]\n\n"
	     "Create the DPMS store (mode 0600, its directory 0700) if it does not exist and\n"
	     "migrate it.  It is a store of its own, which ismsctl refuses to open: personal\n"
	     "data stays with the data protection officer.\n"
	     "--group NAME (the DPO's group, e.g. isms-dpo) lets its members read the store:\n"
	     "its directory, which must hold only the store, becomes 2750 and the store\n"
	     "0640, of that group.  Writes stay root's.\n");
	code = cli_opts("init", argc, argv, 1, (const struct cli_opt[]){CLI_OPT("--group", &group), CLI_OPT_END});
	if (code)
		return code;
	code = -cli_open(c, true, true);
	if (code)
		return code;
	if (group) {
		code = cli_share(c, group);
		if (code)
			return code;
	}
	if (!c->quiet)
		printf("DPMS store '%s' ready: schema version %d%s%s%s\n", c->store_path,
		       isms_store_schema_version(c->store), group ? "; readable by group '" : "",
		       group ? group : "", group ? "'" : "");
	return EXIT_OK;
}

int cmd_ropa(struct cli *c, int argc, char **argv)
{
	enum dpms_format fmt = c->fmt == OUT_JSON ? DPMS_FMT_JSON :
			       c->fmt == OUT_CSV ? DPMS_FMT_CSV : DPMS_FMT_MARKDOWN;
	const char *activity = NULL, *output = NULL, *format = NULL;
	size_t missing = 0;
	FILE *out;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl ropa export [--format md|json|csv] [--activity ID] [--output FILE]\n"
	     "       dpmsctl ropa isms-record\n\n"
	     "The records of processing activities (GDPR Art. 30) for a supervisory\n"
	     "authority: every Art. 30(1) field, or 30(2) for activities done as a processor,\n"
	     "with the controller and the data protection officer.  The Markdown document\n"
	     "(default; --json and --csv also work) marks each required field still empty as\n"
	     "MISSING; exit status 0 all the same, and the count is printed on stderr.\n"
	     "isms-record: add the record of isms's own processing (the evidence of logins,\n"
	     "source addresses and file accesses) with its WP248 screening: systematic\n"
	     "monitoring of employees, two criteria, a DPIA required.  Review it.\n");
	if (argc == 2 && strcmp(argv[1], "isms-record") == 0) {
		char *id = NULL;

		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = dpms_isms_record_add(c->store, &id);
		if (r < 0)
			return cli_store_fail(c, r);
		if (c->fmt == OUT_JSON)
			printf("{\"activity\": \"%s\"}\n", id);
		else if (!c->quiet)
			printf("activity '%s' added: isms's own processing; its screening asks for a DPIA"
			       " (dpmsctl due)\n", id);
		free(id);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "export") != 0)
		return cli_usage("ropa", "'ropa' takes export or isms-record");
	code = cli_opts("ropa", argc, argv, 2,
			(const struct cli_opt[]){CLI_OPT("--format", &format),
						 CLI_OPT("--activity", &activity),
						 CLI_OPT("--output", &output),
						 CLI_OPT_END});
	if (code)
		return code;
	if (format && strcmp(format, "md") == 0)
		format = "markdown";
	if (format && strcmp(format, "markdown") == 0)
		fmt = DPMS_FMT_MARKDOWN;
	else if (format && strcmp(format, "json") == 0)
		fmt = DPMS_FMT_JSON;
	else if (format && strcmp(format, "csv") == 0)
		fmt = DPMS_FMT_CSV;
	else if (format)
		return cli_usage("ropa", "--format takes md, json or csv");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	out = open_output(output);
	if (!out)
		return cli_fail(-errno, "cannot write '%s': %s", output, strerror(errno));
	r = dpms_ropa_export(c->store, fmt, activity, out, &missing);
	if (out != stdout && fclose(out) != 0 && r >= 0)
		r = -errno;
	if (r == -ENOENT)
		return cli_fail(r, "activity '%s' not found (see 'dpmsctl activity list')", activity);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		fprintf(stderr, "dpmsctl: %zu required field%s missing\n", missing,
			missing == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_audit_rules(struct cli *c, int argc, char **argv)
{
	const char *output = NULL;
	size_t n = 0;
	FILE *out;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl audit-rules [--output FILE]\n\n"
	     "auditd watch rules for every registered data location of the activities that\n"
	     "are not retired: -w PATH -p rwa -k dpms:ACTIVITY.  Install them as\n"
	     "/etc/audit/rules.d/dpms.rules and load them with augenrules --load;\n"
	     "audisp-isms then brings each access into the DPMS store for 'dpmsctl review'.\n");
	code = cli_opts("audit-rules", argc, argv, 1,
			(const struct cli_opt[]){CLI_OPT("--output", &output), CLI_OPT_END});
	if (code)
		return code;
	code = -cli_open(c, false, false);
	if (code)
		return code;
	out = open_output(output);
	if (!out)
		return cli_fail(-errno, "cannot write '%s': %s", output, strerror(errno));
	r = dpms_audit_rules(c->store, out, &n);
	if (out != stdout && fclose(out) != 0 && r >= 0)
		r = -errno;
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet && out != stdout)
		printf("%zu rule%s written to '%s'\n", n, n == 1 ? "" : "s", output);
	return EXIT_OK;
}

int cmd_dpia_screen(struct cli *c, int argc, char **argv)
{
	const struct isms_entity *se = isms_schema_entity(c->schema, "screening");
	struct isms_kv kv[DPMS_WP248_CRITERIA + 2];
	bool crit[DPMS_WP248_CRITERIA] = {false};
	const char *activity;
	char *id = NULL;
	size_t n = 0, met = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: dpmsctl dpia screen ACTIVITY --criteria N[,N...]\n\n"
	     "Record the DPIA screening of an activity with the nine criteria of the\n"
	     "EDPB-endorsed WP248 guidelines (numbers 1-9, see 'dpmsctl screening add\n"
	     "--help'); two or more: a DPIA is likely required.  Replaces an earlier\n"
	     "screening of the activity.  --criteria none records that none applies.\n");
	if (argc < 4 || strcmp(argv[2], "--criteria") != 0)
		return cli_usage("dpia screen", "needs ACTIVITY --criteria N[,N...]");
	activity = argv[1];
	if (strcmp(argv[3], "none") != 0) {
		for (const char *p = argv[3]; *p;) {
			char *end;
			long k = strtol(p, &end, 10);

			if (end == p || k < 1 || k > DPMS_WP248_CRITERIA || (*end && *end != ','))
				return cli_usage("dpia screen", "--criteria takes numbers 1-9, e.g. 1,4,7");
			crit[k - 1] = true;
			p = *end ? end + 1 : end;
		}
	}
	for (int i = 0; i < DPMS_WP248_CRITERIA; i++) {
		kv[n].name = dpms_wp248_names[i];
		kv[n++].value = crit[i] ? "yes" : "no";
		met += crit[i];
	}
	code = -cli_open(c, true, false);
	if (code)
		return code;
	{
		struct isms_kv f = {"activity", activity};
		struct rows rs = {0};

		r = isms_record_list(c->store, se, &f, 1, rows_cb, &rs);
		if (r >= 0 && rs.n) {
			r = isms_record_change(c->store, se, rs.v[0][0], kv, n);
			id = strdup(rs.v[0][0]);
		} else if (r >= 0) {
			kv[n].name = "activity";
			kv[n++].value = activity;
			r = isms_record_add(c->store, se, kv, n, &id);
		}
		rows_release(&rs);
	}
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"screening\": \"%s\", \"criteria_met\": %zu, \"dpia_likely\": %s}\n", id, met,
		       dpms_dpia_likely(crit) ? "true" : "false");
	else if (!c->quiet)
		printf("screening '%s' of '%s': %zu criteri%s met: %s\n", id, activity, met,
		       met == 1 ? "on" : "a",
		       dpms_dpia_likely(crit) ? "a DPIA is likely required (WP248)" :
						"a DPIA is not indicated by the screening");
	free(id);
	return EXIT_OK;
}
