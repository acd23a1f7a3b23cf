# SPDX-License-Identifier: GPL-2.0-or-later
# pam_isms in a real sshd: a key login of an allowed user gets a shell, a
# denied user's does not, both decisions are evidence in the store, and
# mode=audit lets the denied user in while recording the would-be denial.
#
# sshd runs on 127.0.0.1 on a free high port with its own config, host key
# and authorized keys in $T.  OpenSSH 9.2 takes its PAM service name from
# the basename of argv[0], so it is started through a symlink named after
# the test service, /etc/pam.d/isms-e2e-sshd, which is removed on exit.
. "$ISMS_TAP_LIB"
. "$(dirname "$0")/e2e_lib.sh"

SSHD=/usr/sbin/sshd
SVC=isms-e2e-sshd

e2e_need_root
[ -x "$SSHD" ] || skip_all "$SSHD not found (package openssh-server)"
for c in ssh ssh-keygen; do
	command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found (package openssh-client)"
done
e2e_asan

SSHD_PID=""
stop_sshd() {
	[ -n "$SSHD_PID" ] || return 0
	kill "$SSHD_PID" 2>/dev/null
	# The pid file names the listener too, should $! ever be a wrapper.
	pid=$(cat "$T/sshd.pid" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null
	n=50
	while [ "$n" -gt 0 ] && kill -0 "$SSHD_PID" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -9 "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=""
}
E2E_CLEANUP_HOOK=stop_sshd

# sshd refuses to start without its privilege separation directory.
if [ ! -d /run/sshd ]; then
	mkdir -p /run/sshd && chmod 0755 /run/sshd
	E2E_UNDO_FILES="$E2E_UNDO_FILES /run/sshd"
fi

# sshd reads authorized keys as the user: $T must be searchable.
chmod 0711 "$T"
mkdir -p "$T/keys" && chmod 0755 "$T/keys"
ssh-keygen -q -t ed25519 -N '' -C isms-e2e-host -f "$T/hostkey" >/dev/null
ssh-keygen -q -t ed25519 -N '' -C isms-e2e-user -f "$T/userkey" >/dev/null
e2e_user "$E2E_OK" && e2e_user "$E2E_NO" || skip_all "cannot create the test users"
for u in "$E2E_OK" "$E2E_NO"; do
	cp "$T/userkey.pub" "$T/keys/$u" && chmod 0644 "$T/keys/$u"
done
ln -s "$SSHD" "$T/$SVC"

e2e_store || skip_all "cannot create the store"
e2e_policy "\"$SVC\"" '"127.0.0.1", "::1"'

# pam_text MODE: the PAM service, with mode=MODE on both pam_isms lines.
pam_text() {
	args="policy=$T/policy.json store=$S spool=$T/spool busy_ms=2000 mode=$1"
	cat <<-EOF
	# isms end-to-end test service, removed when the test ends
	auth     required pam_deny.so
	account  required pam_unix.so
	account  required $PAM_ISMS_SO $args
	session  required $PAM_ISMS_SO $args
	session  optional pam_unix.so
	password required pam_deny.so
	EOF
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + $$ % 20000))
}

# start_sshd: on a free port; 0 when it listens, within 10 s.
start_sshd() {
	tries=0
	while [ "$tries" -lt 5 ]; do
		tries=$((tries + 1))
		PORT=$(free_port)
		cat >"$T/sshd_config" <<-EOF
		ListenAddress 127.0.0.1
		Port $PORT
		HostKey $T/hostkey
		PidFile $T/sshd.pid
		UsePAM yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PubkeyAuthentication yes
		AuthenticationMethods publickey
		AuthorizedKeysFile $T/keys/%u
		StrictModes no
		PermitRootLogin no
		UseDNS no
		PrintMotd no
		PrintLastLog no
		X11Forwarding no
		AllowTcpForwarding no
		LogLevel VERBOSE
		EOF
		: >"$T/sshd.log"
		rm -f "$T/sshd.pid"
		# Started directly, not through a shell function, so that $! is
		# sshd itself; no descriptor of the test's is left to it, so even
		# a stray sshd could not hold the test runner's pipes open.
		env $E2E_ENV "$T/$SVC" -D -e -f "$T/sshd_config" \
			</dev/null >>"$T/sshd.log" 2>&1 &
		SSHD_PID=$!
		if wait_for 10 grep -q "Server listening on 127.0.0.1 port $PORT" "$T/sshd.log"; then
			return 0
		fi
		stop_sshd
		grep -q "Address already in use" "$T/sshd.log" || break
	done
	sed 's/^/# sshd: /' "$T/sshd.log" | tail -20
	return 1
}

# login USER: a key login running 'echo SHELL-OK', bounded to 30 s.
login() {
	run timeout 30 ssh -F /dev/null -i "$T/userkey" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 \
		-p "$PORT" "$1@127.0.0.1" 'echo SHELL-OK'
}

session_closed() { [ "$(ev_count session.close "$E2E_OK")" -ge "$1" ]; }

# --- enforce ---------------------------------------------------------------

e2e_pam_service "$SVC" "$(pam_text enforce)"
if ! start_sshd; then
	# With an ASan-built module sshd runs with the runtime preloaded; where
	# that cannot work, this build cannot test the module inside sshd.
	[ "$E2E_ASAN" -eq 0 ] || skip_all "sshd does not start with the ASan runtime preloaded ($(tail -1 "$T/sshd.log"))"
	not_ok "sshd starts on 127.0.0.1 with the test configuration"
	done_testing
	exit
fi
login "$E2E_OK"
if [ "$E2E_ASAN" -eq 1 ] && [ "$RC" -ne 0 ] && grep -Eq "AddressSanitizer|ASan runtime|libasan|dlopen" "$T/sshd.log"; then
	skip_all "pam_isms (ASan) cannot be loaded into sshd: $(grep -Em1 "AddressSanitizer|ASan runtime|libasan|dlopen" "$T/sshd.log")"
fi
ok "sshd listens on 127.0.0.1 port $PORT as PAM service '$SVC'"
if [ "$E2E_ASAN" -eq 1 ]; then
	if grep -q libasan "/proc/$SSHD_PID/maps" 2>/dev/null; then
		ok "sshd runs with the ASan runtime, so the ASan-built module is checked inside it"
	else
		not_ok "sshd runs with the ASan runtime, so the ASan-built module is checked inside it"
	fi
fi

expect_rc 0 "allowed user: key login succeeds"
out_has "SHELL-OK" "allowed user: gets a shell"

login "$E2E_NO"
if [ "$RC" -ne 0 ]; then ok "denied user: login fails"; else not_ok "denied user: login fails"; fi
out_lacks "SHELL-OK" "denied user: never reaches a shell"
err_has "Access denied by the ISMS policy" "denied user: is told the policy denied the login"
if grep -q "Access denied for user $E2E_NO by PAM account configuration" "$T/sshd.log"; then
	ok "sshd: denied by PAM account management"
else
	not_ok "sshd: denied by PAM account management"
	sed 's/^/# sshd: /' "$T/sshd.log" | tail -20
fi

# Evidence of both decisions, with the source address sshd passed as PAM_RHOST.
is "$(ev_count access.allow "$E2E_OK")" 1 "store: one access.allow for the allowed user"
is "$(ev_count access.allow "$E2E_OK" '\"rhost\":\"127.0.0.1\"')" 1 "store: the allow has rhost 127.0.0.1"
is "$(ev_count access.allow "$E2E_OK" "\\\"service\\\":\\\"$SVC\\\"")" 1 "store: the allow names the sshd service"
is "$(ev_count access.deny "$E2E_NO")" 1 "store: one access.deny for the denied user"
is "$(ev_count access.deny "$E2E_NO" '\"rhost\":\"127.0.0.1\"')" 1 "store: the deny has rhost 127.0.0.1"
is "$(ev_count access.deny "$E2E_NO" "infosec-policy")" 1 "store: the deny gives the missing acknowledgement as reason"
is "$(ev_count access.deny "$E2E_NO" '"outcome":"deny"')" 1 "store: the deny has outcome deny"
is "$(ev_count access.allow "$E2E_NO")" 0 "store: no access.allow for the denied user"

is "$(ev_count session.open "$E2E_OK")" 1 "store: session.open for the allowed login"
wait_for 10 session_closed 1
is "$(ev_count session.close "$E2E_OK")" 1 "store: session.close for the allowed login"
is "$(ev_count session.open "$E2E_NO")" 0 "store: no session for the denied user"

isms --store "$S" evidence list
expect_rc 0 "ismsctl evidence list runs"
if grep -E "access\.allow .* $E2E_OK +allow" "$OUT" >/dev/null; then ok "ismsctl evidence: shows the allow"; else not_ok "ismsctl evidence: shows the allow"; fi
if grep -E "access\.deny .* $E2E_NO +deny" "$OUT" >/dev/null; then ok "ismsctl evidence: shows the deny"; else not_ok "ismsctl evidence: shows the deny"; fi

# --- audit mode: the denied user gets in, the would-be denial is recorded ---

stop_sshd
e2e_pam_service "$SVC" "$(pam_text audit)"
if start_sshd; then
	ok "sshd restarted with mode=audit"
	login "$E2E_NO"
	expect_rc 0 "audit mode: the denied user's login succeeds"
	out_has "SHELL-OK" "audit mode: the denied user gets a shell"
	is "$(ev_count access.audit-deny "$E2E_NO")" 1 "store: access.audit-deny for the denied user"
	is "$(ev_count access.audit-deny "$E2E_NO" '"outcome":"audit-deny"')" 1 "store: outcome audit-deny"
	is "$(ev_count access.audit-deny "$E2E_NO" '\"mode\":\"audit\"')" 1 "store: the decision names mode audit"
	is "$(ev_count access.audit-deny "$E2E_NO" '\"rhost\":\"127.0.0.1\"')" 1 "store: the audit-deny has rhost 127.0.0.1"
	is "$(ev_count access.deny "$E2E_NO")" 1 "store: no further access.deny"
	login "$E2E_OK"
	expect_rc 0 "audit mode: the allowed user still gets in"
	is "$(ev_count access.allow "$E2E_OK")" 2 "store: a second access.allow"
	wait_for 10 session_closed 2
	is "$(ev_count session.close "$E2E_OK")" 2 "store: every session closed is recorded"
	stop_sshd
else
	not_ok "sshd restarted with mode=audit"
fi

isms --store "$S" verify
expect_rc 0 "ismsctl verify: the evidence chain is intact"
if grep -q "Server listening" "$T/sshd.log" && ! grep -Eqi "fatal|segfault|AddressSanitizer" "$T/sshd.log"; then
	ok "sshd (mode=audit, no denial): no fatal errors"
else
	not_ok "sshd (mode=audit, no denial): no fatal errors"
	sed 's/^/# sshd: /' "$T/sshd.log" | tail -20
fi
e2e_sanitizer_clean "no sanitizer report from the module inside sshd"
done_testing
