# SPDX-License-Identifier: GPL-2.0-or-later
# The CLI on a real terminal (tools/common/fit.c, term.c, output.c): tmux
# gives each command an 80x24 pane; every list command of ismsctl and
# dpmsctl must fit it (tmux capture-pane -J joins a line the terminal
# wrapped, so a joined line wider than the pane is one that wrapped), a CJK
# row must align with its header, nothing is padded at the end of a line,
# colour follows the terminal, NO_COLOR and --color, and long output goes
# through $PAGER (spawned without a shell) only on a terminal.
. "$ISMS_TAP_LIB"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set"
command -v tmux >/dev/null 2>&1 || skip_all "tmux not found (tools/deps.sh installs it)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || skip_all "no C.UTF-8 locale for the CJK checks"

DP="$T/dpms.db"
isms init -q
expect_rc 0 "init"
isms -q import "$ISMS_SOURCE_ROOT/data/demo/org.json"
expect_rc 0 "the demo organisation"
# Long and CJK values: two columns a character, text the table must cut.
isms -q asset add --name tokyo-db --type host --owner tkoch --scope it-operations \
	--description "東京データセンターの顧客データベースサーバー、日本の顧客の出荷履歴を保持する長い説明文です" \
	--confidentiality high
isms -q risk add --title "東京のデータベースへのランサムウェア攻撃によるデータ損失と長期の業務停止" \
	--asset tokyo-db --likelihood 2 --impact 3 --owner tkoch
expect_rc 0 "a CJK risk"
isms -q assess --period 2026-11
# A Grundschutz++ package: the Kernel and the Annex A mapping (package list).
BSI="$ISMS_DATA_DIR/bsi-grundschutz-plusplus"
isms -q catalogue import "$BSI/BSI-Stand-der-Technik-Kernel-catalog.json"
isms -q catalogue import "$BSI/ISO27001-AnnexA-to-GS++-mapping_collection.json"
isms -q setting set package.catalogues BSI-Stand-der-Technik-Kernel-catalog
dp --store "$DP" init -q
dp --store "$DP" -q import "$ISMS_SOURCE_ROOT/data/demo/dpms.json"
expect_rc 0 "the demo DPMS records"

# --- tmux ------------------------------------------------------------------------------

TMUX_SOCK="$T/tmux.sock"
tm() { tmux -u -S "$TMUX_SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
unset TMUX
tm new-session -d -s keep -x 80 -y 24 "sleep 600" || skip_all "tmux cannot start a server here"
tm set -g history-limit 100000 >/dev/null
tm set -g remain-on-exit off >/dev/null

# term NAME ENV CMD...: run CMD in a fresh 80x24 pane with ENV (assignments
# 'NAME=value', separated by '|'), wait for it, and keep what the pane shows,
# wrapped lines joined, in $T/NAME.txt (with colours: $T/NAME.esc), its
# stderr in $T/NAME.err and its exit code in $TRC.
N=0
term() {
	name=$1 envs=$2
	shift 2
	N=$((N + 1))
	{
		echo "export LC_ALL=C.UTF-8 ISMS_STORE='$ISMS_STORE' PATH='$PATH'"
		echo "unset NO_COLOR PAGER ISMS_PAGER COLUMNS LINES"
		printf '%s\n' "$envs" | tr '|' '\n' | while IFS= read -r e; do
			[ -n "$e" ] && echo "export ${e%%=*}='${e#*=}'"
		done
		# Messages on stderr are sentences, not tables: to a file of their own
		# (ERR_TTY=1: to the pane, to see them wrapped).
		case "|$envs|" in
		*"|ERR_TTY=1|"*) printf '"$@"\n' ;;
		*) printf '"$@" 2>"%s"\n' "$T/$name.err" ;;
		esac
		echo 'echo "__rc=$?"'
		echo 'sleep 600'
	} >"$T/run$N.sh"
	tm new-session -d -s "s$N" -x 80 -y 24 sh "$T/run$N.sh" "$@"
	i=0
	while [ $i -lt 300 ]; do
		tm capture-pane -p -J -S - -E - -t "s$N" >"$T/$name.txt" 2>/dev/null
		grep -q '^__rc=' "$T/$name.txt" && break
		sleep 0.1
		i=$((i + 1))
	done
	tm capture-pane -p -J -e -S - -E - -t "s$N" >"$T/$name.esc" 2>/dev/null
	tm kill-session -t "s$N" 2>/dev/null
	TRC=$(sed -n 's/^__rc=//p' "$T/$name.txt")
	sed -i '/^__rc=/,$d' "$T/$name.txt" "$T/$name.esc"
}

# widths FILE: the widest line's display width, and lines ending in a blank.
widths() {
	python3 -c '
import sys, unicodedata
def w(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")
print(max([w(l) for l in lines] or [0]), sum(1 for l in lines if l.endswith(" ")))' "$1"
}

# The commands: every register's list from the tools' own --help, and the reports.
"$ISMSCTL" --help | awk '/^Register/ {f = 1; next} /^$/ {f = 0} f && /^  [a-z]/ {print $1}' >"$T/isms.types"
"$DPMSCTL" --help | awk '/^Register/ {f = 1; next} /^$/ {f = 0} f && /^  [a-z]/ {print $1}' >"$T/dpms.types"
[ "$(wc -l <"$T/isms.types")" -gt 20 ] && ok "ismsctl --help names the register types" ||
	not_ok "ismsctl --help names the register types"
[ "$(wc -l <"$T/dpms.types")" -gt 10 ] && ok "dpmsctl --help names the register types" ||
	not_ok "dpmsctl --help names the register types"

check_fit() {
	label=$1
	set -- $(widths "$T/$2.txt")
	if [ "$TRC" = 0 ] && [ "$1" -le 80 ] && [ "$2" -eq 0 ] && [ -s "$T/$name.txt" ]; then
		ok "$label fits 80 columns (widest $1)"
	else
		echo "# exit $TRC, widest $1, $2 lines with trailing blanks"
		sed 's/^/# /' "$T/$name.txt" | head -12
		not_ok "$label fits 80 columns"
	fi
}

while read -r e; do
	term "isms-$e" "" "$ISMSCTL" --no-pager "$e" list
	check_fit "ismsctl $e list" "isms-$e"
done <"$T/isms.types"
for c in "risk matrix" "risk matrix --residual" "risk top" "risk gaps" "soa" "soa --summary" \
	"soa versions" "package list" "evidence list" "assess trend" "overdue" "review due" \
	"competence" "catalogue list" "setting list"; do
	f=$(echo "isms $c" | tr ' ' '_')
	# shellcheck disable=SC2086
	term "$f" "" "$ISMSCTL" --no-pager $c
	check_fit "ismsctl $c" "$f"
done
while read -r e; do
	term "dpms-$e" "" "$DPMSCTL" --store "$DP" --no-pager "$e" list
	check_fit "dpmsctl $e list" "dpms-$e"
done <"$T/dpms.types"
for c in "due" "request due" "breach due" "toms check" "review summary"; do
	f=$(echo "dpms $c" | tr ' ' '_')
	# shellcheck disable=SC2086
	term "$f" "" "$DPMSCTL" --store "$DP" --no-pager $c
	check_fit "dpmsctl $c" "$f"
done

# Messages on a terminal are wrapped to it too: a warning of 95 columns.
isms -q asset add --name lonely-host --type host --owner tkoch --confidentiality high
term err-wrap "ERR_TTY=1" "$ISMSCTL" --no-pager overdue
set -- $(widths "$T/err-wrap.txt")
if grep -q "warning: asset 'lonely-host'" "$T/err-wrap.txt" && [ "$1" -le 80 ]; then
	ok "a warning on a terminal is wrapped to it (widest $1)"
else
	sed 's/^/# /' "$T/err-wrap.txt" | grep -i warning
	not_ok "a warning on a terminal is wrapped to it (widest $1)"
fi
"$ISMSCTL" --no-pager overdue >/dev/null 2>"$T/err-pipe.txt"
is "$(grep -c "^ismsctl: warning: asset 'lonely-host' (confidentiality high) has no risk analysis" "$T/err-pipe.txt")" 1 \
	"off a terminal the same warning is one line"
isms -q asset remove lonely-host

# A CJK row aligns with its header: the owner column starts at the same
# display column in both, and the cut title ends in the ellipsis.
term cjk "" "$ISMSCTL" --no-pager risk list
is "$(python3 -c '
import sys, unicodedata
def w(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
head = lines[0]
row = [l for l in lines if "東京" in l][0]
print(w(head[:head.index(" owner")]) == w(row[:row.index(" tkoch")]), "\u2026" in row)' "$T/cjk.txt")" \
	"True True" "a CJK row aligns with its header, cut with an ellipsis"

# A pipe gets whole rows: no ellipsis, the CJK title whole.
isms risk list
out_has "東京のデータベースへのランサムウェア攻撃によるデータ損失と長期の業務停止" \
	"a pipe gets the whole title"
out_lacks "…" "and no ellipsis"
COLUMNS=60 "$ISMSCTL" risk list >"$OUT" 2>"$ERR"
set -- $(widths "$OUT")
[ "$1" -le 60 ] && ok "\$COLUMNS sizes a table when stdout is no terminal" ||
	not_ok "\$COLUMNS sizes a table when stdout is no terminal (widest $1)"
LC_ALL=C COLUMNS=60 "$ISMSCTL" risk list >"$OUT" 2>"$ERR"
out_has "..." "outside a UTF-8 locale the ellipsis is three dots"

# --- colour ----------------------------------------------------------------------------

esc=$(printf '\033[')
has_esc() { grep -qF "$esc" "$1"; }
term col "" "$ISMSCTL" --no-pager risk list
has_esc "$T/col.esc" && ok "levels in colour on a terminal" || not_ok "levels in colour on a terminal"
set -- $(widths "$T/col.txt")
[ "$1" -le 80 ] && ok "colour codes take no columns" || not_ok "colour codes take no columns"
term nocol "NO_COLOR=1" "$ISMSCTL" --no-pager risk list
has_esc "$T/nocol.esc" && not_ok "NO_COLOR: no colour" || ok "NO_COLOR: no colour"
term emptycol "NO_COLOR=" "$ISMSCTL" --no-pager risk list
has_esc "$T/emptycol.esc" && ok "an empty NO_COLOR is unset" || not_ok "an empty NO_COLOR is unset"
term dumb "TERM=dumb" "$ISMSCTL" --no-pager risk list
has_esc "$T/dumb.esc" && not_ok "TERM=dumb: no colour" || ok "TERM=dumb: no colour"
term never "" "$ISMSCTL" --no-pager --color=never risk list
has_esc "$T/never.esc" && not_ok "--color=never" || ok "--color=never"
isms risk list
has_esc "$OUT" && not_ok "no colour into a pipe" || ok "no colour into a pipe"
isms --color=always risk list
has_esc "$OUT" && ok "--color=always into a pipe" || not_ok "--color=always into a pipe"
NO_COLOR=1 "$ISMSCTL" --color always risk list >"$OUT" 2>"$ERR"
has_esc "$OUT" && ok "--color always wins over NO_COLOR" || not_ok "--color always wins over NO_COLOR"
isms --json --color=always risk list
has_esc "$OUT" && not_ok "never colour in JSON" || ok "never colour in JSON"
isms --color=sometimes risk list
expect_rc 2 "--color takes auto, never or always"

# --- pager -----------------------------------------------------------------------------

# The pager records its arguments and what it was given; 'head -n 1' quits early.
cat >"$T/pager.sh" <<EOF
#!/bin/sh
echo "\$@" >"$T/paged.args"
cat >"$T/paged.out"
EOF
chmod +x "$T/pager.sh"
paged() { if [ -e "$T/paged.args" ]; then echo yes; else echo no; fi; rm -f "$T/paged.args"; }
term p1 "PAGER=$T/pager.sh" "$ISMSCTL" control list
is "$(paged)" yes "long output on a terminal goes through \$PAGER"
grep -q "^5.1 " "$T/paged.out" && ok "all of it" || not_ok "all of it"
term p1a "PAGER=$T/pager.sh -s" "$ISMSCTL" control list
is "$(cat "$T/paged.args" 2>/dev/null)" "-s" "\$PAGER is split into words, without a shell"
rm -f "$T/paged.args"
term p2 "PAGER=$T/pager.sh" "$ISMSCTL" --no-pager control list
is "$(paged)" no "--no-pager"
term p3 "PAGER=$T/pager.sh|ISMS_PAGER=cat" "$ISMSCTL" control list
is "$(paged)" no "ISMS_PAGER=cat"
term p4 "PAGER=$T/pager.sh|ISMS_PAGER=" "$ISMSCTL" control list
is "$(paged)" no "an empty ISMS_PAGER"
term p5 "ISMS_PAGER=$T/pager.sh" "$ISMSCTL" control list
is "$(paged)" yes "ISMS_PAGER before PAGER"
term p6 "PAGER=$T/pager.sh" "$ISMSCTL" scope list
is "$(paged)" no "output that fits the screen is not paged"
term p7 "PAGER=$T/pager.sh" "$ISMSCTL" --json control list
is "$(paged)" no "never JSON"
term p8 "PAGER=$T/pager.sh" "$ISMSCTL" --csv control list
is "$(paged)" no "never CSV"
PAGER="$T/pager.sh" "$ISMSCTL" control list >"$OUT" 2>"$ERR"
is "$(paged)" no "never into a pipe"
term p9 "PAGER=head -n 1" "$ISMSCTL" control list
is "$TRC" 0 "a pager that quits early is no failure"
if grep -q "cannot write\|Broken pipe" "$T/p9.txt"; then not_ok "and no message"; else ok "and no message"; fi
term p10 "PAGER=no-such-pager-$$" "$ISMSCTL" control list
is "$TRC" 0 "a pager that is missing: the output as it is"
grep -q "^5.1 " "$T/p10.txt" && ok "all of it, to the terminal" || not_ok "all of it, to the terminal"

done_testing
