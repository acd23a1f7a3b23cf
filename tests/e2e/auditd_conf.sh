# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/e2e/test_auditd.sh and bench/run-plugin-bench.sh: the
# auditd.conf of an auditd run as 'auditd -n -c DIR' that touches nothing of
# the machine's (its log, its plugins.d) and never suspends or halts it when
# the disk fills: a test or a benchmark must end, not wait.
#
#   auditd_conf FILE LOG_FILE PLUGIN_DIR
auditd_conf() {
	cat >"$1" <<EOC
local_events = yes
write_logs = yes
log_file = $2
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 64
num_logs = 2
max_log_file_action = IGNORE
name_format = NONE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $3
end_of_event_timeout = 2
EOC
}
