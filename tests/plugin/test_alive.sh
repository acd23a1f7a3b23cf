# SPDX-License-Identifier: GPL-2.0-or-later
# audisp-isms's heartbeat (collector.alive, audisp-isms.conf(5) alive_seconds):
# on an idle stdin the rows still come, with a rising sequence, keys of
# their own and the counters since the previous one; with no store they are
# spooled and drained like any row, never twice; alive_seconds 0 writes none.
. "$ISMS_TAP_LIB"

. "${ISMS_SOURCE_ROOT:?}/tests/plugin/lib.sh"

PIDS=""
cleanup() {
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# conf NAME SECONDS: the test configuration with alive_seconds SECONDS
conf() { jq --argjson s "$2" '. + {alive_seconds: $s}' "$D/audit.json" >"$T/$1.json"; chmod 0600 "$T/$1.json"; }
# alive_rows STORE: the collector.alive rows as JSON lines {key, outcome, d: details}
alive_rows() {
	"$ISMSCTL" --store "$1" --json evidence list --kind collector.alive |
		jq -c '.[] | {key: .event_key, outcome, d: (.details)}'
}
n_alive() { "$ISMSCTL" --store "$1" --json evidence list --kind collector.alive | jq length; }
# sum_of STORE FIELD: FIELD added up over the alive rows
sum_of() { alive_rows "$1" | jq -s "map(.d.$2) | add // 0"; }
# seq_ok STORE: sequences 1..n in order of storage, every key different
seq_ok() {
	alive_rows "$1" | jq -se '(map(.d.seq) == [range(1; length + 1)]) and
		((map(.key) | unique | length) == length) and
		((map(.d.instance) | unique | length) == 1)' >/dev/null
}

# --- an idle stdin: the heartbeat goes on, with the counters since the last one ------
S="$T/s.db"
new_store "$S"
conf one 1
start_plugin idle "$S" "$T/spool" "$T/one.json"
events 1 5 >&3
# the five events counted in some rows, then two more beats with stdin idle
wait_until 30 eval '[ "$(sum_of "$S" received)" -eq 5 ]'
is "$?" 0 "the alive rows count the 5 events received"
n=$(n_alive "$S")
wait_until 30 eval '[ "$(n_alive "$S")" -ge $((n + 2)) ]'
is "$?" 0 "with stdin idle, more alive rows come"
stop_plugin
is "$STOPPED $RC" "1 0" "SIGTERM ends it at once, exit 0"
clean_err "$T/idle.err"
is "$?" 0 "no sanitizer report"
seq_ok "$S"
is "$?" 0 "sequence 1, 2, 3 ... of one instance, every key its own"
is "$(sum_of "$S" received) $(sum_of "$S" stored) $(sum_of "$S" filtered) $(sum_of "$S" lost)" \
	"5 5 0 0" "received, stored, filtered, lost since the previous row add up to the run's"
is "$(alive_rows "$S" | jq -s 'map(select((.outcome == "alive") != .d.audit_trail_ok)) | length')" 0 \
	"outcome 'alive' exactly when the kernel's trail is on with no loss"
is "$(alive_rows "$S" | jq -s 'map(select(.d.kernel_audit | IN("enabled", "locked", "disabled", "unknown") | not)) | length')" 0 \
	"the kernel's audit state is named in each row"
is "$(alive_rows "$S" | jq -s 'map(select(.d.interval_s != 1)) | length')" 0 "each row says its interval"
"$ISMSCTL" --store "$S" verify >/dev/null 2>&1
is "$?" 0 "the chain verifies"

# --- no store: spooled like any row, then drained, never twice -----------------------
S2="$T/later.db"
start_plugin nostore "$S2" "$T/spool2" "$T/one.json"
# (nothing to watch but the clock while there is no store: four intervals)
sleep 4
stop_plugin
is "$STOPPED $RC" "1 0" "no store: SIGTERM ends it at once, exit 0"
grep -q "evidence rows spooled" "$T/nostore.err"
is "$?" 0 "no store: the rows are spooled"
cp -r "$T/spool2" "$T/spool2.copy"
new_store "$S2"
"$ISMSCTL" --store "$S2" -q evidence drain --spool "$T/spool2" >/dev/null 2>&1
is "$?" 0 "drain exit 0"
n=$(n_alive "$S2")
if [ "$n" -ge 2 ]; then ok "the drain brings the spooled alive rows home ($n)"; else not_ok "the drain brings the spooled alive rows home ($n)"; fi
seq_ok "$S2"
is "$?" 0 "drained: sequence 1, 2 ... every key its own"
is "$("$ISMSCTL" --store "$S2" --json evidence list --kind collector.start | jq length)" 1 \
	"and the collector's start with them"
"$ISMSCTL" --store "$S2" -q evidence drain --spool "$T/spool2.copy" >/dev/null 2>&1
is "$(n_alive "$S2")" "$n" "the same spool drained twice stores nothing twice"

# --- alive_seconds 0: none ----------------------------------------------------------
S3="$T/off.db"
new_store "$S3"
conf off 0
start_plugin off "$S3" "$T/spool3" "$T/off.json"
events 10 12 >&3
wait_until 30 stored_at_least "$S3" 3
is "$?" 0 "alive_seconds 0: events are stored"
# as long idle as the first run needed for several rows
sleep 4
stop_plugin
is "$STOPPED $RC" "1 0" "alive_seconds 0: SIGTERM ends it, exit 0"
is "$(n_alive "$S3")" 0 "alive_seconds 0: no alive row"
is "$("$ISMSCTL" --store "$S3" --json evidence list --kind collector.stop | jq length)" 1 \
	"(but the collector's stop, so the run was seen through)"

# --- a fleet: each registered node heard from is alive through the central ------------
# (audisp-remote writes no heartbeat of its own: a silent host fails 8.15 by its absence)
S4="$T/fleet.db"
new_store "$S4"
"$ISMSCTL" --store "$S4" -q asset add --name host-a-asset --type host
"$ISMSCTL" --store "$S4" -q node add --name host-a --addresses 10.0.0.2 --asset host-a-asset
"$ISMSCTL" --store "$S4" -q node add --name host-b --addresses 10.0.0.3
"$ISMSCTL" --store "$S4" -q node add --name central --local yes
is "$?" 0 "nodes registered: host-a sends, host-b stays silent"
conf fleet 1
start_plugin fleet "$S4" "$T/spool4" "$T/fleet.json"
{
	echo "type=DAEMON_ACCEPT msg=audit(1700400100.000:1): addr=10.0.0.2 port=40001 res=success"
	for i in 2 3 4; do
		echo "node=host-a type=USER_AUTH msg=audit(1700400100.00$i:$i): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"u$i\" exe=\"/usr/sbin/sshd\" hostname=? addr=192.0.2.1 terminal=ssh res=failed'"
	done
	echo "node=central type=USER_AUTH msg=audit(1700400100.005:5): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"c\" exe=\"/usr/sbin/sshd\" hostname=? addr=192.0.2.1 terminal=ssh res=failed'"
} >&3
node_alive() { "$ISMSCTL" --store "$S4" --json evidence list --kind collector.alive --node "$1" | jq length; }
wait_until 30 eval '[ "$(node_alive host-a)" -ge 1 ]'
is "$?" 0 "host-a, heard from, has its collector.alive"
# two more beats with host-a quiet: no more rows of it
n=$(n_alive "$S4")
wait_until 30 eval '[ "$(n_alive "$S4")" -ge $((n + 2)) ]'
stop_plugin
is "$STOPPED $RC" "1 0" "fleet: SIGTERM ends it, exit 0"
clean_err "$T/fleet.err"
is "$?" 0 "fleet: no sanitizer report"
is "$(node_alive host-a)" 1 "one row for the interval it was heard in, none while it is quiet"
"$ISMSCTL" --store "$S4" --json evidence list --kind collector.alive --node host-a >"$T/a.json"
is "$(jq -r '.[0] | [.outcome, .asset, .source, (.details | "\(.via) \(.lines)")] | join(" ")' "$T/a.json")" \
	"alive host-a-asset audisp-isms central 3" "alive, the node's asset, via the central, its 3 lines"
is "$(node_alive host-b)" 0 "host-b, silent, has none"
is "$(node_alive central)" 0 "the central's own lines make no node row: its own heartbeat is the central's"
"$ISMSCTL" --store "$S4" verify >/dev/null 2>&1
is "$?" 0 "fleet: the chain verifies"

# --- the configuration: the key is checked -------------------------------------------
conf bad 86401
"$AUDISP_ISMS" -c "$T/bad.json" --check 2>"$T/bad.err"
is "$?" 1 "--check refuses alive_seconds over a day"
grep -q 'alive_seconds' "$T/bad.err"
is "$?" 0 "and names the key"
"$AUDISP_ISMS" -c "$T/one.json" --check
is "$?" 0 "--check takes alive_seconds 1"

done_testing
