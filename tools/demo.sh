#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build isms and run the demo: a demo organisation loaded into a fresh store
# in ./demo-store, then what the security officer looks at first.
set -eu
cd "$(dirname "$0")/.."

sh tools/deps.sh
# The tree tools/check.sh uses, with its options (warnings are errors).
[ -d build ] || meson setup build -Dwerror=true -Dbuildtype=debugoptimized >/dev/null
ninja -C build >/dev/null

exec sh tools/demo-run.sh "$PWD/build/tools/ismsctl" "$PWD/build/pam_module/pam_isms.so" \
	"$PWD/demo-store" "$PWD/build/tools/dpmsctl" "$PWD/build/auditd_plugin/audisp-isms"
