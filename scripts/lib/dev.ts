/**
 * `npm run dev`: n8n (2.40.7, or the version given by `npm run dev -- --n8n-version 1.123.81` or
 * THOUGHTLY_N8N_VERSION) with this package loaded under its own name, talking to the local
 * Thoughtly simulator, with a ready credential and example workflows.
 *
 * Steps: build → provide the n8n runtime (first run installs it) → pack and install the package
 * into .dev/n8n/.n8n/nodes (as n8n's community-package installer would) → start the simulator
 * → start n8n → owner, credential and example workflows (created once, reused afterwards) →
 * wait for Ctrl+C, then stop n8n and the simulator.
 *
 * `npm run dev -- --queue` (or THOUGHTLY_DEV_QUEUE=1) runs n8n in queue mode instead: Postgres,
 * Redis, main, a webhook process and two workers (scripts/lib/queue-stack.ts), started afresh
 * at every run in <folder>/queue.
 *
 * Settings (environment): THOUGHTLY_DEV_PORT (n8n, default 5678), THOUGHTLY_SIMULATOR_PORT
 * (default 4010), THOUGHTLY_SIMULATOR_CALL_DELAY_MS (default 3000), THOUGHTLY_DEV_FOLDER
 * (default .dev in the repository), THOUGHTLY_DEV_EMAIL / THOUGHTLY_DEV_PASSWORD (the n8n
 * owner's login), THOUGHTLY_N8N_CACHE (where the runtime is installed).
 */
import { readdirSync, readFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureRuntimeAsync, runtimeInstalled, runtimePaths } from '../n8n-runtime';
import { N8nApiError, N8nClient, type Owner, type Workflow, type WorkflowDefinition } from './n8n-client';
import { N8nServer } from './n8n-server';
import { buildPackage, installTarball, packPackage, readPackageJson, REPO_DIR, type PackageJson } from './package-install';
import { portIsFree } from './processes';
import { QueueStack } from './queue-stack';
import { startSimulator, type SimulatorHandle } from '../../test/simulator';

export const DEV_CREDENTIAL_NAME = 'Thoughtly (local simulator)';
const CREDENTIAL_TYPE = 'thoughtlyApi';
const TRIGGER_NODE_TYPE = 'n8n-nodes-thoughtly.thoughtlyTrigger';
const MCP_TRIGGER_NODE_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
export const EXAMPLES_DIR = path.join(REPO_DIR, 'examples', 'workflows');

interface DevSettings {
	n8nPort: number;
	simulatorPort: number;
	callDelayMs: number;
	folder: string;
	owner: Owner;
	queue: boolean;
}

function settingsFromEnv(): DevSettings {
	const number = (name: string, fallback: number): number => {
		const raw = process.env[name];
		if (raw === undefined || raw === '') return fallback;
		const value = Number(raw);
		if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port or a number of milliseconds, got "${raw}"`);
		return value;
	};
	return {
		n8nPort: number('THOUGHTLY_DEV_PORT', 5678),
		simulatorPort: number('THOUGHTLY_SIMULATOR_PORT', 4010),
		callDelayMs: number('THOUGHTLY_SIMULATOR_CALL_DELAY_MS', 3000),
		folder: path.resolve(process.env.THOUGHTLY_DEV_FOLDER || path.join(REPO_DIR, '.dev')),
		owner: {
			email: process.env.THOUGHTLY_DEV_EMAIL || 'dev@example.com',
			password: process.env.THOUGHTLY_DEV_PASSWORD || 'Thoughtly-dev-1',
			firstName: 'Thoughtly',
			lastName: 'Developer',
		},
		queue: process.argv.includes('--queue') || process.env.THOUGHTLY_DEV_QUEUE === '1',
	};
}

function say(message = ''): void {
	process.stdout.write(`${message}\n`);
}

function step(message: string): void {
	say(`▸ ${message}`);
}

/** An example workflow file: n8n's export format, plus whether `npm run dev` should publish it. */
interface ExampleWorkflow extends WorkflowDefinition {
	active?: boolean;
}

export function loadExamples(dir = EXAMPLES_DIR): Array<{ file: string; workflow: ExampleWorkflow }> {
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ExampleWorkflow }));
}

/** Points every Thoughtly credential reference of the example at the given credential. */
export function withCredential(workflow: ExampleWorkflow, credential: { id: string; name: string }): WorkflowDefinition {
	const nodes = workflow.nodes.map((node) =>
		node.credentials?.[CREDENTIAL_TYPE] ? { ...node, credentials: { ...node.credentials, [CREDENTIAL_TYPE]: credential } } : node,
	);
	const { active: _active, ...definition } = workflow;
	return { ...definition, nodes };
}

/** Creates the credential, or brings the existing one (same name and type) up to date. */
export async function ensureSimulatorCredential(
	client: N8nClient,
	simulator: { url: string; apiToken: string; teamId: string },
): Promise<{ id: string; name: string; created: boolean }> {
	const data = { apiToken: simulator.apiToken, teamId: simulator.teamId, baseUrl: simulator.url };
	const existing = (await client.listCredentials()).find((c) => c.name === DEV_CREDENTIAL_NAME && c.type === CREDENTIAL_TYPE);
	if (existing) {
		await client.updateCredential(existing.id, DEV_CREDENTIAL_NAME, CREDENTIAL_TYPE, data);
		return { id: existing.id, name: DEV_CREDENTIAL_NAME, created: false };
	}
	const created = await client.createCredential(DEV_CREDENTIAL_NAME, CREDENTIAL_TYPE, data);
	return { id: created.id, name: DEV_CREDENTIAL_NAME, created: true };
}

/**
 * Imports each example once (matched by name): a workflow the user already has is left as it
 * is, edits included. Examples marked `"active": true` are published when first imported;
 * afterwards n8n itself re-activates them at every start.
 */
export async function importExamples(
	client: N8nClient,
	credential: { id: string; name: string },
	log: (message: string) => void = () => undefined,
): Promise<Array<{ workflow: Workflow; imported: boolean }>> {
	const existing = await client.listWorkflows();
	const results: Array<{ workflow: Workflow; imported: boolean }> = [];
	for (const { file, workflow } of loadExamples()) {
		const present = existing.find((w) => w.name === workflow.name && !(w as { isArchived?: boolean }).isArchived);
		if (present) {
			// The list has no nodes; the banner reads them (the MCP server's path).
			results.push({ workflow: await client.getWorkflow(present.id), imported: false });
			continue;
		}
		const created = await client.createWorkflow(withCredential(workflow, credential));
		log(`imported ${file} as "${created.name}"`);
		if (workflow.active) {
			await client.activateWorkflow(created.id);
			log(`published "${created.name}"`);
		}
		results.push({ workflow: await client.getWorkflow(created.id), imported: true });
	}
	return results;
}

/**
 * The simulator starts empty at every run, while n8n 2.40.7 keeps published workflows'
 * webhooks registered across restarts without asking the trigger again (n8n 1.x asks its
 * `checkExists`, which does the same, but this costs nothing there). So each published
 * workflow with a Thoughtly Trigger is unpublished and published again (the same version):
 * that runs the trigger's own lifecycle, which subscribes it on the fresh simulator.
 */
export async function resubscribeTriggers(
	client: N8nClient,
	skip: Set<string>,
	log: (message: string) => void = () => undefined,
): Promise<void> {
	for (const summary of await client.listWorkflows()) {
		if (!summary.active || skip.has(summary.id)) continue;
		const workflow = await client.getWorkflow(summary.id);
		if (!workflow.nodes.some((node) => node.type === TRIGGER_NODE_TYPE && !node.disabled)) continue;
		const versionId = workflow.activeVersionId ?? workflow.versionId;
		await client.deactivateWorkflow(workflow.id);
		try {
			await client.activateWorkflow(workflow.id, { versionId });
			log(`re-published "${workflow.name}" so that it subscribes to the fresh simulator`);
		} catch (error) {
			log(`could not re-publish "${workflow.name}": ${(error as Error).message}`);
		}
	}
}

/** The production URLs of published MCP Server Triggers among the workflows (n8n serves them under /mcp/). */
export function mcpServerUrls(n8nUrl: string, workflows: Array<{ workflow: Workflow }>): string[] {
	return workflows
		.filter(({ workflow }) => workflow.active)
		.flatMap(({ workflow }) => workflow.nodes.filter((node) => node.type === MCP_TRIGGER_NODE_TYPE && !node.disabled))
		.map((node) => `${n8nUrl}/mcp/${String(node.parameters.path)}`);
}

async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
	if (!(await portIsFree(port))) {
		throw new Error(`Port ${port} on 127.0.0.1 is in use, so ${what} cannot start there. Stop whatever uses it, or set ${variable} to another port.`);
	}
}

export async function main(): Promise<void> {
	const settings = settingsFromEnv();
	const pkg = readPackageJson();
	const userFolder = path.join(settings.folder, 'n8n');
	mkdirSync(userFolder, { recursive: true });
	const { runtime, tarball, installedAt } = await prepare(settings, pkg);

	step(`Starting the Thoughtly simulator on 127.0.0.1:${settings.simulatorPort} ...`);
	const simulator = await startSimulator({
		port: settings.simulatorPort,
		callCompletionDelayMs: settings.callDelayMs,
		log: (line) => say(`  [simulator] ${line}`),
	});
	const n8n = settings.queue ? queueMode(settings, tarball) : singleProcess(userFolder, settings.n8nPort);
	let stopping: Promise<void> | undefined;
	const shutdown = (reason: string, code: number): Promise<void> =>
		(stopping ??= (async () => {
			say();
			step(`${reason}: stopping n8n and the simulator ...`);
			await n8n.stop();
			await simulator.stop();
			say('Stopped. Run npm run dev again to continue where you left off.');
			process.exit(code);
		})());
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => void shutdown(`Received ${signal}`, 0));
	}

	try {
		const relativeLog = path.relative(process.cwd(), n8n.logFile);
		const node = `Node ${runtime.nodeVersion}${runtime.node.source === 'system' ? ', the one running this script' : ''}`;
		step(`Starting n8n ${runtime.n8nVersion}${settings.queue ? ' in queue mode' : ''} (${node}) on 127.0.0.1:${settings.n8nPort} (log: ${relativeLog.startsWith('..') ? n8n.logFile : relativeLog}) ...`);
		await n8n.start();
		const loadErrors = n8n.main.loadErrors();
		if (loadErrors.length > 0) {
			say(`\n!! n8n reported problems loading ${pkg.name}:\n${loadErrors.map((l) => `   ${l}`).join('\n')}\n`);
		}
		const client = new N8nClient(n8n.main.url);
		const ownerCreated = await logIn(client, settings, userFolder);
		const credential = await ensureSimulatorCredential(client, simulator);
		const workflows = await importExamples(client, credential, (m) => say(`  ${m}`));
		const justImported = new Set(workflows.filter((w) => w.imported).map((w) => w.workflow.id));
		await resubscribeTriggers(client, justImported, (m) => say(`  ${m}`));
		await printGuide({ client, settings, pkg, installedAt, n8n, simulator, ownerCreated, workflows });

		const exit = await n8n.main.exitedUnexpectedly();
		say(`\nn8n stopped on its own (${exit}). The end of its log:\n${n8n.main.log().split('\n').slice(-30).join('\n')}`);
		await shutdown('n8n exited', 1);
	} catch (error) {
		say(`\n${(error as Error).message}`);
		await shutdown('Start-up failed', 1);
	}
}

/** Everything before the servers start: free ports, the build, the n8n runtime, the packed package in n8n's folder. */
async function prepare(settings: DevSettings, pkg: PackageJson) {
	await assertPortFree(settings.n8nPort, 'n8n', 'THOUGHTLY_DEV_PORT');
	await assertPortFree(settings.simulatorPort, 'the Thoughtly simulator', 'THOUGHTLY_SIMULATOR_PORT');

	step(`Building ${pkg.name} (npm run build) ...`);
	buildPackage();

	const runtime = runtimePaths();
	if (!runtimeInstalled()) {
		const node = runtime.node.source === 'system' ? `to run on this Node ${runtime.nodeVersion}` : `and Node ${runtime.nodeVersion}`;
		step(`First run of n8n ${runtime.n8nVersion} on this machine: installing it ${node} into ${runtime.root}.`);
		say('  This takes about 8 minutes and 2.8 GB, once; later runs start in seconds. Progress follows every 30 s.');
	}
	await ensureRuntimeAsync();

	step(`Installing ${pkg.name}@${pkg.version} into n8n's community nodes folder ...`);
	const tarball = packPackage(path.join(settings.folder, 'pack'));
	return { runtime, tarball, installedAt: installTarball(tarball, path.join(settings.folder, 'n8n')) };
}

/** Sets the owner up, or logs in; says what to do when the .dev folder's owner has another password. */
async function logIn(client: N8nClient, settings: DevSettings, userFolder: string): Promise<boolean> {
	try {
		return await client.ensureOwner(settings.owner);
	} catch (error) {
		if (!(error instanceof N8nApiError && error.status === 401)) throw error;
		throw new Error(
			`The n8n in ${userFolder} has an owner whose password is not ${settings.owner.password}. ` +
				'Set THOUGHTLY_DEV_EMAIL and THOUGHTLY_DEV_PASSWORD to your login, or delete the .dev folder to start afresh.',
		);
	}
}

/** Where everything is, and what to try first. */
async function printGuide(run: {
	client: N8nClient;
	settings: DevSettings;
	pkg: PackageJson;
	installedAt: string;
	n8n: DevN8n;
	simulator: SimulatorHandle;
	ownerCreated: boolean;
	workflows: Array<{ workflow: Workflow; imported: boolean }>;
}): Promise<void> {
	const { client, settings, pkg, simulator, workflows } = run;
	const url = run.n8n.main.url;
	// n8n also derives `thoughtlyTool` (for AI agents) from the action node; list the package's own nodes.
	const types = (await client.nodeTypes())
		.filter((t) => t.name.startsWith(`${pkg.name}.`) && !t.name.endsWith('Tool'))
		.map((t) => t.name)
		.sort();
	say();
	say(`n8n is running with ${pkg.name} (${run.installedAt.replace(os.homedir(), '~')})`);
	say(`  node types loaded:  ${types.length ? types.join(', ') : 'none! see the log above'}`);
	say(`  Editor:             ${url}/`);
	say(`  Log in:             ${settings.owner.email} / ${settings.owner.password}${run.ownerCreated ? '  (owner created now)' : ''}`);
	for (const line of run.n8n.describe()) say(`  ${line}`);
	say(`  Credential:         "${DEV_CREDENTIAL_NAME}" → simulator ${simulator.url}`);
	say(`                      (API token ${simulator.apiToken}, team ID ${simulator.teamId})`);
	say('  Workflows:');
	for (const { workflow, imported } of workflows) {
		say(`    - ${workflow.name}${workflow.active ? ' (active)' : ''}${imported ? '' : ' (kept from an earlier run)'}`);
		say(`      ${url}/workflow/${workflow.id}`);
	}
	say();
	say('What to try first:');
	say('  1. Open "New lead → Thoughtly contact → call" and click "Execute workflow": it creates a');
	say('     contact in the simulator and has the Sales Qualifier agent call it.');
	say(`  2. About ${Math.round(settings.callDelayMs / 1000)} s later the simulator completes the call and sends "Call Completed"`);
	say('     to the active "Thoughtly call completed → outcome" workflow: open it, then its Executions tab.');
	say('  3. Add a Thoughtly node to a new workflow: the credential is already set up.');
	for (const mcpUrl of mcpServerUrls(url, workflows)) {
		say(`  4. Connect an MCP client to ${mcpUrl}: the published "MCP server" example`);
		say('     offers Find contacts, Create contact and Call contact as tools, as an AI agent sees them.');
	}
	say('  5. Execute "Call a lead and wait for the outcome": it calls a new lead and waits (status');
	say('     "waiting") until the call has ended, then writes the outcome in its last node.');
	say('  The simulator prints every request it receives below.');
	say();
	say('Press Ctrl+C to stop n8n and the simulator.');
}

/** What `main` needs of n8n, whether one process or queue mode's several. */
interface DevN8n {
	/** The process that serves the editor and the REST API (once started). */
	main: N8nServer;
	logFile: string;
	start(): Promise<void>;
	stop(): Promise<void>;
	describe(): string[];
}

function singleProcess(userFolder: string, port: number): DevN8n {
	const main = new N8nServer({ userFolder, port, logLevel: 'info' });
	return { main, logFile: main.logFile, start: async () => void (await main.start()), stop: () => main.close(), describe: () => [] };
}

function queueMode(settings: DevSettings, tarball: string): DevN8n {
	const workDir = path.join(settings.folder, 'queue');
	// Postgres is new at every run, so the processes' folders (their encryption key) are too.
	rmSync(workDir, { recursive: true, force: true });
	mkdirSync(workDir, { recursive: true });
	const stack = new QueueStack({ workDir, tarball, mainPort: settings.n8nPort, logLevel: 'info', say: (m) => say(`  ${m}`) });
	return {
		get main() {
			return stack.main;
		},
		logFile: path.join(workDir, 'main', 'n8n.log'),
		start: async () => void (await stack.start()),
		stop: () => stack.stop(),
		describe: () => [
			`Queue mode:         webhook process ${stack.webhookUrl}/ (Thoughtly's deliveries go here),`,
			`                    ${stack.workers.length} workers run every execution; logs in ${workDir}/*/n8n.log`,
		],
	};
}
