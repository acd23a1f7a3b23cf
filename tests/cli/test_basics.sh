# SPDX-License-Identifier: GPL-2.0-or-later
# The register through the real ismsctl on a real store: init, the generic
# list/show/add/set/remove of every record type, JSON and CSV output, export
# and import, --help and --version.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"


# --- init -----------------------------------------------------------------

isms init
expect_rc 0 "init creates a store"
out_has "93 Annex A controls" "init loads the 93 Annex A controls"
out_has "47 threats" "init loads the 47 BSI elementary threats"
is "$(stat -c %a "$ISMS_STORE")" 600 "the new store has mode 0600"

run "$ISMSCTL" --store "$T/sub/store.db" init -q
expect_rc 0 "init creates a store in a missing directory"
is "$(stat -c %a "$T/sub")" 700 "the store's new directory has mode 0700"
is "$(stat -c %a "$T/sub/store.db")" 600 "that store has mode 0600 as well"
is "$(wc -c <"$OUT")" 0 "-q keeps init quiet"

isms --json control list
is "$(js 'len(d)')" 93 "control list has 93 entries"
isms --json threat list
is "$(js 'len(d)')" 47 "threat list has 47 entries"
is "$(js '[t["source"] for t in d if t["id"] == "G 0.23"]')" '["bsi"]' "G 0.23 is a BSI threat"

isms control set 5.1 --applicable yes --justification "policy framework" --status implemented
expect_rc 0 "control set changes the SoA entry"
isms init
expect_rc 0 "init runs a second time"
out_has "93 Annex A controls" "the second init still counts 93 controls"
isms --json control show 5.1
is "$(js 'd["applicable"], d["justification"], d["status"]')" \
	'["yes", "policy framework", "implemented"]' "a second init keeps the SoA entry"
isms --json control list
is "$(js 'len(d)')" 93 "a second init adds no controls"

# --- person -----------------------------------------------------------------

isms person add --name alice --full-name "Alice Example" --email alice@example.org \
	--role security_officer --login ali
expect_rc 0 "person add"
out_has "person 'alice' added" "person add confirms"
isms person add --name=bob --role=management
expect_rc 0 "person add with --FIELD=VALUE"
isms person add --name carol --active_until 2020-01-31
expect_rc 0 "person add with an underscore option"
isms -q person add --name dave
expect_rc 0 "person add -q"
is "$(wc -c <"$OUT")" 0 "-q prints no confirmation"

isms person list
expect_rc 0 "person list"
out_has "alice" "person list shows alice"
out_has "security_officer" "person list shows the role"
is "$(grep -c . "$OUT")" 5 "person list has a header and 4 rows"
isms person show alice
expect_rc 0 "person show"
out_has "full_name:" "show labels the fields"
out_has "Alice Example" "show shows the full name"
isms --json person show bob
is "$(js 'd["role"], d["full_name"], d["active"]')" '["management", null, true]' \
	"bob: role given, unset field null, active computed"
isms --json person show carol
is "$(js 'd["active"]')" false "a person past active_until is not active"
isms --json person list --active no
is "$(js '[p["name"] for p in d]')" '["carol"]' "list filters on a computed field"
isms --json person list --role management
is "$(js '[p["name"] for p in d]')" '["bob"]' "list filters on an enum field"
isms --json person --role user
is "$(js '[p["name"] for p in d]')" '["carol", "dave"]' "'person --FIELD VALUE' lists too"

isms person set bob --email bob@example.org --full-name "Bob Boss"
expect_rc 0 "person set"
out_has "person 'bob' changed" "person set confirms"
isms --json person show bob
is "$(js 'd["email"], d["full_name"]')" '["bob@example.org", "Bob Boss"]' "person set changed both fields"
isms person set bob --clear email
expect_rc 0 "person set --clear"
isms --json person show bob
is "$(js 'd["email"]')" null "--clear empties the field"
isms person remove dave
expect_rc 0 "person remove"
out_has "person 'dave' removed" "person remove confirms"
isms person show dave
expect_rc 3 "a removed person is gone"

# --- scope, asset ---------------------------------------------------------

isms scope add --name hq --statement "The Berlin office and its servers" \
	--boundaries "building A" --approved-by bob --approved-at 2025-01-10
expect_rc 0 "scope add"
isms --json scope show hq
is "$(js 'd["approved_by"], d["approved_at"], d["boundaries"]')" \
	'["bob", "2025-01-10", "building A"]' "scope show returns the values"
isms scope set hq --exclusions "the canteen"
expect_rc 0 "scope set"
isms --json scope list
is "$(js 'd[0]["exclusions"]')" "the canteen" "scope set changed the exclusions"

isms asset add --name web1 --type host --owner alice --scope hq --confidentiality very-high \
	--integrity high --description "public web server"
expect_rc 0 "asset add"
isms asset add --name crm --type application
expect_rc 0 "asset add with defaults"
isms --json asset show web1
is "$(js 'd["confidentiality"], d["integrity"], d["availability"], d["owner"], d["scope"]')" \
	'["very_high", "high", "normal", "alice", "hq"]' "asset: very-high taken as very_high, defaults filled"
is "$(js 'd["locked_down"]')" false "locked_down defaults to no"
isms asset set web1 --locked-down yes
expect_rc 0 "asset set a boolean"
isms --json asset list --locked-down yes
is "$(js '[a["name"] for a in d]')" '["web1"]' "list filters on a boolean"
isms asset list
out_lacks "public web server" "hidden fields are not in the default table"
isms --all asset list
out_has "public web server" "--all shows hidden fields"

# --- risk -------------------------------------------------------------------

isms risk add --title "Ransomware on web1" --asset web1 --threat "G 0.23" \
	--vulnerability "unpatched CMS" --likelihood frequent --impact 4 --owner alice \
	--treatment mitigate --criteria "GDPR Art. 32"
expect_rc 0 "risk add"
out_has "risk 'R-1' added" "risk add generates R-1"
isms --json risk show R-1
is "$(js 'd["id"], d["title"], d["asset"], d["threat"], d["vulnerability"]')" \
	'["R-1", "Ransomware on web1", ["web1"], "G 0.23", "unpatched CMS"]' "risk show round-trips the texts"
is "$(js 'd["likelihood"], d["impact"], d["owner"], d["treatment"], d["criteria"]')" \
	'[3, 4, "alice", "mitigate", "GDPR Art. 32"]' "risk show round-trips the rating (label 'frequent' is 3)"
is "$(js 'd["level"], d["rank"], d["score"], d["acceptable"]')" '["very_high", 4, 12, false]' \
	"risk show computes level, rank, score and acceptability"
is "$(js 'd["residual_level"], d["accepted_by"]')" '[null, null]' "unset risk fields are null"

isms --json risk add --title "Lost laptop" --likelihood 2 --impact limited
expect_rc 0 "risk add --json"
is "$(js 'd["id"]')" R-2 "risk add --json returns the new id"
isms risk add --id R-10 --title "Fire" --likelihood 1 --impact 4
expect_rc 0 "risk add with an explicit id"
isms -q risk add --title "Flood" --likelihood 1 --impact 3
isms --json risk list
is "$(js '[r["id"] for r in d]')" '["R-1", "R-2", "R-10", "R-11"]' "the next generated id follows the highest"
isms --json risk show R-2
is "$(js 'd["level"]')" low "Lost laptop is low (2 x 2)"

isms risk set R-1 --residual-likelihood 1 --residual-impact considerable --accepted-by bob \
	--accepted-at 2025-03-01 --accepted-until 2026-03-01
expect_rc 0 "risk set the residual rating"
isms --json risk show R-1
is "$(js 'd["residual_likelihood"], d["residual_impact"], d["residual_level"], d["acceptable"]')" \
	'[1, 3, "medium", false]' "residual level computed, medium not acceptable at 'low'"
is "$(js 'd["level"], d["accepted_by"], d["accepted_until"]')" '["very_high", "bob", "2026-03-01"]' \
	"risk set leaves the inherent level and sets acceptance"
isms --json risk list --level very_high
is "$(js '[r["id"] for r in d]')" '["R-1"]' "risk list filters on the computed level"
isms --json risk list --asset web1
is "$(js '[r["id"] for r in d]')" '["R-1"]' "risk list filters on a reference"
isms risk remove R-11
expect_rc 0 "risk remove"
isms risk show R-11
expect_rc 3 "a removed risk is gone"

# --- control (the SoA) ------------------------------------------------------

isms control set 8.15 --applicable yes --justification "central logging" --status partial \
	--owner alice
expect_rc 0 "control set applicability"
isms --json control show 8.15
is "$(js 'd["title"], d["theme"]')" '["Logging", "technological"]' "control show has the catalogue text"
is "$(js 'd["applicable"], d["justification"], d["status"], d["owner"]')" \
	'["yes", "central logging", "partial", "alice"]' "control set changed the SoA fields"
isms control set 7.4 --applicable no --justification "no premises of our own"
expect_rc 0 "control set not applicable"
isms --json control list --applicable no
is "$(js '[c["id"] for c in d]')" '["7.4"]' "control list filters on applicability"
isms control set 8.15 --clear owner
expect_rc 0 "control set --clear owner"
isms --json control show 8.15
is "$(js 'd["owner"]')" null "the control's owner is cleared"

# --- measure ------------------------------------------------------------------

isms measure add --title "Offline backups" --risk R-1 --control 8.13 --owner alice \
	--due 2026-06-30 --cost 1200.5
expect_rc 0 "measure add"
out_has "measure 'M-1' added" "measure add generates M-1"
isms --json measure show M-1
is "$(js 'd["risk"], d["control"], d["due"], d["cost"], d["status"]')" \
	'[["R-1"], ["8.13"], "2026-06-30", 1200.5, "planned"]' "measure show: references, cost and default status"
isms measure list
out_has "1200.50" "the table shows the cost with two decimals"
isms measure set M-1 --status implemented
expect_rc 0 "measure set"
isms --json control show 8.13
is "$(js 'd["measures"]')" M-1 "the control lists its measure by key"
isms -q measure add --title "Patch CMS" --risk R-1
isms measure remove M-2
expect_rc 0 "measure remove"
isms --json measure list
is "$(js '[m["id"] for m in d]')" '["M-1"]' "only M-1 is left"

# --- review -------------------------------------------------------------------

isms review add --kind access --subject "logins on web1" --asset web1 --person carol \
	--reviewer alice --due 2026-01-15
expect_rc 0 "review add"
out_has "review 'V-1' added" "review add generates V-1"
isms review set V-1 --done 2026-01-10 --result findings --notes "carol still has a login"
expect_rc 0 "review set done"
isms --json review show V-1
is "$(js 'd["kind"], d["person"], d["reviewer"], d["done"], d["result"], d["overdue"]')" \
	'["access", "carol", "alice", "2026-01-10", "findings", false]' "review show returns the values"
is "$(js 'd["notes"]')" "carol still has a login" "review notes round-trip"
isms --json nc list
is "$(js '[(n["id"], n["source"], n["origin"], n["controls"], n["responsible"]) for n in d]')" \
	'[["NC-1", "review", "V-1", "5.18", "alice"]]' \
	"a review closed with findings opens a nonconformity (5.18 for an access review)"
isms review set V-1 --notes "carol still has a login; HR informed"
isms --json nc list
is "$(js 'len(d)')" 1 "changing the review again opens no second one"
isms -q review add --kind risk --subject "yearly risk review" --due 2099-01-01
isms review remove V-2
expect_rc 0 "review remove"

# --- document and ack -----------------------------------------------------------

isms document add --name infosec-policy --title "Information security policy" --version 1.0 \
	--approved-by bob --approved-at 2025-02-01 --next-review 2026-02-01
expect_rc 0 "document add"
isms ack add --person alice --document infosec-policy --version 1.0 --at 2025-02-03
expect_rc 0 "ack add"
out_has "ack 'A-1' added" "ack add generates A-1"
isms -q ack add --person bob --document infosec-policy --version 1.0 --at 2025-02-04
isms --json document show infosec-policy
is "$(js 'd["acknowledged"], d["approved_by"]')" '[2, "bob"]' "the document counts 2 acknowledgements"
isms document set infosec-policy --version 1.1
expect_rc 0 "document set a new version"
isms --json document show infosec-policy
is "$(js 'd["acknowledged"]')" 0 "a new version has no acknowledgements yet"
isms --json ack show A-1
is "$(js 'd["person"], d["document"], d["version"], d["current"]')" \
	'["alice", "infosec-policy", "1.0", false]' "an old ack is no longer current"
isms -q ack add --person alice --document infosec-policy --version 1.1 --at 2025-06-01
isms --json ack list --current yes
is "$(js '[a["id"] for a in d]')" '["A-3"]' "ack list filters on current"
isms ack remove A-2
expect_rc 0 "ack remove"
isms --json ack list
is "$(js '[a["id"] for a in d]')" '["A-1", "A-3"]' "A-2 is gone"

# --- custom threat, evidence ----------------------------------------------------

isms threat add --id "X 1" --title "Drone over the data centre"
expect_rc 0 "threat add (own threat)"
isms --json threat show "X 1"
is "$(js 'd["source"]')" custom "an own threat is 'custom'"
isms --json evidence list; next=$(( $(js 'len(d)') + 1 ))
isms evidence add --kind drill --control 99.99 --outcome ok --subject alice
expect_rc 3 "evidence add of a control not in the catalogue"
err_has "no control '99.99'" "names it"
isms evidence add --kind drill --asset nonexistent --outcome ok
expect_rc 3 "evidence add of an asset not in the register"
err_has "no asset 'nonexistent' in the register" "names it"
err_has "--node HOST" "and says how to name an unregistered host"
isms --json evidence list; is "$(js 'len(d)')" "$((next - 1))" "nothing written for a refused row"
isms evidence add --kind drill --control 5.24 --outcome ok --subject alice
expect_rc 0 "evidence add"
out_has "evidence $next recorded" "evidence add names the row (after the register's history rows and the nonconformity's)"
isms --json evidence show $next
is "$(js 'd["kind"], d["control"], d["outcome"], d["source"]')" '["drill", "5.24", "ok", "ismsctl"]' \
	"evidence show returns the row"
isms -q evidence add --kind drill --node unregistered-host --asset web1 --outcome ok
expect_rc 0 "evidence add --node: a host not in the register"
isms --json evidence show $((next + 1))
is "$(js 'd["node"], d["asset"]')" '["unregistered-host", "web1"]' "--node fills the node column"

# --- live indicators and the changes they make ----------------------------------------

isms indicator add --name failed-logins --title "failed logins on web1" --kind auth.failure \
	--asset web1 --window-minutes 60 --threshold 3 --risk R-2
expect_rc 0 "indicator add"
isms --json indicator show failed-logins
is "$(js 'd["kind"], d["asset"], d["window_minutes"], d["threshold"], d["risk"], d["raise_by"], d["crossings"]')" \
	'["auth.failure", "web1", 60, 3, "R-2", 1, 0]' "indicator show: values, default raise_by, no crossings"
isms risk history R-2
expect_rc 0 "risk history of a risk never changed"
is "$(grep -c . "$OUT")" 1 "an empty history is just the header"
isms -q evidence add --kind auth.failure --asset web1 --outcome failure
isms -q evidence add --kind auth.failure --asset web1 --outcome failure
isms indicator scan
expect_rc 0 "indicator scan below the threshold"
out_has "0 indicator crossings" "two events do not cross a threshold of 3"
isms -q evidence add --kind auth.failure --asset web1 --outcome failure
isms --json indicator scan
is "$(js 'd["crossed"]')" 1 "the third event crosses"
isms --json risk show R-2
is "$(js 'd["likelihood"], d["level"]')" '[3, "medium"]' "the crossing raised R-2 from 2 to 3"
isms --json risk history R-2
is "$(js '[(c["risk"], c["indicator"], c["from_likelihood"], c["to_likelihood"]) for c in d]')" \
	'[["R-2", "failed-logins", 2, 3]]' "risk history records the change"
ev=$(js 'd[0]["evidence"]')
isms --json evidence show "$ev"
is "$(js 'd["kind"], d["asset"], d["control"]')" '["indicator.crossed", "web1", "8.16"]' \
	"the change names an evidence row that records it"
isms --json change list --indicator failed-logins
is "$(js 'len(d)')" 1 "change list filters by indicator"
isms --json nc list --source indicator
is "$(js '[(n["origin"], n["risks"], n["controls"]) for n in d]')" '[["failed-logins", "R-2", "8.16"]]' \
	"the crossing opened a nonconformity on the indicator's risk and control"
isms --json review list --risk R-2
is "$(js '[(v["kind"], v["subject"]) for v in d]')" '[["risk", "reassessment after NC-2"]]' \
	"and put R-2 up for reassessment"
isms verify
expect_rc 0 "the chain with indicator evidence verifies"
isms change remove 1
expect_rc 2 "changes cannot be removed"
isms -q indicator set failed-logins --threshold 10
isms --json indicator show failed-logins
is "$(js 'd["threshold"], d["crossings"]')" '[10, 1]' "indicator set; crossings counted"

# --- output formats ------------------------------------------------------------------

isms -q person add --name erin --full-name 'Smith, "Jo"' --email '=HYPERLINK("x")'
isms --csv person list --name erin
expect_rc 0 "--csv list"
is "$(head -n 1 "$OUT" | tr -d '\r')" "name,full_name,email,role,login,active_until,active" \
	"the CSV header names the fields"
is "$(sed -n 2p "$OUT" | tr -d '\r')" 'erin,"Smith, ""Jo""","'\''=HYPERLINK(""x"")",user,,,yes' \
	"CSV quotes commas and quotes, and defuses formulas"
is "$(grep -c "$(printf '\r')\$" "$OUT")" 2 "CSV lines end in CRLF"
isms --csv person show erin
is "$(grep -c . "$OUT")" 2 "--csv show prints a header and one row"

isms --json person list
expect_rc 0 "--json list"
is "$(js 'sorted(p["name"] for p in d)')" '["alice", "bob", "carol", "erin"]' "--json list parses and has every person"
isms person list --json
is "$(js 'len(d)')" 4 "global options may follow the command"
isms --json person list --name nobody
is "$(js 'd')" '[]' "an empty --json list is []"

# --- export and import ------------------------------------------------------------

isms setting set organisation "Example GmbH"
isms setting set budget 25000
isms setting set acceptance medium
isms export
expect_rc 0 "export"
cp "$OUT" "$T/export1.json"
# The record types from --help; those with 'set' are the register, exported.
types=$("$ISMSCTL" --help | sed -n '/^Register/,/^$/p' | sed -n 's/^  \([a-z_]*\) .*/\1/p')
writable=$(for t in $types; do "$ISMSCTL" "$t" --help | grep -q "ismsctl $t set" && echo "$t"; done)
missing=""
for t in person scope asset threat control risk measure review document ack; do
	case " $(echo $writable) " in *" $t "*) ;; *) missing="$missing $t" ;; esac
done
is "$missing" "" "--help lists the ten register types"
is "$(js 'sorted(d.keys())')" \
	"$(python3 -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:] + ["matrix", "settings", "incident_event", "soa_version"])))' $writable)" \
	"export has a section for every register type, the matrix, the settings, the incidents' timelines and the SoA versions"
is "$(js '"evidence" in d or "change" in d')" false "export leaves out evidence and changes"
is "$(js 'd["settings"]["organisation"], d["settings"]["budget"], d["matrix"]["acceptance"]')" \
	'["Example GmbH", "25000.00", "medium"]' "export has the settings"
is "$(js 'sorted(c["id"] for c in d["control"])')" '["5.1", "7.4", "8.15"]' \
	"export has only the changed controls"
is "$(js '[t["id"] for t in d["threat"]]')" '["X 1"]' "export has only own threats"

run "$ISMSCTL" --store "$T/second.db" init -q
run "$ISMSCTL" --store "$T/second.db" import "$T/export1.json"
expect_rc 0 "import into a fresh store"
out_has "imported" "import confirms"
run "$ISMSCTL" --store "$T/second.db" export
expect_rc 0 "export of the second store"
if cmp -s "$OUT" "$T/export1.json"; then ok "export, import, export gives the same document"
else diff "$T/export1.json" "$OUT" | sed 's/^/# /' | head -20; not_ok "export, import, export gives the same document"; fi
run "$ISMSCTL" --store "$T/second.db" --json risk show R-1
is "$(js 'd["level"], d["residual_level"], d["accepted_until"]')" '["very_high", "medium", "2026-03-01"]' \
	"the imported risk has its ratings"

run sh -c '"$ISMSCTL" --store "$0" init -q && "$ISMSCTL" --store "$0" import - <"$1"' \
	"$T/third.db" "$T/export1.json"
expect_rc 0 "import - reads stdin"
run "$ISMSCTL" --store "$T/third.db" export
if cmp -s "$OUT" "$T/export1.json"; then ok "the stdin import round-trips too"
else not_ok "the stdin import round-trips too"; fi

# --- help and version ---------------------------------------------------------------

export ISMS_STORE="$T/never.db"
isms --help
expect_rc 0 "--help"
out_has "Usage: ismsctl" "--help shows the usage"
out_has "ismsctl(8)" "--help points to the man page"
isms help
expect_rc 0 "help"
out_has "Usage: ismsctl" "help shows the usage"
isms
expect_rc 2 "no command is a usage error"
err_has "Usage: ismsctl" "no command prints the usage on stderr"

for e in $types; do
	for v in "" list show add set remove; do
		isms $e $v --help
		if [ "$RC" -eq 0 ] && grep -q '^Usage: ismsctl' "$OUT" && grep -q -- '--' "$OUT"; then
			ok "$e $v --help"
		else
			not_ok "$e $v --help"
		fi
	done
done
isms risk add --help
out_has "(required)" "add --help marks required fields"
# Help is wrapped to 80 columns: the list may go on on the next line.
if tr -s ' \n' '  ' <"$OUT" | grep -qF "one of: undecided, mitigate, accept, transfer, avoid"; then
	ok "add --help lists enum values"
else
	not_ok "add --help lists enum values"
fi
out_lacks "--level" "add --help leaves out computed fields"
isms control --help
out_lacks "control add" "control --help offers no add"
out_lacks "control remove" "control --help offers no remove"

for c in init import export verify soa "soa propose" "soa approve" "soa versions" "soa show" overdue setting budget matrix "risk matrix" "risk top" \
	"review due" "evidence add" "setting set" "matrix load"; do
	# shellcheck disable=SC2086
	isms $c --help
	if [ "$RC" -eq 0 ] && grep -q '^Usage: ismsctl' "$OUT"; then ok "$c --help"; else not_ok "$c --help"; fi
done
isms risk -h
expect_rc 0 "-h works like --help"
if [ -e "$ISMS_STORE" ]; then not_ok "--help touches no store"; else ok "--help touches no store"; fi

# ismsctl(8) keeps up: a section for every record type, an entry for every command.
man="$ISMS_SOURCE_ROOT/doc/ismsctl.8"
missing=""
for t in $types; do grep -q "^\.SS $t " "$man" || missing="$missing $t"; done
is "$missing" "" "ismsctl(8) describes every record type of --help"
cmds=$("$ISMSCTL" --help | sed -n '/^Reports/,/^$/p' | sed 1d | cut -c3-19 |
	awk '{ o = ""; for (i = 1; i <= NF; i++) if ($i !~ /[A-Z]/) o = o (o ? "_" : "") $i; print o }')
missing=""
for c in $cmds; do
	c=$(echo "$c" | tr _ ' ')
	# a dash in a command is \- in roff
	p=$(echo "$c" | sed 's/-/\\\\-/g')
	grep -Eq "^\.BI? \"?$p( |\"|\$)" "$man" || missing="$missing '$c'"
done
is "$missing" "" "ismsctl(8) describes every command of --help"
is "$(echo $cmds | wc -w)" "$(echo $cmds | wc -w | awk '$1 >= 15 { print $1 }')" "--help lists the commands"

isms --version
expect_rc 0 "--version"
want=$(sed -n "s/^  version: '\\(.*\\)',\$/\\1/p" "$ISMS_SOURCE_ROOT/meson.build")
is "$(cat "$OUT")" "ismsctl $want" "--version prints the project version"

done_testing
