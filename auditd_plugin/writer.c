/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The writer stage: a thread and a queue over the evidence writer (isms/writer.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "dpms.h"
#include "isms/journal.h"
#include "isms/snapshot.h"
#include "isms/store.h"
#include "log.h"
#include "writer.h"

#define SOURCE "audisp-isms"
#define WAKE_CHUNK 256 /* rows the writer waits for before it wakes */

static bool wait_retry(void *ud, unsigned ms);

static void note(void *ud, int prio, const char *msg)
{
	(void)ud;
	plugin_log(prio, "%s", msg);
}

int writer_init(struct writer *w, const char *store_path, const char *isms_spool,
		const char *dpms_path, size_t batch_events, unsigned batch_ms, size_t max_rows)
{
	struct isms_writer_config cfg = {
		.store = store_path,
		.source = SOURCE,
		.spool = isms_spool,
		.second = dpms_path,
		.second_schema = &dpms_schema,
		.flags = ISMS_WRITER_SCAN | ISMS_WRITER_CHECKPOINT,
		.wait = wait_retry,
		.note = note,
		.ud = w,
	};
	pthread_condattr_t ca;
	int r;

	memset(w, 0, sizeof(*w));
	r = isms_writer_new(&cfg, &w->iw);
	if (r < 0) {
		errno = -r;
		return r;
	}
	w->store_path = store_path;
	w->batch_events = batch_events;
	w->batch_ms = batch_ms;
	w->max_rows = max_rows;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->not_empty, &ca);
	pthread_cond_init(&w->not_full, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

static void free_rows(struct isms_writer_item *r)
{
	while (r) {
		struct isms_writer_item *n = r->next;

		free(r); /* the item is the row's first member */
		r = n;
	}
}

void writer_release(struct writer *w)
{
	free_rows(w->head);
	w->iw = isms_writer_free(w->iw);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->not_empty);
	pthread_cond_destroy(&w->not_full);
}

static void push(struct writer *w, struct row *r)
{
	pthread_mutex_lock(&w->lock);
	/*
	 * The writer always makes room, into the store or into the spool (at
	 * once when stopping), so waiting here ends; a full queue is its cue.
	 */
	while (w->nrows >= w->max_rows && !w->closed && !w->done) {
		pthread_cond_signal(&w->not_empty);
		pthread_cond_wait(&w->not_full, &w->lock);
	}
	/* The writer thread is gone (it ends only after writer_close()): the
	 * row goes to the spool rather than nowhere. */
	if (w->done) {
		pthread_mutex_unlock(&w->lock);
		r->item.next = NULL;
		isms_writer_spool(w->iw, &r->item);
		free(r);
		return;
	}
	if (w->tail)
		w->tail->next = &r->item;
	else
		w->head = &r->item;
	w->tail = &r->item;
	/* The writer waits for a chunk of rows (or its deadline): wake it
	 * when one is there, not on every row. */
	if (++w->nrows == WAKE_CHUNK || w->nrows == w->batch_events)
		pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
}

/* Copy strings into the row's data area. */
static const char *put(char **p, const char *s, size_t n)
{
	char *d = *p;

	if (!s)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	*p += n + 1;
	return d;
}

static size_t sl(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

void writer_push_row(struct writer *w, enum row_kind what, const struct classified *cl,
		     const char *details, size_t dlen)
{
	size_t need = sl(cl->kind) + sl(cl->control) + sl(cl->asset) + sl(cl->subject) + sl(cl->node) +
		      sl(cl->outcome) + sl(cl->event_key) + sl(cl->ts) + sl(cl->link_key) +
		      (dlen ? dlen + 1 : 0) + 8;
	struct row *r = malloc(sizeof(*r) + need);
	char *p;

	if (!r) {
		/* Cannot even queue it: count it as lost through the counters. */
		isms_writer_count(w->iw, ISMS_CTR_RECEIVED, 1);
		isms_writer_count(w->iw, ISMS_CTR_MALFORMED, 1);
		plugin_log(LOG_ERR, "out of memory: event %s not queued", cl->event_key);
		return;
	}
	memset(r, 0, sizeof(*r));
	p = r->data;
	r->item.flags = what == ROW_META ? ISMS_WRITER_UNCOUNTED :
			what == ROW_MALFORMED ? ISMS_WRITER_MALFORMED : 0;
	r->item.route = cl->route == ROUTE_DROP ? ISMS_WRITER_DROP :
			cl->route == ROUTE_DPMS ? ISMS_WRITER_SECOND : ISMS_WRITER_MAIN;
	if (cl->route != ROUTE_DROP) {
		struct isms_evidence *ev = &r->item.ev;

		ev->source = cl->source ? cl->source : SOURCE;
		ev->kind = put(&p, cl->kind, strlen(cl->kind));
		ev->control = put(&p, cl->control, cl->control ? strlen(cl->control) : 0);
		ev->asset = put(&p, cl->asset, cl->asset ? strlen(cl->asset) : 0);
		ev->subject = put(&p, cl->subject, cl->subject ? strlen(cl->subject) : 0);
		ev->outcome = put(&p, cl->outcome, cl->outcome ? strlen(cl->outcome) : 0);
		ev->node = put(&p, cl->node, cl->node ? strlen(cl->node) : 0);
		ev->event_key = put(&p, cl->event_key, strlen(cl->event_key));
		ev->ts = put(&p, cl->ts, strlen(cl->ts));
		ev->details = dlen ? put(&p, details, dlen) : NULL;
		if (cl->route == ROUTE_LINK) {
			/* pam_isms's decision, which the module could not store: the
			 * audit trail brought it, under the module's own key. */
			ev->event_key = put(&p, cl->link_key, cl->link_key ? strlen(cl->link_key) : 0);
			ev->source = "pam_isms";
			r->item.flags |= ISMS_WRITER_KEY_FIRST;
		}
	}
	push(w, r);
}

void writer_push_event(struct writer *w, const struct classified *cl, const char *details,
		       size_t dlen)
{
	writer_push_row(w, ROW_EVENT, cl, details, dlen);
}

void writer_close(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->closed = true;
	pthread_cond_broadcast(&w->not_empty);
	pthread_cond_broadcast(&w->not_full);
	pthread_mutex_unlock(&w->lock);
}

size_t writer_queued(struct writer *w)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->nrows;
	pthread_mutex_unlock(&w->lock);
	return n;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * One wait on not_empty (w->lock held) until @until_ms of now_ms()'s clock,
 * which the condition variable uses too; false, without waiting, once that
 * time has come.
 */
static bool wait_rows(struct writer *w, uint64_t until_ms)
{
	uint64_t now = now_ms();
	struct timespec until;

	if (now >= until_ms)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)((until_ms - now) / 1000);
	until.tv_nsec += (long)((until_ms - now) % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&w->not_empty, &w->lock, &until);
	return true;
}

/* Take up to @max rows, waiting until @deadline_ms for the first. */
static struct isms_writer_item *take(struct writer *w, size_t max, uint64_t deadline_ms,
				      bool *closed)
{
	struct isms_writer_item *first = NULL, *last = NULL;
	size_t n = 0;

	/*
	 * Wait for a chunk, not a row: waking the writer for every row costs
	 * the parser a futex call and both a context switch each time.  The
	 * deadline bounds the wait (the batch's age), so a trickle is stored
	 * within batch_ms as before.
	 */
	size_t want = max < WAKE_CHUNK ? max : WAKE_CHUNK;

	pthread_mutex_lock(&w->lock);
	/* Stopping, rows are taken as they come, but an empty queue is still
	 * waited on (until the deadline), not polled. */
	while (w->nrows < want && !w->closed && !(w->aborting && w->nrows))
		if (!wait_rows(w, deadline_ms))
			break;
	while (w->head && n < max) {
		struct isms_writer_item *r = w->head;

		w->head = r->next;
		if (!w->head)
			w->tail = NULL;
		r->next = NULL;
		if (last)
			last->next = r;
		else
			first = r;
		last = r;
		n++;
		w->nrows--;
	}
	*closed = w->closed && !w->head;
	pthread_cond_broadcast(&w->not_full);
	pthread_mutex_unlock(&w->lock);
	return first;
}

static void append(struct isms_writer_item **head, struct isms_writer_item **tail, size_t *n,
		   struct isms_writer_item *got)
{
	if (!got)
		return;
	if (*tail)
		(*tail)->next = got;
	else
		*head = got;
	for (*tail = got, (*n)++; (*tail)->next; *tail = (*tail)->next)
		(*n)++;
}

/*
 * Wait up to @ms, or less: until SIGTERM, the end of input, or a full queue
 * (the parser waits on us then), whichever comes first.
 */
static void nap(struct writer *w, unsigned ms)
{
	uint64_t until_ms = now_ms() + ms;

	pthread_mutex_lock(&w->lock);
	while (!w->aborting && !w->closed && w->nrows < w->max_rows)
		if (!wait_rows(w, until_ms))
			break;
	pthread_mutex_unlock(&w->lock);
}

static bool aborting(struct writer *w)
{
	bool a;

	pthread_mutex_lock(&w->lock);
	a = w->aborting;
	pthread_mutex_unlock(&w->lock);
	return a;
}

/* Between the tries of a failing batch: false once SIGTERM came. */
static bool wait_retry(void *ud, unsigned ms)
{
	struct writer *w = ud;

	nap(w, ms);
	return !aborting(w);
}

/* What the library refused in a batch it stored: said once, after the commit. */
static void say_refused(const struct isms_writer_item *rows)
{
	for (const struct isms_writer_item *p = rows; p; p = p->next)
		if (p->result == -EINVAL && !(p->flags & ISMS_WRITER_UNCOUNTED))
			plugin_log(LOG_ERR, "evidence %s refused by the store, counted as malformed",
				   p->ev.event_key ? p->ev.event_key : "?");
}

/*
 * pam_isms's decision journal, drained into the chain at most once a second
 * between batches (isms_journal_drain: idempotent, crash-safe), and before
 * a batch with a pam_isms audit record: the module's own journal record,
 * with its reasons, is the row; the audit record then links to it.  The
 * plugin changes no fact a login reads, so it never rewrites the snapshot.
 */
#define JOURNAL_DRAIN_MS 1000

static void drain_journal(struct writer *w, struct isms_store *s, uint64_t *next_ms, bool now_too)
{
	struct isms_journal_drained d;
	char path[4096];
	uint64_t now = now_ms();

	if (now < *next_ms && !now_too)
		return;
	*next_ms = now + JOURNAL_DRAIN_MS;
	if (isms_snapshot_path(w->store_path, ISMS_JOURNAL_SUFFIX, path, sizeof(path)) < 0)
		return;
	if (isms_journal_drain(s, path, &d) < 0)
		plugin_log(LOG_ERR, "cannot drain journal '%s': %s", path, isms_store_errmsg(s));
	else if (d.malformed || d.refused || d.lost)
		plugin_log(LOG_WARNING,
			   "journal '%s': %zu damaged stretches, %zu records refused, %llu records lost",
			   path, d.malformed, d.refused, (unsigned long long)d.lost);
}

void *writer_main(void *arg)
{
	struct checkpointer cp = {.running = false};
	struct writer *w = arg;
	struct isms_writer_item *pending = NULL, *ptail = NULL;
	size_t npending = 0;
	uint64_t started = 0;
	/* SIGTERM came and the store failed: everything left goes to the spool. */
	bool spool_only = false;
	bool closed = false;
	uint64_t journal_at = 0;
	int r;

	for (;;) {
		bool stopping = aborting(w);

		if (!spool_only) {
			r = isms_writer_open(w->iw);
			if (r == 1 && !cp.running)
				checkpointer_start(&cp, w->store_path);
			else if (r < 0 && r != -EAGAIN && stopping)
				spool_only = true;
		}
		if (isms_writer_store(w->iw) && !pending)
			drain_journal(w, isms_writer_store(w->iw), &journal_at, false);
		if (npending < w->batch_events) {
			uint64_t deadline = started ? started + w->batch_ms : now_ms() + w->batch_ms;
			struct isms_writer_item *got =
				take(w, w->batch_events - npending, deadline, &closed);

			if (got && !started)
				started = now_ms();
			append(&pending, &ptail, &npending, got);
		}
		if (!pending) {
			if (closed)
				break;
			continue;
		}
		if (npending < w->batch_events && now_ms() < started + w->batch_ms && !closed &&
		    !stopping)
			continue;
		if (!isms_writer_store(w->iw)) {
			/* No store: rows wait in memory while there is room and time. */
			if (spool_only || stopping || closed || writer_queued(w) >= w->max_rows) {
				/* Everything queued, in as few files as can be. */
				append(&pending, &ptail, &npending,
				       take(w, (size_t)-1, now_ms(), &closed));
				isms_writer_spool(w->iw, pending);
			} else {
				nap(w, isms_writer_retry_ms(w->iw));
				continue;
			}
		} else {
			/* A pam_isms decision from the audit trail: the module's own
			 * journal record, with its reasons, goes in first. */
			for (const struct isms_writer_item *p = pending; p; p = p->next)
				if (p->flags & ISMS_WRITER_KEY_FIRST) {
					drain_journal(w, isms_writer_store(w->iw), &journal_at, true);
					break;
				}
			/* Stored, or spooled after the tries (then reopened later). */
			r = isms_writer_commit(w->iw, pending, stopping);
			if (r == 0)
				say_refused(pending);
			else if (aborting(w))
				spool_only = true;
		}
		free_rows(pending);
		pending = ptail = NULL;
		npending = 0;
		started = 0;
	}
	/* From here on, rows still pushed go straight to the spool. */
	pthread_mutex_lock(&w->lock);
	w->done = true;
	{
		struct isms_writer_item *left = w->head;

		w->head = w->tail = NULL;
		w->nrows = 0;
		pthread_cond_broadcast(&w->not_full);
		pthread_mutex_unlock(&w->lock);
		if (left) {
			isms_writer_spool(w->iw, left);
			free_rows(left);
		}
	}
	checkpointer_stop(&cp);
	isms_writer_close(w->iw);
	return NULL;
}

uint64_t writer_counter(struct writer *w, enum isms_counter c)
{
	struct isms_writer_stats st;

	isms_writer_stats(w->iw, &st);
	return c < ISMS_CTR_MAX ? st.ctr[c] : 0;
}

uint64_t writer_lost(struct writer *w)
{
	struct isms_writer_stats st;

	isms_writer_stats(w->iw, &st);
	return st.lost_rows;
}

void writer_abort(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->aborting = true;
	pthread_cond_broadcast(&w->not_full);
	pthread_cond_broadcast(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
}
