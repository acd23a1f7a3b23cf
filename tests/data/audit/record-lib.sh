# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the scripts that record audit fixtures with the real auditd
# (record.sh, record-stig.sh here, data/demo/record-dpms-access.sh): a
# private auditd in a directory of its own, started and stopped the same way.

# The audit subsystem is one per machine: never take it from another auditd.
rec_refuse_running_auditd() {
	pgrep -x auditd >/dev/null && { echo "an auditd is running: not now" >&2; exit 1; }
	return 0
}

# rec_auditd_conf DIR FORMAT [LINES]: DIR/auditd.conf, logging to DIR/audit.log
# in FORMAT (ENRICHED or RAW), plugins from DIR/plugins.d, LINES (settings,
# one a line) added.
rec_auditd_conf() {
	cat >"$1/auditd.conf" <<EOC
local_events = yes
write_logs = yes
log_file = $1/audit.log
log_group = root
log_format = $2
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 8
num_logs = 2
name_format = NONE
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
use_libwrap = no
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $1/plugins.d
end_of_event_timeout = 2
EOC
	[ -z "${3:-}" ] || printf '%s\n' "$3" >>"$1/auditd.conf"
	chmod 0640 "$1/auditd.conf"
}

# auditd's scheduling and TCP settings of record.sh and record-dpms-access.sh
REC_AUDITD_TUNING="priority_boost = 4
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0"

# rec_capture_plugin DIR: a plugin that writes the stream a plugin reads
# (with EOE records) to DIR/stream.txt
rec_capture_plugin() {
	printf '#!/bin/sh\nexec cat >%s/stream.txt\n' "$1" >"$1/capture.sh"
	chmod 0755 "$1/capture.sh"
	printf 'active = yes\ndirection = out\npath = %s/capture.sh\ntype = always\nformat = string\n' \
		"$1" >"$1/plugins.d/capture.conf"
	chmod 0640 "$1/plugins.d/capture.conf"
}

# rec_auditd_start DIR: auditd on DIR/auditd.conf, its pid in APID, once it
# logs and the kernel talks to it; no rules loaded.
rec_auditd_start() {
	auditd -n -c "$1" -s enable &
	APID=$!
	n=0
	until [ -s "$1/audit.log" ] && auditctl -s | grep -q "^pid $APID"; do
		n=$((n + 1)); [ $n -lt 50 ] || { echo "auditd did not start" >&2; exit 1; }
		sleep 0.1
	done
	auditctl -D >/dev/null
}

# rec_auditd_stop: in a cleanup (set +e): no rules, auditd (if started) ended.
rec_auditd_stop() {
	auditctl -D >/dev/null 2>&1
	[ -n "${APID:-}" ] && kill -TERM "$APID" 2>/dev/null && wait "$APID"
	auditctl -D >/dev/null 2>&1
}
