#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The evidence lifecycle from the command line: retention periods, archive,
# prune, verify store and archives, archives alone, tampered archives, the
# same in dpmsctl for access records.
. "$ISMS_TAP_LIB"

isms -q init; expect_rc 0 "a store"
i=1
while [ "$i" -le 9 ]; do
	isms -q evidence add --kind "pam.login.allow" --subject "user$i" --ts "2024-01-0${i}T12:00:00Z"
	i=$((i + 1))
done
isms -q evidence add --kind "file.read" --subject carol --ts "2024-02-01T00:00:00Z"
isms -q evidence add --kind "pam.login.allow" --subject dave --ts "2024-02-02T00:00:00Z"
isms verify; expect_rc 0 "the chain verifies"
isms anchor --no-log; expect_rc 0 "an anchor of the head"
cp "$OUT" "$T/head.anchor"

# retention
isms evidence retention set 'pam.*' 1y; expect_rc 0 "retention set"
isms evidence retention set 'pam.*' 2x; expect_rc 2 "a bad period is a usage error"
isms evidence retention list; expect_rc 0 "retention list"
out_has "pam.*" "lists the pattern"
out_has "365" "in days"
isms --json evidence retention list
out_has '"days":365' "as JSON"

# nothing old enough: no file
isms evidence archive --before 2020-01-01 --to "$T/none.gz"; expect_rc 0 "an empty range"
out_has "nothing to archive" "says so"
[ -e "$T/none.gz" ] && not_ok "no file for an empty range" || ok "no file for an empty range"

# archive by date
mkdir "$T/arch"
isms evidence archive --before 2024-01-04 --to "$T/arch/1.gz"; expect_rc 0 "archive rows before 2024-01-04"
out_has "rows 1 to 3" "names the range"
isms evidence archive --before 2024-01-04 --to "$T/arch/1.gz"; expect_rc 0 "again: nothing left that old"
isms verify; expect_rc 0 "the pruned store verifies"
out_has "rows 1 to 3 archived" "verify names the archived range"
err_has "give their archives" "and asks for the archives"
isms verify --archive "$T/arch/1.gz"; expect_rc 0 "store and archive verify together"
out_has "continuous with the store" "as one chain"
isms archive verify "$T/arch/1.gz"; expect_rc 0 "the archive alone verifies"
out_has "rows 1 to 3" "its rows"
isms --json evidence list; out_lacks '"subject":"user1"' "the archived rows left the store"
# by retention: pam.* a year (2024 is long ago), file.* none: the run stops at carol
isms evidence archive --to "$T/arch/2.gz"; expect_rc 0 "archive by retention"
out_has "rows 4 to 9" "up to the first kind without a period"
isms verify --archive "$T/arch"; expect_rc 0 "a directory of archives and the store"
isms verify --archive "$T/arch/2.gz"; expect_rc 0 "only the newer archive"
err_has "rows 1 to 3 are in no archive given" "says what was not checked"
isms verify --archive "$T/arch/1.gz"; expect_rc 9 "only the older archive: a gap"
err_has "rows 4 to 9 are archived but in no archive given" "names the gap"
isms verify --anchor "$T/head.anchor" --archive "$T/arch"; expect_rc 0 "the anchor of the old head holds"

# tampered archives
cp "$T/arch/1.gz" "$T/flip.gz"
size=$(wc -c <"$T/flip.gz")
# a byte changed for sure: 0xff, or 0x00 where it was 0xff already
b=$(od -An -tu1 -j $((size / 2)) -N1 "$T/flip.gz" | tr -d ' ')
if [ "$b" = 255 ]; then printf '\000'; else printf '\377'; fi |
	dd of="$T/flip.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
isms archive verify "$T/flip.gz"; expect_rc 9 "a flipped byte is caught"
err_has "archive broken" "and named"
gzip -dc "$T/arch/1.gz" | sed 's/user2/userX/' | gzip >"$T/edit.gz"
isms archive verify "$T/edit.gz"; expect_rc 9 "an edited row is caught"
err_has "row 2 was altered" "naming the row"
gzip -dc "$T/arch/2.gz" | grep -v '^1:5;' | gzip >"$T/cut.gz"
isms archive verify "$T/cut.gz"; expect_rc 9 "a removed row is caught"
err_has "rows were deleted" "as deleted"
isms archive verify "$T/arch/1.gz" "$T/arch/1.gz"; expect_rc 9 "the same archive twice"
err_has "overlap" "overlaps"
mkdir "$T/swap"
cp "$T/arch/2.gz" "$T/swap/1.gz"
cp "$T/edit.gz" "$T/swap/2.gz"
isms verify --archive "$T/swap"; expect_rc 9 "a swapped-in archive is caught"
# another store's archive
isms --store "$T/other.db" -q init
isms --store "$T/other.db" -q evidence add --kind pam.x --ts 2024-01-01T00:00:00Z
isms --store "$T/other.db" -q evidence add --kind pam.x --ts 2024-01-02T00:00:00Z
isms --store "$T/other.db" evidence archive --before 2024-01-02 --to "$T/other.gz"; expect_rc 0 "another store's archive"
isms verify --archive "$T/other.gz"; expect_rc 9 "is refused"
err_has "another store" "as another store's"

# the guards: no delete above the boundary, from outside either
if command -v sqlite3 >/dev/null; then
	sqlite3 "$ISMS_STORE" "DELETE FROM evidence WHERE pk = 11" 2>/dev/null && not_ok "a kept row cannot be deleted" || ok "a kept row cannot be deleted"
	sqlite3 "$ISMS_STORE" "UPDATE evidence_archive SET last_pk = 0" 2>/dev/null && not_ok "the boundary cannot go back" || ok "the boundary cannot go back"
	isms verify; expect_rc 0 "still intact"
fi

# pseudonymisation: subject and details give way, the chain still holds
isms -q evidence add --kind login.allow --subject erin --details '{"addr": "192.0.2.7"}' --ts 2024-03-01T00:00:00Z
isms -q evidence add --kind login.allow --subject frank --ts 2030-01-01T00:00:00Z
isms evidence pseudonymise; expect_rc 2 "pseudonymise needs --before"
isms evidence pseudonymise --before 2025-01-01; expect_rc 0 "pseudonymise before 2025"
out_has "pseudonymised" "says how many"
isms --json evidence list
out_lacks '"subject":"erin"' "erin's name is gone"
out_lacks "192.0.2.7" "and her address"
out_has '"subject":"frank"' "frank's row is too recent"
isms verify; expect_rc 0 "the chain still verifies"
if command -v sqlite3 >/dev/null; then
	pk=$(sqlite3 "$ISMS_STORE" "SELECT pk FROM evidence WHERE subject LIKE '~%' LIMIT 1")
	cp "$ISMS_STORE" "$T/pseudo.db"
	sqlite3 "$T/pseudo.db" "DROP TRIGGER evidence_no_update; UPDATE evidence SET outcome = 'deny' WHERE pk = $pk"
	isms --store "$T/pseudo.db" verify; expect_rc 9 "an edited pseudonymised row is caught"
	err_has "first bad row: $pk" "and named"
fi

# dpmsctl: access records, the DPO's periods
export DPMS_STORE="$T/dpms.db"
dp -q init; expect_rc 0 "a DPMS store"
if [ -n "${DPMS_ACCESS:-}" ] && [ -x "$DPMS_ACCESS" ]; then
	"$DPMS_ACCESS" "$DPMS_STORE" PA-1 alice 2024-01-01T10:00:00Z /srv/hr/a.pdf >/dev/null 2>&1
	"$DPMS_ACCESS" "$DPMS_STORE" PA-1 bob 2024-01-02T10:00:00Z /srv/hr/b.pdf >/dev/null 2>&1
	"$DPMS_ACCESS" "$DPMS_STORE" PA-1 carol 2030-01-02T10:00:00Z /srv/hr/c.pdf >/dev/null 2>&1
	dp evidence retention set '*' 90d; expect_rc 0 "dpmsctl retention set"
	dp evidence archive --to "$T/dpms.gz"; expect_rc 0 "dpmsctl evidence archive"
	out_has "rows 1 to 2" "the old access records"
	dp verify --archive "$T/dpms.gz"; expect_rc 0 "dpmsctl verify with its archive"
	dp archive verify "$T/dpms.gz"; expect_rc 0 "dpmsctl archive verify"
	dp evidence pseudonymise --before 2031-01-01; expect_rc 0 "dpmsctl pseudonymises access records"
	dp --json evidence list; out_lacks '"subject":"carol"' "carol is a pseudonym now"
	out_lacks "/srv/hr/c.pdf" "and the file she opened is gone"
	dp verify --archive "$T/dpms.gz"; expect_rc 0 "and the chain still verifies"
	isms verify --archive "$T/dpms.gz"; expect_rc 9 "a DPMS archive is not the ISMS store's"
fi
done_testing
