# SPDX-License-Identifier: GPL-2.0-or-later
# The board report on a real store: the JSON figures against the register
# and the planted evidence, what a report made keeps (period_risk,
# period_report, report.made), the trend of a second period from what the
# first kept, hostile titles escaped in HTML and Markdown, -o and errors.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

ev() { isms -q evidence add "$@"; [ "$RC" -eq 0 ] || not_ok "evidence add $*"; }
sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$ISMS_STORE" "$1"; }
U="--tz UTC"
XSS='<script>alert(1)</script>'

isms init -q
isms -q setting set organisation "Acme & <b>Sons</b>"
isms -q setting set budget 1000
isms -q person add --name olga --role asset_owner
isms -q risk add --title "$XSS" --likelihood 2 --impact 3 --owner olga
isms -q risk add --title "lost logs" --likelihood 4 --impact 4 --treatment mitigate \
	--residual-likelihood 1 --residual-impact 2
isms -q risk add --title "[click](javascript:alert(1)) *bold* | cell" --likelihood 1 --impact 1
isms -q risk add --title "accepted, not signed" --likelihood 3 --impact 3 --treatment accept
isms -q measure add --title "MFA" --risk R-1 --cost 250 --status implemented
isms -q measure add --title "SIEM" --risk R-2 --cost 400.50 --status planned
isms -q measure add --title "dropped" --risk R-2 --cost 99 --status cancelled
isms -q nc add --title "major one" --opened 2026-10-02 --severity major
# closed as 'nc close' leaves one (its effectiveness check is cli-nc's business)
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO nonconformity (id, title, opened, closed, status, effectiveness) VALUES (?, ?, ?, ?, ?, ?)", ("NC-2", "closed one", "2026-09-20", "2026-10-10", "closed", "effective")); c.commit()' "$ISMS_STORE"
isms -q nc add --title "next month" --opened 2026-11-03
# the hosts the evidence names are assets: evidence add takes no unregistered one
isms -q asset add --name web-01 --type host
isms -q asset add --name db-01 --type host
ev --kind access.allow --asset web-01 --subject alice --ts 2026-10-05T08:00:00Z
ev --kind access.deny --asset web-01 --subject bob --ts 2026-10-05T10:00:00Z
ev --kind access.deny --asset db-01 --subject bob --ts 2026-10-31T23:59:59.5Z
ev --kind access.deny --asset db-01 --subject bob --ts 2026-11-01T00:00:00Z
ev --kind access.break-glass --asset db-01 --subject "$XSS" --ts 2026-10-06T03:00:00Z
ev --kind collector.alive --asset db-01 --outcome alive --ts 2026-10-06T04:00:00Z \
	--details '{"received":10,"stored":9,"lost":0}'
ev --kind collector.alive --asset db-01 --outcome degraded --ts 2026-10-06T04:15:00Z \
	--details '{"received":7,"stored":5,"lost":2}'

isms -q person add --name ida --role auditor
isms -q audit add --title "access control" --scope bastion --auditor ida --planned 2026-10-20 \
	--held 2026-10-21 --status held --result minor_findings
isms -q audit add --title "backups" --scope db --auditor ida --planned 2099-12-01
isms -q audit add --title "cancelled one" --scope db --auditor ida --planned 2026-10-05 --status cancelled

# --- the figures --------------------------------------------------------------------
isms --json report --period 2026-10 $U --dry-run
expect_rc 0 "report --dry-run --json"
is "$(js '[d["format"], d["period"]["label"], d["period"]["since"], d["period"]["until"]]')" \
	'[1, "2026-10", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"]' "the period"
is "$(js 'd["organisation"]')" "Acme & <b>Sons</b>" "the organisation, as the register has it"
is "$(js 'd["heatmap"]["inherent"]')" '[[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]' \
	"the inherent heat map counts each risk in its cell"
is "$(js 'd["heatmap"]["residual"]')" '[[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]]' \
	"the residual heat map moves the treated risk"
is "$(js '[r["id"] for r in d["top_risks"]]')" '["R-2", "R-4", "R-1", "R-3"]' \
	"top risks by level, then likelihood x impact"
is "$(js '[d["risks"]["total"], d["risks"]["above_acceptance"]]')" '[4, 2]' \
	"risks above acceptance: residual where rated, else inherent"
is "$(js '[[x["kind"], x["id"]] for x in d["decisions"]]')" \
	'[["risk_treatment", "R-1"], ["risk_acceptance", "R-4"], ["nonconformity", "NC-1"], ["overdue", "R-2"]]' \
	"decisions: an untreated risk, an acceptance to sign, a major nonconformity, R-2's treatment plan not approved"
is "$(js '[d["access"]["allowed"], d["access"]["denied"], d["access"]["break_glass"]]')" \
	'[1, 2, 1]' "logins of the period (a row at 23:59:59.5 in, one at midnight after out)"
is "$(js '[[u["subject"], u["host"]] for u in d["access"]["break_glass_uses"]]')" \
	"[[\"$XSS\", \"db-01\"]]" "the break-glass use, who and where"
is "$(js '[[h["host"], h["rows"], h["heartbeats"], h["degraded"], h["lost"]] for h in d["hosts"]]')" \
	'[["db-01", 4, 2, 1, 2], ["web-01", 2, 0, 0, 0]]' "coverage per host and collector health"
is "$(js '[d["hosts"][0]["longest_gap_s"], d["hosts"][0]["silent_s"], d["hosts"][1]["silent_s"]]')" \
	'[900, 2231100, null]' "the longest gap between heartbeats, the silence since the last to the end"
is "$(js '[d["nonconformities"][k] for k in ("opened", "closed", "open", "major_open")]')" \
	'[1, 1, 2, 1]' "nonconformities opened, closed in the period, open, major"
is "$(js '[d["audits"][k] for k in ("planned", "held", "with_findings")] + [a["id"] for a in d["audits"]["list"]]')" \
	'[1, 1, 1, "IA-3", "IA-1", "IA-2"]' "audits: one still planned, one held in the period with findings"
is "$(js '[d["budget"][k] for k in ("budget", "spent", "committed", "remaining")]')" \
	'[100000, 25000, 40050, 34950]' "the budget in cents, as ismsctl budget has it"
is "$(js '[[o["what"], o["id"]] for o in d["overdue"]]')" '[["risk treatment plan", "R-2"]]' \
	"nothing overdue but R-2's treatment plan, mitigated without its owner's approval"
isms -q review add --kind access --subject "$XSS" --reviewer olga --due 2026-10-15
isms --json report --period 2026-10 $U --dry-run
is "$(js '[[o["what"], o["id"], o["since"]] for o in d["overdue"]][:1]')" '[["review", "V-1", "2026-10-15"]]' \
	"an overdue review, as ismsctl overdue lists it (before R-2's plan, due today)"
is "$(js '[x["id"] for x in d["decisions"] if x["kind"] == "overdue"]')" '["V-1", "R-2"]' \
	"and a decision asked for it"
isms --json budget
is "$(js '[d[0]["spent"], d[0]["committed"], d[0]["remaining"]]')" '[250.0, 400.5, 349.5]' \
	"ismsctl budget reads the same figures"
is "$(sql 'SELECT count(*) FROM period_report')" "0" "--dry-run keeps nothing"

# --- the periods remember ------------------------------------------------------------
isms --json report --period 2026-10 $U
expect_rc 0 "report made"
cp "$OUT" "$T/oct.json"
is "$(js 'd["previous"]')" "null" "no earlier report to compare with"
is "$(js '[r["trend"] for r in d["top_risks"]]')" '["new", "new", "new", "new"]' "every risk new"
err_has "report of 2026-10, kept with sha256 " "says what it kept"
is "$(sql 'SELECT count(*) FROM period_risk WHERE period = "2026-10"')" "4" "one period_risk row per risk"
is "$(sql 'SELECT level || "/" || residual_level || "/" || treatment FROM period_risk WHERE risk = "R-2"')" \
	"very_high/low/mitigate" "with its levels and treatment"
sha=$(sql 'SELECT sha256 FROM period_report WHERE period = "2026-10"')
is "$(python3 -c 'import hashlib,sqlite3,sys; print(hashlib.sha256(sqlite3.connect(sys.argv[1]).execute("SELECT figures FROM period_report").fetchone()[0].encode()).hexdigest())' "$ISMS_STORE")" \
	"$sha" "the figures kept with their SHA-256"
is "$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1], "rb").read().rstrip(b"\n")).hexdigest())' "$T/oct.json")" \
	"$sha" "--format json printed the very figures kept"
isms --json evidence list --kind report.made
is "$(js '[[e["subject"], e["details"]["sha256"]] for e in d]')" "[[\"2026-10\", \"$sha\"]]" \
	"a report.made evidence row with the period and the SHA-256"
isms -q report --period 2026-10 $U --format json
is "$(sql 'SELECT count(*) FROM period_risk')/$(sql 'SELECT count(*) FROM period_report')" "4/1" \
	"the same period made again replaces its rows"

# the register changes; November compares with October as it was kept
isms -q risk set R-1 --likelihood 4
isms -q risk set R-3 --likelihood 3 --impact 4
isms -q risk set R-4 --likelihood 1 --impact 1
isms -q risk add --title "new in November" --likelihood 2 --impact 2
isms --json report --period 2026-11 $U
expect_rc 0 "the second period's report"
is "$(js 'd["previous"]')" "2026-10" "compares with the latest earlier period"
is "$(js '{r["id"]: [r["previous_level"], r["trend"]] for r in d["top_risks"]}["R-1"]')" \
	'["medium", "up"]' "a risk raised shows its rise since the last period"
is "$(js '{r["id"]: r["trend"] for r in d["top_risks"]}["R-2"]')" "same" "an unchanged one stays"
is "$(js '{r["id"]: r["trend"] for r in d["top_risks"]}["R-5"]')" "new" "a new one is new"
is "$(js '[d["nonconformities"]["previous_open"], d["nonconformities"]["opened"]]')" '[2, 1]' \
	"nonconformities against the last period's"
# the trend comes from history: October's kept rows, not today's register
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE period_risk SET level = ? WHERE risk = ? AND period = ?", ("low", "R-2", "2026-10")); c.commit()' "$ISMS_STORE"
isms --json report --period 2026-11 $U --dry-run
is "$(js '{r["id"]: [r["previous_level"], r["trend"]] for r in d["top_risks"]}["R-2"]')" \
	'["low", "up"]' "the trend reads period_risk, not the register"

# --- a local month across the end of summer time ---------------------------------------
if [ -e /usr/share/zoneinfo/Europe/Berlin ]; then
	isms --json report --period 2026-10 --tz Europe/Berlin --dry-run
	is "$(js '[d["period"]["since"], d["period"]["until"]]')" \
		'["2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z"]' "October in Berlin: 31 days and an hour"
	# 23:59:59.5 UTC on the 31st is 00:59 on November 1st in Berlin: November's
	is "$(js '[d["access"]["denied"], d["access"]["allowed"]]')" '[1, 1]' \
		"the rows of the local month only"
else
	ok "# SKIP zone Europe/Berlin not installed (tzdata)"
fi

# --- rendering: hostile text escaped ------------------------------------------------
isms report --period 2026-10 $U --format html --dry-run
expect_rc 0 "html"
out_lacks "$XSS" "no raw script tag from a risk title in the HTML"
out_has "&lt;script&gt;alert(1)&lt;/script&gt;" "the title escaped"
out_has "Acme &amp; &lt;b&gt;Sons&lt;/b&gt;" "the organisation escaped"
out_lacks "<b>Sons" "no markup from the register"
if grep -qiE 'https?:|src=|url\(|@import|<script|<link|<img|<iframe' "$OUT"; then
	not_ok "html refers to nothing outside itself"
else
	ok "html refers to nothing outside itself"
fi
out_has "@page{size:A4" "A4 pages"
out_has "<svg " "inline SVG"
out_has '<td class="n nw">15 min</td>' "durations for people"
isms report --period 2026-10 $U --format md --dry-run
expect_rc 0 "markdown"
out_lacks "$XSS" "no raw script tag in the Markdown"
out_has "&lt;script&gt;alert(1)&lt;/script&gt;" "the title escaped for Markdown"
out_has '\[click\](javascript:alert(1)) \*bold\* \| cell' "no link, emphasis or cell from a title"
out_has "## Decisions asked of management" "the decisions section"

# --- -o and errors -----------------------------------------------------------------------
isms report --period 2026-10 $U --format html -o "$T/r.html" --dry-run
expect_rc 0 "-o"
is "$(wc -c <"$OUT" | tr -d ' ')" "0" "-o writes nothing on stdout"
if grep -q "</html>" "$T/r.html"; then ok "-o wrote the whole file"; else not_ok "-o wrote the whole file"; fi
is "$(stat -c %a "$T/r.html")" "640" "the report is not world-readable"
isms report --period 2026-10 $U --format html -o "$T/nodir/r.html" --dry-run
expect_rc 3 "-o into a missing directory fails"
err_has "cannot write '$T/nodir/r.html'" "naming the file"
isms report --period 2026-13 $U
expect_rc 2 "a bad period is refused"
err_has "'2026-13' is not a period" "with the reason"
isms report --format pdf
expect_rc 2 "an unknown format is refused"
isms report --help
expect_rc 0 "report --help"
out_has "Usage: ismsctl report" "with its usage"

# An empty register reports too: no risks, nothing to sort (qsort of none).
ISMS_STORE="$T/empty.db" isms -q init
ISMS_STORE="$T/empty.db" isms --json report --dry-run
expect_rc 0 "a report of an empty register"
is "$(js 'd["risks"]["total"], d["top_risks"]')" '[0, []]' "with no risks"

done_testing
