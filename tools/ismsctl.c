/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl: the security officer's command line.  Dispatch and the shell only. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "isms/entity.h"

static const struct {
	int err;
	int code;
} exit_map[] = {
	{EINVAL, EXIT_INVALID},   {E2BIG, EXIT_INVALID},     {EFBIG, EXIT_INVALID},
	{ENOENT, EXIT_NOTFOUND},  {EEXIST, EXIT_CONFLICT},   {ENOTEMPTY, EXIT_CONFLICT},
	{EALREADY, EXIT_CONFLICT}, {EPERM, EXIT_ACCESS},     {EACCES, EXIT_ACCESS},
	{EROFS, EXIT_ACCESS},     {ENOTRECOVERABLE, EXIT_NOTSTORE},
	{EMEDIUMTYPE, EXIT_NOTSTORE}, {EPROTO, EXIT_SCHEMA}, {EBADMSG, EXIT_TAMPERED},
	{EBUSY, EXIT_BUSY},
};

int cli_exit_code(int r)
{
	if (r >= 0)
		return EXIT_OK;
	for (size_t i = 0; i < sizeof(exit_map) / sizeof(exit_map[0]); i++)
		if (exit_map[i].err == -r)
			return exit_map[i].code;
	return EXIT_FAIL;
}

/*
 * Messages quote values from the command line, import files and the store;
 * print control characters (C0, DEL, C1) as '?' so none reaches the terminal.
 */
static void vput_safe(FILE *f, const char *fmt, va_list ap)
{
	char buf[2048];
	const unsigned char *p = (const unsigned char *)buf;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (; *p; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', f);
			p++;
		} else if ((*p < 0x20 && *p != '\n') || *p == 0x7f) {
			fputc('?', f);
		} else {
			fputc(*p, f);
		}
	}
}

int cli_fail(int r, const char *fmt, ...)
{
	va_list ap;

	fputs("ismsctl: ", stderr);
	va_start(ap, fmt);
	vput_safe(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return cli_exit_code(r);
}

int cli_store_fail(struct cli *c, int r)
{
	const char *msg = c->store ? isms_store_errmsg(c->store) : "";

	if (r == -EBUSY)
		return cli_fail(r, "store '%s' is locked by another writer (waited %d ms); try again",
				c->store_path, c->busy_ms);
	return cli_fail(r, "%s", msg[0] ? msg : strerror(-r));
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("ismsctl: ", stderr);
	va_start(ap, fmt);
	vput_safe(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'ismsctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int cli_open(struct cli *c, bool write, bool create)
{
	/* The officer's tool checks the whole file: a damaged store is named at
	 * once, not when a report happens to touch the damage. */
	unsigned flags = (write ? 0 : ISMS_STORE_READONLY) | ISMS_STORE_CHECK;
	char *err = NULL;
	int r;

	if (create)
		flags |= ISMS_STORE_CREATE;
	r = isms_store_open(c->store_path, flags, c->busy_ms, &c->store, &err);
	if (r < 0) {
		int code = cli_fail(r, "%s", err ? err : strerror(-r));

		free(err);
		return -code;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ismsctl [--store PATH] [--json | --csv] [--all] COMMAND [ARGS]\n"
		"\n"
		"The ISMS register on this host: scope, assets, risks, controls, measures,\n"
		"reviews, people, documents, and tamper-evident evidence.\n"
		"\n"
		"Register (each: list, show KEY, add, set KEY, remove KEY):\n");
	for (size_t i = 0; isms_entities[i]; i++)
		fprintf(f, "  %-12s %s\n", isms_entities[i]->name, isms_entities[i]->help);
	fprintf(f,
		"\n"
		"Reports and upkeep:\n"
		"  init             create the store and load the Annex A and BSI catalogues\n"
		"  import FILE      load a JSON document (all or nothing)\n"
		"  export           print the register as a JSON document for import\n"
		"  risk matrix      the risk matrix with the number of risks in each cell\n"
		"  risk top         the highest risks\n"
		"  risk history R   what live indicators changed in a risk, and why\n"
		"  indicator scan   count new evidence against the live risk indicators\n"
		"  soa              the Statement of Applicability (--summary for counts)\n"
		"  review due       reviews overdue or due soon\n"
		"  overdue          everything overdue: reviews, measures, documents, acceptances\n"
		"  budget           the security budget against the cost of measures\n"
		"  matrix           show or load the risk matrix definition\n"
		"  setting          list or set settings (organisation, budget, acceptance)\n"
		"  evidence         list or add evidence\n"
		"  verify           check the evidence hash chain\n"
		"  policy check     validate the pam_isms access policy\n"
		"  policy test      explain the decision for a login, without logging in\n"
		"\n"
		"Options:\n"
		"  --store PATH     the store (default: $ISMS_STORE, else %s)\n"
		"  --json, --csv    machine-readable output\n"
		"  --all            every field in tables\n"
		"  --busy-ms N      how long to wait for a locked store (default 5000)\n"
		"  -q, --quiet      no confirmations\n"
		"  --version, --help\n"
		"\n"
		"'ismsctl COMMAND --help' describes each command; see ismsctl(8).\n",
		ISMS_DEFAULT_STORE);
}

struct command {
	const char *name;
	const char *sub; /* second word, or NULL */
	int (*run)(struct cli *c, int argc, char **argv);
};

static const struct command commands[] = {
	{"init", NULL, cmd_init},
	{"import", NULL, cmd_import},
	{"export", NULL, cmd_export},
	{"verify", NULL, cmd_verify},
	{"soa", NULL, cmd_soa},
	{"overdue", NULL, cmd_overdue},
	{"setting", NULL, cmd_setting},
	{"settings", NULL, cmd_setting},
	{"budget", NULL, cmd_budget},
	{"matrix", NULL, cmd_matrix},
	{"policy", NULL, cmd_policy},
	{"risk", "matrix", cmd_risk_matrix},
	{"risk", "top", cmd_risk_top},
	{"risk", "history", cmd_risk_history},
	{"indicator", "scan", cmd_indicator_scan},
	{"review", "due", cmd_review_due},
	{"evidence", NULL, cmd_evidence},
};

/* Global options may stand anywhere; take them out of argv. */
static int take_globals(struct cli *c, int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if ((v = cli_opt_value(*argc, argv, &i, "--store"))) {
			c->store_path = v;
		} else if (strcmp(argv[i], "--store") == 0) {
			return cli_usage(NULL, "--store needs a path");
		} else if ((v = cli_opt_value(*argc, argv, &i, "--busy-ms"))) {
			char *end;
			long ms = strtol(v, &end, 10);

			if (*end || ms < 0 || ms > 600000)
				return cli_usage(NULL, "--busy-ms takes milliseconds, 0-600000");
			c->busy_ms = (int)ms;
		} else if (strcmp(argv[i], "--json") == 0) {
			c->fmt = OUT_JSON;
		} else if (strcmp(argv[i], "--csv") == 0) {
			c->fmt = OUT_CSV;
		} else if (strcmp(argv[i], "--all") == 0) {
			c->all = true;
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			c->quiet = true;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = {.fmt = OUT_TABLE, .busy_ms = 5000};
	int r;

	c.store_path = getenv("ISMS_STORE");
	if (!c.store_path || !c.store_path[0])
		c.store_path = ISMS_DEFAULT_STORE;
	r = take_globals(&c, &argc, argv);
	if (r)
		return r;
	if (isatty(STDOUT_FILENO))
		out_max_width = 60;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ismsctl %s\n", ISMS_VERSION);
		return EXIT_OK;
	}
	if (argv[1][0] == '-')
		return cli_usage(NULL, "unknown option '%s'", argv[1]);

	r = -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *cmd = &commands[i];

		if (strcmp(argv[1], cmd->name) != 0)
			continue;
		if (cmd->sub && (argc < 3 || strcmp(argv[2], cmd->sub) != 0))
			continue;
		r = cmd->sub ? cmd->run(&c, argc - 2, argv + 2) : cmd->run(&c, argc - 1, argv + 1);
		break;
	}
	if (r == -1) {
		if (isms_entity_lookup(argv[1]))
			r = cmd_record(&c, argc - 1, argv + 1);
		else
			r = cli_usage(NULL, "unknown command '%s'", argv[1]);
	}
	c.store = isms_store_free(c.store);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ismsctl: cannot write output: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return r;
}
