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
pgrep -x auditd >/dev/null && { echo "an auditd is running: not now" >&2; exit 1; }
D=$(mktemp -d /tmp/isms-rec.XXXXXX)
# The data apart: auditd makes its log directory 0700.
P=$(mktemp -d /tmp/isms-payroll.XXXXXX)
mkdir -p "$D/plugins.d" "$P/hr/payroll"
made=""
cleanup() {
	set +e
	auditctl -D >/dev/null 2>&1
	[ -n "${APID:-}" ] && kill -TERM "$APID" 2>/dev/null && wait "$APID"
	auditctl -D >/dev/null 2>&1
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
cat >"$D/auditd.conf" <<EOC
local_events = yes
write_logs = yes
log_file = $D/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 8
num_logs = 2
priority_boost = 4
name_format = NONE
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $D/plugins.d
end_of_event_timeout = 2
EOC
printf '#!/bin/sh\nexec cat >%s/stream.txt\n' "$D" >"$D/capture.sh"
chmod 0755 "$D/capture.sh"
printf 'active = yes\ndirection = out\npath = %s/capture.sh\ntype = always\nformat = string\n' \
	"$D" >"$D/plugins.d/capture.conf"
chmod 0640 "$D/auditd.conf" "$D/plugins.d/capture.conf"
printf 'name;iban;salary\nA. Neumann;DE00 0000;4100\n' >"$P/hr/payroll/salaries.csv"
chmod 0755 "$P" "$P/hr" "$P/hr/payroll"
chmod 0644 "$P/hr/payroll/salaries.csv"

auditd -n -c "$D" -s enable &
APID=$!
n=0
until [ -s "$D/audit.log" ] && auditctl -s | grep -q "^pid $APID"; do
	n=$((n + 1)); [ $n -lt 50 ] || { echo "auditd did not start" >&2; exit 1; }
	sleep 0.1
done
auditctl -D >/dev/null
auditctl -w "$P/hr/payroll" -p rwa -k dpms:PA-1
runuser -u lwolf -- cat "$P/hr/payroll/salaries.csv" >/dev/null
runuser -u bob -- cat "$P/hr/payroll/salaries.csv" >/dev/null
runuser -u bob -- sh -c "echo x >>'$P/hr/payroll/salaries.csv'" 2>/dev/null || true
sleep 3
