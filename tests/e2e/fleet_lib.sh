# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/e2e/test_fleet.sh and bench/run-central-bench.sh (POSIX
# sh): a fleet in network namespaces on this one machine.  A central netns
# and one netns per sender, each joined to the central by its own veth pair
# (sender K: 10.213.K.2, the central's end 10.213.K.1), so the traffic stays
# on veth addresses inside the namespaces and each sender has an address of
# its own, as the hosts of a fleet do.
#
#   fleet_init PREFIX     names: netns PREFIX-c, PREFIX-K; veths PREFIX'K'c/s
#   fleet_can             0 when namespaces and veths can be made (else why in FLEET_WHY)
#   fleet_central         the central's netns
#   fleet_sender K        sender K's netns and veth pair; its address in FLEET_ADDR
#   fleet_exec NS CMD...  CMD in netns NS, in a mount namespace of its own
#   fleet_cleanup         every process in our namespaces ended, namespaces removed
#   fleet_stale PATTERN   what a killed run of PATTERN (e.g. 'isf-*') left: removed
#   fleet_central_conf FILE LOG PLUGIN_DIR PORT   auditd.conf of the central
#   fleet_remote_conf FILE SERVER PORT            audisp-remote.conf of a sender
#   fleet_remote NS CONF CMD...   CMD with CONF where audisp-remote reads it
#   fleet_pid NS COMM     the pid of COMM running in NS
#   fleet_feed NS CONF INPUT SECONDS CMD...   audisp-remote sends INPUT until CMD
#
# audisp-remote 3.0.9 reads /etc/audit/audisp-remote.conf and takes no
# option naming another file: fleet_remote bind-mounts CONF over that path
# inside the mount namespace of 'ip netns exec' (which it makes, slave to the
# machine's), so the machine's file is never written and the mount goes with
# the process.
#
# Names: the netns PREFIX-c and PREFIX-K, veths PREFIXKc (central end) and
# PREFIXKs (sender end), at most 15 bytes: a PREFIX of at most 11 bytes.

FLEET_NS=""

fleet_init() {
	FLEET_PREFIX=$1
	FLEET_NS=""
}

fleet_can() {
	FLEET_WHY=""
	command -v ip >/dev/null 2>&1 || { FLEET_WHY="'ip' not found (package iproute2)"; return 1; }
	command -v mount >/dev/null 2>&1 || { FLEET_WHY="'mount' not found"; return 1; }
	_probe="${FLEET_PREFIX}-probe"
	if ! ip netns add "$_probe" 2>"${T:-/tmp}/fleet.err"; then
		FLEET_WHY="cannot make a network namespace: $(head -1 "${T:-/tmp}/fleet.err")"
		return 1
	fi
	if ! ip link add "${FLEET_PREFIX}pa" netns "$_probe" type veth peer name "${FLEET_PREFIX}pb" \
		netns "$_probe" 2>"${T:-/tmp}/fleet.err"; then
		FLEET_WHY="cannot make a veth pair: $(head -1 "${T:-/tmp}/fleet.err")"
		ip netns del "$_probe" 2>/dev/null
		return 1
	fi
	if ! ip netns exec "$_probe" sh -c 'mount --bind /dev/null /dev/null' 2>"${T:-/tmp}/fleet.err"; then
		FLEET_WHY="cannot bind-mount inside 'ip netns exec': $(head -1 "${T:-/tmp}/fleet.err")"
		ip netns del "$_probe" 2>/dev/null
		return 1
	fi
	ip netns del "$_probe"
}

# _fleet_ns_add NAME: listed before it is made, so a signal between the two still removes it.
_fleet_ns_add() {
	FLEET_NS="$FLEET_NS $1"
	ip netns add "$1"
	ip -n "$1" link set lo up
}

fleet_central() {
	FLEET_CENTRAL="${FLEET_PREFIX}-c"
	_fleet_ns_add "$FLEET_CENTRAL"
}

fleet_sender() {
	_ns="${FLEET_PREFIX}-$1"
	_fleet_ns_add "$_ns" || return 1
	ip link add "${FLEET_PREFIX}${1}c" netns "$FLEET_CENTRAL" type veth \
		peer name "${FLEET_PREFIX}${1}s" netns "$_ns" || return 1
	ip -n "$FLEET_CENTRAL" addr add "10.213.$1.1/30" dev "${FLEET_PREFIX}${1}c" &&
		ip -n "$FLEET_CENTRAL" link set "${FLEET_PREFIX}${1}c" up &&
		ip -n "$_ns" addr add "10.213.$1.2/30" dev "${FLEET_PREFIX}${1}s" &&
		ip -n "$_ns" link set "${FLEET_PREFIX}${1}s" up || return 1
	FLEET_ADDR="10.213.$1.2"
	FLEET_SERVER="10.213.$1.1"
}

fleet_exec() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$@"
}

# fleet_pid NS COMM: the pid of the process named COMM in NS (one started
# there in the background: $! is the shell that runs 'ip netns exec').
fleet_pid() {
	for _p in $(ip netns pids "$1" 2>/dev/null); do
		[ "$(cat "/proc/$_p/comm" 2>/dev/null)" = "$2" ] && { echo "$_p"; return 0; }
	done
	return 1
}

# fleet_remote NS CONF CMD...: CMD (audisp-remote, or an auditd that starts
# it) in NS, reading CONF as /etc/audit/audisp-remote.conf.
fleet_remote() {
	_ns=$1 _conf=$2
	shift 2
	ip netns exec "$_ns" sh -c 'mount --bind "$1" /etc/audit/audisp-remote.conf || exit 125
		shift; exec "$@"' sh "$_conf" "$@"
}

# fleet_feed NS CONF INPUT SECONDS CMD...: audisp-remote in NS (reading
# CONF) sends INPUT, and its stdin stays open until CMD succeeds (polled five
# times a second, for at most SECONDS).  At the end of its input
# audisp-remote 3.0.9 exits without sending what it still has queued,
# whether stdin is a pipe or a file (its main loop sets 'stop' before the
# flush, which runs only while !stop): its input may end only once the
# central has had all of it.  The exit code is audisp-remote's.
fleet_feed() {
	_ns=$1 _conf=$2 _in=$3 _secs=$4
	shift 4
	{
		cat "$_in"
		_n=$((_secs * 5))
		while [ "$_n" -gt 0 ] && ! "$@"; do
			sleep 0.2
			_n=$((_n - 1))
		done
	} | fleet_remote "$_ns" "$_conf" "${FLEET_REMOTE:-/sbin/audisp-remote}"
}

# _fleet_kill_ns NS: every process in NS (ours: started into it) ended.
_fleet_kill_ns() {
	_pids=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$_pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $_pids 2>/dev/null
	_n=50
	while [ "$_n" -gt 0 ] && [ -n "$(ip netns pids "$1" 2>/dev/null)" ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	_pids=$(ip netns pids "$1" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -z "$_pids" ] || kill -KILL $_pids 2>/dev/null
	return 0
}

fleet_cleanup() {
	for _ns in $FLEET_NS; do
		_fleet_kill_ns "$_ns"
	done
	# Deleting a netns deletes the veth ends in it, and so their peers.
	for _ns in $FLEET_NS; do
		ip netns del "$_ns" 2>/dev/null
	done
	FLEET_NS=""
	return 0
}

# fleet_stale PATTERN: namespaces named PATTERN (e.g. 'isf-[0-9]*') whose
# run is gone (the PID in NAME-PID-...), with their processes, removed.  The
# veths live in those namespaces only (made there), and go with them.
fleet_stale() {
	for _ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		# shellcheck disable=SC2254
		case "$_ns" in
		$1) ;;
		*) continue ;;
		esac
		_pid=$(echo "$_ns" | sed -n 's/^[a-z]*-\{0,1\}\([0-9][0-9]*\).*/\1/p')
		[ -n "$_pid" ] && kill -0 "$_pid" 2>/dev/null && continue
		echo "# removing network namespace '$_ns' left by an earlier run"
		_fleet_kill_ns "$_ns"
		ip netns del "$_ns" 2>/dev/null
	done
	return 0
}

fleet_central_conf() {
	cat >"$1" <<EOC
local_events = no
write_logs = yes
log_file = $2
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 512
num_logs = 2
max_log_file_action = IGNORE
name_format = NONE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
q_depth = 20000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $3
end_of_event_timeout = 2
tcp_listen_port = $4
tcp_listen_queue = 64
tcp_max_per_addr = 4
use_libwrap = no
tcp_client_max_idle = 0
distribute_network = yes
transport = TCP
EOC
}

fleet_remote_conf() {
	cat >"$1" <<EOC
remote_server = $2
port = $3
transport = tcp
mode = immediate
queue_depth = 200000
format = managed
network_retry_time = 1
max_tries_per_record = 3
max_time_per_record = 5
heartbeat_timeout = 0
network_failure_action = stop
disk_low_action = ignore
disk_full_action = warn_once
disk_error_action = warn_once
remote_ending_action = reconnect
generic_error_action = syslog
generic_warning_action = syslog
queue_error_action = stop
overflow_action = syslog
startup_failure_action = warn_once_continue
EOC
	chmod 0600 "$1"
}
