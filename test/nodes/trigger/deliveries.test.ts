/**
 * Deliveries: the simulator posts events to the trigger's subscribed URLs, a real HTTP server
 * hands each request to the node's webhook() in n8n-core's WebhookContext, and the items it
 * starts an execution with are checked exactly.
 */
import Ajv from 'ajv';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import outputSchema from '../../../nodes/ThoughtlyTrigger/__schema__/v1.0.0/output.json';

import type { Delivery, PayloadShape } from '../../simulator';
import type { DeployedTrigger } from '../../helpers/trigger';
import { agentFromList, plain, SEED, thoughtlyApi, useTriggerEnv } from './fixtures';

const AGENT = SEED.agents.salesQualifier;
const FOLDER = SEED.folders.sales;
const ALL_EVENTS = ['NEW_RESPONSE', 'PHONE_TRANSFER', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'ACTION_FAILED'] as const;

/** Avery Lee's seeded call with the Sales Qualifier, as the agent's script played it. */
const AVERY_TRANSCRIPT = [
	'Agent: Hi Avery, this is Maya from Northwind Analytics. Is now a good time?',
	"Contact: Yes, what's this about?",
	'Agent: You requested a demo of our analytics platform. How many seats are you looking for?',
	'Contact: Around twenty-five, starting next quarter.',
	'Agent: That fits our Growth plan. An account executive will email you times for a demo today.',
	'Contact: Great, thanks.',
].join('\n');

/** The output schema n8n serves for the trigger (nodes/ThoughtlyTrigger/__schema__). */
const validateOutput = new Ajv({ allErrors: true }).compile(outputSchema);

const env = useTriggerEnv();

function executions(): IDataObject[][] {
	return env.server.executions().map((items: INodeExecutionData[]) => items.map((item) => plain(item.json)));
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'User-Agent': 'Thoughtly-Webhook/1.0' },
		body: JSON.stringify(body),
	});
	return { status: response.status, body: await response.json() };
}

/** The URL of the trigger's (first) subscription, as stored in its static data. */
function subscribedUrl(trigger: DeployedTrigger): string {
	return (trigger.storedNodeData().subscriptions as IDataObject[])[0].url as string;
}

async function activated(parameters: INodeParameters): Promise<DeployedTrigger> {
	const trigger = env.deploy(parameters);
	await trigger.activate();
	env.sim.clearRequests();
	return trigger;
}

describe('origin check', () => {
	it('answers 401 and starts nothing when the secret is missing or wrong', async () => {
		const trigger = await activated({ events: ['NEW_RESPONSE'] });
		const base = trigger.webhookUrl();
		const secret = trigger.storedNodeData().secret as string;
		const payload = { event: 'NEW_RESPONSE', call: { id: 'call_forged' } };

		const answers = [
			await post(base, payload),
			await post(`${base}?event=NEW_RESPONSE`, payload),
			await post(`${base}?event=NEW_RESPONSE&secret=${'0'.repeat(64)}`, payload),
			await post(`${base}?event=NEW_RESPONSE&secret=${secret.slice(0, 63)}`, payload),
		];

		expect(answers).toEqual(Array(4).fill({ status: 401, body: { message: 'Unauthorized' } }));
		expect(env.server.handled().map((h) => h.status)).toEqual([401, 401, 401, 401]);
		expect(executions()).toEqual([]);
		// The same payload with the secret does start an execution.
		expect(await post(`${base}?event=NEW_RESPONSE&secret=${secret}`, payload)).toEqual({
			status: 200,
			body: { message: 'Workflow was started' },
		});
		expect(executions()).toEqual([[{ ...payload, triggerEvent: 'NEW_RESPONSE' }]]);
	});

	it('refuses a delivery Thoughtly makes to this URL for a subscription that is not the node’s own', async () => {
		const trigger = await activated({ events: ['NEW_RESPONSE'], agentId: agentFromList(AGENT) });
		const forged = { type: 'NEW_RESPONSE', url: `${trigger.webhookUrl()}?event=NEW_RESPONSE`, data: AGENT };
		expect((await thoughtlyApi(env.sim, 'POST', '/webhooks/subscribe', forged)).status).toBe(200);

		const deliveries = await env.sim.deliver({ type: 'NEW_RESPONSE', callId: SEED.calls.averyQualified });

		const byUrl = Object.fromEntries(deliveries.map((d) => [d.url, d.status]));
		expect(byUrl).toEqual({ [forged.url]: 401, [subscribedUrl(trigger)]: 200 });
		expect(executions()).toHaveLength(1);
	});

	it('refuses a late delivery to the URL of an earlier activation: each activation has a new secret', async () => {
		const trigger = await activated({ events: ['NEW_RESPONSE'] });
		const oldUrl = subscribedUrl(trigger);
		await trigger.deactivate();
		await trigger.activate();
		const newUrl = subscribedUrl(trigger);
		expect(newUrl).not.toBe(oldUrl);

		const payload = { event: 'NEW_RESPONSE', call: { id: 'call_late' } };
		expect((await post(oldUrl, payload)).status).toBe(401);
		expect(executions()).toEqual([]);
		expect((await post(newUrl, payload)).status).toBe(200);
		expect(executions()).toHaveLength(1);
	});
});

/** The simplified item expected for Avery's call, by event and payload shape. */
function simplifiedAvery(event: string, shape: PayloadShape): IDataObject {
	const call = env.sim.state().teams[SEED.teamId].calls.find((c) => c.id === SEED.calls.averyQualified)!;
	const transferred = event === 'PHONE_TRANSFER' || event === 'FOLDER_PHONE_TRANSFER';
	const common = {
		triggerEvent: event,
		callId: SEED.calls.averyQualified,
		agentId: AGENT,
		contactId: SEED.contacts.averyLee,
		durationSeconds: 186,
		startedAt: '2026-05-20T15:31:10.000Z',
		endedAt: '2026-05-20T15:34:16.000Z',
		recordingUrl: 'https://recordings.thoughtly.com/call_sim_avery_qualified.mp3',
		transcript: AVERY_TRANSCRIPT,
		customFields: { campaign: 'spring-outbound', source: 'hubspot', lead_score: '82' },
	};
	expect(call.duration_seconds).toBe(common.durationSeconds);
	if (shape === 'catalog') {
		return {
			...common,
			agentName: 'Sales Qualifier',
			// The catalog payload names the contact by ID only: looked up in Thoughtly.
			contactName: 'Avery Lee',
			contactPhoneNumber: '+14155550123',
			agentPhoneNumber: '+14155557788',
			direction: 'outbound',
			status: transferred ? 'transferred' : 'success',
			outcome: transferred ? 'transferred' : 'qualified',
			summary: null,
			contactLookup: 'found',
			contactLookupError: null,
		};
	}
	return {
		...common,
		agentName: 'Maya',
		contactName: 'Avery Lee',
		contactPhoneNumber: '+14155550123',
		agentPhoneNumber: null,
		direction: null,
		status: transferred ? 'transferred' : 'success',
		outcome: 'qualified',
		summary: 'Interested in a demo for about 25 seats next quarter.',
		contactLookup: 'not needed',
		contactLookupError: null,
	};
}

describe.each<PayloadShape>(['catalog', 'legacy'])('each event, %s payload', (shape) => {
	let trigger: DeployedTrigger;

	beforeEach(async () => {
		trigger = await activated({ events: [...ALL_EVENTS], agentId: agentFromList(AGENT), folderId: FOLDER });
	});

	async function deliver(event: (typeof ALL_EVENTS)[number]): Promise<Delivery> {
		const deliveries = await env.sim.deliver({ type: event, callId: SEED.calls.averyQualified, shape });
		expect(deliveries.map((d) => [d.type, d.status])).toEqual([[event, 200]]);
		return deliveries[0];
	}

	it.each(ALL_EVENTS)('%s, Simplify off: the payload unchanged plus triggerEvent', async (event) => {
		trigger.node.parameters.simplify = false;

		const delivery = await deliver(event);

		const payload = plain(delivery.body) as IDataObject;
		expect(executions()).toEqual([[{ ...payload, triggerEvent: event }]]);
		const [[item]] = executions();
		if (shape === 'catalog') {
			expect(item.event).toBe(event);
			expect((item.call as IDataObject).id).toBe(SEED.calls.averyQualified);
		} else {
			// The older payload does not say which event it is; the node does.
			expect(payload).not.toHaveProperty('event');
			expect(item.id).toBe(SEED.calls.averyQualified);
		}
		expect(Object.keys(item)).toEqual([...Object.keys(payload), 'triggerEvent']);
		expect(validateOutput(item) ? [] : validateOutput.errors).toEqual([]);
	});

	it.each(ALL_EVENTS)('%s, Simplify on', async (event) => {
		trigger.node.parameters.simplify = true;

		const delivery = await deliver(event);

		if (event === 'ACTION_FAILED') {
			// Not a call: returned in full, whatever Simplify says.
			expect(executions()).toEqual([[{ ...(plain(delivery.body) as IDataObject), triggerEvent: event }]]);
			expect(executions()[0][0]).toMatchObject({ error: { code: 'INTEGRATION_AUTH_FAILED' } });
		} else {
			expect(executions()).toEqual([[simplifiedAvery(event, shape)]]);
		}
	});
});

it('the output schema’s example is a valid item', () => {
	expect(outputSchema.examples).toHaveLength(1);
	expect(validateOutput(outputSchema.examples[0]) ? [] : validateOutput.errors).toEqual([]);
	// The schema does reject what is not an item of this trigger.
	expect(validateOutput({ event: 'NEW_RESPONSE' })).toBe(false);
	expect(validateOutput({ triggerEvent: 'CALL_ENDED' })).toBe(false);
});

describe('a call placed through the API', () => {
	it('starts one execution per matching subscription when it completes, with the call as it ended', async () => {
		await activated({
			events: ['NEW_RESPONSE', 'FOLDER_NEW_RESPONSE', 'PHONE_TRANSFER'],
			agentId: agentFromList(AGENT),
			folderId: FOLDER,
			simplify: true,
		});
		const placed = await thoughtlyApi(env.sim, 'POST', '/contact/call', {
			contact_id: SEED.contacts.jordanPatel,
			interview_id: AGENT,
			metadata: { crm_id: 'hs-4711' },
		});
		expect(placed.status).toBe(200);
		const callId = placed.body.data.call_id as string;

		const completed = await env.sim.completeCall(callId);

		expect(completed.deliveries.map((d) => [d.type, d.status])).toEqual([
			['NEW_RESPONSE', 200],
			['FOLDER_NEW_RESPONSE', 200],
		]);
		const call = completed.call;
		const expected = (event: string) => ({
			triggerEvent: event,
			callId,
			agentId: AGENT,
			agentName: 'Sales Qualifier',
			contactId: SEED.contacts.jordanPatel,
			contactName: 'Jordan Patel',
			contactPhoneNumber: '+14155550188',
			agentPhoneNumber: '+14155557788',
			direction: 'outbound',
			status: 'success',
			outcome: 'qualified',
			summary: null,
			durationSeconds: 186,
			startedAt: call.started_at,
			endedAt: call.ended_at,
			recordingUrl: `https://recordings.thoughtly.com/${callId}.mp3`,
			transcript: AVERY_TRANSCRIPT.replace('Hi Avery', 'Hi Jordan'),
			customFields: { crm_id: 'hs-4711' },
			contactLookup: 'found',
			contactLookupError: null,
		});
		expect(executions()).toEqual([[expected('NEW_RESPONSE')], [expected('FOLDER_NEW_RESPONSE')]]);
	});

	it('is not delivered for another agent’s calls when the trigger is limited to one agent', async () => {
		await activated({ events: ['NEW_RESPONSE'], agentId: agentFromList(AGENT) });

		const deliveries = await env.sim.deliver({ type: 'NEW_RESPONSE', interviewId: SEED.agents.appointmentReminder });

		expect(deliveries).toEqual([]);
		expect(executions()).toEqual([]);
	});
});

it('answers but starts nothing for an event that is no longer chosen', async () => {
	const trigger = await activated({ events: ['NEW_RESPONSE', 'PHONE_TRANSFER'] });
	trigger.node.parameters.events = ['NEW_RESPONSE'];

	const deliveries = await env.sim.deliver({ type: 'PHONE_TRANSFER', callId: SEED.calls.averyQualified });

	expect(deliveries.map((d) => d.status)).toEqual([200]);
	expect(env.server.handled().map((h) => h.status)).toEqual([200]);
	expect(executions()).toEqual([]);
});

describe('"Listen for test event" while the workflow is active', () => {
	it('subscribes the test URL besides the production one, receives on both, and removes only its own', async () => {
		const production = await activated({ events: ['NEW_RESPONSE'], agentId: agentFromList(AGENT), simplify: true });
		const productionSubscriptions = env.sim.state().teams[SEED.teamId].webhooks.map((w) => plain(w));
		const listener = env.listenForTestEvent(production);

		await expect(listener.activate()).resolves.toEqual({ existed: false });

		const testUrl = listener.webhookUrl();
		expect(testUrl).toBe(production.webhookUrl().replace('/webhook/', '/webhook-test/'));
		const testSecret = listener.storedNodeData().secret as string;
		expect(testSecret).not.toBe(production.storedNodeData().secret);
		expect(env.sim.requests().map((r) => [r.method, r.path, plain(r.body)])).toEqual([
			['GET', '/webhooks', undefined],
			[
				'POST',
				'/webhooks/subscribe',
				{ type: 'NEW_RESPONSE', url: `${testUrl}?event=NEW_RESPONSE&secret=${testSecret}`, data: AGENT },
			],
		]);

		const deliveries = await env.sim.deliver({ type: 'NEW_RESPONSE', callId: SEED.calls.averyQualified });
		expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
		expect(executions()).toEqual([[simplifiedAvery('NEW_RESPONSE', 'catalog')], [simplifiedAvery('NEW_RESPONSE', 'catalog')]]);

		await listener.deactivate();
		expect(env.sim.state().teams[SEED.teamId].webhooks.map((w) => plain(w))).toEqual(productionSubscriptions);
		// Production was left alone: activating it again finds its subscriptions.
		env.sim.clearRequests();
		await expect(production.activate()).resolves.toEqual({ existed: true });
		expect(env.sim.requests().map((r) => r.path)).toEqual(['/webhooks']);
	});
});

describe('Simplify reads the transcript, outcome and summary from either payload shape', () => {
	/** Delivers exactly `payload` as a Call Completed event and returns the one simplified item. */
	async function simplified(payload: IDataObject): Promise<IDataObject> {
		await activated({ events: ['NEW_RESPONSE'], simplify: true, includeContactDetails: false });
		const deliveries = await env.sim.deliver({ type: 'NEW_RESPONSE', callId: SEED.calls.averyQualified, payload });
		expect(deliveries.map((d) => d.status)).toEqual([200]);
		const [[item]] = executions();
		return item;
	}

	const TURNS = [
		{ transcript: 'Hi, this is Maya.', speaker: 'ai' },
		{ transcript: 'Hello.', speaker: 'user' },
	];
	const HISTORY = [
		{ text: 'Hi, this is Maya.', author: 'ai' },
		{ text: 'Hello.', author: 'user' },
	];
	const LINES = 'Agent: Hi, this is Maya.\nContact: Hello.';

	it('an empty list of turns does not hide a transcript given as text', async () => {
		const item = await simplified({
			id: 'call_legacy_1',
			conversation_history: [],
			transcript: 'Agent: Hi, this is Maya.\nUser: Hello.',
		});
		expect(item.transcript).toBe(LINES);
	});

	it('an empty transcript list in the catalog shape does not hide the older turn list', async () => {
		const item = await simplified({ event: 'NEW_RESPONSE', call: { id: 'call_catalog_1' }, transcript: [], conversation_history: HISTORY });
		expect(item.transcript).toBe(LINES);
	});

	it('the older shape with the catalog’s turns gives the transcript', async () => {
		const item = await simplified({ id: 'call_legacy_2', interview: { id: AGENT }, transcript: TURNS });
		expect(item.transcript).toBe(LINES);
	});

	it('speakers other than the agent and the contact keep their own name', async () => {
		const item = await simplified({
			event: 'NEW_RESPONSE',
			call: { id: 'call_catalog_2' },
			transcript: [
				{ transcript: 'Transferring you now.', speaker: 'ai' },
				{ transcript: 'Call transferred to +14155550100.', speaker: 'system' },
				{ transcript: 'Hi, this is Sam from sales.', speaker: 'human_agent' },
				{ transcript: 'Great.', speaker: 'user' },
				{ transcript: '[inaudible]' },
			],
		});
		expect(item.transcript).toBe(
			[
				'Agent: Transferring you now.',
				'System: Call transferred to +14155550100.',
				'Human agent: Hi, this is Sam from sales.',
				'Contact: Great.',
				'Unknown: [inaudible]',
			].join('\n'),
		);
	});

	it('the summary and outcome come from summary_data in the catalog shape too', async () => {
		const item = await simplified({
			event: 'NEW_RESPONSE',
			call: { id: 'call_catalog_3' },
			summary_data: { outcome: 'qualified', summary: 'Wants a demo next week.' },
		});
		expect(item).toMatchObject({ outcome: 'qualified', summary: 'Wants a demo next week.' });
	});

	it('the summary given as text at the top level of the older shape', async () => {
		const item = await simplified({ id: 'call_legacy_3', summary: 'Asked to be called back on Monday.' });
		expect(item).toMatchObject({ callId: 'call_legacy_3', summary: 'Asked to be called back on Monday.' });
	});
});

describe('Include Contact Details (on by default with Simplify)', () => {
	/** Requests that reached the simulator since the trigger was activated. */
	function requests() {
		return env.sim.requests().map((r) => ({ method: r.method, path: r.path, token: r.headers['x-api-token'], team: r.headers.team_id }));
	}

	async function deliverAvery(): Promise<IDataObject> {
		const deliveries = await env.sim.deliver({ type: 'NEW_RESPONSE', callId: SEED.calls.averyQualified });
		expect(deliveries.map((d) => d.status)).toEqual([200]);
		const [[item]] = executions();
		return item;
	}

	it('looks the contact up with one GET /contact/{id} when the event names only its ID', async () => {
		await activated({ events: ['NEW_RESPONSE'], simplify: true });

		const item = await deliverAvery();

		expect(requests()).toStrictEqual([
			{ method: 'GET', path: `/contact/${SEED.contacts.averyLee}`, token: env.sim.apiToken, team: env.sim.teamId },
		]);
		expect(item).toMatchObject({
			contactId: SEED.contacts.averyLee,
			contactName: 'Avery Lee',
			contactPhoneNumber: '+14155550123',
			contactLookup: 'found',
			contactLookupError: null,
		});
	});

	it('sends nothing when turned off, and the item has no lookup fields', async () => {
		await activated({ events: ['NEW_RESPONSE'], simplify: true, includeContactDetails: false });

		const item = await deliverAvery();

		expect(requests()).toStrictEqual([]);
		expect(item).toMatchObject({ contactId: SEED.contacts.averyLee, contactName: null, contactPhoneNumber: null });
		expect(item).not.toHaveProperty('contactLookup');
		expect(item).not.toHaveProperty('contactLookupError');
	});

	it('delivers with the reason when Thoughtly does not know the contact', async () => {
		await activated({ events: ['NEW_RESPONSE'], simplify: true });

		await env.sim.deliver({ type: 'NEW_RESPONSE', payload: { event: 'NEW_RESPONSE', call: { id: 'call_x', contact_id: 'cnt_gone' } } });

		expect(requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /contact/cnt_gone']);
		expect(executions()).toEqual([
			[
				expect.objectContaining({
					callId: 'call_x',
					contactId: 'cnt_gone',
					contactName: null,
					contactPhoneNumber: null,
					contactLookup: 'failed',
					contactLookupError: "Delivered without the contact's name and phone number. Contact cnt_gone not found",
				}),
			],
		]);
	});

	it('delivers without the details, and says so, when Thoughtly takes more than 2 seconds', async () => {
		await activated({ events: ['NEW_RESPONSE'], simplify: true });
		env.sim.injectFault({ kind: 'hang', method: 'GET', path: '/contact/{id}' });
		// The simulator gives the subscriber long enough: what is checked is the node's own limit.
		const previous = env.sim.configure({}).deliveryTimeoutMs;
		env.sim.configure({ deliveryTimeoutMs: 60_000 });
		try {
			const item = await deliverAvery();

			// Sent once, not repeated as a read usually is after a timeout.
			expect(requests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET /contact/${SEED.contacts.averyLee}`]);
			expect(item).toMatchObject({
				contactName: null,
				contactPhoneNumber: null,
				contactLookup: 'failed',
				contactLookupError: `Delivered without the contact's name and phone number. Thoughtly did not answer within 2 seconds (GET /contact/${SEED.contacts.averyLee})`,
			});
		} finally {
			env.sim.configure({ deliveryTimeoutMs: previous });
		}
	});

	it('counts the lookup against the credential’s Requests per Minute, and never waits for a turn', async () => {
		const two = SEED.otherTeam;
		// Activation takes 2 of the 3 requests this minute; the first lookup takes the third.
		const limited = await env.harness.addCredentials('thoughtlyApi', {
			apiToken: two.apiToken,
			teamId: two.teamId,
			baseUrl: env.sim.url,
			requestsPerMinute: 3,
		});
		const trigger = env.deploy({ events: ['NEW_RESPONSE'], simplify: true }, { credentials: limited });
		await trigger.activate();
		env.sim.clearRequests();
		const deliver = async () => {
			const deliveries = await env.sim.deliver({ type: 'NEW_RESPONSE', callId: two.calls.boRenewed });
			expect(deliveries.map((d) => d.status)).toEqual([200]);
		};

		await deliver();
		await deliver();

		expect(requests()).toStrictEqual([
			{ method: 'GET', path: `/contact/${two.contacts.boJensen}`, token: two.apiToken, team: two.teamId },
		]);
		const [[first], [second]] = executions();
		expect(first).toMatchObject({
			contactId: two.contacts.boJensen,
			contactName: 'Bo Jensen',
			contactPhoneNumber: '+4520123456',
			contactLookup: 'found',
			contactLookupError: null,
		});
		expect(second).toMatchObject({
			contactId: two.contacts.boJensen,
			contactName: null,
			contactPhoneNumber: null,
			contactLookup: 'failed',
			contactLookupError: `Delivered without the contact's name and phone number. Not sent: the credential's Requests per Minute were used up at the time (GET /contact/${two.contacts.boJensen})`,
		});
	});
});
