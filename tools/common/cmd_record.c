/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generic register commands: list, show, add, set, remove. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/history.h"
#include "isms/risk.h"
#include "isms/suggest.h"

#define MAX_KV 64

static enum out_type field_out_type(const struct isms_field *f)
{
	if (f->flags & ISMS_FF_JSON)
		return OT_JSON;
	switch (f->type) {
	case ISMS_FT_INT:
	case ISMS_FT_SCALE:
		return OT_INT;
	case ISMS_FT_MONEY:
		return OT_NUM;
	case ISMS_FT_BOOL:
		return OT_BOOL;
	case ISMS_FT_REFS:
		return OT_LIST;
	default:
		return OT_TEXT;
	}
}

static bool shown(const struct cli *c, const struct isms_field *f)
{
	return c->all || c->fmt != OUT_TABLE || !(f->flags & ISMS_FF_HIDDEN);
}

/* Columns for @e as @c shows them: map[k] is the field index of column k. */
int cli_record_columns(const struct cli *c, const struct isms_entity *e, struct out_table *t,
		       size_t *map, bool every)
{
	size_t n = 0;
	int r;

	for (size_t i = 0; i < e->nfields; i++)
		if (every || shown(c, &e->fields[i]))
			map[n++] = i;
	r = out_table_init(t, n);
	for (size_t k = 0; r >= 0 && k < n; k++)
		r = out_table_set_col(t, k, e->fields[map[k]].name,
				      field_out_type(&e->fields[map[k]]));
	return r;
}

struct collect {
	struct out_table *t;
	const size_t *map;
};

static int collect_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct collect *col = userdata;
	const char *row[64];

	for (size_t k = 0; k < col->t->ncols; k++)
		row[k] = values[col->map[k]];
	return out_table_add(col->t, row);
}

static void field_help(FILE *f, const struct isms_entity *e, bool settable)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct isms_field *fd = &e->fields[i];
		char opt[64];

		if (settable && (fd->flags & ISMS_FF_COMPUTED))
			continue;
		snprintf(opt, sizeof(opt), "--%s", fd->name);
		for (char *p = opt + 2; *p; p++)
			if (*p == '_')
				*p = '-';
		fprintf(f, "  %-24s %s%s", opt, fd->help,
			(fd->flags & ISMS_FF_REQUIRED) && settable ? " (required)" : "");
		if (fd->type == ISMS_FT_ENUM)
			fprintf(f, "; one of: %s", isms_field_choices_str(fd));
		else if (fd->type == ISMS_FT_DATE)
			fprintf(f, "; YYYY-MM-DD");
		else if (fd->type == ISMS_FT_BOOL)
			fprintf(f, "; yes or no");
		else if (fd->type == ISMS_FT_REF)
			fprintf(f, "; a %s", fd->ref);
		else if (fd->type == ISMS_FT_REFS)
			fprintf(f, "; %ss, comma-separated (set replaces them all)", fd->ref);
		if (fd->dflt && settable)
			fprintf(f, "; default %s",
				strcmp(fd->dflt, ISMS_DFLT_TODAY) == 0 ? "today" : fd->dflt);
		if (fd->flags & ISMS_FF_COMPUTED)
			fprintf(f, " (computed)");
		fputc('\n', f);
	}
}

static void record_usage(FILE *f, const struct cli *c, const struct isms_entity *e,
			 const char *verb)
{
	const char *tool = c->schema->tool;
	const char *key = e->fields[0].name;
	bool ro = e->flags & ISMS_EF_READONLY;
	bool can_remove = !ro && !(e->flags & ISMS_EF_CATALOGUE); /* and add */
	int lines = 0;

	/* A verb this type does not have ('control remove') gets the full synopsis. */
	if (verb && ((ro && strcmp(verb, "list") != 0 && strcmp(verb, "show") != 0) ||
		     (!can_remove && (strcmp(verb, "remove") == 0 || strcmp(verb, "add") == 0))))
		verb = NULL;
	if (!verb || strcmp(verb, "list") == 0 || strcmp(verb, "show") == 0) {
		fprintf(f,
			"%s %s %s list [--FIELD VALUE]...   list %s, filtered by fields\n"
			"       %s %s show %s [--at TIME]   (--at: as it was then, from its history)\n",
			lines++ ? "      " : "Usage:", tool, e->name, e->plural, tool, e->name, key);
	}
	if (can_remove && (!verb || strcmp(verb, "add") == 0))
		fprintf(f, "%s %s %s add --FIELD VALUE...\n", lines++ ? "      " : "Usage:", tool,
			e->name);
	if (!ro && (!verb || strcmp(verb, "set") == 0))
		fprintf(f, "%s %s %s set %s --FIELD VALUE... [--clear FIELD]...\n",
			lines++ ? "      " : "Usage:", tool, e->name, key);
	if (can_remove && (!verb || strcmp(verb, "remove") == 0))
		fprintf(f, "%s %s %s remove %s\n", lines++ ? "      " : "Usage:", tool, e->name,
			key);
	if (e->flags & ISMS_EF_CATALOGUE)
		fprintf(f, "\n%c%s come from the catalogue: they cannot be added or removed.\n",
			toupper((unsigned char)e->plural[0]), e->plural + 1);
	fprintf(f, "\n%c%s.  Fields:\n", toupper((unsigned char)e->help[0]), e->help + 1);
	field_help(f, e, verb && (strcmp(verb, "add") == 0 || strcmp(verb, "set") == 0));
	fprintf(f, "\nFields may be written --full-name or --full_name, and --FIELD=VALUE.\n");
}

/* Turn --field value pairs into kv; --clear field gives a NULL value. */
static int collect_fields(const struct isms_entity *e, int argc, char **argv, int start,
			  struct isms_kv *kv, size_t *np, char **names, const char *verb)
{
	for (int i = start; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[64];
		size_t len;
		bool clear = false;

		if (strncmp(a, "--", 2) != 0)
			return cli_usage(e->name, "unexpected argument '%s' (fields are given as --FIELD VALUE)", a);
		a += 2;
		if (strcmp(a, "clear") == 0 || strncmp(a, "clear=", 6) == 0) {
			if (strcmp(verb, "set") != 0)
				return cli_usage(e->name, "--clear is for 'set'");
			clear = true;
			if (a[5] == '=') {
				a += 6;
			} else if (i + 1 < argc) {
				a = argv[++i];
			} else {
				return cli_usage(e->name, "--clear needs a field name");
			}
		}
		eq = clear ? NULL : strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (len == 0 || len >= sizeof(name))
			return cli_usage(e->name, "bad option '%s'", argv[i]);
		memcpy(name, a, len);
		name[len] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (!isms_entity_field(e, name)) {
			char hint[112];

			return cli_usage(e->name, "%s has no field '%s'%s", e->name, name,
					 cli_field_hint(e, name, hint, sizeof(hint)));
		}
		if (!clear) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return cli_usage(e->name, "--%s needs a value", name);
		}
		if (*np >= MAX_KV)
			return cli_usage(e->name, "too many fields");
		names[*np] = strdup(name);
		if (!names[*np])
			return cli_fail(-ENOMEM, "out of memory");
		kv[*np].name = names[*np];
		kv[*np].value = val;
		(*np)++;
	}
	return 0;
}

/* The same, freeing what it collected when it fails (an unknown field late on). */
static int parse_fields(const struct isms_entity *e, int argc, char **argv, int start,
			struct isms_kv *kv, size_t *ret_n, char **names, const char *verb)
{
	size_t n = 0;
	int code = collect_fields(e, argc, argv, start, kv, &n, names, verb);

	if (code) {
		for (size_t i = 0; i < n; i++) {
			free(names[i]);
			names[i] = NULL;
		}
		return code;
	}
	*ret_n = n;
	return 0;
}

static int do_list(struct cli *c, const struct isms_entity *e, int argc, char **argv)
{
	struct isms_kv kv[MAX_KV];
	char *names[MAX_KV] = {0};
	size_t n = 0, map[64];
	struct out_table t = {0};
	struct collect col = {&t, map};
	int r, code;

	code = parse_fields(e, argc, argv, 1, kv, &n, names, "list");
	if (code)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!kv[i].value) {
			code = cli_usage(e->name, "filters need a value");
			goto out;
		}
	}
	code = -cli_open(c, false, false);
	if (code)
		goto out;
	r = cli_record_columns(c, e, &t, map, false);
	if (r >= 0)
		r = isms_record_list(c->store, e, kv, n, collect_cb, &col);
	if (r < 0) {
		code = cli_store_fail(c, r);
		goto out;
	}
	r = out_print(stdout, c->fmt, &t);
	code = cli_exit_code(r);
out:
	out_table_release(&t);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return code;
}

static int do_show(struct cli *c, const struct isms_entity *e, int argc, char **argv)
{
	struct isms_history_at info = {0};
	struct out_table t = {0};
	size_t map[64];
	struct collect col = {&t, map};
	const char *key = NULL, *at = NULL;
	int r, code;

	for (int i = 1; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--at")))
			at = v;
		else if (argv[i][0] != '-' && !key)
			key = argv[i];
		else
			return cli_usage(e->name, "'%s show' takes one %s and --at TIME", e->name,
					 e->fields[0].name);
	}
	if (!key)
		return cli_usage(e->name, "'%s show' takes one %s", e->name, e->fields[0].name);
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = cli_record_columns(c, e, &t, map, true);
	/* As it was: rebuilt from its history rows in the evidence chain. */
	if (r >= 0 && at)
		r = isms_history_at(c->store, e, key, at, collect_cb, &col, &info);
	else if (r >= 0)
		r = isms_record_get(c->store, e, key, collect_cb, &col);
	if (r < 0) {
		code = cli_store_fail(c, r);
		goto out;
	}
	if (at && info.from_current && info.rows == 0 && !info.first_ts[0])
		fprintf(stderr, "%s: note: %s '%s' has no history: its current values are shown\n",
			cli_prog, e->name, key);
	else if (at && info.from_current && info.before_first)
		fprintf(stderr,
			"%s: note: %s '%s' was added before its history began (first row %s):"
			" shown as that row found it\n",
			cli_prog, e->name, key, info.first_ts);
	else if (at && info.from_current)
		fprintf(stderr,
			"%s: note: %s '%s' was added before its history began (first row %s):"
			" fields never changed since show their current values\n",
			cli_prog, e->name, key, info.first_ts);
	code = cli_exit_code(out_print_record(stdout, c->fmt, &t, 0));
out:
	out_table_release(&t);
	return code;
}

static int do_write(struct cli *c, const struct isms_entity *e, const char *verb, int argc,
		    char **argv)
{
	struct isms_kv kv[MAX_KV];
	char *names[MAX_KV] = {0};
	const char *key = NULL;
	char *newkey = NULL;
	size_t n = 0;
	int r, code, start = 1;

	if (e->flags & ISMS_EF_READONLY)
		return cli_usage(e->name, "%s cannot be changed with '%s'", e->plural, verb);
	if (strcmp(verb, "add") != 0) {
		if (argc < 2 || argv[1][0] == '-')
			return cli_usage(e->name, "'%s %s' needs the %s of the record", e->name,
					 verb, e->fields[0].name);
		key = argv[1];
		start = 2;
	}
	if (strcmp(verb, "remove") == 0 && argc > 2)
		return cli_usage(e->name, "'%s remove' takes only the %s", e->name,
				 e->fields[0].name);
	code = parse_fields(e, argc, argv, start, kv, &n, names, verb);
	if (code)
		goto out;
	code = -cli_open(c, true, false);
	if (code)
		goto out;
	if (strcmp(verb, "add") == 0)
		r = isms_record_add(c->store, e, kv, n, &newkey);
	else if (strcmp(verb, "set") == 0)
		r = isms_record_change(c->store, e, key, kv, n);
	else
		r = isms_record_remove(c->store, e, key);
	if (r < 0) {
		code = cli_store_fail(c, r);
		goto out;
	}
	if (c->fmt == OUT_JSON && newkey) {
		/* Through json-c: a key may hold quotes or backslashes. */
		struct json_object *o = json_object_new_object();

		if (!o) {
			code = cli_fail(-ENOMEM, "out of memory");
			goto out;
		}
		json_object_object_add(o, e->fields[0].name, json_object_new_string(newkey));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED |
									JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (!c->quiet) {
		printf("%s '%s' %s\n", e->name, newkey ? newkey : key,
		       strcmp(verb, "add") == 0 ? "added" :
		       strcmp(verb, "set") == 0 ? "changed" : "removed");
	}
	code = EXIT_OK;
out:
	free(newkey);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return code;
}

int cmd_record(struct cli *c, int argc, char **argv)
{
	const struct isms_entity *e = isms_schema_entity(c->schema, argv[0]);
	const char *verb = argc > 1 ? argv[1] : "list";

	if (argc > 1 && cli_is_help(argv[1])) {
		record_usage(stdout, c, e, NULL);
		return EXIT_OK;
	}
	for (int i = 2; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			record_usage(stdout, c, e, verb);
			return EXIT_OK;
		}
	}
	/* Evidence may be millions of rows: listed a page at a time, streamed. */
	if (strcmp(e->table, "evidence") == 0 && (strcmp(verb, "list") == 0 || argv[1][0] == '-')) {
		bool word = argc > 1 && strcmp(argv[1], "list") == 0;

		return cli_evidence_list(c, e, word ? argc - 1 : argc, word ? argv + 1 : argv);
	}
	if (argc > 1 && argv[1][0] == '-')
		return do_list(c, e, argc, argv); /* "ismsctl risk --asset x" lists */
	if (strcmp(verb, "list") == 0)
		return do_list(c, e, argc - 1, argv + 1);
	if (strcmp(verb, "show") == 0)
		return do_show(c, e, argc - 1, argv + 1);
	if (strcmp(verb, "add") == 0 || strcmp(verb, "set") == 0 || strcmp(verb, "change") == 0 ||
	    strcmp(verb, "remove") == 0)
		return do_write(c, e, strcmp(verb, "change") == 0 ? "set" : verb, argc - 1,
				argv + 1);
	{
		static const char *const verbs[] = {"list", "show", "add", "set", "remove", NULL};
		struct isms_suggest sg;
		char hint[112];

		isms_suggest_init(&sg, verb);
		isms_suggest_add_all(&sg, verbs);
		return cli_usage(e->name, "unknown action '%s' for %s (list, show, add, set, remove)%s",
				 verb, e->name,
				 cli_suggest_suffix(isms_suggest_best(&sg), NULL, hint, sizeof(hint)));
	}
}
