/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checkpointer thread: the WAL copied back while the writer writes. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "isms/store.h"
#include "log.h"

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

void checkpointer_start(struct checkpointer *cp, const char *path)
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

void checkpointer_stop(struct checkpointer *cp)
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

