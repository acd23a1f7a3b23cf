# SPDX-License-Identifier: GPL-2.0-or-later
# pam_isms in real /etc/pam.d services driven by unmodified programs:
# pamtester (account and session) and su (root to a user: pam_rootok first
# in auth, so no password is asked; pam_isms decides in account).  Allowed,
# denied, unknown user, audit mode; every decision is evidence in the store.
#
# su has fixed service names, so its service file is bind-mounted over
# /etc/pam.d/su inside a private mount namespace (unshare -m): the host's
# su is never touched, even if the test is killed.
. "$ISMS_TAP_LIB"
. "$(dirname "$0")/e2e_lib.sh"

SVC=isms-e2e-pamtester
SVC_AUDIT=isms-e2e-pamtester-audit

e2e_need_root
command -v pamtester >/dev/null 2>&1 || skip_all "pamtester not found (package pamtester)"
e2e_asan

e2e_user "$E2E_OK" && e2e_user "$E2E_NO" || skip_all "cannot create the test users"
e2e_store || skip_all "cannot create the store"
e2e_policy "\"$SVC\", \"$SVC_AUDIT\", \"su\"" '"127.0.0.1", "::1", "LOCAL"'

# pam_text MODE: a service deciding in account and recording sessions.
pam_text() {
	args="policy=$T/policy.json store=$S spool=$T/spool busy_ms=2000 mode=$1"
	cat <<-EOF
	# isms end-to-end test service, removed when the test ends
	auth     required pam_deny.so
	account  required $PAM_ISMS_SO $args
	session  required $PAM_ISMS_SO $args
	password required pam_deny.so
	EOF
}
e2e_pam_service "$SVC" "$(pam_text enforce)"
e2e_pam_service "$SVC_AUDIT" "$(pam_text audit)"

# pt ARGS...: pamtester, bounded.
pt() { run e2e_run_host timeout 30 pamtester -v "$@"; }

# --- pamtester, enforce ------------------------------------------------------

pt -I rhost=127.0.0.1 -I tty=pts/7 "$SVC" "$E2E_OK" acct_mgmt open_session close_session
expect_rc 0 "pamtester: allowed user passes account management and opens a session"
out_has "account management done" "pamtester: account management succeeded"

pt -I rhost=127.0.0.1 -I tty=pts/7 "$SVC" "$E2E_NO" acct_mgmt open_session
if [ "$RC" -ne 0 ]; then ok "pamtester: denied user fails account management"; else not_ok "pamtester: denied user fails account management"; fi
err_has "Permission denied" "pamtester: the denial is PAM_PERM_DENIED"
err_has "Access denied by the ISMS policy: has not acknowledged" "pamtester: the user is told why"
out_lacks "successfully opened a session" "pamtester: no session for the denied user"

# Allowed user, but from an address no allow rule names: the default rule denies.
pt -I rhost=192.0.2.7 "$SVC" "$E2E_OK" acct_mgmt
if [ "$RC" -ne 0 ]; then ok "pamtester: allowed user from 192.0.2.7 is denied"; else not_ok "pamtester: allowed user from 192.0.2.7 is denied"; fi

pt "$SVC" isms-e2e-nosuch acct_mgmt
if [ "$RC" -ne 0 ]; then ok "pamtester: unknown user is denied"; else not_ok "pamtester: unknown user is denied"; fi

is "$(ev_count access.allow "$E2E_OK")" 1 "store: one access.allow for the allowed user"
is "$(ev_count access.allow "$E2E_OK" '\"rhost\":\"127.0.0.1\"')" 1 "store: the allow has rhost 127.0.0.1"
is "$(ev_detail access.allow "$E2E_OK" tty)" pts/7 "store: the allow has tty pts/7"
is "$(ev_count session.open "$E2E_OK")" 1 "store: session.open for the allowed user"
is "$(ev_count session.close "$E2E_OK")" 1 "store: session.close for the allowed user"
is "$(ev_count access.deny "$E2E_NO")" 1 "store: one access.deny for the denied user"
is "$(ev_count access.deny "$E2E_NO" 'infosec-policy')" 1 "store: the deny names the missing acknowledgement"
is "$(ev_count session.open "$E2E_NO")" 0 "store: no session.open for the denied user"
is "$(ev_count access.deny "$E2E_OK" '\"rule\":\"default\"')" 1 "store: the deny from 192.0.2.7 was the default rule's"
is "$(ev_count access.deny isms-e2e-nosuch '\"unknown_user\":true')" 1 "store: the unknown user's deny is marked unknown_user"

# --- pamtester, audit mode -----------------------------------------------------

pt -I rhost=127.0.0.1 "$SVC_AUDIT" "$E2E_NO" acct_mgmt open_session close_session
expect_rc 0 "audit mode: the denied user passes account management"
is "$(ev_count access.audit-deny "$E2E_NO")" 1 "store: access.audit-deny for the denied user"
is "$(ev_count access.audit-deny "$E2E_NO" '"outcome":"audit-deny"')" 1 "store: outcome audit-deny"
is "$(ev_count access.audit-deny "$E2E_NO" '\"mode\":\"audit\"')" 1 "store: the decision names mode audit"
is "$(ev_count session.open "$E2E_NO")" 1 "store: the audit-mode session is recorded"

# --- su, as root, through a private mount namespace ------------------------

# su_as SERVICE-FILE USER: su to USER running 'echo SU-OK' with SERVICE-FILE as
# /etc/pam.d/su in a mount namespace of its own; bounded to 30 s.
su_as() {
	run timeout 30 unshare -m sh -c 'f=$1; shift; mount --bind "$f" /etc/pam.d/su && exec "$@"' sh "$1" \
		env $E2E_ENV su -s /bin/sh -c 'echo SU-OK' "$2" </dev/null
}

SU_SKIP=""
if ! command -v unshare >/dev/null 2>&1 || ! command -v su >/dev/null 2>&1; then
	SU_SKIP="unshare or su not found"
elif ! timeout 10 unshare -m sh -c 'mount --bind /dev/null /etc/hostname' >/dev/null 2>&1; then
	SU_SKIP="cannot bind-mount in a private mount namespace here"
fi
if [ -n "$SU_SKIP" ]; then
	for i in 1 2 3 4 5 6 7; do
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N # SKIP su: $SU_SKIP"
	done
else
	su_svc() {
		printf '%s\n' "# su for the isms end-to-end test (bind-mounted, never installed)" \
			"auth     sufficient pam_rootok.so" \
			"auth     required   pam_deny.so" \
			"account  required   $PAM_ISMS_SO policy=$T/policy.json store=$S spool=$T/spool mode=$1" \
			"session  required   $PAM_ISMS_SO policy=$T/policy.json store=$S spool=$T/spool mode=$1" \
			"password required   pam_deny.so" >"$T/su.$1"
		chmod 0644 "$T/su.$1"
	}
	su_svc enforce
	su_svc audit
	su_as "$T/su.enforce" "$E2E_OK"
	out_has "SU-OK" "su: root to the allowed user runs the command"
	su_as "$T/su.enforce" "$E2E_NO"
	out_lacks "SU-OK" "su: root to the denied user does not"
	if [ "$RC" -ne 0 ]; then ok "su: fails for the denied user"; else not_ok "su: fails for the denied user"; fi
	is "$(ev_count access.allow "$E2E_OK" '\"service\":\"su\"')" 1 "store: su allow recorded with service su"
	is "$(ev_count access.deny "$E2E_NO" '\"service\":\"su\"')" 1 "store: su deny recorded with service su"
	su_as "$T/su.audit" "$E2E_NO"
	out_has "SU-OK" "su, audit mode: the denied user gets in"
	is "$(ev_count access.audit-deny "$E2E_NO" '\"service\":\"su\"')" 1 "store: su audit-deny recorded"
fi

# --- the record --------------------------------------------------------------

isms --store "$S" evidence list
expect_rc 0 "ismsctl evidence list runs"
if grep -E "access\.allow .* $E2E_OK +allow" "$OUT" >/dev/null; then ok "ismsctl evidence: shows the allow"; else not_ok "ismsctl evidence: shows the allow"; fi
if grep -E "access\.deny .* $E2E_NO +deny" "$OUT" >/dev/null; then ok "ismsctl evidence: shows the deny"; else not_ok "ismsctl evidence: shows the deny"; fi
if grep -E "access\.audit-deny .* $E2E_NO +audit-deny" "$OUT" >/dev/null; then ok "ismsctl evidence: shows the audit-deny"; else not_ok "ismsctl evidence: shows the audit-deny"; fi
isms --store "$S" verify
expect_rc 0 "ismsctl verify: the evidence chain is intact"
is "$(ls "$T/spool" 2>/dev/null | wc -l)" 0 "nothing was left in the spool"
e2e_sanitizer_clean "no sanitizer report from the module inside pamtester and su"
done_testing
