/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Versions of the SoA: propose a snapshot, approve it, list them; and which one is approved. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/soa.h"
#include "report.h"

static int propose(struct cli *c, int argc, char **argv)
{
	const char *title = NULL, *by = NULL;
	const struct cli_opt opts[] = {CLI_OPT("--title", &title), CLI_OPT("--by", &by),
				       CLI_OPT_END};
	char *id = NULL;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl soa propose [--title T] --by PERSON\n\n"
	     "Freeze the Statement of Applicability as it stands: every control's\n"
	     "applicability, justification, status and measures, as JSON with its\n"
	     "SHA-256, a draft version SOA-n proposed by PERSON.  An evidence row of\n"
	     "kind soa.proposed carries the hash.  Approve it with 'ismsctl soa approve'.\n");
	code = cli_opts("soa propose", argc, argv, 1, opts);
	if (code)
		return code;
	if (!by)
		return cli_usage("soa propose", "'propose' needs --by PERSON");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_soa_propose(c->store, title, by, (int64_t)time(NULL), &id);
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		printf("soa version '%s' proposed by '%s' (a draft)\n", id, by);
	free(id);
	return EXIT_OK;
}

static int approve(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *by = NULL;
	const struct cli_opt opts[] = {CLI_OPT("--by", &by), CLI_OPT_END};
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl soa approve SOA-n --by PERSON\n\n"
	     "Approve the draft SOA-n: PERSON must be an active member of management\n"
	     "(role management) and not its proposer, and no control in it may be\n"
	     "undecided.  The version approved before becomes superseded; an evidence\n"
	     "row of kind soa.approved carries the hash.  An approved version never\n"
	     "changes.\n");
	if (argc > 1 && argv[1][0] != '-')
		id = argv[1];
	if (!id)
		return cli_usage("soa approve", "'approve' needs the version, SOA-n");
	code = cli_opts("soa approve", argc, argv, 2, opts);
	if (code)
		return code;
	if (!by)
		return cli_usage("soa approve", "'approve' needs --by PERSON");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_soa_approve(c->store, id, by, (int64_t)time(NULL));
	if (r < 0)
		return cli_store_fail(c, r);
	if (!c->quiet)
		printf("soa version '%s' approved by '%s'\n", id, by);
	return EXIT_OK;
}

static int version_row(const struct isms_soa_version *v, void *ud)
{
	const char *row[8] = {v->id, v->title, v->status, v->proposed_by, v->proposed_at,
			      v->approved_by, v->approved_at, v->sha256};

	return out_table_add(ud, row);
}

static int versions(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"id", "title", "status", "proposed_by", "proposed_at",
					   "approved_by", "approved_at", "sha256"};
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl soa versions\n\n"
	     "The versions of the SoA, oldest first: draft, approved (at most one) or\n"
	     "superseded, who proposed and approved each, when, and the SHA-256 of its\n"
	     "snapshot.\n");
	if (argc != 1)
		return cli_usage("soa versions", "'versions' takes no arguments");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = out_table_init(&t, 8);
	for (size_t k = 0; r >= 0 && k < 8; k++)
		r = out_table_set_col(&t, k, cols[k], OT_TEXT);
	if (r >= 0)
		r = isms_soa_versions(c->store, version_row, &t);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

struct found {
	const char *id;
	char *snapshot, *status, *sha;
};

static int find_cb(const struct isms_soa_version *v, void *ud)
{
	struct found *f = ud;

	if (strcmp(v->id, f->id) != 0)
		return 0;
	f->snapshot = strdup(v->snapshot ? v->snapshot : "");
	f->status = strdup(v->status);
	f->sha = strdup(v->sha256 ? v->sha256 : "");
	return f->snapshot && f->status && f->sha ? 1 : -ENOMEM;
}

/* One control of a snapshot as a row: its measures joined by ','. */
static int snapshot_row(struct out_table *t, struct json_object *o)
{
	static const char *const keys[] = {"id", "applicable", "justification", "status"};
	struct json_object *v, *m = NULL;
	const char *row[5] = {0};
	char measures[1024] = "";

	for (size_t k = 0; k < 4; k++)
		if (json_object_object_get_ex(o, keys[k], &v) && v)
			row[k] = json_object_get_string(v);
	json_object_object_get_ex(o, "measures", &m);
	for (size_t i = 0; m && i < json_object_array_length(m); i++) {
		size_t len = strlen(measures);

		snprintf(measures + len, sizeof(measures) - len, "%s%s", i ? "," : "",
			 json_object_get_string(json_object_array_get_idx(m, i)));
	}
	row[4] = measures[0] ? measures : NULL;
	return out_table_add(t, row);
}

static int show(struct cli *c, int argc, char **argv)
{
	static const char *const cols[] = {"id", "applicable", "justification", "status",
					   "measures"};
	struct found f = {0};
	struct json_object *doc = NULL, *arr = NULL;
	struct out_table t;
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl soa show SOA-n\n"
	     "       ismsctl soa show CONTROL\n\n"
	     "The SoA as version SOA-n froze it: each control's applicability,\n"
	     "justification, status and measures, whatever the register says now.\n"
	     "With an Annex A control (5.1): the control as the register says now and\n"
	     "the Grundschutz++ requirements the imported mappings put behind it, a\n"
	     "line per requirement check (asset empty: the information domain; no\n"
	     "status: not checked yet).\n");
	if (argc != 2)
		return cli_usage("soa show", "'show' takes the version, SOA-n, or a control");
	/* versions are SOA-n; anything else names a control */
	if (strncmp(argv[1], "SOA-", 4) != 0)
		return soa_control_show(c, argv[1]);
	f.id = argv[1];
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = isms_soa_versions(c->store, find_cb, &f);
	if (r == 0) {
		fprintf(stderr, "%s: no soa version '%s' (see 'ismsctl soa versions')\n", cli_prog,
			argv[1]);
		return EXIT_NOTFOUND;
	}
	if (r > 0) {
		doc = json_tokener_parse(f.snapshot);
		r = doc && json_object_object_get_ex(doc, "controls", &arr) ? 0 : -EBADMSG;
	}
	if (r >= 0)
		r = out_table_init(&t, 5);
	else
		goto out;
	for (size_t k = 0; r >= 0 && k < 5; k++)
		r = out_table_set_col(&t, k, cols[k], OT_TEXT);
	for (size_t i = 0; r >= 0 && i < json_object_array_length(arr); i++)
		r = snapshot_row(&t, json_object_array_get_idx(arr, i));
	if (r >= 0 && c->fmt == OUT_TABLE && !c->quiet)
		printf("SoA version %s (%s), SHA-256 %s\n", argv[1], f.status, f.sha);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
out:
	json_object_put(doc);
	free(f.snapshot);
	free(f.status);
	free(f.sha);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

int soa_version_cmd(struct cli *c, int argc, char **argv)
{
	if (strcmp(argv[0], "show") == 0)
		return show(c, argc, argv);
	if (strcmp(argv[0], "propose") == 0)
		return propose(c, argc, argv);
	if (strcmp(argv[0], "approve") == 0)
		return approve(c, argc, argv);
	return versions(c, argc, argv);
}

static int approved_cb(const struct isms_soa_version *v, void *ud)
{
	struct soa_approved *a = ud;

	if (strcmp(v->status, "approved") != 0)
		return 0;
	snprintf(a->id, sizeof(a->id), "%s", v->id);
	snprintf(a->at, sizeof(a->at), "%s", v->approved_at ? v->approved_at : "");
	snprintf(a->by, sizeof(a->by), "%s", v->approved_by ? v->approved_by : "");
	a->found = true;
	return 0;
}

int soa_approved_get(struct cli *c, struct soa_approved *ret)
{
	memset(ret, 0, sizeof(*ret));
	return isms_soa_versions(c->store, approved_cb, ret);
}
