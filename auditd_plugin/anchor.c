/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Anchors at collector start and stop: what the chain held when the
 * collector took over and when it let go, written down outside the store.
 * To syslog only: an audit record written from inside the audit pipeline
 * would come back through this plugin, and could wait on the kernel's
 * backlog that this very process is meant to drain.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "anchor.h"
#include "isms/evidence.h"
#include "isms/store.h"
#include "log.h"

void plugin_anchor(const char *store, const char *when)
{
	struct isms_store *s = NULL;
	struct isms_anchor a;
	char line[ISMS_ANCHOR_MAX], *err = NULL;
	int r = isms_store_open(store, ISMS_STORE_READONLY, 2000, &s, &err);

	if (r < 0) {
		plugin_log(LOG_WARNING, "no anchor at collector %s: %s, ignoring", when,
			   err ? err : strerror(-r));
		free(err);
		return;
	}
	r = isms_anchor_take(s, &a);
	if (r < 0) {
		plugin_log(LOG_WARNING, "no anchor at collector %s: %s, ignoring", when,
			   isms_store_errmsg(s));
	} else {
		isms_anchor_format(&a, line, sizeof(line));
		syslog(LOG_NOTICE, "%s collector=%s", line, when);
	}
	isms_store_free(s);
}
