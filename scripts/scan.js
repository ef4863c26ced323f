#!/usr/bin/env node
/**
 * Runs n8n's community package scanner (@n8n/scan-community-package) on this package, the way
 * its `analyzePackageByName` judges a published package, minus the registry: its CLI only takes
 * packages from npm, so this calls its `analyzePackage` on the same two legs.
 *
 * 1. The source: the package folder with the scanner's SOURCE_FILE_PATTERNS (package.json and
 *    nodes/ and credentials/), linted with the scanner's full rule set.
 * 2. The artifact: what `npm pack` would publish (built first), unpacked, with
 *    ['**\/*.js', 'package.json'], as the scanner lints a downloaded tarball.
 *
 * Exits 1 if either leg has a violation (or cannot be run), printing ESLint's report.
 *
 *   npm run scan               build, then scan both legs
 *   npm run scan -- --no-build scan the dist/ that is already there
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const execa = require('execa');

const packageDir = path.resolve(__dirname, '..');

/** Packs the package as npm would publish it and unpacks it into a fresh folder. */
function packAndUnpack() {
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-thoughtly-scan-'));
	const { stdout } = execa.sync('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: packageDir });
	const [{ filename }] = JSON.parse(stdout);
	const tarball = path.join(workDir, path.basename(filename));
	const unpacked = path.join(workDir, 'package');
	fs.mkdirSync(unpacked);
	execa.sync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	return { workDir, unpacked };
}

function report(label, result) {
	if (result.passed) {
		console.log(`✅ ${label}: no violations${result.message ? ` (${result.message})` : ''}`);
		return true;
	}
	console.log(`❌ ${label}: ${result.message}`);
	if (result.details) console.log(result.details);
	return false;
}

async function main() {
	const build = !process.argv.includes('--no-build');
	const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	const { analyzePackage, SOURCE_FILE_PATTERNS } = scanner;

	if (build) {
		console.log('Building (npm run build)...');
		execa.sync('npm', ['run', 'build'], { cwd: packageDir, stdio: 'inherit' });
	}
	if (!fs.existsSync(path.join(packageDir, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` first, or drop --no-build');
	}

	console.log(`Scanning the source (${SOURCE_FILE_PATTERNS.join(', ')})...`);
	const sourcePassed = report('source', await analyzePackage(packageDir, SOURCE_FILE_PATTERNS));

	console.log('Packing and scanning the published artifact (**/*.js, package.json)...');
	const { workDir, unpacked } = packAndUnpack();
	let artifactPassed;
	try {
		const entries = fs.readdirSync(unpacked, { recursive: true, withFileTypes: true });
		console.log(`   ${entries.filter((entry) => entry.isFile()).length} files in the tarball`);
		artifactPassed = report('npm pack tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json']));
	} finally {
		fs.rmSync(workDir, { recursive: true, force: true });
	}

	if (!sourcePassed || !artifactPassed) {
		console.log('\nn8n would refuse this package: see the violations above.');
		process.exitCode = 1;
		return;
	}
	console.log('\nBoth legs pass n8n\'s community package scanner.');
}

main().catch((error) => {
	console.error(`Scan failed: ${error.message}`);
	process.exitCode = 1;
});
