# SPDX-License-Identifier: GPL-2.0-or-later
# The method requirements the store answers itself, through the real
# ismsctl: 'package method' without and with the BSI's Methodik imported
# (titles from the catalogue), observations that go insufficient -> fail ->
# pass as the scope is approved and a shortfall of the check gets its
# measure, the same observation in the observed column of 'package list
# --domain'; and every Kernel requirement a built-in control test names
# exists in the BSI's Kernel.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
D="$ISMS_DATA_DIR/bsi-grundschutz-plusplus"

isms init -q
expect_rc 0 "init"
isms package method --help
if [ "$RC" -eq 0 ] && grep -q "^Usage: ismsctl package method" "$OUT"; then
	ok "package method --help"
else not_ok "package method --help"; fi
isms package --help
out_has "ismsctl package method" "package --help names method"
isms package method extra
expect_rc 2 "package method takes no arguments"

# --- without the catalogue ---------------------------------------------------------------
isms --json package method
expect_rc 0 "package method without the Methodik imported"
is "$(js 'len(d) >= 12 and all(m["title"] is None for m in d)')" "true" \
	"at least 12 covered, no titles without the catalogue"
is "$(js '[m["observed"] for m in d if m["id"] == "GC.6.1"]')" '["insufficient"]' \
	"GC.6.1 insufficient: no scope recorded"
is "$(js 'sorted(set(m["observed"] for m in d))')" '["fail", "insufficient"]' \
	"nothing passes in an empty store"
err_has "method requirements:" "a summary on stderr"

# --- with it -----------------------------------------------------------------------------
isms -q catalogue import "$D/BSI-Methodik-Grundschutz++-catalog.json"
expect_rc 0 "Methodik imported"
isms --json package method
is "$(js '[m["title"] for m in d if m["id"] == "GC.6.1"]')" '["Festlegung des Geltungsbereichs"]' \
	"the title from the catalogue"
is "$(js 'all(m["title"] for m in d)')" "true" "every covered id is a Methodik requirement"

obs() { # ID: "observed|by" of package list --domain
	isms --json package list --domain
	js '[e["observed"] + "|" + (e["observed_by"] or "") for e in d if e["id"] == "'"$1"'"][0]'
}
is "$(obs GC.6.1)" "insufficient|no scope recorded" "package list: GC.6.1 insufficient"
isms --json package list --domain
is "$(js '[e["observed"] for e in d if e["id"] in ("GC.1.1", "GC.5.1.3")]')" '[null, null]' \
	"a method requirement the store cannot answer is not observed"

isms -q person add --name alice --role management
isms -q person add --name bob --role security_officer
isms -q scope add --name S-1 --statement "the whole company"
expect_rc 0 "a scope"
is "$(obs GC.6.1)" "fail|1 of 1 scopes not approved by management: S-1" \
	"package list: GC.6.1 fails while the scope is not approved"
isms -q scope set S-1 --approved-by alice --approved-at 2026-01-10
expect_rc 0 "the scope approved"
is "$(obs GC.6.1)" "pass|scope S-1 approved by alice on 2026-01-10" \
	"package list: GC.6.1 passes, saying by whom and when"
isms package method
out_has "scope S-1 approved by alice on 2026-01-10" "package method says the same"

is "$(obs GC.9.1.1.1)" "fail|no current appointment of a security officer (holding the role: bob)" \
	"GC.9.1.1.1 fails without an appointment"
isms -q appointment add --person bob --role security_officer --appointed-by alice \
	--since 2026-01-01
is "$(obs GC.9.1.1.1)" "pass|AP-1: bob appointed security officer by alice since 2026-01-01" \
	"GC.9.1.1.1 passes with the appointment"

# the requirement check: a shortfall needs a measure, someone responsible and a date
is "$(obs UMS.2.1)" "insufficient|no requirement checked as not or partly implemented" \
	"UMS.2.1 insufficient before any check"
is "$(obs UMS.1.1 | cut -d'|' -f1)" "fail" "UMS.1.1 fails: nothing checked"
isms -q implementation add --requirement GC.6.1 --status no
expect_rc 0 "a requirement checked as not implemented"
is "$(obs UMS.2.1)" "fail|1 of 1 requirements not or partly implemented without a measure: GC.6.1" \
	"UMS.2.1 fails without a measure"
is "$(obs UMS.4.1 | cut -d'|' -f1)" "fail" "UMS.4.1 fails without a date"
isms -q measure add --title "scope approved by the board" --owner bob --due 2027-03-31
isms -q implementation set RC-1 --measure M-1
expect_rc 0 "the measure linked"
for id in UMS.2.1 UMS.3.1 UMS.4.1; do
	is "$(obs $id | cut -d'|' -f1)" "pass" "$id passes with the measure"
done
isms --json package method
is "$(js '[m["by"] for m in d if m["id"] == "UMS.1.1"][0]')" \
	"94 of 95 requirements not checked in the packages of the domain and 0 assets (first: GC.1.1)" \
	"UMS.1.1 counts the package's checks"

# --- the built-in tests' requirements are the Kernel's ---------------------------------
isms -q catalogue import "$D/BSI-Stand-der-Technik-Kernel-catalog.json" --name gspp-kernel
expect_rc 0 "the Kernel imported"
isms --json test list --all
ids=$(js '" ".join(sorted(set(r for t in d if t["builtin"] for r in (t["requirements"] or "").split(",") if r)))')
is "$(js 'all(t["requirements"] for t in d if t["builtin"] and t["name"] != "break-glass-unused")')" \
	"true" "every built-in test but break-glass-unused names requirements"
n=0
for id in $ids; do
	isms catalogue show gspp-kernel --control "$id"
	if [ "$RC" -eq 0 ]; then n=$((n + 1)); else not_ok "requirement $id is in the Kernel"; fi
done
is "$n" "$(echo "$ids" | wc -w | tr -d ' ')" "each of the $n requirements named exists in the Kernel"
# a domain requirement a test names is observed by the test, not by the method table
isms --json package list --domain
is "$(js '[e["observed_by"] for e in d if e["id"] == "DET.4.1"]')" \
	'["audit-trail-heartbeat,no-collector-loss,no-kernel-audit-loss"]' \
	"DET.4.1 observed by the tests that name it"

done_testing
