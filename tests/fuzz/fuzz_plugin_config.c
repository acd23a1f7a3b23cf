/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audisp-isms's configuration (/etc/isms/audit.json): plugin_config_parse()
 * on any bytes.  An accepted configuration must answer lookups; a refused
 * one must say why in a terminated message and hold nothing.
 */
#include <string.h>

#include "fuzz.h"
#include "plugin_config.h"
#include "isms/strutil.h"

#define FUZZ_MAX (64u << 10)

static const char *const keys[] = {"isms-watch", "web-01", "web-", "dpms:hr", "", "*", "identity"};
static const char *const nodes[] = {"alpha", "beta", ""};

/*
 * A value the plugin copies into evidence columns (asset, control, kind) or
 * compares with them: the store refuses text with control characters or
 * invalid UTF-8, so a configuration holding one would lose every event it
 * touches.  It must be refused at parse time, when the operator can see why.
 */
static void check_value(const char *v, size_t max)
{
	if (!v)
		return;
	CHECK(v[0]);
	CHECK(strlen(v) <= max);
	CHECK(isms_text_ok(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plugin_config c;
	char err[256];
	int r;

	if (size > FUZZ_MAX)
		return 0;
	memset(err, 'x', sizeof(err));
	r = plugin_config_parse((const char *)data, size, &c, err, sizeof(err));
	if (r < 0) {
		CHECK(memchr(err, '\0', sizeof(err)));
		CHECK(err[0]);
		return 0;
	}
	CHECK(r == 0);
	CHECK(c.batch_events > 0 && c.batch_ms > 0);
	CHECK(c.alive_seconds <= ALIVE_SECONDS_MAX);
	check_value(c.asset, 256);
	for (size_t i = 0; i < c.nkeys; i++) {
		CHECK(c.keys[i].key);
		check_value(c.keys[i].key, 255);
		check_value(c.keys[i].asset, 256);
		check_value(c.keys[i].control, 64);
		check_value(c.keys[i].kind, 63); /* struct classified's kind[64] */
	}
	for (size_t i = 0; i < c.nnodes; i++) {
		CHECK(c.nodes[i].node && c.nodes[i].asset);
		check_value(c.nodes[i].node, 256);
		check_value(c.nodes[i].asset, 256);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key_map *k = plugin_config_key(&c, keys[i]);

		CHECK(!k || k->key);
	}
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		(void)plugin_config_asset(&c, nodes[i]);
	(void)plugin_config_asset(&c, NULL);
	plugin_config_release(&c);
	return 0;
}
