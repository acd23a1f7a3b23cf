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
for sub in import list show map; do
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
# alone, so that the catalogues it imports are not found beside it
mkdir "$T/alone"
cp "$D/Grundschutz++-profile.json" "$T/alone/"
isms catalogue import "$T/alone/Grundschutz++-profile.json"
expect_rc 0 "the profile is imported under a name derived from the file"
err_has "warning: import '../../../Risikomanagement/BSI-Anforderungen-zum-Risikomanagement-catalog.json': no 'BSI-Anforderungen-zum-Risikomanagement-catalog.json' beside '$T/alone/Grundschutz++-profile.json', given with --with or imported" \
	"an import found nowhere is a warning"
out_has "catalogue 'Grundschutz-profile' imported: 0 groups, 0 controls, 3 imports" \
	"its three imports"
isms -q catalogue import "$D/ISO27001-AnnexA-to-GS++-mapping_collection.json" --name iso-to-gspp
expect_rc 0 "the ISO -> GS++ mapping is imported"

isms catalogue list
expect_rc 0 "catalogue list"
out_has "imported_at" "the table has its header"
isms --json catalogue list
is "$(js '[(c["name"], c["kind"], c["controls"]) for c in d]')" \
	'[["Grundschutz-profile", "profile", 95], ["ISO27001-AnnexA", "catalog", 93], ["gspp-kernel", "catalog", 901], ["gspp-methodik", "catalog", 95], ["iso-to-gspp", "mapping", 0]]' \
	"list: 901 Kernel and 95 Methodik controls, the 95 the profile selects, Annex A's 93"
is "$(js '[c["missing"] for c in d]')" '[2, 0, 0, 0, 0]' \
	"two of the profile's imports are missing"
is "$(js '[c["imports"] for c in d if c["kind"] == "profile"] + [c["maps"] > 0 for c in d if c["kind"] == "mapping"]')" \
	'[3, true]' "the profile's imports and the mapping's entries are counted"
is "$(js 'd[2]["title"]')" "BSI Stand der Technik Kernel" "with the title"
isms catalogue show Grundschutz-profile
expect_rc 0 "a profile shown"
out_has "missing:       2" "with the number of its imports missing"
err_has "warning: import '../catalogs/Kernel/BSI-Stand-der-Technik-Kernel-G0-catalog.json' names no imported catalogue" \
	"and a warning naming each"

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
is "$(js '[(m["source_title"], m["target"], m["target_title"]) for m in d if m["source"] == "5.1" and m["target"] == "GC.9.1"]')" \
	'[["Policies for information security", "GC.9.1", "Festlegung einer Sicherheitsorganisation"]]' \
	"with the titles of both sides, Annex A's from ISO27001-AnnexA"
is "$(js 'len(d)')" "$(isms --json catalogue list; js '[c["maps"] for c in d if c["name"] == "iso-to-gspp"][0]')" \
	"every entry is listed"
isms --json catalogue show gspp-kernel
is "$(js 'd["file"]')" "BSI-Stand-der-Technik-Kernel-catalog.json" "a catalogue keeps its file's name"

# --- a control's mappings, both ways ----------------------------------------------------
isms catalogue map 5.1
expect_rc 0 "catalogue map: an Annex A control"
out_has "GC.9.1    Festlegung einer Sicherheitsorganisation" "the Grundschutz++ requirement it maps to, with its title"
isms --json catalogue map 5.1 --catalogue ISO27001-AnnexA
is "$(js 'sorted(set((m["source_catalogue"], m["target_catalogue"]) for m in d))')" \
	'[["ISO27001-AnnexA", "gspp-methodik"]]' "into Methodik, the catalogue its entries name"
isms --json catalogue show iso-to-gspp --controls
is "$(js 'sorted(set((m["source_catalogue"], m["target_catalogue"]) for m in d))')" \
	'[["ISO27001-AnnexA", "gspp-kernel"], ["ISO27001-AnnexA", "gspp-methodik"]]' \
	"the mapping links Annex A to Methodik and the Kernel"
isms --json catalogue map GC.9.1
is "$(js 'sorted(set((m["source"], m["source_title"]) for m in d if m["target"] == "GC.9.1"))[:1]')" \
	'[["5.1", "Policies for information security"]]' \
	"the reverse: the Annex A controls mapping to a requirement, with their titles"
isms --json catalogue map GC.9.1 --catalogue ISO27001-AnnexA
is "$(js 'len(d)')" 0 "--catalogue takes the id only on that catalogue's side"
isms catalogue map
expect_rc 2 "map without an id is a usage error"
isms catalogue map 5.1 --mapping gspp-kernel
expect_rc 5 "--mapping names a mapping"
err_has "catalogue 'gspp-kernel' is a catalog, not a mapping" "or is refused"

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

# --- a profile with the catalogues it imports ---------------------------------------------
export ISMS_STORE="$T/beside.db"
isms init -q
isms catalogue import "$D/Grundschutz++-profile.json"
expect_rc 0 "a profile beside the catalogues it imports"
out_has "catalogue 'BSI-Methodik-Grundschutz-catalog' imported: 41 groups, 95 controls" \
	"brings Methodik, found beside it by its file's name"
out_has "catalogue 'BSI-Anforderungen-zum-Risikomanagement-catalog' imported: 2 groups, 10 controls" \
	"and the risk management catalogue"
err_has "warning: import '../catalogs/Kernel/BSI-Stand-der-Technik-Kernel-G0-catalog.json': no 'BSI-Stand-der-Technik-Kernel-G0-catalog.json' beside" \
	"the Kernel G0 file it names is missing: a warning, not a failure"
isms --json catalogue list
is "$(js '[(c["controls"], c["missing"]) for c in d if c["kind"] == "profile"]')" '[[99, 1]]' \
	"the profile selects 95 + 4 controls, one import missing"
isms --json evidence list --kind catalogue.imported
is "$(js 'sorted(e["subject"] for e in d)')" \
	'["BSI-Anforderungen-zum-Risikomanagement-catalog", "BSI-Methodik-Grundschutz-catalog", "Grundschutz-profile"]' \
	"an evidence row for each"

export ISMS_STORE="$T/with.db"
isms init -q
isms -q catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json" --name mine
isms catalogue import "$T/alone/Grundschutz++-profile.json" \
	--with "$D/BSI-Anforderungen-zum-Risikomanagement-catalog.json" --with "$D/practices.csv"
expect_rc 0 "a profile with --with"
out_has "catalogue 'BSI-Anforderungen-zum-Risikomanagement-catalog' imported" \
	"brings the --with file it imports"
out_lacks "BSI-Methodik" "but not Methodik, which is imported already"
err_has "warning: '$D/practices.csv' is not a file the profile imports, ignoring" \
	"a --with file it does not import is a warning"
isms --json catalogue show Grundschutz-profile --controls
is "$(js 'sorted(set(k["catalogue"] for k in d)) + [len(d)]')" \
	'["BSI-Anforderungen-zum-Risikomanagement-catalog", "mine", 99]' \
	"it selects from both"
mkdir "$T/bad"
cp "$T/cut.json" "$T/bad/BSI-Stand-der-Technik-Kernel-G0-catalog.json"
isms --json catalogue list
before=$(cat "$OUT")
isms catalogue import "$T/alone/Grundschutz++-profile.json" --name other \
	--with "$T/bad/BSI-Stand-der-Technik-Kernel-G0-catalog.json"
expect_rc 5 "a broken file among those it imports"
err_has "'$T/bad/BSI-Stand-der-Technik-Kernel-G0-catalog.json': not an OSCAL catalog" \
	"is named"
isms --json catalogue list
is "$(cat "$OUT")" "$before" "and nothing is imported, the profile neither"
isms catalogue import "$T/alone/Grundschutz++-profile.json" --with
expect_rc 2 "--with without a file is a usage error"

# --- Annex A, stored by init ---------------------------------------------------------------
isms --json catalogue show ISO27001-AnnexA --controls
is "$(js '[len(d), d[0]["id"], d[0]["title"], d[0]["group"], d[-1]["id"], d[-1]["group_title"]]')" \
	'[93, "5.1", "Policies for information security", "5", "8.34", "Technological controls"]' \
	"Annex A is a catalogue: its 93 controls in clauses 5 to 8"
isms --json catalogue show ISO27001-AnnexA
is "$(js '[d["file"], d["version"]]')" '["ISO27001-AnnexA-catalog.json", "2022"]' \
	"under the file name the BSI's mapping names"
before=$(cat "$OUT")
isms init -q
expect_rc 0 "init again"
isms --json catalogue show ISO27001-AnnexA
is "$(cat "$OUT")" "$before" "leaves it as it was"
isms --json catalogue list
is "$(js '[c["name"] for c in d].count("ISO27001-AnnexA")')" 1 "once"
isms --json evidence list --kind catalogue.imported
is "$(js '[e["subject"] for e in d if e["subject"] == "ISO27001-AnnexA"]')" '[]' \
	"shipped, not imported by someone: no evidence row"
sed 's/"Access control"/"Access control (changed)"/' "$ISMS_DATA_DIR/annex-a-2022.json" \
	>"$T/annex.json"
mkdir "$T/data"
cp "$ISMS_DATA_DIR"/*.json "$T/data/"
mkdir "$T/data/bsi-grundschutz-plusplus"
cp "$ISMS_DATA_DIR/bsi-grundschutz-plusplus/target_object_categories.csv" "$T/data/bsi-grundschutz-plusplus/"
cp "$T/annex.json" "$T/data/annex-a-2022.json"
isms init -q --data-dir "$T/data"
expect_rc 0 "init from a changed Annex A file"
isms --json catalogue show ISO27001-AnnexA --control 5.15
is "$(js 'd["title"]')" "Access control (changed)" "replaces the catalogue"
isms --json catalogue list
is "$(js '[c["name"] for c in d].count("ISO27001-AnnexA")')" 1 "without a second one"
isms oscal export catalog --catalogue ISO27001-AnnexA -o "$T/annex-export.json"
expect_rc 0 "and it is exported like any catalogue"

done_testing
