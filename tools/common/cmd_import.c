/* SPDX-License-Identifier: GPL-2.0-or-later */
/* import and export: a store's registers as one JSON document. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "isms/catalogue.h"
#include "isms/entity.h"
#include "isms/incident.h"
#include "isms/risk.h"
#include "isms/soa.h"
#include "isms/suggest.h"

#define IMPORT_FILE_MAX (64u << 20)

struct import_progress {
	bool tty, shown;
	size_t done;
	time_t last;
};

/* On a terminal, the count once a second; elsewhere only the total at the end. */
static void import_progress(size_t done, size_t total, void *userdata)
{
	struct import_progress *p = userdata;
	time_t now;

	p->done = done;
	if (!p->tty || (done % 256 != 0 && done != total))
		return;
	now = time(NULL);
	if (now == p->last && done != total)
		return;
	p->last = now;
	p->shown = true;
	fprintf(stderr, "\r%s: importing: %zu of %zu records", cli_prog, done, total);
}

/* The record type named by --type, singular or plural; NULL with the message given. */
static const struct isms_entity *csv_entity(const struct cli *c, const char *name)
{
	char hint[96];
	struct isms_suggest sg;

	isms_suggest_init(&sg, name);
	for (size_t i = 0; c->schema->entities[i]; i++) {
		const struct isms_entity *e = c->schema->entities[i];

		if (e->flags & ISMS_EF_READONLY)
			continue;
		if (strcmp(e->name, name) == 0 || strcmp(e->plural, name) == 0)
			return e;
		isms_suggest_add(&sg, e->name);
	}
	cli_usage("import", "--type: '%s' is not a record type that can be imported%s", name,
		  cli_suggest_suffix(isms_suggest_best(&sg), "", hint, sizeof(hint)));
	return NULL;
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	struct import_progress prog = {0};
	struct isms_import_counts counts = {0};
	const struct isms_entity *ce = NULL;
	const char *csv_type = NULL, *file = NULL;
	char *buf = NULL, *err = NULL;
	bool update = false;
	size_t len = 0;
	int r, code;

	if (argc == 2 && cli_is_help(argv[1])) {
		printf("Usage: %s import [--update] [--type TYPE] FILE\n\n"
		       "Load a JSON document into the store in one transaction: all of it, or\n"
		       "nothing when any entry is wrong.  Sections are named after the record\n"
		       "types (",
		       cli_prog);
		for (size_t i = 0; c->schema->entities[i]; i++)
			if (!(c->schema->entities[i]->flags & ISMS_EF_READONLY))
				printf("%s%s", i ? ", " : "", c->schema->entities[i]->name);
		printf("),\neach an array of objects whose members are fields.  Computed fields, as\n"
		       "in an export, are ignored.  '-' reads stdin.\n");
		if (c->schema == &isms_schema_main)
			printf("'settings' is an object, 'matrix' a risk matrix (see 'ismsctl matrix'),\n"
			       "'" ISMS_INCIDENT_EVENTS "' the events of incidents' timelines, '" ISMS_SOA_VERSIONS "'\n"
			       "the SoA versions (each snapshot rechecked against its SHA-256).\n"
			       "Controls are changed (they come from the catalogue), the rest added.\n");
		printf("\n"
		       "  --update    upsert by key: a record whose key is in the store is changed\n"
		       "              where it differs, one identical is left alone, the others\n"
		       "              added (an export edited and imported again round-trips)\n"
		       "  --type TYPE FILE is CSV of one record type (asset, risk, person,\n"
		       "              control...) with the columns of its CSV export\n"
		       "              ('%s TYPE list --csv'); empty cells are no value\n",
		       cli_prog);
		return EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--update") == 0) {
			update = true;
		} else if ((v = cli_opt_value(argc, argv, &i, "--type"))) {
			csv_type = v;
		} else if (strcmp(argv[i], "--type") == 0) {
			return cli_usage("import", "--type needs a record type");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage("import", "unknown option '%s'", argv[i]);
		} else if (file) {
			return cli_usage("import", "import takes one file");
		} else {
			file = argv[i];
		}
	}
	if (!file)
		return cli_usage("import", "import takes one file");
	if (csv_type && !(ce = csv_entity(c, csv_type)))
		return EXIT_USAGE;
	if (strcmp(file, "-") == 0) {
		size_t cap = 0;

		for (;;) {
			if (len + 4096 + 1 > cap) {
				char *nb;

				cap = cap ? cap * 2 : 65536;
				if (cap > IMPORT_FILE_MAX + 1) {
					free(buf);
					return cli_fail(-EFBIG, "import larger than %u bytes", IMPORT_FILE_MAX);
				}
				nb = realloc(buf, cap);
				if (!nb) {
					free(buf);
					return cli_fail(-ENOMEM, "out of memory");
				}
				buf = nb;
			}
			size_t got = fread(buf + len, 1, cap - len - 1, stdin);
			len += got;
			if (got == 0)
				break;
		}
		if (buf)
			buf[len] = '\0';
		r = buf ? 0 : -ENODATA;
	} else {
		r = isms_read_file(file, IMPORT_FILE_MAX, &buf, &len);
	}
	if (r < 0)
		return cli_fail(r, "cannot read '%s': %s", file, strerror(-r));
	code = -cli_open(c, true, false);
	if (code)
		goto out;
	prog.tty = isatty(STDERR_FILENO);
	if (ce)
		r = isms_import_csv(c->store, ce->name, buf, len, update ? ISMS_IMPORT_UPDATE : 0,
				    import_progress, &prog, &counts, &err);
	else
		r = isms_import_json_ext(c->store, buf, len, update ? ISMS_IMPORT_UPDATE : 0,
					 import_progress, &prog, &counts, &err);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		code = cli_fail(r, "%s: %s; nothing was imported", file, err ? err : strerror(-r));
		goto out;
	}
	if (!c->quiet && update)
		printf("imported '%s': %zu record%s: %zu added, %zu changed, %zu unchanged\n", file,
		       prog.done, prog.done == 1 ? "" : "s", counts.added, counts.changed,
		       counts.unchanged);
	else if (!c->quiet)
		printf("imported '%s': %zu record%s\n", file, prog.done, prog.done == 1 ? "" : "s");
	code = EXIT_OK;
out:
	free(err);
	free(buf);
	return code;
}

struct export_ctx {
	struct json_object *arr;
	bool catalogue;
};

static int export_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct export_ctx *x = userdata;
	struct json_object *o = json_object_new_object();
	bool touched = false;

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct isms_field *f = &e->fields[i];

		if ((f->flags & ISMS_FF_COMPUTED) || !values[i])
			continue;
		if (x->catalogue && (f->flags & ISMS_FF_FIXED))
			continue;
		/* A catalogue row still at its defaults is not worth exporting. */
		if (x->catalogue && i > 0 && !(f->dflt && strcmp(f->dflt, values[i]) == 0))
			touched = true;
		json_object_object_add(o, f->name, f->type == ISMS_FT_REFS ?
							   out_json_list(values[i]) :
							   json_object_new_string(values[i]));
	}
	if (x->catalogue && !touched) {
		json_object_put(o);
		return 0;
	}
	return json_object_array_add(x->arr, o) == 0 ? 0 : -ENOMEM;
}

/* What the matrix's values mean, those defined: "matrix_definitions" (none: no member). */
static int export_definitions(struct cli *c, const struct isms_risk_matrix *m,
			      struct json_object *root)
{
	static const char *const kinds[] = {"likelihood", "impact", "level"};
	struct isms_risk_definitions d;
	struct json_object *o;
	bool any = false;
	int r;

	/* A DPMS store has no risk matrix */
	if (c->schema != &isms_schema_main)
		return 0;
	r = isms_risk_definitions_load(c->store, &d);
	if (r < 0)
		return r;
	o = json_object_new_object();
	for (int w = 0; o && w < 3; w++) {
		const int n = w == 0 ? m->nlikelihood : w == 1 ? m->nimpact : m->nlevels;
		struct json_object *k = json_object_new_object();

		for (int i = 0; k && i < n; i++) {
			const char *label = w == 0 ? m->likelihood[i] : w == 1 ? m->impact[i] : m->level[i];

			if (!d.text[w][i])
				continue;
			json_object_object_add(k, label, json_object_new_string(d.text[w][i]));
			any = true;
		}
		json_object_object_add(o, kinds[w], k);
	}
	isms_risk_definitions_release(&d);
	if (any)
		json_object_object_add(root, "matrix_definitions", o);
	else
		json_object_put(o);
	return 0;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	struct json_object *root;
	static const char *const settings[] = {"organisation", "budget", "protection.high",
					       "protection.very_high", NULL};
	int r = 0, code;

	if (argc == 2 && cli_is_help(argv[1])) {
		printf("Usage: ismsctl export\n\n"
		       "Print the whole register (not the evidence) as one JSON document that\n"
		       "'ismsctl import' loads into a fresh store.\n");
		return EXIT_OK;
	}
	if (argc != 1)
		return cli_usage("export", "export takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	root = json_object_new_object();
	if (!root)
		return cli_fail(-ENOMEM, "out of memory");
	{
		struct json_object *so = json_object_new_object();

		for (size_t i = 0; settings[i]; i++) {
			char *v = NULL;

			if (isms_setting_get(c->store, settings[i], &v) == 0) {
				/* budget is kept in cents */
				if (strcmp(settings[i], "budget") == 0) {
					char buf[64];
					long long cents = atoll(v);

					snprintf(buf, sizeof(buf), "%lld.%02lld", cents / 100, cents % 100);
					json_object_object_add(so, settings[i], json_object_new_string(buf));
				} else {
					json_object_object_add(so, settings[i], json_object_new_string(v));
				}
			}
			free(v);
		}
		json_object_object_add(root, "settings", so);
	}
	{
		struct isms_risk_matrix m;

		r = isms_risk_matrix_load(c->store, &m);
		if (r < 0) {
			json_object_put(root);
			return cli_store_fail(c, r);
		}
		json_object_object_add(root, "matrix", isms_risk_matrix_to_json(&m));
		r = export_definitions(c, &m, root);
		if (r < 0) {
			json_object_put(root);
			return cli_store_fail(c, r);
		}
	}
	for (size_t i = 0; c->schema->entities[i] && r >= 0; i++) {
		const struct isms_entity *e = c->schema->entities[i];
		struct export_ctx x = {json_object_new_array(), e->flags & ISMS_EF_CATALOGUE};

		if (e->flags & ISMS_EF_READONLY || strcmp(e->name, "threat") == 0) {
			json_object_put(x.arr);
			if (strcmp(e->name, "threat") != 0)
				continue;
			/* Own threats only: the BSI ones come with init. */
			struct isms_kv f = {"source", "custom"};
			x.arr = json_object_new_array();
			r = isms_record_list(c->store, e, &f, 1, export_cb, &x);
		} else {
			r = isms_record_list(c->store, e, NULL, 0, export_cb, &x);
		}
		json_object_object_add(root, e->name, x.arr);
	}
	if (r >= 0 && c->schema == &isms_schema_main) {
		struct json_object *ev = NULL;

		r = isms_incident_events_export(c->store, &ev);
		if (r >= 0)
			json_object_object_add(root, ISMS_INCIDENT_EVENTS, ev);
		if (r >= 0)
			r = isms_soa_versions_export(c->store, &ev);
		if (r >= 0)
			json_object_object_add(root, ISMS_SOA_VERSIONS, ev);
	}
	if (r < 0) {
		json_object_put(root);
		return cli_store_fail(c, r);
	}
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return EXIT_OK;
}
