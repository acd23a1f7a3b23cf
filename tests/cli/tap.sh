# SPDX-License-Identifier: GPL-2.0-or-later
# A small TAP library for the CLI tests: sourced, POSIX sh.
# Each check prints "ok N - name" or "not ok N - name"; done_testing prints the plan.
set -u
TAP_N=0
TAP_FAILED=0
T=$(mktemp -d "${TMPDIR:-/tmp}/isms-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
export ISMS_STORE="$T/store.db"
OUT="$T/out"
ERR="$T/err"

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $1"
	if [ -s "$OUT" ]; then sed 's/^/# out: /' "$OUT" | head -20; fi
	if [ -s "$ERR" ]; then sed 's/^/# err: /' "$ERR" | head -20; fi
}

# run CMD...: runs it, keeps stdout in $OUT, stderr in $ERR, exit code in $RC
run() { RC=0; "$@" >"$OUT" 2>"$ERR" || RC=$?; }

# Under the asan setup a sanitizer report fails the run even where the
# exit code of the command is not checked.
sanitizer_check() {
	if grep -qE 'Sanitizer|runtime error:' "$ERR"; then not_ok "no sanitizer report: $*"; fi
}

# isms ARGS... / dp ARGS...: run ismsctl / dpmsctl under test
isms() { run "$ISMSCTL" "$@"; sanitizer_check "$@"; }
dp() { run "$DPMSCTL" "$@"; sanitizer_check "$@"; }

# js EXPR: a Python expression over the JSON on stdout (as d); prints text
# as it is and anything else as JSON, or the parse error.
js() {
	python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    v = eval(sys.argv[2])
except Exception as e:
    print("error: %s" % e)
    sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v))' "$OUT" "$1"
}

# expect_rc N NAME: the last run exited with N
expect_rc() { if [ "$RC" -eq "$1" ]; then ok "$2"; else echo "# exit $RC, wanted $1"; not_ok "$2"; fi; }

# out_has TEXT NAME / err_has TEXT NAME: fixed-string search
out_has() { if grep -qF -- "$1" "$OUT"; then ok "$2"; else echo "# stdout lacks: $1"; not_ok "$2"; fi; }
err_has() { if grep -qF -- "$1" "$ERR"; then ok "$2"; else echo "# stderr lacks: $1"; not_ok "$2"; fi; }
out_lacks() { if grep -qF -- "$1" "$OUT"; then echo "# stdout has: $1"; not_ok "$2"; else ok "$2"; fi; }

# is GOT WANT NAME
is() { if [ "$1" = "$2" ]; then ok "$3"; else echo "# got '$1', wanted '$2'"; not_ok "$3"; fi; }

# skip_all REASON: the whole script cannot run here.  Exit 0: under
# protocol tap meson shows "1..0 # SKIP" as SKIP only with status 0 (77 is
# an ERROR there, not a skip).
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# skip REASON: one check that cannot run here, said so (TAP's SKIP directive).
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N # SKIP $1"; }

done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# machine_lock: hold /tmp/isms-machine.lock (fd 9) for the rest of the script,
# as every test that changes the machine (mounts, users, PAM files, audit)
# must, so that two worktrees' suites never change it at once.  Not taken
# again when a caller already holds it (flock /tmp/isms-machine.lock meson
# test ...: the holder is one of this script's ancestors), which would wait
# for ever.  Waits ISMS_MACHINE_LOCK_WAIT seconds (default 900), then bails out
# (a failure: the machine was not free, the test did not run).
machine_lock() {
	_ml=/tmp/isms-machine.lock
	[ -n "${ISMS_MACHINE_LOCKED:-}" ] && return 0
	if [ -e "$_ml" ]; then
		_ino=$(stat -c %i "$_ml")
		for _h in $(awk -v i="$_ino" '$2 == "FLOCK" { n = split($6, f, ":"); if (f[n] == i) print $5 }' /proc/locks); do
			_p=$$
			while [ "$_p" -gt 1 ]; do
				[ "$_p" = "$_h" ] && return 0
				_p=$(awk '/^PPid:/ { print $2 }' "/proc/$_p/status" 2>/dev/null || echo 1)
			done
		done
	fi
	exec 9>>"$_ml"
	if ! flock -w "${ISMS_MACHINE_LOCK_WAIT:-900}" 9; then
		echo "Bail out! the machine lock $_ml stayed taken for ${ISMS_MACHINE_LOCK_WAIT:-900} s"
		exit 1
	fi
	export ISMS_MACHINE_LOCKED=1
}
