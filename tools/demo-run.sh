#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo itself, on built binaries: tools/demo-run.sh ISMSCTL PAM_ISMS_SO DIR.
# tools/demo.sh builds and calls it; tests/cli/test_demo.sh checks what it shows.
set -eu
cd "$(dirname "$0")/.."
ISMSCTL=$1
PAM_ISMS_SO=$2
D=$3
ISMS_DATA_DIR="$PWD/data"
ISMS_STORE="$D/store.db"
export ISMS_DATA_DIR ISMS_STORE
rm -rf "$D"
mkdir -p "$D"

if [ -t 1 ]; then BOLD=$(printf '\033[1m'); PLAIN=$(printf '\033[0m'); else BOLD=; PLAIN=; fi
step() { printf '\n%s== %s%s\n$ %s\n' "$BOLD" "$1" "$PLAIN" "$2"; }
show() { title=$1; shift; step "$title" "ismsctl $*"; "$ISMSCTL" "$@"; }

show "Create the store and load the ISO 27001:2022 Annex A and BSI catalogues" init
show "Load the demo organisation (all or nothing)" import data/demo/org.json
show "The scope, approved by management" scope list
show "Assets and their protection requirements (BSI 200-2)" asset list
show "Inherent risk matrix (BSI 200-3, 4x4)" risk matrix
show "Residual risk matrix after treatment" risk matrix --residual
show "Top risks" risk top -n 6
show "Statement of Applicability, summary" soa --summary
show "Everything overdue" overdue
show "Security budget" budget
show "Evidence: a management review recorded by hand" \
	evidence add --kind management.review --control 5.35 --subject hbauer \
	--outcome held --details '{"minutes":"MR-2026-2"}'
# Logins decided by the real pam_isms.so in a real PAM stack: pam_wrapper
# gives the demo its own PAM configuration and nss_wrapper its own users, so
# nothing on this machine is touched.
install -m 0600 data/demo/policy.json "$D/policy.json"
mkdir -p "$D/pam.d"
for t in account session; do
	echo "$t required $PAM_ISMS_SO policy=$D/policy.json store=$ISMS_STORE spool=$D/spool noaudit"
done >"$D/pam.d/sshd"
show "The access policy of bastion-01" policy check "$D/policy.json"
login() {
	user=$1 from=$2
	step "Login: $user from $from" "pamtester -I rhost=$from sshd $user acct_mgmt open_session close_session"
	env LD_PRELOAD="${ISMS_DEMO_PRELOAD:-}${ISMS_DEMO_PRELOAD:+ }libpam_wrapper.so libnss_wrapper.so" PAM_WRAPPER=1 \
		PAM_WRAPPER_SERVICE_DIR="$D/pam.d" NSS_WRAPPER_PASSWD="$PWD/data/demo/passwd" \
		NSS_WRAPPER_GROUP="$PWD/data/demo/group" \
		pamtester -I rhost="$from" sshd "$user" acct_mgmt open_session close_session 2>&1 |
		grep -v '^PWRAP' || true
}
login alice 10.1.2.3
login bob 10.1.2.3
login carol 10.1.2.3
login tkoch 203.0.113.9
login mallory 203.0.113.9
show "Why was bob denied? (exit 1: denied)" policy test --policy "$D/policy.json" --user bob --from 10.1.2.3 --groups bob || true
show "The evidence those logins left" evidence list --source pam_isms
show "Evidence chain" verify
printf '\nThe demo store is %s; try: %s --store %s risk show R-12\n' \
	"$ISMS_STORE" "$ISMSCTL" "$ISMS_STORE"
