/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The board report as one self-contained HTML file: inline CSS and inline
 * SVG, no script and no resource by URL (it is mailed and archived, and
 * must look the same offline in ten years), A4 pages, one section a page.
 * Every string of the figures is escaped: titles in the register are
 * anybody's input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "render.h"

/* Text as HTML character data or a quoted attribute value. */
static void esc(FILE *f, const char *s)
{
	if (!s) {
		fputs("&ndash;", f);
		return;
	}
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, f);
		}
	}
}

static const char css[] =
	"@page{size:A4;margin:14mm 14mm 16mm}"
	"*{box-sizing:border-box}"
	"body{font:10pt/1.35 'DejaVu Sans','Liberation Sans',Arial,sans-serif;color:#1c2430;"
	"margin:0 auto;max-width:182mm;padding:8mm 0;background:#fff}"
	"h1{font-size:18pt;margin:0 0 2mm}h2{font-size:13pt;margin:0 0 3mm;border-bottom:2px solid"
	" #2c5282;padding-bottom:1mm;color:#2c5282}h3{font-size:10.5pt;margin:4mm 0 2mm}"
	"section{break-before:page;page-break-before:always;padding-top:2mm}"
	"section.first{break-before:auto;page-break-before:auto}"
	"@media screen{section{border-top:1px dashed #cbd5e0;margin-top:8mm;padding-top:6mm}"
	"section.first{border:0;margin:0}}"
	"table{border-collapse:collapse;width:100%;margin:2mm 0 3mm;font-size:8.5pt;"
	"break-inside:auto}tr{break-inside:avoid;page-break-inside:avoid}"
	"th,td{border:1px solid #cbd5e0;padding:0.8mm 1.2mm;text-align:left;vertical-align:top}"
	"th{background:#edf2f7}td.n,th.n{text-align:right}td:first-child,td.nw{white-space:nowrap}"
	".meta{color:#4a5568;margin:0 0 4mm}.kpis{display:flex;gap:2.5mm;margin:3mm 0;flex-wrap:wrap}"
	".kpi{flex:1 1 0;border:1px solid #cbd5e0;border-radius:2mm;padding:2mm 3mm;min-width:28mm}"
	".kpi b{display:block;font-size:16pt}.kpi span{color:#4a5568;font-size:8.5pt}"
	".maps{display:flex;gap:6mm;flex-wrap:wrap}.bad{color:#c53030;font-weight:bold}"
	".up{color:#c53030}.down{color:#2f855a}.tag{font-size:8pt;border-radius:1mm;"
	"padding:0 1mm;background:#edf2f7}"
	"ul.decisions li{margin-bottom:1.5mm}svg text{font-family:inherit}";

/* The fill of level @rank of @n: green through yellow to red. */
static void level_fill(FILE *f, int64_t rank, size_t n)
{
	int hue = n > 1 ? (int)(120 - 120 * (rank - 1) / (int64_t)(n - 1)) : 60;

	fprintf(f, "hsl(%d,70%%,%d%%)", hue < 0 ? 0 : hue, rank > 0 ? 72 : 95);
}

static void heatmap(FILE *f, struct json_object *fig, const char *which, const char *title)
{
	struct json_object *m = fig_get(fig, "matrix");
	struct json_object *li = fig_get(m, "likelihood"), *im = fig_get(m, "impact");
	struct json_object *cells = fig_get(m, "cells");
	struct json_object *hm = fig_get(fig_get(fig, "heatmap"), which);
	size_t nl = fig_len(li), ni = fig_len(im), nlev = fig_len(fig_get(m, "levels"));
	const int cw = 50, ch = 34, left = 92, top = 8;
	int w = left + (int)ni * cw + 4, h = top + (int)nl * ch + 46;

	fprintf(f, "<figure style=\"margin:0\"><svg width=\"%d\""
		   " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, h, w, h);
	esc(f, title);
	fputs("\">", f);
	for (size_t l = 0; l < nl; l++) {
		/* the highest likelihood on top */
		int y = top + (int)(nl - 1 - l) * ch;

		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">", left - 4,
			y + ch / 2 + 3);
		esc(f, json_object_get_string(fig_at(li, l)));
		fputs("</text>", f);
		for (size_t i = 0; i < ni; i++) {
			int64_t lv = json_object_get_int64(fig_at(fig_at(cells, l), i));
			int64_t n = json_object_get_int64(fig_at(fig_at(hm, l), i));

			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"",
				left + (int)i * cw, y, cw - 2, ch - 2);
			level_fill(f, lv, nlev);
			fputs("\" stroke=\"#fff\"/>", f);
			if (n)
				fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\""
					   " text-anchor=\"middle\">%" PRId64 "</text>",
					left + (int)i * cw + cw / 2 - 1, y + ch / 2 + 4, n);
		}
	}
	for (size_t i = 0; i < ni; i++) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"8\" text-anchor=\"middle\">",
			left + (int)i * cw + cw / 2 - 1, top + (int)nl * ch + 10);
		esc(f, json_object_get_string(fig_at(im, i)));
		fputs("</text>", f);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\""
		   " fill=\"#4a5568\">impact &#8594;</text>",
		left + (int)ni * cw / 2, top + (int)nl * ch + 26);
	fprintf(f, "<text x=\"10\" y=\"%d\" font-size=\"9\" fill=\"#4a5568\""
		   " transform=\"rotate(-90 10 %d)\" text-anchor=\"middle\">likelihood &#8594;</text>",
		top + (int)nl * ch / 2, top + (int)nl * ch / 2);
	fputs("</svg><figcaption>", f);
	esc(f, title);
	fputs("</figcaption></figure>", f);
}

/* One horizontal bar of segments (@v of @n, scaled to @total) with a label. */
static void bar(FILE *f, int y, const char *label, const int64_t *v, const char *const *fill,
		size_t n, int64_t total, int width)
{
	double x = 120, scale = total > 0 ? (double)(width - 124) / (double)total : 0;

	fprintf(f, "<text x=\"116\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">", y + 11);
	esc(f, label);
	fputs("</text>", f);
	fprintf(f, "<rect x=\"120\" y=\"%d\" width=\"%d\" height=\"15\" fill=\"#f7fafc\""
		   " stroke=\"#e2e8f0\"/>", y, width - 124);
	for (size_t k = 0; k < n; k++) {
		double w = (double)v[k] * scale;

		if (w <= 0)
			continue;
		fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"15\" fill=\"%s\"/>", x,
			y, w, fill[k]);
		if (w >= 14)
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"8.5\" text-anchor=\"middle\""
				   " fill=\"#fff\">%" PRId64 "</text>", x + w / 2, y + 11, v[k]);
		x += w;
	}
}

static void legend(FILE *f, int y, const char *const *names, const char *const *fill, size_t n)
{
	int x = 120;

	for (size_t k = 0; k < n; k++) {
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" fill=\"%s\"/>"
			   "<text x=\"%d\" y=\"%d\" font-size=\"8.5\">%s</text>",
			x, y, fill[k], x + 12, y + 8, names[k]);
		x += 12 + 7 * (int)strlen(names[k]) + 12;
	}
}

static void controls_chart(FILE *f, struct json_object *themes)
{
	static const char *const claimed[] = {"implemented", "partial", "planned", "not_started"};
	static const char *const observed[] = {"pass", "fail", "insufficient", "untested"};
	static const char *const cfill[] = {"#2f855a", "#68d391", "#ecc94b", "#a0aec0"};
	static const char *const ofill[] = {"#2f855a", "#c53030", "#dd6b20", "#a0aec0"};
	size_t n = fig_len(themes);
	int h = (int)n * 44 + 44, w = 640;

	fprintf(f, "<svg width=\"%d\" height=\"%d\""
		   " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"controls by theme\">", w, h, w, h);
	for (size_t t = 0; t < n; t++) {
		struct json_object *o = fig_at(themes, t);
		int64_t c[4], ob[4], total = fig_int(o, "applicable", 0);
		char label[64];

		for (size_t k = 0; k < 4; k++) {
			c[k] = fig_int2(o, "claimed", claimed[k], 0);
			ob[k] = fig_int2(o, "observed", observed[k], 0);
		}
		snprintf(label, sizeof(label), "%s claimed", fig_str(o, "theme") ? fig_str(o, "theme") : "?");
		bar(f, (int)t * 44, label, c, cfill, 4, total, w);
		bar(f, (int)t * 44 + 18, "observed", ob, ofill, 4, total, w);
	}
	legend(f, (int)n * 44 + 4, claimed, cfill, 4);
	legend(f, (int)n * 44 + 22, observed, ofill, 4);
	fputs("</svg>", f);
}

static void kpi(FILE *f, const char *label, int64_t v, bool bad)
{
	fprintf(f, "<div class=\"kpi\"><b%s>%" PRId64 "</b><span>%s</span></div>",
		bad ? " class=\"bad\"" : "", v, label);
}

/* The cell of a table: trends as arrows, what fails in red. */
static void cell(FILE *f, struct json_object *row, const struct fig_col *c)
{
	char buf[32];
	const char *v = fig_cell(row, c, buf, sizeof(buf)), *cls = NULL;

	if (strcmp(c->key, "trend") == 0 && v) {
		bool up = strcmp(v, "up") == 0, down = strcmp(v, "down") == 0;

		fprintf(f, "<td class=\"nw%s\">%s</td>", up ? " up" : down ? " down" : "",
			up ? "&#9650; up" : down ? "&#9660; down" :
			strcmp(v, "same") == 0 ? "&#9644; same" : "new");
		return;
	}
	if (c->num)
		cls = v && strcmp(v, "0") != 0 && strcmp(c->key, "losses") == 0 ? "n bad" :
		      c->dur ? "n nw" : "n";
	else if (strcmp(c->key, "observed") == 0)
		cls = "bad";
	else if (v && strlen(v) >= 10 && v[4] == '-' && v[7] == '-' && strspn(v, "0123456789") == 4)
		cls = "nw"; /* a date or a time: unbroken */
	if (cls)
		fprintf(f, "<td class=\"%s\">", cls);
	else
		fputs("<td>", f);
	/* a canonical UTC time to the minute, for people (the JSON keeps it whole) */
	if (cls && strcmp(cls, "nw") == 0 && strlen(v) >= 17 && v[10] == 'T') {
		fprintf(f, "%.10s %.5s</td>", v, v + 11);
		return;
	}
	esc(f, v);
	fputs("</td>", f);
}

static void table(FILE *f, struct json_object *fig, const struct fig_table *t)
{
	struct json_object *rows = fig_rows(fig, t);
	size_t n = fig_len(rows);

	if (!n) {
		if (t->empty)
			fprintf(f, "<p>%s.</p>", t->empty);
		return;
	}
	fputs("<table><thead><tr>", f);
	for (size_t k = 0; k < t->ncols; k++)
		fprintf(f, "<th%s>%s</th>", t->cols[k].num ? " class=\"n\"" : "", t->cols[k].head);
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", f);
		for (size_t k = 0; k < t->ncols; k++)
			cell(f, fig_at(rows, i), &t->cols[k]);
		fputs("</tr>", f);
	}
	fputs("</tbody></table>", f);
}

static void head(FILE *f, struct json_object *fig)
{
	struct json_object *p = fig_get(fig, "period");

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
	      " style-src 'unsafe-inline'\">"
	      "<title>Information security report ", f);
	esc(f, fig_str(p, "label"));
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	fputs("<section class=\"first\"><h1>Information security report to the board</h1>"
	      "<p class=\"meta\">", f);
	if (fig_str(fig, "organisation")) {
		fputs("<b>", f);
		esc(f, fig_str(fig, "organisation"));
		fputs("</b> &middot; ", f);
	}
	fputs("period <b>", f);
	esc(f, fig_str(p, "label"));
	fputs("</b> (", f);
	esc(f, fig_str(p, "since"));
	fputs(" to ", f);
	esc(f, fig_str(p, "until"));
	fputs(") &middot; made ", f);
	esc(f, fig_str(fig, "made_at"));
	fputs(" &middot; trends against ", f);
	if (fig_str(fig, "previous"))
		esc(f, fig_str(fig, "previous"));
	else
		fputs("no earlier report", f);
	fputs("</p>", f);
}

static void summary(FILE *f, struct json_object *fig)
{
	struct json_object *a = fig_get(fig, "decisions");

	fputs("<div class=\"kpis\">", f);
	kpi(f, "risks above acceptance", fig_int2(fig, "risks", "above_acceptance", 0),
	    fig_int2(fig, "risks", "above_acceptance", 0) > 0);
	kpi(f, "controls flagged", (int64_t)fig_len(fig_get(fig_get(fig, "controls"), "flagged")),
	    fig_len(fig_get(fig_get(fig, "controls"), "flagged")) > 0);
	kpi(f, "open nonconformities", fig_int2(fig, "nonconformities", "open", 0),
	    fig_int2(fig, "nonconformities", "major_open", 0) > 0);
	kpi(f, "denied logins", fig_int2(fig, "access", "denied", 0), false);
	kpi(f, "break-glass uses", fig_int2(fig, "access", "break_glass", 0),
	    fig_int2(fig, "access", "break_glass", 0) > 0);
	fputs("</div><h2>Decisions asked of management</h2>", f);
	if (!fig_len(a))
		fputs("<p>None this period.</p>", f);
	else
		fputs("<ul class=\"decisions\">", f);
	for (size_t k = 0; k < fig_len(a); k++) {
		struct json_object *o = fig_at(a, k);

		fputs("<li><span class=\"tag\">", f);
		esc(f, fig_str(o, "kind"));
		fputs("</span> <b>", f);
		esc(f, fig_str(o, "id"));
		fputs("</b> ", f);
		if (fig_str(o, "title")) {
			esc(f, fig_str(o, "title"));
			fputs(": ", f);
		}
		esc(f, fig_str(o, "why"));
		fputs("</li>", f);
	}
	if (fig_len(a))
		fputs("</ul>", f);
	fputs("</section>\n", f);
}

static void risks(FILE *f, struct json_object *fig)
{
	fprintf(f, "<section><h2>Risks</h2><p>%" PRId64 " risks in the register, %" PRId64
		   " above the acceptance level.</p><div class=\"maps\">",
		fig_int2(fig, "risks", "total", 0), fig_int2(fig, "risks", "above_acceptance", 0));
	heatmap(f, fig, "inherent", "Inherent risk: risks per cell");
	heatmap(f, fig, "residual", "Residual risk after treatment");
	fputs("</div><h3>Top risks and their trend</h3>", f);
	table(f, fig, &fig_top_risks);
	fputs("</section>\n", f);
}

static void controls(FILE *f, struct json_object *fig)
{
	struct json_object *as = fig_get(fig, "assessments");

	fputs("<section><h2>Control effectiveness by theme</h2><p>Claimed (the Statement of"
	      " Applicability) against observed (the latest control test results of the"
	      " period), applicable controls.</p>", f);
	controls_chart(f, fig_get(fig_get(fig, "controls"), "themes"));
	fprintf(f, "<p>Control tests: %" PRId64 " results in the period, %" PRId64 " as expected, %"
		   PRId64 " with insufficient evidence. Pass rate ",
		fig_int(as, "results", 0), fig_int(as, "as_expected", 0),
		fig_int(as, "insufficient", 0));
	if (fig_int(as, "pass_rate", -1) >= 0)
		fprintf(f, "<b>%" PRId64 "%%</b>", fig_int(as, "pass_rate", 0));
	else
		fputs("&ndash;", f);
	if (fig_int(as, "previous_pass_rate", -1) >= 0)
		fprintf(f, " (previous period %" PRId64 "%%)", fig_int(as, "previous_pass_rate", 0));
	fputs(".</p><h3>Claimed implemented, not observed to work</h3>", f);
	table(f, fig, &fig_flagged);
	fputs("</section>\n", f);
}

/* With nodes registered: how the fleet reported (nothing when none is). */
static void fleet(FILE *f, struct json_object *fig)
{
	struct json_object *o = fig_get(fig, "fleet"), *un;

	if (!o || !json_object_is_type(o, json_type_object))
		return;
	un = fig_get(o, "unregistered");
	fprintf(f, "<h3>Fleet</h3><p><b>%" PRId64 "</b> of %" PRId64 " registered nodes reported;"
		   " <b>%" PRId64 "</b> silent beyond their heartbeat, <b>%" PRId64 "</b> with a"
		   " clock off beyond the skew test's bound; %" PRId64 " rows quarantined, <b>%"
		   PRId64 "</b> impersonation attempts; %zu unregistered names seen",
		fig_int(o, "reporting", 0), fig_int(o, "registered", 0), fig_int(o, "silent", 0),
		fig_int(o, "skewed", 0), fig_int(o, "quarantined_rows", 0),
		fig_int(o, "impersonation_attempts", 0), fig_len(un));
	for (size_t i = 0; i < fig_len(un); i++) {
		fputs(i ? ", " : ": ", f);
		esc(f, json_object_get_string(fig_at(un, i)));
	}
	fputs(".</p>", f);
	table(f, fig, &fig_fleet);
}

static void evidence(FILE *f, struct json_object *fig)
{
	static const char *const names[] = {"allowed", "denied", "break-glass"};
	static const char *const fill[] = {"#2f855a", "#dd6b20", "#c53030"};
	struct json_object *acc = fig_get(fig, "access");
	int64_t v[3] = {fig_int(acc, "allowed", 0), fig_int(acc, "denied", 0),
			fig_int(acc, "break_glass", 0)};
	int64_t max = v[0] > v[1] ? v[0] : v[1];

	fputs("<section><h2>Evidence coverage and collector health</h2>", f);
	table(f, fig, &fig_hosts);
	if (fig_len(fig_rows(fig, &fig_collectors)))
		fputs("<h3>Collectors (counters since the store began)</h3>", f);
	table(f, fig, &fig_collectors);
	fleet(f, fig);
	fputs("<h3>Logins: denied and break-glass</h3>"
	      "<svg width=\"640\" height=\"62\" viewBox=\"0 0 640 62\" role=\"img\""
	      " aria-label=\"logins\">", f);
	if (v[2] > max)
		max = v[2];
	for (int k = 0; k < 3; k++)
		bar(f, k * 20, names[k], &v[k], &fill[k], 1, max, 640);
	fputs("</svg>", f);
	table(f, fig, &fig_break_glass);
	fputs("</section>\n", f);
}

static void findings(FILE *f, struct json_object *fig)
{
	struct json_object *nc = fig_get(fig, "nonconformities");
	struct json_object *au = fig_get(fig, "audits");

	fputs("<section><h2>Nonconformities, overdue items and audits</h2><div class=\"kpis\">", f);
	kpi(f, "opened in the period", fig_int(nc, "opened", 0), false);
	kpi(f, "closed in the period", fig_int(nc, "closed", 0), false);
	kpi(f, "open now", fig_int(nc, "open", 0), false);
	kpi(f, "major open", fig_int(nc, "major_open", 0), fig_int(nc, "major_open", 0) > 0);
	if (fig_int(nc, "previous_open", -1) >= 0)
		kpi(f, "open at the previous report", fig_int(nc, "previous_open", 0), false);
	fputs("</div>", f);
	table(f, fig, &fig_ncs);
	fprintf(f, "<h3>Overdue (%zu)</h3>", fig_len(fig_rows(fig, &fig_overdue)));
	table(f, fig, &fig_overdue);
	fprintf(f, "<h3>Internal audits</h3><p>%" PRId64 " planned, %" PRId64
		   " held in the period, %" PRId64 " with findings.</p>",
		fig_int(au, "planned", 0), fig_int(au, "held", 0), fig_int(au, "with_findings", 0));
	table(f, fig, &fig_audits);
	fputs("</section>\n", f);
}

static void budget(FILE *f, struct json_object *fig)
{
	static const char *const names[] = {"spent", "committed", "remaining"};
	static const char *const fill[] = {"#2c5282", "#63b3ed", "#c6f6d5"};
	struct json_object *b = fig_get(fig, "budget");
	int64_t total = fig_int(b, "budget", -1), v[3];
	char m[4][32];

	v[0] = fig_int(b, "spent", 0);
	v[1] = fig_int(b, "committed", 0);
	v[2] = fig_int(b, "remaining", 0);
	fig_money(m[0], sizeof(m[0]), total);
	fig_money(m[1], sizeof(m[1]), v[0]);
	fig_money(m[2], sizeof(m[2]), v[1]);
	fig_money(m[3], sizeof(m[3]), v[2]);
	fprintf(f, "<section><h2>Budget</h2><div class=\"kpis\">"
		   "<div class=\"kpi\"><b>%s</b><span>budget</span></div>"
		   "<div class=\"kpi\"><b>%s</b><span>spent (measures implemented)</span></div>"
		   "<div class=\"kpi\"><b>%s</b><span>committed (planned, in progress)</span></div>"
		   "<div class=\"kpi\"><b%s>%s</b><span>remaining</span></div></div>",
		total >= 0 ? m[0] : "not set", m[1], m[2], v[2] < 0 ? " class=\"bad\"" : "", m[3]);
	if (total > 0) {
		/* cents are too fine for a bar: whole units */
		int64_t u[3] = {v[0] / 100, v[1] / 100, v[2] > 0 ? v[2] / 100 : 0};
		int64_t sum = u[0] + u[1] + u[2];

		fputs("<svg width=\"640\" height=\"40\""
		      " viewBox=\"0 0 640 40\" role=\"img\" aria-label=\"budget\">", f);
		bar(f, 0, "of the budget", u, fill, 3, sum > total / 100 ? sum : total / 100, 640);
		legend(f, 22, names, fill, 3);
		fputs("</svg>", f);
	}
	fputs("</section>\n", f);
}

int render_html(FILE *f, struct json_object *fig)
{
	head(f, fig);
	summary(f, fig);
	risks(f, fig);
	controls(f, fig);
	evidence(f, fig);
	findings(f, fig);
	budget(f, fig);
	fputs("</body></html>\n", f);
	return ferror(f) ? -EIO : 0;
}
