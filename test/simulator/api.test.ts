/**
 * The Thoughtly operations of the simulator: happy paths in the spec's response shapes,
 * authentication, validation, not-found, lists, filters and team isolation.
 */
import { type SimulatorHandle, SEED, startSimulator } from './index';
import { loadSpec } from './spec';
import { api, teamTwo } from './testkit';

const spec = loadSpec();
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

/** Every answer is the spec's GenericResponse envelope. */
function expectEnvelope(body: unknown): void {
	const issues: Array<{ field: string; message: string }> = [];
	spec.check(spec.schema('GenericResponse'), body, '', issues);
	expect(issues).toEqual([]);
	expect(Object.keys(body as object).sort()).toEqual(['data', 'error']);
}

function expectOk(result: { status: number; body: any }): any {
	expect(result.status).toBe(200);
	expectEnvelope(result.body);
	expect(result.body.error).toBeNull();
	return result.body.data;
}

function expectError(result: { status: number; body: any }, status: number, field?: string): any {
	expect(result.status).toBe(status);
	expect(result.body.data).toBeNull();
	expect(result.body.error).toEqual(expect.objectContaining({ message: expect.any(String), code: expect.any(String) }));
	if (field) {
		expect(result.body.error.message).toContain(field);
		expect(result.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
	}
	return result.body.error;
}

const agentShape = {
	id: expect.any(String),
	title: expect.any(String),
	status: expect.stringMatching(/^(ACTIVE|ARCHIVED)$/),
	channel: expect.stringMatching(/^(voice|chat|omnichannel)$/),
	phone_number: expect.stringMatching(/^\+[1-9]\d{1,14}$/),
	folder_id: expect.any(String),
	outbound_calling_enabled: expect.any(Boolean),
	voice_id: expect.any(String),
	outcomes: expect.any(Array),
	created_at: ISO,
	updated_at: ISO,
};

const turnShape = expect.objectContaining({
	transcript: expect.any(String),
	speaker: expect.stringMatching(/^(ai|user)$/),
	createdAt: ISO,
});

describe('Thoughtly operations', () => {
	let sim: SimulatorHandle;

	beforeAll(async () => {
		// A high limit: this suite counts behaviour, not requests.
		sim = await startSimulator({ port: 0, callCompletionDelayMs: 60_000, rateLimit: 100_000 });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	describe('happy paths', () => {
		test('GET /interview lists active agents under data.interviews with a total', async () => {
			const data = expectOk(await api(sim.url, '/interview'));
			expect(Object.keys(data).sort()).toEqual(['interviews', 'total']);
			expect(data.total).toBe(SEED.counts.activeAgents);
			for (const agent of data.interviews) expect(agent).toEqual(agentShape);
			expect(data.interviews.map((a: any) => a.id)).not.toContain(SEED.agents.archived);
		});

		test('GET /interview/{id}/responses lists calls in the call schema', async () => {
			const data = expectOk(await api(sim.url, `/interview/${SEED.agents.salesQualifier}/responses`));
			expect(Object.keys(data).sort()).toEqual(['responses', 'total']);
			expect(data.total).toBe(3);
			const avery = data.responses.find((r: any) => r.id === SEED.calls.averyQualified);
			expect(avery).toEqual({
				id: SEED.calls.averyQualified,
				interview_id: SEED.agents.salesQualifier,
				contact_id: SEED.contacts.averyLee,
				job_id: SEED.jobs.springCampaign,
				direction: 'outbound',
				status: 'success',
				outcome: 'qualified',
				duration_seconds: expect.any(Number),
				recording_url: expect.stringMatching(/^https:\/\//),
				transcript: expect.arrayContaining([turnShape]),
				tags: ['qualified', 'hot-lead'],
				metadata: { campaign: 'spring-outbound', source: 'hubspot', lead_score: '82' },
				created_at: ISO,
				updated_at: ISO,
				started_at: ISO,
				ended_at: ISO,
			});
			expect(avery.transcript[0]).toEqual({
				transcript: 'Hi Avery, this is Maya from Northwind Analytics. Is now a good time?',
				speaker: 'ai',
				createdAt: ISO,
				step: 1,
				node_id: 'node_intro',
			});
		});

		test('GET /contact lists contacts under data.contacts with a total', async () => {
			const data = expectOk(await api(sim.url, '/contact'));
			expect(Object.keys(data).sort()).toEqual(['contacts', 'total']);
			expect(data.total).toBe(SEED.counts.contacts);
			expect(data.contacts.find((c: any) => c.id === SEED.contacts.averyLee)).toEqual({
				id: SEED.contacts.averyLee,
				phone_number: '+14155550123',
				name: 'Avery Lee',
				email: 'avery@example.com',
				country_code: 'US',
				tags: ['lead', 'demo-request'],
				attributes: { company: 'Acme Corp', plan_interest: 'starter' },
				created_at: ISO,
				updated_at: ISO,
			});
		});

		test('POST /contact/create returns the contact, omitting fields not given', async () => {
			const full = expectOk(
				await api(sim.url, '/contact/create', {
					method: 'POST',
					body: {
						phone_number: '+14155550199',
						name: 'Dana Scully',
						email: 'dana@example.com',
						country_code: 'US',
						tags: ['lead'],
						attributes: { company: 'FBI', nested: { ok: true } },
					},
				}),
			);
			expect(full).toEqual({
				id: expect.stringMatching(/^cnt_/),
				phone_number: '+14155550199',
				name: 'Dana Scully',
				email: 'dana@example.com',
				country_code: 'US',
				tags: ['lead'],
				attributes: { company: 'FBI', nested: { ok: true } },
				created_at: ISO,
				updated_at: ISO,
			});
			const minimal = expectOk(await api(sim.url, '/contact/create', { method: 'POST', body: { phone_number: '+442071838751' } }));
			expect(minimal).toEqual({ id: expect.any(String), phone_number: '+442071838751', created_at: ISO, updated_at: ISO });
			expect(minimal.id).not.toBe(full.id);
			expect(expectOk(await api(sim.url, '/contact')).total).toBe(SEED.counts.contacts + 2);
		});

		test('GET /contact/{id} returns the contact', async () => {
			const data = expectOk(await api(sim.url, `/contact/${SEED.contacts.jordanPatel}`));
			expect(data).toEqual(expect.objectContaining({ id: SEED.contacts.jordanPatel, name: 'Jordan Patel', phone_number: '+14155550188' }));
		});

		test('DELETE /contact/{id} deletes it', async () => {
			const data = expectOk(await api(sim.url, `/contact/${SEED.contacts.chenWei}`, { method: 'DELETE' }));
			expect(data).toEqual({ id: SEED.contacts.chenWei, deleted: true });
			expectError(await api(sim.url, `/contact/${SEED.contacts.chenWei}`), 404);
			expect(expectOk(await api(sim.url, '/contact')).total).toBe(SEED.counts.contacts - 1);
		});

		test('POST /contact/call queues a call', async () => {
			const data = expectOk(
				await api(sim.url, '/contact/call', {
					method: 'POST',
					body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier, metadata: { campaign: 'x' } },
				}),
			);
			expect(data).toEqual({
				call_id: expect.stringMatching(/^call_/),
				status: 'queued',
				interview_id: SEED.agents.salesQualifier,
				contact_id: SEED.contacts.averyLee,
				metadata: { campaign: 'x' },
			});
			const without = expectOk(
				await api(sim.url, '/contact/call', {
					method: 'POST',
					body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier, metadata: null },
				}),
			);
			expect(without).toEqual({ call_id: expect.any(String), status: 'queued', interview_id: SEED.agents.salesQualifier, contact_id: SEED.contacts.averyLee });
			// Queued calls are not responses yet.
			const responses = expectOk(await api(sim.url, `/interview/${SEED.agents.salesQualifier}/responses`));
			expect(responses.total).toBe(3);
		});

		test('GET /user returns the token owner', async () => {
			expect(expectOk(await api(sim.url, '/user'))).toEqual({ ...SEED.user, team_id: SEED.teamId });
		});

		test('webhooks: subscribe, list, unsubscribe', async () => {
			expect(expectOk(await api(sim.url, '/webhooks'))).toEqual({ webhooks: [], total: 0 });
			const plain = expectOk(
				await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: { type: 'NEW_RESPONSE', url: 'https://example.com/hook' } }),
			);
			expect(plain).toEqual({ id: expect.stringMatching(/^wh_/), type: 'NEW_RESPONSE', url: 'https://example.com/hook', created_at: ISO });
			const scoped = expectOk(
				await api(sim.url, '/webhooks/subscribe', {
					method: 'POST',
					body: { type: 'NEW_RESPONSE', url: 'https://example.com/hook', data: SEED.agents.salesQualifier },
				}),
			);
			expect(scoped).toEqual(expect.objectContaining({ data: SEED.agents.salesQualifier }));
			const list = expectOk(await api(sim.url, '/webhooks'));
			expect(list).toEqual({
				webhooks: [
					{ id: plain.id, type: 'NEW_RESPONSE', url: 'https://example.com/hook', data: null, created_at: ISO },
					{ id: scoped.id, type: 'NEW_RESPONSE', url: 'https://example.com/hook', data: SEED.agents.salesQualifier, created_at: ISO },
				],
				total: 2,
			});
			// A missing `data` names the subscription stored without data.
			expect(
				expectOk(await api(sim.url, '/webhooks/unsubscribe', { method: 'DELETE', body: { type: 'NEW_RESPONSE', url: 'https://example.com/hook' } })),
			).toEqual({ type: 'NEW_RESPONSE', url: 'https://example.com/hook', removed: true });
			expect(
				expectOk(
					await api(sim.url, '/webhooks/unsubscribe', {
						method: 'DELETE',
						body: { type: 'NEW_RESPONSE', url: 'https://example.com/hook', data: SEED.agents.salesQualifier },
					}),
				),
			).toEqual({ type: 'NEW_RESPONSE', url: 'https://example.com/hook', data: SEED.agents.salesQualifier, removed: true });
			expect(expectOk(await api(sim.url, '/webhooks')).total).toBe(0);
		});

		test('subscribe accepts all five event types and is idempotent per (type, url, data)', async () => {
			const types = ['NEW_RESPONSE', 'PHONE_TRANSFER', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'ACTION_FAILED'];
			for (const type of types) {
				expectOk(await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: { type, url: 'https://example.com/h', data: null } }));
			}
			const again = expectOk(await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: { type: 'ACTION_FAILED', url: 'https://example.com/h' } }));
			const list = expectOk(await api(sim.url, '/webhooks'));
			expect(list.total).toBe(5);
			expect(list.webhooks.map((w: any) => w.type)).toEqual(types);
			expect(list.webhooks[4].id).toBe(again.id);
		});

		test('POST /webhook/automation/{id} triggers without authentication', async () => {
			const body = { lead: { name: 'Avery', phone: '+14155550123' }, source: 'crm' };
			const data = expectOk(await api(sim.url, `/webhook/automation/${SEED.automations.leadIntake}`, { method: 'POST', body, auth: null }));
			expect(data).toEqual({ automation_id: SEED.automations.leadIntake, status: 'triggered', run_id: expect.stringMatching(/^run_/), received: body });
			expect(sim.state().teams[SEED.teamId].automationRuns).toEqual([
				expect.objectContaining({ id: data.run_id, automation_id: SEED.automations.leadIntake, received: body }),
			]);
		});
	});

	describe('authentication', () => {
		// Three columns in every row: with fewer, jest would take the third parameter for `done`.
		const authenticated: Array<[string, string, unknown]> = [
			['GET', '/interview', undefined],
			['GET', `/interview/${SEED.agents.salesQualifier}/responses`, undefined],
			['GET', '/contact', undefined],
			['POST', '/contact/create', { phone_number: '+14155550100' }],
			['GET', `/contact/${SEED.contacts.averyLee}`, undefined],
			['DELETE', `/contact/${SEED.contacts.averyLee}`, undefined],
			['POST', '/contact/call', { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier }],
			['GET', '/user', undefined],
			['GET', '/webhooks', undefined],
			['POST', '/webhooks/subscribe', { type: 'NEW_RESPONSE', url: 'https://example.com/x' }],
			['DELETE', '/webhooks/unsubscribe', { type: 'NEW_RESPONSE', url: 'https://example.com/x' }],
		];

		test.each(authenticated)('%s %s needs both headers', async (method, path, body) => {
			const missingBoth = expectError(await api(sim.url, path, { method, body, auth: null }), 401);
			expect(missingBoth.message).toMatch(/x-api-token/);
			expect(expectError(await api(sim.url, path, { method, body, auth: { token: SEED.apiToken } }), 401).message).toMatch(/team_id/);
			expect(expectError(await api(sim.url, path, { method, body, auth: { teamId: SEED.teamId } }), 401).message).toMatch(/x-api-token/);
			expectError(await api(sim.url, path, { method, body, auth: { token: 'tk_wrong', teamId: SEED.teamId } }), 401);
			expectError(await api(sim.url, path, { method, body, auth: { token: SEED.apiToken, teamId: SEED.otherTeam.teamId } }), 401);
			// Nothing changed.
			expect(sim.state().teams[SEED.teamId].contacts).toHaveLength(SEED.counts.contacts);
			expect(sim.state().teams[SEED.teamId].webhooks).toHaveLength(0);
		});

		test('the older x-api-key header is not accepted', async () => {
			const result = await api(sim.url, '/user', { auth: { teamId: SEED.teamId }, headers: { 'x-api-key': SEED.apiToken } });
			expectError(result, 401);
		});

		test('an automation of a team with webhook verification needs that team’s token', async () => {
			const path = `/webhook/automation/${SEED.automations.verifiedFollowUp}`;
			const body = { policy: 'HOME-2231' };
			expect(expectError(await api(sim.url, path, { method: 'POST', body, auth: null }), 401).message).toMatch(/verification/);
			expectError(await api(sim.url, path, { method: 'POST', body, auth: { token: SEED.apiToken } }), 401);
			const data = expectOk(await api(sim.url, path, { method: 'POST', body, auth: { token: SEED.otherTeam.apiToken } }));
			expect(data).toEqual(expect.objectContaining({ automation_id: SEED.automations.verifiedFollowUp, status: 'triggered', received: body }));
		});
	});

	describe('validation', () => {
		const create = (body: unknown) => api(sim.url, '/contact/create', { method: 'POST', body });

		test('create contact: required, unknown field, E.164, email, types', async () => {
			expectError(await create({ name: 'No Phone' }), 400, 'phone_number');
			expect(expectError(await create({ phone_number: '+14155550100', phone: 'x' }), 400, 'phone').message).toMatch(/not an allowed field/);
			for (const bad of ['4155550123', '+04155550123', '+1 415 555 0123', '+1234567890123456', '+1']) {
				expect(expectError(await create({ phone_number: bad }), 400, 'phone_number').message).toMatch(/E\.164/);
			}
			expectError(await create({ phone_number: 14155550123 }), 400, 'phone_number');
			expectError(await create({ phone_number: '+14155550100', email: 'not-an-email' }), 400, 'email');
			expectError(await create({ phone_number: '+14155550100', tags: 'lead' }), 400, 'tags');
			expectError(await create({ phone_number: '+14155550100', tags: ['ok', 3] }), 400, 'tags[1]');
			expectError(await create({ phone_number: '+14155550100', attributes: ['a'] }), 400, 'attributes');
			expectError(await create({ phone_number: '+14155550100', name: null }), 400, 'name');
			expectError(await create(['+14155550100']), 400, 'body');
			expect(sim.state().teams[SEED.teamId].contacts).toHaveLength(SEED.counts.contacts);
		});

		test('bodies must be JSON', async () => {
			expectError(await api(sim.url, '/contact/create', { method: 'POST', rawBody: '{"phone_number": ' }), 400, 'body');
			expectError(
				await api(sim.url, '/contact/create', { method: 'POST', rawBody: 'phone_number=%2B14155550100', contentType: 'application/x-www-form-urlencoded' }),
				400,
				'body',
			);
			expectError(await api(sim.url, '/contact/create', { method: 'POST' }), 400, 'body');
		});

		test('call: required ids, metadata type', async () => {
			// The old docs' `agent_id` is not the spec's `interview_id`.
			expectError(
				await api(sim.url, '/contact/call', { method: 'POST', body: { contact_id: SEED.contacts.averyLee, agent_id: SEED.agents.salesQualifier } }),
				400,
				'interview_id',
			);
			expectError(await api(sim.url, '/contact/call', { method: 'POST', body: { interview_id: SEED.agents.salesQualifier } }), 400, 'contact_id');
			expectError(
				await api(sim.url, '/contact/call', {
					method: 'POST',
					body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier, metadata: 'x' },
				}),
				400,
				'metadata',
			);
		});

		test('subscribe and unsubscribe bodies', async () => {
			const subscribe = (body: unknown) => api(sim.url, '/webhooks/subscribe', { method: 'POST', body });
			const unsubscribe = (body: unknown) => api(sim.url, '/webhooks/unsubscribe', { method: 'DELETE', body });
			expectError(await subscribe({ type: 'CALL_DONE', url: 'https://example.com/h' }), 400, 'type');
			expectError(await subscribe({ type: 'NEW_RESPONSE', url: 'not a url' }), 400, 'url');
			expectError(await subscribe({ type: 'NEW_RESPONSE' }), 400, 'url');
			expectError(await subscribe({ type: 'NEW_RESPONSE', url: 'https://example.com/h', data: 42 }), 400, 'data');
			expect(expectError(await unsubscribe({ type: 'NEW_RESPONSE', url: 'https://example.com/h', data: null }), 400, 'data').message).toMatch(/null/);
			expectError(await unsubscribe({ type: 'NEW_RESPONSE', url: 'https://example.com/h', id: 'wh_1' }), 400, 'id');
			expectError(await unsubscribe({ type: 'NOPE', url: 'https://example.com/h' }), 400, 'type');
		});

		test('query parameters: types, enums, ranges, unknown names', async () => {
			expectError(await api(sim.url, '/contact?limit=51'), 400, 'limit');
			expectError(await api(sim.url, '/interview?limit=51'), 400, 'limit');
			expectError(await api(sim.url, `/interview/${SEED.agents.salesQualifier}/responses?limit=51`), 400, 'limit');
			expectError(await api(sim.url, '/contact?limit=0'), 400, 'limit');
			expectError(await api(sim.url, '/contact?page=-1'), 400, 'page');
			expectError(await api(sim.url, '/contact?page=first'), 400, 'page');
			expectError(await api(sim.url, '/contact?limit=10&limit=20'), 400, 'limit');
			expectError(await api(sim.url, '/contact?sortDirection=up'), 400, 'sortDirection');
			expectError(await api(sim.url, '/contact?phone_numbers_only=yes'), 400, 'phone_numbers_only');
			expectError(await api(sim.url, '/contact?sort=shoe_size'), 400, 'sort');
			expectError(await api(sim.url, '/interview?status=DELETED'), 400, 'status');
			expectError(await api(sim.url, '/interview?all_interviews=1'), 400, 'all_interviews');
			expectError(await api(sim.url, '/interview?sort=newest'), 400, 'sort');
			// Arrays go as repeated keys; bracketed keys are not parameters of the spec.
			expectError(await api(sim.url, '/contact?tags[0]=lead'), 400, 'tags[0]');
			expectError(await api(sim.url, '/contact?tags%5B%5D=lead'), 400, 'tags[]');
			expectError(await api(sim.url, '/contact?pageSize=5'), 400, 'pageSize');
			expectError(await api(sim.url, '/user?verbose=true'), 400, 'verbose');
		});
	});

	describe('not found', () => {
		test('unknown IDs answer 404 in the envelope', async () => {
			expectError(await api(sim.url, '/contact/cnt_missing'), 404);
			expectError(await api(sim.url, '/contact/cnt_missing', { method: 'DELETE' }), 404);
			expectError(await api(sim.url, '/interview/agt_missing/responses'), 404);
			expectError(
				await api(sim.url, '/contact/call', { method: 'POST', body: { contact_id: 'cnt_missing', interview_id: SEED.agents.salesQualifier } }),
				404,
				'contact_id',
			);
			expectError(
				await api(sim.url, '/contact/call', { method: 'POST', body: { contact_id: SEED.contacts.averyLee, interview_id: 'agt_missing' } }),
				404,
				'interview_id',
			);
			expectError(await api(sim.url, '/webhooks/unsubscribe', { method: 'DELETE', body: { type: 'NEW_RESPONSE', url: 'https://example.com/none' } }), 404);
			expectError(await api(sim.url, '/webhook/automation/aut_missing', { method: 'POST', body: {}, auth: null }), 404);
			expectError(await api(sim.url, '/no/such/path'), 404);
		});

		test('a known path with another method answers 405', async () => {
			const result = await api(sim.url, '/contact/create', { method: 'GET' });
			expect(result.status).toBe(404); // GET /contact/create is GET /contact/{id} with id "create"
			const put = await api(sim.url, '/user', { method: 'PUT' });
			expectError(put, 405);
			expect(put.headers.get('allow')).toBe('GET');
		});
	});

	describe('calls', () => {
		test('403 when the agent has outbound calling disabled', async () => {
			const error = expectError(
				await api(sim.url, '/contact/call', {
					method: 'POST',
					body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.outboundDisabled },
				}),
				403,
			);
			expect(error.message).toBe('Outbound calling is disabled for this agent');
			expect(sim.state().teams[SEED.teamId].calls).toHaveLength(SEED.counts.calls);
		});

		test('archived agents and contacts without a phone number cannot be called', async () => {
			expectError(
				await api(sim.url, '/contact/call', { method: 'POST', body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.archived } }),
				400,
				'interview_id',
			);
			expectError(
				await api(sim.url, '/contact/call', {
					method: 'POST',
					body: { contact_id: SEED.contacts.chatVisitor, interview_id: SEED.agents.salesQualifier },
				}),
				400,
				'contact_id',
			);
		});
	});

	describe('lists', () => {
		const ids = (data: any, key: string) => data[key].map((x: any) => x.id);

		test('pagination: default 20, last partial page, empty page, limit 50', async () => {
			sim.seedContacts(45); // 51 contacts in all
			const first = expectOk(await api(sim.url, '/contact'));
			expect(first.contacts).toHaveLength(20);
			expect(first.total).toBe(51);
			const full = expectOk(await api(sim.url, '/contact?limit=50&page=0'));
			expect(full.contacts).toHaveLength(50);
			const last = expectOk(await api(sim.url, '/contact?limit=50&page=1'));
			expect(last.contacts).toHaveLength(1);
			expect(last.total).toBe(51);
			expect(ids(full, 'contacts')).not.toContain(last.contacts[0].id);
			const empty = expectOk(await api(sim.url, '/contact?limit=50&page=2'));
			expect(empty).toEqual({ contacts: [], total: 51 });
			// Pages do not overlap and cover everything.
			const seen = new Set<string>();
			for (let page = 0; page < 11; page++) {
				for (const id of ids(expectOk(await api(sim.url, `/contact?limit=5&page=${page}`)), 'contacts')) seen.add(id);
			}
			expect(seen.size).toBe(51);
		});

		test('agent filters: archived hidden by default, status, search, sort', async () => {
			expect(expectOk(await api(sim.url, '/interview?all_interviews=true')).total).toBe(SEED.counts.agents);
			expect(ids(expectOk(await api(sim.url, '/interview?status=ARCHIVED')), 'interviews')).toEqual([SEED.agents.archived]);
			expect(ids(expectOk(await api(sim.url, '/interview?status=ACTIVE&all_interviews=true')), 'interviews')).not.toContain(SEED.agents.archived);
			expect(ids(expectOk(await api(sim.url, '/interview?search=sales')), 'interviews')).toEqual([SEED.agents.salesQualifier]);
			expect(ids(expectOk(await api(sim.url, '/interview?search=winter')), 'interviews')).toEqual([]);
			expect(ids(expectOk(await api(sim.url, '/interview?search=winter&all_interviews=true')), 'interviews')).toEqual([SEED.agents.archived]);
			const byTitle = expectOk(await api(sim.url, '/interview?sort=title_asc&all_interviews=true')).interviews.map((a: any) => a.title);
			expect(byTitle).toEqual(['Appointment Reminder', 'Inbound Support Line', 'Sales Qualifier', 'Winter Promo 2025']);
			const byTitleDesc = expectOk(await api(sim.url, '/interview?sort=title_desc')).interviews.map((a: any) => a.title);
			expect(byTitleDesc).toEqual(['Sales Qualifier', 'Inbound Support Line', 'Appointment Reminder']);
			expect(ids(expectOk(await api(sim.url, '/interview?sort=created_asc&all_interviews=true')), 'interviews')).toEqual([
				SEED.agents.archived,
				SEED.agents.salesQualifier,
				SEED.agents.appointmentReminder,
				SEED.agents.outboundDisabled,
			]);
			expect(ids(expectOk(await api(sim.url, '/interview?sort=created_desc&limit=1&page=1')), 'interviews')).toEqual([SEED.agents.appointmentReminder]);
		});

		test('contact filters: search, tags any-of, excluded tags, phone numbers only, sort', async () => {
			const C = SEED.contacts;
			const get = async (q: string) => ids(expectOk(await api(sim.url, `/contact?${q}`)), 'contacts').sort();
			expect(await get('search=avery')).toEqual([C.averyLee]);
			expect(await get('search=GLOBEX')).toEqual([]); // attributes are not searched
			expect(await get('search=jordan.patel%40example')).toEqual([C.jordanPatel]);
			expect(await get('search=%2B4420')).toEqual([C.chenWei]);
			expect(await get('tags=vip')).toEqual([C.jordanPatel]);
			expect(await get('tags=vip&tags=spanish')).toEqual([C.jordanPatel, C.mariaGonzalez].sort());
			expect(await get('tags=lead&excluded_tags=do-not-call')).toEqual([C.averyLee, C.mariaGonzalez].sort());
			expect(await get('excluded_tags=lead&excluded_tags=chat')).toEqual([C.chenWei, C.jordanPatel].sort());
			expect(await get('phone_numbers_only=true')).not.toContain(C.chatVisitor);
			expect((await get('phone_numbers_only=true')).length).toBe(SEED.counts.contactsWithPhone);
			expect((await get('phone_numbers_only=false')).length).toBe(SEED.counts.contacts);
			const names = async (q: string) => expectOk(await api(sim.url, `/contact?${q}`)).contacts.map((c: any) => c.name);
			expect(await names('sort=name&sortDirection=asc')).toEqual([
				'Avery Lee',
				'Chen Wei',
				'Jordan Patel',
				'María González',
				'Priya Raman',
				'Robin Chatfield',
			]);
			expect(await names('sort=name&sortDirection=desc&limit=2')).toEqual(['Robin Chatfield', 'Priya Raman']);
			expect(await names('sort=created_at&sortDirection=asc&limit=1')).toEqual(['Avery Lee']);
			// Default order: newest first.
			expect(await names('limit=1')).toEqual(['Robin Chatfield']);
		});

		test('response filters: status any-of, tags any-of, job id, search', async () => {
			const K = SEED.calls;
			const path = `/interview/${SEED.agents.salesQualifier}/responses`;
			const get = async (q: string) => ids(expectOk(await api(sim.url, `${path}?${q}`)), 'responses').sort();
			expect(await get('status=voicemail')).toEqual([K.priyaVoicemail]);
			expect(await get('status=success&status=failure')).toEqual([K.averyQualified, K.mariaNotInterested].sort());
			expect(await get('response_tags=hot-lead')).toEqual([K.averyQualified]);
			expect(await get('response_tags=voicemail&response_tags=not-interested')).toEqual([K.mariaNotInterested, K.priyaVoicemail].sort());
			expect(await get(`job_id=${SEED.jobs.springCampaign}`)).toEqual([K.averyQualified, K.priyaVoicemail].sort());
			expect(await get('job_id=job_unknown')).toEqual([]);
			expect(await get('search=another%20vendor')).toEqual([K.mariaNotInterested]);
			expect(await get('search=priya')).toEqual([K.priyaVoicemail]);
			expect(await get('search=%2B34911')).toEqual([K.mariaNotInterested]);
			const reminder = expectOk(await api(sim.url, `/interview/${SEED.agents.appointmentReminder}/responses`));
			expect(ids(reminder, 'responses')).toEqual([K.jordanConfirmed]);
			// Responses of archived agents stay searchable.
			expect(ids(expectOk(await api(sim.url, `/interview/${SEED.agents.archived}/responses`)), 'responses')).toEqual([K.chenBooked]);
		});

		test('responses: newest first by default, oldest first with the responses-oldest-first variant', async () => {
			const K = SEED.calls;
			const path = `/interview/${SEED.agents.salesQualifier}/responses`;
			const newestFirst = ids(expectOk(await api(sim.url, path)), 'responses');
			expect(newestFirst).toEqual([K.mariaNotInterested, K.priyaVoicemail, K.averyQualified]);
			sim.configure({ variants: ['responses-oldest-first'] });
			try {
				expect(ids(expectOk(await api(sim.url, path)), 'responses')).toEqual([...newestFirst].reverse());
				// Pages follow the order: the first page holds the oldest.
				expect(ids(expectOk(await api(sim.url, `${path}?limit=1&page=0`)), 'responses')).toEqual([K.averyQualified]);
			} finally {
				sim.configure({ variants: [] });
			}
			expect(ids(expectOk(await api(sim.url, path)), 'responses')).toEqual(newestFirst);
		});
	});

	describe('team isolation', () => {
		const asTwo = { auth: teamTwo };

		test('team two sees only its own data', async () => {
			const agents = expectOk(await api(sim.url, '/interview?all_interviews=true', asTwo));
			expect(agents.interviews.map((a: any) => a.id)).toEqual([SEED.otherTeam.agents.renewalConcierge]);
			const contacts = expectOk(await api(sim.url, '/contact', asTwo));
			expect(contacts.contacts.map((c: any) => c.id).sort()).toEqual(Object.values(SEED.otherTeam.contacts).sort());
			expect(expectOk(await api(sim.url, '/user', asTwo))).toEqual({ ...SEED.otherTeam.user, team_id: SEED.otherTeam.teamId });
			const responses = expectOk(await api(sim.url, `/interview/${SEED.otherTeam.agents.renewalConcierge}/responses`, asTwo));
			expect(responses.responses.map((r: any) => r.id)).toEqual([SEED.otherTeam.calls.boRenewed]);
		});

		test("neither team can read, delete or call with the other's records", async () => {
			expectError(await api(sim.url, `/contact/${SEED.contacts.averyLee}`, asTwo), 404);
			expectError(await api(sim.url, `/contact/${SEED.contacts.averyLee}`, { ...asTwo, method: 'DELETE' }), 404);
			expectError(await api(sim.url, `/contact/${SEED.otherTeam.contacts.boJensen}`), 404);
			expectError(await api(sim.url, `/interview/${SEED.agents.salesQualifier}/responses`, asTwo), 404);
			expectError(
				await api(sim.url, '/contact/call', {
					method: 'POST',
					body: { contact_id: SEED.otherTeam.contacts.boJensen, interview_id: SEED.agents.salesQualifier },
				}),
				404,
				'contact_id',
			);
			expect(sim.state().teams[SEED.teamId].contacts).toHaveLength(SEED.counts.contacts);
		});

		test('created contacts and subscriptions stay in their team', async () => {
			expectOk(await api(sim.url, '/contact/create', { ...asTwo, method: 'POST', body: { phone_number: '+4520999999', name: 'Two Only' } }));
			expectOk(await api(sim.url, '/webhooks/subscribe', { ...asTwo, method: 'POST', body: { type: 'NEW_RESPONSE', url: 'https://two.example/h' } }));
			expect(expectOk(await api(sim.url, '/contact?search=Two%20Only')).total).toBe(0);
			expect(expectOk(await api(sim.url, '/webhooks')).total).toBe(0);
			expect(expectOk(await api(sim.url, '/webhooks', asTwo)).total).toBe(1);
			expectError(
				await api(sim.url, '/webhooks/unsubscribe', { method: 'DELETE', body: { type: 'NEW_RESPONSE', url: 'https://two.example/h' } }),
				404,
			);
		});
	});

	describe('request log', () => {
		test('records every Thoughtly request with repeated keys as arrays; control calls are not logged', async () => {
			sim.clearRequests();
			await api(sim.url, '/contact?tags=a&tags=b&search=x&limit=5');
			await api(sim.url, '/contact/create', { method: 'POST', body: { phone_number: '+14155550100' } });
			await fetch(`${sim.url}/__simulator/state`);
			const log = sim.requests();
			expect(log).toHaveLength(2);
			expect(log[0]).toEqual({
				method: 'GET',
				path: '/contact',
				query: { tags: ['a', 'b'], search: 'x', limit: '5' },
				headers: expect.objectContaining({ 'x-api-token': SEED.apiToken, team_id: SEED.teamId }),
				body: undefined,
				rawBody: '',
				at: ISO,
				status: 200,
			});
			expect(log[1]).toEqual(
				expect.objectContaining({
					method: 'POST',
					path: '/contact/create',
					body: { phone_number: '+14155550100' },
					rawBody: '{"phone_number":"+14155550100"}',
					status: 200,
				}),
			);
			expect(log[1].headers['content-type']).toBe('application/json');
		});
	});
});
