#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The central's intake (issue 13): records/s a central auditd takes in from N
# senders, without a plugin and with audisp-isms attached, in one run.
#
#   bench/run-central-bench.sh [-B BUILDDIR] [--senders 3] [--records 200000]
#                              [--seed STREAM] [--repeat 2] [--keep]
#
# The central runs in a network namespace of its own (auditd -n -c DIR with
# local_events = no, tcp_listen_port, distribute_network = yes, its log in a
# temporary directory); each sender is audisp-remote in a namespace of its
# own behind a veth pair (tests/e2e/fleet_lib.sh, as the fleet's end-to-end
# test), fed a log of --records records made by bench/gen_audit_log.py from
# the seed (default tests/data/audit/enriched.stream), as node bench-K, each
# ending in a marker record.  All senders start together; the intake is the
# records the central logged from the senders' first record to the last
# marker, divided by that time.  Then the same with audisp-isms as the
# central's plugin (a fresh store, the senders registered as nodes when the
# build has 'ismsctl node'), and how long the plugin took after the last
# record to store everything (its counters: received = every event sent).
# Also the CPU seconds of the central auditd and of audisp-isms.  Each kind
# runs --repeat times, taking turns; the best run of each is compared.
#
# The kernel audit is never touched (the central has no local events, the
# senders are plugins fed from files).  Needs root (namespaces).  Prints SKIP
# and exits 0 when something it needs is missing.  The goal (issue 13): with
# the plugin the central keeps at least 0.8 of its intake without it.
# Timings are printed, never asserted.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/e2e/fleet_lib.sh"
BUILD="$ROOT/build"
SENDERS=3
RECORDS=200000
SEED="$ROOT/tests/data/audit/enriched.stream"
REPEAT=2
KEEP=0
PORT=60
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift 2 ;;
	--senders) SENDERS=$2; shift 2 ;;
	--records) RECORDS=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--repeat) REPEAT=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) sed -n '3,/^set -eu$/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-central-bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
PLUGIN="$BUILD/auditd_plugin/audisp-isms"
ISMSCTL="$BUILD/tools/ismsctl"
# ismsctl finds the catalogues through ISMS_DATA_DIR (meson devenv sets it): the tree's
: "${ISMS_DATA_DIR:=$ROOT/data}"
export ISMS_DATA_DIR
REMOTE=/sbin/audisp-remote

skip() { echo "SKIP run-central-bench: $1"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
for f in "$PLUGIN" "$ISMSCTL"; do
	[ -x "$f" ] || skip "'$f' missing: build first (ninja -C $BUILD)"
done
command -v auditd >/dev/null 2>&1 || skip "auditd not found (package auditd)"
[ -x "$REMOTE" ] || skip "$REMOTE not found (package audispd-plugins)"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
[ -f "$SEED" ] || skip "seed '$SEED' not found"
[ "$SENDERS" -ge 1 ] && [ "$SENDERS" -le 200 ] || { echo "run-central-bench: --senders 1..200" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/central-bench.XXXXXX")
chmod 0755 "$W"
T=$W # fleet_lib's scratch
fleet_init "icb-$$"
CENTRAL_PID=""
WATCH_PID=""
cleanup() {
	set +e
	[ -z "$WATCH_PID" ] || kill "$WATCH_PID" 2>/dev/null
	fleet_cleanup
	if [ "$KEEP" -eq 1 ]; then echo "kept: $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
fleet_stale 'icb-[0-9]*'
fleet_can || skip "$FLEET_WHY"

# --- the senders' logs --------------------------------------------------------

now=$(date +%s)
total=0
events=0
k=1
while [ "$k" -le "$SENDERS" ]; do
	# each node's clock a few seconds from the others', as hosts' are
	python3 "$ROOT/bench/gen_audit_log.py" "$SEED" "$RECORDS" "$W/$k.log" "$W/$k.in" \
		--node "bench-$k" --start $((now + k * 7)) >"$W/$k.gen"
	# the marker: one user record after the last event, stamped later
	printf 'node=bench-%s type=USER msg=audit(%s.000:99999999): pid=1 uid=0 auid=0 ses=1 msg='"'"'text=isms-bench-end-%s exe="/bin/true" hostname=? addr=? terminal=? res=success'"'"'\n' \
		"$k" $((now + 100000)) "$k" >>"$W/$k.in"
	total=$((total + $(grep -vc 'type=EOE' "$W/$k.in")))
	events=$((events + $(awk '{ print $2 }' "$W/$k.gen") + 1))
	k=$((k + 1))
done
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "senders: $SENDERS x $(awk '{ print $4 }' "$W/1.gen") records ($(awk '{ print $2 }' "$W/1.gen") events) each, $total records in all"

# --- the fleet ----------------------------------------------------------------

fleet_central
k=1
while [ "$k" -le "$SENDERS" ]; do
	fleet_sender "$k"
	fleet_remote_conf "$W/$k.remote.conf" "$FLEET_SERVER" "$PORT"
	eval "ADDR_$k=\$FLEET_ADDR"
	k=$((k + 1))
done

cat >"$W/audit.json" <<-EOF
{"comment": "central benchmark: keep all keyed and all user-space events",
 "store": "$W/store.db", "spool": "$W/spool", "asset": "bench-central",
 "keep": {"unkeyed_syscalls": false, "all_user_messages": true, "raw": true},
 "keys": {"bench-*": {"asset": "bench-files", "control": "8.9"}}}
EOF
chmod 0644 "$W/audit.json"

# cpu_s PID: the user+system seconds PID has used
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null ||
		echo "?"
}

# run_central WITH: one central (WITH 0: no plugin, 1: audisp-isms, 2: a
# plugin that only reads, cat >/dev/null), all senders at once; sets RATE, SECS,
# CPU_AUDITD, CPU_PLUGIN, AFTER (plugin's seconds after the last record) and RECEIVED.
run_central() {
	with=$1
	rm -rf "$W/central" "$W/store.db" "$W/store.db-wal" "$W/store.db-shm" "$W/spool" "$W/seen"
	mkdir -p "$W/central/plugins.d" "$W/spool"
	fleet_central_conf "$W/central/auditd.conf" "$W/central/audit.log" "$W/central/plugins.d" "$PORT"
	if [ "$with" -eq 1 ]; then
		"$ISMSCTL" --store "$W/store.db" -q init >/dev/null
		if "$ISMSCTL" node --help >/dev/null 2>&1; then
			k=1
			while [ "$k" -le "$SENDERS" ]; do
				eval "a=\$ADDR_$k"
				"$ISMSCTL" --store "$W/store.db" -q node add --name "bench-$k" --addresses "$a" >/dev/null
				k=$((k + 1))
			done
		fi
		printf 'active = yes\ndirection = out\npath = %s\ntype = always\nargs = --config %s\nformat = string\n' \
			"$PLUGIN" "$W/audit.json" >"$W/central/plugins.d/isms.conf"
	fi
	if [ "$with" -eq 2 ]; then
		printf '#!/bin/sh\nexec cat >/dev/null\n' >"$W/null-plugin.sh"
		chmod 0755 "$W/null-plugin.sh"
		printf 'active = yes\ndirection = out\npath = %s\ntype = always\nformat = string\n' \
			"$W/null-plugin.sh" >"$W/central/plugins.d/null.conf"
	fi
	chmod 0644 "$W/central/auditd.conf" "$W"/central/plugins.d/* 2>/dev/null || true
	fleet_exec "$FLEET_CENTRAL" auditd -n -c "$W/central" >"$W/central.out" 2>&1 &
	n=0
	until CENTRAL_PID=$(fleet_pid "$FLEET_CENTRAL" auditd) &&
		fleet_exec "$FLEET_CENTRAL" ss -ltn 2>/dev/null | grep -q ":$PORT "; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || { echo "run-central-bench: the central auditd did not start:" >&2; tail -5 "$W/central.out" >&2; exit 1; }
		sleep 0.1
	done
	PLUGIN_PID=""
	if [ "$with" -eq 1 ]; then
		n=0
		until PLUGIN_PID=$(pgrep -P "$CENTRAL_PID" -f "$PLUGIN" | head -1) && [ -n "$PLUGIN_PID" ]; do
			n=$((n + 1))
			[ "$n" -lt 100 ] || { echo "run-central-bench: audisp-isms did not start" >&2; exit 1; }
			sleep 0.1
		done
	fi
	# The markers as they reach the log, one line each in $W/seen: a
	# follower that reads the log as it grows and exits on the last marker
	# (or after 600 s).
	: >"$W/seen"
	python3 - "$W/central/audit.log" "$W/seen" "$SENDERS" <<-'PY' &
	import os, re, sys, time
	log, seen, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
	pat = re.compile(rb"isms-bench-end-\d+")
	end = time.time() + 600
	found, tail = 0, b""
	with open(log, "rb") as f, open(seen, "ab", buffering=0) as out:
	    while found < want and time.time() < end:
	        chunk = f.read(1 << 20)
	        if not chunk:
	            time.sleep(0.02)
	            continue
	        buf = tail + chunk
	        last = buf.rfind(b"\n") + 1
	        for m in pat.finditer(buf, 0, last):
	            out.write(m.group(0) + b"\n")
	            found += 1
	        tail = buf[last:]
	PY
	WATCH_PID=$!
	t0=$(date +%s%N)
	SPIDS=""
	k=1
	while [ "$k" -le "$SENDERS" ]; do
		FLEET_REMOTE=$REMOTE fleet_feed "$FLEET_PREFIX-$k" "$W/$k.remote.conf" "$W/$k.in" 600 \
			grep -qx "isms-bench-end-$k" "$W/seen" >"$W/$k.remote.out" 2>&1 &
		SPIDS="$SPIDS $!"
		k=$((k + 1))
	done
	until [ "$(wc -l <"$W/seen")" -ge "$SENDERS" ]; do
		sleep 0.05
		[ $(($(date +%s%N) - t0)) -lt 600000000000 ] || { echo "run-central-bench: the senders did not finish within 600 s" >&2; exit 1; }
	done
	t1=$(date +%s%N)
	for p in $SPIDS; do
		wait "$p" || echo "run-central-bench: a sender failed: $(tail -1 "$W/$k.remote.out")" >&2
	done
	wait "$WATCH_PID" 2>/dev/null || true
	WATCH_PID=""
	got=$(grep -c '^node=bench-' "$W/central/audit.log")
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	RATE=$(awk -v n="$got" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
	[ "$got" -eq "$total" ] || echo "run-central-bench: the central logged $got of the $total records" >&2
	AFTER="-" RECEIVED="-" CPU_PLUGIN="-"
	if [ "$with" -eq 1 ]; then
		# Every event sent and the central's own records (DAEMON_START,
		# _ACCEPT, _CLOSE); the counters reach the store with its batches.
		WANT=$((events + $(grep -vc '^node=' "$W/central/audit.log")))
		n=0
		while :; do
			RECEIVED=$("$ISMSCTL" --store "$W/store.db" evidence counters 2>/dev/null |
				awk '$1 == "audisp-isms" { print $2 }')
			[ "${RECEIVED:-0}" -lt "$WANT" ] || break
			n=$((n + 1))
			[ "$n" -lt 1200 ] || break
			sleep 0.5
		done
		AFTER=$(awk -v a="$t1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
		CPU_PLUGIN=$(cpu_s "$PLUGIN_PID")
	fi
	CPU_AUDITD=$(cpu_s "$CENTRAL_PID")
	kill -TERM "$CENTRAL_PID" 2>/dev/null
	n=0
	while kill -0 "$CENTRAL_PID" 2>/dev/null && [ "$n" -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	[ -z "$PLUGIN_PID" ] || while kill -0 "$PLUGIN_PID" 2>/dev/null && [ "$n" -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
	CENTRAL_PID=""
}

# The best of $REPEAT runs each, the two kinds taking turns, so that a
# machine shared with others disturbs both alike.
B0_RATE=0 B1_RATE=0 B2_RATE=0
i=0
while [ "$i" -lt "$REPEAT" ]; do
	i=$((i + 1))
	run_central 0
	echo "run $i without plugin: $RATE records/s ($SECS s)"
	if [ "$RATE" -gt "$B0_RATE" ]; then
		B0_RATE=$RATE s0=$SECS c0=$CPU_AUDITD
	fi
	run_central 2
	echo "run $i with cat as plugin: $RATE records/s ($SECS s)"
	if [ "$RATE" -gt "$B2_RATE" ]; then
		B2_RATE=$RATE s2=$SECS c2=$CPU_AUDITD
	fi
	run_central 1
	echo "run $i with audisp-isms: $RATE records/s ($SECS s), the plugin done $AFTER s after the last record"
	if [ "$RATE" -gt "$B1_RATE" ]; then
		B1_RATE=$RATE s1=$SECS c1=$CPU_AUDITD p1=$CPU_PLUGIN after=$AFTER recv=$RECEIVED want=$WANT
	fi
done
r0=$B0_RATE r1=$B1_RATE r2=$B2_RATE
echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg); best of $REPEAT run(s) each"
echo
printf '%-22s %12s %9s %12s %14s %16s\n' central records/s seconds "auditd cpu s" "plugin cpu s" "plugin done +s"
printf '%-22s %12s %9s %12s %14s %16s\n' "without plugin" "$r0" "$s0" "$c0" - -
printf '%-22s %12s %9s %12s %14s %16s\n' "with cat as plugin" "$r2" "$s2" "$c2" - -
printf '%-22s %12s %9s %12s %14s %16s\n' "with audisp-isms" "$r1" "$s1" "$c1" "$p1" "$after"
echo
awk -v a="$r0" -v b="$r1" -v c="$r2" 'BEGIN {
	printf "intake with the plugin / without: %.2f (goal 0.8); with the plugin / with cat: %.2f\n", a ? b / a : 0, c ? b / c : 0 }'
if [ "$recv" = "$want" ]; then
	echo "audisp-isms received all $want events (the senders' $events and the central's own)"
else
	echo "audisp-isms received $recv of $want events (auditd's queue overflowed, or it had not finished)"
fi
if "$ISMSCTL" --store "$W/store.db" verify >"$W/verify.out" 2>&1; then
	echo "ismsctl verify: $(cat "$W/verify.out")"
else
	echo "ismsctl verify FAILED: $(cat "$W/verify.out")"
fi
