/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DPMSCTL_H
#define DPMSCTL_H

/* dpmsctl's own commands (cmd_dpms.c), beside the common ones of cli.h. */

#include "cli.h"

int cmd_dpms_init(struct cli *c, int argc, char **argv);
int cmd_ropa(struct cli *c, int argc, char **argv);
int cmd_audit_rules(struct cli *c, int argc, char **argv);
int cmd_request_due(struct cli *c, int argc, char **argv);
int cmd_breach_due(struct cli *c, int argc, char **argv);
int cmd_due(struct cli *c, int argc, char **argv);
int cmd_toms(struct cli *c, int argc, char **argv);
int cmd_review(struct cli *c, int argc, char **argv);
int cmd_finding_breach(struct cli *c, int argc, char **argv);
int cmd_retention(struct cli *c, int argc, char **argv);
int cmd_dpia_screen(struct cli *c, int argc, char **argv);

#endif
