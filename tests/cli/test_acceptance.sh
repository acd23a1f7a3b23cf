# SPDX-License-Identifier: GPL-2.0-or-later
# Risk acceptance (ISO 27001 6.1.3 f) on the demo organisation: R-1 is not
# acceptable while its measure is not implemented, until management accepts
# it; R-8 is not acceptable once its acceptance expired; only an active
# manager other than the owner accepts, on a day that has come, until a day
# after it; a revocation ends it.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms -q init
isms -q import "$ISMS_SOURCE_ROOT/data/demo/org.json"
expect_rc 0 "the demo organisation"
state() { isms --json risk show "$1"; js '[d["current_level"], d["acceptance"], d["acceptable"]]'; }

is "$(state R-1)" '["very_high", "none", false]' \
	"R-1: its residual rating is a target while M-1 is in progress: not acceptable"
is "$(state R-8)" '["low", "expired", false]' "R-8: its acceptance expired: not acceptable, though low"
is "$(state R-11)" '["low", "accepted", true]' "R-11: accepted until 2027-02-28"
isms risk list --acceptable no
out_has "R-8 " "risk list --acceptable no has R-8"

isms -q measure set M-1 --status implemented
is "$(state R-1)" '["medium", "none", true]' "M-1 implemented: the residual medium counts, within the threshold"
isms -q measure set M-1 --status in_progress

isms risk accept R-1 --by tkoch
expect_rc 6 "the owner cannot accept their own risk"
err_has "the proposer does not approve their own proposal" "and is told why"
isms risk accept R-1 --by mschulz
expect_rc 6 "the security officer is not management"
err_has "not an active person with the role management" "the rule is named"
isms risk accept R-1 --by hbauer --at 2099-01-01
expect_rc 5 "an acceptance dated in the future"
isms risk accept R-1 --by hbauer --at 2026-06-01 --until 2026-05-01
expect_rc 5 "an acceptance expiring before its date"
err_has "before it was given" "is refused with the reason"
isms risk set R-1 --accepted-by hbauer
expect_rc 5 "an acceptance without a date, through set"
isms risk accept R-1 --by hbauer --until 2099-12-31 --conditions "offline backups by Q2"
expect_rc 0 "management accepts R-1"
is "$(state R-1)" '["very_high", "accepted", true]' "accepted: acceptable although very high"
isms risk revoke R-1 --by tkoch
expect_rc 6 "only management revokes"
isms risk revoke R-1 --by kweber
expect_rc 0 "revoked"
is "$(state R-1)" '["very_high", "revoked", false]' "revoked: not acceptable"
isms risk matrix --residual
out_has "not acceptable now (6): R-1 (revoked)" "the matrix names the risks not acceptable now"
isms overdue
out_has "risk acceptance expired  R-8" "the expired acceptance is overdue"

# --- the * of the residual matrix means acceptable, for every risk in the cell ---------
row() { grep "^$1 " "$OUT" | tr -s ' ' | sed 's/ $//'; }
# cell LIKELIHOOD IMPACT: risks, not acceptable, marked, from --json
cell() { js "[[c['risks'], c['not_acceptable'], c['marked']] for c in d['counts'] if c['likelihood'] == '$1' and c['impact'] == '$2'][0]"; }
isms risk matrix --residual
is "$(row medium)" "medium low* 1 low 2 medium 2 high 2" \
	"R-8's cell is not marked, though low is within the threshold: its acceptance expired"
is "$(row rare)" "rare low* 0 low* 0 medium 2 medium* 1" "R-7's cell is marked: transferred, within the threshold"
isms risk matrix
is "$(row medium)" "medium low* 1 low* 1 medium* 1 high 1" "the inherent matrix marks levels, as before"
isms --json risk matrix --residual
is "$(cell medium considerable)" "[2, 1, false]" "--json: R-1 (revoked) beside R-9 (acceptable): not marked"
is "$(cell rare considerable)" "[2, 1, false]" "R-2's target residual beside R-10: not marked while R-2's measures are open"
isms -q risk accept R-1 --by hbauer --until 2099-12-31
isms --json risk matrix --residual
is "$(cell medium considerable)" "[2, 0, true]" "R-1 accepted: every risk in the cell acceptable, marked"
isms -q risk revoke R-1 --by kweber
isms risk accept R-8 --by hbauer --until 2099-12-31
expect_rc 0 "R-8 accepted again"
isms risk matrix --residual
is "$(row medium)" "medium low* 1 low* 2 medium 2 high 2" "R-8 accepted again: its cell is marked"

done_testing
