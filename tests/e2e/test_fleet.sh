# SPDX-License-Identifier: GPL-2.0-or-later
# The fleet on one machine (issue 13): a central auditd in a network
# namespace of its own, with local_events = no, tcp_listen_port and
# distribute_network = yes, runs the built audisp-isms; senders, each in its
# own namespace behind a veth pair with an address of its own (fleet_lib.sh):
#   isf-a  the real auditd (it owns the kernel audit for the test's duration),
#          name_format = user, /sbin/audisp-remote as its plugin, events from
#          a watch rule on a file in $T and 'auditctl -m' user messages
#   isf-b, isf-c  audisp-remote fed generated logs on stdin (node= lines,
#          bench/gen_audit_log.py), isf-c's clock five minutes ahead of isf-b's
#   impostor  audisp-remote from an address registered to no node, sending
#          forged copies of isf-b's first 50 events, before isf-b sends
# Each node's rows in the central store are compared with what audisp-isms
# makes of that host's own input alone (its own log replayed into a store of
# its own): the same events under the same keys, each with all its records
# (no event split by another host's clock), the same raw text (no forgery
# stored as the node's).  Then the impostor's records quarantined and its
# attempt recorded, the counters balanced, the chain intact.
#
# Everything outside $T: the namespaces and veth pairs (names isf-PID-*),
# the kernel audit (rules, enabled flag) and the auditd processes.  The EXIT
# trap removes and restores them however the test ends; namespaces of a run
# killed before its trap ran are removed first.  The machine's own
# /etc/audit/audisp-remote.conf is never written: each sender reads its own
# through a bind mount in its 'ip netns exec' mount namespace.
. "$ISMS_TAP_LIB"
. "$(dirname "$0")/e2e_lib.sh"
. "$(dirname "$0")/auditd_conf.sh"
. "$(dirname "$0")/fleet_lib.sh"

PORT=60
KEY=isf-watch
FORGED=50
EVENTS_RECORDS=6000 # records per generated sender
REMOTE=/sbin/audisp-remote
GEN="${ISMS_SOURCE_ROOT:-$(dirname "$0")/../..}/bench/gen_audit_log.py"
SEED="${ISMS_SOURCE_ROOT:-$(dirname "$0")/../..}/tests/data/audit/enriched.stream"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces, the kernel audit)"
[ -n "${AUDISP_ISMS:-}" ] && [ -x "$AUDISP_ISMS" ] || skip_all "AUDISP_ISMS not set or missing"
[ -n "${ISMSCTL:-}" ] && [ -x "$ISMSCTL" ] || skip_all "ISMSCTL not set or missing"
for c in auditd auditctl python3 jq pgrep; do
	command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found (packages auditd, python3, jq, procps)"
done
[ -x "$REMOTE" ] || skip_all "$REMOTE not found (package audispd-plugins)"
[ -f "$GEN" ] && [ -f "$SEED" ] || skip_all "bench/gen_audit_log.py or its seed not found"
machine_lock

fleet_init "isf-$$"
fleet_stale 'isf-[0-9]*'
fleet_can || skip_all "$FLEET_WHY"
if ! auditctl -s >"$T/audit.status" 2>&1; then
	skip_all "kernel audit subsystem unavailable (auditctl -s: $(head -1 "$T/audit.status"))"
fi
ORIG_ENABLED=$(awk '$1 == "enabled" { print $2 }' "$T/audit.status")
OWNER=$(awk '$1 == "pid" { print $2 }' "$T/audit.status")
[ "$ORIG_ENABLED" != 2 ] || skip_all "audit configuration is locked (enabled 2) until reboot"
if [ -n "$OWNER" ] && [ "$OWNER" -ne 0 ] && kill -0 "$OWNER" 2>/dev/null; then
	skip_all "the audit subsystem belongs to a running auditd (pid $OWNER); stop it first"
fi
if ps -C auditd -o stat= 2>/dev/null | grep -qv '^Z'; then
	skip_all "another auditd is running; stop it first"
fi
# A watch of ours left by a run killed before its trap ran (its key is the
# test's, its file in a $T gone since): removed.
auditctl -l 2>/dev/null | awk -v k="$KEY" '$1 == "-w" && $NF == k { print $2, $4 }' |
	while read -r path perm; do
		echo "# removing the watch on $path left by an earlier run"
		auditctl -W "$path" -p "$perm" -k "$KEY" >/dev/null 2>&1
	done
RULES_BEFORE=$(auditctl -l 2>/dev/null)

# The plugin attributes records to registered nodes (FLEET-SPEC.md) once it
# has the registry: until then the impostor's part cannot pass, and is skipped.
# It has it when its --help names the fleet or its configuration takes "fleet".
FLEET=0
"$AUDISP_ISMS" --help 2>&1 | grep -qi fleet && FLEET=1
echo '{"fleet": "address"}' >"$T/probe.json"
"$AUDISP_ISMS" -c "$T/probe.json" --check >/dev/null 2>&1 && FLEET=1
REGISTRY=0
"$ISMSCTL" node --help >/dev/null 2>&1 && REGISTRY=1

RULES_ADDED=""
WATCHED="$T/watched.txt"
CENTRAL_PID=""
A_PID=""

# stop_pid PID: TERM, bounded wait, KILL; 0 when it went by itself within 10 s.
stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	n=100
	while [ "$n" -gt 0 ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	[ "$n" -gt 0 ]
}

fleet_restore() {
	if [ -n "$RULES_ADDED" ]; then
		auditctl -W "$WATCHED" -p rwa -k "$KEY" >/dev/null 2>&1
		[ -n "$RULES_BEFORE" ] && [ "$RULES_BEFORE" != "No rules" ] || auditctl -D >/dev/null 2>&1
		RULES_ADDED=""
	fi
	stop_pid "$A_PID"
	A_PID=""
	stop_pid "$CENTRAL_PID"
	CENTRAL_PID=""
	# Whatever still runs in our namespaces (a plugin, a sender) ends with them.
	fleet_cleanup
	auditctl -e "${ORIG_ENABLED:-0}" >/dev/null 2>&1
}
E2E_CLEANUP_HOOK=fleet_restore

# --- the store, the registry, the configuration --------------------------------

mkdir -p "$T/central/plugins.d" "$T/spool" "$T/a/plugins.d"
chmod 0755 "$T"
"$ISMSCTL" --store "$S" -q init >"$OUT" 2>"$ERR" || skip_all "cannot create the store: $(head -1 "$ERR")"
cat >"$T/audit.json" <<-EOF
{"comment": "isms fleet end-to-end test: the central",
 "store": "$S", "spool": "$T/spool", "asset": "isf-central",
 "keep": {"unkeyed_syscalls": true, "all_user_messages": true, "raw": true},
 "keys": {"$KEY": {"asset": "isf-watched", "control": "8.9"}},
 "batch": {"events": 500, "ms": 50}}
EOF
# The expected rows: each host's input replayed alone, believing its node=
# (a replay has no connections to attribute by).
sed 's/^{/{"fleet": "off",/' "$T/audit.json" | sed "s|\"store\": \"$S\"|\"store\": \"$T/expect.db\"|" >"$T/expect.json"
if ! "$AUDISP_ISMS" -c "$T/expect.json" --check >/dev/null 2>&1; then
	sed "s|\"store\": \"$S\"|\"store\": \"$T/expect.db\"|" "$T/audit.json" >"$T/expect.json"
fi
chmod 0644 "$T/audit.json" "$T/expect.json"

PLUGIN_PATH=$AUDISP_ISMS
PLUGIN_ASAN=0
if ldd "$AUDISP_ISMS" 2>/dev/null | grep -q libasan; then
	PLUGIN_ASAN=1
	PLUGIN_PATH="$T/audisp-isms-asan"
	cat >"$PLUGIN_PATH" <<-EOF
	#!/bin/sh
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$T/asan
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0:log_path=$T/ubsan
	export ASAN_OPTIONS UBSAN_OPTIONS
	exec "$AUDISP_ISMS" "\$@"
	EOF
	chmod 0755 "$PLUGIN_PATH"
fi
cat >"$T/central/plugins.d/isms.conf" <<-EOF
active = yes
direction = out
path = $PLUGIN_PATH
type = always
args = --config $T/audit.json
format = string
EOF
fleet_central_conf "$T/central/auditd.conf" "$T/central/audit.log" "$T/central/plugins.d" "$PORT"
chmod 0644 "$T/central/auditd.conf" "$T/central/plugins.d/isms.conf"

# --- the namespaces ----------------------------------------------------------------

if fleet_central && fleet_sender 1 && A_ADDR=$FLEET_ADDR A_SERVER=$FLEET_SERVER &&
	fleet_sender 2 && B_ADDR=$FLEET_ADDR B_SERVER=$FLEET_SERVER &&
	fleet_sender 3 && C_ADDR=$FLEET_ADDR C_SERVER=$FLEET_SERVER &&
	fleet_sender 9 && X_ADDR=$FLEET_ADDR X_SERVER=$FLEET_SERVER; then
	ok "namespaces: the central and four senders, each with a veth address ($A_ADDR $B_ADDR $C_ADDR $X_ADDR)"
else
	not_ok "namespaces: the central and four senders"
	done_testing
	exit
fi
NS_A="$FLEET_PREFIX-1" NS_B="$FLEET_PREFIX-2" NS_C="$FLEET_PREFIX-3" NS_X="$FLEET_PREFIX-9"

if [ "$REGISTRY" -eq 1 ]; then
	if "$ISMSCTL" --store "$S" -q node add --name isf-a --addresses "$A_ADDR" >"$OUT" 2>"$ERR" &&
		"$ISMSCTL" --store "$S" -q node add --name isf-b --addresses "$B_ADDR" >"$OUT" 2>"$ERR" &&
		"$ISMSCTL" --store "$S" -q node add --name isf-c --addresses "$C_ADDR" >"$OUT" 2>"$ERR"; then
		ok "nodes isf-a, isf-b, isf-c registered with their addresses (the impostor's is no node's)"
	else
		not_ok "nodes isf-a, isf-b, isf-c registered with their addresses"
	fi
else
	skip "no 'ismsctl node' (the node registry) in this build"
fi

# --- the inputs ----------------------------------------------------------------------

# isf-c's clock runs 300 s ahead of isf-b's; both now, about.
now=$(date +%s)
python3 "$GEN" "$SEED" "$EVENTS_RECORDS" "$T/b.log" "$T/b.stream" --node isf-b --start "$now" >"$T/b.gen" &&
	python3 "$GEN" "$SEED" "$EVENTS_RECORDS" "$T/c.log" "$T/c.stream" --node isf-c --start $((now + 300)) >"$T/c.gen" ||
	skip_all "gen_audit_log.py failed"
# The impostor: isf-b's first $FORGED events, forged (another session and
# user), under isf-b's stamps.
awk -v n="$FORGED" '
	match($0, /msg=audit\([0-9.:]+\)/) { k = substr($0, RSTART, RLENGTH); if (!(k in seen)) { seen[k] = 1; c++ } }
	c > n { exit }
	{ print }' "$T/b.stream" | sed 's/ auid=[0-9]*/ auid=4242/; s/ ses=[0-9]*/ ses=4242/' >"$T/x.stream"
forged=$(grep -o 'msg=audit([0-9.:]*)' "$T/x.stream" | sort -u | wc -l)
is "$forged" "$FORGED" "the impostor's input: $FORGED forged copies of isf-b's first events"

# --- the central ---------------------------------------------------------------------

central_up() {
	CENTRAL_PID=$(fleet_pid "$FLEET_CENTRAL" auditd) &&
	PLUGIN_PID=$(pgrep -P "$CENTRAL_PID" -f "$AUDISP_ISMS" | head -1) && [ -n "$PLUGIN_PID" ] &&
		fleet_exec "$FLEET_CENTRAL" ss -ltn 2>/dev/null | grep -q ":$PORT "
}
fleet_exec "$FLEET_CENTRAL" auditd -n -c "$T/central" >"$T/central.out" 2>&1 &
if wait_for 15 central_up; then
	ok "central auditd (pid $CENTRAL_PID) listens on $PORT in its namespace and runs audisp-isms (pid $PLUGIN_PID)"
else
	not_ok "central auditd listens and runs audisp-isms"
	sed 's/^/# central: /' "$T/central.out" | tail -20
	done_testing
	exit
fi
if [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ]; then
	ok "the central (local_events = no) leaves the kernel audit alone"
else
	not_ok "the central (local_events = no) leaves the kernel audit alone"
fi

# wait_secs SECONDS CMD...: CMD every second until it succeeds; 1 on timeout
# (for checks too slow for wait_for's ten a second).
wait_secs() {
	_end=$(($(date +%s) + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 1
	done
}

# central_has TEXT [N]: the central's log holds at least N (1) lines with TEXT.
central_has() { [ "$(grep -cF -- "$1" "$T/central/audit.log" 2>/dev/null)" -ge "${2:-1}" ]; }

# send NS SERVER INPUT NAME NODE LINES: audisp-remote in NS sends INPUT to
# the central, its stdin open until the central's log holds LINES records of
# NODE (fleet_feed), for at most a minute.
send() {
	fleet_remote_conf "$T/$4.remote.conf" "$2" "$PORT"
	RC=0
	FLEET_REMOTE=$REMOTE timeout 120 sh -c '. "$0"; fleet_feed "$@"' "$(dirname "$0")/fleet_lib.sh" \
		"$1" "$T/$4.remote.conf" "$3" 60 sh -c '[ "$(grep -cF -- "node=$1 " "$2")" -ge "$3" ]' sh \
		"$5" "$T/central/audit.log" "$6" >"$T/$4.remote.out" 2>&1 || RC=$?
}
# records FILE: its records, as audisp-remote sends them (no EOE)
records() { grep -vc 'type=EOE' "$1"; }

# --- the impostor, first --------------------------------------------------------------

if [ "$FLEET" -eq 1 ]; then
	send "$NS_X" "$X_SERVER" "$T/x.stream" impostor isf-b "$(records "$T/x.stream")"
	if [ "$RC" -eq 0 ] && wait_for 20 central_has "DAEMON_CLOSE" && central_has "addr=::ffff:$X_ADDR"; then
		ok "the impostor ($X_ADDR) sent its forged isf-b events and closed"
	else
		sed 's/^/# impostor: /' "$T/impostor.remote.out" | tail -5
		not_ok "the impostor ($X_ADDR) sent its forged isf-b events and closed (exit $RC)"
	fi
else
	skip "the impostor: this audisp-isms has no fleet attribution (no 'fleet' in its --help or configuration)"
fi

# --- the real auditd ------------------------------------------------------------------

fleet_remote_conf "$T/a/remote.conf" "$A_SERVER" "$PORT"
auditd_conf "$T/a/auditd.conf" "$T/a/audit.log" "$T/a/plugins.d"
sed -i 's/^name_format = .*/name_format = USER\nname = isf-a/' "$T/a/auditd.conf"
printf 'active = yes\ndirection = out\npath = %s\ntype = always\nformat = string\n' "$REMOTE" \
	>"$T/a/plugins.d/au-remote.conf"
chmod 0644 "$T/a/auditd.conf" "$T/a/plugins.d/au-remote.conf"
fleet_remote "$NS_A" "$T/a/remote.conf" auditd -n -c "$T/a" >"$T/a.out" 2>&1 &
a_up() {
	A_PID=$(fleet_pid "$NS_A" auditd) &&
	auditctl -s 2>/dev/null | grep -qx "pid $A_PID" && pgrep -P "$A_PID" -f "$REMOTE" >/dev/null &&
		central_has "addr=::ffff:$A_ADDR"
}
if wait_for 15 a_up; then
	ok "isf-a: the real auditd (pid $A_PID) owns the kernel audit, its audisp-remote connected from $A_ADDR"
else
	not_ok "isf-a: the real auditd owns the kernel audit and its audisp-remote connects"
	sed 's/^/# isf-a: /' "$T/a.out" | tail -20
fi

# --- the generated senders, together: their records interleave at the central ---------

b_lines=$(records "$T/b.stream")
[ "$FLEET" -eq 0 ] || b_lines=$((b_lines + $(records "$T/x.stream")))
send "$NS_B" "$B_SERVER" "$T/b.stream" b isf-b "$b_lines" &
B_SEND=$!
send "$NS_C" "$C_SERVER" "$T/c.stream" c isf-c "$(records "$T/c.stream")" &
C_SEND=$!

echo "watched by the isms fleet test" >"$WATCHED"
if auditctl -w "$WATCHED" -p rwa -k "$KEY" >"$OUT" 2>"$ERR"; then
	RULES_ADDED=1
	ok "isf-a: watch rule on $WATCHED"
else
	not_ok "isf-a: watch rule on $WATCHED"
fi
i=0
while [ "$i" -lt 20 ]; do
	cat "$WATCHED" >/dev/null
	sh -c 'echo "$1" >>"$2"' sh "$i" "$WATCHED"
	auditctl -m "isms fleet test message $i" >/dev/null 2>&1
	i=$((i + 1))
done

RC=0
wait "$B_SEND" || RC=$?
rb=$RC
wait "$C_SEND" || RC=$?
if [ "$rb" -eq 0 ] && [ "$RC" -eq 0 ]; then
	ok "isf-b and isf-c: audisp-remote sent all of its input and exited"
else
	sed 's/^/# isf-b: /' "$T/b.remote.out" | tail -5
	sed 's/^/# isf-c: /' "$T/c.remote.out" | tail -5
	not_ok "isf-b and isf-c: audisp-remote sent all of its input and exited ($rb, $RC)"
fi
if auditctl -W "$WATCHED" -p rwa -k "$KEY" >/dev/null 2>&1; then
	[ -n "$RULES_BEFORE" ] && [ "$RULES_BEFORE" != "No rules" ] || auditctl -D >/dev/null 2>&1
	RULES_ADDED=""
fi

# --- per node: the host's own events, no more, no fewer, none split ---------------------

# rows STORE NODE SOURCE: the node's event rows as "key kind records sha256(raw)", sorted.
rows() {
	"$ISMSCTL" --store "$1" --json evidence list --node "$2" --source "$3" 2>/dev/null |
		jq -r --arg p "audit:$2:" '.[] | select(.event_key | startswith($p)) |
			.details as $d |
			"\(.event_key) \(.kind) \($d.records) \($d.raw | @base64)"' |
		python3 -c 'import hashlib, sys
for line in sys.stdin:
    k, kind, n, raw = line.split()
    print(k, kind, n, hashlib.sha256(raw.encode()).hexdigest()[:16])' | sort
}
# expect NODE INPUT...: what audisp-isms makes of INPUT alone, in rows' form.
expect() {
	n=$1
	shift
	rm -f "$T/expect.db" "$T/expect.db-wal" "$T/expect.db-shm"
	"$ISMSCTL" --store "$T/expect.db" -q init >/dev/null 2>&1
	"$AUDISP_ISMS" -c "$T/expect.json" --store "$T/expect.db" --spool "$T/spool-expect" --stats \
		--replay "$@" >/dev/null 2>"$T/expect.err"
	rows "$T/expect.db" "$n" audisp-isms
}
# same_rows NODE NAME: the central's rows of NODE are $T/NODE.expect.
same_rows() {
	rows "$S" "$1" audisp-isms >"$T/$1.got"
	cmp -s "$T/$1.got" "$T/$1.expect"
}
node_check() {
	want=$(wc -l <"$T/$1.expect")
	if wait_secs 30 same_rows "$1"; then
		ok "$1: its $want events are the central's rows of node $1, each whole (records, raw text)"
	else
		echo "# $1: $(wc -l <"$T/$1.got") rows, expected $want; first differences:"
		diff "$T/$1.expect" "$T/$1.got" | head -10 | sed 's/^/# /'
		not_ok "$1: its $want events are the central's rows of node $1, each whole"
	fi
}

expect isf-b "$T/b.stream" >"$T/isf-b.expect"
expect isf-c "$T/c.stream" >"$T/isf-c.expect"
is "$(sed -n 's/.*received \([0-9]*\).*/\1/p' "$T/expect.err")" "$(awk '{ print $2 }' "$T/c.gen")" \
	"isf-c: the replay of its own input reads each of its events"
node_check isf-c
node_check isf-b
# Split by the other host's clock would show as an event stored with fewer
# records than it had (the rest filtered or a duplicate): counted over both
# skewed nodes, whatever else differs.
split=$(cat "$T/isf-b.expect" "$T/isf-c.expect" | awk 'NR == FNR { want[$1] = $3; next }
	($1 in want) && $3 != want[$1] { n++ } END { print n + 0 }' - "$T/isf-b.got" "$T/isf-c.got")
is "$split" 0 "no event of isf-b or isf-c split with their clocks 300 s apart"

# isf-a: its own log, when the central has caught up with it (the real
# auditd may still log: other processes on the machine reach it too).
a_caught_up() {
	expect isf-a "$T/a/audit.log" >"$T/isf-a.expect"
	same_rows isf-a
}
if wait_secs 30 a_caught_up; then
	ok "isf-a: the $(wc -l <"$T/isf-a.expect") events of the real auditd's own log are the central's rows of node isf-a"
else
	echo "# isf-a: $(wc -l <"$T/isf-a.got") rows, its log $(wc -l <"$T/isf-a.expect") events; first differences:"
	diff "$T/isf-a.expect" "$T/isf-a.got" | head -10 | sed 's/^/# /'
	not_ok "isf-a: the events of the real auditd's own log are the central's rows of node isf-a"
fi
watch_rows=$(grep -c ' file.watch ' "$T/isf-a.got")
if [ "$watch_rows" -ge 20 ]; then
	ok "isf-a: the watched-file accesses are there ($watch_rows file.watch rows)"
else
	not_ok "isf-a: the watched-file accesses are there ($watch_rows file.watch rows)"
fi

# --- the impostor's records ------------------------------------------------------------

evq() { "$ISMSCTL" --store "$S" --json evidence list "$@" 2>/dev/null | jq length; }
if [ "$FLEET" -eq 1 ]; then
	# A forged isms-access record (USER_ACCT op=isms-access: pam_isms's own
	# decision, which the plugin links to the row the module stored) claims
	# the module's decision on the impersonated host: it must be quarantined
	# too, not stored as the module's row under its key (where the genuine
	# one would be a duplicate of it).
	access=$(grep 'op=isms-access' "$T/x.stream" | grep -o 'msg=audit([0-9.:]*)' | sort -u | wc -l)
	"$ISMSCTL" --store "$S" --json evidence list --source pam_isms >"$T/pam.json" 2>/dev/null
	forged_pam=$(jq -r '.[] | .details | select(.attribution or ((.raw // "") | test("auid=4242"))) | .raw' \
		"$T/pam.json" | wc -l)
	q=$(evq --source audisp-isms-quarantine)
	is "$q" $((FORGED - forged_pam)) \
		"the impostor's forged events are quarantined (source audisp-isms-quarantine), $q of $FORGED"
	is "$forged_pam" 0 "none of the $access forged isms-access records is stored as pam_isms's own decision"
	"$ISMSCTL" --store "$S" --json evidence list --source audisp-isms-quarantine >"$T/q.json" 2>/dev/null
	claimed=$(jq -r '[.[] | .details.attribution.claimed] | unique | join(",")' "$T/q.json")
	is "$claimed" "isf-b" "each quarantined record names the node it claimed"
	senders=$(jq -r '[.[] | .details.attribution.senders[]?] | unique | join(",")' "$T/q.json")
	case "$senders" in
	*"$X_ADDR"*) ok "each quarantined record names the impostor's address ($senders)" ;;
	*) not_ok "each quarantined record names the impostor's address ($senders)" ;;
	esac
	imp=$(evq --kind fleet.impersonation)
	if [ "$imp" -ge 1 ] 2>/dev/null; then
		ok "the impersonation attempt is evidence (fleet.impersonation, $imp row)"
	else
		not_ok "the impersonation attempt is evidence (fleet.impersonation)"
	fi
	"$ISMSCTL" --store "$S" --json evidence list --kind fleet.impersonation >"$T/imp.json" 2>/dev/null
	is "$(jq -r '.[0] | "\(.control) \(.outcome)"' "$T/imp.json")" "8.15 refused" "fleet.impersonation: control 8.15, outcome refused"
	# Each connection is evidence: the three nodes' and the impostor's, unregistered.
	"$ISMSCTL" --store "$S" --json evidence list --kind fleet.connect >"$T/conn.json" 2>/dev/null
	is "$(jq -r '[.[] | .node // "-"] | unique | join(",")' "$T/conn.json")" "-,isf-a,isf-b,isf-c" \
		"fleet.connect: a row for each node's connection and one of no node's"
	unreg=$(jq -r '[.[] | select(.outcome == "unregistered") | .details | tostring] | join(" ")' "$T/conn.json")
	case "$unreg" in
	*"$X_ADDR"*) ok "fleet.connect: the impostor's connection is 'unregistered', with its address" ;;
	*) not_ok "fleet.connect: the impostor's connection is 'unregistered', with its address ($unreg)" ;;
	esac
	# isf-b's genuine rows were compared above: all of them, whole, unforged.
	forged_kept=$(jq -r '.[] | .details.raw' "$T/q.json" | grep -c 'auid=4242')
	is "$forged_kept" "$(jq length "$T/q.json")" "the quarantined rows are the forged text, none of isf-b's genuine events"
else
	skip "the impostor's records quarantined: no fleet attribution in this audisp-isms"
	skip "the impersonation attempt is evidence: no fleet attribution in this audisp-isms"
fi

# --- the end: counters, chain ----------------------------------------------------------

stop_pid "$A_PID" || echo "# isf-a's auditd did not stop within 10 s"
A_PID=""
auditctl -e "${ORIG_ENABLED:-0}" >/dev/null 2>&1
if stop_pid "$CENTRAL_PID"; then ok "the central auditd stops on SIGTERM"; else not_ok "the central auditd stops on SIGTERM (killed)"; fi
CENTRAL_PID=""
plugin_gone() { ! kill -0 "$PLUGIN_PID" 2>/dev/null; }
if wait_for 30 plugin_gone; then ok "audisp-isms exits with the central"; else not_ok "audisp-isms exits with the central"; fi
"$ISMSCTL" --store "$S" --json evidence counters >"$T/counters.json" 2>"$ERR"
sed 's/^/# /' "$T/counters.json" | grep -v '^# *[][]$' | head -5
bal=$(jq -r '.[] | select(.source == "audisp-isms") |
	[.received, (to_entries | map(select(.key != "source" and .key != "received" and .key != "spooled"
		and .key != "queued" and (.value | type) == "number")) | map(.value) | add)] | "\(.[0]) \(.[1])"' \
	"$T/counters.json")
rcv=${bal% *}
is "${bal#* }" "$rcv" "the counters balance: every received event is counted once as what became of it ($rcv)"
is "$(jq -r '.[] | select(.source == "audisp-isms") | .malformed' "$T/counters.json")" 0 "no malformed records"
isms --store "$S" verify
expect_rc 0 "ismsctl verify: the evidence chain holds"
ls "$T"/spool/*.bad >/dev/null 2>&1 && not_ok "nothing set aside in the spool" || ok "nothing set aside in the spool"
if [ "$PLUGIN_ASAN" -eq 1 ]; then
	e2e_sanitizer_clean "no sanitizer report from the plugin"
fi
fleet_cleanup
if ip netns list | grep -q "^$FLEET_PREFIX-"; then
	not_ok "no namespace of the test is left"
else
	ok "no namespace of the test is left"
fi
done_testing
