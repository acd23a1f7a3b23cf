#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# audisp-isms against laurel and a bare auparse_feed loop, on the same logs.
#
#   bench/run-plugin-bench.sh [-B BUILDDIR] [--seed STREAM] [--sizes "100000 1000000"]
#                             [--repeat 3] [--keep] [--only-isms]
#                             [--peer NAME=BUILDDIR [--peer-sql NAME=SQL]]...
#
# --peer adds the audisp-isms of another build (an earlier commit, say) as
# rows "NAME:replay" and "NAME:stdin", measured in the same run, each run
# against a fresh store made by that build's own ismsctl init; --peer-sql
# runs SQL on that peer's empty store first (e.g. dropping indexes, to
# measure what they cost).
#
# 1. Records a seed with the real auditd (root): auditd -n -c $W/conf with
#    its own auditd.conf and plugin_dir in a temporary directory, a capture
#    plugin, a keyed watch, an unkeyed syscall rule and PAM logins through
#    pamtester.  The machine's audit subsystem is taken for a few seconds
#    and always given back (rules removed, enabled flag restored).  With
#    --seed, a recorded plugin stream is used instead (no root needed).
# 2. bench/gen_audit_log.py replicates the seed's events with increasing
#    timestamps and serials into logs of at least SIZE records (keyed
#    SYSCALL+CWD+PATH+PROCTITLE, USER_*/CRED_*, unkeyed SYSCALL+PROCTITLE,
#    4:3:3 by events), as a disk log (no EOE) and as a plugin stream (EOE).
# 3. Feeds each log to auparse_bare (the parsing limit), laurel
#    (laurel -c CONFIG < FILE, output in the temporary directory) and
#    audisp-isms (--replay FILE and stdin, fresh store each run, keeping all
#    keyed and all user-space events), and prints events/s, peak RSS and
#    CPU seconds per million events (user + system; the plugin's share of
#    a central's cores).
#    Each is run --repeat times (best wall time, largest RSS): the machine
#    may be shared.  Then checks the evidence of the largest audisp-isms
#    run: counters add up and 'ismsctl verify' passes.
#
# Everything is generated into a temporary directory, removed at the end
# unless --keep.  Timings are printed, never asserted.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/e2e/auditd_conf.sh"
BUILD="$ROOT/build"
SEED=""
SIZES="100000 1000000"
REPEAT=3
KEEP=0
ONLY_ISMS=0
PEERS=""
while [ $# -gt 0 ]; do
	case "$1" in
	-B) BUILD=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--sizes) SIZES=$2; shift 2 ;;
	--repeat) REPEAT=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--only-isms) ONLY_ISMS=1; shift ;;
	--peer)
		case "$2" in *=*) ;; *) echo "run-plugin-bench: --peer NAME=BUILDDIR" >&2; exit 2 ;; esac
		PEERS="$PEERS ${2%%=*}"
		eval "PEER_DIR_${2%%=*}=\${2#*=}"
		shift 2 ;;
	--peer-sql) eval "PEER_SQL_${2%%=*}=\${2#*=}"; shift 2 ;;
	-h | --help) sed -n '3,/^set -eu$/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-plugin-bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
PLUGIN="$BUILD/auditd_plugin/audisp-isms"
ISMSCTL="$BUILD/tools/ismsctl"
# ismsctl finds the catalogues through ISMS_DATA_DIR (meson devenv sets it): the tree's
: "${ISMS_DATA_DIR:=$ROOT/data}"
export ISMS_DATA_DIR
BARE="$BUILD/bench/auparse_bare"
for f in "$PLUGIN" "$ISMSCTL" $([ "$ONLY_ISMS" -eq 1 ] || echo "$BARE"); do
	[ -x "$f" ] || { echo "run-plugin-bench: '$f' missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
LAUREL=$(command -v laurel || true)
[ -n "$LAUREL" ] || echo "run-plugin-bench: laurel not found (package laurel): its rows are skipped" >&2
[ -x /usr/bin/time ] || { echo "run-plugin-bench: /usr/bin/time missing (package time)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/audisp-bench.XXXXXX")
chmod 0755 "$W"
APID=""
RULES=0
ORIG_ENABLED=""
cleanup() {
	set +e
	if [ "$RULES" -eq 1 ]; then
		auditctl -D >/dev/null 2>&1
	fi
	if [ -n "$APID" ]; then
		kill -TERM "$APID" 2>/dev/null
		n=100
		while [ "$n" -gt 0 ] && kill -0 "$APID" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
		kill -KILL "$APID" 2>/dev/null
		wait "$APID" 2>/dev/null
	fi
	[ -n "$ORIG_ENABLED" ] && auditctl -e "$ORIG_ENABLED" >/dev/null 2>&1
	rm -f /etc/pam.d/isms-bench
	if [ "$KEEP" -eq 1 ]; then echo "kept: $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# --- 1. the seed -------------------------------------------------------------

record_seed() {
	[ "$(id -u)" -eq 0 ] || { echo "run-plugin-bench: recording needs root (or give --seed STREAM)" >&2; exit 1; }
	for c in auditd auditctl pamtester; do
		command -v "$c" >/dev/null 2>&1 || { echo "run-plugin-bench: '$c' not found" >&2; exit 1; }
	done
	auditctl -s >"$W/audit.status" 2>&1 || { echo "run-plugin-bench: no audit subsystem: $(head -1 "$W/audit.status")" >&2; exit 1; }
	if ps -C auditd -o stat= 2>/dev/null | grep -qv '^Z' ||
		[ "$(awk '$1 == "pid" { print $2 }' "$W/audit.status")" != 0 ]; then
		echo "run-plugin-bench: the audit subsystem belongs to a running auditd; not now" >&2
		exit 1
	fi
	[ -z "$(auditctl -l 2>/dev/null | grep -v '^No rules')" ] ||
		{ echo "run-plugin-bench: audit rules are loaded; not touching them" >&2; exit 1; }
	ORIG_ENABLED=$(awk '$1 == "enabled" { print $2 }' "$W/audit.status")
	mkdir -p "$W/conf/plugins.d" "$W/data"
	auditd_conf "$W/conf/auditd.conf" "$W/seed.log" "$W/conf/plugins.d"
	printf '#!/bin/sh\nexec cat >%s/seed.stream\n' "$W" >"$W/capture.sh"
	chmod 0755 "$W/capture.sh"
	printf 'active = yes\ndirection = out\npath = %s/capture.sh\ntype = always\nformat = string\n' \
		"$W" >"$W/conf/plugins.d/capture.conf"
	chmod 0644 "$W/conf/auditd.conf" "$W/conf/plugins.d/capture.conf"
	printf 'auth required pam_permit.so\naccount required pam_unix.so\nsession required pam_permit.so\n' \
		>/etc/pam.d/isms-bench
	auditd -n -c "$W/conf" >"$W/auditd.out" 2>&1 &
	APID=$!
	n=0
	until auditctl -s | grep -qx "pid $APID"; do
		n=$((n + 1))
		[ "$n" -lt 100 ] || { echo "run-plugin-bench: auditd did not start" >&2; exit 1; }
		sleep 0.1
	done
	echo "watched" >"$W/data/watched.conf"
	RULES=1
	auditctl -w "$W/data/watched.conf" -p rwa -k bench-watch >/dev/null
	auditctl -a always,exit -F arch=b64 -S uname -F exe=/usr/bin/uname >/dev/null
	i=0
	while [ "$i" -lt 30 ]; do
		cat "$W/data/watched.conf" >/dev/null
		# From a child: on a host booted without audit=1 this shell, started
		# before auditd, is never audited (the kernel decides at fork).
		sh -c 'echo "$1" >>"$2"' sh "$i" "$W/data/watched.conf"
		uname -a >/dev/null
		pamtester isms-bench root authenticate acct_mgmt open_session close_session >/dev/null 2>&1
		i=$((i + 1))
	done
	auditctl -D >/dev/null
	RULES=0
	sleep 1
	kill -TERM "$APID"
	wait "$APID" || true
	APID=""
	auditctl -e "$ORIG_ENABLED" >/dev/null 2>&1
	rm -f /etc/pam.d/isms-bench
	SEED="$W/seed.stream"
}

if [ -n "$SEED" ]; then
	echo "seed: $SEED (given)"
else
	record_seed
	echo "seed: recorded with auditd $(dpkg-query -W -f='${Version}' auditd 2>/dev/null || echo '?'): $(grep -c . "$SEED") lines"
fi

# --- 2. the logs ---------------------------------------------------------------

for size in $SIZES; do
	python3 "$ROOT/bench/gen_audit_log.py" "$SEED" "$size" "$W/$size.log" "$W/$size.stream" >"$W/$size.gen"
	echo "log $size: $(cat "$W/$size.gen"), $(du -m "$W/$size.log" | cut -f1) MiB on disk"
done

# --- 3. the runs ---------------------------------------------------------------

"$ISMSCTL" --store "$W/template.db" -q init >/dev/null
for p in $PEERS; do
	eval "d=\$PEER_DIR_$p sql=\${PEER_SQL_$p:-}"
	case "$d" in /*) ;; *) d="$(pwd)/$d" ;; esac
	eval "PEER_DIR_$p=\$d"
	[ -x "$d/auditd_plugin/audisp-isms" ] && [ -x "$d/tools/ismsctl" ] ||
		{ echo "run-plugin-bench: peer '$p': no audisp-isms or ismsctl in '$d'" >&2; exit 1; }
	"$d/tools/ismsctl" --store "$W/template-$p.db" -q init >/dev/null
	[ -z "$sql" ] || sqlite3 "$W/template-$p.db" "$sql"
done
cat >"$W/audit.json" <<-EOF
{"comment": "benchmark: keep all keyed and all user-space events",
 "asset": "bench-host",
 "keep": {"unkeyed_syscalls": false, "all_user_messages": true, "raw": true},
 "keys": {"bench-*": {"asset": "bench-files", "control": "8.9"}}}
EOF
chmod 0644 "$W/audit.json"
CONF="$W/audit.json"
[ "$(id -u)" -eq 0 ] || CONF="$W/none.json" # the plugin trusts only root's files: defaults
mkdir -p "$W/laurel"
cat >"$W/laurel.toml" <<-EOF
directory = "$W/laurel/out"
user = "$(id -u _laurel >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && echo _laurel || id -un)"
statusreport-period = 0
[auditlog]
file = "audit.log"
size = 100000000000
generations = 1
EOF

now_ns() { date +%s%N; }

prep_none() { :; }
prep_laurel() {
	rm -rf "$W/laurel/out"
	mkdir -p "$W/laurel/out"
	[ "$(id -u)" -ne 0 ] || chown _laurel "$W/laurel/out" 2>/dev/null || true
}
TEMPLATE="$W/template.db"
prep_store() {
	rm -rf "$W/store.db" "$W/store.db-wal" "$W/store.db-shm" "$W/spool"
	cp "$TEMPLATE" "$W/store.db"
	mkdir -p "$W/spool"
}

# measure PREPARE INPUT CMD...: $REPEAT runs of CMD with INPUT on stdin, PREPARE
# before each; SECS is the fastest run's wall time and CPU its user+system
# time, RSS_KB the largest peak RSS of all runs.  The machine may be shared:
# the fastest run is the least disturbed.
TABLE="$W/table"
: >"$TABLE"
measure() {
	prep=$1 input=$2
	shift 2
	SECS="" CPU="" RSS_KB=0
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		i=$((i + 1))
		$prep
		sync
		t0=$(now_ns)
		/usr/bin/time -f '%M %U %S' -o "$W/time.out" "$@" <"$input" >"$W/run.out" 2>"$W/run.err" || {
			echo "run-plugin-bench: '$*' failed:" >&2
			tail -5 "$W/run.err" >&2
			exit 1
		}
		t1=$(now_ns)
		read -r kb us ss <<-EOF
		$(tail -1 "$W/time.out")
		EOF
		[ "$kb" -le "$RSS_KB" ] || RSS_KB=$kb
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		if [ -z "$SECS" ] || awk -v a="$s" -v b="$SECS" 'BEGIN { exit !(a < b) }'; then
			SECS=$s
			CPU=$(awk -v u="$us" -v y="$ss" 'BEGIN { printf "%.2f", u + y }')
		fi
	done
}

row() { # SIZE FORM TOOL EVENTS SEEN
	awk -v size="$1" -v form="$2" -v tool="$3" -v ev="$4" -v seen="$5" -v s="$SECS" -v kb="$RSS_KB" -v cpu="$CPU" \
		'BEGIN { printf "%-8s %-7s %-20s %8s %8s %8.2f %8.2f %10.0f %8.1f %9.2f\n", size, form, tool, ev, seen, s, cpu, ev / s, kb / 1024, cpu / ev * 1e6 }' |
		tee -a "$TABLE"
}

isms_counters() { # STORE -> "received stored filtered duplicates malformed"
	"$ISMSCTL" --store "$1" evidence counters | awk '$1 == "audisp-isms" { print $2, $3, $4, $5, $6 }'
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); best of $REPEAT runs each"
printf '\n%-8s %-7s %-20s %8s %8s %8s %8s %10s %8s %9s\n' records form tool events seen seconds "cpu s" events/s "RSS MiB" "cpu s/M"
for size in $SIZES; do
	events=$(awk '{ print $2 }' "$W/$size.gen")
	for form in log stream; do
		in="$W/$size.$form"
		if [ "$ONLY_ISMS" -eq 0 ]; then
			measure prep_none "$in" "$BARE"
			row "$size" "$form" auparse_bare "$events" "$(awk '{ print $2 }' "$W/run.out")"
			if [ -n "$LAUREL" ]; then
				measure prep_laurel "$in" "$LAUREL" -c "$W/laurel.toml"
				row "$size" "$form" laurel "$events" "$(cat "$W"/laurel/out/audit.log* | wc -l)"
			fi
		fi
		for mode in replay stdin; do
			# the peers first, this build last (its store is checked below)
			for who in $PEERS audisp-isms; do
				if [ "$who" = audisp-isms ]; then
					TEMPLATE="$W/template.db" P="$PLUGIN" C="$ISMSCTL"
				else
					eval "d=\$PEER_DIR_$who"
					TEMPLATE="$W/template-$who.db" P="$d/auditd_plugin/audisp-isms" C="$d/tools/ismsctl"
				fi
				if [ "$mode" = replay ]; then
					measure prep_store /dev/null "$P" -c "$CONF" --store "$W/store.db" \
						--spool "$W/spool" --stats --replay "$in"
				else
					measure prep_store "$in" "$P" -c "$CONF" --store "$W/store.db" \
						--spool "$W/spool" --stats
				fi
				set -- $("$C" --store "$W/store.db" evidence counters | awk '$1 == "audisp-isms" { print $2, $3, $4, $5, $6 }')
				row "$size" "$form" "$who:$mode" "$events" "$1"
			done
			echo "$size $form $mode received $1 stored $2 filtered $3 duplicates $4 malformed $5" >>"$W/counters"
		done
	done
done
echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- evidence of the largest run ---------------------------------------------------

echo
last=$(tail -1 "$W/counters")
echo "audisp-isms, last run ($(echo "$last" | cut -d' ' -f1-3)): $(echo "$last" | cut -d' ' -f4-)"
set -- $last
[ "$5" -eq $(($7 + $9 + ${11} + ${13})) ] && echo "counters add up: received = stored + filtered + duplicates + malformed" ||
	echo "COUNTERS DO NOT ADD UP"
echo "evidence rows in the store: $("$ISMSCTL" --store "$W/store.db" --json evidence list --source audisp-isms 2>/dev/null | grep -c '"id":')"
# What a stored event costs: the store after VACUUM over its evidence rows
# (goal, issue 9: at most 300 bytes).
if command -v sqlite3 >/dev/null 2>&1; then
	rm -f "$W/vacuum.db"
	sqlite3 "$W/store.db" "VACUUM INTO '$W/vacuum.db'"
	rows=$(sqlite3 "$W/store.db" "SELECT count(*) FROM evidence")
	awk -v b="$(wc -c <"$W/vacuum.db")" -v n="$rows" -v d="$(sqlite3 "$W/store.db" "SELECT coalesce(sum(length(details)), 0) FROM evidence")" \
		'BEGIN { if (n) printf "bytes/event: %.0f (store after VACUUM / %d evidence rows; details alone %.0f, goal 300)\n", b / n, n, d / n }'
	rm -f "$W/vacuum.db"
fi
if "$ISMSCTL" --store "$W/store.db" verify >"$W/verify.out" 2>&1; then
	echo "ismsctl verify: $(cat "$W/verify.out")"
else
	echo "ismsctl verify FAILED: $(cat "$W/verify.out")"
fi

# --- against the goal ----------------------------------------------------------------

big=$(echo $SIZES | awk '{ print $NF }')
echo
awk -v big="$big" '
$1 == big { eps[$2 "/" $3] = $8 }
END {
	for (f = 1; f <= 2; f++) {
		form = f == 1 ? "log" : "stream"
		b = eps[form "/auparse_bare"]; l = eps[form "/laurel"]
		for (m = 1; m <= 2; m++) {
			mode = m == 1 ? "replay" : "stdin"
			i = eps[form "/audisp-isms:" mode]
			if (!i || !l || !b) continue
			printf "%s %-6s audisp-isms:%-6s %5.1fx laurel (goal 4x), %4.2f of the bare parser (goal 0.5)\n", \
				big, form, mode, l ? i / l : 0, b ? i / b : 0
		}
	}
}' "$TABLE"
# What the plugin's share of the cores costs the central (issue 13): CPU
# seconds per million events (= microseconds per event), goal at most twice
# the bare auparse loop's.
awk -v big="$big" '
$1 == big { cpm[$2 "/" $3] = $10 }
END {
	for (f = 1; f <= 2; f++) {
		form = f == 1 ? "log" : "stream"
		b = cpm[form "/auparse_bare"]; l = cpm[form "/laurel"]
		for (m = 1; m <= 2; m++) {
			mode = m == 1 ? "replay" : "stdin"
			i = cpm[form "/audisp-isms:" mode]
			if (i == "") continue
			printf "%s %-6s cpu s per million events: audisp-isms:%-6s %6.2f, laurel %s, auparse_bare %s", \
				big, form, mode, i, l == "" ? "-" : sprintf("%.2f", l), b == "" ? "-" : sprintf("%.2f", b)
			if (b > 0) printf "; %.2fx the bare parser (goal at most 2x)", i / b
			printf "\n"
		}
	}
}' "$TABLE"
awk -v sizes="$SIZES" 'BEGIN { n = split(sizes, s, " ") }
{ rss[$1 "/" $2 "/" $3] = $9 }
END {
	if (n < 2) exit
	for (k in rss) {
		split(k, p, "/")
		if (p[1] != s[1]) continue
		big = s[n] "/" p[2] "/" p[3]
		if (big in rss)
			printf "peak RSS %-7s %-20s %7.1f MiB at %s records, %7.1f MiB at %s\n", p[2], p[3], rss[k], s[1], rss[big], s[n]
	}
}' "$TABLE" | sort
