/**
 * Contact → Call with Wait for Call to End, in n8n-core's engine against the simulator: the
 * execution waits (stored as n8n stores it), the simulator completes calls and delivers Call
 * Completed to n8n's waiting-webhook address, and the execution resumes with the outcomes.
 * Calls complete only when a test completes them (no timing involved).
 */
import type { IDataObject, INode, INodeCredentialsDetails, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { N8nHarness } from '../../helpers/n8n';
import { startN8n, TEST_INPUT_NODE } from '../../helpers/n8n';
import { DeployedTrigger } from '../../helpers/trigger';
import type { StoredExecution, WaitingExecutions } from '../../helpers/waiting';
import { startWaitingExecutions } from '../../helpers/waiting';
import type { SimulatorHandle, WebhookSubscription } from '../../simulator';
import { SEED, startSimulator } from '../../simulator';
import { simplifyCall } from '../../../nodes/ThoughtlyTrigger/simplify';

let sim: SimulatorHandle;
let harness: N8nHarness;
let waiting: WaitingExecutions;
let credential: INodeCredentialsDetails;

beforeAll(async () => {
	sim = await startSimulator({ port: 0, rateLimit: 100_000, callCompletionDelayMs: 3_600_000 });
	harness = await startN8n();
	waiting = await startWaitingExecutions(harness);
	credential = await harness.addCredentials('thoughtlyApi', {
		apiToken: sim.apiToken,
		teamId: sim.teamId,
		baseUrl: sim.url,
		requestsPerMinute: 100_000,
	});
});
beforeEach(() => sim.reset());
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
	await waiting?.close();
	await sim?.stop();
});

const NODE_ID = 'b8f0a4de-3c1e-4a57-9a2b-6f1e2d3c4b5a';
const START = TEST_INPUT_NODE;

function callNode(parameters: INodeParameters, settings: Partial<INode> = {}): INode {
	return {
		...harness.node({
			type: 'thoughtly',
			parameters: {
				resource: 'contact',
				operation: 'call',
				contactId: { __rl: true, mode: 'id', value: '={{ $json.contact }}' },
				agentId: { __rl: true, mode: 'id', value: SEED.agents.salesQualifier },
				metadata: '={{ JSON.stringify({ lead: $json.lead }) }}',
				waitForCallToEnd: true,
				...parameters,
			},
			credentials: { thoughtlyApi: credential },
		}),
		id: NODE_ID,
		name: 'Call and Wait',
		...settings,
	};
}

/** Test Input → Thoughtly (Call, Wait for Call to End), started with these items. */
async function start(input: IDataObject[], parameters: INodeParameters = {}, settings: Partial<INode> = {}): Promise<StoredExecution> {
	const node = callNode(parameters, settings);
	const connections = { [START.name]: { main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]] } };
	return await waiting.run([START, node], connections, START, input.map((json) => ({ json })));
}

function team() {
	return sim.state().teams[SEED.teamId];
}

/** The subscriptions pointing at the waiting-webhook server. */
function waits(): WebhookSubscription[] {
	return team().webhooks.filter((w) => w.url.startsWith(`${waiting.url}webhook-waiting/`));
}

function placedCalls(): Array<{ id: string; contact_id: string; metadata?: IDataObject }> {
	return team().calls.filter((c) => c.status === 'queued') as never;
}

function requests(): string[] {
	return sim.requests().map((r) => `${r.method} ${r.path}`);
}

async function complete(callId: string): Promise<void> {
	await sim.completeCall(callId);
	await waiting.settled();
}

function output(execution: StoredExecution): Array<{ json: IDataObject; pairedItem: unknown }> {
	return waiting.output(execution.id, 'Call and Wait').map(({ json, pairedItem }: INodeExecutionData) => ({ json, pairedItem }));
}

function callOf(contactId: string) {
	const call = team().calls.find((c) => c.contact_id === contactId && c.metadata && 'n8n_call_and_wait' in c.metadata);
	if (!call) throw new Error(`no awaited call to ${contactId}`);
	return call;
}

describe('Contact → Call, Wait for Call to End', () => {
	it('subscribes, places the call with its key, waits, and resumes with the outcome when the call ends', async () => {
		const execution = await start([{ contact: SEED.contacts.averyLee, lead: 'L-1' }]);

		expect(execution.status).toBe('waiting');
		expect(requests()).toEqual(['GET /webhooks', 'POST /webhooks/subscribe', 'POST /contact/call']);
		const [subscription] = waits();
		expect(subscription).toMatchObject({ type: 'NEW_RESPONSE', data: SEED.agents.salesQualifier });
		const url = new URL(subscription.url);
		const stored = waiting.runData(execution.id);
		expect(url.pathname).toBe(`/webhook-waiting/${execution.id}/${NODE_ID}`);
		expect(url.searchParams.get('signature')).toBe(stored.resumeToken);
		const key = url.searchParams.get('thoughtlyWait');
		const [call] = placedCalls();
		expect(sim.requests()[2].body).toEqual({
			contact_id: SEED.contacts.averyLee,
			interview_id: SEED.agents.salesQualifier,
			metadata: { lead: 'L-1', n8n_call_and_wait: key },
		});
		// The limit (30 minutes by default) is the execution's waitTill and the subscription's expiry.
		expect(Number(url.searchParams.get('thoughtlyUntil'))).toBe(new Date(execution.waitTill as Date).getTime());

		sim.clearRequests();
		await complete(call.id);

		expect(execution.status).toBe('success');
		const [delivery] = sim.deliveries();
		const { n8n_call_and_wait: _key, ...customFields } = (delivery.body as IDataObject).custom_fields as IDataObject;
		expect(output(execution)).toEqual([
			{
				json: { ...simplifyCall({ ...(delivery.body as IDataObject), custom_fields: customFields }, 'NEW_RESPONSE'), callEnded: true },
				pairedItem: { item: 0 },
			},
		]);
		expect(output(execution)[0].json).toMatchObject({
			callId: call.id,
			contactId: SEED.contacts.averyLee,
			outcome: 'qualified',
			customFields: { lead: 'L-1' },
		});
		expect(requests()).toEqual(['DELETE /webhooks/unsubscribe', 'GET /webhooks']);
		expect(waits()).toEqual([]);
	});

	it('recognises the call in the older payload shape (metadata) and outputs the full payload when asked', async () => {
		sim.configure({ payloadShape: 'legacy' });
		const execution = await start([{ contact: SEED.contacts.chenWei, lead: 'L-9' }], { simplify: false });
		const [call] = placedCalls();
		await complete(call.id);

		expect(execution.status).toBe('success');
		const body = sim.deliveries()[0].body as IDataObject;
		expect(body.metadata).toMatchObject({ lead: 'L-9' });
		expect(output(execution)).toEqual([
			{ json: { ...body, metadata: { lead: 'L-9' }, callEnded: true }, pairedItem: { item: 0 } },
		]);
		expect(waits()).toEqual([]);
	});

	it('with three items, resumes once every call ended, each outcome paired with its own input', async () => {
		const input = [
			{ contact: SEED.contacts.averyLee, lead: 'A' },
			{ contact: SEED.contacts.jordanPatel, lead: 'B' },
			{ contact: SEED.contacts.mariaGonzalez, lead: 'C' },
		];
		const execution = await start(input);
		expect(execution.status).toBe('waiting');
		expect(waits()).toHaveLength(3);
		expect(placedCalls()).toHaveLength(3);

		await complete(callOf(SEED.contacts.mariaGonzalez).id);
		expect(execution.status).toBe('waiting');
		expect(waits()).toHaveLength(2);
		await complete(callOf(SEED.contacts.averyLee).id);
		expect(execution.status).toBe('waiting');
		expect(waits()).toHaveLength(1);
		await complete(callOf(SEED.contacts.jordanPatel).id);

		expect(execution.status).toBe('success');
		const items = output(execution);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		input.forEach(({ contact, lead }, index) => {
			const call = callOf(contact);
			expect(items[index].json).toMatchObject({
				callEnded: true,
				callId: call.id,
				contactId: contact,
				agentId: SEED.agents.salesQualifier,
				status: call.status,
				outcome: call.outcome,
				durationSeconds: call.duration_seconds,
				recordingUrl: call.recording_url,
				customFields: { lead },
			});
			expect(items[index].json.transcript).toMatch(/^Agent: /);
		});
		expect(waits()).toEqual([]);
	});

	it('answers a delivery for another call of the same agent and keeps waiting', async () => {
		const execution = await start([{ contact: SEED.contacts.averyLee, lead: 'A' }]);
		const [subscription] = waits();
		sim.clearRequests();

		const [other] = await sim.deliver({ type: 'NEW_RESPONSE', callId: SEED.calls.averyQualified });
		await waiting.settled();

		expect(other).toMatchObject({ url: subscription.url, status: 200 });
		expect(execution.status).toBe('waiting');
		expect(waits()).toEqual([subscription]);
		expect(requests()).toEqual([]);

		await complete(placedCalls()[0].id);
		expect(execution.status).toBe('success');
	});

	it('ignores a delivery whose key the node did not make for this execution, even with the resume token', async () => {
		// n8n 1.x checks no resume token on a waiting webhook: the node's key is what protects the wait.
		const execution = await start([{ contact: SEED.contacts.averyLee, lead: 'A' }]);
		const [subscription] = waits();
		const genuine = new URL(subscription.url).searchParams.get('thoughtlyWait')!;
		const forgedKeys = [
			`${'0'.repeat(genuine.split('.')[0].length)}.0`,
			`${genuine.split('.')[0].slice(0, -1)}${genuine.split('.')[0].endsWith('0') ? '1' : '0'}.0`,
			'.0',
			'0',
		];
		sim.clearRequests();

		for (const key of forgedKeys) {
			const url = new URL(subscription.url);
			url.searchParams.set('thoughtlyWait', key);
			const answer = await fetch(url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ call: { id: 'forged', status: 'completed' }, custom_fields: { n8n_call_and_wait: key } }),
			});
			expect(answer.status).toBe(200);
		}
		await waiting.settled();

		expect(execution.status).toBe('waiting');
		expect(waits()).toEqual([subscription]);
		expect(requests()).toEqual([]);
		const [call] = placedCalls();
		await complete(call.id);
		expect(execution.status).toBe('success');
		expect(output(execution)[0].json).toMatchObject({ callId: call.id, callEnded: true });
	});

	it('at the limit, outputs every call not ended as "timedOut", paired with its input', async () => {
		const execution = await start([
			{ contact: SEED.contacts.averyLee, lead: 'A' },
			{ contact: SEED.contacts.chenWei, lead: 'B' },
		]);
		const calls = [callOf(SEED.contacts.averyLee), callOf(SEED.contacts.chenWei)];

		await waiting.timeOut(execution.id);

		expect(execution.status).toBe('success');
		expect(output(execution)).toEqual([
			{
				json: { status: 'timedOut', callEnded: false, callId: calls[0].id, agentId: SEED.agents.salesQualifier, contactId: SEED.contacts.averyLee },
				pairedItem: { item: 0 },
			},
			{
				json: { status: 'timedOut', callEnded: false, callId: calls[1].id, agentId: SEED.agents.salesQualifier, contactId: SEED.contacts.chenWei },
				pairedItem: { item: 1 },
			},
		]);
	});

	it('after the limit, the next run removes the subscriptions the timed-out execution left', async () => {
		const first = await start([{ contact: SEED.contacts.averyLee, lead: 'A' }], { limitWaitTime: 5 });
		await waiting.timeOut(first.id);
		// n8n resumes at the limit without running the node: its subscription is still there.
		const [left] = waits();
		expect(left.url).toContain(`/webhook-waiting/${first.id}/`);

		// The next Call-and-Wait, six minutes later, removes it before subscribing its own.
		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now + 6 * 60_000);
		sim.clearRequests();
		const second = await start([{ contact: SEED.contacts.chenWei, lead: 'B' }]);

		expect(sim.requests().slice(0, 2).map((r) => [r.method, r.path, r.body])).toEqual([
			['GET', '/webhooks', undefined],
			['DELETE', '/webhooks/unsubscribe', { type: 'NEW_RESPONSE', url: left.url, data: SEED.agents.salesQualifier }],
		]);
		expect(waits().map((w) => new URL(w.url).pathname)).toEqual([`/webhook-waiting/${second.id}/${NODE_ID}`]);
	});

	it('a Thoughtly Trigger activated on the same n8n after the limit removes them too', async () => {
		const first = await start([{ contact: SEED.contacts.averyLee, lead: 'A' }], { limitWaitTime: 5 });
		await waiting.timeOut(first.id);
		expect(waits()).toHaveLength(1);

		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now + 6 * 60_000);
		const node: INode = {
			...harness.node({ type: 'thoughtlyTrigger', parameters: { events: ['NEW_RESPONSE'] }, credentials: { thoughtlyApi: credential } }),
			webhookId: '0f4b7e52-1c3d-4e8a-9b6f-2a7c5d9e1f30',
		};
		await new DeployedTrigger(harness, node, waiting.url).activate();

		expect(waits()).toEqual([]);
		expect(team().webhooks.map((w) => new URL(w.url).pathname)).toEqual([`/webhook/${node.webhookId}/webhook`]);
	});

	it('leaves a waiting subscription alone while its limit has not passed', async () => {
		const first = await start([{ contact: SEED.contacts.averyLee, lead: 'A' }]);
		await start([{ contact: SEED.contacts.chenWei, lead: 'B' }]);
		expect(waits()).toHaveLength(2);
		expect(first.status).toBe('waiting');
	});

	it('removes the subscription again when the call cannot be placed', async () => {
		const execution = await start([{ contact: SEED.contacts.averyLee, lead: 'A' }], {
			agentId: { __rl: true, mode: 'id', value: SEED.agents.outboundDisabled },
		});

		expect(execution.status).toBe('error');
		expect(requests()).toEqual(['GET /webhooks', 'POST /webhooks/subscribe', 'POST /contact/call', 'DELETE /webhooks/unsubscribe']);
		expect(waits()).toEqual([]);
		expect(team().webhooks).toEqual([]);
	});

	it('with Continue On Fail, outputs the failed item as an error and waits for the others', async () => {
		const execution = await start(
			[
				{ contact: SEED.contacts.chatVisitor, lead: 'no phone' },
				{ contact: SEED.contacts.averyLee, lead: 'A' },
			],
			{},
			{ onError: 'continueRegularOutput' },
		);
		expect(execution.status).toBe('waiting');
		expect(waits()).toHaveLength(1);

		await complete(callOf(SEED.contacts.averyLee).id);

		const items = output(execution);
		expect(items[0]).toEqual({ json: expect.objectContaining({ error: expect.stringContaining('contact_id') }), pairedItem: { item: 0 } });
		expect(items[1]).toMatchObject({ json: { callEnded: true, contactId: SEED.contacts.averyLee }, pairedItem: { item: 1 } });
		expect(waits()).toEqual([]);
	});

	it('never places a call twice when Retry On Fail runs the node again, and leaves no subscription when it fails', async () => {
		const execution = await start(
			[
				{ contact: SEED.contacts.averyLee, lead: 'A' },
				// No phone number: Thoughtly refuses this call every time.
				{ contact: SEED.contacts.chatVisitor, lead: 'B' },
			],
			{},
			{ retryOnFail: true, maxTries: 2, waitBetweenTries: 10 },
		);

		expect(execution.status).toBe('error');
		const calls = sim.requests().filter((r) => r.path === '/contact/call');
		expect(calls.map((r) => [(r.body as IDataObject).contact_id, r.status])).toEqual([
			[SEED.contacts.averyLee, 200],
			[SEED.contacts.chatVisitor, 400],
			[SEED.contacts.chatVisitor, 400],
		]);
		expect(waits()).toEqual([]);
	});

	it('refuses to wait when Thoughtly could not reach n8n: a local webhook URL with the real Thoughtly', async () => {
		const real = await harness.addCredentials('thoughtlyApi', { apiToken: 'tk', teamId: 'team', baseUrl: 'https://api.thoughtly.com' });
		const node = callNode({});
		node.credentials = { thoughtlyApi: real };
		const connections = { [START.name]: { main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]] } };
		const execution = await waiting.run([START, node], connections, START, [{ json: { contact: SEED.contacts.averyLee } }]);

		expect(execution.status).toBe('error');
		const error = waiting.runData(execution.id).resultData.error;
		expect(error?.message).toMatch(/Thoughtly cannot reach this n8n: its webhook URL \(http:\/\/127\.0\.0\.1:\d+\) is a local address/);
		expect(error?.description).toMatch(/N8N_WEBHOOK_URL/);
	});
});
