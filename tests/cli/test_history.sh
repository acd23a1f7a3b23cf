# SPDX-License-Identifier: GPL-2.0-or-later
# The history of the register through ismsctl: a risk, a control and a
# document changed, each change shown by 'history' with its actor and the
# fields before -> after; 'show --at' rebuilds a record as it was; keys of
# two types are told apart; an edited history row fails 'verify'.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# The actor as the library finds it, computed the same way here.
actor=$(python3 -c '
import os, pwd
def name(u):
    try: return pwd.getpwuid(u).pw_name
    except KeyError: return str(u)
try: lu = int(open("/proc/self/loginuid").read().strip())
except Exception: lu = 4294967295
if lu != 4294967295: print(name(lu))
elif os.getuid() == 0 and os.environ.get("SUDO_UID") is not None and os.environ.get("SUDO_USER"): print(os.environ["SUDO_USER"])
else: print(name(os.getuid()))')

isms init -q; expect_rc 0 "init"
isms -q person add --name olga --role management
isms -q risk add --title "stolen logins" --likelihood 2 --impact 3
isms -q document add --name infosec-policy --title "Information security policy" --version 1
expect_rc 0 "the register"

isms --json history R-1
is "$(js '[(h["action"], h["actor"]) for h in d]')" "[[\"add\", \"$actor\"]]" "the add of a risk, by the actor"
t_add=$(js 'd[0]["when"]')

isms -q risk set R-1 --likelihood 4 --treatment mitigate; expect_rc 0 "risk set"
isms -q control set 5.15 --status implemented --applicable yes; expect_rc 0 "control set"
isms -q document set infosec-policy --version 2 --approved-by olga --approved-at 2026-11-30
expect_rc 0 "document approved"

isms history R-1; expect_rc 0 "history of a risk"
out_has "likelihood: 2 -> 4" "the risk's change, before -> after"
out_has "$actor" "with the actor"
isms --json history R-1
is "$(js '[h["action"] for h in d]')" '["add", "change"]' "add, then change, oldest first"
is "$(js 'd[1]["before"]')" '{"likelihood": "2", "treatment": "undecided"}' "only the changed fields before"
is "$(js 'd[1]["after"]')" '{"likelihood": "4", "treatment": "mitigate"}' "and after"
is "$(js 'd[1]["actor"]')" "$actor" "the change's actor"

isms history 5.15 --type control; expect_rc 0 "history of a control"
out_has "status: not_started -> implemented" "the control's status before -> after"
isms --json history 5.15
is "$(js '[(h["type"], h["action"], h["actor"]) for h in d]')" "[[\"control\", \"change\", \"$actor\"]]" \
	"a catalogue control: its change only"

isms --json history infosec-policy
is "$(js 'd[1]["after"]')" '{"version": "2", "approved_by": "olga", "approved_at": "2026-11-30", "approved_version": "2"}' \
	"the document's approval is a change with its approver"
is "$(js 'd[1]["before"]')" '{"version": "1", "approved_by": null, "approved_at": null, "approved_version": null}' \
	"and what it said before"

# --- as it was -----------------------------------------------------------------------
isms --json risk show R-1 --at "$t_add"; expect_rc 0 "show --at the add"
is "$(js '(d["likelihood"], d["treatment"])')" '[2, "undecided"]' "the risk as it was when added"
isms --json risk show R-1 --at 2099-01-01
is "$(js 'd["likelihood"]')" "4" "and as it is now"
isms risk show R-1 --at 2000-01-01; expect_rc 3 "before its add it did not exist"
err_has "did not exist at 2000-01-01" "and says so"
isms --json control show 5.15 --at 2000-01-01; expect_rc 0 "a catalogue control added before history"
is "$(js 'd["status"]')" "not_started" "shows what its first row found"
err_has "added before its history began" "and says so"
isms risk show R-1 --at yesterday; expect_rc 5 "a time that is none is refused"

# --- keys of two types ---------------------------------------------------------------
isms -q person add --name web
isms -q asset add --name web --type host
isms history web; expect_rc 0 "history of a key two types share"
out_has "person" "the person's rows"
out_has "asset" "and the asset's, each labelled"
isms --json history web --type asset
is "$(js '[h["type"] for h in d]')" '["asset"]' "--type keeps one"
isms history nosuch; expect_rc 3 "no history is not found"

# --- removal and import --------------------------------------------------------------
isms -q asset remove web
isms --json history web --type asset
is "$(js '(d[-1]["action"], d[-1]["after"], d[-1]["before"]["type"])')" '["remove", null, "host"]' \
	"a removal keeps every field before"
printf '{"person": [{"name": "imp1"}, {"name": "imp2"}]}\n' >"$T/imp.json"
isms -q import "$T/imp.json"; expect_rc 0 "import"
isms --json history imp2
is "$(js '[h["action"] for h in d]')" '["import"]' "an imported record's row"

# --- tampering with a history row ----------------------------------------------------
isms verify; expect_rc 0 "the chain with its history rows verifies"
isms --json history R-1
row=$(js 'd[1]["id"]')
python3 - "$ISMS_STORE" "$row" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
trig = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'evidence'").fetchall()
for name, _ in trig:
    db.execute('DROP TRIGGER "%s"' % name)
# backdate the change, as someone with root might
db.execute("UPDATE evidence SET ts = '2026-01-01T00:00:00Z' WHERE pk = ?", (int(sys.argv[2]),))
for _, sql in trig:
    db.execute(sql)
db.commit()
PY
isms verify; expect_rc 9 "a backdated history row fails verify"
{ grep -qF "$row" "$OUT" || grep -qF "$row" "$ERR"; } && ok "naming the row" || not_ok "naming the row"
done_testing
