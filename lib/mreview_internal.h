/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_MREVIEW_INTERNAL_H
#define ISMS_MREVIEW_INTERNAL_H

#include <stdint.h>

#include "isms/control_test.h"
#include "isms/mreview.h"

/* The local date (YYYY-MM-DD) of instant @t in @tz. */
void mreview_local_day(const struct isms_tz *tz, int64_t t, char buf[11]);

/* @p's period parsed in its zone: 0, or -EINVAL with the store's message set. */
int mreview_period(struct isms_store *s, const struct isms_mreview_period *p,
		   struct isms_ctest_period *ret);

#endif
