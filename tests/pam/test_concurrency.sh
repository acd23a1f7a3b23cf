# SPDX-License-Identifier: GPL-2.0-or-later
# The login path under load (issue 9): 8 login loops through real PAM stacks,
# audisp-isms ingesting a generated log into the same store at full speed and
# draining the journal, and ismsctl changing the register (each change
# rewriting the facts snapshot) all at once.  No allowed login may be denied,
# and every decision must reach the chain exactly once.  Then the same with
# the journal on a full file system: still no allowed login denied, and every
# decision counted as lost and recorded as such once there is room.
# TAP, POSIX sh.  Root: real PAM (pam_start_confdir) and a tmpfs mount.
. "$ISMS_TAP_LIB"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (a root-owned policy, a tmpfs mount)"
for v in PAM_ISMS_SO ISMSCTL AUDISP_ISMS LOGIN_LOOP ISMS_SRC; do
	eval "[ -n \"\${$v:-}\" ]" || skip_all "$v not set"
done
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
id nobody >/dev/null 2>&1 || skip_all "no user 'nobody'"

LOOPS=8
PER=${ISMS_CONCURRENCY_LOGINS:-300}
BUSER=nobody
MNT=""
PLUGIN_PID=""
WRITER_PID=""
cleanup() {
	[ -z "$PLUGIN_PID" ] || { kill "$PLUGIN_PID" 2>/dev/null; wait "$PLUGIN_PID" 2>/dev/null; }
	[ -z "$WRITER_PID" ] || { kill "$WRITER_PID" 2>/dev/null; wait "$WRITER_PID" 2>/dev/null; }
	if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null; fi
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0755 "$T"
S=$T/store.db
today=$(date -u +%Y-%m-%d)
cat >"$T/org.json" <<EOF
{"person": [{"name": "$BUSER", "role": "admin"}, {"name": "other", "role": "user"}],
 "asset": [{"name": "load-host", "type": "host", "owner": "$BUSER"}],
 "document": [{"name": "infosec-policy", "title": "Policy", "version": "1.0"}],
 "ack": [{"person": "$BUSER", "document": "infosec-policy", "version": "1.0", "at": "$today"}],
 "review": [{"kind": "access", "subject": "s", "asset": "load-host", "person": "$BUSER",
             "due": "$today", "done": "$today", "result": "ok"}]}
EOF
"$ISMSCTL" --store "$S" -q init >/dev/null
"$ISMSCTL" --store "$S" -q import "$T/org.json" >/dev/null
cat >"$T/policy.json" <<EOF
{"version": 1, "asset": "load-host", "mode": "enforce", "on_error": "deny", "rules": [
 {"id": "user", "users": ["$BUSER"], "from": ["127.0.0.1"],
  "require": {"acknowledged": "infosec-policy", "reviewed_within_days": 90, "active": true},
  "allow": true},
 {"id": "default", "allow": false}]}
EOF
chmod 0644 "$T/policy.json"
mkdir -m 0755 "$T/pam.d"
echo "account required $PAM_ISMS_SO policy=$T/policy.json store=$S noaudit" >"$T/pam.d/isms"

python3 "$ISMS_SRC/bench/gen_audit_log.py" "$ISMS_SRC/tests/data/audit/raw.stream" 400000 \
	"$T/big.log" "$T/big.stream" >"$T/gen.out"
printf '{"asset": "load-host", "keep": {"unkeyed_syscalls": true, "all_user_messages": true, "raw": true}}\n' \
	>"$T/audit.json"
chmod 0644 "$T/audit.json"
mkdir -m 0700 "$T/spool"

# loops NAME SERVICE: $LOOPS login loops at once; sets DENIED (logins not allowed)
loops() {
	i=1
	pids=""
	while [ "$i" -le "$LOOPS" ]; do
		"$LOGIN_LOOP" "$PER" "$BUSER" 127.0.0.1 "$T/pam.d" "$2" >"$T/$1.$i.out" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do wait "$p" || true; done
	DENIED=$(cat "$T/$1".*.out | awk '$1 == "calls" { d += $2 - $4 } END { print d + 0 }')
}

start_load() {
	"$AUDISP_ISMS" -c "$T/audit.json" --store "$S" --spool "$T/spool" --stats --replay "$T/big.log" \
		</dev/null >"$T/plugin.out" 2>"$T/plugin.err" &
	PLUGIN_PID=$!
	(
		n=0
		while [ ! -e "$T/stop" ]; do
			n=$((n + 1))
			"$ISMSCTL" --store "$S" -q person set other --email "o$n@example.org" >/dev/null 2>&1
			"$ISMSCTL" --store "$S" -q evidence add --kind load.note --control 5.35 \
				--subject other --outcome ok >/dev/null 2>&1
		done
		echo "$n" >"$T/writes"
	) &
	WRITER_PID=$!
	sleep 1
}

stop_load() {
	if kill -0 "$PLUGIN_PID" 2>/dev/null; then LOADED=1; else LOADED=0; fi
	touch "$T/stop"
	wait "$WRITER_PID" 2>/dev/null || true
	WRITER_PID=""
	rm -f "$T/stop"
	kill -TERM "$PLUGIN_PID" 2>/dev/null || true
	wait "$PLUGIN_PID" 2>/dev/null || true
	PLUGIN_PID=""
}

# This run's decisions: the replayed log carries a pam_isms record of its own.
allows() {
	sqlite3 "$S" "SELECT count(*) FROM evidence WHERE source = 'pam_isms' AND kind = 'access.allow' AND subject = '$BUSER'"
}

# --- 1. all at once, on one store -------------------------------------------------------

start_load
loops load isms
stop_load
is "$DENIED" 0 "under load: no allowed login of $((LOOPS * PER)) denied"
[ "$LOADED" = 1 ] && ok "the plugin was still ingesting when the logins ended" ||
	ok "# SKIP the plugin finished before the logins did (a fast machine)"
[ "$(cat "$T/writes")" -gt 0 ] && ok "ismsctl wrote meanwhile ($(cat "$T/writes") rounds)" ||
	not_ok "ismsctl wrote meanwhile"
run "$ISMSCTL" --store "$S" -q journal drain
is "$RC" 0 "the rest of the journal drains"
is "$(allows)" "$((LOOPS * PER))" "every decision is in the chain, once"
is "$(sqlite3 "$S" "SELECT count(*) - count(DISTINCT event_key) FROM evidence WHERE source = 'pam_isms' AND subject = '$BUSER'")" 0 \
	"no decision twice"
is "$(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind LIKE 'journal.%'")" 0 \
	"no damaged record, no loss"
run "$ISMSCTL" --store "$S" verify
is "$RC" 0 "the chain verifies"

# --- 2. the same with the journal's file system full --------------------------------------

MNT=$T/full
mkdir -m 0700 "$MNT"
if mount -t tmpfs -o size=256k,mode=0700 isms-test "$MNT" 2>/dev/null; then
	J=$MNT/journal
	echo "account required $PAM_ISMS_SO policy=$T/policy.json store=$S journal=$J noaudit" \
		>"$T/pam.d/isms-full"
	# The loss counter is made while there is room, by a drain.
	"$ISMSCTL" --store "$S" -q journal drain --journal "$J"
	dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
	before=$(allows)
	start_load
	loops full isms-full
	stop_load
	is "$DENIED" 0 "journal FS full: no allowed login of $((LOOPS * PER)) denied"
	rm -f "$MNT/filler"
	run "$ISMSCTL" --store "$S" --json journal drain --journal "$J"
	is "$RC" 0 "journal FS full: the drain runs once there is room"
	journaled=$(($(allows) - before))
	# details through ismsctl: row format 3 keeps them compressed, in batches
	lost=$("$ISMSCTL" --store "$S" --json evidence list --kind journal.loss |
		jq '[.[].details | .lost] | add // 0')
	torn=$(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE kind = 'journal.malformed'")
	echo "# journaled $journaled, counted lost $lost, torn $torn"
	is "$((journaled + lost))" "$((LOOPS * PER))" \
		"journal FS full: every decision journaled or counted lost, and the loss recorded"
	umount "$MNT" || umount -l "$MNT"
	MNT=""
else
	ok "# SKIP journal FS full: cannot mount a tmpfs here"
fi
done_testing
