# SPDX-License-Identifier: GPL-2.0-or-later
# audisp-isms's attribution of node= (audisp-isms(8), FLEET) on replayed logs
# (tests/data/audit/fleet-*.log) into stores whose nodes are registered with
# 'ismsctl node add': attributed, kept apart, quarantined; an impersonator
# whose forgeries never suppress the genuine events; Kerberos principals; a
# registry that cannot be read; "fleet": "off".
. "$ISMS_TAP_LIB"

. "${ISMS_SOURCE_ROOT:?}/tests/plugin/lib.sh"

# conf NAME FLEET: the test configuration with "fleet": FLEET in $T/NAME.json
conf() {
	jq --arg f "$2" '. + {fleet: $f}' "$D/audit.json" >"$T/$1.json"
	chmod 0600 "$T/$1.json"
}
conf address address
conf krb5 krb5
conf off off

# replay CONF STORE FILE: counters in $STATS
replay() {
	run "$AUDISP_ISMS" -c "$T/$1.json" --store "$2" --spool "$T/spool" --stats --replay "$3"
	if ! clean_err "$ERR"; then not_ok "no sanitizer report: replay $3"; fi
	STATS=$(sed -n 's/^audisp-isms: \(received .* malformed [0-9]*\).*/\1/p' "$ERR" | tail -n 1)
}
# evidence STORE [ARGS]: ismsctl's JSON list
evidence() { s=$1; shift; "$ISMSCTL" --store "$s" --json evidence list "$@"; }
# ev STORE EVENT_KEY JQ: one field of one row
ev() { evidence "$1" --event-key "$2" | jq -r ".[0] | $3"; }
# count STORE JQ-FILTER: rows that match
count() { evidence "$1" | jq "[.[] | select($2)] | length"; }

# A store with the fleet registered: host-a (10.0.0.2, an asset, a principal),
# host-b (10.0.0.3, a principal, no asset), the central itself.
B="$T/base.db"
new_store "$B"
"$ISMSCTL" --store "$B" -q asset add --name host-a-asset --type host >/dev/null
"$ISMSCTL" --store "$B" -q node add --name host-a --addresses 10.0.0.2 --asset host-a-asset \
	--principal host/a.example@EXAMPLE >/dev/null
"$ISMSCTL" --store "$B" -q node add --name host-b --addresses 10.0.0.3 \
	--principal host/b.example@EXAMPLE >/dev/null
"$ISMSCTL" --store "$B" -q node add --name central --local yes >/dev/null
is "$("$ISMSCTL" --store "$B" --json node list | jq length)" 3 "three nodes registered"
fresh() { rm -f "$1" "$1-wal" "$1-shm"; cp "$B" "$1"; }

# --- (1) two registered nodes with their connections: attributed ------------------

S="$T/attributed.db"
fresh "$S"
replay address "$S" "$D/fleet-attributed.log"
expect_rc 0 "attributed: exit 0"
is "$STATS" "received 11 stored 11 filtered 0 duplicates 0 malformed 0" \
	"attributed: every line's event stored, counters balance"
is "$(ev "$S" audit:host-a:1700000901.000:10 '[.source, .kind, .asset, .node] | join(" ")')" \
	"audisp-isms auth.failure host-a-asset host-a" \
	"attributed: host-a's event under the usual key, the registry's asset"
is "$(ev "$S" audit:host-b:1700000901.000:10 '[.source, .asset, .node] | join(" ")')" \
	"audisp-isms host-b host-b" "attributed: host-b's too (no asset registered: named as the node)"
is "$(ev "$S" audit:host-a:1700000901.100:11 '[.kind, .asset, (.details | .records)] | join(" ")')" \
	"file.watch web01 2" "attributed: a two-record event whole, the key map's asset"
is "$(ev "$S" audit:central:1700000901.200:12 '.source')" "audisp-isms" \
	"attributed: node= of the node registered local is local"
is "$(ev "$S" audit::1700000901.300:13 '[.source, .asset] | join(" ")')" "audisp-isms test-host" \
	"attributed: a line without node= is local, as before"
is "$(evidence "$S" --kind fleet.connect | jq -r '[.[] | .node + ":" + .outcome] | sort | join(" ")')" \
	":refused host-a:success host-b:success" \
	"attributed: DAEMON_ACCEPT is fleet.connect of the sender's node; res=no refused"
is "$(evidence "$S" --kind fleet.disconnect | jq -r '[.[] | .node] | sort | join(" ")')" "host-a host-b" \
	"attributed: DAEMON_CLOSE is fleet.disconnect"
is "$(count "$S" '.kind == "audit.daemon"')" 0 "attributed: one row per ACCEPT and CLOSE, not two"
is "$(ev "$S" audit::1700000900.001:2 '.details | .addr')" "::ffff:10.0.0.3" \
	"attributed: the sender's address in the details"
k=$(evidence "$S" --source audisp-isms-quarantine | jq -r '.[0].event_key')
case "$k" in quarantine:audit:host-a:1700000911.000:14:????????????????) ok "attributed: after its CLOSE, host-a's line is quarantined ($k)" ;;
*) not_ok "attributed: after its CLOSE, host-a's line is quarantined (got '$k')" ;; esac
is "$(evidence "$S" --source audisp-isms-quarantine | jq -r '.[0].details | .attribution.reason')" \
	"no connection open from an address of node 'host-a'" "attributed: the reason says why"
replay address "$S" "$D/fleet-attributed.log"
is "$STATS" "received 11 stored 0 filtered 0 duplicates 11 malformed 0" "attributed: a second replay stores nothing"
is "$(count "$S" '.kind | startswith("fleet.imp")')" 1 "attributed: nor a second fleet.impersonation"

# --- (2) an impersonator: forged copies of host-b's events first ------------------

S="$T/impersonation.db"
fresh "$S"
replay address "$S" "$D/fleet-impersonation.log"
expect_rc 0 "impersonation: exit 0"
is "$STATS" "received 104 stored 104 filtered 0 duplicates 0 malformed 0" \
	"impersonation: nothing suppressed, nothing dropped"
# every genuine event's raw text (acct="bobN") stored exactly once, none missing
is "$(evidence "$S" | jq -r '[.[] | select(.details != null) | .details | select(.acct != null and (.acct | startswith("bob"))) | .raw] | group_by(.) | map(length) | [length, max] | join(" ")')" \
	"50 1" "impersonation: all 50 genuine events stored, each exactly once"
is "$(count "$S" '.source == "audisp-isms" and .kind == "auth.failure"')" 25 \
	"impersonation: the 25 genuine events after the stranger left are attributed"
is "$(evidence "$S" --source audisp-isms-quarantine | jq -r '[.[] | .details | .acct | sub("[0-9]+$"; "")] | group_by(.) | map(.[0] + ":" + (length | tostring)) | join(" ")')" \
	"bob:25 mallory:50" \
	"impersonation: the 50 forgeries quarantined, and the 25 genuine ones while the stranger was connected, apart"
is "$(evidence "$S" --source audisp-isms-quarantine | jq -r '[.[] | .event_key] | unique | length')" 75 \
	"impersonation: a forgery and the genuine event of the same time and serial have different keys"
is "$(evidence "$S" --source audisp-isms-quarantine | jq -r '[.[] | .asset, .node] | unique | map(. // "none") | join(" ")')" \
	"none" "impersonation: quarantined rows are no node's and no asset's"
is "$(evidence "$S" --kind fleet.impersonation | jq -r '.[] | [.control, .outcome, (.details | .claimed, .reason, (.senders | join(",")), .first)] | join("|")')" \
	"8.15|refused|host-b|a connection from an address of no registered node is open|10.0.0.9|audit:host-b:1700001001.000:100" \
	"impersonation: one fleet.impersonation for the claimed node, reason and connection epoch"
is "$(ev "$S" audit::1700001000.001:2 '[.kind, .outcome] | join(" ")')" "fleet.connect unregistered" \
	"impersonation: the stranger's connection is fleet.connect, unregistered"
run "$ISMSCTL" --store "$S" verify
expect_rc 0 "impersonation: the chain verifies, quarantine and all"

# --- (2b) a forged pam_isms decision: never the module's ------------------------
# (found by the fleet's end-to-end test) pam_isms's own audit record links to
# the evidence the module wrote, under the module's key: one that cannot be
# believed, or of a node not registered, must not stand for that evidence
# (nor, stored first, suppress the genuine decision of that key).
S="$T/forged.db"
fresh "$S"
replay address "$S" "$D/fleet-forged-decision.log"
expect_rc 0 "forged decision: exit 0"
is "$(count "$S" '.source == "pam_isms"')" 0 "forged decision: no row stored as pam_isms's"
is "$(count "$S" '(.event_key // "") | startswith("pam:")')" 0 "forged decision: none under the module's key"
is "$(count "$S" '.source == "audisp-isms-quarantine" and .kind == "access.allow" and (.event_key | startswith("quarantine:audit:host-a:"))')" 1 \
	"forged decision: the claim of host-a quarantined as what it says"
is "$(count "$S" '.source == "audisp-isms-unregistered" and .kind == "access.allow" and (.event_key | startswith("unregistered:audit:ghost:"))')" 1 \
	"forged decision: the unregistered node's kept apart under its own key"
is "$(count "$S" '.kind == "fleet.impersonation" and .asset == null')" 1 \
	"forged decision: the attempt on host-a recorded, as no evidence of host-a's asset"

# --- (3) a node= never registered: kept apart -------------------------------------

S="$T/unregistered.db"
fresh "$S"
replay address "$S" "$D/fleet-unregistered.log"
is "$STATS" "received 3 stored 3 filtered 0 duplicates 0 malformed 0" "unregistered: counters balance"
is "$(ev "$S" unregistered:audit:host-z:1700001100.000:20 '[.source, .kind, .control] | join(" ")')" \
	"audisp-isms-unregistered auth.failure 5.17" "unregistered: kept apart with its usual kind and control"
is "$(evidence "$S" --kind fleet.node.unregistered | jq -r '[.[] | .details | .node] | join(" ")')" \
	"host-z" "unregistered: one fleet.node.unregistered row per name"
is "$(ev "$S" audit:host-a:1700001100.200:22 '.source // "none"')" "none" \
	"unregistered: a registered node without its connection is not attributed"

# --- (4) Kerberos: the central's krb5= against the registered principal ------------

S="$T/krb5.db"
fresh "$S"
replay krb5 "$S" "$D/fleet-krb5.log"
is "$STATS" "received 7 stored 7 filtered 0 duplicates 0 malformed 0" "krb5: counters balance"
is "$(ev "$S" audit:host-a:1700001200.000:30 '[.source, .asset] | join(" ")')" "audisp-isms host-a-asset" \
	"krb5: the right principal: attributed"
q() { evidence "$S" --source audisp-isms-quarantine | jq -r --argjson s "$1" '.[] | .details | select(.serial == $s) | .attribution.reason'; }
is "$(q 31)" "krb5 principal 'host/a.example@EXAMPLE' is not the principal of node 'host-b' ('host/b.example@EXAMPLE')" \
	"krb5: a wrong principal: quarantined, the reason names both"
is "$(q 32)" "krb5 principal 'host/a.example@EXAMPLE' is not the principal of node 'host-b' ('host/b.example@EXAMPLE')" \
	"krb5: a sender's own krb5= before the central's is not believed"
is "$(ev "$S" audit:host-a:1700001200.000:33 '.source')" "audisp-isms" \
	"krb5: the last krb5= is the central's (a fake earlier one does not hurt)"
is "$(q 34)" "no krb5= principal: not received over Kerberos" "krb5: node= without krb5=: quarantined"
is "$(ev "$S" audit::1700001200.000:35 '[.source, .asset] | join(" ")')" "audisp-isms test-host" \
	"krb5: neither node= nor krb5=: local"
is "$(ev "$S" audit:host-b:1700001200.000:36 '.source')" "audisp-isms" \
	"krb5: krb5= without node=: the principal's node"

# --- (5) a registry that cannot be read: node= quarantined -------------------------

S="$T/unavailable.db"
fresh "$S"
sqlite3 "$S" "INSERT INTO node (name, addresses) VALUES ('broken', 'not-an-address')"
replay address "$S" "$D/fleet-attributed.log"
expect_rc 0 "unavailable: exit 0"
err_has "node registry unavailable" "unavailable: said on stderr"
is "$STATS" "received 11 stored 11 filtered 0 duplicates 0 malformed 0" "unavailable: nothing lost"
is "$(evidence "$S" --source audisp-isms-quarantine | jq -r '[.[] | .details | .attribution.reason] | (unique | join(",")) + " " + (length | tostring)')" \
	"node registry unavailable 5" "unavailable: every record with node= quarantined, never believed"
is "$(ev "$S" audit::1700000901.300:13 '.source')" "audisp-isms" "unavailable: local lines unaffected"

# --- (6) "fleet": "off": every node= believed, as before ---------------------------

S="$T/off.db"
fresh "$S"
replay off "$S" "$D/fleet-impersonation.log"
is "$STATS" "received 104 stored 54 filtered 0 duplicates 50 malformed 0" \
	"off: the forgeries come first and take the genuine events' keys (why attribution exists)"
is "$(count "$S" '.source != "audisp-isms" and .source != "ismsctl"')" 0 "off: no quarantine, no apart"
is "$(count "$S" '.kind == "audit.daemon"')" 4 "off: DAEMON_ACCEPT and CLOSE as audit.daemon, as before"
is "$(count "$S" '.kind | startswith("fleet.")')" 0 "off: no fleet.* rows"

# --- (7) live: the registry read again when it changed ----------------------------

ua() { # NODE STAMP ACCT: a USER_AUTH line of NODE
	printf "node=%s type=USER_AUTH msg=audit(%s): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"%s\" exe=\"/usr/sbin/sshd\" hostname=? addr=? terminal=ssh res=failed'\n" "$1" "$2" "$3"
}
has_key() { [ "$(evidence "$1" --event-key "$2" | jq length)" -eq 1 ]; }
S="$T/live.db"
fresh "$S"
mkdir -p "$T/spool-live"
start_plugin live "$S" "$T/spool-live" "$T/address.json"
printf 'type=DAEMON_ACCEPT msg=audit(1700001300.000:1): addr=10.0.0.4 port=1 res=success\n' >&3
ua host-c 1700001300.100:2 first >&3
if wait_until 15 has_key "$S" unregistered:audit:host-c:1700001300.100:2; then
	ok "live: host-c, not registered yet, kept apart"
else
	not_ok "live: host-c, not registered yet, kept apart"
fi
"$ISMSCTL" --store "$S" -q node add --name host-c --addresses 10.0.0.4 >/dev/null
sleep 3 # (the plugin looks once a second)
ua host-c 1700001300.200:3 second >&3
if wait_until 15 has_key "$S" audit:host-c:1700001300.200:3; then
	ok "live: once registered, host-c is attributed without a restart"
else
	not_ok "live: once registered, host-c is attributed without a restart"
fi
stop_plugin
is "$RC $STOPPED" "0 1" "live: stops cleanly"
clean_err "$T/live.err" && ok "live: no sanitizer report" || not_ok "live: no sanitizer report"

done_testing
