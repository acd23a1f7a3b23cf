/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_PARSE_INTERNAL_H
#define AUDISP_ISMS_PARSE_INTERNAL_H

#include <stdbool.h>

#include "event.h"

/* Between the parser stage (parse.c) and the reading of fields (parse_fields.c). */

/*
 * @v as a store column may take it: invalid bytes as the text \xNN, capped;
 * valid values as they are.  Allocated in @e.
 */
const char *parse_column_text(struct aev *e, const char *v);

/* Whether pam_isms's own record has evidence= or decision= bytes the store would refuse. */
bool parse_bad_isms_access(const struct aev *e);

/* One field of a record of type @rtype into @e (@interp: auparse's interpretation, or NULL). */
void parse_take_field(struct aev *e, int rtype, const char *name, const char *val,
		      const char *interp);

#endif
