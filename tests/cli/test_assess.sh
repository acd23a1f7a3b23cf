# SPDX-License-Identifier: GPL-2.0-or-later
# Control tests on a real store: the 'test' register, 'assess' over planted
# evidence (pass, fail, insufficient) in local periods across the end of
# summer time, the results in the chain and per period, attestations, and
# the SoA's observed status beside the claimed one.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
[ -e /usr/share/zoneinfo/Europe/Berlin ] || skip_all "zone Europe/Berlin not installed (tzdata)"

B="--tz Europe/Berlin"
ev() { isms -q evidence add "$@"; [ "$RC" -eq 0 ] || not_ok "evidence add $*"; }

isms init -q
expect_rc 0 "init"
isms --json test list
is "$(js 'len(d)')" "18" "init loads the built-in tests"
is "$(js 'sorted({t["control"] for t in d})')" \
	'["5.15", "5.16", "5.17", "5.18", "6.3", "8.15", "8.16", "8.17", "8.19", "8.2", "8.5", "8.9"]' \
	"built-in tests for every control the hosts evidence"
isms init -q
isms --json test list
is "$(js 'len(d)')" "18" "init again keeps them once"

# --- the register ---------------------------------------------------------------------
isms test add --name bad --title x --control 5.15 --rule "count kind=access.deny"
expect_rc 5 "a rule that does not parse is refused"
err_has "count needs max=N or min=N" "with the reason"
isms test add --name bad --title x --control 5.15 --rule "every kind=x require=colour(red)"
expect_rc 5 "an unknown fact is refused"
isms test add --name bad --title x --control 9.99 --rule "count kind=x max=1"
expect_rc 3 "an unknown control is refused"
isms -q test add --name hb --title "Ticks every 6 hours" --control 8.15 --frequency daily \
	--rule "heartbeat kind=tick max_gap=7h"
expect_rc 0 "test add"
isms test set hb --rule "heartbeat kind=tick max_gap=8x"
expect_rc 5 "test set checks the rule too"
isms test show hb
out_has "heartbeat kind=tick max_gap=7h" "test show has the rule"

# --- heartbeat: the 25-hour day summer time ends (2026-10-25 in Berlin) --------------
# local 00:00, 05:00 (6 h), 11:00 CET (13 h), 17:00, 23:59; 00:00 the next day
for t in 2026-10-24T22:00:00Z 2026-10-25T04:00:00Z 2026-10-25T11:00:00Z 2026-10-25T17:00:00Z \
	2026-10-25T22:59:00Z 2026-10-25T23:00:00Z; do
	ev --kind tick --control 8.15 --ts "$t"
done
isms --json assess $B --test hb --period 2026-10-25
expect_rc 0 "assess a heartbeat"
is "$(js '[d[0]["result"], d[0]["rows"], d[0]["first_evidence"], d[0]["last_evidence"]]')" \
	'["pass", 5, 2, 6]' "the longest gap is 7 h; the tick at midnight after the day is not its (row 1: the test's history)"
is "$(js 'd[0]["since"] + " " + d[0]["until"]')" "2026-10-24T22:00:00Z 2026-10-25T23:00:00Z" \
	"the local day has 25 hours"
isms -q test set hb --rule "heartbeat kind=tick max_gap=6h" --version 2
isms --json assess $B --test hb --period 2026-10-25
is "$(js '[d[0]["result"], d[0]["violations"]]')" '["fail", 1]' "a 7 h gap fails a 6 h heartbeat"
isms --json evidence list --kind assessment.result
is "$(js '[e["outcome"] for e in d]')" '["pass", "fail"]' "each result is evidence in the chain"
is "$(js 'd[1]["details"]["spans"]')" \
	'[{"from": "2026-10-25T04:00:00Z", "to": "2026-10-25T11:00:00Z"}]' "with the gap"
isms assess $B --test hb --period 2026-10-25
expect_rc 0 "a whole period assessed is not assessed again"
err_has "1 already assessed for the whole period" "and says so"
isms --json assess $B --test hb --period 2026-10-26
is "$(js 'd[0]["result"]')" "fail" "the next day: one tick at midnight, then nothing"
isms --json assess $B --test hb --period 2026-10-27
is "$(js '[d[0]["result"], d[0]["rows"]]')" '["insufficient", 0]' "no evidence: insufficient, never a pass"
# --previous: each test's last period that has ended (for a timer after it).
prev_month=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)
isms --json assess --tz UTC --previous --test access-review-valid
expect_rc 0 "assess --previous"
is "$(js 'd[0]["period"]')" "$prev_month" "a monthly test covers the month before this one"
is "$(js 'd[0]["until"]')" "$(date -u +%Y-%m-01)T00:00:00Z" "to its end, not up to now"
isms assess --tz UTC --previous --test access-review-valid
err_has "1 already assessed for the whole period" "run again (a daily timer): not assessed again"
isms assess --previous --period 2026-10
expect_rc 2 "--previous with --period is a usage error"
err_has "give one" "the message says which"

isms --json assessment list --test hb
is "$(js '[a["period"] + ":" + a["result"] for a in d]')" \
	'["2026-10-25:pass", "2026-10-25:fail", "2026-10-26:fail", "2026-10-27:insufficient"]' \
	"results are kept per period"

# --- count per local day: two denials an hour apart, on two days in Berlin ------------
isms -q test add --name denials --title "At most one denial a day" --control 5.15 \
	--rule "count kind=access.deny max=1 per=day"
# the host the logins come from is an asset: evidence add takes no unregistered one
isms -q asset add --name bastion --type host
ev --kind access.allow --subject alice --asset bastion --ts 2026-10-25T08:00:00Z
ev --kind access.deny --subject bob --asset bastion --ts 2026-10-25T22:30:00Z
ev --kind access.deny --subject bob --asset bastion --ts 2026-10-25T23:30:00Z
isms --json assess $B --test denials --period 2026-10-24..2026-10-27
is "$(js 'd[0]["result"]')" "pass" "23:30 and 00:30 in Berlin are two days"
isms --json assess --tz UTC --test denials --period 2026-10-24..2026-10-27
is "$(js '[d[0]["result"], d[0]["matched"]]')" '["fail", 2]' "in UTC they are one"

# --- every: allowed logins need a valid access review ----------------------------------
isms -q person add --name alice --role admin
isms -q person add --name bob --role user
isms -q review add --kind access --subject "alice on bastion" --person alice --asset bastion \
	--due 2026-10-01 --done 2026-09-01 --result ok
isms --json assess $B --test access-review-valid --period 2026-10
is "$(js '[d[0]["result"], d[0]["rows"], d[0]["hosts"]]')" '["pass", 1, "bastion"]' \
	"alice's login falls within 90 days of her review"
ev --kind access.allow --subject bob --asset bastion --ts 2026-10-26T09:00:00Z
bob_row=$("$ISMSCTL" --json evidence list --kind access.allow |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
isms --json assess $B --test access-review-valid --period 2026-10 --again
is "$(js '[d[0]["result"], d[0]["violations"]]')" '["fail", 1]' "bob's login had no review"
isms --json evidence list --kind assessment.result --subject access-review-valid
is "$(js 'd[-1]["details"]["failing_rows"]')" "[$bob_row]" "the failing row is named"
isms --json assess $B --test access-review-valid --period 2026-09
is "$(js 'd[0]["result"]')" "insufficient" "no logins: insufficient"

# --- attestation with an expiry -------------------------------------------------------
isms --json assess $B --test monitoring-attested --period 2026-Q3
is "$(js 'd[0]["result"]')" "insufficient" "no attestation yet"
isms test attest monitoring-attested --by nobody
expect_rc 3 "an attestation by someone not in the register is refused"
isms -q test attest monitoring-attested --by alice --note "alerts followed up"
isms --json assess $B --test monitoring-attested
is "$(js 'd[0]["result"]')" "pass" "attested this quarter"
isms -q test attest monitoring-attested --by alice --outcome ineffective
isms --json assess $B --test monitoring-attested --again
is "$(js 'd[0]["result"]')" "fail" "attested ineffective"

# --- the SoA: claimed beside observed --------------------------------------------------
isms -q control set 8.15 --applicable yes --status implemented --justification "auditd"
isms -q control set 5.15 --applicable yes --status implemented --justification "pam_isms"
isms --json soa
is "$(js '[[c["observed"], c["flag"], c["hosts"]] for c in d if c["id"] == "5.15"][0]')" \
	'["fail", "implemented-but-failing", "bastion"]' \
	"a claimed 'implemented' whose test fails is flagged (denials in UTC)"
is "$(js '[[c["observed"], c["flag"]] for c in d if c["id"] == "8.15"][0]')" \
	'["insufficient", "implemented-without-evidence"]' \
	"one whose tests lack evidence is flagged too"
is "$(js '[c["tests"] for c in d if c["id"] == "8.15"][0]')" \
	"audit-trail-heartbeat:never,hb:insufficient,no-collector-loss:never,no-kernel-audit-loss:never" \
	"with the latest result of each test"
is "$(js '[c["flag"] for c in d if c["id"] == "7.4"][0]')" "null" "a control without tests is not"
is "$(js 'len(d)')" "93" "every control"
isms soa
err_has "claimed implemented but failing or without evidence" "the table says so on stderr"
isms --csv soa
out_has "observed" "the CSV has the observed status"

# --- errors, dry runs, the chain -------------------------------------------------------
isms assess --period 2026-13
expect_rc 5 "a period that does not exist"
isms assess --period 2099
expect_rc 5 "a period that has not begun"
isms assess --test nosuch
expect_rc 3 "an unknown test"
isms --json evidence list --kind assessment.result
before=$(js 'len(d)')
isms --json assess --dry-run --again --period 2026-10
expect_rc 0 "a dry run"
is "$(js 'len(d)')" "20" "a result for every test"
isms --json evidence list --kind assessment.result
is "$(js 'len(d)')" "$before" "a dry run records nothing"
isms --json assess trend --test hb
is "$(js '[d[0]["trend"], d[0]["latest"], d[0]["previous"], d[0]["change"]]')" \
	'["2026-10-25 fail, 2026-10-26 fail, 2026-10-27 insufficient", "insufficient", "fail", "better"]' \
	"assess trend: the latest result of each period, from history"
isms --json assess trend --test hb --last 1
is "$(js 'd[0]["trend"]')" "2026-10-27 insufficient" "--last"
isms -q test remove hb
isms --json assessment list --test hb
is "$(js 'len(d)')" "4" "a test removed keeps its history"
isms verify
expect_rc 0 "the chain verifies with the results in it"

done_testing
