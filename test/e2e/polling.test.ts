/**
 * The Thoughtly Polling Trigger in a real n8n 2.40.7: a published workflow polls every minute
 * (the shortest interval n8n allows a polling trigger), and each call that completes in the
 * simulator reaches the workflow exactly once, also across an n8n restart, including a call
 * that completed while n8n was stopped.
 */
import { randomUUID } from 'node:crypto';
import type { N8nClient, WorkflowNode } from '../../scripts/lib/n8n-client';
import { nodeOutput } from '../../scripts/lib/n8n-client';
import { waitFor } from '../../scripts/lib/processes';
import { SEED } from '../simulator/seed';
import { SimulatorClient } from '../simulator/client';
import {
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	OWNER,
	POLLING_NODE_TYPE,
	readState,
	simulatorCredentialData,
	startOwnN8n,
	type OwnN8n,
} from './harness/suite';

const NODE_NAME = 'Thoughtly Polling Trigger';
/** A poll every minute, plus time for the execution to finish and be listed. */
const ONE_POLL_MS = 150_000;

const state = readState();
const sim = new SimulatorClient(state.simulatorUrl);
let own: OwnN8n | undefined;
let completionDelayMs: number;

beforeAll(async () => {
	await sim.reset();
	// Calls complete when this test says so, not after the shared simulator's delay.
	completionDelayMs = (await sim.info()).config.callCompletionDelayMs;
	await sim.configure({ callCompletionDelayMs: 3_600_000 });
});

afterAll(async () => {
	await sim.configure({ callCompletionDelayMs: completionDelayMs });
	await own?.server.close();
});

function pollingNode(pollTimes: unknown, credential: { id: string; name: string }): WorkflowNode {
	return {
		id: randomUUID(),
		name: NODE_NAME,
		type: POLLING_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			pollTimes,
			agentId: { __rl: true, mode: 'id', value: SEED.agents.salesQualifier },
			simplify: true,
		},
		credentials: { [CREDENTIAL_TYPE]: credential },
	};
}

/** Places a call with the Sales Qualifier through the API and completes it in the simulator. */
async function completeCall(contactId: string): Promise<string> {
	const response = await fetch(`${state.simulatorUrl}/contact/call`, {
		method: 'POST',
		headers: { 'x-api-token': state.apiToken, team_id: state.teamId, 'Content-Type': 'application/json' },
		body: JSON.stringify({ contact_id: contactId, interview_id: SEED.agents.salesQualifier }),
	});
	const { data } = (await response.json()) as { data: { call_id: string } };
	await sim.completeCall(data.call_id);
	return data.call_id;
}

/** The call IDs each finished execution of the workflow started with, oldest execution first. */
async function emitted(client: N8nClient, workflowId: string): Promise<string[][]> {
	const executions = (await client.listExecutions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new');
	const runs = [];
	for (const summary of executions.sort((a, b) => Number(a.id) - Number(b.id))) {
		const execution = await client.getExecution(summary.id);
		expect(execution.status).toBe('success');
		runs.push(nodeOutput(execution, NODE_NAME).map((item) => item.callId as string));
	}
	return runs;
}

async function waitForEmitted(client: N8nClient, workflowId: string, count: number): Promise<string[][]> {
	return await waitFor(
		`${count} calls emitted by workflow ${workflowId}`,
		async () => {
			const runs = await emitted(client, workflowId);
			return runs.flat().length >= count ? runs : undefined;
		},
		ONE_POLL_MS,
		2_000,
	);
}

describe('Thoughtly Polling Trigger in n8n', () => {
	it('refuses a poll interval shorter than a minute', async () => {
		own = await startOwnN8n('n8n-polling');
		const saved = await own.client.createCredential(CREDENTIAL_NAME, CREDENTIAL_TYPE, simulatorCredentialData(state));
		const everyTenSeconds = { item: [{ mode: 'custom', cronExpression: '*/10 * * * * *' }] };
		const workflow = await own.client.createWorkflow({
			name: 'Calls completed (polling, too often)',
			nodes: [pollingNode(everyTenSeconds, { id: saved.id, name: saved.name })],
			connections: {},
		});
		await expect(own.client.activateWorkflow(workflow.id)).rejects.toThrow(/The polling interval is too short/);
	});

	it('runs once per completed call, every minute, and not again after a restart', async () => {
		const { server, client } = own!;
		const credential = (await client.listCredentials()).find((c) => c.name === CREDENTIAL_NAME)!;
		const workflow = await client.createWorkflow({
			name: 'Calls completed (polling)',
			nodes: [pollingNode({ item: [{ mode: 'everyMinute' }] }, { id: credential.id, name: credential.name })],
			connections: {},
		});
		// Publishing polls at once: it records where the list stands and starts nothing.
		await sim.clearRequests();
		await client.activateWorkflow(workflow.id);
		const firstPoll = (await sim.requests()).filter((r) => r.headers['x-api-token'] === state.apiToken);
		expect(firstPoll.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /interview/${SEED.agents.salesQualifier}/responses`]);
		expect(await client.listExecutions(workflow.id)).toEqual([]);

		const before = [await completeCall(SEED.contacts.averyLee), await completeCall(SEED.contacts.jordanPatel)];
		expect((await waitForEmitted(client, workflow.id, 2)).flat()).toEqual(before);

		// A call completes while n8n is stopped: the poll at start-up finds it, and only it.
		await server.stop();
		const whileDown = await completeCall(SEED.contacts.mariaGonzalez);
		await server.start();
		await client.login(OWNER.email, OWNER.password);
		await waitFor('the workflow to be live again', async () => ((await client.isLive(workflow.id)) ? true : undefined), 60_000);
		expect((await waitForEmitted(client, workflow.id, 3)).flat()).toEqual([...before, whileDown]);

		// A scheduled poll after the restart: the new call, nothing earlier again.
		const after = await completeCall(SEED.contacts.chenWei);
		const runs = await waitForEmitted(client, workflow.id, 4);
		expect(runs.flat()).toEqual([...before, whileDown, after]);
		expect(runs[runs.length - 1]).toEqual([after]);

		await client.deactivateWorkflow(workflow.id);
	});
});
