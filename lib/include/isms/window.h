/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_WINDOW_H
#define ISMS_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "isms/tz.h"

/*
 * A weekly time window: days of the week and hours of the day in one zone,
 * as the login policy's "time" and the DPMS purpose-bound access hours both
 * state it.  Parsing and evaluating are pure.
 */
struct isms_window {
	uint8_t days;          /* bit 0 = Sunday */
	int start_min, end_min; /* start > end spans midnight */
};

#define ISMS_WINDOW_ALWAYS ((struct isms_window){.days = 0x7f, .start_min = 0, .end_min = 24 * 60})

/* Add "mon" or a range "fri-mon" (@n bytes of @s, any case) to @days; -EINVAL. */
int isms_window_add_days(uint8_t *days, const char *s, size_t n);

/* "07:00-19:00" or "22:00-06:00" into @w's hours; -EINVAL unless both ends
 * are HH:MM, differ, and the start is before 24:00. */
int isms_window_parse_hours(struct isms_window *w, const char *s);

/* Whether @t falls in @w in @tz.  *ret_wday and *ret_minute get the local day
 * and minute; after midnight in a window that spans it, the day is the one
 * the window opened on. */
bool isms_window_has(const struct isms_window *w, const struct isms_tz *tz, int64_t t,
		     int *ret_wday, int *ret_minute);

#endif
