/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shell shared by ismsctl and dpmsctl: options, dispatch, errors and exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "isms/entity.h"
#include "isms/snapshot.h"
#include "isms/strutil.h"

const char *cli_prog = "ismsctl";

static const struct {
	int err;
	int code;
} exit_map[] = {
	{EINVAL, EXIT_INVALID},   {E2BIG, EXIT_INVALID},     {EFBIG, EXIT_INVALID},
	{ELOOP, EXIT_INVALID},
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
 * isms_printable() keeps every control character (C0, DEL, C1) and every
 * byte of broken UTF-8 from the terminal.
 */
static void vput_safe(FILE *f, const char *fmt, va_list ap)
{
	char buf[2048], safe[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	isms_printable(buf, safe, sizeof(safe), true);
	fputs(safe, f);
}

int cli_fail(int r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_prog);
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

	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vput_safe(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s%s--help'.\n", cli_prog, cmd ? cmd : "", cmd ? " " : "");
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

int cli_opts(const char *cmd, int argc, char **argv, int from, const struct cli_opt *opts)
{
	for (int i = from; i < argc; i++) {
		const struct cli_opt *o = opts;
		const char *v = NULL;

		for (; o->name; o++) {
			if (o->flag && strcmp(argv[i], o->name) == 0) {
				*o->flag = true;
				break;
			}
			if (o->value && (v = cli_opt_value(argc, argv, &i, o->name))) {
				*o->value = v;
				break;
			}
		}
		if (!o->name)
			return cli_usage(cmd, "unknown argument '%s'", argv[i]);
	}
	return 0;
}

int cli_open(struct cli *c, bool write, bool create)
{
	/* No whole-file check here: it reads every page, so every command
	 * would grow with the evidence.  Damage a command touches is named as
	 * corruption when it is read; 'check' and 'verify' read every page. */
	unsigned flags = write ? 0 : ISMS_STORE_READONLY;
	char *err = NULL;
	int r;

	if (create)
		flags |= ISMS_STORE_CREATE;
	if (c->store_note && !c->quiet)
		fprintf(stderr, "%s: %s\n", cli_prog, c->store_note);
	r = isms_store_open_schema(c->store_path, c->schema, flags, c->busy_ms, &c->store, &err);
	if (r < 0) {
		int code = cli_fail(r, "%s", err ? err : strerror(-r));

		free(err);
		return -code;
	}
	/* A read command reports one state of the store, not parts of two. */
	if (!write && (r = isms_store_snapshot(c->store)) < 0)
		return -cli_store_fail(c, r);
	return 0;
}

int cli_share(struct cli *c, const char *group)
{
	char *err = NULL;
	int r = isms_store_share(c->store_path, group, &err);

	if (r < 0) {
		int code = cli_fail(r, "%s", err ? err : strerror(-r));

		free(err);
		return code;
	}
	return EXIT_OK;
}

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

int cli_main(int argc, char **argv, const struct cli_tool *t)
{
	struct cli c = {.fmt = OUT_TABLE, .busy_ms = 5000, .schema = t->schema};
	int r;

	cli_prog = t->name;
	c.store_path = getenv(t->store_env);
	if (!c.store_path || !c.store_path[0])
		c.store_path = t->default_store;
	r = take_globals(&c, &argc, argv);
	if (r)
		return r;
	if (t->default_note && strcmp(c.store_path, t->default_store) == 0)
		c.store_note = t->default_note;
	if (isatty(STDOUT_FILENO))
		out_max_width = 60;
	if (argc < 2) {
		t->usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		t->usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", t->name, ISMS_VERSION);
		return EXIT_OK;
	}
	if (argv[1][0] == '-')
		return cli_usage(NULL, "unknown option '%s'", argv[1]);

	r = -1;
	for (size_t i = 0; i < t->ncommands; i++) {
		const struct cli_command *cmd = &t->commands[i];

		if (strcmp(argv[1], cmd->name) != 0)
			continue;
		if (cmd->sub && (argc < 3 || strcmp(argv[2], cmd->sub) != 0))
			continue;
		r = cmd->sub ? cmd->run(&c, argc - 2, argv + 2) : cmd->run(&c, argc - 1, argv + 1);
		break;
	}
	if (r == -1) {
		if (t->records && isms_schema_entity(t->schema, argv[1]))
			r = t->records(&c, argc - 1, argv + 1);
		else
			r = cli_usage(NULL, "unknown command '%s'", argv[1]);
	}
	/* Every committed write may have changed what logins decide on: the
	 * snapshot follows the store here, once, for every command. */
	if (r == EXIT_OK && c.store && t->after_write && !c.facts_written &&
	    !isms_store_readonly(c.store) && isms_snapshot_store_changes(c.store) > 0)
		r = t->after_write(&c);
	c.store = isms_store_free(c.store);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write output: %s\n", t->name, strerror(errno));
		return EXIT_FAIL;
	}
	return r;
}
