# SPDX-License-Identifier: GPL-2.0-or-later
# Nonconformities (ISO 27001 10.2) through ismsctl on a real store: a control
# test failing over a past month opens one on the control's measures' risks,
# it stays open until the test passes over a later whole month, the generic
# layer cannot close it, a manual one needs a verifier other than the
# responsible, overdue ones are listed, a failed verify opens one once, and
# an export imports again without opening anything twice.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms init -q
expect_rc 0 "init"
isms -q person add --name olga --role asset_owner
isms -q person add --name ines --role auditor
isms -q control set 5.15 --owner olga --status implemented --applicable yes
isms -q risk add --title "stolen logins" --likelihood 2 --impact 3 --owner olga
isms -q risk add --title "unrelated" --likelihood 1 --impact 1
isms -q measure add --title "deny stale accounts" --risk R-1 --control 5.15 --status implemented
isms -q test add --name denials --title "few denials" --control 5.15 --rule "count kind=access.deny max=1"
expect_rc 0 "the register"

ev() { isms -q evidence add --kind access.deny --control 5.15 --outcome deny --ts "$1"; }
ev 2026-01-10T10:00:00Z
ev 2026-01-11T10:00:00Z
ev 2026-02-10T10:00:00Z
ev 2026-03-10T10:00:00Z

# --- a failing test opens one -----------------------------------------------------------
isms --json assess --tz UTC --test denials --period 2026-01
is "$(js '[(t["result"], t["nonconformity"]) for t in d]')" '[["fail", "NC-1"]]' \
	"the failing month opens NC-1"
isms --json nc show NC-1
is "$(js '[d["source"], d["origin"], d["controls"], d["risks"], d["severity"], d["responsible"], d["effectiveness_test"]]')" \
	'["test", "denials@2026-01", "5.15", "R-1", "major", "olga", "denials"]' \
	"on the control, the risk its measure treats, major as 5.15 is claimed implemented"
isms --json review list --kind risk
is "$(js '[(v["risk"], v["subject"], v["reviewer"]) for v in d]')" \
	'[["R-1", "reassessment after NC-1", "olga"]]' "R-1 is due for reassessment by its owner"
isms --json evidence list --kind nonconformity.opened
is "$(js '[e["subject"] for e in d]')" '["NC-1"]' "the opening is in the chain"

# --- closing ----------------------------------------------------------------------------
isms nc set NC-1 --status closed
expect_rc 6 "the generic set cannot close it"
err_has "nc close NC-1" "and says how"
isms nc set NC-1 --status action --root-cause "no lockout" --corrective-action "lockout after 5"
expect_rc 0 "the rest of it can be worked on"
isms nc close NC-1
expect_rc 1 "no later period assessed: not closed"
err_has "no assessment of test 'denials'" "with what is missing"
isms --json assess --tz UTC --test denials --period 2026-02 --again
is "$(js '[(t["result"], t["nonconformity"]) for t in d]')" '[["pass", null]]' "February passes"
isms --json nc close NC-1
expect_rc 0 "a pass over a later whole month closes it"
is "$(js '[d["id"], d["closed"]]')" '["NC-1", true]' "closed, in JSON"
isms --json nc show NC-1
is "$(js '[d["status"], d["effectiveness"]]')" '["closed", "effective"]' "closed and effective"
isms nc close NC-1
expect_rc 4 "closing twice is a conflict"

# --- failing again: one open per test, ineffective --------------------------------------
ev 2026-03-11T10:00:00Z
isms --json assess --tz UTC --test denials --period 2026-03
is "$(js '[t["nonconformity"] for t in d]')" '["NC-2"]' "March fails: a new one, the first being closed"
isms --json assess --tz UTC --test denials --period 2026-03 --again
is "$(js '[t["nonconformity"] for t in d]')" '["NC-2"]' "failing again adds none"
isms --json nc list
is "$(js 'len(d)')" 2 "two in all"

# --- by hand: a verifier other than the responsible -------------------------------------
isms nc add --title "visitor badge not returned" --source audit --responsible olga --risks R-2 \
	--due 2026-01-31
expect_rc 0 "nc add by hand"
isms --json nc show NC-3
is "$(js '[d["opened"] == __import__("datetime").datetime.now(__import__("datetime").timezone.utc).strftime("%Y-%m-%d"), d["status"]]')" \
	'[true, "open"]' "opened defaults to today"
isms --json review list --risk R-2
is "$(js '[v["subject"] for v in d]')" '["reassessment after NC-3"]' "a hand-made one puts its risk up too"
isms overdue
out_has "nonconformity  NC-3  visitor badge not returned  2026-01-31  olga" "past its due date it is overdue"
isms nc close NC-3 --verified-by olga --note "badge back"
expect_rc 6 "the responsible cannot verify their own action"
isms nc close NC-3
expect_rc 5 "without an effectiveness test a verifier is needed"
isms nc close NC-3 --verified-by ines --note "badge back, procedure changed"
expect_rc 0 "another person verifies it"
isms overdue
out_lacks "NC-3" "closed, it is no longer overdue"

# --- export and import: restored as they were -------------------------------------------
isms export
cp "$OUT" "$T/export.json"
ISMS_STORE="$T/copy.db" isms -q init
ISMS_STORE="$T/copy.db" isms import "$T/export.json"
expect_rc 0 "the export imports into a fresh store"
ISMS_STORE="$T/copy.db" isms --json nc list
is "$(js '[(n["id"], n["status"]) for n in d]')" '[["NC-1", "closed"], ["NC-2", "open"], ["NC-3", "closed"]]' \
	"with its nonconformities as they were"
ISMS_STORE="$T/copy.db" isms --json review list --kind risk
is "$(js 'len(d)')" 3 "and no reassessment twice"

# --- a failed verify --------------------------------------------------------------------
cp "$ISMS_STORE" "$T/w.db"
python3 - "$T/w.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER evidence_no_update")
db.execute("UPDATE evidence SET subject = 'mallory' WHERE pk = 2")
db.execute("CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END")
db.commit()
PY
ISMS_STORE="$T/w.db" isms verify --no-record
expect_rc 9 "the edit is caught"
ISMS_STORE="$T/w.db" isms --json nc list --source verify
is "$(js 'len(d)')" 0 "--no-record writes nothing"
ISMS_STORE="$T/w.db" isms verify
expect_rc 9 "caught again"
err_has "opened" "and a nonconformity opened"
ISMS_STORE="$T/w.db" isms verify
err_has "already open for this failure" "only once"
ISMS_STORE="$T/w.db" isms --json nc list --source verify
is "$(js '[(n["severity"], n["controls"], n["origin"]) for n in d]')" '[["major", "8.15", "row 2"]]' \
	"major, on 8.15, naming the first bad row"

# --- a DPMS breach ----------------------------------------------------------------------
run "$DPMSCTL" --store "$T/dp/dpms.db" init -q
expect_rc 0 "a DPMS store"
run "$DPMSCTL" --store "$T/dp/dpms.db" -q breach add --title "payroll export mailed out" \
	--aware-at 2026-03-28T10:00:00Z --risk high_risk
expect_rc 0 "the DPO records a breach"
isms nc breaches --dpms-store "$T/dp/dpms.db"
expect_rc 0 "nc breaches"
out_has "1 breach in the DPMS store: 1 nonconformity opened" "opens one"
isms --json nc list --source breach
is "$(js '[(n["origin"], n["severity"], n["controls"], n["opened"]) for n in d]')" \
	'[["BR-1", "major", "5.34", "2026-03-28"]]' "on 5.34, major for a high risk, opened when the DPO became aware"
bnc=$(js 'd[0]["id"]')
isms --json incident list
is "$(js '[(i["breach"], i["nonconformity"], i["severity"], i["detected_at"]) for i in d]')" \
	"[[\"BR-1\", \"$bnc\", \"high\", \"2026-03-28T10:00:00Z\"]]" \
	"and a security incident, linked to the breach and the nonconformity"
isms nc close "$bnc" --verified-by ines --note "DLP rule for payroll exports"
expect_rc 0 "closed"
isms --json nc breaches --dpms-store "$T/dp/dpms.db"
is "$(js '[d["breaches"], d["opened"]]')" "[1, 0]" "the same breach never opens a second one, closed or not"
isms nc breaches --dpms-store "$T/nonexistent.db"
expect_rc 3 "a DPMS store that is not there is an error"

done_testing
