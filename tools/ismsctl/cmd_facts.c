/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ismsctl snapshot, ismsctl journal drain, and the rewrite of the facts
 * snapshot after every command that wrote to the store: what pam_isms reads
 * and what it leaves for the chain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ismsctl.h"
#include "isms/indicator.h"
#include "isms/journal.h"
#include "isms/snapshot.h"

static int path_of(const struct cli *c, const char *suffix, char *buf, size_t len)
{
	int r = isms_snapshot_path(c->store_path, suffix, buf, len);

	if (r < 0)
		return cli_fail(r, "store path '%s' is too long", c->store_path);
	return 0;
}

static int print_info(const struct cli *c, const char *path, const struct isms_snapshot_info *in)
{
	struct out_table t;
	char gen[32], age[32], users[16], assets[16], bytes[32], id[33];
	const char *row[7] = {path, gen, age, users, assets, bytes, id};
	static const char *const names[] = {"path", "generation", "age", "users", "assets",
					    "bytes", "store_id"};
	int r;

	if (c->quiet && c->fmt == OUT_TABLE)
		return EXIT_OK;
	r = out_table_init(&t, 7);
	if (r < 0)
		return cli_fail(r, "out of memory");
	for (size_t i = 0; i < 7; i++)
		out_table_set_col(&t, i, names[i], i == 0 || i == 6 ? OT_TEXT : OT_INT);
	snprintf(gen, sizeof(gen), "%" PRIu64, in->generation);
	snprintf(age, sizeof(age), "%" PRId64, (int64_t)time(NULL) - in->created);
	snprintf(users, sizeof(users), "%" PRIu32, in->users);
	snprintf(assets, sizeof(assets), "%" PRIu32, in->assets);
	snprintf(bytes, sizeof(bytes), "%zu", in->bytes);
	for (int i = 0; i < 16; i++)
		snprintf(id + 2 * i, 3, "%02x", in->store_id[i]);
	r = out_table_add(&t, row);
	if (r >= 0)
		r = out_print_record(stdout, c->fmt, &t, 0);
	out_table_release(&t);
	return r < 0 ? cli_fail(r, "cannot print: %s", strerror(-r)) : EXIT_OK;
}

int cli_refresh_facts(struct cli *c)
{
	char path[4096];
	int r = path_of(c, ISMS_SNAPSHOT_SUFFIX, path, sizeof(path));

	if (r)
		return r;
	r = isms_snapshot_write(c->store, path, NULL);
	if (r < 0)
		return cli_fail(r, "the store changed but the facts snapshot '%s' was not rewritten"
				   " (%s): logins see the old facts; run '%s snapshot'",
				path, strerror(-r), cli_prog);
	return EXIT_OK;
}

int cmd_snapshot(struct cli *c, int argc, char **argv)
{
	struct isms_snapshot_info info;
	struct isms_snapshot *sn = NULL;
	char path[4096], err[512] = "";
	bool show = false;
	int r, code;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			printf("Usage: %s snapshot [--show]\n\n"
			       "Rewrite the facts snapshot pam_isms decides from (STORE%s): who is\n"
			       "a person and active, who acknowledged which current document version,\n"
			       "the last access reviews, which assets are locked down.  Every %s\n"
			       "command that writes to the store rewrites it too; isms-snapshot.timer\n"
			       "keeps it younger than pam_isms's max_age.  Prints its generation and\n"
			       "age.  --show only reads and checks the snapshot in place.\n",
			       cli_prog, ISMS_SNAPSHOT_SUFFIX, cli_prog);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--show") == 0)
			show = true;
		else
			return cli_usage("snapshot", "unknown argument '%s'", argv[i]);
	}
	code = path_of(c, ISMS_SNAPSHOT_SUFFIX, path, sizeof(path));
	if (code)
		return code;
	if (show) {
		r = isms_snapshot_read(path, 0, &sn, err, sizeof(err));
		if (r < 0)
			return cli_fail(r, "facts snapshot '%s': %s", path, err[0] ? err : strerror(-r));
		isms_snapshot_info(sn, &info);
		isms_snapshot_free(sn);
		return print_info(c, path, &info);
	}
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_snapshot_write(c->store, path, &info);
	if (r < 0)
		return cli_fail(r, "cannot write facts snapshot '%s': %s", path, strerror(-r));
	c->facts_written = true;
	return print_info(c, path, &info);
}

int cmd_journal_drain(struct cli *c, int argc, char **argv)
{
	struct isms_journal_drained d;
	const char *given = NULL;
	char path[4096];
	int r, code;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			printf("Usage: %s journal drain [--journal PATH]\n\n"
			       "Move pam_isms's decision journal (STORE%s) into the evidence chain:\n"
			       "each record once (by its event key, also after a drain was killed),\n"
			       "a damaged stretch as a journal.malformed row, records the journal\n"
			       "could not take (full disk) as a journal.loss row.  audisp-isms drains\n"
			       "it too, as does isms-snapshot.timer.  Then the indicator scan runs\n"
			       "over what came in: a break-glass login opens a nonconformity.\n"
			       "--journal: the journal of a pam_isms line with journal=PATH.\n",
			       cli_prog, ISMS_JOURNAL_SUFFIX);
			return EXIT_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (!(given = cli_opt_value(argc, argv, &i, "--journal")))
			return cli_usage("journal drain", "unknown argument '%s'", argv[i]);
	}
	if (given && snprintf(path, sizeof(path), "%s", given) >= (int)sizeof(path))
		return cli_fail(-ENAMETOOLONG, "journal path too long");
	code = given ? 0 : path_of(c, ISMS_JOURNAL_SUFFIX, path, sizeof(path));
	if (code)
		return code;
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_journal_drain(c->store, path, &d);
	/* What came in counts against the indicators, and a break-glass login
	 * is a nonconformity, as when audisp-isms drains. */
	if (r >= 0)
		r = isms_indicators_scan(c->store, NULL);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"records\":%zu,\"stored\":%zu,\"duplicates\":%zu,\"malformed\":%zu,"
		       "\"refused\":%zu,\"lost\":%" PRIu64 "}\n",
		       d.records, d.stored, d.duplicates, d.malformed, d.refused, d.lost);
	else if (!c->quiet)
		printf("drained %zu records: %zu stored, %zu already there, %zu damaged, %zu refused,"
		       " %" PRIu64 " lost\n",
		       d.records, d.stored, d.duplicates, d.malformed, d.refused, d.lost);
	return EXIT_OK;
}
