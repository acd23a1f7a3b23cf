# SPDX-License-Identifier: GPL-2.0-or-later
# dpmsctl, the DPO's tool, on real DPMS store files: init and the store kinds,
# the register (controller, DPO, activities, locations) with hostile paths,
# the WP248 screening and DPIA, data subject requests and breaches with their
# deadlines, the access review over real evidence rows, findings turned into
# breaches, the Art. 30 export in three formats, the audit rules, the
# retention check on a real tree, verify, --help and JSON output.
. "$ISMS_TAP_LIB"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set"
[ -n "${DPMS_ACCESS:-}" ] && [ -x "$DPMS_ACCESS" ] || skip_all "DPMS_ACCESS not set"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

export DPMS_STORE="$T/dpms.db"


# access ACTIVITY USER TS PATH: one access row, as audisp-isms writes it
access() {
	if "$DPMS_ACCESS" "$DPMS_STORE" "$@" >/dev/null 2>"$ERR"; then :; else
		not_ok "dpms_access $*"
	fi
}

today=$(date -u +%Y-%m-%d)

# --- help and init ------------------------------------------------------------

dp --help
expect_rc 0 "--help"
out_has "ropa export" "--help lists ropa export"
out_has "retention check" "--help lists retention check"
dp --version
expect_rc 0 "--version"
dp
expect_rc 2 "no command is a usage error"
dp frobnicate
expect_rc 2 "an unknown command is a usage error"

dp activity list
expect_rc 3 "a missing store is not found (exit 3)"
err_has "dpmsctl --store" "the message says how to create it"

dp init
expect_rc 0 "init creates the DPMS store"
out_has "schema version 7" "init names the schema version"
is "$(stat -c %a "$DPMS_STORE")" 600 "the DPMS store has mode 0600"
run "$DPMSCTL" --store "$T/sub/dpms.db" init -q
expect_rc 0 "init creates a store in a missing directory"
is "$(stat -c %a "$T/sub")" 700 "its directory has mode 0700"
dp init
expect_rc 0 "init runs a second time"
dp init extra
expect_rc 2 "init refuses an unknown argument"

# One store, one officer: neither tool opens the other's.
isms --store "$DPMS_STORE" control list
expect_rc 7 "ismsctl refuses the DPMS store (exit 7)"
isms init -q
expect_rc 0 "ismsctl init makes an ISMS store"
dp --store "$ISMS_STORE" activity list
expect_rc 7 "dpmsctl refuses the ISMS store (exit 7)"
dp --store "$ISMS_STORE" init
expect_rc 7 "dpmsctl init does not take over an ISMS store"

# --- controller and DPO ---------------------------------------------------------

dp controller add --name "ACME GmbH" --address "Hauptstr. 1, 10115 Berlin" --contact "privacy@acme.example"
expect_rc 0 "controller add"
dp controller add --name "ACME GmbH"
expect_rc 4 "a second controller of the same name conflicts (exit 4)"
dp controller set "ACME GmbH" --representative "none (EU established)"
expect_rc 0 "controller set"
dp --json controller show "ACME GmbH"
is "$(js 'd["contact"], d["representative"]')" '["privacy@acme.example", "none (EU established)"]' \
	"controller show has the contact and the representative"
dp --json controller list
is "$(js 'len(d)')" 1 "controller list --json has one entry"

dp dpo add --name "Dana Schmidt"
expect_rc 5 "a DPO without contact details is refused (exit 5)"
dp dpo add --name "Dana Schmidt" --contact "dpo@acme.example" --appointed-at 2024-02-01 \
	--contact-published yes --reports-to "management board"
expect_rc 0 "dpo add"
dp dpo add --name "Eve" --contact x --appointed-at 2024-02-30
expect_rc 5 "a DPO appointed on a date that does not exist is refused"
dp --json dpo show "Dana Schmidt"
is "$(js 'd["contact_published"], d["kind"], d["reports_to"]')" '[true, "internal", "management board"]' \
	"dpo show: published contact, internal, reports to the board"

# --- activities and locations ------------------------------------------------------

dp activity add --name "Payroll" --controller "ACME GmbH" --purposes "paying salaries" \
	--lawful-basis contract --data-subjects employees --data-categories "bank details, salary" \
	--recipients "bank, tax office" --transfers none --erasure "10 years after leaving" \
	--toms "encryption at rest, role-based access" --retention-days 30 \
	--authorised-users alice --authorised-groups payroll --access-days mon-fri \
	--access-hours 07:00-19:00 --access-tz UTC
expect_rc 0 "activity add (a complete one)"
out_has "PA-1" "the activity got the key PA-1"
dp activity add --name "Newsletter"
expect_rc 0 "activity add (a bare one)"
dp activity add --name "Hosting for clients" --role processor --toms "ISO 27001" --transfers none
expect_rc 0 "activity add (a processor)"
dp activity add --name "Bad" --lawful-basis whim
expect_rc 5 "a lawful basis outside Art. 6(1) is refused"
dp activity add --name "Bad" --retention-days 0
expect_rc 5 "retention_days 0 is refused"
dp activity add --name "Bad" --controller "Nobody Ltd"
expect_rc 3 "an unknown controller is not found (exit 3)"
dp activity add --purposes "no name"
expect_rc 5 "an activity without a name is refused"
dp activity set PA-2 --purposes "marketing mails" --lawful-basis consent
expect_rc 0 "activity set"
dp activity set PA-404 --purposes x
expect_rc 3 "activity set on an unknown activity (exit 3)"
dp --json activity list
is "$(js 'len(d)')" 3 "activity list --json has three activities"
is "$(js '[a["id"] for a in d]')" '["PA-1", "PA-2", "PA-3"]' "in insertion order"
dp --json activity show PA-2
is "$(js 'd["purposes"], d["lawful_basis"], d["status"]')" '["marketing mails", "consent", "active"]' \
	"activity show has the changed fields"
dp --csv activity list
expect_rc 0 "activity list --csv"
is "$(head -1 "$OUT" | cut -d, -f1-3)" "id,name,role" "the CSV header starts with id,name,role"

mkdir -p "$T/data/payroll/sub" "$T/outside"
dp location add --activity PA-1 --path "$T/data/payroll"
expect_rc 0 "location add"
dp location add --activity PA-404 --path "$T/data/x"
expect_rc 3 "a location of an unknown activity (exit 3)"
err_has "PA-404" "the message names the unknown activity"
dp location add --activity PA-1 --path relative/path
expect_rc 5 "a relative path is refused"
dp location add --activity PA-1 --path "$T/data/../../etc"
expect_rc 5 "a path with '..' is refused"
dp location add --activity PA-1 --path /..
expect_rc 5 "a path ending in '..' is refused"
dp location add --activity PA-1 --path "$T/data/with space"
expect_rc 5 "a path with a space is refused"
dp location add --activity PA-1 --path "$(printf '%s/data/tab\there' "$T")"
expect_rc 5 "a path with a tab is refused"
dp location add --activity PA-1 --path "$(printf '%s/data/nl\nhere' "$T")"
expect_rc 5 "a path with a newline is refused"
dp location add --activity PA-1 --path "$(printf '%s/data/esc\033[31m' "$T")"
expect_rc 5 "a path with an escape character is refused"
if grep -q "$(printf '\033')" "$ERR"; then not_ok "the escape character is not echoed"; else ok "the escape character is not echoed"; fi
dp location add --activity PA-1 --path ""
expect_rc 5 "an empty path is refused"
dp location add --activity PA-1
expect_rc 5 "a location without a path is refused"
dp --json location list
is "$(js 'len(d)')" 1 "only the good location was added"
is "$(js 'd[0]["path"]')" "$T/data/payroll" "with its path"
dp --json activity show PA-1
is "$(js 'd["locations"]')" 1 "the activity counts its location"

# --- DPIA screening (WP248) and DPIA ------------------------------------------------

dp dpia screen PA-1 --criteria 3,7
expect_rc 0 "dpia screen with two criteria"
out_has "a DPIA is likely required" "two criteria: a DPIA is likely required"
dp --json screening show S-1
is "$(js 'd["criteria_met"], d["dpia_likely"], d["systematic_monitoring"], d["vulnerable_subjects"]')" \
	'[2, true, true, true]' "the screening record counts two criteria"
dp --json activity show PA-1
is "$(js 'd["dpia_likely"]')" true "the activity shows dpia_likely"
dp --json dpia screen PA-1 --criteria 4
is "$(js 'd["screening"], d["criteria_met"], d["dpia_likely"]')" '["S-1", 1, false]' \
	"a new screening replaces the old one: one criterion, not likely"
dp --json screening list
is "$(js 'len(d)')" 1 "still one screening for the activity"
dp dpia screen PA-2 --criteria none
expect_rc 0 "dpia screen --criteria none"
out_has "0 criteria met" "none: 0 criteria"
dp dpia screen PA-404 --criteria 1,2
expect_rc 3 "dpia screen of an unknown activity (exit 3)"
dp dpia screen PA-1 --criteria 0,10
expect_rc 2 "criteria outside 1-9 are a usage error"
dp dpia screen PA-1 --criteria 1,x
expect_rc 2 "criteria that are not numbers are a usage error"
dp dpia screen PA-1
expect_rc 2 "dpia screen without --criteria is a usage error"
dp dpia screen PA-1 --criteria 1,2,3,4,5,6,7,8,9
is "$(cat "$OUT")" "screening 'S-1' of 'PA-1': 9 criteria met: a DPIA is likely required (WP248)" \
	"all nine criteria"

# GDPR Art. 35(1): the screening asks for a DPIA and there is none: due, overdue while processing.
dp --json due
expect_rc 0 "due"
is "$(js '[(i["kind"], i["id"], i["activity"], i["overdue"]) for i in d]')" '[["dpia-missing", "S-1", "PA-1", true]]' \
	"Art. 35(1): a DPIA required by the screening and missing is in the due list"
dp dpia add --activity PA-1 --description "payroll run" --necessity "legal obligation" \
	--risks "disclosure of salaries" --likelihood medium --severity high \
	--measures "encryption" --dpo-advice "proceed"
expect_rc 0 "dpia add"
dp dpia add --activity PA-1 --likelihood often
expect_rc 5 "a DPIA likelihood outside the scale is refused"
dp dpia add --activity PA-404
expect_rc 3 "a DPIA of an unknown activity (exit 3)"
dp dpia set DPIA-1 --status approved --approved-by "board" --approved-at 2026-01-15
expect_rc 0 "dpia set approves it"
dp --json dpia list
is "$(js '[d[0]["id"], d[0]["status"], d[0]["severity"]]')" '["DPIA-1", "approved", "high"]' "dpia list --json"
dp --json due
is "$(js 'len(d)')" 0 "Art. 35(1): the DPIA exists: nothing due"
dp dpia set DPIA-1 --next-review 2026-01-01
dp due
out_has "dpia-review" "Art. 35(11): a DPIA past its review date is in the due list"
out_has "DPIA-1" "and names the DPIA"
dp dpia set DPIA-1 --next-review 2099-01-01
dp due extra
expect_rc 2 "due takes no arguments"

# --- data subject requests (Art. 12(3)) -------------------------------------------------

dp request add --type access --data-subject "ticket 4711" --received 2024-02-30
expect_rc 5 "a request received on 2024-02-30 is refused (exit 5)"
dp request add --type access --data-subject "ticket 4711" --received 31.01.2024
expect_rc 5 "a German date is refused (exit 5)"
dp request add --type complaint --data-subject "ticket 4711" --received 2024-01-31
expect_rc 5 "a request type outside Art. 15-21 is refused"
dp request add --type access --data-subject "ticket 4711" --received "$today"
expect_rc 0 "request add (today)"
dp request add --type erasure --data-subject "ticket 4712" --received 2024-01-31 --activity PA-1
expect_rc 0 "request add (January 2024)"
dp request add --type access --data-subject "ticket 4713" --received 2024-01-31 --activity PA-404
expect_rc 3 "a request about an unknown activity (exit 3)"
dp request add --type objection --data-subject "ticket 4714" --received 2098-12-31 --extended yes \
	--extension-reason "number of requests"
expect_rc 0 "request add (extended)"
dp request add --type portability --data-subject "ticket 4715" --received 2023-03-31 --status done \
	--closed 2023-04-20
expect_rc 0 "request add (answered)"
dp request show DSR-2
out_has "deadline:" "request show has the deadline"
out_has "2024-02-29" "Jan 31 2024 + one month: Feb 29 (leap year)"
dp --json request show DSR-3
is "$(js 'd["deadline"], d["overdue"]')" '["2099-03-31", false]' "Dec 31 2098 + three months: Mar 31 2099"
dp --json request show DSR-4
is "$(js 'd["deadline"], d["overdue"], d["late"]')" '["2023-05-01", false, false]' \
	"Mar 31 + one month: Apr 30, a Sunday, so May 1; answered in time"
dp request due
expect_rc 0 "request due"
is "$(sed -n 2p "$OUT" | awk '{print $1}')" "DSR-2" "request due puts the overdue one first"
out_lacks "DSR-4" "request due leaves out answered requests"
dp --json request due
is "$(js '[(r["id"], r["overdue"]) for r in d]')" \
	'[["DSR-2", true], ["DSR-1", false], ["DSR-3", false]]' \
	"request due --json: overdue first, then by deadline"
dp request due --help
expect_rc 0 "request due --help"

# --- breaches (Art. 33) ---------------------------------------------------------------------

dp breach add --title "lost laptop" --aware-at 2026-03-28T10:00
expect_rc 5 "aware_at without a zone is refused (exit 5)"
err_has "zone" "the message asks for a zone"
dp breach add --title "lost laptop" --aware-at 2026-03-28
expect_rc 5 "aware_at without a time is refused"
dp breach add --title "lost laptop" --aware-at 2020-03-28T10:00+01:00 --activity PA-1
expect_rc 0 "breach add with +01:00"
dp breach add --title "wrong recipient" --aware-at 2020-03-28T04:00-05:00 --risk unlikely
expect_rc 0 "breach add with -05:00"
dp breach add --title "fresh" --aware-at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --risk high_risk
expect_rc 0 "breach add, aware now"
dp breach add --title "x" --aware-at 2026-03-28T10:00Z --risk catastrophic
expect_rc 5 "a breach risk outside the scale is refused"
dp --json breach show BR-1
is "$(js 'd["aware_at"], d["notify_by"]')" '["2020-03-28T09:00:00Z", "2020-03-31T09:00:00Z"]' \
	"aware 10:00+01:00 the day before the DST change: notify by 09:00Z three days on (72 hours)"
dp --json breach show BR-2
is "$(js 'd["aware_at"], d["notify_by"], d["overdue"]')" \
	'["2020-03-28T09:00:00Z", "2020-03-31T09:00:00Z", false]' \
	"-05:00 gives the same UTC; unlikely to result in a risk: not overdue"
dp breach due
expect_rc 0 "breach due"
is "$(sed -n 2p "$OUT" | awk '{print $1}')" "BR-1" "breach due puts the overdue one first"
dp --json breach due
is "$(js '[(b["id"], b["overdue"]) for b in d]')" '[["BR-1", true], ["BR-2", false], ["BR-3", false]]' \
	"breach due --json: overdue first, then by notify_by"
dp breach set BR-1 --notified-at 2020-04-02T08:00Z
expect_rc 0 "breach set notified_at"
dp --json breach show BR-1
is "$(js 'd["overdue"], d["late_unexplained"]')" '[false, true]' \
	"notified after 72 hours: not overdue, late without reasons"
dp breach set BR-1 --delay-reason "forensic analysis" --status closed
dp --json breach show BR-1
is "$(js 'd["late_unexplained"]')" false "the reasons for the delay are recorded"
dp --json breach due
is "$(js '[b["id"] for b in d]')" '["BR-2", "BR-3"]' "breach due leaves out closed breaches"

dp --json due
is "$(js 'sorted(set(i["kind"] for i in d))')" '["breach", "request"]' \
	"due lists the open requests and breaches beside the DPIAs"
is "$(js 'd[0]["overdue"]')" true "due: overdue first"

# GDPR Art. 33(1), 34(1): nobody is notified or informed before anyone was aware.
dp breach set BR-2 --notified-at 2020-03-28T08:59:59Z
expect_rc 5 "Art. 33(1): notified_at before aware_at is refused"
err_has "notified_at 2020-03-28T08:59:59Z is before aware_at 2020-03-28T09:00:00Z" "the refusal names both times"
dp breach set BR-2 --subjects-informed-at 2020-03-27T12:00Z
expect_rc 5 "Art. 34(1): subjects_informed_at before aware_at is refused"
dp --json breach show BR-2
is "$(js 'd["notified_at"], d["subjects_informed_at"]')" '[null, null]' "and nothing was written"

# GDPR Art. 33(2): in a processor activity, the controller is notified, without undue delay.
dp breach add --title "backup tape lost" --aware-at 2020-03-28T10:00Z --activity PA-3 --risk unlikely
expect_rc 0 "breach add in a processor activity"
dp --json breach show BR-4
is "$(js 'd["notify"], d["notify_by"], d["overdue"]')" '["controller", "2020-03-29T10:00:00Z", true]' \
	"Art. 33(2): a processor's breach is for the controller, flagged after 24 hours, whatever the risk"
dp breach due
out_has "controller" "Art. 33(2): breach due says whom to notify"
dp breach set BR-4 --controller-notified-at 2020-03-28T15:00Z --status closed
dp --json breach show BR-4
is "$(js 'd["overdue"], d["late_unexplained"]')" '[false, false]' "Art. 33(2): the controller notified in time"

# --- the access review -----------------------------------------------------------------------

access PA-1 alice 2026-03-25T10:00:00.000Z "$T/data/payroll/a.csv"
access PA-1 mallory 2026-03-25T10:01:00.000Z "$T/data/payroll/a.csv"
access PA-1 alice 2026-03-28T11:00:00.000Z "$T/data/payroll/b.csv"
access PA-9 alice 2026-03-25T10:02:00.000Z "$T/data/other"
dp review run
expect_rc 0 "review run"
out_has "4 accesses reviewed, 3 new findings" "three findings from four accesses"
dp --json review run
is "$(js 'd["accesses"], d["findings"]')" '[0, 0]' "a second review finds nothing new"
dp --json finding list
is "$(js '[(f["user"], f["why"], f["activity"]) for f in d]')" \
	'[["mallory", "unauthorised", "PA-1"], ["alice", "outside_hours", "PA-1"], ["alice", "unauthorised", null]]' \
	"mallory unauthorised, alice on a Saturday, an unknown activity"
is "$(js 'd[0]["path"], d[0]["access"], d[0]["status"]')" "[\"$T/data/payroll/a.csv\", \"read\", \"open\"]" \
	"a finding names the path, the access and is open"
dp finding list --status open
expect_rc 0 "finding list --status open"
dp finding set F-2 --status justified --justification "payroll run on Saturday, approved" \
	--reviewed-by dpo --reviewed-at 2026-03-30
expect_rc 0 "finding set justified"
dp finding set F-2 --user eve
expect_rc 5 "the user of a finding cannot be changed"
dp finding set F-2 --status maybe
expect_rc 5 "a finding status outside open/justified/unjustified is refused"
export SUDO_USER=dpo-anna
dp finding breach F-1
expect_rc 0 "finding breach"
unset SUDO_USER
out_has "BR-5" "the breach from the finding is BR-5"
dp --json finding show F-1
is "$(js 'd["status"], d["breach"]')" '["unjustified", "BR-5"]' "the finding is unjustified and linked"
dp --json breach show BR-5
is "$(js 'd["activity"], d["evidence"], d["status"]')" '["PA-1", "2", "open"]' \
	"the breach names the activity and the evidence row"
is "$(js 'd["aware_at"], d["decided_by"]')" '["2026-03-25T10:01:00Z", "dpo-anna"]' \
	"Art. 33(1): aware from the evidence row's time, and the DPO's decision recorded"
out_has "mallory" "the breach says who"
dp finding breach F-1
expect_rc 4 "a second breach from the same finding is refused (exit 4)"
dp --json breach list
is "$(js 'len(d)')" 5 "no second breach was opened"
dp finding breach F-3 --aware-at 2026-03-30T09:00
expect_rc 5 "finding breach --aware-at without a zone is refused"
dp --json finding show F-3
is "$(js 'd["status"], d["breach"]')" '["open", null]' "and the finding is left as it was"
dp finding breach F-3 --aware-at 2026-03-30T09:00+02:00
expect_rc 0 "finding breach with --aware-at"
dp --json breach show BR-6
is "$(js 'd["aware_at"], d["activity"]')" '["2026-03-30T07:00:00Z", null]' \
	"the breach starts at --aware-at, with no activity for an unknown one"
dp finding breach F-404
expect_rc 3 "finding breach of an unknown finding (exit 3)"
dp finding breach
expect_rc 2 "finding breach without a finding is a usage error"
dp --json review summary
is "$(js 'sorted((r["activity"], r["accesses"], r["findings"], r["unjustified"]) for r in d)')" \
	'[["(unknown)", 0, 1, 1], ["PA-1", 3, 2, 1], ["PA-9", 1, 0, 0]]' "review summary per activity"
dp --json review summary --by person
is "$(js 'sorted((r["person"], r["accesses"], r["findings"]) for r in d)')" \
	'[["alice", 3, 2], ["mallory", 1, 1]]' "review summary per person"
dp review summary --by colour
expect_rc 2 "review summary --by takes activity or person"
dp review
expect_rc 2 "review without run or summary is a usage error"

# GDPR Art. 4(12): a refused access touched no personal data; an attempt, never a breach.
access PA-1 mallory 2026-03-26T10:00:00.000Z "$T/data/payroll/a.csv" personal-data.read failure
dp --json review run
is "$(js 'd["findings"]')" 1 "Art. 4(12): the failed access is a finding"
dp --json finding show F-4
is "$(js 'd["user"], d["why"]')" '["mallory", "attempt"]' "Art. 4(12): a failed access is an attempt, not unauthorised"
dp finding breach F-4
expect_rc 5 "Art. 4(12): no breach is opened from a failed attempt"
err_has "failed attempt" "the refusal says why"
err_has "Art. 4(12)" "and names the article"
dp --json breach list
is "$(js 'len(d)')" 6 "Art. 4(12): no breach was opened from the attempt"

# --- the Art. 30 export -------------------------------------------------------------------------

dp ropa export
expect_rc 0 "ropa export (Markdown)"
out_has "# Records of processing activities (GDPR Art. 30)" "the document has its title"
out_has "| 30(1)(b) | Purposes of the processing | paying salaries |" "PA-1's purposes"
out_has "| 30(1)(c) | Categories of data subjects | **MISSING** |" "PA-2 lacks data subjects"
out_has "| 30(2)(a) | Controllers processed for | **MISSING** |" "the processor lacks 30(2)(a)"
out_has "| 30(1)(b) | Purposes of the processing | *n/a* |" "30(1)(b) does not apply to the processor"
out_has "| 30(2)(d) | Technical and organisational measures (Art. 32) | ISO 27001 |" \
	"Art. 30(2)(d): the processor's TOMs under their own letter"
out_has "| 30(2)(c) | Transfers to third countries | none |" "Art. 30(2)(c): the processor's transfers"
err_has "required fields missing" "the count is on stderr"
dp --json ropa export
expect_rc 0 "ropa export --json"
is "$(js 'len(d["activities"])')" 3 "the JSON export has three activities"
is "$(js 'sorted(set(["controller_name","controller_contact","controller_address","controller_joint_controllers","controller_representative","dpo_name","dpo_contact","purposes","lawful_basis","data_subjects","data_categories","special_categories","art9_basis","criminal_data","recipients","third_country_recipients","transfers","transfer_safeguards","erasure","toms"]) - set(d["activities"][0]["art30"]))')" \
	"[]" "every Art. 30(1) field key is in the JSON"
is "$(js 'd["activities"][0]["missing"]')" "[]" "the complete activity misses nothing"
is "$(js 'd["activities"][1]["missing"]')" '["data_subjects", "data_categories", "recipients", "transfers", "erasure", "toms"]' \
	"the bare one lists what it misses"
is "$(js 'sorted(set(["controllers","processing_categories","toms","transfers"]) - set(d["activities"][2]["art30"]))')" \
	"[]" "the processor's 30(2) field keys are in the JSON"
is "$(js 'd["missing_fields"] == sum(len(a["missing"]) for a in d["activities"])')" true \
	"missing_fields adds up"
is "$(js 'd["activities"][0]["locations"][0]["path"]')" "$T/data/payroll" "the export lists the data locations"
dp ropa export --format json --activity PA-1
is "$(js '[a["id"] for a in d["activities"]]')" '["PA-1"]' "--activity exports one activity"
dp --csv ropa export
expect_rc 0 "ropa export --csv"
is "$(wc -l <"$OUT" | tr -d ' ')" 4 "the CSV has a header and three rows"
is "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); print(r[0][-1], r[1][-1], r[2][-1], r[3][-1])' "$OUT")" \
	"missing 0 6 2" "the CSV's last column counts the missing fields"
dp ropa export --format md --output "$T/ropa.md"
expect_rc 0 "ropa export --output FILE"
if grep -qF '**MISSING**' "$T/ropa.md"; then ok "the file has the document"; else not_ok "the file has the document"; fi
# Art. 30(2)(a): each controller processed for, with name and contact details, as a record.
dp client add --activity PA-3 --name "Client A GmbH" --contact "privacy@client-a.example" --dpo "Dr. A"
expect_rc 0 "client add (a controller the processor works for)"
dp ropa export --activity PA-3
out_has "| 30(2)(a) | Controllers processed for | Client A GmbH (privacy@client-a.example; DPO: Dr. A) |" \
	"Art. 30(2)(a): the controller processed for, with its contact and DPO"
dp --json ropa export --activity PA-3
is "$(js 'd["activities"][0]["art30"]["controllers"][0]["contact"]')" "privacy@client-a.example" \
	"Art. 30(2)(a): the JSON lists the controllers as objects"
dp client remove PC-1
expect_rc 0 "client remove"
dp ropa export --activity PA-404
expect_rc 3 "ropa export --activity unknown (exit 3)"
dp ropa export --format pdf
expect_rc 2 "ropa export --format pdf is a usage error"
dp ropa
expect_rc 2 "ropa without export is a usage error"
dp ropa export --output "$T/no/such/dir/ropa.md"
expect_rc 3 "ropa export to a missing directory"

# --- audit rules --------------------------------------------------------------------------------

dp activity add --name "Old CRM" --status retired
dp location add --activity PA-4 --path "$T/data/crm"
dp location add --activity PA-2 --path "$T/data/newsletter.db" --kind database
dp audit-rules --output "$T/dpms.rules"
expect_rc 0 "audit-rules --output FILE"
out_has "2 rules written" "two rules written"
if grep -qxF -- "-w $T/data/payroll -p rwa -k dpms:PA-1" "$T/dpms.rules"; then ok "the payroll rule"; else not_ok "the payroll rule"; fi
if grep -qxF -- "-w $T/data/newsletter.db -p rwa -k dpms:PA-2" "$T/dpms.rules"; then ok "the database rule"; else not_ok "the database rule"; fi
if grep -qF "crm" "$T/dpms.rules"; then not_ok "the retired activity is not watched"; else ok "the retired activity is not watched"; fi
is "$(grep -cvE '^(## |-w /[^ ]+ -p rwa -k dpms:[A-Za-z0-9._-]+$)' "$T/dpms.rules")" 0 \
	"every line is a comment or a well-formed rule"
dp audit-rules
expect_rc 0 "audit-rules to stdout"
out_has "-k dpms:PA-1" "the rules on stdout"
dp audit-rules --bogus
expect_rc 2 "audit-rules with an unknown argument"

# --- retention -----------------------------------------------------------------------------------

echo "salary" >"$T/data/payroll/old.csv"
echo "salary" >"$T/data/payroll/new.csv"
echo "salary" >"$T/data/payroll/sub/old2.csv"
echo "victim" >"$T/outside/victim.csv"
touch -d '40 days ago' "$T/data/payroll/old.csv" "$T/data/payroll/sub/old2.csv" "$T/outside/victim.csv"
ln -s "$T/outside/victim.csv" "$T/data/payroll/link.csv"
touch -h -d '40 days ago' "$T/data/payroll/link.csv"
ln -s "$T/outside" "$T/data/payroll/linkdir"
dp location add --activity PA-1 --path "$T/data/gone"
dp retention check
expect_rc 1 "retention check: a missing location gives exit 1"
err_has "$T/data/gone" "the missing location is named"
out_has "$T/data/payroll/old.csv" "the old file is listed"
out_has "$T/data/payroll/sub/old2.csv" "the old file in the subdirectory is listed"
out_lacks "new.csv" "the new file is not listed"
out_lacks "link" "the symlink is not listed"
out_lacks "victim" "the file outside is not listed"
if [ -f "$T/data/payroll/old.csv" ]; then ok "nothing deleted without --delete"; else not_ok "nothing deleted without --delete"; fi
dp --json retention check --activity PA-1
is "$(python3 -c 'import json,sys; print(sorted((r["path"], r["age_days"]) for r in json.load(open(sys.argv[1]))))' "$OUT")" \
	"[('$T/data/payroll/old.csv', 40), ('$T/data/payroll/sub/old2.csv', 40)]" \
	"retention check --json: the two old files, 40 days old"
dp retention check --activity PA-404
expect_rc 3 "retention check of an unknown activity (exit 3)"
dp retention check --delete
expect_rc 1 "retention check --delete (still exit 1 for the missing location)"
err_has "2 files deleted and recorded" "two files deleted"
if [ ! -e "$T/data/payroll/old.csv" ] && [ ! -e "$T/data/payroll/sub/old2.csv" ]; then
	ok "the old files are gone"; else not_ok "the old files are gone"; fi
if [ -f "$T/data/payroll/new.csv" ] && [ -d "$T/data/payroll/sub" ]; then
	ok "the new file and the subdirectory stay"; else not_ok "the new file and the subdirectory stay"; fi
if [ -L "$T/data/payroll/link.csv" ] && [ -f "$T/outside/victim.csv" ] && [ -L "$T/data/payroll/linkdir" ]; then
	ok "the symlinks and the file outside stay"; else not_ok "the symlinks and the file outside stay"; fi
dp --json deletion list
is "$(js 'sorted(x["path"] for x in d)')" "[\"$T/data/payroll/old.csv\", \"$T/data/payroll/sub/old2.csv\"]" \
	"each deletion is recorded"
is "$(js '[x["activity"] for x in d]')" '["PA-1", "PA-1"]' "with its activity"
dp --json evidence list --kind retention.deleted
is "$(js 'len(d)')" 2 "each deletion is evidence"
is "$(js '[type(x["details"]).__name__ for x in d]')" '["dict", "dict"]' \
	"dpmsctl: details is a JSON object in JSON"
dp --json evidence list --kind retention.delete-intent
is "$(js 'len(d)')" 2 "each deletion was recorded as intended before the file went"
dp deletion add --path /x
expect_rc 2 "deletions cannot be added by hand"
dp --json location list --path "$T/data/gone"
dp location remove "$(js 'd[0]["id"]')"
expect_rc 0 "the missing location is removed from the register"
dp retention check
expect_rc 0 "retention check: nothing left, nothing missing (exit 0)"
is "$(wc -l <"$OUT" | tr -d ' ')" 1 "only the header"
dp retention
expect_rc 2 "retention without check is a usage error"
# The register says the data lives on another host: its path here is not that data.
mkdir -p "$T/data/elsewhere"
echo "salary" >"$T/data/elsewhere/old.csv"
touch -d '40 days ago' "$T/data/elsewhere/old.csv"
dp location add --activity PA-1 --path "$T/data/elsewhere" --host db-elsewhere.example.org
dp retention check --delete
expect_rc 0 "retention check --delete: another host's location is no problem here"
out_lacks "elsewhere" "another host's location is not listed"
if [ -f "$T/data/elsewhere/old.csv" ]; then ok "another host's location is left alone"; else not_ok "another host's location is left alone"; fi
dp location add --activity PA-1 --path "$T/data/elsewhere" --host "$(hostname)"
dp retention check
out_has "$T/data/elsewhere/old.csv" "the same path registered for this host is checked"
# HGB 257 / AO 147: ten years after the end of the calendar year; legal holds (GDPR Art. 17(3)(b)).
mkdir -p "$T/data/invoices/held"
for f in 2015.pdf recent.pdf held/2014.pdf; do echo invoice >"$T/data/invoices/$f"; done
touch -d '2015-03-03 10:00' "$T/data/invoices/2015.pdf"
touch -d "$(( $(date -u +%Y) - 2 ))-01-15 10:00" "$T/data/invoices/recent.pdf"
touch -d '2014-05-05 10:00' "$T/data/invoices/held/2014.pdf"
dp activity add --id PA-INV --name Invoices --retention-event year_end --retention-period "ten years"
expect_rc 5 "a retention period that cannot be read is refused"
dp activity add --id PA-INV --name Invoices --retention-event year_end --retention-period "10 years"
expect_rc 0 "HGB 257: activity with 10 years after the end of the calendar year"
dp location add --activity PA-INV --path "$T/data/invoices"
dp hold add --activity PA-INV --path "$T/data/invoices/held" --reason "tax audit"
expect_rc 0 "hold add"
dp --json retention check --activity PA-INV
is "$(js '[h["path"] for h in d]')" "[\"$T/data/invoices/2015.pdf\"]" \
	"HGB 257: only the invoice past its ten years after the year's end; held and kept files are not listed"
dp hold set H-1 --status lifted
dp --json retention check --activity PA-INV
is "$(js 'sorted(h["path"] for h in d)')" "[\"$T/data/invoices/2015.pdf\", \"$T/data/invoices/held/2014.pdf\"]" \
	"a lifted hold lets its files be listed again"

# --- verify ----------------------------------------------------------------------------------------

dp verify
expect_rc 0 "verify"
# each deletion is two rows: its intent, committed before the file goes, and its record
out_has "evidence chain intact: 9 rows" "five accesses and two deletions (intent and record), intact"
dp --json verify
is "$(js 'd["ok"], d["rows"]')" '[true, 9]' "verify --json"
dp evidence add --kind x
expect_rc 2 "evidence cannot be added by hand"
dp check
expect_rc 0 "check on the DPMS store"
out_has "is sound" "check says the DPMS store is sound"
dp --json check --full
is "$(js 'd["ok"], d["check"]')" '[true, "integrity"]' "check --full --json on the DPMS store"

# --- --help everywhere --------------------------------------------------------------------------------

# --- processors and Art. 28 contracts; isms's own record of processing ----------------------------

dp processor add --name "PayCloud GmbH" --activity PA-1 --contract-date 2024-01-15 \
	--subject "payroll runs" --duration open-ended --sub-processors specific --review-date 2025-01-15
expect_rc 0 "Art. 28: processor add with its contract"
dp processor add --name "Shredder AG" --sub-processors sometimes
expect_rc 5 "Art. 28(2): sub-processors are none, specific or general"
dp --json due
is "$(js '[(i["kind"], i["id"]) for i in d if i["kind"].startswith("contract")]')" '[["contract-review", "P-1"]]' \
	"Art. 28: a contract past its review date is due"
dp --json ropa isms-record
expect_rc 0 "ropa isms-record"
isms_pa=$(js 'd["activity"]')
dp --json screening list --activity "$isms_pa"
is "$(js '[(x["criteria_met"], x["dpia_likely"], x["decision"]) for x in d]')" '[[2, true, "required"]]' \
	"WP248: systematic monitoring of employees meets two criteria: a DPIA"
dp --json ropa export --activity "$isms_pa"
is "$(js 'd["activities"][0]["missing"]')" "[]" "Art. 30(1): isms's own record is complete"
dp ropa isms-record
expect_rc 4 "ropa isms-record a second time is refused (exit 4)"

# --- TOMs against the ISMS store (GDPR Art. 30(1)(g), Art. 32) ------------------------------------

if [ -n "${ISMSCTL:-}" ] && [ -x "$ISMSCTL" ]; then
	"$ISMSCTL" --store "$T/isms.db" init >/dev/null 2>&1 &&
	"$ISMSCTL" --store "$T/isms.db" measure add --title MFA --control 8.5 --status implemented >/dev/null 2>&1 &&
	"$ISMSCTL" --store "$T/isms.db" measure add --title "log review" --control 8.15 >/dev/null 2>&1 ||
		not_ok "an ISMS store with two measures"
	dp activity add --name "TOM test" --isms-measures M-999
	expect_rc 0 "Art. 32: with no ISMS store configured, a reference is accepted unchecked"
	tom_pa=$(sed -n "s/^activity '\(PA-[0-9]*\)' added$/\1/p" "$OUT")
	dp --json toms check --activity "$tom_pa"
	is "$(js '[(r["id"], r["state"]) for r in d]')" '[["M-999", "unchecked"]]' "Art. 32: and shown unchecked"
	dp toms store "$T/isms.db"
	expect_rc 0 "toms store names the ISMS store"
	dp activity add --name "TOM test 2" --isms-measures M-999
	expect_rc 5 "Art. 32: an unknown ISMS measure is refused while the ISMS store is readable"
	err_has "ISMS measure 'M-999' does not exist" "the refusal names the measure"
	dp activity set "$tom_pa" --isms-measures M-1,M-2 --isms-controls 8.5,99.99
	expect_rc 5 "Art. 32: an unknown Annex A control is refused"
	dp activity set "$tom_pa" --isms-measures M-1,M-2 --isms-controls 8.5
	expect_rc 0 "known measures and controls are accepted"
	dp --json toms check --activity "$tom_pa"
	is "$(js '[(r["kind"], r["id"], r["state"]) for r in d]')" \
		'[["measure", "M-1", "implemented"], ["measure", "M-2", "unverified"], ["control", "8.5", "implemented"]]' \
		"Art. 32: a measure not implemented is shown unverified"
	dp toms store "$T/no-such-isms.db"
	dp activity set "$tom_pa" --isms-measures M-999
	expect_rc 0 "Art. 32: an ISMS store that cannot be read does not block the register"
	dp --json toms check --activity "$tom_pa"
	is "$(js 'd[0]["state"]')" unchecked "and the reference is shown unchecked"
	dp toms store --none
	dp toms store
	out_has "no ISMS store configured" "toms store --none forgets it"
	dp toms check --activity PA-404
	expect_rc 3 "toms check of an unknown activity (exit 3)"
else
	ok "TOMs against the ISMS store # SKIP ISMSCTL not set"
fi

for cmd in "init" "ropa export" "audit-rules" "review run" "review summary" "finding breach" \
	"dpia screen" "request due" "breach due" "due" "toms check" "retention check" "verify" "check"; do
	# shellcheck disable=SC2086
	dp $cmd --help
	if [ "$RC" -eq 0 ] && grep -q "^Usage: " "$OUT"; then ok "$cmd --help"; else not_ok "$cmd --help"; fi
done
for e in controller dpo activity client processor location hold screening dpia request breach finding deletion evidence; do
	dp "$e" --help
	if [ "$RC" -eq 0 ] && [ -s "$OUT" ]; then ok "$e --help"; else not_ok "$e --help"; fi
	dp --json "$e" list
	if [ "$RC" -eq 0 ] && [ "$(js 'type(d).__name__')" = list ]; then ok "$e list --json is a JSON array";
	else not_ok "$e list --json is a JSON array"; fi
done
dp activity add --help
out_has "--authorised-groups" "activity add --help lists the fields"

# --- what the DPO must still do: Art. 12(3) extensions, Art. 34, the DPIA -----------

export DPMS_STORE="$T/duties.db"
dp -q init
dp -q activity add --id PA-9 --name "Duties" --purposes "test"
dp -q request add --id DSR-9 --type access --data-subject t9 --received 2026-01-10 --extended yes
dp --json request show DSR-9
is "$(js 'd["extension_unfounded"]')" "true" "an extension without reason nor notice is flagged"
dp -q request set DSR-9 --extension-reason "many requests" --extension-notified 2026-02-09
dp --json request show DSR-9
is "$(js 'd["extension_unfounded"]')" "false" "with a reason and notice within the first month it is not"
dp -q request set DSR-9 --extension-notified 2026-02-11
dp --json request show DSR-9
is "$(js 'd["extension_unfounded"]')" "true" "notice after the first month is flagged"
dp -q breach add --id BR-9 --title "high" --aware-at 2026-11-01T10:00:00Z --risk high_risk
dp --json breach show BR-9
is "$(js 'd["inform_subjects"]')" "true" "a high-risk breach: the data subjects must be informed (Art. 34)"
dp -q breach set BR-9 --subjects-informed yes --subjects-informed-at 2026-11-02T09:00:00Z
dp --json breach show BR-9
is "$(js 'd["inform_subjects"]')" "false" "once informed, no longer flagged"
dp -q dpia add --activity PA-9 --status consultation
dp --json activity show PA-9
is "$(js 'd["dpia"]')" "DPIA-1 consultation" "the activity shows its DPIA and where it stands"

done_testing
