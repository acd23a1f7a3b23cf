/* SPDX-License-Identifier: GPL-2.0-or-later */
/* 'nc close': a nonconformity ends only on an effectiveness check that passes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "dpms.h"
#include "ismsctl.h"
#include "isms/nonconformity.h"

int cmd_nc_close(struct cli *c, int argc, char **argv)
{
	struct isms_nc_check chk = {.now = (int64_t)time(NULL)};
	const char *id = NULL;
	char *reason = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl nc close NC [--verified-by PERSON --note TEXT]\n\n"
	     "Close nonconformity NC once its effectiveness check passes (ISO 27001\n"
	     "10.2 d).  With an effectiveness test, that test's latest result over a\n"
	     "whole period beginning after the one that failed (or after the opening)\n"
	     "must be pass; a fail is recorded as 'ineffective' and NC stays open.\n"
	     "Without one, PERSON, who is not its responsible, attests what they\n"
	     "checked.  The closing is recorded in the evidence chain.  Exit status 1\n"
	     "when the check does not pass, with the reason.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--verified-by")))
			chk.verified_by = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--note")))
			chk.note = v;
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return cli_usage("nc close", "unknown argument '%s'", argv[i]);
	}
	if (!id)
		return cli_usage("nc close", "'nc close' needs the nonconformity's id");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_nc_close(c->store, id, &chk, &reason);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(id));
		json_object_object_add(o, "closed", json_object_new_boolean(r));
		if (reason)
			json_object_object_add(o, "reason", json_object_new_string(reason));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (r) {
		if (!c->quiet)
			printf("nonconformity '%s' closed: its corrective action is effective\n", id);
	} else {
		fprintf(stderr, "%s: nonconformity '%s' not closed: %s\n", cli_prog, id, reason);
	}
	free(reason);
	return r ? EXIT_OK : EXIT_FAIL;
}

/* 'nc breaches': the DPO's breaches as nonconformities of the ISMS. */
int cmd_nc_breaches(struct cli *c, int argc, char **argv)
{
	struct isms_store *dp = NULL;
	struct dpms_breach_ncs res;
	const char *path = NULL;
	char *err = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl nc breaches [--dpms-store PATH]\n\n"
	     "Open a nonconformity (source breach, control 5.34, major for a high risk)\n"
	     "for each personal data breach of the DPMS store (default: dpmsctl's) that\n"
	     "never had one.  The DPMS store is only read.  Run it after 'dpmsctl\n"
	     "breach add' or 'finding breach', or from a timer.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--dpms-store")))
			path = v;
		else
			return cli_usage("nc breaches", "unknown argument '%s'", argv[i]);
	}
	if (!path)
		path = dpms_default_store(NULL);
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_store_open_schema(path, &dpms_schema, ISMS_STORE_READONLY, c->busy_ms, &dp, &err);
	if (r < 0) {
		code = cli_fail(r, "DPMS store '%s': %s", path, err ? err : strerror(-r));
		free(err);
		return code;
	}
	r = dpms_breaches_to_isms(c->store, dp, &res);
	if (r < 0) {
		code = cli_fail(r, "%s", isms_store_errmsg(c->store));
		isms_store_free(dp);
		return code;
	}
	isms_store_free(dp);
	if (c->fmt == OUT_JSON)
		printf("{\"breaches\": %zu, \"opened\": %zu}\n", res.breaches, res.opened);
	else if (!c->quiet)
		printf("%zu breach%s in the DPMS store: %zu nonconformit%s opened\n", res.breaches,
		       res.breaches == 1 ? "" : "es", res.opened, res.opened == 1 ? "y" : "ies");
	return EXIT_OK;
}
