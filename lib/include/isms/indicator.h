/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_INDICATOR_H
#define ISMS_INDICATOR_H

#include <stddef.h>

#include "isms/store.h"

/*
 * Live risk indicators.  Each indicator counts evidence rows of some kinds
 * (per asset, in tumbling windows of window_minutes, by the time the evidence
 * was true); when a window's count reaches the threshold, the linked risk's
 * likelihood goes up by raise_by (capped at the matrix), and both the change
 * (risk_change) and an 'indicator.crossed' evidence row say why.
 *
 * Scanning works on every evidence row written since the last scan (a
 * watermark), whoever wrote it, so PAM decisions and audit events count
 * alike, and a replay that stores nothing new counts nothing twice.
 * Returns 0 and *ret_crossed (optional), or -errno; all or nothing.
 */
int isms_indicators_scan(struct isms_store *s, size_t *ret_crossed)
	__attribute__((warn_unused_result, nonnull(1)));

#endif
