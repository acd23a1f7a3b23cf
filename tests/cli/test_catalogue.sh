# SPDX-License-Identifier: GPL-2.0-or-later
# OSCAL catalogues into the store through the real ismsctl: the BSI's
# Grundschutz++ Kernel, Methodik, profile and ISO -> GS++ mapping (the
# unchanged copies in data/) imported and listed with their controls; a
# control shown with its statement and props; truncated, foreign, duplicate
# and second imports refused with clear messages and the store unchanged;
# --replace; one evidence row each and the chain intact.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
D="$ISMS_DATA_DIR/bsi-grundschutz-plusplus"

isms init -q
expect_rc 0 "init"
for sub in import list show; do
	isms catalogue $sub --help
	if [ "$RC" -eq 0 ] && grep -q "^Usage: ismsctl catalogue $sub" "$OUT"; then
		ok "catalogue $sub --help"
	else not_ok "catalogue $sub --help"; fi
done
isms catalogue
expect_rc 2 "catalogue without a subcommand is a usage error"

# --- the BSI's files -------------------------------------------------------------------
isms catalogue import "$D/BSI-Stand-der-Technik-Kernel-catalog.json" --name gspp-kernel
expect_rc 0 "the Kernel is imported"
out_has "catalogue 'gspp-kernel' imported: 117 groups, 901 controls" "with its groups and controls"
isms -q catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json" --name gspp-methodik
expect_rc 0 "Methodik is imported"
isms catalogue import "$D/Grundschutz++-profile.json"
expect_rc 0 "the profile is imported under a name derived from the file"
out_has "catalogue 'Grundschutz-profile' imported: 0 groups, 0 controls, 3 imports" \
	"its three imports"
isms -q catalogue import "$D/ISO27001-AnnexA-to-GS++-mapping_collection.json" --name iso-to-gspp
expect_rc 0 "the ISO -> GS++ mapping is imported"

isms catalogue list
expect_rc 0 "catalogue list"
out_has "imported_at" "the table has its header"
isms --json catalogue list
is "$(js '[(c["name"], c["kind"], c["controls"]) for c in d]')" \
	'[["Grundschutz-profile", "profile", 0], ["gspp-kernel", "catalog", 901], ["gspp-methodik", "catalog", 95], ["iso-to-gspp", "mapping", 0]]' \
	"list: 901 Kernel and 95 Methodik controls"
is "$(js '[c["imports"] for c in d if c["kind"] == "profile"] + [c["maps"] > 0 for c in d if c["kind"] == "mapping"]')" \
	'[3, true]' "the profile's imports and the mapping's entries are counted"
is "$(js 'd[1]["title"]')" "BSI Stand der Technik Kernel" "with the title"

isms catalogue show gspp-kernel --control ASST.1.1
expect_rc 0 "a control"
out_has "statement: Informationen und Assets MUSS Verfahren" "with its statement"
out_has "sec_level: normal-SdT" "its sec_level"
out_has "prop: modal_verb = MUSS (on the statement)" "and its props with where they are given"
isms --json catalogue show gspp-kernel --control ASST.1.1
is "$(js '[p["name"] for p in d["props"] if p["origin"] == "control"]')" \
	'["alt-identifier", "sec_level", "effort_level"]' "JSON: the props as objects"
isms --json catalogue show gspp-methodik --controls
is "$(js 'len(d)')" 95 "--controls lists every control"
isms catalogue show gspp-kernel --control NO.SUCH
expect_rc 3 "an unknown control"
err_has "catalogue 'gspp-kernel' has no control 'NO.SUCH'" "is named"
isms catalogue show nothing
expect_rc 3 "an unknown catalogue"
err_has "no catalogue 'nothing' (see 'ismsctl catalogue list')" "is named"

# --- a profile's controls, from the catalogues imported ---------------------------------
isms --json catalogue show Grundschutz-profile --controls
expect_rc 0 "a profile's controls"
is "$(js 'sorted(set(k["catalogue"] for k in d)) + [len(d)]')" '["gspp-methodik", 95]' \
	"Methodik whole: the risk management catalogue is not imported yet"
err_has "warning: import '../catalogs/Kernel/BSI-Stand-der-Technik-Kernel-G0-catalog.json' names no imported catalogue, ignoring" \
	"the Kernel G0 file it names is not there"
isms -q catalogue import "$D/BSI-Anforderungen-zum-Risikomanagement-catalog.json" --name risk
isms --json catalogue show Grundschutz-profile --controls
is "$(js '[k["id"] for k in d if k["catalogue"] == "risk"]')" \
	'["RISK.1.1", "RISK.1.3", "RISK.1.5", "RISK.1.10"]' "then four of its controls, by id"
isms --json catalogue show iso-to-gspp --controls
is "$(js '[m for m in d if m["source"] == "5.1"][0]["relationship"] != ""')" true \
	"a mapping's entries: Annex A 5.1 maps to something"
is "$(js 'len(d)')" "$(isms --json catalogue list; js '[c["maps"] for c in d if c["name"] == "iso-to-gspp"][0]')" \
	"every entry is listed"
isms --json catalogue show gspp-kernel
is "$(js 'd["file"]')" "BSI-Stand-der-Technik-Kernel-catalog.json" "a catalogue keeps its file's name"

isms verify
expect_rc 0 "the chain is intact"
rows=$(sed -n 's/^evidence chain intact: \([0-9]*\) rows.*/\1/p' "$OUT")
isms --json evidence list --kind catalogue.imported
is "$(js '[e["subject"] for e in d]')" \
	'["gspp-kernel", "gspp-methodik", "Grundschutz-profile", "iso-to-gspp", "risk"]' \
	"one evidence row per import"

# --- refused, and nothing written ------------------------------------------------------
isms --json catalogue list
before=$(cat "$OUT")
unchanged() {
	isms --json catalogue list
	is "$(cat "$OUT")" "$before" "$1: the catalogues are unchanged"
	isms verify
	out_has "evidence chain intact: $rows rows" "$1: no evidence row written"
}
head -c 100000 "$D/BSI-Methodik-Grundschutz++-catalog.json" >"$T/cut.json"
isms catalogue import "$T/cut.json"
expect_rc 5 "a truncated file is refused"
err_has "not an OSCAL catalog, profile or mapping" "with a clear message"
unchanged "truncated"
printf '{"component-definition":{"uuid":"58d876a3-04d3-474e-a02f-be949c2a0a61"}}' >"$T/comp.json"
isms catalogue import "$T/comp.json"
expect_rc 5 "another OSCAL model is refused"
unchanged "another model"
python3 - "$D/BSI-Methodik-Grundschutz++-catalog.json" "$T/dup.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = d["catalog"]["groups"][0]
while "controls" not in g:
    g = g["groups"][0]
g["controls"].append(dict(g["controls"][0]))
json.dump(d, open(sys.argv[2], "w"))
PY
isms catalogue import "$T/dup.json" --name dup
expect_rc 5 "a control id given twice is refused"
err_has "given twice" "the message says so"
unchanged "duplicate id"
isms catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json" --name gspp-methodik
expect_rc 4 "a second import under one name is refused"
err_has "catalogue 'gspp-methodik' is imported already (--replace replaces it)" \
	"the message points to --replace"
unchanged "second import"
isms catalogue import "$T/cut.json" --name gspp-methodik --replace
expect_rc 5 "a broken replacement is refused"
unchanged "broken replacement"
python3 -c 'print("{\"catalog\":" + "[" * 100000 + "]" * 100000 + "}")' >"$T/deep.json"
isms catalogue import "$T/deep.json" --name deep
expect_rc 5 "nesting beyond the reader's depth is refused"
unchanged "deep nesting"
head -c 17000000 /dev/zero >"$T/huge.json"
isms catalogue import "$T/huge.json" --name huge
expect_rc 5 "a file over 16 MiB is refused"
err_has "cannot read '$T/huge.json'" "before it is parsed"
unchanged "huge file"
rm -f "$T/huge.json"
isms catalogue import "$T/nonexistent.json"
expect_rc 3 "a missing file"
isms catalogue import "$D/Grundschutz++-profile.json" --name "a b"
expect_rc 5 "a name with a space is refused"

# --- replaced -----------------------------------------------------------------------------
isms -q catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json" --name gspp-methodik --replace
expect_rc 0 "--replace replaces"
isms --json catalogue list
is "$(js '[c["controls"] for c in d if c["name"] == "gspp-methodik"]')" '[95]' \
	"with its controls once"
isms --json evidence list --kind catalogue.imported
is "$(js '[e["outcome"] for e in d][-1]')" replaced "the evidence row says replaced"
isms verify
expect_rc 0 "the chain is intact"

done_testing
