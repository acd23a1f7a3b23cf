# SPDX-License-Identifier: GPL-2.0-or-later
# One implementation, two frameworks, through the real ismsctl: the SoA as
# it always was while no mapping is imported; with the BSI's Annex A ->
# Grundschutz++ mapping a grundschutz column summarising the requirements
# behind each control and their checks, in JSON each requirement with its
# checks per asset, the counts and the worst status; 'soa show CONTROL' a
# line per check; a version's snapshot without any of it.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
D="$ISMS_DATA_DIR/bsi-grundschutz-plusplus"

row() { grep "^$1 " "$OUT" | tr -s ' ' | sed 's/ $//'; }

isms init -q
expect_rc 0 "init"
isms -q person add --name sofia --role security_officer

# --- no mapping: nothing changes ------------------------------------------------------
isms soa
expect_rc 0 "soa without a mapping"
out_lacks "grundschutz" "has no grundschutz column"
isms --json soa
is "$(js '"grundschutz" in d[0]')" false "nor in JSON"
isms -q catalogue import "$D/BSI-Stand-der-Technik-Kernel-catalog.json" --name gspp-kernel
isms -q catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json" --name gspp-methodik
isms --csv soa
out_lacks "grundschutz" "catalogues alone add no column"
isms soa show 8.15
expect_rc 0 "soa show CONTROL without a mapping"
out_has "control 8.15 Logging: applicable undecided, status not_started" "names the control"
out_has "Grundschutz++: no mapping is imported" "and says there is no mapping"
isms --json soa show 8.15
is "$(js 'd["id"], d["grundschutz"]')" '["8.15", null]' "in JSON: grundschutz null"

# --- the BSI's mapping ----------------------------------------------------------------
isms -q catalogue import "$D/ISO27001-AnnexA-to-GS++-mapping_collection.json" --name iso-to-gspp
expect_rc 0 "the mapping is imported"
isms soa
expect_rc 0 "soa with the mapping"
out_has "grundschutz" "has the grundschutz column"
row 8.15 >"$T/row"
grep -qF "4 requirements: 0 yes, 0 partly, 0 no, 4 open" "$T/row" && ok "8.15: four requirements, none checked" ||
	not_ok "8.15: four requirements, none checked ($(cat "$T/row"))"

isms -q asset add --name web1 --type host --target-object Hostsysteme
isms -q asset add --name db1 --type host --target-object Hostsysteme
isms -q implementation add --requirement DET.3.1 --status yes --checked-at 2026-11-30
isms -q implementation add --asset web1 --requirement DET.3.1 --status partly --owner sofia
isms -q implementation add --asset db1 --requirement DET.3.1 --status not_applicable \
	--notes "no local logs"
isms -q implementation add --requirement DET.3.2 --status no
isms -q implementation add --asset web1 --requirement DET.3.3 --status not_applicable \
	--notes "no content filter"
expect_rc 0 "requirement checks recorded"

isms soa
row 8.15 >"$T/row"
grep -qF "4 requirements: 0 yes, 1 partly, 1 no, 1 open, 1 not applicable" "$T/row" &&
	ok "8.15: each requirement by the worst of its checks" ||
	not_ok "8.15: each requirement by the worst of its checks ($(cat "$T/row"))"
row 8.15 | grep -q "Logging" && ok "the other columns stay" || not_ok "the other columns stay"
isms --json soa
is "$(js '[c for c in d if c["id"] == "8.15"][0]["grundschutz"]["counts"]')" \
	'{"requirements": 4, "yes": 0, "partly": 1, "no": 1, "not_applicable": 1, "open": 1}' \
	"JSON: the counts"
is "$(js '[c for c in d if c["id"] == "8.15"][0]["grundschutz"]["worst"]')" no "the worst status"
is "$(js '[(q["id"], q["catalogue"], q["relationship"], q["status"]) for q in [c for c in d if c["id"] == "8.15"][0]["grundschutz"]["requirements"]]')" \
	'[["DET.3.1", "gspp-kernel", "subset-of", "partly"], ["DET.3.2", "gspp-kernel", "subset-of", "no"], ["DET.3.3", "gspp-kernel", "subset-of", "not_applicable"], ["DET.3.4", "gspp-kernel", "subset-of", null]]' \
	"each requirement with its catalogue, relationship and worst status"
is "$(js '[(k["asset"], k["status"], k["owner"], k["checked_at"]) for k in [c for c in d if c["id"] == "8.15"][0]["grundschutz"]["requirements"][0]["checks"]]')" \
	'[[null, "yes", null, "2026-11-30"], ["db1", "not_applicable", null, "'"$(date -u +%Y-%m-%d)"'"], ["web1", "partly", "sofia", "'"$(date -u +%Y-%m-%d)"'"]]' \
	"its checks: the information domain first, then each asset"
is "$(js '[c for c in d if c["id"] == "5.1"][0]["grundschutz"]["requirements"][0]["title"]')" null \
	"a requirement the catalogues lack has no title"
is "$(js '[c for c in d if c["id"] == "8.15"][0]["applicable"]')" undecided "JSON keeps its fields"
isms --csv soa
head -n 1 "$OUT" | grep -q ",flag,grundschutz,soa_version," && ok "CSV: the column before the version" ||
	not_ok "CSV: the column before the version"
out_has '"4 requirements: 0 yes, 1 partly, 1 no, 1 open, 1 not applicable"' "CSV: the summary"
isms soa --summary
out_lacks "grundschutz" "the summary per theme is unchanged"

# --- soa show CONTROL -----------------------------------------------------------------
isms soa show --help
out_has "ismsctl soa show CONTROL" "soa show --help names the control form"
isms soa show 8.15
expect_rc 0 "soa show 8.15"
out_has "Grundschutz++: 4 requirements: 0 yes, 1 partly, 1 no, 1 open, 1 not applicable; the worst checked: no" \
	"the summary and the worst status"
is "$(grep -c '^DET\.3\.1 ' "$OUT")" 3 "a line per check of DET.3.1"
grep "^DET\.3\.1 .* web1 *partly *sofia" "$OUT" >/dev/null && ok "with asset, status and owner" ||
	not_ok "with asset, status and owner"
grep "^DET\.3\.4 " "$OUT" >/dev/null && ok "a requirement not checked has its line" ||
	not_ok "a requirement not checked has its line"
isms --csv soa show 8.15
is "$(head -n 1 "$OUT" | tr -d '\r')" "requirement,title,catalogue,relationship,asset,status,owner,measure,checked_at" \
	"CSV header"
isms --json soa show 8.15
is "$(js 'd["title"], d["grundschutz"]["summary"], len(d["grundschutz"]["requirements"])')" \
	'["Logging", "4 requirements: 0 yes, 1 partly, 1 no, 1 open, 1 not applicable", 4]' \
	"JSON: the control and what stands behind it"
isms soa show 9.99
expect_rc 3 "an unknown control"
err_has "no control or soa version '9.99'" "is named"
isms soa show SOA-7
expect_rc 3 "an unknown version is still a version"
err_has "no soa version 'SOA-7'" "as before"

# --- versions freeze the register, not the mapping ---------------------------------------
isms -q soa propose --by sofia
expect_rc 0 "a version proposed"
isms --json soa show SOA-1
is "$(js 'sorted(d[0].keys())')" '["applicable", "id", "justification", "measures", "status"]' \
	"its snapshot has no grundschutz"
done_testing
