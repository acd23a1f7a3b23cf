/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audisp-isms's record path: bytes in as auditd would send them, split into
 * lines, assembled by libauparse, classified, their details JSON written.
 * Every evidence field the plugin would hand the store must pass the store's
 * own text rules (isms_text_ok: valid UTF-8, no control characters, no NUL
 * inside, under the store's length caps), or the store would refuse the row
 * and the event would be lost; every details document must be strict JSON.
 * Malformed lines are checked the same way, as writer_push_malformed()
 * keeps them.  The input's length picks the fleet's attribution (address,
 * krb5, off) over a registry of three nodes, so that the lines with node=
 * go through attributed, apart and quarantined states, and the collector's
 * own rows about them (fleet.*) are checked too.
 */
#include <json-c/json.h>
#include <string.h>

#include "classify.h"
#include "fuzz.h"
#include "jsonw.h"
#include "parse.h"
#include "plugin_config.h"
#include "isms/node.h"
#include "isms/strutil.h"

#define FUZZ_MAX (64u << 10)

/* tests/data/audit/audit.json, with every kind of event kept. */
static const char config_json[] =
	"{\"asset\": \"test-host\","
	" \"keys\": {\"isms-watch\": {\"asset\": \"web01\", \"control\": \"8.9\"},"
	"          \"web-*\": {\"asset\": \"website\", \"kind\": \"web.change\"},"
	"          \"isms-perm\": {\"control\": \"8.2\"}},"
	" \"nodes\": {\"alpha\": \"alpha-asset\"},"
	" \"keep\": {\"unkeyed_syscalls\": true, \"all_user_messages\": true, \"raw\": true}}";

static const char *const fleets[] = {"address", "krb5", "off"};
static struct plugin_config config[3];
static struct parser parser; /* big: not on the stack */
static struct isms_node_net nets_a[1], nets_b[2];
static struct isms_node nodes[] = {
	{.name = "central", .local = true},
	{.name = "host-a", .asset = "host-a-asset", .principal = "host/a.example@EXAMPLE",
	 .nets = nets_a, .nnets = 1},
	{.name = "host-b", .principal = "host/b.example@EXAMPLE", .nets = nets_b, .nnets = 2},
};
static const struct isms_node_registry registry = {.node = nodes, .n = 3};

/* As lib/ingest.c checks each column: NULL is allowed, else text under @max bytes. */
static void check_text(const char *v, size_t max)
{
	if (!v)
		return;
	CHECK(strlen(v) <= max);
	if (!isms_text_ok(v)) {
		fprintf(stderr, "bad text: '%s'\n", v);
		CHECK(!"an evidence field the store refuses");
	}
}

static void check_json(const char *doc, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	CHECK(tok);
	CHECK(strlen(doc) == len); /* no NUL inside */
	check_text(doc, 1u << 20);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, doc, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		fprintf(stderr, "not JSON: '%s'\n", doc);
		CHECK(!"details that are not strict JSON");
	}
	CHECK(json_object_is_type(o, json_type_object));
	json_object_put(o);
	json_tokener_free(tok);
}

static void on_event(void *ud, const struct aev *e, const struct classified *cl,
		     const char *details, size_t dlen)
{
	(void)ud;
	(void)e;
	if (cl->route == ROUTE_DROP)
		return;
	CHECK(cl->kind[0]);
	/*
	 * pam_isms's own decision record (ROUTE_LINK) takes its evidence key,
	 * kind and outcome from the record as it is: when those are not text
	 * the store refuses the row, and the writer must keep the line as
	 * audit.malformed instead (issue 8, item 3, fixed in its own branch,
	 * in the writer).  Every other field of it is checked here.
	 */
	if (cl->route != ROUTE_LINK) {
		check_text(cl->kind, 256);
		check_text(cl->outcome, 256);
		check_text(cl->link_key, 512);
	}
	check_text(cl->control, 64);
	check_text(cl->asset, 256);
	check_text(cl->subject, 1024);
	check_text(cl->node, 256);
	check_text(cl->event_key, 512);
	check_text(cl->ts, 64);
	if (cl->route == ROUTE_DPMS)
		check_text(cl->activity, 256);
	CHECK(dlen > 0);
	check_json(details, dlen);
}

/* The details writer_push_malformed() stores for a line that is not a record. */
static void on_malformed(void *ud, const char *line, size_t len, const char *why)
{
	size_t cap = len * 6 + 256;
	char *details = malloc(cap);
	struct jsonw w;
	size_t n;

	(void)ud;
	CHECK(details);
	CHECK(len <= PARSE_LINE_MAX);
	jsonw_init(&w, details, cap);
	jsonw_object(&w);
	jsonw_str(&w, "why", why);
	jsonw_int(&w, "length", (long long)len);
	jsonw_strn(&w, "line", line, len);
	n = jsonw_finish(&w);
	check_json(details, n);
	free(details);
}

/* The collector's own rows about the fleet (fleet.impersonation ...), as writer_push_meta_key() gets them. */
static void on_meta(void *ud, const char *kind, const char *outcome, const char *asset,
		    const char *details, const char *key)
{
	(void)ud;
	check_text(kind, 256);
	check_text(outcome, 256);
	check_text(asset, 256);
	check_text(key, 512);
	CHECK(details);
	check_json(details, strlen(details));
}

static const struct parse_sink sink = {.event = on_event, .malformed = on_malformed,
				       .meta = on_meta};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	for (int i = 0; i < 3; i++) {
		char json[sizeof(config_json) + 32];
		int n = snprintf(json, sizeof(json), "%.*s, \"fleet\": \"%s\"}",
				 (int)sizeof(config_json) - 2, config_json, fleets[i]);

		if (plugin_config_parse(json, (size_t)n, &config[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "fuzz_audit: bad built-in configuration: %s\n", err);
			abort();
		}
	}
	if (isms_node_net_parse("10.0.0.2", &nets_a[0], err, sizeof(err)) < 0 ||
	    isms_node_net_parse("10.0.1.0/24", &nets_b[0], err, sizeof(err)) < 0 ||
	    isms_node_net_parse("fd00::/64", &nets_b[1], err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_audit: %s\n", err);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t half = size / 2;

	if (size > FUZZ_MAX)
		return 0;
	CHECK(parser_init(&parser, &config[size % 3], &sink) == 0);
	parser_set_registry(&parser, &registry);
	/* In two pieces, as reads from a pipe come: a line may span them. */
	parser_feed(&parser, (const char *)data, half);
	parser_age(&parser);
	/* every node quiet since: their pending events complete */
	for (int i = 0; i < PARSE_NODE_QUIET; i++)
		parser_tick(&parser);
	parser_feed(&parser, (const char *)data + half, size - half);
	parser_flush(&parser);
	parser_release(&parser);
	return 0;
}
