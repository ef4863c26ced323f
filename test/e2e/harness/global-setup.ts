/**
 * Jest global set-up for the end-to-end suite: builds and packs the package, provides the n8n
 * runtime (installing it on first use), starts the simulator and one n8n with the package
 * installed as a community package, sets up the owner and the simulator credential, and
 * writes where everything is to a state file for the test files (see suite.ts).
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureChromium } from '../../../scripts/chromium';
import { ensureRuntimeAsync } from '../../../scripts/n8n-runtime';
import type { N8nServer } from '../../../scripts/lib/n8n-server';
import { buildPackage, packPackage } from '../../../scripts/lib/package-install';
import { startSimulator, type SimulatorHandle } from '../../simulator';
import { CREDENTIAL_NAME, CREDENTIAL_TYPE, STATE_ENV, startN8nWithOwner, type SuiteState } from './suite';

export interface GlobalHandles {
	server: N8nServer;
	simulator: SimulatorHandle;
	workDir: string;
}

declare global {
	// eslint-disable-next-line no-var
	var __THOUGHTLY_E2E__: GlobalHandles | undefined;
}

function say(message: string): void {
	process.stderr.write(`[e2e] ${message}\n`);
}

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const workDir = mkdtempSync(path.join(tmpdir(), 'thoughtly-e2e-'));
	say(`working folder ${workDir} (kept when THOUGHTLY_E2E_KEEP=1)`);

	if (process.env.THOUGHTLY_E2E_SKIP_BUILD === '1') {
		say('skipping npm run build (THOUGHTLY_E2E_SKIP_BUILD=1)');
	} else {
		say('building the package (npm run build) ...');
		buildPackage();
	}
	await ensureRuntimeAsync();
	// The editor test drives Debian's Chromium: installed here when missing (apt-get).
	say(`browser for the editor test: ${ensureChromium()}`);
	const tarball = packPackage(path.join(workDir, 'pack'));
	say(`packed ${path.basename(tarball)}`);

	const simulatorLog = path.join(workDir, 'simulator.log');
	const simulator = await startSimulator({
		port: 0,
		callCompletionDelayMs: 300,
		log: (line) => appendFileSync(simulatorLog, `${new Date().toISOString()} ${line}\n`),
	});

	const userFolder = path.join(workDir, 'n8n-shared');
	let server: N8nServer | undefined;
	let credential: { id: string };
	let n8nVersion: string;
	try {
		say('starting the shared n8n ...');
		const n8n = await startN8nWithOwner(userFolder, tarball);
		server = n8n.server;
		n8nVersion = await n8n.client.version();
		credential = await n8n.client.createCredential(CREDENTIAL_NAME, CREDENTIAL_TYPE, {
			apiToken: simulator.apiToken,
			teamId: simulator.teamId,
			baseUrl: simulator.url,
		});
	} catch (error) {
		// Jest skips the global teardown when the set-up fails: stop what was started here.
		await server?.close();
		await simulator.stop();
		say(`set-up failed; n8n's log is in ${path.join(userFolder, 'n8n.log')}`);
		throw error;
	}
	globalThis.__THOUGHTLY_E2E__ = { server, simulator, workDir };

	const state: SuiteState = {
		workDir,
		tarball,
		simulatorUrl: simulator.url,
		apiToken: simulator.apiToken,
		teamId: simulator.teamId,
		n8nUrl: server.url,
		n8nVersion,
		n8nUserFolder: userFolder,
		n8nLogFile: server.logFile,
		credentialId: credential.id,
	};
	const stateFile = path.join(workDir, 'state.json');
	writeFileSync(stateFile, JSON.stringify(state, null, 2));
	process.env[STATE_ENV] = stateFile;
	say(`n8n ${n8nVersion} on ${server.url} and simulator ${simulator.url} ready after ${Math.round((Date.now() - started) / 1000)}s`);
}
