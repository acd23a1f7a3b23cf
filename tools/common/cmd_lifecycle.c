/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The evidence lifecycle on any store: retention periods, archives of the
 * chain's oldest rows, and archives checked alone.  Shared by ismsctl and
 * dpmsctl ('evidence retention', 'evidence archive', 'archive verify').
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cli.h"
#include "isms/archive.h"
#include "isms/date.h"

static int paths_add(struct cli_paths *ps, const char *p)
{
	char **v = realloc(ps->v, (ps->n + 1) * sizeof(*v));

	if (!v)
		return cli_fail(-ENOMEM, "out of memory");
	ps->v = v;
	v[ps->n] = strdup(p);
	if (!v[ps->n])
		return cli_fail(-ENOMEM, "out of memory");
	ps->n++;
	return 0;
}

/* --archive FILE, or a directory: each file in it not ending in .tmp. */
int cli_archives_read(struct cli_paths *ps, const char *arg)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	int code = 0;

	if (stat(arg, &st) < 0)
		return cli_fail(-errno, "--archive: cannot read '%s': %s", arg, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return paths_add(ps, arg);
	dir = opendir(arg);
	if (!dir)
		return cli_fail(-errno, "--archive: cannot read '%s': %s", arg, strerror(errno));
	while (!code && (d = readdir(dir))) {
		char p[4096];
		size_t n = strlen(d->d_name);

		if (d->d_name[0] == '.' || (n > 4 && strcmp(d->d_name + n - 4, ".tmp") == 0))
			continue;
		snprintf(p, sizeof(p), "%s/%s", arg, d->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			code = paths_add(ps, p);
	}
	closedir(dir);
	return code;
}

void cli_paths_release(struct cli_paths *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i]);
	free(ps->v);
}

/* An anchor of an archived row, against the archive holding it. */
int cli_anchor_in_archives(const struct cli_paths *ps, const struct isms_anchor *a, char *reason,
			      size_t len)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct isms_archive_info h;
		char hash[ISMS_HASH_HEX] = "", why[256];

		if (isms_archive_check(ps->v[i], &h, a->row, hash, why, sizeof(why)) < 0 ||
		    a->row < h.first || a->row > h.last)
			continue;
		if (strcmp(h.store, a->store) != 0) {
			snprintf(reason, len, "the anchor names store %s, the archive of row %" PRId64
				 " is of store %s", a->store, a->row, h.store);
			return -EBADMSG;
		}
		if (strcmp(hash, a->hash) != 0) {
			snprintf(reason, len,
				 "row %" PRId64 " in archive '%.100s' does not have the hash anchored %s:"
				 " the chain was rewritten", a->row, ps->v[i], a->time);
			return -EBADMSG;
		}
		return 0;
	}
	return -EBADMSG; /* the reason of isms_anchor_check() stands: no archive holds it */
}

static int print_period(const char *pattern, int64_t days, void *ud)
{
	struct out_table *t = ud;
	char d[24];
	const char *row[2] = {pattern, d};

	snprintf(d, sizeof(d), "%" PRId64, days);
	return out_table_add(t, row);
}

static int retention(struct cli *c, int argc, char **argv)
{
	int64_t days;
	int r, code;

	HELP(argc, argv,
	     "Usage: evidence retention list\n"
	     "       evidence retention set PATTERN PERIOD\n"
	     "       evidence retention remove PATTERN\n\n"
	     "How long evidence of each kind stays in the store before 'evidence archive'\n"
	     "(without --before) moves it to an archive file.  PATTERN is a glob over\n"
	     "evidence kinds ('pam.*', 'file.*', 'access.*'); where several match a kind,\n"
	     "the longest wins.  PERIOD is N followed by d, w, m (30 days) or y (365 days).\n"
	     "Kinds no pattern matches are never archived by retention.  No periods are\n"
	     "set by default.\n");
	if (argc == 3 && strcmp(argv[2], "list") == 0) {
		struct out_table t;

		code = -cli_open(c, false, false);
		if (code)
			return code;
		r = out_table_init(&t, 2);
		if (r >= 0)
			r = out_table_set_col(&t, 0, "pattern", OT_TEXT);
		if (r >= 0)
			r = out_table_set_col(&t, 1, "days", OT_INT);
		if (r >= 0)
			r = isms_retention_list(c->store, print_period, &t);
		if (r >= 0)
			r = out_print(stdout, c->fmt, &t);
		out_table_release(&t);
		return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
	}
	if (argc == 5 && strcmp(argv[2], "set") == 0) {
		if (isms_retention_parse(argv[4], &days) < 0)
			return cli_usage("evidence retention", "'%s' is not a period (90d, 6m, 1y)",
					 argv[4]);
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_retention_set(c->store, argv[3], days);
		if (r < 0)
			return cli_store_fail(c, r);
		if (!c->quiet)
			printf("evidence of kinds '%s' is kept %" PRId64 " days\n", argv[3], days);
		return EXIT_OK;
	}
	if (argc == 4 && strcmp(argv[2], "remove") == 0) {
		code = -cli_open(c, true, false);
		if (code)
			return code;
		r = isms_retention_remove(c->store, argv[3]);
		return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
	}
	return cli_usage("evidence retention", "needs list, set PATTERN PERIOD or remove PATTERN");
}

/* --before: a date (midnight UTC) or a time with a zone, into seconds. */
static int parse_before(const char *v, int64_t *ret)
{
	char buf[40];

	if (isms_date_valid(v)) {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", v);
		v = buf;
	}
	return isms_date_parse(v, ret, NULL);
}

static int archive(struct cli *c, int argc, char **argv)
{
	struct isms_archive_result res;
	const char *to = NULL, *when = NULL;
	int64_t before = -1;
	int r, code;

	HELP(argc, argv,
	     "Usage: evidence archive --to FILE [--before DATE]\n\n"
	     "Move the oldest rows of the evidence chain into FILE, a compressed archive\n"
	     "that carries the rows, the hash its first row chains to, its last hash, its\n"
	     "row count and the store's id, then remove them from the store, which keeps\n"
	     "the link (the last archived row and its hash) and records the archive as\n"
	     "evidence.  The rows go from the oldest up to the first row that is not old\n"
	     "enough: with --before, whose ts is not before DATE (YYYY-MM-DD: midnight\n"
	     "UTC, or a time with a zone); without, whose kind has no retention period\n"
	     "or is younger than it (see 'evidence retention').  The chain is verified\n"
	     "first, and the file written, read back and synced before any row goes.  A\n"
	     "run interrupted after writing FILE is completed by running it again.\n"
	     "Check with 'verify --archive FILE' and 'archive verify FILE'.\n");
	code = cli_opts("evidence archive", argc, argv, 2,
			(const struct cli_opt[]){CLI_OPT("--to", &to), CLI_OPT("--before", &when), CLI_OPT_END});
	if (code)
		return code;
	if (when && parse_before(when, &before) < 0)
		return cli_usage("evidence archive", "--before '%s' is not a date", when);
	if (!to)
		return cli_usage("evidence archive", "needs --to FILE");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_archive_create(c->store, before, to, &res);
	if (r == -EBADMSG) {
		fprintf(stderr, "%s: %s\n", cli_prog, isms_store_errmsg(c->store));
		return EXIT_TAMPERED;
	}
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "rows", json_object_new_int64(res.info.rows));
		json_object_object_add(o, "first", json_object_new_int64(res.info.first));
		json_object_object_add(o, "last", json_object_new_int64(res.info.last));
		if (res.info.rows) {
			json_object_object_add(o, "file", json_object_new_string(to));
			json_object_object_add(o, "sha256", json_object_new_string(res.sha256));
			json_object_object_add(o, "last_hash",
					       json_object_new_string(res.info.last_hash));
		}
		json_object_object_add(o, "completed", json_object_new_boolean(res.completed));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else if (res.info.rows == 0) {
		if (!c->quiet)
			printf("nothing to archive: no evidence old enough; no file written\n");
	} else if (!c->quiet) {
		printf("%s rows %" PRId64 " to %" PRId64 " (%" PRId64 ") into '%s' (sha256 %s)\n",
		       res.completed ? "completed the archive of" : "archived", res.info.first,
		       res.info.last, res.info.rows, to, res.sha256);
	}
	return EXIT_OK;
}

static int pseudonymise(struct cli *c, int argc, char **argv)
{
	const char *when = NULL;
	int64_t before = -1, n = 0;
	int r, code;

	HELP(argc, argv,
	     "Usage: evidence pseudonymise --before DATE\n\n"
	     "Pseudonymise the evidence stored before DATE (YYYY-MM-DD: midnight UTC, or a\n"
	     "time with a zone): each row's subject becomes a pseudonym ('~' and 16 hex\n"
	     "digits, different in every row) and its details (addresses, paths, raw\n"
	     "records) are removed.  The chain commits to the salted digests of these\n"
	     "fields, not their text, so verify still passes; every other field stays\n"
	     "under the hash.  Rows stored before schema 6 (row format 1) are left as\n"
	     "they are.  Cannot be undone; archive first to keep the full rows.\n");
	code = cli_opts("evidence pseudonymise", argc, argv, 2,
			(const struct cli_opt[]){CLI_OPT("--before", &when), CLI_OPT_END});
	if (code)
		return code;
	if (when && parse_before(when, &before) < 0)
		return cli_usage("evidence pseudonymise", "--before '%s' is not a date", when);
	if (before < 0)
		return cli_usage("evidence pseudonymise", "needs --before DATE");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_evidence_pseudonymise(c->store, before, &n);
	if (r == -EBADMSG) {
		fprintf(stderr, "%s: %s\n", cli_prog, isms_store_errmsg(c->store));
		return EXIT_TAMPERED;
	}
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"pseudonymised\": %" PRId64 "}\n", n);
	else if (!c->quiet)
		printf("%" PRId64 " evidence row%s pseudonymised\n", n, n == 1 ? "" : "s");
	return EXIT_OK;
}

int cmd_evidence_lifecycle(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "pseudonymise") == 0)
		return pseudonymise(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "retention") == 0)
		return retention(c, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "archive") == 0)
		return archive(c, argc, argv);
	return -1;
}

int cmd_archive(struct cli *c, int argc, char **argv)
{
	struct isms_archive_set set;
	char reason[512];
	int r;

	(void)c;
	HELP(argc, argv,
	     "Usage: archive verify FILE...\n\n"
	     "Check evidence archives without a store: each one's rows chain from the hash\n"
	     "it starts from and match their hashes, its header matches its rows, and the\n"
	     "archives given follow one another without gap or overlap, all of one store.\n"
	     "Exit 0 when they hold, 9 naming the archive and the problem.  With the store,\n"
	     "use 'verify --archive'.\n");
	if (argc < 3 || strcmp(argv[1], "verify") != 0)
		return cli_usage("archive", "needs verify FILE...");
	r = isms_archive_verify_set(NULL, (const char *const *)argv + 2, (size_t)argc - 2, &set,
				    reason, sizeof(reason));
	if (r == -EBADMSG) {
		fprintf(stderr, "%s: archive broken: %s\n", cli_prog, reason);
		return EXIT_TAMPERED;
	}
	if (r < 0)
		return cli_fail(r, "%s", reason);
	if (c->fmt == OUT_JSON)
		printf("{\"ok\": true, \"first\": %" PRId64 ", \"last\": %" PRId64 ", \"rows\": %" PRId64
		       "}\n", set.first, set.last, set.rows);
	else
		printf("archives intact: rows %" PRId64 " to %" PRId64 " (%" PRId64 " rows)\n",
		       set.first, set.last, set.rows);
	if (set.note[0])
		fprintf(stderr, "%s: note: %s\n", cli_prog, set.note);
	return EXIT_OK;
}
