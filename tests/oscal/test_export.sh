# SPDX-License-Identifier: GPL-2.0-or-later
# ismsctl oscal export through the real ismsctl: the assessment results of a
# month with a passing and a failing control test, validated against NIST's
# OSCAL 1.1.3 schema with ajv; findings satisfied or not as the tests said;
# observations carrying each evidence row's collection time and chain hash;
# the same UUIDs when exported again; usage errors; the system security
# plan with the Grundschutz++ requirement check beside the Annex A controls.
. "$ISMS_TAP_LIB"
. "$ISMS_SOURCE_ROOT/tests/oscal/ajv.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms init -q
isms -q setting set organisation "Example GmbH"
isms oscal export poam
expect_rc 1 "nothing open yet: no plan of action"
err_has "nothing is open (no measure to implement, no nonconformity to close)" "and says why"
isms oscal export ssp
expect_rc 1 "no control decided yet: no system security plan"
err_has "no control is decided in the SoA yet" "and says why"

isms -q test add --name no-denials --title "No denied logins" --control 5.15 \
	--rule "count kind=access.deny max=0"
isms -q test add --name logins-seen --title "Logins are recorded" --control 8.15 \
	--rule "count kind=access.allow min=1"
isms -q evidence add --kind access.allow --control 8.15 --subject alice --node web1 \
	--ts 2026-11-02T08:00:00Z
isms -q evidence add --kind access.deny --control 5.15 --subject bob --node web1 \
	--ts 2026-11-03T08:00:00Z
isms -q evidence add --kind access.deny --control 5.15 --subject eve --node web1 \
	--ts 2026-12-03T08:00:00Z
isms -q assess --tz UTC --test no-denials --period 2026-11
isms -q assess --tz UTC --test logins-seen --period 2026-11

isms oscal export --help
expect_rc 0 "oscal export --help"
out_has "Usage: ismsctl oscal export assessment-results" "names the model"
isms oscal export nonesuch
expect_rc 2 "an unknown model is a usage error"
err_has "unknown OSCAL model 'nonesuch'" "naming it"
isms oscal export assessment-results --period 2026-13
expect_rc 2 "a bad period is a usage error"

isms oscal export assessment-results --tz UTC --period 2026-11 -o "$T/ar.json"
expect_rc 0 "assessment-results of November"
err_has "OSCAL assessment-results of 2026-11 written to" "says where"
cp "$T/ar.json" "$OUT"
is "$(js 'd["assessment-results"]["metadata"]["parties"][0]["name"]')" "Example GmbH" \
	"the organisation is a party"
is "$(js 'sorted((f["props"][0]["value"], f["target"]["target-id"], f["target"]["status"]["state"]) for f in d["assessment-results"]["results"][0]["findings"])')" \
	'[["logins-seen", "A.8.15", "satisfied"], ["no-denials", "A.5.15", "not-satisfied"]]' \
	"a finding per test result, satisfied or not"
is "$(js 'len(d["assessment-results"]["results"][0]["observations"])')" 2 \
	"an observation per evidence row of the month tied to a control"
is "$(js '[o["collected"] for o in d["assessment-results"]["results"][0]["observations"]]')" \
	'["2026-11-02T08:00:00Z", "2026-11-03T08:00:00Z"]' "with its collection time"
hash=$(js '[p["value"] for p in d["assessment-results"]["results"][0]["observations"][1]["props"] if p["name"] == "chain-hash"][0]')
isms --json evidence list --kind access.deny --subject bob
is "$(js 'd[0]["hash"]')" "$hash" "and its chain hash"
cp "$T/ar.json" "$OUT"
is "$(js '[o["observation-uuid"] for f in d["assessment-results"]["results"][0]["findings"] if f["props"][0]["value"] == "no-denials" for o in f["related-observations"]] == [d["assessment-results"]["results"][0]["observations"][1]["uuid"]]')" \
	true "the failing finding names the observation it rests on"

sleep 1
isms oscal export assessment-results --tz UTC --period 2026-11 -o "$T/again.json"
python3 -c '
import json, re, sys
a, b = (re.sub(r"\"last-modified\": *\"[^\"]*\"", "", open(f).read()) for f in sys.argv[1:])
print("same" if a == b else "differ")' "$T/ar.json" "$T/again.json" >"$OUT"
is "$(cat "$OUT")" same "exported again: the same document, UUIDs included, but for last-modified"

isms oscal export assessment-results --tz UTC --period 2027-01 -o "$T/empty.json"
expect_rc 0 "a month without evidence or results"
cp "$T/empty.json" "$OUT"
is "$(js '"observations" in d["assessment-results"]["results"][0] or "findings" in d["assessment-results"]["results"][0]')" \
	false "has neither observations nor findings"

# --- the plan of action and milestones --------------------------------------------
isms -q asset add --name web1 --type host --confidentiality high
isms -q risk add --id R-1 --title "Leaked admin password" --asset web1 --likelihood frequent \
	--impact considerable --impact-justification "test" --treatment mitigate
isms -q risk add --id R-2 --title "Unpatched web server" --asset web1 --likelihood medium \
	--impact considerable --impact-justification "test" --treatment mitigate
isms -q measure add --title "MFA for admins" --risk R-1,R-2 --control 5.17 --due 2027-01-31
isms -q measure add --title "Patch window" --risk R-2 --control 8.8 --status implemented
isms -q nc add --title "Backups not tested" --risks R-2 --due 2027-02-28
isms -q nc add --title "Old finding" --status closed --closed 2026-10-01
isms oscal export poam --period 2026-11
expect_rc 2 "poam takes no period"
isms oscal export poam -o "$T/poam.json"
expect_rc 0 "poam"
cp "$T/poam.json" "$OUT"
is "$(js '[i["title"] for i in d["plan-of-action-and-milestones"]["poam-items"]]')" \
	'["control test no-denials failed over 2026-11", "Backups not tested", "MFA for admins"]' \
	"an item per open nonconformity (the failing test opened one) and per measure not implemented, none for what is done or closed"
is "$(js '[(r["props"][0]["value"], r["status"], len(r.get("remediations", []))) for r in d["plan-of-action-and-milestones"]["risks"]]')" \
	'[["R-2", "remediating", 1], ["R-1", "remediating", 1]]' \
	"the risks they treat, each with the open measure as its remediation"
is "$(js 'd["plan-of-action-and-milestones"]["risks"][1]["remediations"][0]["tasks"][0]["timing"]["on-date"]["date"]')" \
	"2027-01-31T00:00:00Z" "the measure's due date is its milestone"
python3 -c '
import re, sys
u = re.findall(r"\"uuid\": *\"([0-9a-f-]+)\"", open(sys.argv[1]).read())
print("unique" if len(u) == len(set(u)) else "repeated")' "$T/poam.json" >"$OUT"
is "$(cat "$OUT")" unique "a measure for two risks still gives every UUID once"

# --- the system security plan ------------------------------------------------------
isms -q person add --name mia --full-name "Mia Meyer" --role management
isms -q person add --name sofia --role security_officer,risk_owner --email sofia@example.org
isms -q person add --name olaf --role management --active-until 2020-01-01
isms -q scope add --name it-ops --statement "IT operations of the head office" \
	--boundaries "the data room and the hosts in it"
isms -q asset add --name payroll --type information --confidentiality very_high
isms -q asset set web1 --owner sofia
isms -q control set 5.17 --applicable yes --status partial --justification "R-1"
isms -q control set 7.4 --applicable no --justification "no premises of our own"
isms oscal export ssp -o "$T/ssp.json"
expect_rc 0 "ssp"
cp "$T/ssp.json" "$OUT"
is "$(js 'd["system-security-plan"]["system-characteristics"]["system-name"]')" it-ops "the scope is the system"
is "$(js 'd["system-security-plan"]["system-characteristics"]["authorization-boundary"]["description"]')" \
	"it-ops: the data room and the hosts in it" "its boundaries the authorisation boundary"
is "$(js '[(c["type"], c["title"]) for c in d["system-security-plan"]["system-implementation"]["components"]]')" \
	'[["this-system", "The information domain in scope"], ["system", "web1"]]' \
	"the system and each host as components"
is "$(js '[t["title"] for t in d["system-security-plan"]["system-characteristics"]["system-information"]["information-types"]]')" \
	'["payroll"]' "information assets as information types"
is "$(js 'd["system-security-plan"]["system-characteristics"]["security-impact-level"]["security-objective-confidentiality"]')" \
	very_high "the highest confidentiality requirement"
is "$(js 'sorted((r["control-id"], r["by-components"][0]["implementation-status"]["state"]) for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"])')" \
	'[["A.5.17", "partial"], ["A.7.4", "not-applicable"]]' \
	"each control the SoA decided, with its status; undecided ones are not claimed"
is "$(js '[p["name"] for p in d["system-security-plan"]["metadata"]["parties"]]')" \
	'["Example GmbH", "Mia Meyer", "sofia"]' "the organisation and the active people as parties"
is "$(js '[(r["role-id"], len(r["party-uuids"])) for r in d["system-security-plan"]["metadata"]["responsible-parties"]]')" \
	'[["management", 1], ["security_officer", 1], ["risk_owner", 1]]' "who holds each role"

# --- the Grundschutz++ requirement check in the plan --------------------------------------
isms -q catalogue import "$ISMS_DATA_DIR/bsi-grundschutz-plusplus/BSI-Stand-der-Technik-Kernel-catalog.json" \
	--name gspp-kernel
isms -q implementation add --requirement DET.3.1 --status yes --owner sofia --checked-at 2026-11-30
isms -q implementation add --asset web1 --requirement DET.3.1 --status partly --owner sofia
isms -q implementation add --asset web1 --requirement DET.3.2 --status no
isms -q implementation add --asset payroll --requirement DET.3.3 --status not_applicable \
	--notes "payroll keeps no logs of its own"
expect_rc 0 "requirement checks recorded"
isms oscal export ssp -o "$T/ssp-gs.json"
expect_rc 0 "ssp with requirement checks"
cp "$T/ssp-gs.json" "$OUT"
is "$(js '[r["control-id"] for r in d["system-security-plan"]["control-implementation"]["implemented-requirements"]]')" \
	'["A.5.17", "A.7.4", "DET.3.1", "DET.3.2", "DET.3.3"]' \
	"the controls, then an implemented requirement per requirement checked"
cat >"$T/gs.py" <<'PY'
ssp = d["system-security-plan"]
comp = {c["uuid"]: c["title"] for c in ssp["system-implementation"]["components"]}
req = {r["control-id"]: r for r in ssp["control-implementation"]["implemented-requirements"]}
def props(o): return {p["name"]: p["value"] for p in o.get("props", []) if p.get("ns") == "urn:isms:oscal"}
PY
# the helpers above, then the expression
gs='exec(open("'"$T"'/gs.py").read(), globals()) or '
is "$(js "$gs"'[(comp[b["component-uuid"]], b["implementation-status"]["state"], props(b)["status"], props(b).get("asset")) for b in req["DET.3.1"]["by-components"]]')" \
	'[["The information domain in scope", "implemented", "yes", null], ["web1", "partial", "partly", "web1"]]' \
	"a by-component per check: the domain on the system, an asset on its component"
is "$(js "$gs"'(props(req["DET.3.1"]), props(req["DET.3.1"]["by-components"][0])["checked-at"])')" \
	'[{"framework": "grundschutz++", "catalogue": "gspp-kernel"}, "2026-11-30"]' \
	"the framework, the catalogue and when it was checked"
is "$(js "$gs"'[b["implementation-status"]["state"] for b in req["DET.3.2"]["by-components"]]')" \
	'["planned"]' "no is planned"
is "$(js "$gs"'[(comp[b["component-uuid"]], b["implementation-status"]["state"], props(b)["asset"], b["description"]) for b in req["DET.3.3"]["by-components"]]')" \
	'[["The information domain in scope", "not-applicable", "payroll", "payroll keeps no logs of its own"]]' \
	"an asset that is no component on the system, named; the notes its description"
is "$(js "$gs"'[p["uuid"] for p in ssp["metadata"]["parties"] if p["name"] == "sofia"] == req["DET.3.1"]["by-components"][1]["responsible-roles"][0]["party-uuids"]')" \
	true "the owner is the responsible party"

if oscal_validator; then
	run $OSCAL_VALIDATE "$T/ar.json" "$T/empty.json" "$T/poam.json" "$T/ssp.json" "$T/ssp-gs.json"
	expect_rc 0 "all validate against NIST's OSCAL 1.1.3 complete schema"
else
	skip "no OSCAL validator here: $OSCAL_WHY"
fi
done_testing
