/**
 * Every operation of the Thoughtly node, run in n8n's engine against the simulator: the exact
 * request Thoughtly received (method, path, query with repeated keys, headers, body) and the
 * exact items the node returned.
 */
import type { IDataObject } from 'n8n-workflow';

import { SEED } from '../../simulator';
import { byId, fromList, itemsOf, useThoughtly } from './fixture';

const t = useThoughtly();

function team() {
	return t.sim.state().teams[SEED.teamId];
}

/** Team one's records, as the simulator stores (and serves) them. */
function contactRecord(id: string) {
	return team().contacts.find((c) => c.id === id) as unknown as IDataObject;
}
function agentRecord(id: string) {
	return team().agents.find((a) => a.id === id) as unknown as IDataObject;
}
function callRecord(id: string) {
	return team().calls.find((c) => c.id === id) as unknown as IDataObject;
}

function onlyRequest() {
	const requests = t.sim.requests();
	expect(requests).toHaveLength(1);
	return requests[0];
}

describe('credentials on requests', () => {
	it('sends x-api-token and team_id from the credential, and JSON bodies as application/json', async () => {
		await t.run({
			resource: 'contact',
			operation: 'create',
			phoneNumber: '+14155550100',
			additionalFields: {},
		});
		const { headers } = onlyRequest();
		expect(headers['x-api-token']).toBe(SEED.apiToken);
		expect(headers.team_id).toBe(SEED.teamId);
		expect(headers['content-type']).toMatch(/^application\/json/);
	});

	it('stores the credential encrypted, not in the clear', async () => {
		const stored = t.n8n.credentialsHelper.encryptedData(t.credential.id as string);
		expect(typeof stored).toBe('string');
		expect(stored).not.toContain(SEED.apiToken);
		expect(stored).not.toContain(SEED.teamId);
	});
});

describe('agent: getMany', () => {
	it('lists the active agents, newest first, with no filters sent', async () => {
		const result = await t.run({ resource: 'agent', operation: 'getMany', returnAll: true, filters: {} });

		expect(t.sent()).toEqual([
			{ method: 'GET', path: '/interview', query: { page: '0', limit: '50' }, body: undefined },
		]);
		expect(itemsOf(result)).toEqual(
			[SEED.agents.outboundDisabled, SEED.agents.appointmentReminder, SEED.agents.salesQualifier].map(
				(id) => ({ json: agentRecord(id), pairedItem: { item: 0 } }),
			),
		);
	});

	it('sends search, status, sort and all_interviews', async () => {
		const result = await t.run({
			resource: 'agent',
			operation: 'getMany',
			returnAll: true,
			filters: { search: ' promo ', status: 'ARCHIVED', sort: 'title_desc', includeArchived: true },
		});

		expect(t.sent()).toEqual([
			{
				method: 'GET',
				path: '/interview',
				query: {
					search: 'promo',
					status: 'ARCHIVED',
					sort: 'title_desc',
					all_interviews: 'true',
					page: '0',
					limit: '50',
				},
				body: undefined,
			},
		]);
		expect(itemsOf(result)).toEqual([{ json: agentRecord(SEED.agents.archived), pairedItem: { item: 0 } }]);
	});

	it('leaves all_interviews out when Include Archived is off', async () => {
		await t.run({
			resource: 'agent',
			operation: 'getMany',
			returnAll: false,
			limit: 2,
			filters: { includeArchived: false, sort: 'title_asc' },
		});
		expect(onlyRequest().query).toEqual({ sort: 'title_asc', page: '0', limit: '2' });
	});
});

describe('call: getMany', () => {
	it("lists an agent's calls, newest first", async () => {
		const result = await t.run({
			resource: 'call',
			operation: 'getMany',
			agentId: fromList(SEED.agents.salesQualifier, SEED.agentTitles.salesQualifier),
			returnAll: true,
			filters: {},
		});

		expect(t.sent()).toEqual([
			{
				method: 'GET',
				path: `/interview/${SEED.agents.salesQualifier}/responses`,
				query: { page: '0', limit: '50' },
				body: undefined,
			},
		]);
		expect(itemsOf(result)).toEqual(
			[SEED.calls.mariaNotInterested, SEED.calls.priyaVoicemail, SEED.calls.averyQualified].map((id) => ({
				json: callRecord(id),
				pairedItem: { item: 0 },
			})),
		);
	});

	it('sends tags and statuses as repeated keys, and the job ID', async () => {
		const result = await t.run({
			resource: 'call',
			operation: 'getMany',
			agentId: byId(SEED.agents.salesQualifier),
			returnAll: true,
			filters: {
				tags: 'hot-lead, voicemail,',
				statuses: 'success,voicemail',
				jobId: SEED.jobs.springCampaign,
				search: '',
			},
		});

		expect(t.sent()).toEqual([
			{
				method: 'GET',
				path: `/interview/${SEED.agents.salesQualifier}/responses`,
				query: {
					response_tags: ['hot-lead', 'voicemail'],
					status: ['success', 'voicemail'],
					job_id: SEED.jobs.springCampaign,
					page: '0',
					limit: '50',
				},
				body: undefined,
			},
		]);
		expect(itemsOf(result)).toEqual(
			[SEED.calls.priyaVoicemail, SEED.calls.averyQualified].map((id) => ({
				json: callRecord(id),
				pairedItem: { item: 0 },
			})),
		);
	});

	it('takes tags from an expression that gives a list', async () => {
		await t.run(
			{
				resource: 'call',
				operation: 'getMany',
				agentId: byId(SEED.agents.salesQualifier),
				returnAll: true,
				filters: { tags: '={{ $json.tags }}' },
			},
			[{ tags: ['qualified', 'hot-lead'] }],
		);
		expect(onlyRequest().query).toEqual({ response_tags: ['qualified', 'hot-lead'], page: '0', limit: '50' });
	});
});

describe('contact: create', () => {
	it('sends only the phone number when nothing else is given', async () => {
		const result = await t.run({
			resource: 'contact',
			operation: 'create',
			phoneNumber: '+1 (415) 555-0100',
			additionalFields: { attributes: '{}', tags: '', name: '' },
		});

		const request = onlyRequest();
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/contact/create');
		expect(request.query).toEqual({});
		expect(JSON.parse(request.rawBody)).toEqual({ phone_number: '+14155550100' });
		const created = team().contacts.at(-1) as unknown as IDataObject;
		expect(created.phone_number).toBe('+14155550100');
		expect(itemsOf(result)).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	it('sends every field, tags as a list and attributes typed as JSON', async () => {
		const result = await t.run({
			resource: 'contact',
			operation: 'create',
			phoneNumber: '+14155550123',
			additionalFields: {
				name: 'Avery Lee',
				email: 'avery@example.com',
				countryCode: 'US',
				tags: 'lead, demo-request',
				attributes: '{ "company": "Acme Corp", "plan_interest": "starter" }',
			},
		});

		expect(t.sent()).toEqual([
			{
				method: 'POST',
				path: '/contact/create',
				query: {},
				body: {
					phone_number: '+14155550123',
					name: 'Avery Lee',
					email: 'avery@example.com',
					country_code: 'US',
					tags: ['lead', 'demo-request'],
					attributes: { company: 'Acme Corp', plan_interest: 'starter' },
				},
			},
		]);
		const created = team().contacts.at(-1) as unknown as IDataObject;
		expect(created).toMatchObject({ name: 'Avery Lee', tags: ['lead', 'demo-request'] });
		expect(itemsOf(result)).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	it('takes attributes as an object from an expression, per item', async () => {
		const result = await t.run(
			{
				resource: 'contact',
				operation: 'create',
				phoneNumber: '={{ $json.phone }}',
				additionalFields: { name: '={{ $json.name }}', attributes: '={{ $json.custom }}' },
			},
			[
				{ phone: '+14155550101', name: 'Sam', custom: { plan: 'pro', seats: 25 } },
				{ phone: '+14155550102', name: 'Kim', custom: { plan: 'starter' } },
			],
		);

		expect(t.sent().map((r) => r.body)).toEqual([
			{ phone_number: '+14155550101', name: 'Sam', attributes: { plan: 'pro', seats: 25 } },
			{ phone_number: '+14155550102', name: 'Kim', attributes: { plan: 'starter' } },
		]);
		expect(result.items.map((item) => [item.json.name, item.pairedItem])).toEqual([
			['Sam', { item: 0 }],
			['Kim', { item: 1 }],
		]);
	});
});

describe('contact: get', () => {
	it('gets one contact by ID per input item', async () => {
		const result = await t.run(
			{ resource: 'contact', operation: 'get', contactId: byId('={{ $json.id }}') },
			[{ id: SEED.contacts.averyLee }, { id: SEED.contacts.chenWei }],
		);

		expect(t.sent()).toEqual([
			{ method: 'GET', path: `/contact/${SEED.contacts.averyLee}`, query: {}, body: undefined },
			{ method: 'GET', path: `/contact/${SEED.contacts.chenWei}`, query: {}, body: undefined },
		]);
		expect(itemsOf(result)).toEqual([
			{ json: contactRecord(SEED.contacts.averyLee), pairedItem: { item: 0 } },
			{ json: contactRecord(SEED.contacts.chenWei), pairedItem: { item: 1 } },
		]);
	});

	it('encodes the ID into the path', async () => {
		const result = await t.run(
			{ resource: 'contact', operation: 'get', contactId: byId('cnt/../user') },
			[{}],
			{ continueOnFail: true },
		);
		expect(onlyRequest().path).toBe('/contact/cnt%2F..%2Fuser');
		expect((result.items[0].json.details as IDataObject).httpCode).toBe('404');
	});
});

describe('contact: getMany', () => {
	it('sends every filter, tags and excluded tags as repeated keys', async () => {
		const result = await t.run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: {
				search: 'example.com',
				phoneNumbersOnly: true,
				tags: 'lead,customer',
				excludedTags: 'do-not-call, vip',
				sort: 'name',
				sortDirection: 'desc',
			},
		});

		expect(t.sent()).toEqual([
			{
				method: 'GET',
				path: '/contact',
				query: {
					search: 'example.com',
					phone_numbers_only: 'true',
					tags: ['lead', 'customer'],
					excluded_tags: ['do-not-call', 'vip'],
					sort: 'name',
					sortDirection: 'desc',
					page: '0',
					limit: '50',
				},
				body: undefined,
			},
		]);
		expect(itemsOf(result)).toEqual([{ json: contactRecord(SEED.contacts.averyLee), pairedItem: { item: 0 } }]);
	});

	it('returns one item per contact, newest first, and a single tag as one key', async () => {
		const result = await t.run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { tags: 'lead' },
		});
		expect(onlyRequest().query).toEqual({ tags: 'lead', page: '0', limit: '50' });
		expect(itemsOf(result)).toEqual(
			[SEED.contacts.priyaRaman, SEED.contacts.mariaGonzalez, SEED.contacts.averyLee].map((id) => ({
				json: contactRecord(id),
				pairedItem: { item: 0 },
			})),
		);
	});
});

describe('contact: delete', () => {
	it('deletes the contact and returns what Thoughtly answered', async () => {
		const result = await t.run({
			resource: 'contact',
			operation: 'delete',
			contactId: fromList(SEED.contacts.chenWei, 'Chen Wei (+442071838750)'),
		});

		expect(t.sent()).toEqual([
			{ method: 'DELETE', path: `/contact/${SEED.contacts.chenWei}`, query: {}, body: undefined },
		]);
		expect(team().contacts.some((c) => c.id === SEED.contacts.chenWei)).toBe(false);
		expect(itemsOf(result)).toEqual([
			{ json: { id: SEED.contacts.chenWei, deleted: true }, pairedItem: { item: 0 } },
		]);
	});
});

describe('contact: call', () => {
	it('places a call with the agent as interview_id and the metadata', async () => {
		const result = await t.run({
			resource: 'contact',
			operation: 'call',
			contactId: fromList(SEED.contacts.averyLee),
			agentId: fromList(SEED.agents.salesQualifier),
			metadata: '{"campaign": "spring-outbound", "lead_score": "82"}',
		});

		expect(t.sent()).toEqual([
			{
				method: 'POST',
				path: '/contact/call',
				query: {},
				body: {
					contact_id: SEED.contacts.averyLee,
					interview_id: SEED.agents.salesQualifier,
					metadata: { campaign: 'spring-outbound', lead_score: '82' },
				},
			},
		]);
		const queued = team().calls.at(-1) as unknown as IDataObject;
		expect(queued).toMatchObject({ contact_id: SEED.contacts.averyLee, status: 'queued' });
		expect(itemsOf(result)).toEqual([
			{
				json: {
					call_id: queued.id,
					status: 'queued',
					interview_id: SEED.agents.salesQualifier,
					contact_id: SEED.contacts.averyLee,
					metadata: { campaign: 'spring-outbound', lead_score: '82' },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('leaves metadata out when it is empty', async () => {
		await t.run({
			resource: 'contact',
			operation: 'call',
			contactId: byId(SEED.contacts.jordanPatel),
			agentId: byId(SEED.agents.appointmentReminder),
			metadata: '{}',
		});
		expect(JSON.parse(onlyRequest().rawBody)).toEqual({
			contact_id: SEED.contacts.jordanPatel,
			interview_id: SEED.agents.appointmentReminder,
		});
	});
});

describe('user: get', () => {
	it('returns the user the token belongs to', async () => {
		const result = await t.run({ resource: 'user', operation: 'get' });
		expect(t.sent()).toEqual([{ method: 'GET', path: '/user', query: {}, body: undefined }]);
		expect(itemsOf(result)).toEqual([
			{ json: { ...SEED.user, team_id: SEED.teamId }, pairedItem: { item: 0 } },
		]);
	});
});

describe('webhook', () => {
	const url = 'https://n8n.example.com/webhook/abc';

	it('subscribes to each of the five events, with data only when given', async () => {
		const events = ['NEW_RESPONSE', 'PHONE_TRANSFER', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'ACTION_FAILED'];
		const result = await t.run(
			{ resource: 'webhook', operation: 'subscribe', event: '={{ $json.event }}', url, data: '={{ $json.data }}' },
			events.map((event, index) => ({ event, data: index === 2 ? SEED.folders.sales : '' })),
		);

		expect(t.sent()).toEqual(
			events.map((event, index) => ({
				method: 'POST',
				path: '/webhooks/subscribe',
				query: {},
				body: index === 2 ? { type: event, url, data: SEED.folders.sales } : { type: event, url },
			})),
		);
		const webhooks = team().webhooks;
		expect(webhooks.map((w) => w.type)).toEqual(events);
		expect(itemsOf(result)).toEqual(
			webhooks.map((w, index) => ({
				json: { id: w.id, type: w.type, url: w.url, ...(w.data ? { data: w.data } : {}), created_at: w.created_at },
				pairedItem: { item: index },
			})),
		);
	});

	it('lists the subscriptions, one item each', async () => {
		await t.run({ resource: 'webhook', operation: 'subscribe', event: 'NEW_RESPONSE', url, data: SEED.agents.salesQualifier });
		await t.run({ resource: 'webhook', operation: 'subscribe', event: 'PHONE_TRANSFER', url, data: '' });
		t.sim.clearRequests();

		const result = await t.run({ resource: 'webhook', operation: 'getMany' });

		expect(t.sent()).toEqual([{ method: 'GET', path: '/webhooks', query: {}, body: undefined }]);
		const [first, second] = team().webhooks;
		expect(itemsOf(result)).toEqual([
			{
				json: { id: first.id, type: 'NEW_RESPONSE', url, data: SEED.agents.salesQualifier, created_at: first.created_at },
				pairedItem: { item: 0 },
			},
			{
				json: { id: second.id, type: 'PHONE_TRANSFER', url, data: null, created_at: second.created_at },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('unsubscribes by (event, url, data) with a DELETE body, no data key when empty', async () => {
		await t.run({ resource: 'webhook', operation: 'subscribe', event: 'FOLDER_PHONE_TRANSFER', url, data: '' });
		await t.run({ resource: 'webhook', operation: 'subscribe', event: 'NEW_RESPONSE', url, data: SEED.agents.salesQualifier });
		t.sim.clearRequests();

		const result = await t.run(
			{ resource: 'webhook', operation: 'unsubscribe', event: '={{ $json.event }}', url, data: '={{ $json.data }}' },
			[
				{ event: 'FOLDER_PHONE_TRANSFER', data: '' },
				{ event: 'NEW_RESPONSE', data: SEED.agents.salesQualifier },
			],
		);

		const requests = t.sim.requests();
		expect(requests.map((r) => [r.method, r.path, r.rawBody])).toEqual([
			['DELETE', '/webhooks/unsubscribe', JSON.stringify({ type: 'FOLDER_PHONE_TRANSFER', url })],
			[
				'DELETE',
				'/webhooks/unsubscribe',
				JSON.stringify({ type: 'NEW_RESPONSE', url, data: SEED.agents.salesQualifier }),
			],
		]);
		expect(requests[0].headers['content-type']).toMatch(/^application\/json/);
		expect(team().webhooks).toEqual([]);
		expect(itemsOf(result)).toEqual([
			{ json: { type: 'FOLDER_PHONE_TRANSFER', url, removed: true }, pairedItem: { item: 0 } },
			{ json: { type: 'NEW_RESPONSE', url, data: SEED.agents.salesQualifier, removed: true }, pairedItem: { item: 1 } },
		]);
	});
});

describe('automation: trigger', () => {
	it('sends the payload without any credentials by default', async () => {
		const result = await t.run({
			resource: 'automation',
			operation: 'trigger',
			automationId: SEED.automations.leadIntake,
			payload: '{"phone": "+14155550123", "name": "Avery"}',
			options: {},
		});

		const request = onlyRequest();
		expect([request.method, request.path, request.body]).toEqual([
			'POST',
			`/webhook/automation/${SEED.automations.leadIntake}`,
			{ phone: '+14155550123', name: 'Avery' },
		]);
		expect(request.headers).not.toHaveProperty('x-api-token');
		expect(request.headers).not.toHaveProperty('team_id');
		const run = t.sim.state().teams[SEED.teamId].automationRuns[0];
		expect(itemsOf(result)).toEqual([
			{
				json: {
					automation_id: SEED.automations.leadIntake,
					status: 'triggered',
					run_id: run.id,
					received: { phone: '+14155550123', name: 'Avery' },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('accepts the webhook URL Thoughtly shows, and a payload object from an expression', async () => {
		await t.run(
			{
				resource: 'automation',
				operation: 'trigger',
				automationId: `https://api.thoughtly.com/webhook/automation/${SEED.automations.leadIntake}`,
				payload: '={{ $json.lead }}',
			},
			[{ lead: { email: 'kim@example.com', score: 7 } }],
		);
		expect(t.sent()).toEqual([
			{
				method: 'POST',
				path: `/webhook/automation/${SEED.automations.leadIntake}`,
				query: {},
				body: { email: 'kim@example.com', score: 7 },
			},
		]);
	});

	it('sends the API token when Webhook Verification is on', async () => {
		const teamTwo = await t.addCredential({ apiToken: SEED.otherTeam.apiToken, teamId: SEED.otherTeam.teamId });
		const result = await t.run(
			{
				resource: 'automation',
				operation: 'trigger',
				automationId: SEED.otherTeam.automations.verifiedFollowUp,
				payload: '{"policy": "HOME-2231"}',
				options: { webhookVerification: true },
			},
			[{}],
			{ credential: teamTwo },
		);

		expect(onlyRequest().headers['x-api-token']).toBe(SEED.otherTeam.apiToken);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ status: 'triggered', received: { policy: 'HOME-2231' } });
	});

	it('explains a 401 from a verified automation when the option is off', async () => {
		const teamTwo = await t.addCredential({ apiToken: SEED.otherTeam.apiToken, teamId: SEED.otherTeam.teamId });
		const result = await t.run(
			{
				resource: 'automation',
				operation: 'trigger',
				automationId: SEED.otherTeam.automations.verifiedFollowUp,
				payload: '{}',
			},
			[{}],
			{ credential: teamTwo },
		);

		expect(onlyRequest().headers).not.toHaveProperty('x-api-token');
		expect(result.error?.message).toBe(
			"This team requires webhook verification: send the team's API token as x-api-token",
		);
		expect(result.error?.description).toMatch(/turn on the node's Webhook Verification option/);
	});
});

describe('an operation the node does not have', () => {
	it.each([
		['contact', 'update'],
		['contact', 'description'],
		['contact', 'constructor'],
	])('%s → %s fails naming it, before anything is sent', async (resource, operation) => {
		const result = await t.run({ resource, operation });
		expect(result.error?.message).toBe(`The operation "${operation}" of "${resource}" is not supported`);
		expect(t.sent()).toEqual([]);
	});
});
