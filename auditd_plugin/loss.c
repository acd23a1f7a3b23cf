/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loss as evidence: the kernel's lost counter and our own overflow loss. */
#include <libaudit.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "loss.h"

/*
 * Loss must become evidence (the kernel's 'lost' counter, our own bytes we
 * could keep nowhere): checked once a minute, and at start and stop.  A
 * rise is an 'audit.loss' or 'collector.loss' row: a gap an auditor sees.
 */
/* What the last status request said (loss_kernel_status()); this thread only. */
static bool seen_kernel;
static uint32_t seen_enabled, seen_lost;

static bool kernel_lost(uint32_t *ret)
{
	struct audit_reply rep;
	int fd = audit_open(), tries = 0;
	bool ok = false;

	if (fd < 0)
		return false;
	if (audit_request_status(fd) > 0) {
		while (tries++ < 10 && audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0) > 0) {
			if (rep.type == AUDIT_GET && rep.status) {
				*ret = rep.status->lost;
				seen_enabled = rep.status->enabled;
				seen_lost = rep.status->lost;
				seen_kernel = true;
				ok = true;
				break;
			}
		}
	}
	audit_close(fd);
	return ok;
}

void watch_loss(struct bqueue *q, struct writer *w, const struct plugin_config *cfg, bool now)
{
	static uint64_t last_check, last_loss_row, last_lost_bytes, last_lost_records;
	static uint32_t last_kernel;
	static bool have_kernel;
	struct timespec t;
	uint64_t ms, bytes, records, cap_hits;
	uint32_t lost;
	char det[512];

	clock_gettime(CLOCK_MONOTONIC, &t);
	ms = (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
	/*
	 * Our own loss is looked at every time: the first is recorded at once,
	 * more of it at most every ten seconds (and at stop), with the counts.
	 */
	bqueue_loss(q, &bytes, &records, &cap_hits);
	if (bytes > last_lost_bytes &&
	    (now || last_lost_bytes == 0 || ms - last_loss_row >= 10000)) {
		snprintf(det, sizeof(det),
			 "{\"lost_bytes\":%llu,\"since_last\":%llu,\"lost_records\":%llu,"
			 "\"records_since_last\":%llu,\"cause\":\"%s\",\"overflow_disk_mb\":%u}",
			 (unsigned long long)bytes, (unsigned long long)(bytes - last_lost_bytes),
			 (unsigned long long)records,
			 (unsigned long long)(records - last_lost_records),
			 cap_hits ? "overflow queue full" : "overflow file failed",
			 cfg->overflow_disk_mb);
		writer_push_meta(w, "collector.loss", "lost", cfg->asset, det);
		plugin_log(LOG_ERR, "lost %llu audit records (%llu bytes) so far: the overflow queue was full or failed",
			   (unsigned long long)records, (unsigned long long)bytes);
		last_lost_bytes = bytes;
		last_lost_records = records;
		last_loss_row = ms;
	}
	if (!now && ms - last_check < 60000)
		return;
	last_check = ms;
	if (kernel_lost(&lost)) {
		if (have_kernel && lost > last_kernel) {
			snprintf(det, sizeof(det), "{\"kernel_lost\":%u,\"since_last\":%u}", lost,
				 lost - last_kernel);
			writer_push_meta(w, "audit.loss", "lost", cfg->asset, det);
			plugin_log(LOG_WARNING, "the kernel lost %u audit records",
				   lost - last_kernel);
		}
		last_kernel = lost;
		have_kernel = true;
	}
}


bool loss_kernel_status(uint32_t *enabled, uint32_t *lost)
{
	if (!seen_kernel)
		return false;
	*enabled = seen_enabled;
	*lost = seen_lost;
	return true;
}
