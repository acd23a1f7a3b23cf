# SPDX-License-Identifier: GPL-2.0-or-later
# ismsctl oscal export catalog through the real ismsctl: the BSI's Kernel
# and Methodik catalogues imported, exported, validated against NIST's
# OSCAL 1.1.3 schema with ajv, and imported again under other names, every
# control (id, title, class, group, parent, statement, guidance, the BSI's
# properties, props, params) and every group the same; the catalogue's
# uuid kept; profiles, mappings and unknown names refused.
. "$ISMS_TAP_LIB"
. "$ISMS_SOURCE_ROOT/tests/oscal/ajv.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
D="$ISMS_SOURCE_ROOT/data/bsi-grundschutz-plusplus"

isms init -q
isms -q catalogue import "$D/BSI-Stand-der-Technik-Kernel-catalog.json" --name kernel
isms -q catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json" --name methodik
isms -q catalogue import "$D/Grundschutz++-profile.json" --name profile
isms -q catalogue import "$D/ISO27001-AnnexA-to-GS++-mapping_collection.json" --name mapping

isms oscal export catalog --catalogue kernel -o "$T/kernel.json"
expect_rc 0 "the Kernel is exported"
err_has "OSCAL catalog of kernel written to $T/kernel.json" "says where"
isms oscal export catalog --catalogue methodik
expect_rc 0 "Methodik is exported to stdout"
cp "$OUT" "$T/methodik.json"
is "$(js 'd["catalog"]["uuid"]')" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["catalog"]["uuid"])' "$D/BSI-Methodik-Grundschutz++-catalog.json")" \
	"with the catalogue's own uuid"
is "$(js '[d["catalog"]["metadata"][k] for k in ("title", "oscal-version")]')" \
	'["BSI Methodik Grundschutz++", "1.1.3"]' "its title, as OSCAL 1.1.3"
cp "$T/kernel.json" "$OUT"
is "$(js '[p for g in d["catalog"]["groups"] for g2 in g.get("groups", [g]) for c in g2.get("controls", []) if c["id"] == "ASST.1.1" for p in c["parts"] if p["name"] == "statement"][0]["id"]')" \
	"ASST.1.1_stm" "a statement part named the BSI's way"

if oscal_validator; then
	run $OSCAL_VALIDATE "$T/kernel.json" "$T/methodik.json"
	expect_rc 0 "the exported Kernel and Methodik are valid OSCAL 1.1.3"
else
	ok "# SKIP ajv: $OSCAL_WHY"
fi

# --- the round trip ------------------------------------------------------------------
isms catalogue import "$T/kernel.json" --name kernel-again
expect_rc 0 "the exported Kernel imports"
out_has "117 groups, 901 controls" "with every group and control"
isms -q catalogue import "$T/methodik.json" --name methodik-again
expect_rc 0 "the exported Methodik imports"
for n in kernel methodik; do
	isms --json catalogue show $n --controls
	cp "$OUT" "$T/$n.controls"
	isms --json catalogue show $n-again --controls
	if cmp -s "$OUT" "$T/$n.controls"; then
		ok "$n: every control the same after the round trip"
	else
		diff "$T/$n.controls" "$OUT" | head -20 | sed 's/^/# /'
		not_ok "$n: every control the same after the round trip"
	fi
done
cp "$T/kernel.controls" "$OUT"
is "$(js 'sorted(set(k for c in d for k in c if c[k] not in (None, "", "[]")))')" \
	'["class", "effort_level", "group", "group_title", "guidance", "id", "modal_verb", "params", "parent", "props", "sec_level", "statement", "target_object_categories", "title"]' \
	"the comparison covers every field of a control"
python3 - "$ISMS_STORE" >"$OUT" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = ("SELECT g.id, g.title, p.id FROM catalogue_group g JOIN catalogue c ON c.pk = g.catalogue"
     " LEFT JOIN catalogue_group p ON p.pk = g.parent WHERE c.name = ? ORDER BY g.pk")
print(all(db.execute(q, (n,)).fetchall() == db.execute(q, (n + "-again",)).fetchall()
          and db.execute(q, (n,)).fetchall() for n in ("kernel", "methodik")))
u = "SELECT uuid, title, version FROM catalogue WHERE name = ?"
print(db.execute(u, ("kernel",)).fetchall() == db.execute(u, ("kernel-again",)).fetchall())
PY
is "$(cat "$OUT")" "True
True" "the groups nested the same, the uuid, title and version kept"

# what the BSI's files do not have: top-level controls, a group without an id, a
# statement's nested items, a select with choices, statement props without prose
isms -q catalogue import "$ISMS_SOURCE_ROOT/tests/fuzz/corpus/catalogue/export.json" --name odd
isms oscal export catalog --catalogue odd -o "$T/odd.json"
isms -q catalogue import "$T/odd.json" --name odd-again
expect_rc 0 "an odd catalogue's export imports"
isms --json catalogue show odd --controls
cp "$OUT" "$T/odd.controls"
isms --json catalogue show odd-again --controls
if cmp -s "$OUT" "$T/odd.controls"; then ok "with the same controls"; else not_ok "with the same controls"; fi
is "$(js '[d[0]["statement"], d[0]["params"]]')" \
	'["S\na. one\ntwo", "[{\"id\":\"p1\",\"label\":\"L\",\"values\":[\"v\"]},{\"id\":\"p2\",\"values\":[],\"choices\":[\"x\",\"y\"],\"how-many\":\"one-or-more\"}]"]' \
	"the joined statement and the select kept"

sleep 1
isms oscal export catalog --catalogue kernel -o "$T/again.json"
python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for d in (a, b):
    del d["catalog"]["metadata"]["last-modified"]
print("same" if a == b else "differ")' "$T/kernel.json" "$T/again.json" >"$OUT"
is "$(cat "$OUT")" same "exported again: the same document but for last-modified"

# --- refused -----------------------------------------------------------------------------
isms oscal export catalog --catalogue profile
expect_rc 5 "a profile is not exported as a catalog"
err_has "'profile' is a profile, not a catalog: only catalogs are exported" "and says so"
isms oscal export catalog --catalogue mapping
expect_rc 5 "nor a mapping"
err_has "'mapping' is a mapping, not a catalog" "and says so"
isms oscal export catalog --catalogue nonesuch
expect_rc 3 "an unknown catalogue"
err_has "no catalogue 'nonesuch' (see 'ismsctl catalogue list')" "is named"
isms oscal export catalog
expect_rc 2 "catalog without --catalogue is a usage error"
err_has "catalog needs --catalogue NAME" "naming the option"
isms oscal export ssp --catalogue kernel
expect_rc 2 "--catalogue with another model is a usage error"
isms oscal export catalog --catalogue kernel --period 2026-11
expect_rc 2 "a catalog takes no period"
err_has "a catalog is what was imported: it takes no --period" "and says so"

done_testing
