#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How stig.log in this directory was recorded (root, auditd 3.0.9, Debian 12):
# Debian's STIG rule set (/usr/share/doc/auditd/examples/rules/30-stig.rules,
# 43-module-load.rules, lines of 31-privileged.rules as its generator makes
# them) and CIS's 'mounts' rule, then the actions whose classification issue
# #8 is about: usermod -aG, usermod -L and -U, an i386 system call, openat2.
# Not run by the tests.  It takes over the machine's audit subsystem for a few
# seconds, so it runs only under the machine lock and only with no auditd
# running; whatever happens, it removes its rules, restores the backlog
# settings and the enabled flag, and removes the user and group it made.
#
#   flock /tmp/isms-machine.lock record-stig.sh OUTDIR
#
# writes OUTDIR/audit.log (log_format = ENRICHED, the disk log).
set -eu
umask 022
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=/usr/share/doc/auditd/examples/rules
. "$HERE/record-lib.sh"
U=isms-stig
A=isms-stig-adm
G=isms-stig-g
PW=Stig-only-pw1   # a throw-away password of a user deleted below
rec_refuse_running_auditd
for u in "$U" "$A"; do
	id "$u" >/dev/null 2>&1 && { echo "user $u exists: not now" >&2; exit 1; }
done
getent group "$G" >/dev/null && { echo "group $G exists: not now" >&2; exit 1; }
ENABLED=$(auditctl -s | sed -n 's/^enabled //p')
BACKLOG=$(auditctl -s | sed -n 's/^backlog_limit //p')
WAIT=$(auditctl -s | sed -n 's/^backlog_wait_time //p')
[ "$ENABLED" = 2 ] && { echo "audit rules are locked (enabled 2)" >&2; exit 1; }
D=$(mktemp -d /tmp/isms-stig.XXXXXX)
# auditd makes its log directory 0700: the user's files live in another.
W=$(mktemp -d /tmp/isms-stig-w.XXXXXX)
chmod 0711 "$W"
mkdir -p "$D/plugins.d" "$W/mnt"
cleanup() {
	set +e
	rec_auditd_stop
	auditctl -b "$BACKLOG" --backlog_wait_time "$WAIT" >/dev/null 2>&1
	auditctl -e "$ENABLED" >/dev/null 2>&1
	umount "$W/mnt" 2>/dev/null
	userdel "$U" >/dev/null 2>&1
	userdel "$A" >/dev/null 2>&1
	groupdel "$U" >/dev/null 2>&1
	groupdel "$A" >/dev/null 2>&1
	groupdel "$G" >/dev/null 2>&1
	mkdir -p "$OUT"
	cp "$D/audit.log" "$OUT/audit.log" 2>/dev/null
	rm -rf "$D" "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

gcc -O1 -no-pie -o "$W/helper" "$HERE/record-stig-helper.c"
rec_auditd_conf "$D" ENRICHED

rec_auditd_start "$D"
auditctl -b 8192 >/dev/null

groupadd "$G"
useradd -M -s /bin/sh "$U"
useradd -M -s /bin/sh "$A"
echo "$U:$PW" | chpasswd
UID_U=$(id -u "$U")
UID_A=$(id -u "$A")
mkdir "$W/home"
chown "$U" "$W/home"
echo secret >"$W/secret"
chmod 0600 "$W/secret"

# The rule set: CIS's mount rule first (the first matching rule gives the key).
{
	echo "-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts"
	grep -v '^#' "$RULES/30-stig.rules" | grep -v '^$'
	grep -v '^#' "$RULES/43-module-load.rules" | grep -v '^$'
	for p in /usr/bin/chage /usr/bin/passwd; do
		printf -- "-a always,exit -F path=%s -F perm=x -F auid>=1000 -F auid!=unset -F key=privileged\n" "$p"
	done
} >"$D/stig.rules"
# Rules on directories this host lacks (/etc/selinux/, /etc/NetworkManager/)
# cannot be loaded: left out.
while IFS= read -r line; do
	dir=$(printf '%s\n' "$line" | sed -n 's/.*-F dir=\([^ ]*\).*/\1/p')
	[ -z "$dir" ] || [ -d "$dir" ] || continue
	printf '%s\n' "$line"
done <"$D/stig.rules" >"$D/loaded.rules"
auditctl -R "$D/loaded.rules" >/dev/null
auditctl -l | grep -q "identity" || { echo "the STIG rules did not load" >&2; exit 1; }

# As on a real host, people logged in (the STIG rules take only auid>=1000):
# an administrator $A who changes the account $U, and $U itself.
login_as() { sh -c 'echo "$1" >/proc/self/loginuid && shift && exec "$@"' sh "$@"; }
as_admin() { login_as "$UID_A" "$@"; }
as_user() { login_as "$UID_U" runuser -u "$U" -- "$@"; }

as_admin usermod -aG "$G" "$U"
as_admin usermod -L "$U"
as_admin usermod -U "$U"
as_user "$W/helper" i386-open "$W/secret" || true
as_user cat "$W/secret" 2>/dev/null || true
as_user "$W/helper" openat2 "$W/secret" || true
as_user "$W/helper" openat2 "$W/home/new" || true
as_user chmod 0640 "$W/home/new"
as_user rm "$W/home/new"
as_user chage -l "$U" >/dev/null
"$W/helper" adjtimex
"$W/helper" finit_module || true
as_admin mount -t tmpfs isms-stig "$W/mnt"
umount "$W/mnt"
auditctl -D >/dev/null
userdel "$U"
userdel "$A"
groupdel "$G"
sleep 3   # let the last events age out in auditd before it stops
