# SPDX-License-Identifier: GPL-2.0-or-later
# audisp-isms under the real auditd: a watched-file access and a PAM login
# become evidence with the configured asset and control, pam_isms's own
# decision is stored once (its audit record is linked, not stored again),
# the plugin survives auditd's SIGHUP, and the chain verifies.  The DPMS
# part: dpmsctl's audit rules on a registered location; an unauthorised
# user's read becomes a finding of the DPO's review, an authorised user's
# does not, and no personal data reaches the ISMS store.
#
# auditd runs as 'auditd -n -c $T/conf' with its own auditd.conf, whose
# log_file and plugin_dir point into $T, so /etc/audit is never read or
# touched.  For the test's duration this auditd owns the kernel audit
# subsystem; the EXIT trap always removes our rules, restores the enabled
# flag it found, and stops auditd and the plugin, however the test ends.
#
# auditd 3.0.9 passes at most two plugin arguments (more: "Wrong number of
# arguments"), so the store and spool are named in the plugin's audit.json
# and only '--config FILE' is on the args line.
. "$ISMS_TAP_LIB"
. "$(dirname "$0")/e2e_lib.sh"
. "$(dirname "$0")/auditd_conf.sh"

SVC=isms-e2e-audit
KEY=isms-e2e
WATCH_ASSET=isms-e2e-watched

e2e_need_root
[ -n "${AUDISP_ISMS:-}" ] && [ -x "$AUDISP_ISMS" ] || skip_all "AUDISP_ISMS not set or missing"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set or missing"
for c in auditd auditctl pamtester pgrep runuser; do
	command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found (packages auditd, pamtester, procps)"
done
if ! auditctl -s >"$T/audit.status" 2>&1; then
	skip_all "kernel audit subsystem unavailable (auditctl -s: $(head -1 "$T/audit.status"))"
fi
ORIG_ENABLED=$(awk '$1 == "enabled" { print $2 }' "$T/audit.status")
OWNER=$(awk '$1 == "pid" { print $2 }' "$T/audit.status")
[ "$ORIG_ENABLED" != 2 ] || skip_all "audit configuration is locked (enabled 2) until reboot"
if [ -n "$OWNER" ] && [ "$OWNER" -ne 0 ] && kill -0 "$OWNER" 2>/dev/null; then
	skip_all "the audit subsystem belongs to a running auditd (pid $OWNER); stop it first"
fi
# Another auditd just starting (another test recording) would fight ours.
if ps -C auditd -o stat= 2>/dev/null | grep -qv '^Z'; then
	skip_all "another auditd is running; stop it first"
fi

# On a host booted without audit=1 the kernel gives no audit context to a
# process forked before auditing was first enabled, and that process's own
# system calls are never audited (kernel/auditsc.c: audit_alloc()).  On a
# fresh machine this test's shell is such a process: meson started it before
# the auditd below.  To meet that case on every machine, the test runs in a
# shell forked while a 'task,never' rule holds (audit_filter_task(): no
# context either), a rule removed again before the test goes on.  So every
# action the test expects to see audited must be a process forked after
# auditd started, never the shell itself.
if [ -z "${E2E_SHELL_UNAUDITED:-}" ]; then
	never_rule() {
		[ -z "${NEVER_RULE:-}" ] || auditctl -d task,never >/dev/null 2>&1
		NEVER_RULE=""
	}
	E2E_CLEANUP_HOOK=never_rule
	auditctl -A task,never >"$OUT" 2>&1 || skip_all "cannot load a task,never audit rule: $(head -1 "$OUT")"
	NEVER_RULE=1
	mkfifo "$T/go"
	(
		read -r _ <"$T/go"
		E2E_SHELL_UNAUDITED=1
		export E2E_SHELL_UNAUDITED
		exec sh "$0"
	) &
	BODY=$!
	never_rule
	echo go >"$T/go"
	rc=0
	wait "$BODY" || rc=$?
	exit "$rc"
fi

# Rules someone else loaded stay; without any, 'auditctl -D' is ours to run.
RULES_BEFORE=$(auditctl -l 2>/dev/null)
e2e_asan

AUDITD_PID=""
PLUGIN_PID=""
RULES_ADDED=""
WATCHED="$T/watched.txt"
PERSONAL="$T/personal"
DP="$T/dpms.db"

# Stops auditd (it stops the plugin), bounded; 0 if it went within 10 s.
stop_auditd() {
	[ -n "$AUDITD_PID" ] || return 0
	kill -TERM "$AUDITD_PID" 2>/dev/null
	n=100
	while [ "$n" -gt 0 ] && kill -0 "$AUDITD_PID" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -KILL "$AUDITD_PID" 2>/dev/null
	wait "$AUDITD_PID" 2>/dev/null
	AUDITD_PID=""
	[ "$n" -gt 0 ]
}

# Stops the plugin if auditd left it behind, bounded; 0 if it exited by itself within 30 s.
reap_plugin() {
	[ -n "$PLUGIN_PID" ] || return 0
	n=300
	while [ "$n" -gt 0 ] && kill -0 "$PLUGIN_PID" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$PLUGIN_PID" 2>/dev/null; then
		kill -KILL "$PLUGIN_PID" 2>/dev/null
		PLUGIN_PID=""
		return 1
	fi
	PLUGIN_PID=""
}

audit_restore() {
	if [ -n "$RULES_ADDED" ]; then
		auditctl -W "$WATCHED" -p rwa -k "$KEY" >/dev/null 2>&1
		auditctl -W "$PERSONAL" -p rwa -k dpms:PA-1 >/dev/null 2>&1
		[ -n "$RULES_BEFORE" ] && [ "$RULES_BEFORE" != "No rules" ] || auditctl -D >/dev/null 2>&1
		RULES_ADDED=""
	fi
	stop_auditd
	reap_plugin
	auditctl -e "${ORIG_ENABLED:-0}" >/dev/null 2>&1
}
E2E_CLEANUP_HOOK=audit_restore

# --- configuration, all in $T ----------------------------------------------

mkdir -p "$T/conf/plugins.d" "$T/log" "$T/spool"
chmod 0755 "$T"
auditd_conf "$T/conf/auditd.conf" "$T/log/audit.log" "$T/conf/plugins.d"
cat >"$T/audit.json" <<-EOF
{"comment": "isms end-to-end test",
 "store": "$S", "spool": "$T/spool", "asset": "$E2E_ASSET",
 "dpms_store": "$DP",
 "keys": {"$KEY": {"asset": "$WATCH_ASSET", "control": "8.9"}},
 "batch": {"events": 200, "ms": 50}}
EOF
# auditd starts plugins with an empty environment: an ASan-built plugin gets
# its options (reports into $T, checked at the end) through a wrapper.
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
cat >"$T/conf/plugins.d/isms.conf" <<-EOF
active = yes
direction = out
path = $PLUGIN_PATH
type = always
args = --config $T/audit.json
format = string
EOF
chmod 0644 "$T/audit.json" "$T/conf/auditd.conf" "$T/conf/plugins.d/isms.conf"
echo "watched by the isms end-to-end test" >"$WATCHED"

e2e_user "$E2E_OK" && e2e_user "$E2E_NO" || skip_all "cannot create the test users"
e2e_store || skip_all "cannot create the store"
e2e_policy "\"$SVC\"" '"LOCAL"'
e2e_pam_service "$SVC" "# isms end-to-end test service, removed when the test ends
auth     required pam_permit.so
account  required pam_unix.so
account  required $PAM_ISMS_SO policy=$T/policy.json store=$S spool=$T/spool busy_ms=2000
session  required pam_permit.so
password required pam_deny.so"

# --- helpers -----------------------------------------------------------------

# evq ARGS...: how many evidence rows 'evidence list ARGS' finds; the rows in $T/q.json.
evq() {
	"$ISMSCTL" --store "$S" --json evidence list "$@" >"$T/q.json" 2>"$ERR" || { echo -1; return; }
	grep -c '"id":' "$T/q.json"
}
# counter NAME: the plugin's counter from 'ismsctl evidence counters'.
counter() {
	"$ISMSCTL" --store "$S" --json evidence counters 2>/dev/null |
		sed -n "s/^ *\"$1\": *\([0-9]*\).*/\1/p" | head -1
}
has_rows() { [ "$(evq "$@")" -ge 1 ]; }
rows_at_least() { want=$1; shift; [ "$(evq "$@")" -ge "$want" ]; }
counter_at_least() { [ "$(counter "$1")" -ge "$2" ] 2>/dev/null; }
plugin_pid() { pgrep -P "$AUDITD_PID" -f "$AUDISP_ISMS" | head -1; }
auditd_owns() { auditctl -s 2>/dev/null | grep -qx "pid $AUDITD_PID"; }
plugin_up() { PLUGIN_PID=$(plugin_pid) && [ -n "$PLUGIN_PID" ]; }

# The DPO's register: one activity whose data lives in $PERSONAL, open to $E2E_OK only.
mkdir -p "$PERSONAL"
echo "name;salary" >"$PERSONAL/salaries.csv"
chmod 0755 "$PERSONAL"
chmod 0644 "$PERSONAL/salaries.csv"
if "$DPMSCTL" --store "$DP" -q init >"$OUT" 2>"$ERR" &&
	"$DPMSCTL" --store "$DP" -q activity add --name "e2e payroll" --purposes "test" \
		--authorised-users "$E2E_OK" >"$OUT" 2>"$ERR" &&
	"$DPMSCTL" --store "$DP" -q location add --activity PA-1 --path "$PERSONAL" >"$OUT" 2>"$ERR"; then
	ok "DPMS store with activity PA-1 and its location $PERSONAL"
else
	not_ok "DPMS store with activity PA-1 and its location $PERSONAL"
fi

# --- auditd with the built plugin --------------------------------------------

auditd -n -c "$T/conf" >"$T/auditd.out" 2>&1 &
AUDITD_PID=$!
if wait_for 15 auditd_owns && wait_for 15 plugin_up; then
	ok "auditd (pid $AUDITD_PID) owns the audit subsystem and started audisp-isms (pid $PLUGIN_PID)"
else
	not_ok "auditd owns the audit subsystem and starts audisp-isms"
	sed 's/^/# auditd: /' "$T/auditd.out" | grep -v 'parser called' | tail -20
	done_testing
	exit
fi
if wait_for 20 has_rows --kind audit.daemon --source audisp-isms; then
	ok "auditd's DAEMON_START is evidence (the plugin stores)"
else
	not_ok "auditd's DAEMON_START is evidence (the plugin stores)"
fi

if has_rows --kind collector.start --source audisp-isms; then
	ok "the collector's start is evidence (gaps before it are explainable)"
else
	not_ok "the collector's start is evidence (gaps before it are explainable)"
fi

# --- a watched file ----------------------------------------------------------

if auditctl -w "$WATCHED" -p rwa -k "$KEY" >"$OUT" 2>"$ERR"; then
	RULES_ADDED=1
	ok "watch rule on $WATCHED with key '$KEY'"
else
	not_ok "watch rule on $WATCHED with key '$KEY'"
fi
# The shell's own open, which the kernel must not audit (see the top).
: <"$WATCHED"
cat "$WATCHED" >/dev/null
# From a child: on a host booted without audit=1 this shell, started before
# auditd, is never syscall-audited (the kernel decides at fork); its own
# 'echo >>' would never reach the rules (see audisp-isms(8), KERNEL).
echo "appended" | tee -a "$WATCHED" >/dev/null
if wait_for 20 has_rows --kind file.watch --asset "$WATCH_ASSET" --control 8.9 &&
	grep -qF "$WATCHED" "$T/q.json"; then
	ok "the watched-file access is evidence of control 8.9 for asset '$WATCH_ASSET'"
else
	echo "# file.watch rows: $(evq --kind file.watch)"
	sed 's/^/# /' "$T/q.json" | head -20
	not_ok "the watched-file access is evidence of control 8.9 for asset '$WATCH_ASSET'"
fi
wait_for 20 rows_at_least 2 --kind file.watch --asset "$WATCH_ASSET" --control 8.9
watch_rows=$(evq --kind file.watch --asset "$WATCH_ASSET" --control 8.9)
if [ "$watch_rows" -ge 2 ] && jq -e --arg k "$KEY" 'any(.[]; .details.key == $k)' "$T/q.json" >/dev/null; then
	ok "read and write each leave a row carrying the rule key ($watch_rows rows)"
else
	not_ok "read and write each leave a row carrying the rule key ($watch_rows rows)"
fi
if jq -e 'any(.[]; .details.comm == "sh")' "$T/q.json" >/dev/null; then
	not_ok "the test shell itself is not audited, as on a host booted without audit=1"
else
	ok "the test shell itself is not audited, as on a host booted without audit=1"
fi

# --- personal data: dpmsctl's rules, the DPO's review ------------------------

run "$DPMSCTL" --store "$DP" audit-rules
rule=$(grep '^-w ' "$OUT")
is "$rule" "-w $PERSONAL -p rwa -k dpms:PA-1" "dpmsctl audit-rules writes the rule for the location"
# The line as written, through auditctl (paths never hold spaces: see isms_path_ok).
# shellcheck disable=SC2086
if auditctl $rule >/dev/null 2>"$ERR"; then
	RULES_ADDED=1
	ok "the DPMS rule is loaded"
else
	not_ok "the DPMS rule is loaded"
fi
run runuser -u "$E2E_NO" -- cat "$PERSONAL/salaries.csv"
expect_rc 0 "'$E2E_NO' reads the payroll file (the file system allows it)"
run runuser -u "$E2E_OK" -- cat "$PERSONAL/salaries.csv"
expect_rc 0 "'$E2E_OK' reads the payroll file"
dpms_rows() { [ "$("$DPMSCTL" --store "$DP" --json evidence list --asset PA-1 2>/dev/null | grep -c '"id":')" -ge 2 ]; }
if wait_for 20 dpms_rows; then
	ok "both accesses reached the DPMS store"
else
	not_ok "both accesses reached the DPMS store"
fi
run "$DPMSCTL" --store "$DP" --json evidence list --kind personal-data.read
for u in "$E2E_NO" "$E2E_OK"; do
	if grep -q "\"subject\":\"$u\"" "$OUT" && grep -qF "$PERSONAL/salaries.csv" "$OUT"; then
		ok "personal-data.read by '$u' of the payroll file is DPMS evidence"
	else
		not_ok "personal-data.read by '$u' of the payroll file is DPMS evidence"
	fi
done
run "$DPMSCTL" --store "$DP" review run
expect_rc 0 "dpmsctl review run"
run "$DPMSCTL" --store "$DP" --json finding list
if grep -q "\"user\":\"$E2E_NO\"" "$OUT" && grep -q '"why":"unauthorised"' "$OUT"; then
	ok "the review lists the unauthorised read by '$E2E_NO'"
else
	sed 's/^/# /' "$OUT" | head -20
	not_ok "the review lists the unauthorised read by '$E2E_NO'"
fi
if grep -q "\"user\":\"$E2E_OK\"" "$OUT"; then
	not_ok "the authorised read by '$E2E_OK' is no finding"
else
	ok "the authorised read by '$E2E_OK' is no finding"
fi
is "$(evq --kind personal-data.read)" 0 "no personal data in the ISMS store"
if counter_at_least routed 2; then ok "the ISMS store counts them as routed"; else not_ok "the ISMS store counts them as routed ($(counter routed))"; fi
run "$DPMSCTL" --store "$DP" verify
expect_rc 0 "dpmsctl verify: the DPMS evidence chain holds"
auditctl -W "$PERSONAL" -p rwa -k dpms:PA-1 >/dev/null 2>&1

# --- auditd reconfigures: the plugin survives ------------------------------

pid_before=$PLUGIN_PID
kill -HUP "$AUDITD_PID"
# auditd 3.0.9 writes its DAEMON_CONFIG to its own log only, not to the
# plugins, and passes the HUP on to them: a new access shows the plugin
# still stores.
sleep 1
cat "$WATCHED" >/dev/null
more_rows() { [ "$(evq --kind file.watch --asset "$WATCH_ASSET")" -gt "$watch_rows" ]; }
if wait_for 20 more_rows; then
	ok "after SIGHUP to auditd the plugin keeps storing"
else
	not_ok "after SIGHUP to auditd the plugin keeps storing"
fi
sleep 0.5
now_pid=$(plugin_pid)
if [ "$now_pid" = "$pid_before" ] && kill -0 "$pid_before" 2>/dev/null; then
	ok "after SIGHUP the plugin is the same process (pid $pid_before)"
else
	echo "# plugin pid before $pid_before, after '${now_pid}'"
	not_ok "after SIGHUP the plugin is the same process"
fi
PLUGIN_PID=$pid_before

# --- logins through PAM --------------------------------------------------------

run e2e_run_host timeout 30 pamtester "$SVC" "$E2E_OK" authenticate acct_mgmt open_session close_session
expect_rc 0 "pamtester: '$E2E_OK' logs in through '$SVC' (pam_unix, pam_isms)"
run e2e_run_host timeout 30 pamtester "$SVC" "$E2E_NO" authenticate acct_mgmt
if [ "$RC" -ne 0 ]; then ok "pamtester: '$E2E_NO' is denied by pam_isms"; else not_ok "pamtester: '$E2E_NO' is denied by pam_isms"; fi

# libpam's own records of the login (USER_AUTH, USER_ACCT, USER_START,
# USER_END), each KIND:CONTROL, about this host.
for kc in auth.success:5.17 account.success:5.15 session.start.success:8.15 \
	session.end.success:8.15; do
	kind=${kc%:*} want=${kc#*:}
	if wait_for 20 has_rows --kind "$kind" --subject "$E2E_OK" --source audisp-isms; then
		# evidence list --json: an array, one row per line; the first row's fields.
		ca=$(python3 -c 'import json, sys
r = json.load(sys.stdin)[0]
print("%s/%s" % (r.get("control") or "", r.get("asset") or ""))' <"$T/q.json")
		is "$ca" "$want/$E2E_ASSET" "login of '$E2E_OK': $kind evidence of control $want for asset '$E2E_ASSET'"
	else
		not_ok "login of '$E2E_OK': $kind evidence"
	fi
done
if wait_for 20 has_rows --kind account.failure --subject "$E2E_NO" --source audisp-isms; then
	ok "denied login of '$E2E_NO': account.failure evidence"
else
	not_ok "denied login of '$E2E_NO': account.failure evidence"
fi

# pam_isms stored each decision itself and sent an isms-access USER_ACCT;
# the plugin links that record to the module's row: two duplicates, no new rows.
if wait_for 20 counter_at_least duplicates 2; then
	ok "the plugin saw both isms-access records (duplicates $(counter duplicates))"
else
	not_ok "the plugin saw both isms-access records (duplicates $(counter duplicates))"
fi
is "$(evq --kind access.allow --subject "$E2E_OK")" 1 "pam_isms's allow decision for '$E2E_OK' is stored exactly once"
if grep -q '"source":"pam_isms"' "$T/q.json" && grep -q '"control":"5.15"' "$T/q.json"; then
	ok "the one row is the module's own (source pam_isms, control 5.15)"
else
	not_ok "the one row is the module's own (source pam_isms, control 5.15)"
fi
is "$(evq --kind access.deny --subject "$E2E_NO")" 1 "pam_isms's deny decision for '$E2E_NO' is stored exactly once"
is "$(evq --source audisp-isms --kind access.allow)" 0 "the plugin stored no access row of its own"

# --- shutdown --------------------------------------------------------------------

if auditctl -W "$WATCHED" -p rwa -k "$KEY" >/dev/null 2>&1; then
	[ -n "$RULES_BEFORE" ] && [ "$RULES_BEFORE" != "No rules" ] || auditctl -D >/dev/null 2>&1
	RULES_ADDED=""
fi
if stop_auditd; then ok "auditd stops on SIGTERM"; else not_ok "auditd stops on SIGTERM (killed)"; fi
if reap_plugin; then ok "audisp-isms exits when auditd stops"; else not_ok "audisp-isms exits when auditd stops (killed)"; fi
rcv=$(counter received)
sum=$(($(counter stored) + $(counter filtered) + $(counter duplicates) + $(counter malformed) + $(counter routed)))
is "$sum" "$rcv" "every received event is stored, filtered, duplicate, malformed or routed ($rcv)"
is "$(counter malformed)" 0 "no malformed records from the real auditd"
isms --store "$S" verify
expect_rc 0 "ismsctl verify: the evidence chain holds"
ls "$T"/spool/*.bad >/dev/null 2>&1 && not_ok "nothing set aside in the spool" || ok "nothing set aside in the spool"
if [ "$E2E_ASAN" -eq 1 ] || [ "$PLUGIN_ASAN" -eq 1 ]; then
	e2e_sanitizer_clean "no sanitizer report from the plugin, the module or their hosts"
fi
auditctl -e "$ORIG_ENABLED" >/dev/null 2>&1
done_testing
