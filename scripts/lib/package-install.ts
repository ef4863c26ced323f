/**
 * Builds this package, packs it as npm would publish it, and installs the tarball into an n8n
 * user folder the way n8n's community-package installer does, so n8n loads it under its own
 * package name (`n8n-nodes-thoughtly.thoughtly`), never as a "custom" extension.
 *
 * n8n 2.40.7's installer (CommunityPackagesService.downloadPackage) runs `npm pack <name>` in
 * `<user folder>/.n8n/nodes`, unpacks the tarball into `node_modules/<name>` with
 * `--strip-components=1`, drops dev/peer/optional dependencies from its package.json and runs
 * `npm install` there for the runtime dependencies. At start-up n8n scans
 * `<user folder>/.n8n/nodes/node_modules/n8n-nodes-*` and loads each package it finds.
 *
 * A copy, not a symlink to the work tree: n8n would follow a symlink, but the nodes would then
 * resolve `n8n-workflow` from this repository's node_modules (a second copy of the library,
 * whose error classes n8n's own copy does not recognise) instead of from n8n.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import execa from 'execa';

export const REPO_DIR = path.resolve(__dirname, '..', '..');

export interface PackageJson {
	name: string;
	version: string;
	dependencies?: Record<string, string>;
	[key: string]: unknown;
}

export function readPackageJson(dir = REPO_DIR): PackageJson {
	return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** `npm run build`: tsc and the icon copy, producing dist/. Its output goes to this process's stderr. */
export function buildPackage(repoDir = REPO_DIR): void {
	execa.sync('npm', ['run', 'build'], { cwd: repoDir, stdio: ['ignore', 2, 2] });
}

/** `npm pack` into `destDir`; returns the tarball's path. Only what package.json's `files` lists goes in. */
export function packPackage(destDir: string, repoDir = REPO_DIR): string {
	mkdirSync(destDir, { recursive: true });
	const { stdout } = execa.sync('npm', ['pack', '--json', '--pack-destination', destDir], { cwd: repoDir });
	const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
	return path.join(destDir, info.filename);
}

/**
 * Unpacks the tarball into `<userFolder>/.n8n/nodes/node_modules/<name>`, replacing what was
 * there, as n8n's installer does. Returns the package's folder.
 */
export function installTarball(tarball: string, userFolder: string): string {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const staging = path.join(nodesDir, '.staging');
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	execa.sync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
	const pkg = readPackageJson(staging);
	const { devDependencies: _dev, peerDependencies: _peer, optionalDependencies: _optional, ...kept } = pkg;
	writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(kept, null, 2)}\n`);
	if (kept.dependencies && Object.keys(kept.dependencies).length > 0) {
		const args = ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'];
		execa.sync('npm', args, { cwd: staging, stderr: 'inherit' });
	}
	const target = path.join(nodesDir, 'node_modules', pkg.name);
	mkdirSync(path.dirname(target), { recursive: true });
	rmSync(target, { recursive: true, force: true });
	renameSync(staging, target);
	return target;
}
