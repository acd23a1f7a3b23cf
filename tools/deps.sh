#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what isms needs to build and test on Debian 12, if it is missing.
# Needs root only when something is missing.
set -eu

PKGS="meson ninja-build pkg-config gcc libc6-dev python3 sqlite3
libsqlite3-dev libjson-c-dev libssl-dev libcmocka-dev"
# pam_isms: the module, its tests (pam_wrapper, libpamtest) and the demo (nss_wrapper).
PKGS="$PKGS libpam0g-dev libaudit-dev libpamtest0-dev libpam-wrapper libnss-wrapper pamtester"
# The end-to-end tests: a real sshd and ssh client, pamtester (tests/e2e).
PKGS="$PKGS openssh-server openssh-client pamtester"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "isms: missing packages:$missing; install them as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
echo "isms: installing$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
