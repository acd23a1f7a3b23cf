# SPDX-License-Identifier: GPL-2.0-or-later
# What the store and verify benchmarks share (sourced, POSIX sh): the paths
# of the build, a work directory removed at exit unless --keep, a clock and
# the fastest of several runs.  The sourcing script sets BENCH (its name
# for messages) before, and BUILD, REPEAT and KEEP after parsing its options.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
KEEP=0

# bench_help: the script's header comment (lines 3 to 'set -eu') as its --help
bench_help() { sed -n '3,/^set -eu$/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }

# bench_setup FILE...: BUILD made absolute, each FILE (under it) executable,
# the work directory $W made and removed at exit (kept with --keep)
bench_setup() {
	case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
	for f in "$@"; do
		[ -x "$BUILD/$f" ] || { echo "$BENCH: '$BUILD/$f' missing: build first (ninja -C $BUILD)" >&2; exit 1; }
	done
	W=$(mktemp -d "${TMPDIR:-/tmp}/store-bench.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 1' HUP INT TERM
}
bench_cleanup() { if [ "$KEEP" -eq 1 ]; then echo "kept: $W" >&2; else rm -rf "$W"; fi; }

now_ns() { date +%s%N; }

# bench_best CMD...: the fastest of $REPEAT runs of CMD in microseconds, in
# BEST_US; its output goes to $W/out; a failure ends the benchmark.
bench_best() {
	BEST_US=""
	_i=0
	while [ "$_i" -lt "$REPEAT" ]; do
		_i=$((_i + 1))
		_t0=$(now_ns)
		"$@" >"$W/out" 2>&1 || { echo "$BENCH: '$*' failed:" >&2; head -20 "$W/out" >&2; exit 1; }
		_us=$((($(now_ns) - _t0) / 1000))
		[ -n "$BEST_US" ] && [ "$_us" -ge "$BEST_US" ] || BEST_US=$_us
	done
}

# ms US / secs US: microseconds as "12.3" ms / "1.234" s
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
secs() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }
# rate N SECONDS: N per second
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
