/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef AUDISP_ISMS_CONFIG_H
#define AUDISP_ISMS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * /etc/isms/audit.json: which events become evidence and how they are tied
 * to assets, controls and indicators.  See audisp-isms.conf(5).
 */

struct key_map {
	char *key;      /* audit rule key, or a prefix ending in '*' */
	char *asset;    /* NULL: the event's asset */
	char *control;  /* NULL: 8.15 */
	char *kind;     /* NULL: file.watch / syscall.key */
};

struct node_map {
	char *node;
	char *asset;
};

/*
 * Whose records a node= names (audisp-isms(8), FLEET): the registry with the
 * connections the central accepted, its Kerberos principals, or nobody's
 * word checked (every node= believed).
 */
enum fleet_mode { FLEET_ADDRESS, FLEET_KRB5, FLEET_OFF };

struct plugin_config {
	char *store;        /* NULL: the default store */
	char *dpms_store;   /* NULL: dpms_default_store(), used when it exists */
	char *spool;        /* overflow spool directory */
	char *asset;        /* asset of local events (no node=) */
	bool keep_unkeyed_syscalls;
	bool keep_all_user; /* every user-space message, not just the classified ones */
	bool keep_raw;      /* store raw record text in details */
	bool default_keys;  /* the built-in key map for unmapped keys (default_keys.c) */
	size_t batch_events;
	unsigned batch_ms;
	unsigned overflow_memory_mb; /* the reader's queue in memory */
	unsigned overflow_disk_mb;   /* then the overflow file, up to this; 0: none */
	unsigned alive_seconds;      /* a collector.alive row this often; 0: none */
	enum fleet_mode fleet;       /* default FLEET_ADDRESS */
	struct key_map *keys;
	size_t nkeys;
	struct node_map *nodes;
	size_t nnodes;
};

#define ALIVE_SECONDS_MAX 86400u

/* Defaults only. */
void plugin_config_default(struct plugin_config *c);
/*
 * Parse JSON text; on error returns -EINVAL with "path: problem" in @err.
 * Unknown members are errors: a misspelt key must not silently drop evidence.
 */
int plugin_config_parse(const char *json, size_t len, struct plugin_config *ret, char *err,
			size_t errlen);
/* Read @path (must be root's, not group/world-writable) and parse it. */
int plugin_config_load(const char *path, struct plugin_config *ret, char *err, size_t errlen);
void plugin_config_release(struct plugin_config *c);

/* The mapping for @key, or NULL. */
const struct key_map *plugin_config_key(const struct plugin_config *c, const char *key);
/*
 * The built-in mapping of a key of Debian's and CIS's audit rule sets
 * (identity, time-change, ...), or NULL.  Static data.
 */
const struct key_map *plugin_config_default_key(const char *key);
/* Whether @km is the built-in 'identity' entry (group files make it 5.18). */
bool plugin_config_is_identity_key(const struct key_map *km);
/* "address", "krb5", "off". */
const char *plugin_config_fleet_name(enum fleet_mode m);
/* The asset for an event from @node (NULL: local). */
const char *plugin_config_asset(const struct plugin_config *c, const char *node);

#endif
