/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence writer's second store (personal data): opened while it exists, spooled when it fails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "isms/spool.h"
#include "writer_internal.h"

bool writer_second_exists(const struct isms_writer *w)
{
	struct stat st;

	return w->cfg.second && stat(w->cfg.second, &st) == 0;
}

void writer_close_second(struct isms_writer *w)
{
	w->din = isms_ingest_free(w->din);
	w->ds = isms_store_free(w->ds);
}

/*
 * The second store, opened when it exists; looked for again while it is
 * missing.  Once open, what the spool holds for it goes in first.
 */
void writer_open_second(struct isms_writer *w)
{
	char *err = NULL;

	if (w->din || !writer_second_exists(w))
		return;
	if (isms_store_open_schema(w->cfg.second, w->cfg.second_schema, 0, w->cfg.busy_ms, &w->ds,
				   &err) < 0) {
		writer_note(w, LOG_ERR, "cannot use the %s store: %s", w->cfg.second_schema->name,
			    err ? err : "?");
		free(err);
		return;
	}
	if (isms_ingest_new(w->ds, w->cfg.source ? w->cfg.source : "", &w->din) < 0) {
		writer_note(w, LOG_ERR, "cannot prepare the %s store: %s", w->cfg.second_schema->name,
			    isms_store_errmsg(w->ds));
		w->ds = isms_store_free(w->ds);
		return;
	}
	w->second_warned = false;
	if (w->second_pending && w->cfg.spool) {
		size_t done = 0;
		int r = isms_spool_drain_kind(w->ds, w->cfg.spool, w->cfg.second_schema->name,
					      SIZE_MAX, &done);

		if (r < 0)
			writer_note(w, LOG_ERR, "cannot drain the %s store's spooled rows: %s",
				    w->cfg.second_schema->name, isms_store_errmsg(w->ds));
		else
			w->second_pending = false;
		if (done)
			writer_note(w, LOG_NOTICE, "%zu spooled rows stored in the %s store", done,
				    w->cfg.second_schema->name);
	}
}

/*
 * The rows of @items for the second store that it has not taken, into the
 * spool as its own; each one spooled is kept (second_kept), each one the
 * spool does not take is lost (second_lost, counted and said).  Returns how
 * many were lost.
 */
size_t writer_spool_second(struct isms_writer *w, struct isms_writer_item *items)
{
	const struct isms_evidence **evs;
	size_t n = 0, kept = 0, cap = 0, i = 0;
	int r = -ENOENT;

	for (struct isms_writer_item *p = items; p; p = p->next)
		cap += p->route == ISMS_WRITER_SECOND && !p->second_kept && !p->second_lost;
	if (!cap)
		return 0;
	evs = calloc(cap, sizeof(*evs));
	for (struct isms_writer_item *p = items; p && evs; p = p->next)
		if (p->route == ISMS_WRITER_SECOND && !p->second_kept && !p->second_lost)
			evs[n++] = &p->ev;
	if (!evs)
		r = -ENOMEM;
	else if (w->cfg.spool)
		r = isms_spool_write_batch_kind(w->cfg.spool, w->cfg.second_schema->name, evs, n,
						&kept);
	free(evs);
	/* Spooled in order: the first @kept are safe. */
	for (struct isms_writer_item *p = items; p; p = p->next) {
		if (p->route != ISMS_WRITER_SECOND || p->second_kept || p->second_lost)
			continue;
		if (i++ < kept)
			p->second_kept = true;
		else
			p->second_lost = true;
	}
	w->ctr[ISMS_CTR_SPOOLED] += kept;
	if (kept) {
		w->second_pending = true;
		writer_note(w, LOG_WARNING, "the %s store is unavailable: %zu of its rows spooled to '%s'",
			    w->cfg.second_schema->name, kept, w->cfg.spool);
	}
	if (cap > kept) {
		writer_note(w, LOG_ERR, "the %s store and the spool '%s' are unavailable (%s): %zu evidence rows for the %s store lost",
			    w->cfg.second_schema->name, w->cfg.spool ? w->cfg.spool : "",
			    strerror(r < 0 ? -r : EIO), cap - kept, w->cfg.second_schema->name);
		w->lost_rows += cap - kept;
	}
	return cap - kept;
}

/*
 * Rows of the second store that neither it nor the spool took: a gap an
 * auditor sees, in the main store's chain with the batch (no personal data:
 * how many, for which store).
 */
int writer_record_lost(struct isms_writer *w, size_t lost)
{
	char det[160];
	struct isms_evidence ev = {.source = w->cfg.source ? w->cfg.source : "isms-writer",
				   .kind = "collector.loss", .outcome = "lost", .details = det};
	int r;

	snprintf(det, sizeof(det),
		 "{\"lost_rows\":%zu,\"store\":\"%s\",\"cause\":\"store and spool unavailable\"}", lost,
		 w->cfg.second_schema->name);
	r = isms_ingest_add(w->in, &ev, NULL);
	return r == -EINVAL ? -EIO : r;
}
