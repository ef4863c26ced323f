/**
 * An n8n restart with an active Thoughtly Trigger. n8n 2.40.7 keeps a published workflow's
 * webhooks registered across a restart (its webhook routes live in the database and its
 * publication reconciler finds the trigger still activated), so the Thoughtly subscription must
 * survive untouched: nothing unsubscribed at shutdown, nothing subscribed again at start-up, and
 * one completed call still starts exactly one execution. n8n 1.x asks the trigger's
 * `checkExists` at start-up instead, which finds the subscription: the same must hold.
 */
import { randomUUID } from 'node:crypto';
import { nodeOutput } from '../../scripts/lib/n8n-client';
import { waitFor } from '../../scripts/lib/processes';
import { SEED } from '../simulator/seed';
import {
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	OWNER,
	readState,
	simulatorCredentialData,
	singleOperationWorkflow,
	startOwnN8n,
	TRIGGER_NODE_TYPE,
	type OwnN8n,
} from './harness/suite';
import { SimulatorClient } from '../simulator/client';

const state = readState();
const sim = new SimulatorClient(state.simulatorUrl);
let own: OwnN8n | undefined;

afterAll(async () => {
	await own?.server.close();
});

describe('restarting n8n with an active Thoughtly Trigger', () => {
	it('re-activates it without a duplicate subscription, and a call starts one execution', async () => {
		own = await startOwnN8n('n8n-restart');
		const { server, client } = own;
		const saved = await client.createCredential(CREDENTIAL_NAME, CREDENTIAL_TYPE, simulatorCredentialData(state));
		const credential = { id: saved.id, name: saved.name };
		const webhookId = randomUUID();
		const workflow = await client.createWorkflow({
			name: 'Call completed (restart)',
			nodes: [
				{
					id: randomUUID(),
					name: 'Thoughtly Trigger',
					type: TRIGGER_NODE_TYPE,
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters: { events: ['NEW_RESPONSE'], simplify: true },
					credentials: { [CREDENTIAL_TYPE]: credential },
				},
			],
			connections: {},
		});
		const ours = async () =>
			(await sim.state()).teams[SEED.teamId].webhooks.filter((w) => w.url.startsWith(`${server.url}/webhook/${webhookId}/`));

		await client.activateWorkflow(workflow.id);
		const before = await ours();
		expect(before).toEqual([expect.objectContaining({ type: 'NEW_RESPONSE' })]);

		await sim.clearRequests();
		const logBefore = server.log().length;
		await server.restart();
		await client.login(OWNER.email, OWNER.password);
		// n8n 2.x re-publishes active workflows in the background after start-up.
		await waitFor('the workflow to be live again', async () => ((await client.isLive(workflow.id)) ? true : undefined), 60_000);
		// Let the publication reconciler (every 10 s) have its look before counting requests.
		await new Promise((resolve) => setTimeout(resolve, 12_000));
		const sinceRestart = (await sim.requests()).filter((r) => r.headers['x-api-token'] === state.apiToken);
		expect(sinceRestart.filter((r) => r.path === '/webhooks/subscribe')).toEqual([]);
		expect(sinceRestart.filter((r) => r.path === '/webhooks/unsubscribe')).toEqual([]);
		expect(await ours()).toEqual(before);
		expect(server.loadErrors()).toEqual([]);
		expect(server.log().slice(logBefore)).toMatch(/Loaded all credentials and nodes from n8n-nodes-thoughtly/);

		// One call → one delivery → one execution.
		const caller = await client.createWorkflow(
			singleOperationWorkflow(
				'Place a call (restart)',
				{
					resource: 'contact',
					operation: 'call',
					contactId: { __rl: true, mode: 'id', value: SEED.contacts.chenWei },
					agentId: { __rl: true, mode: 'id', value: SEED.agents.salesQualifier },
					metadata: '{}',
				},
				credential,
			),
		);
		const placed = await client.runWorkflowAndWait(caller.id, caller.nodes[0].name);
		expect(placed.status).toBe('success');
		const callId = nodeOutput(placed, 'Thoughtly')[0].call_id as string;
		const [execution] = await client.waitForExecutions(workflow.id, 1);
		const deliveries = (await sim.deliveries()).filter((d) => d.url.includes(`/webhook/${webhookId}/`));
		expect(deliveries).toHaveLength(1);
		const items = nodeOutput(await client.getExecution(execution.id), 'Thoughtly Trigger');
		expect(items).toEqual([expect.objectContaining({ triggerEvent: 'NEW_RESPONSE', callId, contactId: SEED.contacts.chenWei })]);
		// Give a second delivery (if any) time to arrive before counting.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(await client.listExecutions(workflow.id)).toHaveLength(1);

		await client.deactivateWorkflow(workflow.id);
		expect(await ours()).toEqual([]);
	});
});
