# SPDX-License-Identifier: GPL-2.0-or-later
# Every failure of ismsctl: its exit code (tools/common/cli.h, ismsctl(8)) and a
# message that names the problem.  Real store files, damaged for real.
. "$ISMS_TAP_LIB"
command -v sqlite3 >/dev/null 2>&1 || skip_all "the sqlite3 shell is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"


# count TYPE: how many records of TYPE the store holds
count() { "$ISMSCTL" --csv "$1" list | tr -d '\r' | sed 1d | grep -c . || true; }

isms init -q
expect_rc 0 "init"
isms -q person add --name alice --role security_officer
isms -q asset add --name web1 --type host --owner alice
isms -q risk add --title "Ransomware" --asset web1 --likelihood 4 --impact 4

# --- the exit codes are the documented ones -------------------------------------

# Each EXIT_* of tools/common/cli.h must be in the EXIT STATUS section of ismsctl(8).
man="$ISMS_SOURCE_ROOT/doc/ismsctl.8"
codes=$(sed -n 's/^[[:space:]]*EXIT_[A-Z]* = \([0-9]*\),.*/\1/p' "$ISMS_SOURCE_ROOT/tools/common/cli.h")
is "$(echo $codes)" "0 1 2 3 4 5 6 7 8 9 10" "tools/common/cli.h defines exit codes 0 to 10"
section=$(sed -n '/^\.SH "\{0,1\}EXIT STATUS/,/^\.SH/p' "$man")
missing=""
for n in $codes; do
	printf '%s\n' "$section" | grep -qx "\.B $n" || missing="$missing $n"
done
is "$missing" "" "ismsctl(8) documents every exit code"

# --- usage: 2 ---------------------------------------------------------------------

isms frobnicate
expect_rc 2 "unknown command"
err_has "unknown command 'frobnicate'" "the message names the unknown command"
err_has "Try 'ismsctl --help'" "the message points to --help"
isms --frob person list
expect_rc 2 "unknown global option"
err_has "unknown option '--frob'" "the message names the unknown option"
isms risk frob
expect_rc 2 "unknown action"
err_has "unknown action 'frob' for risk" "the message names the action"
isms soa --bogus
expect_rc 2 "unknown report option"
err_has "unknown argument '--bogus'" "the message names the argument"
isms person add --name
expect_rc 2 "an option without its value"
err_has "--name needs a value" "the message names the option"
isms person add alice
expect_rc 2 "a bare word where a field is expected"
err_has "unexpected argument 'alice'" "the message names the word"
isms --busy-ms soon person list
expect_rc 2 "--busy-ms takes a number"
isms risk top -n 0
expect_rc 2 "risk top -n 0"
isms risk show
expect_rc 2 "show without a key"
isms risk remove R-1 R-2
expect_rc 2 "remove takes one key"

# --- unknown field: 2 ------------------------------------------------------------

isms risk add --title x --likelihood 1 --impact 1 --bogus 1
expect_rc 2 "unknown field on add"
err_has "risk has no field 'bogus'" "the message names the field"
err_has "Try 'ismsctl risk --help'" "and points to the type's help"
isms risk list --colour red
expect_rc 2 "unknown field as a filter"
err_has "risk has no field 'colour'" "the message names the filter"

# --- invalid values: 5 ----------------------------------------------------------------

isms risk add --title x --likelihood 1 --impact 1 --level high
expect_rc 5 "setting a computed field"
err_has "level: is computed and cannot be set" "the message names the computed field"
isms risk add --title x --likelihood 5 --impact 1
expect_rc 5 "likelihood 5 on a 4x4 matrix"
err_has "likelihood: '5' is not on the likelihood axis" "the message names the field and value"
err_has "1-4" "the message gives the range"
isms risk add --title x --likelihood 0 --impact 1
expect_rc 5 "likelihood 0"
isms risk add --title x --likelihood 2 --impact catastrophic
expect_rc 5 "an impact label not on the matrix"
err_has "impact: 'catastrophic'" "the message names the impact"
isms risk add --likelihood 2 --impact 2
expect_rc 5 "a required field missing"
err_has "field 'title' is required" "the message names the required field"
isms asset add --name h2 --type toaster
expect_rc 5 "a bad enum value"
err_has "type: 'toaster' is not one of: host, service, information, application, site, person, network, room" \
	"the message lists the allowed values"
isms person set alice --role boss
expect_rc 5 "a bad enum value on set"
err_has "management, security_officer, dpo, risk_owner, asset_owner, admin, auditor, user" "set lists the roles"
isms review add --kind access --subject s --due 2025-02-30
expect_rc 5 "30 February"
err_has "due: '2025-02-30' is not a date (YYYY-MM-DD)" "the message names the date and the format"
isms review add --kind access --subject s --due tomorrow
expect_rc 5 "a word as a date"
isms review add --kind access --subject s --due 2025-1-5
expect_rc 5 "a date without leading zeros"
isms -q review add --kind access --subject s --due 2024-02-29
expect_rc 0 "29 February of a leap year is a date"
isms measure add --title m --cost 12.345
expect_rc 5 "three decimals in an amount"
err_has "cost: '12.345' is not an amount" "the message names the amount"
isms measure add --title m --cost -5
expect_rc 5 "a negative amount"
isms asset set web1 --locked-down perhaps
expect_rc 5 "a bad boolean"
err_has "is not yes or no" "the message says yes or no"
isms person set alice --clear role
expect_rc 5 "clearing a field that must have a value"
err_has "field 'role' is required and cannot be cleared" "the message names the field"
isms person set alice --name alicia
expect_rc 5 "changing the key"
err_has "field 'name' cannot be changed" "the message names the key"
isms control set 5.1 --title "Policies"
expect_rc 5 "changing a catalogue title"
isms person set alice
expect_rc 5 "set with nothing to change"
isms person add --name x --email a --email b
expect_rc 5 "a field given twice"
err_has "email: given twice" "the message names the field"
isms indicator add --name burst --title t --kind auth.failure --window-minutes 0 --threshold 3
expect_rc 5 "an indicator window of 0 minutes"
err_has "window_minutes: '0' must be a whole number from 1" "the message names the field and the range"
isms setting set budget lots
expect_rc 5 "a bad budget"
isms setting set colour red
expect_rc 5 "an unknown setting"
err_has "unknown setting 'colour'" "the message names the setting"

# --- not found: 3 ---------------------------------------------------------------------

isms risk show R-99
expect_rc 3 "risk show of an unknown id"
err_has "risk 'R-99' not found" "the message names the id"
err_has "ismsctl risk list" "and says how to list them"
isms risk set R-99 --title x
expect_rc 3 "risk set of an unknown id"
err_has "risk 'R-99' not found" "set names the id"
isms risk remove R-99
expect_rc 3 "risk remove of an unknown id"
isms risk add --title x --likelihood 2 --impact 2 --owner nobody
expect_rc 3 "an owner that does not exist"
err_has "owner: person 'nobody' not found" "the message names the field and the person"
isms measure add --title m --control 99.99
expect_rc 3 "a control that does not exist"
err_has "control '99.99' not found" "the message names the control"
isms risk history R-99
expect_rc 3 "risk history of an unknown risk"
err_has "risk 'R-99' not found" "risk history names the risk"
isms import "$T/no-such-file.json"
expect_rc 3 "import of a missing file"
err_has "no-such-file.json" "the message names the file"
isms matrix load "$T/no-such-file.json"
expect_rc 3 "matrix load of a missing file"

# --- conflict: 4 ---------------------------------------------------------------------------

isms person add --name alice
expect_rc 4 "a duplicate person"
err_has "person 'alice' already exists" "the message names the duplicate"
isms risk add --id R-1 --title again --likelihood 1 --impact 1
expect_rc 4 "a duplicate risk id"
err_has "risk 'R-1' already exists" "the message names the id"
isms -q document add --name pol --title Policy --version 1
isms -q ack add --person alice --document pol --version 1 --at 2025-01-01
isms ack add --person alice --document pol --version 1 --at 2025-01-02
expect_rc 4 "a second acknowledgement of the same version"
isms person remove alice
expect_rc 4 "removing a person still referred to"
err_has "person 'alice' is still referred to" "the message names the person"
isms --json person show alice
is "$(js 'd["name"]')" alice "the refused remove kept alice"

# --- access: 6 -------------------------------------------------------------------------------

isms control remove 5.1
expect_rc 6 "controls cannot be removed"
err_has "mark it not applicable instead" "the message says what to do instead"
isms control add --id 99.1 --title Mine --theme people
expect_rc 6 "controls cannot be added"
err_has "control set" "the message points to 'control set'"
isms evidence set 1 --kind x
expect_rc 2 "evidence cannot be changed"
err_has "evidence cannot be changed" "the message says so"

cp "$ISMS_STORE" "$T/open.db"
chmod 666 "$T/open.db"
isms --store "$T/open.db" person list
expect_rc 6 "a world-writable store is refused"
err_has "group- or world-writable (mode 0666)" "the message names the mode"
err_has "chmod 600" "the message says how to fix it"
chmod 620 "$T/open.db"
isms --store "$T/open.db" person list
expect_rc 6 "a group-writable store is refused"
chmod 600 "$T/open.db"
isms --store "$T/open.db" person list
expect_rc 0 "after chmod 600 the store opens"

mkdir "$T/wide"
chmod 777 "$T/wide"
cp "$ISMS_STORE" "$T/wide/store.db"
isms --store "$T/wide/store.db" person list
expect_rc 6 "a store in a world-writable directory is refused"
err_has "world-writable without the sticky bit" "the message names the directory"

cp "$ISMS_STORE" "$T/ro.db"
chmod 400 "$T/ro.db"
isms --store "$T/ro.db" person add --name mallory
expect_rc 6 "a write to a read-only store (mode 0400)"
err_has "is read-only (mode 0400)" "the message names the mode"
isms --store "$T/ro.db" person list
expect_rc 0 "a read-only store can still be listed"
out_lacks "mallory" "and the refused write left nothing"
isms --store "$T/ro.db" verify
expect_rc 0 "a read-only store can be verified"

# --- not a store: 7 ----------------------------------------------------------------------------

isms --store "$T/missing.db" person list
expect_rc 3 "a missing store"
err_has "does not exist" "the message says the store is missing"
err_has "ismsctl --store '$T/missing.db' init" "the message suggests init"
if [ -e "$T/missing.db" ]; then not_ok "a read does not create the store"; else ok "a read does not create the store"; fi
isms --store "$T/missing.db" person add --name x
expect_rc 3 "a write does not create the store either"
isms --store "$T/missing.db" risk history R-1
expect_rc 3 "risk history on a missing store"
is "$(grep -c . "$ERR")" 1 "the missing store is reported once"

printf 'this is not a database, just text\n' >"$T/text.db"
chmod 600 "$T/text.db"
isms --store "$T/text.db" person list
expect_rc 7 "a text file"
err_has "is not an isms store" "the message says it is not a store"

: >"$T/empty.db"
chmod 600 "$T/empty.db"
isms --store "$T/empty.db" person list
expect_rc 7 "an empty file"
err_has "is empty, not an isms store" "the message says it is empty"

# Damage a real store: every page but the first (the header and the schema).
pages=$(( $(wc -c <"$ISMS_STORE") / 4096 ))
cp "$ISMS_STORE" "$T/corrupt.db"
head -c $(( (pages - 1) * 4096 )) /dev/zero | tr '\000' '\377' |
	dd of="$T/corrupt.db" bs=4096 seek=1 conv=notrunc 2>/dev/null
isms --store "$T/corrupt.db" person list
expect_rc 7 "a store with damaged pages"
if grep -Eq "corrupt|malformed" "$ERR"; then ok "the message says corrupt"; else not_ok "the message says corrupt"; fi
isms --store "$T/corrupt.db" person add --name x
expect_rc 7 "a write to a damaged store"
# Damage only a few pages that a person list does not read: verify checks them all.
cp "$ISMS_STORE" "$T/corrupt2.db"
head -c 16384 /dev/zero | tr '\000' '\377' |
	dd of="$T/corrupt2.db" bs=4096 seek=3 conv=notrunc 2>/dev/null
isms --store "$T/corrupt2.db" verify
expect_rc 7 "verify checks every page of the store"
err_has "is corrupt" "verify says the store is corrupt"
isms --store "$T/corrupt2.db" risk list
expect_rc 7 "reading the damaged risk matrix"
# No command checks the whole file on open (that grew with the evidence):
# 'check' does, for people (problems on stderr) and scripts (--json).
isms --store "$T/corrupt2.db" check
expect_rc 7 "check finds the damage"
err_has "problem:" "check names each problem"
err_has "is corrupt" "check says the store is corrupt"
isms --store "$T/corrupt2.db" --json check
expect_rc 7 "check --json on a damaged store"
is "$(js 'd["ok"] is False and len(d["problems"]) > 0 and d["check"] == "quick"')" true "check --json lists the problems"
isms --store "$T/corrupt2.db" check --full
expect_rc 7 "check --full finds the damage"
isms --store "$ISMS_STORE" --json check --full
expect_rc 0 "check --full on a sound store"
is "$(js 'd["ok"] is True and d["problems"] == [] and d["check"] == "integrity"')" true "check --json says sound"
isms --store "$ISMS_STORE" check
expect_rc 0 "check on a sound store"
out_has "is sound" "check says the store is sound"
isms --store "$ISMS_STORE" check --bogus
expect_rc 2 "check refuses unknown arguments"
# A command whose pages are not the damaged ones may succeed, but never
# crashes or prints garbage: it either works or names the corruption.
for cmd in "person list" "soa --summary" "overdue" "evidence list"; do
	# shellcheck disable=SC2086
	isms --store "$T/corrupt2.db" $cmd
	if [ "$RC" -eq 0 ] || { [ "$RC" -eq 7 ] && grep -Eq "corrupt|malformed" "$ERR"; }; then
		ok "$cmd on a partly damaged store: works or names the corruption"
	else
		not_ok "$cmd on a partly damaged store: exit $RC"
	fi
done

cp "$ISMS_STORE" "$T/short.db"
truncate -s 20000 "$T/short.db" 2>/dev/null || dd if="$ISMS_STORE" of="$T/short.db" bs=20000 count=1 2>/dev/null
isms --store "$T/short.db" person list
expect_rc 7 "a truncated store"

sqlite3 "$T/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
chmod 600 "$T/foreign.db"
isms --store "$T/foreign.db" person list
expect_rc 7 "a foreign SQLite database"
err_has "an SQLite database of another application" "the message says whose it is not"
isms --store "$T/foreign.db" init
expect_rc 7 "init refuses to take over a foreign database"
is "$(sqlite3 "$T/foreign.db" 'SELECT count(*) FROM sqlite_master')" 1 "the foreign database is untouched"

# --- schema newer: 8 -----------------------------------------------------------------------------

cp "$ISMS_STORE" "$T/future.db"
sqlite3 "$T/future.db" "PRAGMA user_version = 99"
isms --store "$T/future.db" person list
expect_rc 8 "a store with schema version 99"
err_has "schema version 99, newer than this build" "the message names both versions"
err_has "upgrade isms" "the message says what to do"
isms --store "$T/future.db" person add --name x
expect_rc 8 "a write to a newer schema"
isms --store "$T/future.db" init
expect_rc 8 "init does not downgrade a newer schema"
is "$(sqlite3 "$T/future.db" 'PRAGMA user_version')" 99 "the newer store keeps its version"

# --- busy: 10 ------------------------------------------------------------------------------------

# A writer holds the write lock; .shell runs once BEGIN IMMEDIATE has.
cp "$ISMS_STORE" "$T/busy.db"
( echo 'BEGIN IMMEDIATE;'; echo "INSERT INTO setting VALUES ('x', 'y');"
  echo ".shell touch '$T/locked'"; sleep 3; echo 'ROLLBACK;' ) |
	sqlite3 "$T/busy.db" >/dev/null 2>&1 &
writer=$!
i=0
while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
isms --store "$T/busy.db" --busy-ms 200 person add --name bert
expect_rc 10 "a write to a store locked by another writer"
err_has "is locked by another writer (waited 200 ms)" "the message says locked and how long it waited"
isms --store "$T/busy.db" person list
expect_rc 0 "reading a locked store works (WAL)"
wait "$writer"
isms --store "$T/busy.db" person add --name bert
expect_rc 0 "the same write works once the lock is gone"

# --- import is all or nothing --------------------------------------------------------------------

people=$(count person)
assets=$(count asset)
cat >"$T/bad-ref.json" <<'EOF'
{"person": [{"name": "imp1"}, {"name": "imp2"}],
 "asset": [{"name": "db1", "type": "host"}, {"name": "db2", "type": "host", "owner": "zed"}]}
EOF
isms import "$T/bad-ref.json"
expect_rc 3 "an import with an unknown reference fails"
err_has "asset[1]: asset 'db2': owner: person 'zed' not found" "the message names the entry and the problem"
err_has "nothing was imported" "the message says nothing was imported"
is "$(count person)" "$people" "no person of the failed import is left"
is "$(count asset)" "$assets" "no asset of the failed import is left"

cat >"$T/bad-enum.json" <<'EOF'
{"settings": {"organisation": "Changed"}, "person": [{"name": "imp3"}],
 "risk": [{"title": "r", "likelihood": 2, "impact": 2, "treatment": "ignore"}]}
EOF
isms import "$T/bad-enum.json"
expect_rc 5 "an import with a bad enum fails"
err_has "risk[0]" "the message names the entry"
is "$(count person)" "$people" "still no person of the failed import"
isms --json setting list
is "$(js '[s["value"] for s in d if s["key"] == "organisation"]')" '[null]' "the failed import set no setting"

printf '{"person": [{"name": "imp4"}' >"$T/truncated.json"
isms import "$T/truncated.json"
expect_rc 5 "a truncated JSON document"
err_has "not valid JSON" "the message says not valid JSON"
printf '{"people": [{"name": "imp5"}], "payroll": []}' >"$T/section.json"
isms import "$T/section.json"
expect_rc 5 "an unknown section"
err_has "unknown section 'payroll'" "the message names the section"
printf '{"person": [{"name": "imp6"}, {"name": "imp6"}]}' >"$T/dup.json"
isms import "$T/dup.json"
expect_rc 4 "a duplicate within one import"
is "$(count person)" "$people" "and nothing of it is left"
printf '{"person": [{"name": "imp7", "role": ["a"]}]}' >"$T/array.json"
isms import "$T/array.json"
expect_rc 5 "an array as a field value"
printf '{"evidence": [{"kind": "x"}]}' >"$T/evidence.json"
isms import "$T/evidence.json"
expect_rc 5 "evidence cannot be imported"
is "$(count person)" "$people" "after all failed imports the people are as before"

# --- hostile values --------------------------------------------------------------------------------

sql="Robert'); DROP TABLE person;--"
isms person add --name "$sql" --full-name "x\" OR 1=1 --" --email '%s%n%x'
expect_rc 0 "SQL-looking values are accepted as text"
isms --json person show "$sql"
is "$(js 'd["name"]')" "$sql" "the SQL-looking name is stored verbatim"
is "$(js 'd["full_name"]')" 'x" OR 1=1 --' "a quote in a value is stored verbatim"
is "$(js 'd["email"]')" '%s%n%x' "format directives are stored verbatim"
is "$(count person)" "$((people + 1))" "the person table is intact"
isms --json person list --name "' OR '1'='1"
is "$(js 'd')" '[]' "an SQL-looking filter matches nothing"
isms person add --name "Jörg Müller ✓"
expect_rc 0 "UTF-8 text is accepted"

esc=$(printf 'a\033[2Jb')
isms person add --name "$esc"
expect_rc 5 "an escape character is rejected"
err_has "control characters" "the message says control characters"
if grep -q "$(printf '\033')" "$ERR"; then not_ok "the message does not echo the escape"
else ok "the message does not echo the escape"; fi
isms person add --name x1 --full-name "$(printf 'a\rb')"
expect_rc 5 "a carriage return is rejected"
isms person add --name x2 --full-name "$(printf 'a\007b')"
expect_rc 5 "a bell is rejected"
isms person add --name x3 --full-name "$(printf 'a\177b')"
expect_rc 5 "DEL is rejected"
isms person add --name x4 --full-name "$(printf 'a\302\233b')"
expect_rc 5 "a C1 control (U+009B, CSI) is rejected"
isms person add --name x5 --full-name "$(printf 'a\377b')"
expect_rc 5 "invalid UTF-8 is rejected"
err_has "invalid UTF-8" "the message says invalid UTF-8"
isms person add --name " x6"
expect_rc 5 "a key that starts with a space"
isms person add --name x7 --full-name "$(head -c 5000 /dev/zero | tr '\000' a)"
expect_rc 5 "a value over 4096 bytes"
err_has "longer than 4096 bytes" "the message gives the limit"
isms evidence add --kind "$esc"
expect_rc 5 "evidence with an escape character"
printf '{"person": [{"name": "ok1"}, {"name": "bad\\u001b[31m"}]}' >"$T/esc.json"
isms import "$T/esc.json"
expect_rc 5 "an import with an escape character"
is "$(count person)" "$((people + 2))" "only the two good people were added"

# --- evidence: append-only, and verify finds what gets past it -------------------------------------

# the register's history rows come first
isms --json evidence list; hist=$(js 'len(d)')
isms -q evidence add --kind drill --control 5.24 --outcome ok
isms -q evidence add --kind review --subject alice --outcome ok
isms -q evidence add --kind backup --asset web1 --outcome ok
isms -q evidence add --kind restore --asset web1 --outcome ok --details '{"files": 3}'
isms verify
expect_rc 0 "verify of an intact chain"
out_has "evidence chain intact: $((hist + 4)) rows" "verify counts the rows"
isms evidence add --kind x --details '{broken'
expect_rc 5 "evidence details must be JSON"

cp "$ISMS_STORE" "$T/chain.db"
run sqlite3 "$T/chain.db" "UPDATE evidence SET outcome = 'failed' WHERE pk = 2"
if [ "$RC" -ne 0 ]; then ok "the trigger refuses UPDATE of evidence"; else not_ok "the trigger refuses UPDATE of evidence"; fi
err_has "evidence is append-only" "the trigger says append-only"
run sqlite3 "$T/chain.db" "DELETE FROM evidence WHERE pk = 2"
if [ "$RC" -ne 0 ]; then ok "the trigger refuses DELETE of evidence"; else not_ok "the trigger refuses DELETE of evidence"; fi
isms --store "$T/chain.db" verify
expect_rc 0 "the refused edits left the chain intact"

sqlite3 "$T/chain.db" "DROP TRIGGER evidence_no_update; UPDATE evidence SET outcome = 'failed' WHERE pk = 2"
isms --store "$T/chain.db" evidence show 2
out_has "failed" "the edit got through without the trigger"
isms --store "$T/chain.db" verify
expect_rc 9 "verify after an edit of row 2"
err_has "row 2 was altered" "verify names row 2"
err_has "first bad row: 2" "verify names the first bad row"
isms --store "$T/chain.db" --json verify
expect_rc 9 "verify --json after the edit"
is "$(js 'd["ok"], d["first_bad_row"]')" '[false, 2]' "verify --json names row 2"

cp "$ISMS_STORE" "$T/chain2.db"
sqlite3 "$T/chain2.db" "DROP TRIGGER evidence_no_update; UPDATE evidence SET ts = '2020-01-01T00:00:00Z' WHERE pk = 3"
isms --store "$T/chain2.db" verify
expect_rc 9 "verify after backdating row 3"
err_has "first bad row: 3" "verify names row 3"

cp "$ISMS_STORE" "$T/chain3.db"
sqlite3 "$T/chain3.db" "DROP TRIGGER evidence_no_delete; DELETE FROM evidence WHERE pk = 2"
isms --store "$T/chain3.db" verify
expect_rc 9 "verify after a deleted row"
err_has "rows were deleted" "verify says rows were deleted"

cp "$ISMS_STORE" "$T/chain4.db"
sqlite3 "$T/chain4.db" "DROP TRIGGER evidence_no_delete; DELETE FROM evidence WHERE pk = $((hist + 4))"
isms --store "$T/chain4.db" verify
expect_rc 9 "verify after deleting the last row"
err_has "head record names row $((hist + 4))" "verify compares with the head record"

cp "$ISMS_STORE" "$T/chain5.db"
sqlite3 "$T/chain5.db" "DROP TRIGGER evidence_no_update"
isms --store "$T/chain5.db" verify
expect_rc 9 "verify after the trigger alone was dropped"
err_has "append-only triggers on evidence were removed" "verify says the trigger is gone"

isms verify
expect_rc 0 "the original store still verifies"

done_testing
