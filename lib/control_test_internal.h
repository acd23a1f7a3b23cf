/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CONTROL_TEST_INTERNAL_H
#define ISMS_CONTROL_TEST_INTERNAL_H

/* What the control test files share: local calendar days in a zone. */

#include <stdint.h>

#include "isms/tz.h"

/* Days since 1970-01-01 into a date. */
void ctest_civil_from_days(int64_t days, int *ret_y, int *ret_m, int *ret_d);
/* The local day (days since 1970-01-01) that holds instant @t in @tz. */
int64_t ctest_local_day(const struct isms_tz *tz, int64_t t);
/* The instant of local day @days at @minutes after midnight (see isms_ctest_local()). */
int64_t ctest_local_from_days(const struct isms_tz *tz, int64_t days, int64_t minutes);

#endif
