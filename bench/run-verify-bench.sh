#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The evidence chain at size: verify rate, archive, bytes per row.
#
#   bench/run-verify-bench.sh [-B BUILDDIR] [--rows 1000000] [--repeat 3] [--keep]
#
# Fills a store with ROWS evidence rows through the ingest API
# (bench/evidence_fill: file reads and logins, one second apart from
# 2024-01-01), then prints: the fill rate; 'ismsctl verify' (the whole
# command: quick_check of every table but the evidence rows, then the walk)
# in rows/s, best of REPEAT; sqlite3's PRAGMA quick_check of the whole file
# (what 'check' does); bytes per row after VACUUM; then
# archives the first half ('evidence archive --before'), and prints the
# archive's size per row, the archive rate, and 'verify --archive'.
# Timings are printed, never asserted.  The goal (issue 9): verify at least
# 1 M rows/s.
set -eu

BENCH=run-verify-bench
. "$(dirname "$0")/lib.sh"
ROWS=1000000
REPEAT=3
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift 2 ;;
	--rows) ROWS=$2; shift 2 ;;
	--repeat) REPEAT=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) bench_help; exit 0 ;;
	*) echo "run-verify-bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
bench_setup tools/ismsctl bench/evidence_fill
ISMSCTL="$BUILD/tools/ismsctl"
FILL="$BUILD/bench/evidence_fill"

# best CMD...: the fastest of REPEAT runs, in BEST (seconds)
best() { bench_best "$@"; BEST=$(secs "$BEST_US"); }
# elapsed T0_NS: seconds since then
elapsed() { secs $((($(now_ns) - $1) / 1000)); }

S="$W/store.db"
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); best of $REPEAT runs each"
t0=$(now_ns)
"$FILL" "$S" "$ROWS"
s=$(elapsed "$t0")
echo "fill: $ROWS rows in ${s} s: $(rate "$ROWS" "$s") rows/s"
best "$ISMSCTL" --store "$S" verify
v=$BEST
echo "verify: ${v} s: $(rate "$ROWS" "$v") rows/s (goal 1000000)"
best sqlite3 "$S" "PRAGMA quick_check"
c=$BEST
echo "check (quick_check of the whole file, which verify leaves to 'check'): ${c} s"
sqlite3 "$S" "VACUUM INTO '$W/vac.db'"
echo "bytes/row: $(awk -v b="$(wc -c <"$W/vac.db")" -v n="$ROWS" 'BEGIN { printf "%.0f", b / n }') (store after VACUUM / evidence rows)"
rm -f "$W/vac.db"
half=$((1704067200 + ROWS / 2))
before=$(date -u -d "@$half" +%Y-%m-%dT%H:%M:%SZ)
t0=$(now_ns)
"$ISMSCTL" --store "$S" -q evidence archive --before "$before" --to "$W/a.gz"
s=$(elapsed "$t0")
echo "archive of $((ROWS / 2)) rows (verify first included): ${s} s; $(awk -v b="$(wc -c <"$W/a.gz")" -v n="$((ROWS / 2))" 'BEGIN { printf "%.0f", b / n }') bytes/row in the archive"
best "$ISMSCTL" --store "$S" verify --archive "$W/a.gz"
echo "verify --archive (store and archive, $ROWS rows): ${BEST} s: $(rate "$ROWS" "$BEST") rows/s"
