/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ismsctl management-review: a period's inputs, a review recorded, its decisions, its approval. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "ismsctl.h"
#include "isms/mreview.h"
#include "isms/tz.h"

static const char usage_text[] =
	"Usage: ismsctl management-review inputs --period P [--improvement TEXT] [--tz ZONE]\n"
	"       ismsctl management-review record --period P --chair PERSON [--held DATE]\n"
	"                    [--attendees TEXT] [--minutes TEXT] [--improvement TEXT] [--tz ZONE]\n"
	"       ismsctl management-review decide MR-n --kind K --text T --owner PERSON --due DATE\n"
	"       ismsctl management-review approve MR-n --by PERSON\n"
	"       ismsctl management-review decisions MR-n\n"
	"       ismsctl management-review list | show MR-n | set MR-n ... | remove MR-n\n\n"
	"The management review of ISO 27001 9.3.  'inputs' assembles its inputs\n"
	"(9.3.2 a-g) for period P from the store; 'record' records a review with\n"
	"those inputs frozen and their SHA-256 in the evidence chain; 'decide' adds a\n"
	"decision (K: " ISMS_MREVIEW_KINDS ") while it is a draft; 'approve', by a\n"
	"member of management, turns each decision into a measure, a nonconformity\n"
	"or a review of kind management, and the review can no longer change.\n"
	"'ismsctl management-review SUBCOMMAND --help' describes each.\n";

/* The JSON member at dotted @path of @o, or NULL. */
static struct json_object *at(struct json_object *o, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
		if (!o || !json_object_object_get_ex(o, k, &o))
			return NULL;
	return o;
}

static size_t len_at(struct json_object *o, const char *path)
{
	struct json_object *a = at(o, path);

	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* How many elements of array @path have @member true. */
static size_t true_at(struct json_object *o, const char *path, const char *member)
{
	struct json_object *a = at(o, path);
	size_t n = 0;

	for (size_t i = 0; a && json_object_is_type(a, json_type_array) &&
			   i < json_object_array_length(a);
	     i++)
		n += json_object_get_boolean(at(json_object_array_get_idx(a, i), member));
	return n;
}

/* How many elements of array @path have @member equal to @value. */
static size_t equal_at(struct json_object *o, const char *path, const char *member,
		       const char *value)
{
	struct json_object *a = at(o, path);
	size_t n = 0;

	for (size_t i = 0; a && json_object_is_type(a, json_type_array) &&
			   i < json_object_array_length(a);
	     i++) {
		struct json_object *v = at(json_object_array_get_idx(a, i), member);

		n += v && strcmp(json_object_get_string(v), value) == 0;
	}
	return n;
}

static long long int_at(struct json_object *o, const char *path)
{
	return (long long)json_object_get_int64(at(o, path));
}

/* "k1 n1, k2 n2" of an object of counts. */
static void counts_text(struct json_object *o, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (!o)
		return;
	json_object_object_foreach(o, k, v)
	{
		int n = snprintf(buf + off, len - off, "%s%s %lld", off ? ", " : "", k,
				 (long long)json_object_get_int64(v));

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (!off)
		snprintf(buf, len, "none");
}

/* @member of each element of array @path, comma-separated. */
static void names_text(struct json_object *o, const char *path, const char *member, char *buf,
		       size_t len)
{
	struct json_object *a = at(o, path);
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *v = at(json_object_array_get_idx(a, i), member);
		int n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
				 v ? json_object_get_string(v) : "?");

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

/* "since MR-1 (2026-Q3): opened 2 -> 1, ..." or that there is no earlier review. */
static void trend_text(struct json_object *in, char *buf, size_t len)
{
	struct json_object *prev = at(in, "d_performance.trend.previous_review");
	struct json_object *f = at(in, "d_performance.trend.figures");
	size_t off;
	int n;

	if (!prev || !f) {
		snprintf(buf, len, "no approved review before");
		return;
	}
	n = snprintf(buf, len, "since %s (%s):", json_object_get_string(prev),
		     json_object_get_string(at(in, "d_performance.trend.previous_period")));
	off = n > 0 && (size_t)n < len ? (size_t)n : 0;
	for (size_t i = 0; i < json_object_array_length(f); i++) {
		struct json_object *x = json_object_array_get_idx(f, i);
		const char *name = json_object_get_string(at(x, "figure"));
		const char *last = strrchr(name, '.');

		n = snprintf(buf + off, len - off, "%s %s %s -> %s", i ? "," : "",
			     last ? last + 1 : name,
			     at(x, "before") ? json_object_get_string(at(x, "before")) : "?",
			     json_object_get_string(at(x, "now")));
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

/* The inputs for people: one line per input of 9.3.2. */
static int print_summary(struct cli *c, const char *json)
{
	struct json_object *in = json_tokener_parse(json);
	char l[12][1024], a[256], b[256], x[256];
	struct out_table t;
	static const char *const names[] = {"a) previous reviews", "b) issues",
					    "c) interested parties", "d1) nonconformities",
					    "d2) monitoring", "d3) audits", "d4) objectives",
					    "e) feedback", "f) risks", "f) treatment",
					    "g) improvement", "d) trend"};
	/* the trend after the figures it compares */
	static const size_t order[] = {0, 1, 2, 3, 4, 5, 6, 11, 7, 8, 9, 10};
	int r;

	if (!in)
		return -EINVAL;
	snprintf(l[0], sizeof(l[0]), "%zu decisions of approved reviews, %lld not done",
		 len_at(in, "a_previous_reviews.decisions"), int_at(in, "a_previous_reviews.open"));
	snprintf(l[1], sizeof(l[1]),
		 "%zu context issues (%zu new, %zu past their review); %zu risk changes,"
		 " %zu documents approved, %zu documents past their review",
		 len_at(in, "b_issues.external_and_internal_issues"),
		 true_at(in, "b_issues.external_and_internal_issues", "new"),
		 true_at(in, "b_issues.external_and_internal_issues", "review_overdue"),
		 len_at(in, "b_issues.risk_changes"), len_at(in, "b_issues.documents_approved"),
		 len_at(in, "b_issues.documents_review_overdue"));
	snprintf(l[2], sizeof(l[2]),
		 "%zu requirements not closed (%zu past their review); %zu scope approvals",
		 len_at(in, "c_interested_parties.needs_and_expectations"),
		 true_at(in, "c_interested_parties.needs_and_expectations", "review_overdue"),
		 len_at(in, "c_interested_parties.scope_approvals"));
	snprintf(l[3], sizeof(l[3]),
		 "opened %lld, closed %lld, open %lld, overdue %lld; %zu corrective actions",
		 int_at(in, "d_performance.nonconformities.counts.opened"),
		 int_at(in, "d_performance.nonconformities.counts.closed"),
		 int_at(in, "d_performance.nonconformities.counts.open"),
		 int_at(in, "d_performance.nonconformities.counts.overdue"),
		 len_at(in, "d_performance.nonconformities.corrective_actions"));
	names_text(in, "d_performance.monitoring.failing", "test", a, sizeof(a));
	names_text(in, "d_performance.monitoring.insufficient", "test", b, sizeof(b));
	snprintf(l[4], sizeof(l[4]),
		 "%lld as expected, %lld failing%s%s%s, %lld insufficient%s%s%s",
		 int_at(in, "d_performance.monitoring.by_result.as_expected"),
		 int_at(in, "d_performance.monitoring.by_result.failing"), a[0] ? " (" : "", a,
		 a[0] ? ")" : "", int_at(in, "d_performance.monitoring.by_result.insufficient"),
		 b[0] ? " (" : "", b, b[0] ? ")" : "");
	snprintf(l[5], sizeof(l[5]), "%zu held, %zu planned and not held",
		 len_at(in, "d_performance.audits.held"),
		 len_at(in, "d_performance.audits.planned_not_held"));
	snprintf(l[6], sizeof(l[6]),
		 "%zu objectives: %zu achieved, %zu missed, %zu overdue; %zu measures due:"
		 " %lld implemented, %lld not",
		 len_at(in, "d_performance.objectives.objectives"),
		 equal_at(in, "d_performance.objectives.objectives", "status", "achieved"),
		 equal_at(in, "d_performance.objectives.objectives", "status", "missed"),
		 true_at(in, "d_performance.objectives.objectives", "overdue"),
		 len_at(in, "d_performance.objectives.measures_due"),
		 int_at(in, "d_performance.objectives.implemented"),
		 int_at(in, "d_performance.objectives.not_implemented"));
	snprintf(l[7], sizeof(l[7]), "%s", json_object_get_string(at(in, "e_feedback.feedback")));
	counts_text(at(in, "f_risks.by_level"), a, sizeof(a));
	counts_text(at(in, "f_risks.by_residual_level"), b, sizeof(b));
	snprintf(l[8], sizeof(l[8]), "by level: %s; residual: %s; %zu reassessed", a, b,
		 len_at(in, "f_risks.reassessments_done"));
	counts_text(at(in, "f_risks.by_treatment"), x, sizeof(x));
	snprintf(l[9], sizeof(l[9]), "%s; %zu measures open", x,
		 len_at(in, "f_risks.measures_open"));
	snprintf(l[10], sizeof(l[10]), "%s",
		 json_object_get_string(at(in, "g_improvement.opportunities")));
	trend_text(in, l[11], sizeof(l[11]));
	r = out_table_init(&t, 2);
	if (r >= 0)
		r = out_table_set_col(&t, 0, "input", OT_TEXT);
	if (r >= 0)
		r = out_table_set_col(&t, 1, "from the store", OT_TEXT);
	for (size_t k = 0; r >= 0 && k < sizeof(order) / sizeof(order[0]); k++) {
		size_t i = order[k];
		const char *row[2] = {names[i], l[i]};

		r = out_table_add(&t, row);
	}
	if (r >= 0) {
		if (!c->quiet)
			printf("Inputs of the management review for %s (%s .. %s, %s):\n",
			       json_object_get_string(at(in, "period.label")),
			       json_object_get_string(at(in, "period.from")),
			       json_object_get_string(at(in, "period.to")),
			       json_object_get_string(at(in, "period.zone")));
		r = out_print(stdout, c->fmt, &t);
	}
	out_table_release(&t);
	json_object_put(in);
	return r;
}

static int mr_inputs(struct cli *c, int argc, char **argv)
{
	struct isms_mreview_period p = {0};
	const char *zone = NULL;
	struct isms_tz *tz = NULL;
	char *json = NULL;
	int r, code;
	const struct cli_opt opts[] = {CLI_OPT("--period", &p.period),
				       CLI_OPT("--improvement", &p.improvement),
				       CLI_OPT("--tz", &zone), CLI_OPT_END};

	HELP(argc, argv,
	     "Usage: ismsctl management-review inputs --period P [--improvement TEXT] [--tz ZONE]\n\n"
	     "Assemble the inputs of a management review (ISO 27001 9.3.2 a-g) for period\n"
	     "P from the store, without recording anything: the decisions of approved\n"
	     "reviews and what became of them; the context issues, the interested parties'\n"
	     "requirements and the objectives from their registers; the period's risk\n"
	     "changes, documents and scope approvals; nonconformities opened, closed, open and overdue; the\n"
	     "period's assessments by result; audits held; measures due; risks by level\n"
	     "and treatment and the measures open; TEXT as the opportunities for\n"
	     "improvement.  What the store cannot know is \"not recorded\".  --json prints\n"
	     "the document that 'record' freezes.  P: YYYY, YYYY-Qn, YYYY-MM, YYYY-Www,\n"
	     "YYYY-MM-DD or FROM..TO, local periods in ZONE (default $TZ, /etc/timezone, UTC).\n");
	code = cli_opts("management-review inputs", argc, argv, 1, opts);
	if (code)
		return code;
	if (!p.period)
		return cli_usage("management-review inputs", "'inputs' needs --period P");
	code = cli_zone(zone, &tz);
	if (code)
		return code;
	p.tz = tz;
	p.now = (int64_t)time(NULL);
	code = -cli_open(c, false, false);
	if (code) {
		isms_tz_free(tz);
		return code;
	}
	r = isms_mreview_inputs(c->store, &p, &json);
	isms_tz_free(tz);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON) {
		puts(json);
		r = 0;
	} else {
		r = print_summary(c, json);
	}
	free(json);
	return r < 0 ? cli_fail(r, "%s", strerror(-r)) : EXIT_OK;
}

static int mr_record(struct cli *c, int argc, char **argv)
{
	struct isms_mreview_new n = {0};
	const char *zone = NULL;
	struct isms_tz *tz = NULL;
	char *id = NULL;
	int r, code;
	const struct cli_opt opts[] = {
		CLI_OPT("--period", &n.in.period), CLI_OPT("--chair", &n.chair),
		CLI_OPT("--held", &n.held),        CLI_OPT("--attendees", &n.attendees),
		CLI_OPT("--minutes", &n.minutes),  CLI_OPT("--improvement", &n.in.improvement),
		CLI_OPT("--tz", &zone),            CLI_OPT_END};

	HELP(argc, argv,
	     "Usage: ismsctl management-review record --period P --chair PERSON [--held DATE]\n"
	     "                    [--attendees TEXT] [--minutes TEXT] [--improvement TEXT]\n"
	     "                    [--tz ZONE]\n\n"
	     "Record a management review of period P as a draft: its inputs, assembled as\n"
	     "'inputs' shows them, are frozen in the record with their SHA-256, and an\n"
	     "evidence row of kind management.review (control 5.35) carries the hash.\n"
	     "DATE (default today) is when it was held; TEXT of --improvement is input g).\n"
	     "Add its decisions with 'decide', then have it approved with 'approve'.\n");
	code = cli_opts("management-review record", argc, argv, 1, opts);
	if (code)
		return code;
	if (!n.in.period || !n.chair)
		return cli_usage("management-review record",
				 "'record' needs --period P and --chair PERSON");
	code = cli_zone(zone, &tz);
	if (code)
		return code;
	n.in.tz = tz;
	n.in.now = (int64_t)time(NULL);
	code = -cli_open(c, true, false);
	if (code) {
		isms_tz_free(tz);
		return code;
	}
	r = isms_mreview_record(c->store, &n, &id);
	isms_tz_free(tz);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON)
		printf("{\"id\": \"%s\"}\n", id);
	else if (!c->quiet)
		printf("management review '%s' recorded as a draft with its inputs; add decisions with"
		       " 'ismsctl management-review decide %s'\n",
		       id, id);
	free(id);
	return EXIT_OK;
}

static int mr_decide(struct cli *c, int argc, char **argv)
{
	struct isms_mreview_decision d = {0};
	const char *id = NULL;
	int r, seq = 0, code;
	const struct cli_opt opts[] = {CLI_OPT("--kind", &d.kind), CLI_OPT("--text", &d.text),
				       CLI_OPT("--owner", &d.owner), CLI_OPT("--due", &d.due),
				       CLI_OPT_END};

	HELP(argc, argv,
	     "Usage: ismsctl management-review decide MR-n --kind K --text T --owner PERSON\n"
	     "                    --due DATE\n\n"
	     "Add a decision (ISO 27001 9.3.3) to the draft review MR-n.  K says what it\n"
	     "becomes when the review is approved: measure (a measure titled T, owner\n"
	     "PERSON, due DATE, planned), nonconformity (one opened with source\n"
	     "management_review, responsible PERSON) or change (a review of kind\n"
	     "management of T, reviewer PERSON, due DATE).\n");
	if (argc > 1 && argv[1][0] != '-')
		id = argv[1];
	if (!id)
		return cli_usage("management-review decide", "'decide' needs the review, MR-n");
	code = cli_opts("management-review decide", argc, argv, 2, opts);
	if (code)
		return code;
	if (!d.kind || !d.text || !d.owner || !d.due)
		return cli_usage("management-review decide",
				 "'decide' needs --kind, --text, --owner and --due");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_mreview_decide(c->store, id, &d, &seq);
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "review", json_object_new_string(id));
		json_object_object_add(o, "seq", json_object_new_int(seq));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else if (!c->quiet) {
		printf("decision %d added to management review '%s'\n", seq, id);
	}
	return EXIT_OK;
}

static int item_cb(const struct isms_mreview_item *it, void *ud)
{
	struct out_table *t = ud;
	char seq[16];
	const char *row[6] = {seq, it->kind, it->text, it->owner, it->due, it->target};

	snprintf(seq, sizeof(seq), "%d", it->seq);
	return out_table_add(t, row);
}

static int print_decisions(struct cli *c, const char *id)
{
	static const char *const names[] = {"seq", "kind", "text", "owner", "due", "target"};
	struct out_table t;
	int r = out_table_init(&t, 6);

	for (size_t i = 0; r >= 0 && i < 6; i++)
		r = out_table_set_col(&t, i, names[i], i == 0 ? OT_INT : OT_TEXT);
	if (r >= 0)
		r = isms_mreview_decisions(c->store, id, item_cb, &t);
	if (r >= 0)
		r = out_print(stdout, c->fmt, &t);
	out_table_release(&t);
	return r;
}

static int mr_decisions(struct cli *c, int argc, char **argv)
{
	int r, code;

	HELP(argc, argv,
	     "Usage: ismsctl management-review decisions MR-n\n\n"
	     "The decisions of review MR-n, each with the record it became on approval.\n");
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("management-review decisions",
				 "'decisions' takes the review, MR-n");
	code = -cli_open(c, false, false);
	if (code)
		return code;
	r = print_decisions(c, argv[1]);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

static int mr_approve(struct cli *c, int argc, char **argv)
{
	const char *id = NULL, *by = NULL;
	int r, code;
	const struct cli_opt opts[] = {CLI_OPT("--by", &by), CLI_OPT_END};

	HELP(argc, argv,
	     "Usage: ismsctl management-review approve MR-n --by PERSON\n\n"
	     "Approve review MR-n: PERSON must have the role management.  In one\n"
	     "transaction each decision becomes its record (see 'decide'), the review is\n"
	     "approved and can no longer change, and an evidence row of kind\n"
	     "management.review.approved carries the inputs' SHA-256 and the decisions\n"
	     "with the records they became.  Prints the decisions and their targets.\n");
	if (argc > 1 && argv[1][0] != '-')
		id = argv[1];
	if (!id)
		return cli_usage("management-review approve", "'approve' needs the review, MR-n");
	code = cli_opts("management-review approve", argc, argv, 2, opts);
	if (code)
		return code;
	if (!by)
		return cli_usage("management-review approve", "'approve' needs --by PERSON");
	code = -cli_open(c, true, false);
	if (code)
		return code;
	r = isms_mreview_approve(c->store, id, by, (int64_t)time(NULL));
	if (r < 0)
		return cli_store_fail(c, r);
	if (c->fmt == OUT_TABLE && !c->quiet)
		printf("management review '%s' approved by '%s'; its decisions became:\n", id, by);
	r = c->quiet && c->fmt == OUT_TABLE ? 0 : print_decisions(c, id);
	return r < 0 ? cli_store_fail(c, r) : EXIT_OK;
}

int cmd_mreview(struct cli *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *c, int argc, char **argv);
	} subs[] = {
		{"inputs", mr_inputs},   {"record", mr_record},       {"decide", mr_decide},
		{"approve", mr_approve}, {"decisions", mr_decisions},
	};

	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(c, argc - 1, argv + 1);
	/* list, show, set, remove: the record type's generic commands */
	return cmd_record(c, argc, argv);
}
