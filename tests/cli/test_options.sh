# SPDX-License-Identifier: GPL-2.0-or-later
# Option syntax shared by ismsctl and dpmsctl (tools/common/cli.c): --json and
# --csv exclusive, --opt=value wherever --opt value works, a short option's
# value attached (-n2), and "did you mean" for a mistyped command, field
# option, enum value or command option; 'help CMD' and 'help <typo>'.
. "$ISMS_TAP_LIB"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

isms init -q
expect_rc 0 "init"
isms -q person add --name alice --role security_officer
isms -q asset add --name web1 --type host --owner alice
for t in one two three; do
	isms -q risk add --title "$t" --asset web1 --likelihood 3 --impact 3
done

# --- --json and --csv ------------------------------------------------------------------

isms --json --csv risk list
expect_rc 2 "--json --csv is a usage error"
err_has "--json and --csv cannot be used together" "the message names both"
isms --csv risk list --json
expect_rc 2 "--csv ... --json too, wherever they stand"
isms --json risk list --json
expect_rc 0 "--json twice is still --json"
is "$(js 'len(d)')" 3 "and lists as JSON"
dp --json --csv activity list
expect_rc 2 "dpmsctl: --json --csv is a usage error"

# --- --opt=value and -nVALUE ----------------------------------------------------------

isms --store="$ISMS_STORE" --json risk list
expect_rc 0 "--store=PATH"
is "$(js 'len(d)')" 3 "--store=PATH opens that store"
isms --busy-ms=100 risk list
expect_rc 0 "--busy-ms=N"
isms -q person add --name=bob --role=user
expect_rc 0 "--FIELD=VALUE on add"
isms --json person show bob
is "$(js 'd["role"]')" "user" "--role=user was taken"
isms --json risk top -n2
expect_rc 0 "risk top -n2"
is "$(js 'len(d)')" 2 "-n2 is -n 2"
isms --json risk top -n 1
is "$(js 'len(d)')" 1 "-n 1"
isms --json risk top -n=1
is "$(js 'len(d)')" 1 "-n=1"
isms --json risk top --limit=2
is "$(js 'len(d)')" 2 "--limit=2"
isms risk top -nx
expect_rc 2 "-nx is -n with a bad value"
err_has "-n takes a positive number" "the message is about -n's value"
isms audit sample --control 5.15 --period 2026-10 -n0
expect_rc 2 "audit sample -n0: the attached value reaches the check"
err_has "-n takes a number from 1" "not an unknown argument"
isms audit sample --control=5.15 --period=2026-10 -n2 --seed=1
err_has "no evidence of control '5.15' in period 2026-10" "audit sample --control=C --period=P -n2 --seed=1: every option taken"
isms policy compile --to="$T/p.compiled" "$T/nonexistent.json"
err_has "into '$T/p.compiled'" "policy compile --to=PATH"

# --- did you mean ------------------------------------------------------------------------

isms rsik list
expect_rc 2 "an unknown command"
err_has "unknown command 'rsik'; did you mean 'risk'?" "suggests the command"
isms asest list
err_has "did you mean 'asset'?" "suggests a record type"
isms frobnicate
err_has "unknown command 'frobnicate'" "a word near nothing"
if grep -q "did you mean" "$ERR"; then not_ok "no guess for a word near nothing"
else ok "no guess for a word near nothing"; fi
isms risk add --titel x --likelihood 1 --impact 1
expect_rc 2 "an unknown field option"
err_has "risk has no field 'titel'; did you mean '--title'?" "suggests the field"
isms person list --full-nmae x
err_has "did you mean '--full-name'?" "suggests the field as --help writes it"
isms evidence list --kidn x
err_has "evidence has no field 'kidn'; did you mean '--kind'?" "evidence list suggests the field"
isms asset add --name h2 --type hots
expect_rc 5 "a bad enum value"
err_has "type: 'hots' is not one of: host, service, information, application, site, person, network, room; did you mean 'host'?" \
	"the message lists the choices and suggests one"
isms asset add --name h2 --type toaster
if grep -q "did you mean" "$ERR"; then not_ok "no guess for a value near no choice"
else ok "no guess for a value near no choice"; fi
isms person set alice --role securty_officer
err_has "did you mean 'security_officer'?" "suggests a role"
dp ropa export --activty PA-1
expect_rc 2 "an unknown command option"
err_has "unknown argument '--activty'; did you mean '--activity'?" "suggests the option"
dp ropa export --activty=PA-1
err_has "unknown argument '--activty=PA-1'; did you mean '--activity'?" "also with =VALUE"
dp actvity list
err_has "unknown command 'actvity'; did you mean 'activity'?" "dpmsctl suggests a record type"

# --- help ------------------------------------------------------------------------------

isms help
expect_rc 0 "help"
out_has "Usage: ismsctl" "help alone is the usage"
isms help risk
expect_rc 0 "help risk"
out_has "Usage: ismsctl risk" "help risk is risk --help"
isms help risk top
expect_rc 0 "help risk top"
out_has "Usage: ismsctl risk top" "help risk top is risk top --help"
isms help help
expect_rc 0 "help help"
out_has "Usage: ismsctl" "help help is the usage"
isms --jsno risk list
expect_rc 2 "an unknown global option"
err_has "unknown option '--jsno'; did you mean '--json'?" "suggests the global option"
isms risk lsit
expect_rc 2 "an unknown action"
err_has "unknown action 'lsit' for risk (list, show, add, set, remove); did you mean 'list'?" \
	"suggests the action"
isms help rsik
expect_rc 2 "help <typo> is a usage error"
err_has "unknown command 'rsik'; did you mean 'risk'?" "and suggests the command"
dp help activity
expect_rc 0 "dpmsctl help activity"
out_has "Usage: dpmsctl activity" "dpmsctl help activity is activity --help"
dp help actvity
expect_rc 2 "dpmsctl help <typo>"

done_testing
