/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl catalogue: OSCAL catalogues, profiles and mappings imported by name, and read back. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/catalogue.h"
#include "isms/catalogue_import.h"
#include "isms/oscal.h"

/* "dir/BSI-Methodik-Grundschutz++-catalog.json" -> "BSI-Methodik-Grundschutz-catalog". */
static void name_from_file(const char *path, char name[ISMS_CATALOGUE_NAME_MAX + 1])
{
	const char *base = strrchr(path, '/'), *end;
	size_t n = 0;

	base = base ? base + 1 : path;
	end = base + strlen(base);
	if (end - base > 5 && strcmp(end - 5, ".json") == 0)
		end -= 5;
	for (const char *p = base; p < end && n < ISMS_CATALOGUE_NAME_MAX; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p) &&
		    *p)
			name[n++] = *p;
	name[n] = '\0';
}

static int import(struct cli *c, int argc, char **argv)
{
	const char *file = NULL, *name = NULL;
	bool replace = false;
	const struct cli_opt opts[] = {CLI_OPT("--name", &name), CLI_FLAG("--replace", &replace),
				       CLI_OPT_END};
	struct isms_catalogue_counts n;
	char derived[ISMS_CATALOGUE_NAME_MAX + 1], *buf = NULL;
	size_t len = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl catalogue import FILE [--name NAME] [--replace]\n\n"
	     "Import the OSCAL catalog, profile or mapping-collection in FILE (JSON,\n"
	     "OSCAL 1.x, such as the BSI's Grundschutz++) as NAME (default: the file's\n"
	     "name without '.json' and without characters other than letters, digits,\n"
	     "'.', '_' and '-').  All or nothing: a malformed document changes nothing.\n"
	     "A NAME imported already is refused unless --replace.  An evidence row of\n"
	     "kind catalogue.imported carries the file's SHA-256 and the counts.\n");
	if (argc > 1 && argv[1][0] != '-')
		file = argv[1];
	if (!file)
		return cli_usage("catalogue import", "'import' needs a FILE");
	code = cli_opts("catalogue import", argc, argv, 2, opts);
	if (code)
		return code;
	if (!name) {
		name_from_file(file, derived);
		if (!derived[0])
			return cli_usage("catalogue import",
					 "no name can be derived from '%s': give --name NAME", file);
		name = derived;
	}
	r = isms_read_file(file, ISMS_OSCAL_BYTES_MAX, &buf, &len);
	if (r < 0)
		return cli_fail(r, "cannot read '%s': %s", file, strerror(-r));
	code = -cli_open(c, true, false);
	if (code)
		goto out;
	r = isms_catalogue_import(c->store, name, file, buf, len, replace, (int64_t)time(NULL), &n);
	if (r < 0) {
		code = cli_store_fail(c, r);
		goto out;
	}
	if (!c->quiet)
		printf("%s '%s' imported: %zu groups, %zu controls, %zu imports, %zu maps\n",
		       "catalogue", name, n.groups, n.controls, n.imports, n.maps);
	code = EXIT_OK;
out:
	free(buf);
	return code;
}

static const char *const info_cols[] = {"name", "kind", "title", "version", "controls",
					"imported_at", "uuid", "oscal_version", "sha256",
					"imported_by", "groups", "imports", "maps", "file"};
#define INFO_COLS  14
#define INFO_BRIEF 6 /* the columns of a list without --all */

static int info_row(const struct isms_catalogue_info *i, void *ud)
{
	char num[4][24];
	const char *row[INFO_COLS];

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)i->controls);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)i->groups);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)i->imports);
	snprintf(num[3], sizeof(num[3]), "%lld", (long long)i->maps);
	row[0] = i->name;
	row[1] = i->kind;
	row[2] = i->title;
	row[3] = i->version;
	row[4] = num[0];
	row[5] = i->imported_at;
	row[6] = i->uuid;
	row[7] = i->oscal_version;
	row[8] = i->sha256;
	row[9] = i->imported_by;
	row[10] = num[1];
	row[11] = num[2];
	row[12] = num[3];
	row[13] = i->file;
	return out_table_add(ud, row);
}

static int info_table(struct out_table *t, size_t ncols)
{
	int r = out_table_init(t, ncols);

	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(t, k, info_cols[k],
				      k == 4 || k >= 10 ? OT_INT : OT_TEXT);
	return r;
}

static int list(struct cli *c, int argc, char **argv)
{
	struct out_table t;
	size_t ncols = c->all || c->fmt != OUT_TABLE ? INFO_COLS : INFO_BRIEF;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl catalogue list\n\n"
	     "The imported OSCAL documents by name: kind (catalog, profile, mapping),\n"
	     "title, version, number of controls and when they were imported (--all and\n"
	     "--json add the uuid, OSCAL version, SHA-256, who imported them, and the\n"
	     "numbers of groups, profile imports and map entries).\n");
	if (argc != 1)
		return cli_usage("catalogue list", "'list' takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = info_table(&t, ncols);
	if (r >= 0)
		r = isms_catalogue_list(c->store, info_row, &t);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

static const char *const control_cols[] = {
	"id", "title", "class", "group", "group_title", "parent", "sec_level", "effort_level",
	"modal_verb", "target_object_categories", "statement", "guidance", "props", "params"};
#define CONTROL_BRIEF 4 /* the columns of --controls: id, title, class, group */

static int control_row(const struct isms_catalogue_control *k, void *ud)
{
	const char *row[14] = {k->id,
			       k->title,
			       k->class,
			       k->group,
			       k->group_title,
			       k->parent,
			       k->sec_level,
			       k->effort_level,
			       k->modal_verb,
			       k->target_object_categories,
			       k->statement,
			       k->guidance,
			       k->props,
			       k->params};

	return out_table_add(ud, row);
}

/* One control for people: its fields, then each property on a line of its own. */
static int control_print(const struct out_table *t, enum out_format fmt)
{
	struct json_object *o = NULL, *props = NULL, *params = NULL;
	char *const *row = t->rows[0];
	int r = 0;

	if (fmt == OUT_CSV)
		return out_print_record(stdout, fmt, t, 0);
	props = json_tokener_parse(row[12]);
	params = json_tokener_parse(row[13]);
	if (!props || !params) {
		r = -ENOMEM;
		goto out;
	}
	if (fmt == OUT_JSON) {
		o = json_object_new_object();
		for (size_t k = 0; o && k < 12; k++)
			json_object_object_add(o, control_cols[k],
					       row[k] ? json_object_new_string(row[k]) : NULL);
		json_object_object_add(o, "props", props);
		json_object_object_add(o, "params", params);
		props = params = NULL;
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		goto out;
	}
	for (size_t k = 0; k < 12; k++)
		if (row[k])
			printf("%s: %s\n", control_cols[k], row[k]);
	for (size_t i = 0; i < json_object_array_length(props); i++) {
		struct json_object *p = json_object_array_get_idx(props, i), *v;
		const char *f[4] = {0};
		static const char *const keys[4] = {"name", "value", "origin", "ns"};

		for (int j = 0; j < 4; j++)
			if (json_object_object_get_ex(p, keys[j], &v))
				f[j] = json_object_get_string(v);
		printf("prop: %s = %s (on the %s)\n", f[0], f[1], f[2]);
	}
	if (json_object_array_length(params) > 0)
		printf("params: %s\n", row[13]);
out:
	json_object_put(o);
	json_object_put(props);
	json_object_put(params);
	return r;
}

static int selected_row(const char *catalogue, const char *id, const char *title, void *ud)
{
	const char *row[3] = {catalogue, id, title};

	return out_table_add(ud, row);
}

static int unresolved(const char *href, void *ud)
{
	(void)ud;
	fprintf(stderr, "%s: warning: import '%s' names no imported catalogue, ignoring\n",
		cli_prog, href);
	return 0;
}

/* A profile's controls: those it selects from the catalogues imported. */
static int show_selected(struct cli *c, const char *name)
{
	static const char *const cols[] = {"catalogue", "id", "title"};
	struct out_table t;
	int r = out_table_init(&t, 3);

	for (size_t k = 0; r >= 0 && k < 3; k++)
		r = out_table_set_col(&t, k, cols[k], OT_TEXT);
	if (r >= 0)
		r = isms_catalogue_resolve(c->store, name, selected_row, unresolved, &t);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

static int map_row(const char *source, const char *relationship, const char *target, void *ud)
{
	const char *row[3] = {source, relationship, target};

	return out_table_add(ud, row);
}

/* A mapping's entries: the controls of one catalogue against another's. */
static int show_maps(struct cli *c, const char *name)
{
	static const char *const cols[] = {"source", "relationship", "target"};
	struct out_table t;
	int r = out_table_init(&t, 3);

	for (size_t k = 0; r >= 0 && k < 3; k++)
		r = out_table_set_col(&t, k, cols[k], OT_TEXT);
	if (r >= 0)
		r = isms_catalogue_maps(c->store, name, map_row, &t);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

static int kind_cb(const struct isms_catalogue_info *i, void *ud)
{
	*(char *)ud = i->kind[0]; /* catalog, profile, mapping */
	return 0;
}

static int show(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *id = NULL;
	bool controls = false;
	const struct cli_opt opts[] = {CLI_OPT("--control", &id), CLI_FLAG("--controls", &controls),
				       CLI_OPT_END};
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl catalogue show NAME [--controls | --control ID]\n\n"
	     "The imported document NAME: its kind, title, version, uuid, SHA-256 and\n"
	     "counts.  --controls lists its controls in document order (id, title,\n"
	     "class, group; --all and --json every field), or for a profile the\n"
	     "controls it selects from the catalogues imported so far (found by the\n"
	     "file name its import names, or by uuid; a warning names each import that\n"
	     "finds none), or for a mapping its entries (source, relationship,\n"
	     "target).  --control ID shows one with its group, parent, statement,\n"
	     "guidance, the BSI's sec_level, effort_level, modal_verb and\n"
	     "target_object_categories, and every property with where it was given\n"
	     "(on the control or its statement).\n");
	if (argc > 1 && argv[1][0] != '-')
		name = argv[1];
	if (!name)
		return cli_usage("catalogue show", "'show' needs a NAME");
	code = cli_opts("catalogue show", argc, argv, 2, opts);
	if (code)
		return code;
	if (controls && id)
		return cli_usage("catalogue show", "--controls and --control exclude each other");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	if (!controls && !id) {
		r = info_table(&t, INFO_COLS);
		if (r >= 0)
			r = isms_catalogue_get(c->store, name, info_row, &t);
		if (r >= 0)
			r = out_print_record(stdout, c->fmt, &t, 0);
		out_table_release(&t);
		return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
	}
	if (controls) {
		char kind = 0;

		r = isms_catalogue_get(c->store, name, kind_cb, &kind);
		if (r < 0)
			return cli_store_fail(c, r);
		if (kind == 'p')
			return show_selected(c, name);
		if (kind == 'm')
			return show_maps(c, name);
	}
	{
		size_t ncols = id || c->all || c->fmt != OUT_TABLE ? 14 : CONTROL_BRIEF;

		r = out_table_init(&t, ncols);
		for (size_t k = 0; r >= 0 && k < ncols; k++)
			r = out_table_set_col(&t, k, control_cols[k], OT_TEXT);
	}
	if (r >= 0)
		r = isms_catalogue_controls(c->store, name, id, control_row, &t);
	if (r >= 0)
		r = id ? control_print(&t, c->fmt) : out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

int cmd_catalogue(struct cli *c, int argc, char **argv)
{
	HELP(argc < 3 ? argc : 2, argv,
	     "Usage: ismsctl catalogue import FILE [--name NAME] [--replace]\n"
	     "       ismsctl catalogue list\n"
	     "       ismsctl catalogue show NAME [--controls | --control ID]\n\n"
	     "OSCAL catalogues, profiles and mappings (the BSI's Grundschutz++) in the\n"
	     "store by name, as reference text beside the Annex A register.\n"
	     "'ismsctl catalogue SUBCOMMAND --help' describes each.\n");
	if (argc < 2)
		return cli_usage("catalogue", "catalogue takes 'import', 'list' or 'show'");
	if (strcmp(argv[1], "import") == 0)
		return import(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return show(c, argc - 1, argv + 1);
	return cli_usage("catalogue", "unknown subcommand '%s' (import, list, show)", argv[1]);
}
