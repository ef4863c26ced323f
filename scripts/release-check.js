#!/usr/bin/env node
'use strict';
/*
 * Run by the release workflow before `npm publish`: refuses to publish while package.json still
 * carries the fill-in placeholders (author, homepage, repository), when the pushed tag is not
 * `v<version>`, or when CHANGELOG.md has no section for the version.
 * Usage: node scripts/release-check.js v1.2.3
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const PLACEHOLDER = 'FILL-IN-BEFORE-PUBLISHING';
const ROOT = path.join(__dirname, '..');

/** What stops a release of `pkg` from `tag`, given the changelog's text; empty when none. */
function releaseProblems(pkg, tag, changelog) {
	const problems = [];
	const fields = { author: pkg.author, homepage: pkg.homepage, repository: pkg.repository };
	for (const [field, value] of Object.entries(fields)) {
		if (value === undefined || JSON.stringify(value).includes(PLACEHOLDER)) {
			problems.push(`package.json "${field}" is still a placeholder: fill it in before publishing`);
		}
	}
	if (tag !== `v${pkg.version}`) problems.push(`the tag "${tag}" does not match package.json's version ${pkg.version} (expected v${pkg.version})`);
	const escaped = String(pkg.version).replace(/\./g, '\\.');
	if (!new RegExp(`^## \\[?${escaped}\\]?(\\s|$)`, 'm').test(changelog)) problems.push(`CHANGELOG.md has no "## ${pkg.version}" section`);
	return problems;
}

module.exports = { releaseProblems, PLACEHOLDER };

if (require.main === module) {
	const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const problems = releaseProblems(pkg, process.argv[2] || '', readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'));
	for (const problem of problems) process.stderr.write(`release-check: ${problem}\n`);
	if (problems.length) process.exit(1);
	process.stdout.write(`release-check: ${pkg.name}@${pkg.version} may be published\n`);
}
