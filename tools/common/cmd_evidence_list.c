/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 'evidence list' of both tools: time bounds, filters, a limit and a keyset
 * cursor, printed row by row so that memory stays the same for ten rows or
 * ten million.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "isms/entity.h"
#include "isms/evidence_query.h"
#include "isms/strutil.h"

#define MAX_FILTERS 16

struct list_ctx {
	struct out_stream out;
	const size_t *map;
	int64_t last;
};

static int row_cb(const struct isms_entity *e, const char *const *values, void *userdata)
{
	struct list_ctx *x = userdata;
	const char *row[64];

	for (size_t k = 0; k < x->out.t->ncols; k++)
		row[k] = values[x->map[k]];
	x->last = values[0] ? strtoll(values[0], NULL, 10) : x->last;
	return out_stream_row(&x->out, row);
}

static void usage(const struct cli *c, const struct isms_entity *e)
{
	printf("Usage: %s evidence list [--since TIME] [--until TIME] [--limit N] [--after ID]\n"
	       "         [--FIELD VALUE]...\n\n"
	       "Evidence in chain order, printed as it is read (JSON and CSV too), so\n"
	       "that a list of millions of rows needs no more memory than one of ten.\n"
	       "  --since TIME   rows whose ts is at or after TIME (inclusive)\n"
	       "  --until TIME   rows whose ts is before TIME (exclusive)\n"
	       "                 TIME: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM[:SS]Z\n"
	       "                 or with an offset; to the second (a fraction is cut)\n"
	       "  --limit N      at most N rows\n"
	       "  --after ID     only rows after row ID: the next page starts after the\n"
	       "                 last id of this one (paging by key, never by offset)\n"
	       "  --FIELD VALUE  rows whose FIELD is VALUE, e.g. --kind login.allow\n"
	       "                 --subject alice --asset web1 --control 8.15 --node h2\n"
	       "                 (indexed: kind, control, asset, node, subject, ts)\n"
	       "On a terminal, a page cut by --limit ends with the --after to continue.\n\n"
	       "Fields:\n",
	       c->schema->tool);
	for (size_t i = 0; i < e->nfields; i++)
		printf("  --%-22s %s\n", e->fields[i].name, e->fields[i].help);
}

static int parse_count(const char *v, int64_t *ret)
{
	int64_t n;

	if (isms_parse_int64(v, &n) < 0 || n < 0)
		return -EINVAL;
	*ret = n;
	return 0;
}

int cli_evidence_list(struct cli *c, const struct isms_entity *e, int argc, char **argv)
{
	struct isms_kv kv[MAX_FILTERS];
	char since[32], until[32], names[MAX_FILTERS][64];
	struct isms_evidence_query q = {.filter = kv};
	struct out_table t = {0};
	size_t map[64];
	struct list_ctx x = {.map = map};
	int64_t n;
	int r, code;

	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i])) {
			usage(c, e);
			return EXIT_OK;
		}
	for (int i = 1; i < argc; i++) {
		const char *v, *a = argv[i];
		size_t len;

		if ((v = cli_opt_value(argc, argv, &i, "--since")) ||
		    (v = cli_opt_value(argc, argv, &i, "--until"))) {
			bool lo = strncmp(a, "--since", 7) == 0;

			if (isms_evidence_bound(v, lo ? since : until, sizeof(since)) < 0)
				return cli_usage("evidence list",
						 "%s takes YYYY-MM-DD or a time with a zone (YYYY-MM-DDTHH:MM[:SS]Z), not '%s'",
						 lo ? "--since" : "--until", v);
			if (lo)
				q.since = since;
			else
				q.until = until;
		} else if ((v = cli_opt_value(argc, argv, &i, "--limit"))) {
			if (parse_count(v, &q.limit) < 0 || q.limit == 0)
				return cli_usage("evidence list", "--limit takes a positive number");
		} else if ((v = cli_opt_value(argc, argv, &i, "--after"))) {
			if (parse_count(v, &q.after) < 0)
				return cli_usage("evidence list", "--after takes a row id (0 or more)");
		} else if (strncmp(a, "--", 2) == 0 && a[2]) {
			const char *eq = strchr(a + 2, '=');

			len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (q.nfilter >= MAX_FILTERS || len >= sizeof(names[0]))
				return cli_usage("evidence list", "too many or too long filters");
			memcpy(names[q.nfilter], a + 2, len);
			names[q.nfilter][len] = '\0';
			for (char *p = names[q.nfilter]; *p; p++)
				if (*p == '-')
					*p = '_';
			if (!isms_entity_field(e, names[q.nfilter])) {
				char hint[112];

				return cli_usage("evidence list", "evidence has no field '%s'%s",
						 names[q.nfilter],
						 cli_field_hint(e, names[q.nfilter], hint, sizeof(hint)));
			}
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				return cli_usage("evidence list", "--%s needs a value", names[q.nfilter]);
			kv[q.nfilter].name = names[q.nfilter];
			kv[q.nfilter].value = v;
			q.nfilter++;
		} else {
			return cli_usage("evidence list", "unexpected argument '%s'", a);
		}
	}
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = cli_record_columns(c, e, &t, map, false);
	if (r < 0) {
		out_table_release(&t);
		return cli_fail(r, "out of memory");
	}
	out_stream_begin(&x.out, stdout, c->fmt, &t);
	n = isms_evidence_list(c->store, &q, row_cb, &x);
	r = out_stream_end(&x.out);
	out_table_release(&t);
	if (n < 0)
		return cli_store_fail(c, (int)n);
	if (r < 0)
		return cli_fail(r, "cannot write output: %s", strerror(-r));
	if (q.limit && n == q.limit && isatty(STDERR_FILENO))
		fprintf(stderr, "%s: %" PRId64 " rows; next page: --after %" PRId64 "\n", cli_prog, n,
			x.last);
	return EXIT_OK;
}
