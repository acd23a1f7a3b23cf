# SPDX-License-Identifier: GPL-2.0-or-later
# Readers that are not root, as real processes with an unused uid and gids
# (as_user; no user is added to the machine, nss_wrapper gives the names):
# a member of the DPO's group reads a group-readable DPMS store, an auditor
# an ISMS store, while nobody else can and no reader can write; the side
# files (-wal, -shm) a reader needs; stores the reader must not trust; and
# readers beside a writer that holds the store open in WAL mode.
. "$ISMS_TAP_LIB"
[ -n "${DPMSCTL:-}" ] && [ -x "$DPMSCTL" ] || skip_all "DPMSCTL not set"
[ -n "${AS_USER:-}" ] && [ -x "$AS_USER" ] || skip_all "AS_USER not set"
[ -n "${STORE_WRITER:-}" ] && [ -x "$STORE_WRITER" ] || skip_all "STORE_WRITER not set"
[ -n "${NSS_WRAPPER_SO:-}" ] || skip_all "nss_wrapper not found (package libnss-wrapper)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root, to run readers as other uids"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# Four ids nobody on this machine has, as users and as groups.
BASE=
for b in 64000 64100 64200 64300 64400; do
	used=
	for i in 0 1 2 3; do
		getent passwd $((b + i)) >/dev/null && used=1
		getent group $((b + i)) >/dev/null && used=1
	done
	[ -z "$used" ] && { BASE=$b; break; }
done
[ -n "$BASE" ] || skip_all "no unused uids in 64000-64403"
READER=$BASE OUTSIDER=$((BASE + 1)) DPO=$((BASE + 2)) AUDITOR=$((BASE + 3))

chmod 755 "$T"
mkdir "$T/nss"
cat >"$T/nss/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
isms-reader:x:$READER:$READER:reader:/nonexistent:/usr/sbin/nologin
isms-outsider:x:$OUTSIDER:$OUTSIDER:outsider:/nonexistent:/usr/sbin/nologin
EOF
cat >"$T/nss/group" <<EOF
root:x:0:
isms-reader:x:$READER:
isms-outsider:x:$OUTSIDER:
isms-dpo:x:$DPO:isms-reader
isms-auditor:x:$AUDITOR:isms-reader
EOF
# nss CMD...: with the test's users and groups
nss() {
	LD_PRELOAD="$NSS_WRAPPER_SO${LD_PRELOAD:+:$LD_PRELOAD}" NSS_WRAPPER_PASSWD="$T/nss/passwd" \
		NSS_WRAPPER_GROUP="$T/nss/group" "$@"
}
# member / outsider CMD...: run CMD as the DPO group's (and auditors') member, or as nobody's
member() { run nss "$AS_USER" "$READER" "$READER,$DPO,$AUDITOR" "$@"; sanitizer_check "$@"; }
outsider() { run nss "$AS_USER" "$OUTSIDER" "$OUTSIDER" "$@"; sanitizer_check "$@"; }
# never_readonly NAME: SQLite's own words never reach the user
never_readonly() { if grep -q "readonly database" "$ERR"; then not_ok "$1"; else ok "$1"; fi; }
mode_of() { stat -c '%a %g' "$1"; }

member "$DPMSCTL" --version
[ "$RC" -eq 0 ] || skip_all "uid $READER cannot run $DPMSCTL (is the build tree readable by others?)"

# --- the DPMS store, for the DPO's group --------------------------------------

D="$T/dpms/dpms.db"
export DPMS_STORE="$D"
run nss "$DPMSCTL" init --group isms-dpo
expect_rc 0 "init --group creates a store for the DPO's group"
out_has "readable by group 'isms-dpo'" "init says who may read it"
is "$(mode_of "$T/dpms")" "2750 $DPO" "its directory is 2750 and the group's"
is "$(mode_of "$D")" "640 $DPO" "the store is 0640 and the group's"
is "$(mode_of "$D-wal")" "640 $DPO" "the -wal is kept, as the store"
is "$(mode_of "$D-shm")" "640 $DPO" "the -shm is kept, as the store"
dp controller add --name "Nordwind Logistik GmbH" --contact dpo@nordwind.example -q
dp activity add --name Payroll --purposes "Pay salaries" --lawful-basis legal_obligation \
	--data-subjects employees --authorised-groups hr -q
expect_rc 0 "root writes the register"
"$DPMS_ACCESS" "$D" PA-1 bob 2026-11-30T10:00:00Z /srv/hr/payroll/a.pdf >/dev/null ||
	not_ok "an access row"
is "$(mode_of "$D-shm")" "640 $DPO" "after root's writes the -shm is still the group's"

member "$DPMSCTL" activity list
expect_rc 0 "a member of the DPO's group lists the activities"
out_has "Payroll" "and sees them"
never_readonly "no 'readonly database' for a member"
member "$DPMSCTL" ropa export
expect_rc 0 "a member exports the records of processing"
out_has "Payroll" "the export holds the activity"
out_has "Nordwind Logistik GmbH" "and the controller"
member "$DPMSCTL" --json evidence list
expect_rc 0 "a member lists the access evidence"
is "$(js 'len(d)')" 1 "one access row"
member "$DPMSCTL" verify
expect_rc 0 "a member verifies the chain"
out_has "evidence chain intact: 1 rows" "the chain holds the one row"

member "$DPMSCTL" activity add --name Sneaky --purposes x --lawful-basis consent --data-subjects x
expect_rc 6 "a member cannot write (exit 6)"
err_has "may be read but not written by uid $READER" "the message says why"
never_readonly "no 'readonly database' for a write"
member "$DPMSCTL" review run
expect_rc 6 "nor run the review, which writes findings"
dp --json activity list
is "$(js '[a["name"] for a in d]')" '["Payroll"]' "the store is unchanged"

outsider "$DPMSCTL" activity list
expect_rc 6 "someone outside the group is refused (exit 6)"
err_has "may not enter directory '$T/dpms'" "the message names the directory"
err_has "membership of group 'isms-dpo'" "and the group it takes"
never_readonly "no 'readonly database' for an outsider"
outsider "$DPMSCTL" ropa export
expect_rc 6 "nor can an outsider export"
out_lacks "Payroll" "and sees nothing"

# The reader's checks: the store's rules hold for the side files, and a
# reader trusts no directory others could write.
chmod 2770 "$T/dpms"
member "$DPMSCTL" activity list
expect_rc 6 "a group-writable store directory is refused for a reader"
err_has "group- or world-writable" "the message says so"
chmod 2750 "$T/dpms"
chmod 660 "$D-wal"
member "$DPMSCTL" activity list
expect_rc 6 "a group-writable -wal is refused"
err_has "'$D-wal' of the store is group- or world-writable" "the message names the -wal"
chmod 640 "$D-wal"
mkdir -m 755 "$T/other"
chown "$OUTSIDER" "$T/other"
mkdir -m 2750 "$T/other/dpms"
cp -p "$D" "$D-wal" "$D-shm" "$T/other/dpms/"
chgrp "$DPO" "$T/other/dpms"
member "$DPMSCTL" --store "$T/other/dpms/dpms.db" activity list
expect_rc 6 "a store below another user's directory is not trusted by a reader"
err_has "'$T/other' must be owned by root or uid $READER" "the message names the directory"

# The side files a reader cannot create: missing, or of the wrong mode.
rm -f "$D-wal" "$D-shm"
member "$DPMSCTL" activity list
expect_rc 6 "without its -wal and -shm a reader is refused"
err_has "'-wal' and '-shm' files are missing" "the message says what is missing"
err_has "as root once" "and how to fix it"
never_readonly "no 'readonly database' without the side files"
dp activity list
expect_rc 0 "root reads, which makes them"
member "$DPMSCTL" activity list
expect_rc 0 "then the member reads again"
chmod 600 "$D-shm"
member "$DPMSCTL" activity list
expect_rc 6 "an -shm the member cannot read is refused"
err_has "may read the store but not '$D-shm'" "the message names the -shm"
dp dpo add --name "Dana Schutz" --contact dana@nordwind.example -q
is "$(mode_of "$D-shm")" "640 $DPO" "root's next write gives the -shm the store's mode"
member "$DPMSCTL" dpo list
expect_rc 0 "and the member reads again"
out_has "Dana Schutz" "what root wrote last"

# Taking the group's access away takes it from the side files too.
chmod 600 "$D"
dp activity add --name Travel --purposes "Book travel" --lawful-basis contract \
	--data-subjects employees -q
is "$(mode_of "$D-wal") $(mode_of "$D-shm")" "600 $DPO 600 $DPO" "a write after chmod 600 narrows the side files"
member "$DPMSCTL" activity list
expect_rc 6 "a 0600 store is refused to the member"
err_has "may not read it" "the message says the store is not readable"
run nss "$DPMSCTL" init --group isms-dpo -q
expect_rc 0 "init --group again opens it to the group"
member "$DPMSCTL" activity list
expect_rc 0 "and the member reads again"

# init --group gives away nothing else.
mkdir -m 700 "$T/shared"
: >"$T/shared/notes.txt"
run nss "$DPMSCTL" --store "$T/shared/dpms.db" init --group isms-dpo
expect_rc 4 "init --group refuses a directory that holds other files"
err_has "holds 'notes.txt' besides the store" "the message names the file"
is "$(stat -c %a "$T/shared")" 700 "that directory is left as it was"
run nss "$DPMSCTL" --store "$T/dpms2/dpms.db" init --group no-such-group
expect_rc 3 "init --group with an unknown group is not found"
err_has "no group 'no-such-group'" "the message names the group"

# --- an ISMS store, for the auditors -----------------------------------------

S="$T/isms/store.db"
run nss "$ISMSCTL" --store "$S" init -q --group isms-auditor
expect_rc 0 "ismsctl init --group makes an ISMS store for the auditors"
is "$(mode_of "$S")" "640 $AUDITOR" "the store is the auditors'"
isms --store "$S" asset add --name db-prod-01 --type host -q
expect_rc 0 "root adds an asset"
isms --store "$S" evidence add --kind review.done --control 5.35 --subject alice -q
expect_rc 0 "and evidence"
# The store's own files beside it (the facts snapshot and its lock, the
# decision journal and its loss counter) are no one else's: init --group
# again takes them as the store's.
: >"$S.journal.lost"
run nss "$ISMSCTL" --store "$S" init -q --group isms-auditor
expect_rc 0 "init --group again, with the store's facts snapshot and journal files beside it"
member "$ISMSCTL" --store "$S" asset list
expect_rc 0 "an auditor lists the assets"
out_has "db-prod-01" "and sees them"
member "$ISMSCTL" --store "$S" --json export
expect_rc 0 "an auditor exports the register"
out_has "db-prod-01" "the export holds the asset"
member "$ISMSCTL" --store "$S" verify
expect_rc 0 "an auditor verifies the chain"
member "$ISMSCTL" --store "$S" soa --summary
expect_rc 0 "an auditor reads the Statement of Applicability"
member "$ISMSCTL" --store "$S" asset add --name rogue --type host
expect_rc 6 "an auditor cannot write"
never_readonly "no 'readonly database' for the auditor's write"
outsider "$ISMSCTL" --store "$S" asset list
expect_rc 6 "someone outside the auditors is refused"
err_has "membership of group 'isms-auditor'" "the message names the group"

# --- readers beside a writer that holds the store open ------------------------

# wait_for FILE: until the helper has made it (at most 20 s)
wait_for() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e "$1" ]
}

"$STORE_WRITER" dpms "$D" pending "$T/ready1" "$T/stop1" >"$T/w1.out" 2>"$T/w1.err" &
WPID=$!
if wait_for "$T/ready1"; then
	member "$DPMSCTL" --json evidence list
	expect_rc 0 "a member reads while a writer holds a transaction open"
	is "$(js 'len(d)')" 51 "it sees the 50 committed rows still in the -wal, not the open one"
	member "$DPMSCTL" verify
	expect_rc 0 "and the chain verifies, -wal included"
	[ -s "$D-wal" ] && ok "(the rows are in the -wal, not yet in the store)" ||
		not_ok "(the rows are in the -wal, not yet in the store)"
else
	not_ok "the writer became ready"
fi
touch "$T/stop1"
wait "$WPID" || not_ok "the pending writer ended cleanly"

"$STORE_WRITER" dpms "$D" churn "$T/ready2" "$T/stop2" >"$T/w2.out" 2>"$T/w2.err" &
WPID=$!
if wait_for "$T/ready2"; then
	bad=0 last=0 i=0
	while [ $i -lt 15 ]; do
		member "$DPMSCTL" --json evidence list
		n=$(js 'len(d)')
		[ "$RC" -eq 0 ] && [ "$n" -ge "$last" ] 2>/dev/null || { bad=$((bad + 1)); sed 's/^/# /' "$ERR"; }
		last=$n
		member "$DPMSCTL" verify -q
		[ "$RC" -eq 0 ] || { bad=$((bad + 1)); sed 's/^/# /' "$ERR" "$OUT"; }
		i=$((i + 1))
	done
	is "$bad" 0 "15 reads and verifies beside a writer that appends and checkpoints: all consistent"
else
	not_ok "the churning writer became ready"
fi
touch "$T/stop2"
wait "$WPID" || not_ok "the churning writer ended cleanly"
written=$(cat "$T/w2.out")
[ "${written:-0}" -gt 0 ] && ok "the writer wrote meanwhile ($written rows)" || not_ok "the writer wrote meanwhile"
member "$DPMSCTL" --json evidence list
is "$(js 'len(d)')" "$((51 + ${written:-0}))" "afterwards the member sees every committed row"
member "$DPMSCTL" verify
expect_rc 0 "and the chain verifies"

done_testing
