/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISMS_CLI_H
#define ISMS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "isms/store.h"
#include "output.h"

/* Exit codes: one table, documented in ismsctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,       /* anything not listed below */
	EXIT_USAGE = 2,      /* bad command line */
	EXIT_NOTFOUND = 3,   /* a named record or file does not exist */
	EXIT_CONFLICT = 4,   /* already exists, or still referred to */
	EXIT_INVALID = 5,    /* a value or document is not acceptable */
	EXIT_ACCESS = 6,     /* permissions: insecure, read-only, not allowed */
	EXIT_NOTSTORE = 7,   /* not an isms store, or corrupt */
	EXIT_SCHEMA = 8,     /* schema newer than this build */
	EXIT_TAMPERED = 9,   /* evidence verification failed */
	EXIT_BUSY = 10,      /* the store stayed locked */
};

struct cli {
	const struct isms_schema *schema; /* the kind of store this tool manages */
	const char *store_path;
	enum out_format fmt;
	bool all;    /* every field in tables */
	bool quiet;
	int busy_ms;
	int color;     /* enum term_color: --color=WHEN */
	bool no_pager; /* --no-pager */
	struct isms_store *store;
	bool facts_written; /* the command rewrote the facts snapshot itself */
	const char *store_note; /* the tool's default_note, when its default store is used */
};

struct cli_command {
	const char *name;
	const char *sub; /* second word, or NULL */
	int (*run)(struct cli *c, int argc, char **argv);
};

/* A command-line tool: ismsctl, dpmsctl. */
struct cli_tool {
	const char *name;
	const struct isms_schema *schema;
	const char *store_env;     /* ISMS_STORE */
	const char *default_store;
	const char *default_note;  /* said on stderr when the default store is opened, or NULL */
	const struct cli_command *commands;
	size_t ncommands;
	/* The generic register commands (list, show, add...) for a record type. */
	int (*records)(struct cli *c, int argc, char **argv);
	void (*usage)(FILE *f);
	/* After a command that succeeded and wrote to the store (may be NULL). */
	int (*after_write)(struct cli *c);
};

/* The program name for messages. */
extern const char *cli_prog;

/* Global options, dispatch to @t's commands or the generic record commands. */
int cli_main(int argc, char **argv, const struct cli_tool *t);

/* Rows of one record type, all fields, as text: for sorted and aggregated views. */
struct rows {
	size_t n, cap, nfields;
	char ***v;
};

/* An isms_record_cb that appends to a struct rows (@userdata). */
int rows_cb(const struct isms_entity *e, const char *const *values, void *userdata);
void rows_release(struct rows *rs);

/* Map a negative errno to an exit code. */
int cli_exit_code(int r);

/* Print "ismsctl: ..." on stderr; returns the exit code for @r. */
int cli_fail(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "PROG: warning: MESSAGE" on stderr (values made printable, wrapped on a terminal). */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with the store's last message. */
int cli_store_fail(struct cli *c, int r);
/* Usage error: message and a pointer to --help. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open the store for reading or writing (created only by init). */
int cli_open(struct cli *c, bool write, bool create);

/* 'init --group NAME': give the open store and its directory to the readers of @group. */
int cli_share(struct cli *c, const char *group);

/* In a command: print @text and return EXIT_OK when any argument asks for help. */
#define HELP(argc, argv, text)                                                             \
	do {                                                                               \
		for (int hi_ = 1; hi_ < (argc); hi_++)                                     \
			if (cli_is_help((argv)[hi_])) {                                    \
				fputs(text, stdout);                                       \
				return EXIT_OK;                                            \
			}                                                                  \
	} while (0)

/* Whether @arg is --help or -h. */
bool cli_is_help(const char *arg);

/*
 * Accept --opt VALUE and --opt=VALUE, and for a short option (-n) also
 * -n VALUE, -n=VALUE and -nVALUE; returns the value or NULL and advances *i.
 */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name);

/*
 * "; did you mean '<prefix><best>'?" in @buf, or "" when @best is NULL
 * (isms_suggest_best()): to append to a message about an unknown word.
 */
const char *cli_suggest_suffix(const char *best, const char *prefix, char *buf, size_t len);
struct isms_entity;
/* The same for a field @name that @e does not have: "; did you mean '--full-name'?" or "". */
const char *cli_field_hint(const struct isms_entity *e, const char *name, char *buf, size_t len);

/* One option of a command: --name VALUE (or --name=VALUE) into *value, or a switch --name into *flag. */
struct cli_opt {
	const char *name;
	const char **value;
	bool *flag;
};
#define CLI_OPT(n, v)  {.name = (n), .value = (v)}
#define CLI_FLAG(n, f) {.name = (n), .flag = (f)}
#define CLI_OPT_END    {.name = NULL}

/*
 * The options of command @cmd in argv[@from..] (@opts ends with a NULL
 * name): 0, or the usage error's exit code for an argument that is none of
 * them (or an option whose value is missing).  Values are checked by the
 * caller afterwards.
 */
int cli_opts(const char *cmd, int argc, char **argv, int from, const struct cli_opt *opts);


struct isms_entity;
/* Columns for @e as @c shows them (--all, --json...): map[k] is the field index of column k. */
int cli_record_columns(const struct cli *c, const struct isms_entity *e, struct out_table *t,
		       size_t *map, bool every);
/* 'evidence list' of either tool: argv[0] is "list" (or the entity word). */
int cli_evidence_list(struct cli *c, const struct isms_entity *e, int argc, char **argv);

/* The commands both tools have, on their own kind of store. argv[0] is the command word. */
int cmd_record(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_verify(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_anchor(struct cli *c, int argc, char **argv);

int cmd_key(struct cli *c, int argc, char **argv);
/*
 * 'evidence retention ...' and 'evidence archive ...' (argv[0] "evidence"):
 * the exit code, or -1 when argv[1] is neither.
 */
int cmd_evidence_lifecycle(struct cli *c, int argc, char **argv);
/* Archive files given to verify (--archive FILE|DIR), malloc'd paths. */
struct cli_paths {
	char **v;
	size_t n;
};
/* Add @arg, or each file in it not ending in .tmp when a directory: 0 or an exit code. */
int cli_archives_read(struct cli_paths *ps, const char *arg);
void cli_paths_release(struct cli_paths *ps);
/* An anchor of an archived row against the archive in @ps holding it: 0, -EBADMSG (@reason). */
struct isms_anchor;
int cli_anchor_in_archives(const struct cli_paths *ps, const struct isms_anchor *a, char *reason,
			   size_t len);
/* 'archive verify FILE...': archives alone, no store. */
int cmd_archive(struct cli *c, int argc, char **argv);
/* 'key init' for 'init --keyed': create the key at @path if missing, key the store. */
int cli_key_init(struct cli *c, const char *path);

#endif
