/**
 * Answers the spec leaves open, from the simulator's variants: empty bodies to a delete, a
 * `count` that is the page size, bare lists, a server that ignores `page`; a DELETE whose first
 * answer was lost; and what the automation trigger sends (a body, and only the API token).
 */
import type { IDataObject } from 'n8n-workflow';

import { bulkContact } from '../../simulator/seed';
import { SEED, type Variant } from '../../simulator';
import { byId, itemsOf, useThoughtly } from './fixture';

const t = useThoughtly();

afterEach(() => t.sim.configure({ variants: [] }));

function useVariant(variant: Variant) {
	t.sim.configure({ variants: [variant] });
}

const deleteContact = (id: string) => ({ resource: 'contact', operation: 'delete', contactId: byId(id) });

describe('an empty answer to a delete', () => {
	it.each(['delete-no-content', 'delete-empty-200'] as const)('%s: Delete returns { id, deleted: true }', async (variant) => {
		useVariant(variant);
		const result = await t.run(deleteContact(SEED.contacts.chenWei));
		expect(result.error).toBeUndefined();
		expect(t.sim.requests().map((r) => [r.method, r.status])).toEqual([['DELETE', variant === 'delete-no-content' ? 204 : 200]]);
		expect(itemsOf(result)).toEqual([{ json: { id: SEED.contacts.chenWei, deleted: true }, pairedItem: { item: 0 } }]);
	});

	it('delete-no-content: Unsubscribe returns the subscription, removed', async () => {
		const url = 'https://n8n.example.com/webhook/x';
		await t.run({ resource: 'webhook', operation: 'subscribe', event: 'NEW_RESPONSE', url, data: '' });
		useVariant('delete-no-content');
		const result = await t.run({ resource: 'webhook', operation: 'unsubscribe', event: 'NEW_RESPONSE', url, data: '' });
		expect(result.error).toBeUndefined();
		expect(itemsOf(result)).toEqual([{ json: { type: 'NEW_RESPONSE', url, removed: true }, pairedItem: { item: 0 } }]);
	});
});

describe('a DELETE sent again after its answer was lost', () => {
	it('gets 404 because the first one worked: reported as deleted', async () => {
		t.sim.injectFault({ kind: 'drop', method: 'DELETE', takeEffect: true });
		const result = await t.run(deleteContact(SEED.contacts.chenWei));

		expect(result.error).toBeUndefined();
		expect(t.sim.requests().map((r) => r.fault ?? r.status)).toEqual(['drop', 404]);
		expect(itemsOf(result)).toEqual([{ json: { id: SEED.contacts.chenWei, deleted: true }, pairedItem: { item: 0 } }]);
	});

	it('a 404 to the first attempt is still "nothing with this ID"', async () => {
		const { error } = await t.run(deleteContact('cnt_missing'));
		expect(t.sim.requests().map((r) => r.status)).toEqual([404]);
		expect(error?.description).toMatch(/^Nothing with this ID exists/);
	});
});

/** Team one's contacts in the order GET /contact serves them (newest first). */
function contactsNewestFirst(): string[] {
	return Array.from({ length: 114 }, (_, i) => bulkContact(114 - i).id);
}

describe('pagination that does not trust count', () => {
	it('count-is-page-size: Return All reads on until a short page', async () => {
		useVariant('count-is-page-size');
		t.sim.seedContacts(114); // 120 in all
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: true, filters: {} });

		expect(t.sent().map((r) => r.query.page)).toEqual(['0', '1', '2']);
		expect(result.items).toHaveLength(120);
		expect(result.items.slice(6).map((item) => item.json.id)).toEqual(contactsNewestFirst());
	});

	it('count-is-page-size: the contact picker offers the next page', async () => {
		useVariant('count-is-page-size');
		t.sim.seedContacts(70);
		const first = await t.n8n.listSearch({
			type: 'thoughtly',
			method: 'searchContacts',
			credentials: { thoughtlyApi: t.credential },
		});
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toMatch(/^1:/);
	});

	it('ignore-page: the contact picker says so instead of showing the first page again and again', async () => {
		useVariant('ignore-page');
		t.sim.seedContacts(70);
		const search = (paginationToken?: string) =>
			t.n8n.listSearch({ type: 'thoughtly', method: 'searchContacts', credentials: { thoughtlyApi: t.credential }, paginationToken });
		const first = await search();
		await expect(search(first.paginationToken as string)).rejects.toThrow(
			'Thoughtly answered page 2 of GET /contact with the same records as page 1',
		);
	});

	it('bare-lists: Return All reads every page', async () => {
		useVariant('bare-lists');
		t.sim.seedContacts(114);
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: true, filters: {} });
		expect(t.sent().map((r) => r.query.page)).toEqual(['0', '1', '2']);
		expect(result.items).toHaveLength(120);
	});

	it('ignore-page: Return All stops with a clear error instead of reading forever', async () => {
		useVariant('ignore-page');
		t.sim.seedContacts(114);
		const { error, items } = await t.run({ resource: 'contact', operation: 'getMany', returnAll: true, filters: {} });

		expect(t.sent().map((r) => r.query.page)).toEqual(['0', '1']);
		expect(items).toEqual([]);
		expect(error?.message).toBe('Thoughtly answered page 2 of GET /contact with the same records as page 1');
		expect(error?.description).toMatch(/ignore the "page" parameter/);
	});

	it('ignore-page: a Limit that fits one page still works', async () => {
		useVariant('ignore-page');
		t.sim.seedContacts(114);
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: false, limit: 30, filters: {} });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(30);
	});
});

describe('automation trigger', () => {
	it('with the default empty payload sends {} as JSON', async () => {
		const result = await t.run({
			resource: 'automation',
			operation: 'trigger',
			automationId: SEED.automations.leadIntake,
			payload: '{}',
		});
		expect(result.error).toBeUndefined();
		const [request] = t.sim.requests();
		expect(request.rawBody).toBe('{}');
		expect(request.headers['content-type']).toMatch(/^application\/json/);
	});

	it('with Webhook Verification sends the API token only, not the team ID', async () => {
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
		expect(result.error).toBeUndefined();
		const [request] = t.sim.requests();
		expect(request.headers['x-api-token']).toBe(SEED.otherTeam.apiToken);
		expect(request.headers).not.toHaveProperty('team_id');
		expect((result.items[0].json as IDataObject).status).toBe('triggered');
	});
});
