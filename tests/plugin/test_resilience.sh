# SPDX-License-Identifier: GPL-2.0-or-later
# audisp-isms never hangs and never loses silently: a store that fails for
# good (a full filesystem), a backlog at SIGTERM with the store locked, the
# overflow queue's cap and its loss record, errors on stderr, --check, and
# pam_isms's own record with a decision= that is not UTF-8.
. "$ISMS_TAP_LIB"

. "${ISMS_SOURCE_ROOT:?}/tests/plugin/lib.sh"
# The full-store case mounts a tmpfs: the whole script runs under the machine lock.
machine_lock

# What this script starts, it ends (by pid) and unmounts, whatever happens.
PIDS=""
MNT=""
cleanup() {
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# db_balanced STORE: the store's counters add up (received = stored + filtered + duplicates + malformed + routed)
db_balanced() {
	"$ISMSCTL" --store "$1" --json evidence counters |
		jq -e '.[] | select(.source == "audisp-isms") |
			.received == .stored + .filtered + .duplicates + .malformed + (.routed // 0)' >/dev/null
}
# the counters of --stats as "received R stored S ... spooled P"
stats() { sed -n 's/^audisp-isms: \(received .*\)/\1/p' "$1" | tail -n 1; }
# stat_of NAME STATS
stat_of() { v=$(echo "$2" | sed -n "s/.*\\b$1 \\([0-9]*\\).*/\\1/p"); echo "${v:-0}"; }
# spool_files DIR / spool_pieces DIR: files, and pieces in them, waiting in a spool
spool_files() { find "$1" -maxdepth 1 -name 'ev-*.json*' ! -name '*.bad' | wc -l | tr -d ' '; }
spool_pieces() {
	n=0
	for f in "$1"/ev-*.json "$1"/ev-*.jsonl; do
		[ -f "$f" ] || continue
		case "$f" in
		*.jsonl) n=$((n + $(grep -c . "$f"))) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}


# --- a store that fails for good: a full filesystem -----------------------------------------

MNT="$T/full"
mkdir "$MNT"
if mount -t tmpfs -o size=32m,mode=0700 isms-test "$MNT" 2>/dev/null; then
	S="$MNT/store.db"
	new_store "$S"
	rm -rf "$T/spool-full"
	start_plugin full "$S" "$T/spool-full"
	events 1 20 >&3
	wait_until 30 stored_at_least "$S" 20 || echo "# the first events were not stored"
	# The filesystem fills up: no transaction can be written any more.
	dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null
	events 21 3020 >&3
	sleep 2
	stop_plugin 10
	STATS=$(stats "$T/full.err")
	# Before the signal already: a batch that failed three times was spooled.
	if grep -q "failed 3 times (.*): spooling the batch of .* rows; the store is tried again later" "$T/full.err"; then
		ok "full store: a batch failing for good is spooled, not retried for ever"
	else
		not_ok "full store: a batch failing for good is spooled, not retried for ever"
		sed 's/^/# /' "$T/full.err" | head -5
	fi
	is "$STOPPED" 1 "full store: SIGTERM ends the plugin within a few seconds"
	is "$RC" 0 "full store: exit 0, nothing lost"
	clean_err "$T/full.err" && ok "full store: no sanitizer report" || not_ok "full store: no sanitizer report"
	st=$(stat_of stored "$STATS")
	sp=$(stat_of spooled "$STATS")
	is "$(stat_of received "$STATS")" 3020 "full store: every event received ($STATS)"
	is "$(stat_of filtered "$STATS") $(stat_of duplicates "$STATS") $(stat_of malformed "$STATS") $(stat_of lost_bytes "$STATS")" \
		"0 0 0 0" "full store: nothing filtered, duplicate, malformed or lost"
	# 3020 events, the collector's start and stop: what is not stored is
	# spooled (the collector's own rows are not counted as stored).
	cs=$(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind LIKE 'collector.%'")
	is "$((st + cs + sp))" 3022 "full store: stored $st (and $cs of the collector's) and spooled $sp: every row kept"
	if [ "$sp" -ge 3000 ]; then ok "full store: the events after the disk filled were spooled"; else not_ok "full store: the events after the disk filled were spooled"; fi
	is "$(spool_pieces "$T/spool-full")" "$sp" "full store: the spool holds every piece it says"
	# batches of 500 (the test configuration): a file a batch at most
	if [ "$(spool_files "$T/spool-full")" -le 8 ]; then ok "full store: in few files ($(spool_files "$T/spool-full"))"; else not_ok "full store: in few files ($(spool_files "$T/spool-full"))"; fi
	# Mended: room again, and the drain brings everything home.
	rm -f "$MNT/filler"
	run "$ISMSCTL" --store "$S" evidence drain --spool "$T/spool-full"
	expect_rc 0 "full store mended: drain exit 0"
	is "$(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind = 'auth.failure'")" 3020 \
		"full store mended: all 3020 events in the chain"
	is "$(sqlite3 "$S" "SELECT count(DISTINCT event_key) FROM evidence WHERE kind LIKE 'collector.%'")" 2 \
		"full store mended: the collector's start and stop too"
	is "$(spool_pieces "$T/spool-full")" 0 "full store mended: the spool is empty"
	db_balanced "$S" && ok "full store mended: the counters balance" || not_ok "full store mended: the counters balance"
	run "$ISMSCTL" --store "$S" verify
	expect_rc 0 "full store mended: chain verifies"

	# Full again, with the plugin running; then room again: it opens the
	# store anew (after 5 s) and stores what comes, without a restart.
	dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null
	rm -rf "$T/spool-full"
	start_plugin full2 "$S" "$T/spool-full"
	events 5001 5600 >&3
	failed_for_good() { grep -q "spooling the batch" "$T/full2.err"; }
	wait_until 30 failed_for_good || echo "# no batch failed for good"
	rm -f "$MNT/filler"
	events 5601 5620 >&3
	if wait_until 30 stored_at_least "$S" 40; then ok "full store, room again: the plugin stores again"; else not_ok "full store, room again: the plugin stores again"; fi
	stop_plugin 10
	STATS=$(stats "$T/full2.err")
	is "$RC" 0 "full store, room again: exit 0"
	run "$ISMSCTL" --store "$S" evidence drain --spool "$T/spool-full"
	is "$(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind = 'auth.failure'")" 3640 \
		"full store, room again: every event stored or drained"
	db_balanced "$S" && ok "full store, room again: the counters balance" || not_ok "full store, room again: the counters balance"
	umount "$MNT" || umount -l "$MNT"
	MNT=""
else
	ok "# SKIP full store: cannot mount a tmpfs here"
fi

# --- a backlog at SIGTERM, the store locked: few spool files -------------------------------

S="$T/locked.db"
new_store "$S"
rm -f "$T/lockfifo"
mkfifo "$T/lockfifo"
sqlite3 -cmd ".timeout 5000" "$S" <"$T/lockfifo" >/dev/null 2>&1 &
lockpid=$!
PIDS="$PIDS $lockpid"
exec 4>"$T/lockfifo"
echo "BEGIN IMMEDIATE;" >&4
wait_until 10 locked "$S" || echo "# the lock was not taken"
start_plugin backlog "$S" "$T/spool-backlog"
events 1 40000 >&3
sleep 1
stop_plugin 60
STATS=$(stats "$T/backlog.err")
is "$STOPPED" 1 "backlog: SIGTERM ends the plugin"
is "$RC" 0 "backlog: exit 0"
clean_err "$T/backlog.err" && ok "backlog: no sanitizer report" || not_ok "backlog: no sanitizer report"
is "$(stat_of received "$STATS") $(stat_of spooled "$STATS")" "40000 40002" \
	"backlog: every event received and spooled, with the collector's start and stop"
n=$(spool_files "$T/spool-backlog")
# 40,000 events: what is queued at each turn goes to one file (4096 pieces at most).
if [ "$n" -ge 1 ] && [ "$n" -le 20 ]; then ok "backlog: spooled into few files ($n)"; else not_ok "backlog: spooled into few files ($n)"; fi
is "$(spool_pieces "$T/spool-backlog")" 40002 "backlog: the files hold every piece"
echo "COMMIT;" >&4
exec 4>&-
wait "$lockpid"
run "$ISMSCTL" --store "$S" evidence drain --spool "$T/spool-backlog"
expect_rc 0 "backlog: drain exit 0"
is "$(rows "$S")" 40002 "backlog: drained, every event in the chain"
run "$ISMSCTL" --store "$S" verify
expect_rc 0 "backlog: chain verifies"

# --- the overflow queue's cap: loss beyond it, and a record of it ----------------------------

# The same locked store; 1 MiB in memory and 1 MiB on disk for what the parser
# cannot take yet: 40,000 events (~12 MB) do not fit.
jq '. + {"overflow": {"memory_mb": 1, "disk_mb": 1}}' "$D/audit.json" >"$T/cap.json"
chmod 0600 "$T/cap.json"
S="$T/cap.db"
new_store "$S"
rm -f "$T/lockfifo"
mkfifo "$T/lockfifo"
sqlite3 -cmd ".timeout 5000" "$S" <"$T/lockfifo" >/dev/null 2>&1 &
lockpid=$!
PIDS="$PIDS $lockpid"
exec 4>"$T/lockfifo"
echo "BEGIN IMMEDIATE;" >&4
wait_until 10 locked "$S" || echo "# the lock was not taken"
start_plugin cap "$S" "$T/spool-cap" "$T/cap.json"
events 1 40000 >&3
sleep 1
stop_plugin 60
STATS=$(stats "$T/cap.err")
is "$STOPPED" 1 "overflow cap: SIGTERM ends the plugin"
is "$RC" 1 "overflow cap: exit 1, events were lost"
clean_err "$T/cap.err" && ok "overflow cap: no sanitizer report" || not_ok "overflow cap: no sanitizer report"
lost=$(stat_of lost_bytes "$STATS")
if [ "$lost" -gt 0 ]; then ok "overflow cap: lost bytes counted ($lost)"; else not_ok "overflow cap: lost bytes counted ($STATS)"; fi
echo "COMMIT;" >&4
exec 4>&-
wait "$lockpid"
run "$ISMSCTL" --store "$S" evidence drain --spool "$T/spool-cap"
expect_rc 0 "overflow cap: drain exit 0"
run "$ISMSCTL" --store "$S" --json evidence list --kind collector.loss
is "$(jq -r '[.[] | .details | .cause] | unique | join(",")' "$OUT")" "overflow queue full" \
	"overflow cap: the loss is evidence (collector.loss), with its cause"
lr=$(jq -r '[.[] | .details | .lost_records] | max' "$OUT")
lb=$(jq -r '[.[] | .details | .lost_bytes] | max' "$OUT")
is "$lb" "$lost" "overflow cap: the loss record has every byte lost"
rcv=$(stat_of received "$STATS")
# Each event is one line: what was received and what was lost make the 40,000
# (and one line more for each cut: the part before it and the part after).
if [ "$lr" -gt 0 ] && [ $((rcv + lr)) -ge 40000 ] && [ $((rcv + lr)) -le 40100 ]; then
	ok "overflow cap: received $rcv + lost $lr records account for the 40,000"
else
	not_ok "overflow cap: received $rcv + lost $lr records account for the 40,000"
fi
is "$("$ISMSCTL" --store "$S" --json evidence list --kind audit.malformed | jq -r '[.[] | .details | .why | select(startswith("cut off"))] | length > 0')" \
	"true" "overflow cap: the line before a cut is kept as audit.malformed, not glued to another"
is "$(($(rows "$S") - $(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind LIKE 'collector.%'")))" \
	"$(($(stat_of spooled "$STATS") - $(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind LIKE 'collector.%'")))" \
	"overflow cap: every spooled event drained"

# --- errors on stderr, and --check ---------------------------------------------------------

# (stderr is a file here, not a terminal, as under auditd or in a script)
run "$AUDISP_ISMS" -c "$CONF" --check
expect_rc 0 "--check: a good configuration: exit 0"
is "$(cat "$OUT" "$ERR")" "" "--check: a good configuration: nothing said"
run "$AUDISP_ISMS" -c "$T/typo.json" --check
expect_rc 1 "--check: a missing file: exit 1"
err_has "'$T/typo.json': No such file or directory" "--check: a missing file: named, with the reason"
printf '{"asset": "h", "stor": "/x"}\n' >"$T/bad.json"
chmod 0600 "$T/bad.json"
run "$AUDISP_ISMS" -c "$T/bad.json" --check
expect_rc 1 "--check: an unknown member: exit 1"
err_has "$T/bad.json: \$: unknown member 'stor'" "--check: an unknown member: file and member named"
printf '{"asset": "h"\n' >"$T/bad.json"
run "$AUDISP_ISMS" -c "$T/bad.json" --check
expect_rc 1 "--check: not JSON: exit 1"
err_has "$T/bad.json: \$: not valid JSON" "--check: not JSON: said"
printf '{"overflow": {"disk_mb": -5}}\n' >"$T/bad.json"
run "$AUDISP_ISMS" -c "$T/bad.json" --check
expect_rc 1 "--check: a value out of range: exit 1"
err_has "\$.overflow.disk_mb: must be 0-1048576 (MiB)" "--check: a value out of range: said"
cp "$CONF" "$T/open.json"
chmod 0664 "$T/open.json"
run "$AUDISP_ISMS" -c "$T/open.json" --check
expect_rc 1 "--check: a group-writable file: exit 1"
err_has "must be owned by root and not group- or world-writable" "--check: a group-writable file: said"
run "$AUDISP_ISMS" -c "$CONF" --check extra
expect_rc 2 "--check: takes no files"

# Not on a terminal, errors still reach stderr (no syslog daemon may be listening).
S="$T/err.db"
new_store "$S"
printf '{"asset": "h", "stor": "/x"}\n' >"$T/bad.json"
run "$AUDISP_ISMS" -c "$T/bad.json" --store "$S" --replay "$D/interleaved.log"
expect_rc 1 "a rejected configuration: exit 1"
err_has "audisp-isms: configuration rejected: $T/bad.json: \$: unknown member 'stor'" \
	"a rejected configuration: said on stderr"
run "$AUDISP_ISMS" -c "$T/typo.json" --store "$S" --spool "$T/spool-typo" --replay "$D/interleaved.log"
expect_rc 0 "a missing configuration: the defaults, exit 0"
err_has "no configuration at '$T/typo.json', using the defaults" "a missing configuration: said on stderr"

# --- pam_isms's own record with a decision= that is not UTF-8 ------------------------------

S="$T/decision.db"
new_store "$S"
printf 'type=USER_ACCT msg=audit(1795818025.097:76): pid=30572 uid=0 auid=4294967295 ses=4294967295 msg=\047op=isms-access acct="isms-rec" rule="rec-allow" decision=al\377low mode=enforce evidence=pam:vm:2026-11-27T22:20:25Z:30572:378e4da5200f9c67 exe="/usr/bin/pamtester" hostname=? addr=? terminal=? res=success\047\n' >"$T/decision.log"
run "$AUDISP_ISMS" -c "$CONF" --store "$S" --spool "$T/spool-decision" --stats --replay "$T/decision.log"
expect_rc 0 "bad decision=: exit 0"
is "$(sed -n 's/^audisp-isms: \(received .* malformed [0-9]*\).*/\1/p' "$ERR")" \
	"received 1 stored 0 filtered 0 duplicates 0 malformed 1" "bad decision=: counted malformed"
run "$ISMSCTL" --store "$S" --json evidence list --kind audit.malformed
is "$(jq -r '.[0].details | .why' "$OUT")" "pam_isms record: evidence= or decision= not valid text" \
	"bad decision=: kept as audit.malformed evidence"
is "$(jq -r '.[0].details | .line' "$OUT" | grep -o 'decision=[^ ]*')" 'decision=al\xfflow' \
	"bad decision=: its text kept, the bad byte visible"
is "$(rows "$S")" 1 "bad decision=: one row"

done_testing
