# SPDX-License-Identifier: GPL-2.0-or-later
# The registers of ISO 27001 4.1, 4.2, 6.2, 7.2 and 5.24-5.28 through ismsctl
# on a real store: each rule refused with a message naming it and nothing
# written, then allowed; what goes on the overdue list; the competence view;
# an incident's timeline and its events in the chain; an export, timelines
# included, imports again.
# Dates are far in the past or the future: nothing depends on today.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms init -q
expect_rc 0 "init"
isms -q person add --name olga --role security_officer
isms -q person add --name dana --role dpo
isms -q measure add --title "reporting line"
expect_rc 0 "people and a measure"

# --- context issues (4.1) ---------------------------------------------------------------
isms issue add --title "cloud act" --kind foreign
expect_rc 5 "an issue is internal or external"
err_has "internal, external" "and says so"
isms -q issue add --title "cloud act" --kind external --owner olga --next-review 2020-01-01
expect_rc 0 "an external issue"
isms -q issue add --title "staff turnover" --kind internal --next-review 2099-01-01
isms --json overdue
is "$(js '[(o["what"], o["id"], o["responsible"]) for o in d]')" \
	'[["context issue review", "CI-1", "olga"], ["appointment", "olga", null], ["appointment", "dana", null]]' \
	"past its review: overdue, the future one not (and the security officer and the DPO lack an appointment)"
isms -q issue set CI-1 --status closed
isms --json overdue
is "$(js '[o["id"] for o in d if o["what"] != "appointment"]')" '[]' "closed: no longer overdue"

# --- interested parties and their requirements (4.2) ------------------------------------
isms party add --name bsi --title BSI --kind agency
expect_rc 5 "a party's kind is one of the list"
isms -q party add --name bsi --title BSI --kind authority
isms requirement add --party bsi --title "report incidents" --controls 5.24,99.99
expect_rc 3 "a requirement's controls exist"
err_has "requirement 'RQ-1': no control '99.99'" "naming the one missing"
isms requirement add --party bsi --title "report incidents" --measures M-7
expect_rc 3 "its measures exist"
err_has "no measure 'M-7'" "naming it"
isms requirement add --party nobody --title "report incidents"
expect_rc 3 "its party exists"
isms --json requirement list
is "$(js 'len(d)')" "0" "nothing written"
isms -q requirement add --party bsi --title "report incidents" --controls 5.24,5.26 --measures M-1
expect_rc 0 "with controls and a measure that exist"
isms --json party show bsi
is "$(js 'd["requirements"]')" "1" "the party counts it"

# --- objectives (6.2) -------------------------------------------------------------------
isms objective add --title "logins under control"
expect_rc 5 "an objective needs its measure of success"
err_has "success" "and says which"
isms objective add --title "logins under control" --success "the test passes" --test nosuch
expect_rc 3 "its test exists"
err_has "no test 'nosuch'" "naming it"
isms -q test add --name denials --title "few denials" --control 5.15 --rule "count kind=access.deny max=1"
isms -q objective add --title "logins under control" --success "denials passes each month" \
	--test denials --owner olga --due 2020-06-30
expect_rc 0 "with a test that exists"
isms -q evidence add --kind access.deny --control 5.15 --outcome deny --ts 2026-01-10T10:00:00Z
isms -q assess --tz UTC --test denials --period 2026-01
isms --json objective show OBJ-1
is "$(js '[d["test_result"], d["test_period"]]')" '["pass", "2026-01"]' \
	"it shows its test's latest result"
isms --json overdue
is "$(js '[o["id"] for o in d if o["what"] == "objective"]')" '["OBJ-1"]' "past due: overdue"
isms -q evidence add --kind access.deny --control 5.15 --outcome deny --ts 2026-02-10T10:00:00Z
isms -q evidence add --kind access.deny --control 5.15 --outcome deny --ts 2026-02-11T10:00:00Z
isms -q assess --tz UTC --test denials --period 2026-02
isms objective set OBJ-1 --status achieved --achieved 2020-06-01
expect_rc 5 "not achieved while its test fails"
err_has "objective 'OBJ-1': not achieved while its test 'denials' fails (latest result: fail for 2026-02)" \
	"the message names the test and the period"
isms -q evidence add --kind access.deny --control 5.15 --outcome deny --ts 2026-03-10T10:00:00Z
isms -q assess --tz UTC --test denials --period 2026-03
isms -q objective set OBJ-1 --status achieved --achieved 2020-06-01
expect_rc 0 "achieved once the test passes again"
isms --json overdue
is "$(js '[o["id"] for o in d if o["what"] == "objective"]')" '[]' "achieved: not overdue"

# --- competence (7.2) -------------------------------------------------------------------
isms training add --person olga --topic "iso 27001" --completed 2020-02-01 --valid-until 2020-01-31
expect_rc 5 "valid_until not before completed"
err_has "before completed" "says so"
isms training add --person olga --topic "iso 27001" --role chief
expect_rc 5 "the role is one people hold"
isms -q training add --person olga --topic "iso 27001" --role security_officer \
	--completed 2019-01-10 --valid-until 2020-01-09
expect_rc 0 "an expired training"
isms --json overdue
is "$(js '[(o["what"], o["id"], o["subject"], o["responsible"]) for o in d if o["what"].startswith("training")]')" \
	'[["training expired", "TR-1", "iso 27001", "olga"]]' "expired: overdue for the person"
isms --json competence
is "$(js '[(p["person"], p["role"], p["valid_trainings"], p["role_trained"]) for p in d]')" \
	'[["olga", "security_officer", null, false], ["dana", "dpo", null, false]]' \
	"nobody's role is covered"
isms -q training add --person olga --topic "iso 27001" --role security_officer \
	--completed 2020-01-20 --valid-until 2099-01-19
isms -q training add --person dana --topic "awareness" --role user --completed 2020-01-20
isms --json competence
is "$(js '[(p["person"], p["valid_trainings"], p["role_trained"]) for p in d]')" \
	'[["olga", "TR-2 iso 27001 (until 2099-01-19)", true], ["dana", "TR-3 awareness", false]]' \
	"retaken: olga is trained for her role; dana's training is not for hers"
isms --json overdue
is "$(js '[o["id"] for o in d if o["what"].startswith("training")]')" '[]' \
	"the expired one taken again is no longer overdue"
isms competence --role dpo
expect_rc 0 "competence of one role"
out_has "dana" "lists its people"
out_lacks "olga" "and no others"
isms competence --role chief
expect_rc 5 "an unknown role is refused"

# --- incidents (5.24-5.28) --------------------------------------------------------------
isms incident add --title phish
expect_rc 5 "an incident needs detected_at"
isms incident add --title phish --detected-at 2026-03-10T12:00:00Z --reported-at 2026-03-10T11:00:00Z
expect_rc 5 "nothing reported before it was detected"
err_has "reported_at 2026-03-10T11:00:00Z is before detected_at 2026-03-10T12:00:00Z" "says which"
isms incident add --title phish --detected-at 2026-03-10T12:00:00Z --evidence 999
expect_rc 3 "its evidence rows exist"
err_has "no evidence row 999" "naming the row"
isms incident add --title phish --detected-at 2026-03-10T12:00:00Z --severity severe
expect_rc 5 "severity is low, medium, high or critical"
isms --json incident list
is "$(js 'len(d)')" "0" "nothing written"
isms -q evidence add --kind ids.alert --outcome alert --ts 2026-03-10T11:58:00Z
isms --json evidence list --kind ids.alert
row=$(js 'd[0]["id"]')
isms -q incident add --title phish --severity high --detected-at 2026-03-10T13:00:00+01:00 \
	--evidence "$row" --handler olga
expect_rc 0 "an incident with an evidence row"
isms --json incident show INC-1
is "$(js '[d["detected_at"], d["status"], d["evidence"]]')" "[\"2026-03-10T12:00:00Z\", \"reported\", \"$row\"]" \
	"detected_at kept in UTC"
isms incident set INC-1 --status closed --closed-at 2026-03-12T09:00:00Z
expect_rc 6 "a high incident is not closed without lessons learned"
err_has "lessons learned (ISO 27001 5.27)" "citing 5.27"
isms -q incident set INC-1 --status closed --closed-at 2026-03-12T09:00:00Z --lessons "report links faster"
expect_rc 0 "with them it closes"
isms -q incident add --title "lost badge" --detected-at 2026-03-11T08:00:00Z --status closed
expect_rc 0 "a low one closes without"

# --- the timeline -----------------------------------------------------------------------
isms incident event INC-1
expect_rc 2 "an event needs --what"
isms incident event INC-9 --what x
expect_rc 3 "of an incident that exists"
isms incident event INC-1 --what x --by carol
expect_rc 3 "by a person that exists"
err_has "no person 'carol'" "naming them"
isms incident event INC-1 --what x --evidence 999
expect_rc 3 "with evidence that exists"
isms incident event INC-1 --what x --at "yesterday"
expect_rc 5 "at a time that parses"
isms -q incident event INC-1 --what "host isolated" --at 2026-03-10T12:30:00Z --by olga
expect_rc 0 "an event"
isms -q incident event INC-1 --what "mail opened" --at 2026-03-09T08:00:00Z --evidence "$row"
expect_rc 0 "one before detection, with its evidence"
isms --json incident timeline INC-1
is "$(js '[(e["at"], e["what"], e["by"], e["kind"]) for e in d]')" \
	'[["2026-03-09T08:00:00Z", "mail opened", null, "event"], ["2026-03-10T12:00:00Z", "detected", null, "incident"], ["2026-03-10T12:30:00Z", "host isolated", "olga", "event"], ["2026-03-12T09:00:00Z", "closed", null, "incident"]]' \
	"events and the incident's moments, in order"
is "$(js 'd[0]["evidence"]')" "$row" "with the event's evidence row"
isms incident timeline INC-1
expect_rc 0 "the timeline as a table"
out_has "host isolated" "shows the events"
isms --json evidence list --kind incident.event
is "$(js '[e["subject"] for e in d]')" '["INC-1", "INC-1"]' "each event is in the chain"
isms verify
expect_rc 0 "and the chain verifies"
isms incident remove INC-1
expect_rc 4 "an incident with a timeline is not removed"
err_has "events in its timeline" "says why"
isms -q incident remove INC-2
expect_rc 0 "one without events may be"

# --- every command has --help -----------------------------------------------------------
for c in "incident event" "incident timeline" "competence"; do
	# shellcheck disable=SC2086
	isms $c --help
	expect_rc 0 "$c --help"
	out_has "Usage: ismsctl $c" "$c --help shows its usage"
done

# --- an export imports again ------------------------------------------------------------
isms export
expect_rc 0 "export"
cp "$OUT" "$T/export.json"
ISMS_STORE="$T/again.db" isms init -q
ISMS_STORE="$T/again.db" isms -q import "$T/export.json"
expect_rc 0 "the export imports into a new store"
ISMS_STORE="$T/again.db" isms --json requirement show RQ-1
is "$(js '[d["party"], d["controls"], d["measures"]]')" '["bsi", "5.24,5.26", "M-1"]' \
	"with its requirement"
ISMS_STORE="$T/again.db" isms --json incident show INC-1
is "$(js '[d["status"], d["lessons"]]')" '["closed", "report links faster"]' "and its incidents"
isms --json incident timeline INC-1
cp "$OUT" "$T/timeline.json"
ISMS_STORE="$T/again.db" isms --json incident timeline INC-1
is "$(cat "$OUT")" "$(cat "$T/timeline.json")" "and their timelines"
ISMS_STORE="$T/again.db" isms --json evidence list --kind incident.event
is "$(js 'len(d)')" "0" "a register restored is no new event in the chain"

done_testing
