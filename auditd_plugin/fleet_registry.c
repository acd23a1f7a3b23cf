/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The node registry read from the store, again when it changed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_registry.h"
#include "log.h"

void fleet_registry_init(struct fleet_registry *f, const char *store_path)
{
	memset(f, 0, sizeof(*f));
	f->store_path = store_path;
}

void fleet_registry_release(struct fleet_registry *f)
{
	isms_node_registry_free(f->reg);
	isms_node_registry_free(f->old);
	isms_store_free(f->s);
	memset(f, 0, sizeof(*f));
}

const struct isms_node_registry *fleet_registry_get(const struct fleet_registry *f)
{
	return f->reg;
}

void fleet_registry_drop_old(struct fleet_registry *f)
{
	f->old = isms_node_registry_free(f->old);
}

/* Unavailable: records with node= are quarantined until it can be read (fail closed). */
static bool unavailable(struct fleet_registry *f, const char *why)
{
	bool changed = f->reg != NULL || !f->said;

	if (changed)
		plugin_log(LOG_ERR, "node registry unavailable (%s): records with node= are quarantined",
			   why);
	f->said = true;
	f->s = isms_store_free(f->s); /* open it again next time: it may have been replaced */
	f->stamp[0] = '\0';
	isms_node_registry_free(f->old);
	f->old = f->reg;
	f->reg = NULL;
	return changed;
}

bool fleet_registry_poll(struct fleet_registry *f, bool force)
{
	struct isms_node_registry *reg = NULL;
	char stamp[65], *err = NULL;
	int r;

	if (!f->s) {
		r = isms_store_open(f->store_path, ISMS_STORE_READONLY, 1000, &f->s, &err);
		if (r < 0) {
			bool c = unavailable(f, err ? err : strerror(-r));

			free(err);
			return c;
		}
	}
	r = isms_node_registry_stamp(f->s, stamp);
	if (r < 0)
		return unavailable(f, isms_store_errmsg(f->s));
	if (!force && f->reg && strcmp(stamp, f->stamp) == 0)
		return false;
	r = isms_node_registry_load(f->s, &reg);
	if (r < 0)
		return unavailable(f, r == -ENOMEM ? strerror(ENOMEM) : isms_store_errmsg(f->s));
	if (!f->reg || !f->said)
		plugin_log(LOG_INFO, "node registry: %zu nodes", reg->n);
	f->said = true;
	memcpy(f->stamp, stamp, sizeof(stamp));
	isms_node_registry_free(f->old);
	f->old = f->reg;
	f->reg = reg;
	return true;
}
