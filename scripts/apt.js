'use strict';
/**
 * Installs the Debian packages a test needs when they are missing (Chromium for the editor test,
 * Postgres and Redis for queue mode) with apt-get: as root, or through `sudo -n` (which never
 * asks for a password).
 */
const { existsSync } = require('node:fs');
const execa = require('execa');

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Installs `packages`; when it cannot, throws `why` with apt-get's reason. */
function aptInstall(packages, why) {
	if (!existsSync('/usr/bin/apt-get')) throw new Error(`${why} (this machine has no apt-get)`);
	process.stderr.write(`[apt] installing ${packages.join(', ')} ...\n`);
	const [command, prefix] = isRoot() ? ['apt-get', []] : ['sudo', ['-n', 'apt-get']];
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
		try {
			execa.sync(command, [...prefix, ...args], {
				stdio: ['ignore', 'inherit', 'inherit'],
				env: { DEBIAN_FRONTEND: 'noninteractive' },
				timeout: 15 * 60_000,
			});
		} catch (error) {
			throw new Error(`${why} (${error.shortMessage})`);
		}
	}
}

module.exports = { aptInstall, isRoot };
