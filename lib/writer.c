/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence writer: batches into one or two stores, counted, retried, spooled. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "isms/indicator.h"
#include "isms/spool.h"
#include "isms/writer.h"
#include "writer_internal.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 30000

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

void writer_note(const struct isms_writer *w, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!w->cfg.note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->cfg.note(w->cfg.ud, prio, msg);
}

int isms_writer_new(const struct isms_writer_config *cfg, struct isms_writer **ret)
{
	struct isms_writer *w;

	if (!cfg->store || (cfg->second && !cfg->second_schema))
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cfg = *cfg;
	if (!w->cfg.busy_ms)
		w->cfg.busy_ms = 1000;
	if (!w->cfg.tries)
		w->cfg.tries = 3;
	if (!w->cfg.busy_limit_ms)
		w->cfg.busy_limit_ms = 10000;
	if (!w->cfg.retry_ms)
		w->cfg.retry_ms = 200;
	if (!w->cfg.reopen_ms)
		w->cfg.reopen_ms = 5000;
	w->second_pending = true; /* an earlier run's spool */
	*ret = w;
	return 0;
}

int isms_writer_new_on(struct isms_store *s, const char *source, struct isms_writer **ret)
{
	struct isms_writer *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->cfg.source = source;
	w->cfg.tries = 1;
	w->borrowed = true;
	w->s = s;
	r = isms_ingest_new(s, source ? source : "", &w->in);
	if (r < 0) {
		free(w);
		return r;
	}
	*ret = w;
	return 0;
}

void isms_writer_close(struct isms_writer *w)
{
	w->din = isms_ingest_free(w->din);
	w->ds = isms_store_free(w->ds);
	w->in = isms_ingest_free(w->in);
	if (!w->borrowed)
		w->s = isms_store_free(w->s);
}

struct isms_writer *isms_writer_free(struct isms_writer *w)
{
	if (!w)
		return NULL;
	isms_writer_close(w);
	free(w);
	return NULL;
}

struct isms_store *isms_writer_store(struct isms_writer *w)
{
	return w->in ? w->s : NULL;
}

int isms_writer_open(struct isms_writer *w)
{
	char *err = NULL;
	int r;

	if (w->in)
		return 0;
	if (w->borrowed)
		return -ENOTCONN;
	if (now_ms() < w->retry_at)
		return -EAGAIN;
	r = isms_store_open(w->cfg.store, 0, w->cfg.busy_ms, &w->s, &err);
	if (r == 0 && (r = isms_ingest_new(w->s, w->cfg.source ? w->cfg.source : "", &w->in)) < 0) {
		free(err);
		err = strdup(isms_store_errmsg(w->s));
		w->s = isms_store_free(w->s);
	}
	if (r < 0) {
		if (w->backoff == 0 || w->backoff == BACKOFF_MAX_MS)
			writer_note(w, LOG_ERR, "cannot use store '%s': %s; events wait in memory and in the spool",
				    w->cfg.store, err ? err : strerror(-r));
		free(err);
		w->backoff = w->backoff ? (w->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
									    : w->backoff * 2)
					: BACKOFF_MIN_MS;
		w->retry_at = now_ms() + w->backoff;
		return r;
	}
	w->backoff = 0;
	w->retry_at = 0;
	if (w->cfg.flags & ISMS_WRITER_CHECKPOINT)
		return isms_store_autocheckpoint(w->s, 0) == 0 ? 1 : 0;
	return 1;
}

unsigned isms_writer_retry_ms(const struct isms_writer *w)
{
	uint64_t now = now_ms();

	return w->in || w->retry_at <= now ? 0 : (unsigned)(w->retry_at - now);
}

static void count(struct isms_writer *w, struct isms_ingest *in, enum isms_counter c)
{
	if (w->cfg.source)
		isms_ingest_count(in, c, 1);
}

/* One row into the open batch of the main store; the counters go with it.  Sets it->ctr. */
static int apply(struct isms_writer *w, struct isms_writer_item *it)
{
	int r;

	if (it->flags & ISMS_WRITER_UNCOUNTED) {
		it->ctr = ISMS_CTR_MAX;
		r = it->result = isms_ingest_add(w->in, &it->ev, NULL);
		return r == -EALREADY || r == -EINVAL ? 0 : r;
	}
	count(w, w->in, ISMS_CTR_RECEIVED);
	it->ctr = ISMS_CTR_FILTERED;
	it->result = 0;
	if (it->route == ISMS_WRITER_DROP)
		goto count;
	if (it->route == ISMS_WRITER_SECOND) {
		/* Personal data never enters the main store: it went to the
		 * second store in this batch, or there is none to take it. */
		if (w->din || it->second_kept) {
			it->ctr = ISMS_CTR_ROUTED;
		} else if (it->second_lost) {
			it->result = -EIO; /* counted lost, and recorded (commit_once) */
		} else {
			it->result = -ENOENT;
			if (!w->second_warned && w->cfg.second_schema) {
				writer_note(w, LOG_WARNING,
					    "events for the %s store: need '%s', which does not exist (%s init); they are counted as filtered, not stored",
					    w->cfg.second_schema->name, w->cfg.second ? w->cfg.second : "",
					    w->cfg.second_schema->tool ? w->cfg.second_schema->tool : "?");
				w->second_warned = true;
			}
		}
		goto count;
	}
	if (it->flags & ISMS_WRITER_KEY_FIRST && it->ev.event_key) {
		r = isms_ingest_has_key(w->in, it->ev.event_key);
		if (r < 0)
			return r;
		if (r == 1) {
			it->result = -EALREADY;
			it->ctr = ISMS_CTR_DUPLICATES;
			goto count;
		}
	}
	r = it->result = isms_ingest_add(w->in, &it->ev, NULL);
	if (r == -EINVAL) {
		it->ctr = ISMS_CTR_MALFORMED;
		goto count;
	}
	if (r < 0 && r != -EALREADY)
		return r;
	if (it->flags & ISMS_WRITER_MALFORMED)
		it->ctr = ISMS_CTR_MALFORMED; /* kept as evidence all the same, once */
	else
		it->ctr = r == -EALREADY ? ISMS_CTR_DUPLICATES : ISMS_CTR_STORED;
count:
	count(w, w->in, it->ctr);
	return 0;
}

/* Personal data into the second store, with that store's own counters. */
static int apply_second(struct isms_writer *w, struct isms_writer_item *it)
{
	enum isms_counter c = ISMS_CTR_STORED;
	int r;

	count(w, w->din, ISMS_CTR_RECEIVED);
	r = isms_ingest_add(w->din, &it->ev, NULL);
	if (r == -EALREADY)
		c = ISMS_CTR_DUPLICATES;
	else if (r == -EINVAL)
		c = ISMS_CTR_MALFORMED;
	else if (r < 0)
		return r;
	count(w, w->din, c);
	return 0;
}

/*
 * The second store's part of a batch is committed first: if the main part
 * then fails, the retry finds the personal data kept (second_kept) and does
 * not write it again; a crash between the two commits leaves it in the
 * second store, where a replay finds it by its event_key (a duplicate),
 * never lost.
 */
static int commit_once(struct isms_writer *w, struct isms_writer_item *items)
{
	bool any = false;
	size_t lost = 0;
	int r = 0;

	for (struct isms_writer_item *p = items; p && !any; p = p->next)
		any = p->route == ISMS_WRITER_SECOND && !p->second_kept && !p->second_lost;
	if (any || (w->second_pending && w->cfg.spool))
		writer_open_second(w);
	if (any && w->din) {
		r = isms_ingest_begin(w->din);
		for (struct isms_writer_item *p = items; p && r >= 0; p = p->next)
			if (p->route == ISMS_WRITER_SECOND && !p->second_kept && !p->second_lost)
				r = apply_second(w, p);
		if (r < 0)
			isms_ingest_rollback(w->din);
		else
			r = isms_ingest_commit(w->din);
		if (r >= 0) {
			for (struct isms_writer_item *p = items; p; p = p->next)
				p->second_kept = p->second_kept || p->route == ISMS_WRITER_SECOND;
		} else {
			/* Not the main store's trouble: the personal rows wait in the
			 * spool, the store is opened again for the next batch. */
			writer_note(w, LOG_ERR, "the %s store failed: %s", w->cfg.second_schema->name,
				    isms_store_errmsg(w->ds));
			writer_close_second(w);
		}
		r = 0;
	}
	/* There, but it cannot be used: its rows are spooled, not filtered. */
	if (any && !w->din && writer_second_exists(w))
		writer_spool_second(w, items);
	r = isms_ingest_begin(w->in);
	for (struct isms_writer_item *p = items; p && r >= 0; p = p->next) {
		r = apply(w, p);
		lost += p->second_lost;
	}
	if (r >= 0 && lost)
		r = writer_record_lost(w, lost);
	if (r < 0) {
		isms_ingest_rollback(w->in);
		return r;
	}
	return isms_ingest_commit(w->in);
}

static size_t length(const struct isms_writer_item *items)
{
	size_t n = 0;

	for (; items; items = items->next)
		n++;
	return n;
}

int isms_writer_spool(struct isms_writer *w, struct isms_writer_item *items)
{
	const struct isms_evidence **evs;
	size_t n = 0, kept = 0, lost, cap = length(items), second = 0;
	int r = -ENOENT;

	/* The second store's rows, when there is one, wait in the spool as its own. */
	if (writer_second_exists(w))
		writer_spool_second(w, items);
	evs = calloc(cap ? cap : 1, sizeof(*evs));
	for (struct isms_writer_item *p = items; p; p = p->next) {
		if (!(p->flags & ISMS_WRITER_UNCOUNTED))
			w->ctr[ISMS_CTR_RECEIVED]++;
		if (p->route == ISMS_WRITER_SECOND && p->second_kept) {
			w->ctr[ISMS_CTR_ROUTED]++; /* in the second store or its spool already */
			continue;
		}
		if (p->route == ISMS_WRITER_SECOND && p->second_lost) {
			w->ctr[ISMS_CTR_FILTERED]++; /* lost, counted so by spool_second() */
			continue;
		}
		if (p->route != ISMS_WRITER_MAIN) {
			/* (personal data stays out of the main store's spool) */
			w->ctr[ISMS_CTR_FILTERED]++;
			second += p->route == ISMS_WRITER_SECOND;
			continue;
		}
		if (evs)
			evs[n] = &p->ev;
		n++;
	}
	if (!evs)
		r = -ENOMEM;
	else if (n && w->cfg.spool)
		r = isms_spool_write_batch(w->cfg.spool, evs, n, &kept);
	else if (!n)
		r = 0;
	lost = n - kept;
	w->ctr[ISMS_CTR_SPOOLED] += kept;
	if (kept)
		writer_note(w, LOG_WARNING, "store unavailable: %zu evidence rows spooled to '%s'", kept,
			    w->cfg.spool);
	if (second && w->cfg.second_schema)
		writer_note(w, LOG_WARNING, "%zu rows for the %s store not kept there (no store took the batch): counted as filtered",
			    second, w->cfg.second_schema->name);
	if (lost) {
		writer_note(w, LOG_ERR, "store and spool '%s' unavailable (%s): %zu evidence rows lost",
			    w->cfg.spool ? w->cfg.spool : "", strerror(r < 0 ? -r : EIO), lost);
		w->lost_rows += lost;
	}
	free(evs);
	return lost ? (r < 0 ? r : -EIO) : 0;
}

static void scan(struct isms_writer *w)
{
	size_t crossed = 0;

	if (!(w->cfg.flags & ISMS_WRITER_SCAN))
		return;
	if (isms_indicators_scan(w->s, &crossed) < 0)
		writer_note(w, LOG_ERR, "indicator scan failed: %s", isms_store_errmsg(w->s));
	else if (crossed)
		writer_note(w, LOG_NOTICE, "%zu risk indicator%s crossed", crossed, crossed == 1 ? "" : "s");
}

int isms_writer_commit(struct isms_writer *w, struct isms_writer_item *items, bool stopping)
{
	uint64_t first_fail = 0;
	unsigned fails = 0;
	int r;

	if (!w->in) {
		r = isms_writer_spool(w, items);
		return r < 0 ? r : 1;
	}
	for (;;) {
		uint64_t now;

		r = commit_once(w, items);
		if (r >= 0)
			break;
		now = now_ms();
		w->store_errors++;
		if (fails++ == 0)
			first_fail = now;
		if (r != -EBUSY && fails == 1)
			writer_note(w, LOG_ERR, "store write failed: %s; retrying the batch",
				    isms_store_errmsg(w->s));
		if (!stopping && w->cfg.wait &&
		    (r == -EBUSY ? now - first_fail < w->cfg.busy_limit_ms : fails < w->cfg.tries)) {
			/* A locked or briefly failing store is tried again. */
			if (!w->cfg.wait(w->cfg.ud, w->cfg.retry_ms))
				stopping = true; /* once more, then spooled */
			continue;
		}
		if (w->borrowed)
			return r;
		writer_note(w, LOG_ERR, "store '%s' failed %u times (%s): spooling the batch of %zu rows%s",
			    w->cfg.store, fails, isms_store_errmsg(w->s), length(items),
			    stopping ? "" : "; the store is tried again later");
		r = isms_writer_spool(w, items);
		/* Reopened later: the file may be repaired or replaced meanwhile. */
		isms_writer_close(w);
		w->retry_at = now_ms() + w->cfg.reopen_ms;
		return r < 0 ? r : 1;
	}
	w->batches++;
	for (struct isms_writer_item *p = items; p; p = p->next) {
		if (p->ctr == ISMS_CTR_MAX)
			continue;
		w->ctr[ISMS_CTR_RECEIVED]++;
		w->ctr[p->ctr]++;
	}
	scan(w);
	return 0;
}

int isms_writer_begin(struct isms_writer *w)
{
	int r = isms_writer_open(w);

	return r < 0 ? r : isms_ingest_begin(w->in);
}

int isms_writer_add(struct isms_writer *w, const struct isms_evidence *ev, int64_t *ret_id)
{
	return isms_ingest_add(w->in, ev, ret_id);
}

int isms_writer_has_key(struct isms_writer *w, const char *event_key)
{
	return isms_ingest_has_key(w->in, event_key);
}

int isms_writer_end(struct isms_writer *w, bool commit)
{
	if (!commit) {
		isms_ingest_rollback(w->in);
		return 0;
	}
	return isms_ingest_commit(w->in);
}

int isms_writer_append(struct isms_writer *w, const struct isms_evidence *ev, int64_t *ret_id)
{
	int64_t id = 0;
	int r = isms_writer_begin(w);

	if (r < 0)
		return r;
	r = isms_writer_add(w, ev, &id);
	if (r < 0) {
		isms_writer_end(w, false);
		return r;
	}
	if (w->cfg.source) {
		isms_ingest_count(w->in, ISMS_CTR_RECEIVED, 1);
		isms_ingest_count(w->in, ISMS_CTR_STORED, 1);
	}
	r = isms_writer_end(w, true);
	if (r < 0)
		return r;
	if (ret_id)
		*ret_id = id;
	return 0;
}

void isms_writer_stats(const struct isms_writer *w, struct isms_writer_stats *ret)
{
	for (int c = 0; c < ISMS_CTR_MAX; c++)
		ret->ctr[c] = w->ctr[c];
	ret->batches = w->batches;
	ret->store_errors = w->store_errors;
	ret->lost_rows = w->lost_rows;
}

void isms_writer_count(struct isms_writer *w, enum isms_counter c, uint64_t n)
{
	if (c < ISMS_CTR_MAX)
		w->ctr[c] += n;
}
