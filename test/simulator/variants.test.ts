/** Variants: answers the spec leaves open, switched on by name, and off again by default. */
import { type SimulatorHandle, SEED, startSimulator } from './index';
import { api } from './testkit';

describe('variants', () => {
	let sim: SimulatorHandle;

	beforeAll(async () => {
		sim = await startSimulator({ port: 0 });
	});
	afterAll(() => sim.stop());
	beforeEach(() => {
		sim.configure({ variants: [] });
		sim.reset();
	});

	const subscription = (type: string) => ({ type, url: 'https://n8n.example.com/webhook/x' });

	test('none by default: lists carry a total, deletes answer the envelope, every event type subscribes', async () => {
		expect(sim.configure({})).toMatchObject({ variants: [] });
		const contacts = await api(sim.url, '/contact?page=0&limit=2');
		expect(contacts.body.data).toEqual({ contacts: expect.any(Array), total: SEED.counts.contacts });
		expect((await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: subscription('ACTION_FAILED') })).status).toBe(200);
		const deleted = await api(sim.url, `/contact/${SEED.contacts.chenWei}`, { method: 'DELETE' });
		expect([deleted.status, deleted.body]).toEqual([200, { data: { id: SEED.contacts.chenWei, deleted: true }, error: null }]);
	});

	test('delete-no-content: 204 without a body, and the contact is gone', async () => {
		sim.configure({ variants: ['delete-no-content'] });
		const deleted = await api(sim.url, `/contact/${SEED.contacts.chenWei}`, { method: 'DELETE' });
		expect([deleted.status, deleted.text]).toEqual([204, '']);
		expect(sim.state().teams[SEED.teamId].contacts.map((c) => c.id)).not.toContain(SEED.contacts.chenWei);
		expect(sim.requests().map((r) => r.status)).toEqual([204]);
	});

	test('delete-empty-200: 200 with an empty body, also for unsubscribe', async () => {
		sim.configure({ variants: ['delete-empty-200'] });
		await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: subscription('NEW_RESPONSE') });
		const removed = await api(sim.url, '/webhooks/unsubscribe', { method: 'DELETE', body: subscription('NEW_RESPONSE') });
		expect([removed.status, removed.text]).toEqual([200, '']);
		expect(sim.state().teams[SEED.teamId].webhooks).toEqual([]);
	});

	test('count-is-page-size: count is the number of records on the page, no total', async () => {
		sim.configure({ variants: ['count-is-page-size'] });
		const page = await api(sim.url, '/contact?page=1&limit=4');
		expect(Object.keys(page.body.data)).toEqual(['contacts', 'count']);
		expect(page.body.data.count).toBe(SEED.counts.contacts - 4);
		expect(page.body.data.contacts).toHaveLength(SEED.counts.contacts - 4);
	});

	test('bare-lists: data is the list itself', async () => {
		sim.configure({ variants: ['bare-lists'] });
		const agents = await api(sim.url, '/interview?limit=2');
		expect(agents.body.data.map((a: { id: string }) => a.id)).toEqual([
			SEED.agents.outboundDisabled,
			SEED.agents.appointmentReminder,
		]);
		expect((await api(sim.url, '/webhooks')).body.data).toEqual([]);
	});

	test('ignore-page: every page is the first page', async () => {
		sim.configure({ variants: ['ignore-page'] });
		const first = await api(sim.url, '/contact?page=0&limit=2');
		const second = await api(sim.url, '/contact?page=1&limit=2');
		expect(first.body.data.contacts).toHaveLength(2);
		expect(second.body.data.contacts).toEqual(first.body.data.contacts);
	});

	test('subscribe-spec-types: only NEW_RESPONSE and PHONE_TRANSFER; the others get 400 naming type', async () => {
		sim.configure({ variants: ['subscribe-spec-types'] });
		for (const type of ['NEW_RESPONSE', 'PHONE_TRANSFER']) {
			expect((await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: subscription(type) })).status).toBe(200);
		}
		for (const type of ['FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'ACTION_FAILED']) {
			const refused = await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: subscription(type) });
			expect([refused.status, refused.body]).toEqual([
				400,
				{
					data: null,
					error: {
						message: 'type must be one of NEW_RESPONSE, PHONE_TRANSFER',
						code: 'VALIDATION_ERROR',
						details: [{ field: 'type', message: 'must be one of NEW_RESPONSE, PHONE_TRANSFER' }],
					},
				},
			]);
		}
		expect(sim.state().teams[SEED.teamId].webhooks.map((w) => w.type)).toEqual(['NEW_RESPONSE', 'PHONE_TRANSFER']);
	});

	test('variants survive reset, can be set at start, and unknown names are refused', async () => {
		sim.configure({ variants: ['bare-lists'] });
		sim.reset();
		expect(Array.isArray((await api(sim.url, '/contact')).body.data)).toBe(true);
		expect(() => sim.configure({ variants: ['no-such-variant' as never] })).toThrow(/variants must be a list of/);

		const other = await startSimulator({ port: 0, variants: ['delete-no-content'] });
		try {
			expect((await api(other.url, `/contact/${SEED.contacts.chenWei}`, { method: 'DELETE' })).status).toBe(204);
		} finally {
			await other.stop();
		}
	});
});
