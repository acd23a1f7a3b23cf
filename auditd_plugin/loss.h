/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_LOSS_H
#define AUDISP_ISMS_LOSS_H

#include <stdbool.h>
#include <stdint.h>

#include "plugin_config.h"
#include "queue.h"
#include "writer.h"

/*
 * Loss must become evidence (the kernel's 'lost' counter, the bytes of @q
 * we could keep nowhere): looked at on every call, the kernel once a minute
 * or at once with @now (start and stop).  A rise is pushed to @w as an
 * 'audit.loss' or 'collector.loss' row about @cfg's asset.  Called from one
 * thread only (it keeps what it saw last).
 */
void watch_loss(struct bqueue *q, struct writer *w, const struct plugin_config *cfg, bool now);
/*
 * What the kernel said at watch_loss()'s last look (at most a minute old):
 * its 'enabled' (0 off, 1 on, 2 locked) and 'lost'.  False when it never
 * answered (no CAP_AUDIT_CONTROL, no audit in the kernel).  Asks nothing.
 */
bool loss_kernel_status(uint32_t *enabled, uint32_t *lost);

#endif
