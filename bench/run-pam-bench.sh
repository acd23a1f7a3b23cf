#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What pam_isms adds to a login: pam_start/pam_acct_mgmt/pam_end in a loop,
# in one run, for
#   permit       pam_permit.so alone (the floor: PAM itself)
#   access       pam_access.so with a 50-line access.conf (accessfile=)
#   isms         pam_isms.so with the equivalent 50-rule policy (compiled),
#                rule 49th, preconditions read from the facts snapshot of a
#                real store and the decision written to the journal (noaudit)
#   isms-audit   the same with the kernel audit record too (fewer calls, so
#                as not to flood the audit log)
# through service files in a temporary confdir (pam_start_confdir), never
# /etc/pam.d.  Two rounds: idle, then with audisp-isms ingesting a large
# generated log (bench/gen_audit_log.py, L records) into the same store at
# full speed and draining the journal.  Prints p50, p99 and calls/s of each,
# each minus permit, pam_access/pam_isms at p50, the goals, and that every
# decision reached the chain.
#
#   bench/run-pam-bench.sh [-n N] [-l L] [-b BUILDDIR] [-u USER]
#
# N defaults to 2000 ($N also works), L to 2000000, BUILDDIR to build-bench
# (set up here if missing, optimised, without sanitizers), USER to nobody.
# Needs root: pam_isms accepts only a root-owned policy.  Timings are never
# asserted.
set -eu
cd "$(dirname "$0")/.."

N=${N:-2000}
L=${L:-2000000}
BUILD=build-bench
BUSER=nobody
while getopts n:l:b:u:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	l) L=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	u) BUSER=$OPTARG ;;
	h) sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
AUDIT_N=$((N / 4))
# pam_access is slow: a quarter of the calls give its p50 as well and keep
# the round under load shorter than the plugin's ingest.
ACCESS_N=$((N / 4))
[ "$ACCESS_N" -ge 1 ] || ACCESS_N=1
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
quietly ninja -C "$BUILD" pam_module/pam_isms.so tools/ismsctl bench/pam_bench \
	auditd_plugin/audisp-isms
SO=$(pwd)/$BUILD/pam_module/pam_isms.so
PLUGIN=$(pwd)/$BUILD/auditd_plugin/audisp-isms
ISMSCTL=$(pwd)/$BUILD/tools/ismsctl
BENCH=$(pwd)/$BUILD/bench/pam_bench
export ISMS_DATA_DIR="$(pwd)/data"

T=$(mktemp -d "${TMPDIR:-/tmp}/isms-bench.XXXXXX")
PLUGIN_PID=""
cleanup() {
	if [ -n "$PLUGIN_PID" ]; then
		kill "$PLUGIN_PID" 2>/dev/null || true
		wait "$PLUGIN_PID" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT
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
# As an installation does after each change of the policy (isms-snapshot.timer
# does it hourly too): pam_isms then decodes STORE.policy instead of parsing
# the JSON.  BENCH_NO_COMPILE=1 leaves it out, to see the parse's cost.
[ -n "${BENCH_NO_COMPILE:-}" ] || "$ISMSCTL" --store "$S" -q policy compile "$T/policy.json"

mkdir "$T/pam.d"
ARGS="policy=$T/policy.json store=$S"
echo "account required pam_permit.so" >"$T/pam.d/permit"
echo "account required pam_access.so accessfile=$T/access.conf" >"$T/pam.d/access"
echo "account required $SO $ARGS noaudit" >"$T/pam.d/isms"
echo "account required $SO $ARGS" >"$T/pam.d/isms-audit"

echo "pam_bench: $N calls each (access: $ACCESS_N, isms-audit: $AUDIT_N), round-robin, user '$BUSER' from 127.0.0.1"
echo "host: $(uname -srm), $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
"$ISMSCTL" --store "$S" --json snapshot | tr -d '\n ' | sed 's/^/facts snapshot: /; s/$/\n/'
rc=0
echo
echo "idle:"
"$BENCH" -n "$N" -u "$BUSER" -r 127.0.0.1 -c "$T/pam.d" permit "access=$ACCESS_N" isms "isms-audit=$AUDIT_N" \
	>"$T/idle.out" || rc=$?
cat "$T/idle.out"

# The same with audisp-isms writing a large log into the same store as fast
# as it can, and draining the journal the logins fill, meanwhile.
python3 bench/gen_audit_log.py tests/data/audit/raw.stream "$L" "$T/big.log" "$T/big.stream" \
	>"$T/gen.out"
printf '{"asset": "bench-host", "keep": {"unkeyed_syscalls": true, "all_user_messages": true, "raw": true}}\n' \
	>"$T/audit.json"
chmod 0644 "$T/audit.json"
mkdir -m 0700 "$T/spool"
"$PLUGIN" -c "$T/audit.json" --store "$S" --spool "$T/spool" --stats --replay "$T/big.log" \
	</dev/null >"$T/plugin.out" 2>"$T/plugin.err" &
PLUGIN_PID=$!
# Under way: the plugin has the store open and is writing.
sleep 1
echo
echo "with audisp-isms ingesting a log of $(cut -d' ' -f1-2 "$T/gen.out") into the same store:"
"$BENCH" -n "$N" -u "$BUSER" -r 127.0.0.1 -c "$T/pam.d" permit "access=$ACCESS_N" isms >"$T/load.out" || rc=$?
cat "$T/load.out"
if kill -0 "$PLUGIN_PID" 2>/dev/null; then
	echo "(audisp-isms was still ingesting when the round ended: the load held throughout)"
else
	echo "warning: audisp-isms finished before the round did: raise -l" >&2
fi
kill -TERM "$PLUGIN_PID" 2>/dev/null || true
wait "$PLUGIN_PID" 2>/dev/null || true
PLUGIN_PID=""
echo "audisp-isms: $(grep -o 'received [0-9]* stored [0-9]*' "$T/plugin.err" | tail -1)"

# The goals, from the figures above.
echo
awk '
FNR == 1 { round++ }
$2 !~ /^[0-9]+$/ { next }
$1 == "permit" || $1 == "access" || $1 == "isms" { p50[round, $1] = $3; p99[round, $1] = $4 }
$1 == "isms" { bad[round] = ($7 != "all") }
END {
	for (r = 1; r <= 2; r++) {
		name = (r == 1) ? "idle:" : "ingest:"
		add = p50[r, "isms"] - p50[r, "permit"]
		add99 = p99[r, "isms"] - p99[r, "permit"]
		ratio = (p50[r, "isms"] > 0) ? p50[r, "access"] / p50[r, "isms"] : 0
		printf "%-8s p50 ms: permit %.3f, access %.3f, isms %.3f; p99 ms: permit %.3f, access %.3f, isms %.3f\n", name, p50[r, "permit"], p50[r, "access"], p50[r, "isms"], p99[r, "permit"], p99[r, "access"], p99[r, "isms"]
		printf "%-8s pam_isms adds %+.3f ms p50 over pam_permit (goal <= +0.3): %s\n", name, add, (add <= 0.3) ? "met" : "NOT met"
		printf "%-8s pam_access/pam_isms p50 %.1fx (goal >= 10x): %s\n", name, ratio, (ratio >= 10) ? "met" : "NOT met"
		if (r == 2) {
			printf "%-8s pam_isms p99 %.3f ms (goal <= 1 ms): %s; pam_permit p99 %.3f ms in the same run\n", name, p99[r, "isms"], (p99[r, "isms"] <= 1) ? "met" : "NOT met", p99[r, "permit"]
			printf "%-8s pam_isms adds %+.3f ms p99 over pam_permit in the same run (goal <= +1 ms): %s\n", name, add99, (add99 <= 1) ? "met" : "NOT met"
		} else {
			printf "%-8s pam_isms adds %+.3f ms p99 over pam_permit\n", name, add99
		}
		printf "%-8s allowed logins denied: %s\n", name, bad[r] ? "SOME (see above)" : "none"
	}
}' "$T/idle.out" "$T/load.out"

# Every decision reached the chain: drain what is left, then count.
"$ISMSCTL" --store "$S" -q journal drain
rows=$(sqlite3 "$S" "SELECT count(*) FROM evidence WHERE source = 'pam_isms' AND kind = 'access.allow' AND subject = '$BUSER'")
want=$(( (N + 50) * 2 + (AUDIT_N + 50) ))
echo "evidence: $rows access.allow rows from pam_isms, $want logins of pam_isms (warm-up included)"
"$ISMSCTL" --store "$S" verify | head -1
exit $rc
