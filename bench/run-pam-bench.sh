#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What pam_isms adds to a login: pam_start/pam_acct_mgmt/pam_end in a loop,
# in one run, for
#   permit       pam_permit.so alone (the floor: PAM itself)
#   access       pam_access.so with a 50-line access.conf (accessfile=)
#   isms         pam_isms.so with the equivalent 50-rule policy, the matching
#                rule 49th, preconditions read from a real store and the
#                decision written to its evidence chain (noaudit)
#   isms-audit   the same with the kernel audit record too (fewer calls, so
#                as not to flood the audit log)
# through service files in a temporary confdir (pam_start_confdir), never
# /etc/pam.d.  Prints p50, p99 and calls/s of each, and each minus permit.
#
#   bench/run-pam-bench.sh [-n N] [-b BUILDDIR] [-u USER]
#
# N defaults to 2000 ($N also works), BUILDDIR to build-bench (set up here
# if missing, optimised, without sanitizers), USER to nobody.  Needs root:
# pam_isms accepts only a root-owned policy.  Timings are never asserted.
set -eu
cd "$(dirname "$0")/.."

N=${N:-2000}
BUILD=build-bench
BUSER=nobody
while getopts n:b:u:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	u) BUSER=$OPTARG ;;
	h) sed -n '3,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
AUDIT_N=$((N / 4))
[ "$AUDIT_N" -ge 1 ] || AUDIT_N=1

if [ "$(id -u)" -ne 0 ]; then
	echo "run-pam-bench: needs root (pam_isms accepts only a root-owned policy)" >&2
	exit 1
fi
id "$BUSER" >/dev/null 2>&1 || { echo "run-pam-bench: no user '$BUSER'" >&2; exit 1; }

# Quiet when it works, the whole story when it does not.
quietly() {
	out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; echo "run-pam-bench: '$*' failed" >&2; exit 1; }
}
[ -d "$BUILD" ] || quietly meson setup "$BUILD" -Dbuildtype=release -Db_sanitize=none
quietly ninja -C "$BUILD" pam_module/pam_isms.so tools/ismsctl bench/pam_bench
SO=$(pwd)/$BUILD/pam_module/pam_isms.so
ISMSCTL=$(pwd)/$BUILD/tools/ismsctl
BENCH=$(pwd)/$BUILD/bench/pam_bench
export ISMS_DATA_DIR="$(pwd)/data"

T=$(mktemp -d "${TMPDIR:-/tmp}/isms-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
S=$T/store.db
ASSET=isms-bench-host
today=$(date -u +%Y-%m-%d)

# The register: the user as a person who acknowledged the policy document
# and whose access was reviewed today, so the matching rule's preconditions
# hold and the decision is an allow after every store read it needs.
cat >"$T/org.json" <<EOF
{"person": [{"name": "$BUSER", "role": "admin"}],
 "asset": [{"name": "$ASSET", "type": "host", "owner": "$BUSER", "description": "benchmark host"}],
 "document": [{"name": "infosec-policy", "title": "Information security policy", "version": "1.0"}],
 "ack": [{"person": "$BUSER", "document": "infosec-policy", "version": "1.0", "at": "$today"}],
 "review": [{"kind": "access", "subject": "benchmark access", "asset": "$ASSET", "person": "$BUSER",
             "due": "$today", "done": "$today", "result": "ok"}]}
EOF
"$ISMSCTL" --store "$S" -q init >/dev/null
"$ISMSCTL" --store "$S" -q import "$T/org.json" >/dev/null

# 48 group lines no one matches, the user's line 49th, deny all 50th; the
# policy says the same in the same order.
{
	i=1
	while [ "$i" -le 48 ]; do
		printf '+ : (isms-bench-g%02d) : 10.%d.0.0/16\n' "$i" "$i"
		i=$((i + 1))
	done
	printf '+ : %s : 127.0.0.1\n' "$BUSER"
	printf -- '- : ALL : ALL\n'
} >"$T/access.conf"
{
	printf '{"version": 1, "asset": "%s", "mode": "enforce", "on_error": "deny",\n "rules": [\n' "$ASSET"
	i=1
	while [ "$i" -le 48 ]; do
		printf '  {"id": "g%02d", "groups": ["isms-bench-g%02d"], "from": ["10.%d.0.0/16"], "allow": true},\n' \
			"$i" "$i" "$i"
		i=$((i + 1))
	done
	printf '  {"id": "user", "users": ["%s"], "from": ["127.0.0.1"],\n' "$BUSER"
	printf '   "require": {"acknowledged": "infosec-policy", "reviewed_within_days": 90, "active": true},\n'
	printf '   "allow": true},\n'
	printf '  {"id": "default", "allow": false}]}\n'
} >"$T/policy.json"
chmod 0644 "$T/policy.json" "$T/access.conf"
"$ISMSCTL" --store "$S" policy check "$T/policy.json" >/dev/null

mkdir "$T/pam.d"
ARGS="policy=$T/policy.json store=$S spool=$T/spool"
echo "account required pam_permit.so" >"$T/pam.d/permit"
echo "account required pam_access.so accessfile=$T/access.conf" >"$T/pam.d/access"
echo "account required $SO $ARGS noaudit" >"$T/pam.d/isms"
echo "account required $SO $ARGS" >"$T/pam.d/isms-audit"

echo "pam_bench: $N calls each (isms-audit: $AUDIT_N), round-robin, user '$BUSER' from 127.0.0.1"
echo "host: $(uname -srm), $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
rc=0
"$BENCH" -n "$N" -u "$BUSER" -r 127.0.0.1 -c "$T/pam.d" permit access isms "isms-audit=$AUDIT_N" || rc=$?

# In production audisp-isms keeps the store open, so a login's connection is
# never the last one: SQLite then neither creates and deletes the WAL files
# nor checkpoints (four fdatasyncs) when the login's connection closes.
# The same run with a connection held open the way the collector holds it:
echo
echo "with the store held open, as audisp-isms holds it in production:"
mkfifo "$T/hold"
(cat "$T/hold" | sqlite3 "$S" >/dev/null) &
HOLDER=$!
exec 9>"$T/hold"
echo "SELECT count(*) FROM evidence;" >&9
sleep 0.2
"$BENCH" -n "$N" -u "$BUSER" -r 127.0.0.1 -c "$T/pam.d" permit isms || rc=$?
exec 9>&-
wait "$HOLDER" 2>/dev/null || true

# Every decision is in the chain, and the chain holds.
rows=$("$ISMSCTL" --store "$S" --json evidence list --kind access.allow | grep -c '"id":' || true)
echo "evidence: $rows access.allow rows written (warm-up included), spool: $(ls "$T/spool" 2>/dev/null | wc -l) left"
"$ISMSCTL" --store "$S" verify | head -1
exit $rc
