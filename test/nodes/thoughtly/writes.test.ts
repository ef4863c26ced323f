/**
 * Write operations never leave a half-done run: every item's input is checked before the first
 * request is sent. And n8n's Retry On Fail, which runs the whole node again, never sends a
 * non-repeatable request (create, call, subscribe, automation) twice within one execution.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { NodeRunResult } from '../../helpers/n8n';
import { SEED } from '../../simulator';
import { byId, useThoughtly } from './fixture';

const t = useThoughtly();

function team() {
	return t.sim.state().teams[SEED.teamId];
}

const url = 'https://n8n.example.com/webhook/x';

/** Each write operation, with three items whose second has bad input (and the error it gets). */
const writes: Array<[string, INodeParameters, IDataObject[], string]> = [
	[
		'contact create',
		{ resource: 'contact', operation: 'create', phoneNumber: '={{ $json.phone }}', additionalFields: {} },
		[{ phone: '+14155550181' }, { phone: '' }, { phone: '+14155550183' }],
		'Phone Number is empty [item 1]',
	],
	[
		'contact call',
		{
			resource: 'contact',
			operation: 'call',
			contactId: byId('={{ $json.contact }}'),
			agentId: byId(SEED.agents.salesQualifier),
			metadata: '={{ $json.meta }}',
		},
		[
			{ contact: SEED.contacts.averyLee, meta: {} },
			{ contact: SEED.contacts.jordanPatel, meta: 'not json' },
			{ contact: SEED.contacts.chenWei, meta: {} },
		],
		'Metadata is not valid JSON [item 1]',
	],
	[
		'contact delete',
		{ resource: 'contact', operation: 'delete', contactId: byId('={{ $json.contact }}') },
		[{ contact: SEED.contacts.averyLee }, { contact: '..' }, { contact: SEED.contacts.chenWei }],
		'Contact ".." is not an ID [item 1]',
	],
	[
		'webhook subscribe',
		{ resource: 'webhook', operation: 'subscribe', event: 'NEW_RESPONSE', url: '={{ $json.url }}', data: '' },
		[{ url }, { url: 'not an address' }, { url: `${url}/3` }],
		'URL "not an address" is not an http(s) address [item 1]',
	],
	[
		'webhook unsubscribe',
		{ resource: 'webhook', operation: 'unsubscribe', event: 'NEW_RESPONSE', url: '={{ $json.url }}', data: '' },
		[{ url }, { url: '' }, { url: `${url}/3` }],
		'URL is empty [item 1]',
	],
	[
		'automation trigger',
		{ resource: 'automation', operation: 'trigger', automationId: SEED.automations.leadIntake, payload: '={{ $json.payload }}' },
		[{ payload: { n: 1 } }, { payload: [1, 2] }, { payload: { n: 3 } }],
		'Payload must be a JSON object, not a list [item 1]',
	],
];

describe('every item is checked before the first request', () => {
	it.each(writes)('%s: a bad second item stops the run before anything is sent', async (_, parameters, input, message) => {
		const { error, items } = await t.run(parameters, input);
		expect(error?.message).toBe(message);
		expect((error?.context as { itemIndex?: number }).itemIndex).toBe(1);
		expect(items).toEqual([]);
		expect(t.sim.requests()).toEqual([]);
	});

	it.each(writes)('%s with Continue On Fail: the bad item is an error item, the others go ahead', async (_, parameters, input, message) => {
		if (parameters.operation === 'unsubscribe') {
			for (const item of [input[0], input[2]]) {
				await t.run({ ...parameters, operation: 'subscribe', url: item.url as string });
			}
			t.sim.clearRequests();
		}
		const { error, items } = await t.run(parameters, input, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.pairedItem, item.json.error ?? 'done'])).toEqual([
			[{ item: 0 }, 'done'],
			[{ item: 1 }, message],
			[{ item: 2 }, 'done'],
		]);
		expect(t.sim.requests().map((r) => r.status)).toEqual([200, 200]);
	});

	it('three Create items whose second has no phone number: fixing it and running again creates each contact once', async () => {
		const parameters = { resource: 'contact', operation: 'create', phoneNumber: '={{ $json.phone }}', additionalFields: {} };
		const phones = ['+14155550181', '+14155550182', '+14155550183'];
		await t.run(parameters, [{ phone: phones[0] }, { phone: '' }, { phone: phones[2] }]);
		await t.run(parameters, phones.map((phone) => ({ phone })));
		expect(phones.map((phone) => team().contacts.filter((c) => c.phone_number === phone).length)).toEqual([1, 1, 1]);
	});
});

describe("n8n's Retry On Fail", () => {
	const contacts = [
		SEED.contacts.averyLee,
		SEED.contacts.jordanPatel,
		SEED.contacts.mariaGonzalez,
		SEED.contacts.chenWei,
		SEED.contacts.priyaRaman,
	];
	const callEach = (options: { continueOnFail?: boolean } = {}) =>
		t.n8n.runNode(
			{
				type: 'thoughtly',
				parameters: {
					resource: 'contact',
					operation: 'call',
					contactId: byId('={{ $json.contact }}'),
					agentId: byId(SEED.agents.salesQualifier),
					metadata: '{}',
				},
				credentials: { thoughtlyApi: t.credential },
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 1,
				...(options.continueOnFail ? { continueOnFail: true } : {}),
			},
			contacts.map((contact) => ({ contact })),
		);
	/** How many calls Thoughtly placed for each of the five contacts. */
	const callsPerContact = () =>
		contacts.map((id) => team().calls.filter((c) => c.contact_id === id && c.status === 'queued').length);
	const callRequests = () => t.sim.requests().filter((r) => r.path === '/contact/call').map((r) => r.status);
	/** The output as [paired item, call ID or error], and each call ID belongs to that item's contact. */
	const outcome = (result: NodeRunResult) =>
		result.items.map((item) => [item.pairedItem, item.json.error ?? item.json.contact_id]);

	it('a 502 on the 3rd of 5 calls, without Continue On Fail: n8n runs the node again, and every contact is called exactly once', async () => {
		t.sim.injectFault({ kind: 'status', status: 502, path: `/contact/call`, count: 1, after: 2 });
		const result = await callEach();

		expect(result.error).toBeUndefined();
		expect(callRequests()).toEqual([200, 200, 502, 200, 200, 200]);
		expect(callsPerContact()).toEqual([1, 1, 1, 1, 1]);
		expect(outcome(result)).toEqual(contacts.map((contact, item) => [{ item }, contact]));
		const calls = team().calls.filter((c) => c.status === 'queued');
		expect(result.items.map((item) => item.json.call_id)).toEqual(
			contacts.map((contact) => calls.find((c) => c.contact_id === contact)?.id),
		);
	});

	it('with Continue On Fail and the 1st call failing (n8n re-runs the node): every contact is called exactly once', async () => {
		t.sim.injectFault({ kind: 'status', status: 502, path: '/contact/call', count: 1 });
		const result = await callEach({ continueOnFail: true });

		expect(callRequests()).toEqual([502, 200, 200, 200, 200, 200]);
		expect(callsPerContact()).toEqual([1, 1, 1, 1, 1]);
		expect(outcome(result)).toEqual(contacts.map((contact, item) => [{ item }, contact]));
	});

	it('with Continue On Fail and the 3rd call failing: n8n does not re-run the node; the failure is an error item', async () => {
		t.sim.injectFault({ kind: 'status', status: 502, path: '/contact/call', count: 1, after: 2 });
		const result = await callEach({ continueOnFail: true });

		expect(callRequests()).toEqual([200, 200, 502, 200, 200]);
		expect(callsPerContact()).toEqual([1, 1, 0, 1, 1]);
		expect(outcome(result)).toEqual([
			[{ item: 0 }, contacts[0]],
			[{ item: 1 }, contacts[1]],
			[{ item: 2 }, 'Simulated upstream failure (502)'],
			[{ item: 3 }, contacts[3]],
			[{ item: 4 }, contacts[4]],
		]);
	});

	it('remembers per execution only: running the workflow again calls everyone again', async () => {
		await callEach();
		await callEach();
		expect(callsPerContact()).toEqual([2, 2, 2, 2, 2]);
	});
});
