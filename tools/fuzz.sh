#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer harnesses (tests/fuzz) with clang, ASan and UBSan in
# build-fuzz/ and run each for SECONDS (default 60), two at a time.  Any
# crash, leak, timeout, out-of-memory or undefined behaviour fails it.
# Prints one TAP line per harness and exits 1 if any found something.
#
#   sh tools/fuzz.sh 60                # CI: a minute each
#   sh tools/fuzz.sh 14400 policy tz   # a human: four hours each of two
#
# The corpus grows in build-fuzz/fuzz/corpus/<harness> (seeded from
# tests/fuzz/corpus/<harness>), so long runs carry on where the last one
# stopped; a finding is kept in build-fuzz/fuzz/artifacts/<harness>/ and
# its log in build-fuzz/fuzz/logs/<harness>.log.  To replay a finding:
#   build-fuzz/tests/fuzz/fuzz_<harness> FILE
# Commit a minimised finding (fuzz_<harness> -minimize_crash=1 ...) under
# tests/fuzz/corpus/<harness>/ with its fix: every build replays it.
# Environment: FUZZ_JOBS (parallel runs, default 2), CC (default clang).
set -eu
cd "$(dirname "$0")/.."

secs=${1:-60}
[ $# -gt 0 ] && shift
harnesses=${*:-"policy audit import plugin_config tz window datetime json anchor snapshot policy_compiled journal archive ctest retention csv oscal catalogue node"}
jobs=${FUZZ_JOBS:-2}
B=build-fuzz
W=$B/fuzz

if [ ! -d $B ]; then
	cc=${CC:-}
	if [ -z "$cc" ]; then
		cc=clang
		command -v clang >/dev/null 2>&1 || cc=clang-14
	fi
	CC=$cc meson setup $B -Dfuzzers=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dwerror=true -Dbuildtype=debugoptimized >/dev/null
fi
# ninja reports a failed build on stdout: show it, or CI says only that
# fuzz.sh could not run.
if ! nice ninja -C $B fuzzers >$B/fuzzers-build.log 2>&1; then
	grep -E -A 5 '^FAILED|error:' $B/fuzzers-build.log | head -n 40 >&2
	echo "fuzz.sh: the harnesses did not build (log: $B/fuzzers-build.log)" >&2
	exit 2
fi

mkdir -p $W/logs
for h in $harnesses; do
	[ -f tests/fuzz/fuzz_$h.c ] || { echo "fuzz.sh: no harness '$h'" >&2; exit 2; }
	rm -f $W/logs/$h.result
done
# Leaks are findings; the fuzzer, not the sanitizer, stops on them.  UB stops
# at once (the harnesses are also built with -fno-sanitize-recover).
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0

# run HARNESS: one bounded run; writes $W/logs/HARNESS.result
run() {
	h=$1
	mkdir -p $W/corpus/$h $W/artifacts/$h
	set +e
	nice $B/tests/fuzz/fuzz_$h -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=$W/artifacts/$h/ \
		$W/corpus/$h tests/fuzz/corpus/$h >$W/logs/$h.log 2>&1
	rc=$?
	set -e
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' $W/logs/$h.log | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz_$h: ${runs:-?} runs in $secs s without a finding" >$W/logs/$h.result
	else
		what=$(grep -a -m 1 -E 'ERROR: |runtime error|check failed' $W/logs/$h.log |
			sed 's/^==[0-9]*==//' | cut -c 1-160)
		art=$(ls -t $W/artifacts/$h 2>/dev/null | head -n 1)
		echo "not ok - fuzz_$h: ${what:-exit $rc} after ${runs:-?} runs;" \
			"input $W/artifacts/$h/$art, log $W/logs/$h.log" >$W/logs/$h.result
	fi
}

# $jobs queues, each running its share of the harnesses one after another.
pids=""
for q in $(seq 1 "$jobs"); do
	list=""
	k=0
	for h in $harnesses; do
		[ $((k % jobs + 1)) -eq "$q" ] && list="$list $h"
		k=$((k + 1))
	done
	[ -n "$list" ] || continue
	( for h in $list; do run "$h"; done ) &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || true
done

rc=0
n=0
for h in $harnesses; do
	n=$((n + 1))
	line=$(cat $W/logs/$h.result 2>/dev/null || echo "not ok - fuzz_$h: did not run")
	case $line in
	"not ok"*) rc=1 ;;
	esac
	echo "$line" | sed "s/^\(not ok\|ok\) -/\1 $n -/"
done
echo "1..$n"
exit $rc
