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
	run "$ISMSCTL" --store "$T/w.db" verify
	[ "$RC" -eq 9 ] && plain_caught=$((plain_caught + 1))
	case "$kind" in
	forged-append*) ;; # after the anchor: only the key can tell (below)
	*)
		anchor_cases=$((anchor_cases + 1))
		run "$ISMSCTL" --store "$T/w.db" verify --anchor "$T/plain.anchor"
		if [ "$RC" -eq 9 ]; then anchor_caught=$((anchor_caught + 1)); else missed="$missed anchor:$seed:$kind"; fi
		;;
	esac
	cp "$T/keyed.db" "$T/w.db"
	kind2=$("$TAMPER" apply "$T/w.db" "$seed")
	run "$ISMSCTL" --store "$T/w.db" verify --key "$T/key/evidence.key"
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
