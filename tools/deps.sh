#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what isms needs to build and test on Debian 12, if it is missing.
# Needs root only when something is missing.
set -eu

PKGS="meson ninja-build pkg-config gcc libc6-dev python3 sqlite3 tmux groff-base man-db
libsqlite3-dev libjson-c-dev libssl-dev libcmocka-dev zlib1g-dev"
# pam_isms: the module, its tests (pam_wrapper, libpamtest) and the demo (nss_wrapper).
PKGS="$PKGS libpam0g-dev libaudit-dev libpamtest0-dev libpam-wrapper libnss-wrapper pamtester"
# The end-to-end tests: a real sshd and ssh client, pamtester (tests/e2e).
PKGS="$PKGS openssh-server openssh-client pamtester"
# audisp-isms: libauparse; its end-to-end test runs the real auditd; its
# benchmark compares with laurel and times runs (bench/run-plugin-bench.sh).
PKGS="$PKGS libauparse-dev auditd laurel time procps"
# The fleet's end-to-end test and the central's benchmark: senders through
# audisp-remote (its au-remote.conf comes inactive), network namespaces, jq.
PKGS="$PKGS audispd-plugins iproute2 jq"
# The Debian packages (debian/, tests/e2e/test_deb.sh): built from a clone, checked.
PKGS="$PKGS dpkg-dev debhelper lintian git"
# The fuzzers (tests/fuzz, tools/fuzz.sh): clang with libFuzzer and its sanitizers.
PKGS="$PKGS clang-14 libclang-rt-14-dev"
# The board report's rendering test: headless Chromium (tests/cli/test_report_html.sh).
PKGS="$PKGS chromium"
# The OSCAL exports' validation: node runs ajv 8, which npm installs into the
# build tree.  A machine may have them from elsewhere than Debian (NodeSource's
# nodejs bundles npm, and Debian's npm would conflict with it): by command.
NODE_PKGS=""
command -v node >/dev/null 2>&1 || NODE_PKGS="$NODE_PKGS nodejs"
command -v npm >/dev/null 2>&1 || NODE_PKGS="$NODE_PKGS npm"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
missing="$missing$NODE_PKGS"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "isms: missing packages:$missing; install them as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
echo "isms: installing$missing" >&2
# Installing auditd starts it, and a running auditd owns the kernel audit
# subsystem: the end-to-end test would skip and the benchmark refuse.  No
# service may start during the install (policy-rc.d: 101 = forbidden), and
# an auditd that starts anyway is stopped again.
PRC=/usr/sbin/policy-rc.d
auditd_before=0
pgrep -x auditd >/dev/null 2>&1 && auditd_before=1
if [ ! -e "$PRC" ]; then
	printf '#!/bin/sh\n# isms tools/deps.sh: no services start while it installs\nexit 101\n' >"$PRC"
	chmod 0755 "$PRC"
	trap 'rm -f "$PRC"' EXIT
	trap 'exit 1' HUP INT TERM
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
if [ "$auditd_before" -eq 0 ] && pgrep -x auditd >/dev/null 2>&1; then
	echo "isms: stopping the auditd the install started" >&2
	service auditd stop >/dev/null 2>&1 || kill -TERM $(pgrep -x auditd) 2>/dev/null || true
	n=50
	while [ "$n" -gt 0 ] && pgrep -x auditd >/dev/null 2>&1; do
		sleep 0.1
		n=$((n - 1))
	done
	auditctl -D >/dev/null 2>&1 || true
	auditctl -e 0 >/dev/null 2>&1 || true
fi
