# SPDX-License-Identifier: GPL-2.0-or-later
# A risk model an auditor recognises, through ismsctl on a real store: risks
# on several assets and measures on several risks and controls (sets:
# given comma-separated, replaced by set, filtered by membership, arrays in
# JSON and export, single keys of older exports imported); impacts per
# objective held to the assets' protection requirements, refused below
# them without a justification; the matrix's definitions; the assets with
# no risk analysis, listed and warned of by overdue.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms init -q
expect_rc 0 "init"
isms -q asset add --name web --type host
isms -q asset add --name db --type host --confidentiality very_high --availability high
expect_rc 0 "an asset of normal and one of very high confidentiality"

# --- the assets with no risk analysis ---------------------------------------------------
isms --json risk gaps
is "$(js '[(a["asset"], a["requirement"]) for a in d]')" \
	'[["db", "confidentiality very_high, availability high"]]' \
	"risk gaps: the asset with a high requirement and no risk"
isms overdue
expect_rc 0 "overdue"
err_has "warning: asset 'db' (confidentiality very_high, availability high) has no risk analysis" \
	"overdue warns of it"

# --- impact per objective against the protection requirement ---------------------------
isms risk add --title "laptop lost" --asset db --likelihood 2 --impact negligible
expect_rc 5 "a negligible impact on a very high confidentiality asset is refused"
err_has "impact on confidentiality 1 (negligible) is below what asset 'db' requires" \
	"naming the asset and the objective"
err_has "very_high, which needs at least 4 (existential)" "the requirement and the minimum"
isms --json risk list
is "$(js 'len(d)')" "0" "and nothing is written"
isms risk add --title "laptop lost" --asset db --likelihood 2 --impact negligible \
	--impact-justification "full-disk encryption, keys in the TPM"
expect_rc 0 "with a justification it stands"
isms risk add --title "outage" --asset db --likelihood 2 --impact-availability considerable
expect_rc 0 "rated on availability alone: availability high needs considerable"
isms --json risk show R-2
is "$(js '[d["impact"], d["impact_availability"], d["impact_confidentiality"]]')" \
	'[3, 3, null]' "the impact is the highest of the objectives given"
isms risk set R-2 --impact-availability limited
expect_rc 5 "lowered below the requirement: refused"
err_has "impact on availability 2 (limited)" "naming the objective"
isms risk set R-2 --impact-integrity existential
expect_rc 0 "another objective rated higher"
isms --json risk show R-2
is "$(js 'd["impact"]')" "4" "moves the impact"
isms risk set R-2 --impact 2
expect_rc 5 "an impact that is not the highest of the objectives' is refused"
err_has "is not the highest of its impacts" "and says why"
isms -q setting set protection.high limited
isms risk set R-2 --impact-availability limited
expect_rc 0 "with protection.high set to limited, limited is enough"
isms --json setting
is "$(js '[s["value"] for s in d if s["key"].startswith("protection.")]')" '["limited", null]' \
	"setting shows the minimum as a label"

# --- sets of references ------------------------------------------------------------------
isms risk add --title "ransomware" --asset web,db --likelihood 3 --impact 4
expect_rc 0 "a risk on two assets"
isms --json risk show R-3
is "$(js 'd["asset"]')" '["web", "db"]' "shown as an array"
isms risk add --title x --asset web,nope --likelihood 1 --impact 1
expect_rc 3 "an unknown asset in the set is refused"
err_has "asset 'nope' not found" "naming it"
isms measure add --title "offline backups" --risk R-2,R-3 --control 8.13,5.30 --cost 1000
expect_rc 0 "a measure for two risks and two controls"
isms measure add --title "patching" --risk R-3 --cost 500
isms --json measure list --risk R-2
is "$(js '[m["id"] for m in d]')" '["M-1"]' "measure list --risk matches membership"
isms --json measure list --risk R-3
is "$(js '[m["id"] for m in d]')" '["M-1", "M-2"]' "both treat R-3"
isms --json measure list --control 5.30
is "$(js '[(m["id"], m["control"]) for m in d]')" '[["M-1", ["5.30", "8.13"]]]' \
	"filtered by control; controls in catalogue order"
isms --json control show 8.13
is "$(js 'd["measures"]')" "M-1" "the control's measures"
isms --json budget
is "$(js 'd[0]["committed"]')" "1500.0" "the shared measure counts once in the budget"
isms -q measure set M-1 --risk R-3
isms --json measure show M-1
is "$(js 'd["risk"]')" '["R-3"]' "set replaces the set"
isms history M-1 --type measure
out_has "risk: R-2,R-3 -> R-3" "history shows the set before and after"
isms --json risk gaps
is "$(js 'len(d)')" "0" "risks on db: no gap any more"

# --- the matrix's definitions --------------------------------------------------------------
isms risk matrix define likelihood rare "less than once in ten years"
expect_rc 0 "define a likelihood"
isms risk matrix define impact existential "the company's survival is at stake"
isms risk matrix define level 4 "management decides within a week"
isms risk matrix define impact huge "x"
expect_rc 3 "a value not on the matrix"
isms risk matrix
out_has "likelihood rare           less than once in ten years" "risk matrix shows the definitions"
out_has "level      very_high      management decides within a week" "levels too"
isms --json risk matrix
is "$(js '[d["definitions"]["impact"]["existential"], d["definitions"]["impact"]["limited"]]')" \
	"[\"the company's survival is at stake\", null]" "and --json carries them"

# --- export and import -----------------------------------------------------------------------
isms export
expect_rc 0 "export"
cp "$OUT" "$T/export.json"
is "$(js '[[r["id"], r.get("asset")] for r in d["risk"]]')" \
	'[["R-1", ["db"]], ["R-2", ["db"]], ["R-3", ["web", "db"]]]' "exported as arrays"
ISMS_STORE="$T/again.db" isms init -q
ISMS_STORE="$T/again.db" isms import "$T/export.json"
expect_rc 0 "the export imports"
ISMS_STORE="$T/again.db" isms --json measure show M-1
is "$(js '[d["risk"], d["control"]]')" '[["R-3"], ["5.30", "8.13"]]' "with its sets"
ISMS_STORE="$T/again.db" isms --json risk matrix
is "$(js 'd["definitions"]["likelihood"]["rare"]')" "less than once in ten years" \
	"the matrix's definitions travel with the export"
ISMS_STORE="$T/again.db" isms --json setting
is "$(js '[s["value"] for s in d if s["key"] == "protection.high"]')" '["limited"]' \
	"and the protection minimums"
python3 - "$T/export.json" "$T/old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
# an export as builds before the sets wrote it: one key, a string
d["risk"][2]["asset"] = "web"
d["measure"][0]["risk"] = "R-3"
d["measure"][0]["control"] = "8.13"
json.dump(d, open(sys.argv[2], "w"))
PY
ISMS_STORE="$T/old.db" isms init -q
ISMS_STORE="$T/old.db" isms import "$T/old.json"
expect_rc 0 "an old export with single keys imports"
ISMS_STORE="$T/old.db" isms --json measure show M-1
is "$(js '[d["risk"], d["control"]]')" '[["R-3"], ["8.13"]]' "each a set of one"
python3 - "$T/export.json" "$T/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["risk"][0].pop("impact_justification")
json.dump(d, open(sys.argv[2], "w"))
PY
ISMS_STORE="$T/bad.db" isms init -q
ISMS_STORE="$T/bad.db" isms import "$T/bad.json"
expect_rc 5 "an import is held to the requirements too"
err_has "impact on confidentiality 1 (negligible)" "with the same message"

# --- a requirement raised holds the risks on the asset to it -------------------------------
isms -q asset add --name files --type service
isms -q risk add --title "share wiped" --asset files --likelihood 1 --impact 1
isms asset set files --confidentiality high
expect_rc 5 "a requirement raised above a risk's unjustified rating is refused"
err_has "asset 'files': requirement not raised: risk 'R-4': impact on confidentiality 1" \
	"naming the risk and what it lacks"
isms -q risk set R-4 --impact-availability 1 --impact-justification "a copy of the archive"
isms asset set files --confidentiality high
expect_rc 0 "rated on availability alone and justified, it may be raised"

done_testing
