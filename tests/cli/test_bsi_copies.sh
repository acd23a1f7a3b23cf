# SPDX-License-Identifier: GPL-2.0-or-later
# The BSI's Grundschutz++ files in data/ are unchanged copies (CC BY-SA 4.0
# asks that they are not passed off as the BSI's once edited): each has the
# SHA-256 listed beside it, the licence and the attribution travel with
# them, and where the publisher's copy is at hand the bytes are the same.
. "$ISMS_TAP_LIB"

D="$ISMS_SOURCE_ROOT/data/bsi-grundschutz-plusplus"
run sh -c "cd '$D' && sha256sum -c --strict --quiet '$D.sha256'"
expect_rc 0 "every copy has the SHA-256 listed for it"
listed=$(awk '{print $2}' "$D.sha256" | sort | tr '\n' ' ')
present=$(cd "$D" && ls | sort | tr '\n' ' ')
is "$present" "$listed" "the directory holds the listed files and nothing else"
is "$(head -1 "$D/LICENSE")" "Attribution-ShareAlike 4.0 International" "the licence is there"
if grep -q "Quelle: Bundesamt für Sicherheit in der Informationstechnik (BSI)," \
	"$ISMS_SOURCE_ROOT/data/bsi-grundschutz-plusplus.README"; then
	ok "the attribution is there"
else not_ok "the attribution is there"; fi
S="$ISMS_SOURCE_ROOT/../shared/catalogues/bsi-grundschutz-plusplus"
if [ -d "$S" ]; then
	bad=""
	for f in $listed; do cmp -s "$D/$f" "$S/$f" || bad="$bad $f"; done
	is "$bad" "" "the copies are the publisher's bytes"
else
	skip "the publisher's copies are not in ../shared/catalogues here"
fi
done_testing
