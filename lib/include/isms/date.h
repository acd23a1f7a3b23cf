/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_DATE_H
#define ISMS_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The one reader of dates and times for every input of isms: evidence
 * timestamps (every path that appends), register fields, the CLI's --at and
 * --ts, the indicators' buckets.  Pure, no locale, no time zone database.
 */

/* Room for the longest canonical form: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" and the NUL. */
#define ISMS_DATE_MAX 32

/* A real calendar date written YYYY-MM-DD, years 1900-9999. */
bool isms_date_valid(const char *s) __attribute__((nonnull));

/* Days since 1970-01-01 of a proleptic Gregorian date.  Pure. */
int64_t isms_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Strict ISO 8601 / RFC 3339: "YYYY-MM-DDTHH:MM[:SS[.F]](Z|+HH:MM|-HH:MM)",
 * 'T' or one space between date and time, F one to nine digits.  The date
 * must exist (years 1900-9999), hours 00-23, minutes and seconds 00-59,
 * offsets at most 14:00 with minutes 00-59.  A time without a zone is
 * refused: it would mean different instants on different hosts; so is
 * anything after it.  Returns 0 with *ret_sec (seconds since the epoch) and,
 * when @ret_nsec is not NULL, the fraction in nanoseconds; -EINVAL otherwise.
 */
int isms_date_parse(const char *s, int64_t *ret_sec, uint32_t *ret_nsec)
	__attribute__((warn_unused_result, nonnull(1, 2)));

/*
 * The canonical UTC form of @s (as isms_date_parse() reads it):
 * "YYYY-MM-DDTHH:MM:SS[.F]Z", the fraction's digits kept as written, into
 * @out of @len bytes.  -EINVAL when @s is not a time or falls outside years
 * 1900-9999 once in UTC, -ENOSPC when @len is too small.
 */
int isms_date_canon(const char *s, char *out, size_t len)
	__attribute__((warn_unused_result, nonnull));

/* @sec as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into @buf of at least 21 bytes; ""
 * when @sec is beyond the calendar or @buf too small. */
void isms_date_format(int64_t sec, char *buf, size_t len) __attribute__((nonnull));

/* The UTC day of @sec, "YYYY-MM-DD"; "" when @sec is beyond the calendar. */
void isms_date_day(int64_t sec, char buf[11]) __attribute__((nonnull));

#endif
