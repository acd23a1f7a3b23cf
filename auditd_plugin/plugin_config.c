/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's configuration: /etc/isms/audit.json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "plugin_config.h"
#include "isms/catalogue.h"
#include "isms/trust.h"
#include "isms/json.h"
#include "isms/strutil.h"

#define CONFIG_MAX (1u << 20)

void plugin_config_default(struct plugin_config *c)
{
	memset(c, 0, sizeof(*c));
	c->keep_raw = true;
	c->default_keys = true;
	c->batch_events = 2000;
	c->batch_ms = 200;
	/* A backlog of about a million events (~1 KiB each) on disk, then loss, recorded. */
	c->overflow_memory_mb = 64;
	c->overflow_disk_mb = 1024;
	/* A collector.alive row every 15 minutes: silence then means a dead collector. */
	c->alive_seconds = 900;
}

const char *plugin_config_fleet_name(enum fleet_mode m)
{
	return m == FLEET_KRB5 ? "krb5" : m == FLEET_OFF ? "off" : "address";
}

/* $.overflow.NAME: a whole number of MiB in [@min, @max]; *dst unchanged if absent. */
static int mb_member(struct json_object *o, const char *name, unsigned min, unsigned max,
		     unsigned *dst, char *err, size_t errlen)
{
	struct json_object *b;
	int64_t n;

	if (!json_object_object_get_ex(o, name, &b))
		return 0;
	n = json_object_get_int64(b);
	if (!json_object_is_type(b, json_type_int) || n < min || n > max) {
		snprintf(err, errlen, "$.overflow.%s: must be %u-%u (MiB)", name, min, max);
		return -EINVAL;
	}
	*dst = (unsigned)n;
	return 0;
}

void plugin_config_release(struct plugin_config *c)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		free(c->keys[i].key);
		free(c->keys[i].asset);
		free(c->keys[i].control);
		free(c->keys[i].kind);
	}
	for (size_t i = 0; i < c->nnodes; i++) {
		free(c->nodes[i].node);
		free(c->nodes[i].asset);
	}
	free(c->keys);
	free(c->nodes);
	free(c->store);
	free(c->dpms_store);
	free(c->spool);
	free(c->asset);
	memset(c, 0, sizeof(*c));
}

/*
 * Whether @n bytes of JSON string @s may go into evidence: the store refuses
 * control characters (tab and newline too, in one-line names), invalid
 * UTF-8 and over-long text, and a NUL inside would cut the value short.  A
 * configuration holding such a value would lose every event it touches.
 */
static bool value_ok(const char *s, size_t n, size_t max)
{
	return n > 0 && n <= max && strlen(s) == n && isms_text_ok(s) && !strpbrk(s, "\t\n");
}

/* The longest value a member may have: what its evidence column takes. */
static size_t member_max(const char *name)
{
	if (strcmp(name, "control") == 0)
		return 64;
	if (strcmp(name, "kind") == 0)
		return 63; /* struct classified's kind[64] */
	if (strcmp(name, "asset") == 0)
		return 256;
	return 4096; /* paths */
}

static int str_member(struct json_object *o, const char *name, const char *path, char **dst,
		      char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) || !json_object_get_string_len(v)) {
		snprintf(err, errlen, "%s.%s: must be a non-empty string", path, name);
		return -EINVAL;
	}
	if (!value_ok(json_object_get_string(v), (size_t)json_object_get_string_len(v),
		      member_max(name))) {
		snprintf(err, errlen,
			 "%s.%s: must be UTF-8 text of at most %zu bytes without control characters",
			 path, name, member_max(name));
		return -EINVAL;
	}
	free(*dst);
	*dst = strdup(json_object_get_string(v));
	return *dst ? 0 : -ENOMEM;
}

static int check_members(struct json_object *o, const char *path, const char *const *known,
			 char *err, size_t errlen)
{
	json_object_object_foreach(o, key, val)
	{
		size_t k = 0;

		(void)val;
		while (known[k] && strcmp(known[k], key) != 0)
			k++;
		if (!known[k]) {
			snprintf(err, errlen, "%s: unknown member '%s'", path, key);
			return -EINVAL;
		}
	}
	return 0;
}

int plugin_config_parse(const char *json, size_t len, struct plugin_config *ret, char *err,
			size_t errlen)
{
	static const char *const top[] = {"store", "dpms_store", "spool", "asset", "keep", "batch",
					  "keys", "nodes", "default_keys", "comment", "overflow",
					  "alive_seconds", "fleet", NULL};
	static const char *const overflow_m[] = {"memory_mb", "disk_mb", NULL};
	static const char *const keep_m[] = {"unkeyed_syscalls", "all_user_messages", "raw", NULL};
	static const char *const batch_m[] = {"events", "ms", NULL};
	static const char *const key_m[] = {"asset", "control", "kind", "comment", NULL};
	static const struct isms_json_limits limits = {.max_bytes = CONFIG_MAX, .max_depth = 16};
	struct isms_json_error jerr;
	struct json_object *root = NULL, *v;
	struct plugin_config c;
	int r = -EINVAL;

	plugin_config_default(&c);
	if (errlen)
		err[0] = '\0';
	/* Strict JSON: json-c's own reader takes comments and keeps the last of
	 * two equal names, so a repeated member would change what is kept. */
	r = isms_json_parse(json, len, &limits, &root, &jerr);
	if (r < 0) {
		if (r == -EINVAL)
			snprintf(err, errlen, "%s: not valid JSON: %s (line %u, column %u)",
				 jerr.path, jerr.msg, jerr.line, jerr.column);
		else
			snprintf(err, errlen, "$: %s", strerror(-r));
		goto out;
	}
	r = -EINVAL;
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "$: must be an object");
		goto out;
	}
	if ((r = check_members(root, "$", top, err, errlen)) < 0 ||
	    (r = str_member(root, "store", "$", &c.store, err, errlen)) < 0 ||
	    (r = str_member(root, "dpms_store", "$", &c.dpms_store, err, errlen)) < 0 ||
	    (r = str_member(root, "spool", "$", &c.spool, err, errlen)) < 0 ||
	    (r = str_member(root, "asset", "$", &c.asset, err, errlen)) < 0)
		goto out;
	r = -EINVAL;
	if (json_object_object_get_ex(root, "default_keys", &v)) {
		if (!json_object_is_type(v, json_type_boolean)) {
			snprintf(err, errlen, "$.default_keys: must be true or false");
			goto out;
		}
		c.default_keys = json_object_get_boolean(v);
	}
	if (json_object_object_get_ex(root, "alive_seconds", &v)) {
		int64_t n = json_object_get_int64(v);

		if (!json_object_is_type(v, json_type_int) || n < 0 || n > ALIVE_SECONDS_MAX) {
			snprintf(err, errlen, "$.alive_seconds: must be 0 (off) or 1-%u",
				 ALIVE_SECONDS_MAX);
			goto out;
		}
		c.alive_seconds = (unsigned)n;
	}
	if (json_object_object_get_ex(root, "fleet", &v)) {
		const char *m = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";

		if (strcmp(m, "address") == 0)
			c.fleet = FLEET_ADDRESS;
		else if (strcmp(m, "krb5") == 0)
			c.fleet = FLEET_KRB5;
		else if (strcmp(m, "off") == 0)
			c.fleet = FLEET_OFF;
		else {
			snprintf(err, errlen, "$.fleet: must be \"address\", \"krb5\" or \"off\"");
			goto out;
		}
	}
	if (json_object_object_get_ex(root, "keep", &v)) {
		struct json_object *b;

		if (!json_object_is_type(v, json_type_object) ||
		    check_members(v, "$.keep", keep_m, err, errlen) < 0) {
			if (!err[0])
				snprintf(err, errlen, "$.keep: must be an object");
			goto out;
		}
		json_object_object_foreach(v, key, val)
		{
			(void)key;
			if (!json_object_is_type(val, json_type_boolean)) {
				snprintf(err, errlen, "$.keep.%s: must be true or false", key);
				goto out;
			}
		}
		if (json_object_object_get_ex(v, "unkeyed_syscalls", &b))
			c.keep_unkeyed_syscalls = json_object_get_boolean(b);
		if (json_object_object_get_ex(v, "all_user_messages", &b))
			c.keep_all_user = json_object_get_boolean(b);
		if (json_object_object_get_ex(v, "raw", &b))
			c.keep_raw = json_object_get_boolean(b);
	}
	if (json_object_object_get_ex(root, "batch", &v)) {
		struct json_object *b;

		if (!json_object_is_type(v, json_type_object) ||
		    check_members(v, "$.batch", batch_m, err, errlen) < 0) {
			if (!err[0])
				snprintf(err, errlen, "$.batch: must be an object");
			goto out;
		}
		if (json_object_object_get_ex(v, "events", &b)) {
			int64_t n = json_object_get_int64(b);

			if (!json_object_is_type(b, json_type_int) || n < 1 || n > 100000) {
				snprintf(err, errlen, "$.batch.events: must be 1-100000");
				goto out;
			}
			c.batch_events = (size_t)n;
		}
		if (json_object_object_get_ex(v, "ms", &b)) {
			int64_t n = json_object_get_int64(b);

			if (!json_object_is_type(b, json_type_int) || n < 1 || n > 60000) {
				snprintf(err, errlen, "$.batch.ms: must be 1-60000");
				goto out;
			}
			c.batch_ms = (unsigned)n;
		}
	}
	if (json_object_object_get_ex(root, "overflow", &v)) {
		if (!json_object_is_type(v, json_type_object) ||
		    check_members(v, "$.overflow", overflow_m, err, errlen) < 0) {
			if (!err[0])
				snprintf(err, errlen, "$.overflow: must be an object");
			goto out;
		}
		if (mb_member(v, "memory_mb", 1, 4096, &c.overflow_memory_mb, err, errlen) < 0 ||
		    mb_member(v, "disk_mb", 0, 1u << 20, &c.overflow_disk_mb, err, errlen) < 0)
			goto out;
	}
	if (json_object_object_get_ex(root, "keys", &v)) {
		if (!json_object_is_type(v, json_type_object)) {
			snprintf(err, errlen, "$.keys: must be an object of key: {asset, control, kind}");
			goto out;
		}
		c.keys = calloc((size_t)json_object_object_length(v) + 1, sizeof(*c.keys));
		if (!c.keys) {
			r = -ENOMEM;
			goto out;
		}
		json_object_object_foreach(v, key, val)
		{
			char path[256];
			struct key_map *m = &c.keys[c.nkeys];

			snprintf(path, sizeof(path), "$.keys.%s", key);
			if (!json_object_is_type(val, json_type_object) ||
			    check_members(val, path, key_m, err, errlen) < 0) {
				if (!err[0])
					snprintf(err, errlen, "%s: must be an object", path);
				goto out;
			}
			/* Longer keys never match (classify's one[256]). */
			if (!value_ok(key, strlen(key), 255)) {
				snprintf(err, errlen,
					 "%s: must be a key of UTF-8 text without control characters",
					 path);
				goto out;
			}
			if (strncmp(key, "dpms:", 5) == 0) {
				snprintf(err, errlen, "%s: keys beginning 'dpms:' belong to the DPMS", path);
				goto out;
			}
			m->key = strdup(key);
			c.nkeys++;
			if (!m->key || str_member(val, "asset", path, &m->asset, err, errlen) < 0 ||
			    str_member(val, "control", path, &m->control, err, errlen) < 0 ||
			    str_member(val, "kind", path, &m->kind, err, errlen) < 0)
				goto out;
		}
	}
	if (json_object_object_get_ex(root, "nodes", &v)) {
		if (!json_object_is_type(v, json_type_object)) {
			snprintf(err, errlen, "$.nodes: must be an object of node: asset");
			goto out;
		}
		c.nodes = calloc((size_t)json_object_object_length(v) + 1, sizeof(*c.nodes));
		if (!c.nodes) {
			r = -ENOMEM;
			goto out;
		}
		json_object_object_foreach(v, node, val)
		{
			if (!json_object_is_type(val, json_type_string) ||
			    !json_object_get_string_len(val)) {
				snprintf(err, errlen, "$.nodes.%s: must be an asset name", node);
				goto out;
			}
			/* A node name is the asset of a fleet's events: the same rules. */
			if (!value_ok(node, strlen(node), 256) ||
			    !value_ok(json_object_get_string(val),
				      (size_t)json_object_get_string_len(val), 256)) {
				snprintf(err, errlen,
					 "$.nodes.%s: must be UTF-8 text of at most 256 bytes without control characters",
					 node);
				goto out;
			}
			c.nodes[c.nnodes].node = strdup(node);
			c.nodes[c.nnodes].asset = strdup(json_object_get_string(val));
			c.nnodes++;
			if (!c.nodes[c.nnodes - 1].node || !c.nodes[c.nnodes - 1].asset) {
				r = -ENOMEM;
				goto out;
			}
		}
	}
	r = 0;
out:
	json_object_put(root);
	if (r < 0) {
		plugin_config_release(&c);
		return r;
	}
	*ret = c;
	return 0;
}

int plugin_config_load(const char *path, struct plugin_config *ret, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	err[0] = '\0';
	/* Whoever can write it, or any directory or symlink on its path,
	 * decides what evidence is kept: sshd's StrictModes (lib/trust.c). */
	r = isms_trust_read(path, 0, CONFIG_MAX, &buf, &len, err, errlen);
	if (r < 0)
		return r;
	r = plugin_config_parse(buf, len, ret, err, errlen);
	free(buf);
	if (r < 0 && errlen) {
		/* Name the file: "PATH: $.keys.x: ..." */
		size_t pl = strlen(path), el = strlen(err);

		if (pl + 2 + el < errlen) {
			memmove(err + pl + 2, err, el + 1);
			memcpy(err, path, pl);
			memcpy(err + pl, ": ", 2);
		}
	}
	return r;
}

const struct key_map *plugin_config_key(const struct plugin_config *c, const char *key)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		const char *k = c->keys[i].key;
		size_t n = strlen(k);

		if (n && k[n - 1] == '*' ? strncmp(k, key, n - 1) == 0 : strcmp(k, key) == 0)
			return &c->keys[i];
	}
	return NULL;
}

const char *plugin_config_asset(const struct plugin_config *c, const char *node)
{
	if (!node)
		return c->asset;
	for (size_t i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].node, node) == 0)
			return c->nodes[i].asset;
	return node; /* a fleet's hosts are assets named as their nodes */
}
