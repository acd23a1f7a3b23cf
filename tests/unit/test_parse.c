/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser stage: the line shape check, and audit text fed through a
 * struct parser (libauparse underneath) into a test sink that keeps what it
 * is given: recorded logs, interleaved events, events without an end,
 * node= prefixes, hex-encoded fields, cut and over-long lines; many nodes
 * whose clocks differ, each parsed apart.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "isms/catalogue.h"
#include "parse.h"
#include "isms/strutil.h"
#include "testutil.h"

#define MAX_GOT 4200 /* the many nodes' events */
#define MAX_BAD 32

struct got {
	char event_key[384];
	char kind[64];
	char control[16];
	enum route route;
	char *subject, *asset, *key, *acct, *hostname, *syscall, *details;
	char *paths[AEV_MAX_PATHS];
	size_t npaths, nrecords;
	int type;
};

struct bad {
	char *line;
	size_t len;
	char why[96];
};

struct sink_state {
	struct got ev[MAX_GOT];
	size_t nev;
	struct bad bad[MAX_BAD];
	size_t nbad;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void on_event(void *ud, const struct aev *e, const struct classified *cl,
		     const char *details, size_t dlen)
{
	struct sink_state *st = ud;
	struct got *g;

	assert_true(st->nev < MAX_GOT);
	g = &st->ev[st->nev++];
	memset(g, 0, sizeof(*g));
	snprintf(g->event_key, sizeof(g->event_key), "%s", cl->event_key);
	snprintf(g->kind, sizeof(g->kind), "%s", cl->kind);
	snprintf(g->control, sizeof(g->control), "%s", cl->control ? cl->control : "");
	g->route = cl->route;
	g->subject = dup_or_null(cl->subject);
	g->asset = dup_or_null(cl->asset);
	g->key = dup_or_null(e->key);
	g->acct = dup_or_null(e->acct);
	g->hostname = dup_or_null(e->hostname);
	g->syscall = dup_or_null(e->syscall_name);
	g->details = dlen ? strndup(details, dlen) : NULL;
	for (size_t i = 0; i < e->npaths; i++)
		g->paths[i] = strdup(e->paths[i]);
	g->npaths = e->npaths;
	g->nrecords = e->nrecords;
	g->type = e->type;
	/* Everything that becomes a column must be text the store takes. */
	if (cl->route != ROUTE_DROP) {
		assert_true(isms_text_ok(cl->event_key));
		assert_true(isms_text_ok(cl->kind));
		assert_true(!cl->outcome || isms_text_ok(cl->outcome));
		assert_true(!cl->link_key || isms_text_ok(cl->link_key));
		assert_true(!cl->subject || isms_text_ok(cl->subject));
		assert_true(!cl->asset || isms_text_ok(cl->asset));
		assert_non_null(details);
		assert_true(isms_text_ok(details));
	}
}

static void on_malformed(void *ud, const char *line, size_t len, const char *why)
{
	struct sink_state *st = ud;
	struct bad *b;

	assert_true(st->nbad < MAX_BAD);
	b = &st->bad[st->nbad++];
	b->line = malloc(len + 1);
	assert_non_null(b->line);
	memcpy(b->line, line, len);
	b->line[len] = '\0';
	b->len = len;
	snprintf(b->why, sizeof(b->why), "%s", why);
}

static void sink_clear(struct sink_state *st)
{
	for (size_t i = 0; i < st->nev; i++) {
		struct got *g = &st->ev[i];

		free(g->subject);
		free(g->asset);
		free(g->key);
		free(g->acct);
		free(g->hostname);
		free(g->syscall);
		free(g->details);
		for (size_t k = 0; k < g->npaths; k++)
			free(g->paths[k]);
	}
	for (size_t i = 0; i < st->nbad; i++)
		free(st->bad[i].line);
	st->nev = st->nbad = 0;
}

struct fixture {
	struct plugin_config cfg;
	struct parser *p;
	struct sink_state st;
};

static int setup(void **state)
{
	static const char json[] =
		"{\"asset\": \"host-a\", \"keys\": {\"web-config\": {\"asset\": \"website\"}},"
		" \"nodes\": {\"alpha\": \"alpha-asset\"}, \"fleet\": \"off\"}";
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct parse_sink sink = {.event = on_event, .malformed = on_malformed};
	char err[256];

	assert_non_null(fx);
	assert_int_equal(plugin_config_parse(json, strlen(json), &fx->cfg, err, sizeof(err)), 0);
	fx->p = malloc(sizeof(*fx->p));
	assert_non_null(fx->p);
	sink.ud = &fx->st;
	assert_int_equal(parser_init(fx->p, &fx->cfg, &sink), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	parser_release(fx->p);
	free(fx->p);
	sink_clear(&fx->st);
	plugin_config_release(&fx->cfg);
	free(fx);
	return 0;
}

static void feed(struct fixture *fx, const char *text)
{
	parser_feed(fx->p, text, strlen(text));
}

static const struct got *find(const struct fixture *fx, const char *event_key)
{
	for (size_t i = 0; i < fx->st.nev; i++)
		if (strcmp(fx->st.ev[i].event_key, event_key) == 0)
			return &fx->st.ev[i];
	fail_msg("no event '%s' among %zu", event_key, fx->st.nev);
	abort();
}

static char *read_data(const char *name, size_t *ret_len)
{
	const char *root = getenv("ISMS_SOURCE_ROOT");
	char path[4096];
	char *buf;
	size_t len;

	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/tests/data/audit/%s", root, name);
	assert_int_equal(isms_read_file(path, 1u << 22, &buf, &len), 0);
	*ret_len = len;
	return buf;
}

/* ---- parse_line_ok ---- */

static void test_line_shape(void **state)
{
	static const char *const good[] = {
		"type=SYSCALL msg=audit(1700000000.005:42): arch=c000003e",
		"type=EOE msg=audit(1795818002.353:26):",
		"type=USER_AUTH msg=audit(1.0:0): ",
		"node=web01 type=USER_AUTH msg=audit(1.2:3): pid=1",
		"node=web-01.example.org type=PATH msg=audit(1700000000.005:42): item=0",
		"type=DAEMON_START msg=audit(1795818002.353:1849): op=start",
		/* auditd writes types it has no name for as UNKNOWN[n] */
		"type=UNKNOWN[1336] msg=audit(1700000000.005:42): uring_op=1",
		"node=n1 type=UNKNOWN[1420] msg=audit(1700000000.005:42): x",
	};
	static const char *const bad[] = {
		"",
		"garbage",
		"type=",
		"type=SYSCALL",
		"type= msg=audit(1.2:3): x",
		"type=syscall msg=audit(1.2:3): x",
		"type=SYSCALL msg=audit(1.2:3) x",
		"type=SYSCALL msg=audit(1.2:3)",
		"type=SYSCALL msg=audit(1.2:): x",
		"type=SYSCALL msg=audit(.2:3): x",
		"type=SYSCALL msg=audit(1:3): x",
		"type=SYSCALL msg=audit(1.2.3): x",
		"type=SYSCALL msg=audit(a.2:3): x",
		"type=SYSCALL  msg=audit(1.2:3): x",
		"type=SYSCALL msg=audit(1.2:3 ): x",
		"node=web01",
		"node=web01 ",
		"node=web01 garbage",
		"node=web01 type=SYSCALL",
		"xtype=SYSCALL msg=audit(1.2:3): x",
		" type=SYSCALL msg=audit(1.2:3): x",
		"type=UNKNOWN[] msg=audit(1.2:3): x",
		"type=UNKNOWN[12 msg=audit(1.2:3): x",
		"type=UNKNOWN[1a] msg=audit(1.2:3): x",
	};
	static const char nul[] = "type=SYSCALL msg=audit(1.2:3): a=\0b";

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!parse_line_ok(good[i], strlen(good[i])))
			fail_msg("refused: '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_line_ok(bad[i], strlen(bad[i])))
			fail_msg("accepted: '%s'", bad[i]);
	/* A NUL is never part of a record. */
	assert_false(parse_line_ok(nul, sizeof(nul) - 1));
	/* The length is what counts, not a NUL. */
	assert_false(parse_line_ok(good[0], 20));
	assert_true(parse_line_ok("type=EOE msg=audit(1.2:3):garbage", 26));
}

/* ---- recorded logs ---- */

static void feed_file(struct fixture *fx, const char *name, size_t chunk)
{
	size_t len;
	char *buf = read_data(name, &len);

	for (size_t off = 0; off < len; off += chunk)
		parser_feed(fx->p, buf + off, len - off < chunk ? len - off : chunk);
	free(buf);
}

static void check_recorded(struct fixture *fx, bool enriched)
{
	const struct got *g;
	size_t kinds[5] = {0};

	assert_int_equal(fx->st.nbad, 0);
	/* 38 events: see tests/data/audit/README. */
	assert_int_equal(fx->st.nev, 38);
	for (size_t i = 0; i < fx->st.nev; i++)
		kinds[fx->st.ev[i].route]++;
	assert_int_equal(kinds[ROUTE_DROP], 1); /* auditd's own unkeyed sendto */
	assert_int_equal(kinds[ROUTE_LINK], 1); /* pam_isms's decision */
	assert_int_equal(kinds[ROUTE_ISMS], 36);
	for (size_t i = 0; i < fx->st.nev; i++) {
		g = &fx->st.ev[i];
		/* A rule added or removed is configuration, whatever its key. */
		if (g->type == 1305)
			assert_string_equal(g->kind, "audit.config");
		assert_true(strncmp(g->event_key, "audit::17958180", 15) == 0);
	}
	if (enriched) {
		/* cat reading the watched file */
		g = find(fx, "audit::1795818024.993:65");
		assert_string_equal(g->kind, "file.watch");
		assert_string_equal(g->key, "isms-watch");
		assert_int_equal(g->npaths, 1);
		assert_string_equal(g->paths[0], "/tmp/isms-rec.ncVTBU/data/watched.conf");
		assert_int_equal(g->nrecords, 4);
		/* the enriched names: who and which call */
		assert_string_equal(g->subject, "root");
		assert_string_equal(g->syscall, "openat");
		assert_string_equal(g->asset, "host-a");
		/* a rule with two keys: both, and the mapped one applies */
		g = find(fx, "audit::1795818024.997:67");
		assert_string_equal(g->key, "isms-watch,web-config");
		assert_string_equal(g->asset, "website");
		/* hex-encoded names, one with a space, one not ASCII */
		g = find(fx, "audit::1795818024.997:68");
		assert_string_equal(g->key, "web-site");
		assert_int_equal(g->npaths, 2);
		assert_string_equal(g->paths[0], "/tmp/isms-rec.ncVTBU/data/web conf/");
		assert_string_equal(g->paths[1], "/tmp/isms-rec.ncVTBU/data/web conf/ind\xc3\xa9x.html");
		/* a keyed syscall rule without a PATH */
		g = find(fx, "audit::1795818025.001:71");
		assert_string_equal(g->kind, "syscall.key");
		assert_string_equal(g->syscall, "setpriority");
		/* the failed password */
		g = find(fx, "audit::1795818025.149:80");
		assert_string_equal(g->kind, "auth.failure");
		assert_string_equal(g->subject, "isms-rec");
		/* pam_isms's own record */
		g = find(fx, "audit::1795818025.097:76");
		assert_int_equal(g->route, ROUTE_LINK);
		assert_string_equal(g->kind, "access.allow");
		assert_non_null(strstr(g->details, "\"rule\":\"rec-allow\""));
		/* the config change with a key is not a file access */
		g = find(fx, "audit::1795818024.989:61");
		assert_string_equal(g->kind, "audit.config");
		assert_null(g->key);
		assert_int_equal(g->npaths, 1);
	}
}

static void test_recorded_enriched_log(void **state)
{
	struct fixture *fx = *state;

	feed_file(fx, "enriched.log", 1u << 20);
	parser_flush(fx->p);
	check_recorded(fx, true);
}

static void test_recorded_stream_bytewise(void **state)
{
	struct fixture *fx = *state;

	/* One byte at a time: lines are split across every possible boundary. */
	feed_file(fx, "enriched.stream", 1);
	parser_flush(fx->p);
	check_recorded(fx, true);
}

static void test_recorded_raw_log(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed_file(fx, "raw.log", 4093);
	parser_flush(fx->p);
	check_recorded(fx, false);
	/* Without enrichment: numbers for people, never looked up on this
	 * host; system calls named by auparse's tables for their arch=. */
	for (size_t i = 0; i < fx->st.nev; i++) {
		g = &fx->st.ev[i];
		if (g->type == 1300 && g->route == ROUTE_ISMS) {
			assert_string_equal(g->subject, "0");
			assert_non_null(g->syscall);
			assert_false(g->syscall[0] >= '0' && g->syscall[0] <= '9');
		}
	}
	g = find(fx, "audit::1795818030.821:103"); /* cat reads watched.conf */
	assert_string_equal(g->syscall, "openat");
}

/* ---- recorded with Debian's STIG rule set (record-stig.sh) ---- */

/* g's details JSON has "name":"value" */
static void has_detail(const struct got *g, const char *name, const char *value)
{
	char want[256];

	snprintf(want, sizeof(want), "\"%s\":\"%s\"", name, value);
	if (!g->details || !strstr(g->details, want))
		fail_msg("%s: no %s in %s", g->event_key, want, g->details ? g->details : "(none)");
}

static void want_event(const struct fixture *fx, const char *key, const char *kind,
		       const char *control, const char *subject)
{
	const struct got *g = find(fx, key);

	if (strcmp(g->kind, kind) != 0 || strcmp(g->control, control) != 0 ||
	    (subject && (!g->subject || strcmp(g->subject, subject) != 0)))
		fail_msg("%s: kind '%s' control '%s' subject '%s', wanted '%s' '%s' '%s'", key, g->kind,
			 g->control, g->subject ? g->subject : "(null)", kind, control,
			 subject ? subject : "(any)");
}

static void feed_stig(struct fixture *fx)
{
	feed_file(fx, "stig.log", 1u << 20);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
}

static void test_stig_account_ops(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed_stig(fx);
	/* usermod -aG by the administrator isms-stig-adm: access rights (5.18),
	 * not a password change; the op whole; who did it and to whom. */
	want_event(fx, "audit::1796161773.009:929", "group.member.success", "5.18", "isms-stig-adm");
	g = find(fx, "audit::1796161773.009:929");
	has_detail(g, "op", "adding user to group");
	has_detail(g, "target", "isms-stig");
	has_detail(g, "actor", "isms-stig-adm");
	want_event(fx, "audit::1796161773.009:930", "group.member.success", "5.18", "isms-stig-adm");
	has_detail(find(fx, "audit::1796161773.009:930"), "op", "adding user to shadow group");
	/* usermod -L and -U (id= rather than acct=; the same subject) */
	want_event(fx, "audit::1796161773.025:950", "account.lock", "5.18", "isms-stig-adm");
	g = find(fx, "audit::1796161773.025:950");
	has_detail(g, "op", "updating passwd");
	has_detail(g, "target", "isms-stig");
	want_event(fx, "audit::1796161773.037:968", "account.unlock", "5.18", "isms-stig-adm");
	/* chpasswd as root with nobody logged in: a password change, by root */
	want_event(fx, "audit::1796161772.881:879", "auth.change.success", "5.17", "root");
	has_detail(find(fx, "audit::1796161772.881:879"), "target", "isms-stig");
	/* groupadd's empty op, useradd, userdel removing the user from groups */
	want_event(fx, "audit::1796161772.801:874", "account.change", "5.16", "root");
	has_detail(find(fx, "audit::1796161772.801:874"), "target", "isms-stig-g");
	want_event(fx, "audit::1796161772.809:876", "account.change", "5.16", "root");
	has_detail(find(fx, "audit::1796161772.809:876"), "target", "1001"); /* ID="unknown(1001)" */
	want_event(fx, "audit::1796161773.737:1067", "group.member.success", "5.18", "root");
}

static void test_stig_subjects(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed_stig(fx);
	/* the actor in the subject, whether the record names the account by
	 * acct= (usermod -aG) or by id= (usermod -L); the account in details */
	g = find(fx, "audit::1796161773.009:929");
	assert_string_equal(g->subject, "isms-stig-adm");
	has_detail(g, "target", "isms-stig");
	g = find(fx, "audit::1796161773.025:950");
	assert_string_equal(g->subject, "isms-stig-adm");
	has_detail(g, "target", "isms-stig");
	/* runuser's session of the user: the account at the front door */
	want_event(fx, "audit::1796161773.053:983", "session.start.success", "8.15", "isms-stig");
}

static void test_stig_default_keys(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed_stig(fx);
	/* Debian's rule keys: their controls without any configuration */
	want_event(fx, "audit::1796161773.009:922", "identity.change", "5.16", "isms-stig-adm");
	want_event(fx, "audit::1796161773.013:935", "identity.change", "5.18", NULL); /* /etc/group */
	want_event(fx, "audit::1796161773.013:940", "identity.change", "5.18", NULL); /* gshadow */
	want_event(fx, "audit::1796161773.009:931", "perm.change", "8.3", NULL);
	want_event(fx, "audit::1796161773.081:1007", "perm.change", "8.3", "isms-stig");
	want_event(fx, "audit::1796161773.061:990", "file.access", "8.3", "isms-stig");
	want_event(fx, "audit::1796161773.097:1019", "priv.exec", "8.2", "isms-stig");
	want_event(fx, "audit::1796161773.101:1022", "time.change", "8.17", "root");
	want_event(fx, "audit::1796161773.105:1023", "module.load", "8.19", NULL);
	want_event(fx, "audit::1796161773.105:1025", "media.mount", "7.10", "isms-stig-adm");
	/* a key the defaults leave alone */
	want_event(fx, "audit::1796161773.089:1013", "file.watch", "8.15", NULL);
	/* the i386 open and openat2, named as the kernel saw them */
	g = find(fx, "audit::1796161773.053:984");
	assert_string_equal(g->syscall, "open");
	has_detail(g, "arch", "i386");
	want_event(fx, "audit::1796161773.053:984", "file.access", "8.3", "isms-stig");
	assert_string_equal(find(fx, "audit::1796161773.065:996")->syscall, "openat2");
}

/* The same records without their enrichment (log_format = RAW), keyed for
 * the DPMS: what the call did comes from its arch and, for openat2, from
 * the OPENAT2 record, never from its pointer argument. */
#define I386_OPEN                                                                          \
	"type=SYSCALL msg=audit(1796161773.053:984): arch=40000003 syscall=5 success=no "    \
	"exit=-13 a0=404060 a1=0 a2=0 a3=402010 items=1 ppid=22015 pid=22016 auid=1001 "     \
	"uid=1001 gid=1002 euid=1001 suid=1001 fsuid=1001 egid=1002 sgid=1002 fsgid=1002 "   \
	"tty=(none) ses=31 comm=\"helper\" exe=\"/tmp/isms-stig-w.GQMsN6/helper\" "          \
	"key=\"dpms:hr-files\"\n"                                                           \
	"type=PATH msg=audit(1796161773.053:984): item=0 name=\"/srv/hr/secret\" "            \
	"inode=10952867 dev=fe:00 mode=0100600 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"    \
	"type=EOE msg=audit(1796161773.053:984):\n"
#define I386_OPENAT_WRITE                                                                  \
	"type=SYSCALL msg=audit(1796161773.053:985): arch=40000003 syscall=295 success=yes "  \
	"exit=3 a0=ffffff9c a1=404060 a2=241 a3=1b6 items=1 ppid=1 pid=2 auid=1001 uid=1001 " \
	"comm=\"helper\" exe=\"/tmp/helper\" key=\"dpms:hr-files\"\n"                       \
	"type=EOE msg=audit(1796161773.053:985):\n"
#define OPENAT2(serial, oflag)                                                             \
	"type=SYSCALL msg=audit(1796161773.065:" serial "): arch=c000003e syscall=437 "       \
	"success=no exit=-13 a0=ffffff9c a1=7fffd5202a2c a2=7fffd5201d60 a3=18 items=1 "      \
	"ppid=22020 pid=22022 auid=1001 uid=1001 gid=1002 euid=1001 suid=1001 fsuid=1001 "    \
	"egid=1002 sgid=1002 fsgid=1002 tty=(none) ses=33 comm=\"helper\" "                   \
	"exe=\"/tmp/isms-stig-w.GQMsN6/helper\" key=\"dpms:hr-files\"\n"                     \
	"type=OPENAT2 msg=audit(1796161773.065:" serial "): oflag=" oflag " mode=0600 "       \
	"resolve=0x0\n"                                                                       \
	"type=EOE msg=audit(1796161773.065:" serial "):\n"

static void test_syscall_by_arch(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed(fx, I386_OPEN I386_OPENAT_WRITE OPENAT2("996", "01101") OPENAT2("997", "00"));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 4);
	/* i386's 5 is open (x86_64's fstat), read-only */
	g = find(fx, "audit::1796161773.053:984");
	assert_int_equal(g->route, ROUTE_DPMS);
	assert_string_equal(g->syscall, "open");
	assert_string_equal(g->kind, "personal-data.read");
	has_detail(g, "arch", "i386");
	/* i386's 295 is openat, here O_WRONLY|O_CREAT|O_TRUNC */
	g = find(fx, "audit::1796161773.053:985");
	assert_string_equal(g->syscall, "openat");
	assert_string_equal(g->kind, "personal-data.write");
	/* openat2: flags from OPENAT2, not from the pointer in a2 */
	g = find(fx, "audit::1796161773.065:996");
	assert_string_equal(g->syscall, "openat2");
	assert_string_equal(g->kind, "personal-data.write");
	assert_string_equal(find(fx, "audit::1796161773.065:997")->kind, "personal-data.read");
}

static void test_parse_op(void **state)
{
	static const struct {
		const char *text, *op;
	} cases[] = {
		{"type=USER_CHAUTHTOK msg=audit(1.2:3): pid=1 uid=0 auid=1002 ses=28 msg='op=adding "
		 "user to group acct=\"isms-stig\" exe=\"/usr/sbin/usermod\" res=success'",
		 "adding user to group"},
		{"type=ADD_GROUP msg=audit(1.2:3): pid=1 msg='op= id=1001 exe=\"/usr/sbin/groupadd\"'",
		 ""},
		{"type=USER_AUTH msg=audit(1.2:3): msg='op=PAM:authentication grantors=? acct=\"a\"'",
		 "PAM:authentication"},
		{"type=CONFIG_CHANGE msg=audit(1.2:3): auid=0 ses=1 op=add_rule key=\"k\" list=4",
		 "add_rule"},
		{"type=DAEMON_END msg=audit(1.2:3): op=terminate auid=0\x1d" "AUID=\"root\"", "terminate"},
		/* the last field of a message, and a word at the end of the record */
		{"type=X msg=audit(1.2:3): msg='op=changing user shell'", "changing user shell"},
		{"type=X msg=audit(1.2:3): op=a b", "a b"},
		{"type=X msg=audit(1.2:3): op=\"quoted op\" x=1", "quoted op"},
		/* not op= itself */
		{"type=X msg=audit(1.2:3): uring_op=1 nop=2", NULL},
		{"type=X msg=audit(1.2:3): uring_op=1 op=open", "open"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 99;
		const char *op = parse_op(cases[i].text, &n);

		if (!cases[i].op) {
			assert_null(op);
			continue;
		}
		assert_non_null(op);
		if (n != strlen(cases[i].op) || memcmp(op, cases[i].op, n) != 0)
			fail_msg("'%s': op '%.*s', wanted '%s'", cases[i].text, (int)n, op, cases[i].op);
	}
}

/* ---- hand-made ---- */

#define SYSCALL_A                                                                           \
	"type=SYSCALL msg=audit(1700000000.100:100): arch=c000003e syscall=257 success=yes "  \
	"exit=3 items=1 ppid=1 pid=10 auid=1000 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" "     \
	"key=\"isms-watch\"\n"
#define PATH_A                                                                              \
	"type=PATH msg=audit(1700000000.100:100): item=0 name=\"/etc/a\" inode=1 dev=fe:00 "  \
	"mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
#define PROCTITLE_A "type=PROCTITLE msg=audit(1700000000.100:100): proctitle=636174002F6574632F61\n"
#define SYSCALL_B                                                                           \
	"type=SYSCALL msg=audit(1700000000.100:101): arch=c000003e syscall=257 success=no "   \
	"exit=-13 items=1 ppid=1 pid=11 auid=1001 uid=1001 comm=\"vi\" exe=\"/usr/bin/vi\" "  \
	"key=\"web-config\"\n"
#define PATH_B                                                                              \
	"type=PATH msg=audit(1700000000.100:101): item=0 name=\"/srv/b\" inode=2 dev=fe:00 "  \
	"mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
#define PROCTITLE_B "type=PROCTITLE msg=audit(1700000000.100:101): proctitle=7669002F7372762F62\n"
#define USER_AUTH(serial, acct)                                                             \
	"type=USER_AUTH msg=audit(1700000000.200:" serial "): pid=20 uid=0 auid=4294967295 "  \
	"ses=4294967295 msg='op=PAM:authentication grantors=? acct=" acct " "                 \
	"exe=\"/usr/sbin/sshd\" hostname=198.51.100.7 addr=198.51.100.7 terminal=ssh res=failed'\n"

static void test_interleaved(void **state)
{
	struct fixture *fx = *state;
	const struct got *a, *b;

	feed(fx, SYSCALL_A SYSCALL_B "type=CWD msg=audit(1700000000.100:100): cwd=\"/root\"\n" PATH_A
		 USER_AUTH("102", "\"mallory\"") PATH_B PROCTITLE_B PROCTITLE_A);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 3);
	a = find(fx, "audit::1700000000.100:100");
	b = find(fx, "audit::1700000000.100:101");
	/* Each event has its own records, none of the other's. */
	assert_int_equal(a->nrecords, 4);
	assert_int_equal(a->npaths, 1);
	assert_string_equal(a->paths[0], "/etc/a");
	assert_string_equal(a->subject, "1000");
	assert_string_equal(a->asset, "host-a");
	assert_int_equal(b->nrecords, 3);
	assert_int_equal(b->npaths, 1);
	assert_string_equal(b->paths[0], "/srv/b");
	assert_string_equal(b->subject, "1001");
	assert_string_equal(b->asset, "website");
	assert_string_equal(find(fx, "audit::1700000000.200:102")->subject, "mallory");
}

static void test_no_end_completed_by_flush(void **state)
{
	struct fixture *fx = *state;

	/* A disk log has no EOE: the last multi-record event ends only at EOF. */
	feed(fx, SYSCALL_A SYSCALL_B PATH_A PATH_B);
	assert_int_equal(fx->st.nev, 0);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
	assert_int_equal(find(fx, "audit::1700000000.100:100")->npaths, 1);
	/* Flushing again finds nothing more. */
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
}

static void test_no_end_completed_by_age(void **state)
{
	struct fixture *fx = *state;

	/* The same without EOF: the idle timer ages them out (they are from 2023). */
	feed(fx, SYSCALL_A PATH_A);
	assert_int_equal(fx->st.nev, 0);
	parser_age(fx->p);
	assert_int_equal(fx->st.nev, 1);
	assert_int_equal(find(fx, "audit::1700000000.100:100")->nrecords, 2);
	/* A record of that event arriving later makes an event of its own under the
	 * same key: a lone PROCTITLE, which is nothing by itself and is filtered. */
	feed(fx, PROCTITLE_A);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
	assert_string_equal(fx->st.ev[1].event_key, "audit::1700000000.100:100");
	assert_int_equal(fx->st.ev[1].route, ROUTE_DROP);
}

static void test_eoe_completes(void **state)
{
	struct fixture *fx = *state;

	/* The plugin stream ends events with EOE; it is not a record of the event. */
	feed(fx, SYSCALL_A PATH_A PROCTITLE_A "type=EOE msg=audit(1700000000.100:100):\n");
	feed(fx, USER_AUTH("103", "\"bob\""));
	assert_int_equal(fx->st.nev, 2);
	assert_int_equal(find(fx, "audit::1700000000.100:100")->nrecords, 3);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
}

static void test_node_prefix(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	/* Two hosts, the same time and serial, records interleaved: two events. */
	feed(fx, "node=alpha " SYSCALL_A "node=beta " SYSCALL_A
		 "node=beta type=PATH msg=audit(1700000000.100:100): item=0 name=\"/srv/b\" inode=2 "
		 "dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
		 "node=alpha " PATH_A "node=alpha " PROCTITLE_A "node=beta " PROCTITLE_A
		 /* and a local event of the same time and serial */
		 SYSCALL_A PROCTITLE_A);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 3);
	g = find(fx, "audit:alpha:1700000000.100:100");
	assert_string_equal(g->paths[0], "/etc/a");
	assert_string_equal(g->asset, "alpha-asset");
	assert_non_null(strstr(g->details, "\"node\":\"alpha\""));
	g = find(fx, "audit:beta:1700000000.100:100");
	assert_string_equal(g->paths[0], "/srv/b");
	assert_string_equal(g->asset, "beta"); /* unmapped: the node is the asset */
	g = find(fx, "audit::1700000000.100:100");
	assert_int_equal(g->npaths, 0);
	assert_string_equal(g->asset, "host-a");
}

static void test_hex_fields(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed(fx,
	     /* key "isms watch" (a space: hex), a name with spaces */
	     "type=SYSCALL msg=audit(1700000000.300:300): arch=c000003e syscall=257 success=yes "
	     "exit=3 items=1 ppid=1 pid=10 auid=1000 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" "
	     "key=69736D73207761746368\n"
	     "type=PATH msg=audit(1700000000.300:300): item=0 name=2F7372762F6D792066696C65732F6120622E747874 "
	     "inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
	     "type=PROCTITLE msg=audit(1700000000.300:300): proctitle=636174002F7372762F6D792066696C65732F6120622E747874\n"
	     /* acct "bad user" in hex, from a host whose name looks like hex */
	     "type=USER_AUTH msg=audit(1700000000.301:301): pid=20 uid=0 auid=4294967295 "
	     "ses=4294967295 msg='op=PAM:authentication grantors=? acct=626164207573657220 "
	     "exe=\"/usr/sbin/sshd\" hostname=cafe addr=198.51.100.7 terminal=ssh res=failed'\n"
	     /* acct that decodes to bytes that are not UTF-8, and a C1 control */
	     "type=USER_AUTH msg=audit(1700000000.302:302): pid=20 uid=0 auid=4294967295 "
	     "ses=4294967295 msg='op=PAM:authentication grantors=? acct=61FF62C29B63 "
	     "exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.7 terminal=ssh res=failed'\n");
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 3);
	g = find(fx, "audit::1700000000.300:300");
	assert_string_equal(g->key, "isms watch");
	assert_string_equal(g->kind, "file.watch");
	assert_string_equal(g->paths[0], "/srv/my files/a b.txt");
	g = find(fx, "audit::1700000000.301:301");
	assert_string_equal(g->acct, "bad user ");
	assert_string_equal(g->subject, "bad user ");
	/* hostname= is written as is by libaudit, never hex */
	assert_string_equal(g->hostname, "cafe");
	/* Invalid bytes are kept, visibly, in what becomes a column. */
	g = find(fx, "audit::1700000000.302:302");
	assert_string_equal(g->kind, "auth.failure");
	assert_string_equal(g->subject, "a\\xffb\\xc2\\x9bc");
}

/*
 * A 'dpms:' key names the processing activity, which becomes the DPMS
 * evidence's asset: a key with a control character in it (keys are written
 * in hex, so any byte can be one), or one longer than the activity's room
 * and cut inside a character, must still give text the store takes (the
 * sink checks).  Found by tests/fuzz/fuzz_audit.
 */
static void test_dpms_activity_is_text(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	feed(fx,
	     /* key "dpms:custome\x05rs" */
	     "type=SYSCALL msg=audit(1700000900.000:80): arch=c000003e syscall=257 success=yes "
	     "exit=3 items=0 ppid=1 pid=4242 auid=1000 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" "
	     "key=64706D733A637573746F6D65057273\n"
	     /* key "dpms:" and 70 times U+00E9: 140 bytes of activity */
	     "type=SYSCALL msg=audit(1700000900.001:81): arch=c000003e syscall=257 success=yes "
	     "exit=3 items=0 ppid=1 pid=4242 auid=1000 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" "
	     "key=64706D733AC3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9C3A9\n");
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
	g = find(fx, "audit::1700000900.000:80");
	assert_int_equal(g->route, ROUTE_DPMS);
	assert_string_equal(g->asset, "custome?rs");
	g = find(fx, "audit::1700000900.001:81");
	assert_int_equal(g->route, ROUTE_DPMS);
	assert_non_null(g->asset);
	assert_true(isms_text_ok(g->asset));
	assert_true(strlen(g->asset) >= 120);
}

static void test_non_utf8_quoted(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	/* Not what auditd writes, but what a network sender could: raw bytes in quotes. */
	feed(fx, "node=h\xff type=USER_LOGIN msg=audit(1700000000.400:400): pid=20 uid=0 auid=1000 "
		 "ses=1 msg='op=login acct=\"al\xe9x\" exe=\"/usr/sbin/sshd\" hostname=? addr=? "
		 "terminal=/dev/pts/0 res=success'\n");
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 1);
	g = &fx->st.ev[0];
	assert_string_equal(g->event_key, "audit:h\\xff:1700000000.400:400");
	assert_string_equal(g->subject, "al\\xe9x");
	assert_string_equal(g->asset, "h\\xff");
	assert_string_equal(g->kind, "login.success");
}

static void test_garbage_and_blank_lines(void **state)
{
	struct fixture *fx = *state;

	feed(fx, "this is not an audit record\n\n" USER_AUTH("500", "\"a\"")
		 "type=SYSCALL msg=audit(x.1:2): junk\n\x01\x02\xff\n" USER_AUTH("501", "\"b\""));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
	/* Blank lines carry nothing; the others are reported, each once. */
	assert_int_equal(fx->st.nbad, 3);
	assert_string_equal(fx->st.bad[0].line, "this is not an audit record");
	assert_string_equal(fx->st.bad[0].why, "not an audit record");
	assert_string_equal(fx->st.bad[1].line, "type=SYSCALL msg=audit(x.1:2): junk");
	assert_int_equal(fx->st.bad[2].len, 3);
}

static void test_truncated_last_line(void **state)
{
	struct fixture *fx = *state;

	feed(fx, USER_AUTH("600", "\"a\"") "type=USER_LOGIN msg=audit(1700000000.500:601): pid=1 uid=0 "
					    "auid=1000 ses=3 msg='op=login id=1000 exe=\"/usr/sbin/ssh");
	assert_int_equal(fx->st.nbad, 0);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 1);
	assert_int_equal(fx->st.nbad, 1);
	assert_string_equal(fx->st.bad[0].why, "cut off at end of input");
	assert_true(strncmp(fx->st.bad[0].line, "type=USER_LOGIN", 15) == 0);
}

static void test_cut_mark(void **state)
{
	struct fixture *fx = *state;

	/* A reader ends a file cut off mid-line with PARSE_CUT_MARK: that line is
	 * reported, and the next file's first line stays whole. */
	feed(fx, "type=USER_LOGIN msg=audit(1700000300.200:22): pid=1 uid=0 auid=1000 ses=3 msg='op=lo");
	parser_feed(fx->p, PARSE_CUT_MARK, sizeof(PARSE_CUT_MARK) - 1);
	feed(fx, USER_AUTH("23", "\"next\""));
	assert_int_equal(fx->st.nbad, 1);
	assert_string_equal(fx->st.bad[0].why, "cut off at end of a file");
	assert_true(strncmp(fx->st.bad[0].line, "type=USER_LOGIN", 15) == 0);
	assert_int_equal(fx->st.bad[0].len, strlen(fx->st.bad[0].line));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 1);
	assert_int_equal(fx->st.nev, 1);
	assert_string_equal(fx->st.ev[0].subject, "next");
}

static void test_overlong_lines(void **state)
{
	struct fixture *fx = *state;
	const char *head = "type=EXECVE msg=audit(1700000000.700:700): argc=2 a0=\"echo\" a1=";
	size_t hl = strlen(head);
	char *line = malloc(PARSE_LINE_MAX + 100);

	assert_non_null(line);
	/* Exactly the limit: a record. */
	memcpy(line, head, hl);
	memset(line + hl, 'A', PARSE_LINE_MAX - hl);
	line[PARSE_LINE_MAX] = '\n';
	feed(fx, "type=SYSCALL msg=audit(1700000000.700:700): arch=c000003e syscall=59 success=yes "
		 "exit=0 items=0 ppid=1 pid=10 auid=1000 uid=0 comm=\"echo\" exe=\"/usr/bin/echo\" "
		 "key=\"exec\"\n");
	parser_feed(fx->p, line, PARSE_LINE_MAX + 1);
	feed(fx, "type=PROCTITLE msg=audit(1700000000.700:700): proctitle=6563686F\n");
	/* One byte more, fed in pieces: reported, and the next line is intact. */
	memcpy(line, "type=EXECVE msg=audit(1700000000.800:800): argc=2 a0=\"echo\" a1=", hl);
	memset(line + hl, 'B', PARSE_LINE_MAX + 1 - hl);
	line[PARSE_LINE_MAX + 1] = '\n';
	parser_feed(fx->p, line, 5000);
	parser_feed(fx->p, line + 5000, PARSE_LINE_MAX + 2 - 5000);
	feed(fx, USER_AUTH("801", "\"after\""));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 1);
	assert_string_equal(fx->st.bad[0].why, "line longer than the limit");
	assert_int_equal(fx->st.bad[0].len, PARSE_LINE_MAX);
	assert_int_equal(fx->st.nev, 2);
	assert_int_equal(find(fx, "audit::1700000000.700:700")->nrecords, 3);
	assert_string_equal(find(fx, "audit::1700000000.200:801")->subject, "after");
	free(line);
}

static void test_config_swap(void **state)
{
	struct fixture *fx = *state;
	struct plugin_config c2;
	static const char json[] = "{\"asset\": \"host-b\", \"keys\": {\"isms-watch\": {\"asset\": \"new\"}}}";
	char err[128];

	feed(fx, SYSCALL_A PATH_A PROCTITLE_A "type=EOE msg=audit(1700000000.100:100):\n");
	assert_int_equal(plugin_config_parse(json, strlen(json), &c2, err, sizeof(err)), 0);
	parser_set_config(fx->p, &c2);
	feed(fx, USER_AUTH("900", "\"a\""));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
	assert_string_equal(fx->st.ev[0].asset, "host-a");
	assert_string_equal(fx->st.ev[1].asset, "host-b");
	parser_set_config(fx->p, &fx->cfg);
	plugin_config_release(&c2);
}

static void test_loss_mark(void **state)
{
	struct fixture *fx = *state;

	/*
	 * The reader's queue lost input after a partial line: its mark ends that
	 * line as cut off, and the rest of a line after the loss is not glued to
	 * it (which could have read as one forged record).
	 */
	feed(fx, "type=USER_AUTH msg=audit(1700000300.200:30): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:auth");
	parser_feed(fx->p, PARSE_LOSS_MARK, sizeof(PARSE_LOSS_MARK) - 1);
	feed(fx, "entication grantors=? acct=\"x\" exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=failed'\n");
	feed(fx, USER_AUTH("31", "\"next\""));
	assert_int_equal(fx->st.nbad, 2);
	assert_string_equal(fx->st.bad[0].why, "cut off: input after it was lost (overflow queue full)");
	assert_true(strncmp(fx->st.bad[0].line, "type=USER_AUTH", 14) == 0);
	assert_int_equal(fx->st.bad[0].len, strlen(fx->st.bad[0].line));
	assert_string_equal(fx->st.bad[1].why, "not an audit record");
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 1);
	assert_string_equal(fx->st.ev[0].subject, "next");
}

/* pam_isms's own record, by hand: its decision= and evidence= become columns. */
#define ISMS_ACCESS(serial, decision, evidence)                                                    \
	"type=USER_ACCT msg=audit(1795818025.097:" serial "): pid=30572 uid=0 auid=4294967295 "    \
	"ses=4294967295 msg='op=isms-access acct=\"isms-rec\" rule=\"rec-allow\" decision="         \
	decision " mode=enforce evidence=" evidence " exe=\"/usr/bin/pamtester\" hostname=? "       \
	"addr=? terminal=? res=success'\n"

static void test_isms_access_not_text(void **state)
{
	struct fixture *fx = *state;
	char longd[80];

	feed(fx, ISMS_ACCESS("76", "allow", "pam:vm:2026-11-27T22:20:25Z:30572:378e4da5200f9c67"));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 1);
	assert_int_equal(fx->st.ev[0].route, ROUTE_LINK);
	assert_string_equal(fx->st.ev[0].kind, "access.allow");
	assert_int_equal(fx->st.nbad, 0);
	sink_clear(&fx->st);

	/* A decision that is not UTF-8: kept as a malformed line, not refused by the store. */
	feed(fx, ISMS_ACCESS("77", "al\xfflow", "pam:vm:2026-11-27T22:20:25Z:30572:378e4da5200f9c68"));
	/* The same for the evidence key, and for a decision too long for the kind. */
	feed(fx, ISMS_ACCESS("78", "deny", "pam:vm:\xc3\x28:1"));
	memset(longd, 'a', 60);
	longd[60] = '\0';
	{
		char rec[1024];

		snprintf(rec, sizeof(rec), ISMS_ACCESS("79", "%s", "pam:vm:k79"), longd);
		feed(fx, rec);
	}
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 0);
	assert_int_equal(fx->st.nbad, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(fx->st.bad[i].why,
				    "pam_isms record: evidence= or decision= not valid text");
		assert_true(strncmp(fx->st.bad[i].line, "type=USER_ACCT msg=audit(1795818025.097:7", 41) == 0);
		assert_int_equal(fx->st.bad[i].len, strlen(fx->st.bad[i].line));
	}
	assert_non_null(strstr(fx->st.bad[0].line, "decision=al\xfflow "));
}

/* ---- nodes: one libauparse state each ---- */

/*
 * Record @which (0 SYSCALL, 1 CWD, 2 PATH, 3 PROCTITLE) of a keyed file
 * access as a central auditd gets it from @node over the network: no EOE.
 * The PATH names the node and the serial, so a record in the wrong event shows.
 */
static void net_record(char *buf, size_t cap, const char *node, long long sec, unsigned milli,
		       unsigned serial, int which)
{
	char stamp[96];

	snprintf(stamp, sizeof(stamp), "node=%s type=%s msg=audit(%lld.%03u:%u): ", node,
		 which == 0 ? "SYSCALL" : which == 1 ? "CWD" : which == 2 ? "PATH" : "PROCTITLE",
		 sec, milli, serial);
	switch (which) {
	case 0:
		snprintf(buf, cap, "%sarch=c000003e syscall=257 success=yes exit=3 items=1 ppid=1 "
			 "pid=10 auid=1000 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"isms-watch\"\n",
			 stamp);
		break;
	case 1:
		snprintf(buf, cap, "%scwd=\"/root\"\n", stamp);
		break;
	case 2:
		snprintf(buf, cap, "%sitem=0 name=\"/srv/%s/%u\" inode=1 dev=fe:00 mode=0100644 "
			 "ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", stamp, node, serial);
		break;
	default:
		snprintf(buf, cap, "%sproctitle=636174\n", stamp);
		break;
	}
}

static void feed_net(struct fixture *fx, const char *node, long long sec, unsigned milli,
		     unsigned serial, int which)
{
	char rec[512];

	net_record(rec, sizeof(rec), node, sec, milli, serial, which);
	feed(fx, rec);
}

/* Event @serial of @node is there, once, whole: all @nrecords, its own PATH. */
static void want_whole(const struct fixture *fx, const char *node, unsigned serial, size_t nrecords)
{
	char path[128];
	size_t found = 0;

	snprintf(path, sizeof(path), "/srv/%s/%u", node, serial);
	for (size_t i = 0; i < fx->st.nev; i++) {
		const struct got *g = &fx->st.ev[i];
		const char *k = g->event_key, *colon;

		/* audit:NODE:SEC.MILLI:SERIAL */
		if (strncmp(k, "audit:", 6) != 0 || !(colon = strchr(k + 6, ':')) ||
		    (size_t)(colon - k - 6) != strlen(node) || strncmp(k + 6, node, strlen(node)) != 0 ||
		    (unsigned)strtoul(strrchr(k, ':') + 1, NULL, 10) != serial)
			continue;
		found++;
		if (g->nrecords != nrecords || g->npaths != 1 || strcmp(g->paths[0], path) != 0)
			fail_msg("%s: %zu records, %zu paths (%s), wanted %zu and '%s'", k, g->nrecords,
				 g->npaths, g->npaths ? g->paths[0] : "-", nrecords, path);
		if (strcmp(g->kind, "file.watch") != 0)
			fail_msg("%s: kind '%s'", k, g->kind);
	}
	if (found != 1)
		fail_msg("node '%s' serial %u: %zu events, wanted one (of %zu)", node, serial, found,
			 fx->st.nev);
}

static void test_nodes_clocks_apart(void **state)
{
	struct fixture *fx = *state;
	const long long t = 1700000000;
	const unsigned n = 100;

	/*
	 * Two hosts whose clocks are five minutes apart, their events 100 ms
	 * apart, the records of both interleaved one by one, as a central auditd
	 * gets them (no EOE).  Fed to one libauparse state, each of beta's
	 * records aged alpha's events out after their first record (issue #13).
	 */
	for (unsigned k = 0; k < n; k++)
		for (int r = 0; r < 4; r++) {
			feed_net(fx, "alpha", t + k / 10, (k % 10) * 100, k + 1, r);
			feed_net(fx, "beta", t + 300 + k / 10, (k % 10) * 100, k + 1, r);
		}
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 2 * n);
	for (unsigned k = 0; k < n; k++) {
		want_whole(fx, "alpha", k + 1, 4);
		want_whole(fx, "beta", k + 1, 4);
	}
	/* alpha is mapped to an asset, beta is its own */
	assert_string_equal(fx->st.ev[0].asset, "alpha-asset");
	assert_string_equal(find(fx, "audit:beta:1700000300.000:1")->asset, "beta");
}

static void test_nodes_one_stops(void **state)
{
	struct fixture *fx = *state;
	const long long t = 1700000000;

	/*
	 * alpha stops in the middle of an event (no PROCTITLE, no EOE: its link
	 * went down); beta goes on, seconds later by its clock.  alpha's event
	 * waits for its node, not for beta's clock, and completes when alpha has
	 * been quiet for PARSE_NODE_QUIET ticks, with the records it got.
	 */
	for (int r = 0; r < 3; r++)
		feed_net(fx, "alpha", t, 0, 1, r);
	for (unsigned k = 0; k < 20; k++) {
		for (int r = 0; r < 4; r++)
			feed_net(fx, "beta", t + 60 + k, 0, k + 1, r);
		if (k < PARSE_NODE_QUIET - 1)
			parser_tick(fx->p);
	}
	/* (an event complete by its PROCTITLE is handed on with its node's next line) */
	assert_int_equal(fx->st.nev, 19);
	for (unsigned k = 0; k < 19; k++)
		want_whole(fx, "beta", k + 1, 4);
	/* beta sent lines in this tick; alpha none since the first */
	parser_tick(fx->p);
	assert_int_equal(fx->st.nev, 20);
	want_whole(fx, "alpha", 1, 3);
	assert_int_equal(fx->st.nbad, 0);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 21);
	want_whole(fx, "beta", 20, 4);

	/* The same by the end of input. */
	sink_clear(&fx->st);
	for (int r = 0; r < 2; r++)
		feed_net(fx, "alpha", t + 1000, 0, 7, r);
	feed_net(fx, "beta", t + 2000, 0, 30, 0);
	feed_net(fx, "beta", t + 2000, 0, 30, 2);
	feed_net(fx, "alpha", t + 1000, 0, 7, 2);
	assert_int_equal(fx->st.nev, 0);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, 2);
	want_whole(fx, "alpha", 7, 3);
	want_whole(fx, "beta", 30, 2);
}

static void test_nodes_age_apart(void **state)
{
	struct fixture *fx = *state;

	/*
	 * Idle aging by the wall clock completes beta's event (its clock says
	 * 2023), not alpha's (its clock runs far ahead of ours): alpha's records
	 * after the aging still join their event.
	 */
	feed_net(fx, "alpha", 4102444800, 0, 5, 0); /* 2100 */
	feed_net(fx, "beta", 1700000000, 0, 5, 0);
	feed_net(fx, "beta", 1700000000, 0, 5, 2);
	parser_age(fx->p);
	assert_int_equal(fx->st.nev, 1);
	want_whole(fx, "beta", 5, 2);
	feed_net(fx, "alpha", 4102444800, 0, 5, 1);
	feed_net(fx, "alpha", 4102444800, 0, 5, 2);
	feed_net(fx, "alpha", 4102444800, 0, 5, 3);
	/* complete by its PROCTITLE: handed on by the next aging */
	assert_int_equal(fx->st.nev, 1);
	parser_age(fx->p);
	assert_int_equal(fx->st.nev, 2);
	want_whole(fx, "alpha", 5, 4);
}

static void test_nodes_many(void **state)
{
	struct fixture *fx = *state;
	char node[32];

	/*
	 * 3000 hosts, each with an event under way at once (SYSCALL and PATH,
	 * interleaved across all of them): each completes whole at the end.
	 */
	for (int r = 0; r < 3; r += 2)
		for (unsigned i = 0; i < 3000; i++) {
			snprintf(node, sizeof(node), "host-%u.example.org", i);
			feed_net(fx, node, 1700000000 + (i % 600), i % 1000, 42, r);
		}
	assert_int_equal(fx->st.nev, 0);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 3000);
	for (unsigned i = 0; i < 3000; i += 250) {
		snprintf(node, sizeof(node), "host-%u.example.org", i);
		want_whole(fx, node, 42, 2);
	}
	for (size_t i = 0; i < fx->st.nev; i++)
		if (fx->st.ev[i].nrecords != 2 || fx->st.ev[i].npaths != 1)
			fail_msg("%s: %zu records", fx->st.ev[i].event_key, fx->st.ev[i].nrecords);
}

static void test_nodes_bound(void **state)
{
	struct fixture *fx = *state;
	char node[32], rec[512];
	size_t nev;

	/* As many nodes as the table holds, all sending: one more is refused,
	 * its line reported, not parsed and not lost. */
	for (unsigned i = 0; i < PARSE_NODES_MAX; i++) {
		snprintf(node, sizeof(node), "n%u", i);
		feed_net(fx, node, 1700000000, 0, 1, 0);
	}
	assert_int_equal(fx->st.nbad, 0);
	net_record(rec, sizeof(rec), "one-too-many", 1700000000, 0, 1, 0);
	feed(fx, rec);
	assert_int_equal(fx->st.nbad, 1);
	assert_string_equal(fx->st.bad[0].why,
			    "more nodes than the limit (4096) sending at once: line not parsed");
	assert_int_equal(fx->st.bad[0].len, strlen(rec) - 1);
	assert_memory_equal(fx->st.bad[0].line, rec, strlen(rec) - 1);
	/* The nodes in the table go on as before. */
	feed_net(fx, "n7", 1700000000, 0, 1, 2);
	assert_int_equal(fx->st.nbad, 1);
	/* Once they have been quiet (their events completed), a node quiet the
	 * longest makes room for a new one. */
	for (int i = 0; i < PARSE_NODE_QUIET; i++)
		parser_tick(fx->p);
	nev = fx->st.nev;
	assert_int_equal(nev, PARSE_NODES_MAX);
	want_whole(fx, "n7", 1, 2);
	feed_net(fx, "one-too-many", 1700000000, 0, 1, 0);
	feed_net(fx, "one-too-many", 1700000000, 0, 1, 2);
	assert_int_equal(fx->st.nbad, 1);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nev, nev + 1);
	want_whole(fx, "one-too-many", 1, 2);
	/* and the node it replaced comes back with a state of its own */
	feed_net(fx, "n0", 1700000001, 0, 2, 0);
	feed_net(fx, "n0", 1700000001, 0, 2, 2);
	parser_flush(fx->p);
	want_whole(fx, "n0", 2, 2);
	assert_int_equal(fx->st.nbad, 1);
}

static void test_nodes_bad_names(void **state)
{
	struct fixture *fx = *state;
	char longname[PARSE_NODE_NAME_MAX + 2], rec[1024];
	static const char *const why[] = {
		"node= without a name",
		"node name with a control character",
		"node name with a control character",
		"node name with a control character",
		"node name longer than the limit (255 bytes)",
	};

	feed(fx, "node= " USER_AUTH("1", "\"a\""));
	feed(fx, "node=web\x01" "01 " USER_AUTH("2", "\"a\""));
	feed(fx, "node=web\t01 " USER_AUTH("3", "\"a\""));
	feed(fx, "node=web\xc2\x85" "01 " USER_AUTH("4", "\"a\"")); /* C1: NEL */
	memset(longname, 'x', PARSE_NODE_NAME_MAX + 1);
	longname[PARSE_NODE_NAME_MAX + 1] = '\0';
	snprintf(rec, sizeof(rec), "node=%s " USER_AUTH("5", "\"a\""), longname);
	feed(fx, rec);
	/* the longest name that is one, and a name that is not ASCII */
	longname[PARSE_NODE_NAME_MAX] = '\0';
	snprintf(rec, sizeof(rec), "node=%s " USER_AUTH("6", "\"a\""), longname);
	feed(fx, rec);
	feed(fx, "node=m\xc3\xbcnchen-01 " USER_AUTH("7", "\"a\""));
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(fx->st.bad[i].why, why[i]);
		assert_true(strncmp(fx->st.bad[i].line, "node=", 5) == 0);
		assert_non_null(strstr(fx->st.bad[i].line, "type=USER_AUTH"));
	}
	assert_int_equal(fx->st.nev, 2);
	assert_string_equal(fx->st.ev[0].asset, longname);
	assert_string_equal(fx->st.ev[1].event_key, "audit:m\xc3\xbcnchen-01:1700000000.200:7");
}

static void test_nodes_and_local(void **state)
{
	struct fixture *fx = *state;
	const struct got *g;

	/*
	 * Local events (no node=, with EOE as auditd's dispatcher gives them)
	 * amid a remote node's, whose clock is hours ahead: the local events
	 * complete by their EOE, whole, without a node; the remote one by age.
	 */
	feed_net(fx, "beta", 1700010000, 0, 100, 0);
	feed(fx, SYSCALL_A);
	feed_net(fx, "beta", 1700010000, 0, 100, 1);
	feed(fx, "type=CWD msg=audit(1700000000.100:100): cwd=\"/root\"\n" PATH_A);
	feed_net(fx, "beta", 1700010000, 0, 100, 2);
	feed(fx, PROCTITLE_A "type=EOE msg=audit(1700000000.100:100):\n");
	assert_int_equal(fx->st.nev, 1);
	feed(fx, SYSCALL_B PATH_B "type=EOE msg=audit(1700000000.100:101):\n");
	/* complete by its EOE, handed on by the next local line or aging */
	assert_int_equal(fx->st.nev, 1);
	parser_age(fx->p);
	assert_int_equal(fx->st.nev, 3);
	parser_flush(fx->p);
	assert_int_equal(fx->st.nbad, 0);
	assert_int_equal(fx->st.nev, 3);
	g = find(fx, "audit::1700000000.100:100");
	assert_int_equal(g->nrecords, 4);
	assert_string_equal(g->paths[0], "/etc/a");
	assert_string_equal(g->asset, "host-a");
	assert_null(strstr(g->details, "\"node\""));
	g = find(fx, "audit::1700000000.100:101");
	assert_int_equal(g->nrecords, 2);
	assert_string_equal(g->asset, "website");
	want_whole(fx, "beta", 100, 3);
}

#define PT(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_shape),
		cmocka_unit_test(test_parse_op),
		PT(test_recorded_enriched_log),
		PT(test_recorded_stream_bytewise),
		PT(test_recorded_raw_log),
		PT(test_stig_account_ops),
		PT(test_stig_subjects),
		PT(test_stig_default_keys),
		PT(test_syscall_by_arch),
		PT(test_interleaved),
		PT(test_no_end_completed_by_flush),
		PT(test_no_end_completed_by_age),
		PT(test_eoe_completes),
		PT(test_node_prefix),
		PT(test_hex_fields),
		PT(test_dpms_activity_is_text),
		PT(test_non_utf8_quoted),
		PT(test_garbage_and_blank_lines),
		PT(test_truncated_last_line),
		PT(test_cut_mark),
		PT(test_loss_mark),
		PT(test_isms_access_not_text),
		PT(test_overlong_lines),
		PT(test_config_swap),
		PT(test_nodes_clocks_apart),
		PT(test_nodes_one_stops),
		PT(test_nodes_age_apart),
		PT(test_nodes_many),
		PT(test_nodes_bound),
		PT(test_nodes_bad_names),
		PT(test_nodes_and_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
