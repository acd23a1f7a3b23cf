# SPDX-License-Identifier: GPL-2.0-or-later
# The internal audit programme on a real store: the 'audit' register and its
# independence rule, 'audit sample' reproducible by seed over a local period
# (the population, its hash, the record in the chain), and 'audit finding'
# opening a nonconformity of the audit.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
[ -e /usr/share/zoneinfo/Europe/Berlin ] || skip_all "zone Europe/Berlin not installed (tzdata)"

B="--tz Europe/Berlin"
ev() { isms -q evidence add "$@"; [ "$RC" -eq 0 ] || not_ok "evidence add $*"; }
count_ev() { "$ISMSCTL" --json evidence list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

isms init -q
expect_rc 0 "init"
isms -q person add --name ines --role auditor
isms -q person add --name bob --role admin
isms -q asset add --name web01 --type host --owner bob
isms -q measure add --title "Login policy by pam_isms" --control 5.15 --owner bob

# --- the register and independence ------------------------------------------------------
isms audit add --title "Access control" --scope "web hosts" --controls 5.15,8.2 \
	--assets web01 --auditor bob --auditee ines
expect_rc 6 "an auditor who owns an audited asset is refused"
err_has "auditor 'bob' may not audit their own work: 'bob' owns asset 'web01'" "with the reason"
isms audit add --title "Access control" --scope "web hosts" --controls 5.15,8.2 --auditor bob
expect_rc 6 "an auditor who owns a measure implementing an audited control is refused"
err_has "'bob' owns measure 'M-1' implementing control '5.15'" "with that reason"
isms audit add --title "Access control" --scope "web hosts" --controls 5.15 --auditor ines \
	--auditee ines
expect_rc 6 "an auditor auditing their own area is refused"
err_has "'ines' is the auditee" "with that reason"
isms audit add --title "Access control" --scope "web hosts" --controls 5.15,9.99 --auditor ines
expect_rc 3 "an unknown control is refused"
err_has "no control '9.99'" "naming it"
isms --json audit list
is "$(js 'len(d)')" "0" "nothing refused was written"
cat >"$T/audit.json" <<'JSON'
{"audit": [{"title": "Hosts", "scope": "web hosts", "assets": "web01", "auditor": "bob"}]}
JSON
isms import "$T/audit.json"
expect_rc 6 "import checks independence too"
err_has "'bob' owns asset 'web01'" "with the reason"
isms -q audit add --title "Access control" --scope "web hosts" --controls 5.15,8.2 \
	--assets web01 --auditor ines --auditee bob --planned 2026-11-10 --programme 2026
expect_rc 0 "an independent auditor is accepted"
isms --json audit show IA-1
is "$(js '[d["status"], d["auditor"], d["findings"], d["overdue"]]')" \
	'["planned", "ines", 0, true]' "planned by default, no findings, overdue once its date passed"
isms audit set IA-1 --auditor bob
expect_rc 6 "changing the auditor is checked too"

# --- the population: 5.15 in October in Berlin ------------------------------------------
# 22:30Z on 30 September is 00:30 on 1 October in Berlin; 23:30Z on 31 October
# is already November (CET).
ev --kind access.allow --control 5.15 --subject bob --asset web01 --ts 2026-09-30T22:30:00Z \
	--details '{"rule":"admins"}'
for d in 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29; do
	ev --kind access.allow --control 5.15 --subject bob --asset web01 \
		--ts "2026-10-${d}T08:00:00Z" --details '{"rule":"admins"}'
done
ev --kind access.deny --control 5.15 --subject mallory --asset web01 --ts 2026-10-30T03:00:00Z
ev --kind access.allow --control 5.15 --subject bob --asset web01 --ts 2026-10-31T23:30:00Z
ev --kind access.allow --control 8.2 --subject root --asset web01 --ts 2026-10-15T08:00:00Z
isms -q review add --kind access --subject "bob on web01" --person bob --asset web01 \
	--due 2026-10-01 --done 2026-10-10 --result ok

isms --json audit sample $B --control 5.15 --period 2026-10 -n 5 --seed 42 --audit IA-1
expect_rc 0 "audit sample"
cp "$OUT" "$T/s1"
is "$(js '[d["population"], len(d["rows"]), d["all"], d["seed"], d["audit"]]')" \
	'[30, 5, false, 42, "IA-1"]' "5 of the 30 rows of 5.15 in the local October"
sha1=$(js 'd["population_sha256"]')
ids1=$(js '[r["id"] for r in d["rows"]]')
isms --json audit sample $B --control 5.15 --period 2026-10 -n 5 --seed 42
is "$(js '[r["id"] for r in d["rows"]]')" "$ids1" "the same seed gives the same sample"
is "$(js 'd["population_sha256"]')" "$sha1" "and the same population hash"
isms --json audit sample $B --control 5.15 --period 2026-10 -n 5 --seed 7
ids7=$(js '[r["id"] for r in d["rows"]]')
if [ "$ids7" != "$ids1" ]; then ok "another seed gives another sample"; else not_ok "another seed gives another sample"; fi
is "$(js 'd["population_sha256"]')" "$sha1" "of the same population"
isms --json evidence list --control 5.15 --since 2026-09-30T22:00:00Z --until 2026-10-31T23:00:00Z
want=$(python3 -c '
import hashlib, json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["kind"] != "audit.sample"]
print(hashlib.sha256("".join("%d %s\n" % (r["id"], r["hash"]) for r in rows).encode()).hexdigest())' "$OUT")
is "$want" "$sha1" "the population hash can be computed again from evidence list"

# what stands behind a login
isms --json audit sample $B --control 5.15 --period 2026-10 -n 100 --seed 1
is "$(js '[d["all"], len(d["rows"])]')" '[true, 30]' "n above the population takes every row"
is "$(js '[r["rule"] for r in d["rows"] if r["ts"].startswith("2026-10-12")][0]')" "admins" \
	"a login shows the rule that decided it"
is "$(js '[r["review"] for r in d["rows"] if r["ts"].startswith("2026-10-12")][0]')" \
	"V-1 2026-10-10 ok (2 days before)" "and the access review valid then"
is "$(js '[r["review"] for r in d["rows"] if r["ts"].startswith("2026-10-05")][0]')" "null" \
	"none before the review was done"
isms audit sample $B --control 5.15 --period 2026-10 -n 100 --seed 1
out_has "is not below the population: every row taken" "the work paper says every row was taken"
out_has "seed: 1" "and names the seed"

# the chain
isms --json evidence list --kind audit.sample
is "$(js 'len(d)')" "5" "each sample is one audit.sample row in the chain"
is "$(js '[d[0]["details"][k] for k in ("control", "period", "n", "seed", "population", "population_sha256")]')" \
	"[\"5.15\", \"2026-10\", 5, 42, 30, \"$sha1\"]" "with control, period, n, seed and the population"
is "$(js 'd[0]["details"]["sampled"]')" "$ids1" "and the rows sampled"
is "$(js '[d[0]["subject"], d[1]["subject"]]')" '["IA-1", null]' "for the audit given"

# a seed drawn at random is printed, and draws the same sample again
isms audit sample $B --control 5.15 --period 2026-10 -n 3
out_has "drawn at random" "without --seed one is drawn and printed"
seed=$(sed -n 's/^seed: \([0-9]*\) .*/\1/p' "$OUT")
isms --json evidence list --kind audit.sample
ids_r=$(js 'd[-1]["details"]["sampled"]')
isms --json audit sample $B --control 5.15 --period 2026-10 -n 3 --seed "$seed"
is "$(js '[r["id"] for r in d["rows"]]')" "$ids_r" "the printed seed draws that sample again"

# refused: nothing recorded
n0=$(count_ev)
isms audit sample $B --control 5.15 --period 2026-08 -n 5 --seed 1
expect_rc 1 "an empty population is an error"
err_has "no evidence of control '5.15' in period 2026-08" "naming control and period"
isms audit sample $B --control 9.99 --period 2026-10 -n 5
expect_rc 3 "an unknown control"
isms audit sample $B --control 5.15 --period 2026-10 -n 5 --audit IA-9
expect_rc 3 "an unknown audit"
isms audit sample $B --control 5.15 --period 2026-13 -n 5
expect_rc 2 "a period that is none"
isms audit sample $B --control 5.15 --period 2026-10 -n 0
expect_rc 2 "-n 0"
isms audit sample $B --control 5.15 --period 2026-10 -n 5 --seed 9007199254740992
expect_rc 2 "a seed of 2^53"
isms audit sample $B --control 5.15 --period 2026-10
expect_rc 2 "-n is required"
is "$(count_ev)" "$n0" "none of them recorded anything"

# --- findings ---------------------------------------------------------------------------
isms audit finding IA-1 --title "Access review late for bob" --severity major --controls 5.15 \
	--responsible bob --due 2026-12-31
expect_rc 0 "audit finding"
out_has "finding of audit IA-1 opened as nonconformity NC-1" "opens a nonconformity"
isms --json nc list
is "$(js '[[n["id"], n["source"], n["origin"], n["audit"], n["severity"]] for n in d]')" \
	'[["NC-1", "audit", "IA-1#1", "IA-1", "major"]]' "listed by nc list, of the audit"
isms --json audit finding IA-1 --title "No acknowledgement of the policy"
is "$(js '[d["id"], d["audit"]]')" '["NC-2", "IA-1"]' "--json names the nonconformity"
isms --json nc list --audit IA-1
is "$(js '[n["origin"] for n in d]')" '["IA-1#1", "IA-1#2"]' "each finding has its own origin"
isms --json audit show IA-1
is "$(js 'd["findings"]')" "2" "the audit counts its findings"
isms audit finding IA-9 --title x
expect_rc 3 "a finding of an unknown audit"
isms audit finding IA-1 --title x --controls 9.99
expect_rc 3 "a finding of an unknown control"
isms audit finding IA-1
expect_rc 2 "a finding needs a title"
isms --json nc list
is "$(js 'len(d)')" "2" "nothing opened by those"
isms audit remove IA-1
expect_rc 4 "an audit with findings cannot be removed"

isms audit sample --help
expect_rc 0 "audit sample --help"
out_has "Usage: ismsctl audit sample" "describes it"
isms audit finding --help
expect_rc 0 "audit finding --help"
out_has "Usage: ismsctl audit finding" "describes it"
isms verify
expect_rc 0 "the chain verifies"

done_testing
