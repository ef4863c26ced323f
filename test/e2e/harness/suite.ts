/**
 * What the end-to-end test files share. Jest's global set-up (global-setup.ts) builds and packs
 * the package once, starts the simulator and one n8n with the package installed, and writes
 * where they are to a state file; each test file reads it here and talks to both over HTTP.
 * Cases that need an n8n of their own (a restart, the community-package installer) start one
 * with `startOwnN8n`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { N8nClient, type Owner, type WorkflowDefinition, type WorkflowNode } from '../../../scripts/lib/n8n-client';
import { N8nServer, stripAnsi } from '../../../scripts/lib/n8n-server';
import { installTarball } from '../../../scripts/lib/package-install';
import { SimulatorClient } from '../../simulator/client';

export const PACKAGE_NAME = 'n8n-nodes-thoughtly';
export const ACTION_NODE_TYPE = `${PACKAGE_NAME}.thoughtly`;
export const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.thoughtlyTrigger`;
export const POLLING_NODE_TYPE = `${PACKAGE_NAME}.thoughtlyPollingTrigger`;
export const CREDENTIAL_TYPE = 'thoughtlyApi';
export const CREDENTIAL_NAME = 'Thoughtly (local simulator)';

export const OWNER: Owner = {
	email: 'e2e-owner@example.com',
	password: 'E2e-owner-password-1',
	firstName: 'End',
	lastName: 'ToEnd',
};

export interface SuiteState {
	workDir: string;
	tarball: string;
	simulatorUrl: string;
	apiToken: string;
	teamId: string;
	n8nUrl: string;
	/** The shared n8n's own version (`versionCli`), e.g. "2.40.7" or "1.123.81". */
	n8nVersion: string;
	n8nUserFolder: string;
	n8nLogFile: string;
	credentialId: string;
}

export const STATE_ENV = 'THOUGHTLY_E2E_STATE';

export function readState(): SuiteState {
	const file = process.env[STATE_ENV];
	if (!file) throw new Error(`${STATE_ENV} is not set: run the suite with npm run test:e2e`);
	return JSON.parse(readFileSync(file, 'utf8')) as SuiteState;
}

/**
 * The suite runs against n8n 2.x (default) and 1.x (THOUGHTLY_N8N_VERSION=1.123.81). Every case
 * runs on both; a case that needs what only 2.x has uses `describeFor2x` instead of `describe`
 * (`describeFrom` for a later 1.x), and is skipped, saying why, on older n8n.
 */
export function n8nMajor(): number {
	return Number(readState().n8nVersion.split('.')[0]);
}

/** True when the n8n under test is `version` or newer. */
export function n8nAtLeast(version: string): boolean {
	const have = readState().n8nVersion.split('.').map(Number);
	const want = version.split('.').map(Number);
	const differing = want.findIndex((part, i) => have[i] !== part);
	return differing < 0 || have[differing] > want[differing];
}

export function describeFrom(version: string, name: string, fn: () => void): void {
	if (n8nAtLeast(version)) describe(name, fn);
	else describe.skip(`${name} (needs n8n ${version} or newer; this is ${readState().n8nVersion})`, fn);
}

export function describeFor2x(name: string, fn: () => void): void {
	describeFrom('2.0.0', name, fn);
}

export interface Shared {
	state: SuiteState;
	n8n: N8nClient;
	sim: SimulatorClient;
	credential: { id: string; name: string };
	/** The shared n8n's log so far, without colour codes. */
	n8nLog(): string;
}

/** The shared n8n (logged in as the owner) and the simulator. */
export async function shared(): Promise<Shared> {
	const state = readState();
	const n8n = new N8nClient(state.n8nUrl);
	await n8n.login(OWNER.email, OWNER.password);
	return {
		state,
		n8n,
		sim: new SimulatorClient(state.simulatorUrl),
		credential: { id: state.credentialId, name: CREDENTIAL_NAME },
		n8nLog: () => stripAnsi(readFileSync(state.n8nLogFile, 'utf8')),
	};
}

export function simulatorCredentialData(state: SuiteState): Record<string, unknown> {
	return { apiToken: state.apiToken, teamId: state.teamId, baseUrl: state.simulatorUrl };
}

export interface OwnN8n {
	server: N8nServer;
	client: N8nClient;
}

/**
 * Starts an n8n of its own in `<workDir>/<name>` (logged in as the owner), with the packed
 * package installed into its community-nodes folder unless `installPackage` is false.
 */
export async function startOwnN8n(
	name: string,
	options: { installPackage?: boolean; env?: Record<string, string>; beforeOwner?: (server: N8nServer) => Promise<void> } = {},
): Promise<OwnN8n> {
	const state = readState();
	const tarball = options.installPackage === false ? undefined : state.tarball;
	return await startN8nWithOwner(path.join(state.workDir, name), tarball, options);
}

/** An n8n in `userFolder` with the tarball installed as a community package (if given), logged in as the owner. */
export async function startN8nWithOwner(
	userFolder: string,
	tarball: string | undefined,
	options: { env?: Record<string, string>; beforeOwner?: (server: N8nServer) => Promise<void> } = {},
): Promise<OwnN8n> {
	mkdirSync(userFolder, { recursive: true });
	if (tarball) installTarball(tarball, userFolder);
	const server = new N8nServer({ userFolder, logLevel: 'debug', env: options.env });
	try {
		await server.start();
		await options.beforeOwner?.(server);
		const client = new N8nClient(server.url);
		await client.ensureOwner(OWNER);
		return { server, client };
	} catch (error) {
		await server.close();
		throw error;
	}
}

// Workflows --------------------------------------------------------------------------------------

export function manualTrigger(): WorkflowNode {
	return {
		id: randomUUID(),
		name: 'When clicking Execute workflow',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

export function thoughtlyNode(
	name: string,
	parameters: Record<string, unknown>,
	credential: { id: string; name: string },
	position: [number, number] = [220, 0],
): WorkflowNode {
	return {
		id: randomUUID(),
		name,
		type: ACTION_NODE_TYPE,
		typeVersion: 1,
		position,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: credential },
	};
}

/** Links nodes one after another on their first output. */
export function chain(...nodes: WorkflowNode[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

/** Manual trigger → one Thoughtly node with these parameters. */
export function singleOperationWorkflow(
	name: string,
	parameters: Record<string, unknown>,
	credential: { id: string; name: string },
): WorkflowDefinition {
	const trigger = manualTrigger();
	const node = thoughtlyNode('Thoughtly', parameters, credential);
	return { name, nodes: [trigger, node], connections: chain(trigger, node) };
}

export function uniqueName(prefix: string): string {
	return `${prefix} ${randomUUID().slice(0, 8)}`;
}
