# SPDX-License-Identifier: GPL-2.0-or-later
# The reports of ismsctl on a real store: risk matrix and top, SoA, what is
# due and overdue, budget, settings, and loading a risk matrix.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"


# day N: the UTC date N days from today
day() { python3 -c 'import datetime, sys; print(datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=int(sys.argv[1])))' "$1"; }

# row LABEL: the table row starting with LABEL, blanks squeezed
row() { grep "^$1 " "$OUT" | tr -s ' ' | sed 's/ $//'; }

isms init -q
expect_rc 0 "init"
isms -q person add --name alice --role security_officer
isms -q person add --name bob --role management
isms -q asset add --name web1 --type host --owner alice

# --- risk matrix --------------------------------------------------------------------

isms risk matrix
expect_rc 0 "risk matrix of an empty register"
is "$(row very_frequent)" "very_frequent low* 0 high 0 very_high 0 very_high 0" \
	"the top row: the BSI 200-3 levels, no risks"
is "$(row rare)" "rare low* 0 low* 0 medium 0 medium 0" "the bottom row, low marked acceptable"

# likelihood x impact: R-1 4x4, R-2 4x4, R-3 1x1, R-4 3x2, R-5 2x4
isms -q risk add --title "Ransomware" --asset web1 --likelihood 4 --impact 4 --owner alice
isms -q risk add --title "Insider" --likelihood very-frequent --impact existential
isms -q risk add --title "Meteor" --likelihood rare --impact negligible
isms -q risk add --title "Phishing" --likelihood 3 --impact 2
isms -q risk add --title "Flood" --likelihood 2 --impact 4

isms risk matrix
expect_rc 0 "risk matrix"
out_has "Inherent risk matrix" "the table says inherent"
is "$(grep -c . "$OUT")" 7 "title, header, four rows and the risks not acceptable"
out_has "not acceptable now (4): R-1 (very_high), R-2 (very_high), R-4 (medium), R-5 (high)" \
	"which risks are not acceptable, and why" 
is "$(sed -n 3p "$OUT" | tr -s ' ' | sed 's/ $//')" \
	'likelihood \ impact negligible limited considerable existential' "the header names the impacts"
is "$(row very_frequent)" "very_frequent low* 0 high 0 very_high 0 very_high 2" \
	"two risks in very_frequent x existential"
is "$(row frequent)" "frequent low* 0 medium 1 high 0 very_high 0" "one in frequent x limited"
is "$(row medium)" "medium low* 0 low* 0 medium 0 high 1" "one in medium x existential"
is "$(row rare)" "rare low* 1 low* 0 medium 0 medium 0" "one in rare x negligible"

isms --json risk matrix
expect_rc 0 "risk matrix --json"
is "$(js 'sum(c["risks"] for c in d["counts"])')" 5 "--json counts all five risks"
is "$(js 'len(d["counts"])')" 16 "--json has 16 cells"
is "$(js '[(c["level"], c["risks"]) for c in d["counts"] if c["likelihood"] == "very_frequent" and c["impact"] == "existential"]')" \
	'[["very_high", 2]]' "--json: very_frequent x existential is very_high with 2"
is "$(js '[c["risks"] for c in d["counts"] if c["likelihood"] == "frequent" and c["impact"] == "limited"]')" \
	'[1]' "--json: frequent x limited has 1"
is "$(js 'd["residual"], d["acceptance"]')" '[false, "low"]' "--json says inherent and the acceptance level"
isms --csv risk matrix
is "$(head -n 1 "$OUT" | tr -d '\r')" "likelihood,impact,level,risks" "--csv header"
if grep -q "^very_frequent,existential,very_high,2" "$OUT"; then ok "--csv has the cell"; else not_ok "--csv has the cell"; fi

# Treat R-1 down to rare x limited; R-2 untreated stays where it is.
isms -q risk set R-1 --treatment mitigate --residual-likelihood 1 --residual-impact 2
isms risk matrix --residual
expect_rc 0 "risk matrix --residual"
out_has "Residual risk matrix" "the table says residual"
is "$(row very_frequent)" "very_frequent low* 0 high 0 very_high 0 very_high 1" \
	"--residual: R-1 left its cell, untreated R-2 stayed"
is "$(row rare)" "rare low* 1 low 1 medium 0 medium 0" \
	"--residual: R-1 is in rare x limited, its cell not marked: its residual is a target, no measure implemented"
out_has "* = every risk in it acceptable now" "--residual: the mark means acceptable"
isms risk matrix
is "$(row very_frequent)" "very_frequent low* 0 high 0 very_high 0 very_high 2" \
	"the inherent matrix still counts R-1 where it was"
isms --json risk matrix --residual
is "$(js 'd["residual"], sum(c["risks"] for c in d["counts"])')" '[true, 5]' "--residual --json counts all five"
isms risk matrix --inherent
expect_rc 2 "risk matrix with an unknown option"

isms -q setting set acceptance medium
isms risk matrix
is "$(row rare)" "rare low* 1 low* 0 medium* 0 medium* 0" "a higher acceptance marks medium too"
isms -q setting set acceptance low

# --- risk top -------------------------------------------------------------------------

# R-6 is low (4 x 1, score 4), R-7 medium (1 x 3, score 3): level before score.
isms -q risk add --title "Noisy" --likelihood 4 --impact 1
isms -q risk add --title "Quiet" --likelihood 1 --impact 3
isms --json risk top
expect_rc 0 "risk top"
is "$(js 'sorted(r["id"] for r in d[:2])')" '["R-1", "R-2"]' "the two very_high risks come first"
is "$(js '[r["id"] for r in d[2:]]')" '["R-5", "R-4", "R-7", "R-6", "R-3"]' \
	"then high, medium (higher score first), medium, low by score"
is "$(js '[r["level"] for r in d]')" \
	'["very_high", "very_high", "high", "medium", "medium", "low", "low"]' "levels never rise down the list"
isms --json risk top -n 3
is "$(js 'len(d)')" 3 "risk top -n 3 shows three"
isms risk top --limit=1
is "$(grep -c . "$OUT")" 2 "risk top --limit=1: header and one risk"
out_has "very_high" "and that one is very_high"
isms risk top
is "$(sed -n 1p "$OUT" | tr -s ' ' | sed 's/ $//')" \
	"id title asset level likelihood impact owner treatment residual_level acceptable" "risk top columns"

# --- SoA ------------------------------------------------------------------------------------

isms soa --summary
expect_rc 0 "soa --summary"
is "$(row organizational)" "organizational 37 0 0 37 0 0 0 0" "37 organizational controls, all undecided, none counted as not started"
is "$(row people)" "people 8 0 0 8 0 0 0 0" "8 people controls"
is "$(row physical)" "physical 14 0 0 14 0 0 0 0" "14 physical controls"
is "$(row technological)" "technological 34 0 0 34 0 0 0 0" "34 technological controls"
is "$(row total)" "total 93 0 0 93 0 0 0 0" "93 controls in all"

isms -q control set 5.1 --applicable yes --status implemented --justification "required by 5.2"
isms -q control set 5.2 --applicable yes --status partial
isms -q control set 7.4 --applicable no --justification "no premises" --status implemented
isms -q control set 8.15 --applicable yes --status planned
isms --json soa --summary
expect_rc 0 "soa --summary --json"
is "$(js '[(t["theme"], t["controls"]) for t in d]')" \
	'[["organizational", 37], ["people", 8], ["physical", 14], ["technological", 34], ["total", 93]]' \
	"--json: 37/8/14/34/93"
is "$(js '[t for t in d if t["theme"] == "total"][0]')" \
	'{"theme": "total", "controls": 93, "applicable": 3, "not_applicable": 1, "undecided": 89, "implemented": 1, "partial": 1, "planned": 1, "not_started": 0, "soa_version": "no approved version", "soa_approved_at": null, "soa_approved_by": null}' \
	"--json totals: 3 applicable, 1 not, 89 undecided; status counted over applicable controls only; no approved version"
is "$(js '[t["applicable"] for t in d if t["theme"] == "organizational"]')" '[2]' \
	"two organizational controls apply"
isms soa
expect_rc 0 "soa"
is "$(grep -c . "$OUT")" 95 "soa lists 93 controls, a header and the version line"
out_has "SoA: no approved version" "soa says there is no approved version"
is "$(row 7.4 | awk '{ print $1, $(NF - 3), $(NF - 2), $(NF - 1), $NF }')" "7.4 no implemented no premises" "soa shows applicability, status and justification"
isms --json soa
is "$(js '[(c["applicable"], c["justification"]) for c in d if c["id"] == "5.1"]')" \
	'[["yes", "required by 5.2"]]' "soa --json has the justification"

# --- review due -------------------------------------------------------------------------------

isms -q review add --kind access --subject "overdue one" --due 2020-01-01 --reviewer alice
isms -q review add --kind access --subject "done one" --due 2020-01-01 --done 2020-01-02 --result ok
isms -q review add --kind risk --subject "far future" --due 2099-01-01
isms -q review add --kind policy --subject "next week" --due "$(day 5)"
isms -q review add --kind asset --subject "in two months" --due "$(day 60)"
isms --json review due
expect_rc 0 "review due"
is "$(js '[r["id"] for r in d]')" '["V-1", "V-4"]' "review due: the overdue one first, then the one due soon"
is "$(js '[r["overdue"] for r in d]')" '[true, false]' "only the first is overdue"
isms review due
out_has "overdue one" "the table lists the overdue review"
out_lacks "done one" "a review done is not due"
out_lacks "far future" "a review far in the future is not due"
out_lacks "in two months" "a review in two months is not due within 30 days"
isms --json review due --within 0
is "$(js '[r["id"] for r in d]')" '["V-1"]' "--within 0: only the overdue one"
isms --json review due --within 90
is "$(js '[r["id"] for r in d]')" '["V-1", "V-4", "V-5"]' "--within 90 adds the one in two months"
isms review due --within -1
expect_rc 2 "--within -1"
isms -q review set V-1 --done "$(day 0)" --result ok
isms --json review due
is "$(js '[r["id"] for r in d]')" '["V-4"]' "once done the overdue review is no longer due"

# --- overdue --------------------------------------------------------------------------------------

isms -q review add --kind access --subject "late review" --due 2020-02-01 --reviewer bob
isms -q measure add --title "late measure" --due 2020-03-01 --owner alice
isms -q measure add --title "late but implemented" --due 2020-03-01 --status implemented
isms -q measure add --title "measure not due" --due 2099-01-01
isms -q document add --name policy --title "Security policy" --version 1 --next-review 2020-04-01 \
	--approved-by bob --approved-at 2019-04-01
isms -q document add --name handbook --title "Handbook" --version 1 --next-review 2099-01-01
isms -q risk set R-3 --accepted-by bob --accepted-at 2019-01-01 --accepted-until 2019-12-31
isms -q risk set R-6 --accepted-by bob --accepted-at 2019-01-01 --accepted-until 2099-12-31
isms --json overdue
expect_rc 0 "overdue"
is "$(js '[(o["what"], o["id"]) for o in d]')" \
	'[["risk acceptance expired", "R-3"], ["review", "V-6"], ["measure", "M-1"], ["document review", "policy"], ["appointment", "alice"], ["risk treatment plan", "R-1"]]' \
	"overdue: expired acceptance, review, measure, document, oldest first; then what is due today: the security officer's appointment, R-1's treatment plan"
is "$(js '[o["since"] for o in d]')" "[\"2019-12-31\", \"2020-02-01\", \"2020-03-01\", \"2020-04-01\", \"$(day 0)\", \"$(day 0)\"]" \
	"overdue gives the dates"
is "$(js '[o["responsible"] for o in d]')" '[null, "bob", "alice", "bob", null, "alice"]' "overdue names who is responsible"
isms overdue
out_lacks "late but implemented" "an implemented measure is not overdue"
out_lacks "Handbook" "a document not yet due is not overdue"
out_lacks "R-6" "an acceptance still valid is not overdue"
out_lacks "V-2" "a review done is not overdue"
isms overdue --all-of-it
expect_rc 2 "overdue takes no arguments"

# --- budget ---------------------------------------------------------------------------------------

isms budget
expect_rc 0 "budget without a budget set"
err_has "no budget set" "budget says none is set"
isms --json budget
is "$(js 'd[0]["budget"], d[0]["committed"]')" '[null, 0.0]' "--json: budget null"
isms -q setting set budget 10000
isms -q measure set M-1 --cost 1200.50
isms -q measure set M-2 --cost 100
isms -q measure add --title "verified" --cost 50 --status verified
isms -q measure add --title "cancelled" --cost 999.99 --status cancelled
isms -q measure add --title "in progress" --cost 0.25 --status in_progress
isms budget
expect_rc 0 "budget"
is "$(sed -n 2p "$OUT" | tr -s ' ' | sed 's/^ //; s/ $//')" "10000.00 150.00 1200.75 8649.25" \
	"budget: spent 150.00, committed 1200.75, remaining 8649.25"
isms --json budget
is "$(js 'd[0]["budget"], d[0]["spent"], d[0]["committed"], d[0]["remaining"]')" \
	'[10000.0, 150.0, 1200.75, 8649.25]' "--json budget figures"
isms -q setting set budget 1000
isms --json budget
is "$(js 'd[0]["remaining"]')" -350.75 "an overspent budget goes negative"

# --- settings ---------------------------------------------------------------------------------------

isms setting set organisation "Example GmbH"
expect_rc 0 "setting set organisation"
out_has "setting 'organisation' changed" "setting set confirms"
isms setting list
expect_rc 0 "setting list"
is "$(row organisation)" "organisation Example GmbH" "setting list shows the organisation"
is "$(row budget)" "budget 1000.00" "setting list shows the budget as an amount"
is "$(row acceptance)" "acceptance low" "setting list shows the acceptance as a level"
isms setting set acceptance 3
isms --json setting
is "$(js '[s["value"] for s in d]')" '["Example GmbH", "1000.00", "high", null, null, null]' \
	"acceptance given as a number is shown as its level (protection minimums and package catalogues unset)"
isms --json risk show R-5
is "$(js 'd["acceptable"]')" true "a high risk is acceptable at 'high'"
isms setting set acceptance extreme
expect_rc 5 "an acceptance that is no level"
err_has "'extreme' is not a level" "the message names the value"
isms setting set budget 12.345
expect_rc 5 "a budget with three decimals"
isms setting set organisation ""
expect_rc 5 "an empty organisation"
isms setting set budget
expect_rc 2 "setting set without a value"
isms setting get budget
expect_rc 2 "setting has no 'get'"

# --- matrix show / load -------------------------------------------------------------------------------

isms matrix show
expect_rc 0 "matrix show"
is "$(js 'd["likelihood"], d["impact"], d["levels"], d["acceptance"]')" \
	'[["rare", "medium", "frequent", "very_frequent"], ["negligible", "limited", "considerable", "existential"], ["low", "medium", "high", "very_high"], "high"]' \
	"matrix show: the BSI 200-3 axes, levels and acceptance"
is "$(js 'd["cells"]')" '[[1, 1, 2, 2], [1, 1, 2, 3], [1, 2, 3, 4], [1, 3, 4, 4]]' "matrix show: the cells"
isms matrix
is "$(js 'len(d["cells"])')" 4 "'matrix' alone shows it too"

cat >"$T/m3.json" <<'EOF'
{"likelihood": ["unlikely", "possible", "likely"],
 "impact": ["minor", "major", "severe"],
 "levels": ["green", "amber", "red"],
 "cells": [[1, 1, 2], [1, 2, 3], [2, 3, 3]],
 "acceptance": "amber"}
EOF
isms matrix load "$T/m3.json"
expect_rc 4 "matrix load refused while a risk is rated 4"
err_has "is rated beyond the new matrix; re-rate it first" "the message says to re-rate"
isms matrix show
is "$(js 'len(d["levels"]), d["acceptance"]')" '[4, "high"]' "the refused load changed nothing"

# Re-rate the risks beyond 3 x 3; R-1's residual 1 x 2 fits already.
for r in R-1 R-2 R-5 R-6; do isms -q risk set "$r" --likelihood 3 --impact 3; done
isms matrix load "$T/m3.json"
expect_rc 0 "matrix load once every risk fits"
out_has "risk matrix replaced (3x3, 3 levels)" "matrix load confirms the size"
isms matrix show
is "$(js 'd["likelihood"], d["impact"], d["levels"], d["cells"], d["acceptance"]')" \
	'[["unlikely", "possible", "likely"], ["minor", "major", "severe"], ["green", "amber", "red"], [[1, 1, 2], [1, 2, 3], [2, 3, 3]], "amber"]' \
	"matrix show returns the loaded matrix"
isms setting list
is "$(row acceptance)" "acceptance amber" "the acceptance comes from the file"
isms --json risk list
is "$(js '[(r["id"], r["level"]) for r in d]')" \
	'[["R-1", "red"], ["R-2", "red"], ["R-3", "green"], ["R-4", "red"], ["R-5", "red"], ["R-6", "red"], ["R-7", "amber"]]' \
	"every risk is rated on the new matrix"
isms --json risk show R-1
is "$(js 'd["residual_level"], d["current_level"], d["acceptable"]')" '["green", "red", false]' \
	"residual level on the new matrix (1 x 2): a target, with no measure implemented"
isms --json risk add --title "New" --likelihood likely --impact severe
expect_rc 0 "risk add with the new labels"
isms --json risk show R-8
is "$(js 'd["likelihood"], d["impact"], d["level"]')" '[3, 3, "red"]' "the new labels are 3 and 3"
isms risk add --title "Too likely" --likelihood 4 --impact 1
expect_rc 5 "likelihood 4 on a 3x3 matrix"
err_has "1-3" "the message gives the new range"
isms risk add --title "Old label" --likelihood rare --impact 1
expect_rc 5 "an old label is gone"
isms risk matrix
is "$(sed -n 3p "$OUT" | tr -s ' ' | sed 's/ $//')" 'likelihood \ impact minor major severe' \
	"risk matrix shows the new impacts"
is "$(row likely)" "likely amber* 0 red 1 red 5" "risk matrix counts on the new matrix"
is "$(row unlikely)" "unlikely green* 1 green* 0 amber* 1" "amber is now acceptable"

printf '{"likelihood": ["a", "b"], "impact": ["x", "y"], "levels": ["lo", "hi"], "cells": [[2, 1], [2, 2]]}' \
	>"$T/dip.json"
isms matrix load "$T/dip.json"
expect_rc 5 "a matrix whose level drops with impact"
err_has "lower than a cell of lesser likelihood or impact" "the message says why"
printf '{"likelihood": ["a", "b"], "impact": ["x", "y"], "levels": ["lo", "hi"], "cells": [[1, 1]]}' \
	>"$T/rows.json"
isms matrix load "$T/rows.json"
expect_rc 5 "a matrix with a row missing"
err_has "cells: must be an array of 2 rows" "the message names the cells"
printf '{"likelihood": ["a", "b"], "impact": ["x", "y"], "levels": ["lo", "hi"], "cells": [[1, 1], [1, 2]], "acceptance": "mid"}' \
	>"$T/acc.json"
isms matrix load "$T/acc.json"
expect_rc 5 "a matrix with an unknown acceptance level"
printf '{"likelihood": ["a", "a"], "impact": ["x", "y"], "levels": ["lo", "hi"], "cells": [[1, 1], [1, 2]]}' \
	>"$T/twice.json"
isms matrix load "$T/twice.json"
expect_rc 5 "a matrix with a label used twice"
printf '{"likelihood": [' >"$T/trunc.json"
isms matrix load "$T/trunc.json"
expect_rc 5 "a matrix file that is not JSON"
# Strict JSON (issue #8): no second "cells", no comment, nothing hidden behind a NUL.
printf '{"likelihood": ["a", "b"], "impact": ["x", "y"], "levels": ["lo", "hi"], "cells": [[1, 1], [1, 2]], "cells": [[2, 2], [2, 2]]}' \
	>"$T/dup.json"
isms matrix load "$T/dup.json"
expect_rc 5 "a matrix with a member given twice"
err_has "\$.cells: not valid JSON: member given twice" "the second member is named"
printf '{"likelihood": ["a", "b"], "impact": ["x", "y"], "levels": ["lo", "hi"], /* c */ "cells": [[1, 1], [1, 2]]}' \
	>"$T/comment.json"
isms matrix load "$T/comment.json"
expect_rc 5 "a matrix with a comment"
printf '{"likelihood": ["a", "b"], "impact": ["x", "y"], "levels": ["lo", "hi"], "cells": [[1, 1], [1, 2]]}\000junk' \
	>"$T/nul.json"
isms matrix load "$T/nul.json"
expect_rc 5 "a matrix file with a NUL byte"
err_has "NUL byte at byte 99" "the NUL byte is named"
isms matrix load
expect_rc 2 "matrix load without a file"
isms matrix show
is "$(js 'd["levels"]')" '["green", "amber", "red"]' "the refused loads kept the 3x3 matrix"

done_testing
