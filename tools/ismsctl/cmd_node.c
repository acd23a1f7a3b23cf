/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ismsctl node status and node enroll: the fleet as its evidence shows it,
 * and the audit configuration that enrols a node.  The register commands
 * (add, list, show, change, remove) are the generic ones.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ismsctl.h"
#include "isms/fleet.h"
#include "isms/node.h"
#include "isms/strutil.h"
#include "isms/tz.h"

static const char *const st_cols[] = {
	"node", "status", "asset", "last_recorded", "rows_24h", "impersonations", "apart",
	"skew_max_s", "heartbeat",
	/* --all, --json */
	"last_ts", "connection", "connection_at", "skew_median_s", "skew_rows", "heartbeat_reason",
	"local"};
#define ST_COLS  16
#define ST_BRIEF 9

static int st_row(const struct isms_fleet_node *n, void *ud)
{
	char num[6][24];
	const char *status = !n->registered ? "unregistered" :
			     !n->last_recorded ? "never heard from" :
			     n->local ? "local" : "heard";
	const char *row[ST_COLS] = {
		n->name, status, n->asset, n->last_recorded, num[0], num[1], num[2],
		n->skew_rows ? num[3] : NULL, n->heartbeat, n->last_ts, n->conn_kind, n->conn_at,
		n->skew_rows ? num[4] : NULL, num[5], n->heartbeat_reason,
		n->registered ? (n->local ? "yes" : "no") : NULL};

	snprintf(num[0], sizeof(num[0]), "%" PRId64, n->rows_24h);
	snprintf(num[1], sizeof(num[1]), "%" PRId64, n->impersonations);
	snprintf(num[2], sizeof(num[2]), "%" PRId64, n->apart);
	snprintf(num[3], sizeof(num[3]), "%" PRId64, n->skew_max);
	snprintf(num[4], sizeof(num[4]), "%" PRId64, n->skew_median);
	snprintf(num[5], sizeof(num[5]), "%" PRId64, n->skew_rows);
	return out_table_add(ud, row);
}

static int node_status(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *zone = NULL;
	const struct cli_opt opts[] = {CLI_OPT("--zone", &zone), CLI_OPT_END};
	size_t ncols = c->all || c->fmt != OUT_TABLE ? ST_COLS : ST_BRIEF;
	struct isms_tz *tz = NULL;
	struct out_table t;
	int r, code, from = 1;

	HELP(argc, argv,
	     "Usage: ismsctl node status [NAME] [--zone ZONE]\n\n"
	     "The fleet as its evidence shows it, per registered node: its asset, when\n"
	     "it was last heard from (the latest attributed row: recorded by the\n"
	     "central, and --all: the time the node's clock gave it), its attributed\n"
	     "rows of the last 24 h, its impersonations (fleet.impersonation rows: a\n"
	     "sender not registered for it claimed its name, one per reason and\n"
	     "connection; the rows quarantined are no node's), the rows kept apart\n"
	     "in its name, the latest fleet.connect or fleet.disconnect, its clock\n"
	     "against the central's (ts - recorded over\n"
	     "its latest 1000 attributed rows, in seconds: skew_max, the least\n"
	     "delayed row, estimates the skew, positive when the node is ahead;\n"
	     "skew_median with --all) and the verdict of the test\n"
	     "audit-trail-heartbeat over its current period (a registered node never\n"
	     "heard from fails it).  Then the names seen only in rows kept apart,\n"
	     "status 'unregistered' ('ismsctl node add' enrols one).  --zone: the\n"
	     "zone of the test's period (default $TZ, /etc/timezone, UTC).\n");
	if (argc > 1 && argv[1][0] != '-') {
		name = argv[1];
		from = 2;
	}
	code = cli_opts("node status", argc, argv, from, opts);
	if (code)
		return code;
	code = cli_zone(zone, &tz);
	if (code)
		return code;
	code = -cli_open(c, false, false);
	if (code) {
		isms_tz_free(tz);
		return code;
	}
	r = out_table_init(&t, ncols);
	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(&t, k, st_cols[k],
				      (k >= 4 && k <= 7) || k == 12 || k == 13 ? OT_INT : OT_TEXT);
	if (r >= 0)
		r = isms_fleet_status(c->store, name, (int64_t)time(NULL), tz, st_row, &t);
	if (r >= 0)
		r = name ? out_print_record(stdout, c->fmt, &t, 0) : out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	isms_tz_free(tz);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

static int node_enroll(struct cli *c, int argc, char **argv)
{
	const char *central = NULL, *port = NULL, *transport = NULL, *dir = NULL, *cprinc = NULL;
	const struct cli_opt opts[] = {CLI_OPT("--central", &central), CLI_OPT("--port", &port),
				       CLI_OPT("--transport", &transport), CLI_OPT("--write", &dir),
				       CLI_OPT("--central-principal", &cprinc), CLI_OPT_END};
	struct isms_fleet_enrol e = {.port = 60};
	struct isms_fleet_file f[ISMS_FLEET_FILES];
	struct isms_node_registry *reg = NULL;
	const struct isms_node *n;
	char err[512];
	int64_t p;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl node enroll NAME --central ADDRESS [--port 60]\n"
	     "                           [--transport tcp|krb5] [--central-principal P]\n"
	     "                           [--write DIR]\n\n"
	     "The audit configuration that enrols the registered node NAME: on the node,\n"
	     "/etc/audit/audisp-remote.conf (to the central at ADDRESS, an IP address or\n"
	     "host name, port --port, default 60), /etc/audit/plugins.d/au-remote.conf\n"
	     "and the auditd.conf lines that make its records say node=NAME; on the\n"
	     "central, the auditd.conf lines that listen for the nodes and hand their\n"
	     "records to audisp-isms, and the plugin's conf.  --transport krb5: the\n"
	     "GSSAPI transport, with the node's registered principal and the central's\n"
	     "(--central-principal, default auditd/ADDRESS).  Printed under a header\n"
	     "naming each file; --write DIR writes them as new files under DIR (mode\n"
	     "0644), refusing to overwrite any (see doc/fleet.md).\n");
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage("node enroll", "give the NAME of a registered node");
	e.node = argv[1];
	code = cli_opts("node enroll", argc, argv, 2, opts);
	if (code)
		return code;
	if (!central)
		return cli_usage("node enroll", "give --central ADDRESS (the central's address or"
						" host name)");
	if (port && (strspn(port, "0123456789") != strlen(port) || isms_parse_int64(port, &p) < 0 ||
		     p < 1 || p > 65535))
		return cli_usage("node enroll", "--port: '%.32s' is not a port (1..65535)", port);
	if (port)
		e.port = (unsigned)p;
	if (transport && strcmp(transport, "krb5") == 0)
		e.transport = ISMS_FLEET_KRB5;
	else if (transport && strcmp(transport, "tcp") != 0)
		return cli_usage("node enroll", "--transport: '%.32s' is neither tcp nor krb5",
				 transport);
	e.central = central;
	e.central_principal = cprinc;
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_node_registry_load(c->store, &reg);
	if (r < 0)
		return cli_store_fail(c, r);
	n = isms_node_find(reg, e.node);
	if (!n) {
		isms_node_registry_free(reg);
		fprintf(stderr, "ismsctl: node '%.64s' is not registered (register it first:"
				" 'ismsctl node add --name NAME --addresses ADDR')\n", argv[1]);
		return EXIT_NOTFOUND;
	}
	e.principal = n->principal;
	r = isms_fleet_enrol_files(&e, f, err, sizeof(err));
	isms_node_registry_free(reg);
	if (r == -EINVAL) {
		fprintf(stderr, "ismsctl: node enroll: %s\n", err);
		return EXIT_INVALID;
	}
	if (r < 0)
		return cli_fail(r, "node enroll: %s", strerror(-r));
	if (dir) {
		r = isms_fleet_write_files(dir, f, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "ismsctl: node enroll: %s\n", err);
			code = r == -EEXIST ? EXIT_CONFLICT : r == -ENOENT ? EXIT_NOTFOUND :
			       r == -EACCES || r == -EPERM || r == -ELOOP || r == -ENOTDIR ? EXIT_ACCESS :
			       EXIT_FAIL;
		} else if (!c->quiet) {
			for (size_t i = 0; i < ISMS_FLEET_FILES; i++)
				printf("%s/%s: %s %s\n", dir, f[i].name,
				       f[i].whole ? "the file" : "lines for", f[i].target);
		}
	} else {
		for (size_t i = 0; i < ISMS_FLEET_FILES; i++)
			printf("%s==> %s %s (%s) <==\n%s", i ? "\n" : "", i < 3 ? "node" : "central",
			       f[i].target, f[i].whole ? "the whole file" : "lines to set",
			       f[i].text);
	}
	isms_fleet_files_release(f);
	return code;
}

int cmd_node(struct cli *c, int argc, char **argv)
{
	/* argv[0] is the subcommand word (cli.c dispatches "node status" here) */
	if (strcmp(argv[0], "status") == 0)
		return node_status(c, argc, argv);
	if (strcmp(argv[0], "enroll") == 0)
		return node_enroll(c, argc, argv);
	return cli_usage("node", "unknown subcommand '%s'", argv[0]);
}
