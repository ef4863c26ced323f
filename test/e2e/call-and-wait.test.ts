/**
 * Contact → Call with Wait for Call to End in a real n8n (2.x and 1.x): Manual Trigger → Thoughtly →
 * Set. The execution waits (status "waiting"), the simulator completes the call and delivers
 * Call Completed to n8n's waiting-webhook address, and the execution finishes with the outcome;
 * n8n 2.x itself refuses deliveries without the resume token, and the node ignores any whose
 * key it did not make (n8n 1.x checks no token there). A restart of n8n while the execution
 * waits changes nothing: the execution and its subscription live in n8n's database and in
 * Thoughtly, and the delivery resumes it.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowDefinition, WorkflowNode } from '../../scripts/lib/n8n-client';
import { N8nClient, nodeOutput } from '../../scripts/lib/n8n-client';
import { waitFor } from '../../scripts/lib/processes';
import { SimulatorClient } from '../simulator/client';
import { SEED } from '../simulator/seed';
import type { WebhookSubscription } from '../simulator/types';
import {
	chain,
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	manualTrigger,
	n8nMajor,
	OWNER,
	readState,
	simulatorCredentialData,
	startOwnN8n,
	thoughtlyNode,
	uniqueName,
	type OwnN8n,
} from './harness/suite';

const state = readState();
const sim = new SimulatorClient(state.simulatorUrl);
let own: OwnN8n | undefined;
let callDelayMs: number;

beforeAll(async () => {
	// Calls complete when a test completes them.
	callDelayMs = (await sim.configure({})).callCompletionDelayMs;
	await sim.configure({ callCompletionDelayMs: 3_600_000 });
});
beforeEach(async () => {
	await sim.reset();
});
afterAll(async () => {
	await sim.configure({ callCompletionDelayMs: callDelayMs });
	await own?.server.close();
});

function callAndWaitWorkflow(credential: { id: string; name: string }, contactId: string, limitWaitTime = 30): WorkflowDefinition {
	const trigger = manualTrigger();
	const call = thoughtlyNode(
		'Call and Wait',
		{
			resource: 'contact',
			operation: 'call',
			contactId: { __rl: true, mode: 'id', value: contactId },
			agentId: { __rl: true, mode: 'id', value: SEED.agents.salesQualifier },
			metadata: '{"lead": "L-42"}',
			waitForCallToEnd: true,
			limitWaitTime,
		},
		credential,
	);
	const set: WorkflowNode = {
		id: randomUUID(),
		name: 'Outcome',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [440, 0],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: randomUUID(), name: 'outcome', value: '={{ $json.outcome }}', type: 'string' },
					{ id: randomUUID(), name: 'lead', value: '={{ $json.customFields.lead }}', type: 'string' },
				],
			},
			options: {},
		},
	};
	return { name: uniqueName('e2e call and wait'), nodes: [trigger, call, set], connections: chain(trigger, call, set) };
}

async function waitsOf(n8nUrl: string, executionId: string): Promise<WebhookSubscription[]> {
	const team = (await sim.state()).teams[SEED.teamId];
	return team.webhooks.filter((w) => w.url.startsWith(`${n8nUrl}/webhook-waiting/${executionId}/`));
}

async function untilWaiting(client: N8nClient, n8nUrl: string, executionId: string): Promise<WebhookSubscription> {
	return await waitFor(
		`execution ${executionId} to wait`,
		async () => {
			const execution = await client.getExecution(executionId);
			const [subscription] = await waitsOf(n8nUrl, executionId);
			return execution.status === 'waiting' && subscription ? subscription : undefined;
		},
		60_000,
	);
}

async function awaitedCallId(): Promise<string> {
	const team = (await sim.state()).teams[SEED.teamId];
	const call = team.calls.find((c) => c.status === 'queued' && c.metadata && 'n8n_call_and_wait' in c.metadata);
	if (!call) throw new Error('no awaited call was placed');
	return call.id;
}

describe('Contact → Call with Wait for Call to End, in n8n', () => {
	it('waits, refuses forged deliveries, and finishes with the outcome once the call ends', async () => {
		own = await startOwnN8n('n8n-call-and-wait');
		const { server, client } = own;
		const saved = await client.createCredential(CREDENTIAL_NAME, CREDENTIAL_TYPE, simulatorCredentialData(state));
		const credential = { id: saved.id, name: saved.name };
		const workflow = await client.createWorkflow(callAndWaitWorkflow(credential, SEED.contacts.averyLee));

		const executionId = await client.runWorkflow(workflow.id, workflow.nodes[0].name);
		const subscription = await untilWaiting(client, server.url, executionId);
		expect(subscription).toMatchObject({ type: 'NEW_RESPONSE', data: SEED.agents.salesQualifier });
		const url = new URL(subscription.url);
		const key = url.searchParams.get('thoughtlyWait')!;
		const post = async (target: URL, correlationKey: string) =>
			await fetch(target, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ call: { id: 'forged', status: 'completed' }, custom_fields: { n8n_call_and_wait: correlationKey } }),
			});
		if (n8nMajor() >= 2) {
			// n8n 2.x itself answers 401 to a delivery without the execution's resume token.
			expect(url.searchParams.get('signature')).toMatch(/\S{16,}/);
			const withoutToken = new URL(subscription.url);
			withoutToken.searchParams.delete('signature');
			expect((await post(withoutToken, key)).status).toBe(401);
		}
		// n8n 1.x checks no token on a waiting webhook: a key the node did not make is ignored.
		const invented = `${'0'.repeat(key.split('.')[0].length)}.0`;
		const forged = new URL(subscription.url);
		forged.searchParams.set('thoughtlyWait', invented);
		expect((await post(forged, invented)).status).toBe(200);
		expect((await client.getExecution(executionId)).status).toBe('waiting');
		expect(await waitsOf(server.url, executionId)).toEqual([subscription]);

		// Another call of the same agent is delivered too, answered, and changes nothing.
		const [other] = await sim.deliver({ type: 'NEW_RESPONSE', callId: SEED.calls.averyQualified });
		expect(other).toMatchObject({ url: subscription.url, status: 200 });
		expect((await client.getExecution(executionId)).status).toBe('waiting');

		const callId = await awaitedCallId();
		const { deliveries } = await sim.completeCall(callId);
		expect(deliveries).toEqual([expect.objectContaining({ url: subscription.url, status: 200 })]);

		const execution = await client.waitForExecution(executionId);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Call and Wait')).toEqual([
			expect.objectContaining({ callEnded: true, callId, contactId: SEED.contacts.averyLee, outcome: 'qualified', customFields: { lead: 'L-42' } }),
		]);
		expect(nodeOutput(execution, 'Outcome')).toEqual([{ outcome: 'qualified', lead: 'L-42' }]);
		expect(await waitsOf(server.url, executionId)).toEqual([]);
	});

	it('resumes an execution that was waiting while n8n restarted', async () => {
		own ??= await startOwnN8n('n8n-call-and-wait');
		const { server, client } = own;
		await client.login(OWNER.email, OWNER.password);
		const saved = await client.createCredential(`${CREDENTIAL_NAME} (restart)`, CREDENTIAL_TYPE, simulatorCredentialData(state));
		const workflow = await client.createWorkflow(callAndWaitWorkflow({ id: saved.id, name: saved.name }, SEED.contacts.chenWei));
		const executionId = await client.runWorkflow(workflow.id, workflow.nodes[0].name);
		const subscription = await untilWaiting(client, server.url, executionId);

		await server.restart();
		await client.login(OWNER.email, OWNER.password);
		expect((await client.getExecution(executionId)).status).toBe('waiting');

		const callId = await awaitedCallId();
		const { deliveries } = await sim.completeCall(callId);
		expect(deliveries).toEqual([expect.objectContaining({ url: subscription.url, status: 200 })]);
		// n8n 1.x's crash recovery at start-up may record the waiting execution as finished
		// ("success", the nodes before the wait) until the delivery's run has saved: wait for that run.
		const execution = await waitFor(
			`execution ${executionId} to finish with the outcome`,
			async () => {
				const current = await client.getExecution(executionId);
				return current.status === 'success' && current.data.resultData.runData.Outcome ? current : undefined;
			},
			120_000,
		);
		expect(nodeOutput(execution, 'Outcome')).toEqual([{ outcome: 'qualified', lead: 'L-42' }]);
		expect(await waitsOf(server.url, executionId)).toEqual([]);
	});

	it('at the limit, n8n resumes with "timedOut"; the next run removes the subscription left behind', async () => {
		own ??= await startOwnN8n('n8n-call-and-wait');
		const { server, client } = own;
		await client.login(OWNER.email, OWNER.password);
		const saved = await client.createCredential(`${CREDENTIAL_NAME} (limit)`, CREDENTIAL_TYPE, simulatorCredentialData(state));
		const credential = { id: saved.id, name: saved.name };
		const workflow = await client.createWorkflow(callAndWaitWorkflow(credential, SEED.contacts.jordanPatel, 1));
		const executionId = await client.runWorkflow(workflow.id, workflow.nodes[0].name);
		const left = await untilWaiting(client, server.url, executionId);
		const callId = await awaitedCallId();

		// n8n's wait tracker resumes the execution about a minute later.
		const execution = await client.waitForExecution(executionId, 240_000);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Call and Wait')).toEqual([
			{ status: 'timedOut', callEnded: false, callId, agentId: SEED.agents.salesQualifier, contactId: SEED.contacts.jordanPatel },
		]);
		// n8n resumed without running the node: the subscription is still there, expired.
		expect(await waitsOf(server.url, executionId)).toEqual([left]);

		const next = await client.createWorkflow(callAndWaitWorkflow(credential, SEED.contacts.priyaRaman));
		const nextId = await client.runWorkflow(next.id, next.nodes[0].name);
		await untilWaiting(client, server.url, nextId);
		expect(await waitsOf(server.url, executionId)).toEqual([]);
		const removal = (await sim.requests()).filter((r) => r.path === '/webhooks/unsubscribe');
		expect(removal.map((r) => r.body)).toEqual([{ type: 'NEW_RESPONSE', url: left.url, data: SEED.agents.salesQualifier }]);
	});
});
