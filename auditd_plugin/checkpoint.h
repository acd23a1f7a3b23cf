/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_CHECKPOINT_H
#define AUDISP_ISMS_CHECKPOINT_H

#include <pthread.h>
#include <stdbool.h>

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

/* Start it on the store at @path (which must outlive it); cp->running says whether it runs. */
void checkpointer_start(struct checkpointer *cp, const char *path);
/* Stop and join it; nothing when it does not run. */
void checkpointer_stop(struct checkpointer *cp);

#endif
