/**
 * What a user sees when something goes wrong: Thoughtly's own message with the HTTP status and a
 * hint, refused input before any request, which requests are repeated (reads and deletes) and
 * which never are (a repeated call could ring a person twice), and Continue On Fail.
 */
import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { SEED } from '../../simulator';
import { byId, useThoughtly } from './fixture';

const t = useThoughtly();

const getContact = (id: string) => ({ resource: 'contact', operation: 'get', contactId: byId(id) });
const createContact = (phoneNumber: string, additionalFields = {}) => ({
	resource: 'contact',
	operation: 'create',
	phoneNumber,
	additionalFields,
});
const callContact = (agentId: string, metadata = '{}') => ({
	resource: 'contact',
	operation: 'call',
	contactId: byId(SEED.contacts.averyLee),
	agentId: byId(agentId),
	metadata,
});

function statuses() {
	return t.sim.requests().map((r) => r.status ?? null);
}

describe('Thoughtly refuses the request', () => {
	it('401: Thoughtly\'s message, the status, and where to find the token', async () => {
		const wrong = await t.addCredential({ apiToken: 'tk_revoked' });
		const { error } = await t.run(getContact(SEED.contacts.averyLee), [{}], { credential: wrong });

		expect(error?.message).toBe('Invalid API token');
		expect((error as NodeApiError).httpCode).toBe('401');
		expect(error?.description).toMatch(/Settings → Developer/);
		expect(statuses()).toEqual([401]);
	});

	it('403 outbound calling disabled: says to turn it on for the agent, and is not repeated', async () => {
		const { error } = await t.run(callContact(SEED.agents.outboundDisabled));

		expect(error?.message).toBe('Outbound calling is disabled for this agent');
		expect((error as NodeApiError).httpCode).toBe('403');
		expect(error?.description).toBe(
			"This agent has outbound calling turned off. Turn it on in the agent's settings in Thoughtly, or choose another agent.",
		);
		expect(statuses()).toEqual([403]);
		expect(t.sim.state().teams[SEED.teamId].calls.filter((c) => c.status === 'queued')).toEqual([]);
	});

	it('404: names what was not found and hints at the team', async () => {
		const { error } = await t.run(getContact('cnt_missing'));

		expect(error?.message).toMatch(/cnt_missing/);
		expect((error as NodeApiError).httpCode).toBe('404');
		expect(error?.description).toMatch(/Check the ID, and that the credential's team ID is the team that owns it/);
		expect(statuses()).toEqual([404]);
	});

	it('400: Thoughtly\'s validation message reaches the user', async () => {
		const { error } = await t.run(callContact(SEED.agents.archived));
		expect((error as NodeApiError).httpCode).toBe('400');
		expect(JSON.stringify(error?.message)).toMatch(/archived/);
		expect(statuses()).toEqual([400]);
	});

	it('429 that does not stop: waits as asked, gives up after 60 tries of Retry-After 0, then explains the limit', async () => {
		t.sim.injectFault({ kind: 'status', status: 429, retryAfter: 0, count: 100 });
		const { error } = await t.run(getContact(SEED.contacts.averyLee));

		expect(error?.message).toBe('Too many requests');
		expect((error as NodeApiError).httpCode).toBe('429');
		expect(error?.description).toMatch(/lower "Requests per Minute" in the credential/);
		expect(error?.description).toMatch(/tried 61 times/);
		expect(statuses()).toEqual(Array.from({ length: 61 }, () => 429));
	});

	it('429 once: the request is sent again after Retry-After, also a POST, and succeeds', async () => {
		t.sim.injectFault({ kind: 'status', status: 429, retryAfter: 1, method: 'POST' });
		const result = await t.run(createContact('+14155550177'));

		expect(result.error).toBeUndefined();
		expect(statuses()).toEqual([429, 200]);
		expect(t.sim.state().teams[SEED.teamId].contacts.filter((c) => c.phone_number === '+14155550177')).toHaveLength(1);
	});
});

describe('Thoughtly fails to answer', () => {
	it('5xx on a POST (create) is reported and never repeated', async () => {
		t.sim.injectFault({ kind: 'status', status: 503, method: 'POST', path: '/contact/create' });
		const { error } = await t.run(createContact('+14155550178'));

		expect(statuses()).toEqual([503]);
		expect(error?.message).toBe('Simulated upstream failure (503)');
		expect((error as NodeApiError).httpCode).toBe('503');
		expect(error?.description).toMatch(/It was not sent again, because it may already have taken effect/);
	});

	it('5xx on contact/call is reported and never repeated (no second ring)', async () => {
		t.sim.injectFault({ kind: 'status', status: 500, path: '/contact/call' });
		const { error } = await t.run(callContact(SEED.agents.salesQualifier));
		expect(statuses()).toEqual([500]);
		expect(error?.description).toMatch(/a repeated call could ring the contact twice/);
	});

	it('5xx on automation/trigger is reported and never repeated', async () => {
		t.sim.injectFault({ kind: 'status', status: 502, path: '/webhook/automation/{automation_id}' });
		const { error } = await t.run({
			resource: 'automation',
			operation: 'trigger',
			automationId: SEED.automations.leadIntake,
			payload: '{}',
		});
		expect(statuses()).toEqual([502]);
		expect((error as NodeApiError).httpCode).toBe('502');
	});

	it('5xx on a GET is repeated, and the read succeeds', async () => {
		t.sim.injectFault({ kind: 'status', status: 500, count: 2, method: 'GET' });
		const result = await t.run(getContact(SEED.contacts.averyLee));

		expect(result.error).toBeUndefined();
		expect(statuses()).toEqual([500, 500, 200]);
		expect(result.items[0].json.id).toBe(SEED.contacts.averyLee);
	});

	it('5xx on a GET that persists is reported after 3 tries', async () => {
		t.sim.injectFault({ kind: 'status', status: 500, count: 5, method: 'GET' });
		const { error } = await t.run(getContact(SEED.contacts.averyLee));
		expect(statuses()).toEqual([500, 500, 500]);
		expect(error?.description).toMatch(/It was tried 3 times/);
	});

	it('5xx on a DELETE is repeated', async () => {
		t.sim.injectFault({ kind: 'status', status: 502, method: 'DELETE' });
		const result = await t.run({ resource: 'contact', operation: 'delete', contactId: byId(SEED.contacts.chenWei) });
		expect(result.error).toBeUndefined();
		expect(statuses()).toEqual([502, 200]);
	});

	it('a dropped connection on a POST is reported, not repeated', async () => {
		t.sim.injectFault({ kind: 'drop', path: '/contact/call' });
		const { error } = await t.run(callContact(SEED.agents.salesQualifier));

		expect(t.sim.requests().map((r) => r.fault ?? 'answered')).toEqual(['drop']);
		expect(error?.message).toMatch(/^The connection to Thoughtly failed \(POST \/contact\/call\)/);
		expect(error?.description).toMatch(/It was not sent again/);
	});

	it('a dropped connection on a GET is repeated', async () => {
		t.sim.injectFault({ kind: 'drop', method: 'GET' });
		const result = await t.run(getContact(SEED.contacts.averyLee));
		expect(result.error).toBeUndefined();
		expect(t.sim.requests().map((r) => r.fault ?? r.status)).toEqual(['drop', 200]);
	});
});

describe('Thoughtly answers with something unexpected', () => {
	it('a 200 whose envelope carries an error is an error', async () => {
		t.sim.injectFault({ kind: 'envelope-error' });
		const { error, items } = await t.run(getContact(SEED.contacts.averyLee));

		expect(items).toEqual([]);
		expect(error?.message).toBe('Simulated error inside a 200 answer');
		expect(error?.description).toMatch(/Thoughtly answered HTTP 200 but its response carries an error/);
		expect(statuses()).toEqual([200]);
	});

	it('a cut-off JSON body is reported as not a Thoughtly answer', async () => {
		t.sim.injectFault({ kind: 'malformed' });
		const { error } = await t.run({ resource: 'contact', operation: 'getMany', returnAll: true, filters: {} });

		expect(error?.message).toBe('Thoughtly answered with something that is not a Thoughtly API response (HTTP 200)');
		expect(error?.description).toMatch(/Check the Base URL/);
		expect(statuses()).toEqual([200]);
	});

	it('an HTML error page on a POST is reported with its status, not repeated', async () => {
		t.sim.injectFault({ kind: 'html', status: 502, method: 'POST' });
		const { error } = await t.run(createContact('+14155550179'));

		expect(statuses()).toEqual([502]);
		expect((error as NodeApiError).httpCode).toBe('502');
		expect(error?.message).toBe('Thoughtly answered HTTP 502 with a web page instead of an API response');
	});

	it('an HTML error page on a GET is repeated', async () => {
		t.sim.injectFault({ kind: 'html', status: 502, method: 'GET' });
		const result = await t.run(getContact(SEED.contacts.averyLee));
		expect(result.error).toBeUndefined();
		expect(statuses()).toEqual([502, 200]);
	});
});

describe('input refused before any request', () => {
	it.each([
		['415-555-0123', 'without a country code'],
		['+0 415 555 0123', 'a country code cannot start with 0'],
		['+1415555012345678', 'more than 15 digits'],
		['call me', 'not a number'],
	])('phone number %s (%s)', async (phoneNumber) => {
		const { error } = await t.run(createContact(phoneNumber));
		expect(error?.message).toBe(`Phone Number "${phoneNumber}" is not an E.164 phone number [item 0]`);
		expect(error?.description).toMatch(/E\.164 format/);
		expect(t.sim.requests()).toEqual([]);
	});

	it('a phone number that an expression gives as a number (its plus is lost)', async () => {
		const { error } = await t.run(createContact('={{ $json.phone }}'), [{ phone: 14155550123 }]);
		expect(error?.message).toBe('Phone Number "14155550123" is not an E.164 phone number [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	it('an empty phone number', async () => {
		const { error } = await t.run(createContact('  '));
		expect(error?.message).toBe('Phone Number is empty [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	it('attributes that are not JSON', async () => {
		const { error } = await t.run(createContact('+14155550123', { attributes: '{"company": Acme}' }));
		expect(error?.message).toBe('Attributes is not valid JSON [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	it('attributes that are JSON but not an object', async () => {
		const { error } = await t.run(createContact('+14155550123', { attributes: '["a", "b"]' }));
		expect(error?.message).toBe('Attributes must be a JSON object, not a list [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	it('metadata from an expression that is not an object, on the second item', async () => {
		const { error } = await t.run(
			{ ...callContact(SEED.agents.salesQualifier), metadata: '={{ $json.meta }}' },
			[{ meta: { campaign: 'x' } }, { meta: 42 }],
		);
		expect(error?.message).toBe('Metadata must be a JSON object, not a number [item 1]');
		expect((error?.context as { itemIndex?: number }).itemIndex).toBe(1);
		// Every item is checked before the first call: item 0 was not called either.
		expect(t.sim.requests()).toEqual([]);
	});

	it('an empty contact ID', async () => {
		const { error } = await t.run(getContact(' '));
		expect(error?.message).toBe('Contact is empty [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	// A required field left empty in the editor is refused by n8n itself (the node "has issues");
	// the node checks what expressions produce.
	it('an agent ID that an expression leaves empty', async () => {
		const { error } = await t.run({ ...callContact(''), agentId: byId('={{ $json.agent }}') }, [{ agent: '' }]);
		expect(error?.message).toBe('Agent is empty [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	it('a webhook URL that is not an address', async () => {
		const { error } = await t.run({ resource: 'webhook', operation: 'subscribe', event: 'NEW_RESPONSE', url: 'n8n.local/hook', data: '' });
		expect(error?.message).toBe('URL "n8n.local/hook" is not an http(s) address [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});

	it('an empty automation ID', async () => {
		const { error } = await t.run(
			{ resource: 'automation', operation: 'trigger', automationId: '={{ $json.id }}', payload: '{}' },
			[{ id: ' ' }],
		);
		expect(error?.message).toBe('Automation ID is empty [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});
});

describe('Continue On Fail', () => {
	it('gives every input item exactly one output item, paired to it, failures included', async () => {
		const result = await t.run(
			{ resource: 'contact', operation: 'create', phoneNumber: '={{ $json.phone }}', additionalFields: { name: '={{ $json.name }}' } },
			[
				{ phone: '+14155550191', name: 'One' },
				{ phone: 'not a phone', name: 'Two' },
				{ phone: '+14155550193', name: 'Three' },
				{ phone: '+14155550194', name: 'Four' },
			],
			{ continueOnFail: true },
		);
		t.sim.clearRequests();

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items.map((item) => item.json.name ?? item.json.error)).toEqual([
			'One',
			'Phone Number "not a phone" is not an E.164 phone number [item 1]',
			'Three',
			'Four',
		]);
		expect((result.items[1].json.details as IDataObject).description).toMatch(/E\.164 format/);
	});

	it('keeps Thoughtly errors per item, with the status', async () => {
		t.sim.injectFault({ kind: 'status', status: 500, method: 'POST', path: '/contact/call' });
		const result = await t.run(
			{
				resource: 'contact',
				operation: 'call',
				contactId: byId('={{ $json.contact }}'),
				agentId: byId(SEED.agents.salesQualifier),
				metadata: '{}',
			},
			[{ contact: SEED.contacts.averyLee }, { contact: 'cnt_missing' }, { contact: SEED.contacts.jordanPatel }],
			{ continueOnFail: true },
		);

		expect(result.items.map((item) => [item.pairedItem, (item.json.details as IDataObject | undefined)?.httpCode ?? item.json.status])).toEqual([
			[{ item: 0 }, '500'],
			[{ item: 1 }, '404'],
			[{ item: 2 }, 'queued'],
		]);
		expect(statuses()).toEqual([500, 404, 200]);
	});

	it('pairs every record of a list with its input item', async () => {
		const result = await t.run(
			{ resource: 'call', operation: 'getMany', agentId: byId('={{ $json.agent }}'), returnAll: true, filters: {} },
			[{ agent: SEED.agents.appointmentReminder }, { agent: 'agt_missing' }, { agent: SEED.agents.archived }],
			{ continueOnFail: true },
		);
		expect(result.items.map((item) => [item.pairedItem, item.json.id ?? (item.json.details as IDataObject | undefined)?.httpCode])).toEqual([
			[{ item: 0 }, SEED.calls.jordanConfirmed],
			[{ item: 1 }, '404'],
			[{ item: 2 }, SEED.calls.chenBooked],
		]);
	});

	it('with "Continue (using error output)", failed items go to the error output, still paired', async () => {
		const result = await t.n8n.runNode(
			{
				type: 'thoughtly',
				parameters: getContact('={{ $json.id }}'),
				credentials: { thoughtlyApi: t.credential },
				onError: 'continueErrorOutput',
			},
			[{ id: SEED.contacts.averyLee }, { id: 'cnt_missing' }, { id: SEED.contacts.chenWei }],
		);
		const [success, failed] = result.outputs;
		expect(success.map((item) => [item.pairedItem, item.json.id])).toEqual([
			[{ item: 0 }, SEED.contacts.averyLee],
			[{ item: 2 }, SEED.contacts.chenWei],
		]);
		// n8n merges the input item's fields into the error item on the error output.
		expect(failed.map(({ json, pairedItem }) => ({ json, pairedItem }))).toEqual([
			{
				json: {
					id: 'cnt_missing',
					error: 'Contact cnt_missing not found',
					details: {
						description:
							"Nothing with this ID exists in the credential's Thoughtly team. Check the ID, and that the credential's team ID is the team that owns it.",
						httpCode: '404',
					},
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('without it, the run stops at the failing item and the error names it', async () => {
		const result = await t.run(getContact('={{ $json.id }}'), [
			{ id: SEED.contacts.averyLee },
			{ id: 'cnt_missing' },
			{ id: SEED.contacts.chenWei },
		]);
		expect(result.items).toEqual([]);
		expect((result.error?.context as { itemIndex?: number }).itemIndex).toBe(1);
		expect(t.sent().map((r) => r.path)).toEqual([`/contact/${SEED.contacts.averyLee}`, '/contact/cnt_missing']);
		expect(result.run.data.resultData.error?.message).toBe(result.error?.message);
	});
});
