# SPDX-License-Identifier: GPL-2.0-or-later
# Roles that decide, through the real ismsctl (issue 11): a person's roles
# as a set; approvals of a scope and a document by an active member of
# management who did not propose them; a document's approval per version;
# one security officer at a time, appointed by management; a risk's
# treatment plan approved by its owner; what is missing on the overdue list.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# missing WHAT: the ids of the overdue items of kind WHAT
missing() {
	isms --json overdue
	js "[i['id'] for i in d if i['what'] == '$1']"
}

isms -q init
isms -q person add --name hbauer --role management
isms -q person add --name kweber --role management,risk_owner
isms -q person add --name mschulz --role security_officer
isms -q person add --name tkoch --role "asset_owner, risk-owner"
isms -q person add --name carol --role user --active-until 2026-06-30

# --- roles are a set --------------------------------------------------------------------------------
isms --json person show tkoch
is "$(js 'd["role"]')" "risk_owner,asset_owner" "roles are kept in the list's order, spelt as stored"
isms person set tkoch --role asset_owner,asset_owner
expect_rc 5 "a role given twice is refused"
err_has "role: 'asset_owner' is given twice" "and the message says so"
isms person set tkoch --role asset_owner,boss
expect_rc 5 "an unknown role among them is refused"
err_has "'boss' is not one of: management, security_officer, dpo, risk_owner" "naming the roles"
isms --json person list --role management
is "$(js '[p["name"] for p in d]')" '["hbauer", "kweber"]' "person list --role matches membership"
isms --json person list --role risk_owner
is "$(js '[p["name"] for p in d]')" '["kweber", "tkoch"]' "one holding several roles is listed under each"

# --- the issue's scope: carol (a user, left in June) cannot approve it -----------------------------
isms -q scope add --name it-operations --statement "IT operations" --proposed-by mschulz
isms scope set it-operations --approved-by carol --approved-at 2026-07-15
expect_rc 6 "carol's approval is refused"
err_has "scope 'it-operations': 'carol' cannot approve: not an active person with the role management (left 2026-06-30)" \
	"naming the rule: an active person with the role management"
isms scope set it-operations --approved-by mschulz --approved-at 2026-07-15
expect_rc 6 "the proposer's approval is refused"
err_has "the proposer does not approve their own proposal (segregation of duties, ISO 27001 5.3)" \
	"naming the rule: not the proposer"
isms scope set it-operations --approved-by hbauer
expect_rc 5 "an approval without its date is refused"
isms scope set it-operations --approved-by hbauer --approved-at 2999-01-01
expect_rc 5 "an approval dated in the future is refused"
isms --json scope show it-operations
is "$(js 'd["approved_by"]')" null "nothing refused was written"
isms -q scope set it-operations --approved-by hbauer --approved-at 2026-01-15
expect_rc 0 "management, not the proposer, approves"

# --- a document's approval holds for its version ----------------------------------------------------
isms -q document add --name infosec-policy --title "Information security policy" --version 1 \
	--proposed-by mschulz --approved-by kweber --approved-at 2026-02-01
expect_rc 0 "a document approved as it is added"
isms --json document show infosec-policy
is "$(js 'd["approved"], d["approved_version"]')" '[true, "1"]' "version 1 is approved"
is "$(missing 'document approval')" "[]" "nothing missing"
isms -q document set infosec-policy --version 2
isms --json document show infosec-policy
is "$(js 'd["approved"], d["approved_version"]')" '[false, "1"]' "a version bump makes approved no"
is "$(missing 'document approval')" '["infosec-policy"]' "overdue lists the new version"
isms overdue
out_has "version 2, approved 1: new version not approved" "and says why"
isms document set infosec-policy --approved-version 2
expect_rc 6 "the approved version is not set by hand"
isms document set infosec-policy --approved-by mschulz --approved-at 2026-03-01
expect_rc 6 "the proposer approving the new version is refused"
isms -q document set infosec-policy --approved-by hbauer --approved-at 2026-03-01
isms --json document show infosec-policy
is "$(js 'd["approved"], d["approved_version"]')" '[true, "2"]' "approved again: version 2"

# --- one security officer at a time -----------------------------------------------------------------
is "$(missing appointment)" '["mschulz"]' "a security officer without an appointment is overdue"
isms overdue
out_has "security officer mschulz: no appointment" "no appointment"
isms appointment add --person mschulz --role security_officer --appointed-by mschulz --since 2025-01-01
expect_rc 6 "an appointee does not appoint themselves"
isms appointment add --person mschulz --role security_officer --appointed-by tkoch --since 2025-01-01
expect_rc 6 "only management appoints"
err_has "'tkoch' cannot appoint: not an active person with the role management" "naming the rule"
isms appointment add --person mschulz --role security_officer --appointed-by hbauer --since 2025-01-01 \
	--document "letter of appointment, HR file"
expect_rc 0 "management appoints the security officer"
out_has "appointment 'AP-1' added" "as AP-1"
is "$(missing appointment)" '[]' "appointed: nothing missing"
isms -q person add --name ivan --role security_officer
expect_rc 0 "a second person may be given the role"
is "$(missing appointment)" '["ivan"]' "but holds it without an appointment: overdue"
isms appointment add --person ivan --role security_officer --appointed-by kweber --since 2026-02-01
expect_rc 6 "a second security officer beside the first is refused"
err_has "'mschulz' is appointed security officer already (AP-1, since 2025-01-01): at most one security officer at a time, unless deputies are declared" \
	"naming the other and the rule"
isms -q appointment add --person ivan --role security_officer --appointed-by kweber --since 2026-02-01 --deputy yes
expect_rc 0 "as a declared deputy, yes"
isms --json appointment list
is "$(js '[(a["id"], a["person"], a["deputy"], a["current"]) for a in d]')" \
	'[["AP-1", "mschulz", false, true], ["AP-2", "ivan", true, true]]' "appointment list"
isms appointment --help
out_has "--appointed-by" "appointment --help names its fields"

# --- a risk's treatment plan approved by its owner -------------------------------------------------
isms -q risk add --title "Ransomware" --likelihood 3 --impact 4 --owner tkoch --treatment mitigate
is "$(missing 'risk treatment plan')" '["R-1"]' "a mitigated risk without an approved plan is overdue"
isms risk set R-1 --treatment-approved-by hbauer --treatment-approved-at 2026-02-01
expect_rc 6 "management is not the risk's owner"
err_has "only the risk's owner (tkoch) approves it (ISO 27001 6.1.3 f)" "naming the rule"
isms risk set R-1 --treatment-approved-by tkoch --treatment-approved-at 2999-01-01
expect_rc 5 "not in the future"
isms -q risk set R-1 --treatment-approved-by tkoch --treatment-approved-at 2026-02-01
expect_rc 0 "the owner approves the plan"
is "$(missing 'risk treatment plan')" '[]' "approved: nothing missing"

# --- the same rules on import, with every record present --------------------------------------------
isms export
cp "$OUT" "$T/export.json"
ISMS_STORE="$T/copy.db" isms -q init
ISMS_STORE="$T/copy.db" isms import "$T/export.json"
expect_rc 0 "an export imports into a fresh store"
ISMS_STORE="$T/copy.db" isms --json document show infosec-policy
is "$(js 'd["approved"], d["approved_version"]')" '[true, "2"]' "with the version approved"
cat >"$T/two.json" <<'JSON'
{"appointment": [{"id": "AP-9", "person": "ivan", "role": "security_officer", "appointed_by": "kweber",
  "since": "2026-03-01"}]}
JSON
ISMS_STORE="$T/copy.db" isms import "$T/two.json"
expect_rc 6 "an import with a second security officer is refused"
err_has "at most one security officer at a time" "naming the rule"
ISMS_STORE="$T/copy.db" isms --json appointment list
is "$(js 'len(d)')" 2 "and nothing of it is written"

done_testing
