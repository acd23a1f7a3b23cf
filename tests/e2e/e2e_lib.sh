# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the end-to-end tests (sourced after tests/cli/tap.sh, POSIX sh):
# test users, a store with the facts the policy asks for, a policy, an
# /etc/pam.d service removed again on exit, and the LD_PRELOAD an
# ASan-built module needs inside an uninstrumented host program.
#
# Everything this creates outside $T is listed in E2E_UNDO and removed by
# e2e_cleanup, which the EXIT trap runs however the test ends (HUP, INT,
# TERM and PIPE exit through it too).  What a run killed with SIGKILL left
# (a user, a PAM service of the suite's names) the next run removes first.

E2E_OK=isms-e2e-ok
E2E_NO=isms-e2e-no
E2E_ASSET=isms-e2e-host
E2E_UNDO_USERS=""
E2E_UNDO_FILES=""
E2E_CLEANUP_HOOK=":"
S="$T/store.db"

e2e_cleanup() {
	trap - EXIT HUP INT TERM PIPE
	$E2E_CLEANUP_HOOK
	for f in $E2E_UNDO_FILES; do
		rm -rf "$f"
	done
	for u in $E2E_UNDO_USERS; do
		e2e_userdel "$u"
	done
	rm -rf "$T"
}

# e2e_userdel NAME: the user, its home, mail spool and its own group.
e2e_userdel() {
	# A session of the test user still ending would make userdel refuse.
	pkill -KILL -u "$1" >/dev/null 2>&1
	userdel -r "$1" >/dev/null 2>&1 || userdel "$1" >/dev/null 2>&1
	# userdel keeps a group it did not make with the user: ours by its name.
	getent group "$1" >/dev/null 2>&1 && groupdel "$1" >/dev/null 2>&1
	return 0
}
trap 'e2e_cleanup' EXIT
# PIPE too: a reader that goes away (| head) must not leave sshd or users behind.
trap 'e2e_cleanup; exit 1' HUP INT TERM PIPE

# e2e_need_root: skip the whole test unless root with the tools we need.
e2e_need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (real PAM services in /etc/pam.d)"
	[ -n "${PAM_ISMS_SO:-}" ] && [ -f "$PAM_ISMS_SO" ] || skip_all "PAM_ISMS_SO not set or missing"
	[ -n "${ISMSCTL:-}" ] && [ -x "$ISMSCTL" ] || skip_all "ISMSCTL not set or missing"
	for c in useradd userdel timeout python3; do
		command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found"
	done
}

# e2e_asan: when the module was built with ASan, an uninstrumented host
# program (sshd, pamtester, su) must have the runtime preloaded to dlopen it.
# Sets E2E_ASAN=1 and E2E_PRELOAD to the runtimes, or E2E_ASAN=0, and
# E2E_ENV to the assignments for 'env $E2E_ENV CMD' (empty without ASan),
# for a program started in the background, whose $! must be its own pid.
e2e_asan() {
	E2E_ASAN=0
	E2E_PRELOAD=""
	E2E_ENV=""
	if ldd "$PAM_ISMS_SO" 2>/dev/null | grep -q 'libasan'; then
		E2E_ASAN=1
		E2E_PRELOAD=$(ldd "$PAM_ISMS_SO" | awk '/lib(asan|ubsan)\.so/ { printf "%s%s", sep, $3; sep = ":" }')
	fi
	# The host program's own leaks are not ours, and its exit must not abort:
	# errors go to $T/asan.* and each test fails on any report found there.
	E2E_ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:verify_asan_link_order=0:log_path=$T/asan"
	E2E_UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:log_path=$T/ubsan"
	if [ "$E2E_ASAN" -eq 1 ]; then
		E2E_ENV="LD_PRELOAD=$E2E_PRELOAD ASAN_OPTIONS=$E2E_ASAN_OPTIONS UBSAN_OPTIONS=$E2E_UBSAN_OPTIONS"
	fi
}

# e2e_run_host CMD...: runs a host program with the preload when needed.
e2e_run_host() {
	if [ "$E2E_ASAN" -eq 1 ]; then
		env LD_PRELOAD="$E2E_PRELOAD" ASAN_OPTIONS="$E2E_ASAN_OPTIONS" \
			UBSAN_OPTIONS="$E2E_UBSAN_OPTIONS" "$@"
	else
		"$@"
	fi
}

# e2e_sanitizer_clean NAME: no sanitizer report from a host program.
e2e_sanitizer_clean() {
	reports=$(ls "$T"/asan.* "$T"/ubsan.* 2>/dev/null || true)
	if [ -z "$reports" ]; then
		ok "$1"
	else
		for f in $reports; do
			sed "s|^|# $(basename "$f"): |" "$f" | head -40
		done
		not_ok "$1"
	fi
}

# e2e_user NAME: create a login user with a shell (one of the suite's
# isms-e2e-* names), removed again on exit.  One of that name there already
# was left by a run killed before its trap ran: it is removed first, so that
# each run starts from a known user and leaves none.
e2e_user() {
	case $1 in
	isms-e2e-*) ;;
	*) echo "# e2e_user: '$1' is not a name of the suite's"; return 1 ;;
	esac
	if id "$1" >/dev/null 2>&1 || getent group "$1" >/dev/null 2>&1; then
		echo "# removing user '$1' left by an earlier run"
		e2e_userdel "$1"
	fi
	# Listed first: a signal between the two still removes it.
	E2E_UNDO_USERS="$E2E_UNDO_USERS $1"
	useradd -m -s /bin/sh "$1" >/dev/null 2>&1 || { echo "# useradd $1 failed"; return 1; }
}

# e2e_store: a store in which $E2E_OK has acknowledged the current
# infosec-policy and had an access review today, and $E2E_NO has neither.
e2e_store() {
	today=$(date -u +%Y-%m-%d)
	cat >"$T/org.json" <<-EOF
	{"person": [{"name": "$E2E_OK", "role": "admin"}, {"name": "$E2E_NO", "role": "admin"}],
	 "asset": [{"name": "$E2E_ASSET", "type": "host", "owner": "$E2E_OK", "description": "end-to-end test host"}],
	 "document": [{"name": "infosec-policy", "title": "Information security policy", "version": "1.0"}],
	 "ack": [{"person": "$E2E_OK", "document": "infosec-policy", "version": "1.0", "at": "$today"}],
	 "review": [{"kind": "access", "subject": "e2e access", "asset": "$E2E_ASSET", "person": "$E2E_OK",
	             "due": "$today", "done": "$today", "result": "ok"}]}
	EOF
	"$ISMSCTL" --store "$S" -q init >/dev/null &&
		"$ISMSCTL" --store "$S" -q import "$T/org.json" >/dev/null
}

# e2e_policy SERVICES FROM: both users match one rule for SERVICES (JSON
# array body) from FROM (likewise); its preconditions decide between them.
e2e_policy() {
	cat >"$T/policy.json" <<-EOF
	{"version": 1, "asset": "$E2E_ASSET", "mode": "enforce", "on_error": "deny",
	 "rules": [
	  {"id": "e2e-staff", "users": ["$E2E_OK", "$E2E_NO"], "services": [$1], "from": [$2],
	   "require": {"acknowledged": "infosec-policy", "reviewed_within_days": 90, "active": true},
	   "allow": true},
	  {"id": "default", "allow": false}]}
	EOF
	chmod 0644 "$T/policy.json"
}

# e2e_pam_service NAME FILE-TEXT: install /etc/pam.d/NAME, removed on exit.
e2e_pam_service() {
	if [ -e "/etc/pam.d/$1" ] && ! echo "$E2E_UNDO_FILES" | grep -qF "/etc/pam.d/$1"; then
		# Left behind by a run that was killed: ours by its name, replace it.
		echo "# replacing a stale /etc/pam.d/$1"
	fi
	E2E_UNDO_FILES="$E2E_UNDO_FILES /etc/pam.d/$1"
	printf '%s\n' "$2" >"/etc/pam.d/$1"
	chmod 0644 "/etc/pam.d/$1"
}

# ev_count KIND SUBJECT [TEXT]: how many evidence rows of KIND for SUBJECT
# (whose JSON contains TEXT, if given), through 'ismsctl evidence list',
# once pam_isms's journal is drained into the chain (audisp-isms does that
# within a second where it runs; here it may not).
ev_count() {
	"$ISMSCTL" --store "$S" -q journal drain >/dev/null 2>"$ERR" || { echo -1; return; }
	"$ISMSCTL" --store "$S" --json evidence list --kind "$1" --subject "$2" >"$T/ev.json" 2>"$ERR" ||
		{ echo -1; return; }
	# Rows are counted, not lines: a row may name TEXT in several fields.
	# details is a JSON object in --json: TEXT written for the string it
	# was (\"rhost\":...) is looked for unescaped.
	EV_TEXT=${3:-} awk 'BEGIN { t = ENVIRON["EV_TEXT"]; gsub(/\\"/, "\"", t) }
		/"id": *[0-9]/ { n++ }
		n && (t == "" || index($0, t)) && !(n in seen) { seen[n] = 1; c++ }
		END { print c + 0 }' "$T/ev.json"
}

# ev_detail KIND SUBJECT KEY: the value of KEY in the details of each row of
# KIND for SUBJECT, decoded (json-c writes '/' as '\/'), one line per row.
ev_detail() {
	"$ISMSCTL" --store "$S" --json evidence list --kind "$1" --subject "$2" >"$T/ev.json" 2>"$ERR" ||
		return 0
	python3 -c '
import json, sys
for row in json.load(open(sys.argv[1])):
    det = row.get("details") or {}
    v = (json.loads(det) if isinstance(det, str) else det).get(sys.argv[2])
    print(v if isinstance(v, str) else json.dumps(v))' "$T/ev.json" "$3"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
