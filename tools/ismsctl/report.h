/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMSCTL_REPORT_H
#define ISMSCTL_REPORT_H

/* What ismsctl's report commands share (report.c). */

#include <stddef.h>

#include "isms/entity.h"
#include "ismsctl.h"

/* The value of field @name in @row of @e. */
#define FIELD(e, row, name) ((row)[isms_entity_field_index((e), (name))])

/* Every row of register @entity matching @f, all fields as text. */
int report_load_rows(struct cli *c, const char *entity, const struct isms_kv *f, size_t nf,
		     struct rows *rs, const struct isms_entity **ret_e);

/* Today, and today plus @days, as YYYY-MM-DD (UTC). */
void report_today(char buf[11]);
void report_date_plus_days(char buf[11], int days);

/* The register the qsort() comparators of the sorted views read fields of. */
extern const struct isms_entity *report_sort_e;

/* Print at most @limit rows of @rs (0: all), the columns @cols (NULL-terminated). */
int report_print_rows(struct cli *c, const struct isms_entity *e, struct rows *rs, size_t limit,
		      const char *const *cols);

/* The approved SoA version, if any (cmd_soa_version.c). */
struct soa_approved {
	bool found;
	char id[32], at[40], by[128];
};
int soa_approved_get(struct cli *c, struct soa_approved *ret);
/* ismsctl soa propose | approve | versions (argv[0] the subcommand). */
int soa_version_cmd(struct cli *c, int argc, char **argv);

/*
 * The SoA (cmd_soa_observed.c): the controls @rs with their observed status,
 * printed; in JSON and CSV each row names the approved version @a.
 */
int soa_print_observed(struct cli *c, const struct isms_entity *e, const struct rows *rs,
		       const struct soa_approved *a);

/* ismsctl soa show CONTROL (cmd_soa_control.c): the control and the requirements behind it. */
int soa_control_show(struct cli *c, const char *id);

#endif
