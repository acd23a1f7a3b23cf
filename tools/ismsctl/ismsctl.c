/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl: the security officer's command line.  Its commands and help; the shell is cli.c. */
#include <stdio.h>

#include "config.h"
#include "ismsctl.h"
#include "isms/entity.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ismsctl [--store PATH] [--json | --csv] [--all] COMMAND [ARGS]\n"
		"\n"
		"The ISMS register on this host: scope, assets, risks, controls, measures,\n"
		"reviews, people, documents, and tamper-evident evidence.\n"
		"\n"
		"Register (each: list, show KEY [--at TIME], add, set KEY, remove KEY):\n");
	for (size_t i = 0; isms_entities[i]; i++)
		fprintf(f, "  %-14s %s\n", isms_entities[i]->name, isms_entities[i]->help);
	fprintf(f, "  (node status, node enroll N: the fleet's evidence and a node's set-up)\n");
	fprintf(f,
		"\n"
		"Reports and upkeep:\n"
		"  init             create the store and load the Annex A and BSI catalogues\n"
		"  import FILE      load a JSON document, or CSV with --type (all or nothing)\n"
		"  export           print the register as a JSON document for import\n"
		"  history KEY      who added, changed or removed a record, and what it said\n"
		"  risk matrix      the risk matrix with the number of risks in each cell;\n"
		"                   'risk matrix define likelihood|impact|level NAME TEXT'\n"
		"                   says what a value or level means\n"
		"  risk gaps        assets with a high or very high protection requirement\n"
		"                   and no risk analysis (BSI 200-3)\n"
		"  risk top         the highest risks\n"
		"  risk history R   what live indicators changed in a risk, and why\n"
		"  risk accept R    management accepts a risk (--by, --until, --conditions)\n"
		"  risk revoke R    management revokes a risk's acceptance\n"
		"  indicator scan   count new evidence against the live risk indicators\n"
		"  soa              the Statement of Applicability, claimed and observed\n"
		"  soa propose      freeze the SoA as a draft version SOA-n (--by PERSON)\n"
		"  soa approve S    approve a SoA version (management, not the proposer)\n"
		"  soa versions     the SoA's versions, approved and superseded\n"
		"  soa show S       the SoA as version S froze it\n"
		"  soa show CONTROL a control and the Grundschutz++ requirements behind it\n"
		"  assess           run the control tests over the evidence of a period\n"
		"  assess trend     each test's results over its last periods\n"
		"  test attest T    record a manual attestation for a control test\n"
		"  nc close NC      close a nonconformity whose effectiveness check passes\n"
		"  nc breaches      open nonconformities for the DPO's personal data breaches\n"
		"  incident event I add an event to the timeline of incident I\n"
		"  incident timeline I  incident I's moments and events, in order\n"
		"  competence       people, their roles and valid trainings (7.2)\n"
		"  audit sample     draw a reproducible random sample of a control's evidence\n"
		"  audit finding A  record a finding of audit A as a nonconformity\n"
		"  management-review the management review: inputs, record, decide, approve\n"
		"  review due       reviews overdue or due soon\n"
		"  overdue          everything overdue: reviews, measures, documents,\n"
		"                   acceptances, nonconformities, audits, context\n"
		"                   reviews, objectives, expired trainings; decisions\n"
		"                   missing: appointments, document versions and risk\n"
		"                   treatment plans not approved; warns of assets\n"
		"                   without a risk analysis\n"
		"  budget           the security budget against the cost of measures\n"
		"  report           the report to the board of a period (html, md, json)\n"
		"  catalogue        import, list, show, map OSCAL catalogues (Grundschutz++)\n"
		"  oscal export     OSCAL 1.1.3 documents: ssp, assessment-results, poam,\n"
		"                   catalog\n"
		"  matrix           show or load the risk matrix definition\n"
		"  setting          list or set settings (organisation, budget, acceptance,\n"
		"                   protection.high, protection.very_high)\n"
		"  evidence         list or add evidence; retention, archive\n"
		"  archive verify   check evidence archives without the store\n"
		"  verify           check the evidence hash chain (--anchor, --key, --archive)\n"
		"  check            read and check every page of the store (--full)\n"
		"  anchor           print and log an anchor of the chain's head\n"
		"  key              key the evidence chain with an HMAC key (init, show)\n"
		"  policy check     validate the pam_isms access policy\n"
		"  policy test      explain the decision for a login, without logging in\n"
		"  snapshot         rewrite the facts snapshot pam_isms decides from\n"
		"  journal drain    move pam_isms's decision journal into the evidence chain\n"
		"\n"
		"Options:\n"
		"  --store PATH     the store (default: $ISMS_STORE, else %s)\n"
		"  --json, --csv    machine-readable output\n"
		"  --all            every field in tables\n"
		"  --busy-ms N      how long to wait for a locked store (default 5000)\n"
		"  -q, --quiet      no confirmations\n"
		"  --version, --help\n"
		"\n"
		"'ismsctl COMMAND --help' describes each command; see ismsctl(8).\n",
		ISMS_DEFAULT_STORE);
}

static const struct cli_command commands[] = {
	{"init", NULL, cmd_init},
	{"import", NULL, cmd_import},
	{"export", NULL, cmd_export},
	{"history", NULL, cmd_history},
	{"verify", NULL, cmd_verify},
	{"check", NULL, cmd_check},
	{"anchor", NULL, cmd_anchor},
	{"key", NULL, cmd_key},
	{"soa", NULL, cmd_soa},
	{"assess", "trend", cmd_assess_trend},
	{"assess", NULL, cmd_assess},
	{"test", "attest", cmd_test_attest},
	{"nc", "close", cmd_nc_close},
	{"nonconformity", "close", cmd_nc_close},
	{"nc", "breaches", cmd_nc_breaches},
	{"nonconformity", "breaches", cmd_nc_breaches},
	{"incident", "event", cmd_incident_event},
	{"incident", "timeline", cmd_incident_timeline},
	{"competence", NULL, cmd_competence},
	{"audit", "sample", cmd_audit_sample},
	{"audit", "finding", cmd_audit_finding},
	{"management-review", NULL, cmd_mreview},
	{"overdue", NULL, cmd_overdue},
	{"setting", NULL, cmd_setting},
	{"settings", NULL, cmd_setting},
	{"budget", NULL, cmd_budget},
	{"report", NULL, cmd_report},
	{"catalogue", NULL, cmd_catalogue},
	{"package", NULL, cmd_package},
	{"asset", "protection", cmd_asset_protection},
	{"node", "status", cmd_node},
	{"node", "enroll", cmd_node},
	{"oscal", NULL, cmd_oscal},
	{"matrix", NULL, cmd_matrix},
	{"policy", NULL, cmd_policy},
	{"risk", "matrix", cmd_risk_matrix},
	{"risk", "top", cmd_risk_top},
	{"risk", "gaps", cmd_risk_gaps},
	{"risk", "history", cmd_risk_history},
	{"risk", "accept", cmd_risk_accept},
	{"risk", "revoke", cmd_risk_revoke},
	{"indicator", "scan", cmd_indicator_scan},
	{"review", "due", cmd_review_due},
	{"evidence", NULL, cmd_evidence},
	{"snapshot", NULL, cmd_snapshot},
	{"journal", "drain", cmd_journal_drain},
	{"archive", NULL, cmd_archive},
};

int main(int argc, char **argv)
{
	static const struct cli_tool tool = {
		.name = "ismsctl",
		.schema = &isms_schema_main,
		.store_env = "ISMS_STORE",
		.default_store = ISMS_DEFAULT_STORE,
		.commands = commands,
		.ncommands = sizeof(commands) / sizeof(commands[0]),
		.records = cmd_record,
		.usage = usage,
		.after_write = cli_refresh_facts,
	};

	return cli_main(argc, argv, &tool);
}
