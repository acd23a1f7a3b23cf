#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The tampering campaign: a store of thousands of evidence rows, 200
# tamperings with a fixed seed, each on a fresh copy (tests/cli/tamper.c
# says what each kind does).  Every edit must be caught by 'verify' with an
# anchor newer than the edit, and by 'verify' of a keyed store; how many the
# plain chain alone catches is printed.
. "$ISMS_TAP_LIB"

ROWS=${ISMS_TAMPER_ROWS:-5000}
N=${ISMS_TAMPER_N:-200}

run "$TAMPER" fill "$T/plain.db" "$ROWS"; expect_rc 0 "a store of $ROWS rows"
isms --store "$T/plain.db" verify; expect_rc 0 "it verifies"
cp "$T/plain.db" "$T/keyed.db"
isms --store "$T/keyed.db" key init --key "$T/key/evidence.key"; expect_rc 0 "a keyed copy"
isms --store "$T/keyed.db" verify --key "$T/key/evidence.key"; expect_rc 0 "the keyed copy verifies"
out_has "the head's MAC holds" "with its MAC"
# Anchors of the pristine stores: newer than every edit but a forged append.
isms --store "$T/plain.db" anchor --no-log; expect_rc 0 "an anchor of the plain store"
cp "$OUT" "$T/plain.anchor"
isms --store "$T/keyed.db" anchor --no-log; expect_rc 0 "an anchor of the keyed store"
cp "$OUT" "$T/keyed.anchor"

plain_caught=0 anchor_caught=0 anchor_cases=0 keyed_caught=0 applied=0
missed=""
i=0
while [ "$i" -lt "$N" ]; do
	seed=$((20261201 + i))
	cp "$T/plain.db" "$T/w.db"
	kind=$("$TAMPER" apply "$T/w.db" "$seed") || { not_ok "tampering $seed applies"; i=$((i + 1)); continue; }
	applied=$((applied + 1))
	run "$ISMSCTL" --store "$T/w.db" verify --no-record
	[ "$RC" -eq 9 ] && plain_caught=$((plain_caught + 1))
	case "$kind" in
	forged-append*) ;; # after the anchor: only the key can tell (below)
	*)
		anchor_cases=$((anchor_cases + 1))
		run "$ISMSCTL" --store "$T/w.db" verify --no-record --anchor "$T/plain.anchor"
		if [ "$RC" -eq 9 ]; then anchor_caught=$((anchor_caught + 1)); else missed="$missed anchor:$seed:$kind"; fi
		;;
	esac
	cp "$T/keyed.db" "$T/w.db"
	kind2=$("$TAMPER" apply "$T/w.db" "$seed")
	run "$ISMSCTL" --store "$T/w.db" verify --no-record --key "$T/key/evidence.key"
	if [ "$RC" -eq 9 ]; then keyed_caught=$((keyed_caught + 1)); else missed="$missed keyed:$seed:$kind2"; fi
	i=$((i + 1))
done
echo "# $applied tamperings of a $ROWS-row store: plain verify caught $plain_caught," \
	"verify --anchor caught $anchor_caught of $anchor_cases before the anchor," \
	"keyed verify caught $keyed_caught of $applied"
[ -n "$missed" ] && echo "# missed:$missed"
is "$applied" "$N" "every tampering applied"
is "$anchor_caught" "$anchor_cases" "an anchor newer than the edit catches every edit"
is "$keyed_caught" "$applied" "a keyed store catches every edit"

# Evidence times are read strictly on every path, 'evidence add' included.
S="$T/small.db"
isms --store "$S" -q init --keyed --key "$T/key2/evidence.key"; expect_rc 0 "init --keyed"
isms --store "$S" key show; expect_rc 0 "key show"
out_has "keyed with key " "the store says it is keyed"
for ts in 'last tuesday' 2026-13-01T00:00Z 2026-01-01T00:00 2026-01-01T00:00+zz:zz; do
	isms --store "$S" evidence add --kind review.done --ts "$ts"; expect_rc 5 "evidence add --ts '$ts' refused"
done
isms --store "$S" evidence add --kind review.done --ts 2026-01-01T01:00+01:00; expect_rc 0 "an offset is taken"
isms --store "$S" --json evidence list
is "$(js 'd[0]["ts"]')" "2026-01-01T00:00:00Z" "and stored in UTC"
# Many anchors in one file, among other lines, as in a log; one that no longer holds fails.
isms --store "$S" anchor --no-log; a1=$(cat "$OUT")
isms --store "$S" -q evidence add --kind review.done
isms --store "$S" anchor --no-log; a2=$(cat "$OUT")
printf 'noise\nDec  1 10:00:00 host ismsctl[1]: %s\ntype=TRUSTED_APP msg=audit(1.0:2): msg='"'"'%s exe="/x" res=success'"'"'\n' \
	"$a1" "$a2" >"$T/log"
isms --store "$S" verify --anchor "$T/log"; expect_rc 0 "two anchors read from a log file"
out_has "anchors: 2 checked, 2 hold" "both hold"
isms --store "$S" verify --anchor - <"$T/log"; expect_rc 0 "and from standard input"
cp "$S" "$T/small2.db"
run "$TAMPER" nul "$T/small2.db" 1 kind
isms --store "$T/small2.db" verify --anchor "$T/log"; expect_rc 9 "an edit before both anchors fails them"
echo 'isms-anchor v1 store=isms:zz row=1' >"$T/badlog"
isms --store "$S" verify --anchor "$T/badlog"; expect_rc 5 "a malformed anchor line is an error, not skipped"
isms --store "$S" verify --anchor "$T/plain.db-nothing"; expect_rc 3 "a missing anchor file"
mv "$T/key2/evidence.key" "$T/key2/moved"
isms --store "$S" evidence add --kind review.done; expect_rc 1 "no key, no append (fail closed)"
err_has "cannot be read" "and it says why"
isms --store "$S" verify; expect_rc 0 "without the key verify checks the plain chain"
err_has "only the unkeyed chain was checked" "and says so"
mv "$T/key2/moved" "$T/key2/evidence.key"

# The DPMS store carries the same chain and the same guards.
D="$T/dpms.db"
dp --store "$D" -q init; expect_rc 0 "a DPMS store"
i=0
while [ "$i" -lt 12 ]; do
	run "$DPMS_ACCESS" "$D" "" "alice" "2026-03-25T10:00:0$((i % 10))Z" "/srv/p$i"
	i=$((i + 1))
done
dp --store "$D" verify; expect_rc 0 "the DPMS chain verifies"
dp --store "$D" anchor --no-log; expect_rc 0 "an anchor of the DPMS store"
out_has "isms-anchor v1 store=dpms:" "its kind is dpms"
cp "$OUT" "$T/dpms.anchor"
isms --store "$T/plain.db" verify --anchor "$T/dpms.anchor"; expect_rc 9 "a DPMS anchor does not hold for an ISMS store"
err_has "the anchor is for a dpms store" "and says why"
cp "$D" "$T/dw.db"
run "$TAMPER" noop-triggers "$T/dw.db"; expect_rc 0 "no-op triggers in a DPMS store"
dp --store "$T/dw.db" verify; expect_rc 9 "DPMS verify compares the triggers' SQL"
err_has "was replaced" "and names the replaced trigger"
cp "$D" "$T/dw.db"
run "$TAMPER" nul "$T/dw.db" 7 subject; expect_rc 0 "a NUL suffix in a DPMS store"
dp --store "$T/dw.db" verify; expect_rc 9 "DPMS verify hashes the stored bytes"
done_testing
