#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How the recorded fixtures in this directory were made (root, auditd 3.0.9).
# Not run by the tests: it takes over the machine's audit subsystem for a few
# seconds, then removes its rules and disables auditing again.
#
#   record.sh OUTDIR ENRICHED|RAW
#
# writes OUTDIR/audit.log (auditd's disk log: no EOE records) and
# OUTDIR/stream.txt (what a plugin reads on stdin: with EOE records).
# enriched.* and raw.* here are these files as recorded (see README).
set -eu
OUT=$1
FMT=$2
. "$(cd "$(dirname "$0")" && pwd)/record-lib.sh"
USER_NAME=isms-rec
PW=Rec0rd-only-pw   # a throw-away password of a user deleted below
rec_refuse_running_auditd
D=$(mktemp -d /tmp/isms-rec.XXXXXX)
mkdir -p "$D/plugins.d" "$D/data" "$D/data/web conf"
cleanup() {
	set +e
	rec_auditd_stop
	auditctl -e 0 >/dev/null 2>&1
	userdel "$USER_NAME" >/dev/null 2>&1
	rm -f /etc/pam.d/isms-rec
	mkdir -p "$OUT"
	cp "$D/audit.log" "$OUT/audit.log" 2>/dev/null
	cp "$D/stream.txt" "$OUT/stream.txt" 2>/dev/null
	[ -f "$D/store.db" ] && cp "$D/store.db" "$OUT/store.db"
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
# A user of ours left by a run that was killed: remove it first.
userdel "$USER_NAME" >/dev/null 2>&1 || true

rec_auditd_conf "$D" "$FMT" "$REC_AUDITD_TUNING"
rec_capture_plugin "$D"
# With PAM_ISMS_SO and ISMSCTL set, pam_isms decides too and writes its own
# USER_ACCT record (op=isms-access ... evidence=KEY).
ISMS_LINE=""
if [ -n "${PAM_ISMS_SO:-}" ] && [ -n "${ISMSCTL:-}" ]; then
	"$ISMSCTL" --store "$D/store.db" -q init >/dev/null
	printf '{"version": 1, "asset": "rec-host", "mode": "enforce", "on_error": "deny",\n "rules": [{"id": "rec-allow", "users": ["%s"], "allow": true}, {"id": "default", "allow": false}]}\n' \
		"$USER_NAME" >"$D/policy.json"
	chmod 0644 "$D/policy.json"
	ISMS_LINE="account required $PAM_ISMS_SO policy=$D/policy.json store=$D/store.db spool=$D/spool"
fi
printf 'auth required pam_unix.so nodelay\naccount required pam_unix.so\n%s\nsession required pam_unix.so\n' \
	"$ISMS_LINE" >/etc/pam.d/isms-rec

rec_auditd_start "$D"

echo "watched" >"$D/data/watched.conf"
: >"$D/data/multi.conf"
auditctl -w "$D/data/watched.conf" -p rwa -k isms-watch
auditctl -w "$D/data/multi.conf" -p wa -k isms-watch -k web-config
auditctl -w "$D/data/web conf" -p wa -k web-site
auditctl -a always,exit -F arch=b64 -S fchmodat -F dir="$D/data" -k isms-perm
auditctl -a always,exit -F arch=b64 -S setpriority -F exe=/usr/bin/nice -k isms-prio
cat "$D/data/watched.conf" >/dev/null
# Each audited write from a child shell: on a host booted without audit=1
# this script's own shell, started before auditd, is never syscall-audited
# (the kernel decides at fork), and its own 'echo >>' would leave no record.
sh -c 'echo more >>"$1"' sh "$D/data/watched.conf"
sh -c 'echo x >"$1"' sh "$D/data/multi.conf"
sh -c 'echo page >"$1"' sh "$D/data/web conf/indéx.html"
chmod 0600 "$D/data/watched.conf"
: >"$D/data/other.txt"
chmod 0600 "$D/data/other.txt"
nice -n 1 true
useradd -M -s /bin/sh "$USER_NAME"
echo "$USER_NAME:$PW" | chpasswd
printf '%s\n' "$PW" | pamtester isms-rec "$USER_NAME" authenticate acct_mgmt open_session close_session
printf 'wrong\n' | pamtester isms-rec "$USER_NAME" authenticate || true
su "$USER_NAME" -s /bin/sh -c true
userdel "$USER_NAME"
auditctl -D
sleep 3   # let the last events age out in auditd before it stops
