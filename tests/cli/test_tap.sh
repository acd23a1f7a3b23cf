# SPDX-License-Identifier: GPL-2.0-or-later
# The TAP helpers themselves: a script that skips as a whole must end with
# status 0, since meson (protocol tap) reports any other status as an ERROR,
# so a SKIP on a machine that cannot run a suite would fail CI there.
. "$ISMS_TAP_LIB"

out=$(sh -c '. "$ISMS_TAP_LIB"; skip_all "no such thing here"; echo after')
rc=$?
is "$rc" 0 "skip_all exits with status 0"
is "$out" "1..0 # SKIP no such thing here" "skip_all prints only the TAP skip plan, and stops the script"

out=$(sh -c '. "$ISMS_TAP_LIB"; ok "first"; not_ok "second"; done_testing')
rc=$?
[ "$rc" -ne 0 ]; ok_if=$?
is "$ok_if" 0 "done_testing fails a script with a failed check"
case "$out" in *"not ok 2 - second"*"1..2"*) ok "the failed check and the plan are printed" ;;
*) echo "# got: $out"; not_ok "the failed check and the plan are printed" ;; esac

done_testing
