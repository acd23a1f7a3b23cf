# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the audisp-isms tests in this directory, after $ISMS_TAP_LIB:
# what they need to run at all, the test configuration in $CONF, and the
# helpers on a store they share.

[ -n "${AUDISP_ISMS:-}" ] && [ -x "$AUDISP_ISMS" ] || skip_all "AUDISP_ISMS not set or not built"
[ -n "${ISMSCTL:-}" ] && [ -x "$ISMSCTL" ] || skip_all "ISMSCTL not set or not built"
for c in jq sqlite3 mkfifo awk; do
	command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found"
done
# The plugin takes its configuration only from a file of root's (StrictModes).
[ "$(id -u)" -eq 0 ] || skip_all "audisp-isms reads only a root-owned configuration: run as root"

D="${ISMS_SOURCE_ROOT:?}/tests/data/audit"
CONF="$T/audit.json"
cp "$D/audit.json" "$CONF"
chmod 0600 "$CONF"

# A sanitizer report fails the check even where the exit code says nothing.
clean_err() { ! grep -qE 'Sanitizer|runtime error:' "$1"; }
new_store() { rm -f "$1" "$1-wal" "$1-shm"; "$ISMSCTL" --store "$1" -q init >/dev/null; }
rows() { sqlite3 "$1" "SELECT count(*) FROM evidence"; }
db_stored() { "$ISMSCTL" --store "$1" --json evidence counters 2>/dev/null | jq -r '.[0].stored // 0'; }
stored_at_least() { [ "$(db_stored "$1")" -ge "$2" ]; }
# locked STORE: another process holds STORE's write lock
locked() { ! sqlite3 -cmd ".timeout 0" "$1" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
alive() { kill -0 "$1" 2>/dev/null; }

# wait_until SECONDS CMD...: poll every 0.05 s
wait_until() {
	n=$(($1 * 20))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

# events FIRST LAST: single-record events (USER_AUTH), one serial each
events() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		for (i = a; i <= b; i++)
			printf "type=USER_AUTH msg=audit(%d.%03d:%d): pid=1 uid=0 auid=4294967295 ses=4294967295 msg=\047op=PAM:authentication grantors=? acct=\"u%d\" exe=\"/usr/sbin/sshd\" hostname=? addr=192.0.2.1 terminal=ssh res=failed\047\n", 1700400000 + int(i / 1000), i % 1000, i, i
	}'
}

# start_plugin NAME STORE SPOOL [CONF]: audisp-isms live on a fifo, fd 3 its
# stdin, its stderr (counters at exit) in $T/NAME.err; its pid joins $PIDS,
# which the test kills however it ends
start_plugin() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	"$AUDISP_ISMS" -c "${4:-$CONF}" --store "$2" --spool "$3" --stats <"$T/fifo" >/dev/null 2>"$T/$1.err" &
	pid=$!
	PIDS="${PIDS:-} $pid"
	exec 3>"$T/fifo"
}

# stop_plugin [SECONDS]: SIGTERM; RC its exit code, STOPPED 1 when it ended
# within SECONDS (default 10)
stop_plugin() {
	kill -TERM "$pid"
	if wait_until "${1:-10}" eval '! alive $pid'; then STOPPED=1; else STOPPED=0; kill -KILL "$pid"; fi
	RC=0
	wait "$pid" || RC=$?
	exec 3>&-
	rm -f "$T/fifo"
}
