#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build isms twice (plain, and with ASan+UBSan) and run the whole test suite
# in both (the 'fuzz' suite replays the fuzz corpora), then build the libFuzzer
# harnesses with clang and run each for FUZZ_SECONDS (default 60; 0 skips
# them) through tools/fuzz.sh; print the totals of all of it as one line.
set -eu
cd "$(dirname "$0")/.."

sh tools/deps.sh

# The project's defaults are for users (release, no -Werror): CI builds with
# warnings as errors and debug info, also in a tree another script set up.
ci_opts="-Dwerror=true -Dbuildtype=debugoptimized"
setup() {
	d=$1
	shift
	if [ -d "$d" ]; then
		meson configure "$d" $ci_opts "$@" >/dev/null
	else
		meson setup "$d" $ci_opts "$@" >/dev/null
	fi
}
setup build
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build
ninja -C build-asan

rc=0
meson test -C build --print-errorlogs || rc=1
meson test -C build-asan --setup=asan --print-errorlogs || rc=1

# Fuzzing: one TAP line per harness, counted below like the suites' subtests.
fuzz_tap=build/fuzz-results.tap
: >$fuzz_tap
if [ "${FUZZ_SECONDS:-60}" -gt 0 ]; then
	if ! sh tools/fuzz.sh "${FUZZ_SECONDS:-60}" >$fuzz_tap; then
		rc=1
		grep -q '^not ok' $fuzz_tap || echo "not ok 0 - tools/fuzz.sh could not run" >>$fuzz_tap
	fi
	cat $fuzz_tap
fi

python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog-asan.json $fuzz_tap <<'PY' || rc=1
import json, re, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    if path.endswith(".tap"):
        # tools/fuzz.sh: "ok N - fuzz_x: ..." / "not ok N - fuzz_x: ..."
        text = open(path).read()
        passed += len(re.findall(r"^ok \d+", text, re.M))
        failed += len(re.findall(r"^not ok \d+", text, re.M))
        continue
    for line in open(path):
        t = json.loads(line)
        res = t["result"]
        # Count the TAP subtests each suite ran, as they are what was checked.
        out = t.get("stdout") or ""
        sub_ok = len(re.findall(r"^ok \d+", out, re.M))
        sub_fail = len(re.findall(r"^not ok \d+", out, re.M))
        if res == "SKIP":
            skipped += 1
            print(f"SKIP {path.split('/')[0]}: {t['name']}")
        elif res in ("OK", "EXPECTEDFAIL"):
            passed += sub_ok if sub_ok else 1
        else:
            failed += sub_fail if sub_fail else 1
            passed += sub_ok
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
exit $rc
