/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl evidence (add, list, ingest, drain) and the live indicators. */
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
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/evidence.h"
#include "isms/indicator.h"
#include "isms/ingest.h"
#include "isms/risk.h"
#include "isms/spool.h"
#include "isms/writer.h"
#include "report.h"

/* --- evidence -------------------------------------------------------------- */

int cmd_evidence(struct cli *c, int argc, char **argv)
{
	int lc = cmd_evidence_lifecycle(c, argc, argv);

	if (lc >= 0)
		return lc;
	if (argc >= 2 && strcmp(argv[1], "add") == 0) {
		struct isms_evidence ev = {.source = "ismsctl"};
		int64_t id;
		int r, code;

		HELP(argc, argv,
		     "Usage: ismsctl evidence add --kind KIND [--control ID] [--asset NAME]\n"
		     "         [--node HOST] [--subject WHO] [--outcome TEXT] [--details JSON]\n"
		     "         [--ts TIME]\n\n"
		     "Record evidence gathered by hand (a management review held, a drill\n"
		     "run).  It joins the hash chain and can never be changed.  The control\n"
		     "must be one of the catalogue and the asset one of the register; --node\n"
		     "names the host the row comes from (default this host), registered or not.\n");
		for (int i = 2; i < argc; i++) {
			const char *v;

			if ((v = cli_opt_value(argc, argv, &i, "--kind")))
				ev.kind = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--control")))
				ev.control = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--asset")))
				ev.asset = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--node")))
				ev.node = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--subject")))
				ev.subject = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--outcome")))
				ev.outcome = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--details")))
				ev.details = v;
			else if ((v = cli_opt_value(argc, argv, &i, "--ts")))
				ev.ts = v;
			else
				return cli_usage("evidence add", "unknown argument '%s'", argv[i]);
		}
		if (!ev.kind)
			return cli_usage("evidence add", "'evidence add' needs --kind");
		code = -cli_open(c, true, false);
		if (code)
			return code;
		/* A control is of the catalogue and an asset of the register: a typo
		 * would tie the row to nothing, for ever.  A host not registered (yet)
		 * is named with --node, as collectors' rows name theirs. */
		if (ev.control) {
			r = isms_record_get(c->store, isms_schema_entity(c->schema, "control"), ev.control,
					    NULL, NULL);
			if (r == -ENOENT)
				return cli_fail(r, "no control '%s' (see 'ismsctl control list')",
						ev.control);
			if (r < 0)
				return cli_store_fail(c, r);
		}
		if (ev.asset) {
			r = isms_record_get(c->store, isms_schema_entity(c->schema, "asset"), ev.asset,
					    NULL, NULL);
			if (r == -ENOENT)
				return cli_fail(r,
						"no asset '%s' in the register (see 'ismsctl asset list';"
						" --node HOST names a host not registered)",
						ev.asset);
			if (r < 0)
				return cli_store_fail(c, r);
		}
		{
			struct isms_writer *w = NULL;

			/* Through the evidence writer: the rules of every writer. */
			r = isms_writer_new_on(c->store, NULL, &w);
			if (r >= 0)
				r = isms_writer_append(w, &ev, &id);
			isms_writer_free(w);
		}
		if (r < 0)
			return cli_store_fail(c, r);
		if (c->fmt == OUT_JSON)
			printf("{\"id\": %" PRId64 "}\n", id);
		else if (!c->quiet)
			printf("evidence %" PRId64 " recorded\n", id);
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "counters") == 0) {
		static const char *const sources[] = {"audisp-isms", NULL};
		struct out_table t;
		int r, code;

		HELP(argc, argv,
		     "Usage: ismsctl evidence counters\n\n"
		     "What each collector received and what became of it: stored, filtered by\n"
		     "configuration, duplicates (replays, restarts, records already stored by\n"
		     "pam_isms), malformed (kept as audit.malformed evidence), spooled.\n"
		     "received = stored + filtered + duplicates + malformed.  The counters are\n"
		     "written in the same transactions as the evidence.\n");
		code = -cli_open(c, false, false);
		if (code)
			return code;
		r = out_table_init(&t, 1 + ISMS_CTR_MAX);
		if (r >= 0)
			r = out_table_set_col(&t, 0, "source", OT_TEXT);
		for (int k = 0; r >= 0 && k < ISMS_CTR_MAX; k++)
			r = out_table_set_col(&t, (size_t)k + 1, isms_counter_name((enum isms_counter)k), OT_INT);
		for (size_t i = 0; r >= 0 && sources[i]; i++) {
			int64_t v[ISMS_CTR_MAX];
			char num[ISMS_CTR_MAX][24];
			const char *row[1 + ISMS_CTR_MAX];

			r = isms_ingest_read_counters(c->store, sources[i], v);
			row[0] = sources[i];
			for (int k = 0; k < ISMS_CTR_MAX; k++) {
				snprintf(num[k], sizeof(num[k]), "%lld", (long long)v[k]);
				row[k + 1] = num[k];
			}
			if (r >= 0)
				r = out_table_add(&t, row);
		}
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
		return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "drain") == 0) {
		const char *dir = ISMS_STATEDIR "/spool";
		size_t done = 0;
		int r, code;

		HELP(argc, argv,
		     "Usage: ismsctl evidence drain [--spool DIR]\n\n"
		     "Move evidence that pam_isms or audisp-isms spooled while the store was\n"
		     "unavailable (default " ISMS_STATEDIR "/spool) into the chain.  Safe to repeat:\n"
		     "a piece already stored is not stored twice.  pam_isms drains it too, at the\n"
		     "next decision that reaches the store.\n");
		for (int i = 2; i < argc; i++) {
			const char *v;

			if ((v = cli_opt_value(argc, argv, &i, "--spool")))
				dir = v;
			else
				return cli_usage("evidence", "unknown argument '%s'", argv[i]);
		}
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_spool_drain(c->store, dir, SIZE_MAX, &done);
		if (r < 0)
			return r == -EPERM ? cli_fail(r, "spool '%s' is not owned by this user or is group/world-writable", dir) :
					     cli_store_fail(c, r);
		if (c->fmt == OUT_JSON)
			printf("{\"drained\": %zu}\n", done);
		else if (!c->quiet)
			printf("%zu spooled evidence record%s stored\n", done, done == 1 ? "" : "s");
		return EXIT_OK;
	}
	if (argc == 2 && cli_is_help(argv[1])) {
		/* The generic help knows list and show only. */
		cmd_record(c, argc, argv);
		printf("\nAlso:  ismsctl evidence add --kind KIND ...   record evidence by hand\n"
		       "       ismsctl evidence drain [--spool DIR]   store what pam_isms spooled\n"
		       "       ismsctl evidence counters              what each collector received\n"
		       "       ismsctl evidence retention list|set|remove  how long kinds stay\n"
		       "       ismsctl evidence archive --to FILE [--before DATE]  move old rows out\n"
		       "       ismsctl evidence pseudonymise --before DATE  pseudonyms for old rows\n"
		       "See 'ismsctl evidence add --help' and the others.\n");
		return EXIT_OK;
	}
	return cmd_record(c, argc, argv);
}

/* --- live indicators --------------------------------------------------------- */

int cmd_indicator_scan(struct cli *c, int argc, char **argv)
{
	size_t crossed = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl indicator scan\n\n"
	     "Count the evidence written since the last scan against every indicator and\n"
	     "raise the likelihood of the risks whose indicators crossed their threshold.\n"
	     "audisp-isms does this after every batch; run it by hand after imports or\n"
	     "when only pam_isms writes evidence.  See 'ismsctl risk history'.\n");
	if (argc != 1)
		return cli_usage("indicator scan", "takes no arguments");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_indicators_scan(c->store, &crossed);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"crossed\": %zu}\n", crossed);
	else if (!c->quiet)
		printf("%zu indicator crossing%s\n", crossed, crossed == 1 ? "" : "s");
	return EXIT_OK;
}
