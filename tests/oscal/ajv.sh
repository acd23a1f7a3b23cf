# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the OSCAL tests: oscal_validator makes ajv 8 and ajv-formats
# available (installed once from the npm registry into the build directory,
# pinned, never into the source tree or the system) and sets OSCAL_VALIDATE
# to the command that validates files against the 1.1.3 complete schema;
# it returns 1 with a reason in OSCAL_WHY when that cannot be done here.
AJV_VERSION=8.17.1
AJV_FORMATS_VERSION=3.0.1
OSCAL_SCHEMA="$ISMS_SOURCE_ROOT/tests/data/oscal/oscal_complete_schema-1.1.3.json"

oscal_validator() {
	_dir="$ISMS_BUILD_ROOT/oscal-ajv"
	OSCAL_WHY=""
	command -v node >/dev/null 2>&1 || { OSCAL_WHY="node not found"; return 1; }
	if [ ! -f "$_dir/node_modules/ajv/package.json" ] ||
		! grep -q "\"version\": \"$AJV_VERSION\"" "$_dir/node_modules/ajv/package.json"; then
		command -v npm >/dev/null 2>&1 || { OSCAL_WHY="npm not found"; return 1; }
		mkdir -p "$_dir"
		# a lock, so that two test programs of one build do not install at once
		if ! (
			flock 8
			[ -f "$_dir/node_modules/ajv-formats/package.json" ] &&
				grep -q "\"version\": \"$AJV_VERSION\"" "$_dir/node_modules/ajv/package.json" &&
				exit 0
			cd "$_dir" && timeout 300 npm install --no-save --no-audit --no-fund --silent \
				"ajv@$AJV_VERSION" "ajv-formats@$AJV_FORMATS_VERSION" >npm.log 2>&1
		) 8>"$_dir/.lock"; then
			OSCAL_WHY="npm could not install ajv (registry unreachable?): $(tail -n 1 "$_dir/npm.log" 2>/dev/null)"
			return 1
		fi
	fi
	OSCAL_VALIDATE="env NODE_PATH=$_dir/node_modules node $ISMS_SOURCE_ROOT/tests/oscal/validate.js $OSCAL_SCHEMA"
	return 0
}
