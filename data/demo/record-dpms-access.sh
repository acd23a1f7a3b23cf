#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How data/demo/dpms-access.log was made (root, auditd 3.0.9): the real
# auditd, a dpms:PA-1 watch on a payroll directory, and three accesses to it:
# lwolf (listed for the activity) reads, bob (not listed) reads and tries to
# write.  The demo replays the plugin stream through audisp-isms.
# Not run by the demo or the tests: it takes over the machine's audit
# subsystem for a few seconds, then removes its rules and disables auditing.
#
#   data/demo/record-dpms-access.sh OUTFILE
set -eu
OUT=$1
# (run from the source tree: the recording helpers are with the fixtures)
. "$(cd "$(dirname "$0")" && pwd)/../../tests/data/audit/record-lib.sh"
rec_refuse_running_auditd
D=$(mktemp -d /tmp/isms-rec.XXXXXX)
# The data apart: auditd makes its log directory 0700.
P=$(mktemp -d /tmp/isms-payroll.XXXXXX)
mkdir -p "$D/plugins.d" "$P/hr/payroll"
made=""
cleanup() {
	set +e
	rec_auditd_stop
	auditctl -e 0 >/dev/null 2>&1
	for u in $made; do userdel "$u" >/dev/null 2>&1; done
	cp "$D/stream.txt" "$OUT" 2>/dev/null
	rm -rf "$D" "$P"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
for u in lwolf bob; do
	if ! id "$u" >/dev/null 2>&1; then
		useradd -M -s /bin/sh "$u"
		made="$made $u"
	fi
done
rec_auditd_conf "$D" ENRICHED "$REC_AUDITD_TUNING"
rec_capture_plugin "$D"
printf 'name;iban;salary\nA. Neumann;DE00 0000;4100\n' >"$P/hr/payroll/salaries.csv"
chmod 0755 "$P" "$P/hr" "$P/hr/payroll"
chmod 0644 "$P/hr/payroll/salaries.csv"

rec_auditd_start "$D"
auditctl -w "$P/hr/payroll" -p rwa -k dpms:PA-1
runuser -u lwolf -- cat "$P/hr/payroll/salaries.csv" >/dev/null
runuser -u bob -- cat "$P/hr/payroll/salaries.csv" >/dev/null
runuser -u bob -- sh -c "echo x >>'$P/hr/payroll/salaries.csv'" 2>/dev/null || true
sleep 3
