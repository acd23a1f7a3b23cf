/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attribution (auditd_plugin/attrib.c, parse_fleet.c): the facts of a line,
 * the connection table, the verdict for address and krb5 mode, and the
 * parser acting on it: keys, sources, the asset, and the rows said once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "attrib.h"
#include "isms/sha256.h"
#include "parse.h"
#include "testutil.h"

/* host-a 10.0.0.2 (asset, principal), host-b 10.0.0.3 (principal), central (local) */
static struct isms_node_registry *registry(const char *extra_name, const char *extra_addrs)
{
	static const struct {
		const char *name, *addrs, *asset, *principal;
		bool local;
	} def[] = {
		{"central", "", NULL, NULL, true},
		{"host-a", "10.0.0.2", "host-a-asset", "host/a.example@EXAMPLE", false},
		{"host-b", "10.0.0.3", NULL, "host/b.example@EXAMPLE", false},
	};
	struct isms_node_registry *reg = calloc(1, sizeof(*reg));
	char err[128];
	size_t n = sizeof(def) / sizeof(def[0]);

	assert_non_null(reg);
	reg->node = calloc(n + 1, sizeof(*reg->node));
	assert_non_null(reg->node);
	for (size_t i = 0; i < n + (extra_name ? 1 : 0); i++) {
		struct isms_node *nd = &reg->node[i];
		bool x = i == n;

		nd->name = strdup(x ? extra_name : def[i].name);
		nd->asset = !x && def[i].asset ? strdup(def[i].asset) : NULL;
		nd->principal = !x && def[i].principal ? strdup(def[i].principal) : NULL;
		nd->local = !x && def[i].local;
		nd->nets = calloc(ISMS_NODE_NETS_MAX, sizeof(*nd->nets));
		assert_non_null(nd->nets);
		assert_int_equal(isms_node_nets_parse(x ? extra_addrs : def[i].addrs, nd->nets,
						      &nd->nnets, err, sizeof(err)),
				 0);
		reg->n++;
	}
	return reg;
}

static void facts(const char *line, bool krb5, struct attrib_line *l)
{
	attrib_line_facts(line, strlen(line), krb5, l);
}

static enum attrib_class decide(const struct attrib *a, const char *line, char *reason)
{
	struct attrib_line l;
	struct attrib_verdict v;

	facts(line, a->mode == FLEET_KRB5, &l);
	attrib_decide(a, &l, &v);
	if (reason)
		snprintf(reason, ATTRIB_REASON_MAX, "%s", v.cls == ATTRIB_QUARANTINE ? v.reason : "");
	return v.cls;
}

#define A_LINE "node=host-a type=USER_AUTH msg=audit(1.000:1): pid=1 res=failed'"
#define B_LINE "node=host-b type=USER_AUTH msg=audit(1.000:1): pid=1 res=failed'"

static void test_line_facts(void **state)
{
	struct attrib_line l;

	(void)state;
	facts("type=SYSCALL msg=audit(1.000:1): a=1", true, &l);
	assert_null(l.name);
	assert_null(l.krb5);
	facts(A_LINE " krb5=host/a@X", false, &l);
	assert_int_equal(l.nlen, 6);
	assert_memory_equal(l.name, "host-a", 6);
	assert_null(l.krb5); /* address mode does not look */
	facts(A_LINE " krb5=fake@X krb5=host/a@X", true, &l);
	assert_int_equal(l.klen, 8);
	assert_memory_equal(l.krb5, "host/a@X", 8); /* the last, the central's */
	facts(A_LINE " krb5=host/a@X x=1", true, &l);
	assert_null(l.krb5); /* not at the end: a sender's own text */
	facts(A_LINE " krb5=", true, &l);
	assert_null(l.krb5);
}

static void test_connection_facts(void **state)
{
	char addr[ATTRIB_ADDR_MAX];
	unsigned port;
	bool open;
	const char *acc = "type=DAEMON_ACCEPT msg=audit(1.000:1): addr=10.0.0.2 port=40001 res=success";

	(void)state;
	assert_true(attrib_connection_facts(acc, strlen(acc), addr, &port, &open));
	assert_string_equal(addr, "10.0.0.2");
	assert_int_equal(port, 40001);
	assert_true(open);
	acc = "node=central type=DAEMON_CLOSE msg=audit(1.000:2): addr=::ffff:10.0.0.3 port=7 res=success";
	assert_true(attrib_connection_facts(acc, strlen(acc), addr, &port, &open));
	assert_string_equal(addr, "::ffff:10.0.0.3");
	assert_int_equal(port, 7);
	assert_false(open);
	acc = "type=DAEMON_ACCEPT msg=audit(1.000:3): op=dup addr=10.0.0.2 port=1 res=no";
	assert_false(attrib_connection_facts(acc, strlen(acc), addr, &port, &open));
	acc = "type=DAEMON_START msg=audit(1.000:4): addr=10.0.0.2 port=1 res=success";
	assert_false(attrib_connection_facts(acc, strlen(acc), addr, &port, &open));
	acc = "type=DAEMON_ACCEPT msg=audit(1.000:5): port=1 res=success";
	assert_false(attrib_connection_facts(acc, strlen(acc), addr, &port, &open));
}

static void test_address_mode(void **state)
{
	struct isms_node_registry *reg = registry(NULL, NULL);
	struct attrib a;
	char why[ATTRIB_REASON_MAX];
	unsigned long e;

	(void)state;
	attrib_init(&a, FLEET_ADDRESS);
	/* no registry: fail closed */
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_QUARANTINE);
	assert_string_equal(why, "node registry unavailable");
	assert_int_equal(decide(&a, "type=X msg=audit(1.0:1): a", why), ATTRIB_LOCAL);
	assert_int_equal(attrib_set_registry(&a, reg), 0);
	assert_int_equal(decide(&a, "node=host-z type=X msg=audit(1.0:1): a", why), ATTRIB_APART);
	assert_int_equal(decide(&a, "node=central type=X msg=audit(1.0:1): a", why), ATTRIB_LOCAL);
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_QUARANTINE);
	assert_string_equal(why, "no connection open from an address of node 'host-a'");
	e = a.epoch;
	attrib_connection(&a, "10.0.0.2", 40001, true);
	assert_true(a.epoch != e);
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_LOCAL);
	assert_int_equal(decide(&a, B_LINE, why), ATTRIB_QUARANTINE);
	/* v4-mapped: the same address */
	attrib_connection(&a, "::ffff:10.0.0.3", 40002, true);
	assert_int_equal(decide(&a, B_LINE, why), ATTRIB_LOCAL);
	/* a stranger: nobody's node= believed while it is connected */
	attrib_connection(&a, "10.0.0.9", 50000, true);
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_QUARANTINE);
	assert_string_equal(why, "a connection from an address of no registered node is open");
	{
		char s[256];

		attrib_senders_json(&a, s, sizeof(s));
		assert_string_equal(s, "[\"10.0.0.9\"]");
	}
	attrib_connection(&a, "10.0.0.9", 50001, false); /* another port: not its CLOSE */
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_QUARANTINE);
	attrib_connection(&a, "10.0.0.9", 50000, false);
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_LOCAL);
	/* a CLOSE of nothing is harmless, twice too */
	attrib_connection(&a, "10.0.0.7", 1, false);
	attrib_connection(&a, "10.0.0.2", 40001, false);
	attrib_connection(&a, "10.0.0.2", 40001, false);
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_QUARANTINE);
	assert_int_equal(decide(&a, B_LINE, why), ATTRIB_LOCAL);
	/* a garbage address opens nothing */
	attrib_connection(&a, "10.0.0.0/8", 1, true);
	attrib_connection(&a, "nonsense", 1, true);
	assert_int_equal(a.nconn, 1);
	a.mode = FLEET_OFF;
	assert_int_equal(decide(&a, "node=host-z type=X msg=audit(1.0:1): a", why), ATTRIB_LOCAL);
	attrib_release(&a);
	isms_node_registry_free(reg);
}

static void test_registry_swap(void **state)
{
	struct isms_node_registry *r1 = registry(NULL, NULL), *r2 = registry("host-c", "10.0.0.9");
	struct attrib a;

	(void)state;
	attrib_init(&a, FLEET_ADDRESS);
	attrib_connection(&a, "10.0.0.9", 1, true); /* before any registry */
	attrib_connection(&a, "10.0.0.2", 2, true);
	assert_int_equal(attrib_set_registry(&a, r1), 0);
	assert_int_equal(a.unregistered, 1);
	assert_int_equal(decide(&a, A_LINE, NULL), ATTRIB_QUARANTINE);
	/* 10.0.0.9 enrolled: the same connections, counted again */
	assert_int_equal(attrib_set_registry(&a, r2), 0);
	assert_int_equal(a.unregistered, 0);
	assert_int_equal(decide(&a, A_LINE, NULL), ATTRIB_LOCAL);
	assert_int_equal(decide(&a, "node=host-c type=X msg=audit(1.0:1): a", NULL), ATTRIB_LOCAL);
	assert_int_equal(attrib_set_registry(&a, NULL), 0);
	assert_int_equal(decide(&a, A_LINE, NULL), ATTRIB_QUARANTINE);
	attrib_release(&a);
	isms_node_registry_free(r1);
	isms_node_registry_free(r2);
}

static void test_krb5_mode(void **state)
{
	struct isms_node_registry *reg = registry(NULL, NULL);
	struct attrib a;
	struct attrib_line l;
	struct attrib_verdict v;
	char why[ATTRIB_REASON_MAX];

	(void)state;
	attrib_init(&a, FLEET_KRB5);
	assert_int_equal(attrib_set_registry(&a, reg), 0);
	/* connections do not matter with Kerberos */
	assert_int_equal(decide(&a, A_LINE " krb5=host/a.example@EXAMPLE", why), ATTRIB_LOCAL);
	assert_int_equal(decide(&a, B_LINE " krb5=host/a.example@EXAMPLE", why), ATTRIB_QUARANTINE);
	assert_string_equal(why, "krb5 principal 'host/a.example@EXAMPLE' is not the principal of"
				 " node 'host-b' ('host/b.example@EXAMPLE')");
	assert_int_equal(decide(&a, B_LINE " krb5=host/b.example@EXAMPLE krb5=host/a.example@EXAMPLE",
				why),
			 ATTRIB_QUARANTINE);
	assert_int_equal(decide(&a, A_LINE, why), ATTRIB_QUARANTINE);
	assert_string_equal(why, "no krb5= principal: not received over Kerberos");
	assert_int_equal(decide(&a, "node=central type=X msg=audit(1.0:1): a", why), ATTRIB_LOCAL);
	assert_int_equal(decide(&a, "node=central type=X msg=audit(1.0:1): a krb5=host/a.example@EXAMPLE",
				why),
			 ATTRIB_QUARANTINE);
	assert_int_equal(decide(&a, "node=host-z type=X msg=audit(1.0:1): a krb5=z@X", why),
			 ATTRIB_APART);
	assert_int_equal(decide(&a, "type=X msg=audit(1.0:1): a", why), ATTRIB_LOCAL);
	/* no node=, but over Kerberos: the principal's node */
	facts("type=X msg=audit(1.0:1): a krb5=host/b.example@EXAMPLE", true, &l);
	attrib_decide(&a, &l, &v);
	assert_int_equal(v.cls, ATTRIB_LOCAL);
	assert_int_equal(v.nlen, 6);
	assert_memory_equal(v.name, "host-b", 6);
	facts("type=X msg=audit(1.0:1): a krb5=nobody@X", true, &l);
	attrib_decide(&a, &l, &v);
	assert_int_equal(v.cls, ATTRIB_QUARANTINE);
	attrib_release(&a);
	isms_node_registry_free(reg);
}

/* ---- the parser with a registry ---- */

#define MAX_EV 256

struct sink {
	size_t nev, nmeta, nbad;
	char key[MAX_EV][384], kind[MAX_EV][64], source[MAX_EV][40], asset[MAX_EV][64], details[MAX_EV][2048];
	char meta_kind[MAX_EV][64], meta_key[MAX_EV][384];
};

static void on_event(void *ud, const struct aev *e, const struct classified *cl,
		     const char *details, size_t dlen)
{
	struct sink *s = ud;

	(void)e;
	assert_true(s->nev < MAX_EV);
	snprintf(s->key[s->nev], sizeof(s->key[0]), "%s", cl->event_key);
	snprintf(s->kind[s->nev], sizeof(s->kind[0]), "%s", cl->kind);
	snprintf(s->source[s->nev], sizeof(s->source[0]), "%s",
		 cl->source ? cl->source : "audisp-isms");
	snprintf(s->asset[s->nev], sizeof(s->asset[0]), "%s", cl->asset ? cl->asset : "");
	snprintf(s->details[s->nev], sizeof(s->details[0]), "%.*s", (int)dlen, details);
	s->nev++;
}

static void on_malformed(void *ud, const char *line, size_t len, const char *why)
{
	struct sink *s = ud;

	(void)line, (void)len, (void)why;
	s->nbad++;
}

static void on_meta(void *ud, const char *kind, const char *outcome, const char *asset,
		    const char *details, const char *key)
{
	struct sink *s = ud;

	(void)outcome, (void)asset, (void)details;
	assert_true(s->nmeta < MAX_EV);
	snprintf(s->meta_kind[s->nmeta], sizeof(s->meta_kind[0]), "%s", kind);
	snprintf(s->meta_key[s->nmeta], sizeof(s->meta_key[0]), "%s", key);
	s->nmeta++;
}

static const char *find_source(const struct sink *s, const char *key)
{
	for (size_t i = 0; i < s->nev; i++)
		if (strcmp(s->key[i], key) == 0)
			return s->source[i];
	return NULL;
}

static size_t prefixed(const struct sink *s, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nev; i++)
		n += strncmp(s->key[i], prefix, strlen(prefix)) == 0;
	return n;
}

#define UA(node, stamp, acct)                                                              \
	"node=" node " type=USER_AUTH msg=audit(" stamp "): pid=1 uid=0 auid=4294967295 "  \
	"ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"" acct "\" "          \
	"exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=failed'\n"

static void test_parser(void **state)
{
	struct isms_node_registry *reg = registry(NULL, NULL);
	struct plugin_config cfg;
	struct sink *s = calloc(1, sizeof(*s));
	struct parser *p = malloc(sizeof(*p));
	struct parse_sink sink = {.ud = s, .event = on_event, .malformed = on_malformed,
				  .meta = on_meta};
	const char *in;

	(void)state;
	assert_non_null(s);
	assert_non_null(p);
	plugin_config_default(&cfg);
	cfg.asset = strdup("central-asset");
	assert_int_equal(parser_init(p, &cfg, &sink), 0);
	/* before the registry: quarantined */
	in = UA("host-a", "1.000:1", "early");
	parser_feed(p, in, strlen(in));
	parser_set_registry(p, reg);
	in = "type=DAEMON_ACCEPT msg=audit(2.000:1): addr=10.0.0.3 port=40002 res=success\n"
	     "type=DAEMON_ACCEPT msg=audit(2.000:2): addr=10.0.0.9 port=50000 res=success\n"
	     UA("host-b", "3.000:7", "mallory") UA("host-b", "3.000:8", "mallory")
	     "type=DAEMON_CLOSE msg=audit(4.000:3): addr=10.0.0.9 port=50000 res=success\n"
	     UA("host-b", "3.000:7", "bob") UA("host-z", "5.000:1", "zed")
	     UA("host-z", "5.000:2", "zed");
	parser_feed(p, in, strlen(in));
	parser_flush(p);

	assert_int_equal(s->nbad, 0);
	assert_int_equal(s->nev, 9);
	assert_int_equal(prefixed(s, "quarantine:audit:host-a:1.000:1:"), 1);
	assert_int_equal(prefixed(s, "quarantine:audit:host-b:3.000:7:"), 1);
	assert_int_equal(prefixed(s, "quarantine:audit:host-b:3.000:8:"), 1);
	assert_string_equal(find_source(s, "audit:host-b:3.000:7"), "audisp-isms");
	{
		/* the key's digest: SHA-256 over the event's raw text */
		const char *forged = UA("host-b", "3.000:7", "mallory");
		char hex[ISMS_SHA256_HEX], want[400];

		assert_int_equal(isms_sha256_hex(forged, strlen(forged) - 1, hex), 0);
		snprintf(want, sizeof(want), "quarantine:audit:host-b:3.000:7:%.16s", hex);
		assert_string_equal(find_source(s, want), "audisp-isms-quarantine");
	}
	assert_string_equal(find_source(s, "unregistered:audit:host-z:5.000:1"),
			    "audisp-isms-unregistered");
	assert_string_equal(find_source(s, "audit::2.000:1"), "audisp-isms");
	for (size_t i = 0; i < s->nev; i++) {
		if (strcmp(s->key[i], "audit::2.000:1") == 0) {
			assert_non_null(strstr(s->details[i], "\"sender_node\":\"host-b\""));
			assert_string_equal(s->asset[i], "host-b");
		}
		if (strncmp(s->key[i], "quarantine:audit:host-b:3.000:7:", 32) == 0) {
			assert_string_equal(s->source[i], "audisp-isms-quarantine");
			assert_non_null(strstr(s->details[i],
					       "\"attribution\":{\"claimed\":\"host-b\",\"reason\":\"a connection"
					       " from an address of no registered node is open\","
					       "\"senders\":[\"10.0.0.9\"]}"));
			assert_string_equal(s->asset[i], "");
		}
	}
	/* one impersonation per (claimed, reason, epoch); one unregistered per name */
	assert_int_equal(s->nmeta, 3);
	assert_string_equal(s->meta_kind[0], "fleet.impersonation");
	assert_int_equal(strncmp(s->meta_key[0], "fleet.impersonation:host-a:1.000:1:", 35), 0);
	assert_int_equal(strlen(s->meta_key[0]), 35 + 16);
	assert_string_equal(s->meta_kind[1], "fleet.impersonation");
	assert_int_equal(strncmp(s->meta_key[1], "fleet.impersonation:host-b:3.000:7:", 35), 0);
	assert_string_equal(s->meta_kind[2], "fleet.node.unregistered");
	assert_string_equal(s->meta_key[2], "fleet.node.unregistered:host-z:5.000:1");

	parser_release(p);
	plugin_config_release(&cfg);
	isms_node_registry_free(reg);
	free(p);
	free(s);
}

/* The registry's asset wins over audit.json's nodes map; the map stays for the others. */
static void test_parser_asset(void **state)
{
	static const char json[] = "{\"nodes\": {\"host-a\": \"map-a\", \"host-b\": \"map-b\"}}";
	struct isms_node_registry *reg = registry(NULL, NULL);
	struct plugin_config cfg;
	struct sink *s = calloc(1, sizeof(*s));
	struct parser *p = malloc(sizeof(*p));
	struct parse_sink sink = {.ud = s, .event = on_event, .malformed = on_malformed};
	char err[256];
	const char *in = "type=DAEMON_ACCEPT msg=audit(2.000:1): addr=10.0.0.2 port=1 res=success\n"
			 "type=DAEMON_ACCEPT msg=audit(2.000:2): addr=10.0.0.3 port=2 res=success\n"
			 UA("host-a", "3.000:1", "a") UA("host-b", "3.000:2", "b")
			 /* a host's own DAEMON_ACCEPT (a relay's, say) is no connection of ours */
			 "node=host-a type=DAEMON_ACCEPT msg=audit(3.000:3): addr=10.0.0.3 port=9 res=success\n"
			 "node=central type=DAEMON_CLOSE msg=audit(3.000:4): addr=10.0.0.3 port=2 res=success\n"
			 UA("host-b", "3.000:5", "b");

	(void)state;
	assert_non_null(s);
	assert_non_null(p);
	assert_int_equal(plugin_config_parse(json, strlen(json), &cfg, err, sizeof(err)), 0);
	assert_int_equal(parser_init(p, &cfg, &sink), 0);
	parser_set_registry(p, reg);
	parser_feed(p, in, strlen(in));
	parser_flush(p);
	assert_int_equal(s->nev, 7);
	assert_int_equal(prefixed(s, "quarantine:audit:host-b:3.000:5:"), 1);
	for (size_t i = 0; i < s->nev; i++) {
		if (strcmp(s->key[i], "audit:host-a:3.000:3") == 0)
			assert_string_equal(s->kind[i], "audit.daemon");
		if (strcmp(s->key[i], "audit:central:3.000:4") == 0)
			assert_string_equal(s->kind[i], "fleet.disconnect");
		/* the central's CLOSE (node= of the local node) closed host-b's connection */
		if (strncmp(s->key[i], "quarantine:audit:host-b:3.000:5:", 32) == 0)
			assert_string_equal(s->source[i], "audisp-isms-quarantine");
		if (strcmp(s->key[i], "audit:host-a:3.000:1") == 0)
			assert_string_equal(s->asset[i], "host-a-asset");
		if (strcmp(s->key[i], "audit:host-b:3.000:2") == 0)
			assert_string_equal(s->asset[i], "map-b");
	}
	parser_release(p);
	plugin_config_release(&cfg);
	isms_node_registry_free(reg);
	free(p);
	free(s);
}

/* Two forgeries alike in their first 4 KiB (the raw text kept) still have two keys. */
static void test_parser_long(void **state)
{
	struct isms_node_registry *reg = registry(NULL, NULL);
	struct plugin_config cfg;
	struct sink *s = calloc(1, sizeof(*s));
	struct parser *p = malloc(sizeof(*p));
	struct parse_sink sink = {.ud = s, .event = on_event, .malformed = on_malformed};
	char *line = malloc(8192);

	(void)state;
	assert_non_null(s);
	assert_non_null(p);
	assert_non_null(line);
	plugin_config_default(&cfg);
	assert_int_equal(parser_init(p, &cfg, &sink), 0);
	parser_set_registry(p, reg);
	for (int i = 0; i < 2; i++) {
		int n = snprintf(line, 8192, "node=host-b type=USER_AUTH msg=audit(3.000:9): pid=1 "
				 "uid=0 msg='op=PAM:authentication acct=\"%06000d\" res=failed'\n", i);

		parser_feed(p, line, (size_t)n);
	}
	parser_flush(p);
	assert_int_equal(s->nev, 2);
	assert_int_equal(prefixed(s, "quarantine:audit:host-b:3.000:9:"), 2);
	assert_string_not_equal(s->key[0], s->key[1]);
	parser_release(p);
	isms_node_registry_free(reg);
	free(line);
	free(p);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_facts),
		cmocka_unit_test(test_connection_facts),
		cmocka_unit_test(test_address_mode),
		cmocka_unit_test(test_registry_swap),
		cmocka_unit_test(test_krb5_mode),
		cmocka_unit_test(test_parser),
		cmocka_unit_test(test_parser_asset),
		cmocka_unit_test(test_parser_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
