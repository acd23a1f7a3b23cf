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
#include "fit.h"
#include "term.h"
#include "isms/entity.h"
#include "isms/snapshot.h"
#include "isms/strutil.h"
#include "isms/suggest.h"

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

/* "PROG: @kind MESSAGE" on stderr, wrapped to the terminal when it is one. */
static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	char *text = NULL, *wrapped = NULL;
	size_t len = 0, cols = term_err_cols();
	FILE *m = open_memstream(&text, &len);

	if (!m) {
		fprintf(stderr, "%s: %s", cli_prog, kind);
		vput_safe(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	fprintf(m, "%s: %s", cli_prog, kind);
	vput_safe(m, fmt, ap);
	fputc('\n', m);
	if (fclose(m) == 0 && text) {
		if (cols && fit_wrap(text, cols, &wrapped) == 0)
			fputs(wrapped, stderr);
		else
			fputs(text, stderr);
	}
	free(wrapped);
	free(text);
}

int cli_fail(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	return cli_exit_code(r);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
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

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s %s%s--help'.\n", cli_prog, cmd ? cmd : "", cmd ? " " : "");
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
	/* A short option takes its value attached as well, as getopt does: -n2. */
	if (n == 2 && name[0] == '-' && name[1] != '-' && strncmp(argv[*i], name, 2) == 0 &&
	    argv[*i][2])
		return argv[*i] + 2;
	if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

const char *cli_suggest_suffix(const char *best, const char *prefix, char *buf, size_t len)
{
	if (!best)
		return "";
	snprintf(buf, len, "; did you mean '%s%s'?", prefix ? prefix : "", best);
	return buf;
}

const char *cli_field_hint(const struct isms_entity *e, const char *name, char *buf, size_t len)
{
	struct isms_suggest sg;
	char opt[80];
	const char *best;

	isms_suggest_init(&sg, name);
	for (size_t i = 0; i < e->nfields; i++)
		isms_suggest_add(&sg, e->fields[i].name);
	best = isms_suggest_best(&sg);
	if (!best)
		return "";
	/* As --help writes it: dashes for underscores. */
	snprintf(opt, sizeof(opt), "%s", best);
	for (char *p = opt; *p; p++)
		if (*p == '_')
			*p = '-';
	return cli_suggest_suffix(opt, "--", buf, len);
}

/* The option name of @arg: "--name" of "--name=value". */
static void opt_name(const char *arg, char *buf, size_t len)
{
	size_t n = strcspn(arg, "=");

	if (n >= len)
		n = len - 1;
	memcpy(buf, arg, n);
	buf[n] = '\0';
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
		if (!o->name) {
			struct isms_suggest sg;
			char name[80], hint[112];

			opt_name(argv[i], name, sizeof(name));
			isms_suggest_init(&sg, name);
			for (o = opts; argv[i][0] == '-' && o->name; o++)
				isms_suggest_add(&sg, o->name);
			return cli_usage(cmd, "unknown argument '%s'%s", argv[i],
					 cli_suggest_suffix(isms_suggest_best(&sg), NULL, hint,
							    sizeof(hint)));
		}
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
		} else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "--csv") == 0) {
			enum out_format fmt = argv[i][2] == 'j' ? OUT_JSON : OUT_CSV;

			/* One output or the other: the last of two silently won before. */
			if (c->fmt != OUT_TABLE && c->fmt != fmt)
				return cli_usage(NULL, "--json and --csv cannot be used together");
			c->fmt = fmt;
		} else if ((v = cli_opt_value(*argc, argv, &i, "--color"))) {
			enum term_color when;

			if (term_color_parse(v, &when) < 0)
				return cli_usage(NULL, "--color takes auto, never or always, not '%s'", v);
			c->color = (int)when;
		} else if (strcmp(argv[i], "--color") == 0) {
			return cli_usage(NULL, "--color needs auto, never or always");
		} else if (strcmp(argv[i], "--no-pager") == 0) {
			c->no_pager = true;
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

static bool known_command(const struct cli_tool *t, const char *word)
{
	for (size_t i = 0; i < t->ncommands; i++)
		if (strcmp(word, t->commands[i].name) == 0)
			return true;
	return t->records && isms_schema_entity(t->schema, word);
}

/* "unknown command 'rsik'; did you mean 'risk'?": the commands and record types. */
static int unknown_command(const struct cli_tool *t, const char *word)
{
	struct isms_suggest sg;
	char hint[112];

	isms_suggest_init(&sg, word);
	for (size_t i = 0; i < t->ncommands; i++)
		isms_suggest_add(&sg, t->commands[i].name);
	for (size_t i = 0; t->records && t->schema->entities[i]; i++)
		isms_suggest_add(&sg, t->schema->entities[i]->name);
	return cli_usage(NULL, "unknown command '%s'%s", word,
			 cli_suggest_suffix(isms_suggest_best(&sg), NULL, hint, sizeof(hint)));
}

/* Whether the command line asks for help: wrapped to fit a terminal. */
static bool wants_help(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "help") == 0)
		return true;
	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i]))
			return true;
	return false;
}

static int cli_run(struct cli *c, int argc, char **argv, const struct cli_tool *t);

int cli_main(int argc, char **argv, const struct cli_tool *t)
{
	struct cli c = {.fmt = OUT_TABLE, .busy_ms = 5000, .schema = t->schema};
	struct term_out to;
	int r;

	cli_prog = t->name;
	r = take_globals(&c, &argc, argv);
	if (r)
		return r;
	if (term_begin(&to, c.fmt, (enum term_color)c.color, !c.no_pager,
		       wants_help(argc, argv)) < 0)
		return cli_fail(-ENOMEM, "cannot hold the output: %s", strerror(ENOMEM));
	r = cli_run(&c, argc, argv, t);
	if (term_end(&to) < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write output: %s\n", t->name, strerror(errno));
		return EXIT_FAIL;
	}
	return r;
}

static int cli_run(struct cli *c_, int argc, char **argv, const struct cli_tool *t)
{
	struct cli c = *c_;
	int r;

	if (!c.store_path) {
		c.store_path = getenv(t->store_env);
		if (!c.store_path || !c.store_path[0])
			c.store_path = t->default_store;
	}
	if (t->default_note && strcmp(c.store_path, t->default_store) == 0)
		c.store_note = t->default_note;
	if (argc < 2) {
		t->usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || (strcmp(argv[1], "help") == 0 && argc == 2)) {
		t->usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		/* 'help CMD...' is 'CMD... --help'; a command that does not exist
		 * is the usage error it is without 'help'. */
		if (strcmp(argv[2], "help") == 0 || cli_is_help(argv[2])) {
			t->usage(stdout);
			return EXIT_OK;
		}
		if (!known_command(t, argv[2]))
			return unknown_command(t, argv[2]);
		memmove(argv + 1, argv + 2, (size_t)(argc - 2) * sizeof(*argv));
		argv[argc - 1] = (char *)"--help";
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", t->name, ISMS_VERSION);
		return EXIT_OK;
	}
	if (argv[1][0] == '-') {
		static const char *const globals[] = {"--store", "--json", "--csv", "--all",
						      "--quiet", "--busy-ms", "--help", "--version",
						      "--color", "--no-pager", NULL};
		struct isms_suggest sg;
		char name[80], hint[112];

		opt_name(argv[1], name, sizeof(name));
		isms_suggest_init(&sg, name);
		isms_suggest_add_all(&sg, globals);
		return cli_usage(NULL, "unknown option '%s'%s", argv[1],
				 cli_suggest_suffix(isms_suggest_best(&sg), NULL, hint, sizeof(hint)));
	}

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
			r = unknown_command(t, argv[1]);
	}
	/* Every committed write may have changed what logins decide on: the
	 * snapshot follows the store here, once, for every command. */
	if (r == EXIT_OK && c.store && t->after_write && !c.facts_written &&
	    !isms_store_readonly(c.store) && isms_snapshot_store_changes(c.store) > 0)
		r = t->after_write(&c);
	c.store = isms_store_free(c.store);
	return r;
}
