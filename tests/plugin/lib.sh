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
