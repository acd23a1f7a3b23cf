# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages render (groff, as man does) with every JSON example valid
# JSON: quotes in a macro line are the macro's and vanish unless written
# \(dq (tests/cli/man_json.py); and no stray control bytes.
. "$ISMS_TAP_LIB"
command -v groff >/dev/null 2>&1 || skip_all "groff not found (tools/deps.sh installs groff-base)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
DOC="$ISMS_SOURCE_ROOT/doc"
LIB=$(dirname "$ISMS_TAP_LIB")

for page in "$DOC"/*.[0-9]; do
	name=$(basename "$page")
	run groff -man -Tutf8 -ww -z "$page"
	if [ "$RC" -eq 0 ] && ! grep -q . "$ERR"; then ok "$name renders without warnings"; else not_ok "$name renders without warnings"; fi
	run python3 "$LIB/man_json.py" "$page"
	if [ "$RC" -eq 0 ]; then ok "$name: every JSON example is JSON as rendered ($(sed -n 's/^# \([0-9]*\) .*/\1/p' "$OUT"))"; else not_ok "$name: every JSON example is JSON as rendered"; fi
done
# The checker finds what it is meant to: a JSON example in a .B macro with plain quotes.
printf '.TH T 1\n.SH X\nAn example:\n.B {"a": "b"}\n.EX\n{"ok": [1, 2]}\n.EE\n' >"$T/t.1"
run python3 "$LIB/man_json.py" "$T/t.1"
expect_rc 1 "plain quotes in a macro are caught"
out_has 'example 1 is not JSON' "and named"
printf '.TH T 1\n.SH X\nAn example:\n.B {\\(dqa\\(dq: \\(dqb\\(dq}\n.EX\n{"ok": [1, 2]}\n.EE\n' >"$T/t.1"
run python3 "$LIB/man_json.py" "$T/t.1"
expect_rc 0 "\\(dq and .EX are right"
out_has '# 2 JSON examples' "both found"
printf '.TH T 1\n.SH X\n(\fBx\fR)\n' >"$T/t.1"
run python3 "$LIB/man_json.py" "$T/t.1"
expect_rc 1 "a form-feed byte is caught"

done_testing
