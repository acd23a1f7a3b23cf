/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl policy check | test: the access policy without a login. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "ismsctl.h"
#include "isms/date.h"
#include "isms/entity.h"
#include "isms/facts.h"
#include "isms/identity.h"
#include "isms/policy.h"
#include "isms/policy_compiled.h"
#include "isms/snapshot.h"
#include "isms/strutil.h"

#define DEFAULT_POLICY ISMS_SYSCONFDIR "/policy.json"
#define MAX_GROUPS 256
#define MAX_TRACE 64

static const char policy_help[] =
	"Usage: ismsctl policy check [FILE]\n"
	"       ismsctl policy compile [FILE] [--to PATH]\n"
	"       ismsctl policy test --user USER [--service SVC] [--from ADDR] [--tty TTY]\n"
	"                           [--at TIME] [--groups G1,G2] [--policy FILE] [--no-store]\n\n"
	"check: validate an access policy (default " DEFAULT_POLICY ") and report every\n"
	"problem with its JSON path (and line:column, for syntax errors), the file's ownership\n"
	"and mode as pam_isms checks them, and, when the store can be read, whether the\n"
	"asset and documents it names are in the register.  Exit 0 when pam_isms would\n"
	"accept it, 5 when it is malformed, 6 when it is insecure.\n\n"
	"compile: check the policy as check does, then write its pre-parsed form to PATH\n"
	"(default: beside the store, STORE.policy), which pam_isms uses instead of parsing\n"
	"the JSON at every login as long as the file's text is exactly the one compiled.\n"
	"Run it after every change of the policy; a policy changed and not compiled again\n"
	"is still applied, only parsed at every login.  Exit 5 or 6 as check.\n\n"
	"test: explain which rule decides a login and why, without logging in.  Groups\n"
	"come from the system unless --groups is given; facts (acknowledgements,\n"
	"reviews, lockdown) from the store unless --no-store.  --at takes\n"
	"YYYY-MM-DDTHH:MM[:SS]Z (UTC), YYYY-MM-DDTHH:MM[:SS]+HH:MM, or @EPOCH.\n"
	"See isms-policy(5).\n";

static void print_problems(const char *file, const struct isms_policy_problems *pr)
{
	for (size_t i = 0; i < pr->n; i++) {
		if (pr->list[i].line && pr->list[i].column)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", file, pr->list[i].line,
				pr->list[i].column, pr->list[i].path, pr->list[i].msg);
		else if (pr->list[i].line)
			fprintf(stderr, "%s:%d: %s: %s\n", file, pr->list[i].line, pr->list[i].path,
				pr->list[i].msg);
		else
			fprintf(stderr, "%s: %s: %s\n", file, pr->list[i].path, pr->list[i].msg);
	}
	if (pr->total > pr->n)
		fprintf(stderr, "%s: ... and %zu more problems\n", file, pr->total - pr->n);
}

static int exists(struct cli *c, const char *entity, const char *key)
{
	return isms_record_get(c->store, isms_schema_entity(c->schema, entity), key, NULL, NULL);
}

static int do_check(struct cli *c, int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : DEFAULT_POLICY;
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	int r, insecure = 0, warnings = 0;

	if (argc > 2)
		return cli_usage("policy", "'policy check' takes one file");
	r = isms_policy_load(file, true, NULL, &p, &pr);
	if (r == -EPERM) {
		/* Say it, then look at the content all the same. */
		print_problems(file, &pr);
		insecure = 1;
		r = isms_policy_load(file, false, NULL, &p, &pr);
	}
	if (r == -EINVAL) {
		print_problems(file, &pr);
		fprintf(stderr, "%s: policy '%s' rejected: %zu problem%s; pam_isms would apply on_error\n", cli_prog, 
			file, pr.total, pr.total == 1 ? "" : "s");
		return EXIT_INVALID;
	}
	if (r < 0)
		return cli_fail(r, "cannot read policy '%s': %s", file, strerror(-r));

	/* Cross-check with the register when there is one to read. */
	if (cli_open(c, false, false) == 0) {
		if (exists(c, "asset", isms_policy_asset(p)) == -ENOENT) {
			fprintf(stderr, "%s: $.asset: warning: asset '%s' is not in the register (ismsctl asset add)\n",
				file, isms_policy_asset(p));
			warnings++;
		}
		for (const char *const *d = isms_policy_documents(p); *d; d++) {
			if (exists(c, "document", *d) == -ENOENT) {
				fprintf(stderr, "%s: warning: required document '%s' is not in the register; nobody can have acknowledged it\n",
					file, *d);
				warnings++;
			}
		}
	} else {
		fprintf(stderr, "%s: (the store could not be read: asset and documents not cross-checked)\n", cli_prog);
	}
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "ok", json_object_new_boolean(!insecure));
		json_object_object_add(o, "insecure", json_object_new_boolean(insecure));
		json_object_object_add(o, "asset", json_object_new_string(isms_policy_asset(p)));
		json_object_object_add(o, "rules", json_object_new_int((int)isms_policy_nrules(p)));
		json_object_object_add(o, "mode", json_object_new_string(
			isms_policy_mode(p) == ISMS_MODE_AUDIT ? "audit" : "enforce"));
		json_object_object_add(o, "warnings", json_object_new_int(warnings));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else if (!insecure) {
		printf("policy '%s' ok: %zu rules for asset '%s', mode %s, on_error %s%s\n", file,
		       isms_policy_nrules(p), isms_policy_asset(p),
		       isms_policy_mode(p) == ISMS_MODE_AUDIT ? "audit" : "enforce",
		       isms_policy_on_error(p) == ISMS_ON_ERROR_ALLOW ? "allow" : "deny",
		       warnings ? " (with warnings)" : "");
	}
	isms_policy_free(p);
	if (insecure) {
		fprintf(stderr, "%s: policy '%s' is well-formed but pam_isms refuses it as insecure; fix with: chown root:root '%s' && chmod 644 '%s'\n", cli_prog, 
			file, file, file);
		return EXIT_ACCESS;
	}
	return EXIT_OK;
}

/* ISO 8601 with Z or an offset (isms_date_parse), or @epoch. */
static int parse_at(const char *s, time_t *ret)
{
	int64_t t;
	int r;

	if (s[0] == '@') {
		r = isms_parse_int64(s + 1, &t);
		if (r < 0 || t < 0 || t > 253402300799LL) /* up to 9999-12-31 */
			return -EINVAL;
		*ret = (time_t)t;
		return 0;
	}
	r = isms_date_parse(s, &t, NULL);
	if (r < 0)
		return r;
	*ret = (time_t)t;
	return 0;
}

static int do_test(struct cli *c, int argc, char **argv)
{
	const char *file = DEFAULT_POLICY, *user = NULL, *service = "sshd", *rhost = NULL;
	const char *tty = NULL, *groups_arg = NULL;
	char *given[MAX_GROUPS + 1] = {0}, *gbuf = NULL;
	const char *const *groups = (const char *const *)given;
	struct isms_identity id = {0};
	char trace[MAX_TRACE][160];
	struct isms_policy_problems pr;
	struct isms_policy *p = NULL;
	struct isms_ack_fact acks[32];
	struct isms_facts facts;
	struct isms_decision d;
	bool use_store = true;
	time_t now = time(NULL);
	size_t ntrace = 0, ng = 0;
	int r, code = EXIT_OK;

	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--user")))
			user = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--service")))
			service = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--from")))
			rhost = strcmp(v, "LOCAL") == 0 ? NULL : v;
		else if ((v = cli_opt_value(argc, argv, &i, "--tty")))
			tty = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--groups")))
			groups_arg = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--policy")))
			file = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--at"))) {
			if (parse_at(v, &now) < 0)
				return cli_usage("policy", "--at '%s': use YYYY-MM-DDTHH:MMZ, an offset like +01:00, or @EPOCH", v);
		} else if (strcmp(argv[i], "--no-store") == 0)
			use_store = false;
		else
			return cli_usage("policy", "unknown argument '%s'", argv[i]);
	}
	if (!user)
		return cli_usage("policy", "'policy test' needs --user");
	r = isms_policy_load(file, false, NULL, &p, &pr);
	if (r == -EINVAL) {
		print_problems(file, &pr);
		return cli_fail(r, "policy '%s' is malformed; see 'ismsctl policy check %s'", file, file);
	}
	if (r < 0)
		return cli_fail(r, "cannot read policy '%s': %s", file, strerror(-r));

	if (groups_arg) {
		gbuf = strdup(groups_arg);
		for (char *save = NULL, *g = gbuf ? strtok_r(gbuf, ",", &save) : NULL; g;
		     g = strtok_r(NULL, ",", &save)) {
			if (ng == MAX_GROUPS) {
				free(gbuf);
				isms_policy_free(p);
				return cli_usage("policy", "--groups takes at most %d groups",
						 MAX_GROUPS);
			}
			given[ng++] = g;
		}
	} else {
		/* The very lookup pam_isms makes: every group, or an error. */
		r = isms_identity_by_name(user, &id);
		if (r == 0) {
			groups = (const char *const *)id.groups;
			/* The name NSS gives, as pam_isms decides on it: a source
			 * that folds case finds "alice" for "ALICE". */
			if (strcmp(id.name, user) != 0)
				fprintf(stderr, "%s: user '%s' is '%s' to NSS; testing '%s'\n",
					cli_prog, user, id.name, id.name);
			user = id.name;
		} else if (r != -ENOENT) {
			isms_policy_free(p);
			return cli_fail(r, "cannot resolve user '%s' and all of its groups: %s;"
					   " pam_isms would apply on_error", user, strerror(-r));
		} else {
			fprintf(stderr, "%s: user '%s' is not known to this system (pam_isms returns PAM_USER_UNKNOWN for a denial); give --groups to test anyway\n", cli_prog, 
				user);
		}
	}
	isms_facts_unknown(&facts);
	if (use_store && cli_open(c, false, false) == 0) {
		r = isms_facts_load(c->store, p, user, now, &facts, acks, 32);
		if (r < 0) {
			fprintf(stderr, "%s: cannot read facts: %s\n", cli_prog,  isms_store_errmsg(c->store));
			isms_facts_unknown(&facts);
		}
	}
	{
		struct isms_request req = {.user = user, .service = service, .rhost = rhost,
					   .tty = tty, .groups = groups,
					   .now = now};

		isms_policy_evaluate(p, &req, &facts, &d, trace, MAX_TRACE, &ntrace);
	}
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object(), *a;
		char ts[32];
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_object_add(o, "user", json_object_new_string(user));
		json_object_object_add(o, "service", json_object_new_string(service));
		json_object_object_add(o, "from", rhost ? json_object_new_string(rhost) : NULL);
		json_object_object_add(o, "at", json_object_new_string(ts));
		json_object_object_add(o, "decision", json_object_new_string(isms_decision_outcome(&d)));
		json_object_object_add(o, "allow", json_object_new_boolean(d.effective_allow));
		json_object_object_add(o, "rule", json_object_new_string(d.rule_id));
		json_object_object_add(o, "break_glass", json_object_new_boolean(d.break_glass));
		json_object_object_add(o, "facts_from_store", json_object_new_boolean(facts.store_ok));
		a = json_object_new_array();
		for (size_t i = 0; i < d.nreasons; i++)
			json_object_array_add(a, json_object_new_string(d.reasons[i]));
		json_object_object_add(o, "reasons", a);
		a = json_object_new_array();
		for (size_t i = 0; i < ntrace; i++)
			json_object_array_add(a, json_object_new_string(trace[i]));
		json_object_object_add(o, "trace", a);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		printf("decision: %s (rule '%s')\n", isms_decision_outcome(&d), d.rule_id);
		for (size_t i = 0; i < d.nreasons; i++)
			printf("  because: %s\n", d.reasons[i]);
		printf("rules tried:\n");
		for (size_t i = 0; i < ntrace; i++)
			printf("  %s\n", trace[i]);
		if (!facts.store_ok)
			printf("(no facts from the store: preconditions fail closed)\n");
	}
	/* The exit status tells scripts the outcome: 0 allow, 1 deny. */
	code = d.effective_allow ? EXIT_OK : EXIT_FAIL;
	isms_identity_release(&id);
	free(gbuf);
	isms_policy_free(p);
	return code;
}

static int do_compile(struct cli *c, int argc, char **argv)
{
	const char *file = NULL, *to = NULL;
	struct isms_policy_problems pr;
	char buf[4096];
	int r;

	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--to")))
			to = v;
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return cli_usage("policy", "'policy compile' takes [FILE] [--to PATH]");
	}
	if (!file)
		file = DEFAULT_POLICY;
	if (!to) {
		if (isms_snapshot_path(c->store_path, ".policy", buf, sizeof(buf)) < 0)
			return cli_fail(-ENAMETOOLONG, "store path '%s' is too long", c->store_path);
		to = buf;
	}
	r = isms_policy_write_compiled(file, to, NULL, &pr);
	if (r == -EINVAL || r == -EPERM) {
		print_problems(file, &pr);
		fprintf(stderr, "%s: policy '%s' not compiled: %s\n", cli_prog, file,
			r == -EPERM ? "insecure" : "rejected");
		return r == -EPERM ? EXIT_ACCESS : EXIT_INVALID;
	}
	if (r < 0)
		return cli_fail(r, "cannot compile policy '%s' into '%s'", file, to);
	if (!c->quiet)
		printf("%s: compiled into %s\n", file, to);
	return EXIT_OK;
}

int cmd_policy(struct cli *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(policy_help, stdout);
			return EXIT_OK;
		}
	}
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return do_check(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "test") == 0)
		return do_test(c, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "compile") == 0)
		return do_compile(c, argc - 1, argv + 1);
	return cli_usage("policy", "'policy' takes check, compile or test");
}
