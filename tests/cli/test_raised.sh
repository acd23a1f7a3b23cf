# SPDX-License-Identifier: GPL-2.0-or-later
# A live indicator that raises a risk's likelihood puts the risk on the due
# list (ISO 27001 8.2: reassess on a change) until someone reassesses it:
# its likelihood or impact changed by hand after the raise, or a risk
# review of it done.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# raised: the overdue items of kind "risk raised by indicator", as [id, subject, responsible]
raised() {
	isms --json overdue
	js '[[i["id"], i["subject"], i["responsible"]] for i in d if i["what"] == "risk raised by indicator"]'
}
# cross [TS]: two failed logins on web1 (now, or at TS), then a scan: the
# indicator crosses its threshold of 2
cross() {
	isms -q evidence add --kind auth.failure --asset web1 --outcome failure ${1:+--ts "$1"}
	isms -q evidence add --kind auth.failure --asset web1 --outcome failure ${1:+--ts "$1"}
	isms -q indicator scan
}

isms -q init
isms -q person add --name alice --role security_officer
isms -q asset add --name web1 --type host --owner alice
isms -q risk add --title "Password guessing" --asset web1 --likelihood 1 --impact 3 --owner alice
isms -q risk add --title "Unrelated" --likelihood 1 --impact 1
isms -q indicator add --name failed-logins --title "failed logins on web1" --kind auth.failure \
	--asset web1 --window-minutes 60 --threshold 2 --risk R-1
expect_rc 0 "an indicator on R-1"
is "$(raised)" "[]" "nothing raised: nothing due"

cross
isms --json risk show R-1
is "$(js 'd["likelihood"]')" 2 "the crossing raised R-1 from 1 to 2"
isms --json overdue
is "$(js '[i["what"] for i in d if i["id"] == "R-1"]')" '["risk raised by indicator"]' \
	"overdue lists R-1 as raised by an indicator"
is "$(js '[(i["subject"].startswith("Password guessing: raised by indicator failed-logins on "), i["subject"].endswith(": reassess"), i["subject"][-20:-10] == i["since"], i["responsible"]) for i in d if i["id"] == "R-1"]')" \
	'[[true, true, true, "alice"]]' "it names the indicator and the day, says reassess, and who owns it"
isms overdue
expect_rc 0 "overdue as a table"
out_has "risk raised by indicator" "the table names it"
is "$(raised | python3 -c 'import json, sys; print([r[0] for r in json.load(sys.stdin)])')" "['R-1']" \
	"only the raised risk, not the other one"

# A change by hand that leaves likelihood and impact alone is no reassessment.
isms -q risk set R-1 --title "Password guessing on web1"
is "$(raised | python3 -c 'import json, sys; print([r[0] for r in json.load(sys.stdin)])')" "['R-1']" \
	"a new title is no reassessment: still due"
# The risk owner reassesses: the impact is re-rated.
isms -q risk set R-1 --impact 2
is "$(raised)" "[]" "R-1 re-rated by hand after the raise: no longer due"

# Raised again, by evidence of an earlier day that arrived late: the
# reassessment came before it in the chain, so it is due again, this time
# until a risk review of it is done.
cross 2024-03-05T10:00:00Z
isms --json risk show R-1
is "$(js 'd["likelihood"]')" 3 "a second crossing raised R-1 to 3"
is "$(raised)" '[["R-1", "Password guessing on web1: raised by indicator failed-logins on 2024-03-05: reassess", "alice"]]' \
	"raised again after the reassessment: due again, since the day of the evidence"
isms --json review list --risk R-1
rev=$(js '[v["id"] for v in d if v["done"] is None][-1]')
isms -q review set "$rev" --done "$(date -u +%Y-%m-%d)" --result ok
expect_rc 0 "the risk review the crossing opened is done"
is "$(raised)" "[]" "a risk review done since the raise: no longer due"

done_testing
