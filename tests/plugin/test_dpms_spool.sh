# SPDX-License-Identifier: GPL-2.0-or-later
# Personal rows (dpms: keys) when the DPMS store fails: spooled as the DPMS
# store's own (dpms-ev-*.jsonl), never into the ISMS store or its spool
# files; drained into the DPMS store once it works, never twice; the ISMS
# rows of the same batches stored all the same.
. "$ISMS_TAP_LIB"

. "${ISMS_SOURCE_ROOT:?}/tests/plugin/lib.sh"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set or not built"

trap 'rm -rf "$T"' EXIT
S="$T/isms.db"
P="$T/dpms.db"
SP="$T/spool"
new_store "$S"
jq --arg p "$P" '. + {dpms_store: $p}' "$D/audit.json" >"$CONF"
chmod 0600 "$CONF"
# one personal access (dpms:customers) and one ordinary event
LOG="$T/in.log"
head -n 3 "$D/filtered.log" >"$LOG"
grep -m 1 'type=USER_AUTH' "$D"/*.log | cut -d: -f2- >>"$LOG" || true
[ "$(grep -c 'dpms:customers' "$LOG")" -eq 1 ] || { echo "Bail out! the test log has no personal access"; exit 1; }

dpms_files() { find "$SP" -maxdepth 1 -name 'dpms-ev-*.jsonl' | wc -l | tr -d ' '; }
ev_files() { find "$SP" -maxdepth 1 -name 'ev-*.json*' | wc -l | tr -d ' '; }
# rows whose details name the personal file, through the tools: row format 3
# keeps details compressed, in batches
with_path() { "$1" --store "$2" --json evidence list | jq '[.[] | select((.details // "" | tostring) | contains("customers.db"))] | length'; }
personal_in_isms() { with_path "$ISMSCTL" "$S"; }

# 1. the DPMS store is there but is not a store
printf 'not a store, but long enough for SQLite to read it as a header of one\n' >"$P"
"$AUDISP_ISMS" -c "$CONF" --store "$S" --spool "$SP" --replay "$LOG" >/dev/null 2>"$T/1.err"
is "$?" 0 "a broken DPMS store: the replay ends well"
clean_err "$T/1.err"
is "$?" 0 "no sanitizer report"
is "$(dpms_files)" 1 "the personal row is spooled as the DPMS store's"
is "$(cat "$SP"/dpms-ev-*.jsonl | grep -c 'customers.db')" 1 "one piece, the personal access"
is "$(ev_files)" 0 "nothing in the ISMS store's spool files"
is "$(personal_in_isms)" 0 "nothing personal in the ISMS store"
[ "$(rows "$S")" -ge 1 ]
is "$?" 0 "the ISMS rows are stored all the same"
grep -q "spooled" "$T/1.err"
is "$?" 0 "the spooling is said"
"$ISMSCTL" --store "$S" -q evidence drain --spool "$SP" >/dev/null 2>&1
is "$(dpms_files)" 1 "ismsctl evidence drain leaves the DPMS store's files alone"
is "$(personal_in_isms)" 0 "and puts nothing personal into the ISMS store"

# 2. the DPMS store works again: the next run drains the spool into it, once
rm -f "$P"
"$DPMSCTL" --store "$P" -q init >/dev/null 2>"$T/init.err" ||
	{ echo "Bail out! dpmsctl init: $(cat "$T/init.err")"; exit 1; }
"$AUDISP_ISMS" -c "$CONF" --store "$S" --spool "$SP" --replay "$LOG" >/dev/null 2>"$T/2.err"
is "$?" 0 "the replay with a working DPMS store ends well"
is "$(dpms_files)" 0 "the DPMS spool is drained"
is "$(with_path "$DPMSCTL" "$P")" 1 \
	"the personal row is in the DPMS store once (the replayed copy is a duplicate)"
"$AUDISP_ISMS" -c "$CONF" --store "$S" --spool "$SP" --replay "$LOG" >/dev/null 2>"$T/3.err"
is "$(with_path "$DPMSCTL" "$P")" 1 \
	"and still once after another replay"
is "$(personal_in_isms)" 0 "still nothing personal in the ISMS store"
"$DPMSCTL" --store "$P" verify >/dev/null 2>&1
is "$?" 0 "the DPMS chain verifies"

done_testing
