/**
 * `npm run dev`, as a user runs it: the editor comes up with the package, the simulator
 * credential and the example workflows; running the "new lead" example places a call whose
 * completion runs the active "call completed" example; Ctrl+C (SIGINT) stops everything; a
 * second run reuses the same n8n without duplicating anything and still fires the trigger.
 */
import path from 'node:path';
import { N8nClient, nodeOutput } from '../../scripts/lib/n8n-client';
import { freePort, portIsFree, spawnGroup, StopWaiting, waitFor, groupAlive, type GroupProcess } from '../../scripts/lib/processes';
import { REPO_DIR } from '../../scripts/lib/package-install';
import { SEED } from '../simulator/seed';
import { ACTION_NODE_TYPE, CREDENTIAL_NAME, POLLING_NODE_TYPE, readState, TRIGGER_NODE_TYPE } from './harness/suite';

const state = readState();
const devFolder = path.join(state.workDir, 'dev');
const DEV_LOGIN = { email: 'dev@example.com', password: 'Thoughtly-dev-1' };
const LEAD_WORKFLOW = 'New lead → Thoughtly contact → call';
const OUTCOME_WORKFLOW = 'Thoughtly call completed → outcome';
const MCP_WORKFLOW = 'MCP server: Thoughtly tools for AI agents';
const WAIT_WORKFLOW = 'Call a lead and wait for the outcome';

interface DevRun {
	proc: GroupProcess;
	output(): string;
}

let running: DevRun | undefined;

afterEach(async () => {
	await running?.proc.stop(60_000);
	running = undefined;
});

/** `npm run dev` in a clean environment (without the npm and jest variables), until its banner is printed. */
async function startDev(n8nPort: number, simulatorPort: number): Promise<DevRun> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		// THOUGHTLY_N8N_CACHE (where the runtime is) passes through; the dev settings are set below.
		if (value !== undefined && !/^(npm_|JEST_|NODE_ENV$|NODE_OPTIONS$|THOUGHTLY_(DEV|SIMULATOR|E2E)_)/i.test(key)) env[key] = value;
	}
	Object.assign(env, {
		THOUGHTLY_DEV_FOLDER: devFolder,
		THOUGHTLY_DEV_PORT: String(n8nPort),
		THOUGHTLY_SIMULATOR_PORT: String(simulatorPort),
		THOUGHTLY_SIMULATOR_CALL_DELAY_MS: '300',
	});
	let output = '';
	const proc = spawnGroup('npm', ['run', 'dev'], { cwd: REPO_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
	proc.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	proc.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const run = { proc, output: () => output };
	running = run;
	await waitFor(
		'npm run dev to print its banner',
		() => {
			if (proc.hasExited()) throw new StopWaiting(`npm run dev exited early:\n${output}`);
			return output.includes('Press Ctrl+C to stop') ? true : undefined;
		},
		240_000,
		250,
	);
	return run;
}

/**
 * Ctrl+C: SIGINT to the whole foreground group, as a terminal sends it. npm itself ends on the
 * signal; dev.js stops n8n and the simulator, says "Stopped." and exits.
 */
async function interrupt(run: DevRun): Promise<void> {
	process.kill(-run.proc.pid, 'SIGINT');
	await waitFor('every process of npm run dev to end', () => (groupAlive(run.proc.pid) ? undefined : true), 90_000);
	await run.proc.exited;
	running = undefined;
}

/** Runs the lead example and waits for the outcome example's next execution; returns its item. */
async function leadToOutcome(client: N8nClient): Promise<{ contactId: string; outcome: Record<string, any> }> {
	const workflows = await client.listWorkflows();
	const lead = workflows.find((w) => w.name === LEAD_WORKFLOW)!;
	const outcome = workflows.find((w) => w.name === OUTCOME_WORKFLOW)!;
	const before = (await client.listExecutions(outcome.id)).length;
	const leadRun = await client.runWorkflowAndWait(lead.id, (await client.getWorkflow(lead.id)).nodes[0].name);
	expect(leadRun.status).toBe('success');
	const [created] = nodeOutput(leadRun, 'Create a contact');
	expect(created).toMatchObject({ name: 'Jamie Rivera', phone_number: '+14155550177', email: 'jamie.rivera@example.com' });
	const [call] = nodeOutput(leadRun, 'Call the contact');
	expect(call).toMatchObject({ status: 'queued', contact_id: created.id, interview_id: SEED.agents.salesQualifier });

	const [latest] = await client.waitForExecutions(outcome.id, before + 1, 60_000);
	expect(latest.mode).toBe('webhook');
	const [item] = nodeOutput(await client.getExecution(latest.id), 'Outcome for the CRM');
	return { contactId: created.id as string, outcome: item };
}

describe('npm run dev', () => {
	it('serves n8n with the package, the credential and the examples; the lead example fires the trigger example; Ctrl+C stops all', async () => {
		const n8nPort = await freePort();
		const simulatorPort = await freePort();
		const run = await startDev(n8nPort, simulatorPort);
		const banner = run.output();
		expect(banner).toContain(`Editor:             http://127.0.0.1:${n8nPort}/`);
		expect(banner).toContain(`Log in:             ${DEV_LOGIN.email} / ${DEV_LOGIN.password}`);
		expect(banner).toContain(`node types loaded:  ${ACTION_NODE_TYPE}, ${POLLING_NODE_TYPE}, ${TRIGGER_NODE_TYPE}`);
		expect(banner).toContain(`Connect an MCP client to http://127.0.0.1:${n8nPort}/mcp/thoughtly:`);

		const client = new N8nClient(`http://127.0.0.1:${n8nPort}`);
		await client.login(DEV_LOGIN.email, DEV_LOGIN.password);
		const credentials = await client.listCredentials();
		expect(credentials.map((c) => `${c.name} (${c.type})`)).toEqual([`${CREDENTIAL_NAME} (thoughtlyApi)`]);
		const workflows = await client.listWorkflows();
		expect(workflows.map((w) => `${w.name}${w.active ? ' [active]' : ''}`).sort()).toEqual(
			[LEAD_WORKFLOW, WAIT_WORKFLOW, `${OUTCOME_WORKFLOW} [active]`, `${MCP_WORKFLOW} [active]`].sort(),
		);
		// The credential works: n8n's credential test against the dev simulator.
		const simulatorData = { apiToken: SEED.apiToken, teamId: SEED.teamId, baseUrl: `http://127.0.0.1:${simulatorPort}` };
		expect(await client.testCredential('thoughtlyApi', simulatorData, credentials[0])).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});

		const { contactId, outcome } = await leadToOutcome(client);
		expect(outcome).toMatchObject({
			thoughtly_contact_id: contactId,
			agent: 'Sales Qualifier',
			call_status: expect.any(String),
			call_outcome: expect.any(String),
		});
		expect(outcome.transcript).toContain('Agent: Hi Jamie');

		// The third example waits for its call to end and finishes with the outcome.
		const waitExample = workflows.find((w) => w.name === WAIT_WORKFLOW)!;
		const waited = await client.runWorkflowAndWait(waitExample.id, (await client.getWorkflow(waitExample.id)).nodes[0].name);
		expect(waited.status).toBe('success');
		const [written] = nodeOutput(waited, 'Outcome for the CRM');
		expect(written).toMatchObject({ crm_id: 'LEAD-1042', call_ended: true, call_status: expect.any(String), call_outcome: expect.any(String) });
		expect(written.transcript).toContain('Agent: Hi Morgan');

		await interrupt(run);
		expect(run.output()).toContain('Received SIGINT: stopping n8n and the simulator');
		expect(run.output()).toContain('Stopped.');
		expect(await portIsFree(n8nPort)).toBe(true);
		expect(await portIsFree(simulatorPort)).toBe(true);
	});

	it('runs again on the same folder without duplicates, and the trigger example still fires', async () => {
		const n8nPort = await freePort();
		const simulatorPort = await freePort();
		const run = await startDev(n8nPort, simulatorPort);
		expect(run.output()).toContain('(kept from an earlier run)');
		expect(run.output()).toContain(`Connect an MCP client to http://127.0.0.1:${n8nPort}/mcp/thoughtly:`);
		expect(run.output()).not.toContain('owner created now');

		const client = new N8nClient(`http://127.0.0.1:${n8nPort}`);
		await client.login(DEV_LOGIN.email, DEV_LOGIN.password);
		expect((await client.listCredentials()).map((c) => c.name)).toEqual([CREDENTIAL_NAME]);
		expect((await client.listWorkflows()).map((w) => w.name).sort()).toEqual([LEAD_WORKFLOW, OUTCOME_WORKFLOW, MCP_WORKFLOW, WAIT_WORKFLOW].sort());

		// The credential now points at this run's simulator (another port), and the trigger
		// subscribed to it again.
		const { contactId, outcome } = await leadToOutcome(client);
		expect(outcome.thoughtly_contact_id).toBe(contactId);

		await interrupt(run);
		expect(run.output()).toContain('Stopped.');
		expect(await portIsFree(n8nPort)).toBe(true);
	});
});
