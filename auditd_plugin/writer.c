/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The writer stage: batches of evidence with their counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dpms.h"
#include "isms/indicator.h"
#include "isms/journal.h"
#include "isms/snapshot.h"
#include "isms/spool.h"
#include "isms/store.h"
#include "jsonw.h"
#include "log.h"
#include "writer.h"

#define SOURCE "audisp-isms"
#define WAKE_CHUNK 256 /* rows the writer waits for before it wakes */

int writer_init(struct writer *w, const char *store_path, const char *isms_spool,
		size_t batch_events, unsigned batch_ms, size_t max_rows)
{
	pthread_condattr_t ca;

	memset(w, 0, sizeof(*w));
	w->store_path = store_path;
	w->isms_spool = isms_spool;
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

static void free_rows(struct row *r)
{
	while (r) {
		struct row *n = r->next;

		free(r);
		r = n;
	}
}

void writer_release(struct writer *w)
{
	free_rows(w->head);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->not_empty);
	pthread_cond_destroy(&w->not_full);
}

static void spool_rows(struct writer *w, struct row *rows);

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
		r->next = NULL;
		spool_rows(w, r);
		free(r);
		return;
	}
	if (w->tail)
		w->tail->next = r;
	else
		w->head = r;
	w->tail = r;
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

static void push_row(struct writer *w, enum row_kind what, const struct classified *cl,
		     const char *details, size_t dlen)
{
	size_t need = sl(cl->kind) + sl(cl->control) + sl(cl->asset) + sl(cl->subject) + sl(cl->node) +
		      sl(cl->outcome) + sl(cl->event_key) + sl(cl->ts) + sl(cl->link_key) +
		      (dlen ? dlen + 1 : 0) + 8;
	struct row *r = malloc(sizeof(*r) + need);
	char *p;

	if (!r) {
		/* Cannot even queue it: count it as lost through the counters. */
		w->ctr[ISMS_CTR_RECEIVED]++;
		w->ctr[ISMS_CTR_MALFORMED]++;
		plugin_log(LOG_ERR, "out of memory: event %s not queued", cl->event_key);
		return;
	}
	memset(r, 0, sizeof(*r));
	p = r->data;
	r->what = what;
	r->route = cl->route;
	if (cl->route != ROUTE_DROP) {
		r->ev.source = SOURCE;
		r->ev.kind = put(&p, cl->kind, strlen(cl->kind));
		r->ev.control = put(&p, cl->control, cl->control ? strlen(cl->control) : 0);
		r->ev.asset = put(&p, cl->asset, cl->asset ? strlen(cl->asset) : 0);
		r->ev.subject = put(&p, cl->subject, cl->subject ? strlen(cl->subject) : 0);
		r->ev.outcome = put(&p, cl->outcome, cl->outcome ? strlen(cl->outcome) : 0);
		r->ev.node = put(&p, cl->node, cl->node ? strlen(cl->node) : 0);
		r->ev.event_key = put(&p, cl->event_key, strlen(cl->event_key));
		r->ev.ts = put(&p, cl->ts, strlen(cl->ts));
		r->link_key = put(&p, cl->link_key, cl->link_key ? strlen(cl->link_key) : 0);
		r->ev.details = dlen ? put(&p, details, dlen) : NULL;
	}
	push(w, r);
}

void writer_push_event(struct writer *w, const struct classified *cl, const char *details,
		       size_t dlen)
{
	push_row(w, ROW_EVENT, cl, details, dlen);
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void writer_push_malformed(struct writer *w, const char *line, size_t len, const char *why,
			   const char *node)
{
	char key[96], hash[65], ts[32], *details;
	size_t dcap = len * 6 + 256;
	struct classified cl;
	struct jsonw jw;
	time_t now = time(NULL);
	struct tm tm;

	details = malloc(dcap);
	if (!details) {
		w->ctr[ISMS_CTR_RECEIVED]++;
		w->ctr[ISMS_CTR_MALFORMED]++;
		return;
	}
	sha256_hex(line, len, hash);
	/* The same bad line replayed is the same evidence. */
	snprintf(key, sizeof(key), "audit-malformed:%s", hash);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_init(&jw, details, dcap);
	jsonw_object(&jw);
	jsonw_str(&jw, "why", why);
	jsonw_int(&jw, "length", (long long)len);
	jsonw_strn(&jw, "line", line, len);
	jsonw_finish(&jw);

	memset(&cl, 0, sizeof(cl));
	cl.route = ROUTE_ISMS;
	snprintf(cl.kind, sizeof(cl.kind), "audit.malformed");
	cl.control = "8.15";
	cl.asset = node;
	snprintf(cl.event_key, sizeof(cl.event_key), "%s", key);
	snprintf(cl.ts, sizeof(cl.ts), "%s", ts);
	cl.outcome = "malformed";
	/* Marked malformed before it is queued: once queued, the writer
	 * thread may already be storing it. */
	push_row(w, ROW_MALFORMED, &cl, details, strlen(details));
	free(details);
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
static struct row *take(struct writer *w, size_t max, uint64_t deadline_ms, bool *closed)
{
	struct row *first = NULL, *last = NULL;
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
		struct row *r = w->head;

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

/* Apply one row to the open batch; the counters go with it.  Sets r->ctr. */
static int apply(struct writer *w, struct isms_ingest *in, struct row *r, bool dpms_open)
{
	int rc;

	if (r->what == ROW_META) {
		r->ctr = ISMS_CTR_MAX; /* not an event: not counted */
		rc = isms_ingest_add(in, &r->ev, NULL);
		return rc == -EALREADY || rc == -EINVAL ? 0 : rc;
	}
	isms_ingest_count(in, ISMS_CTR_RECEIVED, 1);
	r->ctr = ISMS_CTR_FILTERED;
	if (r->what == ROW_EVENT && r->route == ROUTE_DROP)
		goto count;
	if (r->route == ROUTE_DPMS) {
		/* Personal data never enters the ISMS store: it went to the DPMS
		 * store in this batch, or there is none to take it. */
		if (dpms_open) {
			r->ctr = ISMS_CTR_ROUTED;
		} else if (!w->dpms_warned) {
			plugin_log(LOG_WARNING,
				   "events keyed dpms: need the DPMS store '%s', which does not exist (dpmsctl init); they are counted as filtered, not stored",
				   w->dpms_path ? w->dpms_path : "");
			w->dpms_warned = true;
		}
		goto count;
	}
	if (r->route == ROUTE_LINK) {
		rc = isms_ingest_has_key(in, r->link_key);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			r->ctr = ISMS_CTR_DUPLICATES;
			goto count;
		}
		/* The module could not store it: the audit trail brought it. */
		r->ev.event_key = r->link_key;
		r->ev.source = "pam_isms";
	}
	rc = isms_ingest_add(in, &r->ev, NULL);
	if (rc == -EINVAL) {
		plugin_log(LOG_ERR, "evidence %s refused by the store, counted as malformed",
			   r->ev.event_key);
		r->ctr = ISMS_CTR_MALFORMED;
		goto count;
	}
	if (rc < 0 && rc != -EALREADY)
		return rc;
	if (r->what == ROW_MALFORMED)
		r->ctr = ISMS_CTR_MALFORMED; /* kept as evidence all the same, once */
	else
		r->ctr = rc == -EALREADY ? ISMS_CTR_DUPLICATES : ISMS_CTR_STORED;
count:
	isms_ingest_count(in, r->ctr, 1);
	return 0;
}

/*
 * Rows the store will not take (it fails, or we are stopping without one):
 * into the spool as batch files, one file for thousands of rows, never
 * dropped.  Counted here, as apply() would have.
 */
static void spool_rows(struct writer *w, struct row *rows)
{
	const struct isms_evidence **evs;
	size_t n = 0, kept = 0, lost = 0, cap = 0;
	int r = -ENOENT;

	for (struct row *p = rows; p; p = p->next)
		cap++;
	evs = calloc(cap ? cap : 1, sizeof(*evs));
	for (struct row *p = rows; p; p = p->next) {
		if (p->what != ROW_META)
			w->ctr[ISMS_CTR_RECEIVED]++;
		if (p->route == ROUTE_DPMS && p->dpms_kept) {
			w->ctr[ISMS_CTR_ROUTED]++; /* in the DPMS store already */
			continue;
		}
		if (p->route == ROUTE_DROP || p->route == ROUTE_DPMS) {
			w->ctr[ISMS_CTR_FILTERED]++;
			continue;
		}
		if (p->route == ROUTE_LINK) {
			p->ev.event_key = p->link_key;
			p->ev.source = "pam_isms";
		}
		if (evs)
			evs[n] = &p->ev;
		n++;
	}
	if (!evs)
		r = -ENOMEM;
	else if (n && w->isms_spool)
		r = isms_spool_write_batch(w->isms_spool, evs, n, &kept);
	lost = n - kept;
	w->ctr[ISMS_CTR_SPOOLED] += kept;
	if (kept)
		plugin_log(LOG_WARNING, "store unavailable: %zu evidence rows spooled to '%s'",
			   kept, w->isms_spool);
	if (lost) {
		plugin_log(LOG_ERR, "store and spool '%s' unavailable (%s): %zu evidence rows lost",
			   w->isms_spool ? w->isms_spool : "", strerror(-r), lost);
		w->lost_rows += lost;
		w->exit_status = 1;
	}
	free(evs);
}

static void append(struct row **head, struct row **tail, size_t *n, struct row *got)
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

/* Personal data into the DPMS store, with that store's own counters. */
static int apply_dpms(struct isms_ingest *din, struct row *r)
{
	enum isms_counter c = ISMS_CTR_STORED;
	int rc;

	isms_ingest_count(din, ISMS_CTR_RECEIVED, 1);
	rc = isms_ingest_add(din, &r->ev, NULL);
	if (rc == -EALREADY)
		c = ISMS_CTR_DUPLICATES;
	else if (rc == -EINVAL)
		c = ISMS_CTR_MALFORMED;
	else if (rc < 0)
		return rc;
	isms_ingest_count(din, c, 1);
	return 0;
}

/*
 * The DPMS part of a batch is committed first: if the ISMS part then fails,
 * the retry finds the personal data already there (duplicates), never lost.
 */
static int commit_batch(struct writer *w, struct isms_ingest *in, struct isms_ingest *din,
			struct row *rows)
{
	bool any = false;
	int r = 0;

	/* (rows of a batch retried may be in the DPMS store already) */
	for (struct row *p = rows; p && !any; p = p->next)
		any = p->route == ROUTE_DPMS && !p->dpms_kept;
	if (any && din) {
		r = isms_ingest_begin(din);
		for (struct row *p = rows; p && r >= 0; p = p->next)
			if (p->route == ROUTE_DPMS && !p->dpms_kept)
				r = apply_dpms(din, p);
		if (r < 0) {
			isms_ingest_rollback(din);
			return r;
		}
		r = isms_ingest_commit(din);
		if (r < 0)
			return r;
		for (struct row *p = rows; p; p = p->next)
			p->dpms_kept = p->dpms_kept || p->route == ROUTE_DPMS;
	}
	r = isms_ingest_begin(in);
	for (struct row *p = rows; p && r >= 0; p = p->next)
		r = apply(w, in, p, din != NULL);
	if (r < 0) {
		isms_ingest_rollback(in);
		return r;
	}
	return isms_ingest_commit(in);
}

/* The DPMS store, opened when it exists; NULL otherwise (looked for again later). */
static struct isms_ingest *open_dpms(struct writer *w, struct isms_store **ret_store)
{
	struct isms_ingest *din = NULL;
	struct stat st;
	char *err = NULL;

	*ret_store = NULL;
	if (!w->dpms_path || stat(w->dpms_path, &st) < 0)
		return NULL;
	if (isms_store_open_schema(w->dpms_path, &dpms_schema, 0, 1000, ret_store, &err) < 0) {
		plugin_log(LOG_ERR, "cannot use the DPMS store: %s", err ? err : "?");
		free(err);
		return NULL;
	}
	if (isms_ingest_new(*ret_store, SOURCE, &din) < 0) {
		plugin_log(LOG_ERR, "cannot prepare the DPMS store: %s",
			   isms_store_errmsg(*ret_store));
		*ret_store = isms_store_free(*ret_store);
		return NULL;
	}
	w->dpms_warned = false;
	return din;
}

/*
 * The writer's connection never checkpoints (its commits would stop for the
 * copy and its fsyncs); this thread does, from a connection of its own,
 * twice a second.  A PASSIVE checkpoint waits for nobody.
 */
struct checkpointer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, running;
	const char *path;
};

static void *checkpointer_main(void *arg)
{
	struct checkpointer *cp = arg;
	struct isms_store *s = NULL;
	char *err = NULL;

	if (isms_store_open(cp->path, 0, 1000, &s, &err) < 0) {
		plugin_log(LOG_WARNING, "checkpointer: %s; the WAL is checkpointed at close only",
			   err ? err : "cannot open the store");
		free(err);
		return NULL;
	}
	pthread_mutex_lock(&cp->lock);
	while (!cp->stop) {
		struct timespec until;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 500 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cp->wake, &cp->lock, &until);
		if (cp->stop)
			break;
		pthread_mutex_unlock(&cp->lock);
		if (isms_store_checkpoint(s) < 0)
			plugin_log(LOG_WARNING, "checkpoint failed: %s", isms_store_errmsg(s));
		pthread_mutex_lock(&cp->lock);
	}
	pthread_mutex_unlock(&cp->lock);
	isms_store_free(s);
	return NULL;
}

static void checkpointer_start(struct checkpointer *cp, const char *path)
{
	pthread_condattr_t ca;

	memset(cp, 0, sizeof(*cp));
	cp->path = path;
	pthread_mutex_init(&cp->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cp->wake, &ca);
	pthread_condattr_destroy(&ca);
	cp->running = pthread_create(&cp->thread, NULL, checkpointer_main, cp) == 0;
	if (cp->running)
		pthread_setname_np(cp->thread, "isms-checkpoint");
}

static void checkpointer_stop(struct checkpointer *cp)
{
	if (!cp->running)
		return;
	pthread_mutex_lock(&cp->lock);
	cp->stop = true;
	pthread_cond_signal(&cp->wake);
	pthread_mutex_unlock(&cp->lock);
	pthread_join(cp->thread, NULL);
	pthread_mutex_destroy(&cp->lock);
	pthread_cond_destroy(&cp->wake);
	cp->running = false;
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
	else if (d.malformed || d.lost)
		plugin_log(LOG_WARNING, "journal '%s': %zu damaged stretches, %llu records lost",
			   path, d.malformed, (unsigned long long)d.lost);
}

/*
 * A batch that failed this often (or stayed locked this long) fails for
 * good (a full disk, a corrupt page): it is spooled, and the store is tried
 * again, reopened, a while later.
 */
#define STORE_TRIES    3
#define STORE_BUSY_MS  10000
#define STORE_RETRY_MS 5000

void *writer_main(void *arg)
{
	struct checkpointer cp = {.running = false};
	struct writer *w = arg;
	struct isms_store *s = NULL;
	struct isms_ingest *in = NULL, *din = NULL;
	struct isms_store *ds = NULL;
	struct row *pending = NULL, *ptail = NULL;
	size_t npending = 0;
	uint64_t started = 0, retry_at = 0, first_fail = 0;
	unsigned backoff = 0, fails = 0;
	/* SIGTERM came and the store failed: everything left goes to the spool. */
	bool spool_only = false;
	bool closed = false;
	uint64_t journal_at = 0;
	int r;

	for (;;) {
		bool stopping = aborting(w);

		if (!s && !spool_only && now_ms() >= retry_at) {
			char *err = NULL;

			r = isms_store_open(w->store_path, 0, 1000, &s, &err);
			if (r == 0 && (r = isms_ingest_new(s, SOURCE, &in)) < 0) {
				free(err);
				err = strdup(isms_store_errmsg(s));
				s = isms_store_free(s);
			}
			if (r < 0) {
				if (backoff == 0 || backoff == 30000)
					plugin_log(LOG_ERR, "cannot use store '%s': %s; events wait in memory and in the spool",
						   w->store_path, err ? err : strerror(-r));
				free(err);
				if (stopping)
					spool_only = true;
				backoff = backoff ? (backoff * 2 > 30000 ? 30000 : backoff * 2) : 250;
				retry_at = now_ms() + backoff;
			} else {
				backoff = 0;
				retry_at = 0;
				if (isms_store_autocheckpoint(s, 0) == 0 && !cp.running)
					checkpointer_start(&cp, w->store_path);
			}
		}
		if (s && !pending)
			drain_journal(w, s, &journal_at, false);
		if (npending < w->batch_events) {
			uint64_t deadline = started ? started + w->batch_ms : now_ms() + w->batch_ms;
			struct row *got = take(w, w->batch_events - npending, deadline, &closed);

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
		if (!s) {
			/* No store: rows wait in memory while there is room and time. */
			if (spool_only || stopping || closed || writer_queued(w) >= w->max_rows) {
				/* Everything queued, in as few files as can be. */
				append(&pending, &ptail, &npending,
				       take(w, (size_t)-1, now_ms(), &closed));
				spool_rows(w, pending);
				free_rows(pending);
				pending = ptail = NULL;
				npending = 0;
				started = 0;
			} else {
				uint64_t now = now_ms();

				nap(w, retry_at > now ? (unsigned)(retry_at - now) : 0);
			}
			continue;
		}
		{
			bool has_dpms = false, has_link = false;

			for (struct row *p = pending; p; p = p->next) {
				has_dpms = has_dpms || p->route == ROUTE_DPMS;
				has_link = has_link || p->route == ROUTE_LINK;
			}
			if (has_link)
				drain_journal(w, s, &journal_at, true);
			/* Opened on the first personal data, and looked for again while missing. */
			if (has_dpms && !din)
				din = open_dpms(w, &ds);
		}
		r = commit_batch(w, in, din, pending);
		if (r < 0) {
			uint64_t now = now_ms();

			w->store_errors++;
			if (fails++ == 0)
				first_fail = now;
			if (r != -EBUSY && fails == 1)
				plugin_log(LOG_ERR, "store write failed: %s; retrying the batch",
					   isms_store_errmsg(s));
			if (!stopping && (r == -EBUSY ? now - first_fail < STORE_BUSY_MS
						      : fails < STORE_TRIES)) {
				/* A locked or briefly failing store is retried. */
				nap(w, 200);
				continue;
			}
			plugin_log(LOG_ERR, "store '%s' failed %u times (%s): spooling the batch of %zu rows%s",
				   w->store_path, fails, isms_store_errmsg(s), npending,
				   stopping ? "" : "; the store is tried again later");
			spool_rows(w, pending);
			free_rows(pending);
			pending = ptail = NULL;
			npending = 0;
			started = 0;
			fails = 0;
			/* Reopened later: the file may be repaired or replaced meanwhile. */
			in = isms_ingest_free(in);
			s = isms_store_free(s);
			if (stopping)
				spool_only = true;
			retry_at = now_ms() + STORE_RETRY_MS;
			continue;
		}
		fails = 0;
		w->batches++;
		for (struct row *p = pending; p; p = p->next) {
			if (p->ctr == ISMS_CTR_MAX)
				continue;
			w->ctr[ISMS_CTR_RECEIVED]++;
			w->ctr[p->ctr]++;
		}
		free_rows(pending);
		pending = ptail = NULL;
		npending = 0;
		started = 0;
		{
			size_t crossed = 0;

			if (isms_indicators_scan(s, &crossed) < 0)
				plugin_log(LOG_ERR, "indicator scan failed: %s",
					   isms_store_errmsg(s));
			else if (crossed)
				plugin_log(LOG_NOTICE, "%zu risk indicator%s crossed", crossed,
					   crossed == 1 ? "" : "s");
		}
	}
	/* From here on, rows still pushed go straight to the spool. */
	pthread_mutex_lock(&w->lock);
	w->done = true;
	{
		struct row *left = w->head;

		w->head = w->tail = NULL;
		w->nrows = 0;
		pthread_cond_broadcast(&w->not_full);
		pthread_mutex_unlock(&w->lock);
		if (left) {
			spool_rows(w, left);
			free_rows(left);
		}
	}
	checkpointer_stop(&cp);
	isms_ingest_free(din);
	isms_store_free(ds);
	isms_ingest_free(in);
	isms_store_free(s);
	return NULL;
}

void writer_abort(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->aborting = true;
	pthread_cond_broadcast(&w->not_full);
	pthread_cond_broadcast(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
}

void writer_push_meta(struct writer *w, const char *kind, const char *outcome,
		      const char *asset, const char *details)
{
	static unsigned seq;
	struct classified cl;
	char host[128] = "";
	struct timespec now;
	struct tm tm;

	memset(&cl, 0, sizeof(cl));
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(cl.ts, sizeof(cl.ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gethostname(host, sizeof(host) - 1);
	cl.route = ROUTE_ISMS;
	snprintf(cl.kind, sizeof(cl.kind), "%s", kind);
	cl.control = "8.15";
	cl.asset = asset;
	cl.outcome = outcome;
	snprintf(cl.event_key, sizeof(cl.event_key), "audisp-isms:%s:%s:%lld.%09ld:%ld:%u", kind,
		 host, (long long)now.tv_sec, now.tv_nsec, (long)getpid(), seq++);
	push_row(w, ROW_META, &cl, details, details ? strlen(details) : 0);
}
