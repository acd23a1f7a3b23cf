# SPDX-License-Identifier: GPL-2.0-or-later
# The suite leaves the machine as it found it.
#
#   machine_state.sh save DIR      (the test 'machine-snapshot')
#   machine_state.sh compare DIR   (the test 'machine-clean')
#
# meson runs machine-snapshot before every other test (highest priority, not
# parallel: meson waits for it to end before it starts the next test) and
# machine-clean after all of them (lowest priority, not parallel: meson
# starts it only once every test before it has ended).  Both are in every
# suite, so a run of one suite is checked too.  machine-clean compares only
# with a snapshot of the same 'meson test' run; without one (a single test
# run by name) it is a SKIP, as a snapshot of another run would blame this
# run for what happened in between.
#
# What is compared, each entry named when it differs:
#   /etc/passwd, /etc/group, /etc/subuid, /etc/subgid   by entry
#   /etc/shadow, /etc/gshadow   by entry, as a hash: no password hash is copied
#   /etc/pam.d                  every file, link and directory, with its content
#   the audit rules             auditctl -l
#   the audit settings          auditctl -s: enabled, failure, the daemon's
#                               pid, rate and backlog limits (not counters)
#   processes                   still running a program of this build tree,
#                               or auditd
#   network namespaces          ip netns list, by name
#   network interfaces          of the machine's namespace (ip link), by name
. "$ISMS_TAP_LIB"

MODE=$1
DIR=$2
BUILD=$(cd "${ISMS_BUILD_ROOT:-.}" && pwd -P)

# skip_one NAME REASON: one check that cannot be made here.
skip_one() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

# This 'meson test' run: the pid and start time of the process that started us.
run_id() {
	st=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$PPID/stat" 2>/dev/null)
	echo "$PPID ${st:-?}"
}

# by_name FILE: "NAME<TAB>ENTRY" per entry of a colon-separated file, sorted.
by_name() {
	awk -F: '{ if ($1 in v) v[$1] = v[$1] " | " $0; else v[$1] = $0 }
		END { for (k in v) print k "\t" v[k] }' "$1" | LC_ALL=C sort
}

# hashed FILE: "NAME<TAB>HASH" per entry: the entry itself stays in /etc.
hashed() {
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s\t%s\n' "${line%%:*}" "$(printf '%s' "$line" | sha256sum | cut -c1-16)"
	done <"$1" | LC_ALL=C sort
}

# pam_tree: "PATH<TAB>WHAT" for everything under /etc/pam.d.
pam_tree() {
	find /etc/pam.d -mindepth 1 2>/dev/null | LC_ALL=C sort | while IFS= read -r p; do
		if [ -L "$p" ]; then
			w="link to $(readlink "$p")"
		elif [ -d "$p" ]; then
			w="directory $(stat -c '%a %U:%G' "$p")"
		elif [ -r "$p" ]; then
			w="file $(stat -c '%a %U:%G' "$p") $(sha256sum <"$p" | cut -c1-16)"
		else
			w="unreadable $(stat -c '%a %U:%G' "$p")"
		fi
		printf '%s\t%s\n' "$p" "$w"
	done
}

# procs: "PID EXE<TAB>" for each process running a program of this build tree.
procs() {
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in
		"$BUILD"/*) printf '%s %s\t\n' "${p#/proc/}" "$exe" ;;
		esac
	done | LC_ALL=C sort
}

# collect TO: the state, one file per kind; a kind that cannot be read here
# (not root, no audit subsystem) is a file "TO/KIND.no" with the reason.
collect() {
	mkdir -p "$1"
	for f in passwd group subuid subgid; do
		if [ -r "/etc/$f" ]; then by_name "/etc/$f" >"$1/$f"; else echo "cannot read /etc/$f" >"$1/$f.no"; fi
	done
	for f in shadow gshadow; do
		if [ -r "/etc/$f" ]; then hashed "/etc/$f" >"$1/$f"; else echo "cannot read /etc/$f (not root)" >"$1/$f.no"; fi
	done
	pam_tree >"$1/pam.d"
	if auditctl -s >"$1/status.raw" 2>&1; then
		awk '$1 ~ /^(enabled|failure|pid|rate_limit|backlog_limit|backlog_wait_time|loginuid_immutable)$/ {
			k = $1; $1 = ""; sub(/^ /, ""); print k "\t" $0 }' "$1/status.raw" | LC_ALL=C sort >"$1/audit-status"
		auditctl -l 2>/dev/null | grep -vx 'No rules' | LC_ALL=C sort | sed 's/$/\t/' >"$1/audit-rules"
	else
		why="auditctl -s: $(head -1 "$1/status.raw")"
		echo "$why" >"$1/audit-status.no"
		echo "$why" >"$1/audit-rules.no"
	fi
	rm -f "$1/status.raw"
	procs >"$1/procs"
	pgrep -x auditd 2>/dev/null | LC_ALL=C sort | sed 's/$/ auditd\t/' >"$1/auditd"
	if command -v ip >/dev/null 2>&1; then
		ip netns list 2>/dev/null | awk '{ print $1 "\t" }' | LC_ALL=C sort >"$1/netns"
		ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 "\t" }' | LC_ALL=C sort >"$1/links"
	else
		echo "'ip' not found (package iproute2)" >"$1/netns.no"
		echo "'ip' not found (package iproute2)" >"$1/links.no"
	fi
}

# The suite's own names (users, groups, PAM services): one of them there
# before and gone after was left by an earlier run that was killed, and
# this run removed it (the e2e tests do so first): named, no difference.
OURS='^(/etc/pam\.d/)?isms-'

# differences BEFORE AFTER WHAT SHOW: one line per KEY added, removed or
# changed; SHOW=1 prints the old and the new value of a changed entry.
# Leftovers of an earlier run, gone now, are lines starting with "note: ".
differences() {
	LC_ALL=C awk -F '\t' -v what="$3" -v show="$4" -v ours="$OURS" '
		FILENAME == ARGV[1] { old[$1] = $2; next }
		{ new[$1] = $2 }
		END {
			for (k in new)
				if (!(k in old))
					print what " '\''" k "'\'' was added" (show ? ": " new[k] : "")
				else if (old[k] != new[k])
					print what " '\''" k "'\'' changed" (show ? ": " old[k] " -> " new[k] : "")
			for (k in old)
				if (!(k in new) && k ~ ours)
					print "note: " what " '\''" k "'\'' was removed (left by an earlier run)"
				else if (!(k in new))
					print what " '\''" k "'\'' was removed" (show ? ": " old[k] : "")
		}' "$1" "$2" | LC_ALL=C sort
}

# check KIND WHAT SHOW TITLE: the snapshot's KIND against the machine's now.
check() {
	if [ -e "$DIR/$1.no" ] || [ -e "$NOW/$1.no" ]; then
		skip_one "$4" "$(cat "$DIR/$1.no" "$NOW/$1.no" 2>/dev/null | head -1)"
		return
	fi
	d=$(differences "$DIR/$1" "$NOW/$1" "$2" "$3")
	[ -z "$d" ] || printf '%s\n' "$d" | sed 's/^/# /'
	if [ -z "$(printf '%s\n' "$d" | grep -v '^note: ' | grep -v '^$')" ]; then
		ok "$4"
	else
		not_ok "$4"
	fi
}

case $MODE in
save)
	rm -rf "$DIR"
	collect "$DIR"
	chmod -R go-rwx "$DIR"
	run_id >"$DIR/run-id"
	ok "the machine's state saved in $DIR before the suite"
	# Entries the suite's tests make, there before it runs: an earlier run
	# that was killed; the suite is not blamed for them, but they are named.
	left=$(cut -f1 "$DIR/passwd" "$DIR/group" 2>/dev/null | grep -E '^isms-' | sort -u | tr '\n' ' ')
	[ -z "$left" ] || echo "# note: users or groups named like the suite's exist before it: $left"
	left=$(cut -f1 "$DIR/pam.d" | grep -E '/isms' | tr '\n' ' ')
	[ -z "$left" ] || echo "# note: PAM services named like the suite's exist before it: $left"
	;;
compare)
	[ -f "$DIR/run-id" ] ||
		skip_all "no snapshot in $DIR: machine-snapshot runs first only when the whole suite or a suite runs"
	[ "$(cat "$DIR/run-id")" = "$(run_id)" ] ||
		skip_all "the snapshot in $DIR is of another 'meson test' run: run the whole suite or a suite"
	NOW="$T/now"
	collect "$NOW"
	check passwd user 1 "/etc/passwd as before the suite"
	check group group 1 "/etc/group as before the suite"
	check shadow "/etc/shadow entry" 0 "/etc/shadow as before the suite"
	check gshadow "/etc/gshadow entry" 0 "/etc/gshadow as before the suite"
	check subuid "/etc/subuid entry of" 1 "/etc/subuid as before the suite"
	check subgid "/etc/subgid entry of" 1 "/etc/subgid as before the suite"
	check pam.d "PAM configuration" 1 "/etc/pam.d as before the suite"
	check audit-rules "audit rule" 0 "the audit rules as before the suite (auditctl -l)"
	check audit-status "audit setting" 1 "the audit settings as before the suite (auditctl -s)"
	check netns "network namespace" 0 "the network namespaces as before the suite (ip netns list)"
	check links "network interface" 0 "the network interfaces as before the suite (ip link)"
	# A process gone is no difference; one still running is.
	left=$({
		differences "$DIR/procs" "$NOW/procs" "process" 0
		differences "$DIR/auditd" "$NOW/auditd" "process" 0
	} | grep ' was added$' | sed 's/ was added$/ still runs/')
	if [ -z "$left" ]; then
		ok "no program of the build tree, and no auditd, still runs"
	else
		printf '%s\n' "$left" | sed 's/^/# /'
		not_ok "no program of the build tree, and no auditd, still runs"
	fi
	;;
*)
	echo "usage: machine_state.sh save|compare DIR" >&2
	exit 2
	;;
esac
done_testing
