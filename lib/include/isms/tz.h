/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_TZ_H
#define ISMS_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * A time zone read from a TZif file once, so that converting a time later is
 * pure: no TZ environment, no localtime() (which is not safe to steer from
 * inside sshd or login).
 */
struct isms_tz;

/* Load zone @name ("Europe/Berlin", "UTC") from @dir; -ENOENT, -EINVAL, -ENOMEM. */
int isms_tz_load(const char *dir, const char *name, struct isms_tz **ret);
struct isms_tz *isms_tz_free(struct isms_tz *tz);
const char *isms_tz_name(const struct isms_tz *tz);

/* Offset from UTC in seconds at @t. Pure. */
int32_t isms_tz_offset(const struct isms_tz *tz, int64_t t);

/* Local weekday (0 = Sunday) and minute of the day at @t. Pure. */
void isms_tz_local(const struct isms_tz *tz, int64_t t, int *ret_wday, int *ret_minute);

/*
 * Zone @name from the @len bytes of TZif data at @buf, as isms_tz_load()
 * reads them from a file; -EINVAL, -EFBIG, -ENOMEM.  For the fuzzer.
 */
int isms_tz_from_tzif(const char *name, const void *buf, size_t len, struct isms_tz **ret);

/* Parse a POSIX TZ rule string ("CET-1CEST,M3.5.0,M10.5.0/3"); for tests. */
int isms_tz_from_posix(const char *rule, struct isms_tz **ret);

#endif
