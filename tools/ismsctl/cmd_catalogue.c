/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl catalogue: OSCAL catalogues, profiles and mappings imported by name, and read back. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

#define WITH_MAX 64 /* --with files, and documents of one import */

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Read @path into doc @d under the name derived from it: 0, or an exit code. */
static int read_doc(const char *path, struct isms_catalogue_doc *d, char *name)
{
	char *buf = NULL;
	size_t len = 0;
	int r = isms_read_file(path, ISMS_OSCAL_BYTES_MAX, &buf, &len);

	if (r < 0)
		return cli_fail(r, "cannot read '%s': %s", path, strerror(-r));
	name_from_file(path, name);
	*d = (struct isms_catalogue_doc){name, path, buf, len, true};
	return 0;
}

/* @dir (the first @dirlen bytes of a path) and @name, if that file is readable: malloc'd. */
static char *readable(const char *dir, int dirlen, const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%.*s%s", dirlen, dir, name) < 0)
		return NULL;
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

/*
 * Where the file a profile imports by @href is (malloc'd): @href taken from
 * the profile's directory, the file of that name beside the profile, or a
 * --with file of that name.  NULL when none is readable.
 */
static char *find_import(const char *profile, const char *href, char *const *with,
			 size_t n_with, bool *used)
{
	const char *base = base_of(href);
	int dir = (int)(base_of(profile) - profile);
	char *at = NULL;

	if (href[0] != '/' && !strstr(href, "://"))
		at = readable(profile, dir, href);
	if (!at)
		at = readable(profile, dir, base);
	for (size_t i = 0; !at && i < n_with; i++)
		if (strcmp(base_of(with[i]), base) == 0) {
			used[i] = true;
			at = strdup(with[i]);
		}
	return at;
}

/*
 * The catalogues profile docs[0] imports that are not in the store, found
 * beside it or among @with, appended to @docs; each import found nowhere
 * is a warning (OSCAL lets a profile come before its catalogues).
 */
static int find_imports(struct cli *c, struct isms_catalogue_doc *docs, size_t *n,
			char names[][ISMS_CATALOGUE_NAME_MAX + 1], char **paths, char *const *with,
			size_t n_with)
{
	bool used[WITH_MAX] = {false};
	char **files = NULL;
	size_t n_files = 0;
	int code = 0, r;

	r = isms_catalogue_profile_files(docs[0].buf, docs[0].len, &files, &n_files);
	if (r < 0)
		return 0; /* the import says what is wrong with it */
	for (size_t i = 0; !code && i < n_files; i++) {
		const char *base = base_of(files[i]);
		char *have = NULL, *at;
		bool dup = false;

		for (size_t j = 1; j < *n; j++)
			dup = dup || strcmp(base_of(docs[j].file), base) == 0;
		r = dup ? 0 : isms_catalogue_by_file(c->store, base, &have);
		if (r < 0) {
			code = cli_store_fail(c, r);
			break;
		}
		free(have);
		if (r == 1 || dup)
			continue;
		at = find_import(docs[0].file, files[i], with, n_with, used);
		if (!at) {
			cli_warn("import '%s': no '%s' beside '%s', given with --with or imported;"
				 " its controls are missing until it is imported",
				 files[i], base, docs[0].file);
			continue;
		}
		if (*n >= WITH_MAX) {
			free(at);
			code = cli_usage("catalogue import", "a profile imports at most %d files here",
					 WITH_MAX - 1);
			break;
		}
		paths[*n] = at;
		code = read_doc(at, &docs[*n], names[*n]);
		if (!code)
			(*n)++;
	}
	for (size_t i = 0; !code && i < n_with; i++)
		if (!used[i])
			cli_warn("'%s' is not a file the profile imports, ignoring", with[i]);
	isms_catalogue_files_free(files, n_files);
	return code;
}

static int import(struct cli *c, int argc, char **argv)
{
	const char *name = NULL;
	bool replace = false;
	struct isms_catalogue_counts n[WITH_MAX];
	struct isms_catalogue_doc docs[WITH_MAX] = {{0}};
	char names[WITH_MAX][ISMS_CATALOGUE_NAME_MAX + 1];
	char *paths[WITH_MAX] = {NULL};
	char *with[WITH_MAX];
	size_t n_with = 0, n_docs = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl catalogue import FILE [--name NAME] [--replace] [--with FILE...]\n\n"
	     "Import the OSCAL catalog, profile or mapping-collection in FILE (JSON,\n"
	     "OSCAL 1.x, such as the BSI's Grundschutz++) as NAME (default: the file's\n"
	     "name without '.json' and without characters other than letters, digits,\n"
	     "'.', '_' and '-').  All or nothing: a malformed document changes nothing.\n"
	     "A NAME imported already is refused unless --replace.  An evidence row of\n"
	     "kind catalogue.imported carries the file's SHA-256 and the counts.\n"
	     "A profile comes with the catalogues it imports that are not in the store\n"
	     "yet, in the same transaction, each under the name derived from its file:\n"
	     "a file its import names is looked for as the import names it (from the\n"
	     "profile's directory), then by its name beside the profile and among the\n"
	     "--with files (given once each, or repeated).  An import found nowhere is a\n"
	     "warning, not an error: 'catalogue show' lists it until it is imported.\n");
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage("catalogue import", "'import' needs a FILE");
	for (int i = 2; i < argc; i++) {
		const char *v;

		if ((v = cli_opt_value(argc, argv, &i, "--name"))) {
			name = v;
		} else if ((v = cli_opt_value(argc, argv, &i, "--with"))) {
			if (n_with >= WITH_MAX)
				return cli_usage("catalogue import", "at most %d --with files",
						 WITH_MAX);
			with[n_with++] = (char *)v;
		} else if (strcmp(argv[i], "--replace") == 0) {
			replace = true;
		} else {
			return cli_usage("catalogue import", "unknown argument '%s'", argv[i]);
		}
	}
	code = read_doc(argv[1], &docs[0], names[0]);
	if (code)
		return code;
	n_docs = 1;
	if (name)
		docs[0].name = name;
	else if (!names[0][0])
		code = cli_usage("catalogue import",
				 "no name can be derived from '%s': give --name NAME", argv[1]);
	if (!code)
		code = -cli_open(c, true, false);
	if (!code)
		code = find_imports(c, docs, &n_docs, names, paths, with, n_with);
	if (code)
		goto out;
	r = isms_catalogue_import_all(c->store, docs, n_docs, replace, (int64_t)time(NULL), n);
	if (r < 0) {
		code = cli_store_fail(c, r);
		goto out;
	}
	for (size_t i = 0; !c->quiet && i < n_docs; i++)
		printf("%s '%s' imported: %zu groups, %zu controls, %zu imports, %zu maps\n",
		       "catalogue", docs[i].name, n[i].groups, n[i].controls, n[i].imports,
		       n[i].maps);
	code = EXIT_OK;
out:
	for (size_t i = 0; i < n_docs; i++)
		free((char *)docs[i].buf);
	for (size_t i = 0; i < WITH_MAX; i++)
		free(paths[i]);
	return code;
}

static const char *const info_cols[] = {"name", "kind", "title", "version", "controls",
					"missing", "imported_at", "uuid", "oscal_version",
					"sha256", "imported_by", "groups", "imports", "maps",
					"file"};
#define INFO_COLS  15
#define INFO_BRIEF 7 /* the columns of a list without --all */

static int info_row(const struct isms_catalogue_info *i, void *ud)
{
	char num[5][24];
	const char *row[INFO_COLS];

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)i->controls);
	snprintf(num[1], sizeof(num[1]), "%lld", (long long)i->groups);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)i->imports);
	snprintf(num[3], sizeof(num[3]), "%lld", (long long)i->maps);
	snprintf(num[4], sizeof(num[4]), "%lld", (long long)i->missing);
	row[0] = i->name;
	row[1] = i->kind;
	row[2] = i->title;
	row[3] = i->version;
	row[4] = num[0];
	row[5] = num[4];
	row[6] = i->imported_at;
	row[7] = i->uuid;
	row[8] = i->oscal_version;
	row[9] = i->sha256;
	row[10] = i->imported_by;
	row[11] = num[1];
	row[12] = num[2];
	row[13] = num[3];
	row[14] = i->file;
	return out_table_add(ud, row);
}

static int info_table(struct out_table *t, size_t ncols)
{
	int r = out_table_init(t, ncols);

	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(t, k, info_cols[k],
				      k == 4 || k == 5 || k >= 11 ? OT_INT : OT_TEXT);
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
	     "title, version, number of controls (for a profile, those it selects from\n"
	     "the catalogues in the store), missing (the profile's imports that name no\n"
	     "catalogue in the store) and when they were imported (--all and\n"
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
	cli_warn("import '%s' names no imported catalogue, ignoring", href);
	return 0;
}

static int ignore_selected(const char *catalogue, const char *id, const char *title, void *ud)
{
	(void)catalogue;
	(void)id;
	(void)title;
	(void)ud;
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

static const char *const link_cols[] = {"source",	    "source_title",	"relationship",
					"target",	    "target_title",	"mapping",
					"source_catalogue", "target_catalogue"};
#define LINK_COLS  8
#define LINK_BRIEF 5 /* without --all: the two sides and how they relate */

static int link_row(const struct isms_catalogue_link *l, void *ud)
{
	const char *row[LINK_COLS] = {l->source_id,	   l->source_title, l->relationship,
				      l->target_id,	   l->target_title, l->mapping,
				      l->source_catalogue, l->target_catalogue};

	return out_table_add(ud, row);
}

/* Mapping entries with the titles of the controls on both sides, from the catalogues imported. */
static int show_links(struct cli *c, const char *mapping, const char *id, const char *catalogue)
{
	size_t ncols = c->all || c->fmt != OUT_TABLE ? LINK_COLS : LINK_BRIEF;
	struct out_table t;
	int r = out_table_init(&t, ncols);

	for (size_t k = 0; r >= 0 && k < ncols; k++)
		r = out_table_set_col(&t, k, link_cols[k], OT_TEXT);
	if (r >= 0)
		r = isms_catalogue_links(c->store, mapping, id, catalogue, link_row, &t);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

/* A mapping's entries: the controls of one catalogue against another's. */
static int show_maps(struct cli *c, const char *name)
{
	return show_links(c, name, NULL, NULL);
}

static int map(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *catalogue = NULL, *mapping = NULL;
	const struct cli_opt opts[] = {CLI_OPT("--catalogue", &catalogue),
				       CLI_OPT("--mapping", &mapping), CLI_OPT_END};
	int code;

	HELP(argc, argv,
	     "Usage: ismsctl catalogue map ID [--catalogue NAME] [--mapping NAME]\n\n"
	     "The entries of the imported mappings that name control ID as source or\n"
	     "target: source, its title, relationship, target and its title, the titles\n"
	     "from the catalogues each side names (ISO27001-AnnexA, which init stores,\n"
	     "for the BSI's ISO -> Grundschutz++ mapping): for Annex A 5.1 the\n"
	     "Grundschutz++ requirements it maps to, for one of those the Annex A\n"
	     "controls that map to it.  --catalogue takes ID only on the side of\n"
	     "catalogue NAME, --mapping only the entries of mapping NAME; --all and\n"
	     "--json add the mapping and both sides' catalogues.\n");
	if (argc > 1 && argv[1][0] != '-')
		id = argv[1];
	if (!id)
		return cli_usage("catalogue map", "'map' needs a control ID");
	code = cli_opts("catalogue map", argc, argv, 2, opts);
	if (code)
		return code;
	code = -cli_open(c, false, false);
	if (code)
		return code;
	return show_links(c, mapping, id, catalogue);
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
	     "counts (for a profile, a warning names each import missing from the\n"
	     "store).  --controls lists its controls in document order (id, title,\n"
	     "class, group; --all and --json every field), or for a profile the\n"
	     "controls it selects from the catalogues imported so far (found by the\n"
	     "file name its import names, or by uuid; a warning names each import that\n"
	     "finds none), or for a mapping its entries (source, its title,\n"
	     "relationship, target, its title).  --control ID shows one with its\n"
	     "group, parent, statement, guidance, the BSI's sec_level, effort_level,\n"
	     "modal_verb and\n"
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
		char kind = 0;

		r = info_table(&t, INFO_COLS);
		if (r >= 0)
			r = isms_catalogue_get(c->store, name, info_row, &t);
		if (r >= 0)
			r = isms_catalogue_get(c->store, name, kind_cb, &kind);
		if (r >= 0 && kind == 'p')
			r = isms_catalogue_resolve(c->store, name, ignore_selected, unresolved, NULL);
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
	     "Usage: ismsctl catalogue import FILE [--name NAME] [--replace] [--with FILE...]\n"
	     "       ismsctl catalogue list\n"
	     "       ismsctl catalogue show NAME [--controls | --control ID]\n"
	     "       ismsctl catalogue map ID [--catalogue NAME] [--mapping NAME]\n\n"
	     "OSCAL catalogues, profiles and mappings (the BSI's Grundschutz++) in the\n"
	     "store by name, as reference text beside the Annex A register.\n"
	     "'ismsctl catalogue SUBCOMMAND --help' describes each.\n");
	if (argc < 2)
		return cli_usage("catalogue", "catalogue takes 'import', 'list', 'show' or 'map'");
	if (strcmp(argv[1], "import") == 0)
		return import(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return show(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "map") == 0)
		return map(c, argc - 1, argv + 1);
	return cli_usage("catalogue", "unknown subcommand '%s' (import, list, show, map)", argv[1]);
}
