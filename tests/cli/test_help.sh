# SPDX-License-Identifier: GPL-2.0-or-later
# Every command's --help fits 80 columns (display width), for ismsctl and
# dpmsctl: the commands are taken from the tools' own --help (each register
# type with list, show, add, set and remove, and every other command's words
# up to its arguments), so a command added there is checked too.
. "$ISMS_TAP_LIB"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# commands TOOL: one command line a line, from TOOL --help.
commands() {
	"$1" --help | awk '
	/^Register/ {sec = "reg"; next}
	/^(Reports|Commands)/ {sec = "cmd"; next}
	/^Options/ {sec = ""; next}
	sec != "" && /^  [a-z]/ {
		# The words of the name: up to two blanks, an argument (FILE, R) or a
		# word in the description column (a name as long as its column).
		rest = substr($0, 3)
		col = 3
		out = ""
		while (match(rest, /^[^ ]+/)) {
			w = substr(rest, 1, RLENGTH)
			if (w !~ /^[a-z][a-z_-]*$/ || (out != "" && (col >= 20 || sec == "reg")))
				break
			out = out (out == "" ? "" : " ") w
			rest = substr(rest, RLENGTH + 1)
			col += RLENGTH
			if (rest !~ /^ [^ ]/)
				break
			rest = substr(rest, 2)
			col++
		}
		if (sec == "reg")
			for (k = split(" list show add set remove", v, " "); k >= 0; k--)
				print out (k ? " " v[k] : "")
		else
			print out
	}' | sort -u
}

# widest FILE: the display width of its widest line and that line.
widest() {
	python3 -c '
import sys, unicodedata
def w(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
best = max(lines, key=w)
print(w(best), best)' "$1"
}

for tool in "$ISMSCTL" "$DPMSCTL"; do
	name=$(basename "$tool")
	commands "$tool" >"$T/cmds"
	n=$(wc -l <"$T/cmds")
	[ "$n" -gt 20 ] && ok "$name --help names $n commands" || not_ok "$name --help names its commands"
	run "$tool" --help
	set -- $(widest "$OUT")
	[ "$1" -le 80 ] && ok "$name --help fits 80 columns" || not_ok "$name --help fits 80 columns ($*)"
	: >"$T/failed"
	i=0
	mkdir -p "$T/h"
	while read -r cmd; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		"$tool" $cmd --help >"$T/h/$i" 2>"$ERR" || echo "$cmd: exit $?" >>"$T/failed"
		[ -s "$T/h/$i" ] || echo "$cmd: no help on stdout" >>"$T/failed"
		echo "$cmd" >"$T/h/$i.cmd"
	done <"$T/cmds"
	# One python for all of them: a few hundred starts would take minutes.
	python3 -c '
import sys, os, unicodedata
def w(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    if f.endswith(".cmd"):
        continue
    lines = open(os.path.join(d, f), encoding="utf-8", errors="replace").read().split("\n")
    best = max(lines, key=w)
    if w(best) > 80:
        print("%s: %d columns: %s" % (open(os.path.join(d, f + ".cmd")).read().strip(), w(best), best))
' "$T/h" >>"$T/failed"
	rm -rf "$T/h"
	sed "s/^/# $name /" "$T/failed"
	bad=$(wc -l <"$T/failed")
	is "$bad" 0 "every '$name COMMAND --help' exits 0 and fits 80 columns"
done

# A narrower terminal ($COLUMNS) narrows it further.
COLUMNS=60 "$ISMSCTL" risk add --help >"$OUT" 2>"$ERR"
set -- $(widest "$OUT")
[ "$1" -le 60 ] && ok "help wraps at a narrower \$COLUMNS" || not_ok "help wraps at a narrower \$COLUMNS ($*)"
# Wrapped under the description, not at the start of the line.
run "$ISMSCTL" risk add --help
if grep -qE '^ {27}[a-z(]' "$OUT"; then ok "a wrapped line goes on under its description"; else not_ok "a wrapped line goes on under its description"; fi

done_testing
