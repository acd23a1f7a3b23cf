/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl init: a new store with the catalogues and the default matrix. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "ismsctl.h"
#include "isms/assess.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/modelling.h"
#include "isms/ingest.h"
#include "isms/risk.h"
#include "isms/spool.h"
#include "report.h"

/* --- init ---------------------------------------------------------------- */

int cmd_init(struct cli *c, int argc, char **argv)
{
	const char *dir = getenv("ISMS_DATA_DIR");
	const char *org = NULL, *key = ISMS_EVIDENCE_KEY_DEFAULT, *group = NULL;
	char path[4096], *err = NULL;
	bool keyed = false;
	int nctl, nannex, nthr, ntest, ntypes, code;

	HELP(argc, argv,
	     "Usage: ismsctl init [--data-dir DIR] [--organisation NAME] [--keyed [--key PATH]]\n"
	     "                    [--group NAME]\n\n"
	     "Create the store (mode 0600, its directory 0700) if it does not exist,\n"
	     "migrate it to this build's schema, and load the ISO/IEC 27001:2022 Annex A\n"
	     "catalogue (into the register, and as the catalogue '" ISMS_ANNEX_A_NAME "' for\n"
	     "'ismsctl catalogue'), the BSI elementary threats, the built-in control\n"
	     "tests and the BSI's target object types (Grundschutz++) from DIR (default\n"
	     "$ISMS_DATA_DIR, else " ISMS_DATADIR ").  Running it again\n"
	     "refreshes the catalogues and the built-in tests not changed by hand, and\n"
	     "keeps the Statement of Applicability.  --keyed then keys the evidence chain as\n"
	     "'ismsctl key init' does (key default " ISMS_EVIDENCE_KEY_DEFAULT ").\n"
	     "--group lets the members of group NAME (auditors) read the store: its\n"
	     "directory, which must hold only the store, becomes 2750 and the store 0640,\n"
	     "of that group.  Writes stay root's.\n");
	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--data-dir")))
			dir = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--organisation")))
			org = v;
		else if (strcmp(argv[i], "--keyed") == 0)
			keyed = true;
		else if ((v = cli_opt_value(argc, argv, &i, "--key")))
			key = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--group")))
			group = v;
		else
			return cli_usage("init", "unknown argument '%s'", argv[i]);
	}
	/* Never the source tree: an installed ismsctl must not depend on where
	 * it was built (a build tree's runs set ISMS_DATA_DIR: meson devenv). */
	if (!dir || !dir[0])
		dir = ISMS_DATADIR;
	code = -cli_open(c, true, true);
	if (code)
		return code;
	snprintf(path, sizeof(path), "%s/annex-a-2022.json", dir);
	nctl = isms_catalogue_load_controls(c->store, path, &err);
	nannex = nctl;
	if (nctl < 0) {
		code = cli_fail(nctl, "%s (set --data-dir or ISMS_DATA_DIR)", err ? err : strerror(-nctl));
		free(err);
		return code;
	}
	snprintf(path, sizeof(path), "%s/annex-a-2022.json", dir);
	nctl = isms_catalogue_load_annex_a(c->store, path, (int64_t)time(NULL), &err);
	if (nctl == -EEXIST) {
		/* the user's own catalogue of that name: theirs to keep */
		cli_warn("%s, ignoring", err);
		free(err);
		err = NULL;
	} else if (nctl < 0) {
		code = cli_fail(nctl, "%s (set --data-dir or ISMS_DATA_DIR)", err ? err : strerror(-nctl));
		free(err);
		return code;
	}
	snprintf(path, sizeof(path), "%s/bsi-elementary-threats.json", dir);
	nthr = isms_catalogue_load_threats(c->store, path, &err);
	if (nthr < 0) {
		code = cli_fail(nthr, "%s (set --data-dir or ISMS_DATA_DIR)", err ? err : strerror(-nthr));
		free(err);
		return code;
	}
	snprintf(path, sizeof(path), "%s/control-tests.json", dir);
	ntest = isms_assess_load_builtin(c->store, path, &err);
	if (ntest < 0) {
		code = cli_fail(ntest, "%s (set --data-dir or ISMS_DATA_DIR)",
				err ? err : strerror(-ntest));
		free(err);
		return code;
	}
	snprintf(path, sizeof(path), "%s/bsi-grundschutz-plusplus/target_object_categories.csv", dir);
	ntypes = isms_model_types_load(c->store, path, &err);
	if (ntypes < 0) {
		code = cli_fail(ntypes, "%s (set --data-dir or ISMS_DATA_DIR)",
				err ? err : strerror(-ntypes));
		free(err);
		return code;
	}
	if (org) {
		int r = isms_setting_apply(c->store, "organisation", org);

		if (r < 0)
			return cli_store_fail(c, r);
	}
	if (group) {
		code = cli_share(c, group);
		if (code)
			return code;
	}
	if (!c->quiet)
		printf("store '%s' ready: schema version %d, %d Annex A controls, %d threats,"
		       " %d built-in control tests, %d target object types%s%s%s\n",
		       c->store_path, isms_store_schema_version(c->store), nannex, nthr, ntest, ntypes,
		       group ? "; readable by group '" : "", group ? group : "", group ? "'" : "");
	if (keyed)
		return cli_key_init(c, key);
	return EXIT_OK;
}
