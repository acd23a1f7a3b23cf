/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_ALIVE_H
#define AUDISP_ISMS_ALIVE_H

#include <stdint.h>

#include "parse.h"
#include "plugin_config.h"
#include "queue.h"
#include "writer.h"

/*
 * The collector's heartbeat: a 'collector.alive' row every
 * cfg->alive_seconds (0: none), with the counters since the previous one
 * and what the kernel last said of the audit trail, so that silence in the
 * store means a dead collector, not a quiet host.  Keys are this instance's
 * (host, pid, start time) and a sequence number: never two alike.
 */
struct alive {
	char instance[160]; /* host:pid:start */
	uint64_t seq;
	uint64_t next_ms;    /* monotonic; 0: not scheduled */
	unsigned interval_s; /* what next_ms was set for */
	uint64_t last[5];    /* received, stored, filtered, lost records, lost rows */
	uint32_t last_kernel_lost;
	bool have_kernel;
};

void alive_init(struct alive *al);
/* Called from the parser's loop (at least once a second): pushes a row when one is due. */
/* With @p (NULL: none), also one for each registered node heard from since the last. */
void alive_tick(struct alive *al, struct writer *w, struct bqueue *q,
		const struct plugin_config *cfg, struct parser *p);

#endif
