#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Store commands against the size of the store.
#
#   bench/run-store-bench.sh [-B BUILDDIR] [-n ROWS] [--repeat 5] [--records 200000]
#                            [--import 42000] [--cache DIR] [--keep]
#
# 1. An empty store (ismsctl init and a small register: people, assets, risks,
#    measures, reviews, documents) and a copy of it with ROWS evidence rows
#    (default 10,000,000) made by bench/gen_store (libisms's bulk ingest; the
#    result passes 'ismsctl verify').  The big store is kept in the cache
#    directory (default /var/tmp/isms-store-bench) and reused while its row
#    count, schema version and register are the same: making 10 M rows takes
#    minutes, using them seconds.
# 2. Every register and report command of 'ismsctl --help' on both stores:
#    the fastest of --repeat runs in ms, the ratio, against the goal (under
#    50 ms at ROWS rows, under 2x the empty store).
# 3. 'verify' and 'check' on the big store: rows/s, seconds; the bytes per
#    stored row (file size / rows).
# 4. audisp-isms replaying a log of --records records made by
#    bench/gen_audit_log.py from tests/data/audit/enriched.stream (every
#    keyed and user-space event kept, raw records too): events/s and the
#    bytes per stored event of that store.
# 5. 'ismsctl import' of --import risks with generated ids: seconds.
#
# Timings are printed, never asserted; the machine may be shared, so each
# figure is the fastest run.  Not part of the test suite.
set -eu

BENCH=run-store-bench
. "$(dirname "$0")/lib.sh"
ROWS=10000000
REPEAT=5
RECORDS=200000
IMPORT=42000
CACHE=/var/tmp/isms-store-bench
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift 2 ;;
	-n) ROWS=$2; shift 2 ;;
	--repeat) REPEAT=$2; shift 2 ;;
	--records) RECORDS=$2; shift 2 ;;
	--import) IMPORT=$2; shift 2 ;;
	--cache) CACHE=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) bench_help; exit 0 ;;
	*) echo "run-store-bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
bench_setup tools/ismsctl bench/gen_store auditd_plugin/audisp-isms
ISMSCTL="$BUILD/tools/ismsctl"
GEN="$BUILD/bench/gen_store"
PLUGIN="$BUILD/auditd_plugin/audisp-isms"
command -v python3 >/dev/null || { echo "run-store-bench: python3 missing" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "run-store-bench: sqlite3 missing (package sqlite3)" >&2; exit 1; }
export ISMS_DATA_DIR="$ROOT/data"

# best CMD...: the fastest of $REPEAT runs in microseconds into $MS
best() { bench_best "$@"; MS=$BEST_US; }

# --- 1. the stores -------------------------------------------------------------

cat >"$W/register.json" <<-'EOF2'
{"settings": {"organisation": "Bench GmbH", "budget": "50000"},
 "person": [{"name": "alice", "role": "security_officer"}, {"name": "bob", "role": "management"},
            {"name": "carol", "role": "admin", "login": "carol"}],
 "asset": [{"name": "web1", "type": "host", "owner": "alice"}, {"name": "db1", "type": "host", "owner": "carol"},
           {"name": "crm", "type": "information", "confidentiality": "high"}],
 "risk": [{"title": "Ransomware", "asset": "web1", "likelihood": 3, "impact": 4, "owner": "alice", "treatment": "mitigate"},
          {"title": "Insider", "asset": "crm", "likelihood": 2, "impact": 3, "treatment": "accept"},
          {"title": "Outage", "asset": "db1", "likelihood": 2, "impact": 2, "treatment": "mitigate"}],
 "measure": [{"id": "M-1", "title": "Backups", "risk": "R-1", "control": "8.13", "cost": "1200", "status": "implemented"},
             {"id": "M-2", "title": "MFA", "risk": "R-2", "control": "8.5", "cost": "800", "status": "planned", "due": "2020-01-01"}],
 "review": [{"id": "V-1", "kind": "access", "subject": "web1 access", "asset": "web1", "person": "carol",
             "reviewer": "alice", "due": "2020-06-01"}],
 "document": [{"name": "isp", "title": "Information security policy", "version": "1.0", "approved_by": "bob",
               "approved_at": "2025-01-01", "next_review": "2030-01-01"}],
 "indicator": [{"name": "bruteforce", "title": "Brute force", "kind": "auth.failure", "window_minutes": 10,
                "threshold": 1000000, "risk": "R-1"}]}
EOF2
EMPTY="$W/empty.db"
"$ISMSCTL" --store "$EMPTY" -q init
"$ISMSCTL" --store "$EMPTY" -q import "$W/register.json"
schema=$(sqlite3 "$EMPTY" "PRAGMA user_version")
tag="$ROWS-v$schema-$(cat "$W/register.json" "$GEN" | md5sum | cut -c1-8)"
mkdir -p "$CACHE"
chmod 0700 "$CACHE"
BIG="$CACHE/store-$tag.db"
if [ -f "$BIG" ]; then
	echo "big store: $BIG (cached)"
else
	rm -f "$CACHE"/store-*.db "$CACHE"/store-*.db-wal "$CACHE"/store-*.db-shm
	cp "$EMPTY" "$BIG.tmp"
	t0=$(now_ns)
	"$GEN" "$BIG.tmp" "$ROWS" --ts 2025-01-01T00:00:00Z --every 3
	t1=$(now_ns)
	mv "$BIG.tmp" "$BIG"
	echo "big store: $BIG, $ROWS rows made in $(ms $(( (t1 - t0) / 1000000 ))) s"
fi
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); fastest of $REPEAT runs each"

# --- 2. commands ------------------------------------------------------------------

last_day=$(sqlite3 "$BIG" "SELECT substr(max(ts), 1, 10) FROM evidence INDEXED BY evidence_by_ts")
printf '\n%-44s %10s %10s %7s  %s\n' command "empty ms" "$ROWS ms" ratio goal
fails=0
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	# shellcheck disable=SC2086
	best "$ISMSCTL" --store "$EMPTY" $cmd
	e=$MS
	# shellcheck disable=SC2086
	best "$ISMSCTL" --store "$BIG" $cmd
	b=$MS
	verdict=$(awk -v e="$e" -v b="$b" 'BEGIN { print (b < 50000 && b < 2 * e) ? "ok" : "MISSED" }')
	[ "$verdict" = ok ] || fails=$((fails + 1))
	printf '%-44s %10s %10s %7s  %s\n' "$cmd" "$(ms "$e")" "$(ms "$b")" \
		"$(awk -v e="$e" -v b="$b" 'BEGIN { printf "%.2f", b / e }')" "$verdict"
done <<-EOF2
	person list
	scope list
	asset list
	threat list
	control list
	risk list
	measure list
	review list
	document list
	ack list
	indicator list
	change list
	evidence list --limit 100
	evidence list --limit 100 --after $((ROWS / 2))
	evidence list --kind login.deny --limit 100
	evidence list --subject user7 --limit 100
	evidence list --since $last_day --limit 100
	evidence counters
	risk matrix
	risk matrix --residual
	risk top
	risk history R-1
	soa
	soa --summary
	review due
	overdue
	budget
	matrix
	setting list
	export
	key show
	person show alice
	risk show R-1
EOF2
echo "commands missing the goal (under 50 ms and under 2x the empty store): $fails"

# --- 3. whole-store commands -----------------------------------------------------------

rows=$(sqlite3 "$BIG" "SELECT last_pk FROM evidence_head")
size=$(stat -c %s "$BIG")
REPEAT_SAVE=$REPEAT
REPEAT=1
best "$ISMSCTL" --store "$BIG" verify
echo
echo "verify: $rows rows in $(ms $((MS / 1000))) s: $(awk -v r="$rows" -v us="$MS" 'BEGIN { printf "%.0f", r / (us / 1e6) }') rows/s (goal 1000000)"
best "$ISMSCTL" --store "$BIG" check
echo "check (quick_check): $(ms $((MS / 1000))) s for $((size >> 20)) MiB"
REPEAT=$REPEAT_SAVE
echo "generated store: $size bytes / $rows rows = $(awk -v s="$size" -v r="$rows" 'BEGIN { printf "%.0f", s / r }') bytes per row"

# --- 4. the collector ------------------------------------------------------------------

python3 "$ROOT/bench/gen_audit_log.py" "$ROOT/tests/data/audit/enriched.stream" "$RECORDS" \
	"$W/audit.log" "$W/audit.stream" >"$W/gen.out"
events=$(awk '{ print $2 }' "$W/gen.out")
cat >"$W/audit.json" <<-EOF2
{"asset": "bench-host",
 "keep": {"unkeyed_syscalls": false, "all_user_messages": true, "raw": true},
 "keys": {"bench-*": {"asset": "bench-files", "control": "8.9"}}}
EOF2
chmod 0644 "$W/audit.json"
CONF="$W/audit.json"
[ "$(id -u)" -eq 0 ] || CONF="$W/none.json"
best_plugin=""
i=0
while [ "$i" -lt 3 ]; do
	i=$((i + 1))
	rm -rf "$W/plugin.db" "$W/plugin.db-wal" "$W/plugin.db-shm" "$W/spool"
	mkdir -p "$W/spool"
	"$ISMSCTL" --store "$W/plugin.db" -q init
	t0=$(now_ns)
	"$PLUGIN" -c "$CONF" --store "$W/plugin.db" --spool "$W/spool" --replay "$W/audit.log" >/dev/null 2>"$W/plugin.err"
	t1=$(now_ns)
	us=$(( (t1 - t0) / 1000 ))
	[ -n "$best_plugin" ] && [ "$us" -ge "$best_plugin" ] || best_plugin=$us
done
sqlite3 "$W/plugin.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
prows=$(sqlite3 "$W/plugin.db" "SELECT count(*) FROM evidence WHERE source = 'audisp-isms'")
psize=$(stat -c %s "$W/plugin.db")
esize=$(stat -c %s "$EMPTY")
echo
echo "audisp-isms --replay, $RECORDS records ($events events) of bench/gen_audit_log.py:" \
	"$(ms $((best_plugin / 1000))) s, $(awk -v e="$events" -v us="$best_plugin" 'BEGIN { printf "%.0f", e / (us / 1e6) }') events/s"
echo "bytes per stored event: ($psize - $esize bytes of an empty store) / $prows rows =" \
	"$(awk -v s="$psize" -v e="$esize" -v r="$prows" 'BEGIN { printf "%.0f", (s - e) / r }') (goal 300)"

# --- 5. import ---------------------------------------------------------------------------

python3 -c '
import json, sys
n = int(sys.argv[1])
print(json.dumps({"risk": [{"title": "risk %d" % i, "likelihood": 1 + i % 4, "impact": 1 + i // 4 % 4,
                            "treatment": "mitigate"} for i in range(n)]}))' "$IMPORT" >"$W/import.json"
"$ISMSCTL" --store "$W/import.db" -q init
t0=$(now_ns)
"$ISMSCTL" --store "$W/import.db" import "$W/import.json" >"$W/import.out"
t1=$(now_ns)
echo
echo "import of $IMPORT risks with generated ids: $(ms $(( (t1 - t0) / 1000000 ))) s ($(cat "$W/import.out"))"
echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
