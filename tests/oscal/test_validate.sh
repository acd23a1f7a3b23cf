# SPDX-License-Identifier: GPL-2.0-or-later
# The OSCAL validator itself, before anything of isms is judged by it: the
# BSI's profile and catalogues (which NIST's 1.1.3 schema accepts) pass, and
# the same documents broken in ways the schema forbids fail, naming where.
. "$ISMS_TAP_LIB"
. "$ISMS_SOURCE_ROOT/tests/oscal/ajv.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
oscal_validator || skip_all "$OSCAL_WHY"

B="$ISMS_SOURCE_ROOT/data/bsi-grundschutz-plusplus"
run $OSCAL_VALIDATE "$B/Grundschutz++-profile.json" "$B/BSI-Methodik-Grundschutz++-catalog.json" \
	"$B/BSI-Anforderungen-zum-Risikomanagement-catalog.json"
expect_rc 0 "the BSI's profile and catalogues are valid OSCAL 1.1.3"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["catalog"]["uuid"] = "not-a-uuid"
json.dump(d, open(sys.argv[2], "w"))
d = json.load(open(sys.argv[1]))
del d["catalog"]["metadata"]["title"]
json.dump(d, open(sys.argv[3], "w"))
' "$B/BSI-Anforderungen-zum-Risikomanagement-catalog.json" "$T/uuid.json" "$T/title.json"
run $OSCAL_VALIDATE "$T/uuid.json"
expect_rc 1 "a catalog with a malformed uuid is invalid"
out_has "/catalog/uuid: must match pattern" "naming the member"
run $OSCAL_VALIDATE "$T/title.json"
expect_rc 1 "a catalog without its metadata's title is invalid"
out_has "/catalog/metadata: must have required property 'title'" "naming what is missing"
done_testing
