# SPDX-License-Identifier: GPL-2.0-or-later
# The Statement of Applicability (ISO 27001 6.1.3 d) through the real ismsctl:
# an exclusion refused without a justification, a measure refused on an
# excluded control and a control with measures kept applicable, in set and in
# import; versions proposed, refused to the proposer, to the security officer
# and over undecided controls, approved by management and superseded; the
# summary counting status over applicable controls only; JSON and CSV naming
# the approved version and each control's measures by key.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

row() { grep "^$1 " "$OUT" | tr -s ' ' | sed 's/ $//'; }

isms init -q
expect_rc 0 "init"
isms -q person add --name sofia --role security_officer
isms -q person add --name mia --role management
isms -q person add --name max --role management

for sub in propose approve versions show; do
	isms soa $sub --help
	if [ "$RC" -eq 0 ] && grep -q "^Usage: ismsctl soa $sub" "$OUT"; then
		ok "soa $sub --help"
	else not_ok "soa $sub --help"; fi
done

# --- the rules ---------------------------------------------------------------------
isms control set 7.4 --applicable no
expect_rc 5 "an exclusion without a justification is refused"
err_has "control '7.4' is not applicable without a justification" "the message names the control"
isms --json control show 7.4
is "$(js 'd["applicable"]')" undecided "and nothing is written"
isms control set 7.4 --applicable no --justification "no premises of our own"
expect_rc 0 "an exclusion with a justification is accepted"
isms control set 7.4 --justification ""
expect_rc 5 "its justification cannot be taken away"

isms measure add --title "Guards" --control 7.4
expect_rc 5 "a measure on an excluded control is refused"
err_has "cannot implement control '7.4': the control is not applicable" "the message says why"
isms -q measure add --title "Backups" --control 8.13
expect_rc 0 "a measure on an undecided control is accepted"
isms -q measure add --title "Restore tests" --control 8.13
isms measure set M-1 --control 7.4
expect_rc 5 "moving a measure to an excluded control is refused"
isms control set 8.13 --applicable no --justification "no data"
expect_rc 5 "a control with measures cannot be made not applicable"
err_has "M-1, M-2" "the message names its measures"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf '{"control": [{"id": "7.1", "applicable": "no"}]}' >"$d/bad.json"
isms import "$d/bad.json"
expect_rc 5 "an import with an unjustified exclusion is refused"
printf '{"measure": [{"title": "Fence", "control": "7.4"}]}' >"$d/bad2.json"
isms import "$d/bad2.json"
expect_rc 5 "an import with a measure on an excluded control is refused"
isms --json measure list
is "$(js 'len(d)')" 2 "neither import wrote anything"

# --- summary and fields ------------------------------------------------------------
isms -q control set 8.13 --applicable yes --status partial
isms -q control set 5.1 --applicable yes --status implemented --justification "policy"
isms soa --summary
expect_rc 0 "soa --summary"
is "$(row total)" "total 93 2 1 90 1 1 0 0" \
	"status counted over the 2 applicable controls; 90 undecided and 1 excluded apart"
is "$(row physical)" "physical 14 0 1 13 0 0 0 0" "an excluded control is not 'not started'"
out_has "SoA: no approved version" "the table says no version is approved"
isms --json soa
is "$(js '[(c["measures"], c["soa_version"], c["soa_approved_by"]) for c in d if c["id"] == "8.13"]')" \
	'[["M-1,M-2", "no approved version", null]]' "--json: measures by key, no approved version"

# --- versions ----------------------------------------------------------------------
isms soa propose --title "first" --by sofia
expect_rc 0 "soa propose"
out_has "soa version 'SOA-1' proposed by 'sofia'" "proposes SOA-1"
isms soa approve SOA-1 --by mia
expect_rc 5 "an SoA with undecided controls cannot be approved"
err_has "90 controls are undecided (5.2, 5.3, 5.4, 5.5, 5.6, ...)" "the message counts and names them"

for c in $("$ISMSCTL" --csv control list | sed 1d | cut -d, -f1); do
	[ "$c" = 7.4 ] || "$ISMSCTL" -q control set "$c" --applicable yes || exit 1
done
isms soa propose --by sofia
expect_rc 0 "a second proposal, everything decided"
isms soa approve SOA-2 --by sofia
expect_rc 6 "the proposer may not approve own proposal"
err_has "proposer" "and is told why"
isms -q person add --name ivan --role security_officer
isms soa propose --by mia
isms soa approve SOA-3 --by mia
expect_rc 6 "a manager who proposed may not approve either"
isms soa approve SOA-2 --by ivan
expect_rc 6 "a non-manager may not approve"
err_has "not an active person with the role management (roles: security_officer)" "the message names the role"
isms soa approve SOA-2 --by mia
expect_rc 0 "management approves"
isms soa approve SOA-2 --by max
expect_rc 6 "an approved version does not change"
isms soa approve SOA-3 --by max
expect_rc 0 "the next version approved"
isms --json soa versions
expect_rc 0 "soa versions"
is "$(js '[(v["id"], v["status"], v["approved_by"]) for v in d]')" \
	'[["SOA-1", "draft", null], ["SOA-2", "superseded", "mia"], ["SOA-3", "approved", "max"]]' \
	"the version before is superseded"
sha=$(js 'd[2]["sha256"]')
isms --json evidence list --kind soa.approved
is "$(js 'len(d)')" 2 "an evidence row per approval"
out_has "$sha" "carrying the snapshot's hash"
isms --json evidence list --kind soa.proposed
is "$(js 'len(d)')" 3 "an evidence row per proposal"

isms --csv soa
head -1 "$OUT" | grep -q "soa_version,soa_approved_at,soa_approved_by" &&
	ok "--csv names the version columns" || not_ok "--csv names the version columns"
is "$(grep -c ',SOA-3,.*,max' "$OUT")" 93 "each CSV row names SOA-3 and its approver"
isms soa
out_has "SoA version SOA-3, approved " "the table names the approved version"
isms --json soa --summary
is "$(js '[(t["soa_version"], t["soa_approved_by"]) for t in d if t["theme"] == "total"]')" \
	'[["SOA-3", "max"]]' "the summary names it too"

# --- what a version froze ----------------------------------------------------------
isms -q control set 8.13 --status implemented
isms --json soa show SOA-1
expect_rc 0 "soa show"
is "$(js '[(c["applicable"], c["status"], c["measures"]) for c in d if c["id"] == "8.13"]')" \
	'[["yes", "partial", "M-1,M-2"]]' "soa show gives the frozen entry, not today's"
is "$(js '[c["applicable"] for c in d if c["id"] == "5.2"]')" '["undecided"]' \
	"SOA-1 was proposed with 5.2 undecided"
isms soa show SOA-3
out_has "SoA version SOA-3 (approved), SHA-256 $sha" "the table names status and hash"
isms soa show SOA-9
expect_rc 3 "an unknown version is not found"
err_has "no soa version 'SOA-9'" "and says so"

# --- a draft the register moved away from ----------------------------------------
isms -q control set 8.15 --status planned
isms soa propose --by sofia
out_has "soa version 'SOA-4' proposed" "SOA-4 proposed with 8.15 planned"
isms -q control set 8.15 --status implemented
isms soa approve SOA-4 --by mia
expect_rc 5 "a draft the register changed since is refused"
err_has "soa draft 'SOA-4' was proposed on " "the message names the draft and its proposal"
err_has "and the register changed since (8.15 status 'planned' -> 'implemented'): propose again" \
	"and what changed"
isms --json soa versions
is "$(js '[(v["id"], v["status"]) for v in d][2:]')" '[["SOA-3", "approved"], ["SOA-4", "draft"]]' \
	"nothing approved, nothing superseded"
isms -q soa propose --by sofia
isms soa approve SOA-5 --by mia
expect_rc 0 "proposed again, it is approved"

# --- the versions travel with the register ---------------------------------------
isms export
expect_rc 0 "export"
cp "$OUT" "$T/soa.json"
is "$(js '[(v["id"], v["status"], v["approved_by"]) for v in d["soa_version"]][2:]')" \
	'[["SOA-3", "superseded", "max"], ["SOA-4", "draft", null], ["SOA-5", "approved", "mia"]]' \
	"the export carries every version with its approver"
run "$ISMSCTL" --store "$T/moved.db" init -q
run "$ISMSCTL" --store "$T/moved.db" import "$T/soa.json"
expect_rc 0 "import into a new store"
isms --json soa versions
cp "$OUT" "$T/before.json"
run "$ISMSCTL" --store "$T/moved.db" --json soa versions
is "$(cmp -s "$T/before.json" "$OUT" && echo same)" same "the new store has the same versions, hashes and dates"
run "$ISMSCTL" --store "$T/moved.db" soa show SOA-5
expect_rc 0 "and the approved SoA as it was frozen"
run "$ISMSCTL" --store "$T/moved.db" --json evidence list --kind soa.imported
is "$(js 'len(d)')" 5 "one soa.imported row per version"
is "$(js '[e["subject"] for e in d][-1]')" SOA-5 "each naming its version"

python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = d["soa_version"][-1]
v["snapshot"] = v["snapshot"].replace("\"implemented\"", "\"planned\"", 1)
json.dump(d, open(sys.argv[2], "w"))
' "$T/soa.json" "$T/edited.json"
run "$ISMSCTL" --store "$T/edited.db" init -q
run "$ISMSCTL" --store "$T/edited.db" import "$T/edited.json"
expect_rc 5 "a version edited in the file is refused"
err_has "SOA-5: the snapshot's SHA-256 is " "the message names the version and its hash"
run "$ISMSCTL" --store "$T/edited.db" --json soa versions
is "$(js 'len(d)')" 0 "and nothing is imported"

python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["soa_version"][2]["status"] = "approved"
json.dump(d, open(sys.argv[2], "w"))
' "$T/soa.json" "$T/two.json"
run "$ISMSCTL" --store "$T/two.db" init -q
run "$ISMSCTL" --store "$T/two.db" import "$T/two.json"
expect_rc 5 "two approved versions are refused"
err_has "2 versions are 'approved'" "the message says why"

done_testing
