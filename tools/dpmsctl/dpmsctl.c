/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpmsctl: the data protection officer's command line.  Its commands and help; the shell is cli.c. */
#include <stdio.h>

#include "config.h"
#include "dpmsctl.h"
#include "dpms.h"
#include "isms/entity.h"


static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dpmsctl [--store PATH] [--json | --csv] [--all] COMMAND [ARGS]\n"
		"\n"
		"The data protection management system: the register of processing (GDPR\n"
		"Art. 30), DPIA, data subject requests, breaches, retention, and the review of\n"
		"who touched personal data on this host.  A store of its own, for the DPO.\n"
		"\n"
		"Register (each: list, show KEY, add, set KEY, remove KEY):\n");
	for (size_t i = 0; dpms_schema.entities[i]; i++)
		fprintf(f, "  %-12s %s\n", dpms_schema.entities[i]->name, dpms_schema.entities[i]->help);
	fprintf(f,
		"\n"
		"Commands:\n"
		"  init             create the DPMS store\n"
		"  import FILE      load a JSON document of records (all or nothing)\n"
		"  ropa export      the records of processing for a supervisory authority (md, json, csv)\n"
		"  ropa isms-record add the record of isms's own processing, with its screening\n"
		"  audit-rules      auditd rules watching the registered data locations\n"
		"  review run       open findings for accesses by unauthorised people or out of hours\n"
		"  review summary   accesses and findings per activity or person\n"
		"  finding breach F open a breach from an unjustified finding\n"
		"  dpia screen A    record the WP248 screening of an activity\n"
		"  request due      open data subject requests, overdue first (Art. 12(3))\n"
		"  breach due       open breaches and their 72 hours (Art. 33)\n"
		"  due              requests, breaches, DPIAs and Art. 28 contracts due, in one list\n"
		"  toms check       the TOMs' ISMS measures and controls, checked in the ISMS store\n"
		"  retention check  files kept past their erasure limit (--delete to erase)\n"
		"  verify           check the access evidence's hash chain (--anchor, --key, --archive)\n"
		"  check            read and check every page of the store (--full)\n"
		"  evidence retention  how long access records stay (list, set, remove)\n"
		"  evidence archive move old access records into an archive file\n"
		"  evidence pseudonymise  pseudonyms for old access records\n"
		"  archive verify   check evidence archives without the store\n"
		"  anchor           print and log an anchor of the chain's head\n"
		"  key              key the evidence chain with an HMAC key (init, show)\n"
		"\n"
		"Options:\n"
		"  --store PATH     the store (default: $DPMS_STORE, else %s)\n"
		"  --json, --csv    machine-readable output\n"
		"  --all            every field in tables\n"
		"  --busy-ms N      how long to wait for a locked store (default 5000)\n"
		"  -q, --quiet      no confirmations\n"
		"  --color=WHEN     colour levels and statuses: auto (a terminal, unless\n"
		"                   $NO_COLOR is set), never, always\n"
		"  --no-pager       no pager for long output (else $ISMS_PAGER, $PAGER,\n"
		"                   less -FRX)\n"
		"  --version, --help\n"
		"\n"
		"'dpmsctl COMMAND --help' describes each command; see dpmsctl(8).\n",
		DPMS_DEFAULT_STORE);
}

/* The access evidence: its lifecycle, else the generic list and show. */
static int cmd_evidence(struct cli *c, int argc, char **argv)
{
	int lc = cmd_evidence_lifecycle(c, argc, argv);

	return lc >= 0 ? lc : cmd_record(c, argc, argv);
}

static const struct cli_command commands[] = {
	{"init", NULL, cmd_dpms_init},
	{"import", NULL, cmd_import},
	{"ropa", NULL, cmd_ropa},
	{"audit-rules", NULL, cmd_audit_rules},
	{"review", NULL, cmd_review},
	{"finding", "breach", cmd_finding_breach},
	{"dpia", "screen", cmd_dpia_screen},
	{"request", "due", cmd_request_due},
	{"breach", "due", cmd_breach_due},
	{"due", NULL, cmd_due},
	{"toms", NULL, cmd_toms},
	{"retention", NULL, cmd_retention},
	{"verify", NULL, cmd_verify},
	{"check", NULL, cmd_check},
	{"anchor", NULL, cmd_anchor},
	{"key", NULL, cmd_key},
	{"evidence", NULL, cmd_evidence},
	{"archive", NULL, cmd_archive},
};

int main(int argc, char **argv)
{
	bool legacy = false;
	struct cli_tool tool = {
		.name = "dpmsctl",
		.schema = &dpms_schema,
		.store_env = "DPMS_STORE",
		.default_store = dpms_default_store(&legacy),
		.commands = commands,
		.ncommands = sizeof(commands) / sizeof(commands[0]),
		.records = cmd_record,
		.usage = usage,
	};

	if (legacy)
		tool.default_note = "the DPMS store is still at '" DPMS_LEGACY_STORE "'; its place is"
				    " now '" DPMS_DEFAULT_STORE "' (dpmsctl(8), FILES, says how to move it)";
	return cli_main(argc, argv, &tool);
}
