# SPDX-License-Identifier: GPL-2.0-or-later
# Import that users can use: an export edited and imported again with
# --update changes what was edited and nothing else (re-importing an
# export without it still refuses, exit 4); SoA versions and incident
# timelines already there are kept, not duplicated; CSV of assets, risks,
# persons and controls in the columns of their CSV export, its formula
# guard taken off again so that values round-trip byte for byte; all or
# nothing, errors naming the CSV line and column.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms init -q
expect_rc 0 "init"
isms -q person add --name alice --role security_officer,management
isms -q asset add --name web --type host --description "=cmd|' /C calc'!A0"
isms -q asset add --name db --type host --description "'=already quoted" --confidentiality high
isms -q risk add --title "data loss" --likelihood 2 --impact 3 --asset db --owner alice
isms -q control set 5.1 --applicable yes --justification "-policies, always"
isms -q incident add --title "phish" --handler alice --detected-at 2026-11-01T10:00:00Z
isms -q incident event INC-1 --what "contained" --at 2026-11-01T11:00:00Z
expect_rc 0 "a store with people, assets, a risk, a control decision and an incident"
isms -q soa propose --by alice
isms export
expect_rc 0 "export"
cp "$OUT" "$T/e.json"

# --- JSON, upsert by key -------------------------------------------------------------

isms import "$T/e.json"
expect_rc 4 "re-importing an export without --update still refuses"
err_has "already exists" "... naming the record"
isms import --update "$T/e.json"
expect_rc 0 "import --update of the store's own export"
out_has "0 added, 0 changed" "... changes nothing"
isms export
is "$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
a.pop("_exported", None); b.pop("_exported", None)
print(a == b)' "$T/e.json" "$OUT")" "True" "... and the store exports as before: no timeline event or SoA version twice"

python3 - "$T/e.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["risk"]:
    if r["id"] == "R-1":
        r["title"] = "data loss (edited)"
        r["likelihood"] = "3"
d["asset"].append({"name": "kiosk", "type": "host"})
json.dump(d, open(sys.argv[1], "w"))
EOF
isms import --update "$T/e.json"
expect_rc 0 "an edited export imports with --update"
out_has "1 added, 1 changed" "... one record added, one changed"
isms risk show R-1
out_has "data loss (edited)" "... the edit is in the store"
isms --json risk show R-1
is "$(js 'd["likelihood"]')" "3" "... every edited field"
isms asset show kiosk
expect_rc 0 "... the new record is added"

python3 - "$T/e.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["risk"][0]["likelihood"] = "99"
d["asset"].append({"name": "late", "type": "host"})
json.dump(d, open(sys.argv[1], "w"))
EOF
isms import --update "$T/e.json"
expect_rc 5 "an edit the register refuses fails the import"
isms asset show late
expect_rc 3 "... and nothing of it is imported"

python3 - "$T/e.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["risk"][0]["likelihood"] = "3"
d["asset"] = [a for a in d["asset"] if a["name"] != "late"]
assert d["soa_version"] and d["incident_event"]
for v in d["soa_version"]:
    v["snapshot"] = v["snapshot"].replace("5.1", "5.1 ")
json.dump(d, open(sys.argv[1], "w"))
EOF
isms import --update "$T/e.json"
expect_rc 5 "a SoA version changed in the export is refused (its snapshot no longer matches)"

# --- CSV ----------------------------------------------------------------------------

isms --csv asset list
cp "$OUT" "$T/a.csv"
grep -q "^web,host,'=cmd" "$T/a.csv"
is "$?" "0" "the asset export carries the formula guard"
isms import --update --type asset "$T/a.csv"
expect_rc 0 "the asset CSV export imports again with --update"
out_has "0 added, 0 changed" "... changing nothing"
isms --json asset show web
is "$(js 'd["description"]')" "=cmd|' /C calc'!A0" "... the guarded value is taken back as it was"
isms --json asset show db
is "$(js 'd["description"]')" "'=already quoted" "... and a value that read as guarded too"

sed -i 's/^web,host/web,service/' "$T/a.csv"
printf 'cash-register,host,"a, b",,,high,,,,,\r\n' >>"$T/a.csv"
isms import --update --type assets "$T/a.csv"
expect_rc 0 "an edited asset CSV (plural type name) imports"
out_has "1 added, 1 changed" "... one added, one changed"
isms --json asset show cash-register
is "$(js 'd["description"] + "|" + d["confidentiality"] + "|" + d["integrity"]')" "a, b|high|normal" \
	"... quoted cells and empty cells (defaults) as expected"

isms --csv risk list
cp "$OUT" "$T/r.csv"
isms import --update --type risk "$T/r.csv"
expect_rc 0 "the risk CSV export (computed columns and all) imports again"
out_has "0 added, 0 changed" "... unchanged"
isms --csv person list
cp "$OUT" "$T/p.csv"
printf 'bob,Bob Builder,bob@example.org,user,,,\r\n' >>"$T/p.csv"
isms import --type person --update "$T/p.csv"
expect_rc 0 "persons from CSV"
isms person show bob
out_has "Bob Builder" "... bob is added"
isms --csv control list
cp "$OUT" "$T/c.csv"
sed -i 's/^5\.2,\(.*\),undecided,,/5.2,\1,no,"+not here, see 5.1",/' "$T/c.csv"
isms import --type control --update "$T/c.csv"
expect_rc 0 "controls from CSV"
out_has "1 changed" "... one control changed"
isms --json control show 5.2
is "$(js 'd["applicable"] + "|" + d["justification"]')" "no|+not here, see 5.1" "... its decision and justification"

printf 'name,typo\nx,y\n' >"$T/bad.csv"
isms import --type asset "$T/bad.csv"
expect_rc 5 "a column that is no field is refused"
err_has "column 2: 'typo' is not a field of asset; did you mean 'type'?" "... naming the column"
printf 'name,type\nx,host\nx,host\n' >"$T/dup.csv"
isms import --type asset "$T/dup.csv"
expect_rc 4 "a key twice in a CSV fails"
err_has "line 3:" "... naming the CSV line"
isms asset show x
expect_rc 3 "... and nothing of the file is imported"
printf 'name,type\n"x,host\n' >"$T/broken.csv"
isms import --type asset "$T/broken.csv"
expect_rc 5 "broken CSV is refused"
err_has "unterminated" "... saying why"
isms import --type assett "$T/a.csv"
expect_rc 2 "an unknown type is a usage error"
err_has "did you mean 'asset'" "... with a suggestion"
isms import --type evidence "$T/a.csv"
expect_rc 2 "evidence cannot be imported"
isms import --update
expect_rc 2 "import needs a file"
isms import --bogus "$T/a.csv"
expect_rc 2 "an unknown option is a usage error"
isms import --help
out_has "--update" "--help names --update"
out_has "--type TYPE" "... and --type"

done_testing
