/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plugin's configuration (/etc/isms/audit.json): defaults, every member,
 * errors that name the JSON path, unknown members refused, 'dpms:' keys
 * refused, and the file checks of plugin_config_load.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plugin_config.h"
#include "testutil.h"

static int parse(const char *json, struct plugin_config *c, char *err, size_t errlen)
{
	return plugin_config_parse(json, strlen(json), c, err, errlen);
}

static void test_defaults(void **state)
{
	struct plugin_config c;
	char err[256];

	(void)state;
	plugin_config_default(&c);
	assert_null(c.store);
	assert_null(c.spool);
	assert_null(c.asset);
	assert_false(c.keep_unkeyed_syscalls);
	assert_false(c.keep_all_user);
	assert_true(c.keep_raw);
	assert_true(c.default_keys); /* Debian's rule keys mapped unless turned off */
	assert_int_equal(c.batch_events, 2000);
	assert_int_equal(c.batch_ms, 200);
	assert_int_equal(c.overflow_memory_mb, 64);
	assert_int_equal(c.overflow_disk_mb, 1024);
	assert_int_equal(c.alive_seconds, 900); /* a heartbeat unless turned off */
	assert_int_equal(c.fleet, FLEET_ADDRESS); /* node= checked against the registry */
	assert_int_equal(c.nkeys, 0);
	assert_int_equal(c.nnodes, 0);
	assert_null(plugin_config_key(&c, "anything"));
	assert_null(plugin_config_asset(&c, NULL));
	assert_string_equal(plugin_config_asset(&c, "n1"), "n1");
	plugin_config_release(&c);

	/* An empty object is the defaults. */
	assert_int_equal(parse("{}", &c, err, sizeof(err)), 0);
	assert_true(c.keep_raw);
	assert_int_equal(c.batch_events, 2000);
	plugin_config_release(&c);
}

static void test_full(void **state)
{
	static const char json[] =
		"{\"comment\": \"all of it\","
		" \"store\": \"/var/lib/isms/store.db\", \"spool\": \"/var/lib/isms/spool\","
		" \"asset\": \"host-a\","
		" \"keep\": {\"unkeyed_syscalls\": true, \"all_user_messages\": true, \"raw\": false},"
		" \"batch\": {\"events\": 10, \"ms\": 50},"
		" \"overflow\": {\"memory_mb\": 8, \"disk_mb\": 0},"
		" \"alive_seconds\": 0, \"fleet\": \"krb5\","
		" \"keys\": {\"isms-watch\": {\"asset\": \"web01\", \"control\": \"8.9\", \"kind\": \"web.file\","
		"                           \"comment\": \"the web root\"},"
		"          \"web-*\": {\"asset\": \"website\"},"
		"          \"plain\": {}},"
		" \"nodes\": {\"n1\": \"asset-1\", \"n2\": \"asset-2\"}}";
	struct plugin_config c;
	const struct key_map *k;
	char err[256];

	(void)state;
	assert_int_equal(parse(json, &c, err, sizeof(err)), 0);
	assert_string_equal(c.store, "/var/lib/isms/store.db");
	assert_string_equal(c.spool, "/var/lib/isms/spool");
	assert_string_equal(c.asset, "host-a");
	assert_true(c.keep_unkeyed_syscalls);
	assert_true(c.keep_all_user);
	assert_false(c.keep_raw);
	assert_int_equal(c.batch_events, 10);
	assert_int_equal(c.batch_ms, 50);
	assert_int_equal(c.overflow_memory_mb, 8);
	assert_int_equal(c.overflow_disk_mb, 0);
	assert_int_equal(c.alive_seconds, 0);
	assert_int_equal(c.fleet, FLEET_KRB5);
	assert_int_equal(c.nkeys, 3);
	k = plugin_config_key(&c, "isms-watch");
	assert_non_null(k);
	assert_string_equal(k->asset, "web01");
	assert_string_equal(k->control, "8.9");
	assert_string_equal(k->kind, "web.file");
	k = plugin_config_key(&c, "web-config");
	assert_non_null(k);
	assert_string_equal(k->asset, "website");
	assert_null(k->control);
	assert_null(k->kind);
	k = plugin_config_key(&c, "plain");
	assert_non_null(k);
	assert_null(k->asset);
	assert_null(plugin_config_key(&c, "web"));
	assert_null(plugin_config_key(&c, "isms-watch2"));
	assert_null(plugin_config_key(&c, "plai"));
	assert_string_equal(plugin_config_asset(&c, NULL), "host-a");
	assert_string_equal(plugin_config_asset(&c, "n2"), "asset-2");
	assert_string_equal(plugin_config_asset(&c, "n3"), "n3");
	plugin_config_release(&c);
}

static void test_errors_name_the_path(void **state)
{
	static const struct {
		const char *json;
		const char *err; /* the start of the message */
	} cases[] = {
		{"", "$: not valid JSON"},
		{"{", "$: not valid JSON"},
		{"{\"store\": }", "$.store: not valid JSON"},
		{"{} {}", "$: not valid JSON"},
		{"{\"asset\": \"a\"} trailing", "$: not valid JSON"},
		{"[]", "$: must be an object"},
		{"\"x\"", "$: must be an object"},
		{"{\"stor\": \"/x\"}", "$: unknown member 'stor'"},
		{"{\"store\": 1}", "$.store: must be a non-empty string"},
		{"{\"store\": \"\"}", "$.store: must be a non-empty string"},
		{"{\"spool\": null}", "$.spool: must be a non-empty string"},
		{"{\"asset\": [\"a\"]}", "$.asset: must be a non-empty string"},
		{"{\"keep\": true}", "$.keep: must be an object"},
		{"{\"alive_seconds\": -1}", "$.alive_seconds: must be 0 (off) or 1-86400"},
		{"{\"alive_seconds\": 86401}", "$.alive_seconds: must be 0 (off) or 1-86400"},
		{"{\"alive_seconds\": 1.5}", "$.alive_seconds: must be 0 (off) or 1-86400"},
		{"{\"alive_seconds\": \"900\"}", "$.alive_seconds: must be 0 (off) or 1-86400"},
		{"{\"fleet\": \"kerberos\"}", "$.fleet: must be \"address\", \"krb5\" or \"off\""},
		{"{\"fleet\": false}", "$.fleet: must be \"address\", \"krb5\" or \"off\""},
		{"{\"fleet\": \"OFF\"}", "$.fleet: must be \"address\", \"krb5\" or \"off\""},
		{"{\"default_keys\": 1}", "$.default_keys: must be true or false"},
		{"{\"keep\": {\"raws\": true}}", "$.keep: unknown member 'raws'"},
		{"{\"keep\": {\"raw\": 1}}", "$.keep.raw: must be true or false"},
		{"{\"keep\": {\"unkeyed_syscalls\": \"yes\"}}",
		 "$.keep.unkeyed_syscalls: must be true or false"},
		{"{\"batch\": []}", "$.batch: must be an object"},
		{"{\"batch\": {\"count\": 1}}", "$.batch: unknown member 'count'"},
		{"{\"batch\": {\"events\": 0}}", "$.batch.events: must be 1-100000"},
		{"{\"batch\": {\"events\": 100001}}", "$.batch.events: must be 1-100000"},
		{"{\"batch\": {\"events\": \"10\"}}", "$.batch.events: must be 1-100000"},
		{"{\"batch\": {\"events\": 1.5}}", "$.batch.events: must be 1-100000"},
		{"{\"batch\": {\"ms\": 0}}", "$.batch.ms: must be 1-60000"},
		{"{\"batch\": {\"ms\": 60001}}", "$.batch.ms: must be 1-60000"},
		{"{\"overflow\": 1}", "$.overflow: must be an object"},
		{"{\"overflow\": {\"disk\": 1}}", "$.overflow: unknown member 'disk'"},
		{"{\"overflow\": {\"memory_mb\": 0}}", "$.overflow.memory_mb: must be 1-4096 (MiB)"},
		{"{\"overflow\": {\"disk_mb\": -1}}", "$.overflow.disk_mb: must be 0-1048576 (MiB)"},
		{"{\"overflow\": {\"disk_mb\": 1048577}}", "$.overflow.disk_mb: must be 0-1048576 (MiB)"},
		{"{\"overflow\": {\"disk_mb\": \"1\"}}", "$.overflow.disk_mb: must be 0-1048576 (MiB)"},
		{"{\"keys\": []}", "$.keys: must be an object"},
		{"{\"keys\": {\"k\": \"asset\"}}", "$.keys.k: must be an object"},
		{"{\"keys\": {\"k\": {\"assset\": \"a\"}}}", "$.keys.k: unknown member 'assset'"},
		{"{\"keys\": {\"k\": {\"asset\": 3}}}", "$.keys.k.asset: must be a non-empty string"},
		{"{\"keys\": {\"k\": {\"control\": \"\"}}}", "$.keys.k.control: must be a non-empty string"},
		{"{\"keys\": {\"a\": {}, \"k\": {\"kind\": false}}}", "$.keys.k.kind: must be a non-empty string"},
		{"{\"keys\": {\"dpms:hr\": {\"asset\": \"a\"}}}",
		 "$.keys.dpms:hr: keys beginning 'dpms:' belong to the DPMS"},
		{"{\"keys\": {\"ok\": {}, \"dpms:\": {}}}",
		 "$.keys.dpms:: keys beginning 'dpms:' belong to the DPMS"},
		{"{\"nodes\": []}", "$.nodes: must be an object"},
		{"{\"nodes\": {\"n1\": 1}}", "$.nodes.n1: must be an asset name"},
		{"{\"nodes\": {\"n1\": \"\"}}", "$.nodes.n1: must be an asset name"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plugin_config c;
		char err[256] = "";
		int r;

		memset(&c, 0x5a, sizeof(c));
		r = parse(cases[i].json, &c, err, sizeof(err));
		if (r != -EINVAL || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("'%s': got %d '%s', wanted -EINVAL '%s'", cases[i].json, r, err,
				 cases[i].err);
		/* On error the output is left alone. */
		assert_int_equal(c.nkeys, 0x5a5a5a5a5a5a5a5aULL);
	}
}

/*
 * Values the plugin copies into evidence columns (asset, control, kind, a
 * node's asset): the store refuses control characters, invalid UTF-8 and
 * over-long text, so a configuration holding one would lose every event it
 * touches, silently.  Found by tests/fuzz/fuzz_plugin_config.
 */
static void test_values_the_store_refuses(void **state)
{
	static const struct {
		const char *json;
		const char *err;
	} cases[] = {
		{"{\"keys\": {\"k\": {\"control\": \"8.\\u0012\"}}}", "$.keys.k.control: must be"},
		{"{\"asset\": \"web\\u0000x\"}", "$.asset: must be"},
		{"{\"asset\": \"web\\n01\"}", "$.asset: must be"},
		{"{\"asset\": \"\xff\xfe\"}", "$.asset: not valid JSON: invalid UTF-8"},
		{"{\"asset\": \"\\u009b2J\"}", "$.asset: must be"},
		{"{\"keys\": {\"k\": {\"kind\": \"a\\u001b[2J\"}}}", "$.keys.k.kind: must be"},
		{"{\"keys\": {\"k\": {\"kind\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}}",
		 "$.keys.k.kind: must be"},
		{"{\"keys\": {\"isms\\u0001x\": {}}}", "$.keys.isms\x01x: must be"},
		{"{\"nodes\": {\"n1\": \"a\\u0007\"}}", "$.nodes.n1: must be"},
		{"{\"nodes\": {\"n\\u0001\": \"a\"}}", "$.nodes."},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plugin_config c;
		char err[256] = "";
		int r = parse(cases[i].json, &c, err, sizeof(err));

		if (r != -EINVAL || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0) {
			if (r == 0)
				plugin_config_release(&c);
			fail_msg("'%s': got %d '%s', wanted -EINVAL '%s'", cases[i].json, r, err,
				 cases[i].err);
		}
	}
}

static void test_error_buffer_small(void **state)
{
	struct plugin_config c;
	char err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(parse("{\"nope\": 1}", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

/*
 * Strict JSON (issue #8): json-c's default reader took comments and kept the
 * last of two equal names, so a commented-out or repeated member changed what
 * evidence is kept without a word.
 */
static void test_strict_json(void **state)
{
	static const struct {
		const char *json;
		const char *err;
	} cases[] = {
		{"{\"asset\": \"a\" // the host\n}", "$: not valid JSON: comment"},
		{"{\"keep\": {/* raw */ \"raw\": false}}", "$.keep: not valid JSON: comment"},
		{"{\"asset\": \"a\", \"asset\": \"b\"}", "$.asset: not valid JSON: member given twice"},
		{"{\"keep\": {\"raw\": true, \"r\\u0061w\": false}}",
		 "$.keep.raw: not valid JSON: member given twice"},
		{"{\"asset\": \"a\",}", "$: not valid JSON: trailing comma"},
		{"{\"batch\": {\"events\": 010}}", "$.batch.events: not valid JSON: leading zero"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plugin_config c;
		char err[256] = "";
		int r;

		memset(&c, 0x5a, sizeof(c));
		r = parse(cases[i].json, &c, err, sizeof(err));
		if (r != -EINVAL || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("'%s': got %d '%s', wanted -EINVAL '%s'", cases[i].json, r, err,
				 cases[i].err);
		/* The error says where, as line:column. */
		assert_non_null(strstr(err, "line 1, column "));
	}
}

static char *write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *p = tu_path(dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void test_load(void **state)
{
	char *dir = tu_tmpdir(), *ok, *gw, *ww, *bad, *missing;
	struct plugin_config c;
	char err[512];

	(void)state;
	if (geteuid() != 0) {
		/* Only a file of root's is read at all. */
		tu_rm_rf(dir);
		free(dir);
		skip();
	}
	ok = write_file(dir, "ok.json", "{\"asset\": \"a1\"}", 0600);
	assert_int_equal(plugin_config_load(ok, &c, err, sizeof(err)), 0);
	assert_string_equal(c.asset, "a1");
	plugin_config_release(&c);

	/* Whoever can write it decides what evidence is kept. */
	gw = write_file(dir, "gw.json", "{}", 0664);
	assert_int_equal(plugin_config_load(gw, &c, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, gw));
	assert_non_null(strstr(err, "not group- or world-writable"));
	ww = write_file(dir, "ww.json", "{}", 0602);
	assert_int_equal(plugin_config_load(ww, &c, err, sizeof(err)), -EPERM);
	/* Not root's. */
	assert_int_equal(chown(ok, 1, 1), 0);
	assert_int_equal(plugin_config_load(ok, &c, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "owned by root"));

	assert_int_equal(chown(ok, 0, 0), 0);

	/* Every component of the path counts, a symlink's directory too: a link
	 * to a good file in a directory others can write is refused. */
	{
		char *open_dir = tu_path(dir, "open"), *lnk = tu_path(open_dir, "audit.json");

		assert_int_equal(mkdir(open_dir, 0777), 0);
		assert_int_equal(chmod(open_dir, 0777), 0);
		assert_int_equal(symlink(ok, lnk), 0);
		assert_int_equal(plugin_config_load(lnk, &c, err, sizeof(err)), -EPERM);
		assert_non_null(strstr(err, "open' must be owned by root"));
		chmod(open_dir, 0755);
		assert_int_equal(plugin_config_load(lnk, &c, err, sizeof(err)), 0);
		plugin_config_release(&c);
		free(lnk);
		free(open_dir);
	}

	/* A parse error names the file and the member. */
	bad = write_file(dir, "bad.json", "{\"keys\": {\"k\": {\"asset\": 1}}}", 0644);
	assert_int_equal(plugin_config_load(bad, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, bad));
	assert_non_null(strstr(err, "$.keys.k.asset: must be a non-empty string"));

	missing = tu_path(dir, "missing.json");
	assert_int_equal(plugin_config_load(missing, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, missing));

	free(ok);
	free(gw);
	free(ww);
	free(bad);
	free(missing);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors_name_the_path),
		cmocka_unit_test(test_values_the_store_refuses),
		cmocka_unit_test(test_error_buffer_small),
		cmocka_unit_test(test_strict_json),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
