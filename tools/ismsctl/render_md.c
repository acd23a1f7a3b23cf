/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The board report as Markdown, for email: every string of the register escaped. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "render.h"

/*
 * Text as one Markdown inline: the punctuation that could make a link,
 * an autolink, an image, code, emphasis or a table cell backslashed (it
 * never starts a line, so list and heading marks are harmless); <, > and & as
 * entities, since Markdown passes HTML through; line breaks as spaces.
 */
static void esc(FILE *f, const char *s)
{
	const char *start = s;

	if (!s) {
		fputs("\\-", f);
		return;
	}
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '<')
			fputs("&lt;", f);
		else if (ch == '>')
			fputs("&gt;", f);
		else if (ch == '&')
			fputs("&amp;", f);
		else if (ch < 0x20 || ch == 0x7f)
			fputc(' ', f);
		else if (strchr("\\`*_[]!|~", ch) || (ch == ':' && strncmp(s + 1, "//", 2) == 0) ||
			 (ch == '.' && s - start >= 3 && strncasecmp(s - 3, "www", 3) == 0))
			/* (':' and '.' only where they would make an autolink) */
			fprintf(f, "\\%c", ch);
		else
			fputc(ch, f);
	}
}

static void cell(FILE *f, const char *s)
{
	fputs(" ", f);
	esc(f, s);
	fputs(" |", f);
}

static void num(FILE *f, int64_t v)
{
	fprintf(f, " %" PRId64 " |", v);
}

static void table(FILE *f, struct json_object *fig, const struct fig_table *t)
{
	struct json_object *rows = fig_rows(fig, t);
	size_t n = fig_len(rows);
	char buf[32];

	if (!n) {
		if (t->empty)
			fprintf(f, "\n%c%s.\n", toupper((unsigned char)t->empty[0]), t->empty + 1);
		return;
	}
	fputs("\n|", f);
	for (size_t k = 0; k < t->ncols; k++)
		fprintf(f, " %s |", t->cols[k].head);
	fputs("\n|", f);
	for (size_t k = 0; k < t->ncols; k++)
		fputs(t->cols[k].num ? "---:|" : "---|", f);
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		fputc('|', f);
		for (size_t k = 0; k < t->ncols; k++)
			cell(f, fig_cell(fig_at(rows, i), &t->cols[k], buf, sizeof(buf)));
		fputc('\n', f);
	}
}

static void heatmap(FILE *f, struct json_object *fig, const char *which)
{
	struct json_object *m = fig_get(fig, "matrix");
	struct json_object *li = fig_get(m, "likelihood"), *im = fig_get(m, "impact");
	struct json_object *hm = fig_get(fig_get(fig, "heatmap"), which);

	fputs("| likelihood \\\\ impact |", f);
	for (size_t i = 0; i < fig_len(im); i++)
		cell(f, json_object_get_string(fig_at(im, i)));
	fputs("\n|---|", f);
	for (size_t i = 0; i < fig_len(im); i++)
		fputs("---:|", f);
	fputc('\n', f);
	for (size_t l = fig_len(li); l-- > 0;) {
		struct json_object *row = fig_at(hm, l);

		fputc('|', f);
		cell(f, json_object_get_string(fig_at(li, l)));
		for (size_t i = 0; i < fig_len(im); i++)
			num(f, json_object_get_int64(fig_at(row, i)));
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void rate(FILE *f, int64_t v)
{
	if (v < 0)
		fputs("\\-", f);
	else
		fprintf(f, "%" PRId64 " %%", v);
}

int render_md(FILE *f, struct json_object *fig)
{
	struct json_object *p = fig_get(fig, "period"), *a, *o;
	char m[4][32];

	fputs("# Information security report to the board", f);
	if (fig_str(fig, "organisation")) {
		fputs(": ", f);
		esc(f, fig_str(fig, "organisation"));
	}
	fputs("\n\nPeriod **", f);
	esc(f, fig_str(p, "label"));
	fputs("** (", f);
	esc(f, fig_str(p, "since"));
	fputs(" to ", f);
	esc(f, fig_str(p, "until"));
	fputs("), made ", f);
	esc(f, fig_str(fig, "made_at"));
	fputs("; trends against ", f);
	if (fig_str(fig, "previous"))
		esc(f, fig_str(fig, "previous"));
	else
		fputs("no earlier report", f);
	fputs(".\n\n## Decisions asked of management\n\n", f);
	a = fig_get(fig, "decisions");
	if (!fig_len(a))
		fputs("None.\n", f);
	for (size_t k = 0; k < fig_len(a); k++) {
		o = fig_at(a, k);
		fputs("- **", f);
		esc(f, fig_str(o, "id"));
		fputs("** ", f);
		if (fig_str(o, "title")) {
			esc(f, fig_str(o, "title"));
			fputs(": ", f);
		}
		esc(f, fig_str(o, "why"));
		fputc('\n', f);
	}

	fprintf(f, "\n## Risks\n\n%" PRId64 " risks, %" PRId64 " above the acceptance level.\n\n",
		fig_int2(fig, "risks", "total", 0), fig_int2(fig, "risks", "above_acceptance", 0));
	fputs("### Inherent risk (number of risks per cell)\n\n", f);
	heatmap(f, fig, "inherent");
	fputs("### Residual risk after treatment\n\n", f);
	heatmap(f, fig, "residual");
	fputs("### Top risks\n", f);
	table(f, fig, &fig_top_risks);
	fputs("\n## Control effectiveness by theme (claimed against observed)\n\n"
	      "| theme | applicable | implemented | partial | planned | not started | pass | fail |"
	      " insufficient | untested |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
	a = fig_get(fig_get(fig, "controls"), "themes");
	for (size_t k = 0; k < fig_len(a); k++) {
		struct json_object *c, *ob;

		o = fig_at(a, k);
		c = fig_get(o, "claimed");
		ob = fig_get(o, "observed");
		fputc('|', f);
		cell(f, fig_str(o, "theme"));
		num(f, fig_int(o, "applicable", 0));
		num(f, fig_int(c, "implemented", 0));
		num(f, fig_int(c, "partial", 0));
		num(f, fig_int(c, "planned", 0));
		num(f, fig_int(c, "not_started", 0));
		num(f, fig_int(ob, "pass", 0));
		num(f, fig_int(ob, "fail", 0));
		num(f, fig_int(ob, "insufficient", 0));
		num(f, fig_int(ob, "untested", 0));
		fputc('\n', f);
	}
	fputs("\n### Claimed implemented, not observed to work\n", f);
	table(f, fig, &fig_flagged);
	o = fig_get(fig, "assessments");
	fprintf(f, "\nControl tests: %" PRId64 " results in the period, %" PRId64
		   " as expected, %" PRId64 " with insufficient evidence; pass rate ",
		fig_int(o, "results", 0), fig_int(o, "as_expected", 0), fig_int(o, "insufficient", 0));
	rate(f, fig_int(o, "pass_rate", -1));
	fputs(" (previous period ", f);
	rate(f, fig_int(o, "previous_pass_rate", -1));
	fputs(").\n", f);

	fputs("\n## Evidence coverage per host and collector health\n", f);
	table(f, fig, &fig_hosts);
	table(f, fig, &fig_collectors);
	o = fig_get(fig, "fleet");
	if (o && json_object_is_type(o, json_type_object)) {
		struct json_object *un = fig_get(o, "unregistered");

		fprintf(f, "\n## Fleet\n\n%" PRId64 " of %" PRId64 " registered nodes reported;"
			   " %" PRId64 " silent beyond their heartbeat, %" PRId64 " with a clock off"
			   " beyond the skew test's bound; %" PRId64 " rows quarantined, %" PRId64
			   " impersonation attempts; %zu unregistered names seen",
			fig_int(o, "reporting", 0), fig_int(o, "registered", 0), fig_int(o, "silent", 0),
			fig_int(o, "skewed", 0), fig_int(o, "quarantined_rows", 0),
			fig_int(o, "impersonation_attempts", 0), fig_len(un));
		for (size_t i = 0; i < fig_len(un); i++) {
			fputs(i ? ", " : ": ", f);
			esc(f, json_object_get_string(fig_at(un, i)));
		}
		fputs(".\n", f);
		table(f, fig, &fig_fleet);
	}
	o = fig_get(fig, "access");
	fprintf(f, "\n## Logins\n\n%" PRId64 " allowed, %" PRId64 " denied, %" PRId64
		   " break-glass uses.\n", fig_int(o, "allowed", 0), fig_int(o, "denied", 0),
		fig_int(o, "break_glass", 0));
	table(f, fig, &fig_break_glass);
	o = fig_get(fig, "nonconformities");
	fprintf(f, "\n## Nonconformities\n\n%" PRId64 " opened and %" PRId64
		   " closed in the period; %" PRId64 " open (%" PRId64 " major)",
		fig_int(o, "opened", 0), fig_int(o, "closed", 0), fig_int(o, "open", 0),
		fig_int(o, "major_open", 0));
	if (fig_int(o, "previous_open", -1) >= 0)
		fprintf(f, ", %" PRId64 " at the previous report", fig_int(o, "previous_open", 0));
	fputs(".\n", f);
	table(f, fig, &fig_ncs);
	fprintf(f, "\n## Overdue\n\n%zu items past their date.\n", fig_len(fig_rows(fig, &fig_overdue)));
	table(f, fig, &fig_overdue);
	o = fig_get(fig, "audits");
	fprintf(f, "\n## Internal audits\n\n%" PRId64 " planned, %" PRId64 " held in the period, %"
		   PRId64 " with findings.\n", fig_int(o, "planned", 0), fig_int(o, "held", 0),
		fig_int(o, "with_findings", 0));
	table(f, fig, &fig_audits);
	o = fig_get(fig, "budget");
	fig_money(m[0], sizeof(m[0]), fig_int(o, "budget", 0));
	fig_money(m[1], sizeof(m[1]), fig_int(o, "spent", 0));
	fig_money(m[2], sizeof(m[2]), fig_int(o, "committed", 0));
	fig_money(m[3], sizeof(m[3]), fig_int(o, "remaining", 0));
	fprintf(f, "\n## Budget\n\n| budget | spent | committed | remaining |\n|---:|---:|---:|---:|\n"
		   "| %s | %s | %s | %s |\n", fig_int(o, "budget", -1) >= 0 ? m[0] : "not set", m[1],
		m[2], m[3]);
	return ferror(f) ? -EIO : 0;
}
