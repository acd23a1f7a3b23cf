/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMSCTL_H
#define ISMSCTL_H

/* ismsctl's own commands, beside the common ones of cli.h. argv[0] is the command word. */

#include <stdint.h>

#include "cli.h"

int cmd_init(struct cli *c, int argc, char **argv);
int cmd_soa(struct cli *c, int argc, char **argv);
int cmd_overdue(struct cli *c, int argc, char **argv);
int cmd_setting(struct cli *c, int argc, char **argv);
int cmd_budget(struct cli *c, int argc, char **argv);
int cmd_evidence(struct cli *c, int argc, char **argv);
int cmd_risk_matrix(struct cli *c, int argc, char **argv);
int cmd_risk_top(struct cli *c, int argc, char **argv);
int cmd_risk_gaps(struct cli *c, int argc, char **argv);
int cmd_review_due(struct cli *c, int argc, char **argv);
int cmd_matrix(struct cli *c, int argc, char **argv);
int cmd_policy(struct cli *c, int argc, char **argv);
int cmd_indicator_scan(struct cli *c, int argc, char **argv);
int cmd_risk_history(struct cli *c, int argc, char **argv);
int cmd_risk_accept(struct cli *c, int argc, char **argv);
int cmd_risk_revoke(struct cli *c, int argc, char **argv);

/* cmd_assess.c: control tests over the evidence. */
int cmd_assess(struct cli *c, int argc, char **argv);
int cmd_test_attest(struct cli *c, int argc, char **argv);
int cmd_assess_trend(struct cli *c, int argc, char **argv);
/* The zone of local periods: @name, else $TZ, /etc/timezone, UTC; EXIT_OK or the code, printed. */
struct isms_tz;
int cli_zone(const char *name, struct isms_tz **ret);
/*
 * Period @text in zone @zone (as cli_zone()), or the month of @now when
 * @text is NULL, into *ret: EXIT_OK, or the code of the message printed
 * (a usage error of @cmd naming the forms).
 */
struct isms_ctest_period;
int cli_period(const char *cmd, const char *text, const char *zone, int64_t now,
	       struct isms_ctest_period *ret);

/* cmd_nc.c: closing nonconformities on their effectiveness check. */
int cmd_nc_close(struct cli *c, int argc, char **argv);
int cmd_nc_breaches(struct cli *c, int argc, char **argv);
/* cmd_incident.c: the timeline of a security incident (ISO 27001 5.24-5.28). */
int cmd_incident_event(struct cli *c, int argc, char **argv);
int cmd_incident_timeline(struct cli *c, int argc, char **argv);
/* cmd_competence.c: people, roles and valid trainings (7.2). */
int cmd_competence(struct cli *c, int argc, char **argv);
int cmd_history(struct cli *c, int argc, char **argv);
/* cmd_audit.c: the internal audit's sample and findings. */
int cmd_audit_sample(struct cli *c, int argc, char **argv);
int cmd_audit_finding(struct cli *c, int argc, char **argv);
/* cmd_mreview.c: the management review (ISO 27001 9.3). */
int cmd_mreview(struct cli *c, int argc, char **argv);
/* cmd_report.c: the report to the board. */
int cmd_report(struct cli *c, int argc, char **argv);
/* cmd_catalogue.c: OSCAL catalogues, profiles and mappings into the store. */
int cmd_catalogue(struct cli *c, int argc, char **argv);
/* cmd_package.c: Grundschutz++ requirement packages, target object types, inherited protection. */
int cmd_package(struct cli *c, int argc, char **argv);
int cmd_asset_protection(struct cli *c, int argc, char **argv);
/* cmd_package_method.c: the method requirements the store answers itself. */
int cmd_package_method(struct cli *c, int argc, char **argv);
/* cmd_node.c: node status and node enroll (the rest of node is the register's). */
int cmd_node(struct cli *c, int argc, char **argv);
/* cmd_oscal.c: OSCAL documents out of the store. */
int cmd_oscal(struct cli *c, int argc, char **argv);

/* cmd_facts.c: pam_isms's facts snapshot and decision journal. */
int cmd_snapshot(struct cli *c, int argc, char **argv);
int cmd_journal_drain(struct cli *c, int argc, char **argv);
/* Rewrite the facts snapshot of c->store: EXIT_OK or the exit code, with the message printed. */
int cli_refresh_facts(struct cli *c);

#endif
