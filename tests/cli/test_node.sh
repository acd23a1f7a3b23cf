# SPDX-License-Identifier: GPL-2.0-or-later
# The fleet's views through the real ismsctl: node status with registered,
# silent and unregistered nodes, the impersonations of a node counted from
# the fleet.impersonation rows naming it (its quarantined rows name no node,
# as audisp-isms writes them), the clock skew per node; the heartbeat failing
# for a registered node never heard from and the clock-skew test; node
# enroll printing and writing the audit configuration, refusing to
# overwrite and refusing hostile values.  Rows are written as audisp-isms
# writes them (sources audisp-isms, -quarantine, -unregistered) by the
# fleet_rows helper.
. "$ISMS_TAP_LIB"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
rows() { "$FLEET_ROWS" "$ISMS_STORE"; }

isms init
expect_rc 0 "init"
out_has "18 built-in control tests" "init loads 18 built-in tests"
for c in "node status" "node enroll"; do
	# shellcheck disable=SC2086
	isms $c --help
	if [ "$RC" -eq 0 ] && grep -q "^Usage: ismsctl $c" "$OUT"; then ok "$c --help"; else not_ok "$c --help"; fi
done
isms --json report --format json --dry-run
expect_rc 0 "a report without a fleet"
is "$(js 'd["fleet"]')" "null" "has no fleet"
isms report --format md --dry-run
out_lacks "## Fleet" "and no Fleet section"
isms -q asset add --name web1-host --type host
isms -q node add --name web1 --addresses 10.0.0.2 --asset web1-host
isms -q node add --name db1 --addresses 10.0.0.3
isms -q node add --name skewed --addresses 10.0.0.4
isms -q node add --name q1 --addresses 10.0.0.6
isms -q node add --name central --local yes
expect_rc 0 "nodes registered"

# web1: alive every 20 min for the last 2 h, on time; skewed: 5 min behind; db1 never
# heard from; q1 only claimed by an impersonator.  As audisp-isms writes them, a
# quarantined row names no node (the claim is only in its details' attribution) and
# each claimed node, reason and connection gets one fleet.impersonation row (no node,
# outcome refused, control 8.15) whose details name the node claimed.
att() { echo "{\"attribution\": {\"claimed\": \"$1\", \"reason\": \"$2\", \"senders\": [\"10.0.0.66\"]}}"; }
imp() { echo "{\"claimed\": \"$1\", \"reason\": \"$2\", \"senders\": [\"10.0.0.66\"], \"first\": \"audit:$1:$3\"}"; }
NOCONN="no connection open from an address of node"
STRANGER="a connection from an address of no registered node is open"
{
	for m in 120 100 80 60 40 20 1; do
		echo "audisp-isms collector.alive web1 -$((m * 60)) alive 8.15"
		echo "audisp-isms collector.alive skewed -$((m * 60 + 300)) alive 8.15"
		echo "audisp-isms-quarantine collector.alive - -$((m * 60)) alive 8.15 $(att q1 "$NOCONN 'q1'")"
	done
	echo "audisp-isms fleet.impersonation - -7200 refused 8.15 $(imp q1 "$NOCONN 'q1'" 1.000:1)"
	echo "audisp-isms fleet.impersonation - -3600 refused 8.15 $(imp q1 "$STRANGER" 2.000:2)"
	for i in 1 2 3 4 5; do echo "audisp-isms login.allow web1 -$i"; echo "audisp-isms login.allow skewed -300"; done
	echo "audisp-isms fleet.connect web1 -7300 success 8.15"
	# an impersonator claimed web1: quarantined, with the attempt recorded
	echo "audisp-isms-quarantine collector.alive - -2 alive 8.15 $(att web1 "$STRANGER")"
	echo "audisp-isms-quarantine login.allow - -1 - - $(att web1 "$STRANGER")"
	echo "audisp-isms fleet.impersonation - -2 refused 8.15 $(imp web1 "$STRANGER" 3.000:3)"
	# a name nobody registered
	echo "audisp-isms-unregistered login.allow ghost -3"
	echo "audisp-isms fleet.node.unregistered ghost -3"
} | rows
is "$?" "0" "fleet rows written"

isms --json node status
expect_rc 0 "node status"
is "$(js '[(n["node"], n["status"]) for n in d]')" \
	'[["central", "never heard from"], ["db1", "never heard from"], ["q1", "never heard from"], ["skewed", "heard"], ["web1", "heard"], ["ghost", "unregistered"]]' \
	"registered nodes by name, then the unregistered names"
is "$(js '[n for n in d if n["node"] == "web1"][0]["asset"]')" "web1-host" "a node's asset"
is "$(js '[n for n in d if n["node"] == "web1"][0]["rows_24h"]')" "13" \
	"rows of the last 24 h: attributed only"
is "$(js '[n for n in d if n["node"] == "web1"][0]["impersonations"]')" "1" \
	"the fleet.impersonation row claiming web1 is counted beside its evidence"
is "$(js '[n for n in d if n["node"] == "web1"][0]["apart"]')" "0" "a registered node has no rows apart"
is "$(js '[n for n in d if n["node"] == "web1"][0]["connection"]')" "fleet.connect" \
	"the latest connection event"
is "$(js '[n for n in d if n["node"] == "ghost"][0]["apart"]')" "1" "rows kept apart"
is "$(js '[n for n in d if n["node"] == "skewed"][0]["skew_max_s"] <= -299')" "true" \
	"a node 5 min behind shows its skew"
is "$(js '[n for n in d if n["node"] == "q1"][0]["impersonations"]')" "2" \
	"q1's impersonations are counted, one per reason and connection"
is "$(js '[n for n in d if n["node"] == "q1"][0]["rows_24h"]')" "0" "and are not its evidence"
is "$(js '[n for n in d if n["node"] == "db1"][0]["impersonations"]')" "0" "a node nobody claimed has none"
is "$(js '[n["node"] for n in d if n["node"] == "-"]')" "[]" "node-less rows make no node"
is "$(js '[n for n in d if n["node"] == "web1"][0]["skew_max_s"] <= 1')" "true" \
	"a node on time shows none"
is "$(js '[n for n in d if n["node"] == "db1"][0]["last_recorded"]')" "null" \
	"db1 never heard from"
isms node status nosuch
expect_rc 3 "node status of a name neither registered nor seen"
isms node status web1
expect_rc 0 "node status NAME"
out_has "web1-host" "shows one node"
isms --json node status q1
is "$(js '[d["node"], d["impersonations"]]')" '["q1", 2]' "node status NAME: its impersonations"
# only the collector's own fleet.impersonation rows: one added by hand claims nothing
isms -q evidence add --kind fleet.impersonation --outcome refused --details '{"claimed": "web1"}'
expect_rc 0 "a fleet.impersonation row by hand"
isms --json node status web1
is "$(js 'd["impersonations"]')" "1" "is not the collector's and is not counted"
isms --csv node status
expect_rc 0 "node status --csv"
out_has "node,status,asset" "CSV header"

# --- control tests per node -------------------------------------------------------------
P="$(date -u -d '-130 minutes' +%Y-%m-%dT%H:%M:%SZ)..$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)"
isms --json assess --test audit-trail-heartbeat --period "$P" --dry-run
expect_rc 0 "heartbeat assessed"
is "$(js 'd[0]["result"]')" "fail" "the heartbeat fails"
out_has "db1: registered node never heard from" "for the registered node never heard from"
is "$(js 'd[0]["members"]')" "4" "the scope: the four registered nodes that are not local"
isms --json assess --test clock-skew-bounded --period "$P" --dry-run
expect_rc 0 "clock-skew-bounded assessed"
is "$(js 'd[0]["result"]')" "fail" "the skew test fails"
out_has "skewed: the clock behind by at least 300 s" "for the node 5 min behind"
# quarantined rows are no node's evidence: q1, claimed by an impersonator (its quarantined
# rows name no node, their attribution claims q1), has no rows of its own and stays silent
isms -q node remove skewed
isms -q node remove db1
P2="$(date -u -d '-100 minutes' +%Y-%m-%dT%H:%M:%SZ)..$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)"
isms --json assess --test audit-trail-heartbeat --period "$P2" --dry-run
is "$(js 'd[0]["result"]')" "fail" "the heartbeat fails for q1"
out_has "q1: registered node never heard from" "whose only rows were quarantined"
isms -q node remove q1
isms --json assess --test audit-trail-heartbeat --period "$P2" --dry-run
is "$(js 'd[0]["result"]')" "pass" "web1 and skewed (joining by their rows) pass"
# a rule that names the quarantine source sees those rows, over all evidence: per node
# it sees none, they name no node
isms -q test add --name quarantine-seen --title "quarantined heartbeats" --control 8.15 --rule "count kind=collector.alive max=0 basis=* where=source=audisp-isms-quarantine"
isms --json assess --test quarantine-seen --period "$P2" --dry-run
is "$(js 'd[0]["result"]')" "fail" "a where= on the quarantine source counts its rows"
isms -q test add --name quarantine-per-node --title "quarantined heartbeats per node" --control 8.15 --scope nodes --rule "count kind=collector.alive max=0 basis=* where=source=audisp-isms-quarantine"
isms --json assess --test quarantine-per-node --period "$P2" --dry-run
is "$(js 'd[0]["result"]')" "insufficient" "per node, no quarantined row is any node's"

# --- the board report ------------------------------------------------------------------
isms report --format json --dry-run --period "$P"
expect_rc 0 "report with a fleet"
is "$(js '[d["fleet"][k] for k in ("registered", "reporting", "silent", "quarantined_rows", "impersonation_attempts", "unregistered")]')" \
	'[1, 1, 0, 9, 3, ["ghost"]]' "registered, reporting, silent, quarantined, impersonations, unregistered names"
is "$(js '"(unnamed)" in str(d)')" "false" \
	"quarantined heartbeats are no collector's in the report's collection figures"
is "$(js '[(n["node"], n["rows"], n["heartbeat"]) for n in d["fleet"]["nodes"]]')" '[["web1", 13, "pass"]]' \
	"each registered node with its rows and heartbeat"
isms -q node add --name web3 --addresses 10.0.0.7
isms report --format json --dry-run --period "$P"
is "$(js '[d["fleet"]["registered"], d["fleet"]["silent"]]')" '[2, 1]' "a node never heard from is silent"
isms report --format md --dry-run --period "$P"
out_has "## Fleet" "the Markdown report has a Fleet section"
out_has "1 of 2 registered nodes reported; 1 silent beyond their heartbeat" "with its figures"
out_has "| web3 | \- | 0 |" "and the silent node"
isms report --format html --dry-run --period "$P"
out_has "<h3>Fleet</h3>" "the HTML report has a Fleet section"
out_has "<b>3</b> impersonation attempts" "with its figures"

# --- enrolment ---------------------------------------------------------------------------
isms node add --name web2 --addresses 10.0.0.5 --principal host/web2.example@EXAMPLE
isms node enroll web1 --central 10.0.0.1
expect_rc 0 "node enroll"
out_has "==> node /etc/audit/audisp-remote.conf (the whole file) <==" "a header naming each file"
out_has "remote_server = 10.0.0.1" "remote_server"
out_has "port = 60" "the default port"
out_has "transport = TCP" "transport"
out_has "==> node /etc/audit/plugins.d/au-remote.conf" "au-remote.conf"
out_has "active = yes" "au-remote active"
out_has "name_format = user" "the node's name_format"
out_has "name = web1" "the node's name"
out_has "tcp_listen_port = 60" "the central listens"
out_has "tcp_max_per_addr = 1" "one connection per address"
out_has "distribute_network = yes" "network records reach the plugin"
out_has "path = /usr/sbin/audisp-isms" "the plugin conf"
out_lacks "krb5_principal" "no Kerberos for tcp"
isms node enroll web2 --central central.example --port 1060 --transport krb5
expect_rc 0 "node enroll krb5"
out_has "transport = KRB5" "krb5 transport"
out_has "krb5_principal = auditd/central.example" "the central's principal"
out_has "krb5_client_name = host" "the node's principal's name"
out_has "port = 1060" "the port given"
isms node enroll web1 --central 10.0.0.1 --transport krb5
expect_rc 5 "krb5 for a node without a principal is refused"
err_has "has no Kerberos principal" "and says so"
isms node enroll nosuch --central 10.0.0.1
expect_rc 3 "an unregistered node"
err_has "ismsctl node add" "with a hint to node add"
isms node enroll web1 --central "10.0.0.1
tcp_listen_port = 1"
expect_rc 5 "a newline in the address is refused"
isms node enroll web1 --central 'a b'
expect_rc 5 "a space in the address is refused"
isms node enroll web1 --central 10.0.0.0/8
expect_rc 5 "a network is no address"
isms node enroll web1 --central 10.0.0.1 --port 0
expect_rc 2 "port 0"
isms node enroll web1 --central 10.0.0.1 --port 65536
expect_rc 2 "port 65536"
isms node enroll web1 --central 10.0.0.1 --port 6x
expect_rc 2 "a port that is no number"
isms node enroll web1 --central 10.0.0.1 --transport udp
expect_rc 2 "an unknown transport"
mkdir "$T/conf"
isms node enroll web1 --central 10.0.0.1 --write "$T/conf"
expect_rc 0 "node enroll --write"
is "$(ls "$T/conf" | tr '\n' ' ')" "au-remote.conf audisp-remote.conf auditd.conf.central auditd.conf.node isms.conf.central " \
	"five files written"
is "$(stat -c %a "$T/conf/audisp-remote.conf")" "644" "mode 0644"
grep -q "^remote_server = 10.0.0.1$" "$T/conf/audisp-remote.conf" && ok "the file holds the config" || not_ok "the file holds the config"
cp "$T/conf/audisp-remote.conf" "$T/before"
isms node enroll web1 --central 10.0.0.9 --write "$T/conf"
expect_rc 4 "an existing file is not overwritten"
err_has "exists already" "and says so"
cmp -s "$T/before" "$T/conf/audisp-remote.conf" && ok "the file is unchanged" || not_ok "the file is unchanged"
mkdir "$T/conf2"
ln -s "$T/target" "$T/conf2/au-remote.conf"
isms node enroll web1 --central 10.0.0.1 --write "$T/conf2"
expect_rc 4 "a symlink in the way is refused"
[ ! -e "$T/target" ] && [ ! -e "$T/conf2/audisp-remote.conf" ] && ok "nothing written through it or beside it" || not_ok "nothing written through it or beside it"
ln -s "$T/conf" "$T/link"
isms node enroll web1 --central 10.0.0.1 --write "$T/link"
expect_rc 6 "a symlinked directory is refused"
done_testing
