# SPDX-License-Identifier: GPL-2.0-or-later
# ismsctl policy check / policy test on real policy files and a real store.
. "$ISMS_TAP_LIB"
SRC="$ISMS_SOURCE_ROOT"

isms -q init; expect_rc 0 "init"
isms -q import "$SRC/data/demo/org.json"; expect_rc 0 "import demo organisation"

P="$T/policy.json"
cp "$SRC/data/policy.example.json" "$P"; chmod 644 "$P"

isms policy check "$P"; expect_rc 0 "example policy is accepted"
out_has "6 rules for asset 'db-prod-01'" "check summarises the policy"
isms --json policy check "$P"; expect_rc 0 "check --json"
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], d["rules"], d["mode"])' "$OUT")" \
	"True 6 enforce" "check --json reports ok, rules and mode"

# Every problem, each with its JSON path; a syntax error with its line.
cat >"$T/bad.json" <<'JSON'
{"version": 1, "asset": "x", "colour": "red",
 "rules": [{"id": "a", "alow": true, "from": ["10.0.0.0/33", "not a host!"]},
           {"id": "a", "allow": true, "time": {"hours": "7-19", "tz": "Mars/Olympus"}},
           {"id": "b", "allow": false, "flag": "break-glass"}]}
JSON
chmod 644 "$T/bad.json"
isms policy check "$T/bad.json"; expect_rc 5 "malformed policy: exit 5"
err_has "\$: unknown member 'colour'" "unknown top-level member named"
err_has "\$.rules[0]: unknown member 'alow'" "misspelt member named with its rule"
err_has "\$.rules[0].from[0]: '10.0.0.0/33': prefix length must be 0-32" "bad prefix named"
err_has "\$.rules[0].from[1]" "bad source named"
err_has "\$.rules[1].id: 'a' is also the id of rules[0]" "duplicate id named"
err_has "\$.rules[1].time.hours" "bad hours named"
err_has "time zone 'Mars/Olympus' is not in the time zone database" "unknown zone named"
err_has "\$.rules[2]: a break-glass rule must allow" "deny break-glass refused"
err_has "rejected: 9 problems" "all problems counted"

printf '{"version": 1,\n "asset": "x",\n "rules": [ {"id": }\n' >"$T/syntax.json"; chmod 644 "$T/syntax.json"
isms policy check "$T/syntax.json"; expect_rc 5 "syntax error: exit 5"
err_has "syntax.json:3:20: \$.rules[0].id: not valid JSON" "syntax error names its line, column and path"
# Strict JSON (issue #8): a comment used to hang the check at 100% CPU.
printf '{"version": 1,\n "asset": "x",\n "rules": [ // first match wins }\n {"id": "a", "allow": true}]}\n' >"$T/comment.json"; chmod 644 "$T/comment.json"
run timeout 20 "$ISMSCTL" policy check "$T/comment.json"; expect_rc 5 "policy with a comment: exit 5, no hang"
err_has "comment.json:3:13: \$.rules[0]: not valid JSON: comments are not allowed" "comment refused at its place"

chmod 666 "$P"
isms policy check "$P"; expect_rc 6 "world-writable policy: exit 6"
err_has "not group- or world-writable" "insecure policy explained"
err_has "chmod 644" "insecure policy: the fix is given"
chmod 644 "$P"
if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$P"
	isms policy check "$P"; expect_rc 6 "policy not owned by root: exit 6"
	chown 0 "$P"
fi
isms policy check "$T/none.json"; expect_rc 3 "missing policy: exit 3"

# Cross-check against the register.
sed 's/"db-prod-01"/"no-such-host"/' "$P" >"$T/other.json"; chmod 644 "$T/other.json"
isms policy check "$T/other.json"; expect_rc 0 "unknown asset is a warning, not an error"
err_has "asset 'no-such-host' is not in the register" "unknown asset warned"

# policy test: the decision, its rule and its reasons, without a login.
isms policy test --policy "$P" --user alice --groups alice --from 10.1.2.3 --at 2026-11-26T10:00Z
expect_rc 0 "alice is allowed (exit 0)"
out_has "decision: allow (rule 'admins')" "alice: rule admins decides"
# One date parser: an offset that is not digits, or out of range, is refused.
for at in 2026-11-26T10:00+zz:zz 2026-11-26T10:00+24:00 2026-11-26T10:00+01:99 'last tuesday' @-1 @99999999999999999999; do
	isms policy test --policy "$P" --user alice --groups alice --from 10.1.2.3 --at "$at"
	expect_rc 2 "--at '$at' refused"
done
isms policy test --policy "$P" --user bob --groups bob --from 10.1.2.3
expect_rc 1 "bob is denied (exit 1)"
out_has "has not acknowledged the current version of 'infosec-policy'" "bob: old acknowledgement named"
out_has "never reviewed" "bob: missing access review named"
isms policy test --policy "$P" --user mallory --groups mallory --from 203.0.113.9
expect_rc 1 "unknown person denied"
out_has "rule 'default': matches" "trace shows the rule that matched"
out_has "rule 'admins': does not match: user 'mallory' not in its users or groups" "trace explains misses"
isms policy test --policy "$P" --user alice --groups alice --from 10.1.2.3 --no-store
expect_rc 1 "without the store, preconditions fail closed"
out_has "cannot be confirmed" "unknown facts explained"

# Time windows in Europe/Berlin: Monday 2026-11-30 08:30 local = 07:30Z; 19:30 local = 18:30Z.
isms person add --name dora --role admin; expect_rc 0 "add dba person"
isms ack add --person dora --document infosec-policy --version 2.1 --at 2026-11-01; expect_rc 0 "dora acknowledges"
isms review add --kind access --subject "dora on db-prod-01" --asset db-prod-01 --person dora --due 2026-11-30 --done 2026-11-20 --result ok
expect_rc 0 "dora's access reviewed"
isms policy test --policy "$P" --user dora --groups dba --from 10.9.9.9 --at 2026-11-30T07:30Z
expect_rc 0 "dba inside office hours allowed"
out_has "rule 'dba' allows: member of group 'dba'" "allowed by group"
isms policy test --policy "$P" --user dora --groups dba --from 10.9.9.9 --at 2026-11-30T18:30Z
expect_rc 1 "dba after hours denied"
out_has "Mon 19:30 Europe/Berlin is outside 07:00-19:00" "time window explained in local time"
isms --json policy test --policy "$P" --user dora --groups dba --from 10.9.9.9 --at 2026-11-30T08:30+01:00
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["decision"], d["rule"], d["at"])' "$OUT")" \
	"allow dba 2026-11-30T07:30:00Z" "--at with an offset, JSON decision"
isms policy test --policy "$P" --user dora --at yesterday
expect_rc 2 "bad --at is a usage error"

# Lockdown: only break-glass admits.
isms asset set db-prod-01 --locked-down yes; expect_rc 0 "lock the asset down"
isms policy test --policy "$P" --user dora --groups dba --from 10.9.9.9 --at 2026-11-30T07:30Z
expect_rc 1 "locked-down asset denies the dba rule"
out_has "is locked down" "lockdown named"
isms policy test --policy "$P" --user tkoch --groups emergency --from 203.0.113.9
expect_rc 0 "break-glass admits during lockdown"
out_has "break-glass access: flagged for review" "break-glass flagged"

# policy test looks groups up as pam_isms does: every group, or an error
# (users and groups from nss_wrapper, none added to the system).
if [ -e /usr/lib/x86_64-linux-gnu/libnss_wrapper.so ] || ldconfig -p | grep -q libnss_wrapper; then
	printf 'isms-frank:x:3006:3006::/nonexistent:/bin/false\nisms-oscar:x:3007:3999::/nonexistent:/bin/false\n' >"$T/passwd"
	{
		echo "isms-frank:x:3006:"
		i=1
		while [ $i -le 300 ]; do
			printf 'isms-g%03d:x:%d:isms-frank\n' $i $((5000 + i))
			i=$((i + 1))
		done
	} >"$T/group"
	cat >"$T/g300.json" <<'JSON'
{"version": 1, "asset": "db-prod-01",
 "rules": [{"id": "no-g300", "groups": "isms-g300", "allow": false}, {"id": "all", "allow": true}]}
JSON
	chmod 644 "$T/g300.json"
	nss() { LD_PRELOAD="${LD_PRELOAD:-}${LD_PRELOAD:+ }libnss_wrapper.so" NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" "$@"; }
	nss isms policy test --policy "$T/g300.json" --user isms-frank --no-store
	expect_rc 1 "the 300th group of a user counts: denied"
	out_has "rule 'no-g300'" "denied by the rule on the 300th group"
	nss isms policy test --policy "$T/g300.json" --user isms-oscar --no-store
	expect_rc 1 "a user whose groups cannot all be resolved is an error, never allowed"
	err_has "cannot resolve user 'isms-oscar' and all of its groups" "the lookup failure explained"
else
	ok "# SKIP nss_wrapper is not installed"
fi

# policy compile: the pre-parsed form pam_isms decodes, beside the store by default.
isms policy compile "$P"; expect_rc 0 "policy compile"
out_has "compiled into $ISMS_STORE.policy" "compiled beside the store"
is "$(stat -c '%a %U' "$ISMS_STORE.policy")" "644 root" "compiled policy: root's, 0644"
isms policy compile "$P" --to "$T/other.policy"; expect_rc 0 "policy compile --to"
run cmp -s "$ISMS_STORE.policy" "$T/other.policy"; expect_rc 0 "the same policy compiles to the same bytes"
isms policy compile "$T/bad.json" --to "$T/other.policy"; expect_rc 5 "a malformed policy is not compiled: exit 5"
err_has "not compiled: rejected" "compile says why"
run cmp -s "$ISMS_STORE.policy" "$T/other.policy"; expect_rc 0 "the compiled file already there is left alone"
chmod 666 "$P"
isms policy compile "$P"; expect_rc 6 "an insecure policy is not compiled: exit 6"
chmod 644 "$P"
isms policy compile "$P" extra; expect_rc 2 "compile takes one file"

# Spool drain on an empty or missing spool.
isms evidence drain --spool "$T/spool"; expect_rc 0 "drain of a missing spool"
out_has "0 spooled evidence records stored" "nothing drained"

done_testing
