// SPDX-License-Identifier: GPL-2.0-or-later
// Validate OSCAL JSON documents against NIST's complete schema with ajv 8
// and ajv-formats (unicodeRegExp: the schema's \p{L} patterns need it, which
// is why Python's re-based jsonschema cannot be used).  Usage:
//   node validate.js SCHEMA FILE...
// Prints "ok FILE" or "invalid FILE" with the first errors; exit 1 if any
// file is invalid, 2 on a usage or read error.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

if (process.argv.length < 4) {
	console.error('usage: node validate.js SCHEMA FILE...');
	process.exit(2);
}
let schema;
try {
	schema = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (e) {
	console.error('validate.js: ' + process.argv[2] + ': ' + e.message);
	process.exit(2);
}
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const file of process.argv.slice(3)) {
	let doc;
	try {
		doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		console.error('validate.js: ' + file + ': ' + e.message);
		process.exit(2);
	}
	if (validate(doc)) {
		console.log('ok ' + file);
	} else {
		bad++;
		console.log('invalid ' + file);
		// the deepest first: the complete schema's oneOf over every model
		// reports the models not meant at the root, which say nothing
		const errs = validate.errors.slice().sort((a, b) =>
			b.instancePath.split('/').length - a.instancePath.split('/').length);
		for (const err of errs.slice(0, 5))
			console.log('  ' + (err.instancePath || '/') + ': ' + err.message);
	}
}
process.exit(bad ? 1 : 0);
