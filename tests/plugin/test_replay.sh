# SPDX-License-Identifier: GPL-2.0-or-later
# audisp-isms on recorded and hand-made audit logs (tests/data/audit/, see
# its README): counters compared exactly with golden files, evidence rows,
# idempotent replays, plugin stream against disk log, SIGKILL in the middle
# of a replay, SIGTERM, SIGHUP, a missing or newer store, a refused
# configuration and a locked store.
. "$ISMS_TAP_LIB"

. "${ISMS_SOURCE_ROOT:?}/tests/plugin/lib.sh"

# plugin STORE ARGS...: run audisp-isms on STORE with the test configuration
plugin() {
	s=$1
	shift
	run "$AUDISP_ISMS" -c "${PCONF:-$CONF}" --store "$s" --spool "$T/spool" --stats "$@"
	if ! clean_err "$ERR"; then not_ok "no sanitizer report: audisp-isms $*"; fi
	STATS=$(sed -n 's/^audisp-isms: \(received .* malformed [0-9]*\).*/\1/p' "$ERR" | tail -n 1)
}
replay() { s=$1; shift; plugin "$s" --replay "$@"; }

# db_counters STORE: the counters as the store holds them
db_counters() {
	"$ISMSCTL" --store "$1" --json evidence counters |
		jq -r '.[] | select(.source == "audisp-isms") |
			"received \(.received) stored \(.stored) filtered \(.filtered) duplicates \(.duplicates) malformed \(.malformed)"'
}
# the evidence of audit events, without what is particular to one store (pk, recorded, hash)
# (through ismsctl: details of row format 3 are stored compressed, in batches)
content() {
	"$ISMSCTL" --store "$1" --json evidence list |
		jq -r '[.[] | select(.source == "audisp-isms" or .source == "pam_isms")] | sort_by(.event_key)
			| .[] | [.event_key, .ts, .source, .kind, .control, .asset, .subject, .outcome, .details]
			| map(. // "") | join("|")'
}
keys() { sqlite3 "$1" "SELECT event_key FROM evidence ORDER BY event_key"; }
# ev STORE EVENT_KEY JQ: one field of one evidence row, through ismsctl's JSON
ev() {
	"$ISMSCTL" --store "$1" --json evidence list --event-key "$2" | jq -r ".[0] | $3"
}
verify() { run "$ISMSCTL" --store "$1" verify; expect_rc 0 "$2"; }

# --- every log: counters exactly as reasoned in its .expect ---------------------

# The logs with node= are about keeping nodes' events apart in the parser, not
# about whose they are: their node= is believed ("fleet": "off"), as before the
# registry.  Attribution has its own test (test_attrib.sh).
CONF_OFF="$T/audit-off.json"
jq '. + {fleet: "off"}' "$CONF" >"$CONF_OFF"
chmod 0600 "$CONF_OFF"

for e in "$D"/*.expect; do
	f=${e%.expect}
	name=$(basename "$f")
	want=$(sed -n 1p "$e")
	want_rows=$(sed -n 's/^rows //p' "$e")
	new_store "$T/$name.db"
	PCONF=$CONF
	case "$name" in nodes*) PCONF=$CONF_OFF ;; esac
	case "$name" in
	*.stream) plugin "$T/$name.db" <"$f" ;; # a plugin stream comes on stdin
	*) replay "$T/$name.db" "$f" ;;
	esac
	expect_rc 0 "$name: exit 0"
	is "$STATS" "$want" "$name: --stats counters"
	is "$(db_counters "$T/$name.db")" "$want" "$name: counters in the store"
	is "$(rows "$T/$name.db")" "$want_rows" "$name: evidence rows"
	verify "$T/$name.db" "$name: chain verifies"
done
PCONF=$CONF

# --- the recorded log: what the rows say -----------------------------------------

S="$T/enriched.log.db"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind file.watch |
	jq -r '[.[] | (.details | fromjson | .paths[0] | sub(".*/data/"; "")) + " " + .control] | sort | join(",")')" \
	"multi.conf 8.9,other.txt 8.2,watched.conf 8.9,watched.conf 8.9,watched.conf 8.9" \
	"recorded: five watched-file accesses, their paths and controls"
k=audit::1795818024.993:65 # cat reading the watched file
is "$(ev "$S" $k '[.kind, .control, .asset, .subject, .outcome] | join(" ")')" \
	"file.watch 8.9 web01 root success" "recorded: read of the watched file: kind, control, asset, subject"
is "$(ev "$S" $k '.details | fromjson | .paths | join(",")')" \
	"/tmp/isms-rec.ncVTBU/data/watched.conf" "recorded: read of the watched file: path"
is "$(ev "$S" $k '.details | fromjson | [.key, .syscall, .exe] | join(" ")')" \
	"isms-watch openat /usr/bin/cat" "recorded: read of the watched file: key, syscall name, exe"
k=audit::1795818024.997:67 # a rule with two keys
is "$(ev "$S" $k '[.asset, (.details | fromjson | .key)] | join(" ")')" \
	"web01 isms-watch,web-config" "recorded: two keys on one rule, the first mapped one decides"
k=audit::1795818024.997:68 # the 'web-*' prefix, hex-encoded names
is "$(ev "$S" $k '[.kind, .control, .asset] | join(" ")')" "web.change 8.15 website" \
	"recorded: key prefix 'web-*' maps kind and asset"
is "$(ev "$S" $k '.details | fromjson | .paths[1]')" \
	"/tmp/isms-rec.ncVTBU/data/web conf/indéx.html" "recorded: hex-encoded path with a space and UTF-8"
k=audit::1795818024.997:70 # chmod under the data directory
is "$(ev "$S" $k '[.kind, .control, .asset] | join(" ")')" "file.watch 8.2 test-host" \
	"recorded: keyed syscall rule with a path: control from the key map, asset the host's"
k=audit::1795818025.001:71 # nice: a keyed syscall without a path
is "$(ev "$S" $k '[.kind, .control, (.details | fromjson | .syscall)] | join(" ")')" \
	"syscall.key 8.15 setpriority" "recorded: keyed syscall without a path"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind audit.config | jq length)" 10 \
	"recorded: rules added and removed are audit.config, not accesses"
k=audit::1795818025.149:80
is "$(ev "$S" $k '[.kind, .control, .subject, .outcome] | join(" ")')" \
	"auth.failure 5.17 isms-rec failure" "recorded: the failed password"
k=pam:vm:2026-11-27T22:20:25Z:30572:378e4da5200f9c67 # pam_isms's own record, by its key
is "$(ev "$S" $k '[.source, .kind, .control, .subject, .outcome, .asset] | join(" ")')" \
	"pam_isms access.allow 5.15 isms-rec allow test-host" \
	"recorded: pam_isms's decision under the module's own evidence key"
is "$(ev "$S" $k '.details | fromjson | [.rule, .via] | join(" ")')" "rec-allow audit" \
	"recorded: pam_isms's decision: rule, and that it came through the audit trail"
is "$("$ISMSCTL" --store "$S" --json evidence list | jq -r '[.[].kind] | sort | unique | join(" ")')" \
	"access.allow account.change account.success audit.config audit.daemon auth.change.success auth.failure auth.success cred.acquire.success cred.dispose.success file.watch session.end.success session.start.success syscall.key web.change" \
	"recorded: the kinds of evidence"

# RAW: the same kinds; numbers where ENRICHED has names, never looked up here.
R="$T/raw.log.db"
is "$("$ISMSCTL" --store "$R" --json evidence list | jq -r '[.[].kind] | sort | join(" ")')" \
	"$("$ISMSCTL" --store "$S" --json evidence list | jq -r '[.[].kind] | sort | join(" ")')" \
	"raw: the same evidence kinds as enriched"
is "$("$ISMSCTL" --store "$R" --json evidence list --kind file.watch | jq -r '[.[].subject] | unique | join(" ")')" \
	"0" "raw: the subject of a syscall is the uid"

# --- recorded with Debian's STIG rules: what happened, who did it, to whom ---------

S="$T/stig.log.db"
k=audit::1796161773.009:929 # usermod -aG by isms-stig-adm
is "$(ev "$S" $k '[.kind, .control, .subject, (.details | fromjson | .op, .target)] | join("|")')" \
	"group.member.success|5.18|isms-stig-adm|adding user to group|isms-stig" \
	"stig: usermod -aG is an access-rights change by the administrator, the whole op kept"
k=audit::1796161773.025:950 # usermod -L (id= rather than acct=)
is "$(ev "$S" $k '[.kind, .control, .subject, (.details | fromjson | .target)] | join("|")')" \
	"account.lock|5.18|isms-stig-adm|isms-stig" "stig: usermod -L locks the account, the same subject"
is "$("$ISMSCTL" --store "$S" --json evidence list | jq -r '[.[] | select(.kind | test("^(identity|perm|file.access|priv|time|module|media)")) | .kind + ":" + .control] | unique | join(" ")')" \
	"file.access:8.3 identity.change:5.16 identity.change:5.18 media.mount:7.10 module.load:8.19 perm.change:8.3 priv.exec:8.2 time.change:8.17" \
	"stig: Debian's rule keys take their controls without configuration"
is "$(ev "$S" audit::1796161773.053:984 '.details | fromjson | [.syscall, .arch] | join(" ")')" "open i386" \
	"stig: an i386 system call named by its arch"

# --- hand-made logs: what the rows say ----------------------------------------------

S="$T/interleaved.log.db"
is "$(ev "$S" audit::1700000100.100:1343 '[.asset, (.details | fromjson | .paths | join(","))] | join(" ")')" \
	"web01 /etc/app/secret.conf" "interleaved: each event keeps its own path"
is "$(ev "$S" audit::1700000100.100:239 '[.kind, .asset, .subject, .outcome, (.details | fromjson | .paths | join(","))] | join(" ")')" \
	"web.change website 1001 failure /srv/www/config.php" "interleaved: the other event too"
S="$T/no-eoe.log.db"
is "$(ev "$S" audit::1700000205.000:12 '[.kind, (.details | fromjson | .records)] | join(" ")')" \
	"file.watch 2" "no EOE: the last event, ended by the end of the file, has its two records"
is "$(ev "$S" audit::1700000200.000:10 '.kind')" "audit.config" "no EOE: a two-record config change"
S="$T/truncated.log.db"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind audit.malformed | jq -r '.[0].details | fromjson | .why')" \
	"cut off at end of a file" "truncated: the cut line is kept as audit.malformed"
S="$T/overlong.log.db"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind audit.malformed | jq -r '.[0].details | fromjson | [.why, .length] | join(" ")')" \
	"line longer than the limit 16384" "over-long: kept as audit.malformed, capped"
is "$(ev "$S" audit::1700000400.000:30 '[.kind, (.details | fromjson | .records)] | join(" ")')" \
	"syscall.key 2" "over-long: the rest of its event is still evidence"
S="$T/hex.log.db"
is "$(ev "$S" audit::1700000500.000:40 '[.kind, .asset, (.details | fromjson | .key), (.details | fromjson | .paths[0])] | join("|")')" \
	"file.watch|test-host|isms watch|/srv/my files/a b.txt" "hex: key and name decoded"
is "$(ev "$S" audit::1700000500.100:41 '[.subject, (.details | fromjson | .hostname)] | join("|")')" \
	"bad user|cafe" "hex: acct decoded, hostname (never hex) left alone"
is "$(ev "$S" audit::1700000500.200:42 '[.asset, (.details | fromjson | .key)] | join("|")')" \
	"web01|isms-watch,web-config" "hex: two keys in one hex value"
S="$T/non-utf8.log.db"
is "$(ev "$S" audit::1700000600.000:50 '.subject')" 'a\xffb' "non-UTF-8: hex-decoded acct kept visibly"
is "$(ev "$S" audit::1700000600.100:51 '[.kind, .subject] | join(" ")')" 'login.success al\xe9x' \
	"non-UTF-8: raw byte in a quoted value kept visibly"
is "$(ev "$S" audit::1700000600.200:52 '.details | fromjson | .paths[0]')" "$(printf '/tmp/\\xff\\xfe\302\233.txt')" \
	"non-UTF-8: path with bad bytes and a C1 control"
S="$T/nodes.log.db"
is "$(keys "$S" | tr '\n' ' ')" \
	"audit::1700000700.100:61 audit:alpha:1700000700.000:60 audit:alpha:1700000700.100:61 audit:beta:1700000700.000:60 " \
	"nodes: same time and serial on two nodes and locally: four events"
is "$(ev "$S" audit:beta:1700000700.000:60 '.details | fromjson | [.node, .paths[0]] | join(" ")')" \
	"beta /etc/beta.conf" "nodes: each node's event keeps its own records"
is "$(ev "$S" audit:alpha:1700000700.100:61 '[.asset, .subject] | join(" ")')" "alpha-asset alice" \
	"nodes: a mapped node's asset"
is "$(ev "$S" audit::1700000700.100:61 '[.asset, .subject] | join(" ")')" "test-host bob" \
	"nodes: the local event's asset"
S="$T/nodes-apart.log.db"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind file.watch |
	jq -r '[.[] | .details | fromjson | .node + " " + (.paths | join(","))] | sort | join(" ")')" \
	"alpha /etc/alpha-0.conf alpha /etc/alpha-1.conf alpha /etc/alpha-2.conf beta /etc/beta-0.conf beta /etc/beta-1.conf beta /etc/beta-2.conf" \
	"nodes apart: every event whole with its own path, whatever the other node's clock"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind audit.malformed | jq -r '.[0].details | fromjson | .why')" \
	"node name with a control character" "nodes apart: a node name with a control character: malformed, said why"
S="$T/garbage.log.db"
is "$("$ISMSCTL" --store "$S" --json evidence list --kind audit.malformed | jq -c '[.[].details | fromjson | .line] | sort')" \
	'["\u0001\u0002\u0000\\xff","this is not an audit record","type=SYSCALL msg=audit(x.1:2): junk"]' \
	"garbage: each distinct bad line kept once, visibly"

# Several files: a file's cut last line must not swallow the next file's first.
S="$T/two-files.db"
new_store "$S"
replay "$S" "$D/truncated.log" "$D/interleaved.log"
is "$STATS" "received 6 stored 5 filtered 0 duplicates 0 malformed 1" \
	"two files, the first cut off: each file's events, and the cut line"
is "$(ev "$S" audit::1700000100.100:1343 '[.kind, (.details | fromjson | .records)] | join(" ")')" \
	"file.watch 4" "two files: the second file's first event is whole"
# The same cut line on stdin: cut off at the end of the input, the same evidence.
plugin "$S" <"$D/truncated.log"
is "$STATS" "received 3 stored 0 filtered 0 duplicates 2 malformed 1" "the cut file on stdin: the same"
is "$(rows "$S")" 6 "the cut file on stdin: its cut line kept once"

# --- replaying twice stores nothing twice ---------------------------------------------

S="$T/enriched.log.db"
replay "$S" "$D/enriched.log"
expect_rc 0 "replay twice: exit 0"
is "$STATS" "received 38 stored 0 filtered 1 duplicates 37 malformed 0" "replay twice: all duplicates"
is "$(rows "$S")" 37 "replay twice: evidence count unchanged"
is "$(db_counters "$S")" "received 76 stored 37 filtered 2 duplicates 37 malformed 0" \
	"replay twice: the store's counters add up"
verify "$S" "replay twice: chain verifies"
S="$T/garbage.log.db"
replay "$S" "$D/garbage.log"
is "$STATS" "received 6 stored 0 filtered 0 duplicates 2 malformed 4" \
	"replay twice: bad lines count as malformed again"
is "$(rows "$S")" 5 "replay twice: but are kept once"

# --- the plugin stream gives what the disk log gives ------------------------------------

for fmt in enriched raw; do
	is "$(content "$T/$fmt.stream.db" | md5sum)" "$(content "$T/$fmt.log.db" | md5sum)" \
		"$fmt: stream on stdin and disk log: the same evidence under the same keys"
	plugin "$T/$fmt.log.db" <"$D/$fmt.stream"
	is "$STATS" "received 38 stored 0 filtered 1 duplicates 37 malformed 0" \
		"$fmt: the stream after the log: all duplicates"
done

# --- the same events, enriched and raw ------------------------------------------------

SE="$T/same-enriched.log.db"
SR="$T/same-raw.log.db"
is "$(keys "$SE")" "$(keys "$SR")" "enriched and raw: the same event keys"
q="SELECT event_key, kind, control, asset, outcome FROM evidence ORDER BY event_key"
is "$(sqlite3 "$SE" "$q")" "$(sqlite3 "$SR" "$q")" "enriched and raw: the same kinds, controls, assets"
is "$(ev "$SE" audit::1795818024.993:65 .subject) $(ev "$SR" audit::1795818024.993:65 .subject)" \
	"root 0" "enriched and raw: the name where auditd gave one, the number where not"
replay "$SE" "$D/same-raw.log"
is "$STATS" "received 4 stored 0 filtered 0 duplicates 4 malformed 0" "enriched then raw: duplicates"

# --- SIGKILL in the middle of a replay, then again: one clean replay's rows ----------------

# 50,000 events of 4 records each, increasing serials, ten a second.
awk 'BEGIN {
	for (i = 0; i < 50000; i++) {
		s = 1000 + i
		t = sprintf("%d.%03d", 1700100000 + int(i / 10), (i % 10) * 100)
		printf "type=SYSCALL msg=audit(%s:%d): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc927daa0b a2=0 a3=0 items=1 ppid=30522 pid=30556 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"isms-watch\"\n", t, s
		printf "type=CWD msg=audit(%s:%d): cwd=\"/root\"\n", t, s
		printf "type=PATH msg=audit(%s:%d): item=0 name=\"/etc/app/file%d.conf\" inode=10953170 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n", t, s, i % 100
		printf "type=PROCTITLE msg=audit(%s:%d): proctitle=636174002F6574632F6170702F66696C652E636F6E66\n", t, s
	}
}' >"$T/big.log"
is "$(wc -l <"$T/big.log" | tr -d ' ')" 200000 "big log: 200,000 records"
new_store "$T/clean.db"
replay "$T/clean.db" "$T/big.log"
is "$STATS" "received 50000 stored 50000 filtered 0 duplicates 0 malformed 0" "big log: a clean replay"

new_store "$T/killed.db"
# The replay reads a fifo that gets the first half of the log and then stays
# open: the kill lands in the middle however fast the plugin is (from a file,
# a busy machine could let it finish between the poll and the kill).
mkfifo "$T/big.fifo"
"$AUDISP_ISMS" -c "$CONF" --store "$T/killed.db" --spool "$T/spool-killed" --replay "$T/big.fifo" \
	>/dev/null 2>"$T/killed.err" &
pid=$!
exec 3>"$T/big.fifo"
head -n 100000 "$T/big.log" >&3
if wait_until 120 stored_at_least "$T/killed.db" 1000; then ok "big log: some stored before the kill"; else not_ok "big log: some stored before the kill"; fi
kill -KILL "$pid" 2>/dev/null
exec 3>&-
rc=0
wait "$pid" || rc=$?
is "$rc" 137 "big log: killed by SIGKILL, not finished"
n1=$(rows "$T/killed.db")
if [ "$n1" -gt 0 ] && [ "$n1" -lt 50000 ]; then ok "big log: killed in the middle ($n1 rows)"; else not_ok "big log: killed in the middle ($n1 rows)"; fi
is "$(db_stored "$T/killed.db")" "$n1" "big log: the stored counter committed with the rows"
verify "$T/killed.db" "big log: chain verifies after the kill"
plugin "$T/killed.db" --replay "$T/big.log"
expect_rc 0 "big log: the replay after the kill: exit 0"
is "$STATS" "received 50000 stored $((50000 - n1)) filtered 0 duplicates $n1 malformed 0" \
	"big log: the replay after the kill stores exactly what was missing"
is "$(keys "$T/killed.db" | md5sum)" "$(keys "$T/clean.db" | md5sum)" \
	"big log: killed and replayed: the event keys of one clean replay"
is "$(content "$T/killed.db" | md5sum)" "$(content "$T/clean.db" | md5sum)" \
	"big log: killed and replayed: the rows of one clean replay"
verify "$T/killed.db" "big log: chain verifies after the replay"
tot=$(db_counters "$T/killed.db")
set -- $tot
if [ "$2" -eq $(($4 + $6 + $8 + ${10})) ] && [ "$4" -eq 50000 ]; then
	ok "big log: received = stored + filtered + duplicates + malformed ($tot)"
else
	not_ok "big log: received = stored + filtered + duplicates + malformed ($tot)"
fi

# --- plugin mode through a fifo: SIGTERM, SIGHUP ------------------------------------------

# user_auth SERIAL: one single-record event; keyed SERIAL: a keyed event with EOE
user_auth() {
	printf "type=USER_AUTH msg=audit(1700200000.%03d:%d): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"u%d\" exe=\"/usr/sbin/sshd\" hostname=? addr=192.0.2.1 terminal=ssh res=failed'\n" \
		$(($1 % 1000)) "$1" "$1"
}
keyed() {
	t="1700300000.$(printf %03d $(($1 % 1000))):$1"
	printf 'type=SYSCALL msg=audit(%s): arch=c000003e syscall=257 success=yes exit=3 items=1 ppid=1 pid=2 auid=1000 uid=0 comm="cat" exe="/usr/bin/cat" key="isms-watch"\n' "$t"
	printf 'type=PATH msg=audit(%s): item=0 name="/etc/hup%d" inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n' "$t" "$1"
	printf 'type=PROCTITLE msg=audit(%s): proctitle=636174\n' "$t"
	printf 'type=EOE msg=audit(%s):\n' "$t"
}

# SIGTERM: what was read is flushed, counted and stored; exit 0.
S="$T/term.db"
new_store "$S"
mkfifo "$T/fifo"
"$AUDISP_ISMS" -c "$CONF" --store "$S" --spool "$T/spool" --stats <"$T/fifo" >/dev/null 2>"$T/term.err" &
pid=$!
exec 3>"$T/fifo"
i=1
while [ $i -le 20 ]; do user_auth $i >&3; i=$((i + 1)); done
if wait_until 30 stored_at_least "$S" 20; then ok "SIGTERM: events stored while running"; else not_ok "SIGTERM: events stored while running"; fi
# An event of now without its end: only the flush at SIGTERM can complete it.
now=$(date +%s)
printf 'type=SYSCALL msg=audit(%s.000:77): arch=c000003e syscall=257 success=yes exit=3 items=1 ppid=1 pid=2 auid=1000 uid=0 comm="cat" exe="/usr/bin/cat" key="isms-watch"\ntype=PATH msg=audit(%s.000:77): item=0 name="/etc/term" inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n' \
	"$now" "$now" >&3
sleep 0.5
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
exec 3>&-
is "$rc" 0 "SIGTERM: exit 0"
clean_err "$T/term.err" && ok "SIGTERM: no sanitizer report" || not_ok "SIGTERM: no sanitizer report"
is "$(sed -n 's/^audisp-isms: \(received .* malformed [0-9]*\).*/\1/p' "$T/term.err")" \
	"received 21 stored 21 filtered 0 duplicates 0 malformed 0" "SIGTERM: everything received accounted for"
is "$(db_counters "$S")" "received 21 stored 21 filtered 0 duplicates 0 malformed 0" "SIGTERM: and in the store"
is "$(ev "$S" "audit::$now.000:77" '.details | fromjson | .paths[0]')" "/etc/term" \
	"SIGTERM: the pending event was completed and stored"
rm -f "$T/fifo"

# SIGHUP: the configuration is read again; events after it get the new mapping.
H="$T/hup.json"
printf '{"asset": "test-host", "keys": {"isms-watch": {"asset": "web01"}}, "batch": {"ms": 20}}\n' >"$H"
chmod 0600 "$H"
S="$T/hup.db"
new_store "$S"
mkfifo "$T/fifo"
"$AUDISP_ISMS" -c "$H" --store "$S" --spool "$T/spool" --stats <"$T/fifo" >/dev/null 2>"$T/hup.err" &
pid=$!
exec 3>"$T/fifo"
for i in 1 2 3; do keyed $i >&3; done
wait_until 30 stored_at_least "$S" 3 || echo "# first half not stored"
printf '{"asset": "test-host", "keys": {"isms-watch": {"asset": "db01"}}, "batch": {"ms": 20}}\n' >"$H.new"
chmod 0600 "$H.new"
mv "$H.new" "$H"
kill -HUP "$pid"
sleep 0.5
alive "$pid" && ok "SIGHUP: the plugin keeps running" || not_ok "SIGHUP: the plugin keeps running"
for i in 4 5 6; do keyed $i >&3; done
wait_until 30 stored_at_least "$S" 6 || echo "# second half not stored"
# A configuration that may not be used is refused; the last good one stays.
printf '{"asset": "test-host", "keys": {"isms-watch": {"asset": "bad"}}}\n' >"$H"
chmod 0664 "$H"
kill -HUP "$pid"
sleep 0.5
for i in 7 8; do keyed $i >&3; done
exec 3>&-
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "SIGHUP: exit 0 at the end of the stream"
clean_err "$T/hup.err" && ok "SIGHUP: no sanitizer report" || not_ok "SIGHUP: no sanitizer report"
is "$(sqlite3 "$S" "SELECT group_concat(asset, ' ') FROM (SELECT asset FROM evidence WHERE kind NOT LIKE 'collector.%' ORDER BY event_key)")" \
	"web01 web01 web01 db01 db01 db01 db01 db01" \
	"SIGHUP: the new mapping from the next event on; a refused file changes nothing"
# Fed through a pipe, as auditd feeds it: the collector's start and stop are evidence too.
is "$(sqlite3 "$S" "SELECT group_concat(kind || '/' || outcome, ' ') FROM (SELECT kind, outcome FROM evidence WHERE kind LIKE 'collector.%' ORDER BY pk)")" \
	"collector.start/started collector.stop/stopped" "a live collector records its start and stop"
# The kernel's audit= setting at the collector's start, and the SoA's warning for 8.15.
ka=$(awk '{ v = "absent"; for (i = 1; i <= NF && $i != "--"; i++) if ($i ~ /^audit=./) v = substr($i, 7); print v }' /proc/cmdline)
is "$("$ISMSCTL" --store "$S" --json evidence list --kind collector.start | jq -r '.[0].details | fromjson | .kernel_audit')" \
	"$ka" "the collector's start records the kernel's audit= setting ($ka)"
run "$ISMSCTL" --store "$S" soa
expect_rc 0 "ismsctl soa: exit 0"
case "$ka" in
absent | 0 | off | OFF)
	err_has "control 8.15: 'test-host' was booted without audit=1" \
		"ismsctl soa: 8.15 warns that the host was booted without audit=1" ;;
*)
	if grep -q "without audit=1" "$ERR"; then not_ok "ismsctl soa: no warning with audit=1"; else ok "ismsctl soa: no warning with audit=1"; fi ;;
esac
new_store "$T/ka.db"
# the hosts the starts name are assets: evidence add takes no unregistered one
for h in booted-well booted-badly; do
	"$ISMSCTL" --store "$T/ka.db" -q asset add --name "$h" --type host
done
"$ISMSCTL" --store "$T/ka.db" -q evidence add --kind collector.start --control 8.15 --asset booted-well \
	--details '{"kernel_audit":"1","boot_audited":true}' --ts 2026-01-01T00:00:00Z
"$ISMSCTL" --store "$T/ka.db" -q evidence add --kind collector.start --control 8.15 --asset booted-badly \
	--details '{"kernel_audit":"1","boot_audited":true}' --ts 2026-01-01T00:00:00Z
"$ISMSCTL" --store "$T/ka.db" -q evidence add --kind collector.start --control 8.15 --asset booted-badly \
	--details '{"kernel_audit":"absent","boot_audited":false}' --ts 2026-01-02T00:00:00Z
run "$ISMSCTL" --store "$T/ka.db" soa
is "$(grep -c 'without audit=1' "$ERR")" 1 "ismsctl soa: the newest start of each asset decides"
err_has "'booted-badly' was booted without audit=1 (collector start 2026-01-02T00:00:00Z)" \
	"ismsctl soa: names the asset and the start"
is "$(db_counters "$S")" "received 8 stored 8 filtered 0 duplicates 0 malformed 0" "SIGHUP: counters"
rm -f "$T/fifo"

# --- a store that is missing or of a newer schema ---------------------------------------------

# A backfill into a store that is not there is a mistake to say at once.
replay "$T/missing.db" "$D/interleaved.log"
expect_rc 1 "replay into a missing store: exit 1"
err_has "store '$T/missing.db' does not exist" "replay into a missing store: says so"
[ ! -e "$T/missing.db" ] && ok "replay into a missing store: none created" || not_ok "replay into a missing store: none created"
S="$T/newer.db"
new_store "$S"
cur_version=$(sqlite3 "$S" "PRAGMA user_version")
sqlite3 "$S" "PRAGMA user_version = 99"
replay "$S" "$D/interleaved.log"
expect_rc 1 "replay into a newer schema: exit 1"
err_has "schema version 99, newer than this build understands" "replay into a newer schema: says so"

# Live, the plugin does not make auditd wait for a store it cannot use: at
# SIGTERM what it received goes to the spool, and the drain brings it home.
rm -rf "$T/spool-newer"
mkfifo "$T/fifo"
"$AUDISP_ISMS" -c "$CONF" --store "$S" --spool "$T/spool-newer" --stats <"$T/fifo" >/dev/null 2>"$T/newer.err" &
pid=$!
exec 3>"$T/fifo"
for i in 1 2 3; do user_auth $i >&3; done
sleep 1
kill -TERM "$pid"
if wait_until 20 eval '! alive $pid'; then ok "unusable store: SIGTERM ends the plugin"; else not_ok "unusable store: SIGTERM ends the plugin"; kill -KILL "$pid"; fi
rc=0
wait "$pid" || rc=$?
exec 3>&-
rm -f "$T/fifo"
is "$rc" 0 "unusable store: exit 0, nothing lost"
clean_err "$T/newer.err" && ok "unusable store: no sanitizer report" || not_ok "unusable store: no sanitizer report"
is "$(sed -n 's/^audisp-isms: \(received [0-9]* stored [0-9]*\).*spooled \([0-9]*\).*/\1 spooled \2/p' "$T/newer.err")" \
	"received 3 stored 0 spooled 5" "unusable store: the 3 events and the collector's start and stop spooled"
is "$(rows "$S")" 0 "unusable store: untouched"
sqlite3 "$S" "PRAGMA user_version = $cur_version"
run "$ISMSCTL" --store "$S" evidence drain --spool "$T/spool-newer"
expect_rc 0 "unusable store mended: drain exit 0"
out_has "5 spooled evidence records stored" "unusable store mended: drain stores all five"
is "$(sqlite3 "$S" "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM evidence ORDER BY kind)")" \
	"auth.failure auth.failure auth.failure collector.start collector.stop" "unusable store mended: the rows the plugin could not write"
verify "$S" "unusable store mended: chain verifies"

# --- an indicator edited by hand to a zero window does not stop the collector --------------

S="$T/indicator.db"
new_store "$S"
sqlite3 "$S" "INSERT INTO indicator (name, title, kind, window_minutes, threshold)
	VALUES ('zero', 'a zero window', 'auth.*', 0, 1)"
replay "$S" "$D/interleaved.log"
expect_rc 0 "zero-window indicator: exit 0"
is "$STATS" "received 3 stored 3 filtered 0 duplicates 0 malformed 0" "zero-window indicator: stored all"

# --- a configuration others may write is refused ---------------------------------------------

S="$T/refused.db"
new_store "$S"
for mode in 0660 0602; do
	chmod "$mode" "$CONF"
	replay "$S" "$D/interleaved.log"
	expect_rc 1 "config mode $mode: refused (exit 1)"
done
chmod 0600 "$CONF"
is "$(rows "$S")" 0 "refused config: nothing stored"

# --- a store locked by another writer: wait, then everything --------------------------------

S="$T/locked.db"
new_store "$S"
(
	echo "BEGIN IMMEDIATE;"
	sleep 4
	echo "COMMIT;"
) | sqlite3 -cmd ".timeout 5000" "$S" &
lock=$!
wait_until 10 locked "$S" || echo "# the lock was not taken"
t0=$(date +%s)
replay "$S" "$D/enriched.log"
t1=$(date +%s)
wait "$lock"
expect_rc 0 "locked store: exit 0"
if [ $((t1 - t0)) -ge 2 ]; then ok "locked store: it waited ($((t1 - t0)) s)"; else not_ok "locked store: it waited ($((t1 - t0)) s)"; fi
is "$STATS" "received 38 stored 37 filtered 1 duplicates 0 malformed 0" "locked store: nothing lost"
is "$(content "$S" | md5sum)" "$(content "$T/enriched.log.db" | md5sum)" "locked store: the rows of an unlocked replay"
verify "$S" "locked store: chain verifies"

done_testing
