/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_FLEET_REGISTRY_H
#define AUDISP_ISMS_FLEET_REGISTRY_H

#include <stdbool.h>

#include "isms/node.h"
#include "isms/store.h"

/*
 * The node registry as the plugin reads it (audisp-isms(8), FLEET): from a
 * read-only connection of its own, at start, on SIGHUP and whenever its
 * stamp changes (polled once a second, off the path of the records).
 */
struct fleet_registry {
	const char *store_path;
	struct isms_store *s;
	struct isms_node_registry *reg; /* NULL: unavailable */
	struct isms_node_registry *old; /* replaced, until fleet_registry_drop_old */
	char stamp[65];
	bool said; /* the state (available or not) was logged */
};

void fleet_registry_init(struct fleet_registry *f, const char *store_path);
void fleet_registry_release(struct fleet_registry *f);
/*
 * Read the registry again when it changed (@force: in any case).  Returns
 * true when fleet_registry_get() gives another registry than before: the
 * caller hands it on, then fleet_registry_drop_old().
 */
bool fleet_registry_poll(struct fleet_registry *f, bool force);
/* The registry after the last poll; NULL when it could not be read. */
const struct isms_node_registry *fleet_registry_get(const struct fleet_registry *f);
/* The registry before the last poll that changed it, no longer used. */
void fleet_registry_drop_old(struct fleet_registry *f);

#endif
