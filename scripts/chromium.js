#!/usr/bin/env node
/**
 * The browser for the editor test (test/e2e/editor.test.ts): Debian's Chromium. Playwright's
 * own browser download needs the internet, Debian's package comes from the apt mirror the
 * machine already uses. `node scripts/chromium.js` installs it when it is missing and prints
 * its path. THOUGHTLY_CHROMIUM points at another Chromium instead.
 */
'use strict';

const { existsSync } = require('node:fs');
const execa = require('execa');
const { aptInstall } = require('./apt');

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function chromiumPath() {
	return process.env.THOUGHTLY_CHROMIUM || DEBIAN_CHROMIUM;
}

/** Returns the Chromium to drive, installing Debian's package first when it is missing. */
function ensureChromium() {
	const path = chromiumPath();
	if (existsSync(path)) return path;
	if (process.env.THOUGHTLY_CHROMIUM) {
		throw new Error(`THOUGHTLY_CHROMIUM is ${path}, which does not exist`);
	}
	process.stderr.write(`[chromium] ${DEBIAN_CHROMIUM} is missing: installing Debian's chromium package ...\n`);
	aptInstall(
		['chromium'],
		`${DEBIAN_CHROMIUM} is missing and could not be installed. The editor test needs Debian's chromium package: install it ` +
			'with "apt-get install chromium" as root, or set THOUGHTLY_CHROMIUM to the path of a Chromium or Chrome binary',
	);
	if (!existsSync(path)) throw new Error(`apt-get installed chromium, but ${path} is still missing`);
	return path;
}

/** The browser's version line ("Chromium 131.0.6778.85 built on Debian ..."). */
function chromiumVersion(path) {
	return execa.sync(path, ['--version']).stdout;
}

module.exports = { ensureChromium, chromiumVersion };

if (require.main === module) {
	try {
		const path = ensureChromium();
		process.stdout.write(`${path} (${chromiumVersion(path)})\n`);
	} catch (error) {
		process.stderr.write(`${error.message}\n`);
		process.exit(1);
	}
}
